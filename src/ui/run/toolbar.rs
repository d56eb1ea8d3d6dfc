//! The run toolbar under the menu: Run / Pause / Step / Reset / Stop, speed, seed and
//! duration, the virtual clock, the engine's status and fast-forward with progress.

use super::live::LiveRun;
use crate::host::{RunState, SPEED_RANGE, Speed};
use crate::model::{MAX_RUN_MS, Project};
use crate::sim::{MS, SEC, Time};
use crate::sim::{RunStopped, StopCause};
use crate::ui::message::{Action, RunAction, Selection};
use crate::ui::shell::format::{clock, fmt_count, short_duration};
use crate::ui::shell::theme;

/// Label of the Run button (also its accessible name).
pub const RUN: &str = "▶ Run";
/// Label of the Pause button.
pub const PAUSE: &str = "⏸ Pause";
/// Label of the Step button.
pub const STEP: &str = "Step";
/// Label of the Reset button.
pub const RESET: &str = "⟲ Reset";
/// Label of the Stop button (ends the run and leaves live mode).
pub const STOP: &str = "⏹ Stop";
/// Label of the fast-forward button.
pub const FAST_FORWARD: &str = "⏩ Fast-forward";
/// Virtual time one Step advances.
pub const STEP_TIME: Time = SEC;

/// Speeds offered in the selector (× wall time), then "max".
const SPEEDS: [f64; 10] = [0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0];

/// What the toolbar's fields hold between runs (view state, not saved in the file).
#[derive(Clone, Debug, PartialEq)]
pub struct RunControls {
    /// Seed of the next run or reset.
    pub seed: u64,
    /// Where runs stop, s of virtual time.
    pub duration_s: f64,
    /// Speed of the next run (and of the current one when changed).
    pub speed: Speed,
    /// Virtual hours a fast-forward runs.
    pub fast_forward_h: f64,
    /// Present mode: the toolbar leaves out seed and duration (set by the editor each frame).
    pub present: bool,
}

impl RunControls {
    /// Seed and duration from the project's run settings, 1×, fast-forward 1 h.
    pub fn from_project(p: &Project) -> Self {
        Self {
            seed: p.run.seed,
            duration_s: p.run.duration_ms as f64 / 1_000.0,
            speed: Speed::Times(1.0),
            fast_forward_h: 1.0,
            present: false,
        }
    }

    /// The duration in µs.
    pub fn duration(&self) -> Time {
        (self.duration_s.clamp(0.001, MAX_RUN_MS as f64 / 1_000.0) * SEC as f64) as Time
    }
}

/// The toolbar. `run` is the live run, if one was started.
pub fn run_toolbar_ui(
    ui: &mut egui::Ui,
    run: Option<&LiveRun>,
    controls: &mut RunControls,
    actions: &mut Vec<Action>,
) {
    ui.horizontal_wrapped(|ui| {
        let mut push = |a: RunAction| actions.push(Action::Run(a));
        buttons_ui(ui, run, &mut push);
        ui.separator();
        settings_ui(ui, controls, &mut push);
        ui.separator();
        clock_ui(ui, run, controls);
        ui.separator();
        fast_forward_ui(ui, run, controls, &mut push);
    });
}

/// Run or Pause, Step, Reset, Stop.
fn buttons_ui(ui: &mut egui::Ui, run: Option<&LiveRun>, push: &mut dyn FnMut(RunAction)) {
    let state = run.map(|r| r.state);
    let running = matches!(state, Some(RunState::Running));
    let fast = matches!(state, Some(RunState::FastForward { .. }));
    if running || fast {
        if ui
            .button(PAUSE)
            .on_hover_text("Pause the run (F5)")
            .clicked()
        {
            push(RunAction::Pause);
        }
    } else {
        let finished = matches!(state, Some(RunState::Finished));
        let tip = if finished {
            "The run reached its duration: raise the duration to go on, or Reset"
        } else {
            "Run the design live (F5)"
        };
        if ui
            .add_enabled(!finished, egui::Button::new(RUN))
            .on_hover_text(tip)
            .on_disabled_hover_text(tip)
            .clicked()
        {
            push(RunAction::Play);
        }
    }
    if ui
        .add_enabled(!fast, egui::Button::new(STEP))
        .on_hover_text(format!(
            "Advance virtual time by {} and pause (F10)",
            short_duration(STEP_TIME)
        ))
        .clicked()
    {
        push(RunAction::Step);
    }
    if ui
        .button(RESET)
        .on_hover_text(
            "Start over at 0:00 with the project as edited now and the seed below \
             (Shift+F5)",
        )
        .clicked()
    {
        push(RunAction::Reset);
    }
    if ui
        .add_enabled(run.is_some(), egui::Button::new(STOP))
        .on_hover_text("End the run and go back to editing without live metrics")
        .clicked()
    {
        push(RunAction::Stop);
    }
}

