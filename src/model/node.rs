//! Node kinds and their parameter structs, with defaults taken from real platforms
//! (AWS Lambda, API Gateway, SQS, SNS, S3, DynamoDB, EventBridge Scheduler).

use super::distribution::Distribution;
use super::provider::Provider;
use super::workload::Arrival;
use serde::{Deserialize, Serialize};

/// One box on the canvas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Display name (free text; the id is the stable key).
    pub name: String,
    /// What the node is, with its parameters.
    pub kind: NodeKind,
}

impl Node {
    /// A node of `kind` with that kind's defaults.
    pub fn new(name: impl Into<String>, kind: NodeKind) -> Self {
        Self {
            name: name.into(),
            kind,
        }
    }
}

/// Every kind of node, each with its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NodeKind {
    /// A traffic source outside the system (users, devices, another system).
    Client(ClientParams),
    /// An API gateway: synchronous request/response in front of functions.
    HttpApi(HttpApiParams),
    /// A timer that fires at a fixed rate or on a cron-like schedule.
    Schedule(ScheduleParams),
    /// An object store that emits object-created events.
    Bucket(BucketParams),
    /// A key-value table with a change stream.
    Table(TableParams),
    /// A message queue consumed through an event-source mapping.
    Queue(QueueParams),
    /// Pub/sub fan-out to filtered subscriptions.
    Topic(TopicParams),
    /// A serverless function.
    Function(FunctionParams),
}

/// The kind of a node without its parameters: for palettes, rules and colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum KindTag {
    /// See [`NodeKind::Client`].
    Client,
    /// See [`NodeKind::HttpApi`].
    HttpApi,
    /// See [`NodeKind::Schedule`].
    Schedule,
    /// See [`NodeKind::Bucket`].
    Bucket,
    /// See [`NodeKind::Table`].
    Table,
    /// See [`NodeKind::Queue`].
    Queue,
    /// See [`NodeKind::Topic`].
    Topic,
    /// See [`NodeKind::Function`].
    Function,
}

/// Where a kind sits in the palette.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Where events come from.
    Sources,
    /// What runs code.
    Compute,
    /// What carries messages.
    Messaging,
    /// What holds data.
    Storage,
}

impl KindTag {
    /// Every kind, in palette order.
    pub const ALL: [KindTag; 8] = [
        KindTag::Client,
        KindTag::HttpApi,
        KindTag::Schedule,
        KindTag::Function,
        KindTag::Queue,
        KindTag::Topic,
        KindTag::Bucket,
        KindTag::Table,
    ];

    /// The name used in files, the CLI and the UI.
    pub fn name(self) -> &'static str {
        match self {
            KindTag::Client => "Client",
            KindTag::HttpApi => "HttpApi",
            KindTag::Schedule => "Schedule",
            KindTag::Bucket => "Bucket",
            KindTag::Table => "Table",
            KindTag::Queue => "Queue",
            KindTag::Topic => "Topic",
            KindTag::Function => "Function",
        }
    }

    /// Palette group.
    pub fn category(self) -> Category {
        match self {
            KindTag::Client | KindTag::HttpApi | KindTag::Schedule => Category::Sources,
            KindTag::Function => Category::Compute,
            KindTag::Queue | KindTag::Topic => Category::Messaging,
            KindTag::Bucket | KindTag::Table => Category::Storage,
        }
    }

    /// One sentence for tooltips.
    pub fn description(self) -> &'static str {
        match self {
            KindTag::Client => "Generates traffic from outside the system by a workload",
            KindTag::HttpApi => {
                "API gateway: synchronous request/response with rate limit and integration timeout"
            }
            KindTag::Schedule => "Fires events at a fixed rate or on a cron-like schedule",
            KindTag::Bucket => "Object store; each object written emits an object-created event",
            KindTag::Table => "Key-value table whose writes appear on a change stream",
            KindTag::Queue => {
                "Message queue: consumers poll batches; failed messages return after the visibility timeout"
            }
            KindTag::Topic => "Pub/sub topic: every matching subscription gets a copy",
            KindTag::Function => {
                "Serverless function: scales per request, cold starts, billed per ms"
            }
        }
    }

    /// A node of this kind with default parameters.
    pub fn default_kind(self) -> NodeKind {
        match self {
            KindTag::Client => NodeKind::Client(ClientParams::default()),
            KindTag::HttpApi => NodeKind::HttpApi(HttpApiParams::default()),
            KindTag::Schedule => NodeKind::Schedule(ScheduleParams::default()),
            KindTag::Bucket => NodeKind::Bucket(BucketParams::default()),
            KindTag::Table => NodeKind::Table(TableParams::default()),
            KindTag::Queue => NodeKind::Queue(QueueParams::default()),
            KindTag::Topic => NodeKind::Topic(TopicParams::default()),
            KindTag::Function => NodeKind::Function(FunctionParams::default()),
        }
    }
}

