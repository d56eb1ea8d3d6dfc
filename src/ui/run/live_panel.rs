//! Live-run controls beside the inspector: "Break it" (faults offered for the selected node
//! or edge), Deploy / Rollback of a changed function, and the list of active faults and
//! aborted experiments. The same fault menu opens from a right-click on the canvas.

use super::live::LiveRun;
use crate::model::{DeployStrategy, Fault, FaultKind, FaultTarget, KindTag, NodeId, Project};
use crate::sim::{SEC, Time, describe_fault};
use crate::ui::message::{Action, RunAction};
use crate::ui::shell::format::{clock, short_duration};
use crate::ui::shell::{names, theme};

/// Parameters of the faults the user is about to inject (view state, kept between menus).
#[derive(Clone, Debug, PartialEq)]
pub struct FaultDraft {
    /// Error rate fault: share of invocations that fail, %.
    pub error_percent: f64,
    /// Latency fault: added time, ms.
    pub latency_ms: f64,
    /// Latency fault: ± jitter, ms.
    pub jitter_ms: f64,
    /// Throttle fault: the lowered concurrency cap (functions) or rate limit (APIs).
    pub throttle_to: u32,
    /// Edge delay, ms.
    pub delay_ms: f64,
    /// Edge drop, %.
    pub drop_percent: f64,
    /// Edge duplicate, %.
    pub duplicate_percent: f64,
    /// How long an injected fault lasts, s of virtual time; 0 = until cleared.
    pub lasts_s: f64,
}

impl Default for FaultDraft {
    fn default() -> Self {
        Self {
            error_percent: 50.0,
            latency_ms: 500.0,
            jitter_ms: 100.0,
            throttle_to: 1,
            delay_ms: 1_000.0,
            drop_percent: 50.0,
            duplicate_percent: 20.0,
            lasts_s: 30.0,
        }
    }
}

impl FaultDraft {
    fn lasts(&self) -> Option<Time> {
        (self.lasts_s > 0.0).then(|| (self.lasts_s.min(30.0 * 86_400.0) * SEC as f64) as Time)
    }
}

/// The deploy strategy being chosen (view state).
#[derive(Clone, Debug, PartialEq)]
pub struct DeployDraft {
    /// The strategy, with its parameters.
    pub strategy: DeployStrategy,
}

impl Default for DeployDraft {
    fn default() -> Self {
        Self {
            strategy: DeployStrategy::Canary {
                percent: 10.0,
                after_ms: 60_000,
                rollback_on_alarm: None,
            },
        }
    }
}

/// Accessible label of the inject button of a fault kind ("Inject outage").
pub fn inject_label(kind: &FaultKind) -> String {
    format!("Inject {}", kind.label())
}

fn inject_button(
    ui: &mut egui::Ui,
    target: &FaultTarget,
    kind: FaultKind,
    lasts: Option<Time>,
    tip: &str,
    actions: &mut Vec<Action>,
) -> bool {
    let clicked = ui.button(inject_label(&kind)).on_hover_text(tip).clicked();
    if clicked {
        let lasts = match kind {
            // Killing warm instances happens once; nothing to clear.
            FaultKind::KillWarm => None,
            FaultKind::ErrorRate { .. }
            | FaultKind::Latency { .. }
            | FaultKind::Outage
            | FaultKind::Throttle { .. }
            | FaultKind::EdgeDelay { .. }
            | FaultKind::EdgeDrop { .. }
            | FaultKind::EdgeDuplicate { .. } => lasts,
        };
        actions.push(Action::Run(RunAction::Inject {
            fault: Fault {
                target: target.clone(),
                kind,
            },
            lasts,
        }));
    }
    clicked
}

fn pct(ui: &mut egui::Ui, v: &mut f64, tip: &str) {
    ui.add(
        egui::DragValue::new(v)
            .range(0.0..=100.0)
            .suffix(" %")
            .speed(1.0),
    )
    .on_hover_text(tip);
}

fn millis(ui: &mut egui::Ui, v: &mut f64, tip: &str) {
    ui.add(
        egui::DragValue::new(v)
            .range(0.0..=600_000.0)
            .suffix(" ms")
            .speed(10.0),
    )
    .on_hover_text(tip);
}

/// The faults that apply to `target` (a node of kind `kind`, or an edge when `kind` is
/// `None`), each with its parameters and an inject button. Returns whether one was injected
/// (a context menu closes then).
pub fn break_it_ui(
    ui: &mut egui::Ui,
    target: &FaultTarget,
    kind: Option<KindTag>,
    draft: &mut FaultDraft,
    actions: &mut Vec<Action>,
) -> bool {
    let lasts = draft.lasts();
    ui.horizontal(|ui| {
        let l = ui.label("Lasts");
        ui.add(
            egui::DragValue::new(&mut draft.lasts_s)
                .range(0.0..=86_400.0)
                .suffix(" s")
                .speed(1.0),
        )
        .labelled_by(l.id)
        .on_hover_text("Virtual seconds until the fault clears itself; 0 = until you clear it");
    });
    match kind {
        Some(tag) => node_faults_ui(ui, target, tag, draft, lasts, actions),
        None => edge_faults_ui(ui, target, draft, lasts, actions),
    }
}

