//! Importing a 500-resource SAM template from elsewhere (no Eventloom metadata, so no
//! positions) and laying it out left to right (issue 16: "well under a second").
//!
//! The template is a synthetic project's export with its metadata removed: lanes of
//! API → function → queue (+ DLQ) → function → table, as a template written by hand would
//! have them. Baselines measured in the same run: reading the YAML alone (the parser's
//! floor), and the layout this crate had before (longest path by repeated relaxation,
//! `edges_to` per node), on the same imported graph.

// criterion_group! generates a public function without documentation.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use eventloom::interop::read::read_template;
use eventloom::interop::value::Value;
use eventloom::interop::write::to_yaml;
use eventloom::interop::{export_sam, import_template};
use eventloom::model::layout::{COLUMN_STEP, ROW_STEP, layered};
use eventloom::model::{Graph, NodeId, Pos};
use eventloom::project::synthetic;
use std::collections::BTreeMap;
use std::hint::black_box;

/// A template of at least `resources` resources without Eventloom's metadata.
pub fn foreign_template(resources: usize) -> String {
    // 7 nodes a lane, of which the client is not a resource.
    let project = synthetic::pipeline(resources * 7 / 6 + 7);
    let (root, _) = read_template(
        export_sam(&project)
            .expect("an AWS project exports")
            .as_bytes(),
    )
    .expect("export reads");
    let Value::Map(mut m) = root else {
        panic!("a template is a mapping")
    };
    m.0.retain(|(k, _)| k != "Metadata");
    let count = m
        .get("Resources")
        .and_then(Value::as_map)
        .map_or(0, |r| r.len());
    assert!(count >= resources, "{count} resources");
    to_yaml(&Value::Map(m))
}

/// The layout before issue 16 (kept here as the baseline).
fn baseline_layered(graph: &Graph) -> BTreeMap<NodeId, Pos> {
    let mut column: BTreeMap<&NodeId, usize> = graph.nodes.keys().map(|id| (id, 0)).collect();
    for _ in 0..graph.nodes.len() {
        let mut changed = false;
        for e in graph.edges.values() {
            if e.from == e.to {
                continue;
            }
            let (Some(&f), Some(&t)) = (column.get(&e.from), column.get(&e.to)) else {
                continue;
            };
            if t < f + 1 && f + 1 < graph.nodes.len() {
                column.insert(&e.to, f + 1);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let max_col = column.values().copied().max().unwrap_or(0);
    let mut row: BTreeMap<&NodeId, f32> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for col in 0..=max_col {
        let mut members: Vec<(&NodeId, f32)> = column
            .iter()
            .filter(|&(_, c)| *c == col)
            .map(|(id, _)| {
                let inputs: Vec<f32> = graph
                    .edges_to(id)
                    .filter_map(|(_, e)| row.get(&e.from).copied())
                    .collect();
                let key = if inputs.is_empty() {
                    f32::MAX
                } else {
                    inputs.iter().sum::<f32>() / inputs.len() as f32
                };
                (*id, key)
            })
            .collect();
        members.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
        for (i, (id, _)) in members.into_iter().enumerate() {
            row.insert(id, i as f32);
            out.insert(
                id.clone(),
                Pos {
                    x: col as f32 * COLUMN_STEP,
                    y: i as f32 * ROW_STEP,
                },
            );
        }
    }
    out
}

fn interop(c: &mut Criterion) {
    let text = foreign_template(500);
    let graph = import_template(text.as_bytes())
        .expect("imports")
        .project
        .graph;
    let mut g = c.benchmark_group("import_500_resources");
    g.bench_function("baseline_read_yaml", |b| {
        b.iter(|| black_box(read_template(black_box(text.as_bytes())).is_ok()))
    });
    g.bench_function("import_and_layout", |b| {
        b.iter(|| black_box(import_template(black_box(text.as_bytes())).is_ok()))
    });
    g.bench_function("baseline_layout_relaxation", |b| {
        b.iter(|| black_box(baseline_layered(black_box(&graph)).len()))
    });
    g.bench_function("layout", |b| {
        b.iter(|| black_box(layered(black_box(&graph)).len()))
    });
    g.finish();
}

criterion_group!(benches, interop);
criterion_main!(benches);
