//! What a live run shows in the editor is what the engine reports (#13, #20, #15's run
//! items): badges with error shares and loop stops, the banner of a run that stopped,
//! fast-forward as a temporary goal, and the project settings that bound a run. Runs are
//! driven inline (no thread, no clock), so every test is exact and nothing sleeps.
#![cfg(feature = "gui")]

mod sim_common;

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use eventloom::host::RunState;
use eventloom::model::{EdgeKind, FunctionParams, Pos, Project, RecursiveLoop};
use eventloom::sim::{SEC, Time};
use eventloom::ui::run::toolbar::STOPPED_HEADING;
use eventloom::ui::run::{FAST_FORWARD, STOP};
use eventloom::ui::{Editor, RUN};
use sim_common::{Build, func};

fn harness(p: Project) -> Harness<'static, Editor> {
    let mut editor = Editor::new(p, None);
    editor.inline_runs = true;
    Harness::builder()
        .with_size(Vec2::new(1400.0, 1000.0))
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), editor)
}

fn place(p: &mut Project, ids: &[&str]) {
    for (i, id) in ids.iter().enumerate() {
        p.layout.positions.insert(
            (*id).into(),
            Pos {
                x: 260.0 * i as f32,
                y: 0.0,
            },
        );
    }
}

/// Two frames: one for the click, one for its effect.
fn frames(h: &mut Harness<'static, Editor>) {
    h.step();
    h.step();
}

fn now(h: &Harness<'static, Editor>) -> Time {
    h.state().live.as_ref().map_or(0, |r| r.now())
}

/// Runs UI frames, `step` of virtual time each, until `until` or the run stops moving.
fn advance_to(h: &mut Harness<'static, Editor>, until: Time, step: Time) {
    if let Some(run) = h.state_mut().live.as_mut() {
        run.inline_step = step;
    }
    for _ in 0..(until / step.max(1) + 20) {
        if now(h) >= until || h.state().live.as_ref().is_some_and(|r| !r.is_active()) {
            break;
        }
        h.step();
    }
}

/// The badge label of node `name`.
fn badge(h: &Harness<'static, Editor>, name: &str) -> String {
    let prefix = format!("{name} live: ");
    let node = h.get_by_label_contains(&prefix);
    let node = node.accesskit_node();
    node.label().or_else(|| node.value()).unwrap_or_default()
}

/// A client calls a function that fails half its invocations, synchronously twice (two
/// edges): the badge states the share of errors, never errors per second above the rate.
#[test]
fn badges_state_errors_as_a_share_never_above_the_rate() {
    let flaky = FunctionParams {
        error_probability: 0.5,
        ..func(20.0)
    };
    let mut p = Build::new(5)
        .client("client", 20.0)
        .func("flaky", flaky.clone())
        .func("other", flaky)
        .edge("client", "flaky", EdgeKind::SyncInvoke)
        .edge("client", "other", EdgeKind::SyncInvoke)
        .project();
    place(&mut p, &["client", "flaky", "other"]);
    let mut h = harness(p);
    h.get_by_label(RUN).click();
    frames(&mut h);
    advance_to(&mut h, 4 * SEC, SEC / 2);
    for name in ["client", "flaky"] {
        let text = badge(&h, name);
        assert!(text.contains("err ") && text.contains(" %"), "{text}");
        let parts: Vec<&str> = text.split(" · ").collect();
        assert!(
            !parts
                .iter()
                .any(|p| p.starts_with("err ") && p.ends_with("/s")),
            "{text}"
        );
        let share: f64 = parts
            .iter()
            .find_map(|p| p.strip_prefix("err ")?.strip_suffix(" %")?.parse().ok())
            .expect("an error share");
        assert!((20.0..=80.0).contains(&share), "about half fail: {text}");
    }
}

