//! Every parameter's limits, as named constants on the struct that holds the parameter, and
//! the one check of each parameter struct (`problems`). Validation reports what the checks
//! find, a lesson's deploy is checked by running its patched parameters through the same
//! check, and the inspector takes its ranges (and the limits its tooltips name) from these
//! constants — so the three can never disagree.

use super::alarm::Alarm;
use super::cron::Cron;
use super::deploy::DeployStrategy;
use super::diagnostic::truncate;
use super::distribution::{Distribution, MAX_DURATION_MS};
use super::edge::{Emit, EventSourceMapping, RetryPolicy};
use super::node::{
    ApiEndpoint, ApiFlavor, AsyncRetry, BucketParams, ClientParams, FunctionParams, HttpApiParams,
    NodeKind, QueueParams, Scaling, ScheduleParams, ScheduleTrigger, TableParams, TopicParams,
};
use super::pricing::Pricing;
use super::project::{MAX_RUN_MS, RunSettings};
use super::provider::Provider;
use super::validate::MAX_NAME_CHARS;
use super::workload::{Arrival, MAX_RATE_PER_S};
use std::fmt::Display;
use std::ops::RangeInclusive;

/// `field must be between MIN and MAX (got V)` when `v` is outside `range` (or not a number).
fn outside<T: PartialOrd + Display>(
    field: &str,
    range: &RangeInclusive<T>,
    v: T,
) -> Option<String> {
    (!range.contains(&v)).then(|| {
        format!(
            "{field} must be between {} and {} (got {v})",
            range.start(),
            range.end()
        )
    })
}

/// Like [`outside`] for a number that may also be NaN or infinite (never within range).
fn outside_f64(field: &str, range: &RangeInclusive<f64>, v: f64) -> Option<String> {
    (!(v.is_finite() && range.contains(&v))).then(|| {
        format!(
            "{field} must be between {} and {} (got {v})",
            range.start(),
            range.end()
        )
    })
}

/// A probability, 0–1.
pub const PROBABILITY: RangeInclusive<f64> = 0.0..=1.0;

/// `field must be a probability between 0 and 1 (got p)` when `p` is not one.
pub(super) fn probability_problem(field: &str, p: f64) -> Option<String> {
    (!(p.is_finite() && PROBABILITY.contains(&p)))
        .then(|| format!("{field} must be a probability between 0 and 1 (got {p})"))
}

/// `name: problem` for a distribution that has one.
fn distribution_problem(name: &str, d: &Distribution) -> Option<String> {
    d.problem().map(|m| format!("{name}: {m}"))
}

impl Distribution {
    /// Any duration parameter, ms (at most a day).
    pub const MS: RangeInclusive<f64> = 0.0..=MAX_DURATION_MS;
    /// Spread of a lognormal distribution: 0.1 narrow … 1.5 very wide.
    pub const SIGMA: RangeInclusive<f64> = 0.0..=5.0;
}

impl Arrival {
    /// Events per second of any rate in a workload.
    pub const RATE_PER_S: RangeInclusive<f64> = 0.0..=MAX_RATE_PER_S;
    /// Relative swing of a diurnal curve around its mean.
    pub const AMPLITUDE: RangeInclusive<f64> = 0.0..=1.0;
    /// Length of a diurnal cycle, ms.
    pub const PERIOD_MS: RangeInclusive<u64> = 1_000..=MAX_RUN_MS;
    /// When in the cycle a diurnal curve peaks, ms.
    pub const PEAK_AT_MS: RangeInclusive<u64> = 0..=MAX_RUN_MS;
    /// Time from one burst to the next (and the longest a burst lasts), ms.
    pub const BURST_EVERY_MS: RangeInclusive<u64> = 1..=MAX_RUN_MS;
    /// Requests in one spike.
    pub const SPIKE_COUNT: RangeInclusive<u64> = 0..=super::workload::MAX_SPIKE;
    /// When a spike falls, and how often it repeats, ms.
    pub const SPIKE_MS: RangeInclusive<u64> = 0..=MAX_RUN_MS;
}

