//! A step's check: conditions on live metrics (node and run metrics, comparisons with the
//! step's start, between nodes, windowed values, alarms), their units and how they read in
//! words.

use super::*;

/// A condition on live metrics; when it holds, the step is done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Check {
    /// A node's metric compared with a value.
    Node {
        /// The node.
        node: NodeId,
        /// What is measured.
        metric: NodeMetric,
        /// How it is compared.
        op: Cmp,
        /// With what.
        value: f64,
    },
    /// A node's metric rose by at least `by` since the step began.
    NodeGrows {
        /// The node.
        node: NodeId,
        /// What is measured.
        metric: NodeMetric,
        /// Least rise.
        by: f64,
    },
    /// A run-wide metric (ledger, cost, time) compared with a value.
    Run {
        /// What is measured.
        metric: RunMetric,
        /// How it is compared.
        op: Cmp,
        /// With what.
        value: f64,
    },
    /// A run-wide metric rose by at least `by` since the step began.
    RunGrows {
        /// What is measured.
        metric: RunMetric,
        /// Least rise.
        by: f64,
    },
    /// A node's metric compared with `factor` × its value when the step began ("p99 ≤ 1.2 ×
    /// then").
    NodeVsStart {
        /// The node.
        node: NodeId,
        /// What is measured.
        metric: NodeMetric,
        /// How it is compared.
        op: Cmp,
        /// Multiplies the value at the step's start.
        factor: f64,
    },
    /// A node's metric compared with `factor` × the same metric of another node.
    NodeVsNode {
        /// The node.
        node: NodeId,
        /// What is measured (on both).
        metric: NodeMetric,
        /// How it is compared.
        op: Cmp,
        /// The other node.
        other: NodeId,
        /// Multiplies the other node's value.
        factor: f64,
    },
    /// A node's metric rose by at most `by` since the step began (a growth limit).
    NodeGrowsAtMost {
        /// The node.
        node: NodeId,
        /// What is measured.
        metric: NodeMetric,
        /// Most rise.
        by: f64,
    },
    /// A run-wide metric compared with `factor` × another run-wide metric ("cost per day <
    /// 0.5 × the server's").
    RunVsRun {
        /// What is measured.
        metric: RunMetric,
        /// How it is compared.
        op: Cmp,
        /// The other metric.
        other: RunMetric,
        /// Multiplies the other metric.
        factor: f64,
    },
    /// A run-wide metric compared with `factor` × its value when the step began.
    RunVsStart {
        /// What is measured.
        metric: RunMetric,
        /// How it is compared.
        op: Cmp,
        /// Multiplies the value at the step's start.
        factor: f64,
    },
    /// A run-wide metric rose by at most `by` since the step began (a growth limit).
    RunGrowsAtMost {
        /// What is measured.
        metric: RunMetric,
        /// Most rise.
        by: f64,
    },
    /// At least this many simulated seconds passed since the step began (for steps that
    /// only explain, or to let a run settle).
    Elapsed {
        /// Seconds.
        seconds: f64,
    },
    /// An alarm of the project is in `state` now.
    Alarm {
        /// The alarm's name.
        alarm: String,
        /// The state it must be in.
        state: crate::model::AlarmState,
    },
    /// Every check holds (an empty list holds).
    All(Vec<Check>),
    /// At least one check holds (an empty list never holds).
    Any(Vec<Check>),
}

impl Check {
    /// Every node the check reads, in order of appearance.
    pub fn nodes(&self) -> Vec<&NodeId> {
        let mut out = Vec::new();
        self.collect_nodes(&mut out);
        out
    }

    /// Every alarm the check reads, by name, in order of appearance.
    pub fn alarms(&self) -> Vec<&str> {
        match self {
            Check::Alarm { alarm, .. } => vec![alarm.as_str()],
            Check::All(cs) | Check::Any(cs) => cs.iter().flat_map(Check::alarms).collect(),
            Check::Node { .. }
            | Check::NodeGrows { .. }
            | Check::NodeVsStart { .. }
            | Check::NodeVsNode { .. }
            | Check::NodeGrowsAtMost { .. }
            | Check::Run { .. }
            | Check::RunGrows { .. }
            | Check::RunVsRun { .. }
            | Check::RunVsStart { .. }
            | Check::RunGrowsAtMost { .. }
            | Check::Elapsed { .. } => Vec::new(),
        }
    }

