//! Headless editor tests (egui_kittest, no GPU): the user's actions, found by accessible label.
#![cfg(feature = "gui")]

use egui::{Event, Key, Modifiers, PointerButton, Pos2, Vec2, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eventloom::model::{
    Edge, EdgeKind, EdgeTag, FunctionParams, KindTag, Node, NodeId, NodeKind, Pos, Project,
};
use eventloom::ui::{Action, Editor, button_label};

/// API → Worker (sync), and a queue nothing is connected to.
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
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), editor)
}

fn node(h: &Harness<'static, Editor>, label: &str) -> egui::Rect {
    h.get_by_label(label).rect()
}

/// Presses, moves in steps and releases the primary button, holding `modifiers`.
fn drag(h: &mut Harness<'static, Editor>, from: Pos2, to: Pos2, modifiers: Modifiers) {
    h.event(Event::ModifiersChanged(modifiers));
    h.event(Event::PointerMoved(from));
    h.run();
    h.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers,
    });
    h.run();
    for i in 1..=6 {
        let p = from + (to - from) * (i as f32 / 6.0);
        h.event(Event::PointerMoved(p));
        h.run();
    }
    h.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers,
    });
    h.run();
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
}

fn key(h: &mut Harness<'static, Editor>, modifiers: Modifiers, k: Key) {
    h.key_press_modifiers(modifiers, k);
    h.run();
}

fn undo(h: &mut Harness<'static, Editor>) {
    key(h, Modifiers::COMMAND, Key::Z);
}

