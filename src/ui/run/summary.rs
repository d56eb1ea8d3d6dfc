//! The run summary beside the dashboard's plots: time and events, the ledger, cost per
//! request and per day, the comparison with an always-on server, faults in force, and the
//! export menu.

use crate::sim::cost::{ServerAlternative, ServerComparison, compare_server};
use crate::sim::{Ledger, SEC, Snapshot, Time};
use crate::ui::message::{ExportKind, PanelAction};
use crate::ui::shell::format::{fmt_count, fmt_time, fmt_usd, plural, short_duration};
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
            "Calls between functions that failed, the error handed back to the calling function \
             (not part of Failed: the caller decides what happens next)",
            false,
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
            "throttled, not retried",
            l.throttled,
            "Refused by a function's concurrency or scaling limit (429) with nobody to retry. \
             Throttles that were retried — by Lambda for an async invoke, by a queue's pollers, \
             by a stream — are counted on the function's badge and in its throttles, not here",
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
            "Loop stopped",
            l.recursive_loop,
            "Events Lambda's recursive loop detection stopped after 16 invocations in one chain \
             (a copy goes to the DLQ or on-failure destination, if any, and is counted there)",
            false,
        ),
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

/// How the always-on alternative was sized, in words: "3 × m5.large at $0.096/h".
pub fn server_text(server: &ServerAlternative) -> String {
    format!(
        "{} × {} at {}/h",
        fmt_count(u64::from(server.servers)),
        server.instance,
        fmt_usd(server.per_hour_usd)
    )
}

/// Why that many servers, for the tooltip.
pub fn server_sizing_text(server: &ServerAlternative) -> String {
    format!(
        "Sized to the busiest second of the cost window: {:.2} vCPUs busy (busy environments × \
         memory ÷ 1,769 MB). One {} has {} vCPUs, used up to {:.0} %, so {} needed (at least \
         {}). Edit the server in the project's prices",
        server.peak_vcpus,
        server.instance,
        server.vcpus,
        server.target_utilisation * 100.0,
        plural(u64::from(server.servers), "server"),
        fmt_count(u64::from(server.min_count))
    )
}

/// A label with a right-aligned value in a grid row.
fn value_row(ui: &mut egui::Ui, label: &str, value: String, tip: &str) {
    ui.label(label).on_hover_text(tip);
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.add_space(SCROLL_BAR_ROOM);
        ui.label(value).on_hover_text(tip);
    });
    ui.end_row();
}

