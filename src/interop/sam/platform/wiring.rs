//! The edges a template declares: events, connectors, subscriptions, notifications,
//! destinations and the policies that imply an invocation.

use super::*;

impl Reader {
    /// The edges a resource declares.
    pub(super) fn wiring(&mut self, r: &Res) {
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
            let name = super::super::names::display_name(id);
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
    pub(super) fn finish_schedules(&mut self) {
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
                super::super::names::display_name(&name),
                NodeKind::Schedule(ScheduleParams { trigger }),
            );
            self.out.nodes.insert(id.clone(), node);
            for f in functions {
                self.edge(&format!("{f}.{name}"), &id, &f, EdgeKind::AsyncInvoke);
            }
        }
    }
}
