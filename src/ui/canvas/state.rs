//! The canvas's view state (pan, zoom, selection, the gesture in progress, inline rename),
//! its screen ↔ canvas transforms and fitting, and what one frame of drawing reads.

use super::geometry::{ZOOM_RANGE, bounds, node_pos};
use super::overlay::LiveCanvas;
use crate::model::{EdgeId, NodeId, Pos, Project};
use crate::ui::message::Selection;
use crate::ui::shell::theme::{CanvasColors, LiveColors, NODE_SIZE};
use egui::{Pos2, Rect, Vec2, pos2, vec2};

/// A pointer gesture in progress.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) enum Gesture {
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
    pub(super) gesture: Gesture,
    pub(super) serial: u64,
    pub(super) fit_pending: bool,
    /// The canvas size at the last fit, while the user has not panned or zoomed since.
    pub(super) fitted_size: Option<Vec2>,
    pub(super) context_pos: Option<Pos>,
    /// The edge under a right-click while a run is on (its fault menu opens).
    pub(super) context_edge: Option<EdgeId>,
    pub(super) renaming: Option<(NodeId, String)>,
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
    pub(super) fn place(&mut self, rect: Rect, project: &Project) {
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
pub(super) struct Frame<'a> {
    pub(super) project: &'a Project,
    pub(super) painter: egui::Painter,
    pub(super) colors: CanvasColors,
    pub(super) live_colors: LiveColors,
    pub(super) dark: bool,
    pub(super) pointer: Option<Pos2>,
    pub(super) modifiers: egui::Modifiers,
    pub(super) live: Option<&'a LiveCanvas<'a>>,
}
