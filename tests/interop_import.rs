//! Importing templates from elsewhere, as matrices: every node kind from each resource type
//! that makes it, every edge kind from each event or wiring that makes it, one warning per
//! skipped logical id, and the template features the importer evaluates (parameters,
//! globals, conditions, JSON). Fixtures are written here in the shapes public templates use.

use eventloom::interop::{ImportWarning, Imported, import_template};
use eventloom::model::{
    ApiFlavor, Arch, EdgeKind, EdgeTag, KindTag, NodeId, NodeKind, Project, ScheduleTrigger,
};
use std::collections::BTreeSet;

const SAM: &str = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n";

fn import(yaml: &str) -> Imported {
    import_template(yaml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

/// The node imported from logical id `logical` (ids are the logical id in kebab case).
fn node<'a>(p: &'a Project, id: &str) -> &'a NodeKind {
    &p.graph
        .nodes
        .get(&NodeId::from(id))
        .unwrap_or_else(|| panic!("no node {id}: {:?}", p.graph.nodes.keys()))
        .kind
}

type KindCheck = fn(&NodeKind) -> bool;

/// (resource YAML under `Resources:` as `R`, the kind and a check of its parameters).
fn resource_cases() -> Vec<(&'static str, KindTag, KindCheck)> {
    vec![
        (
            "Type: AWS::Serverless::Function\n    Properties:\n      MemorySize: 256\n      Timeout: 10\n      Architectures: [arm64]\n      ReservedConcurrentExecutions: 5\n      AutoPublishAlias: live\n      ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 2}\n      EventInvokeConfig: {MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 120}",
            KindTag::Function,
            |k| {
                k.as_function().is_some_and(|f| {
                    f.memory_mb == 256
                        && f.timeout_ms == 10_000
                        && f.arch == Arch::Arm64
                        && f.reserved_concurrency == Some(5)
                        && f.provisioned_concurrency == 2
                        && f.retry.max_retries == 1
                        && f.retry.max_event_age_ms == 120_000
                })
            },
        ),
        (
            "Type: AWS::Lambda::Function\n    Properties: {MemorySize: 512, Timeout: 30}",
            KindTag::Function,
            |k| {
                k.as_function()
                    .is_some_and(|f| f.memory_mb == 512 && f.timeout_ms == 30_000)
            },
        ),
        (
            "Type: AWS::SQS::Queue\n    Properties: {VisibilityTimeout: 60, MessageRetentionPeriod: 3600, DelaySeconds: 5, FifoQueue: true}",
            KindTag::Queue,
            |k| {
                k.as_queue().is_some_and(|q| {
                    q.visibility_timeout_ms == 60_000
                        && q.retention_ms == 3_600_000
                        && q.delivery_delay_ms == 5_000
                        && q.fifo
                })
            },
        ),
        ("Type: AWS::SNS::Topic", KindTag::Topic, |_| true),
        ("Type: AWS::S3::Bucket", KindTag::Bucket, |_| true),
        (
            "Type: AWS::DynamoDB::Table\n    Properties:\n      StreamSpecification: {StreamViewType: NEW_IMAGE}",
            KindTag::Table,
            |k| matches!(k, NodeKind::Table(t) if t.stream_enabled),
        ),
        (
            "Type: AWS::Serverless::SimpleTable",
            KindTag::Table,
            |k| matches!(k, NodeKind::Table(t) if !t.stream_enabled),
        ),
        (
            "Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      MethodSettings:\n        - {ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50}",
            KindTag::HttpApi,
            |k| matches!(k, NodeKind::HttpApi(a) if a.flavor == ApiFlavor::Rest && a.rate_limit_rps == 100.0 && a.burst == 50),
        ),
        (
            "Type: AWS::Serverless::HttpApi\n    Properties:\n      DefaultRouteSettings: {ThrottlingRateLimit: 20, ThrottlingBurstLimit: 10}",
            KindTag::HttpApi,
            |k| matches!(k, NodeKind::HttpApi(a) if a.flavor == ApiFlavor::Http && a.rate_limit_rps == 20.0 && a.burst == 10),
        ),
        (
            "Type: AWS::ApiGateway::RestApi\n    Properties: {Name: x}",
            KindTag::HttpApi,
            |k| matches!(k, NodeKind::HttpApi(a) if a.flavor == ApiFlavor::Rest),
        ),
        (
            "Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: HTTP}",
            KindTag::HttpApi,
            |k| matches!(k, NodeKind::HttpApi(a) if a.flavor == ApiFlavor::Http),
        ),
        (
            "Type: AWS::Events::Rule\n    Properties: {ScheduleExpression: rate(5 minutes)}",
            KindTag::Schedule,
            |k| matches!(k, NodeKind::Schedule(s) if s.trigger == ScheduleTrigger::Rate { every_ms: 300_000 }),
        ),
        (
            "Type: AWS::Scheduler::Schedule\n    Properties:\n      ScheduleExpression: cron(0 9 ? * MON-FRI *)\n      FlexibleTimeWindow: {Mode: 'OFF'}\n      Target: {Arn: arn, RoleArn: arn}",
            KindTag::Schedule,
            |k| matches!(k, NodeKind::Schedule(s) if s.trigger == ScheduleTrigger::Cron { expression: "0 9 * * 1-5".to_owned() }),
        ),
    ]
}

