//! The lesson panel: the open project's guided lesson beside the canvas — progress, the
//! current step's text with live numbers, the live check, and "Show me", Back, Skip, Restart.
//!
//! [`LessonPanel`] wraps the shared [`LessonRunner`]: each new snapshot of the editor's live
//! run is observed once, and the step moves on by itself when its check is met. The panel
//! only asks (it pushes [`LessonAction`]s); the editor carries them out (`ui/editor/lesson.rs`),
//! starting or playing the live run and sending the step's commands to it.

use super::live::LiveRun;
use crate::lesson::{LessonRunner, Progress};
use crate::model::{NodeId, Project, Segment, segments};
use crate::sim::Snapshot;
use crate::ui::message::{Action, LessonAction};
use crate::ui::shell::theme;
use std::sync::Arc;

/// Label of the button that performs the step's actions.
pub const SHOW_ME: &str = "Show me";
/// Label of the button that goes back one step.
pub const BACK: &str = "◀ Back";
/// Label of the button that moves on without waiting for the check.
pub const SKIP: &str = "Skip ▶";
/// Label of the button that starts the lesson over.
pub const RESTART: &str = "⟲ Restart";

/// The lesson of the open project and what the panel remembers between frames.
#[derive(Clone, Debug)]
pub struct LessonPanel {
    runner: LessonRunner,
    /// Whether the panel is shown.
    pub open: bool,
    /// The snapshot observed last (a frame with the same snapshot is not observed again).
    seen: Option<Arc<Snapshot>>,
    /// The run generation of `seen`: a reset run begins the current step again.
    generation: u64,
    /// The current step's check is overdue.
    overdue: bool,
}

impl LessonPanel {
    /// The panel for `project`'s lesson, open; `None` when it has none.
    pub fn new(project: &Project) -> Option<Self> {
        Some(Self {
            runner: LessonRunner::new(project)?,
            open: true,
            seen: None,
            generation: 0,
            overdue: false,
        })
    }

    /// The lesson's state machine.
    pub fn runner(&self) -> &LessonRunner {
        &self.runner
    }

    /// Nodes the current step talks about.
    pub fn focus(&self) -> &[NodeId] {
        self.runner.focus()
    }

    /// Observes the run's latest snapshot if it was not observed yet; `None` when there was
    /// nothing new.
    pub fn observe(&mut self, live: Option<&LiveRun>) -> Option<Progress> {
        let live = live?;
        let snap = live.snapshot.as_ref()?;
        if self.seen.as_ref().is_some_and(|s| Arc::ptr_eq(s, snap)) {
            return None;
        }
        if self.seen.is_none() || live.generation != self.generation {
            // A new or reset run: the current step's start belongs to the old one.
            self.runner.begin_again();
        }
        self.seen = Some(snap.clone());
        self.generation = live.generation;
        let p = self.runner.observe(snap);
        self.overdue = matches!(p, Progress::Overdue);
        Some(p)
    }

    /// Forgets the run observed so far (it was stopped or replaced).
    pub fn forget_run(&mut self) {
        self.seen = None;
        self.runner.begin_again();
    }

    /// Goes back one step (the run goes on; the step begins again at the next observation).
    pub fn back(&mut self) {
        self.runner.back();
        self.moved();
    }

    /// Starts the lesson over from the first step.
    pub fn restart(&mut self) {
        self.runner.restart();
        self.moved();
    }

    /// Moves on without waiting for the check (recorded as skipped, measured on `snapshot`).
    pub fn skip(&mut self, snapshot: &Snapshot) {
        self.runner.skip(snapshot);
        self.moved();
    }

    fn moved(&mut self) {
        self.overdue = false;
    }
}

/// `text` with each placeholder shown as "—" (no run yet).
fn render_without_run(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for seg in segments(text) {
        match seg {
            Segment::Text(t) => out.push_str(&t),
            Segment::Value(_) => out.push('—'),
            Segment::Invalid(raw, _) => {
                out.push('{');
                out.push_str(&raw);
                out.push('}');
            }
        }
    }
    out
}