impl Alarm {
    /// Length of one period, s (one second up to a day).
    pub const PERIOD_S: RangeInclusive<u32> = 1..=86_400;
    /// N, the periods looked at (CloudWatch allows up to 100 for periods under a day).
    pub const EVALUATION_PERIODS: RangeInclusive<u32> = 1..=100;
    /// Largest threshold (any metric).
    pub const MAX_THRESHOLD: f64 = 1e12;

    /// What is wrong with the alarm's own settings (the node it names is checked by
    /// validation, which knows the graph).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push("an alarm needs a name".to_owned());
        } else if self.name.chars().count() > MAX_NAME_CHARS
            || self.name.chars().any(char::is_control)
        {
            out.push(format!(
                "the alarm name must have at most {MAX_NAME_CHARS} characters and no line breaks"
            ));
        }
        out.extend(outside_f64(
            "threshold",
            &(-Self::MAX_THRESHOLD..=Self::MAX_THRESHOLD),
            self.threshold,
        ));
        out.extend(outside("period_s", &Self::PERIOD_S, self.period_s));
        out.extend(outside(
            "evaluation_periods",
            &Self::EVALUATION_PERIODS,
            self.evaluation_periods,
        ));
        out.extend(outside(
            "datapoints_to_alarm",
            &(1..=self.evaluation_periods.max(1)),
            self.datapoints_to_alarm,
        ));
        out
    }
}

impl DeployStrategy {
    /// Share of traffic a canary or a linear step moves, % (any share above 0 up to all).
    pub const MAX_PERCENT: f64 = 100.0;
    /// Length of a canary, or time between linear steps, ms.
    pub const STEP_MS: RangeInclusive<u64> = 0..=MAX_RUN_MS;

    /// What is wrong with the strategy.
    pub fn problems(&self) -> Vec<String> {
        let percent_bad = |p: f64| !(p.is_finite() && p > 0.0 && p <= Self::MAX_PERCENT);
        let mut out = Vec::new();
        match self {
            DeployStrategy::AllAtOnce => {}
            DeployStrategy::Canary {
                percent, after_ms, ..
            } => {
                if percent_bad(*percent) {
                    out.push(format!(
                        "canary percent must be in (0, 100] (got {percent})"
                    ));
                }
                out.extend(outside("after_ms", &Self::STEP_MS, *after_ms));
            }
            DeployStrategy::Linear {
                percent, every_ms, ..
            } => {
                if percent_bad(*percent) {
                    out.push(format!(
                        "linear percent must be in (0, 100] (got {percent})"
                    ));
                }
                out.extend(outside("every_ms", &Self::STEP_MS, *every_ms));
            }
        }
        out
    }
}

impl RunSettings {
    /// Simulated length of a run, ms (at most 30 days).
    pub const DURATION_MS: RangeInclusive<u64> = 1..=MAX_RUN_MS;
    /// Concurrent executions of the account.
    pub const ACCOUNT_CONCURRENCY: RangeInclusive<u32> = 1..=u32::MAX;
    /// Highest account API throttle, requests per second (any rate above 0 up to it).
    pub const MAX_API_RATE_LIMIT_RPS: f64 = 10_000_000.0;
    /// The account's API burst (token-bucket size).
    pub const API_BURST: RangeInclusive<u32> = 1..=u32::MAX;
    /// The window cost per day is projected from, s.
    pub const COST_WINDOW_S: RangeInclusive<u32> = 10..=3_600;
    /// The run's memory budget, MB (the engine's own needs come first: at least 16 MB).
    pub const MAX_MEMORY_MB: RangeInclusive<u64> = 16..=(1 << 40);