#[test]
fn every_kind_comes_from_its_resources() {
    let cases = resource_cases();
    let covered: BTreeSet<KindTag> = cases.iter().map(|c| c.1).collect();
    for kind in KindTag::ALL {
        // Clients have no platform resource: they travel in the metadata (round-trip test).
        assert!(
            covered.contains(&kind) || kind == KindTag::Client,
            "no resource case makes a {kind:?}"
        );
    }
    for (yaml, kind, check) in cases {
        let t = format!("{SAM}Resources:\n  R:\n    {yaml}\n");
        let imported = import(&t);
        let k = node(&imported.project, "r");
        assert_eq!(k.tag(), kind, "{yaml}");
        assert!(check(k), "{yaml}: {k:?}");
    }
}

/// Common resources the wiring cases point at.
const TARGETS: &str = "  F:\n    Type: AWS::Serverless::Function\n    Properties: {}\n  G:\n    Type: AWS::Serverless::Function\n  Q:\n    Type: AWS::SQS::Queue\n  D:\n    Type: AWS::SQS::Queue\n  T:\n    Type: AWS::SNS::Topic\n  B:\n    Type: AWS::S3::Bucket\n  S:\n    Type: AWS::DynamoDB::Table\n    Properties: {StreamSpecification: {StreamViewType: KEYS_ONLY}}\n  A:\n    Type: AWS::Serverless::Api\n    Properties: {StageName: prod}\n";

type EdgeCheck = fn(&EdgeKind) -> bool;

