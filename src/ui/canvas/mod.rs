//! The canvas: nodes with their kind's glyph, colour, name and ports; edges drawn by kind;
//! pan, zoom, selection, moving, connecting by dragging and inline rename.
//!
//! Drawn with egui's `Painter` under a `screen_from_canvas` transform rather than with
//! egui_graphs (see ARCHITECTURE.md): positions come from the project's layout every frame,
//! and gestures become [`Action`]s; only view state (pan, zoom, selection, the gesture in
//! progress) lives here.

mod draw;
mod geometry;
mod input;
mod overlay;

pub use geometry::{
    DETAIL_ZOOM, NAME_MIN_SIZE, NAME_ZOOM, SUMMARY_MIN_SIZE, ZOOM_RANGE, badge_rect, node_pos,
    node_text_layout,
};
pub use overlay::LiveCanvas;

pub use input::moved_by;

use crate::model::{EdgeId, Node, NodeId, Pos, Project, Severity};
use crate::ui::message::{Action, Selection};
use crate::ui::run::live_panel::FaultDraft;
use crate::ui::shell::theme::{self, CanvasColors, LiveColors, NODE_SIZE};
use egui::{Pos2, Rect, Sense, Vec2, pos2, vec2};
use geometry::bounds;
use std::collections::BTreeMap;

/// A pointer gesture in progress.
#[derive(Clone, Debug, Default, PartialEq)]
enum Gesture {
    #[default]
    None,
    /// Dragging the selected nodes; edits share this coalescing key.
    Move(String),
    /// Dragging a wire out of a node's output port.
    Wire(NodeId),
    /// Dragging a selection box from this screen point.
    Box { start: Pos2, additive: bool },
    /// Panning the view.
    Pan,
}

/// View state of the canvas.
#[derive(Clone, Debug)]
pub struct CanvasState {
    /// Screen offset of the canvas origin from the top-left of the canvas area, points.
    pub pan: Vec2,
    /// Screen points per canvas unit.
    pub zoom: f32,
    /// Selected nodes and edges.
    pub selection: Selection,
    /// The canvas area on screen in the last frame.
    pub rect: Rect,
    /// Nodes drawn with a glow ring (the lesson step's focus).
    pub highlight: Vec<NodeId>,
    gesture: Gesture,
    serial: u64,
    fit_pending: bool,
    /// The canvas size at the last fit, while the user has not panned or zoomed since.
    fitted_size: Option<Vec2>,
    context_pos: Option<Pos>,
    /// The edge under a right-click while a run is on (its fault menu opens).
    context_edge: Option<EdgeId>,
    renaming: Option<(NodeId, String)>,
}

impl Default for CanvasState {
    fn default() -> Self {
        Self {
            pan: vec2(40.0, 40.0),
            zoom: 1.0,
            selection: Selection::default(),
            rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            highlight: Vec::new(),
            gesture: Gesture::None,
            serial: 0,
            fit_pending: true,
            fitted_size: None,
            context_pos: None,
            context_edge: None,
            renaming: None,
        }
    }
}

/// A canvas size change (either side, as a share) that re-fits a view nobody moved by hand.
const REFIT_CHANGE: f32 = 0.15;

impl CanvasState {
    /// Screen point of a canvas point.
    pub fn screen_from_canvas(&self, p: Pos2) -> Pos2 {
        self.rect.min + self.pan + p.to_vec2() * self.zoom
    }

    /// Canvas point under a screen point.
    pub fn canvas_from_screen(&self, s: Pos2) -> Pos2 {
        ((s - self.rect.min - self.pan) / self.zoom).to_pos2()
    }

    /// A node's rectangle on screen.
    pub fn node_screen_rect(&self, project: &Project, id: &NodeId) -> Rect {
        let p = node_pos(project, id);
        Rect::from_min_size(
            self.screen_from_canvas(pos2(p.x, p.y)),
            NODE_SIZE * self.zoom,
        )
    }

