//! Lesson panel, start screen and Present mode, driven headless (egui_kittest) with the
//! deterministic inline run: open a lesson from the gallery, complete steps with "Show me",
//! go back.
#![cfg(feature = "gui")]

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use eventloom::model::{
    Action as StepAction, Arrival, Check, Distribution, Edge, EdgeKind, Fault, FaultKind,
    FaultTarget, FunctionParams, KindTag, Lesson, Node, NodeId, NodeKind, NodeMetric, Pos, Project,
    Step,
};
use eventloom::ui::run::lesson::{ANSWER_RECORDED, BACK, RESTART, SHOW_ME, SKIP};
use eventloom::ui::{Action, Editor, Selection, examples_in};

/// Users → worker (async), with a three-step lesson: run, break the worker, recover.
fn lesson_project() -> Project {
    let mut p = Project {
        name: "Tiny shop".to_owned(),
        description: "Users call one worker".to_owned(),
        ..Project::default()
    };
    let mut users = Node::new("Users", KindTag::Client.default_kind());
    if let NodeKind::Client(c) = &mut users.kind {
        c.arrival = Arrival::Poisson { rate_per_s: 20.0 };
    }
    p.graph.nodes.insert("users".into(), users);
    p.graph.nodes.insert(
        "worker".into(),
        Node::new("Worker", KindTag::Function.default_kind()),
    );
    p.graph.edges.insert(
        "users-worker".into(),
        Edge::new("users", "worker", EdgeKind::AsyncInvoke),
    );
    p.layout
        .positions
        .insert("users".into(), Pos { x: 0.0, y: 0.0 });
    p.layout
        .positions
        .insert("worker".into(), Pos { x: 300.0, y: 0.0 });
    let step = |title: &str, text: &str, focus: &str, actions, check| Step {
        title: title.into(),
        text: text.into(),
        focus: vec![NodeId::from(focus)],
        actions,
        check,
        within_s: 30,
        question: None,
        awaits: None,
        instructor_notes: String::new(),
    };
    p.lesson = Some(Lesson {
        title: "Break the worker".into(),
        summary: "Run, inject an outage, watch errors".into(),
        steps: vec![
            step(
                "Start the run",
                "Users send {users.rate} requests per second.",
                "users",
                vec![StepAction::Run],
                Check::Elapsed { seconds: 2.0 },
            ),
            step(
                "Break the worker",
                "The worker fails: {worker.errors} errors so far.",
                "worker",
                vec![StepAction::InjectFault(Fault {
                    target: FaultTarget::Node("worker".into()),
                    kind: FaultKind::Outage,
                })],
                Check::NodeGrows {
                    node: "worker".into(),
                    metric: NodeMetric::Errors,
                    by: 5.0,
                },
            ),
            step(
                "Recover",
                "Clear the fault.",
                "worker",
                vec![StepAction::ClearFaults],
                Check::Elapsed { seconds: 2.0 },
            ),
        ],
        takeaway: String::new(),
        exercise: false,
        instructor_notes: String::new(),
    });
    p
}

fn harness(editor: Editor) -> Harness<'static, Editor> {
    Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), editor)
}

/// An editor showing the start screen with the lesson project as its only example.
fn start_screen(dir: &std::path::Path) -> Editor {
    eventloom::project::save(&lesson_project(), &dir.join("tiny-shop.ron")).expect("save");
    let mut e = Editor::default();
    e.inline_runs = true;
    e.set_examples(examples_in(dir));
    e.show_start_screen();
    e
}

/// Runs frames (the inline run advances 100 ms each) until the lesson reaches step `index`.
fn until_step(h: &mut Harness<'static, Editor>, index: usize) {
    for _ in 0..600 {
        h.step();
        if lesson_index(h) == index {
            return;
        }
    }
    panic!(
        "the lesson did not reach step {} (at {}, t = {} µs)",
        index + 1,
        lesson_index(h) + 1,
        h.state().live.as_ref().map_or(0, |l| l.now())
    );
}

fn lesson_index(h: &Harness<'static, Editor>) -> usize {
    h.state().lesson.as_ref().expect("lesson").runner().index()
}

/// The scaling example, as the gallery lists it.
const SCALING: &str = "Independent scaling: one shop, three routes";

