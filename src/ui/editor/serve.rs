//! Run → "Accept HTTP requests on port…" (feature `serve`): a loopback server over the live
//! run's host (`crate::serve::Server`), the URL of each API with a copy button beside the
//! live run, stopped with the run and following its resets.

use super::Editor;
use crate::model::{KindTag, NodeId};
use crate::ui::message::{Action, RunAction};
use crate::ui::shell::theme;

/// The port field's dialog.
#[derive(Clone, Debug)]
pub(super) struct ServePrompt {
    /// The port as typed.
    pub(super) port: String,
    /// Why the last try did not start.
    pub(super) problem: Option<String>,
}

impl ServePrompt {
    /// The field at the CLI's default port (`eventloom serve --port`).
    pub(super) fn new() -> Self {
        Self {
            port: crate::serve::ServeOptions::default().port.to_string(),
            problem: None,
        }
    }
}

/// A server running over the live run.
pub(super) struct Serving {
    server: crate::serve::Server,
    /// The run project's revision the routes were made from.
    revision: u64,
}

impl Editor {
    /// Starts serving the project's APIs on `port` over the live run, starting (and playing)
    /// a run first if there is none. A busy port or a project without an API is refused
    /// with the reason in the port dialog.
    pub(super) fn start_serving(&mut self, ctx: &egui::Context, port: u16) {
        self.stop_serving();
        if !self
            .project
            .graph
            .nodes
            .values()
            .any(|n| n.kind.tag() == KindTag::HttpApi)
        {
            self.serve_refused(crate::serve::ServeError::NoApi.to_string());
            return;
        }
        if self.live.is_none() {
            self.handle(ctx, Action::Run(RunAction::Play));
        }
        let Some(run) = &self.live else {
            self.serve_refused("the run did not start (see the status bar)".to_owned());
            return;
        };
        let Some(external) = run.external_port() else {
            self.serve_refused(
                "this run has no clock to answer real requests by (inline run)".to_owned(),
            );
            return;
        };
        let revision = run.project_revision;
        let options = crate::serve::ServeOptions {
            port,
            ..Default::default()
        };
        match crate::serve::Server::start(external, &run.project, options) {
            Ok(server) => {
                let addr = server.addr();
                self.serve_prompt = None;
                self.serving = Some(Serving { server, revision });
                if self.live.as_ref().is_some_and(|r| !r.is_active()) {
                    self.handle(ctx, Action::Run(RunAction::Play));
                }
                self.set_status(
                    format!("Accepting HTTP requests on http://{addr}/ (this computer only)"),
                    false,
                );
            }
            Err(e) => self.serve_refused(serve_error_text(&e, port)),
        }
    }

    fn serve_refused(&mut self, why: String) {
        self.set_status(format!("Not serving: {why}"), true);
        self.serve_prompt
            .get_or_insert_with(ServePrompt::new)
            .problem = Some(why);
    }

    /// Stops serving (requests in flight are answered 503); says what it served.
    pub(super) fn stop_serving(&mut self) {
        if let Some(s) = self.serving.take() {
            let summary = s.server.stop();
            self.set_status(
                format!(
                    "Stopped accepting HTTP requests ({} answered)",
                    summary.requests
                ),
                false,
            );
        }
    }

    /// Once a frame: the server stops with the run and serves the routes of a reset run;
    /// the canvas shows each served API's URL under it.
    pub(super) fn serve_frame(&mut self) {
        let Some(s) = &mut self.serving else {
            self.canvas.captions.clear();
            return;
        };
        self.canvas.captions = self
            .project
            .graph
            .nodes
            .keys()
            .filter_map(|id| Some((id.clone(), s.server.url_of(id)?)))
            .collect();
        match &self.live {
            None => self.stop_serving(),
            Some(run) if run.project_revision != s.revision => {
                s.server.set_project(&run.project);
                s.revision = run.project_revision;
            }
            Some(_) => {}
        }
    }

    /// The served URL of an API node, while serving.
    pub fn served_url(&self, api: &NodeId) -> Option<String> {
        self.serving.as_ref()?.server.url_of(api)
    }

