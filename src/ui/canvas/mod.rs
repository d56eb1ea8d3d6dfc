//! The canvas: nodes with their kind's glyph, colour, name and ports; edges drawn by kind;
//! pan, zoom, selection, moving, connecting by dragging and inline rename.
//!
//! Drawn with egui's `Painter` under a `screen_from_canvas` transform rather than with
//! egui_graphs (see ARCHITECTURE.md): positions come from the project's layout every frame,
//! and gestures become [`Action`]s; only view state (pan, zoom, selection, the gesture in
//! progress) lives here.

mod overlay;

pub use overlay::{LiveCanvas, QUEUE_FULL_AT, blast_radius, compact_badge, node_badges};

use crate::model::{
    Edge, EdgeId, EdgeKind, Edit, FaultTarget, KindTag, Node, NodeId, NodeKind, Pos, Project,
    ScheduleTrigger, Severity, choose_edge, legal_edges,
};
use crate::ui::message::{Action, Selection};
use crate::ui::run::live_panel::{self, FaultDraft};
use crate::ui::shell::format::human_ms;
use crate::ui::shell::theme::{self, CanvasColors, Dash, NODE_SIZE, PORT_RADIUS};
use crate::ui::shell::{names, palette};
use egui::{Color32, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2, pos2, vec2};
use std::collections::{BTreeMap, BTreeSet};

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

/// Below this zoom the canvas draws less: no kind summary, dashes, arrowheads, glyph discs
/// or ports; the name alone, at [`NAME_MIN_SIZE`], and a compact live badge.
pub const DETAIL_ZOOM: f32 = 0.45;

/// Below this zoom nodes are bare boxes (no name, no live badge): a 500-node overview.
pub const NAME_ZOOM: f32 = 0.2;

/// Smallest size node names are drawn at (from [`NAME_ZOOM`] up, until `14 × zoom` is larger),
/// points.
pub const NAME_MIN_SIZE: f32 = 10.5;

/// Smallest size a node's kind summary is drawn at, points; where it cannot have that size
/// and still fit in the box, the summary is left out.
pub const SUMMARY_MIN_SIZE: f32 = 9.5;

/// From this zoom a node shows its kind's glyph disc and the text starts after it (the name
/// is then at its designed `14 × zoom` ≥ [`NAME_MIN_SIZE`]); below, the name starts after
/// the colour stripe, which leaves it room for a dozen characters.
pub const GLYPH_ZOOM: f32 = NAME_MIN_SIZE / 14.0;

/// Row height of egui's proportional font per point of font size (measured: 1.146–1.152; a
/// test keeps this above the real value).
const ROW_PER_POINT: f32 = 1.16;

/// Room kept clear above a node's text for the live badge straddling its top edge, and below
/// it for the second badge line and the queue-fill bar, points.
const TEXT_CLEARANCE: f32 = 7.0;

/// Where and how large a node's text is drawn at or above [`DETAIL_ZOOM`], relative to its
/// screen rectangle (offsets in points from its top-left corner). Pure: a function of the
/// zoom alone, see [`node_text_layout`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeTextLayout {
    /// Whether the glyph disc is drawn (the text then starts after it).
    pub glyph: bool,
    /// Font size of the name, points (never below [`NAME_MIN_SIZE`]).
    pub name_size: f32,
    /// Font size of the kind summary, points (never below [`SUMMARY_MIN_SIZE`]); `None` when
    /// the box has no room for a second line.
    pub summary_size: Option<f32>,
    /// Left edge of the text from the node's left edge.
    pub text_left: f32,
    /// Room kept free right of the text (the output port).
    pub text_right: f32,
    /// Top of the name's row from the node's top edge.
    pub name_top: f32,
    /// Top of the summary's row from the node's top edge (meaningless without a summary).
    pub summary_top: f32,
}

impl NodeTextLayout {
    /// Height of a row of text at `size` points (an upper bound for egui's default font).
    pub fn row_height(size: f32) -> f32 {
        size * ROW_PER_POINT
    }

    /// Width left for the text in a node `node_width` wide.
    pub fn text_width(&self, node_width: f32) -> f32 {
        (node_width - self.text_left - self.text_right).max(0.0)
    }
}