    fn collect_nodes<'a>(&'a self, out: &mut Vec<&'a NodeId>) {
        match self {
            Check::Node { node, .. }
            | Check::NodeGrows { node, .. }
            | Check::NodeVsStart { node, .. }
            | Check::NodeGrowsAtMost { node, .. } => out.push(node),
            Check::NodeVsNode { node, other, .. } => {
                out.push(node);
                out.push(other);
            }
            Check::Run { .. }
            | Check::RunGrows { .. }
            | Check::RunVsRun { .. }
            | Check::RunVsStart { .. }
            | Check::RunGrowsAtMost { .. }
            | Check::Elapsed { .. }
            | Check::Alarm { .. } => {}
            Check::All(cs) | Check::Any(cs) => {
                for c in cs {
                    c.collect_nodes(out);
                }
            }
        }
    }

    /// The check in words, naming nodes by their display names in `graph` ("Orders queue:
    /// messages waiting above 100"), as `eventloom lesson` and handouts print it.
    pub fn describe(&self, graph: &crate::model::Graph) -> String {
        let node = |n: &NodeId| graph.node_label(n);
        match self {
            Check::Node {
                node: n,
                metric,
                op,
                value,
            } => format!(
                "{}: {} {} {}",
                node(n),
                metric.words(),
                op.words(),
                metric.unit().format(*value)
            ),
            Check::NodeGrows {
                node: n,
                metric,
                by,
            } => format!(
                "{}: {} rises by at least {} during the step",
                node(n),
                metric.words(),
                metric.unit().format(*by)
            ),
            Check::NodeGrowsAtMost {
                node: n,
                metric,
                by,
            } => format!(
                "{}: {} rises by at most {} during the step",
                node(n),
                metric.words(),
                metric.unit().format(*by)
            ),
            Check::NodeVsStart {
                node: n,
                metric,
                op,
                factor,
            } => format!(
                "{}: {} {} {} its value when the step began",
                node(n),
                metric.words(),
                op.words(),
                times(*factor)
            ),
            Check::NodeVsNode {
                node: n,
                metric,
                op,
                other,
                factor,
            } => format!(
                "{}: {} {} {} that of {}",
                node(n),
                metric.words(),
                op.words(),
                times(*factor),
                node(other)
            ),
            Check::Run { metric, op, value } => format!(
                "{} {} {}",
                metric.words(),
                op.words(),
                metric.unit().format(*value)
            ),
            Check::RunGrows { metric, by } => format!(
                "{} rise by at least {} during the step",
                metric.words(),
                metric.unit().format(*by)
            ),
            Check::RunGrowsAtMost { metric, by } => format!(
                "{} rise by at most {} during the step",
                metric.words(),
                metric.unit().format(*by)
            ),
            Check::RunVsRun {
                metric,
                op,
                other,
                factor,
            } => format!(
                "{} {} {} {}",
                metric.words(),
                op.words(),
                times(*factor),
                other.words()
            ),
            Check::RunVsStart { metric, op, factor } => format!(
                "{} {} {} its value when the step began",
                metric.words(),
                op.words(),
                times(*factor)
            ),
            Check::Elapsed { seconds } => format!("{seconds:.0} s have passed"),
            Check::Alarm { alarm, state } => format!("alarm '{alarm}' is in {}", state.label()),
            Check::All(cs) if cs.is_empty() => "nothing more".to_owned(),
            Check::All(cs) => cs
                .iter()
                .map(|c| c.describe(graph))
                .collect::<Vec<_>>()
                .join(", and "),
            Check::Any(cs) if cs.is_empty() => "never".to_owned(),
            Check::Any(cs) => format!(
                "either {}",
                cs.iter()
                    .map(|c| c.describe(graph))
                    .collect::<Vec<_>>()
                    .join(", or ")
            ),
        }
    }

    /// Whether the check only waits for time (an `Elapsed`, or only those combined): it
    /// proves nothing about the run.
    pub fn only_waits(&self) -> bool {
        match self {
            Check::Elapsed { .. } => true,
            Check::All(cs) | Check::Any(cs) => cs.iter().all(Check::only_waits),
            Check::Node { .. }
            | Check::NodeGrows { .. }
            | Check::NodeVsStart { .. }
            | Check::NodeVsNode { .. }
            | Check::NodeGrowsAtMost { .. }
            | Check::Run { .. }
            | Check::RunGrows { .. }
            | Check::RunVsRun { .. }
            | Check::RunVsStart { .. }
            | Check::RunGrowsAtMost { .. }
            | Check::Alarm { .. } => false,
        }
    }

    /// Why the numbers are unusable (non-finite thresholds, negative seconds), or `None`.
    pub fn problem(&self) -> Option<String> {
        match self {
            Check::Node { value, .. } | Check::Run { value, .. } => (!value.is_finite())
                .then(|| format!("the value compared with must be a finite number (got {value})")),
            Check::NodeGrows { by, .. }
            | Check::RunGrows { by, .. }
            | Check::NodeGrowsAtMost { by, .. }
            | Check::RunGrowsAtMost { by, .. } => (!(by.is_finite() && *by >= 0.0))
                .then(|| format!("`by` must be a number ≥ 0 (got {by})")),
            Check::NodeVsStart { factor, .. }
            | Check::NodeVsNode { factor, .. }
            | Check::RunVsRun { factor, .. }
            | Check::RunVsStart { factor, .. } => (!(factor.is_finite() && *factor >= 0.0))
                .then(|| format!("`factor` must be a number ≥ 0 (got {factor})")),
            Check::Elapsed { seconds } => (!(seconds.is_finite()
                && (0.0..=MAX_STEP_S as f64).contains(seconds)))
            .then(|| format!("seconds must be between 0 and {MAX_STEP_S} (got {seconds})")),
            Check::Alarm { .. } => None,
            Check::All(cs) | Check::Any(cs) => cs.iter().find_map(Check::problem),
        }
    }
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    /// Strictly greater.
    Above,
    /// Greater or equal.
    AtLeast,
    /// Strictly less.
    Below,
    /// Less or equal.
    AtMost,
    /// Equal (within 1e-9).
    Equals,
}

