//! Gestures on the canvas: clicking, moving, box selection, panning, dragging a wire to
//! connect, inline rename and the context menus. Gestures become actions.

use super::draw::has_input;
use super::geometry::{DETAIL_ZOOM, distance_to_polyline, edge_points, node_pos};
use super::state::{CanvasState, Frame, Gesture};
use crate::model::{EdgeId, Edit, FaultTarget, KindTag, Node, NodeId, Pos, Project, choose_edge};
use crate::ui::message::{Action, Selection};
use crate::ui::run::live_panel::{FaultDraft, break_it_ui};
use crate::ui::shell::theme::{self, PORT_RADIUS};
use crate::ui::shell::{names, palette};
use egui::{Pos2, Rect, Sense, Stroke, StrokeKind, Vec2, pos2, vec2};
use std::collections::BTreeSet;

/// A node's output port (drawn, and dragged to connect) and what the pointer does to the
/// node (`resp`): select, rename, move, and its context menu.
pub(super) fn node_input_ui(
    ui: &egui::Ui,
    f: &Frame<'_>,
    state: &mut CanvasState,
    (id, node, r): (&NodeId, &Node, Rect),
    resp: &egui::Response,
    draft: &mut FaultDraft,
    actions: &mut Vec<Action>,
) {
    port_ui(ui, f, state, id, node, r);
    let modifiers = f.modifiers;
    if resp.clicked() {
        if modifiers.shift || modifiers.command {
            toggle(&mut state.selection.nodes, id.clone());
        } else {
            state.selection = Selection::node(id.clone());
        }
    }
    if resp.double_clicked() {
        state.renaming = Some((id.clone(), node.name.clone()));
    }
    if resp.drag_started_by(egui::PointerButton::Primary) {
        if !state.selection.nodes.contains(id) {
            if modifiers.shift {
                state.selection.nodes.insert(id.clone());
            } else {
                state.selection = Selection::node(id.clone());
            }
        }
        state.serial += 1;
        state.gesture = Gesture::Move(format!("drag-{}", state.serial));
    }
    if let Gesture::Move(key) = &state.gesture
        && resp.dragged_by(egui::PointerButton::Primary)
    {
        let d = resp.drag_delta() / state.zoom;
        if d != Vec2::ZERO {
            actions.push(Action::Edit {
                edit: Edit::MoveNodes(moved_by(f.project, &state.selection.nodes, d)),
                key: Some(key.clone()),
            });
        }
    }
    if resp.drag_stopped() && matches!(state.gesture, Gesture::Move(_)) {
        state.gesture = Gesture::None;
        actions.push(Action::Seal);
    }
    resp.context_menu(|ui| node_menu_ui(ui, f, state, (id, node), draft, actions));
}

/// Where `nodes` (those the project has) go when moved by `d` canvas units.
pub fn moved_by(project: &Project, nodes: &BTreeSet<NodeId>, d: Vec2) -> Vec<(NodeId, Pos)> {
    nodes
        .iter()
        .filter(|n| project.graph.nodes.contains_key(*n))
        .map(|n| {
            let p = node_pos(project, n);
            (
                n.clone(),
                Pos {
                    x: p.x + d.x,
                    y: p.y + d.y,
                },
            )
        })
        .collect()
}

/// The output port on a node's right edge (and its input port on the left when anything
/// can connect into it); dragging the output port starts a wire.
fn port_ui(
    ui: &egui::Ui,
    f: &Frame<'_>,
    state: &mut CanvasState,
    id: &NodeId,
    node: &Node,
    r: Rect,
) {
    let z = state.zoom;
    let kind = node.kind.tag();
    let port = Rect::from_center_size(
        r.right_center(),
        Vec2::splat((PORT_RADIUS * 2.0 * z).max(12.0)),
    );
    let port_resp = ui.interact(port, ui.id().with(("port", id)), Sense::drag());
    port_resp.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::WidgetType::Button,
            true,
            format!("{} output", node.name),
        )
    });
    let port_color = theme::kind_color(kind);
    let hot = port_resp.hovered() || state.gesture == Gesture::Wire(id.clone());
    let detail = z >= DETAIL_ZOOM || hot;
    if detail {
        f.painter.circle(
            r.right_center(),
            PORT_RADIUS * z * if hot { 1.4 } else { 1.0 },
            port_color,
            Stroke::new(1.5, f.colors.node_fill),
        );
    }
    if detail && has_input(kind) {
        f.painter.circle(
            r.left_center(),
            PORT_RADIUS * z,
            f.colors.node_fill,
            Stroke::new(1.5 * z.max(0.7), port_color),
        );
    }
    if port_resp.drag_started() {
        state.gesture = Gesture::Wire(id.clone());
    }
}

