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

mod edges;
mod nodes;

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
