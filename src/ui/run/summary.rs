//! The run summary beside the dashboard's plots: time and events, the ledger, cost per
//! request and per day, the comparison with an always-on server, faults in force, and the
//! export menu.

use crate::sim::cost::{ServerComparison, compare_server};
use crate::sim::{Ledger, Snapshot};
use crate::ui::message::{ExportKind, PanelAction};
use crate::ui::shell::format::{fmt_count, fmt_time, fmt_usd};
use crate::ui::shell::theme;

/// One line of the ledger table.
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerRow {
    /// What it counts.
    pub label: &'static str,
    /// How many.
    pub value: u64,
    /// What it means.
    pub tooltip: &'static str,
    /// A part of the row above it (drawn indented).
    pub detail: bool,
}

/// The ledger as table rows: entered, completed, failed, DLQ, dropped (with its reasons),
/// in flight.
pub fn ledger_rows(l: &Ledger) -> Vec<LedgerRow> {
    let row = |label, value, tooltip, detail| LedgerRow {
        label,
        value,
        tooltip,
        detail,
    };
    let lost = l.throttled + l.rejected + l.expired + l.fault;
    vec![
        row(
            "In",
            l.entered,
            "Requests that entered from clients and schedules",
            false,
        ),
        row(
            "Messages",
            l.created,
            "Every message created: requests, writes, queue messages, deliveries, calls, retries to destinations",
            false,
        ),
        row(
            "Completed",
            l.completed,
            "Processed successfully (or stored)",
            false,
        ),
        row(
            "Failed",
            l.failed,
            "Processing failed and nothing was configured to catch the failure",
            false,
        ),
        row(
            "Errors returned",
            l.returned_error,
            "Calls between functions that failed, the error handed back to the calling function",
            true,
        ),
        row(
            "DLQ",
            l.dead_lettered,
            "Sent to a dead-letter queue or on-failure destination",
            false,
        ),
        row(
            "Dropped",
            lost,
            "Lost: throttled, rejected by a rate limit, expired or lost to a fault",
            false,
        ),
        row(
            "throttled",
            l.throttled,
            "Refused by a function's concurrency or scaling limit (429) with nobody to retry",
            true,
        ),
        row(
            "rejected",
            l.rejected,
            "Refused by an API's rate limit (429)",
            true,
        ),
        row(
            "expired",
            l.expired,
            "Too old: max event age, queue retention or an API integration timeout (504)",
            true,
        ),
        row("lost to faults", l.fault, "Lost to an injected fault", true),
        row(
            "In flight",
            l.in_flight,
            "Still waiting in a queue or being processed",
            false,
        ),
    ]
}

/// The comparison in one sentence.
pub fn comparison_text(c: &ServerComparison) -> String {
    let times = |t: f64| {
        if t.is_finite() {
            format!("{t:.1}×")
        } else {
            "∞×".to_owned()
        }
    };
    match c {
        ServerComparison::Unknown => "No server comparison (no server price set)".to_owned(),
        ServerComparison::ServerlessCheaper {
            saving_usd,
            times: t,
        } => format!(
            "Serverless is cheaper by {}/day ({} less)",
            fmt_usd(*saving_usd),
            times(*t)
        ),
        ServerComparison::ServerCheaper {
            saving_usd,
            times: t,
        } => format!(
            "An always-on server is cheaper by {}/day (serverless costs {} as much)",
            fmt_usd(*saving_usd),
            times(*t)
        ),
    }
}

/// Room kept right of the summary's numbers so the scroll bar never covers them, points.
const SCROLL_BAR_ROOM: f32 = 12.0;