impl Cmp {
    /// Whether `measured op value` holds.
    pub fn holds(self, measured: f64, value: f64) -> bool {
        match self {
            Cmp::Above => measured > value,
            Cmp::AtLeast => measured >= value,
            Cmp::Below => measured < value,
            Cmp::AtMost => measured <= value,
            Cmp::Equals => (measured - value).abs() <= 1e-9,
        }
    }

    /// The operator in words ("above", "at most").
    pub fn words(self) -> &'static str {
        match self {
            Cmp::Above => "above",
            Cmp::AtLeast => "at least",
            Cmp::Below => "below",
            Cmp::AtMost => "at most",
            Cmp::Equals => "equal to",
        }
    }

    /// The operator as a symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Above => ">",
            Cmp::AtLeast => "≥",
            Cmp::Below => "<",
            Cmp::AtMost => "≤",
            Cmp::Equals => "=",
        }
    }
}

/// "1.2 ×" (or "" for 1).
fn times(factor: f64) -> String {
    if (factor - 1.0).abs() < 1e-12 {
        String::new()
    } else {
        format!("{factor} ×")
    }
}

/// How a value is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A count (whole number).
    Count,
    /// Per second.
    PerSecond,
    /// Milliseconds.
    Ms,
    /// Seconds.
    Seconds,
    /// Percent.
    Percent,
    /// US dollars.
    Usd,
}

