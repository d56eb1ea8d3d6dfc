//! Drawing the design with the painter: the grid, nodes (box, stripe, glyph, name, kind
//! summary, at every level of detail), edges by kind with their labels, the lesson glow.

use super::geometry::{
    DETAIL_ZOOM, NAME_MIN_SIZE, NAME_ZOOM, SUMMARY_MIN_SIZE, edge_points, node_text_layout,
};
use super::overlay;
use super::state::{CanvasState, Frame};
use crate::model::{
    Edge, EdgeId, EdgeKind, EdgeTag, KindTag, Node, NodeKind, ScheduleTrigger, Severity,
    legal_edges,
};
use crate::ui::shell::format::human_ms;
use crate::ui::shell::theme::{self, CanvasColors, Dash, PORT_RADIUS};
use egui::{Color32, Pos2, Rect, Stroke, StrokeKind, pos2, vec2};

/// Draws the edges whose curves reach into `visible` (under the nodes), with their live
/// layer and labels; returns each drawn edge's points for hit tests.
pub(super) fn edges_ui(
    f: &Frame<'_>,
    state: &CanvasState,
    visible: Rect,
) -> Vec<(EdgeId, Vec<Pos2>)> {
    let project = f.project;
    let z = state.zoom;
    let mut edge_hits = Vec::new();
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
            f.colors.selection
        } else {
            theme::edge_color(e.kind.tag(), f.dark)
        };
        if let Some(l) = f.live
            && let Some(el) = l.run.edge(eid.as_str())
        {
            overlay::edge_live(
                &f.painter,
                &points,
                theme::edge_color(e.kind.tag(), f.dark),
                el,
                l,
                z,
                &f.live_colors,
            );
        }
        draw_edge(&f.painter, &points, e.kind.tag(), color, z, selected);
        if z >= DETAIL_ZOOM
            && let Some(label) = edge_label(e)
        {
            edge_label_ui(f, &points, label, z);
        }
        edge_hits.push((eid.clone(), points));
    }
    edge_hits
}

/// An edge's label above its middle. Legible or not at all: zoomed out, a label enlarged to
/// a readable size is left out where it would not fit between the nodes it joins (the
/// inspector shows it).
fn edge_label_ui(f: &Frame<'_>, points: &[Pos2], label: String, z: f32) {
    let mid = points[points.len() / 2];
    let scaled = 11.0 * z;
    let font = egui::FontId::proportional(scaled.max(SUMMARY_MIN_SIZE));
    let galley = f.painter.layout_no_wrap(label, font, f.colors.weak_text);
    let gap = points
        .first()
        .zip(points.last())
        .map_or(0.0, |(a, b)| (b.x - a.x).abs());
    if scaled >= SUMMARY_MIN_SIZE || galley.size().x + 6.0 <= gap {
        let r = Rect::from_center_size(mid - vec2(0.0, 10.0 * z), galley.size() + vec2(6.0, 2.0));
        f.painter.rect_filled(r, 3.0, f.colors.background);
        f.painter
            .galley(r.min + vec2(3.0, 1.0), galley, f.colors.weak_text);
    }
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
pub(super) fn edge_label(edge: &Edge) -> Option<String> {
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

pub(super) fn draw_edge(
    painter: &egui::Painter,
    points: &[Pos2],
    tag: EdgeTag,
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

pub(super) fn draw_grid(painter: &egui::Painter, state: &CanvasState, color: Color32) {
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
pub(super) fn draw_glow(painter: &egui::Painter, r: Rect, z: f32, color: Color32) {
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

/// A node: its box, colour stripe, glyph, name and kind summary as the zoom allows, and
/// its diagnostics outline.
pub(super) fn draw_node(
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