/// Speed, seed and duration.
fn settings_ui(ui: &mut egui::Ui, controls: &mut RunControls, push: &mut dyn FnMut(RunAction)) {
    let before = controls.speed;
    egui::ComboBox::from_id_salt("run-speed")
        .selected_text(controls.speed.label())
        .width(64.0)
        .show_ui(ui, |ui| {
            for x in SPEEDS {
                let x = x.clamp(SPEED_RANGE.0, SPEED_RANGE.1);
                let s = Speed::Times(x);
                ui.selectable_value(&mut controls.speed, s, s.label());
            }
            ui.selectable_value(&mut controls.speed, Speed::Max, "max")
                .on_hover_text("As fast as the engine can go");
        })
        .response
        .on_hover_text("Speed: virtual seconds per wall second");
    if controls.speed != before {
        push(RunAction::Speed(controls.speed));
    }

    // Present mode shows a room the run, not its settings: seed and run length stay in the
    // project's inspector, and the toolbar keeps to one row on a projector.
    if controls.present {
        return;
    }
    let l = ui.label("Seed");
    ui.add(egui::DragValue::new(&mut controls.seed).speed(1.0))
        .labelled_by(l.id)
        .on_hover_text("Seed of the random streams: used when the run starts or resets");
    let l = ui.label("Duration");
    let r = ui
        .add(
            egui::DragValue::new(&mut controls.duration_s)
                .range(1.0..=MAX_RUN_MS as f64 / 1_000.0)
                .suffix(" s")
                .speed(10.0),
        )
        .labelled_by(l.id)
        .on_hover_text("Where the run stops, seconds of virtual time (applies at once)");
    if r.changed() {
        push(RunAction::Duration(controls.duration()));
    }
}

/// The virtual clock and the engine's state.
fn clock_ui(ui: &mut egui::Ui, run: Option<&LiveRun>, controls: &RunControls) {
    let now = run.map_or(0, LiveRun::now);
    let duration = run.map_or(controls.duration(), |r| r.duration);
    ui.label(egui::RichText::new(clock(now)).monospace().strong())
        .on_hover_text(format!(
            "Virtual time (the run stops at {})",
            clock(duration)
        ));
    if let Some(r) = run {
        status_ui(ui, r);
    }
}

/// How many virtual hours a fast-forward runs and its button, or its progress and Cancel.
fn fast_forward_ui(
    ui: &mut egui::Ui,
    run: Option<&LiveRun>,
    controls: &mut RunControls,
    push: &mut dyn FnMut(RunAction),
) {
    let state = run.map(|r| r.state);
    if let (Some(r), Some(RunState::FastForward { until, from })) = (run, state) {
        let span = until.saturating_sub(from).max(1) as f32;
        let done = r.now().saturating_sub(from) as f32 / span;
        ui.add(
            egui::ProgressBar::new(done.clamp(0.0, 1.0))
                .desired_width(140.0)
                .show_percentage(),
        )
        .on_hover_text(format!("Fast-forwarding to {}", clock(until)));
        if ui
            .button("Cancel")
            .on_hover_text("Stop the fast-forward where it is")
            .clicked()
        {
            push(RunAction::Cancel);
        }
    } else {
        ui.add(
            egui::DragValue::new(&mut controls.fast_forward_h)
                .range(0.01..=24.0 * 30.0)
                .suffix(" h")
                .speed(0.1),
        )
        .on_hover_text("How many virtual hours a fast-forward runs");
        if ui
            .button(FAST_FORWARD)
            .on_hover_text(
                "Run that many virtual hours flat out, then pause. A temporary goal: the \
                 Duration stays the project's run length (a run carried past its end ends \
                 that much later; cut short, it gives the time back)",
            )
            .clicked()
        {
            let t = (controls.fast_forward_h.clamp(0.01, 720.0) * 3_600.0 * SEC as f64) as Time;
            push(RunAction::FastForward(t));
        }
    }
}

