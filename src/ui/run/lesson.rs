//! The lesson panel: the open project's guided lesson beside the canvas — progress, the
//! current step's question (answered before "Show me"; its reveal once the answer is in and
//! the check held), its text with live numbers, the live check, and "Show me", Back, Skip,
//! Restart; "Lecturer paces" (Next) and the instructor view (notes).
//!
//! [`LessonPanel`] wraps the shared [`LessonRunner`]: each new snapshot of the editor's live
//! run is observed once, and the step moves on by itself when its check is met. The panel
//! only asks (it pushes [`LessonAction`]s); the editor carries them out (`ui/editor/lesson.rs`),
//! starting or playing the live run and sending the step's commands to it.

use super::live::LiveRun;
use crate::host::RunState;
use crate::lesson::{Given, LessonRunner, Progress, Revealed};
use crate::model::{Answer, NodeId, Project, Segment, UiEvent, segments};
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
/// Label of the button that moves on from a held step (lecturer paces).
pub const NEXT: &str = "Next ▶";
/// Label of the lecturer-paces toggle.
pub const PACED: &str = "Lecturer paces";
/// Label of the instructor-view toggle.
pub const INSTRUCTOR: &str = "Instructor view";
/// Label of the button that submits a number answer.
pub const ANSWER: &str = "Answer";
/// Accessible label of the number answer field.
pub const ANSWER_FIELD: &str = "Your prediction";
/// What an answered step shows until its check has held (then the reveal).
pub const ANSWER_RECORDED: &str = "Answer recorded — the run will show it";

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
    /// The instructor view (lesson and step notes) is shown.
    pub instructor: bool,
    /// Where the learner's answers were saved last, or why they were not.
    pub saved: Option<Result<std::path::PathBuf, String>>,
    /// The trace open when the editor last looked (a new one is a "pick a trace" event).
    pub seen_trace: Option<u64>,
    /// The single node selected when the editor last looked.
    pub seen_node: Option<NodeId>,
}

impl LessonPanel {
    /// The panel for `project`'s lesson, open; `None` when it has none.
    pub fn new(project: &Project) -> Option<Self> {
        let mut runner = LessonRunner::new(project)?;
        // The panel asks: a step with a question waits for the answer.
        runner.set_asking(true);
        Some(Self {
            runner,
            open: true,
            seen: None,
            generation: 0,
            overdue: false,
            instructor: false,
            saved: None,
            seen_trace: None,
            seen_node: None,
        })
    }

    /// Records the learner's answer to the current step's question (false: it does not fit).
    pub fn answer(&mut self, given: Given) -> bool {
        self.runner.answer(given)
    }

    /// Lecturer paces on or off.
    pub fn set_paced(&mut self, paced: bool) {
        self.runner.set_paced(paced);
    }

    /// Moves on from a held step; the next begins at `snapshot`.
    pub fn next(&mut self, snapshot: &Snapshot) -> bool {
        let moved = self.runner.next(snapshot);
        self.moved();
        moved
    }