    /// What is wrong with the run settings (empty when nothing is).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !Self::DURATION_MS.contains(&self.duration_ms) {
            out.push(format!(
                "run.duration_ms must be between 1 and {MAX_RUN_MS} (30 days); got {}",
                self.duration_ms
            ));
        }
        if !Self::ACCOUNT_CONCURRENCY.contains(&self.account_concurrency) {
            out.push("run.account_concurrency must be at least 1".to_owned());
        }
        let rate = self.api_rate_limit_rps;
        if !(rate.is_finite() && rate > 0.0 && rate <= Self::MAX_API_RATE_LIMIT_RPS) {
            out.push(format!(
                "run.api_rate_limit_rps must be between 0 and {} (got {rate})",
                Self::MAX_API_RATE_LIMIT_RPS
            ));
        }
        if !Self::API_BURST.contains(&self.api_burst) {
            out.push("run.api_burst must be at least 1".to_owned());
        }
        out.extend(outside(
            "run.cost_window_s",
            &Self::COST_WINDOW_S,
            self.cost_window_s,
        ));
        out.extend(outside(
            "run.max_memory_mb",
            &Self::MAX_MEMORY_MB,
            self.max_memory_mb,
        ));
        out
    }
}

impl Pricing {
    /// vCPUs of one always-on server.
    pub const SERVER_VCPUS: RangeInclusive<u32> = 1..=u32::MAX;
    /// The share of its vCPUs a sized server may be busy.
    pub const SERVER_TARGET_UTILISATION: RangeInclusive<f64> = 0.05..=1.0;
    /// Shortest billed execution, ms (Azure Flex bills at least 1,000 ms).
    pub const FUNCTION_MIN_BILLED_MS: RangeInclusive<u64> = 0..=3_600_000;
    /// Billed memory is rounded up to a multiple of this, MB (Azure Consumption: 128).
    pub const FUNCTION_MEMORY_STEP_MB: RangeInclusive<u32> = 1..=10_240;

    /// What is wrong with the price table's server alternative and billing rules (prices
    /// are checked by validation, field by field).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(outside(
            "pricing.function_min_billed_ms",
            &Self::FUNCTION_MIN_BILLED_MS,
            self.function_min_billed_ms,
        ));
        out.extend(outside(
            "pricing.function_memory_step_mb",
            &Self::FUNCTION_MEMORY_STEP_MB,
            self.function_memory_step_mb,
        ));
        if !Self::SERVER_VCPUS.contains(&self.server_vcpus) {
            out.push("pricing.server_vcpus must be at least 1".to_owned());
        }
        out.extend(outside_f64(
            "pricing.server_target_utilisation",
            &Self::SERVER_TARGET_UTILISATION,
            self.server_target_utilisation,
        ));
        if self.server_instance.chars().count() > MAX_NAME_CHARS
            || self.server_instance.chars().any(char::is_control)
        {
            out.push(format!(
                "pricing.server_instance must be a name of at most {MAX_NAME_CHARS} characters without line breaks"
            ));
        }
        out
    }
}

impl ClientParams {
    /// What is wrong with the client's parameters.
    pub fn problems(&self) -> Vec<String> {
        self.arrival
            .problem()
            .map(|m| format!("arrival: {m}"))
            .into_iter()
            .collect()
    }
}

impl HttpApiParams {
    /// Highest steady rate limit, requests per second (any rate above 0 up to it).
    pub const MAX_RATE_LIMIT_RPS: f64 = 10_000_000.0;
    /// Requests accepted at once above the steady rate (token-bucket size).
    pub const BURST: RangeInclusive<u32> = 0..=10_000_000;
    /// How long the gateway waits for its backend, ms: the widest range any API allows (its
    /// flavour and endpoint may allow less, see `max_integration_timeout_ms`).
    pub const INTEGRATION_TIMEOUT_MS: RangeInclusive<u64> = FunctionParams::TIMEOUT_MS;
    /// Latency the gateway itself adds, ms.
    pub const OVERHEAD_MS: RangeInclusive<f64> = 0.0..=60_000.0;