    /// Beside the live run: where each API is served, with a copy button and a curl line.
    pub(super) fn serving_ui(&mut self, ui: &mut egui::Ui) {
        let Some(s) = &self.serving else {
            return;
        };
        ui.horizontal(|ui| {
            ui.strong("Accepting HTTP requests");
            if ui
                .button("Stop")
                .on_hover_text("Stop accepting real requests (the run goes on)")
                .clicked()
            {
                self.actions.push(Action::StopServing);
            }
        });
        let apis = self
            .project
            .graph
            .nodes
            .iter()
            .filter(|(_, n)| n.kind.tag() == KindTag::HttpApi);
        let mut copied = None;
        for (id, node) in apis {
            let Some(url) = s.server.url_of(id) else {
                ui.label(format!("{}: not served (restart the run)", node.name));
                continue;
            };
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new(&node.name).color(theme::kind_color(KindTag::HttpApi)),
                );
                ui.monospace(&url);
                if ui
                    .small_button("Copy")
                    .on_hover_text(format!("Copy: curl -X POST -d '{{}}' {url}"))
                    .clicked()
                {
                    ui.ctx().copy_text(url.clone());
                    copied = Some(url.clone());
                }
            });
        }
        ui.label(
            egui::RichText::new("Real requests travel the simulated path; they are marked external in Logs and Traces")
                .small()
                .weak(),
        );
        ui.separator();
        if let Some(url) = copied {
            self.set_status(format!("Copied {url}"), false);
        }
    }

    /// The port dialog of Run → "Accept HTTP requests on port…".
    pub(super) fn serve_prompt_ui(&mut self, ctx: &egui::Context) {
        let Some(prompt) = &mut self.serve_prompt else {
            return;
        };
        let (mut start, mut cancel) = (false, false);
        let r = egui::Modal::new(egui::Id::new("serve-prompt")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("Accept HTTP requests");
            ui.label(
                "Serves every HTTP API of the design on 127.0.0.1 (this computer only) while the run goes on; real requests travel the simulated path and get its answer",
            );
            let field = ui.horizontal(|ui| {
                let label = ui.label("Port");
                let edit = egui::TextEdit::singleline(&mut prompt.port).desired_width(80.0);
                ui.add(edit).labelled_by(label.id)
            });
            if field.inner.changed() {
                prompt.problem = None;
            }
            if field.inner.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                start = true;
            }
            if let Some(p) = &prompt.problem {
                ui.label(egui::RichText::new(p).color(theme::severity_color(crate::model::Severity::Error)));
            }
            ui.horizontal(|ui| {
                start |= ui.button("Start serving").clicked();
                cancel = ui.button("Cancel").clicked();
            });
        });
        if cancel || r.should_close() {
            self.serve_prompt = None;
        } else if start {
            match prompt.port.trim().parse::<u16>() {
                Ok(port) => self.actions.push(Action::Serve(port)),
                Err(_) => {
                    prompt.problem = Some(format!(
                        "\"{}\" is not a port: type a number from 0 to 65535 (0: any free port)",
                        prompt.port.trim()
                    ));
                }
            }
        }
    }
}

/// Why the server did not start, in words a user can act on.
fn serve_error_text(e: &crate::serve::ServeError, port: u16) -> String {
    match e {
        crate::serve::ServeError::Bind { source, .. }
            if source.kind() == std::io::ErrorKind::AddrInUse =>
        {
            format!(
                "port {port} is in use by another program: choose another port (or 0 for any free one)"
            )
        }
        crate::serve::ServeError::Bind { source, .. }
            if source.kind() == std::io::ErrorKind::PermissionDenied =>
        {
            format!("port {port} is not allowed for this user: choose a port above 1023")
        }
        crate::serve::ServeError::Bind { .. }
        | crate::serve::ServeError::NoApi
        | crate::serve::ServeError::LatencyLog { .. }
        | crate::serve::ServeError::Thread(_) => e.to_string(),
    }
}