    /// Something the learner did in the editor.
    pub fn ui_event(&mut self, event: &UiEvent) {
        self.runner.ui_event(event);
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
    ui.horizontal_wrapped(|ui| {
        let mut paced = r.is_paced();
        if ui
            .checkbox(&mut paced, PACED)
            .on_hover_text("Each step stops when its check is met, until you press Next")
            .changed()
        {
            push(LessonAction::SetPaced(paced));
        }
        let mut instructor = panel.instructor;
        if ui
            .checkbox(&mut instructor, INSTRUCTOR)
            .on_hover_text("Show the lecturer's notes: real-platform caveats")
            .changed()
        {
            push(LessonAction::SetInstructor(instructor));
        }
    });
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
                let tip = if r.needs_answer() {
                    "Answer the question first".to_owned()
                } else {
                    tip
                };
                if ui
                    .add_enabled(!finished && !r.needs_answer(), show)
                    .on_hover_text(tip)
                    .clicked()
                {
                    push(LessonAction::ShowMe);
                }
                if r.is_held()
                    && ui
                        .button(egui::RichText::new(NEXT).strong())
                        .on_hover_text("Move on to the next step (lecturer paces)")
                        .clicked()
                {
                    push(LessonAction::Next);
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
                question_ui(ui, panel, snap, &mut push);
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
                if !step.actions.is_empty() || step.awaits.is_some() {
                    ui.add_space(8.0);
                    ui.label(egui::RichText::new("Your move").strong());
                    if let Some(e) = &step.awaits {
                        let done = r.awaiting().is_none();
                        ui.label(format!(
                            "{} {}",
                            if done { "✔" } else { "•" },
                            e.label(&project.graph)
                        ));
                    }
                    for a in &step.actions {
                        ui.label(format!("• {}", a.label(&project.graph)));
                    }
                }
                ui.add_space(8.0);
                check_ui(ui, panel, live);
                if panel.instructor {
                    notes_ui(ui, &lesson.instructor_notes, &step.instructor_notes);
                }
            }
            None => {
                finished_ui(ui, panel);
                if panel.instructor {
                    notes_ui(ui, &lesson.instructor_notes, "");
                }
            }
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
    // The prediction against what the step ended with, and the reveal with the numbers of
    // the moment its check held.
    if !r.lesson().exercise
        && let Some(rv) = r.revealed(i, None)
    {
        revealed_ui(ui, &rv, false);
    }
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
fn check_ui(ui: &mut egui::Ui, panel: &LessonPanel, live: Option<&LiveRun>) {
    let r = &panel.runner;
    let snap = live.and_then(|l| l.snapshot());
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
                ui.label(egui::RichText::new(waiting_words(live)).weak());
            }
        }
        if r.is_held() {
            ui.label(
                egui::RichText::new(format!("✔ Done: press \"{NEXT}\" when the class is ready"))
                    .color(theme::LESSON_MET),
            );
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

/// Why the check has no measurement yet, in words: no run, a paused run, or a run that has
/// not sent a new picture since the step began.
fn waiting_words(live: Option<&LiveRun>) -> &'static str {
    match live {
        None => "Waiting for the run to start",
        Some(l) if l.snapshot().is_none() => "Waiting for the run to start",
        Some(l) => match l.state {
            RunState::Paused => "The run is paused: press Run (or \"Show me\") to go on",
            RunState::Finished => "The run has ended: Reset to run it again",
            RunState::Running | RunState::FastForward { .. } => "Measuring…",
        },
    }
}

/// The current step's question: the answer field or choices, then — once answered — the
/// reveal and how the answer compares with the run (hidden in exercises).
fn question_ui(
    ui: &mut egui::Ui,
    panel: &LessonPanel,
    snap: Option<&Snapshot>,
    push: &mut impl FnMut(LessonAction),
) {
    let r = &panel.runner;
    let i = r.index();
    let Some(q) = r.step().and_then(|s| s.question.as_ref()) else {
        return;
    };
    let exercise = r.lesson().exercise;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(
            egui::RichText::new("Predict first")
                .strong()
                .color(theme::LESSON_CURRENT),
        );
        ui.add(egui::Label::new(egui::RichText::new(&q.prompt).size(14.5)).wrap());
        let given = r.answers().get(i).copied().flatten();
        match (&q.answer, given) {
            (Answer::Number { measure, .. }, None) => {
                let unit = crate::model::Placeholder::parse(measure)
                    .map(|p| unit_hint(p.unit()))
                    .unwrap_or("");
                let id = ui.id().with(("lesson answer", i));
                let mut text: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_default();
                let mut submit = false;
                ui.horizontal(|ui| {
                    let resp = ui.add(
                        egui::TextEdit::singleline(&mut text)
                            .desired_width(110.0)
                            .hint_text(unit),
                    );
                    resp.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::WidgetType::TextEdit, true, ANSWER_FIELD)
                    });
                    submit |=
                        resp.lost_focus() && ui.input(|inp| inp.key_pressed(egui::Key::Enter));
                    ui.label(egui::RichText::new(unit).weak());
                    submit |= ui.button(ANSWER).clicked();
                });
                if submit {
                    match parse_number(&text) {
                        Some(v) => push(LessonAction::Answer(Given::Number(v))),
                        None => {
                            ui.label(
                                egui::RichText::new("Type a number").color(theme::LESSON_SKIPPED),
                            );
                        }
                    }
                }
                ui.data_mut(|d| d.insert_temp(id, text));
            }
            (Answer::Choice { options, .. }, None) => {
                for (k, o) in options.iter().enumerate() {
                    if ui.button(o).clicked() {
                        push(LessonAction::Answer(Given::Choice(k)));
                    }
                }
            }
            (answer, Some(g)) => {
                let yours = match (answer, g) {
                    (Answer::Choice { options, .. }, Given::Choice(k)) => {
                        options.get(k).cloned().unwrap_or_default()
                    }
                    (_, Given::Number(v)) => format!("{v}"),
                    (Answer::Number { .. }, Given::Choice(k)) => format!("choice {}", k + 1),
                };
                ui.label(format!("Your answer: {yours}"));
                if exercise {
                    ui.label(egui::RichText::new("An exercise: the answer stays hidden").weak());
                } else if let Some(rv) = r.revealed(i, snap) {
                    revealed_ui(ui, &rv, true);
                } else {
                    // The reveal and the comparison wait for the step's check, so they
                    // quote the numbers the claim is about.
                    ui.label(egui::RichText::new(ANSWER_RECORDED).weak());
                }
            }
        }
    });
    ui.add_space(6.0);
}

