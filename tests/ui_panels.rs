//! Headless tests of the run panels (egui_kittest): the log tail, the trace waterfall and the
//! dashboard summary, fed with what a real run of an example project produces through the
//! host's engine (the same frames the editor receives).
#![cfg(feature = "gui")]

use egui::Vec2;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use eventloom::host::{Engine, Frame, HostCommand, HostOptions, TraceSummary, Watched};
use eventloom::model::{NodeId, Project};
use eventloom::sim::{Level, SEC, Snapshot, Trace};
use eventloom::ui::PanelAction;
use eventloom::ui::run::dashboard::{self, DashboardView};
use eventloom::ui::run::logs::{self, LogBuffer, LogView};
use eventloom::ui::run::node_names::NodeNames;
use eventloom::ui::run::traces::{self, TraceView};
use eventloom::ui::shell::format::{fmt_count, fmt_usd};
use std::sync::Arc;

fn orders() -> Project {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/projects/orders.ron");
    eventloom::project::load(std::path::Path::new(path)).expect("the example loads")
}

/// A run of `project` for `secs` simulated seconds with `watch` watched, as the host's engine
/// produces it: every log line, the watched series, the trace list and the last frame.
struct Run {
    project: Project,
    engine: Engine,
    logs: LogBuffer,
    frame: Frame,
    traces: Arc<Vec<TraceSummary>>,
    watched: Arc<Vec<Watched>>,
}

impl Run {
    fn new(project: Project, secs: u64, watch: &[&str]) -> Run {
        Run::traced(project, secs, watch, 100)
    }

    /// As `new`, tracing one request in `trace_one_in`.
    fn traced(project: Project, secs: u64, watch: &[&str], trace_one_in: u64) -> Run {
        let options = HostOptions {
            trace_one_in,
            ..HostOptions::from_project(&project)
        };
        let mut engine = Engine::new(&project, options).expect("runs");
        engine.handle(HostCommand::Watch(
            watch.iter().map(|w| NodeId::new(*w)).collect(),
        ));
        engine.handle(HostCommand::Play);
        let mut logs = LogBuffer::default();
        let mut traces = Arc::new(Vec::new());
        let mut watched = Arc::new(Vec::new());
        let mut frame = engine.frame();
        for _ in 0..secs * 10 {
            engine.advance_by(SEC / 10);
            frame = engine.frame();
            logs.extend(std::mem::take(&mut frame.new_logs), frame.logs_missed);
            if let Some(t) = frame.traces.take() {
                traces = t;
            }
            if let Some(w) = frame.watched.take() {
                watched = w;
            }
        }
        // The last detail refresh may be a little older than the last frame: take a fresh one.
        engine.handle(HostCommand::Watch(
            watch.iter().map(|w| NodeId::new(*w)).collect(),
        ));
        let mut last = engine.frame();
        if let Some(w) = last.watched.take() {
            watched = w;
        }
        if let Some(t) = last.traces.take() {
            traces = t;
        }
        Run {
            project,
            engine,
            logs,
            frame,
            traces,
            watched,
        }
    }

    fn snapshot(&self) -> &Snapshot {
        &self.frame.snapshot
    }

    fn names(&self) -> NodeNames {
        NodeNames::new(&self.project, self.snapshot())
    }

    /// The full trace `id`, asked of the engine as the UI would.
    fn trace(&mut self, id: u64) -> Arc<Trace> {
        self.engine.handle(HostCommand::Trace(id));
        self.engine.frame().trace.expect("the trace exists")
    }
}

struct LogPanel {
    view: LogView,
    logs: LogBuffer,
    names: NodeNames,
    actions: Vec<PanelAction>,
}

fn log_harness(logs: LogBuffer, names: NodeNames) -> Harness<'static, LogPanel> {
    Harness::builder()
        .with_size(Vec2::new(1200.0, 1400.0))
        .build_ui_state(
            |ui, s: &mut LogPanel| {
                logs::log_view_ui(
                    ui,
                    &mut s.view,
                    &s.logs.lines,
                    s.logs.first_seq,
                    &s.names,
                    &mut s.actions,
                )
            },
            LogPanel {
                view: LogView::default(),
                logs,
                names,
                actions: Vec::new(),
            },
        )
}

/// Labels of the log rows in view.
fn visible_rows(h: &Harness<'static, LogPanel>) -> Vec<String> {
    h.query_all_by_label_contains(" s  ")
        .filter_map(|n| n.accesskit_node().label())
        .collect()
}