/// How a node's text is laid out at zoom `z` (≥ [`DETAIL_ZOOM`]): the designed sizes and
/// places (name 14 pt at 17 pt above the middle, summary 10.5 pt 3 pt below it, after the
/// glyph disc) scaled by `z`, but never smaller than [`NAME_MIN_SIZE`] and
/// [`SUMMARY_MIN_SIZE`]. Below [`GLYPH_ZOOM`] the disc goes and the text starts after the
/// stripe; the summary is kept only if both lines fit between the live badges' clearance
/// above and below, otherwise the name alone is centred in the box.
pub fn node_text_layout(z: f32) -> NodeTextLayout {
    let height = NODE_SIZE.y * z;
    let center = height / 2.0;
    let glyph = z >= GLYPH_ZOOM;
    let text_left = if glyph { 50.0 * z } else { 6.0 * z + 5.0 };
    let name_size = (14.0 * z).max(NAME_MIN_SIZE);
    let summary_size = (10.5 * z).max(SUMMARY_MIN_SIZE);
    let name_row = NodeTextLayout::row_height(name_size);
    let summary_row = NodeTextLayout::row_height(summary_size);
    let name_top = center - 17.0 * z;
    let summary_top = center + 3.0 * z;
    let bottom_clearance = TEXT_CLEARANCE.max(8.0 * z);
    let two_lines = name_top >= TEXT_CLEARANCE
        && name_top + name_row <= summary_top
        && summary_top + summary_row <= height - bottom_clearance;
    if two_lines {
        NodeTextLayout {
            glyph,
            name_size,
            summary_size: Some(summary_size),
            text_left,
            text_right: 10.0 * z,
            name_top,
            summary_top,
        }
    } else {
        NodeTextLayout {
            glyph,
            name_size,
            summary_size: None,
            text_left,
            text_right: 10.0 * z,
            name_top: center - name_row / 2.0,
            summary_top: height,
        }
    }
}

/// A canvas size change (either side, as a share) that re-fits a view nobody moved by hand.
const REFIT_CHANGE: f32 = 0.15;

/// Zoom limits.
pub const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.1..=4.0;

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

/// A node's top-left in canvas units: from the layout, or a grid slot when the file has none.
pub fn node_pos(project: &Project, id: &NodeId) -> Pos {
    if let Some(p) = project.layout.positions.get(id) {
        return *p;
    }
    let i = project
        .graph
        .nodes
        .keys()
        .position(|k| k == id)
        .unwrap_or(0);
    Pos {
        x: (i % 6) as f32 * 220.0,
        y: (i / 6) as f32 * 110.0 + 600.0,
    }
}

/// The canvas rectangle holding every node, or `None` for an empty project.
fn bounds(project: &Project) -> Option<Rect> {
    project
        .graph
        .nodes
        .keys()
        .map(|id| {
            let p = node_pos(project, id);
            Rect::from_min_size(pos2(p.x, p.y), NODE_SIZE)
        })
        .reduce(|a, b| a.union(b))
}

/// Where live badges (metrics of a running design) go on a node: a strip straddling its top
/// edge, right-aligned, kept clear of the name.
pub fn badge_rect(node: Rect, zoom: f32) -> Rect {
    Rect::from_min_max(
        pos2(node.center().x, node.min.y - 9.0 * zoom),
        pos2(node.max.x - 6.0 * zoom, node.min.y + 7.0 * zoom),
    )
}

/// Whether anything can connect into a node of this kind (sources have no input port).
pub fn has_input(kind: KindTag) -> bool {
    KindTag::ALL
        .iter()
        .any(|f| !legal_edges(*f, kind).is_empty())
}