/// A node's right-click menu: rename, duplicate, copy, delete, and during a run its faults.
fn node_menu_ui(
    ui: &mut egui::Ui,
    f: &Frame<'_>,
    state: &mut CanvasState,
    (id, node): (&NodeId, &Node),
    draft: &mut FaultDraft,
    actions: &mut Vec<Action>,
) {
    if !state.selection.nodes.contains(id) {
        state.selection = Selection::node(id.clone());
    }
    if ui.button("Rename").clicked() {
        state.renaming = Some((id.clone(), node.name.clone()));
        ui.close();
    }
    for (label, action) in [
        ("Duplicate", Action::Duplicate),
        ("Copy", Action::Copy),
        ("Delete", Action::Delete),
    ] {
        if ui.button(label).clicked() {
            actions.push(action);
            ui.close();
        }
    }
    if f.live.is_some() {
        ui.separator();
        ui.menu_button("⚡ Break it", |ui| {
            let target = FaultTarget::Node(id.clone());
            if break_it_ui(ui, &target, Some(node.kind.tag()), draft, actions) {
                ui.close();
            }
        });
    }
}

/// The empty canvas: pan, box selection, a click that selects an edge or clears the
/// selection, and the right-click menu (add a node here, or an edge's faults during a run).
#[expect(
    clippy::too_many_arguments,
    reason = "what the background gestures read of the frame, spelled out"
)]
pub(super) fn background_ui(
    ui: &egui::Ui,
    f: &Frame<'_>,
    state: &mut CanvasState,
    bg: &egui::Response,
    node_rects: &[(NodeId, Rect)],
    edge_hits: &[(EdgeId, Vec<Pos2>)],
    draft: &mut FaultDraft,
    actions: &mut Vec<Action>,
) {
    let modifiers = f.modifiers;
    if bg.drag_started() {
        let origin = ui
            .input(|i| i.pointer.press_origin())
            .unwrap_or(state.rect.center());
        state.gesture = if bg.dragged_by(egui::PointerButton::Primary)
            && (modifiers.shift || modifiers.command)
        {
            Gesture::Box {
                start: origin,
                additive: modifiers.shift && modifiers.command,
            }
        } else {
            Gesture::Pan
        };
    }
    match &state.gesture {
        Gesture::Pan if bg.dragged() => {
            state.pan += bg.drag_delta();
            state.fitted_size = None;
        }
        Gesture::Box { start, additive } => {
            let (start, additive) = (*start, *additive);
            box_select_ui(ui, f, state, bg, node_rects, start, additive);
        }
        Gesture::Pan | Gesture::None | Gesture::Move(_) | Gesture::Wire(_) => {}
    }
    if bg.drag_stopped() && state.gesture == Gesture::Pan {
        state.gesture = Gesture::None;
    }
    if bg.clicked() {
        match f.pointer.and_then(|p| edge_under(p, edge_hits)) {
            Some(id) if modifiers.shift => toggle(&mut state.selection.edges, id),
            Some(id) => state.selection = Selection::edge(id),
            None if !modifiers.shift => state.selection = Selection::default(),
            None => {}
        }
    }
    if bg.secondary_clicked() {
        state.context_edge = f.live.and(f.pointer).and_then(|p| edge_under(p, edge_hits));
        state.context_pos = f.pointer.map(|p| {
            let c = state.canvas_from_screen(p);
            Pos {
                x: c.x.round(),
                y: c.y.round(),
            }
        });
    }
    bg.context_menu(|ui| background_menu_ui(ui, f, state, draft, actions));
}

/// The selection box being dragged from `start`; released, it selects the nodes it touches
/// (added to the selection when `additive`).
fn box_select_ui(
    ui: &egui::Ui,
    f: &Frame<'_>,
    state: &mut CanvasState,
    bg: &egui::Response,
    node_rects: &[(NodeId, Rect)],
    start: Pos2,
    additive: bool,
) {
    let end = f.pointer.unwrap_or(start);
    let sel = Rect::from_two_pos(start, end);
    f.painter.rect(
        sel,
        2.0,
        f.colors.selection.gamma_multiply(0.12),
        Stroke::new(1.0, f.colors.selection),
        StrokeKind::Inside,
    );
    if bg.drag_stopped() || !ui.input(|i| i.pointer.any_down()) {
        let picked = node_rects
            .iter()
            .filter(|(_, r)| sel.intersects(*r))
            .map(|(id, _)| id.clone());
        if additive {
            state.selection.nodes.extend(picked);
        } else {
            state.selection = Selection {
                nodes: picked.collect(),
                edges: BTreeSet::new(),
            };
        }
        state.gesture = Gesture::None;
    }
}

/// The edge within 6 points of `p`, the nearest if several are.
fn edge_under(p: Pos2, edge_hits: &[(EdgeId, Vec<Pos2>)]) -> Option<EdgeId> {
    edge_hits
        .iter()
        .map(|(id, pts)| (id, distance_to_polyline(p, pts)))
        .filter(|(_, d)| *d < 6.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id.clone())
}

