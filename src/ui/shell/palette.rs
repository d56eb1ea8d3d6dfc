//! The palette: one button per node kind, grouped by category.

use super::theme;
use crate::model::{Category, KindTag};
use crate::ui::message::Action;

/// Categories in palette order.
pub const CATEGORIES: [Category; 4] = [
    Category::Sources,
    Category::Compute,
    Category::Messaging,
    Category::Storage,
];

/// Heading of a palette group.
pub fn category_title(c: Category) -> &'static str {
    match c {
        Category::Sources => "Sources",
        Category::Compute => "Compute",
        Category::Messaging => "Messaging",
        Category::Storage => "Storage",
    }
}

/// The human name of a kind, used for new nodes and buttons.
pub fn kind_title(kind: KindTag) -> &'static str {
    match kind {
        KindTag::Client => "Client",
        KindTag::HttpApi => "HTTP API",
        KindTag::Schedule => "Schedule",
        KindTag::Bucket => "Bucket",
        KindTag::Table => "Table",
        KindTag::Queue => "Queue",
        KindTag::Topic => "Topic",
        KindTag::Function => "Function",
    }
}

/// Label of a palette button (also its accessible name): glyph and kind.
pub fn button_label(kind: KindTag) -> String {
    format!("{} {}", theme::kind_glyph(kind), kind_title(kind))
}

/// Width of the compact palette shown during a run (glyphs only), points.
pub const COMPACT_WIDTH: f32 = 44.0;

/// A palette button that can also be dragged onto the canvas (which takes the [`KindTag`]
/// payload): while dragged, a chip with the kind follows the pointer and the canvas shows
/// where the node will land. A click still adds. Returns the button's response.
fn drag_source(ui: &mut egui::Ui, kind: KindTag, button: egui::Button<'_>) -> egui::Response {
    let r = ui.add(button.sense(egui::Sense::click_and_drag()));
    if r.drag_started() || r.dragged() {
        egui::DragAndDrop::set_payload(ui.ctx(), kind);
        if let Some(p) = ui.ctx().pointer_interact_pos() {
            let layer = egui::LayerId::new(egui::Order::Tooltip, r.id.with("ghost"));
            let painter = ui.ctx().layer_painter(layer);
            let text = button_label(kind);
            let galley = painter.layout_no_wrap(
                text,
                egui::TextStyle::Button.resolve(ui.style()),
                theme::kind_color(kind),
            );
            let chip = egui::Rect::from_min_size(
                p + egui::vec2(12.0, 8.0),
                galley.size() + egui::vec2(12.0, 6.0),
            );
            painter.rect_filled(chip, 4.0, ui.visuals().window_fill);
            painter.rect_stroke(
                chip,
                4.0,
                egui::Stroke::new(1.0, theme::kind_color(kind)),
                egui::StrokeKind::Inside,
            );
            painter.galley(
                chip.min + egui::vec2(6.0, 3.0),
                galley,
                theme::kind_color(kind),
            );
        }
        ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
    }
    r
}

/// The compact palette shown during a run: one glyph button per kind (the name and what it
/// is on hover), so the canvas keeps the room while the run is watched.
pub fn compact_palette_ui(ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        for cat in CATEGORIES {
            ui.add_space(6.0);
            for kind in KindTag::ALL.iter().filter(|k| k.category() == cat) {
                let text = egui::RichText::new(theme::kind_glyph(*kind))
                    .size(16.0)
                    .color(theme::kind_color(*kind));
                let b = egui::Button::new(text).min_size(egui::vec2(ui.available_width(), 26.0));
                let tip = format!(
                    "Add a {}: {} (click, or drag onto the canvas)",
                    kind_title(*kind),
                    kind.description()
                );
                if drag_source(ui, *kind, b).on_hover_text(tip).clicked() {
                    actions.push(Action::AddNode {
                        kind: *kind,
                        at: None,
                    });
                }
            }
        }
    });
}

/// The palette panel: clicking a kind adds a node of it in the middle of the view.
pub fn palette_ui(ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    ui.add_space(4.0);
    ui.heading("Add");
    egui::ScrollArea::vertical().show(ui, |ui| {
        for cat in CATEGORIES {
            ui.add_space(6.0);
            ui.label(egui::RichText::new(category_title(cat)).small().strong());
            for kind in KindTag::ALL.iter().filter(|k| k.category() == cat) {
                let text = egui::RichText::new(button_label(*kind)).color(theme::kind_color(*kind));
                let b = egui::Button::new(text).min_size(egui::vec2(ui.available_width(), 24.0));
                if drag_source(ui, *kind, b)
                    .on_hover_text(kind.description())
                    .clicked()
                {
                    actions.push(Action::AddNode {
                        kind: *kind,
                        at: None,
                    });
                }
            }
        }
        ui.add_space(10.0);
        ui.label(
            egui::RichText::new(
                "Click to add, or drag onto the canvas; right-click the canvas to add at the pointer; drag from a right port to connect",
            )
            .small()
            .weak(),
        );
    });
}
