//! The project's alarms in the inspector: one collapsible row per alarm (name, node, metric,
//! comparison, threshold, period, M of N, missing data), Remove on each and "Add alarm".
//! Ranges and tooltips come from `Alarm`'s limits in `model::limits`.

use super::fields::{choice, grid, num, span};
use crate::model::{Alarm, AlarmMetric, Cmp, MissingData, NodeId, Project};
use egui::Ui;

/// Every alarm of `project`, edited in `alarms` (a copy the caller compares).
pub(super) fn alarms_ui(ui: &mut Ui, project: &Project, alarms: &mut Vec<Alarm>) {
    let mut remove = None;
    for (i, a) in alarms.iter_mut().enumerate() {
        ui.push_id(("alarm", i), |ui| {
            egui::CollapsingHeader::new(format!("Alarm: {}", a.name))
                .id_salt("alarm-row")
                .default_open(true)
                .show(ui, |ui| {
                    alarm_ui(ui, project, a);
                    if ui
                        .button("Remove alarm")
                        .on_hover_text("Delete this alarm (undoable)")
                        .clicked()
                    {
                        remove = Some(i);
                    }
                });
        });
    }
    if let Some(i) = remove {
        alarms.remove(i);
    }
    let first = project
        .graph
        .nodes
        .iter()
        .find(|(_, n)| AlarmMetric::ErrorRatePercent.applies_to(n.kind.tag()))
        .map(|(id, _)| id.clone());
    let add = ui.add_enabled(first.is_some(), egui::Button::new("Add alarm"));
    let add = add
        .on_hover_text("An alarm on a function's error rate: above 5 % for 1 of 1 periods of 60 s")
        .on_disabled_hover_text("Add a function or an API first: alarms watch their metrics");
    if add.clicked()
        && let Some(node) = first
    {
        let name = fresh_name(alarms);
        alarms.push(Alarm::new(
            &name,
            node,
            AlarmMetric::ErrorRatePercent,
            Cmp::Above,
            5.0,
        ));
    }
}

/// "Alarm 1", "Alarm 2"… the first not taken.
fn fresh_name(alarms: &[Alarm]) -> String {
    (1..)
        .map(|i| format!("Alarm {i}"))
        .find(|n| alarms.iter().all(|a| a.name != *n))
        .unwrap_or_default()
}

fn alarm_ui(ui: &mut Ui, project: &Project, a: &mut Alarm) {
    grid(ui, "alarm", |ui| {
        let l = ui
            .label("Name")
            .on_hover_text("The alarm's name, unique in the project; log lines and lessons use it");
        ui.text_edit_singleline(&mut a.name).labelled_by(l.id);
        ui.end_row();
        node_choice(ui, project, &mut a.node);
        let metrics: Vec<(AlarmMetric, &str, &str)> = AlarmMetric::ALL
            .iter()
            .map(|&m| (m, m.words(), metric_tip(m)))
            .collect();
        choice(
            ui,
            "Metric",
            "What the alarm watches, one datapoint per period",
            &mut a.metric,
            &metrics,
        );
        choice(
            ui,
            "Breaching when",
            "How the period's value is compared with the threshold",
            &mut a.op,
            &[
                (Cmp::Above, "above", "Greater than the threshold"),
                (
                    Cmp::AtLeast,
                    "at least",
                    "Greater than or equal to the threshold",
                ),
                (Cmp::Below, "below", "Less than the threshold"),
                (
                    Cmp::AtMost,
                    "at most",
                    "Less than or equal to the threshold",
                ),
                (Cmp::Equals, "equal to", "Equal to the threshold"),
            ],
        );
        let unit = format!(" {}", a.metric.unit());
        num(
            ui,
            "Threshold",
            "The value compared with, in the metric's unit",
            &mut a.threshold,
            -Alarm::MAX_THRESHOLD..=Alarm::MAX_THRESHOLD,
            &unit,
            0.1,
        );
        num(
            ui,
            "Period",
            &format!(
                "Length of one period, {} s (CloudWatch: 60 s or more for Lambda's metrics)",
                span(&Alarm::PERIOD_S)
            ),
            &mut a.period_s,
            Alarm::PERIOD_S,
            " s",
            1.0,
        );
        num(
            ui,
            "Evaluation periods (N)",
            &format!(
                "How many of the most recent periods are looked at, {}",
                span(&Alarm::EVALUATION_PERIODS)
            ),
            &mut a.evaluation_periods,
            Alarm::EVALUATION_PERIODS,
            "",
            0.1,
        );
        let n = a.evaluation_periods.max(1);
        num(
            ui,
            "Datapoints to alarm (M)",
            "How many of those N periods must breach for the alarm to fire (1–N)",
            &mut a.datapoints_to_alarm,
            1..=n,
            "",
            0.1,
        );
        let rules: Vec<(MissingData, &str, &str)> = MissingData::ALL
            .iter()
            .map(|&m| (m, m.label(), missing_tip(m)))
            .collect();
        choice(
            ui,
            "Missing data",
            "How a period without data counts (CloudWatch's TreatMissingData)",
            &mut a.missing_data,
            &rules,
        );
    });
}

/// The watched node, by display name.
fn node_choice(ui: &mut Ui, project: &Project, node: &mut NodeId) {
    let l = ui
        .label("Node")
        .on_hover_text("The node whose metric the alarm watches");
    let shown = project.graph.node_label(node);
    egui::ComboBox::from_id_salt("alarm-node")
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (id, n) in &project.graph.nodes {
                ui.selectable_value(node, id.clone(), &n.name);
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
}

fn metric_tip(m: AlarmMetric) -> &'static str {
    match m {
        AlarmMetric::ErrorRatePercent => {
            "Errors as a share of requests in the period (functions and APIs)"
        }
        AlarmMetric::P99Ms => {
            "The highest one-second p99 latency in the period (functions and APIs)"
        }
        AlarmMetric::ThrottlesPerS => "Throttled requests per second (functions and APIs)",
        AlarmMetric::QueueDepth => "Messages waiting at the end of the period (queues)",
        AlarmMetric::OldestAgeS => "Age of the oldest waiting message (standard queues)",
        AlarmMetric::DlqDepth => "Messages waiting in the queue's dead-letter queue (queues)",
    }
}

fn missing_tip(m: MissingData) -> &'static str {
    match m {
        MissingData::NotBreaching => "A period without data counts as healthy",
        MissingData::Breaching => "A period without data counts as breaching",
        MissingData::Ignore => "The alarm keeps its state when the newest period has no data",
        MissingData::Missing => "No data in any of the N periods: INSUFFICIENT_DATA",
    }
}