/// (extra resources, expected edge from → to, its kind and a check of its settings).
fn wiring_cases() -> Vec<(&'static str, &'static str, &'static str, EdgeTag, EdgeCheck)> {
    let any: EdgeCheck = |_| true;
    vec![
        // Function events.
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {Type: Api, Properties: {RestApiId: !Ref A, Path: /, Method: get, TimeoutInMillis: 5000}}\n",
            "a",
            "w",
            EdgeTag::SyncInvoke,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {Type: HttpApi}\n",
            "serverless-http-api",
            "w",
            EdgeTag::SyncInvoke,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {Type: Api, Properties: {Path: /, Method: get}}\n",
            "serverless-rest-api",
            "w",
            EdgeTag::SyncInvoke,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E:\n          Type: SQS\n          Properties: {Queue: !GetAtt Q.Arn, BatchSize: 5, MaximumBatchingWindowInSeconds: 2, ScalingConfig: {MaximumConcurrency: 4}, FunctionResponseTypes: [ReportBatchItemFailures]}\n",
            "q",
            "w",
            EdgeTag::EventSource,
            |k| matches!(k, EdgeKind::EventSource(m) if m.batch_size == 5 && m.batch_window_ms == 2_000 && m.max_concurrency == Some(4) && m.report_batch_item_failures),
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {Type: DynamoDB, Properties: {Stream: !GetAtt S.StreamArn, StartingPosition: LATEST}}\n",
            "s",
            "w",
            EdgeTag::EventSource,
            |k| matches!(k, EdgeKind::EventSource(m) if m.batch_size == 100),
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {Type: SNS, Properties: {Topic: !Ref T, FilterPolicy: {type: [a, b], n: [{numeric: ['>', 1]}]}}}\n",
            "t",
            "w",
            EdgeTag::Subscription,
            |k| matches!(k, EdgeKind::Subscription(s) if s.filter.len() == 1 && s.filter["type"] == ["a", "b"]),
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {Type: S3, Properties: {Bucket: !Ref B, Events: 's3:ObjectCreated:*'}}\n",
            "b",
            "w",
            EdgeTag::AsyncInvoke,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Nightly: {Type: Schedule, Properties: {Schedule: rate(1 day)}}\n",
            "nightly",
            "w",
            EdgeTag::AsyncInvoke,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Tick: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(2 hours)}}\n",
            "tick",
            "w",
            EdgeTag::AsyncInvoke,
            any,
        ),
        // Permissions: writes and calls.
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - SQSSendMessagePolicy: {QueueName: !GetAtt Q.QueueName}\n",
            "w",
            "q",
            EdgeTag::Write,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - SNSPublishMessagePolicy: {TopicName: !GetAtt T.TopicName}\n",
            "w",
            "t",
            EdgeTag::Write,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - DynamoDBCrudPolicy: {TableName: !Ref S}\n",
            "w",
            "s",
            EdgeTag::Write,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - S3CrudPolicy: {BucketName: !Ref B}\n",
            "w",
            "b",
            EdgeTag::Write,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - LambdaInvokePolicy: {FunctionName: !Ref G}\n",
            "w",
            "g",
            EdgeTag::SyncInvoke,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - Statement:\n            - Effect: Allow\n              Action: [s3:PutObject]\n              Resource: !Sub '${B.Arn}/*'\n",
            "w",
            "b",
            EdgeTag::Write,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Connector\n    Properties:\n      Source: {Id: F}\n      Destination: {Id: Q}\n      Permissions: [Write]\n",
            "f",
            "q",
            EdgeTag::Write,
            any,
        ),
        // Failures.
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      EventInvokeConfig:\n        DestinationConfig: {OnFailure: {Type: SQS, Destination: !GetAtt Q.Arn}}\n",
            "w",
            "q",
            EdgeTag::OnFailure,
            any,
        ),
        (
            "  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      DeadLetterQueue: {Type: SNS, TargetArn: !Ref T}\n",
            "w",
            "t",
            EdgeTag::OnFailure,
            any,
        ),
        (
            "  W:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy: {deadLetterTargetArn: !GetAtt D.Arn, maxReceiveCount: 4}\n",
            "w",
            "d",
            EdgeTag::OnFailure,
            any,
        ),
        (
            "  W:\n    Type: AWS::Lambda::EventInvokeConfig\n    Properties:\n      FunctionName: !Ref F\n      Qualifier: $LATEST\n      DestinationConfig: {OnFailure: {Destination: !GetAtt G.Arn}}\n",
            "f",
            "g",
            EdgeTag::OnFailure,
            any,
        ),
        // CloudFormation wiring resources.
        (
            "  W:\n    Type: AWS::SNS::Subscription\n    Properties: {TopicArn: !Ref T, Protocol: sqs, Endpoint: !GetAtt Q.Arn}\n",
            "t",
            "q",
            EdgeTag::Subscription,
            any,
        ),
        (
            "  W:\n    Type: AWS::SNS::Topic\n    Properties:\n      Subscription: [{Protocol: lambda, Endpoint: !GetAtt F.Arn}]\n",
            "w",
            "f",
            EdgeTag::Subscription,
            any,
        ),
        (
            "  W:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties: {EventSourceArn: !GetAtt Q.Arn, FunctionName: !Ref F, BatchSize: 7}\n",
            "q",
            "f",
            EdgeTag::EventSource,
            |k| matches!(k, EdgeKind::EventSource(m) if m.batch_size == 7),
        ),
        (
            "  W:\n    Type: AWS::S3::Bucket\n    Properties:\n      NotificationConfiguration:\n        LambdaConfigurations: [{Event: 's3:ObjectCreated:*', Function: !GetAtt F.Arn}]\n",
            "w",
            "f",
            EdgeTag::AsyncInvoke,
            any,
        ),
        (
            "  W:\n    Type: AWS::S3::Bucket\n    Properties:\n      NotificationConfiguration:\n        QueueConfigurations: [{Event: 's3:ObjectCreated:*', Queue: !GetAtt Q.Arn}]\n",
            "w",
            "q",
            EdgeTag::Write,
            any,
        ),
        (
            "  W:\n    Type: AWS::Events::Rule\n    Properties:\n      ScheduleExpression: rate(1 hour)\n      Targets: [{Id: t, Arn: !GetAtt F.Arn}]\n",
            "w",
            "f",
            EdgeTag::AsyncInvoke,
            any,
        ),
        (
            "  W:\n    Type: AWS::Events::Rule\n    Properties:\n      ScheduleExpression: rate(1 hour)\n      Targets: [{Id: t, Arn: !Ref T}]\n",
            "w",
            "t",
            EdgeTag::Write,
            any,
        ),
        (
            "  W:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: HTTP, Target: !GetAtt F.Arn}\n",
            "w",
            "f",
            EdgeTag::SyncInvoke,
            any,
        ),
        (
            "  W:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref A\n      HttpMethod: GET\n      Integration:\n        Type: AWS_PROXY\n        Uri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${F.Arn}/invocations'\n",
            "a",
            "f",
            EdgeTag::SyncInvoke,
            any,
        ),
    ]
}