#[test]
fn open_a_lesson_from_the_gallery_complete_steps_with_show_me_and_go_back() {
    let mut e = Editor::default();
    e.inline_runs = true;
    e.show_start_screen();
    let mut h = harness(e);
    h.run();
    assert!(h.state().is_gallery_open());
    h.get_by_label(SCALING).scroll_to_me();
    h.run();
    h.get_by_label(SCALING).click();
    h.run();
    let e = h.state();
    assert!(
        !e.is_gallery_open(),
        "opening an example closes the gallery"
    );
    assert_eq!(e.project.name, SCALING);
    assert!(
        e.lesson.as_ref().is_some_and(|l| l.open),
        "the lesson panel opens"
    );
    h.get_by_label("Only the busy function scales");
    h.get_by_label("Step 1 of 4");
    h.get_by_label("Three routes, three functions");
    let focus = |h: &Harness<'static, Editor>| h.state().canvas.highlight.clone();
    assert_eq!(
        focus(&h),
        vec![
            NodeId::from("products-api"),
            NodeId::from("checkout-api"),
            NodeId::from("reports-api")
        ]
    );

    // Step 1 asks for Run: "Show me" starts the run.
    h.get_by_label(SHOW_ME).click();
    h.step();
    assert!(h.state().live.as_ref().is_some_and(|l| l.is_inline()));
    until_step(&mut h, 1);
    h.step();
    h.get_by_label("Step 2 of 4");
    h.get_by_label("A flash sale hits one route");
    assert_eq!(focus(&h), vec![NodeId::from("browse")]);
    let runner = h.state().lesson.as_ref().unwrap().runner();
    assert!(
        runner.outcomes()[0].as_ref().is_some_and(|o| o.met),
        "step 1 met"
    );

    // Step 2 asks first: "Show me" waits for an answer, the reveal is withheld.
    h.get_by_label("Predict first");
    assert!(
        h.get_by_label(SHOW_ME).accesskit_node().is_disabled(),
        "Show me waits for the answer"
    );
    let right = "They stay as they are: each function scales on its own demand";
    h.get_by_label(right).click();
    h.run_steps(2);
    h.get_by_label(&format!("Your answer: {right}"));
    // The reveal and the verdict wait for the step's check: the sale has not run yet.
    h.get_by_label(ANSWER_RECORDED);
    assert!(
        h.query_by_label(&format!("You chose \"{right}\": right"))
            .is_none()
            && h.query_by_label_contains("They stay: Check out has")
                .is_none(),
        "revealed before the run showed it"
    );
    assert!(!h.get_by_label(SHOW_ME).accesskit_node().is_disabled());

    // "Show me" raises the shoppers' workload; List products scales out.
    let busy_max = |h: &Harness<'static, Editor>| {
        h.state()
            .live
            .as_ref()
            .unwrap()
            .node("browse")
            .unwrap()
            .busy_max
    };
    let before = busy_max(&h);
    h.get_by_label(SHOW_ME).click();
    h.step();
    until_step(&mut h, 2);
    h.step();
    let after = busy_max(&h);
    assert!(after >= before + 10, "busy max {before} → {after}");
    h.get_by_label("Step 3 of 4");
    h.get_by_label("The neighbours do not notice");
    // Above step 3: step 2's verdict and its reveal, with the numbers of the sale.
    h.get_by_label(&format!("You chose \"{right}\": right"));
    assert!(
        h.query_by_label_contains("They stay: Check out has")
            .is_some(),
        "the reveal, once answered and the check held"
    );

    // Back: step 2 again, its outcome forgotten (its answer kept); the run goes on (the
    // click is handled at the end of the first frame, the panel shows it in the next).
    h.get_by_label(BACK).click();
    h.run_steps(2);
    assert_eq!(lesson_index(&h), 1);
    assert!(h.state().lesson.as_ref().unwrap().runner().outcomes()[1].is_none());
    h.get_by_label("Step 2 of 4");
    // The step's text shows live numbers.
    let e = h.state();
    let snap = e
        .live
        .as_ref()
        .and_then(|l| l.snapshot())
        .expect("a snapshot");
    let text = e.lesson.as_ref().unwrap().runner().render_text(snap);
    assert!(!text.contains('—') && !text.contains('{'), "{text}");
    h.get_by_label(&text);
}

