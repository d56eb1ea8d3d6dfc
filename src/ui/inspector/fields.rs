//! The inspector's rows: a number with range and unit, a duration with a readable hint, a
//! checkbox, an optional number, a `key=value` list, and the two-column grid they sit in.

use crate::ui::shell::format::{fmt_count, human_ms};
use egui::{DragValue, Ui};
use std::ops::RangeInclusive;

/// A number with a range and unit.
pub(super) fn num<T: egui::emath::Numeric>(
    ui: &mut Ui,
    label: &str,
    tip: &str,
    value: &mut T,
    range: RangeInclusive<T>,
    unit: &str,
    speed: f64,
) {
    let l = ui.label(label).on_hover_text(tip);
    ui.horizontal(|ui| {
        let r = ui.add(DragValue::new(value).range(range).suffix(unit).speed(speed));
        r.labelled_by(l.id).on_hover_text(tip);
    });
    ui.end_row();
}

/// A duration in ms, with a readable hint ("= 4 d").
pub(super) fn ms(ui: &mut Ui, label: &str, tip: &str, value: &mut u64, range: RangeInclusive<u64>) {
    let l = ui.label(label).on_hover_text(tip);
    ui.horizontal(|ui| {
        let speed = (*value as f64 / 100.0).max(1.0);
        let r = ui.add(
            DragValue::new(value)
                .range(range)
                .suffix(" ms")
                .speed(speed),
        );
        r.labelled_by(l.id).on_hover_text(tip);
        if *value >= 1_000 {
            ui.label(egui::RichText::new(format!("= {}", human_ms(*value))).weak());
        }
    });
    ui.end_row();
}

/// A checkbox row.
pub(super) fn check(ui: &mut Ui, label: &str, tip: &str, value: &mut bool) {
    let l = ui.label(label).on_hover_text(tip);
    ui.checkbox(value, "").labelled_by(l.id).on_hover_text(tip);
    ui.end_row();
}

/// An optional number: a checkbox turns it on, with `default` as its first value.
#[expect(
    clippy::too_many_arguments,
    reason = "one call per optional field reads best flat"
)]
pub(super) fn optional_u32(
    ui: &mut Ui,
    label: &str,
    tip: &str,
    value: &mut Option<u32>,
    range: RangeInclusive<u32>,
    default: u32,
    off_text: &str,
    unit: &str,
) {
    let l = ui.label(label).on_hover_text(tip);
    ui.horizontal(|ui| {
        let mut on = value.is_some();
        if ui
            .checkbox(&mut on, "")
            .labelled_by(l.id)
            .on_hover_text(tip)
            .changed()
        {
            *value = on.then_some(default);
        }
        match value {
            Some(v) => {
                ui.add(DragValue::new(v).range(range).suffix(unit))
                    .on_hover_text(tip);
            }
            None => {
                ui.label(egui::RichText::new(off_text).weak());
            }
        }
    });
    ui.end_row();
}

/// The two-column grid (label, value) the rows sit in.
pub(super) fn grid(ui: &mut Ui, id: &str, add: impl FnOnce(&mut Ui)) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([10.0, 6.0])
        .striped(true)
        .show(ui, add);
}

/// A `key=value; key=value` text field. The text being typed is kept while the field has
/// focus; the parsed map is returned whenever the text changes and every entry is complete.
pub(super) fn pairs_ui<V>(
    ui: &mut Ui,
    label: egui::Id,
    salt: impl std::hash::Hash + std::fmt::Debug,
    shown: &str,
    tip: &str,
    entry: impl Fn(String, &str) -> (String, V),
) -> Option<std::collections::BTreeMap<String, V>> {
    let id = ui.id().with(salt);
    let mut text = ui
        .data(|d| d.get_temp::<String>(id))
        .unwrap_or_else(|| shown.to_owned());
    let r = ui
        .add(
            egui::TextEdit::singleline(&mut text)
                .id(id.with("edit"))
                .hint_text("key=value"),
        )
        .labelled_by(label)
        .on_hover_text(tip);
    if r.has_focus() {
        ui.data_mut(|d| d.insert_temp(id, text.clone()));
    } else {
        ui.data_mut(|d| d.remove::<String>(id));
    }
    if !r.changed() {
        return None;
    }
    let mut out = std::collections::BTreeMap::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=')?;
        let k = k.trim();
        if k.is_empty() || v.trim().is_empty() {
            return None;
        }
        let (k, v) = entry(k.to_owned(), v);
        out.insert(k, v);
    }
    Some(out)
}

/// A duration limit in words for a tooltip: "at most 12 h", or "1 min–14 d".
pub(super) fn span_ms(range: &RangeInclusive<u64>) -> String {
    if *range.start() == 0 {
        format!("at most {}", human_ms(*range.end()))
    } else {
        format!("{}–{}", human_ms(*range.start()), human_ms(*range.end()))
    }
}

/// A count limit in words for a tooltip: "1–1,000".
pub(super) fn span(range: &RangeInclusive<u32>) -> String {
    format!(
        "{}–{}",
        fmt_count(u64::from(*range.start())),
        fmt_count(u64::from(*range.end()))
    )
}
