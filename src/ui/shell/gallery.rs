//! The start screen and example gallery: one card per example project with a miniature of
//! its graph (drawn with the painter from its layout), its description and its lesson.
//! Shown on start-up when no file was given, and from File → Examples….

use super::files::{Example, Miniature};
use super::theme;
use crate::ui::message::Action;
use egui::{Color32, Rect, Sense, Stroke, StrokeKind, pos2, vec2};

/// Width of a card, points.
const CARD_W: f32 = 270.0;
/// Height of a card's miniature, points.
const MINI_H: f32 = 120.0;
/// Height of a card, points.
const CARD_H: f32 = 262.0;
/// Space between cards, points.
const GAP: f32 = 14.0;

/// The gallery's contents. `welcome` words it as the start screen. Returns true when the
/// user asked to close it (chose an empty project).
pub fn gallery_ui(
    ui: &mut egui::Ui,
    examples: &[Example],
    welcome: bool,
    actions: &mut Vec<Action>,
) -> bool {
    let mut close = false;
    let screen = ui.ctx().content_rect();
    let cols = (((screen.width() - 120.0) / (CARD_W + GAP)).floor() as usize).clamp(1, 4);
    let width = cols as f32 * (CARD_W + GAP) - GAP;
    ui.set_width(width);
    if welcome {
        ui.heading(
            egui::RichText::new("Welcome to Eventloom")
                .size(24.0)
                .strong(),
        );
        ui.label(
            "Design event-driven and serverless systems, then run them and watch. \
             Each example below is a small real architecture with a guided lesson.",
        );
    } else {
        ui.heading("Examples");
        ui.label("Each opens as a new, unsaved project; those with a lesson open its panel");
    }
    ui.add_space(8.0);
    if examples.is_empty() {
        ui.label("No example projects found (looked for a projects/ folder)");
    }
    let max_h = (screen.height() - 220.0).max(CARD_H + 20.0);
    egui::ScrollArea::vertical()
        .max_height(max_h)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for row in examples.chunks(cols) {
                ui.horizontal(|ui| {
                    ui.spacing_mut().item_spacing.x = GAP;
                    for ex in row {
                        if card_ui(ui, ex).clicked() {
                            actions.push(Action::OpenExample(ex.path.clone()));
                        }
                    }
                });
                ui.add_space(GAP);
            }
        });
    ui.separator();
    ui.horizontal(|ui| {
        let label = if welcome {
            "Start with an empty project"
        } else {
            "Close"
        };
        if ui
            .button(label)
            .on_hover_text("Close the gallery (File → Examples… opens it again)")
            .clicked()
        {
            close = true;
        }
        if ui
            .button("Open…")
            .on_hover_text("Open a project file of your own")
            .clicked()
        {
            actions.push(Action::Open);
            close = true;
        }
    });
    close
}

/// One card: miniature, title, lesson and description. The whole card is one button named
/// after the example.
fn card_ui(ui: &mut egui::Ui, ex: &Example) -> egui::Response {
    let (rect, resp) = ui.allocate_exact_size(vec2(CARD_W, CARD_H), Sense::click());
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &ex.name));
    if !ui.is_rect_visible(rect) {
        return resp;
    }
    let v = ui.visuals();
    let dark = v.dark_mode;
    let painter = ui.painter_at(rect);
    let hovered = resp.hovered();
    let border = if hovered {
        v.selection.stroke
    } else {
        v.widgets.noninteractive.bg_stroke
    };
    painter.rect_filled(rect, 8.0, v.extreme_bg_color);
    painter.rect_stroke(rect, 8.0, border, StrokeKind::Inside);

    let mini = Rect::from_min_size(rect.min + vec2(8.0, 8.0), vec2(CARD_W - 16.0, MINI_H));
    painter.rect_filled(mini, 6.0, theme::miniature_background(dark));
    let fill = theme::CanvasColors::for_visuals(v).node_fill;
    miniature(&painter, mini.shrink(10.0), &ex.miniature, dark, fill);

    let text = v.text_color();
    let weak = v.weak_text_color();
    let wrap = CARD_W - 20.0;
    let mut y = mini.bottom() + 8.0;
    let x = rect.left() + 10.0;
    let mut put = |painter: &egui::Painter, s: &str, size: f32, color: Color32, rows: usize| {
        let mut job = egui::text::LayoutJob::simple(
            s.to_owned(),
            egui::FontId::proportional(size),
            color,
            wrap,
        );
        job.wrap.max_rows = rows;
        let galley = painter.layout_job(job);
        let h = galley.size().y;
        painter.galley(pos2(x, y), galley, color);
        y += h + 4.0;
    };
    put(&painter, &ex.name, 15.0, text, 2);
    match &ex.lesson {
        Some((title, summary)) => {
            put(
                &painter,
                &format!("🎓 {title}"),
                13.0,
                theme::highlight_color(dark),
                2,
            );
            let body = if summary.is_empty() {
                &ex.description
            } else {
                summary
            };
            put(&painter, body, 12.5, weak, 5);
        }
        None => put(&painter, &ex.description, 12.5, weak, 6),
    }
    resp.on_hover_text(format!("Open {}", ex.name))
}

/// Draws a project's graph scaled into `rect`, keeping its proportions.
fn miniature(painter: &egui::Painter, rect: Rect, m: &Miniature, dark: bool, fill: Color32) {
    if m.nodes.is_empty() {
        return;
    }
    let node = theme::NODE_SIZE;
    let (mut min, mut max) = (pos2(f32::MAX, f32::MAX), pos2(f32::MIN, f32::MIN));
    for (p, _) in &m.nodes {
        min = min.min(pos2(p.x, p.y));
        max = max.max(pos2(p.x + node.x, p.y + node.y));
    }
    let size = (max - min).max(vec2(1.0, 1.0));
    let scale = (rect.width() / size.x).min(rect.height() / size.y).min(0.6);
    let offset = rect.center() - (min.to_vec2() + size / 2.0) * scale;
    let at = |x: f32, y: f32| pos2(x * scale, y * scale) + offset.to_vec2();
    let boxes: Vec<Rect> = m
        .nodes
        .iter()
        .map(|(p, _)| Rect::from_min_size(at(p.x, p.y), node * scale))
        .collect();
    let line = Stroke::new(1.2, theme::miniature_edge(dark));
    for &(a, b) in &m.edges {
        let (Some(ra), Some(rb)) = (boxes.get(a), boxes.get(b)) else {
            continue;
        };
        if a == b {
            continue;
        }
        let (p, q) = (ra.right_center(), rb.left_center());
        let bend = ((q.x - p.x).abs() * 0.5).max(10.0);
        let curve = egui::epaint::CubicBezierShape::from_points_stroke(
            [p, p + vec2(bend, 0.0), q - vec2(bend, 0.0), q],
            false,
            Color32::TRANSPARENT,
            line,
        );
        painter.add(curve);
    }
    for (r, (_, kind)) in boxes.iter().zip(&m.nodes) {
        let accent = theme::kind_color(*kind);
        let radius = (8.0 * scale).max(1.5);
        painter.rect_filled(*r, radius, fill);
        painter.rect_stroke(*r, radius, Stroke::new(1.0, accent), StrokeKind::Inside);
        let stripe = Rect::from_min_size(r.min, vec2((10.0 * scale).max(2.5), r.height()));
        painter.rect_filled(stripe, radius, accent);
    }
}
