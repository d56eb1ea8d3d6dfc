//! The live overlay on the canvas while a run is on: health outlines, metric badges,
//! queue-fill bars, edge heat, animated event dots, fault markers and the blast radius of
//! faults. Pure drawing from a [`LiveRun`]; only nodes and edges the canvas did not cull
//! reach these functions.

pub use super::badges::*;
use super::badges::{cost_text, ms_text};
use super::geometry::{
    DETAIL_ZOOM, NAME_MIN_SIZE, NAME_ZOOM, SUMMARY_MIN_SIZE, badge_rect, node_text_layout,
};
use super::state::CanvasState;
use crate::model::{EdgeKind, NodeId, NodeKind, Project, blast_radius};
use crate::sim::{EdgeLive, NodeLive, SEC};
use crate::ui::run::LiveRun;
use crate::ui::shell::format::{fmt_count, fmt_percent};
use crate::ui::shell::theme::{self, CanvasColors, LiveColors};
use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Stroke, StrokeKind, pos2, vec2};
use std::collections::BTreeSet;

/// Queue depth at which a queue-fill bar is full when the queue sets no alarm of its own.
/// The bar uses the queue's `depth_alarm` (default 1,000 messages: a backlog worth seeing
/// whatever the consumer): green below half, yellow from 50 %, red from 90 %.
pub const QUEUE_FULL_AT: u64 = 1_000;
/// Most event dots drawn on one edge.
pub const MAX_DOTS: usize = 8;

/// What the canvas needs from a live run for one frame.
pub struct LiveCanvas<'a> {
    /// The run.
    pub run: &'a LiveRun,
    /// Nodes a fault reaches (see [`blast_radius`]; not the faulted nodes themselves).
    pub blast: BTreeSet<NodeId>,
    /// Seconds of animation time for the event dots: virtual time slowed to at most one
    /// virtual second per wall second, so dots stop when the run pauses.
    pub anim_s: f64,
}

impl<'a> LiveCanvas<'a> {
    /// The overlay data of `run` over `project` (the blast radius is searched only when
    /// faults are in force).
    pub fn new(run: &'a LiveRun, project: &Project) -> Self {
        let blast = run
            .snapshot()
            .filter(|s| !s.faults.is_empty())
            .map(|s| blast_radius(&project.graph, s.faults.iter().map(|f| &f.fault.target)))
            .unwrap_or_default();
        let speed = match run.speed {
            crate::sim::Speed::Times(x) => x.max(1.0),
            crate::sim::Speed::Max => 100.0,
        };
        LiveCanvas {
            run,
            blast,
            anim_s: run.now() as f64 / SEC as f64 / speed,
        }
    }
}

/// How a pill is painted: background, text, optional outline.
struct PillStyle {
    fill: Color32,
    color: Color32,
    outline: Option<Color32>,
}

/// A pill of text anchored at `anchor` (its alignment), drawn on the painter.
/// Padding of a pill around its text.
const PILL_PAD: egui::Vec2 = vec2(5.0, 1.5);

/// The size [`pill`] gives `text` at `size` points (egui caches the layout).
fn pill_size(painter: &Painter, text: &str, size: f32) -> egui::Vec2 {
    let galley = painter.layout_no_wrap(
        text.to_owned(),
        FontId::proportional(size),
        Color32::PLACEHOLDER,
    );
    galley.size() + 2.0 * PILL_PAD
}

/// `text` at `size` points, or smaller (not below [`BADGE_MIN_SIZE`]) and then shortened
/// with "…", so that its pill is at most `max_width` wide.
fn fit_pill(painter: &Painter, text: &str, size: f32, max_width: f32) -> (String, f32) {
    let width = pill_size(painter, text, size).x;
    if width <= max_width {
        return (text.to_owned(), size);
    }
    let pad = 2.0 * PILL_PAD.x;
    let smaller = (size * (max_width - pad) / (width - pad)).max(BADGE_MIN_SIZE.min(size));
    if pill_size(painter, text, smaller).x <= max_width {
        return (text.to_owned(), smaller);
    }
    let mut chars: Vec<char> = text.chars().collect();
    while chars.len() > 1 {
        chars.pop();
        let short: String = chars.iter().collect::<String>().trim_end().to_owned() + "…";
        if pill_size(painter, &short, smaller).x <= max_width {
            return (short, smaller);
        }
    }
    ("…".to_owned(), smaller)
}

