//! The editor's document: new, open, save, the recent files, the unsaved-changes question
//! on close, and the recovery file that autosaves unsaved work.

use super::{AUTOSAVE_EVERY_S, Editor, MAX_RECENT, PathPrompt, RecoveryOffer};
use crate::model::Project;
use crate::sim::LiveChanges;
use crate::ui::message::{Action, Selection};
use crate::ui::run::{LessonPanel, RunControls};
use crate::ui::shell::dialogs::{self, DialogAnswer, DialogKind, DialogResult, WriteCheck};
use crate::ui::shell::files;
use std::path::PathBuf;

impl Editor {
    /// Replaces the project (open, new, recover): clean history, fresh view.
    pub(super) fn set_project(&mut self, project: Project, path: Option<PathBuf>) {
        // A run belongs to the project it was started with (and a server to its run).
        #[cfg(feature = "serve")]
        self.stop_serving();
        self.live = None;
        self.live_changes = LiveChanges::default();
        self.run_controls = RunControls::from_project(&project);
        self.project = project;
        self.read_only = path
            .as_deref()
            .is_some_and(|p| files::is_example(p, self.examples.as_deref().unwrap_or_default()));
        self.path = path;
        self.dirty = false;
        self.history.clear();
        self.canvas.selection = Selection::default();
        self.canvas.request_fit();
        self.diagnostics_stale = true;
        self.remove_recovery();
        self.live = None;
        self.lesson = LessonPanel::new(&self.project);
    }

    pub(super) fn open_path(&mut self, path: PathBuf) {
        match crate::project::load(&path) {
            Ok(p) => {
                self.set_project(p, Some(path.clone()));
                self.remember(path.clone());
                self.set_status(format!("Opened {}", path.display()), false);
            }
            Err(e) => {
                self.error = Some(format!("Could not open the project.\n\n{e}"));
                self.set_status("Could not open the project", true);
            }
        }
    }

    /// Opens an example as a new, unsaved project: it stays out of Recent and saving asks
    /// for a new file, so the shipped file is never overwritten.
    pub(super) fn open_example(&mut self, path: PathBuf) {
        match crate::project::load(&path) {
            Ok(p) => {
                self.set_project(p, None);
                self.show_gallery = false;
                self.set_status(format!("Opened the example {}", path.display()), false);
            }
            Err(e) => {
                self.error = Some(format!("Could not open the example.\n\n{e}"));
                self.set_status("Could not open the example", true);
            }
        }
    }

    pub(super) fn save_to(&mut self, path: PathBuf) {
        if files::is_example(&path, self.examples.as_deref().unwrap_or_default()) {
            self.after_save = None;
            self.error = Some(format!(
                "Examples are read-only: save the project under another name.\n\n{}",
                path.display()
            ));
            self.set_status("Examples are read-only", true);
            return;
        }
        match crate::project::save(&self.project, &path) {
            Ok(()) => {
                self.path = Some(path.clone());
                self.read_only = false;
                self.dirty = false;
                self.remove_recovery();
                self.remember(path.clone());
                self.set_status(format!("Saved {}", path.display()), false);
                if let Some(next) = self.after_save.take() {
                    self.actions.push(next);
                }
            }
            Err(e) => {
                self.after_save = None;
                self.error = Some(format!(
                    "Could not save the project: {e}: {}",
                    path.display()
                ));
            }
        }
    }

    pub(super) fn remember(&mut self, path: PathBuf) {
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }

    pub(super) fn dialog_done(&mut self, result: DialogResult) {
        match result.answer {
            DialogAnswer::Chosen(p) => self.chosen(result.kind, p),
            DialogAnswer::Cancelled => self.after_save = None,
            DialogAnswer::Unavailable(why) => {
                // An example's folder is not offered: examples are read-only.
                let here = self.path.as_deref().filter(|_| !self.read_only);
                let start = dialogs::suggested_path(here, result.suggested.as_deref());
                self.set_status(format!("No file dialog: {why}"), true);
                self.path_prompt = Some(PathPrompt {
                    kind: result.kind,
                    text: start.display().to_string(),
                    why,
                    confirm_replace: false,
                    problem: None,
                });
            }
        }
    }

    /// A file was chosen (in the system's dialog or the in-app field) for `kind`.
    pub(super) fn chosen(&mut self, kind: DialogKind, path: PathBuf) {
        match kind {
            DialogKind::Open => self.open_path(path),
            DialogKind::SaveAs => self.save_to(path),
            DialogKind::Export(e) => self.export_design_to(e, &path),
            DialogKind::RunExport(kind) => match &mut self.live {
                Some(run) => {
                    if let Some(done) = self.run_panels.export_to(kind, &path, run) {
                        self.status = Some(done);
                    }
                }
                None => self.set_status("The run ended before the export was written", true),
            },
            DialogKind::Import => self.import_from(&path),
        }
    }

    /// The in-app path field's "Save"/"Open"/… button: the checks a system dialog makes
    /// (the folder exists and takes files, an existing file is replaced only when confirmed,
    /// a file to read exists), then the chosen path is used.
    pub(super) fn confirm_path_prompt(&mut self) {
        let Some(prompt) = &mut self.path_prompt else {
            return;
        };
        let path = PathBuf::from(prompt.text.trim());
        let kind = prompt.kind;
        let checked = if kind.writes() {
            dialogs::check_write_path(&path).map(|c| c == WriteCheck::Exists)
        } else {
            dialogs::check_read_path(&path).map(|()| false)
        };
        match checked {
            Err(problem) => prompt.problem = Some(problem),
            Ok(true) if !prompt.confirm_replace => {
                prompt.problem = None;
                prompt.confirm_replace = true;
            }
            Ok(_) => {
                self.path_prompt = None;
                self.chosen(kind, path);
            }
        }
    }

    /// The in-app path field was cancelled: nothing is written, a pending action waits no more.
    pub(super) fn cancel_path_prompt(&mut self) {
        self.path_prompt = None;
        self.after_save = None;
        self.set_status("Cancelled", false);
    }

    pub(super) fn close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.dirty && !self.close_allowed {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.prompt = Some(Action::Quit);
        }
    }

    pub(super) fn autosave(&mut self, ctx: &egui::Context) {
        let (Some(rp), true, false) = (&self.recovery_path, self.dirty, self.autosaved) else {
            return;
        };
        let now = ctx.input(|i| i.time);
        let due = self.last_autosave_s + AUTOSAVE_EVERY_S;
        if now >= due {
            if files::write_recovery(rp, &self.project, self.path.as_deref()).is_ok() {
                self.autosaved = true;
            }
            self.last_autosave_s = now;
        } else {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(due - now));
        }
    }

    pub(super) fn remove_recovery(&mut self) {
        if let Some(rp) = &self.recovery_path {
            let _ = std::fs::remove_file(rp);
        }
        self.autosaved = false;
    }

    /// Called when the window closes for good: unsaved work stays in the recovery file only
    /// if the user did not choose to discard it.
    pub fn on_exit(&mut self) {
        if !self.dirty || self.close_allowed {
            self.remove_recovery();
        }
    }

    /// Looks for autosaved work at [`Editor::recovery_path`] and offers to restore it.
    pub fn check_recovery(&mut self) {
        let Some(rp) = &self.recovery_path else {
            return;
        };
        if let Some((project, path)) = files::read_recovery(rp) {
            self.recovery_offer = Some(RecoveryOffer { project, path });
        }
    }
}
