//! A connection's parameters: its kind (among the legal ones), batch settings of an
//! event-source mapping, a subscription's retries and filter, and what it emits.

use super::fields::{
    check, fixed, grid, ms, num, optional_ms, optional_u32, pairs_ui, span, span_ms,
};
use crate::model::{
    Edge, EdgeId, EdgeKind, EdgeTag, Edit, Emit, EventSourceMapping, KindTag, NodeId, PROBABILITY,
    Project, QueueParams, RetryPolicy, SNS_MANAGED_RETRIES, Subscription, legal_edges,
};
use crate::ui::message::Action;
use crate::ui::shell::format::fmt_count;
use egui::Ui;

const FILTER_TIP: &str =
    "Attribute values this subscription accepts, as key=a|b; key2=c (empty accepts every event)";
const ATTRIBUTES_TIP: &str =
    "Attributes set on the events sent, as key=value; key2=value (matched by topic filters)";

/// The selected connection: its ends, its kind and every parameter; one edit when any
/// changed, and Delete.
pub(super) fn edge_ui(
    ui: &mut Ui,
    project: &Project,
    id: &EdgeId,
    edge: &Edge,
    actions: &mut Vec<Action>,
) {
    let g = &project.graph;
    let name = |n: &NodeId| {
        g.nodes
            .get(n)
            .map_or_else(|| n.to_string(), |n| n.name.clone())
    };
    ui.heading("Connection");
    ui.label(format!("From {} to {}", name(&edge.from), name(&edge.to)));
    ui.label(egui::RichText::new(id.as_str()).monospace().weak());
    ui.add_space(6.0);
    let mut e = edge.clone();
    let legal: Vec<EdgeTag> = match (g.nodes.get(&edge.from), g.nodes.get(&edge.to)) {
        (Some(f), Some(t)) => legal_edges(f.kind.tag(), t.kind.tag()).to_vec(),
        (None, _) | (_, None) => Vec::new(),
    };
    let tag_of = |n: &NodeId| g.nodes.get(n).map(|n| n.kind.tag());
    let (from_tag, to_tag) = (tag_of(&edge.from), tag_of(&edge.to));
    grid(ui, "edge-params", |ui| {
        edge_kind_ui(ui, &mut e.kind, &legal, from_tag);
        match &mut e.kind {
            EdgeKind::EventSource(m) => mapping_ui(ui, m, from_tag == Some(KindTag::Table)),
            EdgeKind::Subscription(s) => {
                subscription_ui(ui, id, s, to_tag == Some(KindTag::HttpApi));
            }
            EdgeKind::AsyncInvoke
            | EdgeKind::SyncInvoke
            | EdgeKind::Write
            | EdgeKind::OnFailure => {}
        }
        emit_ui(ui, id, &mut e.emit);
    });
    if e != *edge {
        actions.push(Action::Edit {
            edit: Edit::SetEdge {
                id: id.clone(),
                edge: e,
            },
            key: Some(format!("edge:{id}")),
        });
    }
    if ui.button("Delete connection").clicked() {
        actions.push(Action::Delete);
    }
}

