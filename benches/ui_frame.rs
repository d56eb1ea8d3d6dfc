//! Editor frame cost: CPU time of one headless egui frame (layout, painting and tessellation)
//! of the editor with a 500-node, 750-edge project, idle and while dragging a node.
//!
//! Baseline, measured in the same run: a frame of a window holding one label, so the ratio
//! says what the editor adds on top of egui's fixed cost per frame.
//!
//! Live run (issue 5): a 200-node pipeline whose clients are tuned so the engine does about
//! 100,000 events per simulated second, running on the engine thread at 1×, the editor
//! showing it (toolbar, canvas overlay, live panel, run panels with three watched nodes), one frame every
//! 16.7 ms of wall time for 20 s per tab: time per frame (plus the UI thread's mean CPU per
//! frame from /proc/thread-self/schedstat, whose per-read resolution is a scheduler tick) and
//! whether the virtual clock keeps pace. `cargo bench --bench ui_frame -- live` runs only it.

#![allow(missing_docs)] // criterion_group! generates an undocumented public function

use criterion::{Criterion, criterion_group, criterion_main};
use eventloom::model::{Arrival, Edge, EdgeKind, NodeId, NodeKind, Project};
use eventloom::project::synthetic;
use eventloom::sim::{SEC, SimConfig, Simulation};
use eventloom::ui::run::panels::RunTab;
use eventloom::ui::{Action, Editor, RunAction, Selection};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Whether the command line asks for the live-run case only.
fn only_live() -> bool {
    std::env::args().skip(1).any(|a| a == "live")
}

/// The synthetic pipeline with cross-lane edges added until it has `edges` edges.
fn big_project(nodes: usize, edges: usize) -> Project {
    let mut p = synthetic::pipeline(nodes);
    let lanes = nodes.div_ceil(7);
    let id = |s: &str, i: usize| NodeId::new(format!("{s}-{i}"));
    let mut extra = Vec::new();
    for i in 0..lanes {
        extra.push((id("worker", i), id("ingest", i + 1), EdgeKind::AsyncInvoke));
        extra.push((id("ingest", i), id("table", i), EdgeKind::Write));
        extra.push((id("worker", i), id("queue", i + 1), EdgeKind::Write));
        extra.push((id("ingest", i), id("dlq", i), EdgeKind::OnFailure));
        extra.push((id("ingest", i), id("worker", i), EdgeKind::AsyncInvoke));
    }
    for (from, to, kind) in extra {
        if p.graph.edges.len() >= edges {
            break;
        }
        if p.graph.nodes.contains_key(&from) && p.graph.nodes.contains_key(&to) {
            let eid = p.graph.fresh_edge_id(&from, &to);
            p.graph.edges.insert(eid, Edge::new(from, to, kind));
        }
    }
    p
}

fn input(time: f64, events: Vec<egui::Event>) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1600.0, 1000.0),
        )),
        time: Some(time),
        events,
        ..Default::default()
    }
}

/// One frame: run the UI, then tessellate what it painted (as the real window does).
fn frame(
    ctx: &egui::Context,
    t: f64,
    events: Vec<egui::Event>,
    ui: &mut impl FnMut(&mut egui::Ui),
) -> usize {
    let mut out = ctx.run_ui(input(t, events), |u| ui(u));
    out.textures_delta.clear();
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    prims.len()
}

struct Drag {
    ctx: egui::Context,
    editor: Editor,
    t: f64,
    at: egui::Pos2,
    step: f32,
}

