//! Live runs in the editor (egui_kittest, headless): Run / Pause / Step through the toolbar,
//! badges on the canvas, faults injected from the live panel, recovery, and a deploy during
//! a run. Runs are driven inline (no thread, no clock), so every test is deterministic and
//! nothing sleeps.
#![cfg(feature = "gui")]

mod sim_common;

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use eventloom::host::RunState;
use eventloom::model::{
    DeployStrategy, EdgeKind, Edit, FaultKind, NodeKind, Pos, Project, QueueParams,
};
use eventloom::sim::{NodeLive, SEC, Time};
use eventloom::ui::run::versions::{BY_VERSION, MEAN_WINDOW_S, fmt_left, version_columns};
use eventloom::ui::{Action, Editor, PAUSE, RUN, STEP, Selection, clock, inject_label};
use sim_common::{Build, esm, func};

/// Two independent branches: shop → orders (queue) → processor, and clicks → tracker (sync).
fn project() -> Project {
    let mut p = Build::new(3)
        .client("shop", 20.0)
        .queue(
            "orders",
            QueueParams {
                visibility_timeout_ms: 2_000,
                ..QueueParams::default()
            },
        )
        .func("processor", func(20.0))
        .client("clicks", 20.0)
        .func("tracker", func(10.0))
        .edge("shop", "orders", EdgeKind::Write)
        .edge("orders", "processor", esm(1))
        .edge("clicks", "tracker", EdgeKind::SyncInvoke)
        .project();
    p.run.duration_ms = 3_600_000;
    for (id, x, y) in [
        ("shop", 0.0, 0.0),
        ("orders", 260.0, 0.0),
        ("processor", 520.0, 0.0),
        ("clicks", 0.0, 200.0),
        ("tracker", 260.0, 200.0),
    ] {
        p.layout.positions.insert(id.into(), Pos { x, y });
    }
    p
}

fn harness() -> Harness<'static, Editor> {
    let mut editor = Editor::new(project(), None);
    editor.inline_runs = true;
    Harness::builder()
        .with_size(Vec2::new(1400.0, 1000.0))
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), editor)
}

/// Runs UI frames until `secs` of virtual time have passed (the run must be running).
fn advance(h: &mut Harness<'static, Editor>, secs: u64) {
    if let Some(run) = h.state_mut().live.as_mut() {
        run.inline_step = SEC / 2;
    }
    let target = now(h) + secs * SEC;
    for _ in 0..(secs * 4 + 10) {
        if now(h) >= target {
            break;
        }
        h.step();
    }
    assert!(now(h) >= target, "the run did not advance");
}

fn now(h: &Harness<'static, Editor>) -> Time {
    h.state().live.as_ref().map_or(0, |r| r.now())
}

fn live(h: &Harness<'static, Editor>, id: &str) -> NodeLive {
    h.state()
        .live
        .as_ref()
        .and_then(|r| r.node(id))
        .cloned()
        .expect("the node runs")
}

/// Two frames: one for the click, one for its effect (a running UI never settles, so
/// `Harness::run` would not return).
fn frames(h: &mut Harness<'static, Editor>) {
    h.step();
    h.step();
}

/// Scrolls a button into view, then clicks it.
fn click(h: &mut Harness<'static, Editor>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    frames(h);
    h.get_by_label(label).click();
}

/// Edits the tracker's memory in the editor (the live panel then offers a deploy).
fn set_tracker_memory(h: &mut Harness<'static, Editor>, memory_mb: u32) {
    let mut kind = h.state().project.graph.nodes[&"tracker".into()]
        .kind
        .clone();
    if let NodeKind::Function(f) = &mut kind {
        f.memory_mb = memory_mb;
    }
    h.state_mut().act(Action::Edit {
        edit: Edit::SetNodeKind {
            id: "tracker".into(),
            kind,
        },
        key: None,
    });
}

/// Presses Run, then fits the design into the canvas (the run panels took room from it).
fn run(h: &mut Harness<'static, Editor>) {
    h.get_by_label(RUN).click();
    h.step();
    h.state_mut().act(Action::Fit);
    h.step();
    h.step();
}

