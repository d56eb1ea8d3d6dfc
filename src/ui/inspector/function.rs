//! A function's parameters: memory, timeout, architecture, concurrency, scaling, cold
//! start, keep-alive, duration, errors and async retries.

use super::distribution::distribution_ui;
use super::fields::{ms, num, optional_u32, span, span_ms};
use crate::model::{Arch, AsyncRetry, FunctionParams, PROBABILITY, Scaling};
use egui::Ui;

/// Every parameter of function `f` (`account`: the account's concurrency).
pub(super) fn function_ui(ui: &mut Ui, f: &mut FunctionParams, account: u32) {
    num(
        ui,
        "Memory",
        &format!(
            "Memory of each environment, {} MB; CPU grows with it and billing is per GB-second",
            span(&FunctionParams::MEMORY_MB)
        ),
        &mut f.memory_mb,
        FunctionParams::MEMORY_MB,
        " MB",
        16.0,
    );
    ms(
        ui,
        "Timeout",
        &format!(
            "Longest an invocation may run before it is stopped ({})",
            span_ms(&FunctionParams::TIMEOUT_MS)
        ),
        &mut f.timeout_ms,
        FunctionParams::TIMEOUT_MS,
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
        &format!(
            "How long an idle environment is kept warm before it is reclaimed ({})",
            span_ms(&FunctionParams::KEEP_ALIVE_MS)
        ),
        &mut f.keep_alive_ms,
        FunctionParams::KEEP_ALIVE_MS,
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
        PROBABILITY,
        "",
        0.001,
    );
    num(
        ui,
        "Async retries",
        &format!(
            "Retries of a failed asynchronous invocation, {}",
            span(&AsyncRetry::MAX_RETRIES)
        ),
        &mut f.retry.max_retries,
        AsyncRetry::MAX_RETRIES,
        "",
        0.05,
    );
    ms(
        ui,
        "Retry delay",
        "Retry n waits n times this long (Lambda: 1 min, then 2 min)",
        &mut f.retry.retry_delay_ms,
        AsyncRetry::RETRY_DELAY_MS,
    );
    ms(
        ui,
        "Max event age",
        &format!(
            "Oldest an async event may get before it is dropped or sent to its failure \
             destination ({})",
            span_ms(&AsyncRetry::MAX_EVENT_AGE_MS)
        ),
        &mut f.retry.max_event_age_ms,
        AsyncRetry::MAX_EVENT_AGE_MS,
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
                Scaling::LEGACY_ENVIRONMENTS,
                " envs",
                10.0,
            );
            num(
                ui,
                "Per minute",
                "Environments added each minute after the burst",
                per_minute,
                Scaling::LEGACY_ENVIRONMENTS,
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
                Scaling::CUSTOM_STEP,
                " envs",
                10.0,
            );
            ms(
                ui,
                "Step length",
                "Time between scaling steps",
                every_ms,
                Scaling::CUSTOM_EVERY_MS,
            );
        }
    }
}
