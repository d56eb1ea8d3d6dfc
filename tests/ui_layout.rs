//! The editor's layout from the user's seat (egui_kittest, headless): during a run with the
//! dashboard open, a node selected and a lesson beside it, the canvas stays the main area;
//! at an example's fitted zoom the nodes are named and the live badges are there; a
//! fast-forward past the duration ends paused.
#![cfg(feature = "gui")]

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eventloom::model::{NodeId, Project};
use eventloom::ui::{Action, Editor, RUN, Selection};

/// A bundled example with a lesson (so the lesson panel is open too).
fn example() -> Project {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/projects/fault-isolation.ron");
    eventloom::project::load(std::path::Path::new(path)).expect("the example loads")
}

fn harness(size: Vec2) -> Harness<'static, Editor> {
    let mut editor = Editor::new(example(), None);
    editor.inline_runs = true;
    Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), editor)
}

/// Presses Run and lets a few virtual seconds pass.
fn run_a_while(h: &mut Harness<'static, Editor>) {
    h.get_by_label(RUN).click();
    for _ in 0..30 {
        h.step();
    }
    assert!(h.state().live.is_some(), "the run started");
}

#[test]
fn the_canvas_keeps_most_of_the_window_during_a_run() {
    let size = Vec2::new(1440.0, 900.0);
    let mut h = harness(size);
    h.run();
    run_a_while(&mut h);
    let busiest = NodeId::new("orders-api");
    h.state_mut()
        .act(Action::Select(Selection::node(busiest.clone())));
    for _ in 0..20 {
        h.step();
    }
    let e = h.state();
    assert!(e.lesson.as_ref().is_some_and(|l| l.open), "lesson shown");
    assert!(
        e.live.as_ref().is_some_and(|r| !r.watched.is_empty()),
        "the dashboard has the selected node's series"
    );
    let canvas = e.canvas.rect;
    let share = canvas.area() / (size.x * size.y);
    assert!(
        share >= 0.45 && canvas.width() >= 0.7 * size.x,
        "the canvas is {:.0}×{:.0}, {:.0} % of the window",
        canvas.width(),
        canvas.height(),
        share * 100.0
    );
    // Every node is still on screen: the view re-fitted when the panels opened.
    for id in e.project.graph.nodes.keys() {
        let r = e.canvas.node_screen_rect(&e.project, id);
        assert!(canvas.contains_rect(r), "{id} is off the canvas");
    }
    // The dashboard did not grow with its plots: still a bounded share of the height.
    assert!(
        canvas.height() >= 0.55 * size.y,
        "canvas height {}",
        canvas.height()
    );
}

#[test]
fn nodes_are_named_and_badged_at_the_fitted_zoom_of_an_example() {
    // A small window: the example fits below the full-detail zoom.
    let mut h = harness(Vec2::new(1000.0, 700.0));
    h.run();
    let zoom = h.state().canvas.zoom;
    assert!(
        zoom < eventloom::ui::DETAIL_ZOOM,
        "the example should fit below full detail here (zoom {zoom})"
    );
    assert!(
        zoom >= eventloom::ui::NAME_ZOOM,
        "names are drawn at the fitted zoom {zoom}"
    );
    let names: Vec<String> = h
        .state()
        .project
        .graph
        .nodes
        .values()
        .map(|n| n.name.clone())
        .collect();
    for name in &names {
        h.get_by_label(name);
    }
    run_a_while(&mut h);
    // Compact live badges: at least the busy API shows its rate.
    h.get_by_label_contains("Orders API live:");
}

#[test]
fn a_fast_forward_past_the_duration_ends_paused_not_finished() {
    let mut h = harness(Vec2::new(1440.0, 900.0));
    h.run();
    run_a_while(&mut h);
    h.state_mut()
        .act(Action::Run(eventloom::ui::RunAction::FastForward(
            eventloom::sim::SEC * 600,
        )));
    if let Some(run) = h.state_mut().live.as_mut() {
        run.inline_step = eventloom::sim::SEC * 10;
    }
    for _ in 0..200 {
        h.step();
        if h.state()
            .live
            .as_ref()
            .is_some_and(|r| r.now() >= eventloom::sim::SEC * 603)
        {
            break;
        }
    }
    h.step();
    let run = h.state().live.as_ref().expect("a run");
    assert!(
        run.now() >= eventloom::sim::SEC * 600,
        "fast-forwarded to {}",
        run.now()
    );
    assert_eq!(run.state, eventloom::host::RunState::Paused);
}