/// A one-line summary of a node's main parameters, under its name.
pub fn kind_summary(node: &Node) -> String {
    match &node.kind {
        NodeKind::Client(p) => format!(
            "Client · {} {:.4}/s",
            p.arrival.label(),
            p.arrival.mean_rate_per_s()
        ),
        NodeKind::HttpApi(p) => format!("HTTP API · {} rps", p.rate_limit_rps),
        NodeKind::Schedule(p) => match &p.trigger {
            ScheduleTrigger::Rate { every_ms } => {
                format!("Schedule · every {}", human_ms(*every_ms))
            }
            ScheduleTrigger::Cron { expression } => format!("Schedule · {expression}"),
        },
        NodeKind::Bucket(_) => "Bucket".to_owned(),
        NodeKind::Table(p) => {
            format!(
                "Table · stream {}",
                if p.stream_enabled { "on" } else { "off" }
            )
        }
        NodeKind::Queue(p) => {
            let kind = if p.fifo { "FIFO queue" } else { "Queue" };
            match p.max_receive_count {
                Some(n) => format!("{kind} · DLQ after {n}"),
                None => kind.to_owned(),
            }
        }
        NodeKind::Topic(_) => "Topic".to_owned(),
        NodeKind::Function(p) => {
            format!("Function · {} MB · {}", p.memory_mb, human_ms(p.timeout_ms))
        }
    }
}

/// Short text drawn on an edge (batch settings, filters, emission).
fn edge_label(edge: &Edge) -> Option<String> {
    let mut parts = Vec::new();
    match &edge.kind {
        EdgeKind::EventSource(m) => {
            let mut s = format!("batch {}", m.batch_size);
            if m.batch_window_ms > 0 {
                s.push_str(&format!(" · {}", human_ms(m.batch_window_ms)));
            }
            parts.push(s);
        }
        EdgeKind::Subscription(s) if !s.filter.is_empty() => parts.push("filtered".to_owned()),
        EdgeKind::Subscription(_)
        | EdgeKind::AsyncInvoke
        | EdgeKind::SyncInvoke
        | EdgeKind::Write
        | EdgeKind::OnFailure => {}
    }
    if edge.emit.probability < 1.0 {
        parts.push(format!("{:.0} %", edge.emit.probability * 100.0));
    }
    if edge.emit.count != 1 {
        parts.push(format!("×{}", edge.emit.count));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Points along an edge from an output port `a` to an input port `b`.
fn edge_points(a: Pos2, b: Pos2, zoom: f32, self_loop: bool) -> Vec<Pos2> {
    let (c1, c2) = if self_loop {
        (a + vec2(70.0, -90.0) * zoom, b + vec2(-70.0, -90.0) * zoom)
    } else {
        let dx = ((b.x - a.x).abs() * 0.5).max(50.0 * zoom);
        (a + vec2(dx, 0.0), b - vec2(dx, 0.0))
    };
    // Enough segments to look smooth at this size, few when the edge is short on screen.
    let length = a.distance(c1) + c1.distance(c2) + c2.distance(b);
    let n = (length / 14.0).clamp(3.0, 24.0) as usize;
    (0..=n)
        .map(|i| {
            let t = i as f32 / n as f32;
            let u = 1.0 - t;
            let p = a.to_vec2() * (u * u * u)
                + c1.to_vec2() * (3.0 * u * u * t)
                + c2.to_vec2() * (3.0 * u * t * t)
                + b.to_vec2() * (t * t * t);
            p.to_pos2()
        })
        .collect()
}

fn distance_to_polyline(p: Pos2, points: &[Pos2]) -> f32 {
    points
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let ab = b - a;
            let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
            (a + ab * t).distance(p)
        })
        .fold(f32::INFINITY, f32::min)
}

