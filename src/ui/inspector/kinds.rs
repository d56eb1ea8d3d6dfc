//! The parameters of each node kind except functions (`function.rs`) and clients
//! (`workload.rs`): one function per kind, a row per parameter with its unit, range and
//! tooltip.

use super::distribution::distribution_ui;
use super::fields::{check, choice, fixed, ms, num, optional_u32, span, span_ms};
use super::function::function_ui;
use super::workload::arrival_ui;
use crate::model::{
    ApiEndpoint, ApiFlavor, BucketParams, HttpApiParams, NodeKind, PROBABILITY, Provider,
    QueueParams, ScheduleParams, ScheduleTrigger, TableParams, TopicParams,
};
use crate::ui::shell::format::human_ms;
use crate::ui::shell::theme;
use egui::Ui;

/// The parameters of one node kind (`account`: the account's concurrency, the most a
/// function may reserve; `provider`: the project's).
pub(super) fn kind_ui(ui: &mut Ui, kind: &mut NodeKind, account: u32, provider: Provider) {
    match kind {
        NodeKind::Client(c) => arrival_ui(ui, &mut c.arrival),
        NodeKind::HttpApi(a) => api_ui(ui, a),
        NodeKind::Schedule(s) => schedule_ui(ui, s),
        NodeKind::Bucket(b) => bucket_ui(ui, b),
        NodeKind::Table(t) => table_ui(ui, t),
        NodeKind::Queue(q) => queue_ui(ui, q),
        NodeKind::Topic(t) => topic_ui(ui, t),
        NodeKind::Function(f) => function_ui(ui, f, account, provider),
    }
}

