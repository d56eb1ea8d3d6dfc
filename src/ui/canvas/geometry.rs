//! Where things are on the canvas: zoom levels of detail, node text layout, node
//! positions and bounds, badge strips, edge curves and hit distances. Pure functions of
//! positions and zoom, unit-tested without a window.

use crate::model::{NodeId, Pos, Project};
use crate::ui::shell::theme::NODE_SIZE;
use egui::{Pos2, Rect, pos2, vec2};

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

/// Zoom limits.
pub const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.1..=4.0;

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
pub(super) fn bounds(project: &Project) -> Option<Rect> {
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

/// Points along an edge from an output port `a` to an input port `b`.
pub(super) fn edge_points(a: Pos2, b: Pos2, zoom: f32, self_loop: bool) -> Vec<Pos2> {
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

/// Shortest distance from `p` to a polyline, points.
pub(super) fn distance_to_polyline(p: Pos2, points: &[Pos2]) -> f32 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use egui::Color32;

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