fn pill(
    painter: &Painter,
    anchor: Pos2,
    align: Align2,
    text: String,
    size: f32,
    style: PillStyle,
) -> Rect {
    let PillStyle {
        fill,
        color,
        outline,
    } = style;
    let font = FontId::proportional(size);
    let galley = painter.layout_no_wrap(text, font, color);
    let pad = PILL_PAD;
    let r = align.anchor_size(anchor, galley.size() + 2.0 * pad);
    painter.rect(
        r,
        r.height() / 2.0,
        fill,
        outline.map_or(Stroke::NONE, |c| Stroke::new(1.0, c)),
        StrokeKind::Inside,
    );
    painter.galley(r.min + pad, galley, color);
    r
}

/// Draws under a node (before it): the blast-radius halo.
pub fn node_under(painter: &Painter, r: Rect, id: &NodeId, live: &LiveCanvas<'_>, z: f32) {
    if live.blast.contains(id) {
        // Reaches 6 pt past the health ring (which ends 5 z out), so a failing node's red
        // ring does not hide it.
        let out = 5.0 * z + 6.0;
        painter.rect_filled(
            r.expand(out),
            10.0 * z + out,
            theme::BLAST_COLOR.gamma_multiply(0.3),
        );
    }
}

/// Zoom from which the full top badge (rate, p99, errors, throttles) straddles the node's
/// top edge. Below, a node is too narrow for it: the compact badge sits above the node.
pub const FULL_BADGE_ZOOM: f32 = 0.6;

/// Zoom from which the second badge line (instances, cold starts, cost) straddles the node's
/// bottom edge: at its smallest size it is about as wide as a node and the gap to the next
/// one there; farther out it would run into the neighbours' (the numbers stay in the hover).
pub const BOTTOM_BADGE_ZOOM: f32 = 0.8;

/// Smallest badge text, points (the compact badge's size).
pub const BADGE_MIN_SIZE: f32 = NAME_MIN_SIZE - 0.5;
const _: () = assert!(BADGE_MIN_SIZE >= SUMMARY_MIN_SIZE);

/// Text size of the full badges at zoom `z`, points: scaled, but never below
/// [`BADGE_MIN_SIZE`] nor above 14.
pub fn badge_size(z: f32) -> f32 {
    (10.5 * z).clamp(BADGE_MIN_SIZE, 14.0)
}