fn draw_edge(
    painter: &egui::Painter,
    points: &[Pos2],
    tag: crate::model::EdgeTag,
    color: Color32,
    zoom: f32,
    selected: bool,
) {
    let width = if selected { 3.5 } else { 1.8 } * zoom.clamp(0.5, 1.5);
    let stroke = Stroke::new(width, color);
    if zoom < DETAIL_ZOOM {
        // Far out, dashes and arrowheads are smaller than a pixel: one plain line.
        painter.add(egui::Shape::line(points.to_vec(), stroke));
        return;
    }
    if selected {
        painter.add(egui::Shape::line(
            points.to_vec(),
            Stroke::new(width + 4.0, color.gamma_multiply(0.3)),
        ));
    }
    match theme::edge_dash(tag) {
        Dash::Solid => {
            painter.add(egui::Shape::line(points.to_vec(), stroke));
        }
        Dash::Dashed => {
            painter.extend(egui::Shape::dashed_line(
                points,
                stroke,
                8.0 * zoom,
                5.0 * zoom,
            ));
        }
        Dash::Dotted => {
            painter.extend(egui::Shape::dotted_line(
                points,
                color,
                6.0 * zoom,
                width * 0.7,
            ));
        }
    }
    let n = points.len();
    if n >= 2 {
        let tip = points[n - 1];
        let dir = (tip - points[n - 2]).normalized();
        let side = vec2(-dir.y, dir.x);
        let len = 10.0 * zoom.clamp(0.5, 1.5);
        let base = tip - dir * len;
        painter.add(egui::Shape::convex_polygon(
            vec![tip, base + side * len * 0.5, base - side * len * 0.5],
            color,
            Stroke::NONE,
        ));
    }
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
    state.rect = rect;
    // Panels opening or closing (a run starting) re-fit a view the user has not moved.
    if let Some(fitted) = state.fitted_size {
        let change = (rect.size() - fitted).abs() / fitted.max(vec2(1.0, 1.0));
        if change.x > REFIT_CHANGE || change.y > REFIT_CHANGE {
            state.fit_pending = true;
        }
    }
    if state.fit_pending {
        state.fit(project);
        state.fit_pending = false;
    }
    let colors = CanvasColors::for_visuals(ui.visuals());
    let live_colors = theme::LiveColors::for_visuals(ui.visuals());
    let dark = ui.visuals().dark_mode;
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, colors.background);
    draw_grid(&painter, state, colors.grid);

    let pointer = ui.input(|i| i.pointer.latest_pos());
    let modifiers = ui.input(|i| i.modifiers);
    if let Some(p) = pointer.filter(|p| rect.contains(*p) && ui.rect_contains_pointer(rect)) {
        let scroll = ui.input(|i| i.smooth_scroll_delta.y);
        let factor = ui.input(|i| i.zoom_delta()) * (scroll * 0.002).exp();
        if (factor - 1.0).abs() > 1e-4 {
            state.zoom_at(p, factor);
        }
    }
    let z = state.zoom;
    let visible = rect.expand(40.0 * z);

    // Edges, under the nodes.
    let mut edge_hits: Vec<(EdgeId, Vec<Pos2>)> = Vec::new();
    for (eid, e) in &project.graph.edges {
        if !project.graph.nodes.contains_key(&e.from) || !project.graph.nodes.contains_key(&e.to) {
            continue;
        }
        let a =
            state.node_screen_rect(project, &e.from).right_center() + vec2(PORT_RADIUS * z, 0.0);
        let b = state.node_screen_rect(project, &e.to).left_center() - vec2(PORT_RADIUS * z, 0.0);
        let reach = Rect::from_two_pos(a, b).expand(100.0 * z);
        if !visible.intersects(reach) {
            continue;
        }
        let points = edge_points(a, b, z, e.from == e.to);
        let selected = state.selection.edges.contains(eid);
        let color = if selected {
            colors.selection
        } else {
            theme::edge_color(e.kind.tag(), dark)
        };
        if let Some(l) = live
            && let Some(el) = l.run.edge(eid.as_str())
        {
            overlay::edge_live(
                &painter,
                &points,
                theme::edge_color(e.kind.tag(), dark),
                el,
                l,
                z,
                &live_colors,
            );
        }
        draw_edge(&painter, &points, e.kind.tag(), color, z, selected);
        if z >= DETAIL_ZOOM
            && let Some(label) = edge_label(e)
        {
            // Legible or not at all: zoomed out, a label enlarged to a readable size is left
            // out where it would not fit between the nodes it joins (the inspector shows it).
            let mid = points[points.len() / 2];
            let scaled = 11.0 * z;
            let font = egui::FontId::proportional(scaled.max(SUMMARY_MIN_SIZE));
            let galley = painter.layout_no_wrap(label, font, colors.weak_text);
            let gap = points
                .first()
                .zip(points.last())
                .map_or(0.0, |(a, b)| (b.x - a.x).abs());
            if scaled >= SUMMARY_MIN_SIZE || galley.size().x + 6.0 <= gap {
                let r = Rect::from_center_size(
                    mid - vec2(0.0, 10.0 * z),
                    galley.size() + vec2(6.0, 2.0),
                );
                painter.rect_filled(r, 3.0, colors.background);
                painter.galley(r.min + vec2(3.0, 1.0), galley, colors.weak_text);
            }
        }
        edge_hits.push((eid.clone(), points));
    }

    // Nodes.
    let mut hovered_node: Option<NodeId> = None;
    let mut node_rects: Vec<(NodeId, Rect)> = Vec::new();
    for (id, node) in &project.graph.nodes {
        let r = state.node_screen_rect(project, id);
        if !visible.intersects(r) {
            continue;
        }
        node_rects.push((id.clone(), r));
        if pointer.is_some_and(|p| r.contains(p)) {
            hovered_node = Some(id.clone());
        }
        let resp = ui.interact(r, ui.id().with(("node", id)), Sense::click_and_drag());
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &node.name));
        let selected = state.selection.nodes.contains(id);
        if state.highlight.contains(id) {
            draw_glow(&painter, r, z, theme::highlight_color(dark));
        }
        if let Some(l) = live {
            overlay::node_under(&painter, r, id, l, z);
        }
        draw_node(
            &painter,
            r,
            node,
            z,
            &colors,
            selected,
            outlines.get(id).copied(),
        );
        if let Some(l) = live
            && let Some(n) = l.run.node(id.as_str())
            && let Some((top, top_rect)) =
                overlay::node_over(&painter, r, &node.kind, n, z, &live_colors)
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
            painter.circle(
                r.right_center(),
                PORT_RADIUS * z * if hot { 1.4 } else { 1.0 },
                port_color,
                Stroke::new(1.5, colors.node_fill),
            );
        }
        if detail && has_input(kind) {
            painter.circle(
                r.left_center(),
                PORT_RADIUS * z,
                colors.node_fill,
                Stroke::new(1.5 * z.max(0.7), port_color),
            );
        }
        if port_resp.drag_started() {
            state.gesture = Gesture::Wire(id.clone());
        }

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
            let d = resp.drag_delta() / z;
            if d != Vec2::ZERO {
                let moves = state
                    .selection
                    .nodes
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
                    .collect();
                actions.push(Action::Edit {
                    edit: Edit::MoveNodes(moves),
                    key: Some(key.clone()),
                });
            }
        }
        if resp.drag_stopped() && matches!(state.gesture, Gesture::Move(_)) {
            state.gesture = Gesture::None;
            actions.push(Action::Seal);
        }
        resp.context_menu(|ui| {
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
            if live.is_some() {
                ui.separator();
                ui.menu_button("⚡ Break it", |ui| {
                    let target = FaultTarget::Node(id.clone());
                    if live_panel::break_it_ui(ui, &target, Some(kind), draft, actions) {
                        ui.close();
                    }
                });
            }
        });
    }

    rename_ui(ui, state, project, actions);
    wire_ui(
        ui,
        &painter,
        state,
        project,
        hovered_node.as_ref(),
        &colors,
        actions,
    );

    // Background: pan, box selection, click to select edges or clear, right-click to add.
    if bg.drag_started() {
        let origin = ui
            .input(|i| i.pointer.press_origin())
            .unwrap_or(rect.center());
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
            let end = pointer.unwrap_or(*start);
            let sel = Rect::from_two_pos(*start, end);
            painter.rect(
                sel,
                2.0,
                colors.selection.gamma_multiply(0.12),
                Stroke::new(1.0, colors.selection),
                StrokeKind::Inside,
            );
            if bg.drag_stopped() || !ui.input(|i| i.pointer.any_down()) {
                let picked = node_rects
                    .iter()
                    .filter(|(_, r)| sel.intersects(*r))
                    .map(|(id, _)| id.clone());
                if *additive {
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
        Gesture::Pan | Gesture::None | Gesture::Move(_) | Gesture::Wire(_) => {}
    }
    if bg.drag_stopped() && state.gesture == Gesture::Pan {
        state.gesture = Gesture::None;
    }
    if bg.clicked() {
        let hit = pointer.and_then(|p| {
            edge_hits
                .iter()
                .map(|(id, pts)| (id, distance_to_polyline(p, pts)))
                .filter(|(_, d)| *d < 6.0)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(id, _)| id.clone())
        });
        match hit {
            Some(id) if modifiers.shift => toggle(&mut state.selection.edges, id),
            Some(id) => state.selection = Selection::edge(id),
            None if !modifiers.shift => state.selection = Selection::default(),
            None => {}
        }
    }
    if bg.secondary_clicked() {
        state.context_edge = live.and(pointer).and_then(|p| {
            edge_hits
                .iter()
                .map(|(id, pts)| (id, distance_to_polyline(p, pts)))
                .filter(|(_, d)| *d < 6.0)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(id, _)| id.clone())
        });
        state.context_pos = pointer.map(|p| {
            let c = state.canvas_from_screen(p);
            Pos {
                x: c.x.round(),
                y: c.y.round(),
            }
        });
    }
    bg.context_menu(|ui| {
        if live.is_some()
            && let Some(eid) = state.context_edge.clone()
            && project.graph.edges.contains_key(&eid)
        {
            let name = names::edge_name(project, &eid);
            ui.label(egui::RichText::new(format!("⚡ Break {name}")).strong());
            let target = FaultTarget::Edge(eid);
            if live_panel::break_it_ui(ui, &target, None, draft, actions) {
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
    });
    if project.graph.nodes.is_empty() {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            "Add a node from the palette, or right-click here",
            egui::FontId::proportional(16.0),
            colors.weak_text,
        );
    }
}