/// The heading of the banner shown when a run stopped before its end.
pub const STOPPED_HEADING: &str = "⛔ The run stopped";

/// What to change after a run stopped early, in one sentence the user can act on.
pub fn stopped_advice(stopped: &RunStopped, max_memory_mb: u64) -> String {
    match stopped.cause {
        StopCause::Memory => format!(
            "Give the node that grew fastest a consumer that keeps up (more concurrency, a \
             bigger batch, a lower source rate) or break the loop feeding it, or raise the \
             project's memory budget (now {} MB; click the canvas background for the \
             project settings) — then Reset",
            fmt_count(max_memory_mb)
        ),
        StopCause::Interrupted => "It was interrupted from outside: Reset to run again".to_owned(),
    }
}

/// A clear banner for a run that stopped before its end (memory budget, interruption):
/// what happened, when, the node to look at (a button selects it), what to change, and
/// Reset. `node_name` is the display name of `stopped.node`, when it still exists.
pub fn stopped_banner_ui(
    ui: &mut egui::Ui,
    stopped: &RunStopped,
    node_name: Option<&str>,
    max_memory_mb: u64,
    actions: &mut Vec<Action>,
) {
    let color = theme::text_color(theme::TextRole::Failed, ui.visuals().dark_mode);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, color))
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new(STOPPED_HEADING).strong().color(color));
                ui.label(&stopped.message);
            });
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new(stopped_advice(stopped, max_memory_mb)).strong());
                if let (Some(id), Some(name)) = (&stopped.node, node_name)
                    && ui
                        .button(format!("Select {name}"))
                        .on_hover_text("Select the node that grew fastest on the canvas")
                        .clicked()
                {
                    actions.push(Action::Select(Selection::node(id.as_str().into())));
                }
                if ui
                    .button(RESET)
                    .on_hover_text("Start over at 0:00 with the project as edited now")
                    .clicked()
                {
                    actions.push(Action::Run(RunAction::Reset));
                }
            });
        });
}

/// Engine state, events per second and lag.
fn status_ui(ui: &mut egui::Ui, r: &LiveRun) {
    let (text, tip) = match r.state {
        RunState::Paused => ("paused", "Virtual time is stopped"),
        RunState::Running => ("running", "Virtual time runs at the chosen speed"),
        RunState::FastForward { .. } => ("fast-forwarding", "Running flat out"),
        RunState::Finished if r.snapshot().is_some_and(|s| s.stopped.is_some()) => (
            "stopped",
            "The run stopped before its end: see the banner below",
        ),
        RunState::Finished => ("finished", "The run reached its duration"),
    };
    ui.label(egui::RichText::new(text).weak())
        .on_hover_text(tip);
    if r.is_active() {
        ui.label(format!(
            "{} events/s",
            fmt_count(r.events_per_s.max(0.0) as u64)
        ))
        .on_hover_text("Engine events processed per wall-clock second");
    }
    if r.lag > 10 * MS && matches!(r.state, RunState::Running) {
        let dark = ui.visuals().dark_mode;
        ui.label(
            egui::RichText::new(format!("behind by {}", short_duration(r.lag)))
                .color(theme::warning_color(dark)),
        )
        .on_hover_text(
            "The engine cannot keep up with this speed: the virtual clock falls behind wall \
             time × speed",
        );
    }
}
