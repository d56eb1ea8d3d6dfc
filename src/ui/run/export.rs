//! Exporting a run's metrics from the UI: node totals and watched series as CSV, the full
//! report as JSON. The text is made by pure functions; the save dialog runs on its own
//! thread and the file is written atomically.
//!
//! Only the watched nodes' per-second series reach the UI, so the series CSV holds those;
//! the node CSV holds every node's totals from the latest snapshot, and the JSON report
//! (asked of the host with `HostCommand::Report`) holds every node's summary.

use super::node_names::NodeNames;
use crate::host::Watched;
use crate::sim::{Report, SEC, Snapshot};
use crate::ui::message::ExportKind;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

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

/// Every node's totals in `snapshot`, one row per node in topology order.
pub fn nodes_csv(snapshot: &Snapshot, names: &NodeNames) -> String {
    let t_s = snapshot.now as f64 / SEC as f64;
    let mut out = String::with_capacity(64 + snapshot.nodes.len() * 160);
    out.push_str(NODES_HEADER);
    out.push('\n');
    for n in &snapshot.nodes {
        let _ = write!(out, "{t_s},");
        field(&mut out, n.id.as_str());
        out.push(',');
        field(&mut out, names.name_of(&n.id));
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

/// The watched nodes' series, one row per node and interval (long format).
pub fn series_csv(watched: &[Watched], names: &NodeNames) -> String {
    let rows: usize = watched.iter().map(|w| w.series.points.len()).sum();
    let mut out = String::with_capacity(64 + rows * 100);
    out.push_str(SERIES_HEADER);
    out.push('\n');
    for w in watched {
        let mut key = String::new();
        field(&mut key, w.id.as_str());
        key.push(',');
        field(&mut key, names.name_of(&w.id));
        for p in &w.series.points {
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

/// Writes an export atomically (a crash never leaves half a file).
pub fn write_export(path: &Path, text: &str) -> Result<(), std::io::Error> {
    crate::project::write_atomic(path, text.as_bytes())
}

/// Save dialogs for exports on a named thread; chosen paths come back over a bounded
/// channel drained once per frame. A JSON export waits for the host's report.
pub struct Exports {
    tx: SyncSender<(ExportKind, Option<PathBuf>)>,
    rx: Receiver<(ExportKind, Option<PathBuf>)>,
    open: bool,
    /// Where the report goes once the host sends it.
    pub pending_report: Option<PathBuf>,
}

impl Default for Exports {
    fn default() -> Self {
        let (tx, rx) = sync_channel(4);
        Self {
            tx,
            rx,
            open: false,
            pending_report: None,
        }
    }
}

impl Exports {
    /// Shows a save dialog for `kind` (one at a time: a request while one is open is ignored).
    pub fn request(&mut self, ctx: &egui::Context, kind: ExportKind, project_name: &str) {
        if self.open {
            return;
        }
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let name = kind.file_name(project_name);
        let spawned = std::thread::Builder::new()
            .name("export-dialog".to_owned())
            .spawn(move || {
                let filter = match kind.extension() {
                    "json" => "JSON",
                    _ => "CSV",
                };
                let dialog = rfd::AsyncFileDialog::new()
                    .add_filter(filter, &[kind.extension()])
                    .set_file_name(name);
                let path = crate::ui::shell::files::block_on(dialog.save_file())
                    .map(|h| h.path().to_owned());
                let _ = tx.send((kind, path));
                ctx.request_repaint();
            });
        self.open = spawned.is_ok();
    }

    /// Paths chosen since the last frame (cancelled dialogs are left out).
    pub fn poll(&mut self) -> Vec<(ExportKind, PathBuf)> {
        let mut out = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok((kind, path)) => {
                    self.open = false;
                    out.extend(path.map(|p| (kind, p)));
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return out,
            }
        }
    }

    /// Writes the report to the pending path, if one waits for it; returns what happened
    /// as a status line.
    pub fn report_arrived(&mut self, report: &Report) -> Option<Result<String, String>> {
        let path = self.pending_report.take()?;
        Some(
            report_json(report)
                .map_err(|e| e.to_string())
                .and_then(|text| write_export(&path, &text).map_err(|e| e.to_string()))
                .map(|()| format!("Exported the report to {}", path.display()))
                .map_err(|e| format!("Could not export the report: {e}: {}", path.display())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeId;
    use crate::sim::{Percentiles, Point, Series};

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
        let names = NodeNames::from_project(&p);
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
        let w = Watched {
            id: NodeId::new("api-0"),
            series,
            latency: Percentiles::default(),
            histogram: Vec::new(),
        };
        let csv = series_csv(&[w], &names);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], SERIES_HEADER);
        assert_eq!(lines[1], "api-0,api 0,0,1,5,0,0,0,0,0,12.5,0,0,0,0");
        assert_eq!(lines[2], "api-0,api 0,1,1,7,0,0,0,0,0,0,0,0,0,0");
        assert_eq!(lines.len(), 3);
        assert_eq!(series_csv(&[], &names), format!("{SERIES_HEADER}\n"));
    }

    #[test]
    fn node_rows_from_a_real_run() {
        let p = crate::project::synthetic::pipeline(14);
        let mut sim =
            crate::sim::Simulation::new(&p, crate::sim::SimConfig::from_project(&p)).unwrap();
        sim.run_until(3 * SEC);
        let snap = sim.snapshot();
        let names = NodeNames::new(&p, &snap);
        let csv = nodes_csv(&snap, &names);
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
        let p = crate::project::synthetic::pipeline(7);
        let mut sim =
            crate::sim::Simulation::new(&p, crate::sim::SimConfig::from_project(&p)).unwrap();
        sim.run_until(2 * SEC);
        let json = report_json(&sim.report()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["report_version"], 1);
        assert_eq!(v["nodes"].as_array().unwrap().len(), 7);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        let mut ex = Exports {
            pending_report: Some(path.clone()),
            ..Exports::default()
        };
        assert!(ex.report_arrived(&sim.report()).unwrap().is_ok());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), json);
        assert!(ex.report_arrived(&sim.report()).is_none(), "written once");
        let mut ex = Exports {
            pending_report: Some(dir.path().join("missing").join("r.json")),
            ..Exports::default()
        };
        assert!(ex.report_arrived(&sim.report()).unwrap().is_err());
    }
}