/// Adds `id` to the set, or removes it when it is there (shift-click).
fn toggle<T: Ord>(set: &mut BTreeSet<T>, id: T) {
    if !set.remove(&id) {
        set.insert(id);
    }
}

fn draw_grid(painter: &egui::Painter, state: &CanvasState, color: Color32) {
    let mut step = theme::GRID_STEP * state.zoom;
    while step < 16.0 {
        step *= 2.0;
    }
    let rect = state.rect;
    let origin = rect.min + state.pan;
    let stroke = Stroke::new(1.0, color);
    let mut x = origin.x + ((rect.min.x - origin.x) / step).ceil() * step;
    while x < rect.max.x {
        painter.line_segment([pos2(x, rect.min.y), pos2(x, rect.max.y)], stroke);
        x += step;
    }
    let mut y = origin.y + ((rect.min.y - origin.y) / step).ceil() * step;
    while y < rect.max.y {
        painter.line_segment([pos2(rect.min.x, y), pos2(rect.max.x, y)], stroke);
        y += step;
    }
}

/// A soft ring around a node the lesson talks about (under the node).
fn draw_glow(painter: &egui::Painter, r: Rect, z: f32, color: Color32) {
    let radius = 8.0 * z;
    for i in (1..=4).rev() {
        let w = i as f32 * 3.0 * z.max(0.5);
        painter.rect_stroke(
            r.expand(w / 2.0),
            radius + w / 2.0,
            Stroke::new(w, color.gamma_multiply(0.22)),
            StrokeKind::Outside,
        );
    }
    painter.rect_stroke(
        r.expand(2.0 * z),
        radius + 2.0 * z,
        Stroke::new(2.5 * z.max(0.6), color),
        StrokeKind::Outside,
    );
}

