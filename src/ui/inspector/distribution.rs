//! A duration distribution: a drop-down of shapes (the mean kept when the shape changes),
//! then the shape's parameters.

use super::fields::num;
use crate::model::{Distribution, Shape};
use egui::Ui;

/// A distribution: a drop-down of shapes, then the shape's parameters.
pub(super) fn distribution_ui(ui: &mut Ui, label: &str, tip: &str, d: &mut Distribution) {
    let l = ui.label(label).on_hover_text(tip);
    egui::ComboBox::from_id_salt(label)
        .selected_text(d.label())
        .show_ui(ui, |ui| {
            for shape in Shape::ALL {
                let on = d.shape() == shape;
                if ui
                    .selectable_label(on, shape.label())
                    .on_hover_text(shape.description())
                    .clicked()
                    && !on
                {
                    *d = d.reshaped(shape);
                }
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text(tip);
    ui.end_row();
    match d {
        Distribution::Constant { ms } => num(
            ui,
            "  value",
            "The duration",
            ms,
            Distribution::MS,
            " ms",
            1.0,
        ),
        Distribution::Exponential { mean_ms } => num(
            ui,
            "  mean",
            "Mean duration",
            mean_ms,
            Distribution::MS,
            " ms",
            1.0,
        ),
        Distribution::LogNormal { median_ms, sigma } => {
            num(
                ui,
                "  median",
                "Half of the values are below this",
                median_ms,
                Distribution::MS,
                " ms",
                1.0,
            );
            num(
                ui,
                "  sigma",
                "Spread: 0.1 narrow … 1.5 very wide",
                sigma,
                Distribution::SIGMA,
                "",
                0.01,
            );
        }
        Distribution::Uniform { min_ms, max_ms } => {
            num(
                ui,
                "  min",
                "Smallest duration",
                min_ms,
                Distribution::MS,
                " ms",
                1.0,
            );
            num(
                ui,
                "  max",
                "Largest duration",
                max_ms,
                Distribution::MS,
                " ms",
                1.0,
            );
        }
        Distribution::Empirical { samples_ms } => {
            let l = ui
                .label("  samples")
                .on_hover_text("Measured durations in ms, separated by commas");
            let mut text = samples_ms
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            if ui
                .text_edit_singleline(&mut text)
                .labelled_by(l.id)
                .changed()
            {
                let parsed: Result<Vec<f64>, _> = text
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::parse::<f64>)
                    .collect();
                if let Ok(v) = parsed {
                    *samples_ms = v;
                }
            }
            ui.end_row();
        }
    }
}
