//! Project → AWS SAM template. Each modelled node becomes its resource (functions
//! `AWS::Serverless::Function`, APIs `AWS::Serverless::Api`/`HttpApi`, queues, topics,
//! buckets, tables); the wiring becomes function events (API routes, SQS and DynamoDB
//! pollers, SNS subscriptions, S3 notifications, schedules), SNS→SQS subscriptions with
//! their queue policies, redrive policies, on-failure destinations and SAM policy templates
//! for every write. Logical ids come from node ids ([`names::logical_ids`]).
//!
//! A parameter that maps to a SAM property is one line in the resource's builder here and
//! one in [`platform`](super::platform)'s reader; until then it travels in the metadata.

use super::names::logical_ids;
use super::{metadata, platform, schedule};
use crate::interop::value::{Map, Value};
use crate::interop::write::to_yaml;
use crate::model::{
    Adjacency, ApiFlavor, Arch, AsyncRetry, EdgeKind, FunctionParams, HttpApiParams, Node, NodeId,
    NodeKind, Project, QueueParams,
};
use std::collections::BTreeMap;

/// The placeholder code of every exported function.
const PLACEHOLDER_CODE: &str = "# Placeholder exported by Eventloom: replace with the function's code.\n\
def handler(event, context):\n    return {\"statusCode\": 200, \"body\": \"ok\"}\n";

/// Longest template `Description` CloudFormation accepts, bytes.
const MAX_DESCRIPTION: usize = 1024;

/// Why a project cannot be exported as a SAM template.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ExportError {
    /// The project, or one of its functions, runs on another provider: a SAM template
    /// deploys only to AWS, and its values (memory sizes, timeouts, prices) would not mean
    /// the same there.
    #[error(
        "{subject} runs on {product}, not AWS Lambda: a SAM template deploys only to AWS (switch it to AWS to export it)"
    )]
    NotAws {
        /// "the project" or "function \"id\"".
        subject: String,
        /// The product it runs on.
        product: &'static str,
    },
}

/// Refuses a project whose default provider, or any of whose functions, is not AWS.
fn check_aws(project: &Project) -> Result<(), ExportError> {
    if !project.provider.is_aws() {
        return Err(ExportError::NotAws {
            subject: "the project".to_owned(),
            product: project.provider.title(),
        });
    }
    for (id, node) in &project.graph.nodes {
        if let Some(f) = node.kind.as_function()
            && let Some(other) = f.provider.filter(|p| !p.is_aws())
        {
            return Err(ExportError::NotAws {
                subject: format!("function \"{}\"", crate::model::truncate(id.as_str())),
                product: other.title(),
            });
        }
    }
    Ok(())
}

/// The project as a SAM template (YAML), with a comment block on top saying what the
/// platform will and will not see, and the rest under `Metadata: Eventloom`. Refused when
/// the project or a function is on another provider than AWS.
pub fn export_sam(project: &Project) -> Result<String, ExportError> {
    check_aws(project)?;
    Ok(export_aws(project))
}

fn export_aws(project: &Project) -> String {
    let ids = logical_ids(&project.graph);
    let mut template = template(project, &ids);
    let seen = platform::read(&Value::Map(template.clone())).unwrap_or_default();
    let meta = metadata::build(project, &ids, &seen);
    let resources = template.0.pop();
    template.insert("Metadata", Value::map([(metadata::KEY, meta)]));
    template.0.extend(resources);
    header(project) + &to_yaml(&Value::Map(template))
}

