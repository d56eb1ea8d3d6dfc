//! A connection's parameters: its kind (among the legal ones), batch settings of an
//! event-source mapping, a subscription's retries and filter, and what it emits.

use super::fields::{check, grid, ms, num, optional_u32, pairs_ui, span, span_ms};
use crate::model::{
    Edge, EdgeId, EdgeKind, EdgeTag, Edit, Emit, EventSourceMapping, NodeId, PROBABILITY, Project,
    QueueParams, RetryPolicy, Subscription, legal_edges,
};
use crate::ui::message::Action;
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
    grid(ui, "edge-params", |ui| {
        edge_kind_ui(ui, &mut e.kind, &legal);
        match &mut e.kind {
            EdgeKind::EventSource(m) => mapping_ui(ui, m),
            EdgeKind::Subscription(s) => subscription_ui(ui, id, s),
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

/// The kind drop-down, offering only the kinds legal between the edge's ends.
fn edge_kind_ui(ui: &mut Ui, kind: &mut EdgeKind, legal: &[EdgeTag]) {
    let l = ui
        .label("Kind")
        .on_hover_text("How events travel along this connection");
    let current = kind.tag();
    egui::ComboBox::from_id_salt("edge-kind")
        .selected_text(current.label())
        .show_ui(ui, |ui| {
            for tag in legal {
                if ui.selectable_label(*tag == current, tag.label()).clicked() && *tag != current {
                    *kind = tag.default_kind();
                }
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
}

/// An event-source mapping's batch settings.
fn mapping_ui(ui: &mut Ui, m: &mut EventSourceMapping) {
    num(
        ui,
        "Batch size",
        &format!(
            "Most records per invocation (SQS {}; FIFO at most {})",
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
    optional_u32(
        ui,
        "Max concurrency",
        &format!(
            "Cap on concurrent invocations from this mapping ({})",
            span(&EventSourceMapping::MAX_CONCURRENCY)
        ),
        &mut m.max_concurrency,
        EventSourceMapping::MAX_CONCURRENCY,
        10,
        "no cap",
        "",
    );
    check(
        ui,
        "Report item failures",
        "Only the failed messages of a batch return to the queue",
        &mut m.report_batch_item_failures,
    );
}

/// A subscription's delivery retries and filter.
fn subscription_ui(ui: &mut Ui, id: &EdgeId, s: &mut Subscription) {
    num(
        ui,
        "Delivery retries",
        "Retries after a failed delivery to this subscriber",
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
