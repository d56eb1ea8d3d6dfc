//! A self-contained SVG that looks like the canvas (light theme): rounded nodes with their
//! kind's colour stripe, glyph disc, name and summary; bezier wires from output to input
//! port, coloured and dashed by kind with arrowheads; optionally a run's numbers in pills
//! above and below each node, as the live overlay shows them; a legend of wire kinds.

use super::{Stroke, edge_detail, edge_rgb, edge_stroke, hex, kind_glyph, kind_rgb, kind_summary};
use crate::model::{EdgeTag, NodeId, Pos, Project};
use crate::sim::Report;
use std::collections::BTreeMap;
use std::fmt::Write;

const NODE_W: f32 = 150.0;
const NODE_H: f32 = 54.0;
const MARGIN: f32 = 40.0;
const TITLE_H: f32 = 36.0;
const LEGEND_H: f32 = 40.0;
const FONT: &str = "Ubuntu, 'Segoe UI', 'Helvetica Neue', Arial, sans-serif";
const BACKGROUND: &str = "#f4f5f7";
const GRID: &str = "#e0e2e7";
const NODE_FILL: &str = "#ffffff";
const NODE_BORDER: &str = "#b8bdc6";
const TEXT: &str = "#1c1e24";
const WEAK_TEXT: &str = "#5e636e";
const BADGE_FILL: &str = "#24272e";
const BADGE_TEXT: &str = "#f4f5f7";
const BADGE_ALERT: &str = "#ff8a7a";

/// A run's numbers per node, drawn as the live overlay's badges.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveNumbers {
    /// Per node id: (top line, bottom line, whether the top shows a problem).
    pub badges: BTreeMap<NodeId, (String, Option<String>, bool)>,
}

impl LiveNumbers {
    /// The badges of a finished run: requests per second over the run, p99, error share,
    /// and the cost per day.
    pub fn from_report(report: &Report) -> Self {
        let seconds = report.duration_s.max(1e-9);
        let mut badges = BTreeMap::new();
        for n in &report.nodes {
            let mut top = vec![format!("{}/s", compact(n.invocations as f64 / seconds))];
            if n.latency.count > 0 && matches!(n.kind, "Function" | "HttpApi" | "Client") {
                top.push(format!("p99 {}", ms_text(n.latency.p99_ms)));
            }
            let alert = n.errors > 0 || n.throttles > 0;
            if n.errors > 0 {
                top.push(format!("err {:.1} %", n.error_percent));
            }
            if n.throttles > 0 {
                top.push(format!("thr {}", compact(n.throttles as f64)));
            }
            let bottom =
                (n.cost_per_day_usd > 0.0).then(|| format!("${:.2}/day", n.cost_per_day_usd));
            badges.insert(NodeId::new(n.id.as_str()), (top.join(" · "), bottom, alert));
        }
        LiveNumbers { badges }
    }
}

use crate::model::describe::compact;

