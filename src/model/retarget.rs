//! Moving a design to another provider: the same graph and workload, with each function's
//! settings brought within the new provider's limits and its presets where the design kept
//! the old provider's (a value the user chose stays), and the new provider's list prices.

use super::lesson::{Action, FunctionChanges};
use super::node::{FunctionParams, NodeKind, Scaling};
use super::pricing::Pricing;
use super::project::Project;
use super::provider::{Profile, Provider};

/// The scaling policy that stands for `profile`'s documented scale-out rate.
pub fn scaling_for(profile: &Profile) -> Scaling {
    let s = profile.scale_out;
    if (s.burst, s.per_step, s.step_ms) == Scaling::Standard.rates() {
        Scaling::Standard
    } else {
        Scaling::Custom {
            environments: s.per_step,
            every_ms: s.step_ms,
        }
    }
}

/// `project` on `to`, and one line per change that is not a preset (memory raised to an
/// allowed size, timeout cut to the limit, warm instances removed).
pub fn retarget(project: &Project, to: Provider) -> (Project, Vec<String>) {
    let mut out = project.clone();
    let mut notes = Vec::new();
    out.provider = to;
    let old = &project.pricing;
    out.pricing = Pricing {
        server_instance: old.server_instance.clone(),
        server_per_hour: old.server_per_hour,
        server_vcpus: old.server_vcpus,
        server_target_utilisation: old.server_target_utilisation,
        server_count: old.server_count,
        // The free tier's allowances are AWS's; elsewhere they are stated, not applied.
        free_tier: old.free_tier && to.is_aws(),
        ..Pricing::for_provider(to)
    };
    if old.free_tier && !to.is_aws() {
        notes.push(format!(
            "the free tier is left off: its allowances are AWS's, not {}'s",
            to.profile().product
        ));
    }
    for (id, node) in &mut out.graph.nodes {
        if let NodeKind::Function(f) = &mut node.kind {
            let from = f.provider_in(project.provider);
            f.provider = None;
            for change in retarget_function(f, from.profile(), to.profile()) {
                notes.push(format!("{id}: {change}"));
            }
        }
    }
    let to_profile = to.profile();
    if let Some(lesson) = &mut out.lesson {
        for (i, step) in lesson.steps.iter_mut().enumerate() {
            for action in &mut step.actions {
                if let Action::Deploy { node, changes, .. } = action {
                    for change in retarget_deploy(changes, to_profile) {
                        notes.push(format!("lesson step {}: deploy of {node}: {change}", i + 1));
                    }
                }
            }
        }
    }
    (out, notes)
}

/// Brings a lesson's deployed memory and timeout within `to`'s limits; returns what changed.
fn retarget_deploy(changes: &mut FunctionChanges, to: &Profile) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(mb) = changes.memory_mb
        && !to.memory.allows(mb)
    {
        let m = to.memory.at_least(mb);
        out.push(format!("memory {mb} MB → {m} MB"));
        changes.memory_mb = Some(m);
    }
    if let Some(ms) = changes.timeout_ms
        && !to.timeout_allowed(ms)
        && let Some(max) = to.max_timeout_ms
    {
        out.push(format!("timeout {ms} ms → {max} ms"));
        changes.timeout_ms = Some(max);
    }
    out
}

/// Brings one function from `from` to `to`; returns what changed beyond presets.
fn retarget_function(f: &mut FunctionParams, from: &Profile, to: &Profile) -> Vec<String> {
    let mut changes = Vec::new();
    if !to.memory.allows(f.memory_mb) {
        let m = to.memory.at_least(f.memory_mb);
        changes.push(format!(
            "memory {} MB → {m} MB ({} allows {})",
            f.memory_mb,
            to.product,
            to.memory.describe()
        ));
        f.memory_mb = m;
    }
    if !to.timeout_allowed(f.timeout_ms)
        && let Some(max) = to.max_timeout_ms
    {
        changes.push(format!(
            "timeout {} ms → {max} ms ({}'s limit)",
            f.timeout_ms, to.product
        ));
        f.timeout_ms = max;
    }
    if f.provisioned_concurrency > 0 && to.rates.warm_per_gb_s == 0.0 {
        changes.push(format!(
            "{} {} dropped ({} has none)",
            f.provisioned_concurrency, from.names.warm_instances, to.product
        ));
        f.provisioned_concurrency = 0;
    }
    if f.cold_start == from.cold_start {
        f.cold_start = to.cold_start.clone();
    }
    if f.keep_alive_ms == from.keep_alive_ms {
        f.keep_alive_ms = to.keep_alive_ms;
    }
    if f.scaling == scaling_for(from) {
        f.scaling = scaling_for(to);
    }
    changes
}