#[test]
fn before_a_run_text_has_no_numbers_and_skip_and_restart_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(start_screen(dir.path()));
    h.run();
    h.get_by_label("Tiny shop").click();
    h.run();
    h.get_by_label("Users send — requests per second.");
    h.get_by_label("Waiting for the run to start");
    h.get_by_label(SKIP).click();
    h.run();
    assert_eq!(lesson_index(&h), 1);
    assert!(h.state().live.is_none(), "skipping does not start a run");
    let skipped = h.state().lesson.as_ref().unwrap().runner().outcomes()[0].clone();
    assert!(skipped.is_some_and(|o| !o.met));
    h.get_by_label("Step 2 of 3");
    h.get_by_label(RESTART).click();
    h.run();
    assert_eq!(lesson_index(&h), 0);
    h.get_by_label("Step 1 of 3");
    // Skipping every step ends the lesson: the panel sums it up.
    for _ in 0..3 {
        h.get_by_label(SKIP).click();
        h.run();
    }
    h.get_by_label("All 3 steps done");
    h.get_by_label("Lesson complete");
    assert_eq!(h.query_all_by_label("skipped").count(), 3);
}

#[test]
fn the_lesson_panel_hides_from_the_view_menu() {
    let mut e = Editor::new(lesson_project(), None);
    e.inline_runs = true;
    let mut h = harness(e);
    h.run();
    h.get_by_label("Step 1 of 3");
    h.get_by_label("View").click();
    h.run();
    h.get_by_label("Lesson panel").click();
    h.run();
    assert!(!h.state().lesson.as_ref().unwrap().open);
    assert!(h.query_by_label("Step 1 of 3").is_none());
    assert!(
        h.state().canvas.highlight.is_empty(),
        "no highlight when hidden"
    );
}

#[test]
fn present_mode_zooms_and_toggles_back() {
    let mut h = harness(Editor::new(lesson_project(), None));
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    h.run();
    assert!(h.state().present);
    assert_eq!(h.ctx.zoom_factor(), eventloom::ui::PRESENT_ZOOM);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    h.run();
    assert!(!h.state().present);
    assert_eq!(h.ctx.zoom_factor(), 1.0);
}

/// Presses `key` the way eframe delivers it from a Linux or Windows keyboard: the modifiers
/// change first (winit sets `ctrl` and `command` together), then the key goes down and up
/// with its physical key, then the modifiers are released.
fn press_like_a_keyboard(h: &mut Harness<'static, Editor>, modifiers: Modifiers, key: Key) {
    h.event(egui::Event::ModifiersChanged(modifiers));
    for pressed in [true, false] {
        h.event(egui::Event::Key {
            key,
            physical_key: Some(key),
            pressed,
            repeat: false,
            modifiers,
        });
    }
    h.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    h.run();
}

/// Ctrl+Shift+P, sent as a real keyboard sends it, toggles Present mode — also while a text
/// field has the keyboard — and Ctrl+P alone does not. (Under Xvfb without a window manager
/// the window never gets the keyboard focus: `xdotool key` then reaches no window at all
/// unless it is focused first with `xdotool windowfocus`.)
#[test]
fn ctrl_shift_p_from_a_keyboard_toggles_present_mode() {
    let mut h = harness(Editor::new(lesson_project(), None));
    h.run();
    let ctrl = Modifiers {
        ctrl: true,
        command: true,
        ..Modifiers::NONE
    };
    let ctrl_shift = Modifiers {
        shift: true,
        ..ctrl
    };
    press_like_a_keyboard(&mut h, ctrl, Key::P);
    assert!(!h.state().present, "Ctrl+P is not Present mode");
    press_like_a_keyboard(&mut h, ctrl_shift, Key::P);
    assert!(h.state().present, "Ctrl+Shift+P turns Present mode on");
    assert_eq!(h.ctx.zoom_factor(), eventloom::ui::PRESENT_ZOOM);
    h.get_by_label("Present mode on");
    press_like_a_keyboard(&mut h, ctrl_shift, Key::P);
    assert!(!h.state().present, "and off again");
    assert_eq!(h.ctx.zoom_factor(), 1.0);
    // Typing in a text field does not swallow it.
    h.get_by_label("Title").click();
    h.run();
    assert!(
        h.ctx.text_edit_focused(),
        "the title field has the keyboard"
    );
    press_like_a_keyboard(&mut h, ctrl_shift, Key::P);
    assert!(h.state().present, "Ctrl+Shift+P works from a text field");
    assert_eq!(h.state().project.name, "Tiny shop", "and types nothing");
}

#[test]
fn an_idle_lesson_panel_does_not_repaint() {
    let mut h = harness(Editor::new(lesson_project(), None));
    h.run();
    h.get_by_label("Step 1 of 3");
    let repaint = h
        .output()
        .viewport_output
        .values()
        .map(|v| v.repaint_delay)
        .min()
        .unwrap_or(std::time::Duration::MAX);
    assert!(
        repaint > std::time::Duration::from_secs(1),
        "asks for a repaint in {repaint:?}"
    );
}

