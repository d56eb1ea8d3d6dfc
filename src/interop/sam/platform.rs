//! What the platform sees in a template, as Eventloom nodes and edges keyed by logical id:
//! the resources and event kinds Eventloom models, mapped to parameters at their platform
//! values (and platform defaults where a property is absent). Both the importer and the
//! exporter use it — the exporter to find what the platform cannot carry, which goes to the
//! `Eventloom` metadata.

use super::resolve::{Resolver, ref_target};
use super::schedule;
use super::{ImportError, ImportWarning};
use crate::interop::value::{Map, Value};
use crate::model::{
    ApiFlavor, Arch, BucketParams, EdgeKind, EventSourceMapping, FunctionParams, HttpApiParams,
    KindTag, Node, NodeKind, QueueParams, ScheduleParams, ScheduleTrigger, Subscription,
    TableParams, TopicParams, can_connect_kinds,
};
use std::collections::{BTreeMap, BTreeSet};

/// Nodes and edges of a template as the platform sees them.
#[derive(Debug, Default)]
pub struct Platform {
    /// Nodes by logical id.
    pub nodes: BTreeMap<String, Node>,
    /// Edges between logical ids, in the order they were found.
    pub edges: Vec<PlatformEdge>,
    /// What was skipped or guessed.
    pub warnings: Vec<ImportWarning>,
    /// The template's `Description`.
    pub description: Option<String>,
}

/// An edge between two logical ids.
#[derive(Clone, Debug, PartialEq)]
pub struct PlatformEdge {
    /// Sender's logical id.
    pub from: String,
    /// Receiver's logical id.
    pub to: String,
    /// Kind and settings.
    pub kind: EdgeKind,
}

/// Resource types that are wiring (read as edges) or only permit or deploy what the modelled
/// resources already say (roles, permissions, stages, log groups): no node, no warning.
const PLUMBING: &[&str] = &[
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::Lambda::Permission",
    "AWS::Lambda::Version",
    "AWS::Lambda::Alias",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::S3::BucketPolicy",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Account",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Deployment",
    "AWS::Logs::LogGroup",
    "AWS::Serverless::Connector",
    "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGateway::Method",
    "AWS::SNS::Subscription",
];

/// The SAM transform's name in `Transform`.
pub const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// A resource with its properties resolved.
struct Res {
    id: String,
    ty: String,
    props: Value,
    /// Resource-level `Connectors` (SAM).
    connectors: Option<Value>,
}

/// Reads what the platform sees. Errors only when the text is not a template at all or its
/// parameters or conditions form a cycle.
pub fn read(root: &Value) -> Result<Platform, ImportError> {
    let Some(top) = root.as_map() else {
        return Err(ImportError::NotATemplate(
            "the file is not a mapping with a Resources section".to_owned(),
        ));
    };
    let Some(resources) = top.get("Resources") else {
        return Err(ImportError::NotATemplate(
            "it has no Resources section".to_owned(),
        ));
    };
    let Some(resources) = resources.as_map() else {
        return Err(ImportError::NotATemplate(
            "its Resources section is not a mapping".to_owned(),
        ));
    };
    let resolver = Resolver::new(root);
    let globals = top.get("Globals");
    let mut reader = Reader {
        out: Platform {
            description: top
                .get("Description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            ..Platform::default()
        },
        api_timeouts: BTreeMap::new(),
        schedules: Vec::new(),
        globals_api: globals.and_then(|g| g.get("Api")).cloned(),
        globals_http: globals.and_then(|g| g.get("HttpApi")).cloned(),
        seen: BTreeSet::new(),
    };
    let mut list = Vec::new();
    let mut sorted: Vec<(&str, &Value)> = resources.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (id, res) in sorted {
        let warn = |reader: &mut Reader, m: String| reader.warn(id, m);
        let Some(ty) = res.get("Type").and_then(Value::as_str) else {
            warn(&mut reader, "has no Type; skipped".to_owned());
            continue;
        };
        if let Some(cond) = res.get("Condition").and_then(Value::as_str)
            && !resolver.condition(cond)?
        {
            warn(
                &mut reader,
                format!("its condition {cond} is false with the parameters' defaults; skipped"),
            );
            continue;
        }
        let mut props = res
            .get("Properties")
            .cloned()
            .unwrap_or(Value::Map(Map::new()));
        if let Some(g) = globals.and_then(|g| g.get(global_section(ty))) {
            props = merge_globals(g, props);
        }
        let props = resolver.resolve(&props)?.unwrap_or(Value::Map(Map::new()));
        let connectors = match res.get("Connectors") {
            Some(c) => resolver.resolve(c)?,
            None => None,
        };
        list.push(Res {
            id: id.to_owned(),
            ty: ty.to_owned(),
            props,
            connectors,
        });
    }
    for r in &list {
        reader.node(r);
    }
    for r in &list {
        reader.wiring(r);
    }
    reader.finish_schedules();
    for (api, timeout_ms) in std::mem::take(&mut reader.api_timeouts) {
        if let Some(NodeKind::HttpApi(p)) = reader.out.nodes.get_mut(&api).map(|n| &mut n.kind) {
            p.integration_timeout_ms = timeout_ms;
        }
    }
    Ok(reader.out)
}

fn global_section(ty: &str) -> &'static str {
    match ty {
        "AWS::Serverless::Function" => "Function",
        "AWS::Serverless::Api" => "Api",
        "AWS::Serverless::HttpApi" => "HttpApi",
        "AWS::Serverless::SimpleTable" => "SimpleTable",
        _ => "-",
    }
}