    /// What is wrong with the API's parameters.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let rps = self.rate_limit_rps;
        if !(rps.is_finite() && rps > 0.0 && rps <= Self::MAX_RATE_LIMIT_RPS) {
            out.push(format!(
                "rate_limit_rps must be between 0 and {} (got {rps})",
                Self::MAX_RATE_LIMIT_RPS
            ));
        }
        out.extend(outside("burst", &Self::BURST, self.burst));
        let max_timeout = self.max_integration_timeout_ms();
        if self.integration_timeout_ms == 0 || self.integration_timeout_ms > max_timeout {
            let which = match (self.flavor, self.endpoint) {
                (ApiFlavor::Http, _) => "an HTTP API",
                (ApiFlavor::Rest, ApiEndpoint::EdgeOptimized) => {
                    "an edge-optimized REST API (only Regional and private REST APIs can wait longer than 29 s)"
                }
                (ApiFlavor::Rest, ApiEndpoint::Regional | ApiEndpoint::Private) => {
                    "a Regional or private REST API"
                }
            };
            out.push(format!(
                "integration_timeout_ms must be between 1 and {max_timeout} for {which} (got {})",
                self.integration_timeout_ms
            ));
        }
        out.extend(outside_f64(
            "overhead_ms",
            &Self::OVERHEAD_MS,
            self.overhead_ms,
        ));
        out
    }
}

impl ScheduleParams {
    /// Interval of a rate schedule, ms (at least 1 s).
    pub const EVERY_MS: RangeInclusive<u64> = 1_000..=MAX_RUN_MS;

    /// What is wrong with the schedule.
    pub fn problems(&self) -> Vec<String> {
        match &self.trigger {
            ScheduleTrigger::Rate { every_ms } => outside("every_ms", &Self::EVERY_MS, *every_ms)
                .into_iter()
                .collect(),
            ScheduleTrigger::Cron { expression } => Cron::parse(expression)
                .err()
                .map(|m| format!("cron expression {:?}: {m}", truncate(expression)))
                .into_iter()
                .collect(),
        }
    }
}

