//! Project files: the RON format, its version envelope and migrations, atomic saves and
//! load errors that say where and what.
//!
//! # Compatibility policy
//! - Every file starts with `format_version`. A file of the current version is read directly.
//! - A file of an older supported version is migrated in memory when read and written in the
//!   current version on the next save. A file of a newer version is refused with a message
//!   saying so (it was written by a newer Eventloom), never half-read.
//! - Within a version, missing fields take their documented defaults; an unknown field or
//!   enum variant (a typo, or a feature of a newer build) is an error at its line and column
//!   listing what was expected, because dropping it silently would lose the user's work.

mod error;
mod format;
pub mod synthetic;

pub use error::LoadError;
pub use format::{FORMAT_VERSION, MIN_FORMAT_VERSION, from_ron_str, to_ron_string};

use crate::model::Project;
use std::io::Write;
use std::path::Path;

/// Largest project file read, in bytes (a 1,000-node project is well under 1 MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads and parses a project file. Validation is separate ([`crate::model::validate`]).
pub fn load(path: &Path) -> Result<Project, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_owned(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(LoadError::Other {
            path: path.to_owned(),
            message: "is a folder, not a project file".to_owned(),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(LoadError::Other {
            path: path.to_owned(),
            message: format!(
                "is {} MB; project files are at most {} MB",
                meta.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    from_ron_bytes(&bytes).map_err(|e| e.at(path))
}

/// Parses project text held in memory (e.g. a file's bytes); errors carry no path.
pub fn from_ron_bytes(bytes: &[u8]) -> Result<Project, LoadError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = line_col(&bytes[..e.valid_up_to()]);
            return Err(LoadError::Parse {
                path: None,
                line,
                col,
                message: "the file is not UTF-8 text (is it a project file?)".to_owned(),
            });
        }
    };
    from_ron_str(text)
}

/// Line and column (1-based) just after `prefix`.
fn line_col(prefix: &[u8]) -> (usize, usize) {
    let text = String::from_utf8_lossy(prefix);
    let line = text.matches('\n').count() + 1;
    let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Writes `project` to `path` atomically: the text goes to a temporary file in the same
/// folder, is flushed to disk, then renamed over the target, so a crash mid-save leaves
/// either the old file or the new one, never a broken one. Works on Windows too (the rename
/// replaces the existing file).
pub fn save(project: &Project, path: &Path) -> Result<(), std::io::Error> {
    let text = to_ron_string(project);
    write_atomic(path, text.as_bytes())
}

/// Writes bytes to `path` atomically (see [`save`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), std::io::Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".eventloom-save-").suffix(".tmp");
    // A new file gets what any new file gets (0666 less the umask), not a temporary file's
    // owner-only 0600. (Windows has no mode bits: nothing to do there.)
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    // A file that is replaced keeps its permissions.
    if let Ok(old) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(old.permissions())?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col(b""), (1, 1));
        assert_eq!(line_col(b"ab\ncd"), (2, 3));
    }

    #[test]
    fn atomic_save_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, "old").unwrap();
        save(&Project::default(), &path).unwrap();
        let back = load(&path).unwrap();
        assert_eq!(back, Project::default());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    /// A saved file is not left owner-only: a new one gets a new file's mode (as
    /// `std::fs::write` makes it under the same umask), a replaced one keeps its own.
    #[cfg(unix)]
    #[test]
    fn atomic_save_keeps_the_permissions_a_user_expects() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "x").unwrap();
        let new = dir.path().join("new.ron");
        write_atomic(&new, b"x").unwrap();
        assert_eq!(mode(&new), mode(&plain));
        for kept in [0o640, 0o604, 0o600] {
            let old = dir.path().join(format!("old-{kept:o}.ron"));
            std::fs::write(&old, "old").unwrap();
            std::fs::set_permissions(&old, std::fs::Permissions::from_mode(kept)).unwrap();
            write_atomic(&old, b"new").unwrap();
            assert_eq!(mode(&old), kept, "{kept:o}");
            assert_eq!(std::fs::read(&old).unwrap(), b"new");
        }
    }
}