/// Draws over a node: health outline, badges, queue bar, version shift, fault marker.
/// Returns the top badge's text and rect, for accessibility (None below [`NAME_ZOOM`]).
pub fn node_over(
    painter: &Painter,
    r: Rect,
    kind: &NodeKind,
    n: &NodeLive,
    z: f32,
    colors: &LiveColors,
) -> Option<(String, Rect)> {
    if let Some(c) = theme::health_color(n.health) {
        painter.rect_stroke(
            r.expand(2.5 * z),
            10.0 * z,
            Stroke::new((2.5 * z).max(1.5), c),
            StrokeKind::Outside,
        );
    }
    if n.faults > 0 {
        let c = pos2(r.min.x + 2.0 * z, r.min.y + 2.0 * z);
        painter.circle_filled(c, (10.0 * z).max(4.0), colors.badge_fill);
        painter.text(
            c,
            Align2::CENTER_CENTER,
            "⚡",
            FontId::proportional((13.0 * z).max(6.0)),
            theme::FAULT_COLOR,
        );
    }
    if z < NAME_ZOOM {
        return None;
    }
    let (top, bottom, alert) = node_badges(kind, n);
    let text_color = if alert {
        colors.badge_alert
    } else {
        colors.badge_text
    };
    let outline = theme::health_color(n.health);
    if z >= DETAIL_ZOOM
        && let NodeKind::Queue(q) = kind
    {
        let full = if q.depth_alarm == 0 {
            QUEUE_FULL_AT
        } else {
            q.depth_alarm
        };
        let share = (n.depth as f32 / full as f32).clamp(0.0, 1.0);
        let bar = Rect::from_min_max(
            pos2(r.min.x + node_text_layout(z).text_left, r.max.y - 8.0 * z),
            pos2(r.max.x - 10.0 * z, r.max.y - 4.0 * z),
        );
        painter.rect_filled(bar, 2.0 * z, colors.bar_empty);
        if share > 0.0 {
            let mut fill = bar;
            fill.max.x = bar.min.x + bar.width() * share.max(0.02);
            painter.rect_filled(fill, 2.0 * z, theme::fill_color(share));
        }
    }
    let version = match n.shifting_to {
        Some((to, share)) => Some(format!("v{} → v{to} {:.0} %", n.version, share * 100.0)),
        None if n.version > 1 => Some(format!("v{}", n.version)),
        None => None,
    };
    let version_style = PillStyle {
        fill: theme::kind_color(crate::model::KindTag::Function),
        color: colors.badge_fill,
        outline: None,
    };
    if z < FULL_BADGE_ZOOM {
        // Farther out: one legible pill above the node, the rate and the number that
        // matters; the version (with room only from `DETAIL_ZOOM`) on the bottom edge.
        let text = compact_badge(kind, n);
        let rect = pill(
            painter,
            pos2(r.center().x, r.min.y - 1.0),
            Align2::CENTER_BOTTOM,
            text.clone(),
            BADGE_MIN_SIZE,
            PillStyle {
                fill: colors.badge_fill,
                color: text_color,
                outline,
            },
        );
        if let Some(v) = version.filter(|_| z >= DETAIL_ZOOM) {
            pill(
                painter,
                pos2(r.min.x + 6.0 * z, r.max.y),
                Align2::LEFT_CENTER,
                v,
                BADGE_MIN_SIZE,
                version_style,
            );
        }
        return Some((text, rect));
    }
    let strip = badge_rect(r, z);
    // The top badge grows left from the node's right corner: it keeps within the node's
    // width so it never reaches a neighbour's badge (the hover lists every number).
    let (top_text, top_size) = fit_pill(painter, &top, badge_size(z), r.width());
    let top_rect = pill(
        painter,
        pos2(strip.max.x, strip.center().y),
        Align2::RIGHT_CENTER,
        top_text,
        top_size,
        PillStyle {
            fill: colors.badge_fill,
            color: text_color,
            outline,
        },
    );
    if let Some(b) = bottom.filter(|_| z >= BOTTOM_BADGE_ZOOM) {
        pill(
            painter,
            pos2(r.max.x - 6.0 * z, r.max.y + 1.0 * z),
            Align2::RIGHT_CENTER,
            b,
            badge_size(z),
            PillStyle {
                fill: colors.badge_fill,
                color: colors.badge_text,
                outline: None,
            },
        );
    }
    if let Some(v) = version {
        // Beside the top badge when both fit on its row; otherwise stacked above the row's
        // left end, so neither covers the other (a function's badge is wide while it fails).
        let beside = pos2(r.min.x + 14.0 * z, strip.center().y);
        let (anchor, align) =
            if beside.x + pill_size(painter, &v, badge_size(z)).x + 4.0 <= top_rect.min.x {
                (beside, Align2::LEFT_CENTER)
            } else {
                (
                    pos2(beside.x.min(top_rect.min.x), top_rect.min.y - 2.0),
                    Align2::LEFT_BOTTOM,
                )
            };
        pill(painter, anchor, align, v, badge_size(z), version_style);
    }
    Some((top, top_rect))
}

/// The names of the alarms on node `id` that are in ALARM now.
pub fn alarms_firing<'a>(snap: &'a crate::sim::Snapshot, id: &NodeId) -> Vec<&'a str> {
    snap.alarms
        .iter()
        .filter(|a| a.node == *id && a.state == crate::model::AlarmState::Alarm)
        .map(|a| a.name.as_str())
        .collect()
}