/// Function `id`'s parameters in `project`.
fn function(project: &Project, id: &str) -> FunctionParams {
    match project.graph.nodes.get(&NodeId::from(id)).map(|n| &n.kind) {
        Some(NodeKind::Function(f)) => f.clone(),
        other => panic!("{id} is not a function: {other:?}"),
    }
}

/// Checkout's parameters as the run has them (what the engine deploys and rolls back).
fn running_checkout(h: &Harness<'static, Editor>) -> FunctionParams {
    function(&h.state().live.as_ref().expect("a run").project, "checkout")
}

#[test]
fn a_deploy_by_show_me_can_be_rolled_back_from_the_live_panel() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/canary-deploy.ron");
    let project = eventloom::project::load(&path).expect("the canary example loads");
    let v1 = function(&project, "checkout");
    let mut e = Editor::new(project, None);
    e.inline_runs = true;
    let mut h = harness(e);
    h.run();
    h.get_by_label("Step 1 of 5");

    // Step 1 runs; step 2 deploys v2 (more memory, faster) as a canary.
    h.get_by_label(SHOW_ME).click();
    h.step();
    until_step(&mut h, 1);
    h.step();
    h.get_by_label("Canary: 10 % of traffic to v2");
    // The step asks first.
    h.get_by_label("No: v1 finishes what it started while v2 takes its share")
        .click();
    h.step();
    h.get_by_label(SHOW_ME).click();
    h.step();
    h.step();

    // The deploy went the live panel's way: the run, Rollback and the editor know v2.
    let v2 = running_checkout(&h);
    assert_eq!(v2.memory_mb, 1024);
    assert_eq!(
        v2.duration,
        Distribution::LogNormal {
            median_ms: 45.0,
            sigma: 0.3
        }
    );
    assert_eq!(v2.timeout_ms, v1.timeout_ms, "the rest stays as written");
    let e = h.state();
    let run = e.live.as_ref().expect("a run");
    assert!(run.can_roll_back(&"checkout".into()));
    assert_eq!(
        run.node("checkout")
            .and_then(|n| n.shifting_to.map(|s| s.0)),
        Some(2)
    );
    assert_eq!(
        function(&e.project, "checkout"),
        v2,
        "the edited project shows the deployed parameters"
    );
    assert!(
        e.live_changes.deploy.is_empty() && e.live_changes.restart.is_none(),
        "nothing is left to deploy or restart: {:?}",
        e.live_changes
    );
    assert!(e.dirty, "the deploy is an edit of the design");
    let status = e.status.as_ref().map(|s| s.text.as_str());
    assert_eq!(
        status,
        Some("Deploy of Checkout (canary): deploying version 2")
    );

    // Select Checkout: the live panel offers Rollback, which puts v1's parameters back.
    h.state_mut()
        .act(Action::Select(Selection::node(NodeId::from("checkout"))));
    h.step();
    h.step();
    h.get_by_label("Rollback").scroll_to_me();
    h.step();
    h.get_by_label("Rollback").click();
    h.step();
    h.step();
    assert_eq!(
        running_checkout(&h),
        v1,
        "the run is back on v1's parameters"
    );
    let e = h.state();
    let run = e.live.as_ref().expect("a run");
    let checkout = run.node("checkout").expect("checkout runs");
    assert_eq!((checkout.version, checkout.shifting_to), (1, None));
    assert!(!run.can_roll_back(&"checkout".into()), "v1 was the first");
    assert!(h.query_by_label("Rollback").is_none());
    let status = e.status.as_ref().map(|s| s.text.as_str());
    assert_eq!(status, Some("Rollback of Checkout: back on version 1"));
    // As after any rollback from the panel, the edited project keeps what was rolled back,
    // offered for Deploy again.
    assert_eq!(function(&h.state().project, "checkout"), v2);
    assert_eq!(
        h.state().live_changes.deploy,
        vec![NodeId::from("checkout")]
    );
}

/// A lesson whose second step waits for the learner to select the worker (a UI event),
/// with a 3 s fallback that records it as skipped.
fn awaiting_project() -> Project {
    let mut p = lesson_project();
    let lesson = p.lesson.as_mut().expect("a lesson");
    lesson.steps.truncate(1);
    lesson.steps.push(Step {
        title: "Select the worker".into(),
        text: "Click the worker to see its numbers.".into(),
        focus: vec![NodeId::from("worker")],
        actions: vec![],
        check: Check::All(vec![]),
        within_s: 3,
        question: None,
        awaits: Some(eventloom::model::UiEvent::SelectNode("worker".into())),
        instructor_notes: String::new(),
    });
    lesson.steps.push(lesson.steps[1].clone());
    lesson.steps[2].title = "Select it again".into();
    p
}