impl Unit {
    /// `v` formatted with this unit ("1,153", "12.5/s", "21,984 ms", "3.2 %", "$0.0042").
    pub fn format(self, v: f64) -> String {
        // Rounded to a whole number (an f64 beyond u64 saturates), sign apart.
        let whole = || {
            let sign = if v.round() < 0.0 { "-" } else { "" };
            let digits = crate::model::describe::group_digits(v.abs().round() as u64);
            format!("{sign}{digits}")
        };
        match self {
            Unit::Count if v.is_finite() => whole(),
            Unit::Ms if v.is_finite() => format!("{} ms", whole()),
            Unit::Count => format!("{v:.0}"),
            Unit::Ms => format!("{v:.0} ms"),
            Unit::PerSecond => format!("{v:.1}/s"),
            Unit::Seconds => format!("{v:.0} s"),
            Unit::Percent => format!("{v:.1} %"),
            Unit::Usd if v.abs() >= 1.0 => format!("${v:.2}"),
            Unit::Usd => format!("${v:.4}"),
        }
    }
}

macro_rules! metric_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal, $unit:ident, $words:literal;)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every metric, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// Its name in placeholders.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// What it is, in words for people ("99th percentile latency (last second)").
            pub fn words(self) -> &'static str {
                match self {
                    $($name::$variant => $words,)*
                }
            }

            /// How its values are shown.
            pub fn unit(self) -> Unit {
                match self {
                    $($name::$variant => Unit::$unit,)*
                }
            }

            /// The metric called `name` in placeholders.
            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|m| m.name() == name)
            }
        }
    };
}

metric_enum!(
    /// A metric of one node, read from the live snapshot. Totals count from the run's start;
    /// "last second" metrics describe the last complete second.
    NodeMetric {
        /// Requests received so far.
        Invocations = "invocations", Count, "requests so far";
        /// Finished successfully so far.
        Completions = "completions", Count, "completions so far";
        /// Failed so far.
        Errors = "errors", Count, "errors so far";
        /// Throttled or rate-limited so far.
        Throttles = "throttles", Count, "throttles so far";
        /// Retries and redeliveries so far.
        Retries = "retries", Count, "retries so far";
        /// Timeouts so far.
        Timeouts = "timeouts", Count, "timeouts so far";
        /// Cold starts so far.
        ColdStarts = "cold_starts", Count, "cold starts so far";
        /// Sent to a dead-letter queue or failure destination so far.
        DeadLettered = "dead_lettered", Count, "dead-lettered so far";
        /// Dropped here so far.
        Dropped = "dropped", Count, "dropped so far";
        /// Cost accrued so far, $.
        CostUsd = "cost", Usd, "cost so far";
        /// Errors per request so far, percent.
        ErrorPercent = "error_percent", Percent, "error share so far";
        /// Cold starts per invocation so far, percent.
        ColdStartPercent = "cold_start_percent", Percent, "cold-start share so far";
        /// Requests per second (last second).
        Rate = "rate", PerSecond, "requests per second (last second)";
        /// Failed or throttled share of requests (last second), percent.
        FailurePercent = "failure_percent", Percent, "failed or throttled share (last second)";
        /// Median latency (last second), ms.
        P50Ms = "p50_ms", Ms, "median latency (last second)";
        /// 99th percentile latency (last second), ms.
        P99Ms = "p99_ms", Ms, "p99 latency (last second)";
        /// 99th percentile latency over the last 60 s, ms: the highest per-second p99 the
        /// lesson saw in them (an upper bound; 0 only when nothing was served in a minute).
        /// Kept by the lesson runner from the snapshots it observed.
        P99Ms60 = "p99_60s_ms", Ms, "worst per-second p99 latency over the last 60 s";
        /// Requests per second over the last 60 s (kept by the lesson runner).
        Rate60 = "rate_60s", PerSecond, "requests per second over the last 60 s";
        /// Busy instances (functions) or in-flight messages (queues) now.
        Busy = "busy", Count, "busy instances now";
        /// Idle warm instances now.
        Idle = "idle", Count, "idle instances now";
        /// Messages waiting now (queues).
        Depth = "depth", Count, "messages waiting";
        /// Most instances busy at once so far.
        BusyMax = "busy_max", Count, "most instances busy at once";
        /// Oldest message age seen, ms (queues).
        OldestAgeMs = "oldest_age_ms", Ms, "oldest message age";
        /// Version new requests go to (functions).
        Version = "version", Count, "version serving new requests";
        /// Share of traffic on the version being deployed, percent (0 when no deploy shifts).
        ShiftPercent = "shift_percent", Percent, "traffic share of the new version";
        /// Faults in force on the node.
        Faults = "faults", Count, "faults in force";
    }
);

