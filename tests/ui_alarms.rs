//! Alarms in the editor (egui_kittest): an alarm fires during a run and the run summary
//! shows its state, firings and time in ALARM; the inspector adds, edits and removes alarms
//! as undoable edits.
#![cfg(feature = "gui")]

mod sim_common;

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eventloom::host::{Engine, HostCommand, HostOptions};
use eventloom::model::{Alarm, AlarmMetric, AlarmState, Cmp, EdgeKind, FunctionParams, Project};
use eventloom::sim::{SEC, Snapshot};
use eventloom::ui::PanelAction;
use eventloom::ui::run::summary;
use sim_common::{Build, func};

/// A function that fails every request, 10 a second, with an error-rate alarm (10 s periods).
fn failing_with_alarm() -> Project {
    let f = FunctionParams {
        error_probability: 1.0,
        ..func(50.0)
    };
    let mut p = Build::new(1)
        .client("c", 10.0)
        .func("f", f)
        .edge("c", "f", EdgeKind::SyncInvoke)
        .p;
    p.alarms = vec![Alarm {
        period_s: 10,
        ..Alarm::new(
            "F errors",
            "f".into(),
            AlarmMetric::ErrorRatePercent,
            Cmp::Above,
            5.0,
        )
    }];
    p
}

/// The snapshot after `secs` simulated seconds of the host's engine (as the editor gets it).
fn run(p: &Project, secs: u64) -> Snapshot {
    let mut engine = Engine::new(p, HostOptions::from_project(p)).expect("runs");
    engine.handle(HostCommand::Play);
    for _ in 0..secs {
        engine.advance_by(SEC);
    }
    (*engine.frame().snapshot).clone()
}

struct Summary {
    snapshot: Snapshot,
    actions: Vec<PanelAction>,
}

#[test]
fn an_alarm_that_fires_during_a_run_shows_in_the_summary() {
    let snap = run(&failing_with_alarm(), 35);
    let a = &snap.alarms[0];
    assert_eq!((a.state, a.fired), (AlarmState::Alarm, 1));
    let mut h = Harness::builder()
        .with_size(Vec2::new(500.0, 900.0))
        .build_ui_state(
            |ui, st: &mut Summary| summary::summary_ui(ui, Some(&st.snapshot), &mut st.actions),
            Summary {
                snapshot: snap.clone(),
                actions: Vec::new(),
            },
        );
    h.run();
    h.get_by_label("Alarms");
    // Fired at 10 s, the first boundary: 25 s in ALARM by 35 s.
    h.get_by_label("F errors: ALARM · fired 1 time · 25 s in ALARM");
}

#[test]
fn a_run_without_alarms_shows_no_alarm_rows() {
    let mut p = failing_with_alarm();
    p.alarms.clear();
    let snap = run(&p, 5);
    let mut h = Harness::builder()
        .with_size(Vec2::new(500.0, 900.0))
        .build_ui_state(
            |ui, st: &mut Summary| summary::summary_ui(ui, Some(&st.snapshot), &mut st.actions),
            Summary {
                snapshot: snap,
                actions: Vec::new(),
            },
        );
    h.run();
    assert!(h.query_by_label("Alarms").is_none());
}

fn editor_harness(editor: eventloom::ui::Editor) -> Harness<'static, eventloom::ui::Editor> {
    Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .build_ui_state(|ui, e: &mut eventloom::ui::Editor| e.ui(ui), editor)
}

#[test]
fn the_inspector_adds_and_removes_alarms_undoably() {
    let mut p = failing_with_alarm();
    p.alarms.clear();
    let mut h = editor_harness(eventloom::ui::Editor::new(p, None));
    h.run();
    h.get_by_label("Alarms (0)").click();
    h.run();
    h.get_by_label("Add alarm").click();
    h.run();
    let alarms = &h.state().project.alarms;
    assert_eq!(alarms.len(), 1);
    assert_eq!(
        (alarms[0].name.as_str(), alarms[0].node.as_str()),
        ("Alarm 1", "f")
    );
    assert_eq!(alarms[0].metric, AlarmMetric::ErrorRatePercent);
    h.get_by_label("Alarm: Alarm 1");
    h.get_by_label("Remove alarm").click();
    h.run();
    assert!(h.state().project.alarms.is_empty());
    // Undo brings it back, undo again leaves none.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().project.alarms.len(), 1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert!(h.state().project.alarms.is_empty());
}
