//! Placing nodes on the canvas (#15): drag a palette entry onto the canvas, click-added
//! nodes for every kind never overlap, pasted nodes land at the pointer without covering
//! what is there.
#![cfg(feature = "gui")]

use egui::{Event, Modifiers, PointerButton, Pos2, Rect, Vec2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eventloom::model::{Edge, EdgeKind, KindTag, Node, NodeId, Pos, Project};
use eventloom::ui::{Editor, button_label};

fn project() -> Project {
    let mut p = Project {
        name: "Test".to_owned(),
        ..Project::default()
    };
    for (id, name, kind, x, y) in [
        ("api", "Front API", KindTag::HttpApi, 0.0, 0.0),
        ("worker", "Worker", KindTag::Function, 320.0, 0.0),
        ("jobs", "Jobs", KindTag::Queue, 320.0, 220.0),
    ] {
        p.graph
            .nodes
            .insert(id.into(), Node::new(name, kind.default_kind()));
        p.layout.positions.insert(id.into(), Pos { x, y });
    }
    p.graph.edges.insert(
        "api-worker".into(),
        Edge::new("api", "worker", EdgeKind::SyncInvoke),
    );
    p
}

fn harness(editor: Editor) -> Harness<'static, Editor> {
    Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        // A function's inspector has nested grids (provider, CPU, distributions): its column
        // widths settle over five frames, not the default four.
        .with_max_steps(6)
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), editor)
}

fn screen_rects(h: &Harness<'static, Editor>) -> Vec<(NodeId, Rect)> {
    let e = h.state();
    e.project
        .graph
        .nodes
        .keys()
        .map(|id| (id.clone(), e.canvas.node_screen_rect(&e.project, id)))
        .collect()
}

fn assert_no_overlap(h: &Harness<'static, Editor>, what: &str) {
    let rects = screen_rects(h);
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in &rects[i + 1..] {
            assert!(!ra.intersects(*rb), "{what}: {a} overlaps {b}");
        }
    }
}

fn press(h: &mut Harness<'static, Editor>, at: Pos2, pressed: bool) {
    h.event(Event::PointerButton {
        pos: at,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
    h.run();
}

/// Dragging a palette entry onto the canvas adds the node where it is dropped (not before);
/// a drop outside the canvas adds nothing.
#[test]
fn drag_a_palette_entry_onto_the_canvas() {
    let mut h = harness(Editor::new(project(), None));
    h.run();
    // Below the queue, in free space.
    let drop = h.get_by_label("Jobs").rect().center() + Vec2::new(0.0, 200.0);
    let from = h
        .get_by_label(&button_label(KindTag::Bucket))
        .rect()
        .center();
    h.event(Event::PointerMoved(from));
    h.run();
    press(&mut h, from, true);
    for i in 1..=8 {
        h.event(Event::PointerMoved(from + (drop - from) * (i as f32 / 8.0)));
        h.run();
    }
    assert_eq!(
        h.state().project.graph.nodes.len(),
        3,
        "nothing added while dragging"
    );
    press(&mut h, drop, false);
    h.run();
    let e = h.state();
    let (id, _) = e
        .project
        .graph
        .nodes
        .iter()
        .find(|(_, n)| n.kind.tag() == KindTag::Bucket)
        .expect("the dropped bucket");
    let placed = e.canvas.node_screen_rect(&e.project, id).center();
    assert!(
        placed.distance(drop) < 2.0,
        "dropped at {drop:?}, placed at {placed:?}"
    );

    // Dropped back on the palette: nothing.
    let from = h
        .get_by_label(&button_label(KindTag::Table))
        .rect()
        .center();
    h.event(Event::PointerMoved(from));
    h.run();
    press(&mut h, from, true);
    for i in 1..=4 {
        h.event(Event::PointerMoved(from + Vec2::new(0.0, 10.0 * i as f32)));
        h.run();
    }
    press(&mut h, from + Vec2::new(0.0, 40.0), false);
    assert_eq!(h.state().project.graph.nodes.len(), 4);
}

/// Clicking every palette entry three times adds nodes at the view's centre, each moved to a
/// free spot: none overlaps another, whatever the kind.
#[test]
fn click_added_nodes_of_every_kind_never_overlap() {
    let mut h = harness(Editor::new(project(), None));
    h.run();
    for kind in KindTag::ALL {
        for _ in 0..3 {
            h.get_by_label(&button_label(kind)).click();
            h.run();
        }
        assert_no_overlap(&h, kind.name());
    }
    assert_eq!(
        h.state().project.graph.nodes.len(),
        3 + 3 * KindTag::ALL.len()
    );
}

/// A paste lands at the pointer; pasting again at the same spot does not cover the first.
#[test]
fn paste_at_the_pointer_without_overlap() {
    let mut h = harness(Editor::new(project(), None));
    h.run();
    h.get_by_label("Worker").click();
    h.run();
    h.event(Event::Copy);
    h.run();
    let canvas = h.get_by_label("Canvas").rect();
    let at = pos2(canvas.center().x + 150.0, canvas.max.y - 100.0);
    h.event(Event::PointerMoved(at));
    h.run();
    for round in 0..3 {
        h.state_mut().act(eventloom::ui::Action::PasteInternal);
        h.run();
        h.run();
        assert_eq!(h.state().project.graph.nodes.len(), 4 + round);
        assert_no_overlap(&h, "paste");
    }
    let e = h.state();
    let first = e
        .canvas
        .node_screen_rect(&e.project, &NodeId::from("worker-2"));
    assert!(
        first.center().distance(at) < 2.0,
        "pasted at {:?}, pointer at {at:?}",
        first.center()
    );
}

/// At the smallest window the app allows (640 × 420, `ui::MIN_WINDOW`), during a run, the
/// toolbar wraps instead of being cut (its last control is inside the window) and the run
/// panels' tabs stay reachable.
#[test]
fn the_smallest_window_keeps_the_toolbar_and_tabs() {
    let [w, h_min] = eventloom::ui::MIN_WINDOW;
    let mut e = Editor::new(project(), None);
    e.inline_runs = true;
    let mut h = Harness::builder()
        .with_size(Vec2::new(w, h_min))
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), e);
    h.state_mut()
        .act(eventloom::ui::Action::Run(eventloom::ui::RunAction::Step));
    h.run();
    h.run();
    assert!(h.state().live.is_some(), "a run is on");
    let window = Rect::from_min_size(Pos2::ZERO, Vec2::new(w, h_min));
    for label in ["Step", "⏩ Fast-forward", "Logs", "Traces"] {
        let r = h.get_by_label(label).rect();
        assert!(
            window.contains_rect(r),
            "{label} at {r:?} is outside the {w}×{h_min} window"
        );
    }
}
