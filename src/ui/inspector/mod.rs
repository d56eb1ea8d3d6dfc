//! The inspector: every parameter of the selected node or edge (or the project's settings when
//! nothing is selected), with units, ranges, one-sentence tooltips and presets.
//!
//! It edits a copy and, when the copy differs, emits one edit; typing or dragging in one field
//! coalesces into one undo step.

mod alarms;
mod distribution;
mod edge;
mod fields;
mod function;
mod kinds;
mod pricing;
#[cfg(test)]
mod tests;
mod workload;

use crate::model::{
    DEFAULT_MAX_MEMORY_MB, Edit, FunctionParams, NodeId, NodeKind, Project, RunSettings, Scaling,
};
use crate::ui::message::{Action, Selection};
use crate::ui::shell::format::{fmt_count, human_ms, plural};
use crate::ui::shell::{palette, theme};
use edge::edge_ui;
use egui::Ui;
use fields::{grid, ms, num, span};
use kinds::kind_ui;

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
                    ui.label(format!(
                        "{} and {} selected",
                        plural(n as u64, "node"),
                        plural(m as u64, "edge")
                    ));
                    if ui.button("Delete selection").clicked() {
                        actions.push(Action::Delete);
                    }
                }
            }
        });
}

/// The selected node: its kind, name and id, every parameter, and its connections.
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
        kind_ui(
            ui,
            &mut kind,
            project.run.account_concurrency,
            project.provider,
        )
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

/// The run's limits: the memory budget, the account's API throttle and the cost window.
fn run_limits_ui(ui: &mut Ui, run: &mut RunSettings) {
    num(
        ui,
        "Memory budget",
        &format!(
            "What the engine may hold before the run stops with an error naming the node \
             that grew fastest (at least {} MB; default {}; `--max-memory` on the command \
             line): a runaway design stops cleanly instead of taking the app down",
            RunSettings::MAX_MEMORY_MB.start(),
            fmt_count(DEFAULT_MAX_MEMORY_MB),
        ),
        &mut run.max_memory_mb,
        RunSettings::MAX_MEMORY_MB,
        " MB",
        16.0,
    );
    num(
        ui,
        "API account rate",
        "API Gateway's throttle for the account in the Region, shared by every API \
         (10,000 requests per second by default; each API may set lower limits of its own). \
         Above it the gateway answers 429 (API Gateway quotas)",
        &mut run.api_rate_limit_rps,
        1.0..=RunSettings::MAX_API_RATE_LIMIT_RPS,
        " rps",
        10.0,
    );
    num(
        ui,
        "API account burst",
        "Requests every API of the account together accepts at once above the steady rate \
         (token-bucket size; 5,000 by default)",
        &mut run.api_burst,
        RunSettings::API_BURST,
        "",
        10.0,
    );
    num(
        ui,
        "Cost window",
        &format!(
            "Cost per day is projected from the cost of this many most recent simulated \
             seconds ({} s), so a spike that is over leaves the projection; the run's total is \
             kept apart",
            span(&RunSettings::COST_WINDOW_S)
        ),
        &mut run.cost_window_s,
        RunSettings::COST_WINDOW_S,
        " s",
        1.0,
    );
}

/// The project's settings when nothing is selected: title, seed, run length, account
/// concurrency, the run's limits, description and prices.
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
            &format!(
                "Simulated length of a run (at most {})",
                human_ms(*RunSettings::DURATION_MS.end())
            ),
            &mut run.duration_ms,
            RunSettings::DURATION_MS,
        );
        let profile = project.provider.profile();
        let l = ui.label("Provider").on_hover_text(
            "Where the project's functions run (each may name another). Choosing another \
             moves the design there in one undoable step: memory, timeouts and warm \
             instances are brought within its limits, presets and prices follow",
        );
        let mut chosen = project.provider;
        egui::ComboBox::from_id_salt("project-provider")
            .selected_text(profile.product)
            .show_ui(ui, |ui| {
                for p in crate::model::Provider::ALL {
                    ui.selectable_value(&mut chosen, p, p.profile().product);
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text(format!(
            "Memory {} MB; timeout at most {}; up to {} requests per {}; {} by default at most; \
             warm instances: {}",
            profile.memory.describe(),
            profile
                .max_timeout_ms
                .map_or("unlimited".to_owned(), human_ms),
            profile.max_concurrency,
            profile.names.instance,
            profile.max_instances,
            profile.names.warm_instances
        ));
        if chosen != project.provider {
            actions.push(Action::Retarget(chosen));
        }
        ui.end_row();
        num(
            ui,
            "Account concurrency",
            "Concurrent executions allowed across all functions (Lambda: 1,000)",
            &mut run.account_concurrency,
            RunSettings::ACCOUNT_CONCURRENCY,
            " envs",
            10.0,
        );
        run_limits_ui(ui, &mut run);
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
    ui.add_space(6.0);
    let mut pricing = project.pricing.clone();
    egui::CollapsingHeader::new("Prices and the server alternative")
        .id_salt("pricing")
        .show(ui, |ui| pricing::pricing_ui(ui, &mut pricing));
    if pricing != project.pricing {
        actions.push(Action::Edit {
            edit: Edit::SetPricing(pricing),
            key: Some("pricing".to_owned()),
        });
    }
    let mut alarms = project.alarms.clone();
    egui::CollapsingHeader::new(format!("Alarms ({})", alarms.len()))
        .id_salt("alarms")
        .show(ui, |ui| alarms::alarms_ui(ui, project, &mut alarms));
    if alarms != project.alarms {
        actions.push(Action::Edit {
            edit: Edit::SetAlarms(alarms),
            key: Some("alarms".to_owned()),
        });
    }
    ui.add_space(8.0);
    ui.label(egui::RichText::new("Select a node or connection to edit its parameters").weak());
}