/// The run summary: time, ledger, cost and the server comparison, and the export menu.
pub fn summary_ui(ui: &mut egui::Ui, snapshot: Option<&Snapshot>, actions: &mut Vec<PanelAction>) {
    ui.horizontal(|ui| {
        ui.strong("Run summary");
        ui.menu_button("Export", |ui| {
            for kind in ExportKind::ALL {
                if ui
                    .add_enabled(snapshot.is_some(), egui::Button::new(kind.label()))
                    .on_hover_text(kind.description())
                    .clicked()
                {
                    actions.push(PanelAction::Export(kind));
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text("Save the run's metrics as CSV or JSON");
    });
    let Some(s) = snapshot else {
        ui.label(egui::RichText::new("No run yet: press Run").weak());
        return;
    };
    ui.label(format!(
        "At {} · {} events",
        fmt_time(s.now),
        fmt_count(s.events)
    ));
    ui.add_space(4.0);
    egui::Grid::new("ledger grid")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for r in ledger_rows(&s.ledger) {
                ui.horizontal(|ui| {
                    if r.detail {
                        ui.add_space(12.0);
                        ui.label(egui::RichText::new(r.label).weak())
                    } else {
                        ui.label(r.label)
                    }
                    .on_hover_text(r.tooltip);
                });
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.add_space(SCROLL_BAR_ROOM);
                    ui.label(fmt_count(r.value)).on_hover_text(r.tooltip);
                });
                ui.end_row();
            }
        });
    if !s.ledger.balances() {
        ui.label(egui::RichText::new("The ledger does not balance").color(theme::FAILED))
            .on_hover_text("Messages created ≠ messages ended + in flight: please report this");
    }
    ui.add_space(6.0);
    ui.strong("Cost");
    egui::Grid::new("cost grid")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (label, value, tip) in [
                ("Total", s.cost_usd, "What the run has cost so far"),
                (
                    "Per million requests",
                    s.cost_per_million_usd,
                    "Total cost ÷ requests that entered × 1,000,000",
                ),
                (
                    "Per day (projected)",
                    s.cost_per_day_usd,
                    "The cost so far scaled to 24 hours at the same load",
                ),
                (
                    "Always-on server per day",
                    s.server_per_day_usd,
                    "The server alternative from the project's pricing table",
                ),
            ] {
                ui.label(label).on_hover_text(tip);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.add_space(SCROLL_BAR_ROOM);
                    ui.label(fmt_usd(value)).on_hover_text(tip);
                });
                ui.end_row();
            }
        });
    let c = if s.now == 0 {
        ServerComparison::Unknown
    } else {
        compare_server(s.cost_per_day_usd, s.server_per_day_usd)
    };
    let color = match c {
        ServerComparison::Unknown => ui.visuals().weak_text_color(),
        ServerComparison::ServerlessCheaper { .. } => theme::CHEAPER,
        ServerComparison::ServerCheaper { .. } => theme::DEARER,
    };
    let text = if s.now == 0 {
        "Run a while to compare with a server".to_owned()
    } else {
        comparison_text(&c)
    };
    ui.label(egui::RichText::new(text).color(color))
        .on_hover_text("Projected from the load so far; bursts and quiet hours change it");
    if !s.faults.is_empty() || !s.aborted_experiments.is_empty() {
        ui.add_space(6.0);
        ui.label(format!("{} fault(s) in force", s.faults.len()));
        for (name, t) in &s.aborted_experiments {
            ui.label(
                egui::RichText::new(format!("Experiment “{name}” aborted at {}", fmt_time(*t)))
                    .color(theme::DEARER),
            )
            .on_hover_text("Its stop condition ended it early");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_comparison_in_words() {
        assert_eq!(
            comparison_text(&compare_server(0.0, 2.0)),
            "Serverless is cheaper by $2.00/day (∞× less)"
        );
        assert_eq!(
            comparison_text(&compare_server(10.0, 4.0)),
            "An always-on server is cheaper by $6.00/day (serverless costs 2.5× as much)"
        );
    }

    #[test]
    fn ledger_rows_add_up() {
        let p = crate::project::synthetic::pipeline(7);
        let mut sim =
            crate::sim::Simulation::new(&p, crate::sim::SimConfig::from_project(&p)).unwrap();
        sim.run_until(5 * crate::sim::SEC);
        let l = sim.snapshot().ledger;
        let rows = ledger_rows(&l);
        let top: u64 = rows
            .iter()
            .filter(|r| !r.detail && r.label != "In" && r.label != "Messages")
            .map(|r| r.value)
            .sum();
        let returned = rows.iter().find(|r| r.label == "Errors returned").unwrap();
        assert_eq!(
            top + returned.value,
            l.created,
            "the rows account for every message"
        );
        assert!(l.entered > 0);
    }
}
