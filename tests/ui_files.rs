//! Files without surprises (#15, #16): when the system's file dialog cannot open, every
//! save, export and import asks in an in-app path field with a dialog's checks; examples stay
//! read-only wherever they are opened from; File → Export and File → Import in the editor.
#![cfg(feature = "gui")]

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eventloom::model::{KindTag, NodeId, Project};
use eventloom::ui::{Action, DesignExport, Editor, ExportKind, RunAction, button_label};
use std::path::{Path, PathBuf};

fn harness(editor: Editor) -> Harness<'static, Editor> {
    Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), editor)
}

/// An editor on `project` whose system file dialogs are unavailable (as on a desktop
/// without a portal or zenity).
fn without_dialogs(project: Project, path: Option<PathBuf>) -> Harness<'static, Editor> {
    let mut e = Editor::new(project, path);
    e.set_native_dialogs(false);
    harness(e)
}

fn example(stem: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("projects")
        .join(format!("{stem}.ron"))
}

fn orders() -> Project {
    eventloom::project::load(&example("orders")).expect("the orders example loads")
}

fn key(h: &mut Harness<'static, Editor>, modifiers: Modifiers, k: Key) {
    h.key_press_modifiers(modifiers, k);
    h.run();
}

/// Replaces the path field's text with `path` and presses the confirming button.
fn type_path(h: &mut Harness<'static, Editor>, path: &Path, verb: &str) {
    h.get_by_label("Path").click();
    h.run();
    key(h, Modifiers::COMMAND, Key::A);
    h.get_by_label("Path")
        .type_text(&path.display().to_string());
    h.run();
    h.get_by_label(verb).click();
    h.run();
}

fn act(h: &mut Harness<'static, Editor>, a: Action) {
    h.state_mut().act(a);
    h.run();
    h.run();
}

/// Every way of writing a file asks in the path field when there is no system dialog, with
/// the suggested file name pre-filled; the file is then written. One row per entry point.
#[test]
fn no_file_dialog_every_write_asks_in_a_path_field() {
    struct Row {
        what: &'static str,
        start: fn(&mut Harness<'static, Editor>),
        suggested: &'static str,
        verb: &'static str,
    }
    let rows = [
        Row {
            what: "Save of a new project",
            start: |h| key(h, Modifiers::COMMAND, Key::S),
            suggested: "orders.ron",
            verb: "Save",
        },
        Row {
            what: "Save As",
            start: |h| key(h, Modifiers::COMMAND | Modifiers::SHIFT, Key::S),
            suggested: "orders.ron",
            verb: "Save",
        },
        Row {
            what: "the unsaved-changes Save",
            start: |h| {
                h.get_by_label(&button_label(KindTag::Queue)).click();
                h.run();
                key(h, Modifiers::COMMAND, Key::N);
                h.get_by_label("Unsaved changes");
                h.get_by_label("Save").click();
                h.run();
                h.run();
            },
            suggested: "orders.ron",
            verb: "Save",
        },
        Row {
            what: "Export SAM",
            start: |h| act(h, Action::ExportDesign(DesignExport::Sam)),
            suggested: "orders-template.yaml",
            verb: "Export to this file",
        },
        Row {
            what: "Export SVG",
            start: |h| act(h, Action::ExportDesign(DesignExport::Svg)),
            suggested: "orders.svg",
            verb: "Export to this file",
        },
        Row {
            what: "Export Mermaid",
            start: |h| act(h, Action::ExportDesign(DesignExport::Mermaid)),
            suggested: "orders.mmd",
            verb: "Export to this file",
        },
        Row {
            what: "Export DOT",
            start: |h| act(h, Action::ExportDesign(DesignExport::Dot)),
            suggested: "orders.dot",
            verb: "Export to this file",
        },
        Row {
            what: "Export of the run's node totals",
            start: |h| {
                h.state_mut().inline_runs = true;
                act(h, Action::Run(RunAction::Step));
                act(h, Action::ExportRun(ExportKind::NodesCsv));
            },
            suggested: "orders-nodes.csv",
            verb: "Export to this file",
        },
    ];
    for row in rows {
        let dir = tempfile::tempdir().unwrap();
        let mut p = orders();
        p.name = "Orders".to_owned();
        let mut h = without_dialogs(p, None);
        h.run();
        (row.start)(&mut h);
        let text = h
            .state()
            .path_prompt_text()
            .unwrap_or_else(|| panic!("{}: no path field", row.what))
            .to_owned();
        assert!(
            text.ends_with(row.suggested),
            "{}: pre-filled {text}",
            row.what
        );
        h.get_by_label_contains("The system's file dialog cannot open");
        let target = dir.path().join(row.suggested);
        type_path(&mut h, &target, row.verb);
        assert!(h.state().path_prompt_text().is_none(), "{}", row.what);
        let written = std::fs::read_to_string(&target)
            .unwrap_or_else(|e| panic!("{}: nothing written: {e}", row.what));
        assert!(!written.is_empty(), "{}", row.what);
        assert!(
            h.state().error.is_none(),
            "{}: {:?}",
            row.what,
            h.state().error
        );
        if row.what == "the unsaved-changes Save" {
            assert_eq!(
                h.state().project.graph.nodes.len(),
                0,
                "the New waiting for the save went ahead"
            );
        }
    }
}

/// The path field checks what a system dialog checks: a missing folder is refused with the
/// reason and nothing is written; an existing file is replaced only when confirmed; Cancel
/// writes nothing; a file to import must exist.
#[test]
fn the_path_field_checks_like_a_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = without_dialogs(orders(), None);
    h.run();
    key(&mut h, Modifiers::COMMAND, Key::S);
    let missing = dir.path().join("no-such-folder").join("x.ron");
    type_path(&mut h, &missing, "Save");
    h.get_by_label_contains("does not exist");
    assert!(h.state().path_prompt_text().is_some(), "still asking");
    assert!(!missing.exists());

    let existing = dir.path().join("taken.ron");
    std::fs::write(&existing, "keep me").unwrap();
    type_path(&mut h, &existing, "Save");
    h.get_by_label_contains("exists. Replace it?");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
    h.get_by_label("Replace").click();
    h.run();
    assert_ne!(std::fs::read_to_string(&existing).unwrap(), "keep me");
    assert_eq!(h.state().path.as_deref(), Some(existing.as_path()));

    key(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().path_prompt_text().is_none());

    act(&mut h, Action::Import);
    type_path(&mut h, &dir.path().join("nothing.yaml"), "Import");
    h.get_by_label_contains("There is no file");
    type_path(&mut h, dir.path(), "Import");
    h.get_by_label_contains("is a folder");
}

