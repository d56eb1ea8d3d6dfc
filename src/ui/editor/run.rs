//! The editor's side of a live run: starting it, carrying out [`RunAction`]s, keeping the
//! edited project and the running one apart (live workload edits, deploys, "restart to
//! apply"), and the live panel beside the inspector.

use super::Editor;
use crate::host::{HostCommand, HostOptions, RunState};
use crate::model::{
    DeployStrategy, Edit, FaultTarget, FunctionParams, KindTag, NodeId, NodeKind, Severity,
    has_errors,
};
use crate::sim::{Command, SEC};
use crate::sim::{LiveChanges, live_changes};
use crate::ui::message::{Action, RunAction};
use crate::ui::run::live::LiveRun;
use crate::ui::run::live_panel;
use crate::ui::run::toolbar::{self, STEP_TIME};
use crate::ui::shell::format::short_duration;
use crate::ui::shell::{names, theme};

impl Editor {
    /// Takes the run's new frames and shows its messages in the status bar.
    pub(super) fn poll_run(&mut self) {
        let Some(run) = &mut self.live else {
            return;
        };
        let revision = run.project_revision;
        run.poll();
        let changed = run.project_revision != revision;
        if let Some(last) = run.take_messages().pop() {
            self.status = Some(last);
        }
        if changed {
            self.refresh_live_changes();
        }
    }

    /// Starts a paused run of the project as edited, unless it has errors. Returns whether
    /// a run exists afterwards.
    pub(in crate::ui) fn ensure_run(&mut self, ctx: &egui::Context) -> bool {
        if self.live.is_some() {
            return true;
        }
        self.refresh_diagnostics();
        if has_errors(&self.diagnostics) {
            let n = self
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            self.set_status(
                format!("Fix the {n} error(s) in the diagnostics list before running"),
                true,
            );
            return false;
        }
        let c = &self.run_controls;
        let options = HostOptions {
            seed: c.seed,
            duration: c.duration(),
            speed: c.speed,
            ..HostOptions::from_project(&self.project)
        };
        let started = if self.inline_runs {
            LiveRun::inline(&self.project, options).map_err(|e| e.to_string())
        } else {
            LiveRun::start(&self.project, options, ctx).map_err(|e| e.to_string())
        };
        match started {
            Ok(run) => {
                self.live = Some(run);
                self.live_changes = LiveChanges::default();
                true
            }
            Err(e) => {
                self.set_status(format!("The run could not start: {e}"), true);
                false
            }
        }
    }

    /// Carries out one run action.
    pub(in crate::ui) fn handle_run(&mut self, ctx: &egui::Context, action: RunAction) {
        match action {
            RunAction::Toggle => {
                let next = if self.live.as_ref().is_some_and(LiveRun::is_active) {
                    RunAction::Pause
                } else {
                    RunAction::Play
                };
                self.handle_run(ctx, next);
            }
            RunAction::Play => {
                if self.ensure_run(ctx)
                    && let Some(run) = &mut self.live
                {
                    if run.state == RunState::Finished {
                        self.set_status(
                            "The run reached its duration: raise it or Reset to run again",
                            false,
                        );
                    } else {
                        run.send(HostCommand::Play);
                    }
                }
            }
            RunAction::Step => {
                if self.ensure_run(ctx)
                    && let Some(run) = &mut self.live
                {
                    run.send(HostCommand::Step(STEP_TIME));
                }
            }
            RunAction::Reset => match &mut self.live {
                Some(run) => {
                    if has_errors(&self.diagnostics) {
                        self.set_status("Fix the errors before restarting the run", true);
                        return;
                    }
                    let was_active = run.is_active();
                    run.reset(&self.project, self.run_controls.seed);
                    // A fast-forward's extension of the run ends with the run it extended.
                    run.send(HostCommand::SetDuration(self.run_controls.duration()));
                    if was_active {
                        run.send(HostCommand::Play);
                    }
                    self.live_changes = LiveChanges::default();
                    self.set_status("Run restarted with the project as edited", false);
                }
                None => {
                    self.ensure_run(ctx);
                }
            },
            RunAction::Stop => {
                // The server runs on the run's engine: stop it first, so requests in flight
                // are answered and the status says how many were.
                #[cfg(feature = "serve")]
                let served = {
                    let served = self.serving.is_some();
                    self.stop_serving();
                    served
                };
                #[cfg(not(feature = "serve"))]
                let served = false;
                self.live = None;
                self.live_changes = LiveChanges::default();
                if !served {
                    self.set_status("Run ended", false);
                }
            }
            RunAction::Pause
            | RunAction::Speed(_)
            | RunAction::Duration(_)
            | RunAction::Cancel
            | RunAction::FastForward(_)
            | RunAction::Inject { .. }
            | RunAction::ClearFault(_)
            | RunAction::ClearAllFaults
            | RunAction::Deploy { .. }
            | RunAction::Rollback(_) => self.handle_run_command(ctx, action),
        }
    }

