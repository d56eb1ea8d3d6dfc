//! The editor's document: new, open, save, the recent files, the unsaved-changes question
//! on close, and the recovery file that autosaves unsaved work.

use super::{AUTOSAVE_EVERY_S, Editor, MAX_RECENT, RecoveryOffer};
use crate::model::Project;
use crate::sim::LiveChanges;
use crate::ui::message::{Action, Selection};
use crate::ui::run::{LessonPanel, RunControls};
use crate::ui::shell::files::{self, DialogResult};
use std::path::PathBuf;

impl Editor {
    /// Replaces the project (open, new, recover): clean history, fresh view.
    pub(super) fn set_project(&mut self, project: Project, path: Option<PathBuf>) {
        // A run belongs to the project it was started with.
        self.live = None;
        self.live_changes = LiveChanges::default();
        self.run_controls = RunControls::from_project(&project);
        self.project = project;
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

    pub(super) fn save_to(&mut self, path: PathBuf) {
        match crate::project::save(&self.project, &path) {
            Ok(()) => {
                self.path = Some(path.clone());
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
        match result {
            DialogResult::Open(Some(p)) => self.open_path(p),
            DialogResult::SaveAs(Some(p)) => self.save_to(p),
            DialogResult::Open(None) | DialogResult::SaveAs(None) => self.after_save = None,
        }
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
