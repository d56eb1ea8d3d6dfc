//! The editor's layout from the user's seat (egui_kittest, headless): during a run with the
//! dashboard open, a node selected and a lesson beside it, the canvas stays the main area;
//! at an example's fitted zoom the nodes are named and the live badges are there.
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
    // The dashboard did not grow with its plots: still a bounded share of the height.
    assert!(
        canvas.height() >= 0.55 * size.y,
        "canvas height {}",
        canvas.height()
    );
}
