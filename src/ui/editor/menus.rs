//! The menu bar, the status bar and the modal dialogs (unsaved changes, errors, recovery,
//! the example gallery, the shortcut table).

use super::Editor;
use crate::model::{History, Severity};
use crate::ui::message::{Action, DesignExport, LessonAction};
use crate::ui::run::LessonPanel;
use crate::ui::shell::format::plural;
use crate::ui::shell::{files, gallery, shortcuts, theme};
use std::path::PathBuf;

impl Editor {
    /// File, Edit, View and Help.
    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) {
        let a = &mut self.actions;
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| file_menu_ui(ui, &self.recent, a));
            ui.menu_button("Edit", |ui| {
                let selected = !self.canvas.selection.is_empty();
                edit_menu_ui(ui, &self.history, selected, self.clipboard.is_some(), a);
            });
            ui.menu_button("View", |ui| {
                view_menu_ui(ui, self.lesson.as_ref(), self.present, a);
            });
            #[cfg(feature = "serve")]
            let serving = self.serving.is_some();
            #[cfg(not(feature = "serve"))]
            let serving = false;
            ui.menu_button("Run", |ui| run_menu_ui(ui, serving, a));
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard shortcuts").clicked() {
                    self.show_shortcuts = true;
                }
            });
        });
    }

    /// The last status message on the left, the counts and the zoom on the right.
    pub(super) fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            if let Some(s) = &self.status {
                let color = if s.is_error {
                    theme::severity_text(Severity::Error, ui.visuals().dark_mode)
                } else {
                    ui.visuals().text_color()
                };
                ui.label(egui::RichText::new(&s.text).color(color));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(format!("{:.0} %", self.canvas.zoom * 100.0));
                ui.separator();
                ui.label(format!(
                    "{} · {}",
                    plural(self.project.graph.nodes.len() as u64, "node"),
                    plural(self.project.graph.edges.len() as u64, "edge")
                ));
            });
        });
    }

    /// The modal dialogs, in the order they are asked: unsaved changes, an error, the
    /// recovery question, then the gallery (the start screen waits for the recovery answer)
    /// and the shortcut table.
    pub(super) fn modals_ui(&mut self, ctx: &egui::Context) {
        self.unsaved_ui(ctx);
        self.path_prompt_ui(ctx);
        #[cfg(feature = "serve")]
        self.serve_prompt_ui(ctx);
        if let Some(notice) = &self.notice {
            let r = egui::Modal::new(egui::Id::new("notice")).show(ctx, |ui| {
                ui.set_max_width(560.0);
                ui.heading(&notice.title);
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        for line in &notice.lines {
                            ui.label(line);
                        }
                    });
                ui.button("OK").clicked()
            });
            if r.inner || r.should_close() {
                self.notice = None;
            }
        }
        if let Some(err) = self.error.clone() {
            let r = egui::Modal::new(egui::Id::new("error")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading("Something went wrong");
                ui.label(err);
                ui.button("OK").clicked()
            });
            if r.inner || r.should_close() {
                self.error = None;
            }
        }
        if self.recovery_offer.is_some() {
            egui::Modal::new(egui::Id::new("recover")).show(ctx, |ui| {
                ui.heading("Recover unsaved work?");
                ui.label("Eventloom closed before the last changes were saved.");
                ui.horizontal(|ui| {
                    if ui.button("Recover").clicked() {
                        self.actions.push(Action::Recover);
                    }
                    if ui.button("Discard").clicked() {
                        self.actions.push(Action::DiscardRecovery);
                    }
                });
            });
        }
        // The recovery question comes first; the start screen waits for its answer.
        if self.show_gallery && self.recovery_offer.is_none() {
            let examples = self.examples.get_or_insert_with(files::examples);
            let r = egui::Modal::new(egui::Id::new("gallery")).show(ctx, |ui| {
                gallery::gallery_ui(ui, examples, self.welcome, &mut self.actions)
            });
            if r.inner || r.should_close() {
                self.show_gallery = false;
            }
        }
        if self.show_shortcuts {
            let mut open = true;
            egui::Window::new("Keyboard shortcuts")
                .open(&mut open)
                .show(ctx, shortcuts::shortcuts_ui);
            self.show_shortcuts = open;
        }
    }

    /// The in-app path field, when the system's file dialog cannot open: pre-filled, with
    /// the checks the system's dialog makes (see `Editor::confirm_path_prompt`).
    fn path_prompt_ui(&mut self, ctx: &egui::Context) {
        let Some(prompt) = &mut self.path_prompt else {
            return;
        };
        let (mut confirm, mut cancel) = (false, false);
        let r = egui::Modal::new(egui::Id::new("path-prompt")).show(ctx, |ui| {
            ui.set_max_width(560.0);
            ui.heading(prompt.kind.title());
            ui.label(format!(
                "The system's file dialog cannot open: {}",
                prompt.why
            ));
            ui.label("Type the file's path instead");
            let field = ui.horizontal(|ui| {
                let label = ui.label("Path");
                let edit = egui::TextEdit::singleline(&mut prompt.text).desired_width(440.0);
                ui.add(edit).labelled_by(label.id)
            });
            let field = field.inner;
            if field.changed() {
                prompt.confirm_replace = false;
                prompt.problem = None;
            }
            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                confirm = true;
            }
            if let Some(problem) = &prompt.problem {
                ui.label(
                    egui::RichText::new(problem).color(theme::severity_color(Severity::Error)),
                );
            }
            ui.horizontal(|ui| {
                if prompt.confirm_replace {
                    ui.label(format!("{} exists. Replace it?", prompt.text.trim()));
                    confirm |= ui.button("Replace").clicked();
                } else {
                    confirm |= ui.button(prompt.kind.verb()).clicked();
                }
                cancel = ui.button("Cancel").clicked();
            });
        });
        if cancel || r.should_close() {
            self.cancel_path_prompt();
        } else if confirm {
            self.confirm_path_prompt();
        }
    }

    /// "Save the changes first?" before an action that would lose them.
    fn unsaved_ui(&mut self, ctx: &egui::Context) {
        let Some(pending) = self.prompt.clone() else {
            return;
        };
        let name = self.path.as_ref().and_then(|p| p.file_name()).map_or_else(
            || self.project.name.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut answer = None;
        egui::Modal::new(egui::Id::new("unsaved")).show(ctx, |ui| {
            ui.heading("Unsaved changes");
            ui.label(format!("Save the changes to {name} first?"));
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    answer = Some(0);
                }
                if ui.button("Don't save").clicked() {
                    answer = Some(1);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(2);
                }
            });
        });
        match answer {
            Some(0) => {
                self.prompt = None;
                self.after_save = Some(pending);
                self.actions.push(Action::Save);
            }
            Some(1) => {
                self.prompt = None;
                self.dirty = false;
                self.actions.push(pending);
            }
            Some(_) => self.prompt = None,
            None => {}
        }
    }
}