    /// Run actions that talk to an existing run (fast-forward starts one).
    fn handle_run_command(&mut self, ctx: &egui::Context, action: RunAction) {
        if matches!(action, RunAction::FastForward(_)) {
            self.ensure_run(ctx);
        }
        let Some(run) = &mut self.live else {
            // Speed and duration wait in the toolbar for the next run.
            return;
        };
        match action {
            RunAction::Pause => run.send(HostCommand::Pause),
            RunAction::Speed(s) => run.send(HostCommand::SetSpeed(s)),
            RunAction::Duration(d) => {
                // A fast-forward under way still ends where it was going.
                let d = match run.state {
                    RunState::FastForward { until, .. } => d.max(until),
                    RunState::Paused | RunState::Running | RunState::Finished => d,
                };
                run.send(HostCommand::SetDuration(d));
            }
            RunAction::Cancel => run.send(HostCommand::Cancel),
            RunAction::FastForward(dt) => {
                let until = run.now().saturating_add(dt);
                if until > run.duration {
                    // The fast-forward is inserted: what was left of the run still follows,
                    // so it ends paused (Run goes on), not finished at exactly `until`.
                    let grown = run
                        .duration
                        .saturating_add(dt)
                        .max(until.saturating_add(SEC));
                    // A temporary goal: the toolbar's Duration (the project's run length)
                    // stays; the run gives the time back when the fast-forward is cut
                    // short (see `LiveRun::fast_forward_grew`) and a Reset ends it.
                    run.send(HostCommand::SetDuration(grown));
                    run.fast_forward_grew(until);
                }
                run.send(HostCommand::FastForward(until));
            }
            RunAction::Inject { fault, lasts } => {
                let what = names::fault_on(&self.project, &fault);
                let mut chars = what.chars();
                let mut label: String = chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default();
                if let Some(t) = lasts {
                    label.push_str(&format!(" for {}", short_duration(t)));
                }
                run.command_for(Command::InjectFault(fault), label, lasts);
            }
            RunAction::ClearFault(id) => {
                run.fault_ends.remove(&id);
                let label = match run
                    .snapshot()
                    .and_then(|s| s.faults.iter().find(|f| f.id == id))
                {
                    Some(f) => format!("Clear {}", names::fault_on(&self.project, &f.fault)),
                    None => "Clear fault".to_owned(),
                };
                run.command(Command::ClearFault(id), label);
            }
            RunAction::ClearAllFaults => {
                run.fault_ends.clear();
                run.command(Command::ClearAllFaults, "Clear all faults");
            }
            RunAction::Deploy { node, strategy } => {
                match self.project.graph.nodes.get(&node).map(|n| &n.kind) {
                    Some(NodeKind::Function(f)) => {
                        run.deploy(&node, f, strategy);
                    }
                    Some(_) | None => self.set_status("Only a function can be deployed", true),
                }
            }
            RunAction::Rollback(node) => {
                run.rollback(&node);
            }
            RunAction::Toggle
            | RunAction::Play
            | RunAction::Step
            | RunAction::Reset
            | RunAction::Stop => {}
        }
    }

    /// Deploys `params` as function `node`'s next version the way the live panel does: the
    /// edited project takes them first (one undoable edit, as if typed in the inspector),
    /// then [`RunAction::Deploy`] deploys the function as edited. So the running project,
    /// the parameters Rollback returns to and the edited project all agree, and no
    /// "not deployed yet" is left behind. A lesson's "Show me" deploys this way.
    pub(in crate::ui) fn deploy_as_edited(
        &mut self,
        ctx: &egui::Context,
        node: NodeId,
        params: FunctionParams,
        strategy: DeployStrategy,
    ) {
        let kind = NodeKind::Function(params);
        if let Some(n) = self.project.graph.nodes.get(&node)
            && matches!(n.kind, NodeKind::Function(_))
            && n.kind != kind
        {
            self.apply(
                Edit::SetNodeKind {
                    id: node.clone(),
                    kind,
                },
                None,
            );
        }
        self.handle_run(ctx, RunAction::Deploy { node, strategy });
    }

