//! The diagnostics panel: errors and design warnings, live; clicking one shows its subject.

use super::theme;
use crate::model::{Diagnostic, Project, Severity, Subject};
use crate::ui::message::Action;

/// What a diagnostic is about, in words ("Order queue", "Orders API → Checkout (sync
/// invoke)", "project").
pub fn subject_label(project: &Project, subject: &Subject) -> String {
    match subject {
        Subject::Project => "project".to_owned(),
        Subject::Node(id) => super::names::node_name(project, id),
        Subject::Edge(id) => super::names::edge_name(project, id),
    }
}

/// The text of one diagnostic row (also its accessible name).
pub fn row_text(project: &Project, d: &Diagnostic) -> String {
    format!(
        "{} {}: {} [{}]",
        theme::severity_icon(d.severity),
        subject_label(project, &d.subject),
        d.message,
        d.code
    )
}

/// The panel.
pub fn diagnostics_ui(
    ui: &mut egui::Ui,
    diagnostics: &[Diagnostic],
    project: &Project,
    actions: &mut Vec<Action>,
) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    ui.horizontal(|ui| {
        ui.strong("Diagnostics");
        ui.label(format!("{errors} error(s), {warnings} warning(s)"));
    });
    if diagnostics.is_empty() {
        ui.label(egui::RichText::new("No problems found").weak());
        // Keep the panel's height: it is resizable and remembered.
        ui.allocate_space(ui.available_size());
        return;
    }
    // Only the rows in view are laid out: a big project can have hundreds of warnings.
    let row_height =
        ui.text_style_height(&egui::TextStyle::Button) + ui.spacing().button_padding.y * 2.0;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, row_height, diagnostics.len(), |ui, rows| {
            for d in &diagnostics[rows] {
                let text = egui::RichText::new(row_text(project, d))
                    .color(theme::severity_color(d.severity));
                let r = ui.add(
                    egui::Button::selectable(false, text).wrap_mode(egui::TextWrapMode::Truncate),
                );
                if r.on_hover_text(&d.message).clicked() {
                    actions.push(Action::ShowSubject(d.subject.clone()));
                }
            }
        });
}