/// A function that invokes itself: Lambda's loop detection stops each chain after 16
/// invocations, and the function's badge says so.
#[test]
fn a_function_the_loop_detector_stopped_is_marked() {
    let mut p = Build::new(1)
        .client("client", 2.0)
        .func("echo", func(10.0))
        .edge("client", "echo", EdgeKind::AsyncInvoke)
        .edge("echo", "echo", EdgeKind::AsyncInvoke)
        .project();
    place(&mut p, &["client", "echo"]);
    let mut h = harness(p);
    h.get_by_label(RUN).click();
    frames(&mut h);
    advance_to(&mut h, 20 * SEC, SEC / 2);
    let text = badge(&h, "echo");
    assert!(text.contains("loop stopped "), "{text}");
    assert!(
        h.state()
            .live
            .as_ref()
            .unwrap()
            .node("echo")
            .unwrap()
            .loop_stopped
            > 0
    );
}

/// A design that grows without end stops at the run's memory budget: a banner says what
/// happened and what to change, a button selects the node that grew fastest, and the
/// edited project is untouched.
#[test]
fn a_run_that_outgrows_its_memory_budget_says_why_in_a_banner() {
    let runaway = FunctionParams {
        recursive_loop: RecursiveLoop::Allow,
        ..func(50.0)
    };
    let mut p = Build::new(1)
        .client("client", 1.0)
        .func("doubler", runaway)
        .edge("client", "doubler", EdgeKind::AsyncInvoke)
        .edge_n("doubler", "doubler", EdgeKind::AsyncInvoke, 2)
        .project();
    p.run.max_memory_mb = 32;
    place(&mut p, &["client", "doubler"]);
    let before = p.clone();
    let mut h = harness(p);
    // Fast-forward an hour into it: the budget stops it on the way, and the stopped run
    // stays stopped (giving back the fast-forward's time must not make it "paused").
    h.get_by_label(FAST_FORWARD).click();
    frames(&mut h);
    advance_to(&mut h, 3_600 * SEC, 5 * SEC);
    frames(&mut h);
    let run = h.state().live.as_ref().expect("the run stays");
    assert_eq!(run.state, RunState::Finished);
    assert!(run.snapshot().and_then(|s| s.stopped.as_ref()).is_some());
    h.get_by_label(STOPPED_HEADING);
    // What happened (the engine's message) and what to change (the budget, now 32 MB).
    assert!(h.query_all_by_label_contains("memory budget").count() >= 2);
    assert!(h.query_all_by_label_contains("32 MB").next().is_some());
    h.get_by_label("stopped");
    h.get_by_label("Select doubler").click();
    frames(&mut h);
    assert!(h.state().canvas.selection.nodes.contains(&"doubler".into()));
    assert_eq!(h.state().project, before, "the user's project is intact");
}

/// Fast-forward is a temporary goal: the toolbar's Duration (the project's run length)
/// never takes its target, neither while it runs nor after Cancel or Stop; cut short, the
/// run gives back the time it did not skip.
#[test]
fn fast_forward_never_rewrites_the_run_length() {
    let mut p = Build::new(1)
        .client("client", 5.0)
        .func("worker", func(10.0))
        .edge("client", "worker", EdgeKind::SyncInvoke)
        .project();
    p.run.duration_ms = 600_000;
    place(&mut p, &["client", "worker"]);
    let mut h = harness(p);
    h.get_by_label(RUN).click();
    frames(&mut h);
    advance_to(&mut h, 10 * SEC, SEC);
    h.get_by_label("⏸ Pause").click();
    frames(&mut h);
    let from = now(&h);
    h.state_mut().live.as_mut().unwrap().inline_step = 60 * SEC;
    h.get_by_label(FAST_FORWARD).click();
    frames(&mut h);
    let run = h.state().live.as_ref().unwrap();
    assert!(
        matches!(run.state, RunState::FastForward { .. }),
        "{:?}",
        run.state
    );
    assert!(
        run.duration > 600 * SEC,
        "the run grew to reach the hour ahead"
    );
    assert_eq!(
        h.state().run_controls.duration_s,
        600.0,
        "the toolbar's Duration stays"
    );
    h.get_by_label("Cancel").click();
    frames(&mut h);
    let run = h.state().live.as_ref().unwrap();
    assert_eq!(run.state, RunState::Paused);
    let forwarded = run.now() - from;
    assert!(
        forwarded > 0 && forwarded < 3_600 * SEC,
        "cut short: {forwarded}"
    );
    assert_eq!(
        run.duration,
        600 * SEC + forwarded,
        "what was left of the run follows what was fast-forwarded"
    );
    assert_eq!(h.state().run_controls.duration_s, 600.0);
    h.get_by_label(STOP).click();
    frames(&mut h);
    assert!(h.state().live.is_none());
    assert_eq!(h.state().run_controls.duration_s, 600.0, "also after Stop");
}