    /// After edits: compares the edited project with the running one, applies workload
    /// changes live and remembers what needs a deploy or a restart.
    pub(super) fn refresh_live_changes(&mut self) {
        let Some(run) = &mut self.live else {
            return;
        };
        let mut changes = live_changes(&run.project, &self.project);
        for cmd in std::mem::take(&mut changes.live) {
            run.apply_live(cmd);
        }
        self.live_changes = changes;
    }

    /// Under the toolbar: why the run stopped before its end, if it did; "restart to apply"
    /// while the edits cannot be applied live.
    pub(super) fn restart_banner_ui(&mut self, ui: &mut egui::Ui) {
        if self.live.is_none() {
            return;
        }
        let dark = ui.visuals().dark_mode;
        if let Some(run) = &self.live
            && let Some(stopped) = run.snapshot().and_then(|s| s.stopped.as_ref())
        {
            let name = stopped
                .node
                .as_deref()
                .and_then(|id| self.project.graph.nodes.get(&NodeId::from(id)))
                .map(|n| n.name.as_str());
            toolbar::stopped_banner_ui(
                ui,
                stopped,
                name,
                run.project.run.max_memory_mb,
                &mut self.actions,
            );
        }
        if let Some(why) = &self.live_changes.restart {
            ui.horizontal(|ui| {
                ui.label(
                    egui::RichText::new(format!(
                        "⚠ The run still shows the design as it was: {why}. Restart to apply"
                    ))
                    .color(theme::warning_color(dark)),
                );
                if ui
                    .button("Restart")
                    .on_hover_text(
                        "Start the run over at 0:00 with the project as edited, and run it",
                    )
                    .clicked()
                {
                    self.actions.push(Action::Run(RunAction::Reset));
                    self.actions.push(Action::Run(RunAction::Play));
                }
            });
        } else if !self.live_changes.deploy.is_empty() {
            let names: Vec<String> = self
                .live_changes
                .deploy
                .iter()
                .map(|id| {
                    self.project
                        .graph
                        .nodes
                        .get(id)
                        .map_or_else(|| id.to_string(), |n| n.name.clone())
                })
                .collect();
            ui.label(
                egui::RichText::new(format!(
                    "Changed function(s) not deployed yet: {} — select one and Deploy in the \
                     live panel",
                    names.join(", ")
                ))
                .color(theme::warning_color(dark)),
            );
        }
    }

    /// The live panel under the inspector: Break it and Deploy for the selection, then
    /// active faults and aborted experiments.
    pub(super) fn live_panel_ui(&mut self, ui: &mut egui::Ui) {
        let Some(run) = &self.live else {
            return;
        };
        egui::ScrollArea::vertical()
            .id_salt("live-panel-scroll")
            .max_height(ui.available_height() * 0.55)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                let sel = &self.canvas.selection;
                let node = (sel.nodes.len() == 1 && sel.edges.is_empty())
                    .then(|| sel.nodes.iter().next())
                    .flatten();
                let edge = (sel.edges.len() == 1 && sel.nodes.is_empty())
                    .then(|| sel.edges.iter().next())
                    .flatten();
                if let Some(id) = node
                    && let Some(n) = self.project.graph.nodes.get(id)
                {
                    let tag = n.kind.tag();
                    if tag == KindTag::Function && run.project.graph.nodes.contains_key(id) {
                        ui.strong(format!("Deploy {}", n.name));
                        let changed = self.live_changes.deploy.contains(id);
                        live_panel::deploy_ui(
                            ui,
                            run,
                            id,
                            changed,
                            &mut self.deploy_draft,
                            &mut self.actions,
                        );
                        ui.separator();
                    }
                    if run.project.graph.nodes.contains_key(id) {
                        ui.strong(format!("⚡ Break {}", n.name));
                        live_panel::break_it_ui(
                            ui,
                            &FaultTarget::Node(id.clone()),
                            Some(tag),
                            &mut self.fault_draft,
                            &mut self.actions,
                        );
                        ui.separator();
                    }
                } else if let Some(id) = edge
                    && run.project.graph.edges.contains_key(id)
                {
                    ui.strong(format!("⚡ Break {}", names::edge_name(&self.project, id)));
                    live_panel::break_it_ui(
                        ui,
                        &FaultTarget::Edge(id.clone()),
                        None,
                        &mut self.fault_draft,
                        &mut self.actions,
                    );
                    ui.separator();
                }
                live_panel::faults_ui(ui, run, &self.project, &mut self.actions);
            });
    }
}