fn ms_text(ms: f64) -> String {
    if ms >= 1_000.0 {
        format!("{:.1} s", ms / 1_000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

/// Escapes text for XML.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text cut with "…" to about `width` at `size` (an average glyph is ~0.55 em wide).
fn fit(text: &str, width: f32, size: f32) -> String {
    let max = ((width / (size * 0.55)) as usize).max(2);
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max - 1).collect::<String>() + "…"
    }
}

/// Every node's position: the project's layout, the layered layout for nodes without one.
fn positions(project: &Project) -> BTreeMap<NodeId, Pos> {
    let laid = crate::model::layout::layered(&project.graph);
    project
        .graph
        .nodes
        .keys()
        .map(|id| {
            let p = project
                .layout
                .positions
                .get(id)
                .or_else(|| laid.get(id))
                .copied()
                .unwrap_or_default();
            let p = if p.x.is_finite() && p.y.is_finite() {
                p
            } else {
                Pos::default()
            };
            (id.clone(), p)
        })
        .collect()
}

/// The project as an SVG document, with `live` numbers when given.
pub fn to_svg(project: &Project, live: Option<&LiveNumbers>) -> String {
    let pos = positions(project);
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (0.0f32, 0.0f32, NODE_W, NODE_H);
    if let Some(first) = pos.values().next() {
        (min_x, min_y, max_x, max_y) = (first.x, first.y, first.x + NODE_W, first.y + NODE_H);
    }
    for p in pos.values() {
        min_x = min_x.min(p.x);
        min_y = min_y.min(p.y);
        max_x = max_x.max(p.x + NODE_W);
        max_y = max_y.max(p.y + NODE_H);
    }
    let badge_room = if live.is_some() { 14.0 } else { 0.0 };
    let dx = MARGIN - min_x;
    let dy = MARGIN + TITLE_H + badge_room - min_y;
    let width = (max_x - min_x + 2.0 * MARGIN).max(420.0);
    let height = max_y - min_y + 2.0 * MARGIN + TITLE_H + LEGEND_H + 2.0 * badge_room;
    let at = |id: &NodeId| pos.get(id).map(|p| (p.x + dx, p.y + dy));

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="{FONT}">"#,
        w = width,
        h = height
    );
    let _ = writeln!(s, "<title>{}</title>", xml(&project.name));
    s.push_str("<defs>\n");
    let _ = writeln!(
        s,
        r#"<pattern id="grid" width="40" height="40" patternUnits="userSpaceOnUse"><circle cx="1" cy="1" r="1" fill="{GRID}"/></pattern>"#
    );
    for tag in EdgeTag::ALL {
        let _ = writeln!(
            s,
            r#"<marker id="arrow-{t:?}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>"#,
            t = tag,
            c = hex(edge_rgb(tag))
        );
    }
    s.push_str("</defs>\n");
    let _ = writeln!(
        s,
        r#"<rect width="100%" height="100%" fill="{BACKGROUND}"/><rect width="100%" height="100%" fill="url(#grid)"/>"#
    );
    let _ = writeln!(
        s,
        r#"<text x="{MARGIN}" y="{y}" font-size="16" font-weight="bold" fill="{TEXT}">{}</text>"#,
        xml(&fit(&project.name, width - 2.0 * MARGIN, 16.0)),
        y = MARGIN
    );

    // Wires under the nodes.
    edges_svg(&mut s, project, &at);

    for (i, (id, node)) in project.graph.nodes.iter().enumerate() {
        let Some((x, y)) = at(id) else {
            continue;
        };
        let kind = node.kind.tag();
        let accent = hex(kind_rgb(kind));
        let _ = writeln!(s, r#"<g id="node-{}">"#, xml(id.as_str()));
        let _ = writeln!(
            s,
            "<title>{}</title>",
            xml(&format!("{} ({}, {})", node.name, kind.name(), id))
        );
        let _ = writeln!(
            s,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{NODE_W}" height="{NODE_H}" rx="8" fill="{NODE_FILL}" stroke="{NODE_BORDER}"/>"#
        );
        let _ = writeln!(
            s,
            r#"<clipPath id="clip-{i}"><rect x="{x:.1}" y="{y:.1}" width="{NODE_W}" height="{NODE_H}" rx="8"/></clipPath><rect x="{x:.1}" y="{y:.1}" width="6" height="{NODE_H}" fill="{accent}" clip-path="url(#clip-{i})"/>"#
        );
        let _ = writeln!(
            s,
            r#"<circle cx="{:.1}" cy="{:.1}" r="15" fill="{accent}" fill-opacity="0.22"/><text x="{:.1}" y="{:.1}" font-size="16" text-anchor="middle" fill="{accent}">{}</text>"#,
            x + 28.0,
            y + NODE_H / 2.0,
            x + 28.0,
            y + NODE_H / 2.0 + 5.5,
            kind_glyph(kind)
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="14" fill="{TEXT}">{}</text>"#,
            x + 50.0,
            y + 23.0,
            xml(&fit(&node.name, 90.0, 14.0))
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="10.5" fill="{WEAK_TEXT}">{}</text>"#,
            x + 50.0,
            y + 41.0,
            xml(&fit(&kind_summary(node), 90.0, 10.5))
        );
        if let Some((top, bottom, alert)) = live.and_then(|l| l.badges.get(id)) {
            pill(
                &mut s,
                x + NODE_W / 2.0,
                y - 2.0,
                top,
                if *alert { BADGE_ALERT } else { BADGE_TEXT },
            );
            if let Some(b) = bottom {
                pill(&mut s, x + NODE_W / 2.0, y + NODE_H + 14.0, b, BADGE_TEXT);
            }
        }
        s.push_str("</g>\n");
    }
    legend(&mut s, MARGIN, height - LEGEND_H / 2.0);
    s.push_str("</svg>\n");
    s
}

/// The wires, drawn under the nodes: one cubic curve per edge (a loop for a self-edge),
/// styled by its kind, with its detail label at the curve's midpoint.
fn edges_svg(s: &mut String, project: &Project, at: &dyn Fn(&NodeId) -> Option<(f32, f32)>) {
    for (id, e) in &project.graph.edges {
        let (Some((fx, fy)), Some((tx, ty))) = (at(&e.from), at(&e.to)) else {
            continue;
        };
        let tag = e.kind.tag();
        let a = (fx + NODE_W, fy + NODE_H / 2.0);
        let b = (tx, ty + NODE_H / 2.0);
        let (c1, c2) = if e.from == e.to {
            ((a.0 + 70.0, a.1 - 90.0), (b.0 - 70.0, b.1 - 90.0))
        } else {
            let d = ((b.0 - a.0).abs() * 0.5).max(50.0);
            ((a.0 + d, a.1), (b.0 - d, b.1))
        };
        let dash = match edge_stroke(tag) {
            Stroke::Solid => String::new(),
            Stroke::Dashed => r#" stroke-dasharray="8 5""#.to_owned(),
            Stroke::Dotted => r#" stroke-dasharray="1.5 5" stroke-linecap="round""#.to_owned(),
        };
        let _ = writeln!(
            *s,
            r#"<path d="M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="none" stroke="{c}" stroke-width="1.8"{dash} marker-end="url(#arrow-{tag:?})"><title>{t}</title></path>"#,
            a.0,
            a.1,
            c1.0,
            c1.1,
            c2.0,
            c2.1,
            b.0,
            b.1,
            c = hex(edge_rgb(tag)),
            t = xml(&format!("{} ({id})", project.graph.edge_label(id)))
        );
        if let Some(label) = edge_detail(e) {
            // The curve's midpoint (t = ½).
            let mx = (a.0 + 3.0 * c1.0 + 3.0 * c2.0 + b.0) / 8.0;
            let my = (a.1 + 3.0 * c1.1 + 3.0 * c2.1 + b.1) / 8.0;
            let _ = writeln!(
                *s,
                r#"<text x="{mx:.1}" y="{:.1}" font-size="10.5" text-anchor="middle" fill="{WEAK_TEXT}" stroke="{BACKGROUND}" stroke-width="3" paint-order="stroke">{}</text>"#,
                my - 4.0,
                xml(&label)
            );
        }
    }
}

/// A dark rounded pill of text centred on (`cx`, baseline `y`).
fn pill(s: &mut String, cx: f32, y: f32, text: &str, color: &str) {
    let w = text.chars().count() as f32 * 10.5 * 0.55 + 10.0;
    let _ = writeln!(
        s,
        r#"<rect x="{:.1}" y="{:.1}" width="{w:.1}" height="15" rx="7.5" fill="{BADGE_FILL}"/><text x="{cx:.1}" y="{:.1}" font-size="10.5" text-anchor="middle" fill="{color}">{}</text>"#,
        cx - w / 2.0,
        y - 11.5,
        y,
        xml(text)
    );
}

/// One sample wire per kind with its name.
fn legend(s: &mut String, x0: f32, y: f32) {
    let mut x = x0;
    for tag in EdgeTag::ALL {
        let dash = match edge_stroke(tag) {
            Stroke::Solid => String::new(),
            Stroke::Dashed => r#" stroke-dasharray="8 5""#.to_owned(),
            Stroke::Dotted => r#" stroke-dasharray="1.5 5" stroke-linecap="round""#.to_owned(),
        };
        let _ = writeln!(
            s,
            r#"<line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{}" stroke-width="1.8"{dash}/><text x="{:.1}" y="{:.1}" font-size="10.5" fill="{WEAK_TEXT}">{}</text>"#,
            x + 28.0,
            hex(edge_rgb(tag)),
            x + 34.0,
            y + 3.5,
            tag.label()
        );
        x += 40.0 + tag.label().chars().count() as f32 * 6.0;
    }
}