/// Whether `v` is an intrinsic function (`{"Ref": …}`, `{"Fn::If": …}`).
fn is_intrinsic(v: &Value) -> bool {
    v.as_map().is_some_and(|m| {
        m.len() == 1
            && m.iter()
                .all(|(k, _)| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
    })
}

/// A resource's properties over the template's `Globals` (maps merge, the resource wins;
/// an intrinsic function is a value, not a map to merge).
fn merge_globals(global: &Value, own: Value) -> Value {
    match (global, own) {
        (Value::Map(g), Value::Map(mut o))
            if !is_intrinsic(global) && !is_intrinsic(&Value::Map(o.clone())) =>
        {
            for (k, gv) in g.iter() {
                let merged = match o.get(k) {
                    Some(ov) => merge_globals(gv, ov.clone()),
                    None => gv.clone(),
                };
                o.insert(k, merged);
            }
            Value::Map(o)
        }
        (_, own) => own,
    }
}

struct Reader {
    out: Platform,
    /// Integration timeout of each API, from the first event that states one.
    api_timeouts: BTreeMap<String, u64>,
    /// (function, event name, trigger) of schedule events, grouped into nodes at the end.
    schedules: Vec<(String, String, ScheduleTrigger)>,
    globals_api: Option<Value>,
    globals_http: Option<Value>,
    /// Subjects already warned about (one warning per logical id and event).
    seen: BTreeSet<String>,
}

fn u32_of(v: Option<&Value>) -> Option<u32> {
    v.and_then(Value::as_u64)
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

fn secs_ms(v: Option<&Value>) -> Option<u64> {
    v.and_then(Value::as_f64)
        .filter(|s| *s >= 0.0)
        .map(|s| (s * 1000.0).round().min(u64::MAX as f64) as u64)
}

fn tag_name(props: &Value) -> Option<String> {
    match props.get("Tags") {
        Some(Value::Map(m)) => m.get("Name").and_then(Value::as_str).map(str::to_owned),
        Some(Value::Seq(items)) => items.iter().find_map(|t| {
            (t.get("Key").and_then(Value::as_str) == Some("Name"))
                .then(|| t.get("Value").and_then(Value::as_str).map(str::to_owned))
                .flatten()
        }),
        _ => None,
    }
}

/// Items of a property that may be one value or a list.
fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Seq(s)) => s.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

impl Reader {
    fn warn(&mut self, subject: &str, message: String) {
        if self.seen.insert(subject.to_owned()) {
            self.out.warnings.push(ImportWarning {
                subject: crate::model::truncate(subject),
                message,
            });
        }
    }

    fn add(&mut self, r: &Res, kind: NodeKind) {
        let name = tag_name(&r.props).unwrap_or_else(|| super::names::display_name(&r.id));
        self.out.nodes.insert(r.id.clone(), Node::new(name, kind));
    }

    /// The node a resource becomes, if any.
    fn node(&mut self, r: &Res) {
        let p = &r.props;
        match r.ty.as_str() {
            "AWS::Serverless::Function" | "AWS::Lambda::Function" => {
                self.add(r, NodeKind::Function(function_params(p)));
            }
            "AWS::SQS::Queue" => self.add(r, NodeKind::Queue(queue_params(p))),
            "AWS::SNS::Topic" => self.add(r, NodeKind::Topic(TopicParams::default())),
            "AWS::S3::Bucket" => self.add(r, NodeKind::Bucket(BucketParams::default())),
            "AWS::DynamoDB::Table" => self.add(
                r,
                NodeKind::Table(TableParams {
                    stream_enabled: p.get("StreamSpecification").is_some(),
                    ..TableParams::default()
                }),
            ),
            "AWS::Serverless::SimpleTable" => self.add(
                r,
                NodeKind::Table(TableParams {
                    stream_enabled: false,
                    ..TableParams::default()
                }),
            ),
            "AWS::Serverless::Api" | "AWS::ApiGateway::RestApi" => {
                self.add(r, NodeKind::HttpApi(api_params(p, ApiFlavor::Rest)));
            }
            "AWS::Serverless::HttpApi" => {
                self.add(r, NodeKind::HttpApi(api_params(p, ApiFlavor::Http)));
            }
            "AWS::ApiGatewayV2::Api" => {
                if p.get("ProtocolType").and_then(Value::as_str) == Some("WEBSOCKET") {
                    self.warn(&r.id, "WebSocket APIs are not modelled; skipped".to_owned());
                } else {
                    self.add(r, NodeKind::HttpApi(api_params(p, ApiFlavor::Http)));
                }
            }
            "AWS::Events::Rule" | "AWS::Scheduler::Schedule" => {
                let expr = p.get("ScheduleExpression").and_then(Value::as_str);
                match expr.map(|e| (e, schedule::from_aws(e))) {
                    Some((_, Some(trigger))) => {
                        self.add(r, NodeKind::Schedule(ScheduleParams { trigger }));
                    }
                    Some((e, None)) => self.warn(
                        &r.id,
                        format!(
                            "schedule \"{}\" cannot be modelled (L, W, # or a year); skipped",
                            crate::model::truncate(e)
                        ),
                    ),
                    None => self.warn(
                        &r.id,
                        "event-pattern rules are not modelled (only schedules); skipped".to_owned(),
                    ),
                }
            }
            other if PLUMBING.contains(&other) => {}
            other => {
                let what = unsupported_reason(other);
                self.warn(
                    &r.id,
                    format!("{} ({what}); skipped", crate::model::truncate(other)),
                );
            }
        }
    }

    fn kind_of(&self, id: &str) -> Option<KindTag> {
        self.out.nodes.get(id).map(|n| n.kind.tag())
    }

    /// The node a reference points at.
    fn target(&self, v: Option<&Value>) -> Option<String> {
        let (id, _) = ref_target(v?)?;
        self.out.nodes.contains_key(&id).then_some(id)
    }

    /// Adds an edge when both ends are nodes and the wiring is legal; a duplicate of an
    /// existing edge of the same kind is dropped.
    fn edge(&mut self, subject: &str, from: &str, to: &str, kind: EdgeKind) {
        let (Some(f), Some(t)) = (self.kind_of(from), self.kind_of(to)) else {
            return;
        };
        if let Err(why) = can_connect_kinds(f, t, kind.tag()) {
            self.warn(subject, format!("{why}; the connection is skipped"));
            return;
        }
        if from == to && crate::model::self_edge_problem(kind.tag()).is_some() {
            return;
        }
        let dup = self
            .out
            .edges
            .iter()
            .any(|e| e.from == from && e.to == to && e.kind.tag() == kind.tag());
        if !dup {
            self.out.edges.push(PlatformEdge {
                from: from.to_owned(),
                to: to.to_owned(),
                kind,
            });
        }
    }

    /// The edges a resource declares.
    fn wiring(&mut self, r: &Res) {
        let p = &r.props;
        match r.ty.as_str() {
            "AWS::Serverless::Function" => {
                if let Some(events) = p.get("Events").and_then(Value::as_map) {
                    for (name, ev) in events.iter() {
                        self.event(&r.id, name, ev);
                    }
                }
                self.policies(&r.id, p.get("Policies"));
                self.invoke_config(&r.id, p.get("EventInvokeConfig"));
                if let Some(dlq) =
                    self.target(p.get("DeadLetterQueue").and_then(|d| d.get("TargetArn")))
                {
                    self.edge(&r.id, &r.id, &dlq, EdgeKind::OnFailure);
                }
            }
            "AWS::Lambda::Function" => {
                if let Some(dlq) =
                    self.target(p.get("DeadLetterConfig").and_then(|d| d.get("TargetArn")))
                {
                    self.edge(&r.id, &r.id, &dlq, EdgeKind::OnFailure);
                }
            }
            "AWS::SQS::Queue" => {
                if let Some(dlq) = self.target(
                    p.get("RedrivePolicy")
                        .and_then(|d| d.get("deadLetterTargetArn")),
                ) {
                    self.edge(&r.id, &r.id, &dlq, EdgeKind::OnFailure);
                }
            }
            "AWS::SNS::Topic" => {
                for s in items(p.get("Subscription")) {
                    self.sns_subscription(&r.id, &r.id, s);
                }
            }
            "AWS::SNS::Subscription" => {
                if let Some(topic) = self.target(p.get("TopicArn")) {
                    self.sns_subscription(&r.id, &topic, p);
                }
            }
            "AWS::S3::Bucket" => self.bucket_notifications(r),
            "AWS::Lambda::EventSourceMapping" => {
                let source = self.target(p.get("EventSourceArn"));
                let function = self.target(p.get("FunctionName"));
                match (source, function) {
                    (Some(s), Some(f)) => {
                        let batch_default = match self.kind_of(&s) {
                            Some(KindTag::Table) => 100,
                            _ => 10,
                        };
                        self.edge(
                            &r.id,
                            &s,
                            &f,
                            EdgeKind::EventSource(mapping(p, batch_default)),
                        );
                    }
                    _ => self.warn(
                        &r.id,
                        "its source or function is not in the template; skipped".to_owned(),
                    ),
                }
            }
            "AWS::Lambda::EventInvokeConfig" => {
                if let Some(f) = self.target(p.get("FunctionName")) {
                    self.invoke_config(&f, Some(p));
                }
            }
            "AWS::Events::Rule" | "AWS::Scheduler::Schedule" => {
                let targets = match p.get("Targets") {
                    Some(t) => items(Some(t)),
                    None => items(p.get("Target")),
                };
                for t in targets {
                    if let Some(to) = self.target(t.get("Arn")) {
                        let kind = match self.kind_of(&to) {
                            Some(KindTag::Function) => EdgeKind::AsyncInvoke,
                            _ => EdgeKind::Write,
                        };
                        self.edge(&r.id, &r.id, &to, kind);
                    }
                }
            }
            "AWS::ApiGatewayV2::Api" => {
                if let Some(f) = self.target(p.get("Target")) {
                    self.edge(&r.id, &r.id, &f, EdgeKind::SyncInvoke);
                }
            }
            "AWS::ApiGatewayV2::Integration" => {
                if let (Some(api), Some(f)) = (
                    self.target(p.get("ApiId")),
                    self.target(p.get("IntegrationUri")),
                ) {
                    self.edge(&r.id, &api, &f, EdgeKind::SyncInvoke);
                }
            }
            "AWS::ApiGateway::Method" => {
                let api = self.target(p.get("RestApiId"));
                let f = self.target(p.get("Integration").and_then(|i| i.get("Uri")));
                if let (Some(api), Some(f)) = (api, f) {
                    self.edge(&r.id, &api, &f, EdgeKind::SyncInvoke);
                }
            }
            "AWS::Serverless::Connector" => {
                if let Some(source) = self.target(
                    p.get("Source")
                        .and_then(|s| s.get("Id"))
                        .map(ref_of)
                        .as_ref(),
                ) {
                    self.connector(&r.id, &source, p);
                }
            }
            _ => {}
        }
        if let Some(connectors) = r.connectors.as_ref().and_then(Value::as_map) {
            for (_, c) in connectors.iter() {
                if let Some(props) = c.get("Properties") {
                    self.connector(&r.id, &r.id, props);
                }
            }
        }
    }

    fn connector(&mut self, subject: &str, source: &str, p: &Value) {
        let writes = items(p.get("Permissions"))
            .iter()
            .any(|v| v.as_str() == Some("Write"));
        if !writes {
            return;
        }
        for d in items(p.get("Destination")) {
            let Some(to) = d.get("Id").map(ref_of).and_then(|v| self.target(Some(&v))) else {
                continue;
            };
            let kind = match self.kind_of(&to) {
                Some(KindTag::Function) => EdgeKind::SyncInvoke,
                _ => EdgeKind::Write,
            };
            self.edge(subject, source, &to, kind);
        }
    }

    fn sns_subscription(&mut self, subject: &str, topic: &str, s: &Value) {
        let protocol = s
            .get("Protocol")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(to) = self.target(s.get("Endpoint")) else {
            if !matches!(protocol, "email" | "email-json" | "sms") {
                self.warn(
                    subject,
                    format!("its {protocol} endpoint is not in the template; skipped"),
                );
            }
            return;
        };
        let sub = Subscription {
            filter: filter_policy(s.get("FilterPolicy")),
            ..Subscription::default()
        };
        self.edge(subject, topic, &to, EdgeKind::Subscription(sub));
    }

    fn bucket_notifications(&mut self, r: &Res) {
        let Some(n) = r.props.get("NotificationConfiguration") else {
            return;
        };
        for c in items(n.get("LambdaConfigurations")) {
            if let Some(f) = self.target(c.get("Function")) {
                self.edge(&r.id, &r.id, &f, EdgeKind::AsyncInvoke);
            }
        }
        for (list, key) in [
            ("QueueConfigurations", "Queue"),
            ("TopicConfigurations", "Topic"),
        ] {
            for c in items(n.get(list)) {
                if let Some(t) = self.target(c.get(key)) {
                    self.edge(&r.id, &r.id, &t, EdgeKind::Write);
                }
            }
        }
    }

    fn invoke_config(&mut self, function: &str, config: Option<&Value>) {
        let Some(c) = config else {
            return;
        };
        if let Some(NodeKind::Function(f)) = self.out.nodes.get_mut(function).map(|n| &mut n.kind) {
            if let Some(n) = u32_of(c.get("MaximumRetryAttempts")) {
                f.retry.max_retries = n;
            }
            if let Some(ms) = secs_ms(c.get("MaximumEventAgeInSeconds")) {
                f.retry.max_event_age_ms = ms;
            }
        }
        let dest = c
            .get("DestinationConfig")
            .and_then(|d| d.get("OnFailure"))
            .and_then(|d| d.get("Destination"));
        if let Some(to) = self.target(dest) {
            self.edge(function, function, &to, EdgeKind::OnFailure);
        }
    }

    fn policies(&mut self, function: &str, policies: Option<&Value>) {
        const TEMPLATES: [(&str, &str, bool); 9] = [
            ("SQSSendMessagePolicy", "QueueName", false),
            ("SNSPublishMessagePolicy", "TopicName", false),
            ("SNSCrudPolicy", "TopicName", false),
            ("DynamoDBCrudPolicy", "TableName", false),
            ("DynamoDBWritePolicy", "TableName", false),
            ("S3CrudPolicy", "BucketName", false),
            ("S3WritePolicy", "BucketName", false),
            ("S3FullAccessPolicy", "BucketName", false),
            ("LambdaInvokePolicy", "FunctionName", true),
        ];
        for item in items(policies) {
            for (name, key, invoke) in TEMPLATES {
                if let Some(to) = self.target(item.get(name).and_then(|t| t.get(key))) {
                    let kind = if invoke {
                        EdgeKind::SyncInvoke
                    } else {
                        EdgeKind::Write
                    };
                    self.edge(function, function, &to, kind);
                }
            }
            for st in items(item.get("Statement")) {
                if st.get("Effect").and_then(Value::as_str) == Some("Deny") {
                    continue;
                }
                let actions: Vec<&str> = items(st.get("Action"))
                    .iter()
                    .filter_map(|a| a.as_str())
                    .collect();
                for res in items(st.get("Resource")) {
                    let Some(to) = self.target(Some(res)) else {
                        continue;
                    };
                    let kind = match self.kind_of(&to) {
                        Some(KindTag::Function)
                            if actions.iter().any(|a| a.starts_with("lambda:Invoke")) =>
                        {
                            EdgeKind::SyncInvoke
                        }
                        Some(KindTag::Queue)
                            if actions
                                .iter()
                                .any(|a| a.starts_with("sqs:SendMessage") || *a == "sqs:*") =>
                        {
                            EdgeKind::Write
                        }
                        Some(KindTag::Topic)
                            if actions.iter().any(|a| *a == "sns:Publish" || *a == "sns:*") =>
                        {
                            EdgeKind::Write
                        }
                        Some(KindTag::Table)
                            if actions.iter().any(|a| {
                                matches!(
                                    *a,
                                    "dynamodb:PutItem"
                                        | "dynamodb:UpdateItem"
                                        | "dynamodb:BatchWriteItem"
                                        | "dynamodb:*"
                                )
                            }) =>
                        {
                            EdgeKind::Write
                        }
                        Some(KindTag::Bucket)
                            if actions
                                .iter()
                                .any(|a| matches!(*a, "s3:PutObject" | "s3:*")) =>
                        {
                            EdgeKind::Write
                        }
                        _ => continue,
                    };
                    self.edge(function, function, &to, kind);
                }
            }
        }
    }

    /// An implicit API (an Api/HttpApi event without an API id), created on first use.
    fn implicit_api(&mut self, flavor: ApiFlavor) -> String {
        let (id, globals) = match flavor {
            ApiFlavor::Rest => ("ServerlessRestApi", self.globals_api.clone()),
            ApiFlavor::Http => ("ServerlessHttpApi", self.globals_http.clone()),
        };
        if !self.out.nodes.contains_key(id) {
            let props = globals.unwrap_or(Value::Map(Map::new()));
            let name = super::names::display_name(id);
            self.out.nodes.insert(
                id.to_owned(),
                Node::new(name, NodeKind::HttpApi(api_params(&props, flavor))),
            );
        }
        id.to_owned()
    }

    fn event(&mut self, function: &str, name: &str, ev: &Value) {
        let subject = format!("{function}.{name}");
        let ty = ev.get("Type").and_then(Value::as_str).unwrap_or_default();
        let empty = Value::Map(Map::new());
        let p = ev.get("Properties").unwrap_or(&empty);
        let missing = |r: &mut Reader, what: &str| {
            r.warn(
                &subject,
                format!("its {what} is not in the template; skipped"),
            );
        };
        match ty {
            "Api" | "HttpApi" => {
                let (flavor, key) = if ty == "Api" {
                    (ApiFlavor::Rest, "RestApiId")
                } else {
                    (ApiFlavor::Http, "ApiId")
                };
                let api = match p.get(key) {
                    Some(v) => match self.target(Some(v)) {
                        Some(a) => a,
                        None => return missing(self, "API"),
                    },
                    None => self.implicit_api(flavor),
                };
                if let Some(t) = p.get("TimeoutInMillis").and_then(Value::as_u64) {
                    self.api_timeouts.entry(api.clone()).or_insert(t);
                }
                self.edge(&subject, &api, function, EdgeKind::SyncInvoke);
            }
            "SQS" | "DynamoDB" => {
                let (key, default_batch) = if ty == "SQS" {
                    ("Queue", 10)
                } else {
                    ("Stream", 100)
                };
                match self.target(p.get(key)) {
                    Some(source) => {
                        self.edge(
                            &subject,
                            &source,
                            function,
                            EdgeKind::EventSource(mapping(p, default_batch)),
                        );
                    }
                    None => missing(self, if ty == "SQS" { "queue" } else { "table" }),
                }
            }
            "SNS" => match self.target(p.get("Topic")) {
                Some(topic) => {
                    let sub = Subscription {
                        filter: filter_policy(p.get("FilterPolicy")),
                        ..Subscription::default()
                    };
                    self.edge(&subject, &topic, function, EdgeKind::Subscription(sub));
                }
                None => missing(self, "topic"),
            },
            "S3" => match self.target(p.get("Bucket")) {
                Some(bucket) => self.edge(&subject, &bucket, function, EdgeKind::AsyncInvoke),
                None => missing(self, "bucket"),
            },
            "Schedule" | "ScheduleV2" => {
                let expr = p
                    .get("Schedule")
                    .or_else(|| p.get("ScheduleExpression"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                match schedule::from_aws(expr) {
                    Some(t) => self
                        .schedules
                        .push((function.to_owned(), name.to_owned(), t)),
                    None => self.warn(
                        &subject,
                        format!(
                            "schedule \"{}\" cannot be modelled (L, W, # or a year); skipped",
                            crate::model::truncate(expr)
                        ),
                    ),
                }
            }
            other => self.warn(
                &subject,
                format!(
                    "{} events are not modelled; skipped",
                    crate::model::truncate(if other.is_empty() { "untyped" } else { other })
                ),
            ),
        }
    }

    /// Schedule events become schedule nodes: events of the same name and expression share
    /// one (an exported schedule that triggers several functions comes back as one node).
    fn finish_schedules(&mut self) {
        let mut groups: BTreeMap<(String, String), (ScheduleTrigger, Vec<String>)> =
            BTreeMap::new();
        for (function, name, trigger) in std::mem::take(&mut self.schedules) {
            let key = (name, schedule::to_aws(&trigger) + &format!("{trigger:?}"));
            groups
                .entry(key)
                .or_insert_with(|| (trigger, Vec::new()))
                .1
                .push(function);
        }
        let mut per_name: BTreeMap<&str, usize> = BTreeMap::new();
        for (name, _) in groups.keys() {
            *per_name.entry(name).or_default() += 1;
        }
        let per_name: BTreeMap<String, usize> = per_name
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        for ((name, _), (trigger, functions)) in groups {
            let mut id = if per_name[&name] == 1 {
                name.clone()
            } else {
                format!("{}{name}", functions[0])
            };
            let base = id.clone();
            let mut n = 2;
            while self.out.nodes.contains_key(&id) {
                id = format!("{base}{n}");
                n += 1;
            }
            let node = Node::new(
                super::names::display_name(&name),
                NodeKind::Schedule(ScheduleParams { trigger }),
            );
            self.out.nodes.insert(id.clone(), node);
            for f in functions {
                self.edge(&format!("{f}.{name}"), &id, &f, EdgeKind::AsyncInvoke);
            }
        }
    }
}

/// `{"Ref": id}` for a connector's `Id` (a bare logical id).
fn ref_of(id: &Value) -> Value {
    Value::map([("Ref", id.clone())])
}

fn unsupported_reason(ty: &str) -> &'static str {
    if ty.starts_with("AWS::StepFunctions") || ty == "AWS::Serverless::StateMachine" {
        "Step Functions state machines are not modelled"
    } else if ty.starts_with("AWS::Cognito") {
        "Cognito is not modelled"
    } else if ty.starts_with("AWS::EC2") {
        "networking (VPCs, subnets, security groups) is not modelled"
    } else if ty.starts_with("AWS::Kinesis") {
        "Kinesis streams are not modelled"
    } else if ty.starts_with("Custom::") || ty == "AWS::CloudFormation::CustomResource" {
        "custom resources are not modelled"
    } else if ty.starts_with("AWS::Events") || ty.starts_with("AWS::Pipes") {
        "EventBridge buses and pipes are not modelled"
    } else {
        "not modelled by Eventloom"
    }
}

fn function_params(p: &Value) -> FunctionParams {
    let mut f = FunctionParams::default();
    if let Some(m) = u32_of(p.get("MemorySize")) {
        f.memory_mb = m;
    }
    if let Some(ms) = secs_ms(p.get("Timeout")) {
        f.timeout_ms = ms;
    }
    if items(p.get("Architectures"))
        .iter()
        .any(|a| a.as_str() == Some("arm64"))
    {
        f.arch = Arch::Arm64;
    }
    f.reserved_concurrency = u32_of(p.get("ReservedConcurrentExecutions"));
    if let Some(n) = u32_of(
        p.get("ProvisionedConcurrencyConfig")
            .and_then(|c| c.get("ProvisionedConcurrentExecutions")),
    ) {
        f.provisioned_concurrency = n;
    }
    f
}

fn queue_params(p: &Value) -> QueueParams {
    let mut q = QueueParams::default();
    if let Some(ms) = secs_ms(p.get("VisibilityTimeout")) {
        q.visibility_timeout_ms = ms;
    }
    if let Some(ms) = secs_ms(p.get("MessageRetentionPeriod")) {
        q.retention_ms = ms;
    }
    if let Some(ms) = secs_ms(p.get("DelaySeconds")) {
        q.delivery_delay_ms = ms;
    }
    q.fifo = p.get("FifoQueue").and_then(Value::as_bool).unwrap_or(false);
    q.max_receive_count = u32_of(
        p.get("RedrivePolicy")
            .and_then(|r| r.get("maxReceiveCount")),
    );
    q
}

fn api_params(p: &Value, flavor: ApiFlavor) -> HttpApiParams {
    let mut a = HttpApiParams {
        flavor,
        ..HttpApiParams::default()
    };
    let throttle = match flavor {
        ApiFlavor::Rest => items(p.get("MethodSettings")).into_iter().find(|m| {
            m.get("ThrottlingRateLimit").is_some() || m.get("ThrottlingBurstLimit").is_some()
        }),
        ApiFlavor::Http => p.get("DefaultRouteSettings"),
    };
    if let Some(t) = throttle {
        if let Some(r) = t.get("ThrottlingRateLimit").and_then(Value::as_f64) {
            a.rate_limit_rps = r;
        }
        if let Some(b) = u32_of(t.get("ThrottlingBurstLimit")) {
            a.burst = b;
        }
    }
    a
}

fn mapping(p: &Value, default_batch: u32) -> EventSourceMapping {
    EventSourceMapping {
        batch_size: u32_of(p.get("BatchSize")).unwrap_or(default_batch),
        batch_window_ms: secs_ms(p.get("MaximumBatchingWindowInSeconds")).unwrap_or(0),
        max_concurrency: u32_of(
            p.get("ScalingConfig")
                .and_then(|s| s.get("MaximumConcurrency")),
        ),
        report_batch_item_failures: items(p.get("FunctionResponseTypes"))
            .iter()
            .any(|t| t.as_str() == Some("ReportBatchItemFailures")),
        parallelization_factor: u32_of(p.get("ParallelizationFactor")).unwrap_or(1),
        bisect_batch_on_error: p
            .get("BisectBatchOnFunctionError")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        // AWS writes -1 for "no limit"; u32_of reads no negative number.
        maximum_retry_attempts: u32_of(p.get("MaximumRetryAttempts")),
        maximum_record_age_ms: secs_ms(p.get("MaximumRecordAgeInSeconds")),
    }
}

/// An SNS filter policy's exact-match values (`{"type": ["a", "b"]}`); other operators
/// (prefix, numeric, anything-but) are not modelled and left out.
fn filter_policy(v: Option<&Value>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Some(m) = v.and_then(Value::as_map) else {
        return out;
    };
    for (k, allowed) in m.iter() {
        let values: Vec<String> = items(Some(allowed))
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if !values.is_empty() {
            out.insert(k.to_owned(), values);
        }
    }
    out
}