#[test]
fn run_shows_throughput_in_badges_and_summary() {
    let mut h = harness();
    run(&mut h);
    advance(&mut h, 3);
    assert!(live(&h, "tracker").rate() > 10.0);
    // The badge over the node says so too.
    h.get_by_label_contains("tracker live: 20/s");
    let snap = h.state().live.as_ref().and_then(|r| r.snapshot.clone());
    let snap = snap.expect("a snapshot");
    assert!(snap.ledger.entered > 0 && snap.ledger.completed > 0);
    assert!(snap.cost_usd > 0.0);
}

#[test]
fn pause_stops_the_clock_and_step_advances_it() {
    let mut h = harness();
    run(&mut h);
    advance(&mut h, 2);
    h.get_by_label(PAUSE).click();
    frames(&mut h);
    let paused_at = now(&h);
    assert_eq!(
        h.state().live.as_ref().map(|r| r.state),
        Some(RunState::Paused)
    );
    for _ in 0..10 {
        h.step();
    }
    assert_eq!(now(&h), paused_at, "the clock moved while paused");
    // The clock display shows the virtual time.
    h.get_by_label(&clock(paused_at));
    // A paused run asks for no repaint.
    let repaint = h
        .output()
        .viewport_output
        .values()
        .map(|v| v.repaint_delay)
        .min()
        .unwrap_or(std::time::Duration::MAX);
    assert!(repaint > std::time::Duration::from_secs(1));

    h.get_by_label(STEP).click();
    frames(&mut h);
    assert_eq!(now(&h), paused_at + SEC);
    h.get_by_label(&clock(paused_at + SEC));
}

#[test]
fn an_outage_is_isolated_by_the_queue_and_recovers_when_cleared() {
    let mut h = harness();
    run(&mut h);
    advance(&mut h, 5);
    let before = live(&h, "processor");
    let tracker_before = live(&h, "tracker").rate();
    assert!(before.errors == 0 && tracker_before > 15.0);

    // Select the processor; its live panel offers the faults that apply to a function.
    h.get_by_label("processor").click();
    frames(&mut h);
    h.state_mut().fault_draft.lasts_s = 0.0;
    click(&mut h, &inject_label(&FaultKind::Outage));
    frames(&mut h);
    advance(&mut h, 10);

    let during = live(&h, "processor");
    let orders = live(&h, "orders");
    assert!(
        during.errors > before.errors,
        "the processor's errors rise: {during:?} {:?}",
        h.state().status
    );
    assert!(during.faults == 1);
    assert!(
        orders.depth + orders.busy > 50,
        "messages pile up in the queue: {} waiting, {} in flight",
        orders.depth,
        orders.busy
    );
    let tracker = live(&h, "tracker");
    assert!(
        tracker.rate() > 15.0 && tracker.last.errors == 0,
        "the unrelated branch keeps its throughput"
    );
    // The blast radius holds the queue that backs up behind the processor, and nothing of
    // the unrelated branch.
    let snap = h.state().live.as_ref().and_then(|r| r.snapshot.clone());
    let faults: Vec<_> = snap.expect("snapshot").faults.clone();
    let blast =
        eventloom::model::blast_radius(&project().graph, faults.iter().map(|f| &f.fault.target));
    assert!(blast.contains(&"orders".into()), "{blast:?}");
    assert!(!blast.contains(&"tracker".into()) && !blast.contains(&"clicks".into()));
    assert!(
        !blast.contains(&"shop".into()),
        "the queue decouples its producer"
    );

    // Clear it: the queue drains and the processor completes again.
    click(&mut h, "Clear all");
    frames(&mut h);
    advance(&mut h, 20);
    let after = live(&h, "processor");
    let orders = live(&h, "orders");
    assert_eq!(after.faults, 0);
    assert!(after.completions > during.completions + 100);
    assert!(after.last.errors == 0, "recovered");
    assert!(
        orders.depth < 20,
        "the backlog drained: {} waiting",
        orders.depth
    );
}

