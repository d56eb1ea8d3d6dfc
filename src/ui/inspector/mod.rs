//! The inspector: every parameter of the selected node or edge (or the project's settings when
//! nothing is selected), with units, ranges, one-sentence tooltips and presets.
//!
//! It edits a copy and, when the copy differs, emits one edit; typing or dragging in one field
//! coalesces into one undo step.

use crate::model::{
    ApiFlavor, Arch, Arrival, Distribution, Edge, EdgeKind, EdgeTag, Edit, FunctionParams, NodeId,
    NodeKind, Project, RateStep, RunSettings, Scaling, ScheduleTrigger, legal_edges,
};
use crate::ui::message::{Action, Selection};
use crate::ui::shell::format::human_ms;
use crate::ui::shell::{palette, theme};
use egui::{DragValue, Ui};
use std::ops::RangeInclusive;

/// The inspector panel.
pub fn inspector_ui(
    ui: &mut Ui,
    project: &Project,
    selection: &Selection,
    actions: &mut Vec<Action>,
) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.add_space(4.0);
            match (selection.nodes.len(), selection.edges.len()) {
                (1, 0) => {
                    if let Some(id) = selection.nodes.iter().next() {
                        node_ui(ui, project, id, actions);
                    }
                }
                (0, 1) => {
                    if let Some(id) = selection.edges.iter().next()
                        && let Some(edge) = project.graph.edges.get(id)
                    {
                        edge_ui(ui, project, id, edge, actions);
                    }
                }
                (0, 0) => project_ui(ui, project, actions),
                (n, m) => {
                    ui.heading("Selection");
                    ui.label(format!("{n} node(s) and {m} edge(s) selected"));
                    if ui.button("Delete selection").clicked() {
                        actions.push(Action::Delete);
                    }
                }
            }
        });
}

/// A number with a range and unit.
fn num<T: egui::emath::Numeric>(
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
fn ms(ui: &mut Ui, label: &str, tip: &str, value: &mut u64, range: RangeInclusive<u64>) {
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

fn check(ui: &mut Ui, label: &str, tip: &str, value: &mut bool) {
    let l = ui.label(label).on_hover_text(tip);
    ui.checkbox(value, "").labelled_by(l.id).on_hover_text(tip);
    ui.end_row();
}

/// An optional number: a checkbox turns it on, with `default` as its first value.
#[expect(
    clippy::too_many_arguments,
    reason = "one call per optional field reads best flat"
)]
fn optional_u32(
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

fn grid(ui: &mut Ui, id: &str, add: impl FnOnce(&mut Ui)) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([10.0, 6.0])
        .striped(true)
        .show(ui, add);
}

