//! The editor's side of a lesson: observing the live run for the lesson panel once per
//! frame, reporting what the learner does in the editor (a run panel opened, a trace
//! picked, a node selected) as [`UiEvent`]s, carrying out what the panel asks ("Show me",
//! Back, Skip, Restart, answers, Next) — a step's faults, deploys and rollbacks take the
//! live panel's paths — and saving the learner's answers as JSON beside the recovery file.

use super::Editor;
use crate::host::{HostCommand, RunState};
use crate::lesson::{LessonRecord, Progress};
use crate::model::{Action, RunPanel, UiEvent};
use crate::sim::{Command, SimConfig, Simulation};
use crate::ui::message::{LessonAction, RunAction, Status};
use crate::ui::run::panels::RunTab;
use std::sync::Arc;

impl Editor {
    /// Observes the live run for the lesson (once per new snapshot), words its progress in
    /// the status bar and highlights the step's nodes. Called once per frame.
    pub(super) fn lesson_frame(&mut self) {
        for e in self.observed_ui_events() {
            if let Some(panel) = &mut self.lesson {
                panel.ui_event(&e);
            }
        }
        let Some(panel) = &mut self.lesson else {
            self.canvas.highlight.clear();
            return;
        };
        let progress = panel.observe(self.live.as_ref());
        if matches!(
            progress,
            Some(Progress::Advanced { .. } | Progress::TimedOut { .. } | Progress::Held { .. })
        ) {
            self.save_answers();
        }
        let Some(panel) = &mut self.lesson else {
            return;
        };
        match progress {
            Some(Progress::Advanced { step }) => {
                let title = panel
                    .runner()
                    .lesson()
                    .steps
                    .get(step)
                    .map_or("", |s| s.title.as_str());
                self.status = Some(Status {
                    text: format!("✔ Step {} done: {title}", step + 1),
                    is_error: false,
                });
            }
            Some(Progress::TimedOut { step }) => {
                self.status = Some(Status {
                    text: format!("Step {} skipped: not done in time", step + 1),
                    is_error: false,
                });
            }
            Some(Progress::Held { step }) => {
                // The step stops at its boundary: so does the run, until Next.
                if let Some(live) = &mut self.live
                    && live.state == RunState::Running
                {
                    live.send(HostCommand::Pause);
                }
                self.status = Some(Status {
                    text: format!(
                        "✔ Step {} done: press Next when the class is ready",
                        step + 1
                    ),
                    is_error: false,
                });
            }
            Some(Progress::Finished | Progress::Waiting | Progress::Overdue) | None => {}
        }
        let focus = if panel.open { panel.focus() } else { &[] };
        if self.canvas.highlight != focus {
            self.canvas.highlight = focus.to_vec();
        }
    }

    /// Carries out what the lesson panel asked for.
    pub(super) fn lesson_action(&mut self, ctx: &egui::Context, action: LessonAction) {
        let Some(panel) = &mut self.lesson else {
            return;
        };
        match action {
            LessonAction::Toggle => panel.open = !panel.open,
            LessonAction::Back => {
                panel.back();
            }
            LessonAction::Restart => {
                panel.restart();
            }
            LessonAction::Skip => {
                let snap = match self.live.as_ref().and_then(|l| l.snapshot.clone()) {
                    Some(s) => Some(s),
                    None => Simulation::new(&self.project, SimConfig::from_project(&self.project))
                        .ok()
                        .map(|sim| Arc::new(sim.snapshot())),
                };
                match snap {
                    Some(s) => {
                        panel.skip(&s);
                    }
                    None => {
                        self.status = Some(Status {
                            text: "Cannot skip: the project has errors (see the list below)"
                                .to_owned(),
                            is_error: true,
                        });
                    }
                }
            }
            LessonAction::ShowMe => self.show_me(ctx),
            LessonAction::Answer(given) => {
                if panel.answer(given) {
                    self.save_answers();
                }
            }
            LessonAction::SetPaced(on) => panel.set_paced(on),
            LessonAction::SetInstructor(on) => panel.instructor = on,
            LessonAction::Observed(e) => panel.ui_event(&e),
            LessonAction::Next => {
                if let Some(s) = self.live.as_ref().and_then(|l| l.snapshot.clone())
                    && panel.next(&s)
                {
                    if let Some(live) = &mut self.live
                        && !live.is_active()
                    {
                        live.send(HostCommand::Play);
                    }
                    self.save_answers();
                }
            }
        }
    }

