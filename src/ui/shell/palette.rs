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
                let tip = format!("Add a {}: {}", kind_title(*kind), kind.description());
                if ui.add(b).on_hover_text(tip).clicked() {
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
                if ui.add(b).on_hover_text(kind.description()).clicked() {
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
                "Right-click the canvas to add at the pointer; drag from a right port to connect",
            )
            .small()
            .weak(),
        );
    });
}