/// The canvas's right-click menu: an edge's faults during a run, otherwise add a node at
/// the pointer, paste, select all, fit, auto-layout.
fn background_menu_ui(
    ui: &mut egui::Ui,
    f: &Frame<'_>,
    state: &CanvasState,
    draft: &mut FaultDraft,
    actions: &mut Vec<Action>,
) {
    if f.live.is_some()
        && let Some(eid) = state.context_edge.clone()
        && f.project.graph.edges.contains_key(&eid)
    {
        let name = names::edge_name(f.project, &eid);
        ui.label(egui::RichText::new(format!("⚡ Break {name}")).strong());
        let target = FaultTarget::Edge(eid);
        if break_it_ui(ui, &target, None, draft, actions) {
            ui.close();
        }
        return;
    }
    for cat in palette::CATEGORIES {
        for kind in KindTag::ALL.iter().filter(|k| k.category() == cat) {
            let label = format!("Add {}", palette::button_label(*kind));
            if ui.button(label).on_hover_text(kind.description()).clicked() {
                actions.push(Action::AddNode {
                    kind: *kind,
                    at: state.context_pos,
                });
                ui.close();
            }
        }
        ui.separator();
    }
    for (label, action) in [
        ("Paste", Action::PasteInternal),
        ("Select all", Action::SelectAll),
        ("Fit to view", Action::Fit),
        ("Auto-layout", Action::AutoLayout),
    ] {
        if ui.button(label).clicked() {
            actions.push(action);
            ui.close();
        }
    }
}

/// Adds `id` to the set, or removes it when it is there (shift-click).
fn toggle<T: Ord>(set: &mut BTreeSet<T>, id: T) {
    if !set.remove(&id) {
        set.insert(id);
    }
}

/// The inline name editor over a node, after a double-click or "Rename".
pub(super) fn rename_ui(
    ui: &mut egui::Ui,
    state: &mut CanvasState,
    project: &Project,
    actions: &mut Vec<Action>,
) {
    let Some((id, mut text)) = state.renaming.take() else {
        return;
    };
    if !project.graph.nodes.contains_key(&id) {
        return;
    }
    let r = state.node_screen_rect(project, &id);
    let field = Rect::from_min_size(
        pos2(r.min.x + 46.0 * state.zoom, r.center().y - 14.0),
        vec2((r.width() - 54.0 * state.zoom).max(80.0), 24.0),
    );
    let edit_id = ui.id().with(("rename", &id));
    let resp = ui.put(
        field,
        egui::TextEdit::singleline(&mut text)
            .id(edit_id)
            .hint_text("Name"),
    );
    if !resp.has_focus() && !resp.lost_focus() {
        resp.request_focus();
    }
    let (enter, escape) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::Enter),
            i.key_pressed(egui::Key::Escape),
        )
    });
    if escape {
        return;
    }
    if resp.lost_focus() || enter {
        let old = project
            .graph
            .nodes
            .get(&id)
            .map(|n| n.name.clone())
            .unwrap_or_default();
        let name = text.trim().to_owned();
        if !name.is_empty() && name != old {
            actions.push(Action::Edit {
                edit: Edit::Rename { id, name },
                key: None,
            });
        }
        return;
    }
    state.renaming = Some((id, text));
}

/// The wire being dragged out of a port: green onto a node that accepts it, red with the
/// reason onto one that does not; released on a node, it asks to connect.
pub(super) fn wire_ui(
    ui: &egui::Ui,
    f: &Frame<'_>,
    state: &mut CanvasState,
    hovered: Option<&NodeId>,
    actions: &mut Vec<Action>,
) {
    let (project, painter, colors) = (f.project, &f.painter, &f.colors);
    let Gesture::Wire(from) = &state.gesture else {
        return;
    };
    let from = from.clone();
    if !project.graph.nodes.contains_key(&from) {
        state.gesture = Gesture::None;
        return;
    }
    let Some(pointer) = ui.input(|i| i.pointer.latest_pos()) else {
        return;
    };
    let a = state.output_port(project, &from);
    let target = hovered.filter(|t| **t != from);
    let verdict = target.map(|t| choose_edge(&project.graph, &from, t));
    let (color, end) = match (&verdict, target) {
        (Some(Ok(_)), Some(t)) => (
            colors.wire_ok,
            state.node_screen_rect(project, t).left_center(),
        ),
        (Some(Err(_)), _) => (colors.wire_refused, pointer),
        (None, _) | (Some(Ok(_)), None) => (colors.selection, pointer),
    };
    let points = edge_points(a, end, state.zoom, false);
    painter.add(egui::Shape::line(points, Stroke::new(2.5, color)));
    let hint = match &verdict {
        Some(Ok(tag)) => Some(format!("connect by {}", tag.label())),
        Some(Err(reason)) => Some(format!("cannot connect: {reason}")),
        None => None,
    };
    if let Some(h) = hint {
        let font = egui::FontId::proportional(13.0);
        let galley = painter.layout(h, font, color, 320.0);
        let r = Rect::from_min_size(pointer + vec2(14.0, 14.0), galley.size() + vec2(10.0, 6.0));
        painter.rect(
            r,
            4.0,
            colors.node_fill,
            Stroke::new(1.0, color),
            StrokeKind::Inside,
        );
        painter.galley(r.min + vec2(5.0, 3.0), galley, color);
    }
    if !ui.input(|i| i.pointer.any_down()) {
        if let Some(t) = target {
            actions.push(Action::Connect {
                from,
                to: t.clone(),
            });
        }
        state.gesture = Gesture::None;
    }
}
