//! The RON text format: stable pretty output and the versioned read path.

use super::error::LoadError;
use crate::model::Project;
use ron::extensions::Extensions;
use serde::Deserialize;

pub use crate::model::FORMAT_VERSION;
/// The oldest format version this build reads (older ones are migrated on load).
pub const MIN_FORMAT_VERSION: u32 = 1;

/// Deepest nesting accepted while parsing; deeper input is refused, never a stack overflow.
const RECURSION_LIMIT: usize = 64;

fn extensions() -> Extensions {
    Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES
}

fn options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(extensions())
        .with_recursion_limit(RECURSION_LIMIT)
}

/// The canonical text of `project`: pretty RON, four-space indents, LF line ends, fields in
/// declaration order, maps in key order, and the current `format_version`. Loading this text
/// and writing it again gives the same bytes.
pub fn to_ron_string(project: &Project) -> String {
    let orphans = project
        .layout
        .positions
        .keys()
        .any(|k| !project.graph.nodes.contains_key(k));
    let needs_fix = orphans || project.format_version != FORMAT_VERSION;
    let fixed;
    let project = if needs_fix {
        let mut p = project.clone();
        p.format_version = FORMAT_VERSION;
        p.layout
            .positions
            .retain(|k, _| p.graph.nodes.contains_key(k));
        fixed = p;
        &fixed
    } else {
        project
    };
    let config = ron::ser::PrettyConfig::new()
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .extensions(extensions());
    let mut text = match ron::ser::to_string_pretty(project, config) {
        Ok(t) => t,
        // Serializing plain data structs to a string cannot fail; keep a readable fallback
        // rather than a panic should a future field make it possible.
        Err(e) => format!("// could not write the project: {e}\n"),
    };
    text.push('\n');
    text
}

/// Just enough of a file to learn its version before reading the rest.
#[derive(Deserialize)]
struct Envelope {
    format_version: Option<u32>,
}

/// Parses project text, migrating older format versions.
pub fn from_ron_str(text: &str) -> Result<Project, LoadError> {
    // Editors on Windows may start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(LoadError::Parse {
            path: None,
            line: 1,
            col: 1,
            message: "the file is empty: a project starts with `(format_version: 1, …)`".to_owned(),
        });
    }
    // Read the whole file as the current version first (one pass); only when that fails, or
    // the version is not ours, look at the envelope alone to say which version it is.
    let parsed: Result<Project, _> = options().from_str(text);
    let found = match &parsed {
        Ok(p) => p.format_version,
        Err(_) => match options().from_str::<Envelope>(text) {
            // Not even an envelope: a syntax error, reported where the untyped read found it.
            Err(syntax) => return Err(parse_error(syntax)),
            Ok(Envelope {
                format_version: None,
            }) => {
                return Err(LoadError::Version {
                    path: None,
                    found: 0,
                    message: "has no format_version: it is not an Eventloom project (the first field should be `format_version: 1`)".to_owned(),
                });
            }
            Ok(Envelope {
                format_version: Some(v),
            }) => v,
        },
    };
    if found > FORMAT_VERSION {
        return Err(LoadError::Version {
            path: None,
            found,
            message: format!(
                "was written by a newer Eventloom (format_version {found}); this build reads versions {MIN_FORMAT_VERSION} to {FORMAT_VERSION}: please update Eventloom"
            ),
        });
    }
    if found < MIN_FORMAT_VERSION {
        return Err(LoadError::Version {
            path: None,
            found,
            message: format!(
                "has format_version {found}, which never existed; versions start at {MIN_FORMAT_VERSION}"
            ),
        });
    }
    // Each older version gets a `vN` module with its structs and a conversion to the next
    // version here; version 1 is the first format, so nothing needs migrating yet.
    parsed.map_err(parse_error)
}

// ron::Error is a foreign, non-exhaustive enum: only two of its variants get our own words.
#[allow(clippy::wildcard_enum_match_arm)]
fn parse_error(e: ron::error::SpannedError) -> LoadError {
    let message = match &e.code {
        ron::Error::Eof => {
            "the file ends too early (unclosed bracket or missing value?)".to_owned()
        }
        ron::Error::ExceededRecursionLimit => {
            format!("nesting is deeper than {RECURSION_LIMIT} levels; no project needs that")
        }
        other => crate::model::shorten(
            other
                .to_string()
                .replace("struct `Envelope`", "the project")
                .replace("`Envelope`", "the project"),
        ),
    };
    LoadError::Parse {
        path: None,
        line: e.span.start.line,
        col: e.span.start.col,
        message,
    }
}