    /// Screen centre of a node's output port.
    pub fn output_port(&self, project: &Project, id: &NodeId) -> Pos2 {
        self.node_screen_rect(project, id).right_center()
    }

    /// Takes this frame's canvas area; panels opening or closing (a run starting) re-fit a
    /// view the user has not moved, and a requested fit happens now.
    fn place(&mut self, rect: Rect, project: &Project) {
        self.rect = rect;
        if let Some(fitted) = self.fitted_size {
            let change = (rect.size() - fitted).abs() / fitted.max(vec2(1.0, 1.0));
            if change.x > REFIT_CHANGE || change.y > REFIT_CHANGE {
                self.fit_pending = true;
            }
        }
        if self.fit_pending {
            self.fit(project);
            self.fit_pending = false;
        }
    }

    /// Fits every node in view on the next frame (when the canvas size is known).
    pub fn request_fit(&mut self) {
        self.fit_pending = true;
    }

    /// Whether a node name is being edited on the canvas.
    pub fn is_renaming(&self) -> bool {
        self.renaming.is_some()
    }

    /// Fits every node in the view (an empty project gets zoom 1 with the origin centred).
    pub fn fit(&mut self, project: &Project) {
        let size = self.rect.size();
        self.fitted_size = Some(size);
        let Some(bounds) = bounds(project) else {
            self.zoom = 1.0;
            self.pan = size / 2.0 - NODE_SIZE / 2.0;
            return;
        };
        let margin = 60.0;
        let zx = (size.x - 2.0 * margin).max(50.0) / bounds.width().max(1.0);
        let zy = (size.y - 2.0 * margin).max(50.0) / bounds.height().max(1.0);
        self.zoom = zx.min(zy).clamp(0.2, 1.25);
        self.pan = size / 2.0 - bounds.center().to_vec2() * self.zoom;
    }

    /// Centres the view on a node, zooming in if it would be too small to read.
    pub fn center_on(&mut self, project: &Project, id: &NodeId) {
        let p = node_pos(project, id);
        let c = pos2(p.x, p.y) + NODE_SIZE / 2.0;
        self.fitted_size = None;
        self.zoom = self.zoom.max(0.8);
        self.pan = self.rect.size() / 2.0 - c.to_vec2() * self.zoom;
    }

    /// Zooms by `factor` keeping the canvas point under `screen` fixed.
    pub fn zoom_at(&mut self, screen: Pos2, factor: f32) {
        let before = self.canvas_from_screen(screen);
        self.fitted_size = None;
        self.zoom = (self.zoom * factor).clamp(*ZOOM_RANGE.start(), *ZOOM_RANGE.end());
        self.pan = screen - self.rect.min - before.to_vec2() * self.zoom;
    }

    /// Where a node added from the palette goes: the view's centre, moved down-right until
    /// it does not cover another node exactly.
    pub fn free_spot(&self, project: &Project) -> Pos {
        let mut c = self.canvas_from_screen(self.rect.center());
        let taken = |c: Pos2| {
            project.layout.positions.values().any(|p| {
                (p.x + NODE_SIZE.x / 2.0 - c.x).abs() < 10.0
                    && (p.y + NODE_SIZE.y / 2.0 - c.y).abs() < 10.0
            })
        };
        for _ in 0..50 {
            if !taken(c) {
                break;
            }
            c += vec2(30.0, 30.0);
        }
        Pos {
            x: c.x.round(),
            y: c.y.round(),
        }
    }
}

/// What every part of one canvas frame reads: the design, the painter and colours, the
/// pointer, and the live run if one is on.
struct Frame<'a> {
    project: &'a Project,
    painter: egui::Painter,
    colors: CanvasColors,
    live_colors: LiveColors,
    dark: bool,
    pointer: Option<Pos2>,
    modifiers: egui::Modifiers,
    live: Option<&'a LiveCanvas<'a>>,
}