impl Drag {
    fn new(project: Project) -> Self {
        let ctx = egui::Context::default();
        let mut editor = Editor::new(project, None);
        let mut t = 0.0;
        for _ in 0..3 {
            t += 0.016;
            frame(&ctx, t, vec![], &mut |ui| editor.ui(ui));
        }
        // The worker nearest the middle of the view.
        let middle = editor.canvas.rect.center();
        let at = editor
            .project
            .graph
            .nodes
            .keys()
            .filter(|id| id.as_str().starts_with("worker"))
            .map(|id| editor.canvas.node_screen_rect(&editor.project, id).center())
            .min_by(|a, b| a.distance(middle).total_cmp(&b.distance(middle)))
            .expect("the project has workers");
        let press = egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: egui::Modifiers::NONE,
        };
        for events in [vec![egui::Event::PointerMoved(at)], vec![press]] {
            t += 0.016;
            frame(&ctx, t, events, &mut |ui| editor.ui(ui));
        }
        Self {
            ctx,
            editor,
            t,
            at,
            step: 4.0,
        }
    }

    /// One frame of the drag: the pointer moves a few points (back and forth).
    fn frame(&mut self) -> usize {
        self.t += 0.016;
        if self.at.x > 1000.0 || self.at.x < 300.0 {
            self.step = -self.step;
        }
        self.at.x += self.step;
        let at = self.at;
        let editor = &mut self.editor;
        frame(
            &self.ctx,
            self.t,
            vec![egui::Event::PointerMoved(at)],
            &mut |ui| editor.ui(ui),
        )
    }
}

fn editor_frames(c: &mut Criterion) {
    if only_live() {
        return;
    }
    let project = big_project(500, 750);
    assert_eq!(
        (project.graph.nodes.len(), project.graph.edges.len()),
        (500, 750)
    );
    let mut g = c.benchmark_group("editor_500_nodes_750_edges");

    let base_ctx = egui::Context::default();
    let mut t = 0.0;
    g.bench_function("baseline_one_label_frame", |b| {
        b.iter(|| {
            t += 0.016;
            black_box(frame(&base_ctx, t, vec![], &mut |ui| {
                ui.label("Eventloom");
            }))
        })
    });

    let ctx = egui::Context::default();
    let mut editor = Editor::new(project.clone(), None);
    let mut t = 0.0;
    g.bench_function("idle_frame", |b| {
        b.iter(|| {
            t += 0.016;
            black_box(frame(&ctx, t, vec![], &mut |ui| editor.ui(ui)))
        })
    });

    let mut drag = Drag::new(project.clone());
    g.bench_function("dragging_a_node_frame", |b| {
        b.iter(|| black_box(drag.frame()))
    });
    assert!(drag.editor.dirty, "the drag moved the node");
    g.finish();

    // Medians and 95th percentiles over plain repeated frames, for BENCHMARKS.md.
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[v.len() * 95 / 100])
    };
    let time = |f: &mut dyn FnMut()| {
        (0..300)
            .map(|_| {
                let s = Instant::now();
                f();
                s.elapsed().as_secs_f64() * 1e3
            })
            .collect::<Vec<_>>()
    };
    let mut t = 1e3;
    let (b50, b95) = median(time(&mut || {
        t += 0.016;
        frame(&base_ctx, t, vec![], &mut |ui| {
            ui.label("Eventloom");
        });
    }));
    let (i50, i95) = median(time(&mut || {
        t += 0.016;
        frame(&ctx, t, vec![], &mut |ui| editor.ui(ui));
    }));
    let (u50, _) = median(time(&mut || {
        t += 0.016;
        black_box(ctx.run_ui(input(t, vec![]), |ui| editor.ui(ui)));
    }));
    eprintln!("idle frame without tessellation: median {u50:.3} ms");
    let mut drag = Drag::new(project);
    let (d50, d95) = median(time(&mut || {
        drag.frame();
    }));
    eprintln!(
        "frame ms (median / p95): baseline {b50:.3} / {b95:.3}; idle {i50:.3} / {i95:.3} ({:.1}× baseline); dragging {d50:.3} / {d95:.3} ({:.1}× baseline)",
        i50 / b50,
        d50 / b50
    );
}

/// Sets every client's Poisson rate.
fn set_rate(p: &mut Project, rate_per_s: f64) {
    for n in p.graph.nodes.values_mut() {
        if let NodeKind::Client(c) = &mut n.kind {
            c.arrival = Arrival::Poisson { rate_per_s };
        }
    }
}