/// A step that asks for a UI action moves on when the learner does it, and only then; if
/// they do not, the timer moves on and says the step was skipped.
#[test]
fn a_step_waiting_for_a_selection_moves_on_when_the_learner_selects() {
    let dir = tempfile::tempdir().unwrap();
    eventloom::project::save(&awaiting_project(), &dir.path().join("tiny-shop.ron")).unwrap();
    let mut e = Editor::default();
    e.inline_runs = true;
    e.set_examples(examples_in(dir.path()));
    e.show_start_screen();
    let mut h = harness(e);
    h.run();
    h.get_by_label("Tiny shop").click();
    h.run();
    h.get_by_label(SHOW_ME).click();
    h.step();
    until_step(&mut h, 1);
    h.step();
    h.get_by_label("• Select Worker");
    // Time alone does not meet it before its 3 s.
    h.run_steps(10);
    assert_eq!(lesson_index(&h), 1);
    h.state_mut()
        .act(Action::Select(Selection::node(NodeId::from("worker"))));
    h.run_steps(3);
    assert_eq!(lesson_index(&h), 2, "selecting the worker meets the step");
    let o = h.state().lesson.as_ref().unwrap().runner().outcomes()[1].clone();
    assert!(o.is_some_and(|o| o.met));
    // Step 3 waits for a new selection; the worker stays selected, nothing new happens:
    // after its 3 s the step moves on, recorded as skipped, and the status bar says so.
    until_step(&mut h, 3);
    let o = h.state().lesson.as_ref().unwrap().runner().outcomes()[2].clone();
    let o = o.expect("ended");
    assert!(!o.met, "{}", o.measured);
    assert!(
        o.measured.starts_with("not done in 3 s: select worker"),
        "{}",
        o.measured
    );
}

/// A run paused mid-way says it is paused, not that it is waiting to start.
#[test]
fn a_paused_run_is_called_paused() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(start_screen(dir.path()));
    h.run();
    h.get_by_label("Tiny shop").click();
    h.run();
    h.get_by_label(SHOW_ME).click();
    h.step();
    until_step(&mut h, 1);
    h.get_by_label(eventloom::ui::run::toolbar::PAUSE).click();
    h.run_steps(2);
    // Back begins step 1 again: nothing is measured until the run goes on.
    h.get_by_label(BACK).click();
    h.run_steps(2);
    assert_eq!(lesson_index(&h), 0);
    assert!(h.query_by_label("Waiting for the run to start").is_none());
    h.get_by_label("The run is paused: press Run (or \"Show me\") to go on");
}

/// Lecturer paces: a met step stays, the run pauses, and Next moves on.
#[test]
fn lecturer_paces_holds_a_met_step_until_next() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(start_screen(dir.path()));
    h.run();
    h.get_by_label("Tiny shop").click();
    h.run();
    h.get_by_label(eventloom::ui::run::lesson::PACED).click();
    h.run();
    h.get_by_label(SHOW_ME).click();
    h.step();
    for _ in 0..100 {
        h.step();
        if h.state().lesson.as_ref().unwrap().runner().is_held() {
            break;
        }
    }
    assert!(h.state().lesson.as_ref().unwrap().runner().is_held());
    h.run_steps(5);
    assert_eq!(lesson_index(&h), 0, "held at its boundary");
    h.get_by_label(eventloom::ui::run::lesson::NEXT).click();
    h.run_steps(2);
    assert_eq!(lesson_index(&h), 1);
}

/// The instructor view shows the lesson's notes, and only when asked; the last step shows
/// the takeaway.
#[test]
fn the_instructor_view_shows_the_notes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("projects/cold-starts.ron");
    let project = eventloom::project::load(&path).expect("the example loads");
    let notes = project.lesson.as_ref().unwrap().instructor_notes.clone();
    assert!(!notes.is_empty());
    let mut h = harness(Editor::new(project, None));
    h.run();
    assert!(h.query_by_label("Instructor notes").is_none());
    h.get_by_label(eventloom::ui::run::lesson::INSTRUCTOR)
        .click();
    h.run();
    h.get_by_label("Instructor notes");
    h.get_by_label(&notes);
    // Skipping to the end shows the takeaway.
    for _ in 0..4 {
        h.get_by_label(SKIP).click();
        h.run();
    }
    h.get_by_label("Takeaway");
}