/// Draws the canvas and turns the pointer into actions. With `live`, a run's metrics are
/// drawn over the design and right-clicks offer faults (parameters kept in `draft`).
pub fn canvas_ui(
    ui: &mut egui::Ui,
    state: &mut CanvasState,
    project: &Project,
    outlines: &BTreeMap<NodeId, Severity>,
    live: Option<&LiveCanvas<'_>>,
    draft: &mut FaultDraft,
    actions: &mut Vec<Action>,
) {
    let (rect, bg) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    bg.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Other, true, "Canvas"));
    state.place(rect, project);
    let f = Frame {
        project,
        painter: ui.painter_at(rect),
        colors: CanvasColors::for_visuals(ui.visuals()),
        live_colors: LiveColors::for_visuals(ui.visuals()),
        dark: ui.visuals().dark_mode,
        pointer: ui.input(|i| i.pointer.latest_pos()),
        modifiers: ui.input(|i| i.modifiers),
        live,
    };
    f.painter.rect_filled(rect, 0.0, f.colors.background);
    draw::draw_grid(&f.painter, state, f.colors.grid);
    if let Some(p) = f
        .pointer
        .filter(|p| rect.contains(*p) && ui.rect_contains_pointer(rect))
    {
        let scroll = ui.input(|i| i.smooth_scroll_delta.y);
        let factor = ui.input(|i| i.zoom_delta()) * (scroll * 0.002).exp();
        if (factor - 1.0).abs() > 1e-4 {
            state.zoom_at(p, factor);
        }
    }
    let visible = rect.expand(40.0 * state.zoom);
    // Edges under the nodes.
    let edge_hits = draw::edges_ui(&f, state, visible);
    let mut hovered: Option<NodeId> = None;
    let mut node_rects: Vec<(NodeId, Rect)> = Vec::new();
    for (id, node) in &project.graph.nodes {
        let r = state.node_screen_rect(project, id);
        if !visible.intersects(r) {
            continue;
        }
        node_rects.push((id.clone(), r));
        if f.pointer.is_some_and(|p| r.contains(p)) {
            hovered = Some(id.clone());
        }
        let resp = ui.interact(r, ui.id().with(("node", id)), Sense::click_and_drag());
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &node.name));
        node_ui(ui, &f, state, id, node, r, outlines.get(id).copied());
        input::node_input_ui(ui, &f, state, (id, node, r), &resp, draft, actions);
    }
    input::rename_ui(ui, state, project, actions);
    input::wire_ui(ui, &f, state, hovered.as_ref(), actions);
    input::background_ui(ui, &f, state, &bg, &node_rects, &edge_hits, draft, actions);
    if project.graph.nodes.is_empty() {
        f.painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            "Add a node from the palette, or right-click here",
            egui::FontId::proportional(16.0),
            f.colors.weak_text,
        );
    }
}

/// Draws one node: the lesson glow and blast halo under it, the node, and over it the live
/// badges (an accessible widget with every number on hover).
fn node_ui(
    ui: &egui::Ui,
    f: &Frame<'_>,
    state: &CanvasState,
    id: &NodeId,
    node: &Node,
    r: Rect,
    outline: Option<Severity>,
) {
    let z = state.zoom;
    if state.highlight.contains(id) {
        draw::draw_glow(&f.painter, r, z, theme::highlight_color(f.dark));
    }
    if let Some(l) = f.live {
        overlay::node_under(&f.painter, r, id, l, z);
    }
    let selected = state.selection.nodes.contains(id);
    draw::draw_node(&f.painter, r, node, z, &f.colors, selected, outline);
    if let Some(l) = f.live
        && let Some(n) = l.run.node(id.as_str())
        && let Some((top, top_rect)) =
            overlay::node_over(&f.painter, r, &node.kind, n, z, &f.live_colors)
    {
        // The badge as a widget: readable by screen readers and tests, with the full
        // numbers on hover.
        let badge = ui.interact(top_rect, ui.id().with(("badge", id)), Sense::hover());
        badge.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::WidgetType::Label,
                true,
                format!("{} live: {top}", node.name),
            )
        });
        badge.on_hover_ui(|ui| overlay::details_ui(ui, n));
    }
}