fn node_ui(ui: &mut Ui, project: &Project, id: &NodeId, actions: &mut Vec<Action>) {
    let Some(node) = project.graph.nodes.get(id) else {
        return;
    };
    let tag = node.kind.tag();
    ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new(theme::kind_glyph(tag))
                .size(20.0)
                .color(theme::kind_color(tag)),
        );
        ui.heading(palette::kind_title(tag));
    });
    ui.label(egui::RichText::new(tag.description()).weak());
    ui.add_space(6.0);
    let mut name = node.name.clone();
    grid(ui, "node-head", |ui| {
        let l = ui
            .label("Name")
            .on_hover_text("Display name on the canvas; the id stays the same");
        ui.add(egui::TextEdit::singleline(&mut name).desired_width(f32::INFINITY))
            .labelled_by(l.id);
        ui.end_row();
        ui.label("Id")
            .on_hover_text("Stable key used in files, diagnostics and the command line");
        ui.label(egui::RichText::new(id.as_str()).monospace());
        ui.end_row();
    });
    if name != node.name {
        actions.push(Action::Edit {
            edit: Edit::Rename {
                id: id.clone(),
                name,
            },
            key: Some(format!("rename:{id}")),
        });
    }
    ui.separator();
    let mut kind = node.kind.clone();
    if let NodeKind::Function(f) = &mut kind {
        ui.horizontal(|ui| {
            ui.label("Presets:");
            if ui
                .button("Lambda defaults")
                .on_hover_text("Reset every parameter to AWS Lambda's defaults")
                .clicked()
            {
                *f = FunctionParams::default();
            }
            if ui
                .button("Legacy burst scaling")
                .on_hover_text(
                    "The pre-2023 model: a burst of 3,000 environments, then +500 per minute",
                )
                .clicked()
            {
                f.scaling = Scaling::LegacyBurst {
                    initial: 3_000,
                    per_minute: 500,
                };
            }
        });
    }
    grid(ui, "node-params", |ui| {
        kind_ui(ui, &mut kind, project.run.account_concurrency)
    });
    if kind != node.kind {
        actions.push(Action::Edit {
            edit: Edit::SetNodeKind {
                id: id.clone(),
                kind,
            },
            key: Some(format!("kind:{id}")),
        });
    }
    ui.separator();
    ui.strong("Connections");
    let mut any = false;
    for (eid, e) in project
        .graph
        .edges_from(id)
        .chain(project.graph.edges_to(id))
    {
        any = true;
        let other = if &e.from == id { &e.to } else { &e.from };
        let other_name = project
            .graph
            .nodes
            .get(other)
            .map_or(other.as_str(), |n| n.name.as_str());
        let arrow = if &e.from == id { "to" } else { "from" };
        if ui
            .link(format!("{arrow} {other_name} ({})", e.kind.tag().label()))
            .clicked()
        {
            actions.push(Action::Select(Selection::edge(eid.clone())));
        }
    }
    if !any {
        ui.label(
            egui::RichText::new("Drag from the right port onto another node to connect").weak(),
        );
    }
}