/// Engine events per simulated second of `p` (over 10 s after a 2 s warm-up).
fn events_per_sim_s(p: &Project) -> f64 {
    let mut sim = Simulation::new(p, SimConfig::from_project(p)).expect("valid");
    sim.run_until(2 * SEC);
    let e0 = sim.events_processed();
    sim.run_until(12 * SEC);
    (sim.events_processed() - e0) as f64 / 10.0
}

/// `synthetic::pipeline(nodes)` with the clients' rate tuned to about `target` events per
/// simulated second; returns the project and the measured rate.
fn busy_project(nodes: usize, target: f64) -> (Project, f64) {
    let mut p = synthetic::pipeline(nodes);
    p.run.duration_ms = 3_600_000;
    // A partial last lane ends in a queue without its DLQ: no redrive there.
    let no_dlq: Vec<NodeId> = p
        .graph
        .nodes
        .keys()
        .filter(|id| {
            !p.graph
                .edges
                .values()
                .any(|e| &e.from == *id && matches!(e.kind, EdgeKind::OnFailure))
        })
        .cloned()
        .collect();
    for id in no_dlq {
        if let Some(n) = p.graph.nodes.get_mut(&id)
            && let NodeKind::Queue(q) = &mut n.kind
        {
            q.max_receive_count = None;
        }
    }
    // Events per request change with load (scaling, batching): a few proportional steps.
    let mut rate = 100.0;
    let mut measured = 0.0;
    for _ in 0..4 {
        set_rate(&mut p, rate);
        measured = events_per_sim_s(&p);
        if (measured / target - 1.0).abs() < 0.03 {
            break;
        }
        rate *= target / measured.max(1.0);
    }
    (p, measured)
}

/// CPU time this thread has used, ns (Linux; `None` elsewhere).
fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn pct(v: &mut [f64], p: usize) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get((v.len() * p / 100).min(v.len().saturating_sub(1)))
        .copied()
        .unwrap_or(f64::NAN)
}

/// Frames of the editor showing a live run at 1× (engine thread: toolbar, canvas overlay,
/// live panel, run panels on `tab` with three watched nodes), paced at 60 per second of wall
/// time.
fn live_frames(project: &Project, tab: RunTab, secs: f64) {
    let ctx = egui::Context::default();
    let mut editor = Editor::new(project.clone(), None);
    let mut t = 0.0;
    for _ in 0..3 {
        t += 0.016;
        frame(&ctx, t, vec![], &mut |ui| editor.ui(ui));
    }
    editor.act(Action::Select(Selection {
        nodes: ["api-3", "ingest-3", "queue-3"].map(NodeId::new).into(),
        edges: Default::default(),
    }));
    editor.act(Action::Run(RunAction::Play));
    editor.run_panels.tab = tab;
    let started = Instant::now();
    let cpu0 = thread_cpu_ns();
    let mut wall_ms = Vec::new();
    let mut next = Instant::now();
    while started.elapsed().as_secs_f64() < secs {
        t += 1.0 / 60.0;
        let w0 = Instant::now();
        frame(&ctx, t, vec![], &mut |ui| editor.ui(ui));
        wall_ms.push(w0.elapsed().as_secs_f64() * 1e3);
        next += Duration::from_micros(16_667);
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        } else {
            next = now;
        }
    }
    let frames = wall_ms.len();
    let cpu_mean = match (cpu0, thread_cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e6 / frames as f64,
        _ => f64::NAN,
    };
    let wall = started.elapsed().as_secs_f64();
    let run = editor.live.as_ref().expect("the run started");
    let snap = run.snapshot().expect("frames arrived");
    eprintln!(
        "live run, {tab:?} tab: {frames} frames in {wall:.1} s; UI frame median {:.2} ms, p95 {:.2} ms, max {:.2} ms (UI-thread CPU mean {cpu_mean:.2} ms/frame); virtual clock {:.1} s (pace {:.3}), lag at the end {:.0} ms; engine {:.0} events/s; {} log lines held, {} watched, {} traces",
        pct(&mut wall_ms.clone(), 50),
        pct(&mut wall_ms.clone(), 95),
        pct(&mut wall_ms, 100),
        snap.now as f64 / SEC as f64,
        snap.now as f64 / SEC as f64 / wall,
        run.lag as f64 / 1e3,
        run.events_per_s,
        run.logs.len(),
        run.watched.len(),
        run.traces.len(),
    );
}

