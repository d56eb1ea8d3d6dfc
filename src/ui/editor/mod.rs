//! The editor: its state, the actions widgets ask for, and the one place that carries them out.
//!
//! Widgets never change the project: they push [`Action`]s, which [`Editor::ui`] handles once
//! per frame after drawing. Tests drive the same `Editor` through egui_kittest.

mod lesson;
mod run;

use crate::host::{HostCommand, HostOptions, RunState};
use crate::model::{
    DeployStrategy, Diagnostic, Edit, FaultTarget, Fragment, FunctionParams, History, KindTag,
    Node, NodeId, NodeKind, Pos, Project, Severity, Subject, choose_edge, has_errors, validate,
};
use crate::sim::{Command, SEC};
use crate::ui::canvas::{self, CanvasState, LiveCanvas};
use crate::ui::inspector;
use crate::ui::message::{Action, LessonAction, RunAction, Selection, Status};
use crate::ui::run::lesson::{LessonPanel, lesson_ui};
use crate::ui::run::live::{LiveChanges, LiveRun, live_changes};
use crate::ui::run::live_panel::{self, DeployDraft, FaultDraft};
use crate::ui::run::panels::RunPanels;
use crate::ui::run::toolbar::{self as run_toolbar, RunControls};
use crate::ui::shell::files::{self, DialogKind, DialogResult, Dialogs, Example};
use crate::ui::shell::{diagnostics, gallery, names, palette, shortcuts, theme};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Unsaved work found at start-up.
#[derive(Clone, Debug)]
struct RecoveryOffer {
    project: Project,
    path: Option<PathBuf>,
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
            recent: Vec::new(),
            clipboard: None,
            show_gallery: false,
            show_shortcuts: false,
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
        format!("{mark}{name} — Eventloom")
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