/// How an answer compared with the run, then the reveal.
fn revealed_ui(ui: &mut egui::Ui, rv: &Revealed, strong: bool) {
    if let Some(v) = &rv.verdict {
        let color = if v.right {
            theme::LESSON_MET
        } else {
            theme::LESSON_SKIPPED
        };
        let line = egui::RichText::new(&v.line).color(color);
        ui.label(if strong { line.strong() } else { line });
    }
    if !rv.text.is_empty() {
        ui.add(egui::Label::new(&rv.text).wrap());
    }
}

/// What to type a number in ("ms", "$", "per second").
fn unit_hint(unit: crate::model::Unit) -> &'static str {
    match unit {
        crate::model::Unit::Count => "count",
        crate::model::Unit::PerSecond => "per second",
        crate::model::Unit::Ms => "ms",
        crate::model::Unit::Seconds => "s",
        crate::model::Unit::Percent => "%",
        crate::model::Unit::Usd => "$",
    }
}

/// A number as people type it: "1,200", "$4.61", "250 ms", "3 %".
fn parse_number(text: &str) -> Option<f64> {
    let kept: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E'))
        .collect();
    kept.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The lecturer's notes: the lesson's, then the step's.
fn notes_ui(ui: &mut egui::Ui, lesson_notes: &str, step_notes: &str) {
    if lesson_notes.is_empty() && step_notes.is_empty() {
        return;
    }
    ui.add_space(8.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(egui::RichText::new("Instructor notes").strong());
        for t in [lesson_notes, step_notes] {
            if !t.is_empty() {
                ui.add(egui::Label::new(egui::RichText::new(t).weak()).wrap());
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
    for (i, step) in r.lesson().steps.iter().enumerate() {
        if step.question.is_some()
            && !r.lesson().exercise
            && let Some(v) = r.revealed(i, None).and_then(|rv| rv.verdict)
        {
            ui.label(egui::RichText::new(format!("Step {}: {}", i + 1, v.line)).weak());
        }
    }
    let takeaway = &r.lesson().takeaway;
    if !takeaway.is_empty() {
        ui.add_space(6.0);
        ui.label(egui::RichText::new("Takeaway").strong());
        ui.add(egui::Label::new(egui::RichText::new(takeaway).size(14.5)).wrap());
    }
    match &panel.saved {
        Some(Ok(path)) => {
            ui.label(egui::RichText::new(format!("Answers saved to {}", path.display())).weak());
        }
        Some(Err(why)) => {
            ui.label(
                egui::RichText::new(format!("Answers not saved: {why}"))
                    .color(theme::LESSON_SKIPPED),
            );
        }
        None => {}
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
