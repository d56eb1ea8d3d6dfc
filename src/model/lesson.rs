//! Guided lessons: ordered steps a project file may carry, each with text tied to live
//! numbers, the nodes it talks about, an optional action and a check on live metrics that
//! advances to the next step. Pure data; the runner lives in `crate::lesson`.
//!
//! Step text may contain placeholders replaced by live values when shown:
//! `{NODE.METRIC}` for a node metric (e.g. `{orders-queue.depth}`, `{api.p99_ms}`; metric
//! names are [`NodeMetric::name`]) and `{RUN_METRIC}` for the run as a whole (e.g.
//! `{cost.per_million}`, `{ledger.dropped}`; names are [`RunMetric::name`]). `{{` and `}}`
//! write literal braces.

use super::deploy::DeployStrategy;
use super::distribution::Distribution;
use super::fault::Fault;
use super::ids::NodeId;
use super::node::FunctionParams;
use super::workload::Arrival;
use serde::{Deserialize, Serialize};

/// Longest a step may wait for its check, simulated seconds (one day).
pub const MAX_STEP_S: u64 = 86_400;

/// A guided lesson: a title, a summary for the example gallery, and ordered steps.
///
/// Fields added after the first release (`takeaway`, `exercise`, `instructor_notes`, a
/// step's `question`, `awaits` and notes) are optional: older files load, and unset fields
/// are not written, so files stay canonical.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Shown atop the lesson panel and in the gallery.
    pub title: String,
    /// One or two sentences on what the lesson teaches (gallery card).
    #[serde(default)]
    pub summary: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
    /// What the learner should keep, in a sentence or two (shown when the lesson ends).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub takeaway: String,
    /// Homework: answers (reference values, correct choices, reveal texts) stay hidden.
    #[serde(default, skip_serializing_if = "is_false")]
    pub exercise: bool,
    /// Real-platform caveats for the lecturer, shown only in the instructor view.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub instructor_notes: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Short heading.
    pub title: String,
    /// A few sentences; may contain `{…}` placeholders for live values.
    pub text: String,
    /// Nodes the step talks about (highlighted on the canvas).
    #[serde(default)]
    pub focus: Vec<NodeId>,
    /// What the user is asked to do ("Show me" performs it), in order; may be empty.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Met ⇒ the lesson moves on to the next step.
    pub check: Check,
    /// Simulated seconds the check is expected to take at most, from the step's start.
    #[serde(default = "default_within_s")]
    pub within_s: u64,
    /// A question asked before the step shows its outcome (the reveal and "Show me" wait
    /// for an answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
    /// Something the learner does in the editor (open a panel, pick a trace, select a node):
    /// the step is met when they do it (and its check holds); when `within_s` passes first
    /// the step moves on, recorded as skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awaits: Option<UiEvent>,
    /// Caveats for the lecturer about this step (instructor view only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub instructor_notes: String,
}

/// A question a step asks before it shows its outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// What is asked ("What will the p99 of Checkout be once the fault is in?").
    pub prompt: String,
    /// How it is answered.
    pub answer: Answer,
    /// Shown once the learner answered; may contain `{…}` placeholders.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reveal: String,
}

/// How a question is answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    /// A number, compared with what the run measures when the step ends: the text of a
    /// placeholder without braces (`"checkout.p99_ms"`, `"cost.per_day"`).
    Number {
        /// The value the answer is compared with.
        measure: String,
        /// An answer within this percentage of the measured value counts as close.
        tolerance_percent: f64,
    },
    /// One of several choices.
    Choice {
        /// The choices, in order.
        options: Vec<String>,
        /// Index of the right one.
        correct: usize,
    },
}

/// A run panel of the editor a lesson may ask the learner to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunPanel {
    /// The dashboard (plots of the watched nodes).
    Dashboard,
    /// The log tail.
    Logs,
    /// The sampled traces.
    Traces,
}

impl RunPanel {
    /// Its tab's name.
    pub fn label(self) -> &'static str {
        match self {
            RunPanel::Dashboard => "Dashboard",
            RunPanel::Logs => "Logs",
            RunPanel::Traces => "Traces",
        }
    }
}

/// Something the learner does in the editor that a lesson step can wait for (the editor
/// reports these to the lesson as they happen).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UiEvent {
    /// A run panel was opened (its tab chosen).
    OpenPanel(RunPanel),
    /// A trace was opened (its waterfall shown).
    PickTrace,
    /// A node was selected on the canvas (or from a log line or span).
    SelectNode(NodeId),
}

impl UiEvent {
    /// What the learner is asked to do, naming a node by its id ("open the Traces panel").
    pub fn words(&self) -> String {
        match self {
            UiEvent::OpenPanel(p) => format!("open the {} panel", p.label()),
            UiEvent::PickTrace => "pick a trace".to_owned(),
            UiEvent::SelectNode(n) => format!("select {n}"),
        }
    }