metric_enum!(
    /// A metric of the whole run: time, the ledger and cost.
    RunMetric {
        /// Simulated time so far, s.
        TimeS = "run.time_s", Seconds, "simulated time";
        /// Faults in force.
        Faults = "run.faults", Count, "faults in force";
        /// Messages that entered from clients and schedules.
        Entered = "ledger.entered", Count, "events that entered";
        /// Messages completed.
        Completed = "ledger.completed", Count, "events completed";
        /// Messages in a dead-letter queue or failure destination.
        DeadLettered = "ledger.dead_lettered", Count, "events in a dead-letter queue";
        /// Messages dropped for any reason.
        Dropped = "ledger.dropped", Count, "events dropped";
        /// Dropped: throttled.
        Throttled = "ledger.throttled", Count, "events dropped as throttled";
        /// Dropped: rejected by a rate limit.
        Rejected = "ledger.rejected", Count, "events rejected by a rate limit";
        /// Dropped: expired.
        Expired = "ledger.expired", Count, "events expired";
        /// Dropped: failed with nothing to catch the failure.
        Failed = "ledger.failed", Count, "events failed with nothing to catch them";
        /// Dropped: lost to an injected fault.
        LostToFaults = "ledger.lost_to_faults", Count, "events lost to faults";
        /// Still in flight.
        InFlight = "ledger.in_flight", Count, "events in flight";
        /// Total cost so far, $.
        CostUsd = "cost.total", Usd, "total cost so far";
        /// Cost per million requests that entered, $.
        CostPerMillionUsd = "cost.per_million", Usd, "cost per million requests";
        /// Cost projected to a day, $.
        CostPerDayUsd = "cost.per_day", Usd, "cost per day (projected from the recent cost window)";
        /// The always-on server alternative, $ per day.
        ServerPerDayUsd = "server.per_day", Usd, "always-on servers per day";
        /// Servers the always-on alternative needs for the peak load of the cost window.
        ServerCount = "server.count", Count, "servers the peak load needs";
        /// Functions (requests and duration) projected to a day, $: the Lambda line, plus
        /// the function lines of any other provider in the design.
        LambdaPerDayUsd = "cost.lambda.per_day", Usd, "Lambda cost per day";
        /// Lambda provisioned concurrency per day, $.
        ProvisionedPerDayUsd = "cost.provisioned.per_day", Usd, "provisioned concurrency cost per day";
        /// API Gateway projected to a day, $.
        ApiPerDayUsd = "cost.api.per_day", Usd, "API Gateway cost per day";
        /// SQS projected to a day, $.
        SqsPerDayUsd = "cost.sqs.per_day", Usd, "SQS cost per day";
        /// Cost since the current step began, $ (kept by the lesson runner; the whole run's
        /// cost where no step start is known): what one scheduled job cost, say.
        StepCostUsd = "cost.this_step", Usd, "cost since this step began";
    }
);

#[cfg(test)]
mod tests {
    use super::Unit;

    #[test]
    fn whole_values_read_with_thousands_separators() {
        for (unit, v, text) in [
            (Unit::Ms, 21_984.4, "21,984 ms"),
            (Unit::Ms, 999.6, "1,000 ms"),
            (Unit::Ms, 12.0, "12 ms"),
            (Unit::Ms, -1_500.0, "-1,500 ms"),
            (Unit::Ms, -0.2, "0 ms"),
            (Unit::Ms, f64::NAN, "NaN ms"),
            (Unit::Count, 1_234_567.0, "1,234,567"),
            (Unit::Count, 0.0, "0"),
            (Unit::Count, f64::INFINITY, "inf"),
            (Unit::PerSecond, 12.46, "12.5/s"),
            (Unit::Usd, 0.0042, "$0.0042"),
        ] {
            assert_eq!(unit.format(v), text, "{unit:?} {v}");
        }
    }
}