/// The kind drop-down, offering only the kinds legal between the edge's ends; a new kind
/// starts with the defaults for its source (a stream mapping reads batches of 100).
fn edge_kind_ui(ui: &mut Ui, kind: &mut EdgeKind, legal: &[EdgeTag], from: Option<KindTag>) {
    let l = ui
        .label("Kind")
        .on_hover_text("How events travel along this connection");
    let current = kind.tag();
    egui::ComboBox::from_id_salt("edge-kind")
        .selected_text(current.label())
        .show_ui(ui, |ui| {
            for tag in legal {
                if ui.selectable_label(*tag == current, tag.label()).clicked() && *tag != current {
                    *kind = match from {
                        Some(f) => tag.default_kind_from(f),
                        None => tag.default_kind(),
                    };
                }
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
}

/// An event-source mapping's batch settings: the SQS ones (maximum concurrency, item
/// failures) for a queue, the stream ones (parallelization, bisect, retries, record age)
/// for a table's stream.
fn mapping_ui(ui: &mut Ui, m: &mut EventSourceMapping, stream: bool) {
    num(
        ui,
        "Batch size",
        &format!(
            "Most records per invocation ({}; SQS default 10, FIFO at most {}; DynamoDB \
             stream default 100)",
            span(&EventSourceMapping::BATCH_SIZE),
            QueueParams::FIFO_MAX_BATCH
        ),
        &mut m.batch_size,
        EventSourceMapping::BATCH_SIZE,
        "",
        1.0,
    );
    ms(
        ui,
        "Batch window",
        &format!(
            "How long the poller waits to fill a batch ({})",
            span_ms(&EventSourceMapping::BATCH_WINDOW_MS)
        ),
        &mut m.batch_window_ms,
        EventSourceMapping::BATCH_WINDOW_MS,
    );
    if stream {
        stream_mapping_ui(ui, m);
    } else {
        optional_u32(
            ui,
            "Max concurrency",
            &format!(
                "Most batches this mapping runs at once ({}). SQS pollers start with 5 \
                 batches, add up to 300 a minute (+5 a second) while messages wait, up to \
                 1,000; they ignore the function's reserved concurrency, so batches the \
                 function cannot take are throttled and return after the visibility timeout \
                 (counting toward max receives). Set this at or below the reservation \
                 (Lambda Developer Guide: \"Configuring scaling behavior for SQS event source \
                 mappings\")",
                span(&EventSourceMapping::MAX_CONCURRENCY)
            ),
            &mut m.max_concurrency,
            EventSourceMapping::MAX_CONCURRENCY,
            10,
            "pollers up to 1,000",
            "",
        );
        check(
            ui,
            "Report item failures",
            "Only the failed messages of a batch return to the queue",
            &mut m.report_batch_item_failures,
        );
    }
}

/// A DynamoDB stream mapping's settings (Lambda Developer Guide: "Lambda parameters for
/// Amazon DynamoDB event source mappings").
fn stream_mapping_ui(ui: &mut Ui, m: &mut EventSourceMapping) {
    num(
        ui,
        "Parallelization factor",
        &format!(
            "Batches processed at once from each shard ({}); the stream's lanes are its \
             shards × this, each in order (DynamoDB event source mapping: \
             ParallelizationFactor)",
            span(&EventSourceMapping::PARALLELIZATION_FACTOR)
        ),
        &mut m.parallelization_factor,
        EventSourceMapping::PARALLELIZATION_FACTOR,
        "",
        0.05,
    );
    check(
        ui,
        "Bisect on error",
        "Split a failed batch in two before retrying, so one bad record holds back fewer \
         (BisectBatchOnFunctionError)",
        &mut m.bisect_batch_on_error,
    );
    optional_u32(
        ui,
        "Max retry attempts",
        &format!(
            "Retries of a failed batch before its records are discarded to the table's \
             on-failure destination ({}); off retries until the records expire \
             (MaximumRetryAttempts −1)",
            span(&EventSourceMapping::MAXIMUM_RETRY_ATTEMPTS)
        ),
        &mut m.maximum_retry_attempts,
        EventSourceMapping::MAXIMUM_RETRY_ATTEMPTS,
        2,
        "until the records expire",
        "",
    );
    optional_ms(
        ui,
        "Max record age",
        &format!(
            "Records older than this when their batch is taken are discarded to the table's \
             on-failure destination ({}); off keeps them for the stream's 24 h retention \
             (MaximumRecordAgeInSeconds −1)",
            span_ms(&EventSourceMapping::MAXIMUM_RECORD_AGE_MS)
        ),
        &mut m.maximum_record_age_ms,
        EventSourceMapping::MAXIMUM_RECORD_AGE_MS,
        3_600_000,
        "24 h retention",
    );
}

/// A subscription's delivery retries (an HTTP/S subscriber's own policy; SNS's fixed one
/// for functions and queues) and filter.
fn subscription_ui(ui: &mut Ui, id: &EdgeId, s: &mut Subscription, http: bool) {
    if http {
        num(
            ui,
            "Delivery retries",
            &format!(
                "Retries after a failed delivery to this HTTP/S subscriber ({}; SNS default \
                 3, 20 s apart; a policy may span at most an hour)",
                span(&RetryPolicy::MAX_RETRIES)
            ),
            &mut s.retry.max_retries,
            RetryPolicy::MAX_RETRIES,
            "",
            0.1,
        );
        ms(
            ui,
            "First retry delay",
            "Delay before the first retry",
            &mut s.retry.initial_delay_ms,
            RetryPolicy::INITIAL_DELAY_MS,
        );
        num(
            ui,
            "Backoff factor",
            "Each further delay is the previous one times this",
            &mut s.retry.backoff_factor,
            RetryPolicy::BACKOFF_FACTOR,
            "×",
            0.05,
        );
    } else {
        fixed(
            ui,
            "Delivery retries",
            "Deliveries to functions and queues follow SNS's own policy, which cannot be \
             changed: 3 immediate retries, 2 a second apart, 10 backing off from 1 s to 20 s, \
             then 100,000 twenty seconds apart (SNS Developer Guide: \"Amazon SNS message \
             delivery retries\"). Only HTTP/S subscribers have a policy of their own",
            &format!(
                "SNS's fixed policy ({} over 23 days)",
                fmt_count(u64::from(SNS_MANAGED_RETRIES))
            ),
        );
    }
    let l = ui.label("Filter").on_hover_text(FILTER_TIP);
    let shown = s
        .filter
        .iter()
        .map(|(k, v)| format!("{k}={}", v.join("|")))
        .collect::<Vec<_>>()
        .join("; ");
    if let Some(f) = pairs_ui(ui, l.id, ("filter", id), &shown, FILTER_TIP, |k, v| {
        (
            k,
            v.split('|')
                .map(|x| x.trim().to_owned())
                .collect::<Vec<_>>(),
        )
    }) {
        s.filter = f;
    }
    ui.end_row();
}

/// What the connection emits each time it is used: probability, fan-out, attributes.
fn emit_ui(ui: &mut Ui, id: &EdgeId, emit: &mut Emit) {
    num(
        ui,
        "Probability",
        "Chance that this connection is used for a given event",
        &mut emit.probability,
        PROBABILITY,
        "",
        0.01,
    );
    num(
        ui,
        "Fan-out",
        "Events sent each time this connection is used",
        &mut emit.count,
        Emit::COUNT,
        "",
        0.1,
    );
    let l = ui.label("Attributes").on_hover_text(ATTRIBUTES_TIP);
    let shown = emit
        .attributes
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    if let Some(a) = pairs_ui(
        ui,
        l.id,
        ("attributes", id),
        &shown,
        ATTRIBUTES_TIP,
        |k, v| (k, v.trim().to_owned()),
    ) {
        emit.attributes = a;
    }
    ui.end_row();
}