/// Draws a small red bell at the node's top-right corner (one of its alarms is in ALARM);
/// returns the bell's rect.
pub fn alarm_bell(painter: &Painter, r: Rect, z: f32) -> Rect {
    let radius = (9.0 * z).max(5.0);
    let c = pos2(r.max.x - 2.0 * z, r.min.y + 2.0 * z);
    painter.circle_filled(c, radius, theme::ALARM_COLOR);
    painter.text(
        c,
        Align2::CENTER_CENTER,
        "🔔",
        FontId::proportional((11.0 * z).max(6.0)),
        Color32::WHITE,
    );
    Rect::from_center_size(c, vec2(radius * 2.0, radius * 2.0))
}

/// Draws an edge's live layer: heat under the line (width by throughput), event dots
/// moving along it, a fault marker at its middle and, below the middle from
/// [`DETAIL_ZOOM`], the [`edge_badge`] (batches, lost, duplicated). Returns that badge's
/// text and rect.
#[expect(
    clippy::too_many_arguments,
    reason = "the painter, the curve and the live data of one edge read best flat"
)]
pub fn edge_live(
    painter: &Painter,
    points: &[Pos2],
    color: Color32,
    kind: &EdgeKind,
    e: &EdgeLive,
    live: &LiveCanvas<'_>,
    z: f32,
    colors: &LiveColors,
) -> Option<(String, Rect)> {
    let rate = e.last_second as f64;
    if rate > 0.0 {
        let heat = (1.0 + rate).log10() as f32;
        let width = (1.5 + 1.6 * heat).min(9.0) * z.clamp(0.5, 1.5);
        painter.add(egui::Shape::line(
            points.to_vec(),
            Stroke::new(width, color.gamma_multiply(0.35)),
        ));
        if z >= DETAIL_ZOOM {
            // Dots ∝ log2(rate), so 1/s shows one and 100,000/s shows eight, all readable.
            let n = ((1.0 + rate).log2().ceil() as usize).clamp(1, MAX_DOTS);
            let phase = (live.anim_s * 0.5).fract() as f32;
            for i in 0..n {
                let t = (phase + i as f32 / n as f32).fract();
                let p = along(points, t);
                painter.circle_filled(p, (2.6 * z).max(1.5), colors.dot);
            }
        }
    }
    if e.faults > 0 {
        let mid = along(points, 0.5);
        painter.circle_filled(mid, (10.0 * z).max(5.0), colors.badge_fill);
        painter.text(
            mid,
            Align2::CENTER_CENTER,
            "⚡",
            FontId::proportional((13.0 * z).max(7.0)),
            theme::FAULT_COLOR,
        );
    }
    let text = edge_badge(kind, e).filter(|_| z >= DETAIL_ZOOM)?;
    // Legible or not at all, like the edge labels: left out where it would not fit between
    // the nodes it joins (the nodes would cover it).
    let gap = points
        .first()
        .zip(points.last())
        .map_or(0.0, |(a, b)| (b.x - a.x).abs());
    if pill_size(painter, &text, badge_size(z)).x + 6.0 > gap {
        return None;
    }
    let alert = e.lost > 0 || e.duplicated > 0;
    let rect = pill(
        painter,
        along(points, 0.5) + vec2(0.0, 12.0 * z),
        Align2::CENTER_TOP,
        text.clone(),
        badge_size(z),
        PillStyle {
            fill: colors.badge_fill,
            color: if alert {
                colors.badge_alert
            } else {
                colors.badge_text
            },
            outline: None,
        },
    );
    Some((text, rect))
}

/// Label of a node the running design has and the edited one no longer does.
pub fn removed_label(name: &str) -> String {
    format!("{name} (removed: restart to apply)")
}