#[test]
fn log_filter_by_node_keeps_only_its_lines() {
    // (10 s: every failure now logs its first lines each second, so 20 s no longer fit.)
    let run = Run::new(orders(), 10, &[]);
    let names = run.names();
    let per_node = |name: &str| {
        run.logs
            .lines
            .iter()
            .filter(|l| names.name(l.node) == name)
            .count()
    };
    let (node, other) = ("Payment service", "Place order");
    let (mine, theirs) = (per_node(node), per_node(other));
    assert!(
        mine > 0 && theirs > 0,
        "both nodes logged: {mine} / {theirs}"
    );
    let total = run.logs.lines.len();
    assert!(total < 60, "every line fits on screen ({total})");

    let mut h = log_harness(run.logs.clone(), names);
    h.run();
    h.get_by_label(&format!(
        "{} of {} lines",
        fmt_count(total as u64),
        fmt_count(total as u64)
    ));
    assert!(
        visible_rows(&h)
            .iter()
            .any(|r| r.contains(&format!("  {other}  ")))
    );

    h.get_by_role(Role::ComboBox).click();
    h.run();
    h.get_by_label(node).click();
    h.run();

    h.get_by_label(&format!("{mine} of {total} lines"));
    let rows = visible_rows(&h);
    assert_eq!(rows.len(), mine);
    assert!(
        rows.iter().all(|r| r.contains(&format!("  {node}  "))),
        "{rows:#?}"
    );

    // Clicking a line selects its node (and opens its trace, when it has one).
    let first = rows[0].clone();
    h.get_by_label(&first).click();
    h.run();
    let payment = NodeId::new("payment");
    let actions = &h.state().actions;
    assert!(
        actions.contains(&PanelAction::SelectNode(payment.clone())),
        "{actions:?} (ids: {:?})",
        h.state()
            .names
            .iter()
            .map(|(_, id, n)| format!("{id}={n}"))
            .collect::<Vec<_>>()
    );

    // Clearing the filters brings every line back.
    h.get_by_label("Clear filters").click();
    h.run();
    h.get_by_label(&format!(
        "{} of {} lines",
        fmt_count(total as u64),
        fmt_count(total as u64)
    ));
}

#[test]
fn log_levels_text_and_trace_filters() {
    let run = Run::new(orders(), 20, &[]);
    let names = run.names();
    let errors = run
        .logs
        .lines
        .iter()
        .filter(|l| l.level == Level::Error)
        .count();
    let total = run.logs.lines.len();
    let mut h = log_harness(run.logs.clone(), names);
    h.run();
    h.get_by_label("Info").click();
    h.run();
    h.get_by_label("Warn").click();
    h.run();
    h.get_by_label(&format!("{errors} of {total} lines"));
    assert!(visible_rows(&h).iter().all(|r| r.contains("ERROR")));
}