impl BucketParams {
    /// What is wrong with the bucket's parameters.
    pub fn problems(&self) -> Vec<String> {
        [
            distribution_problem("notification_delay", &self.notification_delay),
            probability_problem("duplicate_probability", self.duplicate_probability),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl TableParams {
    /// Time a writer waits for a write to complete, ms.
    pub const WRITE_LATENCY_MS: RangeInclusive<f64> = 0.0..=60_000.0;
    /// Shards of the change stream.
    pub const STREAM_SHARDS: RangeInclusive<u32> = 1..=1_000;

    /// What is wrong with the table's parameters.
    pub fn problems(&self) -> Vec<String> {
        [
            distribution_problem("stream_delay", &self.stream_delay),
            probability_problem("duplicate_probability", self.duplicate_probability),
            outside_f64(
                "write_latency_ms",
                &Self::WRITE_LATENCY_MS,
                self.write_latency_ms,
            ),
            outside("stream_shards", &Self::STREAM_SHARDS, self.stream_shards),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl QueueParams {
    /// How long a received message stays hidden, ms (at most 12 h).
    pub const VISIBILITY_TIMEOUT_MS: RangeInclusive<u64> = 0..=43_200_000;
    /// How long a message is kept, ms (1 minute to 14 days).
    pub const RETENTION_MS: RangeInclusive<u64> = 60_000..=1_209_600_000;
    /// Receives before a message moves to the dead-letter queue.
    pub const MAX_RECEIVE_COUNT: RangeInclusive<u32> = 1..=1_000;
    /// Delay before a new message becomes visible, ms (at most 15 minutes).
    pub const DELIVERY_DELAY_MS: RangeInclusive<u64> = 0..=900_000;
    /// Depth at which the canvas shows the queue as full, messages.
    pub const DEPTH_ALARM: RangeInclusive<u64> = 1..=u64::MAX;
    /// Most messages a FIFO queue delivers in one batch.
    pub const FIFO_MAX_BATCH: u32 = 10;
    /// Message groups producers use (FIFO).
    pub const MESSAGE_GROUPS: RangeInclusive<u32> = 1..=10_000;

    /// What is wrong with the queue's parameters.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(outside(
            "visibility_timeout_ms",
            &Self::VISIBILITY_TIMEOUT_MS,
            self.visibility_timeout_ms,
        ));
        out.extend(outside(
            "retention_ms",
            &Self::RETENTION_MS,
            self.retention_ms,
        ));
        if let Some(n) = self.max_receive_count {
            out.extend(outside("max_receive_count", &Self::MAX_RECEIVE_COUNT, n));
        }
        out.extend(outside(
            "delivery_delay_ms",
            &Self::DELIVERY_DELAY_MS,
            self.delivery_delay_ms,
        ));
        out.extend(outside("depth_alarm", &Self::DEPTH_ALARM, self.depth_alarm));
        out.extend(outside(
            "message_groups",
            &Self::MESSAGE_GROUPS,
            self.message_groups,
        ));
        out.extend(probability_problem(
            "duplicate_probability",
            self.duplicate_probability,
        ));
        out
    }
}

impl TopicParams {
    /// What is wrong with the topic's parameters.
    pub fn problems(&self) -> Vec<String> {
        distribution_problem("delivery_delay", &self.delivery_delay)
            .into_iter()
            .collect()
    }
}

impl Scaling {
    /// Environments of a legacy burst, and added per minute after it.
    pub const LEGACY_ENVIRONMENTS: RangeInclusive<u32> = 1..=100_000;
    /// Environments added per step of custom scaling.
    pub const CUSTOM_STEP: RangeInclusive<u32> = 1..=100_000;
    /// Time between steps of custom scaling, ms.
    pub const CUSTOM_EVERY_MS: RangeInclusive<u64> = 1..=3_600_000;

    /// What is wrong with the scaling parameters.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        match *self {
            Scaling::Standard => {}
            Scaling::LegacyBurst {
                initial,
                per_minute,
            } => {
                let range = Self::LEGACY_ENVIRONMENTS;
                out.extend(outside("scaling.initial", &range, initial));
                out.extend(outside("scaling.per_minute", &range, per_minute));
            }
            Scaling::Custom {
                environments,
                every_ms,
            } => {
                out.extend(outside(
                    "scaling.environments",
                    &Self::CUSTOM_STEP,
                    environments,
                ));
                out.extend(outside(
                    "scaling.every_ms",
                    &Self::CUSTOM_EVERY_MS,
                    every_ms,
                ));
            }
        }
        out
    }
}

impl AsyncRetry {
    /// Retries of a failed asynchronous invocation.
    pub const MAX_RETRIES: RangeInclusive<u32> = 0..=2;
    /// Retry n waits n times this long, ms.
    pub const RETRY_DELAY_MS: RangeInclusive<u64> = 0..=3_600_000;
    /// Oldest an async event may get, ms (1 minute to 6 hours).
    pub const MAX_EVENT_AGE_MS: RangeInclusive<u64> = 60_000..=21_600_000;

