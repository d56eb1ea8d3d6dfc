//! The editor's side of a lesson: observing the live run for the lesson panel once per
//! frame, and carrying out what the panel asks ("Show me", Back, Skip, Restart) — a step's
//! faults, deploys and rollbacks take the live panel's paths.

use super::Editor;
use crate::host::{HostCommand, RunState};
use crate::lesson::Progress;
use crate::model::Action;
use crate::sim::{Command, SimConfig, Simulation};
use crate::ui::message::{LessonAction, RunAction, Status};
use std::sync::Arc;

impl Editor {
    /// Observes the live run for the lesson (once per new snapshot), words its progress in
    /// the status bar and highlights the step's nodes. Called once per frame.
    pub(super) fn lesson_frame(&mut self) {
        let Some(panel) = &mut self.lesson else {
            self.canvas.highlight.clear();
            return;
        };
        match panel.observe(self.live.as_ref()) {
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
        }
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