    /// What the learner is asked to do, in words ("Open the Traces panel").
    pub fn label(&self, graph: &super::Graph) -> String {
        match self {
            UiEvent::OpenPanel(p) => format!("Open the {} panel", p.label()),
            UiEvent::PickTrace => "Pick a trace to see its waterfall".to_owned(),
            UiEvent::SelectNode(n) => format!("Select {}", graph.node_label(n)),
        }
    }
}

fn default_within_s() -> u64 {
    60
}

/// Something a step asks for (and "Show me" or `eventloom lesson --auto` performs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Start (or resume) the run. Headless runs are always running.
    Run,
    /// Pause the run. Headless runs ignore it.
    Pause,
    /// Inject a fault now.
    InjectFault(Fault),
    /// Clear every fault in force.
    ClearFaults,
    /// Change a client's workload from now on.
    SetWorkload {
        /// The client.
        node: NodeId,
        /// Its new arrival process.
        arrival: Arrival,
    },
    /// Deploy a new version of a function: its parameters in the project with `changes`.
    Deploy {
        /// The function.
        node: NodeId,
        /// What differs from the parameters written in the project.
        changes: FunctionChanges,
        /// How traffic moves to the new version.
        strategy: DeployStrategy,
    },
    /// Return a function to its previous version at once.
    Rollback {
        /// The function.
        node: NodeId,
    },
}

impl Action {
    /// The node this action is about, if any.
    pub fn node(&self) -> Option<&NodeId> {
        match self {
            Action::SetWorkload { node, .. }
            | Action::Deploy { node, .. }
            | Action::Rollback { node } => Some(node),
            Action::InjectFault(f) => match &f.target {
                super::fault::FaultTarget::Node(n) => Some(n),
                super::fault::FaultTarget::Edge(_) => None,
            },
            Action::Run | Action::Pause | Action::ClearFaults => None,
        }
    }

    /// A short imperative label naming nodes and edges as the canvas shows them, by the
    /// display names of `graph` ("Inject outage on Payment service").
    pub fn label(&self, graph: &super::Graph) -> String {
        match self {
            Action::Run => "Run".to_owned(),
            Action::Pause => "Pause".to_owned(),
            Action::InjectFault(f) => {
                let on = match &f.target {
                    super::fault::FaultTarget::Node(n) => graph.node_label(n),
                    super::fault::FaultTarget::Edge(e) => graph.edge_label(e),
                };
                format!("Inject {} on {on}", f.kind.label())
            }
            Action::ClearFaults => "Clear all faults".to_owned(),
            Action::SetWorkload { node, .. } => {
                format!("Change the workload of {}", graph.node_label(node))
            }
            Action::Deploy { node, strategy, .. } => format!(
                "Deploy a new version of {} ({})",
                graph.node_label(node),
                strategy.label()
            ),
            Action::Rollback { node } => format!("Roll back {}", graph.node_label(node)),
        }
    }
}

/// Parameter changes for a new function version; unset fields keep the project's values.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FunctionChanges {
    /// Memory, MB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_mb: Option<u32>,
    /// Timeout, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Keep-alive of idle environments, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_alive_ms: Option<u64>,
    /// Cold-start duration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cold_start: Option<Distribution>,
    /// Execution duration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<Distribution>,
    /// Probability that an invocation fails, 0–1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_probability: Option<f64>,
}

impl FunctionChanges {
    /// `base` with these changes applied.
    pub fn apply_to(&self, base: &FunctionParams) -> FunctionParams {
        let mut p = base.clone();
        if let Some(v) = self.memory_mb {
            p.memory_mb = v;
        }
        if let Some(v) = self.timeout_ms {
            p.timeout_ms = v;
        }
        if let Some(v) = self.keep_alive_ms {
            p.keep_alive_ms = v;
        }
        if let Some(v) = &self.cold_start {
            p.cold_start = v.clone();
        }
        if let Some(v) = &self.duration {
            p.duration = v.clone();
        }
        if let Some(v) = self.error_probability {
            p.error_probability = v;
        }
        p
    }
}

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
        state: super::alarm::AlarmState,
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
    pub fn describe(&self, graph: &super::Graph) -> String {
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
    /// `v` formatted with this unit ("153", "12.5/s", "240 ms", "3.2 %", "$0.0042").
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Count => format!("{v:.0}"),
            Unit::PerSecond => format!("{v:.1}/s"),
            Unit::Ms => format!("{v:.0} ms"),
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
        /// Lambda (requests and duration) projected to a day, $.
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

/// Why the text between braces names no value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlaceholderError {
    /// Neither a run metric nor `NODE.METRIC`.
    #[error(
        "{{{0}}} names no value: write {{NODE.METRIC}} (e.g. {{queue.depth}}) or a run metric such as {{cost.per_million}}"
    )]
    NoValue(String),
    /// `NODE.METRIC` whose metric is not a node metric.
    #[error(
        "{{{text}}}: \"{metric}\" is not a node metric (one of {})",
        NodeMetric::ALL.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ")
    )]
    NotANodeMetric {
        /// The text between braces.
        text: String,
        /// The part after the last dot.
        metric: String,
    },
}