impl NodeKind {
    /// The kind without parameters.
    pub fn tag(&self) -> KindTag {
        match self {
            NodeKind::Client(_) => KindTag::Client,
            NodeKind::HttpApi(_) => KindTag::HttpApi,
            NodeKind::Schedule(_) => KindTag::Schedule,
            NodeKind::Bucket(_) => KindTag::Bucket,
            NodeKind::Table(_) => KindTag::Table,
            NodeKind::Queue(_) => KindTag::Queue,
            NodeKind::Topic(_) => KindTag::Topic,
            NodeKind::Function(_) => KindTag::Function,
        }
    }

    /// The function parameters, if this is a function.
    pub fn as_function(&self) -> Option<&FunctionParams> {
        match self {
            NodeKind::Function(p) => Some(p),
            NodeKind::Client(_)
            | NodeKind::HttpApi(_)
            | NodeKind::Schedule(_)
            | NodeKind::Bucket(_)
            | NodeKind::Table(_)
            | NodeKind::Queue(_)
            | NodeKind::Topic(_) => None,
        }
    }

    /// The queue parameters, if this is a queue.
    pub fn as_queue(&self) -> Option<&QueueParams> {
        match self {
            NodeKind::Queue(p) => Some(p),
            NodeKind::Client(_)
            | NodeKind::HttpApi(_)
            | NodeKind::Schedule(_)
            | NodeKind::Bucket(_)
            | NodeKind::Table(_)
            | NodeKind::Topic(_)
            | NodeKind::Function(_) => None,
        }
    }
}

/// A traffic source driven by a workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientParams {
    /// How requests arrive over time.
    pub arrival: Arrival,
}

impl Default for ClientParams {
    fn default() -> Self {
        Self {
            arrival: Arrival::Poisson { rate_per_s: 10.0 },
        }
    }
}

/// Which API gateway product is modelled (it changes the price per request).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ApiFlavor {
    /// REST API ($3.50 per million requests).
    #[default]
    Rest,
    /// HTTP API ($1.00 per million requests).
    Http,
}

/// How a REST API is exposed (decides the longest integration timeout it may have).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ApiEndpoint {
    /// Regional endpoint (the console's default for new REST APIs).
    #[default]
    Regional,
    /// Edge-optimized: served through CloudFront; integration timeout at most 29 s.
    EdgeOptimized,
    /// Private: reachable only from a VPC.
    Private,
}

impl ApiEndpoint {
    fn is_default(&self) -> bool {
        *self == ApiEndpoint::default()
    }
}

/// API Gateway's default integration timeout, and the longest an edge-optimized REST API
/// or an HTTP API (30 s) may have, ms.
pub const API_DEFAULT_TIMEOUT_MS: u64 = 29_000;
/// Longest integration timeout of an HTTP API, ms.
pub const HTTP_API_MAX_TIMEOUT_MS: u64 = 30_000;
/// Longest integration timeout a Regional or private REST API may be raised to (with a
/// quota increase), ms.
pub const REST_API_MAX_TIMEOUT_MS: u64 = 300_000;

