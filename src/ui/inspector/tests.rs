//! The inspector's matrix: every field of every parameter struct has a row. The fields come
//! from each struct's own serde description, so a field added to the model without a row in
//! the inspector fails here.

use super::inspector_ui;
use crate::model::{
    AsyncRetry, BucketParams, ClientParams, Edge, EdgeKind, EdgeTag, Emit, EventSourceMapping,
    FunctionParams, HttpApiParams, KindTag, Node, NodeKind, Pos, Pricing, Project, QueueParams,
    RetryPolicy, RunSettings, ScheduleParams, Subscription, TableParams, TopicParams,
};
use crate::ui::message::{Action, Selection};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde::de::{Deserialize, Deserializer, Visitor};

/// A deserializer that only records the field names a struct asks for.
struct Probe<'a>(&'a mut Option<&'static [&'static str]>);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("probe")
    }
}

impl std::error::Error for Stop {}

impl serde::de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = Some(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The serialized field names of `T`.
fn fields<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let mut out = None;
    let _ = T::deserialize(Probe(&mut out));
    out.expect("a struct")
}

/// What the inspector shows for one selection (or the project), with the pricing rows
/// unfolded: the labels of [`matrix`] it has.
fn labels(project: &Project, selection: Selection) -> Vec<String> {
    struct State {
        project: Project,
        selection: Selection,
        actions: Vec<Action>,
    }
    let mut h = Harness::builder()
        .with_size(egui::vec2(420.0, 4_000.0))
        .build_ui_state(
            |ui, s: &mut State| inspector_ui(ui, &s.project, &s.selection, &mut s.actions),
            State {
                project: project.clone(),
                selection,
                actions: Vec::new(),
            },
        );
    h.run();
    if let Some(header) = h.query_by_label("Prices and the server alternative") {
        header.click();
        h.run();
        h.run();
    }
    assert!(
        h.state().actions.is_empty(),
        "looking at the inspector changed the project: {:?}",
        h.state().actions
    );
    matrix()
        .iter()
        .flat_map(|(_, _, rows)| rows.iter().map(|(_, label)| *label))
        .filter(|label| h.query_all_by_label(label).next().is_some())
        .map(str::to_owned)
        .collect()
}

/// One project with a node of every kind (two queues: standard and FIFO) and the edges whose
/// settings differ by their ends.
fn project() -> Project {
    let mut p = Project::default();
    let mut add = |id: &str, kind: NodeKind| {
        p.graph.nodes.insert(id.into(), Node::new(id, kind));
        p.layout.positions.insert(id.into(), Pos::default());
    };
    for tag in KindTag::ALL {
        add(&format!("{tag:?}"), tag.default_kind());
    }
    add(
        "Fifo",
        NodeKind::Queue(QueueParams {
            fifo: true,
            ..QueueParams::default()
        }),
    );
    let mut edge = |id: &str, from: &str, to: &str, kind: EdgeKind| {
        p.graph.edges.insert(id.into(), Edge::new(from, to, kind));
    };
    edge(
        "queue-fn",
        "Queue",
        "Function",
        EdgeTag::EventSource.default_kind_from(KindTag::Queue),
    );
    edge(
        "table-fn",
        "Table",
        "Function",
        EdgeTag::EventSource.default_kind_from(KindTag::Table),
    );
    edge(
        "topic-api",
        "Topic",
        "HttpApi",
        EdgeKind::Subscription(Subscription::default()),
    );
    edge(
        "topic-fn",
        "Topic",
        "Function",
        EdgeKind::Subscription(Subscription::default()),
    );
    p
}

type Matrix = Vec<(
    &'static str,
    &'static [&'static str],
    Vec<(&'static str, &'static str)>,
)>;

/// For each struct: its fields and the label of each field's row.
fn matrix() -> Matrix {
    let mut m = node_matrix();
    m.extend(settings_matrix());
    m
}