/// The faults a node of kind `tag` can take, each with its parameters (kept in `d`).
fn node_faults_ui(
    ui: &mut egui::Ui,
    target: &FaultTarget,
    tag: KindTag,
    d: &mut FaultDraft,
    lasts: Option<Time>,
    actions: &mut Vec<Action>,
) -> bool {
    let mut injected = false;
    let offered = [
        FaultKind::Outage,
        FaultKind::ErrorRate {
            percent: d.error_percent,
        },
        FaultKind::Latency {
            added_ms: d.latency_ms,
            jitter_ms: d.jitter_ms,
        },
        FaultKind::Throttle {
            max_concurrency: d.throttle_to,
        },
        FaultKind::KillWarm,
    ];
    for k in offered.into_iter().filter(|k| k.applies_to(tag)) {
        ui.horizontal(|ui| match k {
            FaultKind::Outage => {
                injected |= inject_button(
                    ui,
                    target,
                    k,
                    lasts,
                    "Every request fails at once while it lasts",
                    actions,
                );
            }
            FaultKind::ErrorRate { .. } => {
                injected |= inject_button(
                    ui,
                    target,
                    k,
                    lasts,
                    "This share of invocations fails",
                    actions,
                );
                pct(ui, &mut d.error_percent, "Share of invocations that fail");
            }
            FaultKind::Latency { .. } => {
                injected |= inject_button(
                    ui,
                    target,
                    k,
                    lasts,
                    "Every invocation takes longer",
                    actions,
                );
                millis(ui, &mut d.latency_ms, "Added time");
                ui.label("±");
                millis(ui, &mut d.jitter_ms, "Uniform jitter either way");
            }
            FaultKind::Throttle { .. } => {
                injected |= inject_button(
                    ui,
                    target,
                    k,
                    lasts,
                    "Lower the concurrency cap (functions) or rate limit (APIs)",
                    actions,
                );
                ui.add(
                    egui::DragValue::new(&mut d.throttle_to)
                        .range(0..=100_000)
                        .prefix("to "),
                )
                .on_hover_text("The lowered cap");
            }
            FaultKind::KillWarm => {
                injected |= inject_button(
                    ui,
                    target,
                    k,
                    None,
                    "Kill every warm instance once: the next requests start cold",
                    actions,
                );
            }
            FaultKind::EdgeDelay { .. }
            | FaultKind::EdgeDrop { .. }
            | FaultKind::EdgeDuplicate { .. } => {}
        });
    }
    if !FaultKind::Outage.applies_to(tag) && !FaultKind::KillWarm.applies_to(tag) {
        ui.label(
            egui::RichText::new("No fault applies to this kind of node: break its edges instead")
                .weak(),
        );
    }
    injected
}

/// The faults an edge can take: delay, drop and duplicate.
fn edge_faults_ui(
    ui: &mut egui::Ui,
    target: &FaultTarget,
    d: &mut FaultDraft,
    lasts: Option<Time>,
    actions: &mut Vec<Action>,
) -> bool {
    let mut injected = false;
    ui.horizontal(|ui| {
        injected |= inject_button(
            ui,
            target,
            FaultKind::EdgeDelay { ms: d.delay_ms },
            lasts,
            "Events on this edge arrive later",
            actions,
        );
        millis(ui, &mut d.delay_ms, "Added delay");
    });
    ui.horizontal(|ui| {
        injected |= inject_button(
            ui,
            target,
            FaultKind::EdgeDrop {
                percent: d.drop_percent,
            },
            lasts,
            "A share of events on this edge is lost",
            actions,
        );
        pct(ui, &mut d.drop_percent, "Share of events lost");
    });
    ui.horizontal(|ui| {
        injected |= inject_button(
            ui,
            target,
            FaultKind::EdgeDuplicate {
                percent: d.duplicate_percent,
            },
            lasts,
            "A share of events on this edge is delivered twice",
            actions,
        );
        pct(ui, &mut d.duplicate_percent, "Share of events duplicated");
    });
    injected
}