    /// Draws the whole editor for one frame and handles what the user did.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        for r in self.dialogs.poll() {
            self.dialog_done(r);
        }
        self.refresh_diagnostics();
        self.poll_run();
        self.lesson_frame();
        shortcuts::handle_keys(&ctx, &mut self.actions, !self.canvas.is_renaming());
        self.close_request(&ctx);

        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::top("run-toolbar").show(ui, |ui| {
            run_toolbar::run_toolbar_ui(
                ui,
                self.live.as_ref(),
                &mut self.run_controls,
                &mut self.actions,
            );
            self.restart_banner_ui(ui);
        });
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        // One column on the right: the lesson on top, the live run and the inspector below.
        let present = self.present;
        let show_inspector = !present || !self.canvas.selection.is_empty() || self.live.is_some();
        // Out of `self` while drawn, so the live panel below can borrow the editor.
        let lesson_panel = self.lesson.take();
        let lesson = lesson_panel.as_ref().filter(|l| l.open);
        if lesson.is_some() || show_inspector {
            // Present mode draws everything 1.5× larger: a narrower column of its own.
            let (side_id, side_width) = if present {
                ("side-present", SIDE_MIN_WIDTH)
            } else {
                ("side", SIDE_WIDTH)
            };
            egui::Panel::right(side_id)
                .resizable(true)
                .default_size(side_width)
                .size_range(SIDE_MIN_WIDTH..=SIDE_MAX_WIDTH)
                .show(ui, |ui| {
                    if let Some(panel) = lesson {
                        if show_inspector {
                            let h = ui.available_height();
                            egui::Panel::top("lesson")
                                .resizable(true)
                                .default_size((h * 0.5).max(LESSON_MIN_HEIGHT))
                                .size_range(LESSON_MIN_HEIGHT..=(h - 120.0).max(LESSON_MIN_HEIGHT))
                                .show(ui, |ui| {
                                    lesson_ui(
                                        ui,
                                        panel,
                                        &self.project,
                                        self.live.as_ref(),
                                        &mut self.actions,
                                    )
                                });
                        } else {
                            lesson_ui(
                                ui,
                                panel,
                                &self.project,
                                self.live.as_ref(),
                                &mut self.actions,
                            );
                        }
                    }
                    if show_inspector {
                        if self.live.is_some() {
                            egui::CollapsingHeader::new(
                                egui::RichText::new("⚡ Live run").strong(),
                            )
                            .id_salt("live-panel")
                            .default_open(true)
                            .show(ui, |ui| self.live_panel_ui(ui));
                            ui.separator();
                        }
                        inspector::inspector_ui(
                            ui,
                            &self.project,
                            &self.canvas.selection,
                            &mut self.actions,
                        );
                    }
                });
        }
        self.lesson = lesson_panel;
        // Present mode shows the room the canvas and the lesson: no palette or diagnostics,
        // and the inspector only while something is selected. During a run the run panels
        // need the room; diagnostics come back when there are any.
        if !present && (self.live.is_none() || !self.diagnostics.is_empty()) {
            egui::Panel::bottom("diagnostics")
                .resizable(true)
                .default_size(140.0)
                .show(ui, |ui| {
                    diagnostics::diagnostics_ui(
                        ui,
                        &self.diagnostics,
                        &self.project,
                        &mut self.actions,
                    )
                });
        }
        // The run panels take a bounded share of the height (resizable, remembered,
        // collapsible); their content scrolls inside, so they never grow on their own.
        let window_height = ui.max_rect().height();
        if let Some(run) = &mut self.live {
            self.run_panels.watch_selection(run, &self.canvas.selection);
            let done = self
                .run_panels
                .dock_ui(ui, run, window_height, present, &mut self.actions);
            if let Some(s) = done {
                self.status = Some(s);
            }
        }
        // During a run the palette shrinks to glyphs: the canvas is what is watched.
        if !present {
            if self.live.is_some() {
                egui::Panel::left("palette-compact")
                    .resizable(false)
                    .exact_size(palette::COMPACT_WIDTH)
                    .show(ui, |ui| palette::compact_palette_ui(ui, &mut self.actions));
            } else {
                egui::Panel::left("palette")
                    .resizable(true)
                    .default_size(150.0)
                    .show(ui, |ui| palette::palette_ui(ui, &mut self.actions));
            }
        }
        // During a run the outline shows health, not diagnostics (the run compiled).
        let outlines = if self.live.is_some() {
            BTreeMap::new()
        } else {
            self.outlines()
        };
        let live = self
            .live
            .as_ref()
            .map(|r| LiveCanvas::new(r, &self.project));
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                canvas::canvas_ui(
                    ui,
                    &mut self.canvas,
                    &self.project,
                    &outlines,
                    live.as_ref(),
                    &mut self.fault_draft,
                    &mut self.actions,
                )
            });
        drop(live);

        self.modals_ui(&ctx);

        let actions = std::mem::take(&mut self.actions);
        if !actions.is_empty() {
            for a in actions {
                self.handle(&ctx, a);
            }
            self.refresh_live_changes();
            ctx.request_repaint();
        }
        // A moving run repaints: the thread's frames wake the UI themselves, the inline
        // driver advances once per frame. A paused or finished run asks for nothing.
        if self.live.as_ref().is_some_and(LiveRun::is_active) {
            ctx.request_repaint();
        }
        // A gesture ends when the pointer is released or the keyboard moves to another field:
        // the next edit starts a new undo step.
        let focus = ctx.memory(|m| m.focused());
        if ctx.input(|i| i.pointer.any_released()) || focus != self.last_focus {
            self.history.seal();
            self.last_focus = focus;
        }
        self.refresh_diagnostics();
        self.autosave(&ctx);
        let title = self.title();
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
    }

    fn refresh_diagnostics(&mut self) {
        if self.diagnostics_stale {
            self.diagnostics = validate(&self.project);
            self.diagnostics_stale = false;
        }
    }

    /// The worst diagnostic of each node, for outlines on the canvas.
    fn outlines(&self) -> BTreeMap<NodeId, Severity> {
        let mut out: BTreeMap<NodeId, Severity> = BTreeMap::new();
        for d in &self.diagnostics {
            let ids: Vec<&NodeId> = match &d.subject {
                Subject::Node(n) => vec![n],
                Subject::Edge(e) => self
                    .project
                    .graph
                    .edges
                    .get(e)
                    .map(|e| vec![&e.from, &e.to])
                    .unwrap_or_default(),
                Subject::Project => Vec::new(),
            };
            for id in ids {
                let worst = out.entry(id.clone()).or_insert(d.severity);
                *worst = (*worst).min(d.severity);
            }
        }
        out
    }

    fn set_status(&mut self, text: impl Into<String>, is_error: bool) {
        self.status = Some(Status {
            text: text.into(),
            is_error,
        });
    }

    /// Carries out one action.
    pub fn handle(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Edit { edit, key } => self.apply(edit, key.as_deref()),
            Action::Seal => self.history.seal(),
            Action::Undo => match self.history.undo(&mut self.project) {
                Some(label) => {
                    self.changed(false);
                    self.prune_selection();
                    self.set_status(format!("Undid {label}"), false);
                }
                None => self.set_status("Nothing to undo", false),
            },
            Action::Redo => match self.history.redo(&mut self.project) {
                Some(label) => {
                    self.changed(false);
                    self.prune_selection();
                    self.set_status(format!("Redid {label}"), false);
                }
                None => self.set_status("Nothing to redo", false),
            },
            Action::AddNode { kind, at } => self.add_node(kind, at),
            Action::Connect { from, to } => self.connect(&from, &to),
            Action::Select(s) => self.canvas.selection = s,
            Action::SelectAll => {
                self.canvas.selection = Selection {
                    nodes: self.project.graph.nodes.keys().cloned().collect(),
                    edges: Default::default(),
                }
            }
            Action::Focus(id) => {
                self.canvas.selection = Selection::node(id.clone());
                self.canvas.center_on(&self.project, &id);
            }
            Action::ShowSubject(subject) => match subject {
                Subject::Node(id) => self.handle(ctx, Action::Focus(id)),
                Subject::Edge(id) => {
                    if let Some(e) = self.project.graph.edges.get(&id) {
                        let from = e.from.clone();
                        self.canvas.center_on(&self.project, &from);
                    }
                    self.canvas.selection = Selection::edge(id);
                }
                Subject::Project => self.canvas.selection = Selection::default(),
            },
            Action::Delete => self.delete(),
            Action::Duplicate => self.duplicate(),
            Action::Copy => self.copy(ctx),
            Action::Cut => {
                self.copy(ctx);
                self.delete();
            }
            Action::Paste(text) => self.paste(&text),
            Action::PasteInternal => match self.clipboard.clone() {
                Some(text) => self.paste(&text),
                None => self.set_status("The clipboard holds no nodes", false),
            },
            Action::Nudge(d) => {
                let moves = self.selected_moves(d);
                if !moves.is_empty() {
                    self.apply(Edit::MoveNodes(moves), Some("nudge"));
                }
            }
            Action::Fit => self.canvas.fit(&self.project),
            Action::AutoLayout => {
                let moves: Vec<(NodeId, Pos)> = crate::model::layout::layered(&self.project.graph)
                    .into_iter()
                    .collect();
                self.apply(Edit::MoveNodes(moves), None);
                self.canvas.fit(&self.project);
            }
            Action::New | Action::OpenPath(_) | Action::OpenExample(_) | Action::Quit
                if self.dirty && self.prompt.is_none() =>
            {
                self.prompt = Some(action);
            }
            Action::Open if self.dirty && self.prompt.is_none() => self.prompt = Some(action),
            Action::New => {
                self.set_project(Project::default(), None);
                self.set_status("New project", false);
            }
            Action::Open => self.dialogs.request(ctx, DialogKind::Open, None),
            Action::OpenPath(p) => self.open_path(p),
            Action::OpenExample(p) => {
                self.open_path(p);
                // An example opens as a new project, so saving never overwrites the gallery.
                self.path = None;
                self.show_gallery = false;
            }
            Action::Save => match self.path.clone() {
                Some(p) => self.save_to(p),
                None => self.handle(ctx, Action::SaveAs),
            },
            Action::SaveAs => {
                let name = self
                    .path
                    .as_ref()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| format!("{}.ron", crate::model::slug(&self.project.name)));
                self.dialogs.request(ctx, DialogKind::SaveAs, Some(name));
            }
            Action::SaveTo(p) => self.save_to(p),
            Action::Recover => {
                if let Some(offer) = self.recovery_offer.take() {
                    self.set_project(offer.project, offer.path);
                    self.dirty = true;
                    self.set_status("Recovered unsaved work", false);
                }
            }
            Action::DiscardRecovery => {
                self.recovery_offer = None;
                self.remove_recovery();
            }
            Action::Quit => {
                self.close_allowed = true;
                self.remove_recovery();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Action::Lesson(a) => self.lesson_action(ctx, a),
            Action::ShowExamples => {
                self.show_gallery = true;
                self.welcome = false;
            }
            Action::TogglePresent => {
                self.present = !self.present;
                apply_present(ctx, self.present);
                self.canvas.request_fit();
                let word = if self.present { "on" } else { "off" };
                self.set_status(format!("Present mode {word}"), false);
            }
            Action::Run(a) => self.handle_run(ctx, a),
        }
    }

    /// Applies an edit through the history and reports a refusal in the status bar.
    fn apply(&mut self, edit: Edit, key: Option<&str>) {
        let is_move = edit.is_move();
        match self.history.apply(&mut self.project, edit, key) {
            Ok(()) => self.changed(is_move),
            Err(e) => self.set_status(format!("Cannot apply the change: {e}"), true),
        }
    }

    fn changed(&mut self, only_moves: bool) {
        self.dirty = true;
        self.autosaved = false;
        if !only_moves {
            self.diagnostics_stale = true;
        }
    }

    /// Drops selected ids that no longer exist (after undo, delete).
    fn prune_selection(&mut self) {
        let g = &self.project.graph;
        self.canvas
            .selection
            .nodes
            .retain(|id| g.nodes.contains_key(id));
        self.canvas
            .selection
            .edges
            .retain(|id| g.edges.contains_key(id));
    }

    fn selected_moves(&self, d: egui::Vec2) -> Vec<(NodeId, Pos)> {
        self.canvas
            .selection
            .nodes
            .iter()
            .filter(|id| self.project.graph.nodes.contains_key(*id))
            .map(|id| {
                let p = canvas::node_pos(&self.project, id);
                (
                    id.clone(),
                    Pos {
                        x: p.x + d.x,
                        y: p.y + d.y,
                    },
                )
            })
            .collect()
    }

    fn add_node(&mut self, kind: KindTag, at: Option<Pos>) {
        let title = palette::kind_title(kind);
        let names: std::collections::BTreeSet<&str> = self
            .project
            .graph
            .nodes
            .values()
            .map(|n| n.name.as_str())
            .collect();
        let name = std::iter::once(title.to_owned())
            .chain((2..).map(|n| format!("{title} {n}")))
            .find(|n| !names.contains(n.as_str()))
            .unwrap_or_else(|| title.to_owned());
        let id = self.project.graph.fresh_node_id(&name);
        let center = at.unwrap_or_else(|| self.canvas.free_spot(&self.project));
        let pos = Pos {
            x: (center.x - theme::NODE_SIZE.x / 2.0).round(),
            y: (center.y - theme::NODE_SIZE.y / 2.0).round(),
        };
        let node = Node::new(name.clone(), kind.default_kind());
        self.apply(
            Edit::AddNode {
                id: id.clone(),
                node,
                pos,
            },
            None,
        );
        self.canvas.selection = Selection::node(id);
        self.set_status(format!("Added {name}"), false);
    }

    fn connect(&mut self, from: &NodeId, to: &NodeId) {
        match choose_edge(&self.project.graph, from, to) {
            Ok(tag) => {
                let id = self.project.graph.fresh_edge_id(from, to);
                let edge = crate::model::Edge::new(from.clone(), to.clone(), tag.default_kind());
                self.apply(
                    Edit::AddEdge {
                        id: id.clone(),
                        edge,
                    },
                    None,
                );
                self.canvas.selection = Selection::edge(id);
                self.set_status(
                    format!(
                        "Connected {} to {} by {}",
                        self.name_of(from),
                        self.name_of(to),
                        tag.label()
                    ),
                    false,
                );
            }
            Err(reason) => self.set_status(
                format!(
                    "Cannot connect {} to {}: {reason}",
                    self.name_of(from),
                    self.name_of(to)
                ),
                true,
            ),
        }
    }

    fn name_of(&self, id: &NodeId) -> String {
        self.project
            .graph
            .nodes
            .get(id)
            .map_or_else(|| id.to_string(), |n| crate::model::truncate(&n.name))
    }

    fn delete(&mut self) {
        let sel = std::mem::take(&mut self.canvas.selection);
        if sel.is_empty() {
            return;
        }
        let n = sel.nodes.len() + sel.edges.len();
        self.apply(
            Edit::Remove {
                nodes: sel.nodes.into_iter().collect(),
                edges: sel.edges.into_iter().collect(),
            },
            None,
        );
        self.set_status(format!("Deleted {n} item(s)"), false);
    }

    fn duplicate(&mut self) {
        let frag = Fragment::copy(&self.project, &self.canvas.selection.nodes);
        if frag.is_empty() {
            return;
        }
        self.insert(
            frag.rekeyed_for(&self.project.graph, 40.0, 40.0),
            "Duplicated",
        );
    }

    fn insert(&mut self, frag: Fragment, verb: &str) {
        let nodes: std::collections::BTreeSet<NodeId> = frag.nodes.keys().cloned().collect();
        let n = nodes.len();
        self.apply(Edit::Insert(frag), None);
        self.canvas.selection = Selection {
            nodes,
            edges: Default::default(),
        };
        self.set_status(format!("{verb} {n} node(s)"), false);
    }

    fn copy(&mut self, ctx: &egui::Context) {
        let frag = Fragment::copy(&self.project, &self.canvas.selection.nodes);
        if frag.is_empty() {
            return;
        }
        let text = frag.to_clipboard();
        ctx.copy_text(text.clone());
        self.clipboard = Some(text);
        self.set_status(format!("Copied {} node(s)", frag.nodes.len()), false);
    }

    fn paste(&mut self, text: &str) {
        match Fragment::from_clipboard(text) {
            Some(frag) => {
                // Pasting into the file it came from: offset so the copy is visible.
                let taken = frag
                    .nodes
                    .keys()
                    .any(|id| self.project.graph.nodes.contains_key(id));
                let d = if taken { 40.0 } else { 0.0 };
                self.insert(frag.rekeyed_for(&self.project.graph, d, d), "Pasted");
            }
            None => self.set_status("The clipboard holds no Eventloom nodes", false),
        }
    }

    /// Replaces the project (open, new, recover): clean history, fresh view.
    fn set_project(&mut self, project: Project, path: Option<PathBuf>) {
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

    fn open_path(&mut self, path: PathBuf) {
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

    fn save_to(&mut self, path: PathBuf) {
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

    fn remember(&mut self, path: PathBuf) {
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }

    fn dialog_done(&mut self, result: DialogResult) {
        match result {
            DialogResult::Open(Some(p)) => self.open_path(p),
            DialogResult::SaveAs(Some(p)) => self.save_to(p),
            DialogResult::Open(None) | DialogResult::SaveAs(None) => self.after_save = None,
        }
    }

    fn close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.dirty && !self.close_allowed {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.prompt = Some(Action::Quit);
        }
    }

    fn autosave(&mut self, ctx: &egui::Context) {
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

    fn remove_recovery(&mut self) {
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

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        let a = &mut self.actions;
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui
                    .add(egui::Button::new("New").shortcut_text("Ctrl+N"))
                    .clicked()
                {
                    a.push(Action::New);
                }
                if ui
                    .add(egui::Button::new("Open…").shortcut_text("Ctrl+O"))
                    .clicked()
                {
                    a.push(Action::Open);
                }
                if ui
                    .button("Examples…")
                    .on_hover_text("Example projects with guided lessons")
                    .clicked()
                {
                    a.push(Action::ShowExamples);
                }
                ui.menu_button("Open recent", |ui| {
                    if self.recent.is_empty() {
                        ui.label("No recent files");
                    }
                    for p in &self.recent {
                        if ui.button(p.display().to_string()).clicked() {
                            a.push(Action::OpenPath(p.clone()));
                        }
                    }
                });
                ui.separator();
                if ui
                    .add(egui::Button::new("Save").shortcut_text("Ctrl+S"))
                    .clicked()
                {
                    a.push(Action::Save);
                }
                if ui
                    .add(egui::Button::new("Save As…").shortcut_text("Ctrl+Shift+S"))
                    .clicked()
                {
                    a.push(Action::SaveAs);
                }
                ui.separator();
                if ui
                    .add(egui::Button::new("Quit").shortcut_text("Ctrl+Q"))
                    .clicked()
                {
                    a.push(Action::Quit);
                }
            });
            ui.menu_button("Edit", |ui| {
                let undo = self.history.undo_label().map(|l| format!("Undo {l}"));
                let redo = self.history.redo_label().map(|l| format!("Redo {l}"));
                let b =
                    egui::Button::new(undo.as_deref().unwrap_or("Undo")).shortcut_text("Ctrl+Z");
                if ui.add_enabled(undo.is_some(), b).clicked() {
                    a.push(Action::Undo);
                }
                let b = egui::Button::new(redo.as_deref().unwrap_or("Redo"))
                    .shortcut_text("Ctrl+Shift+Z");
                if ui.add_enabled(redo.is_some(), b).clicked() {
                    a.push(Action::Redo);
                }
                ui.separator();
                let sel = !self.canvas.selection.is_empty();
                for (label, keys, action, enabled) in [
                    ("Cut", "Ctrl+X", Action::Cut, sel),
                    ("Copy", "Ctrl+C", Action::Copy, sel),
                    (
                        "Paste",
                        "Ctrl+V",
                        Action::PasteInternal,
                        self.clipboard.is_some(),
                    ),
                    ("Duplicate", "Ctrl+D", Action::Duplicate, sel),
                    ("Delete", "Delete", Action::Delete, sel),
                    ("Select all", "Ctrl+A", Action::SelectAll, true),
                ] {
                    let b = egui::Button::new(label).shortcut_text(keys);
                    if ui.add_enabled(enabled, b).clicked() {
                        a.push(action);
                    }
                }
            });
            ui.menu_button("View", |ui| {
                if ui
                    .add(egui::Button::new("Fit to view").shortcut_text("F"))
                    .clicked()
                {
                    a.push(Action::Fit);
                }
                if ui
                    .add(egui::Button::new("Auto-layout").shortcut_text("Ctrl+Shift+L"))
                    .clicked()
                {
                    a.push(Action::AutoLayout);
                }
                ui.separator();
                if let Some(l) = &self.lesson {
                    let mut open = l.open;
                    if ui
                        .checkbox(&mut open, "Lesson panel")
                        .on_hover_text("The project's guided lesson")
                        .clicked()
                    {
                        a.push(Action::Lesson(LessonAction::Toggle));
                    }
                }
                let mut present = self.present;
                if ui
                    .checkbox(&mut present, "Present mode  (Ctrl+Shift+P)")
                    .on_hover_text(
                        "Everything 1.5× larger for projectors; the palette and diagnostics \
                         are hidden, the inspector shows while something is selected",
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
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard shortcuts").clicked() {
                    self.show_shortcuts = true;
                }
            });
        });
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            if let Some(s) = &self.status {
                let color = if s.is_error {
                    theme::severity_color(Severity::Error)
                } else {
                    ui.visuals().text_color()
                };
                ui.label(egui::RichText::new(&s.text).color(color));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(format!("{:.0} %", self.canvas.zoom * 100.0));
                ui.separator();
                ui.label(format!(
                    "{} nodes · {} edges",
                    self.project.graph.nodes.len(),
                    self.project.graph.edges.len()
                ));
            });
        });
    }

    fn modals_ui(&mut self, ctx: &egui::Context) {
        if let Some(pending) = self.prompt.clone() {
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
}

/// Zoom factor of Present mode.
pub const PRESENT_ZOOM: f32 = 1.5;

/// Sets egui's zoom for Present mode on or off.
pub fn apply_present(ctx: &egui::Context, present: bool) {
    ctx.set_zoom_factor(if present { PRESENT_ZOOM } else { 1.0 });
}
