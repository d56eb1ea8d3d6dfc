//! A function's parameters: memory, timeout, architecture, concurrency, scaling, cold
//! start, keep-alive, duration, errors and async retries.

use super::distribution::distribution_ui;
use super::fields::{ms, num, optional_u32};
use crate::model::{Arch, FunctionParams, Scaling};
use egui::Ui;

/// Every parameter of function `f` (`account`: the account's concurrency).
pub(super) fn function_ui(ui: &mut Ui, f: &mut FunctionParams, account: u32) {
    num(
        ui,
        "Memory",
        "Memory of each environment, 128–10,240 MB; CPU grows with it and billing is per GB-second",
        &mut f.memory_mb,
        128..=10_240,
        " MB",
        16.0,
    );
    ms(
        ui,
        "Timeout",
        "Longest an invocation may run before it is stopped (at most 900 s)",
        &mut f.timeout_ms,
        1..=crate::model::FUNCTION_MAX_TIMEOUT_MS,
    );
    let l = ui
        .label("Architecture")
        .on_hover_text("x86_64 or arm64; arm64 is about 20 % cheaper per GB-second");
    egui::ComboBox::from_id_salt("arch")
        .selected_text(match f.arch {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut f.arch, Arch::X86_64, "x86_64");
            ui.selectable_value(&mut f.arch, Arch::Arm64, "arm64");
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
    optional_u32(
        ui,
        "Reserved concurrency",
        "Environments reserved for this function, which also caps it; off shares the account pool",
        &mut f.reserved_concurrency,
        0..=account,
        100.min(account),
        "shared pool",
        " envs",
    );
    num(
        ui,
        "Provisioned concurrency",
        "Environments kept warm at all times (no cold starts, billed while idle)",
        &mut f.provisioned_concurrency,
        0..=account,
        " envs",
        1.0,
    );
    scaling_ui(ui, &mut f.scaling);
    distribution_ui(
        ui,
        "Cold start",
        "Extra time the first request on a new environment waits",
        &mut f.cold_start,
    );
    ms(
        ui,
        "Keep-alive",
        "How long an idle environment is kept warm before it is reclaimed (at most a day)",
        &mut f.keep_alive_ms,
        0..=86_400_000,
    );
    distribution_ui(
        ui,
        "Duration",
        "Execution time of one invocation (one batch for event-source mappings)",
        &mut f.duration,
    );
    num(
        ui,
        "Error probability",
        "Chance that an invocation fails",
        &mut f.error_probability,
        0.0..=1.0,
        "",
        0.001,
    );
    num(
        ui,
        "Async retries",
        "Retries of a failed asynchronous invocation, 0–2",
        &mut f.retry.max_retries,
        0..=2,
        "",
        0.05,
    );
    ms(
        ui,
        "Retry delay",
        "Retry n waits n times this long (Lambda: 1 min, then 2 min)",
        &mut f.retry.retry_delay_ms,
        0..=3_600_000,
    );
    ms(
        ui,
        "Max event age",
        "Oldest an async event may get before it is dropped or sent to its failure destination (1 min–6 h)",
        &mut f.retry.max_event_age_ms,
        60_000..=21_600_000,
    );
}

/// How fast new environments may be added: standard, the legacy burst or custom.
fn scaling_ui(ui: &mut Ui, s: &mut Scaling) {
    let l = ui
        .label("Scaling")
        .on_hover_text("How fast new environments may be added under load");
    let label = match s {
        Scaling::Standard => "standard",
        Scaling::LegacyBurst { .. } => "legacy burst",
        Scaling::Custom { .. } => "custom",
    };
    egui::ComboBox::from_id_salt("scaling")
        .selected_text(label)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(matches!(s, Scaling::Standard), "standard")
                .on_hover_text("+1,000 environments every 10 s per function")
                .clicked()
            {
                *s = Scaling::Standard;
            }
            if ui
                .selectable_label(matches!(s, Scaling::LegacyBurst { .. }), "legacy burst")
                .on_hover_text("A burst, then +N per minute (before 2023)")
                .clicked()
            {
                *s = Scaling::LegacyBurst {
                    initial: 3_000,
                    per_minute: 500,
                };
            }
            if ui
                .selectable_label(matches!(s, Scaling::Custom { .. }), "custom")
                .on_hover_text("Any step size and interval")
                .clicked()
            {
                *s = Scaling::Custom {
                    environments: 100,
                    every_ms: 10_000,
                };
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
    match s {
        Scaling::Standard => {}
        Scaling::LegacyBurst {
            initial,
            per_minute,
        } => {
            num(
                ui,
                "Initial burst",
                "Environments available at once (500–3,000 depending on region)",
                initial,
                1..=100_000,
                " envs",
                10.0,
            );
            num(
                ui,
                "Per minute",
                "Environments added each minute after the burst",
                per_minute,
                1..=100_000,
                " envs",
                10.0,
            );
        }
        Scaling::Custom {
            environments,
            every_ms,
        } => {
            num(
                ui,
                "Step",
                "Environments added per step",
                environments,
                1..=100_000,
                " envs",
                10.0,
            );
            ms(
                ui,
                "Step length",
                "Time between scaling steps",
                every_ms,
                1..=3_600_000,
            );
        }
    }
}
