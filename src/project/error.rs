//! Load errors: where (path, line:column) and what was expected.

use std::fmt;
use std::path::PathBuf;

/// Why a project file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read at all.
    #[error("cannot read the file: {source}: {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a valid project (syntax, types, unknown names, duplicates).
    #[error("{}{line}:{col}: {message}", PathPrefix(path, ""))]
    Parse {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What was wrong and what was expected.
        message: String,
    },
    /// The file's `format_version` cannot be read by this build.
    #[error("{}{message}", PathPrefix(path, " "))]
    Version {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// The version found.
        found: u32,
        /// Why it is refused.
        message: String,
    },
    /// Anything else about the file (too large, a folder, …).
    #[error("{}: {message}", path.display())]
    Other {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// `path:` then `sep`, or nothing without a path.
struct PathPrefix<'a>(&'a Option<PathBuf>, &'static str);

impl fmt::Display for PathPrefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(p) => write!(f, "{}:{}", p.display(), self.1),
            None => Ok(()),
        }
    }
}

impl LoadError {
    /// The same error, naming `path`.
    pub fn at(self, path: &std::path::Path) -> Self {
        match self {
            LoadError::Parse {
                line, col, message, ..
            } => LoadError::Parse {
                path: Some(path.to_owned()),
                line,
                col,
                message,
            },
            LoadError::Version { found, message, .. } => LoadError::Version {
                path: Some(path.to_owned()),
                found,
                message,
            },
            e @ (LoadError::Io { .. } | LoadError::Other { .. }) => e,
        }
    }

    /// Line and column of a parse error.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match self {
            LoadError::Parse { line, col, .. } => Some((*line, *col)),
            LoadError::Io { .. } | LoadError::Version { .. } | LoadError::Other { .. } => None,
        }
    }
}
