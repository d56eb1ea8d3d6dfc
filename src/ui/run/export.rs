//! Exporting a run's metrics from the editor: the save dialog on its own thread and an
//! atomic write of the text `sim::export` makes (node totals and watched series as CSV,
//! the full report as JSON).
//!
//! Only the watched nodes' per-second series reach the UI, so the series CSV holds those;
//! the node CSV holds every node's totals from the latest snapshot, and the JSON report
//! (asked of the host with `HostCommand::Report`) holds every node's summary.

use crate::sim::Report;
use crate::sim::export::report_json;
use crate::ui::message::ExportKind;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

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
                let filter = match kind {
                    ExportKind::NodesCsv | ExportKind::SeriesCsv => "CSV",
                    ExportKind::ReportJson => "JSON",
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

    #[test]
    fn the_report_is_written_once_when_it_arrives() {
        let sim = crate::sim::export::pipeline_run(7, 2);
        let json = report_json(&sim.report()).unwrap();
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
