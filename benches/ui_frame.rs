//! Editor frame cost: CPU time of one headless egui frame (layout, painting and tessellation)
//! of the editor with a 500-node, 750-edge project, idle and while dragging a node.
//!
//! Baseline, measured in the same run: a frame of a window holding one label, so the ratio
//! says what the editor adds on top of egui's fixed cost per frame.

#![allow(missing_docs)] // criterion_group! generates an undocumented public function

use criterion::{Criterion, criterion_group, criterion_main};
use eventloom::model::{Edge, EdgeKind, NodeId, Project};
use eventloom::project::synthetic;
use eventloom::ui::Editor;
use std::hint::black_box;
use std::time::Instant;

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

criterion_group!(benches, editor_frames);
criterion_main!(benches);