#[test]
fn every_edge_kind_comes_from_its_events_and_wiring() {
    let cases = wiring_cases();
    let covered: BTreeSet<EdgeTag> = cases.iter().map(|c| c.3).collect();
    for tag in EdgeTag::ALL {
        assert!(
            covered.contains(&tag),
            "no wiring case makes a {tag:?} edge"
        );
    }
    for (extra, from, to, tag, check) in cases {
        let t = format!("{SAM}Resources:\n{TARGETS}{extra}");
        let imported = import(&t);
        let g = &imported.project.graph;
        let found = g
            .edges
            .values()
            .find(|e| e.from.as_str() == from && e.to.as_str() == to && e.kind.tag() == tag);
        let Some(edge) = found else {
            panic!(
                "no {tag:?} edge {from} → {to} from\n{extra}\nedges: {:?}\nwarnings: {:?}",
                g.edges
                    .values()
                    .map(|e| (&e.from, &e.to, e.kind.tag()))
                    .collect::<Vec<_>>(),
                imported.warnings
            );
        };
        assert!(check(&edge.kind), "{extra}: {:?}", edge.kind);
        assert!(
            !imported
                .warnings
                .iter()
                .any(|w| w.subject.starts_with('W') && !w.message.contains("added the client")),
            "{extra}: {:?}",
            imported.warnings
        );
    }
}

