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

mod check;
mod placeholder;
pub use check::*;
pub use placeholder::*;

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
