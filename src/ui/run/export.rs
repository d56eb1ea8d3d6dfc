//! Exporting a run's metrics from the editor: an atomic write of the text `sim::export` makes (node totals and watched series as CSV,
//! the full report as JSON).
//!
//! Only the watched nodes' per-second series reach the UI, so the series CSV holds those;
//! the node CSV holds every node's totals from the latest snapshot, and the JSON report
//! (asked of the host with `HostCommand::Report`) holds every node's summary.

use crate::sim::Report;
use crate::sim::export::report_json;
use std::path::{Path, PathBuf};

/// Writes an export atomically (a crash never leaves half a file).
pub fn write_export(path: &Path, text: &str) -> Result<(), std::io::Error> {
    crate::project::write_atomic(path, text.as_bytes())
}

/// Where a JSON export waits for the host's report (the editor asks for the path, see
/// `Action::ExportRun`).
#[derive(Default)]
pub struct Exports {
    /// Where the report goes once the host sends it.
    pub pending_report: Option<PathBuf>,
}

impl Exports {
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
        };
        assert!(ex.report_arrived(&sim.report()).unwrap().is_ok());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), json);
        assert!(ex.report_arrived(&sim.report()).is_none(), "written once");
        let mut ex = Exports {
            pending_report: Some(dir.path().join("missing").join("r.json")),
        };
        assert!(ex.report_arrived(&sim.report()).unwrap().is_err());
    }
}