/// The node kinds' parameter structs.
fn node_matrix() -> Matrix {
    vec![
        (
            "FunctionParams",
            fields::<FunctionParams>(),
            vec![
                ("memory_mb", "Memory"),
                ("timeout_ms", "Timeout"),
                ("arch", "Architecture"),
                ("reserved_concurrency", "Reserved concurrency"),
                ("provisioned_concurrency", "Provisioned concurrency"),
                ("scaling", "Scaling"),
                ("cold_start", "Cold start"),
                ("keep_alive_ms", "Keep-alive"),
                ("duration", "Duration"),
                ("error_probability", "Error probability"),
                ("retry", "Async retries"),
                ("recursive_loop", "Recursive loop"),
                ("provider", "Provider"),
                ("cpu_bound", "CPU-bound share"),
                ("threads", "Threads"),
                ("concurrency", "Per-instance concurrency"),
            ],
        ),
        (
            "AsyncRetry",
            fields::<AsyncRetry>(),
            vec![
                ("max_retries", "Async retries"),
                ("retry_delay_ms", "Retry delay"),
                ("max_event_age_ms", "Max event age"),
            ],
        ),
        (
            "HttpApiParams",
            fields::<HttpApiParams>(),
            vec![
                ("flavor", "Flavor"),
                ("endpoint", "Endpoint"),
                ("rate_limit_rps", "Rate limit"),
                ("burst", "Burst"),
                ("integration_timeout_ms", "Integration timeout"),
                ("overhead_ms", "Overhead"),
            ],
        ),
        (
            "ClientParams",
            fields::<ClientParams>(),
            vec![("arrival", "Arrivals")],
        ),
        (
            "ScheduleParams",
            fields::<ScheduleParams>(),
            vec![("trigger", "Trigger")],
        ),
        (
            "BucketParams",
            fields::<BucketParams>(),
            vec![
                ("notification_delay", "Notification delay"),
                ("duplicate_probability", "Duplicate probability"),
            ],
        ),
        (
            "TableParams",
            fields::<TableParams>(),
            vec![
                ("stream_enabled", "Stream enabled"),
                ("stream_delay", "Stream delay"),
                ("duplicate_probability", "Duplicate probability"),
                ("write_latency_ms", "Write latency"),
                ("stream_shards", "Stream shards"),
            ],
        ),
        (
            "QueueParams",
            fields::<QueueParams>(),
            vec![
                ("visibility_timeout_ms", "Visibility timeout"),
                ("retention_ms", "Retention"),
                ("max_receive_count", "Max receives"),
                ("fifo", "FIFO"),
                ("delivery_delay_ms", "Delivery delay"),
                ("depth_alarm", "Depth alarm"),
                ("message_groups", "Message groups"),
                ("duplicate_probability", "Duplicate probability"),
            ],
        ),
        (
            "TopicParams",
            fields::<TopicParams>(),
            vec![("delivery_delay", "Delivery delay")],
        ),
    ]
}

/// The edges' settings, the run settings and the prices.
fn settings_matrix() -> Matrix {
    vec![
        (
            "EventSourceMapping",
            fields::<EventSourceMapping>(),
            vec![
                ("batch_size", "Batch size"),
                ("batch_window_ms", "Batch window"),
                ("max_concurrency", "Max concurrency"),
                ("report_batch_item_failures", "Report item failures"),
                ("parallelization_factor", "Parallelization factor"),
                ("bisect_batch_on_error", "Bisect on error"),
                ("maximum_retry_attempts", "Max retry attempts"),
                ("maximum_record_age_ms", "Max record age"),
            ],
        ),
        (
            "Subscription",
            fields::<Subscription>(),
            vec![("filter", "Filter"), ("retry", "Delivery retries")],
        ),
        (
            "RetryPolicy",
            fields::<RetryPolicy>(),
            vec![
                ("max_retries", "Delivery retries"),
                ("initial_delay_ms", "First retry delay"),
                ("backoff_factor", "Backoff factor"),
            ],
        ),
        (
            "Emit",
            fields::<Emit>(),
            vec![
                ("probability", "Probability"),
                ("count", "Fan-out"),
                ("attributes", "Attributes"),
            ],
        ),
        (
            "RunSettings",
            fields::<RunSettings>(),
            vec![
                ("seed", "Seed"),
                ("duration_ms", "Run length"),
                ("account_concurrency", "Account concurrency"),
                ("max_memory_mb", "Memory budget"),
                ("api_rate_limit_rps", "API account rate"),
                ("api_burst", "API account burst"),
                ("cost_window_s", "Cost window"),
            ],
        ),
        (
            "Pricing",
            fields::<Pricing>(),
            vec![
                ("function_per_million_requests", "Function requests"),
                ("function_per_gb_s_x86", "Duration x86_64"),
                ("function_per_gb_s_arm", "Duration arm64"),
                ("provisioned_per_gb_s", "Provisioned x86_64"),
                (
                    "provisioned_duration_per_gb_s",
                    "Provisioned duration x86_64",
                ),
                ("provisioned_per_gb_s_arm", "Provisioned arm64"),
                (
                    "provisioned_duration_per_gb_s_arm",
                    "Provisioned duration arm64",
                ),
                ("billing_granularity_ms", "Billing granularity"),
                ("function_per_vcpu_s", "Function CPU"),
                ("provisioned_per_vcpu_s", "Warm instance CPU"),
                ("function_min_billed_ms", "Minimum billed time"),
                ("function_memory_step_mb", "Memory billing step"),
                ("rest_api_per_million", "REST API requests"),
                ("http_api_per_million", "HTTP API requests"),
                ("queue_per_million_requests", "Queue requests"),
                ("queue_fifo_per_million_requests", "FIFO queue requests"),
                ("topic_per_million_publishes", "Topic publishes"),
                ("table_per_million_writes", "Table writes"),
                ("bucket_per_thousand_puts", "Bucket PUTs"),
                ("schedule_per_million", "Schedule invocations"),
                ("free_tier", "Free tier"),
                ("server_instance", "Server instance"),
                ("server_per_hour", "Server per hour"),
                ("server_vcpus", "Server vCPUs"),
                ("server_target_utilisation", "Target utilisation"),
                ("server_count", "Minimum servers"),
            ],
        ),
    ]
}