fn redo(h: &mut Harness<'static, Editor>) {
    key(h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
}

/// The parameters of function node `id`.
fn function(h: &Harness<'static, Editor>, id: &str) -> FunctionParams {
    let kind = &h.state().project.graph.nodes[&NodeId::from(id)].kind;
    kind.as_function().cloned().expect("a function node")
}

fn count(h: &Harness<'static, Editor>) -> (usize, usize) {
    let g = &h.state().project.graph;
    (g.nodes.len(), g.edges.len())
}

#[test]
fn add_node_from_palette_with_undo_redo() {
    let mut h = harness(Editor::new(project(), None));
    h.get_by_label(&button_label(KindTag::Topic)).click();
    h.run();
    assert_eq!(count(&h), (4, 1));
    let topic = h
        .state()
        .project
        .graph
        .nodes
        .values()
        .find(|n| n.kind.tag() == KindTag::Topic)
        .expect("a topic was added");
    assert_eq!(topic.name, "Topic");
    assert!(h.state().dirty);
    assert!(h.state().title().starts_with('●'), "{}", h.state().title());
    undo(&mut h);
    assert_eq!(count(&h), (3, 1));
    redo(&mut h);
    assert_eq!(count(&h), (4, 1));
    key(&mut h, Modifiers::COMMAND, Key::Z);
    key(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(count(&h), (4, 1), "Ctrl+Y redoes too");
}

#[test]
fn connect_by_dragging_from_a_port() {
    let mut h = harness(Editor::new(project(), None));
    let from = node(&h, "Worker output").center();
    let to = node(&h, "Jobs").center();
    drag(&mut h, from, to, Modifiers::NONE);
    let edge = h
        .state()
        .project
        .graph
        .edges
        .values()
        .find(|e| e.from.as_str() == "worker" && e.to.as_str() == "jobs")
        .expect("the drag created an edge");
    assert_eq!(
        edge.kind.tag(),
        EdgeTag::Write,
        "can_connect chose the kind"
    );
    assert_eq!(count(&h), (3, 2));
    undo(&mut h);
    assert_eq!(count(&h), (3, 1));
    redo(&mut h);
    assert_eq!(count(&h), (3, 2));
}

#[test]
fn an_illegal_connection_is_refused_with_the_reason() {
    let mut h = harness(Editor::new(project(), None));
    let from = node(&h, "Jobs output").center();
    let to = node(&h, "Front API").center();
    drag(&mut h, from, to, Modifiers::NONE);
    assert_eq!(count(&h), (3, 1), "no edge added");
    let status = h.state().status.clone().expect("a status message");
    assert!(status.is_error);
    assert!(
        status.text.contains("Cannot connect Jobs to Front API"),
        "{}",
        status.text
    );
    assert!(
        status.text.contains("event-source mapping"),
        "{}",
        status.text
    );
    // The reason is on screen, not only in the state.
    h.get_by_label_contains("Cannot connect Jobs");
}

#[test]
fn edit_a_parameter_in_the_inspector() {
    let mut h = harness(Editor::new(project(), None));
    h.get_by_label("Worker").click();
    h.run();
    let memory = |h: &Harness<'static, Editor>| function(h, "worker").memory_mb;
    h.get_by_label("Memory").click();
    h.run();
    key(&mut h, Modifiers::COMMAND, Key::A);
    h.get_by_label("Memory").type_text("1024");
    h.run();
    key(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(memory(&h), 1024);
    undo(&mut h);
    assert_eq!(memory(&h), 128);
    redo(&mut h);
    assert_eq!(memory(&h), 1024);
}

#[test]
fn inspector_presets() {
    let mut h = harness(Editor::new(project(), None));
    h.get_by_label("Worker").click();
    h.run();
    h.get_by_label("Legacy burst scaling").click();
    h.run();
    let f = |h: &Harness<'static, Editor>| function(h, "worker");
    assert!(matches!(
        f(&h).scaling,
        eventloom::model::Scaling::LegacyBurst { .. }
    ));
    h.get_by_label("Lambda defaults").click();
    h.run();
    assert_eq!(f(&h), FunctionParams::default());
    undo(&mut h);
    assert!(matches!(
        f(&h).scaling,
        eventloom::model::Scaling::LegacyBurst { .. }
    ));
}

#[test]
fn delete_with_undo() {
    let mut h = harness(Editor::new(project(), None));
    h.get_by_label("Worker").click();
    h.run();
    key(&mut h, Modifiers::NONE, Key::Delete);
    assert_eq!(count(&h), (2, 0), "the node and its edge are gone");
    undo(&mut h);
    assert_eq!(h.state().project, project());
    redo(&mut h);
    assert_eq!(count(&h), (2, 0));
}

#[test]
fn box_select_then_move_is_one_undo_step() {
    let mut h = harness(Editor::new(project(), None));
    let worker = node(&h, "Worker");
    let jobs = node(&h, "Jobs");
    // A box around Worker and Jobs but not the API, drawn with Shift on empty canvas.
    let start = pos2(worker.min.x - 20.0, worker.min.y - 20.0);
    let end = pos2(jobs.max.x + 20.0, jobs.max.y + 20.0);
    drag(&mut h, start, end, Modifiers::SHIFT);
    let sel = &h.state().canvas.selection.nodes;
    assert_eq!(
        sel.iter().map(NodeId::as_str).collect::<Vec<_>>(),
        ["jobs", "worker"]
    );
    let before = h.state().project.clone();
    let zoom = h.state().canvas.zoom;
    drag(
        &mut h,
        worker.center(),
        worker.center() + egui::vec2(100.0, 50.0),
        Modifiers::NONE,
    );
    let p = &h.state().project.layout.positions;
    for id in ["worker", "jobs"] {
        let (a, b) = (
            before.layout.positions[&NodeId::from(id)],
            p[&NodeId::from(id)],
        );
        assert!(
            (b.x - a.x - 100.0 / zoom).abs() < 1.0,
            "{id} moved right: {a:?} → {b:?}"
        );
        assert!(
            (b.y - a.y - 50.0 / zoom).abs() < 1.0,
            "{id} moved down: {a:?} → {b:?}"
        );
    }
    assert_eq!(
        p[&NodeId::from("api")],
        before.layout.positions[&NodeId::from("api")]
    );
    undo(&mut h);
    assert_eq!(h.state().project, before, "one undo reverts the whole drag");
    redo(&mut h);
    assert_ne!(h.state().project, before);
}

#[test]
fn copy_paste_within_and_between_files() {
    let mut h = harness(Editor::new(project(), None));
    h.get_by_label("Worker").click();
    h.run();
    h.event(Event::Copy);
    h.run();
    let copied = h.output().platform_output.commands.iter().find_map(|c| {
        if let egui::OutputCommand::CopyText(t) = c {
            Some(t.clone())
        } else {
            None
        }
    });
    // The output of the last frame may be past the copy; the editor keeps it as well.
    let text = copied.unwrap_or_default();
    key(&mut h, Modifiers::COMMAND, Key::V);
    assert_eq!(count(&h), (4, 1));
    assert!(
        h.state()
            .project
            .graph
            .nodes
            .contains_key(&NodeId::from("worker-2"))
    );
    undo(&mut h);
    assert_eq!(count(&h), (3, 1));

    // Another window: paste the clipboard text.
    let mut other = harness(Editor::default());
    let text = if text.is_empty() {
        eventloom::model::Fragment::copy(&project(), &[NodeId::from("worker")].into())
            .to_clipboard()
    } else {
        text
    };
    other.event(Event::Paste(text));
    other.run();
    let g = &other.state().project.graph;
    assert_eq!(g.nodes.len(), 1);
    assert_eq!(g.nodes[&NodeId::from("worker")].name, "Worker");
}

#[test]
fn duplicate_with_ctrl_d() {
    let mut h = harness(Editor::new(project(), None));
    h.get_by_label("Front API").click();
    h.run();
    h.get_by_label("Worker").click_modifiers(Modifiers::SHIFT);
    h.run();
    key(&mut h, Modifiers::COMMAND, Key::D);
    assert_eq!(count(&h), (5, 2), "two nodes and the edge between them");
    undo(&mut h);
    assert_eq!(count(&h), (3, 1));
}

#[test]
fn save_then_reopen_gives_the_same_project() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saved.ron");
    let mut h = harness(Editor::new(project(), None));
    h.get_by_label(&button_label(KindTag::Bucket)).click();
    h.run();
    h.state_mut().act(Action::SaveTo(path.clone()));
    h.run();
    assert!(!h.state().dirty);
    assert_eq!(h.state().title(), "saved.ron — Eventloom");
    let saved = h.state().project.clone();
    let reopened = harness(Editor::open(path.clone()));
    assert_eq!(reopened.state().project, saved);
    assert_eq!(reopened.state().path.as_deref(), Some(path.as_path()));
    assert!(reopened.state().error.is_none());
}

#[test]
fn clicking_a_diagnostic_selects_its_node() {
    let mut p = project();
    // Memory below Lambda's minimum: an error on the worker.
    p.graph.nodes.get_mut(&NodeId::from("worker")).unwrap().kind =
        NodeKind::Function(FunctionParams {
            memory_mb: 64,
            ..FunctionParams::default()
        });
    let mut h = harness(Editor::new(p, None));
    assert!(h.state().canvas.selection.is_empty());
    h.get_by_label_contains("Worker: memory_mb").click();
    h.run();
    assert_eq!(
        h.state()
            .canvas
            .selection
            .nodes
            .iter()
            .map(NodeId::as_str)
            .collect::<Vec<_>>(),
        ["worker"]
    );
    // Fixing it in the inspector clears the diagnostic live.
    h.get_by_label("Lambda defaults").click();
    h.run();
    assert!(h.query_by_label_contains("Worker: memory_mb").is_none());
}

#[test]
fn opening_a_malformed_file_shows_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.ron");
    std::fs::write(&path, "(\n    format_version: 1,\n    graph: (nodes: { \"a\": (name: \"x\", kind: Lambda) }),\n)\n").unwrap();
    let h = harness(Editor::open(path.clone()));
    let err = h.state().error.clone().expect("an error is shown");
    assert!(err.contains("broken.ron:3:"), "{err}");
    h.get_by_label("Something went wrong");
    h.get_by_label_contains("broken.ron:3:");
    assert!(h.state().project.graph.nodes.is_empty());
}

#[test]
fn unsaved_changes_prompt_before_new() {
    let mut h = harness(Editor::new(project(), None));
    h.get_by_label(&button_label(KindTag::Table)).click();
    h.run();
    key(&mut h, Modifiers::COMMAND, Key::N);
    h.get_by_label("Unsaved changes");
    h.get_by_label("Cancel").click();
    h.run();
    assert_eq!(count(&h), (4, 1), "cancel keeps the work");
    key(&mut h, Modifiers::COMMAND, Key::N);
    h.get_by_label("Don't save").click();
    h.run();
    assert_eq!(count(&h), (0, 0));
    assert!(!h.state().dirty);
}

#[test]
fn idle_editor_does_not_repaint() {
    let mut h = harness(Editor::new(project(), None));
    h.run();
    let out = h.output();
    let repaint = out
        .viewport_output
        .values()
        .map(|v| v.repaint_delay)
        .min()
        .unwrap_or(std::time::Duration::MAX);
    assert!(
        repaint > std::time::Duration::from_secs(1),
        "an idle editor asks for a repaint in {repaint:?}"
    );
}

#[test]
fn rename_inline_by_double_click() {
    let mut h = harness(Editor::new(project(), None));
    let r = node(&h, "Jobs");
    // The harness delivers one event per frame and frames advance time, so allow slow hands.
    h.ctx
        .options_mut(|o| o.input_options.max_double_click_delay = 2.0);
    h.event(Event::PointerMoved(r.center()));
    h.run();
    for _ in 0..2 {
        for pressed in [true, false] {
            h.event(Event::PointerButton {
                pos: r.center(),
                button: PointerButton::Primary,
                pressed,
                modifiers: Modifiers::NONE,
            });
        }
    }
    h.run();
    assert!(h.state().canvas.is_renaming());
    key(&mut h, Modifiers::COMMAND, Key::A);
    h.event(Event::Text("Orders".to_owned()));
    h.run();
    key(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(
        h.state().project.graph.nodes[&NodeId::from("jobs")].name,
        "Orders"
    );
    assert!(!h.state().canvas.is_renaming());
    undo(&mut h);
    assert_eq!(
        h.state().project.graph.nodes[&NodeId::from("jobs")].name,
        "Jobs"
    );
}

#[test]
fn right_click_adds_a_node_at_the_pointer() {
    let mut h = harness(Editor::new(project(), None));
    let jobs = node(&h, "Jobs");
    let at = jobs.center() + egui::vec2(0.0, 200.0);
    h.event(Event::PointerMoved(at));
    h.run();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: at,
            button: PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    h.run();
    h.get_by_label(&format!("Add {}", button_label(KindTag::Bucket)))
        .click();
    h.run();
    let e = h.state();
    let (id, _) = e
        .project
        .graph
        .nodes
        .iter()
        .find(|(_, n)| n.kind.tag() == KindTag::Bucket)
        .expect("a bucket was added");
    let placed = e.canvas.node_screen_rect(&e.project, id).center();
    assert!(
        placed.distance(at) < 2.0,
        "added at {placed:?}, pointer at {at:?}"
    );
}

#[test]
fn open_an_example_from_the_gallery() {
    let mut h = harness(Editor::default());
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Examples…").click();
    h.run();
    let examples = eventloom::ui::examples();
    let first = examples.first().expect("the gallery lists projects/");
    h.get_by_label(&first.name).click();
    h.run();
    let e = h.state();
    assert_eq!(e.project.name, first.name);
    assert!(!e.project.graph.nodes.is_empty());
    assert_eq!(e.path, None, "examples open as new projects");
    assert!(e.error.is_none());
}

#[test]
fn arrow_keys_nudge_and_auto_layout_are_undoable() {
    let mut h = harness(Editor::new(project(), None));
    h.get_by_label("Jobs").click();
    h.run();
    let before = h.state().project.layout.positions[&NodeId::from("jobs")];
    key(&mut h, Modifiers::NONE, Key::ArrowRight);
    key(&mut h, Modifiers::SHIFT, Key::ArrowDown);
    let after = h.state().project.layout.positions[&NodeId::from("jobs")];
    assert_eq!((after.x - before.x, after.y - before.y), (10.0, 1.0));
    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::L);
    let p = &h.state().project.layout.positions;
    assert!(
        p[&NodeId::from("api")].x < p[&NodeId::from("worker")].x,
        "left to right"
    );
    undo(&mut h);
    assert_eq!(
        h.state().project.layout.positions[&NodeId::from("jobs")],
        after
    );
}

#[test]
fn clicking_an_edge_opens_it_in_the_inspector() {
    let mut h = harness(Editor::new(project(), None));
    let a = node(&h, "Front API output").center();
    let b = node(&h, "Worker").left_center();
    // The middle of the API → Worker wire (a straight bezier between ports at the same height).
    h.get_by_label("Canvas");
    h.event(Event::PointerMoved(a.lerp(b, 0.5)));
    h.run();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: a.lerp(b, 0.5),
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    h.run();
    let sel = &h.state().canvas.selection;
    assert_eq!(
        sel.edges.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
        ["api-worker"]
    );
    h.get_by_label("From Front API to Worker");
    h.get_by_label("Delete connection").click();
    h.run();
    assert_eq!(count(&h), (3, 0));
}

#[test]
fn unsaved_work_is_offered_back() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("recovery.ron");
    let mut lost = project();
    lost.name = "Lost work".to_owned();
    eventloom::ui::write_recovery(&recovery, &lost, None).unwrap();
    let mut editor = Editor::default();
    editor.recovery_path = Some(recovery.clone());
    editor.check_recovery();
    let mut h = harness(editor);
    h.get_by_label("Recover unsaved work?");
    h.get_by_label("Recover").click();
    h.run();
    assert_eq!(h.state().project.graph, lost.graph);
    assert!(h.state().dirty, "recovered work is unsaved");
    assert!(!recovery.exists(), "the recovery file is consumed");
}

#[test]
fn edit_edge_attributes_as_text() {
    let mut h = harness(Editor::new(project(), None));
    h.state_mut()
        .act(Action::Select(eventloom::ui::Selection::edge(
            "api-worker".into(),
        )));
    h.run();
    h.get_by_label("Attributes").click();
    h.run();
    h.get_by_label("Attributes")
        .type_text("tier=gold; region=eu");
    h.run();
    key(&mut h, Modifiers::NONE, Key::Enter);
    let attrs = &h.state().project.graph.edges[&"api-worker".into()]
        .emit
        .attributes;
    assert_eq!(attrs.get("tier").map(String::as_str), Some("gold"));
    assert_eq!(attrs.get("region").map(String::as_str), Some("eu"));
    undo(&mut h);
    assert!(
        h.state().project.graph.edges[&"api-worker".into()]
            .emit
            .attributes
            .is_empty()
    );
}