impl HttpApiParams {
    /// Longest integration timeout this API may have, ms: 30 s for an HTTP API, 29 s for an
    /// edge-optimized REST API, 300 s for a Regional or private REST API (AWS raises it above
    /// 29 s only for those, on request).
    pub fn max_integration_timeout_ms(&self) -> u64 {
        match (self.flavor, self.endpoint) {
            (ApiFlavor::Http, _) => HTTP_API_MAX_TIMEOUT_MS,
            (ApiFlavor::Rest, ApiEndpoint::EdgeOptimized) => API_DEFAULT_TIMEOUT_MS,
            (ApiFlavor::Rest, ApiEndpoint::Regional | ApiEndpoint::Private) => {
                REST_API_MAX_TIMEOUT_MS
            }
        }
    }
}

/// API gateway parameters. Every API of an account shares the account's throttle
/// (`RunSettings::api_rate_limit_rps` and `api_burst`); the limits here are this API's own
/// (stage) limits below it, by default as high as the account's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpApiParams {
    /// REST or HTTP API (pricing).
    pub flavor: ApiFlavor,
    /// Endpoint type of a REST API (ignored for HTTP APIs). Default Regional.
    #[serde(skip_serializing_if = "ApiEndpoint::is_default")]
    pub endpoint: ApiEndpoint,
    /// This API's (stage) steady-state rate limit (token refill), requests per second.
    /// Default 10,000, the account's: the account limit, shared by all APIs, applies too.
    pub rate_limit_rps: f64,
    /// This API's (stage) token-bucket size: requests accepted at once above the steady rate.
    /// Default 5,000, the account's burst.
    pub burst: u32,
    /// How long the gateway waits for its integration before answering 504, ms. Default 29 s;
    /// above 29 s only for Regional or private REST APIs (HTTP APIs: at most 30 s).
    pub integration_timeout_ms: u64,
    /// Gateway's own added latency per request, ms.
    pub overhead_ms: f64,
}

impl Default for HttpApiParams {
    fn default() -> Self {
        Self {
            flavor: ApiFlavor::Rest,
            endpoint: ApiEndpoint::Regional,
            rate_limit_rps: 10_000.0,
            burst: 5_000,
            integration_timeout_ms: 29_000,
            overhead_ms: 5.0,
        }
    }
}

/// When a schedule fires.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ScheduleTrigger {
    /// Every fixed interval, first at `every_ms` after start.
    Rate {
        /// Interval, ms (minimum one minute on real platforms, but any value ≥ 1 s is allowed).
        every_ms: u64,
    },
    /// A five-field cron expression (`minute hour day-of-month month day-of-week`) evaluated
    /// in virtual time, where the run starts on a Monday at 00:00.
    Cron {
        /// For example `"*/5 * * * *"` or `"0 9 * * 1-5"`.
        expression: String,
    },
}

/// Schedule parameters (EventBridge Scheduler-like).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleParams {
    /// When it fires.
    pub trigger: ScheduleTrigger,
}

impl Default for ScheduleParams {
    fn default() -> Self {
        Self {
            trigger: ScheduleTrigger::Rate { every_ms: 60_000 },
        }
    }
}

/// Object store parameters (S3-like).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BucketParams {
    /// Delay between a write and its event notification. AWS: "typically delivered in
    /// seconds but can sometimes take a minute or longer"; the default (lognormal, median
    /// 1 s, σ 1.2) puts 90 % under 5 s, 99 % under 17 s and about 3 in 10,000 over a minute.
    pub notification_delay: Distribution,
    /// Probability that a notification is delivered twice (at-least-once delivery), 0–1.
    pub duplicate_probability: f64,
}

