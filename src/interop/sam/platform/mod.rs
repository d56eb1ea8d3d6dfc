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

mod params;
mod wiring;

use params::*;

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