    /// What the learner did in the editor since the last frame that a lesson may wait for:
    /// the run panel tab now open, a trace newly picked, a single node newly selected.
    fn observed_ui_events(&mut self) -> Vec<crate::model::UiEvent> {
        let Some(panel) = &mut self.lesson else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if self.live.is_some() && !self.run_panels.collapsed {
            out.push(UiEvent::OpenPanel(match self.run_panels.tab {
                RunTab::Dashboard => RunPanel::Dashboard,
                RunTab::Logs => RunPanel::Logs,
                RunTab::Traces => RunPanel::Traces,
            }));
        }
        let trace = self.run_panels.traces.selected;
        if trace.is_some() && trace != panel.seen_trace {
            out.push(UiEvent::PickTrace);
        }
        panel.seen_trace = trace;
        let single = (self.canvas.selection.nodes.len() == 1)
            .then(|| self.canvas.selection.nodes.iter().next().cloned())
            .flatten();
        if single.is_some() && single != panel.seen_node {
            out.extend(single.clone().map(UiEvent::SelectNode));
        }
        panel.seen_node = single;
        out
    }

    /// Saves the learner's answers and step results as JSON in the `lessons` folder beside
    /// the recovery file (eframe's storage folder); nowhere when the editor has none.
    pub(super) fn save_answers(&mut self) {
        let Some(dir) = self
            .recovery_path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|d| d.join("lessons"))
        else {
            return;
        };
        let Some(panel) = &mut self.lesson else {
            return;
        };
        let snap = self.live.as_ref().and_then(|l| l.snapshot());
        let record = LessonRecord::from_runner(panel.runner(), &self.project.name, "", snap);
        let path = dir.join(record.file_name());
        panel.saved = Some(
            std::fs::create_dir_all(&dir)
                .and_then(|()| crate::project::write_atomic(&path, record.to_json().as_bytes()))
                .map(|()| path)
                .map_err(|e| e.to_string()),
        );
    }

    /// Performs the current step's actions on the live run (started if there is none) and
    /// keeps the run going unless the step pauses it.
    fn show_me(&mut self, ctx: &egui::Context) {
        let Some(panel) = &self.lesson else {
            return;
        };
        let Some(step) = panel.runner().step() else {
            return;
        };
        // The step's own actions, each with its label and, for a deploy, the parameters it
        // runs (a step that cannot be shown says why before any run starts).
        let mut planned = Vec::new();
        for a in &step.actions {
            let params = match a {
                Action::Deploy { node, changes, .. } => {
                    match panel.runner().deploy_params(node, changes) {
                        Ok(p) => Some(p),
                        Err(e) => {
                            self.status = Some(Status {
                                text: format!("This step cannot be shown: {e}"),
                                is_error: true,
                            });
                            return;
                        }
                    }
                }
                Action::Run
                | Action::Pause
                | Action::InjectFault(_)
                | Action::ClearFaults
                | Action::SetWorkload { .. }
                | Action::Rollback { .. } => None,
            };
            planned.push((a.clone(), a.label(&self.project.graph), params));
        }
        if !self.ensure_live(ctx) {
            return;
        }
        let Some(live) = &self.live else {
            return;
        };
        if live.state == RunState::Finished {
            self.status = Some(Status {
                text: "The run reached its duration: raise it or Reset to run again".to_owned(),
                is_error: false,
            });
            return;
        }
        let mut pauses = false;
        for (action, label, params) in planned {
            match action {
                Action::Run => self.send_to_run(HostCommand::Play),
                Action::Pause => {
                    pauses = true;
                    self.send_to_run(HostCommand::Pause);
                }
                // Faults, deploys and rollbacks take the live panel's paths, as if the user
                // had done them there: the same status lines and timed-fault bookkeeping,
                // and a deploy the edited project, the running one and Rollback all know.
                Action::InjectFault(fault) => {
                    self.handle_run(ctx, RunAction::Inject { fault, lasts: None });
                }
                Action::ClearFaults => self.handle_run(ctx, RunAction::ClearAllFaults),
                Action::Deploy { node, strategy, .. } => {
                    if let Some(params) = params {
                        self.deploy_as_edited(ctx, node, params, strategy);
                    }
                }
                Action::Rollback { node } => self.handle_run(ctx, RunAction::Rollback(node)),
                Action::SetWorkload { node, arrival } => {
                    if let Some(live) = &mut self.live {
                        live.command(Command::SetWorkload { node, arrival }, label);
                    }
                }
            }
        }
        if let Some(live) = &mut self.live
            && !pauses
            && !live.is_active()
        {
            live.send(HostCommand::Play);
        }
        ctx.request_repaint();
    }

    fn send_to_run(&mut self, cmd: HostCommand) {
        if let Some(live) = &mut self.live {
            live.send(cmd);
        }
    }

    /// Starts a paused live run of the project if none is going; false (with the reason in
    /// the status bar) when it cannot start.
    pub(super) fn ensure_live(&mut self, ctx: &egui::Context) -> bool {
        let had = self.live.is_some();
        // The toolbar's seed, duration and speed, and the check for errors, apply here too.
        let ok = self.ensure_run(ctx);
        if ok
            && !had
            && let Some(panel) = &mut self.lesson
        {
            panel.forget_run();
        }
        ok
    }
}