fn api_ui(ui: &mut Ui, a: &mut HttpApiParams) {
    let l = ui
        .label("Flavor")
        .on_hover_text("REST or HTTP API: they differ in price per request");
    egui::ComboBox::from_id_salt("flavor")
        .selected_text(match a.flavor {
            ApiFlavor::Rest => "REST API",
            ApiFlavor::Http => "HTTP API",
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut a.flavor, ApiFlavor::Rest, "REST API");
            ui.selectable_value(&mut a.flavor, ApiFlavor::Http, "HTTP API");
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
    if a.flavor == ApiFlavor::Rest {
        choice(
            ui,
            "Endpoint",
            "How the REST API is exposed; only Regional and private REST APIs may raise the \
             integration timeout above 29 s (API Gateway quotas)",
            &mut a.endpoint,
            &[
                (ApiEndpoint::Regional, "Regional", "The console's default"),
                (
                    ApiEndpoint::EdgeOptimized,
                    "Edge-optimized",
                    "Through CloudFront; integration timeout at most 29 s",
                ),
                (ApiEndpoint::Private, "Private", "Reachable only from a VPC"),
            ],
        );
    }
    num(
        ui,
        "Rate limit",
        "This API's own (stage) steady rate, requests per second; the account's rate, shared \
         by every API, applies too (project settings). Above it the gateway answers 429",
        &mut a.rate_limit_rps,
        // Any rate above 0 is allowed; the field starts its drag at 1 rps.
        1.0..=HttpApiParams::MAX_RATE_LIMIT_RPS,
        " rps",
        10.0,
    );
    num(
        ui,
        "Burst",
        "This API's own (stage) token-bucket size: requests accepted at once above the steady \
         rate; the account's burst applies too",
        &mut a.burst,
        HttpApiParams::BURST,
        "",
        10.0,
    );
    let most = a.max_integration_timeout_ms();
    ms(
        ui,
        "Integration timeout",
        &format!(
            "How long the gateway waits for its backend before answering 504 (default 29 s; at \
             most {} for this API: 30 s for an HTTP API, 29 s for an edge-optimized REST API, \
             300 s for a Regional or private REST API on request). A Lambda throttle behind the \
             API reaches the client as a 500",
            human_ms(most)
        ),
        &mut a.integration_timeout_ms,
        *HttpApiParams::INTEGRATION_TIMEOUT_MS.start()..=most,
    );
    num(
        ui,
        "Overhead",
        "Latency the gateway itself adds to each request",
        &mut a.overhead_ms,
        HttpApiParams::OVERHEAD_MS,
        " ms",
        0.5,
    );
}

fn schedule_ui(ui: &mut Ui, s: &mut ScheduleParams) {
    let l = ui
        .label("Trigger")
        .on_hover_text("A fixed rate, or a five-field cron expression in virtual time");
    let is_rate = matches!(s.trigger, ScheduleTrigger::Rate { .. });
    egui::ComboBox::from_id_salt("trigger")
        .selected_text(if is_rate { "rate" } else { "cron" })
        .show_ui(ui, |ui| {
            if ui.selectable_label(is_rate, "rate").clicked() && !is_rate {
                s.trigger = ScheduleTrigger::Rate { every_ms: 60_000 };
            }
            if ui.selectable_label(!is_rate, "cron").clicked() && is_rate {
                s.trigger = ScheduleTrigger::Cron {
                    expression: "*/5 * * * *".to_owned(),
                };
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
    match &mut s.trigger {
        ScheduleTrigger::Rate { every_ms } => {
            ms(
                ui,
                "Every",
                &format!(
                    "Interval between firings (at least {})",
                    human_ms(*ScheduleParams::EVERY_MS.start())
                ),
                every_ms,
                ScheduleParams::EVERY_MS,
            );
        }
        ScheduleTrigger::Cron { expression } => {
            let l = ui
                .label("Expression")
                .on_hover_text("minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5");
            ui.vertical(|ui| {
                ui.text_edit_singleline(expression).labelled_by(l.id);
                if let Err(e) = crate::model::Cron::parse(expression) {
                    ui.label(
                        egui::RichText::new(e.to_string())
                            .color(theme::severity_text(
                                crate::model::Severity::Error,
                                ui.visuals().dark_mode,
                            ))
                            .small(),
                    );
                }
            });
            ui.end_row();
        }
    }
}

fn bucket_ui(ui: &mut Ui, b: &mut BucketParams) {
    distribution_ui(
        ui,
        "Notification delay",
        "Time between a write and its object-created event",
        &mut b.notification_delay,
    );
    num(
        ui,
        "Duplicate probability",
        "Chance that an event is delivered twice (at-least-once delivery)",
        &mut b.duplicate_probability,
        PROBABILITY,
        "",
        0.001,
    );
}

fn table_ui(ui: &mut Ui, t: &mut TableParams) {
    check(
        ui,
        "Stream enabled",
        "Whether writes appear on the change stream that can trigger functions",
        &mut t.stream_enabled,
    );
    distribution_ui(
        ui,
        "Stream delay",
        "Time between a write and its stream record",
        &mut t.stream_delay,
    );
    num(
        ui,
        "Stream shards",
        &format!(
            "Shards of the change stream ({}); each is read in order, one batch per \
             parallelization lane of a mapping at a time (DynamoDB Streams)",
            span(&TableParams::STREAM_SHARDS)
        ),
        &mut t.stream_shards,
        TableParams::STREAM_SHARDS,
        "",
        0.1,
    );
    fixed(
        ui,
        "Duplicate probability",
        "DynamoDB Streams write each stream record exactly once; a probability in older files \
         is ignored (duplicates belong to standard queues and buckets)",
        "exactly once (ignored)",
    );
    num(
        ui,
        "Write latency",
        "Time a writer waits for a write to complete",
        &mut t.write_latency_ms,
        TableParams::WRITE_LATENCY_MS,
        " ms",
        0.5,
    );
}

fn queue_ui(ui: &mut Ui, q: &mut QueueParams) {
    ms(
        ui,
        "Visibility timeout",
        &format!(
            "How long a received message stays hidden before it can be received again ({})",
            span_ms(&QueueParams::VISIBILITY_TIMEOUT_MS)
        ),
        &mut q.visibility_timeout_ms,
        QueueParams::VISIBILITY_TIMEOUT_MS,
    );
    ms(
        ui,
        "Retention",
        &format!(
            "How long a message is kept before it expires ({})",
            span_ms(&QueueParams::RETENTION_MS)
        ),
        &mut q.retention_ms,
        QueueParams::RETENTION_MS,
    );
    optional_u32(
        ui,
        "Max receives",
        "Receives after which a message moves to the dead-letter queue; off keeps retrying until it expires",
        &mut q.max_receive_count,
        QueueParams::MAX_RECEIVE_COUNT,
        3,
        "no redrive",
        "",
    );
    check(
        ui,
        "FIFO",
        "First-in-first-out: messages of a group are delivered in order, one batch at a time",
        &mut q.fifo,
    );
    if q.fifo {
        num(
            ui,
            "Message groups",
            &format!(
                "Message groups the producers use ({}), drawn evenly per message. A consumer \
                 runs one batch per group with messages at a time, so concurrency is at most \
                 the active groups (SQS FIFO and Lambda)",
                span(&QueueParams::MESSAGE_GROUPS)
            ),
            &mut q.message_groups,
            QueueParams::MESSAGE_GROUPS,
            "",
            1.0,
        );
    } else {
        num(
            ui,
            "Duplicate probability",
            "Chance that a message is delivered twice: standard queues deliver at least once \
             (not billed twice); FIFO queues deliver exactly once",
            &mut q.duplicate_probability,
            PROBABILITY,
            "",
            0.001,
        );
    }
    ms(
        ui,
        "Delivery delay",
        &format!(
            "Delay before a new message becomes visible ({})",
            span_ms(&QueueParams::DELIVERY_DELAY_MS)
        ),
        &mut q.delivery_delay_ms,
        QueueParams::DELIVERY_DELAY_MS,
    );
    num(
        ui,
        "Depth alarm",
        "Queue depth at which the canvas shows the queue as full",
        &mut q.depth_alarm,
        QueueParams::DEPTH_ALARM,
        " msgs",
        10.0,
    );
}

fn topic_ui(ui: &mut Ui, t: &mut TopicParams) {
    distribution_ui(
        ui,
        "Delivery delay",
        "Time between a publish and delivery to each subscriber",
        &mut t.delivery_delay,
    );
}