#[test]
fn the_tail_follows_until_scrolled_up_and_resumes() {
    let run = Run::new(orders(), 5, &[]);
    let names = run.names();
    // Many more lines than fit: repeat the run's lines with rising times.
    let sample: Vec<_> = run.logs.lines.iter().cloned().collect();
    assert!(!sample.is_empty());
    let lines = |from: u64, n: u64| {
        (from..from + n).map(|i| {
            let mut l = sample[i as usize % sample.len()].clone();
            l.t = i * 1_000;
            l
        })
    };
    let mut logs = LogBuffer::default();
    logs.extend(lines(0, 3_000), 0);
    let mut h = log_harness(logs, names.clone());
    h.run();
    let row = |h: &Harness<'static, LogPanel>, i: u64| {
        let l = h
            .state()
            .logs
            .lines
            .iter()
            .find(|l| l.t == i * 1_000)
            .cloned();
        l.map(|l| logs::row_text(&l, &names))
    };
    let last = row(&h, 2_999).unwrap();
    assert!(
        h.query_by_label(&last).is_some(),
        "following: the newest line is in view"
    );
    assert!(h.state().view.follow);

    // The user scrolls up: following stops, and new lines do not move the view.
    for _ in 0..3 {
        let any = visible_rows(&h).pop().unwrap();
        h.get_by_label(&any).scroll_up();
        h.run();
    }
    assert!(h.query_by_label(&last).is_none());
    assert!(!h.state().view.follow);
    let before = visible_rows(&h);
    h.state_mut().logs.extend(lines(3_000, 200), 0);
    h.run();
    assert_eq!(
        visible_rows(&h),
        before,
        "paused: the same lines stay in view"
    );

    // The ring drops the 200 oldest lines: still the same lines in view.
    h.state_mut().logs.extend(lines(3_200, 7_000), 0);
    h.run();
    assert_eq!(h.state().logs.lines.len(), logs::LOG_VIEW_CAPACITY);
    assert_eq!(h.state().logs.first_seq, 200);
    assert_eq!(
        visible_rows(&h),
        before,
        "paused: the same lines stay in view"
    );

    h.get_by_label("⏬ Follow").click();
    h.run();
    assert!(h.state().view.follow);
    let newest = row(&h, 10_199).unwrap();
    assert!(
        h.query_by_label(&newest).is_some(),
        "the newest line is in view again"
    );
    h.state_mut().logs.extend(lines(10_200, 5), 0);
    h.run();
    assert!(h.query_by_label(&row(&h, 10_204).unwrap()).is_some());

    // Pause: new lines do not move the view; scrolling back down to the end follows again.
    h.get_by_label("⏸ Pause").click();
    h.run();
    assert!(!h.state().view.follow);
    for _ in 0..3 {
        let any = visible_rows(&h).pop().unwrap();
        h.get_by_label(&any).scroll_up();
        h.run();
    }
    h.state_mut().logs.extend(lines(10_205, 5), 0);
    h.run();
    assert!(!h.state().view.follow);
    for _ in 0..5 {
        let any = visible_rows(&h).pop().unwrap();
        h.get_by_label(&any).scroll_down();
        h.run();
    }
    assert!(h.state().view.follow, "back at the end: following again");
    h.state_mut().logs.extend(lines(10_210, 5), 0);
    h.run();
    assert!(h.query_by_label(&row(&h, 10_214).unwrap()).is_some());
}

struct TracePanel {
    view: TraceView,
    list: Arc<Vec<TraceSummary>>,
    current: Option<Arc<Trace>>,
    names: NodeNames,
    actions: Vec<PanelAction>,
}

#[test]
fn the_waterfall_shows_every_span_and_the_critical_path() {
    let mut run = Run::new(orders(), 30, &[]);
    let names = run.names();
    assert!(!run.traces.is_empty(), "the run sampled traces");
    // The trace with most spans that still fits on screen.
    let pick = run
        .traces
        .iter()
        .filter(|t| t.spans <= 20)
        .max_by_key(|t| (t.spans, t.id))
        .expect("a trace")
        .clone();
    let trace = run.trace(pick.id);
    let critical = trace.critical_path();
    assert!(critical.len() >= 2, "{trace:#?}");

    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .build_ui_state(
            |ui, s: &mut TracePanel| {
                traces::traces_ui(
                    ui,
                    &mut s.view,
                    &s.list,
                    s.current.as_deref(),
                    &s.names,
                    &mut s.actions,
                )
            },
            TracePanel {
                view: TraceView::default(),
                list: run.traces.clone(),
                current: None,
                names: names.clone(),
                actions: Vec::new(),
            },
        );
    h.run();
    // Pick it from the list: the panel asks for it.
    h.get_by_label_contains(&format!("#{}  ", pick.id)).click();
    h.run();
    assert_eq!(h.state().actions, [PanelAction::OpenTrace(pick.id)]);
    h.get_by_label(&format!("Fetching trace #{}…", pick.id));
    h.state_mut().current = Some(trace.clone());
    h.run();

    h.get_by_label(&format!("Trace #{}", pick.id));
    let rows = traces::waterfall_rows(&trace);
    assert_eq!(rows.len(), trace.spans.len());
    for row in &rows {
        let label = traces::span_label(&trace, row, &names);
        assert!(
            h.query_all_by_label(&label).next().is_some(),
            "span row {label:?} is shown"
        );
    }
    let marked = h.query_all_by_label_contains(", critical path").count();
    assert_eq!(marked, critical.len());
    // The root span is on the critical path, and the last one to end too.
    let root = traces::span_label(&trace, &rows[0], &names);
    assert!(root.ends_with("critical path"), "{root}");

    // Clicking a span selects its node.
    h.get_by_label(&root).click();
    h.run();
    let root_node = names
        .id(trace.spans[rows[0].span as usize].node)
        .unwrap()
        .clone();
    assert_eq!(
        h.state().actions.last(),
        Some(&PanelAction::SelectNode(root_node))
    );
}