/// Opens a file in an editor under test, one way or another.
type Opener = fn(&mut Harness<'static, Editor>, &Path);

/// An example opened from the gallery, from Recent (its path) or from the command line is
/// read-only: Ctrl+S asks for a new file and the shipped file is never written.
#[test]
fn examples_stay_read_only_wherever_they_are_opened_from() {
    let path = example("orders");
    let before = std::fs::read(&path).unwrap();
    let opened: [(&str, Opener); 3] = [
        ("gallery", |h, p| act(h, Action::OpenExample(p.to_owned()))),
        ("recent", |h, p| act(h, Action::OpenPath(p.to_owned()))),
        ("command line", |h, p| {
            let mut e = Editor::open(p.to_owned());
            e.set_native_dialogs(false);
            *h.state_mut() = e;
            h.run();
        }),
    ];
    for (from, open) in opened {
        let mut h = without_dialogs(Project::default(), None);
        h.run();
        open(&mut h, &path);
        assert_eq!(h.state().project.name, orders().name, "{from}");
        if from == "gallery" {
            assert!(h.state().recent.is_empty(), "examples stay out of Recent");
        }
        h.get_by_label(&button_label(KindTag::Queue)).click();
        h.run();
        key(&mut h, Modifiers::COMMAND, Key::S);
        let asked = h.state().path_prompt_text().map(PathBuf::from);
        let asked = asked.unwrap_or_else(|| panic!("{from}: Ctrl+S did not ask for a file"));
        assert_ne!(asked, path, "{from}: the example itself is offered");
        // Typing the example's own path is refused too.
        type_path(&mut h, &path, "Save");
        if h.query_all_by_label("Replace").next().is_some() {
            h.get_by_label("Replace").click();
            h.run();
        }
        assert!(
            h.state()
                .error
                .as_deref()
                .is_some_and(|e| e.contains("read-only")),
            "{from}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "{from}: the example was written"
        );
    }
}

/// File → Export → AWS SAM template… writes the template and says what the platform will
/// and will not see; File → Import… brings it back as a new, unsaved project with the same
/// graph; a template with a resource Eventloom cannot model lists the skip; a broken one
/// shows path, line and column.
#[test]
fn export_sam_then_import_it_in_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let original = orders();
    let mut h = without_dialogs(original.clone(), None);
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Export").hover();
    h.run();
    h.run();
    h.get_by_label("AWS SAM template…").click();
    h.run();
    h.run();
    let template = dir.path().join("orders-template.yaml");
    type_path(&mut h, &template, "Export to this file");
    let (title, lines) = h.state().notice().expect("the export's notes");
    assert_eq!(title, "AWS SAM template exported");
    assert!(
        lines.iter().any(|l| l.contains("Metadata: Eventloom")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("placeholder")), "{lines:?}");
    h.get_by_label("OK").click();
    h.run();

    act(&mut h, Action::ImportFrom(template.clone()));
    let e = h.state();
    assert_eq!(e.project.graph, original.graph, "the round trip is exact");
    assert_eq!(e.path, None, "an import is a new project");
    assert!(e.dirty, "an import is unsaved");
    let (title, lines) = e.notice().expect("the import's report");
    assert_eq!(title, "Template imported");
    assert!(
        lines.iter().any(|l| l.contains("Nothing was skipped")),
        "{lines:?}"
    );
    h.get_by_label("OK").click();
    h.run();

    let foreign = dir.path().join("foreign.yaml");
    std::fs::write(
        &foreign,
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      InlineCode: x\n      Handler: i.h\n      Runtime: python3.13\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties: {}\n",
    )
    .unwrap();
    // The imported project is unsaved: importing again asks first.
    act(&mut h, Action::ImportFrom(foreign.clone()));
    h.get_by_label("Don't save").click();
    h.run();
    h.run();
    let (_, lines) = h.state().notice().expect("the skips are listed");
    assert!(lines.iter().any(|l| l.contains("Machine")), "{lines:?}");
    assert!(
        h.state()
            .project
            .graph
            .nodes
            .contains_key(&NodeId::from("fn"))
            || !h.state().project.graph.nodes.is_empty()
    );
    h.get_by_label("OK").click();
    h.run();

    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "Resources:\n  Fn:\n    Type: [unclosed\n").unwrap();
    h.state_mut().dirty = false;
    act(&mut h, Action::ImportFrom(broken.clone()));
    let err = h
        .state()
        .error
        .clone()
        .expect("a broken template is an error");
    let at = format!("{}:", broken.display());
    assert!(err.contains(&at), "{err}");
    assert!(
        err.split(&at)
            .nth(1)
            .is_some_and(|rest| rest.chars().next().is_some_and(|c| c.is_ascii_digit())),
        "line:column after the path: {err}"
    );
}