/// Deploy / Rollback for function `id` while a run is active: offered when the edited
/// parameters differ from the running version (`changed`).
pub fn deploy_ui(
    ui: &mut egui::Ui,
    run: &LiveRun,
    id: &NodeId,
    changed: bool,
    draft: &mut DeployDraft,
    actions: &mut Vec<Action>,
) {
    let live = run.node(id.as_str());
    if let Some(n) = live {
        let text = match n.shifting_to {
            Some((to, share)) => format!(
                "Running version {} → {to} ({:.0} % of traffic on {to})",
                n.version,
                share * 100.0
            ),
            None => format!("Running version {}", n.version),
        };
        ui.label(text);
    }
    if changed {
        ui.label(
            egui::RichText::new("The parameters above differ from the running version")
                .color(theme::warning_color(ui.visuals().dark_mode)),
        );
        let s = &mut draft.strategy;
        ui.horizontal(|ui| {
            let all = DeployStrategy::AllAtOnce;
            let canary = DeployStrategy::Canary {
                percent: 10.0,
                after_ms: 60_000,
                rollback_on_alarm: None,
            };
            let linear = DeployStrategy::Linear {
                percent: 10.0,
                every_ms: 10_000,
                rollback_on_alarm: None,
            };
            for (option, tip) in [
                (all, "Every new request goes to the new version at once"),
                (canary, "A share of requests for a while, then all of them"),
                (linear, "The new version's share grows step by step"),
            ] {
                let on = std::mem::discriminant(s) == std::mem::discriminant(&option);
                if ui
                    .selectable_label(on, option.label())
                    .on_hover_text(tip)
                    .clicked()
                    && !on
                {
                    *s = option;
                }
            }
        });
        match s {
            DeployStrategy::AllAtOnce => {}
            DeployStrategy::Canary {
                percent, after_ms, ..
            } => {
                ui.horizontal(|ui| {
                    pct(
                        ui,
                        percent,
                        "Share of traffic on the new version during the canary",
                    );
                    ui.label("for");
                    ui.add(
                        egui::DragValue::new(after_ms)
                            .range(DeployStrategy::STEP_MS)
                            .suffix(" ms")
                            .speed(100.0),
                    )
                    .on_hover_text("Length of the canary, then everything shifts");
                });
            }
            DeployStrategy::Linear {
                percent, every_ms, ..
            } => {
                ui.horizontal(|ui| {
                    pct(ui, percent, "Step of the new version's share");
                    ui.label("every");
                    ui.add(
                        egui::DragValue::new(every_ms)
                            .range(1..=*DeployStrategy::STEP_MS.end())
                            .suffix(" ms")
                            .speed(100.0),
                    )
                    .on_hover_text("Time between steps");
                });
            }
        }
        if ui
            .button("Deploy")
            .on_hover_text("Deploy these parameters as a new version while the run goes on")
            .clicked()
        {
            actions.push(Action::Run(RunAction::Deploy {
                node: id.clone(),
                strategy: draft.strategy.clone(),
            }));
        }
    }
    if run.can_roll_back(id)
        && ui
            .button("Rollback")
            .on_hover_text("Send all traffic back to the previous version at once")
            .clicked()
    {
        actions.push(Action::Run(RunAction::Rollback(id.clone())));
    }
}

/// Faults in force (with remove buttons and "Clear all") and aborted experiments. Targets
/// are named as `edited` (the project the canvas shows) names them; experiments come from
/// the run's project.
pub fn faults_ui(ui: &mut egui::Ui, run: &LiveRun, edited: &Project, actions: &mut Vec<Action>) {
    let project = &run.project;
    let Some(snap) = run.snapshot() else {
        return;
    };
    ui.horizontal(|ui| {
        ui.strong(format!("Active faults ({})", snap.faults.len()));
        if !snap.faults.is_empty()
            && ui
                .button("Clear all")
                .on_hover_text("Clear every fault in force, including experiments'")
                .clicked()
        {
            actions.push(Action::Run(RunAction::ClearAllFaults));
        }
    });
    if snap.faults.is_empty() {
        ui.label(egui::RichText::new("None: right-click a node or edge to break it").weak());
    }
    for f in &snap.faults {
        let target = names::target_name(edited, &f.fault.target);
        ui.horizontal_wrapped(|ui| {
            if ui
                .small_button("✖")
                .on_hover_text("Clear this fault")
                .clicked()
            {
                actions.push(Action::Run(RunAction::ClearFault(f.id)));
            }
            ui.label(
                egui::RichText::new(format!("⚡ {target}: {}", describe_fault(&f.fault.kind)))
                    .color(theme::text_color(
                        theme::TextRole::ActiveFault,
                        ui.visuals().dark_mode,
                    )),
            );
            let mut note = Vec::new();
            if let Some(x) = f.experiment
                && let Some(e) = project.experiments.get(x)
            {
                note.push(format!("experiment “{}”", e.name));
            }
            if let Some(end) = run.fault_ends.get(&f.id) {
                note.push(format!(
                    "ends in {}",
                    short_duration(end.saturating_sub(snap.now))
                ));
            }
            if !note.is_empty() {
                ui.label(egui::RichText::new(note.join(" · ")).weak());
            }
        });
    }
    for (name, t) in &snap.aborted_experiments {
        ui.label(
            egui::RichText::new(format!(
                "⏹ Experiment “{name}” aborted by its stop condition at {}",
                clock(*t)
            ))
            .color(theme::warning_color(ui.visuals().dark_mode)),
        );
    }
}
