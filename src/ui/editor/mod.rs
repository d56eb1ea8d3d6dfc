//! The editor: its state, the actions widgets ask for, and the one place that carries them out.
//!
//! Widgets never change the project: they push [`Action`]s, which [`Editor::ui`] handles once
//! per frame after drawing. Tests drive the same `Editor` through egui_kittest.

mod document;
mod edits;
mod frame;
mod interop;
mod lesson;
mod menus;
mod run;
#[cfg(feature = "serve")]
mod serve;

use crate::model::{Diagnostic, History, Project};
use crate::sim::LiveChanges;
use crate::ui::canvas::CanvasState;
use crate::ui::message::{Action, Status};
use crate::ui::run::lesson::LessonPanel;
use crate::ui::run::live::LiveRun;
use crate::ui::run::live_panel::{DeployDraft, FaultDraft};
use crate::ui::run::panels::RunPanels;
use crate::ui::run::toolbar::RunControls;
use crate::ui::shell::dialogs::{DialogKind, Dialogs};
use crate::ui::shell::files::Example;
use std::path::PathBuf;

/// Unsaved work found at start-up.
#[derive(Clone, Debug)]
struct RecoveryOffer {
    project: Project,
    path: Option<PathBuf>,
}

/// A dialog of sentences (what an export left out, what an import skipped).
#[derive(Clone, Debug)]
struct Notice {
    title: String,
    lines: Vec<String>,
}

/// The in-app path field, shown when the system's file dialog cannot open.
#[derive(Clone, Debug)]
struct PathPrompt {
    /// What the file is for.
    kind: DialogKind,
    /// The path as typed.
    text: String,
    /// Why the system's dialog is not used.
    why: String,
    /// The typed file exists and the user is being asked to replace it.
    confirm_replace: bool,
    /// What is wrong with the typed path.
    problem: Option<String>,
}

/// The whole editor state.
pub struct Editor {
    /// The project being edited: the truth the canvas and inspector are built from.
    pub project: Project,
    /// Its file; `None` until saved.
    pub path: Option<PathBuf>,
    /// Whether there are changes since the last save or open.
    pub dirty: bool,
    /// Undo/redo.
    pub history: History,
    /// Errors and design warnings of the current project, recomputed after each edit.
    pub diagnostics: Vec<Diagnostic>,
    diagnostics_stale: bool,
    /// Canvas view, selection and gesture in progress.
    pub canvas: CanvasState,
    actions: Vec<Action>,
    /// Last message in the status bar.
    pub status: Option<Status>,
    /// An error shown in a dialog until dismissed.
    pub error: Option<String>,
    /// An action waiting for the answer to "save changes?".
    prompt: Option<Action>,
    /// An action to run once a Save As completes.
    after_save: Option<Action>,
    dialogs: Dialogs,
    path_prompt: Option<PathPrompt>,
    notice: Option<Notice>,
    /// The open file is a shipped example: saving asks for a new file.
    pub read_only: bool,
    /// The loopback server over the live run (Run → Accept HTTP requests).
    #[cfg(feature = "serve")]
    serving: Option<serve::Serving>,
    /// The port dialog of Run → Accept HTTP requests.
    #[cfg(feature = "serve")]
    serve_prompt: Option<serve::ServePrompt>,
    /// Recently opened or saved files, most recent first.
    pub recent: Vec<PathBuf>,
    /// What this window copied last (used when the system clipboard is not readable).
    clipboard: Option<String>,
    show_gallery: bool,
    show_shortcuts: bool,
    examples: Option<Vec<Example>>,
    /// Where unsaved work is autosaved; `None` disables autosave.
    pub recovery_path: Option<PathBuf>,
    recovery_offer: Option<RecoveryOffer>,
    last_autosave_s: f64,
    autosaved: bool,
    close_allowed: bool,
    last_title: String,
    last_focus: Option<egui::Id>,
    // Lessons, live run, start screen (ui/lesson.rs, ui/gallery.rs).
    /// The open project's lesson and its panel; `None` when it has none.
    pub lesson: Option<LessonPanel>,
    /// The live run, once started.
    pub live: Option<LiveRun>,
    /// The Compare window (many runs side by side).
    pub compare: crate::ui::run::compare::ComparePanel,
    /// Start live runs with the inline (deterministic, clockless) driver: for tests.
    pub inline_runs: bool,
    /// Present mode: everything drawn larger, for projectors (remembered between runs).
    pub present: bool,
    /// The gallery is the start screen (worded as a welcome).
    welcome: bool,
    /// The run toolbar's fields.
    pub run_controls: RunControls,
    /// How the edited project differs from the running one.
    pub live_changes: LiveChanges,
    /// Parameters of the next injected fault.
    pub fault_draft: FaultDraft,
    /// Strategy of the next deploy.
    pub deploy_draft: DeployDraft,
    /// Dashboard, logs and traces under the canvas during a run.
    pub run_panels: RunPanels,
}