#[test]
fn a_timed_outage_clears_itself() {
    let mut h = harness();
    run(&mut h);
    advance(&mut h, 2);
    h.get_by_label("processor").click();
    frames(&mut h);
    h.state_mut().fault_draft.lasts_s = 3.0;
    click(&mut h, &inject_label(&FaultKind::Outage));
    frames(&mut h);
    advance(&mut h, 1);
    assert_eq!(live(&h, "processor").faults, 1);
    advance(&mut h, 4);
    assert_eq!(live(&h, "processor").faults, 0);
}

#[test]
fn deploy_during_a_run_drops_no_request() {
    let mut h = harness();
    run(&mut h);
    advance(&mut h, 3);
    // Change the tracker's memory in the editor: the live panel offers a deploy.
    set_tracker_memory(&mut h, 1024);
    frames(&mut h);
    assert_eq!(h.state().live_changes.deploy, vec!["tracker".into()]);
    assert!(h.state().live_changes.restart.is_none());
    h.get_by_label("tracker").click();
    frames(&mut h);
    click(&mut h, "linear");
    frames(&mut h);
    click(&mut h, "Deploy");
    frames(&mut h);
    advance(&mut h, 2);
    let t = live(&h, "tracker");
    assert!(
        t.version == 2 || t.shifting_to.is_some(),
        "a new version is live"
    );
    advance(&mut h, 120);
    let t = live(&h, "tracker");
    assert_eq!((t.version, t.shifting_to), (2, None), "the shift finished");
    let snap = h.state().live.as_ref().and_then(|r| r.snapshot.clone());
    let ledger = snap.expect("snapshot").ledger.clone();
    assert_eq!(ledger.dropped(), 0, "{ledger:?}");
    assert_eq!(ledger.failed, 0, "{ledger:?}");
    assert!(h.state().live_changes.deploy.is_empty());
}

#[test]
fn a_structural_edit_asks_for_a_restart() {
    let mut h = harness();
    run(&mut h);
    advance(&mut h, 1);
    h.get_by_label("tracker").click();
    frames(&mut h);
    h.state_mut().act(Action::Delete);
    frames(&mut h);
    assert!(h.state().live_changes.restart.is_some());
    let generation = h.state().live.as_ref().map(|r| r.generation);
    h.get_by_label("Restart").click();
    frames(&mut h);
    // Restart starts over at 0:00 and runs (it used to sit paused at 0).
    assert_ne!(h.state().live.as_ref().map(|r| r.generation), generation);
    assert!(now(&h) < SEC, "started over: {}", now(&h));
    assert_eq!(
        h.state().live.as_ref().map(|r| r.state),
        Some(RunState::Running)
    );
    advance(&mut h, 1);
    assert!(h.state().live_changes.restart.is_none());
    assert!(
        h.state()
            .live
            .as_ref()
            .and_then(|r| r.node("tracker"))
            .is_none()
    );
}

#[test]
fn a_canary_shows_each_version_in_the_dashboard() {
    let mut h = harness();
    run(&mut h);
    advance(&mut h, 3);
    // The tracker is watched (selected) but has one version: no "By version" view.
    h.get_by_label("tracker").click();
    advance(&mut h, 2);
    assert!(h.query_by_label(BY_VERSION).is_none());
    assert!(h.query_by_label("v1").is_none());

    // Change its memory in the editor and deploy it with the live panel's canary
    // (10 % of requests for 60 s).
    set_tracker_memory(&mut h, 2048);
    frames(&mut h);
    click(&mut h, "canary");
    frames(&mut h);
    assert_eq!(
        h.state().deploy_draft.strategy,
        DeployStrategy::Canary {
            percent: 10.0,
            after_ms: 60_000,
            rollback_on_alarm: None,
        }
    );
    click(&mut h, "Deploy");
    frames(&mut h);
    advance(&mut h, 10);

    let t = live(&h, "tracker");
    assert_eq!(t.shifting_to.map(|(v, _)| v), Some(2), "the canary runs");
    h.get_by_label(BY_VERSION);
    // The legend of its plots (requests, errors, mean duration) has a line per version.
    assert_eq!(h.query_all_by_label("v1").count(), 1);
    assert_eq!(h.query_all_by_label("v2").count(), 1);
    // The split, with the time left counted from when the engine took the deploy.
    let run = h.state().live.as_ref().expect("a run");
    let history = run.versions.get(&"tracker".into()).expect("a history");
    let deploy = history.deploy.clone().expect("the deploy was recorded");
    assert_eq!(deploy.version, 2);
    let left = (deploy.at + 60 * SEC).saturating_sub(run.now());
    assert!(left > 40 * SEC && left < 50 * SEC, "{left}");
    h.get_by_label(&format!("v2 gets 10 % (canary, {} left)", fmt_left(left)));
    // The history behind the plots: both versions took requests, v2 about a tenth of the
    // tracker's 20 per second.
    let rates: Vec<f64> = history
        .tracks
        .iter()
        .map(|t| {
            let c = version_columns(t, MEAN_WINDOW_S);
            let tail = &c.requests[c.requests.len().saturating_sub(8)..];
            tail.iter().map(|p| p[1]).sum::<f64>() / tail.len().max(1) as f64
        })
        .collect();
    assert_eq!(rates.len(), 2, "{rates:?}");
    assert!(rates[1] > 0.5 && rates[1] < 5.0, "{rates:?}");
    assert!((rates[0] + rates[1] - 20.0).abs() < 5.0, "{rates:?}");
}

