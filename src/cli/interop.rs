//! `eventloom export` (SAM template, SVG, Mermaid, DOT) and `eventloom import` (SAM or
//! CloudFormation template → project): thin shells over [`crate::interop`].

use super::check::load_error_line;
use crate::interop::{self, LiveNumbers, read::MAX_TEMPLATE_BYTES};
use crate::model::{Severity, validate};
use crate::project;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// What `eventloom export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// An AWS SAM template (YAML) that `sam deploy` accepts; imports back exactly.
    Sam,
    /// A self-contained SVG picture that looks like the canvas.
    Svg,
    /// A Mermaid flowchart for Markdown.
    Mermaid,
    /// A Graphviz DOT digraph.
    Dot,
}

/// Writes `text` to `path` atomically, or to `out` (standard output) for `-`; a failure is
/// reported on `err`.
fn write_out(path: &Path, text: &str, out: &mut dyn Write, err: &mut dyn Write) -> bool {
    let written = if path == Path::new("-") {
        out.write_all(text.as_bytes())
    } else {
        project::write_atomic(path, text.as_bytes())
    };
    match written {
        Ok(()) => true,
        Err(e) => {
            let _ = writeln!(err, "error: cannot write: {e}: {}", path.display());
            false
        }
    }
}

/// `eventloom export FILE --format F -o OUT [--live]`.
pub fn export_file(
    file: &Path,
    format: ExportFormat,
    out_path: &Path,
    live: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let p = match project::load(file) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(err, "{}", load_error_line(&e));
            return ExitCode::FAILURE;
        }
    };
    let errors: Vec<_> = validate(&p)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if (format == ExportFormat::Sam || live) && !errors.is_empty() {
        {
            for d in &errors {
                let _ = writeln!(err, "{}: {d}", file.display());
            }
            let _ = writeln!(
                err,
                "error: fix the project's errors before exporting it{}",
                if live {
                    " with live numbers"
                } else {
                    " as a template"
                }
            );
            return ExitCode::FAILURE;
        }
    }
    let text = match format {
        ExportFormat::Sam => match interop::export_sam(&p) {
            Ok(text) => text,
            Err(e) => {
                let _ = writeln!(err, "{}: error: {e}", file.display());
                return ExitCode::FAILURE;
            }
        },
        ExportFormat::Mermaid => interop::to_mermaid(&p),
        ExportFormat::Dot => interop::to_dot(&p),
        ExportFormat::Svg => {
            let numbers = if live {
                match super::run::run_to_report(&p) {
                    Ok(report) => Some(LiveNumbers::from_report(&report)),
                    Err(diags) => {
                        for d in &diags {
                            let _ = writeln!(err, "{}: {d}", file.display());
                        }
                        return ExitCode::FAILURE;
                    }
                }
            } else {
                None
            };
            interop::to_svg(&p, numbers.as_ref())
        }
    };
    if !write_out(out_path, &text, out, err) {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// `eventloom import TEMPLATE -o PROJECT [--force]`.
pub fn import_file(
    template: &Path,
    out_path: &Path,
    force: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let shown = template.display();
    if out_path.exists() && !force {
        let _ = writeln!(
            err,
            "error: {} exists; pass --force to replace it",
            out_path.display()
        );
        return ExitCode::FAILURE;
    }
    let bytes = match std::fs::metadata(template) {
        Ok(m) if m.is_dir() => {
            let _ = writeln!(err, "{shown}: error: is a folder, not a template");
            return ExitCode::FAILURE;
        }
        Ok(m) if m.len() > MAX_TEMPLATE_BYTES as u64 => {
            let e =
                interop::read::ReadError::TooLarge(usize::try_from(m.len()).unwrap_or(usize::MAX));
            let _ = writeln!(err, "{shown}: error: {e}");
            return ExitCode::FAILURE;
        }
        Ok(_) => match std::fs::read(template) {
            Ok(b) => b,
            Err(e) => {
                let _ = writeln!(err, "{shown}: error: {e}");
                return ExitCode::FAILURE;
            }
        },
        Err(e) => {
            let _ = writeln!(err, "{shown}: error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let imported = match interop::import_template(&bytes) {
        Ok(i) => i,
        Err(e) => {
            let _ = writeln!(err, "{}", error_line(&shown.to_string(), &e));
            return ExitCode::FAILURE;
        }
    };
    let mut project = imported.project;
    if project.name == "Imported template"
        && let Some(stem) = template.file_stem().and_then(|s| s.to_str())
    {
        project.name = format!("Imported from {stem}");
    }
    for w in &imported.warnings {
        let _ = writeln!(err, "{shown}: warning: {w}");
    }
    let diags = validate(&project);
    for d in &diags {
        let _ = writeln!(err, "{}: {d}", out_path.display());
    }
    if let Err(e) = project::save(&project, out_path) {
        let _ = writeln!(err, "error: cannot write: {e}: {}", out_path.display());
        return ExitCode::FAILURE;
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let _ = writeln!(
        out,
        "imported {} node{} and {} edge{} into {} ({} skipped or guessed, {errors} error{})",
        project.graph.nodes.len(),
        plural(project.graph.nodes.len()),
        project.graph.edges.len(),
        plural(project.graph.edges.len()),
        out_path.display(),
        imported.warnings.len(),
        plural(errors)
    );
    ExitCode::SUCCESS
}

/// `FILE:L:C: error: …` for syntax errors, `FILE: error: …` otherwise.
pub fn error_line(file: &str, e: &interop::ImportError) -> String {
    match e {
        interop::ImportError::Read(interop::read::ReadError::Syntax { line, col, message }) => {
            format!("{file}:{line}:{col}: error: {message}")
        }
        interop::ImportError::Read(_)
        | interop::ImportError::ProjectFile
        | interop::ImportError::NotATemplate(_)
        | interop::ImportError::Cycle(_)
        | interop::ImportError::NothingUsable(_) => format!("{file}: error: {e}"),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