#[test]
fn api_events_set_the_integration_timeout_and_a_client_calls_the_api() {
    let t = format!(
        "{SAM}Resources:\n{TARGETS}  W:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {{Type: Api, Properties: {{RestApiId: !Ref A, Path: /, Method: get, TimeoutInMillis: 5000}}}}\n"
    );
    let imported = import(&t);
    let p = &imported.project;
    assert!(matches!(node(p, "a"), NodeKind::HttpApi(a) if a.integration_timeout_ms == 5_000));
    let client = p
        .graph
        .edges
        .values()
        .find(|e| e.to.as_str() == "a" && e.kind == EdgeKind::SyncInvoke)
        .expect("a client calls the API");
    assert_eq!(node(p, client.from.as_str()).tag(), KindTag::Client);
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.message.contains("added the client"))
    );
    // Laid out: the client left of the API, left of the function.
    let x = |id: &str| p.layout.positions[&NodeId::from(id)].x;
    assert!(x(client.from.as_str()) < x("a") && x("a") < x("w"));
}

/// (resource, what the warning says).
fn skipped_cases() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Type: AWS::StepFunctions::StateMachine", "Step Functions"),
        ("Type: AWS::Serverless::StateMachine", "Step Functions"),
        ("Type: AWS::Cognito::UserPool", "Cognito"),
        ("Type: AWS::EC2::VPC", "networking"),
        ("Type: Custom::Seeder", "custom resources"),
        (
            "Type: AWS::CloudFormation::CustomResource",
            "custom resources",
        ),
        ("Type: AWS::Kinesis::Stream", "Kinesis"),
        ("Type: AWS::Events::EventBus", "EventBridge"),
        (
            "Type: AWS::Events::Rule\n    Properties: {EventPattern: {source: [x]}}",
            "event-pattern",
        ),
        (
            "Type: AWS::Events::Rule\n    Properties: {ScheduleExpression: 'cron(0 12 L * ? *)'}",
            "cannot be modelled",
        ),
        (
            "Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: WEBSOCKET}",
            "WebSocket",
        ),
        ("Type: AWS::AppSync::GraphQLApi", "not modelled"),
        ("Properties: {}", "no Type"),
    ]
}

fn warnings_for<'a>(w: &'a [ImportWarning], subject: &str) -> Vec<&'a ImportWarning> {
    w.iter().filter(|w| w.subject == subject).collect()
}

#[test]
fn each_skipped_resource_gets_one_warning() {
    for (yaml, says) in skipped_cases() {
        // Referenced by a function twice, skipped once.
        let t = format!(
            "{SAM}Resources:\n  X:\n    {yaml}\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Environment: {{Variables: {{A: !Ref X, B: !Ref X}}}}\n"
        );
        let imported = import(&t);
        let w = warnings_for(&imported.warnings, "X");
        assert_eq!(w.len(), 1, "{yaml}: {:?}", imported.warnings);
        assert!(w[0].message.contains(says), "{yaml}: {}", w[0].message);
        assert_eq!(imported.project.graph.nodes.len(), 1, "{yaml}");
    }
    // Plumbing (roles, permissions, policies, log groups) is understood, not warned about.
    let t = format!(
        "{SAM}Resources:\n  F:\n    Type: AWS::Serverless::Function\n  R:\n    Type: AWS::IAM::Role\n  P:\n    Type: AWS::Lambda::Permission\n  L:\n    Type: AWS::Logs::LogGroup\n  QP:\n    Type: AWS::SQS::QueuePolicy\n"
    );
    assert!(import(&t).warnings.is_empty());
}