/// Run: real requests into the live run (feature `serve`).
fn run_menu_ui(ui: &mut egui::Ui, serving: bool, a: &mut Vec<Action>) {
    if cfg!(not(feature = "serve")) {
        ui.label("This build cannot accept HTTP requests");
        return;
    }
    if !serving
        && ui
            .button("Accept HTTP requests on port…")
            .on_hover_text(
                "Serve the design's HTTP APIs on 127.0.0.1 during the live run: curl, a browser or a load test get the simulated answers",
            )
            .clicked()
    {
        a.push(Action::AskServe);
    }
    if serving && ui.button("Stop accepting HTTP requests").clicked() {
        a.push(Action::StopServing);
    }
}

/// A menu entry with its shortcut; pushes `action` when clicked.
fn item(ui: &mut egui::Ui, label: &str, keys: &str, action: Action, a: &mut Vec<Action>) {
    if ui
        .add(egui::Button::new(label).shortcut_text(keys))
        .clicked()
    {
        a.push(action);
    }
}

fn file_menu_ui(ui: &mut egui::Ui, recent: &[PathBuf], a: &mut Vec<Action>) {
    item(ui, "New", "Ctrl+N", Action::New, a);
    item(ui, "Open…", "Ctrl+O", Action::Open, a);
    if ui
        .button("Examples…")
        .on_hover_text("Example projects with guided lessons")
        .clicked()
    {
        a.push(Action::ShowExamples);
    }
    ui.menu_button("Open recent", |ui| {
        if recent.is_empty() {
            ui.label("No recent files");
        }
        for p in recent {
            if ui.button(p.display().to_string()).clicked() {
                a.push(Action::OpenPath(p.clone()));
            }
        }
    });
    ui.separator();
    item(ui, "Save", "Ctrl+S", Action::Save, a);
    item(ui, "Save As…", "Ctrl+Shift+S", Action::SaveAs, a);
    ui.separator();
    if ui
        .button("Import SAM/CloudFormation template…")
        .on_hover_text(
            "Opens a template's functions, triggers, queues, topics, buckets and tables as a new project",
        )
        .clicked()
    {
        a.push(Action::Import);
    }
    ui.menu_button("Export", |ui| {
        let sam = DesignExport::Sam;
        if ui
            .button(sam.label())
            .on_hover_text(sam.description())
            .clicked()
        {
            a.push(Action::ExportDesign(sam));
        }
        ui.menu_button("Diagram", |ui| {
            for e in [DesignExport::Svg, DesignExport::Mermaid, DesignExport::Dot] {
                if ui
                    .button(e.label())
                    .on_hover_text(e.description())
                    .clicked()
                {
                    a.push(Action::ExportDesign(e));
                }
            }
        });
    });
    ui.separator();
    item(ui, "Quit", "Ctrl+Q", Action::Quit, a);
}