/// The dashboard alone, three watched nodes whose series are full (2,047 points each, a run
/// of 34 simulated minutes): the worst case of its plots, which a 20 s live run never reaches.
fn dashboard_full_series() {
    use eventloom::host::{Engine, HostCommand, HostOptions};
    use eventloom::ui::run::dashboard::{DashboardView, dashboard_ui};
    use eventloom::ui::run::node_names::NodeNames;
    let p = synthetic::pipeline(7);
    let mut engine = Engine::new(&p, HostOptions::from_project(&p)).expect("valid");
    engine.handle(HostCommand::Watch(
        ["api-0", "ingest-0", "queue-0"].map(NodeId::new).to_vec(),
    ));
    engine.handle(HostCommand::Play);
    engine.advance_by(2_047 * SEC);
    engine.handle(HostCommand::Watch(
        ["api-0", "ingest-0", "queue-0"].map(NodeId::new).to_vec(),
    ));
    let f = engine.frame();
    let watched = f.watched.expect("watched");
    let names = NodeNames::new(&p, &f.snapshot);
    let points: usize = watched.iter().map(|w| w.series.points.len()).sum();
    let ctx = egui::Context::default();
    let mut view = DashboardView::default();
    let mut actions = Vec::new();
    let mut t = 0.0;
    let mut ms: Vec<f64> = (0..200)
        .map(|_| {
            t += 0.016;
            let c0 = Instant::now();
            frame(&ctx, t, vec![], &mut |ui| {
                egui::Panel::bottom("dash")
                    .exact_size(300.0)
                    .show(ui, |ui| {
                        dashboard_ui(
                            ui,
                            &mut view,
                            Some(&f.snapshot),
                            &watched,
                            &Default::default(),
                            &names,
                            &mut actions,
                        )
                    });
            });
            c0.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    eprintln!(
        "dashboard alone, 3 watched nodes, {points} points: CPU per frame median {:.2} ms, p95 {:.2} ms",
        pct(&mut ms.clone(), 50),
        pct(&mut ms, 95)
    );
}

fn live_run_frames(_c: &mut Criterion) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filtered = args.iter().any(|a| !a.starts_with('-'));
    if filtered && !only_live() {
        return;
    }
    let (project, rate) = busy_project(200, 100_000.0);
    eprintln!(
        "live run project: {} nodes, {} edges, {:.0} events per simulated second",
        project.graph.nodes.len(),
        project.graph.edges.len(),
        rate
    );
    // Baseline in the same run: the idle editor with the same project and no run.
    let ctx = egui::Context::default();
    let mut editor = Editor::new(project.clone(), None);
    let mut t = 0.0;
    let mut idle: Vec<f64> = (0..300)
        .map(|_| {
            t += 0.016;
            let c0 = Instant::now();
            frame(&ctx, t, vec![], &mut |ui| editor.ui(ui));
            c0.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    eprintln!(
        "baseline, the same editor without a run: frame median {:.2} ms, p95 {:.2} ms",
        pct(&mut idle.clone(), 50),
        pct(&mut idle, 95)
    );
    dashboard_full_series();
    let secs = std::env::var("EVENTLOOM_LIVE_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20.0);
    for tab in [RunTab::Dashboard, RunTab::Logs, RunTab::Traces] {
        live_frames(&project, tab, secs);
    }
}

criterion_group!(benches, editor_frames, live_run_frames);
criterion_main!(benches);