/// Draws what the running design still has and the edited one no longer does: its nodes
/// greyed at their old places with "removed", and the edges that touched them, dashed and
/// faint — so the canvas never shows a live number coming from nowhere (the run simulates
/// them until Restart). Returns each drawn node's accessible label and rect.
pub fn removed_ui(
    painter: &Painter,
    state: &CanvasState,
    edited: &Project,
    live: &LiveCanvas<'_>,
    colors: &CanvasColors,
) -> Vec<(String, Rect)> {
    let running = live.run.project.as_ref();
    let gone = |id: &NodeId| !edited.graph.nodes.contains_key(id);
    if !running.graph.nodes.keys().any(gone) {
        return Vec::new();
    }
    let z = state.zoom;
    let faint = colors.weak_text.gamma_multiply(0.6);
    for e in running.graph.edges.values() {
        if gone(&e.from) || gone(&e.to) {
            let a = state.node_screen_rect(running, &e.from).right_center();
            let b = state.node_screen_rect(running, &e.to).left_center();
            painter.add(egui::Shape::dashed_line(
                &[a, b],
                Stroke::new(1.5 * z.max(0.5), faint),
                6.0 * z.max(0.5),
                4.0 * z.max(0.5),
            ));
        }
    }
    let mut out = Vec::new();
    for (id, node) in running.graph.nodes.iter().filter(|(id, _)| gone(id)) {
        let r = state.node_screen_rect(running, id);
        painter.rect(
            r,
            10.0 * z,
            colors.node_fill.gamma_multiply(0.5),
            Stroke::new(1.0, faint),
            StrokeKind::Inside,
        );
        if z >= NAME_ZOOM {
            let size = (12.0 * z).max(NAME_MIN_SIZE);
            painter.text(
                r.center(),
                Align2::CENTER_CENTER,
                format!("{} (removed)", node.name),
                FontId::proportional(size),
                colors.weak_text,
            );
        }
        out.push((removed_label(&node.name), r));
    }
    out
}

/// The point a share `t` (0–1) of the way along a polyline, by segment count (the curve's
/// segments are near-even).
fn along(points: &[Pos2], t: f32) -> Pos2 {
    match points.len() {
        0 => Pos2::ZERO,
        1 => points[0],
        n => {
            let x = t.clamp(0.0, 1.0) * (n - 1) as f32;
            let i = (x.floor() as usize).min(n - 2);
            points[i].lerp(points[i + 1], x - i as f32)
        }
    }
}

/// Every live number of a node, for the badge's hover.
pub fn details_ui(ui: &mut egui::Ui, n: &NodeLive) {
    egui::Grid::new("live-details")
        .num_columns(2)
        .show(ui, |ui| {
            let w = n.last.width_s.max(1e-9);
            let rows = [
                ("Rate (last second)", format!("{:.1}/s", n.rate())),
                (
                    "Latency p50 / p99",
                    format!("{} / {}", ms_text(n.last.p50_ms), ms_text(n.last.p99_ms)),
                ),
                (
                    "Failed (last second)",
                    format!(
                        "{} errors, {} throttled of {} ended",
                        fmt_percent(n.error_ratio()),
                        fmt_percent(n.failure_ratio() - n.error_ratio()),
                        fmt_count(n.outcomes())
                    ),
                ),
                (
                    "Errors / throttles",
                    format!(
                        "{:.1}/s / {:.1}/s (total {} / {})",
                        n.last.errors as f64 / w,
                        n.last.throttles as f64 / w,
                        fmt_count(n.errors),
                        fmt_count(n.throttles)
                    ),
                ),
                ("Stopped by loop detection", fmt_count(n.loop_stopped)),
                (
                    "Dead-lettered / dropped",
                    format!("{} / {}", fmt_count(n.dead_lettered), fmt_count(n.dropped)),
                ),
                (
                    "Instances busy / idle",
                    format!("{} / {} (peak {})", n.busy, n.idle, n.busy_max),
                ),
                ("Cold starts", fmt_count(n.cold_starts)),
                ("Queue depth", fmt_count(n.depth)),
                (
                    "Requests / completed",
                    format!(
                        "{} / {}",
                        fmt_count(n.invocations),
                        fmt_count(n.completions)
                    ),
                ),
                ("Cost so far", cost_text(n.cost_usd)),
                ("Health", format!("{:?}", n.health)),
            ];
            for (k, v) in rows {
                ui.label(k);
                ui.label(v);
                ui.end_row();
            }
        });
}

#[cfg(test)]
#[path = "overlay_tests.rs"]
mod tests;