/// During a run with warnings in the diagnostics (an isolated queue), the diagnostics and
/// the run panels give way: the canvas keeps its minimum height, also in a short window,
/// with the dashboard watching a node.
#[test]
fn diagnostics_during_a_run_never_squeeze_the_canvas() {
    use eventloom::model::{QueueParams, Severity};
    use eventloom::ui::run::panels::CANVAS_MIN_HEIGHT;
    use eventloom::ui::{Action, Selection};
    let mut p = Build::new(1)
        .client("client", 5.0)
        .func("worker", func(10.0))
        .queue("lonely", QueueParams::default())
        .edge("client", "worker", EdgeKind::SyncInvoke)
        .project();
    place(&mut p, &["client", "worker", "lonely"]);
    for (w, hgt) in [(1440.0, 900.0), (1100.0, 640.0), (1000.0, 560.0)] {
        let mut editor = Editor::new(p.clone(), None);
        editor.inline_runs = true;
        let mut h = Harness::builder()
            .with_size(Vec2::new(w, hgt))
            .build_ui_state(|ui, e: &mut Editor| e.ui(ui), editor);
        h.run();
        h.get_by_label(RUN).click();
        h.state_mut()
            .act(Action::Select(Selection::node("worker".into())));
        for _ in 0..20 {
            h.step();
        }
        let e = h.state();
        assert!(e.live.is_some());
        assert!(
            e.diagnostics
                .iter()
                .any(|d| d.severity == Severity::Warning),
            "the design has warnings: {:?}",
            e.diagnostics
        );
        let canvas = e.canvas.rect;
        assert!(
            canvas.height() >= CANVAS_MIN_HEIGHT,
            "{w}×{hgt}: the canvas is {:.0} pt high",
            canvas.height()
        );
    }
}

/// Deleting a node mid-run: the run still simulates it, so the canvas keeps it greyed as
/// "removed" (its traffic into the function is not from nowhere) until Restart, which runs
/// the design as edited.
#[test]
fn a_node_deleted_mid_run_stays_greyed_until_restart() {
    use eventloom::ui::removed_label;
    use eventloom::ui::{Action, Selection};
    let mut p = Build::new(1)
        .client("api", 20.0)
        .func("worker", func(10.0))
        .edge("api", "worker", EdgeKind::SyncInvoke)
        .project();
    place(&mut p, &["api", "worker"]);
    let mut h = harness(p);
    h.get_by_label(RUN).click();
    frames(&mut h);
    advance_to(&mut h, 2 * SEC, SEC / 2);
    h.state_mut()
        .act(Action::Select(Selection::node("api".into())));
    frames(&mut h);
    h.state_mut().act(Action::Delete);
    frames(&mut h);
    assert!(!h.state().project.graph.nodes.contains_key(&"api".into()));
    let removed = removed_label("api");
    h.get_by_label(&removed);
    advance_to(&mut h, 4 * SEC, SEC / 2);
    assert!(
        badge(&h, "worker").contains("20/s"),
        "the run still feeds it"
    );
    h.get_by_label("Restart").click();
    frames(&mut h);
    advance_to(&mut h, 2 * SEC, SEC / 2);
    assert!(
        h.query_by_label(&removed).is_none(),
        "gone after the restart"
    );
    assert!(
        badge(&h, "worker").starts_with("worker live: 0/s"),
        "{}",
        badge(&h, "worker")
    );
}