fn draw_node(
    painter: &egui::Painter,
    r: Rect,
    node: &Node,
    z: f32,
    colors: &CanvasColors,
    selected: bool,
    outline: Option<Severity>,
) {
    let kind = node.kind.tag();
    let accent = theme::kind_color(kind);
    let radius = 8.0 * z;
    if let Some(sev) = outline {
        painter.rect_stroke(
            r.expand(4.0 * z),
            radius + 3.0 * z,
            Stroke::new(2.0, theme::severity_color(sev)),
            StrokeKind::Outside,
        );
    }
    if z < DETAIL_ZOOM {
        // Far out: a box and its colour stripe (a node is a few pixels tall).
        painter.rect_filled(r, 0.0, colors.node_fill);
        painter.rect_filled(
            Rect::from_min_max(r.min, pos2(r.min.x + 6.0 * z, r.max.y)),
            0.0,
            accent,
        );
        if selected {
            painter.rect_stroke(
                r,
                0.0,
                Stroke::new(2.0, colors.selection),
                StrokeKind::Outside,
            );
        }
        // The name stays legible: never smaller than `NAME_MIN_SIZE`, cut to the box.
        let text_x = r.min.x + 6.0 * z + 3.0;
        let width = r.max.x - text_x - 2.0;
        if z >= NAME_ZOOM && width > 8.0 {
            let font = egui::FontId::proportional((14.0 * z).max(NAME_MIN_SIZE));
            let name = single_line(painter, &node.name, font, colors.text, width);
            let at = pos2(text_x, r.center().y - name.size().y / 2.0);
            painter
                .with_clip_rect(r.intersect(painter.clip_rect()))
                .galley(at, name, colors.text);
        }
        return;
    }
    let border = if selected {
        Stroke::new(2.5, colors.selection)
    } else {
        Stroke::new(1.0, colors.node_border)
    };
    painter.rect(r, radius, colors.node_fill, border, StrokeKind::Inside);
    let stripe = Rect::from_min_max(r.min, pos2(r.min.x + 6.0 * z, r.max.y));
    painter.rect_filled(
        stripe,
        egui::CornerRadius {
            nw: radius as u8,
            sw: radius as u8,
            ne: 0,
            se: 0,
        },
        accent,
    );
    let layout = node_text_layout(z);
    if layout.glyph {
        let disc = pos2(r.min.x + 28.0 * z, r.center().y);
        painter.circle_filled(disc, 15.0 * z, accent.gamma_multiply(0.22));
        painter.text(
            disc,
            egui::Align2::CENTER_CENTER,
            theme::kind_glyph(kind),
            egui::FontId::proportional(16.0 * z),
            accent,
        );
    }
    // Text is never smaller than legible; what does not fit is cut with "…" or left out.
    let text = painter.with_clip_rect(r.intersect(painter.clip_rect()));
    let text_x = r.min.x + layout.text_left;
    let width = layout.text_width(r.width()).max(10.0);
    let name = single_line(
        painter,
        &node.name,
        egui::FontId::proportional(layout.name_size),
        colors.text,
        width,
    );
    text.galley(pos2(text_x, r.min.y + layout.name_top), name, colors.text);
    if let Some(size) = layout.summary_size {
        let summary = single_line(
            painter,
            &kind_summary(node),
            egui::FontId::proportional(size),
            colors.weak_text,
            width,
        );
        text.galley(
            pos2(text_x, r.min.y + layout.summary_top),
            summary,
            colors.weak_text,
        );
    }
}