/// Default width of the right column (lesson, live run, inspector), points.
pub const SIDE_WIDTH: f32 = 330.0;
/// Narrowest the right column can be dragged, points.
pub const SIDE_MIN_WIDTH: f32 = 260.0;
/// Widest the right column can be dragged, points.
pub const SIDE_MAX_WIDTH: f32 = 560.0;
/// Shortest the lesson can be when it shares the right column with the inspector, points.
pub const LESSON_MIN_HEIGHT: f32 = 160.0;

/// Seconds between autosaves of unsaved work.
pub const AUTOSAVE_EVERY_S: f64 = 15.0;
/// Most recent files remembered.
pub const MAX_RECENT: usize = 8;

impl Default for Editor {
    fn default() -> Self {
        Self::new(Project::default(), None)
    }
}

impl Editor {
    /// An editor showing `project` (read from `path`, if any).
    pub fn new(project: Project, path: Option<PathBuf>) -> Self {
        Self {
            path,
            dirty: false,
            history: History::default(),
            diagnostics: Vec::new(),
            diagnostics_stale: true,
            canvas: CanvasState::default(),
            actions: Vec::new(),
            status: None,
            error: None,
            prompt: None,
            after_save: None,
            dialogs: Dialogs::default(),
            path_prompt: None,
            notice: None,
            read_only: false,
            #[cfg(feature = "serve")]
            serving: None,
            #[cfg(feature = "serve")]
            serve_prompt: None,
            recent: Vec::new(),
            clipboard: None,
            show_gallery: false,
            show_shortcuts: false,
            compare: Default::default(),
            examples: None,
            recovery_path: None,
            recovery_offer: None,
            last_autosave_s: 0.0,
            autosaved: false,
            close_allowed: false,
            last_title: String::new(),
            last_focus: None,
            lesson: None,
            live: None,
            inline_runs: false,
            present: false,
            welcome: false,
            run_controls: RunControls::from_project(&project),
            live_changes: LiveChanges::default(),
            fault_draft: FaultDraft::default(),
            deploy_draft: DeployDraft::default(),
            run_panels: RunPanels::default(),
            project,
        }
        .with_lesson()
    }

    fn with_lesson(mut self) -> Self {
        self.lesson = LessonPanel::new(&self.project);
        self
    }

    /// Shows the example gallery as the start screen.
    pub fn show_start_screen(&mut self) {
        self.show_gallery = true;
        self.welcome = true;
    }

    /// Whether the example gallery is showing.
    pub fn is_gallery_open(&self) -> bool {
        self.show_gallery
    }

    /// Uses these examples in the gallery instead of the ones in `projects/`.
    pub fn set_examples(&mut self, examples: Vec<Example>) {
        self.examples = Some(examples);
    }

    /// An editor with the project at `path` open, or an empty one showing why it could not be read.
    pub fn open(path: PathBuf) -> Self {
        let mut e = Self::default();
        e.open_path(path);
        e
    }

    /// Uses the system's file dialogs (`true`, the default) or always the in-app path field
    /// (`false`: tests, and what happens when the system has no dialog).
    pub fn set_native_dialogs(&mut self, native: bool) {
        self.dialogs.native = native;
    }

    /// The in-app path field's text, while it is showing.
    pub fn path_prompt_text(&self) -> Option<&str> {
        self.path_prompt.as_ref().map(|p| p.text.as_str())
    }

    /// The open notice dialog's title and sentences (an export's notes, an import's skips).
    pub fn notice(&self) -> Option<(&str, &[String])> {
        self.notice
            .as_ref()
            .map(|n| (n.title.as_str(), n.lines.as_slice()))
    }

    /// Queues an action; it is handled at the end of the next frame.
    pub fn act(&mut self, action: Action) {
        self.actions.push(action);
    }

    /// The window title: file name (or project name), a dot when there are unsaved changes.
    pub fn title(&self) -> String {
        let name = match &self.path {
            Some(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            None => format!("{} (not saved)", self.project.name),
        };
        let mark = if self.dirty { "● " } else { "" };
        let example = if self.read_only {
            " (example, read-only)"
        } else {
            ""
        };
        format!("{mark}{name}{example} — Eventloom")
    }

    fn set_status(&mut self, text: impl Into<String>, is_error: bool) {
        self.status = Some(Status {
            text: text.into(),
            is_error,
        });
    }
}

/// Zoom factor of Present mode.
pub const PRESENT_ZOOM: f32 = 1.5;

/// Sets egui's zoom for Present mode on or off.
pub fn apply_present(ctx: &egui::Context, present: bool) {
    ctx.set_zoom_factor(if present { PRESENT_ZOOM } else { 1.0 });
}