/// The parameters of one node kind.
fn kind_ui(ui: &mut Ui, kind: &mut NodeKind, account: u32) {
    match kind {
        NodeKind::Client(c) => arrival_ui(ui, &mut c.arrival),
        NodeKind::HttpApi(a) => {
            let l = ui
                .label("Flavor")
                .on_hover_text("REST or HTTP API: they differ in price per request");
            egui::ComboBox::from_id_salt("flavor")
                .selected_text(match a.flavor {
                    ApiFlavor::Rest => "REST API",
                    ApiFlavor::Http => "HTTP API",
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut a.flavor, ApiFlavor::Rest, "REST API");
                    ui.selectable_value(&mut a.flavor, ApiFlavor::Http, "HTTP API");
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            num(
                ui,
                "Rate limit",
                "Steady requests per second the gateway accepts before answering 429",
                &mut a.rate_limit_rps,
                1.0..=10_000_000.0,
                " rps",
                10.0,
            );
            num(
                ui,
                "Burst",
                "Requests accepted at once above the steady rate (token-bucket size)",
                &mut a.burst,
                0..=10_000_000,
                "",
                10.0,
            );
            ms(
                ui,
                "Integration timeout",
                "How long the gateway waits for its backend before answering 504",
                &mut a.integration_timeout_ms,
                1..=900_000,
            );
            num(
                ui,
                "Overhead",
                "Latency the gateway itself adds to each request",
                &mut a.overhead_ms,
                0.0..=60_000.0,
                " ms",
                0.5,
            );
        }
        NodeKind::Schedule(s) => {
            let l = ui
                .label("Trigger")
                .on_hover_text("A fixed rate, or a five-field cron expression in virtual time");
            let is_rate = matches!(s.trigger, ScheduleTrigger::Rate { .. });
            egui::ComboBox::from_id_salt("trigger")
                .selected_text(if is_rate { "rate" } else { "cron" })
                .show_ui(ui, |ui| {
                    if ui.selectable_label(is_rate, "rate").clicked() && !is_rate {
                        s.trigger = ScheduleTrigger::Rate { every_ms: 60_000 };
                    }
                    if ui.selectable_label(!is_rate, "cron").clicked() && is_rate {
                        s.trigger = ScheduleTrigger::Cron {
                            expression: "*/5 * * * *".to_owned(),
                        };
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            match &mut s.trigger {
                ScheduleTrigger::Rate { every_ms } => {
                    ms(
                        ui,
                        "Every",
                        "Interval between firings (at least 1 s)",
                        every_ms,
                        1_000..=crate::model::MAX_RUN_MS,
                    );
                }
                ScheduleTrigger::Cron { expression } => {
                    let l = ui.label("Expression").on_hover_text(
                        "minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5",
                    );
                    ui.vertical(|ui| {
                        ui.text_edit_singleline(expression).labelled_by(l.id);
                        if let Err(e) = crate::model::Cron::parse(expression) {
                            ui.label(
                                egui::RichText::new(e)
                                    .color(theme::severity_color(crate::model::Severity::Error))
                                    .small(),
                            );
                        }
                    });
                    ui.end_row();
                }
            }
        }
        NodeKind::Bucket(b) => {
            distribution_ui(
                ui,
                "Notification delay",
                "Time between a write and its object-created event",
                &mut b.notification_delay,
            );
            num(
                ui,
                "Duplicate probability",
                "Chance that an event is delivered twice (at-least-once delivery)",
                &mut b.duplicate_probability,
                0.0..=1.0,
                "",
                0.001,
            );
        }
        NodeKind::Table(t) => {
            check(
                ui,
                "Stream enabled",
                "Whether writes appear on the change stream that can trigger functions",
                &mut t.stream_enabled,
            );
            distribution_ui(
                ui,
                "Stream delay",
                "Time between a write and its stream record",
                &mut t.stream_delay,
            );
            num(
                ui,
                "Duplicate probability",
                "Chance that a stream record is delivered twice",
                &mut t.duplicate_probability,
                0.0..=1.0,
                "",
                0.001,
            );
            num(
                ui,
                "Write latency",
                "Time a writer waits for a write to complete",
                &mut t.write_latency_ms,
                0.0..=60_000.0,
                " ms",
                0.5,
            );
        }
        NodeKind::Queue(q) => {
            ms(
                ui,
                "Visibility timeout",
                "How long a received message stays hidden before it can be received again (at most 12 h)",
                &mut q.visibility_timeout_ms,
                0..=43_200_000,
            );
            ms(
                ui,
                "Retention",
                "How long a message is kept before it expires (1 min to 14 days)",
                &mut q.retention_ms,
                60_000..=1_209_600_000,
            );
            optional_u32(
                ui,
                "Max receives",
                "Receives after which a message moves to the dead-letter queue; off keeps retrying until it expires",
                &mut q.max_receive_count,
                1..=1_000,
                3,
                "no redrive",
                "",
            );
            check(
                ui,
                "FIFO",
                "First-in-first-out: messages of a group are delivered in order, one batch at a time",
                &mut q.fifo,
            );
            ms(
                ui,
                "Delivery delay",
                "Delay before a new message becomes visible (at most 15 min)",
                &mut q.delivery_delay_ms,
                0..=900_000,
            );
            num(
                ui,
                "Depth alarm",
                "Queue depth at which the canvas shows the queue as full",
                &mut q.depth_alarm,
                1..=u64::MAX,
                " msgs",
                10.0,
            );
        }
        NodeKind::Topic(t) => {
            distribution_ui(
                ui,
                "Delivery delay",
                "Time between a publish and delivery to each subscriber",
                &mut t.delivery_delay,
            );
        }
        NodeKind::Function(f) => {
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
    }
}

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

/// The distribution with the same mean as `d`, of another shape.
fn reshape(d: &Distribution, to: &str) -> Distribution {
    let m = d.mean_ms();
    match to {
        "constant" => Distribution::Constant { ms: m },
        "exponential" => Distribution::Exponential { mean_ms: m },
        "uniform" => Distribution::Uniform {
            min_ms: m * 0.5,
            max_ms: m * 1.5,
        },
        "empirical" => Distribution::Empirical {
            samples_ms: vec![m],
        },
        _ => Distribution::LogNormal {
            median_ms: m,
            sigma: 0.5,
        },
    }
}

/// A distribution: a drop-down of shapes, then the shape's parameters.
fn distribution_ui(ui: &mut Ui, label: &str, tip: &str, d: &mut Distribution) {
    let l = ui.label(label).on_hover_text(tip);
    egui::ComboBox::from_id_salt(label)
        .selected_text(d.label())
        .show_ui(ui, |ui| {
            for (shape, help) in [
                ("constant", "Always the same value"),
                ("exponential", "Memoryless: many short values, a long tail"),
                (
                    "lognormal",
                    "Right-skewed, the usual shape of real latencies",
                ),
                ("uniform", "Any value between two bounds, equally likely"),
                ("empirical", "Drawn uniformly from measured samples"),
            ] {
                if ui
                    .selectable_label(d.label() == shape, shape)
                    .on_hover_text(help)
                    .clicked()
                    && d.label() != shape
                {
                    *d = reshape(d, shape);
                }
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text(tip);
    ui.end_row();
    let max = crate::model::MAX_DURATION_MS;
    match d {
        Distribution::Constant { ms } => {
            num(ui, "  value", "The duration", ms, 0.0..=max, " ms", 1.0)
        }
        Distribution::Exponential { mean_ms } => num(
            ui,
            "  mean",
            "Mean duration",
            mean_ms,
            0.0..=max,
            " ms",
            1.0,
        ),
        Distribution::LogNormal { median_ms, sigma } => {
            num(
                ui,
                "  median",
                "Half of the values are below this",
                median_ms,
                0.0..=max,
                " ms",
                1.0,
            );
            num(
                ui,
                "  sigma",
                "Spread: 0.1 narrow … 1.5 very wide",
                sigma,
                0.0..=5.0,
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
                0.0..=max,
                " ms",
                1.0,
            );
            num(
                ui,
                "  max",
                "Largest duration",
                max_ms,
                0.0..=max,
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

/// A client's arrival process.
fn arrival_ui(ui: &mut Ui, a: &mut Arrival) {
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
    let max = crate::model::MAX_RATE_PER_S;
    match a {
        Arrival::Constant { rate_per_s } => num(
            ui,
            "  rate",
            "Evenly spaced events per second",
            rate_per_s,
            0.0..=max,
            " /s",
            0.1,
        ),
        Arrival::Poisson { rate_per_s } => num(
            ui,
            "  rate",
            "Mean events per second, arriving independently",
            rate_per_s,
            0.0..=max,
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
                0.0..=max,
                " /s",
                0.1,
            );
            num(
                ui,
                "  burst rate",
                "Events per second during a burst",
                burst_rate_per_s,
                0.0..=max,
                " /s",
                1.0,
            );
            ms(
                ui,
                "  every",
                "Time from the start of one burst to the next",
                every_ms,
                1..=crate::model::MAX_RUN_MS,
            );
            ms(
                ui,
                "  length",
                "Length of each burst",
                length_ms,
                1..=crate::model::MAX_RUN_MS,
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
                0.0..=max,
                " /s",
                0.1,
            );
            num(
                ui,
                "  amplitude",
                "Relative swing around the mean, 0–1",
                amplitude,
                0.0..=1.0,
                "",
                0.01,
            );
            ms(
                ui,
                "  period",
                "Length of one cycle (a day by default)",
                period_ms,
                1..=crate::model::MAX_RUN_MS,
            );
            ms(
                ui,
                "  peak at",
                "When in the period the peak falls",
                peak_at_ms,
                0..=crate::model::MAX_RUN_MS,
            );
        }
        Arrival::Steps { steps } => {
            let mut remove = None;
            for (i, s) in steps.iter_mut().enumerate() {
                ui.label(format!("  step {}", i + 1))
                    .on_hover_text("From this time on, events arrive at this rate");
                ui.horizontal(|ui| {
                    ui.add(DragValue::new(&mut s.at_ms).suffix(" ms").speed(100.0))
                        .on_hover_text("When this rate begins");
                    ui.add(
                        DragValue::new(&mut s.rate_per_s)
                            .range(0.0..=max)
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
    }
}

const FILTER_TIP: &str =
    "Attribute values this subscription accepts, as key=a|b; key2=c (empty accepts every event)";
const ATTRIBUTES_TIP: &str =
    "Attributes set on the events sent, as key=value; key2=value (matched by topic filters)";

/// A `key=value; key=value` text field. The text being typed is kept while the field has
/// focus; the parsed map is returned whenever the text changes and every entry is complete.
fn pairs_ui<V>(
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

fn edge_ui(
    ui: &mut Ui,
    project: &Project,
    id: &crate::model::EdgeId,
    edge: &Edge,
    actions: &mut Vec<Action>,
) {
    let g = &project.graph;
    let name = |n: &NodeId| {
        g.nodes
            .get(n)
            .map_or_else(|| n.to_string(), |n| n.name.clone())
    };
    ui.heading("Connection");
    ui.label(format!("From {} to {}", name(&edge.from), name(&edge.to)));
    ui.label(egui::RichText::new(id.as_str()).monospace().weak());
    ui.add_space(6.0);
    let mut e = edge.clone();
    let legal: Vec<EdgeTag> = match (g.nodes.get(&edge.from), g.nodes.get(&edge.to)) {
        (Some(f), Some(t)) => legal_edges(f.kind.tag(), t.kind.tag()).to_vec(),
        (None, _) | (_, None) => Vec::new(),
    };
    grid(ui, "edge-params", |ui| {
        let l = ui
            .label("Kind")
            .on_hover_text("How events travel along this connection");
        let current = e.kind.tag();
        egui::ComboBox::from_id_salt("edge-kind")
            .selected_text(current.label())
            .show_ui(ui, |ui| {
                for tag in &legal {
                    if ui.selectable_label(*tag == current, tag.label()).clicked()
                        && *tag != current
                    {
                        e.kind = tag.default_kind();
                    }
                }
            })
            .response
            .labelled_by(l.id);
        ui.end_row();
        match &mut e.kind {
            EdgeKind::EventSource(m) => {
                num(
                    ui,
                    "Batch size",
                    "Most records per invocation (SQS 1–10,000; FIFO at most 10)",
                    &mut m.batch_size,
                    1..=10_000,
                    "",
                    1.0,
                );
                ms(
                    ui,
                    "Batch window",
                    "How long the poller waits to fill a batch (at most 300 s)",
                    &mut m.batch_window_ms,
                    0..=300_000,
                );
                optional_u32(
                    ui,
                    "Max concurrency",
                    "Cap on concurrent invocations from this mapping (2–1,000)",
                    &mut m.max_concurrency,
                    2..=1_000,
                    10,
                    "no cap",
                    "",
                );
                check(
                    ui,
                    "Report item failures",
                    "Only the failed messages of a batch return to the queue",
                    &mut m.report_batch_item_failures,
                );
            }
            EdgeKind::Subscription(s) => {
                num(
                    ui,
                    "Delivery retries",
                    "Retries after a failed delivery to this subscriber",
                    &mut s.retry.max_retries,
                    0..=100,
                    "",
                    0.1,
                );
                ms(
                    ui,
                    "First retry delay",
                    "Delay before the first retry",
                    &mut s.retry.initial_delay_ms,
                    0..=3_600_000,
                );
                num(
                    ui,
                    "Backoff factor",
                    "Each further delay is the previous one times this",
                    &mut s.retry.backoff_factor,
                    1.0..=10.0,
                    "×",
                    0.05,
                );
                let l = ui.label("Filter").on_hover_text(FILTER_TIP);
                let shown = s
                    .filter
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.join("|")))
                    .collect::<Vec<_>>()
                    .join("; ");
                if let Some(f) = pairs_ui(ui, l.id, ("filter", id), &shown, FILTER_TIP, |k, v| {
                    (
                        k,
                        v.split('|')
                            .map(|x| x.trim().to_owned())
                            .collect::<Vec<_>>(),
                    )
                }) {
                    s.filter = f;
                }
                ui.end_row();
            }
            EdgeKind::AsyncInvoke
            | EdgeKind::SyncInvoke
            | EdgeKind::Write
            | EdgeKind::OnFailure => {}
        }
        num(
            ui,
            "Probability",
            "Chance that this connection is used for a given event",
            &mut e.emit.probability,
            0.0..=1.0,
            "",
            0.01,
        );
        num(
            ui,
            "Fan-out",
            "Events sent each time this connection is used",
            &mut e.emit.count,
            0..=10_000,
            "",
            0.1,
        );
        let l = ui.label("Attributes").on_hover_text(ATTRIBUTES_TIP);
        let shown = e
            .emit
            .attributes
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if let Some(a) = pairs_ui(
            ui,
            l.id,
            ("attributes", id),
            &shown,
            ATTRIBUTES_TIP,
            |k, v| (k, v.trim().to_owned()),
        ) {
            e.emit.attributes = a;
        }
        ui.end_row();
    });
    if e != *edge {
        actions.push(Action::Edit {
            edit: Edit::SetEdge {
                id: id.clone(),
                edge: e,
            },
            key: Some(format!("edge:{id}")),
        });
    }
    if ui.button("Delete connection").clicked() {
        actions.push(Action::Delete);
    }
}

fn project_ui(ui: &mut Ui, project: &Project, actions: &mut Vec<Action>) {
    ui.heading("Project");
    let mut name = project.name.clone();
    let mut description = project.description.clone();
    let mut run: RunSettings = project.run.clone();
    grid(ui, "project", |ui| {
        let l = ui
            .label("Title")
            .on_hover_text("Shown in the window title and the example gallery");
        ui.add(egui::TextEdit::singleline(&mut name).desired_width(f32::INFINITY))
            .labelled_by(l.id);
        ui.end_row();
        num(
            ui,
            "Seed",
            "Seed of every random stream: the same seed gives the same run",
            &mut run.seed,
            0..=u64::MAX,
            "",
            1.0,
        );
        ms(
            ui,
            "Run length",
            "Simulated length of a run (at most 30 days)",
            &mut run.duration_ms,
            1..=crate::model::MAX_RUN_MS,
        );
        num(
            ui,
            "Account concurrency",
            "Concurrent executions allowed across all functions (Lambda: 1,000)",
            &mut run.account_concurrency,
            1..=1_000_000,
            " envs",
            10.0,
        );
    });
    let l = ui
        .label("Description")
        .on_hover_text("A paragraph on what the design shows");
    ui.add(
        egui::TextEdit::multiline(&mut description)
            .desired_width(f32::INFINITY)
            .desired_rows(4),
    )
    .labelled_by(l.id);
    if name != project.name || description != project.description {
        actions.push(Action::Edit {
            edit: Edit::SetInfo { name, description },
            key: Some("info".to_owned()),
        });
    }
    if run != project.run {
        actions.push(Action::Edit {
            edit: Edit::SetRun(run),
            key: Some("run".to_owned()),
        });
    }
    ui.add_space(8.0);
    ui.label(egui::RichText::new("Select a node or connection to edit its parameters").weak());
}
