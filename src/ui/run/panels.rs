//! The run panels docked under the canvas during a live run — Dashboard, Logs and Traces
//! tabs — wired to a [`LiveRun`]: the canvas selection becomes the watched nodes, a picked
//! trace is asked of the host, exports write files. Selections go back to the editor as
//! [`Action`]s.

use super::dashboard::{self, DashboardView};
use super::export::{self, Exports};
use super::live::LiveRun;
use super::logs::{self, LogView};
use super::node_names::NodeNames;
use super::traces::{self, TraceView};
use crate::model::NodeId;
use crate::sim;
use crate::ui::message::{Action, ExportKind, PanelAction, Selection, Status};
use std::path::Path;
use std::sync::Arc;

/// Share of the window height the run panels open with.
pub const DEFAULT_SHARE: f32 = 0.28;
/// Share of the window height the run panels open with in Present mode: as much as the
/// canvas can spare (text is 1.5×, and the dashboard's four plots need the room to be read
/// without scrolling).
pub const PRESENT_SHARE: f32 = MAX_SHARE;
/// Largest share of the window height the user can drag the run panels to.
pub const MAX_SHARE: f32 = 0.6;
/// Shortest the open run panels can be dragged, points.
pub const MIN_HEIGHT: f32 = 140.0;
/// Height the canvas keeps whatever else is open under it (diagnostics, run panels),
/// points: the panels give way below it, down to [`SQUEEZED_HEIGHT`].
pub const CANVAS_MIN_HEIGHT: f32 = 240.0;
/// Shortest the run panels get when the canvas needs the room: the tab strip and a few
/// rows, points.
pub const SQUEEZED_HEIGHT: f32 = 80.0;

/// The most the run panels may take of `available` height (what is left above the status
/// bar once the diagnostics have their share): [`MAX_SHARE`] of the window, but never so
/// much that the canvas falls below [`CANVAS_MIN_HEIGHT`], and never under
/// [`SQUEEZED_HEIGHT`].
pub fn max_panel_height(window_height: f32, available: f32) -> f32 {
    (window_height * MAX_SHARE)
        .max(MIN_HEIGHT)
        .min(available - CANVAS_MIN_HEIGHT)
        .max(SQUEEZED_HEIGHT)
}

/// Most nodes watched at once (each brings a series of up to 2,048 points per frame).
pub const MAX_WATCHED: usize = 6;

/// Label of the button that folds the run panels away.
pub const HIDE_PANELS: &str = "Hide panels";
/// Label of the button that opens folded run panels.
pub const SHOW_PANELS: &str = "Show panels";

/// Which tab is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunTab {
    /// Summary and time series.
    Dashboard,
    /// The log tail.
    Logs,
    /// Sampled traces and a waterfall.
    Traces,
}

/// The panels' state (view state only: the data lives in the [`LiveRun`]).
pub struct RunPanels {
    /// The open tab.
    pub tab: RunTab,
    /// Dashboard state.
    pub dashboard: DashboardView,
    /// Log panel state.
    pub logs: LogView,
    /// Trace panel state.
    pub traces: TraceView,
    /// Only the tab strip is shown (the canvas gets the room).
    pub collapsed: bool,
    exports: Exports,
    /// Node names of the run's project, rebuilt when the run restarts.
    names: NodeNames,
    names_for: Option<(u64, usize)>,
}

impl Default for RunPanels {
    fn default() -> Self {
        Self {
            tab: RunTab::Dashboard,
            dashboard: DashboardView::default(),
            logs: LogView::default(),
            traces: TraceView::default(),
            collapsed: false,
            exports: Exports::default(),
            names: NodeNames::default(),
            names_for: None,
        }
    }
}

impl RunPanels {
    /// Watches the selected nodes (at most [`MAX_WATCHED`]) that the run has.
    pub fn watch_selection(&self, run: &mut LiveRun, selection: &Selection) {
        let ids: Vec<NodeId> = selection
            .nodes
            .iter()
            .filter(|id| run.project.graph.nodes.contains_key(*id))
            .take(MAX_WATCHED)
            .cloned()
            .collect();
        run.watch(ids);
    }

    fn refresh_names(&mut self, run: &LiveRun) {
        let key = (run.generation, Arc::as_ptr(&run.project) as usize);
        if self.names_for != Some(key) || self.names.is_empty() {
            self.names = match run.snapshot() {
                Some(s) => NodeNames::new(&run.project, s),
                None => NodeNames::from_project(&run.project),
            };
            self.names_for = Some(key);
        }
    }