#[test]
fn a_broken_edge_is_named_by_its_nodes_and_kind_not_its_id() {
    let mut h = harness();
    run(&mut h);
    advance(&mut h, 1);
    // A rename applies live: the names come from the project as edited.
    h.state_mut().act(Action::Edit {
        edit: Edit::Rename {
            id: "tracker".into(),
            name: "Click tracker (waits for the payment service)".into(),
        },
        key: None,
    });
    frames(&mut h);
    let eid = project()
        .graph
        .edges
        .iter()
        .find(|(_, e)| e.to.as_str() == "tracker")
        .map(|(id, _)| id.clone())
        .expect("clicks → tracker");
    h.state_mut()
        .act(Action::Select(Selection::edge(eid.clone())));
    frames(&mut h);
    let name = "clicks → Click tracker (waits for the payment service) (sync invoke)";
    h.get_by_label(&format!("⚡ Break {name}"));
    let canvas_width = h.state().canvas.rect.width();

    h.state_mut().fault_draft.lasts_s = 0.0;
    click(
        &mut h,
        &inject_label(&FaultKind::EdgeDrop { percent: 50.0 }),
    );
    frames(&mut h);
    // The side column would widen a frame after the row appears.
    frames(&mut h);
    assert_eq!(
        h.state().canvas.rect.width(),
        canvas_width,
        "the long name wraps in the faults list instead of widening the side column"
    );
    let status = h.state().status.clone().expect("a status line");
    assert_eq!(
        status.text,
        format!("50% dropped on {name}: fault 1 in force")
    );
    h.get_by_label(&format!("⚡ {name}: 50% dropped"));
    // The inspector may show the id as a detail; the live panel never names the edge by it.
    let by_id: Vec<String> = h
        .query_all_by_label_contains(&format!("edge {eid}"))
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    assert!(by_id.is_empty(), "{by_id:?}");

    // Clearing it says which fault went.
    click(&mut h, "✖");
    frames(&mut h);
    let status = h.state().status.clone().expect("a status line");
    assert_eq!(
        status.text,
        format!("Clear 50% dropped on {name}: 1 fault cleared")
    );
}

/// Right-clicking an edge on the canvas during a run opens its "Break it" menu, headed by
/// the edge's name as users see it (its nodes and kind), not its id.
#[test]
fn right_clicking_an_edge_names_it_in_the_break_menu() {
    let mut h = harness();
    run(&mut h);
    advance(&mut h, 1);
    // The clicks → tracker edge runs straight between the two nodes, side by side.
    let from = h.get_by_label("clicks").rect();
    let to = h.get_by_label("tracker").rect();
    let at = egui::pos2((from.right() + to.left()) / 2.0, from.center().y);
    h.event(egui::Event::PointerMoved(at));
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
    frames(&mut h);
    h.get_by_label("⚡ Break clicks → tracker (sync invoke)");
    assert!(h.query_by_label_contains("Break edge").is_none());
}