fn header(project: &Project) -> String {
    let name: String = crate::model::truncate(&project.name)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!(
        "# AWS SAM template exported by Eventloom {} from \"{name}\".\n\
#\n\
# What AWS sees: the functions (memory, timeout, architecture, reserved and provisioned\n\
# concurrency, async retries and on-failure destinations), what triggers them (API routes\n\
# with the gateway's throttling, queue and table-stream pollers with their batch settings,\n\
# topic subscriptions with filters, bucket notifications, schedules), the queues with their\n\
# dead-letter queues, topics, buckets and tables, and least-privilege permissions for every\n\
# write. Function code is a placeholder (inline Python): replace it before `sam deploy`.\n\
#\n\
# What AWS does not see: clients and their workloads, simulated durations, cold starts and\n\
# error rates, faults and experiments, expectations, the lesson, canvas positions, and any\n\
# wiring AWS has no property for. They are kept under Metadata: Eventloom, which AWS ignores,\n\
# so that `eventloom import` gives the project back exactly. Values edited in the resources\n\
# are taken from there on import.\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The template without its metadata (Resources last).
fn template(project: &Project, ids: &BTreeMap<NodeId, String>) -> Map {
    let mut t = Map::new();
    t.insert("AWSTemplateFormatVersion", Value::str("2010-09-09"));
    t.insert("Transform", Value::str(platform::SAM_TRANSFORM));
    if !project.description.is_empty() {
        t.insert(
            "Description",
            Value::str(cut(&project.description, MAX_DESCRIPTION)),
        );
    }
    t.insert(
        "Globals",
        Value::map([(
            "Function",
            Value::map([
                ("Runtime", Value::str("python3.13")),
                ("Handler", Value::str("index.handler")),
            ]),
        )]),
    );
    let adj = project.graph.adjacency();
    let b = Builder { project, ids, adj };
    let mut resources = Map::new();
    for (id, node) in &project.graph.nodes {
        let logical = &ids[id];
        let resource = match &node.kind {
            NodeKind::Client(_) | NodeKind::Schedule(_) => continue,
            NodeKind::HttpApi(p) => b.api(id, node, p),
            NodeKind::Queue(p) => b.queue(id, node, p),
            NodeKind::Topic(_) => resource("AWS::SNS::Topic", vec![("Tags", tag_list(&node.name))]),
            NodeKind::Bucket(_) => {
                resource("AWS::S3::Bucket", vec![("Tags", tag_list(&node.name))])
            }
            NodeKind::Table(p) => {
                let key = |k: &str, v: &str| {
                    Value::Seq(vec![Value::map([
                        ("AttributeName", Value::str("pk")),
                        (k, Value::str(v)),
                    ])])
                };
                let mut props = vec![
                    ("BillingMode", Value::str("PAY_PER_REQUEST")),
                    ("AttributeDefinitions", key("AttributeType", "S")),
                    ("KeySchema", key("KeyType", "HASH")),
                ];
                if p.stream_enabled {
                    props.push((
                        "StreamSpecification",
                        Value::map([("StreamViewType", Value::str("NEW_AND_OLD_IMAGES"))]),
                    ));
                }
                props.push(("Tags", tag_list(&node.name)));
                resource("AWS::DynamoDB::Table", props)
            }
            NodeKind::Function(p) => b.function(id, node, p),
        };
        resources.insert(logical.clone(), resource);
    }
    b.subscriptions(&mut resources);
    t.insert("Resources", Value::Map(resources));
    t
}

fn resource(ty: &str, props: Vec<(&str, Value)>) -> Value {
    Value::map([("Type", Value::str(ty)), ("Properties", Value::map(props))])
}

fn cut(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

/// A node's name as a tag value: the characters AWS allows in tags, at most 256.
fn tag_value(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(*c))
        .take(256)
        .collect();
    clean.trim().to_owned()
}

fn tag_list(name: &str) -> Value {
    Value::Seq(vec![Value::map([
        ("Key", Value::str("Name")),
        ("Value", Value::str(tag_value(name))),
    ])])
}

fn tag_map(name: &str) -> Value {
    Value::map([("Name", Value::str(tag_value(name)))])
}

/// Whole seconds, rounded (saturating: a hand-edited file may hold anything).
fn secs(ms: u64) -> u64 {
    ms.saturating_add(500) / 1000
}

struct Builder<'a> {
    project: &'a Project,
    ids: &'a BTreeMap<NodeId, String>,
    adj: Adjacency<'a>,
}

impl Builder<'_> {
    fn node(&self, id: &NodeId) -> Option<(&str, &Node)> {
        Some((
            self.ids.get(id)?.as_str(),
            self.project.graph.nodes.get(id)?,
        ))
    }

    fn api(&self, id: &NodeId, node: &Node, p: &HttpApiParams) -> Value {
        let routes = self.adj.from(id).any(|(_, e)| {
            matches!(e.kind, EdgeKind::SyncInvoke)
                && self
                    .node(&e.to)
                    .is_some_and(|(_, n)| n.kind.as_function().is_some())
        });
        let rate = Value::float(p.rate_limit_rps);
        let burst = Value::int(p.burst);
        match p.flavor {
            ApiFlavor::Rest => {
                let mut props = vec![
                    ("StageName", Value::str("prod")),
                    (
                        "MethodSettings",
                        Value::Seq(vec![Value::map([
                            ("ResourcePath", Value::str("/*")),
                            ("HttpMethod", Value::str("*")),
                            ("ThrottlingRateLimit", rate),
                            ("ThrottlingBurstLimit", burst),
                        ])]),
                    ),
                ];
                if !routes {
                    props.push(("DefinitionBody", mock_definition()));
                }
                props.push(("Tags", tag_map(&node.name)));
                resource("AWS::Serverless::Api", props)
            }
            ApiFlavor::Http => resource(
                "AWS::Serverless::HttpApi",
                vec![
                    (
                        "DefaultRouteSettings",
                        Value::map([
                            ("ThrottlingRateLimit", rate),
                            ("ThrottlingBurstLimit", burst),
                        ]),
                    ),
                    ("Tags", tag_map(&node.name)),
                ],
            ),
        }
    }

    fn queue(&self, id: &NodeId, node: &Node, p: &QueueParams) -> Value {
        let mut props = vec![
            (
                "VisibilityTimeout",
                Value::int(secs(p.visibility_timeout_ms).min(43_200)),
            ),
            (
                "MessageRetentionPeriod",
                Value::int(secs(p.retention_ms).clamp(60, 1_209_600)),
            ),
        ];
        if p.delivery_delay_ms > 0 {
            props.push((
                "DelaySeconds",
                Value::int(secs(p.delivery_delay_ms).min(900)),
            ));
        }
        if p.fifo {
            props.push(("FifoQueue", Value::Bool(true)));
        }
        let dlq = self.adj.from(id).find_map(|(_, e)| {
            let (logical, n) = self.node(&e.to)?;
            (matches!(e.kind, EdgeKind::OnFailure) && n.kind.as_queue().is_some())
                .then_some(logical)
        });
        if let (Some(n), Some(dlq)) = (p.max_receive_count, dlq) {
            props.push((
                "RedrivePolicy",
                Value::map([
                    ("deadLetterTargetArn", Value::get_att(dlq, "Arn")),
                    ("maxReceiveCount", Value::int(n.clamp(1, 1000))),
                ]),
            ));
        }
        props.push(("Tags", tag_list(&node.name)));
        resource("AWS::SQS::Queue", props)
    }

    fn function(&self, id: &NodeId, node: &Node, p: &FunctionParams) -> Value {
        let mut props = vec![
            ("InlineCode", Value::str(PLACEHOLDER_CODE)),
            ("MemorySize", Value::int(p.memory_mb.clamp(128, 10_240))),
            (
                "Timeout",
                Value::int(p.timeout_ms.div_ceil(1000).clamp(1, 900)),
            ),
            (
                "Architectures",
                Value::Seq(vec![Value::str(match p.arch {
                    Arch::X86_64 => "x86_64",
                    Arch::Arm64 => "arm64",
                })]),
            ),
        ];
        if let Some(n) = p.reserved_concurrency {
            props.push(("ReservedConcurrentExecutions", Value::int(n)));
        }
        if p.provisioned_concurrency > 0 {
            props.push(("AutoPublishAlias", Value::str("live")));
            props.push((
                "ProvisionedConcurrencyConfig",
                Value::map([(
                    "ProvisionedConcurrentExecutions",
                    Value::int(p.provisioned_concurrency),
                )]),
            ));
        }
        if let Some(c) = self.invoke_config(id, &p.retry) {
            props.push(("EventInvokeConfig", c));
        }
        let policies = self.policies(id);
        if !policies.is_empty() {
            props.push(("Policies", Value::Seq(policies)));
        }
        let events = self.events(id);
        if !events.is_empty() {
            props.push(("Events", Value::Map(events)));
        }
        props.push(("Tags", tag_map(&node.name)));
        resource("AWS::Serverless::Function", props)
    }

    fn invoke_config(&self, id: &NodeId, r: &AsyncRetry) -> Option<Value> {
        let destination = self.adj.from(id).find_map(|(_, e)| {
            if !matches!(e.kind, EdgeKind::OnFailure) || e.to == *id {
                return None;
            }
            let (logical, n) = self.node(&e.to)?;
            let (ty, arn) = match &n.kind {
                NodeKind::Queue(_) => ("SQS", Value::get_att(logical, "Arn")),
                NodeKind::Topic(_) => ("SNS", Value::reference(logical)),
                NodeKind::Function(_) => ("Lambda", Value::get_att(logical, "Arn")),
                NodeKind::Client(_)
                | NodeKind::HttpApi(_)
                | NodeKind::Schedule(_)
                | NodeKind::Bucket(_)
                | NodeKind::Table(_) => return None,
            };
            Some(Value::map([("Type", Value::str(ty)), ("Destination", arn)]))
        });
        if destination.is_none() && *r == AsyncRetry::default() {
            return None;
        }
        let mut c = vec![
            ("MaximumRetryAttempts", Value::int(r.max_retries.min(2))),
            (
                "MaximumEventAgeInSeconds",
                Value::int(secs(r.max_event_age_ms).clamp(60, 21_600)),
            ),
        ];
        if let Some(d) = destination {
            c.push(("DestinationConfig", Value::map([("OnFailure", d)])));
        }
        Some(Value::map(c))
    }

    /// SAM policy templates for every write and call the function makes, once each.
    fn policies(&self, id: &NodeId) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        for (_, e) in self.adj.from(id) {
            let Some((logical, n)) = self.node(&e.to) else {
                continue;
            };
            let write = matches!(e.kind, EdgeKind::Write);
            let policy = match &n.kind {
                NodeKind::Queue(_) if write => (
                    "SQSSendMessagePolicy",
                    "QueueName",
                    Value::get_att(logical, "QueueName"),
                ),
                NodeKind::Topic(_) if write => (
                    "SNSPublishMessagePolicy",
                    "TopicName",
                    Value::get_att(logical, "TopicName"),
                ),
                NodeKind::Table(_) if write => {
                    ("DynamoDBCrudPolicy", "TableName", Value::reference(logical))
                }
                NodeKind::Bucket(_) if write => {
                    ("S3CrudPolicy", "BucketName", Value::reference(logical))
                }
                // A function's permission to call itself would make its role depend on it.
                NodeKind::Function(_)
                    if matches!(e.kind, EdgeKind::SyncInvoke | EdgeKind::AsyncInvoke)
                        && e.to != *id =>
                {
                    (
                        "LambdaInvokePolicy",
                        "FunctionName",
                        Value::reference(logical),
                    )
                }
                NodeKind::Client(_)
                | NodeKind::HttpApi(_)
                | NodeKind::Schedule(_)
                | NodeKind::Bucket(_)
                | NodeKind::Table(_)
                | NodeKind::Queue(_)
                | NodeKind::Topic(_)
                | NodeKind::Function(_) => continue,
            };
            let v = Value::map([(policy.0, Value::map([(policy.1, policy.2)]))]);
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    /// The function's triggers, one event per source node, named by its logical id.
    fn events(&self, id: &NodeId) -> Map {
        let mut events = Map::new();
        for (_, e) in self.adj.to(id) {
            let Some((logical, source)) = self.node(&e.from) else {
                continue;
            };
            if events.get(logical).is_some() {
                continue;
            }
            let event = match (&source.kind, &e.kind) {
                (NodeKind::HttpApi(a), EdgeKind::SyncInvoke) => {
                    let (ty, key, max) = match a.flavor {
                        ApiFlavor::Rest => ("Api", "RestApiId", 29_000),
                        ApiFlavor::Http => ("HttpApi", "ApiId", 30_000),
                    };
                    event(
                        ty,
                        vec![
                            (key, Value::reference(logical)),
                            ("Path", Value::str(format!("/{id}"))),
                            ("Method", Value::str("ANY")),
                            (
                                "TimeoutInMillis",
                                Value::int(a.integration_timeout_ms.clamp(50, max)),
                            ),
                        ],
                    )
                }
                (NodeKind::Schedule(s), EdgeKind::AsyncInvoke) => event(
                    "Schedule",
                    vec![("Schedule", Value::str(schedule::to_aws(&s.trigger)))],
                ),
                (NodeKind::Bucket(_), EdgeKind::AsyncInvoke) => event(
                    "S3",
                    vec![
                        ("Bucket", Value::reference(logical)),
                        ("Events", Value::str("s3:ObjectCreated:*")),
                    ],
                ),
                (NodeKind::Queue(q), EdgeKind::EventSource(m)) => {
                    let max_batch = if q.fifo { 10 } else { 10_000 };
                    let batch = m.batch_size.clamp(1, max_batch);
                    let mut window = secs(m.batch_window_ms).min(300);
                    if batch > 10 {
                        // SQS requires a batching window for batches above 10.
                        window = window.max(1);
                    }
                    let mut p = vec![
                        ("Queue", Value::get_att(logical, "Arn")),
                        ("BatchSize", Value::int(batch)),
                    ];
                    if window > 0 {
                        p.push(("MaximumBatchingWindowInSeconds", Value::int(window)));
                    }
                    if let Some(c) = m.max_concurrency {
                        p.push((
                            "ScalingConfig",
                            Value::map([("MaximumConcurrency", Value::int(c.clamp(2, 1000)))]),
                        ));
                    }
                    if m.report_batch_item_failures {
                        p.push((
                            "FunctionResponseTypes",
                            Value::Seq(vec![Value::str("ReportBatchItemFailures")]),
                        ));
                    }
                    event("SQS", p)
                }
                (NodeKind::Table(t), EdgeKind::EventSource(m)) if t.stream_enabled => {
                    let mut p = vec![
                        ("Stream", Value::get_att(logical, "StreamArn")),
                        ("StartingPosition", Value::str("LATEST")),
                        ("BatchSize", Value::int(m.batch_size.clamp(1, 10_000))),
                    ];
                    let window = secs(m.batch_window_ms).min(300);
                    if window > 0 {
                        p.push(("MaximumBatchingWindowInSeconds", Value::int(window)));
                    }
                    if m.report_batch_item_failures {
                        p.push((
                            "FunctionResponseTypes",
                            Value::Seq(vec![Value::str("ReportBatchItemFailures")]),
                        ));
                    }
                    if m.parallelization_factor != 1 {
                        let factor = m.parallelization_factor.clamp(1, 10);
                        p.push(("ParallelizationFactor", Value::int(factor)));
                    }
                    if m.bisect_batch_on_error {
                        p.push(("BisectBatchOnFunctionError", Value::Bool(true)));
                    }
                    if let Some(n) = m.maximum_retry_attempts {
                        p.push(("MaximumRetryAttempts", Value::int(n.min(10_000))));
                    }
                    if let Some(ms) = m.maximum_record_age_ms {
                        let age = secs(ms).clamp(60, 604_800);
                        p.push(("MaximumRecordAgeInSeconds", Value::int(age)));
                    }
                    event("DynamoDB", p)
                }
                (NodeKind::Topic(_), EdgeKind::Subscription(s)) => {
                    let mut p = vec![("Topic", Value::reference(logical))];
                    if !s.filter.is_empty() {
                        p.push(("FilterPolicy", filter(&s.filter)));
                    }
                    event("SNS", p)
                }
                // Everything else reaches a function without a SAM event (a call from a
                // client or another function, a table without a stream): metadata.
                (
                    NodeKind::Client(_)
                    | NodeKind::HttpApi(_)
                    | NodeKind::Schedule(_)
                    | NodeKind::Bucket(_)
                    | NodeKind::Table(_)
                    | NodeKind::Queue(_)
                    | NodeKind::Topic(_)
                    | NodeKind::Function(_),
                    EdgeKind::AsyncInvoke
                    | EdgeKind::SyncInvoke
                    | EdgeKind::Subscription(_)
                    | EdgeKind::EventSource(_)
                    | EdgeKind::Write
                    | EdgeKind::OnFailure,
                ) => continue,
            };
            events.insert(logical, event);
        }
        events
    }

    /// Topic → queue subscriptions and the queue policies that let the topics send.
    fn subscriptions(&self, resources: &mut Map) {
        let mut senders: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for e in self.project.graph.edges.values() {
            let (EdgeKind::Subscription(s), Some((topic, t)), Some((queue, q))) =
                (&e.kind, self.node(&e.from), self.node(&e.to))
            else {
                continue;
            };
            if !matches!(t.kind, NodeKind::Topic(_)) || q.kind.as_queue().is_none() {
                continue;
            }
            let name = format!("{topic}To{queue}Subscription");
            if resources.get(&name).is_some() {
                continue;
            }
            let mut props = vec![
                ("TopicArn", Value::reference(topic)),
                ("Protocol", Value::str("sqs")),
                ("Endpoint", Value::get_att(queue, "Arn")),
                ("RawMessageDelivery", Value::Bool(true)),
            ];
            if !s.filter.is_empty() {
                props.push(("FilterPolicy", filter(&s.filter)));
            }
            resources.insert(name, resource("AWS::SNS::Subscription", props));
            senders.entry(queue).or_default().push(topic);
        }
        for (queue, topics) in senders {
            let statements = topics
                .into_iter()
                .map(|topic| {
                    Value::map([
                        ("Effect", Value::str("Allow")),
                        (
                            "Principal",
                            Value::map([("Service", Value::str("sns.amazonaws.com"))]),
                        ),
                        ("Action", Value::str("sqs:SendMessage")),
                        ("Resource", Value::get_att(queue, "Arn")),
                        (
                            "Condition",
                            Value::map([(
                                "ArnEquals",
                                Value::map([("aws:SourceArn", Value::reference(topic))]),
                            )]),
                        ),
                    ])
                })
                .collect();
            resources.insert(
                format!("{queue}Policy"),
                resource(
                    "AWS::SQS::QueuePolicy",
                    vec![
                        ("Queues", Value::Seq(vec![Value::reference(queue)])),
                        (
                            "PolicyDocument",
                            Value::map([
                                ("Version", Value::str("2012-10-17")),
                                ("Statement", Value::Seq(statements)),
                            ]),
                        ),
                    ],
                ),
            );
        }
    }
}

fn event(ty: &str, props: Vec<(&str, Value)>) -> Value {
    Value::map([("Type", Value::str(ty)), ("Properties", Value::map(props))])
}

fn filter(f: &BTreeMap<String, Vec<String>>) -> Value {
    Value::map(
        f.iter()
            .map(|(k, vs)| (k.clone(), Value::Seq(vs.iter().map(Value::str).collect()))),
    )
}

/// A REST API needs a method to deploy; an API that calls no function gets a mock `GET /`.
fn mock_definition() -> Value {
    let integration = Value::map([
        ("type", Value::str("mock")),
        (
            "requestTemplates",
            Value::map([("application/json", Value::str("{\"statusCode\": 200}"))]),
        ),
        (
            "responses",
            Value::map([("default", Value::map([("statusCode", Value::str("200"))]))]),
        ),
    ]);
    Value::map([
        ("swagger", Value::str("2.0")),
        (
            "info",
            Value::map([
                ("title", Value::str("Eventloom mock")),
                ("version", Value::str("1.0")),
            ]),
        ),
        (
            "paths",
            Value::map([(
                "/",
                Value::map([(
                    "get",
                    Value::map([
                        (
                            "responses",
                            Value::map([("200", Value::map([("description", Value::str("OK"))]))]),
                        ),
                        ("x-amazon-apigateway-integration", integration),
                    ]),
                )]),
            )]),
        ),
    ])
}