    /// Docks the panels at the bottom of `ui`: a bounded share of `window_height`
    /// (resizable, remembered by egui, separately in Present mode), or only the tab strip
    /// when collapsed. The content scrolls inside, so the panel never grows with it.
    pub fn dock_ui(
        &mut self,
        ui: &mut egui::Ui,
        run: &mut LiveRun,
        window_height: f32,
        present: bool,
        actions: &mut Vec<Action>,
    ) -> Option<Status> {
        if self.collapsed {
            egui::Panel::bottom("run-panels-collapsed")
                .resizable(false)
                .show(ui, |ui| self.tabs_ui(ui));
            return None;
        }
        let max = max_panel_height(window_height, ui.available_height());
        let (id, share) = if present {
            // (A new id: heights remembered from when Present mode opened the panels
            // smaller would keep the plots scrolling.)
            ("run-panels-present-2", PRESENT_SHARE)
        } else {
            ("run-panels", DEFAULT_SHARE)
        };
        egui::Panel::bottom(id)
            .resizable(true)
            .default_size((window_height * share).clamp(MIN_HEIGHT.min(max), max))
            .size_range(MIN_HEIGHT.min(max)..=max)
            .show(ui, |ui| self.ui(ui, run, actions))
            .inner
    }

    /// The tab strip, with the button that collapses or opens the panels.
    fn tabs_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            for (tab, label, tip) in [
                (
                    RunTab::Dashboard,
                    "Dashboard",
                    "Run summary and the selected nodes' metrics",
                ),
                (
                    RunTab::Logs,
                    "Logs",
                    "The run's log, filtered and followed live",
                ),
                (
                    RunTab::Traces,
                    "Traces",
                    "Sampled requests and their waterfall",
                ),
            ] {
                let selected = self.tab == tab && !self.collapsed;
                if ui
                    .selectable_label(selected, label)
                    .on_hover_text(tip)
                    .clicked()
                {
                    self.tab = tab;
                    self.collapsed = false;
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let (text, tip) = if self.collapsed {
                    (SHOW_PANELS, "Open the run panels under the canvas")
                } else {
                    (
                        HIDE_PANELS,
                        "Fold the run panels away to give the canvas the room",
                    )
                };
                if ui.small_button(text).on_hover_text(tip).clicked() {
                    self.collapsed = !self.collapsed;
                }
            });
        });
    }

    /// Draws the open tab for `run`, handles what the panels ask of the run, and returns a
    /// status message when an export finished. Selections are pushed to `actions`.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        run: &mut LiveRun,
        actions: &mut Vec<Action>,
    ) -> Option<Status> {
        self.refresh_names(run);
        let mut status = None;
        if self.exports.pending_report.is_some()
            && let Some(report) = run.report.clone()
            && let Some(done) = self.exports.report_arrived(&report)
        {
            status = Some(as_status(done));
        }

        self.tabs_ui(ui);
        ui.separator();
        let mut asked = Vec::new();
        // Real requests' traces (`serve`) are marked external in both lists.
        self.logs.external = run.external_traces.clone();
        self.traces.external = run.external_traces.clone();
        match self.tab {
            RunTab::Dashboard => dashboard::dashboard_ui(
                ui,
                &mut self.dashboard,
                run.snapshot(),
                &run.watched,
                &run.versions,
                &self.names,
                &mut asked,
            ),
            RunTab::Logs => logs::log_view_ui(
                ui,
                &mut self.logs,
                &run.logs,
                run.logs_first_seq,
                &self.names,
                &mut asked,
            ),
            RunTab::Traces => traces::traces_ui(
                ui,
                &mut self.traces,
                &run.traces,
                run.trace.as_deref(),
                &self.names,
                &mut asked,
            ),
        }
        for a in asked {
            match a {
                PanelAction::SelectNode(id) => actions.push(Action::Select(Selection::node(id))),
                PanelAction::OpenTrace(id) => {
                    self.traces.selected = Some(id);
                    run.request_trace(id);
                    if self.tab == RunTab::Logs {
                        self.tab = RunTab::Traces;
                    }
                }
                // The editor asks where (a system dialog, or its path field when none opens).
                PanelAction::Export(kind) => actions.push(Action::ExportRun(kind)),
            }
        }
        status
    }

    /// Exports to `path` (the editor's dialog answer lands here; tests call it directly). CSV is written at once; the JSON report is asked of the host and written
    /// when it arrives (`None` is returned until then).
    pub fn export_to(
        &mut self,
        kind: ExportKind,
        path: &Path,
        run: &mut LiveRun,
    ) -> Option<Status> {
        let text = match kind {
            ExportKind::NodesCsv => match run.snapshot() {
                Some(s) => sim::export::nodes_csv(s, &run.project.graph),
                None => return Some(as_status(Err("Nothing to export yet".to_owned()))),
            },
            ExportKind::SeriesCsv => sim::export::series_csv(
                run.watched.iter().map(|w| (&w.id, &w.series)),
                &run.project.graph,
            ),
            ExportKind::ReportJson => {
                run.report = None;
                run.request_report();
                self.exports.pending_report = Some(path.to_owned());
                return None;
            }
        };
        Some(as_status(
            export::write_export(path, &text)
                .map(|()| format!("Exported to {}", path.display()))
                .map_err(|e| format!("Could not export: {e}: {}", path.display())),
        ))
    }
}

fn as_status(r: Result<String, String>) -> Status {
    match r {
        Ok(text) => Status {
            text,
            is_error: false,
        },
        Err(text) => Status {
            text,
            is_error: true,
        },
    }
}
