//! The limits and checks of each node kind's parameters (clients, APIs, schedules, buckets,
//! tables, queues, topics, functions and their scaling and retries).

use super::*;

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
