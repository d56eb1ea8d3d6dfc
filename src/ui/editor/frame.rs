//! One frame of the editor: the layout of its panels around the canvas, then the actions
//! the widgets pushed, carried out once.

use super::{Editor, LESSON_MIN_HEIGHT, SIDE_MAX_WIDTH, SIDE_MIN_WIDTH, SIDE_WIDTH};
use crate::model::{NodeId, Severity, Subject, validate};
use crate::ui::canvas::{LiveCanvas, canvas_ui};
use crate::ui::inspector::inspector_ui;
use crate::ui::run::LiveRun;
use crate::ui::run::lesson::{LessonPanel, lesson_ui};
use crate::ui::run::toolbar::run_toolbar_ui;
use crate::ui::shell::diagnostics::diagnostics_ui;
use crate::ui::shell::{palette, shortcuts};
use std::collections::BTreeMap;

impl Editor {
    /// Draws the whole editor for one frame and handles what the user did.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.before_frame(&ctx);
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        self.run_controls.present = self.present;
        egui::Panel::top("run-toolbar").show(ui, |ui| {
            run_toolbar_ui(
                ui,
                self.live.as_ref(),
                &mut self.run_controls,
                &mut self.actions,
            );
            self.restart_banner_ui(ui);
        });
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        self.side_ui(ui);
        self.bottom_ui(ui);
        self.palette_ui(ui);
        self.canvas_area_ui(ui);
        self.modals_ui(&ctx);
        if self.compare.open {
            crate::ui::run::compare::compare_ui(
                &ctx,
                &mut self.compare,
                &self.project,
                &mut self.actions,
            );
        }
        self.after_frame(&ctx);
    }

    /// What happened since the last frame: dialog answers, the run's frames, the lesson's
    /// progress, keys, a request to close the window.
    fn before_frame(&mut self, ctx: &egui::Context) {
        for r in self.dialogs.poll() {
            self.dialog_done(r);
        }
        self.refresh_diagnostics();
        self.poll_run();
        self.lesson_frame();
        shortcuts::handle_keys(ctx, &mut self.actions, !self.canvas.is_renaming());
        self.close_request(ctx);
    }

    /// One column on the right: the lesson on top, the live run and the inspector below.
    fn side_ui(&mut self, ui: &mut egui::Ui) {
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
                        self.lesson_column_ui(ui, panel, show_inspector);
                    }
                    if show_inspector {
                        if self.live.is_some() {
                            egui::CollapsingHeader::new(
                                egui::RichText::new("⚡ Live run").strong(),
                            )
                            .id_salt("live-panel")
                            .default_open(true)
                            .show(ui, |ui| {
                                #[cfg(feature = "serve")]
                                self.serving_ui(ui);
                                self.live_panel_ui(ui);
                            });
                            ui.separator();
                        }
                        inspector_ui(ui, &self.project, &self.canvas.selection, &mut self.actions);
                    }
                });
        }
        self.lesson = lesson_panel;
    }

    /// The lesson at the top of the right column: a resizable share of it when the inspector
    /// is below, all of it otherwise.
    fn lesson_column_ui(&mut self, ui: &mut egui::Ui, panel: &LessonPanel, shared: bool) {
        let (project, live, actions) = (&self.project, self.live.as_ref(), &mut self.actions);
        let mut lesson = |ui: &mut egui::Ui| lesson_ui(ui, panel, project, live, actions);
        if shared {
            let h = ui.available_height();
            egui::Panel::top("lesson")
                .resizable(true)
                .default_size((h * 0.5).max(LESSON_MIN_HEIGHT))
                .size_range(LESSON_MIN_HEIGHT..=(h - 120.0).max(LESSON_MIN_HEIGHT))
                .show(ui, |ui| lesson(ui));
        } else {
            lesson(ui);
        }
    }

    /// Under the canvas: the diagnostics, and during a run the run panels.
    fn bottom_ui(&mut self, ui: &mut egui::Ui) {
        let present = self.present;
        // Present mode shows the room the canvas and the lesson: no palette or diagnostics,
        // and the inspector only while something is selected. During a run the run panels
        // need the room; diagnostics come back when there are any.
        if !present && (self.live.is_none() || !self.diagnostics.is_empty()) {
            // During a run the diagnostics share the room with the run panels: a few rows,
            // so the canvas keeps its minimum (see `panels::max_panel_height`).
            let (id, size, most) = match self.live {
                Some(_) => ("diagnostics-live", 72.0, ui.max_rect().height() * 0.15),
                None => ("diagnostics", 140.0, f32::INFINITY),
            };
            egui::Panel::bottom(id)
                .resizable(true)
                .default_size(size)
                .size_range(48.0..=most.max(48.0))
                .show(ui, |ui| {
                    diagnostics_ui(ui, &self.diagnostics, &self.project, &mut self.actions)
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
    }

    /// The palette on the left (none in Present mode).
    fn palette_ui(&mut self, ui: &mut egui::Ui) {
        if self.present {
            return;
        }
        // During a run the palette shrinks to glyphs: the canvas is what is watched.
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

    /// The canvas in the room left, with the live overlay during a run.
    fn canvas_area_ui(&mut self, ui: &mut egui::Ui) {
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
                canvas_ui(
                    ui,
                    &mut self.canvas,
                    &self.project,
                    &outlines,
                    live.as_ref(),
                    &mut self.fault_draft,
                    &mut self.actions,
                )
            });
    }

    /// After drawing: carries out the actions, seals a finished gesture, autosaves and
    /// keeps the window title current.
    fn after_frame(&mut self, ctx: &egui::Context) {
        let actions = std::mem::take(&mut self.actions);
        if !actions.is_empty() {
            for a in actions {
                self.handle(ctx, a);
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
        #[cfg(feature = "serve")]
        self.serve_frame();
        self.refresh_diagnostics();
        self.autosave(ctx);
        let title = self.title();
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
    }

    pub(super) fn refresh_diagnostics(&mut self) {
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
}
