//! Typed identifiers for nodes and edges.
//!
//! Ids are short, human-readable slugs (`"resize"`, `"upload-to-bucket"`) so project files
//! diff well and diagnostics read naturally. They are keys of ordered maps, which keeps every
//! iteration over a graph in a stable order.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// Creates an id from anything string-like.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(s)
            }
        }
    };
}

string_id!(
    /// Identifies a node within a project's graph.
    NodeId
);
string_id!(
    /// Identifies an edge within a project's graph.
    EdgeId
);

/// Longest id accepted by validation, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// Why an id is not acceptable, or `None` when it is.
///
/// Ids are 1–64 characters of ASCII letters, digits, `-`, `_` and `.`, so they survive in
/// file names, CSV columns and command lines unquoted.
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("an id must not be empty".to_owned());
    }
    if id.len() > MAX_ID_LEN {
        return Some(format!(
            "an id must be at most {MAX_ID_LEN} characters (this one has {})",
            id.len()
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(format!(
            "an id may only hold letters, digits, '-', '_' and '.' (found {c:?})"
        ));
    }
    None
}

/// Turns a display name into a valid id stem (`"Resize images"` → `"resize-images"`).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= MAX_ID_LEN - 8 {
            break;
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "node".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_makes_valid_ids() {
        assert_eq!(slug("Resize images"), "resize-images");
        assert_eq!(slug("  ??? "), "node");
        assert_eq!(id_problem(&slug(&"x".repeat(500))), None);
        assert_eq!(id_problem(&slug("Ünïcode name!")), None);
    }

    #[test]
    fn id_rules() {
        assert!(id_problem("").is_some());
        assert!(id_problem("a b").is_some());
        assert!(id_problem("resize_v2.fn-1").is_none());
    }
}