impl Default for BucketParams {
    fn default() -> Self {
        Self {
            notification_delay: Distribution::LogNormal {
                median_ms: 1_000.0,
                sigma: 1.2,
            },
            duplicate_probability: 0.0,
        }
    }
}

/// Table parameters (DynamoDB on-demand with Streams).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TableParams {
    /// Whether writes appear on a change stream.
    pub stream_enabled: bool,
    /// Delay between a write and its stream record.
    pub stream_delay: Distribution,
    /// Ignored: DynamoDB Streams write each record exactly once. Kept so older files load;
    /// validation warns when it is above 0 (duplicates belong to SQS standard queues and S3
    /// notifications).
    pub duplicate_probability: f64,
    /// Write latency seen by the writer, ms.
    pub write_latency_ms: f64,
    /// Shards of the stream (1–1,000). Records spread evenly over them; each shard is read in
    /// order, one batch at a time per parallelization lane of a mapping. Default 1.
    #[serde(skip_serializing_if = "is_one")]
    pub stream_shards: u32,
}

impl Default for TableParams {
    fn default() -> Self {
        Self {
            stream_enabled: true,
            stream_delay: Distribution::LogNormal {
                median_ms: 100.0,
                sigma: 0.4,
            },
            duplicate_probability: 0.0,
            write_latency_ms: 5.0,
            stream_shards: 1,
        }
    }
}

/// Queue parameters (SQS defaults). Batch settings live on the event-source mapping edge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueParams {
    /// How long a received message stays hidden before it can be received again, ms. Default 30 s.
    pub visibility_timeout_ms: u64,
    /// How long a message is kept before it expires, ms. Default 4 days.
    pub retention_ms: u64,
    /// Receives after which a message moves to the dead-letter queue (redrive policy).
    /// `None`: no redrive; failing messages return until they expire.
    pub max_receive_count: Option<u32>,
    /// First-in-first-out: messages of a group are delivered in order, one batch at a time.
    pub fifo: bool,
    /// Delay before a new message becomes visible, ms.
    pub delivery_delay_ms: u64,
    /// Depth at which the canvas shows the queue as full (for colouring and lints).
    pub depth_alarm: u64,
    /// FIFO only: how many message groups the producers use (1–10,000). Each message gets
    /// one at random, evenly; a consumer runs one batch per group with messages at a time.
    /// Default 1 (the whole queue is one ordered lane).
    #[serde(skip_serializing_if = "is_one")]
    pub message_groups: u32,
    /// Standard queues only: probability that a message is delivered twice (at-least-once
    /// delivery), 0–1. Default 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub duplicate_probability: f64,
}

impl Default for QueueParams {
    fn default() -> Self {
        Self {
            visibility_timeout_ms: 30_000,
            retention_ms: 4 * 24 * 3_600_000,
            max_receive_count: None,
            fifo: false,
            delivery_delay_ms: 0,
            depth_alarm: 1_000,
            message_groups: 1,
            duplicate_probability: 0.0,
        }
    }
}

/// Topic parameters (SNS-like). Filters and retry policies live on subscription edges.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TopicParams {
    /// Delay between a publish and delivery to subscribers.
    pub delivery_delay: Distribution,
}

impl Default for TopicParams {
    fn default() -> Self {
        Self {
            delivery_delay: Distribution::LogNormal {
                median_ms: 50.0,
                sigma: 0.4,
            },
        }
    }
}

/// Instruction set of a function (changes the GB-second price).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Arch {
    /// x86_64.
    #[default]
    X86_64,
    /// arm64 (about 20 % cheaper per GB-second).
    Arm64,
}