#[test]
fn a_log_line_opens_its_trace() {
    // Every request traced, so error lines carry trace ids.
    let mut run = Run::traced(orders(), 30, &[], 1);
    let names = run.names();
    let sampled: Vec<u64> = run.traces.iter().map(|t| t.id).collect();
    // The newest such line: the tail the panel follows is in view.
    let line = run
        .logs
        .lines
        .iter()
        .rev()
        .find(|l| l.trace != 0 && sampled.contains(&l.trace))
        .expect("a log line of a sampled trace")
        .clone();
    let mut h = log_harness(run.logs.clone(), names.clone());
    h.run();
    let text = logs::row_text(&line, &names);
    h.get_by_label(&text).scroll_to_me();
    h.run();
    h.get_by_label(&text).click();
    h.run();
    let actions = h.state().actions.clone();
    assert_eq!(actions.last(), Some(&PanelAction::OpenTrace(line.trace)));
    let trace = run.trace(line.trace);
    assert!(trace.spans.iter().any(|s| s.node == line.node));
}

struct DashPanel {
    view: DashboardView,
    snapshot: Arc<Snapshot>,
    watched: Arc<Vec<Watched>>,
    names: NodeNames,
    actions: Vec<PanelAction>,
}

#[test]
fn the_dashboard_summary_shows_the_ledger_and_cost() {
    let run = Run::new(orders(), 20, &["payment", "place-order"]);
    let names = run.names();
    let s = run.frame.snapshot.clone();
    assert!(s.ledger.entered > 100);
    assert_eq!(run.watched.len(), 2);
    assert!(!run.watched[0].series.points.is_empty());
    assert!(!run.watched[0].histogram.is_empty());

    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 800.0))
        .build_ui_state(
            |ui, st: &mut DashPanel| {
                dashboard::dashboard_ui(
                    ui,
                    &mut st.view,
                    Some(&st.snapshot),
                    &st.watched,
                    &Default::default(),
                    &st.names,
                    &mut st.actions,
                )
            },
            DashPanel {
                view: DashboardView::default(),
                snapshot: s.clone(),
                watched: run.watched.clone(),
                names,
                actions: Vec::new(),
            },
        );
    h.run();
    for r in eventloom::ui::run::summary::ledger_rows(&s.ledger) {
        h.get_by_label(r.label.trim());
        assert!(
            h.query_all_by_label(&fmt_count(r.value)).next().is_some(),
            "{} shows {}",
            r.label,
            r.value
        );
    }
    h.get_by_label(&fmt_count(s.ledger.entered));
    h.get_by_label(&fmt_count(s.ledger.completed));
    h.get_by_label(&fmt_usd(s.cost_usd));
    h.get_by_label(&fmt_usd(s.cost_per_million_usd));
    h.get_by_label(&fmt_usd(s.server_per_day_usd));
    h.get_by_label_contains("cheaper by");
    // A line per watched node with its totals, and the histogram of the first.
    h.get_by_label_contains(&format!(
        "Payment service: {} requests",
        fmt_count(s.node("payment").unwrap().invocations)
    ));
    h.get_by_label_contains("samples · mean");

    // Export asks the caller.
    h.get_by_label("Export").click();
    h.run();
    h.get_by_label("Report (JSON)…").click();
    h.run();
    assert_eq!(
        h.state().actions,
        [PanelAction::Export(eventloom::ui::ExportKind::ReportJson)]
    );
}

#[test]
fn panels_draw_an_empty_run() {
    let project = orders();
    let names = NodeNames::from_project(&project);
    let mut h = Harness::builder()
        .with_size(Vec2::new(1000.0, 600.0))
        .build_ui_state(
            |ui, st: &mut DashPanel| {
                dashboard::dashboard_ui(
                    ui,
                    &mut st.view,
                    None,
                    &[],
                    &Default::default(),
                    &st.names,
                    &mut st.actions,
                );
                logs::log_view_ui(
                    ui,
                    &mut LogView::default(),
                    &Default::default(),
                    0,
                    &st.names,
                    &mut st.actions,
                );
                traces::traces_ui(
                    ui,
                    &mut TraceView::default(),
                    &[],
                    None,
                    &st.names,
                    &mut st.actions,
                );
            },
            DashPanel {
                view: DashboardView::default(),
                snapshot: Arc::new(
                    eventloom::sim::Simulation::new(
                        &project,
                        eventloom::sim::SimConfig::from_project(&project),
                    )
                    .unwrap()
                    .snapshot(),
                ),
                watched: Arc::new(Vec::new()),
                names,
                actions: Vec::new(),
            },
        );
    h.run();
    h.get_by_label("No run yet: press Run");
    h.get_by_label("No log lines yet");
    h.get_by_label("No sampled traces yet");
}

