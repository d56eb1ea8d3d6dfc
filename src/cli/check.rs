//! `eventloom check`: load and validate projects, print diagnostics compiler-style.

use crate::model::{Severity, validate};
use crate::project::{self, LoadError};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Checks every file, writing one line per diagnostic to `out`; returns the exit code
/// (1 when any file failed to load or has errors, or warnings with `deny_warnings`).
pub fn check_files(files: &[PathBuf], deny_warnings: bool, out: &mut dyn Write) -> ExitCode {
    let (mut errors, mut warnings, mut failed) = (0usize, 0usize, false);
    for path in files {
        let shown = path.display();
        match project::load(path) {
            Err(e) => {
                errors += 1;
                failed = true;
                let _ = writeln!(out, "{}", load_error_line(&e));
            }
            Ok(p) => {
                let mut diags = validate(&p);
                // The lesson lint's run-time part: only a project that runs can be linted.
                if p.lesson.is_some() && !diags.iter().any(|d| d.severity == Severity::Error) {
                    match crate::lesson::lint(&p) {
                        Ok(more) => diags.extend(more),
                        Err(e) => diags.push(crate::model::Diagnostic::error(
                            "lesson-cannot-run",
                            crate::model::Subject::Project,
                            e.to_string(),
                        )),
                    }
                }
                for d in &diags {
                    let _ = writeln!(out, "{shown}: {d}");
                }
                let e = diags
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                let w = diags.len() - e;
                if e > 0 || (deny_warnings && w > 0) {
                    failed = true;
                }
                if diags.is_empty() {
                    let _ = writeln!(out, "{shown}: ok");
                }
                errors += e;
                warnings += w;
            }
        }
    }
    let _ = writeln!(
        out,
        "checked {} file{}: {errors} error{}, {warnings} warning{}",
        files.len(),
        plural(files.len()),
        plural(errors),
        plural(warnings)
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `path:line:col: error: message`, the shape editors and CI logs link to.
pub fn load_error_line(e: &LoadError) -> String {
    match e {
        LoadError::Parse {
            path: Some(p),
            line,
            col,
            message,
        } => {
            format!("{}:{line}:{col}: error: {message}", p.display())
        }
        LoadError::Version {
            path: Some(p),
            message,
            ..
        } => format!("{}: error: {message}", p.display()),
        LoadError::Io { path, source } => {
            format!("{}: error: cannot read the file: {source}", path.display())
        }
        LoadError::Other { path, message } => format!("{}: error: {message}", path.display()),
        LoadError::Parse { path: None, .. } | LoadError::Version { path: None, .. } => {
            format!("error: {e}")
        }
    }
}

/// `eventloom fmt`: rewrites each file in canonical form (atomically), or with `check` only
/// lists the files that differ. Files that do not load are reported and left untouched.
pub fn fmt_files(files: &[PathBuf], check: bool) -> ExitCode {
    let mut failed = false;
    for path in files {
        let loaded = std::fs::read(path)
            .map_err(|source| LoadError::Io {
                path: path.clone(),
                source,
            })
            .and_then(|bytes| {
                project::from_ron_bytes(&bytes)
                    .map(|p| (bytes, p))
                    .map_err(|e| e.at(path))
            });
        match loaded {
            Err(e) => {
                failed = true;
                eprintln!("{}", load_error_line(&e));
            }
            Ok((bytes, p)) => {
                let text = project::to_ron_string(&p);
                if text.as_bytes() == bytes.as_slice() {
                    continue;
                }
                if check {
                    failed = true;
                    println!("{}: not in canonical format", path.display());
                } else if let Err(e) = project::write_atomic(path, text.as_bytes()) {
                    failed = true;
                    eprintln!("{}: error: cannot write: {e}", path.display());
                } else {
                    println!("{}: formatted", path.display());
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