/// How fast a function may add execution environments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
pub enum Scaling {
    /// Today's Lambda: +1,000 environments every 10 s per function.
    #[default]
    Standard,
    /// The pre-2023 account-wide burst model, kept for teaching: an immediate burst, then
    /// +`per_minute` environments each minute.
    LegacyBurst {
        /// Environments available at once (500–3,000 depending on region).
        initial: u32,
        /// Environments added per minute after the burst.
        per_minute: u32,
    },
    /// Any rate: +`environments` every `every_ms`.
    Custom {
        /// Environments added per step.
        environments: u32,
        /// Step length, ms.
        every_ms: u64,
    },
}

impl Scaling {
    /// `(initial burst, environments per step, step ms)` for this policy.
    pub fn rates(&self) -> (u32, u32, u64) {
        match self {
            Scaling::Standard => (1_000, 1_000, 10_000),
            Scaling::LegacyBurst {
                initial,
                per_minute,
            } => (*initial, *per_minute, 60_000),
            Scaling::Custom {
                environments,
                every_ms,
            } => (*environments, *environments, *every_ms),
        }
    }
}

/// Retry behaviour for asynchronous invocations (Lambda's event invoke config).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AsyncRetry {
    /// Retries after a failed attempt, 0–2. Default 2.
    pub max_retries: u32,
    /// Delay before retry n is n × this, ms. Default 1 minute (so +1 min, +2 min).
    pub retry_delay_ms: u64,
    /// Oldest an event may get before it is discarded (or sent to the on-failure destination),
    /// ms. 60 s – 6 h; default 6 h.
    pub max_event_age_ms: u64,
}

impl Default for AsyncRetry {
    fn default() -> Self {
        Self {
            max_retries: 2,
            retry_delay_ms: 60_000,
            max_event_age_ms: 6 * 3_600_000,
        }
    }
}

/// Serverless function parameters (AWS Lambda defaults).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FunctionParams {
    /// Memory, MB (128–10,240). CPU scales with it; billing is per GB-second.
    pub memory_mb: u32,
    /// Longest an invocation may run before it is stopped, ms (≤ 900 s). Default 3 s.
    pub timeout_ms: u64,
    /// Instruction set (price).
    pub arch: Arch,
    /// Concurrency reserved for (and capping) this function; `None` shares the account pool.
    pub reserved_concurrency: Option<u32>,
    /// Environments kept warm at all times (billed whether used or not).
    pub provisioned_concurrency: u32,
    /// How fast new environments may be added.
    pub scaling: Scaling,
    /// Extra time the first request on a new environment waits.
    pub cold_start: Distribution,
    /// How long an idle environment is kept before it is reclaimed, ms.
    pub keep_alive_ms: u64,
    /// Execution time of one invocation (one batch, for event-source mappings).
    pub duration: Distribution,
    /// Probability that an invocation fails, 0–1.
    pub error_probability: f64,
    /// Retries of asynchronous invocations.
    pub retry: AsyncRetry,
    /// The provider this function runs on when it differs from the project's (`None`: the
    /// project's). Left out of files when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    /// What recursive loop detection does when events loop back into this function
    /// (Lambda's `RecursiveLoop`; written to files only when it allows recursion).
    #[serde(skip_serializing_if = "RecursiveLoop::is_terminate")]
    pub recursive_loop: RecursiveLoop,
    /// The share of `duration` spent computing, 0–1 (the rest waits on I/O). `duration` is
    /// read as the time at one full vCPU: the computing share runs at the speed of the
    /// CPU the function's memory buys (at most `threads` vCPUs, shared with the other
    /// requests its instance serves). 0 (the default, left out of files): memory changes
    /// only the bill.
    #[serde(skip_serializing_if = "is_zero")]
    pub cpu_bound: f64,
    /// Threads the computing share can use at once (1, the default: single-threaded code
    /// gains nothing past one vCPU).
    #[serde(skip_serializing_if = "is_one")]
    pub threads: u32,
    /// Requests one instance serves at once (`None`: the provider's default — 1 on AWS
    /// Lambda, 1 on Cloud Run functions, 16 on Azure Flex Consumption). Left out of files
    /// when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
}

