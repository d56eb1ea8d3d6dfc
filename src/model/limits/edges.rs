//! The limits and checks of a connection's settings: emission, event-source mappings,
//! subscription retry policies.

use super::*;

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