/// The lesson panel's contents (`project`, as edited, names the nodes a step acts on).
pub fn lesson_ui(
    ui: &mut egui::Ui,
    panel: &LessonPanel,
    project: &Project,
    live: Option<&LiveRun>,
    actions: &mut Vec<Action>,
) {
    let r = &panel.runner;
    let lesson = r.lesson();
    let n = lesson.steps.len();
    let snap = live.and_then(|l| l.snapshot());
    let mut push = |a: LessonAction| actions.push(Action::Lesson(a));

    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("🎓").size(18.0));
        ui.add(egui::Label::new(egui::RichText::new(&lesson.title).heading().strong()).wrap());
    });
    ui.add_space(2.0);
    let done = r.index().min(n);
    let step_text = if r.is_finished() {
        format!("All {n} steps done")
    } else {
        format!("Step {} of {n}", done + 1)
    };
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(step_text).weak());
        step_dots_ui(ui, panel);
    });
    ui.add(egui::ProgressBar::new(done as f32 / n.max(1) as f32).desired_height(6.0));
    ui.separator();

    // The buttons first, in a strip at the bottom, so the step text scrolls above them
    // and never runs under them however short the column is.
    egui::Panel::bottom("lesson buttons")
        .resizable(false)
        .show_separator_line(false)
        .frame(egui::Frame::NONE.inner_margin(egui::Margin::symmetric(0, 6)))
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                let finished = r.is_finished();
                let show = egui::Button::new(egui::RichText::new(SHOW_ME).strong())
                    .fill(ui.visuals().selection.bg_fill);
                let tip = match r.step() {
                    Some(s) if !s.actions.is_empty() => {
                        let what: Vec<String> =
                            s.actions.iter().map(|a| a.label(&project.graph)).collect();
                        format!("Do it for me: {}", what.join(", "))
                    }
                    Some(_) => "Nothing to do here but watch: this keeps the run going".to_owned(),
                    None => "The lesson is over".to_owned(),
                };
                if ui.add_enabled(!finished, show).on_hover_text(tip).clicked() {
                    push(LessonAction::ShowMe);
                }
                if ui
                    .add_enabled(r.index() > 0, egui::Button::new(BACK))
                    .on_hover_text("Go back one step (the run goes on; it is not rewound)")
                    .clicked()
                {
                    push(LessonAction::Back);
                }
                if ui
                    .add_enabled(!finished, egui::Button::new(SKIP))
                    .on_hover_text("Move on without waiting for the check (recorded as skipped)")
                    .clicked()
                {
                    push(LessonAction::Skip);
                }
                if ui
                    .button(RESTART)
                    .on_hover_text("Start the lesson over from step 1 (the run is not rewound)")
                    .clicked()
                {
                    push(LessonAction::Restart);
                }
            });
        });
    egui::ScrollArea::vertical()
        .id_salt("lesson text")
        .auto_shrink([false, false])
        .show(ui, |ui| match r.step() {
            Some(step) => {
                previous_ui(ui, panel);
                ui.label(egui::RichText::new(&step.title).size(17.0).strong());
                ui.add_space(4.0);
                let text = match snap {
                    Some(s) => r.render_text(s),
                    None => render_without_run(&step.text),
                };
                ui.add(egui::Label::new(egui::RichText::new(text).size(14.5)).wrap());
                if snap.is_none() {
                    ui.add_space(4.0);
                    ui.label(egui::RichText::new("Live numbers appear once the run starts").weak())
                        .on_hover_text("\"Show me\" starts the run when the step needs it");
                }
                if !step.actions.is_empty() {
                    ui.add_space(8.0);
                    ui.label(egui::RichText::new("Your move").strong());
                    for a in &step.actions {
                        ui.label(format!("• {}", a.label(&project.graph)));
                    }
                }
                ui.add_space(8.0);
                check_ui(ui, panel, snap);
            }
            None => finished_ui(ui, panel),
        });
}

/// What the step just completed measured, so a step that is met at once is not missed.
fn previous_ui(ui: &mut egui::Ui, panel: &LessonPanel) {
    let r = &panel.runner;
    let Some(i) = r.index().checked_sub(1) else {
        return;
    };
    let (Some(Some(o)), Some(step)) = (r.outcomes().get(i), r.lesson().steps.get(i)) else {
        return;
    };
    let (mark, color) = if o.met {
        ("✔", theme::LESSON_MET)
    } else {
        ("✖", theme::LESSON_SKIPPED)
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(mark).color(color));
        ui.label(egui::RichText::new(format!("Step {}: {}", i + 1, step.title)).weak())
            .on_hover_text(format!("Measured: {}", o.measured));
    });
    ui.add_space(4.0);
}

