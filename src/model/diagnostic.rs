//! Diagnostics: problems found in a project, addressed to the node or edge they concern.

use super::ids::{EdgeId, NodeId};
use std::fmt;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The project cannot run as written.
    Error,
    /// It runs, but an expert would change it.
    Warning,
}

/// What a diagnostic is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// The project as a whole (settings, pricing, …).
    Project,
    /// One node.
    Node(NodeId),
    /// One edge.
    Edge(EdgeId),
}

/// One problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable short name of the rule, e.g. `visibility-timeout`.
    pub code: &'static str,
    /// What it concerns.
    pub subject: Subject,
    /// One sentence saying what is wrong and, where it helps, what to do.
    pub message: String,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: &'static str, subject: Subject, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            subject,
            message: shorten(message.into()),
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, subject: Subject, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            code,
            subject,
            message: shorten(message.into()),
        }
    }

    /// The node it concerns, if any.
    pub fn node(&self) -> Option<&NodeId> {
        match &self.subject {
            Subject::Node(n) => Some(n),
            Subject::Project | Subject::Edge(_) => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Project => f.write_str("project"),
            Subject::Node(n) => write!(f, "node \"{}\"", truncate(n.as_str())),
            Subject::Edge(e) => write!(f, "edge \"{}\"", truncate(e.as_str())),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `error: node "resize": message [code]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {} [{}]",
            self.severity, self.subject, self.message, self.code
        )
    }
}

/// Longest diagnostic message kept, in characters; longer ones (an id a hostile file made
/// huge, quoted in the message) are cut in the middle.
pub const MAX_MESSAGE_CHARS: usize = 600;

/// Cuts `message` to [`MAX_MESSAGE_CHARS`], keeping its start and end.
pub fn shorten(message: String) -> String {
    let n = message.chars().count();
    if n <= MAX_MESSAGE_CHARS {
        return message;
    }
    let head: String = message.chars().take(MAX_MESSAGE_CHARS / 2).collect();
    let tail: String = message.chars().skip(n - MAX_MESSAGE_CHARS / 4).collect();
    format!(
        "{head} … ({} characters cut) … {tail}",
        n - MAX_MESSAGE_CHARS / 2 - MAX_MESSAGE_CHARS / 4
    )
}

/// Shortens text that a hostile file made huge, so messages stay readable.
pub fn truncate(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}… ({} characters)", s.chars().count())
    }
}

/// Whether any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}