#[test]
fn each_skipped_event_gets_one_warning() {
    for (ty, props) in [
        ("Kinesis", "{Stream: arn, StartingPosition: LATEST}"),
        ("EventBridgeRule", "{Pattern: {source: [x]}}"),
        ("CloudWatchLogs", "{LogGroupName: g, FilterPattern: ''}"),
        ("IoTRule", "{Sql: x}"),
        ("MSK", "{Stream: arn, Topics: [t]}"),
        ("SQS", "{Queue: arn:aws:sqs:us-east-1:1:elsewhere}"),
    ] {
        let t = format!(
            "{SAM}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E: {{Type: {ty}, Properties: {props}}}\n"
        );
        let imported = import(&t);
        let w = warnings_for(&imported.warnings, "F.E");
        assert_eq!(w.len(), 1, "{ty}: {:?}", imported.warnings);
        assert!(imported.project.graph.edges.is_empty(), "{ty}");
    }
}

#[test]
fn parameters_globals_and_conditions_are_evaluated() {
    let t = format!(
        "{SAM}Parameters:\n  Mem: {{Type: Number, Default: 2048}}\n  Stage: {{Type: String, Default: prod}}\n\
         Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n  IsDev: !Not [!Condition IsProd]\n\
         Globals:\n  Function:\n    Timeout: 20\n    MemorySize: !Ref Mem\n\
         Resources:\n  F:\n    Type: AWS::Serverless::Function\n  G:\n    Type: AWS::Serverless::Function\n    Properties:\n      MemorySize: !If [IsProd, 512, 128]\n      Timeout: !If [IsDev, 1, !Ref AWS::NoValue]\n\
         \x20 DevOnly:\n    Type: AWS::SQS::Queue\n    Condition: IsDev\n"
    );
    let imported = import(&t);
    let p = &imported.project;
    let f = node(p, "f").as_function().unwrap();
    assert_eq!((f.memory_mb, f.timeout_ms), (2048, 20_000));
    // `!If [IsDev, 1, !Ref AWS::NoValue]` removes G's Timeout after SAM has merged the
    // globals (CloudFormation evaluates it after the transform): Lambda's default 3 s.
    let g = node(p, "g").as_function().unwrap();
    assert_eq!((g.memory_mb, g.timeout_ms), (512, 3_000));
    assert!(!p.graph.nodes.contains_key(&NodeId::from("dev-only")));
    let w = warnings_for(&imported.warnings, "DevOnly");
    assert!(
        w.len() == 1 && w[0].message.contains("IsDev"),
        "{:?}",
        imported.warnings
    );
}

#[test]
fn json_templates_import_like_yaml() {
    let json = r#"{
      "AWSTemplateFormatVersion": "2010-09-09",
      "Resources": {
        "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 90}},
        "Worker": {"Type": "AWS::Lambda::Function", "Properties": {"MemorySize": 1024}},
        "Poller": {"Type": "AWS::Lambda::EventSourceMapping",
                   "Properties": {"EventSourceArn": {"Fn::GetAtt": ["Jobs", "Arn"]},
                                  "FunctionName": {"Ref": "Worker"}}}
      }
    }"#;
    let imported = import(json);
    let p = &imported.project;
    assert_eq!(
        node(p, "jobs").as_queue().unwrap().visibility_timeout_ms,
        90_000
    );
    assert_eq!(node(p, "worker").as_function().unwrap().memory_mb, 1024);
    assert_eq!(p.graph.edges.len(), 1);
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
}

#[test]
fn a_schedule_event_shared_by_functions_is_one_node() {
    let t = format!(
        "{SAM}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Nightly: {{Type: Schedule, Properties: {{Schedule: 'cron(0 2 * * ? *)'}}}}\n  G:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Nightly: {{Type: Schedule, Properties: {{Schedule: 'cron(0 2 * * ? *)'}}}}\n        Other: {{Type: Schedule, Properties: {{Schedule: rate(1 minute)}}}}\n"
    );
    let p = import(&t).project;
    let schedules: Vec<_> = p
        .graph
        .nodes
        .values()
        .filter(|n| n.kind.tag() == KindTag::Schedule)
        .collect();
    assert_eq!(schedules.len(), 2, "{:?}", p.graph.nodes.keys());
    assert_eq!(p.graph.edges.len(), 3);
}
