//! A client's workload: the arrival process (constant, Poisson, bursts, diurnal, steps,
//! a per-minute trace) and its parameters.

use super::fields::{check, ms, num};
use crate::model::{Arrival, RateStep};
use egui::{DragValue, Ui};

/// A client's arrival process: the kind of process, then its parameters.
pub(super) fn arrival_ui(ui: &mut Ui, a: &mut Arrival) {
    arrival_kind_ui(ui, a);
    arrival_params_ui(ui, a);
}

/// The drop-down of arrival processes; a new one keeps the mean rate.
fn arrival_kind_ui(ui: &mut Ui, a: &mut Arrival) {
    let l = ui
        .label("Arrivals")
        .on_hover_text("How requests arrive over time");
    let rate = a.mean_rate_per_s();
    egui::ComboBox::from_id_salt("arrival")
        .selected_text(a.label())
        .show_ui(ui, |ui| {
            let options = [
                Arrival::Constant { rate_per_s: rate },
                Arrival::Poisson { rate_per_s: rate },
                Arrival::Bursts {
                    base_rate_per_s: rate,
                    burst_rate_per_s: rate * 10.0,
                    every_ms: 600_000,
                    length_ms: 60_000,
                },
                Arrival::Diurnal {
                    mean_rate_per_s: rate,
                    amplitude: 0.8,
                    period_ms: 86_400_000,
                    peak_at_ms: 50_400_000,
                },
                Arrival::Steps {
                    steps: vec![RateStep {
                        at_ms: 0,
                        rate_per_s: rate,
                    }],
                },
                Arrival::Trace {
                    per_minute: vec![(rate * 60.0) as u64],
                    repeat: true,
                },
                Arrival::Spike {
                    count: 1_000,
                    at_ms: 10_000,
                    every_ms: None,
                },
            ];
            for o in options {
                if ui
                    .selectable_label(a.label() == o.label(), o.label())
                    .clicked()
                    && a.label() != o.label()
                {
                    *a = o;
                }
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
}

/// The parameters of the arrival process `a`.
fn arrival_params_ui(ui: &mut Ui, a: &mut Arrival) {
    let rate = a.mean_rate_per_s();
    match a {
        Arrival::Constant { rate_per_s } => num(
            ui,
            "  rate",
            "Evenly spaced events per second",
            rate_per_s,
            Arrival::RATE_PER_S,
            " /s",
            0.1,
        ),
        Arrival::Poisson { rate_per_s } => num(
            ui,
            "  rate",
            "Mean events per second, arriving independently",
            rate_per_s,
            Arrival::RATE_PER_S,
            " /s",
            0.1,
        ),
        Arrival::Bursts {
            base_rate_per_s,
            burst_rate_per_s,
            every_ms,
            length_ms,
        } => {
            num(
                ui,
                "  base rate",
                "Events per second between bursts",
                base_rate_per_s,
                Arrival::RATE_PER_S,
                " /s",
                0.1,
            );
            num(
                ui,
                "  burst rate",
                "Events per second during a burst",
                burst_rate_per_s,
                Arrival::RATE_PER_S,
                " /s",
                1.0,
            );
            ms(
                ui,
                "  every",
                "Time from the start of one burst to the next",
                every_ms,
                Arrival::BURST_EVERY_MS,
            );
            ms(
                ui,
                "  length",
                "Length of each burst",
                length_ms,
                Arrival::BURST_EVERY_MS,
            );
        }
        Arrival::Diurnal {
            mean_rate_per_s,
            amplitude,
            period_ms,
            peak_at_ms,
        } => {
            num(
                ui,
                "  mean rate",
                "Mean events per second over a period",
                mean_rate_per_s,
                Arrival::RATE_PER_S,
                " /s",
                0.1,
            );
            num(
                ui,
                "  amplitude",
                "Relative swing around the mean, 0–1",
                amplitude,
                Arrival::AMPLITUDE,
                "",
                0.01,
            );
            ms(
                ui,
                "  period",
                "Length of one cycle (a day by default)",
                period_ms,
                Arrival::PERIOD_MS,
            );
            ms(
                ui,
                "  peak at",
                "When in the period the peak falls",
                peak_at_ms,
                Arrival::PEAK_AT_MS,
            );
        }
        Arrival::Steps { steps } => steps_ui(ui, steps, rate),
        Arrival::Trace { per_minute, repeat } => {
            ui.label("  trace")
                .on_hover_text("Invocations per minute, replayed in order");
            ui.label(format!(
                "{} minute(s), {} events",
                per_minute.len(),
                per_minute.iter().sum::<u64>()
            ));
            ui.end_row();
            check(ui, "  repeat", "Start the trace again when it ends", repeat);
        }
        Arrival::Spike {
            count,
            at_ms,
            every_ms,
        } => spike_ui(ui, count, at_ms, every_ms),
    }
}

/// A spike: how many requests arrive together, when, and whether it repeats.
fn spike_ui(ui: &mut Ui, count: &mut u64, at_ms: &mut u64, every_ms: &mut Option<u64>) {
    num(
        ui,
        "  requests",
        "Requests arriving at the same instant (a flash crowd, a batch job fanning out)",
        count,
        Arrival::SPIKE_COUNT,
        "",
        10.0,
    );
    ms(
        ui,
        "  at",
        "When the spike falls, after the workload begins (the run's start, or when it is set live)",
        at_ms,
        Arrival::SPIKE_MS,
    );
    let mut repeat = every_ms.is_some();
    check(
        ui,
        "  repeat",
        "Spike again at a fixed interval",
        &mut repeat,
    );
    match (repeat, every_ms.as_mut()) {
        (true, Some(every)) => ms(
            ui,
            "  every",
            "Time from one spike to the next",
            every,
            1..=*Arrival::SPIKE_MS.end(),
        ),
        (true, None) => *every_ms = Some(60_000),
        (false, Some(_)) => *every_ms = None,
        (false, None) => {}
    }
}

/// Step changes of the rate: a row per step (when, rate, remove) and Add step, which
/// starts a minute after the last one at `rate`.
fn steps_ui(ui: &mut Ui, steps: &mut Vec<RateStep>, rate: f64) {
    let mut remove = None;
    for (i, s) in steps.iter_mut().enumerate() {
        ui.label(format!("  step {}", i + 1))
            .on_hover_text("From this time on, events arrive at this rate");
        ui.horizontal(|ui| {
            ui.add(DragValue::new(&mut s.at_ms).suffix(" ms").speed(100.0))
                .on_hover_text("When this rate begins");
            ui.add(
                DragValue::new(&mut s.rate_per_s)
                    .range(Arrival::RATE_PER_S)
                    .suffix(" /s")
                    .speed(0.1),
            )
            .on_hover_text("Events per second");
            if ui
                .small_button("✖")
                .on_hover_text("Remove this step")
                .clicked()
            {
                remove = Some(i);
            }
        });
        ui.end_row();
    }
    if let Some(i) = remove {
        steps.remove(i);
    }
    ui.label("");
    if ui.button("Add step").clicked() {
        let at = steps.last().map_or(0, |s| s.at_ms + 60_000);
        steps.push(RateStep {
            at_ms: at,
            rate_per_s: rate,
        });
    }
    ui.end_row();
}