/// One dot per step: ✔ met, ✖ skipped, a ring for the current one.
fn step_dots_ui(ui: &mut egui::Ui, panel: &LessonPanel) {
    let r = &panel.runner;
    let outcomes = r.outcomes();
    ui.spacing_mut().item_spacing.x = 3.0;
    for (i, step) in r.lesson().steps.iter().enumerate() {
        let (rect, resp) = ui.allocate_exact_size(egui::vec2(16.0, 16.0), egui::Sense::hover());
        let c = rect.center();
        let p = ui.painter();
        let (fill, mark, tip) = match outcomes.get(i).and_then(Option::as_ref) {
            Some(o) if o.met => (
                theme::LESSON_MET,
                "✔",
                format!("Step {}: {} — done in {:.0} s", i + 1, step.title, o.took_s),
            ),
            Some(_) => (
                theme::LESSON_SKIPPED,
                "✖",
                format!("Step {}: {} — skipped", i + 1, step.title),
            ),
            None if i == r.index() => (
                theme::LESSON_CURRENT,
                "",
                format!("Step {}: {} — now", i + 1, step.title),
            ),
            None => (
                egui::Color32::TRANSPARENT,
                "",
                format!("Step {}: {}", i + 1, step.title),
            ),
        };
        if fill == egui::Color32::TRANSPARENT {
            p.circle_stroke(c, 6.0, egui::Stroke::new(1.5, theme::LESSON_TODO));
        } else {
            p.circle_filled(c, 7.0, fill);
        }
        if !mark.is_empty() {
            p.text(
                c,
                egui::Align2::CENTER_CENTER,
                mark,
                egui::FontId::proportional(11.0),
                egui::Color32::WHITE,
            );
        }
        resp.on_hover_text(tip);
    }
}

/// The current step's check: what is measured now and how long it has taken.
fn check_ui(ui: &mut egui::Ui, panel: &LessonPanel, snap: Option<&Snapshot>) {
    let r = &panel.runner;
    let Some(step) = r.step() else {
        return;
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(egui::RichText::new("Moves on when").strong())
            .on_hover_text("The step's check, measured on the live run");
        match (r.last_evaluation(), snap) {
            (Some(ev), Some(_)) => {
                let (icon, color) = if ev.met {
                    ("✔", theme::LESSON_MET)
                } else {
                    ("⏳", ui.visuals().text_color())
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(egui::RichText::new(icon).color(color));
                    ui.label(egui::RichText::new(&ev.measured).monospace());
                });
            }
            (None, _) | (_, None) => {
                ui.label(egui::RichText::new("Waiting for the run to start").weak());
            }
        }
        if let Some(s) = snap {
            let took = r.elapsed_s(s);
            let line = format!(
                "{took:.0} s into this step (it usually takes up to {} s)",
                step.within_s
            );
            if panel.overdue {
                ui.label(
                    egui::RichText::new(format!(
                        "{line} — taking long: try \"{SHOW_ME}\" or keep the run going"
                    ))
                    .color(theme::LESSON_SKIPPED),
                );
            } else {
                ui.label(egui::RichText::new(line).weak());
            }
        }
    });
}

/// The end of the lesson: how each step went.
fn finished_ui(ui: &mut egui::Ui, panel: &LessonPanel) {
    let r = &panel.runner;
    ui.label(egui::RichText::new("Lesson complete").size(17.0).strong());
    ui.add_space(4.0);
    for (step, o) in r.lesson().steps.iter().zip(r.outcomes()) {
        let (mark, color, how) = match o {
            Some(o) if o.met => ("✔", theme::LESSON_MET, format!("{:.0} s", o.took_s)),
            Some(_) => ("✖", theme::LESSON_SKIPPED, "skipped".to_owned()),
            None => ("·", theme::LESSON_TODO, String::new()),
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(mark).color(color).strong());
            ui.label(&step.title);
            ui.label(egui::RichText::new(how).weak());
        });
    }
    ui.add_space(6.0);
    ui.label(
        egui::RichText::new("Keep exploring: change a parameter, inject a fault, run again").weak(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_without_a_run_show_a_dash() {
        assert_eq!(
            render_without_run("depth {q.depth}, {{x}} and {nope.colour}"),
            "depth —, {x} and {nope.colour}"
        );
    }
}