    /// What is wrong with the retry settings.
    pub fn problems(&self) -> Vec<String> {
        let longer = (self.retry_delay_ms > self.max_event_age_ms)
            .then(|| "retry.retry_delay_ms is longer than retry.max_event_age_ms".to_owned());
        [
            outside("retry.max_retries", &Self::MAX_RETRIES, self.max_retries),
            outside(
                "retry.retry_delay_ms",
                &Self::RETRY_DELAY_MS,
                self.retry_delay_ms,
            ),
            outside(
                "retry.max_event_age_ms",
                &Self::MAX_EVENT_AGE_MS,
                self.max_event_age_ms,
            ),
            longer,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl FunctionParams {
    /// Memory of each environment on AWS Lambda, MB (other providers' choices are in their
    /// [`Profile`](super::provider::Profile)).
    pub const MEMORY_MB: RangeInclusive<u32> = 128..=10_240;
    /// Longest an invocation may run on AWS Lambda, ms (900 s).
    pub const TIMEOUT_MS: RangeInclusive<u64> = 1..=900_000;
    /// How long an idle environment is kept warm, ms (at most a day).
    pub const KEEP_ALIVE_MS: RangeInclusive<u64> = 0..=86_400_000;
    /// The CPU-bound share of a duration (0: all waiting on I/O, 1: all computing).
    pub const CPU_BOUND: RangeInclusive<f64> = 0.0..=1.0;
    /// Threads the computing share can use (Lambda's largest size has 6 vCPUs, Cloud Run's 8).
    pub const THREADS: RangeInclusive<u32> = 1..=64;
    /// Requests one instance serves at once, when set (the provider's limit applies too).
    pub const CONCURRENCY: RangeInclusive<u32> = 1..=1_000;

    /// What is wrong with the function's own parameters in an AWS project (see
    /// [`FunctionParams::problems_on`]).
    pub fn problems(&self) -> Vec<String> {
        self.problems_on(Provider::Aws)
    }

    /// What is wrong with the function's own parameters in a project on `project_provider`:
    /// memory, timeout, warm instances and per-instance concurrency are checked against the
    /// function's provider (its own, else the project's). The account's limit is checked
    /// with the project.
    pub fn problems_on(&self, project_provider: Provider) -> Vec<String> {
        let mut out = self.provider_problems(self.provider_in(project_provider));
        if let Some(r) = self.reserved_concurrency
            && self.provisioned_concurrency > r
        {
            out.push(format!(
                "provisioned_concurrency ({}) exceeds reserved_concurrency ({r})",
                self.provisioned_concurrency
            ));
        }
        out.extend(self.scaling.problems());
        out.extend(distribution_problem("cold_start", &self.cold_start));
        out.extend(distribution_problem("duration", &self.duration));
        out.extend(outside(
            "keep_alive_ms",
            &Self::KEEP_ALIVE_MS,
            self.keep_alive_ms,
        ));
        out.extend(probability_problem(
            "error_probability",
            self.error_probability,
        ));
        out.extend(self.retry.problems());
        out.extend(outside_f64("cpu_bound", &Self::CPU_BOUND, self.cpu_bound));
        out.extend(outside("threads", &Self::THREADS, self.threads));
        out
    }

    /// Memory, timeout, warm instances and per-instance concurrency against `provider`'s
    /// limits. AWS's messages name only the numbers (as before providers existed); others
    /// name the product.
    fn provider_problems(&self, provider: Provider) -> Vec<String> {
        let profile = provider.profile();
        let mut out = Vec::new();
        let on = match provider {
            Provider::Aws => String::new(),
            Provider::Gcp | Provider::AzureFlex | Provider::AzureConsumption => {
                format!(" on {}", profile.product)
            }
        };
        if !profile.memory.allows(self.memory_mb) {
            out.push(format!(
                "memory_mb must be {}{on} (got {})",
                profile.memory.describe(),
                self.memory_mb
            ));
        }
        let max_timeout = profile.max_timeout_ms.unwrap_or(MAX_RUN_MS);
        out.extend(outside(
            &format!("timeout_ms{on}"),
            &(1..=max_timeout),
            self.timeout_ms,
        ));
        if self.provisioned_concurrency > 0 && profile.rates.warm_per_gb_s == 0.0 {
            out.push(format!(
                "{} has no {}: provisioned_concurrency must be 0 (got {})",
                profile.product, profile.names.warm_instances, self.provisioned_concurrency
            ));
        }
        if let Some(n) = self.concurrency {
            let max = profile.max_concurrency.min(*Self::CONCURRENCY.end());
            out.extend(outside(&format!("concurrency{on}"), &(1..=max), n));
        }
        out
    }
}

impl NodeKind {
    /// What is wrong with the node's parameters, whatever its kind, in an AWS project.
    pub fn problems(&self) -> Vec<String> {
        self.problems_on(Provider::Aws)
    }

    /// What is wrong with the node's parameters in a project on `project_provider`.
    pub fn problems_on(&self, project_provider: Provider) -> Vec<String> {
        match self {
            NodeKind::Client(p) => p.problems(),
            NodeKind::HttpApi(p) => p.problems(),
            NodeKind::Schedule(p) => p.problems(),
            NodeKind::Bucket(p) => p.problems(),
            NodeKind::Table(p) => p.problems(),
            NodeKind::Queue(p) => p.problems(),
            NodeKind::Topic(p) => p.problems(),
            NodeKind::Function(p) => p.problems_on(project_provider),
        }
    }
}

impl Emit {
    /// Events sent each time a connection is used.
    pub const COUNT: RangeInclusive<u32> = 1..=1_000;

    /// What is wrong with what a connection emits.
    pub fn problems(&self) -> Vec<String> {
        [
            probability_problem("emit.probability", self.probability),
            outside("emit.count", &Self::COUNT, self.count),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl EventSourceMapping {
    /// Most records per invocation.
    pub const BATCH_SIZE: RangeInclusive<u32> = 1..=10_000;
    /// How long the poller waits to fill a batch, ms (at most 300 s).
    pub const BATCH_WINDOW_MS: RangeInclusive<u64> = 0..=300_000;
    /// Cap on concurrent invocations from one mapping.
    pub const MAX_CONCURRENCY: RangeInclusive<u32> = 2..=1_000;
    /// Streams: batches read from each shard at once.
    pub const PARALLELIZATION_FACTOR: RangeInclusive<u32> = 1..=10;
    /// Streams: retries of a failed record before it is discarded.
    pub const MAXIMUM_RETRY_ATTEMPTS: RangeInclusive<u32> = 0..=10_000;
    /// Streams: oldest a record may be when sent, ms (1 minute to 7 days).
    pub const MAXIMUM_RECORD_AGE_MS: RangeInclusive<u64> = 60_000..=604_800_000;

    /// What is wrong with the mapping's batch settings.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(outside("batch_size", &Self::BATCH_SIZE, self.batch_size));
        out.extend(outside(
            "batch_window_ms",
            &Self::BATCH_WINDOW_MS,
            self.batch_window_ms,
        ));
        if let Some(c) = self.max_concurrency {
            out.extend(outside("max_concurrency", &Self::MAX_CONCURRENCY, c));
        }
        out.extend(outside(
            "parallelization_factor",
            &Self::PARALLELIZATION_FACTOR,
            self.parallelization_factor,
        ));
        if let Some(n) = self.maximum_retry_attempts {
            out.extend(outside(
                "maximum_retry_attempts",
                &Self::MAXIMUM_RETRY_ATTEMPTS,
                n,
            ));
        }
        if let Some(age) = self.maximum_record_age_ms
            && !Self::MAXIMUM_RECORD_AGE_MS.contains(&age)
        {
            out.push(format!(
                "maximum_record_age_ms must be between 1 minute and 7 days (got {age})"
            ));
        }
        out
    }
}

impl RetryPolicy {
    /// Retries after a failed delivery to a subscriber.
    pub const MAX_RETRIES: RangeInclusive<u32> = 0..=100;
    /// Delay before the first retry, ms.
    pub const INITIAL_DELAY_MS: RangeInclusive<u64> = 0..=3_600_000;
    /// Each further delay is the previous one times this.
    pub const BACKOFF_FACTOR: RangeInclusive<f64> = 1.0..=10.0;

    /// What is wrong with a subscription's retry policy.
    pub fn problems(&self) -> Vec<String> {
        [
            outside("retry.max_retries", &Self::MAX_RETRIES, self.max_retries),
            outside(
                "retry.initial_delay_ms",
                &Self::INITIAL_DELAY_MS,
                self.initial_delay_ms,
            ),
            outside_f64(
                "retry.backoff_factor",
                &Self::BACKOFF_FACTOR,
                self.backoff_factor,
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KindTag;

    #[test]
    fn cpu_bound_is_a_share() {
        for (v, fine) in [
            (0.0, true),
            (1.0, true),
            (0.4, true),
            (-0.1, false),
            (1.1, false),
            (f64::NAN, false),
        ] {
            let f = FunctionParams {
                cpu_bound: v,
                ..FunctionParams::default()
            };
            assert_eq!(f.problems().is_empty(), fine, "cpu_bound {v}");
        }
    }

    #[test]
    fn every_kind_is_fine_with_its_defaults() {
        for kind in KindTag::ALL {
            assert_eq!(
                kind.default_kind().problems(),
                Vec::<String>::new(),
                "{kind:?}"
            );
        }
        assert!(RunSettings::default().problems().is_empty());
        assert!(Emit::default().problems().is_empty());
        assert!(EventSourceMapping::default().problems().is_empty());
        assert!(RetryPolicy::default().problems().is_empty());
    }

    /// Every limit of a function: at each end of its range fine, just outside a problem
    /// naming the field.
    #[test]
    fn a_function_is_checked_at_both_ends_of_every_limit() {
        type Set = fn(&mut FunctionParams, u64);
        let limits: [(&str, RangeInclusive<u64>, Set); 8] = [
            (
                "threads",
                u64::from(*FunctionParams::THREADS.start())
                    ..=u64::from(*FunctionParams::THREADS.end()),
                |f, v| f.threads = v as u32,
            ),
            (
                "concurrency",
                u64::from(*FunctionParams::CONCURRENCY.start())
                    ..=u64::from(*FunctionParams::CONCURRENCY.end()),
                |f, v| {
                    // Cloud Run allows the most per instance.
                    f.provider = Some(Provider::Gcp);
                    f.memory_mb = 2_048;
                    f.timeout_ms = 60_000;
                    f.concurrency = Some(v as u32);
                },
            ),
            (
                "memory_mb",
                u64::from(*FunctionParams::MEMORY_MB.start())
                    ..=u64::from(*FunctionParams::MEMORY_MB.end()),
                |f, v| f.memory_mb = v as u32,
            ),
            ("timeout_ms", FunctionParams::TIMEOUT_MS, |f, v| {
                f.timeout_ms = v
            }),
            ("keep_alive_ms", FunctionParams::KEEP_ALIVE_MS, |f, v| {
                f.keep_alive_ms = v
            }),
            (
                "retry.max_retries",
                u64::from(*AsyncRetry::MAX_RETRIES.start())
                    ..=u64::from(*AsyncRetry::MAX_RETRIES.end()),
                |f, v| f.retry.max_retries = v as u32,
            ),
            (
                "retry.retry_delay_ms",
                AsyncRetry::RETRY_DELAY_MS,
                |f, v| {
                    f.retry.retry_delay_ms = v;
                    f.retry.max_event_age_ms = *AsyncRetry::MAX_EVENT_AGE_MS.end();
                },
            ),
            (
                "retry.max_event_age_ms",
                AsyncRetry::MAX_EVENT_AGE_MS,
                |f, v| f.retry.max_event_age_ms = v,
            ),
        ];
        for (field, range, set) in limits {
            let below = range.start().checked_sub(1).map(|v| (v, false));
            let ends = [
                (*range.start(), true),
                (*range.end(), true),
                (range.end() + 1, false),
            ];
            for (v, fine) in ends.into_iter().chain(below) {
                let mut f = FunctionParams::default();
                set(&mut f, v);
                let problems = f.problems();
                if fine {
                    assert!(problems.is_empty(), "{field} = {v}: {problems:?}");
                } else {
                    assert!(
                        problems.iter().any(|p| p.contains(field)),
                        "{field} = {v}: {problems:?}"
                    );
                }
            }
        }
    }
}