fn edit_menu_ui(
    ui: &mut egui::Ui,
    history: &History,
    selected: bool,
    can_paste: bool,
    a: &mut Vec<Action>,
) {
    let undo = history.undo_label().map(|l| format!("Undo {l}"));
    let redo = history.redo_label().map(|l| format!("Redo {l}"));
    let b = egui::Button::new(undo.as_deref().unwrap_or("Undo")).shortcut_text("Ctrl+Z");
    if ui.add_enabled(undo.is_some(), b).clicked() {
        a.push(Action::Undo);
    }
    let b = egui::Button::new(redo.as_deref().unwrap_or("Redo")).shortcut_text("Ctrl+Shift+Z");
    if ui.add_enabled(redo.is_some(), b).clicked() {
        a.push(Action::Redo);
    }
    ui.separator();
    for (label, keys, action, enabled) in [
        ("Cut", "Ctrl+X", Action::Cut, selected),
        ("Copy", "Ctrl+C", Action::Copy, selected),
        ("Paste", "Ctrl+V", Action::PasteInternal, can_paste),
        ("Duplicate", "Ctrl+D", Action::Duplicate, selected),
        ("Delete", "Delete", Action::Delete, selected),
        ("Select all", "Ctrl+A", Action::SelectAll, true),
    ] {
        let b = egui::Button::new(label).shortcut_text(keys);
        if ui.add_enabled(enabled, b).clicked() {
            a.push(action);
        }
    }
}

fn view_menu_ui(
    ui: &mut egui::Ui,
    lesson: Option<&LessonPanel>,
    present: bool,
    a: &mut Vec<Action>,
) {
    item(ui, "Fit to view", "F", Action::Fit, a);
    item(ui, "Arrange", "Ctrl+Shift+L", Action::AutoLayout, a);
    item(ui, "Compare…", "", Action::ShowCompare, a);
    ui.separator();
    if let Some(l) = lesson {
        let mut open = l.open;
        if ui
            .checkbox(&mut open, "Lesson panel")
            .on_hover_text("The project's guided lesson")
            .clicked()
        {
            a.push(Action::Lesson(LessonAction::Toggle));
        }
    }
    let mut present = present;
    if ui
        .checkbox(&mut present, "Present mode  (Ctrl+Shift+P)")
        .on_hover_text(
            "Everything 1.5× larger for projectors; the palette and diagnostics are hidden, \
             the inspector shows while something is selected",
        )
        .clicked()
    {
        a.push(Action::TogglePresent);
    }
    ui.separator();
    ui.label("Theme");
    let mut pref = ui.ctx().options(|o| o.theme_preference);
    let before = pref;
    ui.selectable_value(&mut pref, egui::ThemePreference::Dark, "Dark");
    ui.selectable_value(&mut pref, egui::ThemePreference::Light, "Light");
    ui.selectable_value(&mut pref, egui::ThemePreference::System, "Follow system");
    if pref != before {
        ui.ctx().set_theme(pref);
        // This frame was drawn in the old theme: draw the next one now, not when the pointer
        // next moves.
        ui.ctx().request_repaint();
    }
}