/// Every field of every parameter struct has a row with its label, in the view where it
/// applies: each node kind (a queue standard and FIFO), a queue's and a stream's mapping,
/// a subscription to an API and to a function, and the project's settings and prices.
#[test]
fn every_field_of_every_parameter_struct_has_a_row() {
    let p = project();
    let node = |id: &str| labels(&p, Selection::node(id.into()));
    let edge = |id: &str| labels(&p, Selection::edge(id.into()));
    let mut views: Vec<(String, Vec<String>)> = KindTag::ALL
        .iter()
        .map(|t| (format!("{t:?}"), node(&format!("{t:?}"))))
        .collect();
    views.push(("Fifo".into(), node("Fifo")));
    for id in ["queue-fn", "table-fn", "topic-api", "topic-fn"] {
        views.push((id.into(), edge(id)));
    }
    views.push(("project".into(), labels(&p, Selection::default())));
    let shown = |label: &str| views.iter().any(|(_, l)| l.iter().any(|x| x == label));
    let mut missing = Vec::new();
    for (name, fields, rows) in matrix() {
        for field in fields {
            match rows.iter().find(|(f, _)| f == field) {
                None => missing.push(format!("{name}.{field}: no row listed in this test")),
                Some((_, label)) if !shown(label) => {
                    missing.push(format!("{name}.{field}: no \"{label}\" in the inspector"));
                }
                Some(_) => {}
            }
        }
        for (f, _) in &rows {
            assert!(fields.contains(f), "{name} has no field {f}");
        }
    }
    assert!(
        missing.is_empty(),
        "fields without a row:\n{}",
        missing.join("\n")
    );
}

/// The rows that only apply to some of a kind's uses appear exactly there.
#[test]
fn rows_appear_where_the_platform_applies_them() {
    let p = project();
    let has = |labels: &[String], l: &str| labels.iter().any(|x| x == l);
    let standard = labels(&p, Selection::node("Queue".into()));
    let fifo = labels(&p, Selection::node("Fifo".into()));
    assert!(has(&standard, "Duplicate probability") && !has(&standard, "Message groups"));
    assert!(has(&fifo, "Message groups") && !has(&fifo, "Duplicate probability"));
    let sqs = labels(&p, Selection::edge("queue-fn".into()));
    let stream = labels(&p, Selection::edge("table-fn".into()));
    assert!(has(&sqs, "Max concurrency") && !has(&sqs, "Parallelization factor"));
    assert!(has(&stream, "Parallelization factor") && !has(&stream, "Max concurrency"));
    let http = labels(&p, Selection::edge("topic-api".into()));
    let managed = labels(&p, Selection::edge("topic-fn".into()));
    assert!(has(&http, "Backoff factor") && has(&http, "First retry delay"));
    assert!(
        !has(&managed, "Backoff factor") && has(&managed, "Delivery retries"),
        "a function subscriber follows SNS's fixed policy: {managed:?}"
    );
}