/// A value a placeholder stands for.
#[derive(Clone, Debug, PartialEq)]
pub enum Placeholder {
    /// A node's metric (`{orders-queue.depth}`).
    Node(NodeId, NodeMetric),
    /// A run-wide metric (`{cost.per_million}`).
    Run(RunMetric),
}

impl Placeholder {
    /// How its values are shown.
    pub fn unit(&self) -> Unit {
        match self {
            Placeholder::Node(_, m) => m.unit(),
            Placeholder::Run(m) => m.unit(),
        }
    }

    /// What it stands for, in words, naming the node by its display name in `graph`.
    pub fn words(&self, graph: &super::Graph) -> String {
        match self {
            Placeholder::Node(n, m) => format!("{}: {}", graph.node_label(n), m.words()),
            Placeholder::Run(m) => m.words().to_owned(),
        }
    }

    /// Parses the text between braces.
    pub fn parse(s: &str) -> Result<Placeholder, PlaceholderError> {
        let s = s.trim();
        if let Some(m) = RunMetric::from_name(s) {
            return Ok(Placeholder::Run(m));
        }
        let Some((node, metric)) = s.rsplit_once('.') else {
            return Err(PlaceholderError::NoValue(s.to_owned()));
        };
        match NodeMetric::from_name(metric) {
            Some(m) if !node.is_empty() => Ok(Placeholder::Node(NodeId::new(node), m)),
            Some(_) | None => Err(PlaceholderError::NotANodeMetric {
                text: s.to_owned(),
                metric: metric.to_owned(),
            }),
        }
    }
}

/// A piece of step text: literal text or a placeholder (or a placeholder that did not parse,
/// with the reason).
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// Shown as is.
    Text(String),
    /// Replaced by a live value.
    Value(Placeholder),
    /// `{…}` that names no value: the raw text and why.
    Invalid(String, PlaceholderError),
}

/// Splits step text into literal pieces and placeholders. `{{` and `}}` are literal braces; an
/// unclosed `{` is literal text.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        lit.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            lit.push_str(&tail[..1]);
            rest = &tail[2..];
        } else if let Some(stripped) = tail.strip_prefix('{')
            && let Some(end) = stripped.find('}')
        {
            if !lit.is_empty() {
                out.push(Segment::Text(std::mem::take(&mut lit)));
            }
            let inner = &stripped[..end];
            out.push(match Placeholder::parse(inner) {
                Ok(p) => Segment::Value(p),
                Err(why) => Segment::Invalid(inner.to_owned(), why),
            });
            rest = &stripped[end + 1..];
        } else {
            lit.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        out.push(Segment::Text(lit));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_parse() {
        assert_eq!(
            segments("the queue holds {orders-queue.depth} messages"),
            vec![
                Segment::Text("the queue holds ".into()),
                Segment::Value(Placeholder::Node("orders-queue".into(), NodeMetric::Depth)),
                Segment::Text(" messages".into()),
            ]
        );
        assert_eq!(
            segments("{cost.per_million}"),
            vec![Segment::Value(Placeholder::Run(
                RunMetric::CostPerMillionUsd
            ))]
        );
        assert_eq!(
            segments("{{literal}} and { open"),
            vec![Segment::Text("{literal} and { open".into())]
        );
        assert!(matches!(
            segments("{api.nonsense}")[0],
            Segment::Invalid(_, _)
        ));
        assert!(matches!(segments("{depth}")[0], Segment::Invalid(_, _)));
        assert!(matches!(segments("{.depth}")[0], Segment::Invalid(_, _)));
        // Multi-byte text around braces never splits a character.
        assert_eq!(segments("é{ü"), vec![Segment::Text("é{ü".into())]);
    }

    #[test]
    fn metric_names_are_unique_and_round_trip() {
        for m in NodeMetric::ALL {
            assert_eq!(NodeMetric::from_name(m.name()), Some(*m));
        }
        for m in RunMetric::ALL {
            assert_eq!(RunMetric::from_name(m.name()), Some(*m));
        }
    }

    #[test]
    fn comparisons() {
        assert!(Cmp::Above.holds(2.0, 1.0));
        assert!(!Cmp::Above.holds(1.0, 1.0));
        assert!(Cmp::AtLeast.holds(1.0, 1.0));
        assert!(Cmp::Below.holds(0.0, 1.0));
        assert!(Cmp::AtMost.holds(1.0, 1.0));
        assert!(Cmp::Equals.holds(0.0, 0.0));
        assert!(!Cmp::Equals.holds(0.1, 0.0));
    }

    #[test]
    fn changes_apply_to_base() {
        let base = FunctionParams::default();
        let c = FunctionChanges {
            memory_mb: Some(1024),
            error_probability: Some(0.5),
            ..FunctionChanges::default()
        };
        let p = c.apply_to(&base);
        assert_eq!(p.memory_mb, 1024);
        assert_eq!(p.error_probability, 0.5);
        assert_eq!(p.timeout_ms, base.timeout_ms);
    }
}
