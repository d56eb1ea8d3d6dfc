//! A function's parameters: memory, timeout, architecture, concurrency, scaling, cold
//! start, keep-alive, duration, errors and async retries.

use super::distribution::distribution_ui;
use super::fields::{choice, ms, num, optional_u32, span, span_ms};
use crate::model::provider::Profile;
use crate::model::{
    Arch, AsyncRetry, FunctionParams, MAX_RUN_MS, PROBABILITY, Provider, RECURSIVE_LOOP_LIMIT,
    RecursiveLoop, Scaling,
};
use egui::Ui;

/// The function's provider: the project's, or one of its own.
fn provider_ui(ui: &mut Ui, f: &mut FunctionParams, project_provider: Provider) {
    let l = ui.label("Provider").on_hover_text(
        "Where this function runs: the project's provider, or another one for this function \
         alone (its limits, CPU, concurrency and prices follow)",
    );
    let project_label = format!("project's ({})", project_provider.profile().product);
    let selected = f
        .provider
        .map_or(project_label.clone(), |p| p.profile().product.to_owned());
    let tip = selected.clone();
    // Truncated to the column: a product name must not widen the side panel.
    egui::ComboBox::from_id_salt("function-provider")
        .selected_text(selected)
        .truncate()
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut f.provider, None, project_label);
            for p in Provider::ALL {
                ui.selectable_value(&mut f.provider, Some(p), p.profile().product);
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text(tip);
    ui.end_row();
}

/// The CPU-bound share, threads and per-instance concurrency, with `profile`'s limits.
fn cpu_ui(ui: &mut Ui, f: &mut FunctionParams, profile: &Profile) {
    num(
        ui,
        "CPU-bound share",
        "The share of the duration spent computing (0: all waiting on I/O). The duration is \
         read as its time at one full vCPU; this share runs at the speed of the vCPUs the \
         memory buys (at most Threads of them, shared with the other requests on the \
         instance). 0 leaves the duration as drawn at any memory",
        &mut f.cpu_bound,
        FunctionParams::CPU_BOUND,
        "",
        0.01,
    );
    num(
        ui,
        "Threads",
        &format!(
            "vCPUs the computing share can use at once ({}); single-threaded code gains \
             nothing past one vCPU",
            span(&FunctionParams::THREADS)
        ),
        &mut f.threads,
        FunctionParams::THREADS,
        "",
        0.05,
    );
    let max = profile
        .max_concurrency
        .min(*FunctionParams::CONCURRENCY.end())
        .max(1);
    optional_u32(
        ui,
        "Per-instance concurrency",
        &format!(
            "Requests one {} serves at once (1–{max} on {}); off: the provider's default, {}",
            profile.names.instance, profile.product, profile.default_concurrency
        ),
        &mut f.concurrency,
        1..=max,
        profile.default_concurrency.clamp(1, max),
        &format!("default ({})", profile.default_concurrency),
        " at once",
    );
}

/// Every parameter of function `f` in a project on `project_provider` (`account`: the
/// account's concurrency). Ranges, tooltips and names follow the function's provider.
pub(super) fn function_ui(
    ui: &mut Ui,
    f: &mut FunctionParams,
    account: u32,
    project_provider: Provider,
) {
    provider_ui(ui, f, project_provider);
    let provider = f.provider_in(project_provider);
    let profile = provider.profile();
    let memory = profile.memory.min_mb()..=profile.memory.max_mb();
    num(
        ui,
        "Memory",
        &format!(
            "Memory of each {}, MB: {} on {}. It buys CPU: {:.3} vCPU at {} MB",
            profile.names.instance,
            profile.memory.describe(),
            profile.product,
            profile.vcpus(f.memory_mb),
            f.memory_mb
        ),
        &mut f.memory_mb,
        memory,
        " MB",
        16.0,
    );
    let timeout = 1..=profile.max_timeout_ms.unwrap_or(MAX_RUN_MS);
    ms(
        ui,
        "Timeout",
        &format!(
            "Longest an invocation may run before it is stopped ({} on {})",
            span_ms(&timeout),
            profile.product
        ),
        &mut f.timeout_ms,
        timeout,
    );
    cpu_ui(ui, f, profile);
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
    let warm_tip = format!(
        "{}: instances kept warm at all times (no cold starts, billed while idle){}",
        profile.names.warm_instances,
        if profile.rates.warm_per_gb_s > 0.0 {
            String::new()
        } else {
            format!(" — {} has none: keep it at 0", profile.product)
        }
    );
    num(
        ui,
        "Provisioned concurrency",
        &warm_tip,
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
    async_ui(ui, f);
}

/// What happens to asynchronous invocations: retries, their delay, the oldest event kept, and
/// recursive loop detection.
fn async_ui(ui: &mut Ui, f: &mut FunctionParams) {
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
    choice(
        ui,
        "Recursive loop",
        &format!(
            "Lambda's recursive loop detection (Lambda API: PutFunctionRecursionConfig). \
             Terminate, the default: when one event has invoked functions {} times through \
             SQS, SNS, S3 or Lambda itself, Lambda stops the next invocation and notifies you; \
             the event goes to the dead-letter queue or on-failure destination, if any. \
             Allow: Lambda takes no action — only for designs that write back on purpose to \
             the resource that invokes them. Loops through a table's stream are not detected",
            RECURSIVE_LOOP_LIMIT
        ),
        &mut f.recursive_loop,
        &[
            (
                RecursiveLoop::Terminate,
                "Terminate",
                "Stop a loop after 16 invocations (the default)",
            ),
            (
                RecursiveLoop::Allow,
                "Allow",
                "Let the loop run: for designs that recurse on purpose",
            ),
        ],
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
