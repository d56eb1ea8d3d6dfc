//! `{NODE.METRIC}` and `{RUN_METRIC}` placeholders in step text: parsing text into segments
//! and what a placeholder names.

use super::*;

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
    pub fn words(&self, graph: &crate::model::Graph) -> String {
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