/// Text on one line, cut with "…" to fit `width`.
fn single_line(
    painter: &egui::Painter,
    text: &str,
    font: egui::FontId,
    color: Color32,
    width: f32,
) -> std::sync::Arc<egui::Galley> {
    let mut job = egui::text::LayoutJob::simple_singleline(text.to_owned(), font, color);
    job.wrap = egui::text::TextWrapping {
        max_width: width,
        max_rows: 1,
        break_anywhere: true,
        overflow_character: Some('…'),
    };
    painter.layout_job(job)
}

/// The inline name editor over a node, after a double-click or "Rename".
fn rename_ui(
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
fn wire_ui(
    ui: &egui::Ui,
    painter: &egui::Painter,
    state: &mut CanvasState,
    project: &Project,
    hovered: Option<&NodeId>,
    colors: &CanvasColors,
    actions: &mut Vec<Action>,
) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every detail zoom from `DETAIL_ZOOM` to the maximum, in 0.5 % steps.
    fn detail_zooms() -> impl Iterator<Item = f32> {
        let steps = ((*ZOOM_RANGE.end() - DETAIL_ZOOM) / 0.005).round() as u32;
        (0..=steps).map(|i| DETAIL_ZOOM + i as f32 * 0.005)
    }

    #[test]
    fn node_text_is_legible_and_inside_the_box_at_every_detail_zoom() {
        for z in detail_zooms() {
            let t = node_text_layout(z);
            let size = NODE_SIZE * z;
            assert!(t.name_size >= NAME_MIN_SIZE, "name at {z}: {t:?}");
            let name_row = NodeTextLayout::row_height(t.name_size);
            assert!(t.name_top >= 0.0, "name above the box at {z}: {t:?}");
            assert!(
                t.name_top + name_row <= size.y,
                "name below the box at {z}: {t:?}"
            );
            // Room for about a dozen characters of the name (≈ 0.5 em each).
            assert!(
                t.text_width(size.x) >= 5.0 * t.name_size,
                "a {} pt wide text column at {z}: {t:?}",
                t.text_width(size.x)
            );
            if let Some(s) = t.summary_size {
                assert!(s >= SUMMARY_MIN_SIZE, "summary at {z}: {t:?}");
                assert!(
                    t.summary_top >= t.name_top + name_row,
                    "summary overlaps the name at {z}: {t:?}"
                );
                assert!(
                    t.summary_top + NodeTextLayout::row_height(s) <= size.y - TEXT_CLEARANCE,
                    "summary runs into the bottom badge at {z}: {t:?}"
                );
                assert!(
                    t.name_top >= TEXT_CLEARANCE,
                    "name under the top badge: {t:?}"
                );
            }
        }
    }

    #[test]
    fn node_text_keeps_its_design_where_it_is_large_enough() {
        // At 100 % exactly the designed sizes and places.
        let t = node_text_layout(1.0);
        assert!(t.glyph);
        assert_eq!(t.name_size, 14.0);
        assert_eq!(t.summary_size, Some(10.5));
        assert_eq!((t.text_left, t.name_top, t.summary_top), (50.0, 10.0, 30.0));
        // Scaled up, both lines scale with the zoom.
        let t = node_text_layout(2.0);
        assert_eq!((t.name_size, t.summary_size), (28.0, Some(21.0)));
        // The summary shows wherever the glyph does, from about 76 %.
        for z in detail_zooms().filter(|z| *z >= 0.76) {
            let t = node_text_layout(z);
            assert!(t.glyph && t.summary_size.is_some(), "at {z}: {t:?}");
        }
    }

    #[test]
    fn zoomed_out_a_node_shows_its_name_alone_centred_after_the_stripe() {
        for z in [DETAIL_ZOOM, 0.5, 0.55, 0.6, 0.7] {
            let t = node_text_layout(z);
            assert!(!t.glyph, "no glyph disc at {z}");
            assert_eq!(t.name_size, NAME_MIN_SIZE, "at {z}");
            assert_eq!(t.summary_size, None, "no room for the summary at {z}");
            let middle = t.name_top + NodeTextLayout::row_height(t.name_size) / 2.0;
            assert!(
                (middle - NODE_SIZE.y * z / 2.0).abs() < 0.01,
                "at {z}: {t:?}"
            );
            assert!(
                t.text_left < 10.0,
                "text right after the stripe at {z}: {t:?}"
            );
        }
    }

    #[test]
    fn the_row_height_estimate_holds_for_egui_fonts() {
        let ctx = egui::Context::default();
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            for size in [SUMMARY_MIN_SIZE, NAME_MIN_SIZE, 12.0, 14.0, 21.0, 56.0] {
                let font = egui::FontId::proportional(size);
                let row = ui.ctx().fonts_mut(|f| f.row_height(&font));
                let galley = ui.ctx().fonts_mut(|f| {
                    f.layout_no_wrap("Order queue · DLQ after 3".into(), font, Color32::WHITE)
                });
                let estimate = NodeTextLayout::row_height(size);
                assert!(row <= estimate, "{size} pt: row {row} > {estimate}");
                assert!(
                    galley.size().y <= estimate + 0.5,
                    "{size} pt: galley {} > {estimate}",
                    galley.size().y
                );
            }
        });
        out.textures_delta.clear();
    }
}