/// Cost so far, per request, per day over the cost window, by service, the always-on
/// servers sized to the load and the comparison with them.
fn cost_ui(ui: &mut egui::Ui, s: &Snapshot) {
    ui.strong("Cost");
    let window = short_duration((s.cost_window_s.max(0.0) * SEC as f64) as Time);
    egui::Grid::new("cost grid")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            value_row(
                ui,
                "Total",
                fmt_usd(s.cost_usd),
                "What the run has cost so far",
            );
            value_row(
                ui,
                "Per million requests",
                fmt_usd(s.cost_per_million_usd),
                "Total cost ÷ requests that entered × 1,000,000",
            );
            value_row(
                ui,
                &format!("Per day (last {window})"),
                fmt_usd(s.cost_per_day_usd),
                &format!(
                    "The cost of the last {window} scaled to 24 hours, plus provisioned \
                     concurrency all day: a spike that is over leaves it (the window is the \
                     project's cost window)"
                ),
            );
            value_row(
                ui,
                "Always-on servers per day",
                fmt_usd(s.server_per_day_usd),
                &server_sizing_text(&s.server),
            );
        });
    ui.label(egui::RichText::new(server_text(&s.server)).weak())
        .on_hover_text(server_sizing_text(&s.server));
    let services: Vec<_> = s
        .cost_by_service
        .iter()
        .filter(|c| c.total_usd > 0.0 || c.per_day_usd > 0.0)
        .collect();
    if !services.is_empty() {
        egui::CollapsingHeader::new("Cost by service")
            .id_salt("cost-by-service")
            .default_open(true)
            .show(ui, |ui| {
                egui::Grid::new("cost by service grid")
                    .num_columns(3)
                    .striped(true)
                    .show(ui, |ui| {
                        ui.label(egui::RichText::new("Service").weak());
                        ui.label(egui::RichText::new("So far").weak());
                        ui.label(egui::RichText::new("Per day").weak());
                        ui.end_row();
                        for c in services {
                            ui.label(c.name);
                            ui.label(fmt_usd(c.total_usd));
                            ui.label(fmt_usd(c.per_day_usd));
                            ui.end_row();
                        }
                    });
            });
    }
    let c = if s.now == 0 {
        ServerComparison::Unknown
    } else {
        compare_server(s.cost_per_day_usd, s.server_per_day_usd)
    };
    let color = match c {
        ServerComparison::Unknown => ui.visuals().weak_text_color(),
        ServerComparison::ServerlessCheaper { .. } => theme::cheaper_color(ui.visuals().dark_mode),
        ServerComparison::ServerCheaper { .. } => theme::dearer_color(ui.visuals().dark_mode),
    };
    let text = if s.now == 0 {
        "Run a while to compare with a server".to_owned()
    } else {
        comparison_text(&c)
    };
    ui.label(egui::RichText::new(text).color(color))
        .on_hover_text(format!(
            "Per day over the last {window} against {}",
            server_text(&s.server)
        ));
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
        let failed = theme::text_color(theme::TextRole::Failed, ui.visuals().dark_mode);
        ui.label(egui::RichText::new("The ledger does not balance").color(failed))
            .on_hover_text("Messages created ≠ messages ended + in flight: please report this");
    }
    ui.add_space(6.0);
    cost_ui(ui, s);
    if !s.faults.is_empty() || !s.aborted_experiments.is_empty() {
        ui.add_space(6.0);
        ui.label(format!(
            "{} in force",
            plural(s.faults.len() as u64, "fault")
        ));
        for (name, t) in &s.aborted_experiments {
            ui.label(
                egui::RichText::new(format!("Experiment “{name}” aborted at {}", fmt_time(*t)))
                    .color(theme::dearer_color(ui.visuals().dark_mode)),
            )
            .on_hover_text("Its stop condition ended it early");
        }
    }
    alarms_ui(ui, s);
}

/// One alarm in words: "Checkout errors: ALARM · fired 2 times · 75 s in ALARM".
pub fn alarm_text(a: &crate::sim::AlarmStatus) -> String {
    format!(
        "{}: {} · fired {} · {} s in ALARM",
        a.name,
        a.state.label(),
        plural(u64::from(a.fired), "time"),
        crate::model::fmt_value(a.in_alarm_s.round())
    )
}

/// The alarms' states, a row each (ALARM in the failure colour).
fn alarms_ui(ui: &mut egui::Ui, s: &Snapshot) {
    if s.alarms.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.label("Alarms")
        .on_hover_text("The project's alarms, evaluated once per period in simulated time");
    let failed = theme::text_color(theme::TextRole::Failed, ui.visuals().dark_mode);
    for a in &s.alarms {
        let text = egui::RichText::new(alarm_text(a));
        let text = match a.state {
            crate::model::AlarmState::Alarm => text.color(failed),
            crate::model::AlarmState::Ok | crate::model::AlarmState::InsufficientData => text,
        };
        let last = match a.last_value {
            Some(v) => format!("last datapoint {}", crate::model::fmt_value(v)),
            None => "no datapoint yet".to_owned(),
        };
        ui.label(text)
            .on_hover_text(format!("On {}; {last}", a.node));
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
        assert_eq!(top, l.created, "the top rows account for every message");
        let dropped = rows.iter().position(|r| r.label == "Dropped").unwrap();
        let parts: u64 = rows[dropped + 1..]
            .iter()
            .take_while(|r| r.detail)
            .map(|r| r.value)
            .sum();
        assert_eq!(
            parts, rows[dropped].value,
            "Dropped is the sum of its parts"
        );
        assert!(
            rows.iter()
                .all(|r| !r.detail || r.label.chars().all(|c| !c.is_uppercase())),
            "only Dropped's reasons are indented"
        );
        assert!(l.entered > 0);
    }
}