struct Live {
    panels: eventloom::ui::run::panels::RunPanels,
    run: eventloom::ui::LiveRun,
    actions: Vec<eventloom::ui::Action>,
    status: Vec<eventloom::ui::Status>,
}

#[test]
fn the_run_panels_follow_a_live_run() {
    use eventloom::ui::run::panels::{RunPanels, RunTab};
    use eventloom::ui::{Action, Selection};
    let project = orders();
    let options = HostOptions {
        trace_one_in: 1,
        ..HostOptions::from_project(&project)
    };
    let mut run = eventloom::ui::LiveRun::inline(&project, options).expect("runs");
    run.send(HostCommand::Play);
    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 700.0))
        .build_ui_state(
            |ui, s: &mut Live| {
                s.run.poll();
                if let Some(st) = s.panels.ui(ui, &mut s.run, &mut s.actions) {
                    s.status.push(st);
                }
            },
            Live {
                panels: RunPanels::default(),
                run,
                actions: Vec::new(),
                status: Vec::new(),
            },
        );
    // The canvas selection becomes the watched nodes.
    {
        let s = h.state_mut();
        let sel = Selection::node(NodeId::new("payment"));
        s.panels.watch_selection(&mut s.run, &sel);
    }
    // 20 simulated seconds (the inline driver advances 100 ms a frame).
    for _ in 0..200 {
        h.step();
    }
    let s = h.state();
    assert!(s.run.now() >= 19 * SEC);
    assert_eq!(s.run.watched.len(), 1);
    h.get_by_label_contains("Payment service: ");
    h.get_by_label(&fmt_count(s.run.snapshot().unwrap().ledger.entered));

    // Logs: a line of a traced request opens its trace in the Traces tab.
    h.get_by_label("Logs").click();
    h.step();
    h.get_by_role(Role::ComboBox).click();
    h.step();
    h.get_by_label("Payment service").click();
    h.step();
    let line = {
        let s = h.state();
        let names = NodeNames::new(&s.run.project, s.run.snapshot().unwrap());
        let l = s
            .run
            .logs
            .iter()
            .rev()
            .find(|l| l.trace != 0 && names.name(l.node) == "Payment service")
            .expect("a traced line of the payment service")
            .clone();
        logs::row_text(&l, &names)
    };
    h.get_by_label(&line).scroll_to_me();
    h.step();
    h.get_by_label(&line).click();
    h.step();
    assert_eq!(h.state().panels.tab, RunTab::Traces);
    let asked = h.state().actions.clone();
    assert!(
        matches!(asked.as_slice(), [Action::Select(s)] if *s == Selection::node(NodeId::new("payment"))),
        "{asked:?}"
    );
    h.step();
    h.step();
    let trace = h.state().run.trace.clone().expect("the trace arrived");
    h.get_by_label(&format!("Trace #{}", trace.id));
    assert!(h.query_all_by_label_contains(", critical path").count() >= 2);

    // Exports: CSV at once, the JSON report once the host sends it.
    let dir = tempfile::tempdir().unwrap();
    let (csv, json) = (dir.path().join("nodes.csv"), dir.path().join("report.json"));
    {
        let s = h.state_mut();
        let st = s
            .panels
            .export_to(eventloom::ui::ExportKind::NodesCsv, &csv, &mut s.run)
            .unwrap();
        assert!(!st.is_error, "{}", st.text);
        assert!(
            s.panels
                .export_to(eventloom::ui::ExportKind::ReportJson, &json, &mut s.run)
                .is_none()
        );
    }
    h.step();
    h.step();
    let st = h
        .state()
        .status
        .last()
        .cloned()
        .expect("the report was written");
    assert!(!st.is_error, "{}", st.text);
    let text = std::fs::read_to_string(&json).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["nodes"].as_array().unwrap().len(),
        project.graph.nodes.len()
    );
    let nodes = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(nodes.lines().count(), project.graph.nodes.len() + 1);
}