impl FunctionParams {
    /// The provider this function runs on in `project_provider`'s project.
    pub fn provider_in(&self, project_provider: Provider) -> Provider {
        self.provider.unwrap_or(project_provider)
    }

    /// Requests one instance serves at once in `project_provider`'s project: its own
    /// setting, else its provider's default.
    pub fn concurrency_in(&self, project_provider: Provider) -> u32 {
        self.concurrency
            .unwrap_or_else(|| {
                self.provider_in(project_provider)
                    .profile()
                    .default_concurrency
            })
            .max(1)
    }

    /// How many times longer than `duration` an execution takes on `vcpus` shared by
    /// `sharing` requests at once: the computing share at
    /// `min(threads, vcpus / max(1, sharing × cpu_bound))` vCPUs (the vCPUs shared by the
    /// requests expected to be computing at once), the rest unchanged (1 when nothing is
    /// CPU-bound).
    pub fn cpu_stretch(&self, vcpus: f64, sharing: u32) -> f64 {
        cpu_stretch(
            self.cpu_bound,
            f64::from(self.threads.max(1)),
            vcpus,
            sharing,
        )
    }
}

/// [`FunctionParams::cpu_stretch`] from its parts: `cpu_bound` share, `threads`, `vcpus` of
/// the instance, `sharing` requests on it at once.
#[inline]
pub fn cpu_stretch(cpu_bound: f64, threads: f64, vcpus: f64, sharing: u32) -> f64 {
    if cpu_bound <= 0.0 {
        return 1.0;
    }
    // The requests expected to be computing at once share the vCPUs: those sharing the
    // instance times the share of their time spent computing (at least this one).
    let computing = (f64::from(sharing.max(1)) * cpu_bound).max(1.0);
    let speed = (vcpus / computing).min(threads);
    if speed.is_finite() && speed > 0.0 {
        (1.0 - cpu_bound) + cpu_bound / speed
    } else {
        1.0
    }
}

/// Lambda's recursive loop detection setting of a function.
///
/// Lambda counts how many times one triggering event has invoked functions through SQS,
/// SNS, S3 and Lambda itself; with `Terminate` (the default) it stops the next invocation
/// after 16 and sends the event to the dead-letter queue or on-failure destination, if
/// any. Loops through a table's stream are not detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum RecursiveLoop {
    /// Stop a chain of events that loops back into the function after
    /// [`RECURSIVE_LOOP_LIMIT`] invocations.
    #[default]
    Terminate,
    /// Let the loop run (for designs that recurse on purpose).
    Allow,
}

impl RecursiveLoop {
    /// Whether this is the default, `Terminate`.
    pub fn is_terminate(&self) -> bool {
        *self == RecursiveLoop::Terminate
    }
}

/// Invocations one chain of events may make through a detected loop before Lambda stops
/// the next one.
pub const RECURSIVE_LOOP_LIMIT: u16 = 16;

impl Default for FunctionParams {
    fn default() -> Self {
        Self {
            memory_mb: 128,
            timeout_ms: 3_000,
            arch: Arch::X86_64,
            reserved_concurrency: None,
            provisioned_concurrency: 0,
            scaling: Scaling::Standard,
            cold_start: Distribution::LogNormal {
                median_ms: 250.0,
                sigma: 0.3,
            },
            keep_alive_ms: 600_000,
            duration: Distribution::LogNormal {
                median_ms: 80.0,
                sigma: 0.5,
            },
            error_probability: 0.0,
            retry: AsyncRetry::default(),
            provider: None,
            recursive_loop: RecursiveLoop::Terminate,
            cpu_bound: 0.0,
            threads: 1,
            concurrency: None,
        }
    }
}

/// Whether `n` is 1 (a default left out of files).
fn is_one(n: &u32) -> bool {
    *n == 1
}

/// Whether `v` is 0 (a default left out of files).
fn is_zero(v: &f64) -> bool {
    *v == 0.0
}
