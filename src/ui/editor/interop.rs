//! File → Export (AWS SAM template, diagrams) and File → Import (SAM or CloudFormation
//! template): the editor's shell over `crate::interop`, and the notice dialog that says
//! what an export left out or an import skipped.

use super::{Editor, Notice};
use crate::interop::{self, ImportError, LiveNumbers, read::MAX_TEMPLATE_BYTES};
use crate::model::{KindTag, Severity, validate};
use crate::ui::message::DesignExport;
use crate::ui::shell::dialogs::DialogKind;
use std::path::Path;

impl Editor {
    /// Asks where to write `export`; a SAM template of a project with errors is refused
    /// first, with the errors.
    pub(super) fn export_design(&mut self, ctx: &egui::Context, export: DesignExport) {
        if export == DesignExport::Sam {
            let errors: Vec<String> = validate(&self.project)
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| format!("• {d}"))
                .collect();
            if !errors.is_empty() {
                self.error = Some(format!(
                    "Cannot export an AWS SAM template while the project has errors (the platform would refuse it):\n\n{}\n\nFix them (see Diagnostics) and export again.",
                    errors.join("\n")
                ));
                return;
            }
        }
        let name = export.file_name(&self.project.name);
        self.dialogs
            .request(ctx, DialogKind::Export(export), Some(name));
    }

    /// Writes `export` of the project to `path` (atomically); a SAM export then says in a
    /// dialog what the platform will and will not see.
    pub(super) fn export_design_to(&mut self, export: DesignExport, path: &Path) {
        let p = &self.project;
        let text = match export {
            DesignExport::Sam => match interop::export_sam(p) {
                Ok(text) => text,
                Err(e) => {
                    self.error = Some(format!("Could not export a SAM template.\n\n{e}"));
                    self.set_status("Could not export a SAM template", true);
                    return;
                }
            },
            DesignExport::Svg => {
                let live = self
                    .live
                    .as_ref()
                    .and_then(|r| r.report.as_deref())
                    .map(LiveNumbers::from_report);
                interop::to_svg(p, live.as_ref())
            }
            DesignExport::Mermaid => interop::to_mermaid(p),
            DesignExport::Dot => interop::to_dot(p),
        };
        if let Err(e) = crate::project::write_atomic(path, text.as_bytes()) {
            self.error = Some(format!(
                "Could not write the export: {e}: {}",
                path.display()
            ));
            return;
        }
        self.set_status(format!("Exported {}", path.display()), false);
        if export == DesignExport::Sam {
            self.notice = Some(Notice {
                title: "AWS SAM template exported".to_owned(),
                lines: sam_notes(&self.project, path),
            });
        }
    }

    /// Asks for a template to import (after the unsaved-changes question).
    pub(super) fn import(&mut self, ctx: &egui::Context) {
        self.dialogs.request(ctx, DialogKind::Import, None);
    }

    /// Imports the template at `path` as a new, unsaved project and lists what was skipped;
    /// a template that cannot be read is shown with its path and line:column.
    pub(super) fn import_from(&mut self, path: &Path) {
        let bytes = match read_template_file(path) {
            Ok(b) => b,
            Err(e) => {
                self.error = Some(format!("Could not import the template.\n\n{e}"));
                self.set_status("Could not import the template", true);
                return;
            }
        };
        let imported = match interop::import_template(&bytes) {
            Ok(i) => i,
            Err(e) => {
                self.error = Some(format!(
                    "Could not import the template.\n\n{}",
                    import_error_line(path, &e)
                ));
                self.set_status("Could not import the template", true);
                return;
            }
        };
        let mut project = imported.project;
        if project.name == "Imported template"
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            project.name = format!("Imported from {stem}");
        }
        let (nodes, edges) = (project.graph.nodes.len(), project.graph.edges.len());
        self.set_project(project, None);
        // A new project that exists nowhere yet: closing asks to save it.
        self.dirty = true;
        let mut lines = vec![format!(
            "{nodes} node{} and {edges} edge{} from {}, laid out left to right. It is a new project: save it to keep it.",
            plural(nodes),
            plural(edges),
            path.display()
        )];
        if imported.warnings.is_empty() {
            lines.push("Nothing was skipped.".to_owned());
        } else {
            lines.push(format!("Skipped or guessed ({}):", imported.warnings.len()));
            lines.extend(imported.warnings.iter().map(|w| format!("• {w}")));
        }
        self.notice = Some(Notice {
            title: "Template imported".to_owned(),
            lines,
        });
        self.set_status(
            format!("Imported {} ({nodes} nodes)", path.display()),
            false,
        );
    }
}

/// The template's bytes, refusing folders and files over the importer's limit before
/// reading them.
fn read_template_file(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(format!("{shown}: is a folder, not a template")),
        Ok(m) if m.len() > MAX_TEMPLATE_BYTES as u64 => {
            let e =
                interop::read::ReadError::TooLarge(usize::try_from(m.len()).unwrap_or(usize::MAX));
            Err(format!("{shown}: {e}"))
        }
        Ok(_) => std::fs::read(path).map_err(|e| format!("{shown}: {e}")),
        Err(e) => Err(format!("{shown}: {e}")),
    }
}

/// `FILE:LINE:COL: message` for a syntax error, `FILE: message` otherwise.
pub fn import_error_line(path: &Path, e: &ImportError) -> String {
    let file = path.display();
    match e {
        ImportError::Read(interop::read::ReadError::Syntax { line, col, message }) => {
            format!("{file}:{line}:{col}: {message}")
        }
        ImportError::Read(_)
        | ImportError::ProjectFile
        | ImportError::NotATemplate(_)
        | ImportError::Cycle(_)
        | ImportError::NothingUsable(_) => format!("{file}: {e}"),
    }
}

/// What a SAM export means for the platform, in sentences.
fn sam_notes(project: &crate::model::Project, path: &Path) -> Vec<String> {
    let count = |k: KindTag| {
        project
            .graph
            .nodes
            .values()
            .filter(|n| n.kind.tag() == k)
            .count()
    };
    let clients = count(KindTag::Client);
    let functions = count(KindTag::Function);
    let mut lines = vec![
        format!("Written to {}.", path.display()),
        format!(
            "The platform sees {functions} function{} with their triggers, the queues, topics, buckets, tables and APIs, and least-privilege permissions for every write.",
            plural(functions)
        ),
        "Function code is a placeholder (inline Python): replace it before `sam deploy`."
            .to_owned(),
        format!(
            "Kept under Metadata: Eventloom, which the platform ignores: {clients} client{} and {} workloads, simulated durations, cold starts and errors, faults, expectations, the lesson and positions — so importing the template gives this project back exactly.",
            plural(clients),
            if clients == 1 { "its" } else { "their" }
        ),
    ];
    for d in validate(project) {
        if d.code == "event-loop" {
            lines.push(format!(
                "CloudFormation may refuse this template as circular (cfn-lint E3004): {d}"
            ));
        }
    }
    lines
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