/// A SAM export of a project with errors is refused with the errors, and nothing is asked.
#[test]
fn sam_export_of_a_broken_project_is_refused() {
    let mut p = orders();
    let first = p.graph.nodes.keys().next().cloned().expect("a node");
    p.graph.edges.insert(
        "dangling".into(),
        eventloom::model::Edge::new(first, "nowhere", eventloom::model::EdgeKind::SyncInvoke),
    );
    let mut h = without_dialogs(p, None);
    h.run();
    act(&mut h, Action::ExportDesign(DesignExport::Sam));
    let err = h.state().error.clone().expect("refused");
    assert!(err.contains("has errors"), "{err}");
    assert!(h.state().path_prompt_text().is_none());
}

/// View → Arrange lays every node out in one undoable step.
#[test]
fn arrange_is_one_undo_step() {
    let mut p = orders();
    for (i, pos) in p.layout.positions.values_mut().enumerate() {
        pos.x = 0.0;
        pos.y = i as f32 * 3.0;
    }
    let before = p.layout.positions.clone();
    let mut h = harness(Editor::new(p, None));
    h.run();
    h.get_by_label("View").click();
    h.run();
    h.get_by_label_contains("Arrange").click();
    h.run();
    assert_ne!(h.state().project.layout.positions, before);
    key(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        h.state().project.layout.positions,
        before,
        "one undo restores all"
    );
}
