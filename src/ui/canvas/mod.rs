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
mod state;

pub use geometry::{DETAIL_ZOOM, NAME_ZOOM, node_pos};
pub use input::moved_by;
pub use overlay::LiveCanvas;
pub use state::CanvasState;

use crate::model::{Node, NodeId, Project, Severity};
use crate::ui::message::Action;
use crate::ui::run::live_panel::FaultDraft;
use crate::ui::shell::theme::{self, CanvasColors, LiveColors};
use egui::{Rect, Sense};
use state::Frame;
use std::collections::BTreeMap;

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
