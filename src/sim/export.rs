//! A run's metrics as files, headless: every node's totals and per-second series as CSV,
//! the full report as JSON (the layout of `eventloom run --json`). Pure text; the editor's
//! Export menu writes these, and so can anything else that holds a snapshot or a report.

use super::metrics::Series;
use super::report::Report;
use super::snapshot::Snapshot;
use super::time::SEC;
use crate::model::{Graph, NodeId};
use std::fmt::Write as _;

/// One CSV field, quoted when it holds a separator, a quote or a line break.
fn field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Header of [`nodes_csv`].
pub const NODES_HEADER: &str = "t_s,node_id,name,health,invocations,completions,errors,throttles,retries,timeouts,cold_starts,dead_lettered,dropped,busy,idle,depth,busy_max,oldest_age_ms,last_requests_per_s,last_p50_ms,last_p99_ms,cost_usd";

/// Every node's totals in `snapshot`, one row per node in topology order, named by `graph`.
pub fn nodes_csv(snapshot: &Snapshot, graph: &Graph) -> String {
    let t_s = snapshot.now as f64 / SEC as f64;
    let mut out = String::with_capacity(64 + snapshot.nodes.len() * 160);
    out.push_str(NODES_HEADER);
    out.push('\n');
    for n in &snapshot.nodes {
        let _ = write!(out, "{t_s},");
        field(&mut out, n.id.as_str());
        out.push(',');
        field(&mut out, &graph.node_label(&n.id));
        let _ = writeln!(
            out,
            ",{:?},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            n.health,
            n.invocations,
            n.completions,
            n.errors,
            n.throttles,
            n.retries,
            n.timeouts,
            n.cold_starts,
            n.dead_lettered,
            n.dropped,
            n.busy,
            n.idle,
            n.depth,
            n.busy_max,
            n.oldest_age_ms,
            n.rate(),
            n.last.p50_ms,
            n.last.p99_ms,
            n.cost_usd,
        );
    }
    out
}

/// Header of [`series_csv`].
pub const SERIES_HEADER: &str = "node_id,name,t_s,width_s,requests,completions,errors,throttles,cold_starts,p50_ms,p99_ms,busy,idle,depth,cost_usd";

/// Per-second series of some nodes, one row per node and interval (long format); nodes are
/// named by `graph`.
pub fn series_csv<'a>(
    series: impl IntoIterator<Item = (&'a NodeId, &'a Series)>,
    graph: &Graph,
) -> String {
    let series: Vec<(&NodeId, &Series)> = series.into_iter().collect();
    let rows: usize = series.iter().map(|(_, s)| s.points.len()).sum();
    let mut out = String::with_capacity(64 + rows * 100);
    out.push_str(SERIES_HEADER);
    out.push('\n');
    for (id, s) in series {
        let mut key = String::new();
        field(&mut key, id.as_str());
        key.push(',');
        field(&mut key, &graph.node_label(id));
        for p in &s.points {
            let _ = writeln!(
                out,
                "{key},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                p.t_s,
                p.width_s,
                p.invocations,
                p.completions,
                p.errors,
                p.throttles,
                p.cold_starts,
                p.p50_ms,
                p.p99_ms,
                p.busy,
                p.idle,
                p.depth,
                p.cost_usd,
            );
        }
    }
    out
}

/// The report as pretty JSON (the layout of `eventloom run --json`).
pub fn report_json(report: &Report) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}

/// The synthetic `n`-node pipeline run for `secs` of virtual time (for tests of exports).
#[cfg(test)]
pub(crate) fn pipeline_run(n: usize, secs: u64) -> super::Simulation {
    let p = crate::project::synthetic::pipeline(n);
    let mut sim = super::Simulation::new(&p, super::SimConfig::from_project(&p)).unwrap();
    sim.run_until(secs * SEC);
    sim
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Point;

    #[test]
    fn fields_are_quoted_when_needed() {
        let mut s = String::new();
        field(&mut s, "plain");
        s.push('|');
        field(&mut s, "a,b");
        s.push('|');
        field(&mut s, "say \"hi\"\nthere");
        assert_eq!(s, "plain|\"a,b\"|\"say \"\"hi\"\"\nthere\"");
    }

    #[test]
    fn series_rows_per_point() {
        let p = crate::project::synthetic::pipeline(7);
        let mut series = Series::default();
        series.points = vec![
            Point {
                t_s: 0.0,
                width_s: 1.0,
                invocations: 5,
                p99_ms: 12.5,
                ..Point::default()
            },
            Point {
                t_s: 1.0,
                width_s: 1.0,
                invocations: 7,
                ..Point::default()
            },
        ];
        let id = NodeId::new("api-0");
        let csv = series_csv([(&id, &series)], &p.graph);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], SERIES_HEADER);
        assert_eq!(lines[1], "api-0,api 0,0,1,5,0,0,0,0,0,12.5,0,0,0,0");
        assert_eq!(lines[2], "api-0,api 0,1,1,7,0,0,0,0,0,0,0,0,0,0");
        assert_eq!(lines.len(), 3);
        assert_eq!(
            series_csv(std::iter::empty(), &p.graph),
            format!("{SERIES_HEADER}\n")
        );
    }

    #[test]
    fn node_rows_from_a_real_run() {
        let p = crate::project::synthetic::pipeline(14);
        let snap = pipeline_run(14, 3).snapshot();
        let csv = nodes_csv(&snap, &p.graph);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 15);
        let columns = NODES_HEADER.split(',').count();
        assert!(lines.iter().all(|l| l.split(',').count() == columns));
        let api = snap.node("api-0").unwrap();
        let row = lines.iter().find(|l| l.contains(",api-0,")).unwrap();
        assert!(row.starts_with("3,api-0,api 0,"));
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[4], api.invocations.to_string());
        assert!(api.invocations > 0);
    }

    #[test]
    fn report_json_is_the_cli_layout() {
        let json = report_json(&pipeline_run(7, 2).report()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["report_version"], 1);
        assert_eq!(v["nodes"].as_array().unwrap().len(), 7);
    }
}
