//! The canvas: nodes with their kind's glyph, colour, name and ports; edges drawn by kind;
//! pan, zoom, selection, moving, connecting by dragging and inline rename.
//!
//! Drawn with egui's `Painter` under a `screen_from_canvas` transform rather than with
//! egui_graphs (see ARCHITECTURE.md): positions come from the project's layout every frame,
//! and gestures become [`Action`]s; only view state (pan, zoom, selection, the gesture in
//! progress) lives here.

mod badges;
mod draw;
mod geometry;
mod input;
mod overlay;
mod state;

pub use geometry::{DETAIL_ZOOM, NAME_ZOOM, node_pos};
pub use geometry::{free_offset, node_rects};
pub use input::moved_by;
pub use overlay::{LiveCanvas, removed_label};
pub use state::{CanvasState, free_centre};

use crate::model::{KindTag, Node, NodeId, Pos, Project, Severity};
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
    state.pointer = f
        .pointer
        .filter(|p| rect.contains(*p))
        .map(|p| state.canvas_from_screen(p))
        .map(|c| Pos { x: c.x, y: c.y });
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
    // Edges under the nodes; under them both, what the run still has and the edited
    // design no longer does (greyed "removed" until a restart).
    if let Some(l) = live {
        for (label, r) in overlay::removed_ui(&f.painter, state, project, l, &f.colors) {
            let resp = ui.interact(r, ui.id().with(("removed", &label)), Sense::hover());
            resp.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Label, true, &label));
            resp.on_hover_text(
                "Deleted from the design, but the run still simulates it: Restart (in the \
                     banner under the toolbar) to run the design as edited",
            );
        }
    }
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
        let mut resp = ui.interact(r, ui.id().with(("node", id)), Sense::click_and_drag());
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &node.name));
        let cut = node_ui(ui, &f, state, id, node, r, outlines.get(id).copied());
        if cut && state.is_idle() {
            // What the box had no room for, in full.
            resp = resp.on_hover_text(format!("{}\n{}", node.name, draw::kind_summary(node)));
        }
        input::node_input_ui(ui, &f, state, (id, node, r), &resp, draft, actions);
    }
    input::rename_ui(ui, state, project, actions);
    input::wire_ui(ui, &f, state, hovered.as_ref(), actions);
    input::background_ui(ui, &f, state, &bg, &node_rects, &edge_hits, draft, actions);
    palette_drop_ui(&f, state, &bg, actions);
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

/// A palette entry dragged over the canvas: a ghost of the node where it will land (at the
/// pointer, or the nearest free spot), added there when released.
fn palette_drop_ui(
    f: &Frame<'_>,
    state: &CanvasState,
    bg: &egui::Response,
    actions: &mut Vec<Action>,
) {
    let Some(pointer) = f.pointer else {
        return;
    };
    let at = state.canvas_from_screen(pointer);
    let at = Pos { x: at.x, y: at.y };
    if let Some(kind) = bg.dnd_release_payload::<KindTag>() {
        actions.push(Action::AddNode {
            kind: *kind,
            at: Some(at),
        });
        return;
    }
    let Some(kind) = bg.dnd_hover_payload::<KindTag>() else {
        return;
    };
    let c = free_centre(f.project, at);
    let centre = state.screen_from_canvas(egui::pos2(c.x, c.y));
    let r = Rect::from_center_size(centre, theme::NODE_SIZE * state.zoom);
    let color = theme::kind_color(*kind);
    let round = 8.0 * state.zoom;
    f.painter.rect_filled(r, round, color.gamma_multiply(0.25));
    f.painter.rect_stroke(
        r,
        round,
        egui::Stroke::new(1.5, color),
        egui::StrokeKind::Inside,
    );
    f.painter.text(
        r.center(),
        egui::Align2::CENTER_CENTER,
        crate::ui::shell::palette::kind_title(*kind),
        egui::FontId::proportional((14.0 * state.zoom).max(10.5)),
        f.colors.weak_text,
    );
}

/// Draws one node: the lesson glow and blast halo under it, the node, and over it the live
/// badges (an accessible widget with every number on hover). Returns whether the node's
/// text was cut.
fn node_ui(
    ui: &egui::Ui,
    f: &Frame<'_>,
    state: &CanvasState,
    id: &NodeId,
    node: &Node,
    r: Rect,
    outline: Option<Severity>,
) -> bool {
    let z = state.zoom;
    if state.highlight.contains(id) {
        draw::draw_glow(&f.painter, r, z, theme::highlight_color(f.dark));
    }
    if let Some(l) = f.live {
        overlay::node_under(&f.painter, r, id, l, z);
    }
    let selected = state.selection.nodes.contains(id);
    let cut = draw::draw_node(&f.painter, r, node, z, &f.colors, selected, outline);
    if let Some(caption) = state.captions.get(id)
        && z >= DETAIL_ZOOM
    {
        let at = r.center_bottom() + egui::vec2(0.0, 4.0 * z.max(0.5));
        let shown = f.painter.text(
            at,
            egui::Align2::CENTER_TOP,
            caption,
            egui::FontId::monospace(10.0),
            theme::kind_color(node.kind.tag()),
        );
        let line = ui.interact(shown, ui.id().with(("caption", id)), Sense::hover());
        line.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::WidgetType::Label,
                true,
                format!("{} served at {caption}", node.name),
            )
        });
    }
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
    if let Some(l) = f.live
        && let Some(snap) = l.run.snapshot()
    {
        let firing = overlay::alarms_firing(snap, id);
        if !firing.is_empty() {
            let rect = overlay::alarm_bell(&f.painter, r, z);
            let bell = ui.interact(rect, ui.id().with(("alarm", id)), Sense::hover());
            let text = format!("{} in ALARM: {}", node.name, firing.join(", "));
            bell.widget_info(|| {
                egui::WidgetInfo::labeled(egui::WidgetType::Label, true, text.clone())
            });
            bell.on_hover_text(text);
        }
    }
    cut
}
