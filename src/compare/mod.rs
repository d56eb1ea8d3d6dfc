//! Many runs, one answer: a design run over several seeds (replications), a sweep of one
//! parameter and/or several providers, every variant × seed in parallel (rayon), summarised
//! as the mean and 95 % confidence interval of every metric, with the cheapest, fastest and
//! balanced variants marked.
//!
//! Headless (no GUI crate, no tokio): `eventloom compare` and the editor's Compare view call
//! [`variants`] and [`run`]. The output does not depend on the thread count: jobs are listed
//! in a fixed order (variant, then seed) and their results are collected in that order.
//!
//! ```no_run
//! # use eventloom::compare::{Plan, Sweep, run, Hooks};
//! # let project = eventloom::model::Project::default();
//! let plan = Plan {
//!     seeds: 8,
//!     sweep: Some(Sweep::parse("resize.memory_mb=128,512,1769").expect("a sweep")),
//!     ..Plan::default()
//! };
//! let comparison = run(&project, &plan, &Hooks::default()).expect("valid variants");
//! for v in &comparison.variants {
//!     println!("{}: ${:.2}/day", v.label, v.metric("cost.per_day_usd").map_or(0.0, |m| m.summary.mean));
//! }
//! ```

mod stats;
mod sweep;

pub use stats::{Summary, t975};
pub use sweep::{MAX_SWEEP_VALUES, Sweep, set};

use crate::model::{Diagnostic, NodeKind, Project, Provider, Severity, retarget, validate};
use crate::sim::{Report, SimConfig, Simulation};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

/// Most replications per variant.
pub const MAX_SEEDS: u32 = 10_000;
/// Most variants × seeds in one comparison.
pub const MAX_RUNS: usize = 100_000;

/// What to compare.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Replications per variant (≥ 1); seeds are `first_seed`, `first_seed + 1`, ….
    pub seeds: u32,
    /// The first seed (`None`: the project's).
    pub first_seed: Option<u64>,
    /// Simulated time per run, ms (`None`: the project's).
    pub duration_ms: Option<u64>,
    /// One parameter swept over values.
    pub sweep: Option<Sweep>,
    /// The same design on each of these providers (empty: as it is).
    pub providers: Vec<Provider>,
    /// The node whose latency the table shows (`None`: the swept node, else the first client).
    pub focus: Option<String>,
}

impl Default for Plan {
    fn default() -> Self {
        Self {
            seeds: 1,
            first_seed: None,
            duration_ms: None,
            sweep: None,
            providers: Vec::new(),
            focus: None,
        }
    }
}

/// Why a comparison cannot run. Every message is one sentence a user can act on.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CompareError {
    /// The options do not make a comparison.
    #[error("{0}")]
    Usage(String),
    /// A swept value cannot be set.
    #[error("cannot set {path} to {value:?}: {message}")]
    BadValue {
        /// The parameter path.
        path: String,
        /// The value as given.
        value: String,
        /// Why.
        message: String,
    },
    /// A variant breaks the rules (a memory size the provider does not offer…).
    #[error("variant {variant} has errors: {}", .errors.join("; "))]
    Invalid {
        /// The variant's label.
        variant: String,
        /// Its validation errors, as `subject: message`.
        errors: Vec<String>,
    },
    /// The focus node is not in the project.
    #[error("--focus {0:?} is not a node of this project")]
    UnknownFocus(String),
    /// Stopped from outside (the editor's Cancel).
    #[error("the comparison was cancelled")]
    Cancelled,
}

/// One design to run: the base project with a provider and/or a swept value applied.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Short label: `memory_mb=512`, `gcp`, `gcp memory_mb=512`, or `as is`.
    pub label: String,
    /// The provider it runs on, when providers are compared.
    pub provider: Option<Provider>,
    /// The swept value, as written.
    pub value: Option<String>,
    /// The project to run (what "open this variant" opens).
    pub project: Project,
    /// What moving to the provider changed beyond its presets.
    pub notes: Vec<String>,
}

/// The variants of `plan` on `base`: providers × swept values, in that order (each list
/// in the order given), each validated.
pub fn variants(base: &Project, plan: &Plan) -> Result<Vec<Variant>, CompareError> {
    let providers: Vec<Option<Provider>> = if plan.providers.is_empty() {
        vec![None]
    } else {
        plan.providers.iter().copied().map(Some).collect()
    };
    let values: Vec<Option<&str>> = match &plan.sweep {
        Some(s) => s.values.iter().map(|v| Some(v.as_str())).collect(),
        None => vec![None],
    };
    let short_path = plan
        .sweep
        .as_ref()
        .map(|s| s.path.rsplit('.').next().unwrap_or(&s.path).to_owned());
    let mut out = Vec::with_capacity(providers.len() * values.len());
    for provider in &providers {
        let (on_provider, notes) = match provider {
            Some(p) => retarget(base, *p),
            None => (base.clone(), Vec::new()),
        };
        for value in &values {
            let project = match (value, &plan.sweep) {
                (Some(v), Some(s)) => set(&on_provider, &s.path, v)?,
                (Some(_), None) | (None, Some(_)) | (None, None) => on_provider.clone(),
            };
            let label = match (provider, value, &short_path) {
                (Some(p), Some(v), Some(k)) => format!("{} {k}={v}", p.key()),
                (None, Some(v), Some(k)) => format!("{k}={v}"),
                (Some(p), _, _) => p.key().to_owned(),
                (None, _, _) => "as is".to_owned(),
            };
            let errors: Vec<String> = validate(&project)
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(Diagnostic::to_string)
                .collect();
            if !errors.is_empty() {
                return Err(CompareError::Invalid {
                    variant: label,
                    errors,
                });
            }
            out.push(Variant {
                label,
                provider: *provider,
                value: value.map(str::to_owned),
                project,
                notes: notes.clone(),
            });
        }
    }
    Ok(out)
}

/// Progress and cancellation for [`run`]: the CLI's progress bar, the editor's Cancel.
pub struct Hooks<'a> {
    /// Called after each finished run with (runs done, runs in all), from any thread.
    pub progress: &'a (dyn Fn(usize, usize) + Sync),
    /// When set, runs not yet started are skipped and [`run`] returns `Cancelled`.
    pub cancel: Option<&'a AtomicBool>,
}

impl Default for Hooks<'_> {
    fn default() -> Self {
        Self {
            progress: &|_, _| {},
            cancel: None,
        }
    }
}

/// One metric of a variant over its seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metric {
    /// Name: `cost.per_day_usd`, `ledger.completed`, `<node>.p99_ms`, ….
    pub name: String,
    /// Mean and 95 % confidence interval.
    pub summary: Summary,
    /// Each seed's value, in seed order.
    pub samples: Vec<f64>,
}

/// One variant's results.
#[derive(Clone, Debug, Serialize)]
pub struct VariantResult {
    /// Its label.
    pub label: String,
    /// The provider's short name, when providers are compared.
    pub provider: Option<&'static str>,
    /// The swept value.
    pub value: Option<String>,
    /// Every metric, run-level first, then per node in id order.
    pub metrics: Vec<Metric>,
    /// Whether every run's ledger balanced.
    pub ledger_balanced: bool,
    /// What moving to the provider changed beyond presets.
    pub notes: Vec<String>,
}

impl VariantResult {
    /// The metric called `name`.
    pub fn metric(&self, name: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.name == name)
    }
}

/// The answer.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Layout version of this JSON.
    pub compare_version: u32,
    /// The project's name.
    pub project: String,
    /// Seeds run for every variant.
    pub seeds: Vec<u64>,
    /// Simulated time per run, s.
    pub duration_s: f64,
    /// The swept parameter.
    pub sweep: Option<String>,
    /// The node whose latency decides "fastest".
    pub focus: Option<String>,
    /// Each variant, in plan order.
    pub variants: Vec<VariantResult>,
    /// Lowest mean cost per day (index into `variants`; with two or more variants).
    pub cheapest: Option<usize>,
    /// Lowest mean p99 of the focus node.
    pub fastest: Option<usize>,
    /// Lowest ½·cost/max cost + ½·p99/max p99: an equal-weight trade-off between cost and
    /// latency, in the manner of AWS Lambda Power Tuning's "balanced" strategy.
    pub balanced: Option<usize>,
    /// Variants left out of the three marks because they lose work — requests dropped or
    /// dead-lettered — beyond the least lossy variant (by more than [`LOSS_TOLERANCE`] of
    /// the requests that entered): cheap or fast by not doing the work is no answer.
    pub losing: Vec<usize>,
}

/// Share of the entered requests a variant may lose beyond the least lossy one and still be
/// marked (0.1 %).
pub const LOSS_TOLERANCE: f64 = 0.001;

/// Layout version of the comparison's JSON (3: `losing`).
pub const COMPARE_VERSION: u32 = 3;

/// Runs every variant of `plan` on every seed, in parallel, and summarises.
pub fn run(base: &Project, plan: &Plan, hooks: &Hooks<'_>) -> Result<Comparison, CompareError> {
    if plan.seeds == 0 || plan.seeds > MAX_SEEDS {
        return Err(CompareError::Usage(format!(
            "--seeds must be between 1 and {MAX_SEEDS} (got {})",
            plan.seeds
        )));
    }
    let mut vars = variants(base, plan)?;
    let focus = focus_node(base, plan)?;
    let first = plan.first_seed.unwrap_or(base.run.seed);
    let seeds: Vec<u64> = (0..u64::from(plan.seeds))
        .map(|i| first.wrapping_add(i))
        .collect();
    if vars.len() * seeds.len() > MAX_RUNS {
        return Err(CompareError::Usage(format!(
            "{} variants × {} seeds is more than {MAX_RUNS} runs",
            vars.len(),
            seeds.len()
        )));
    }
    for v in &mut vars {
        if let Some(d) = plan.duration_ms {
            v.project.run.duration_ms = d;
        }
    }
    let jobs: Vec<(usize, u64)> = (0..vars.len())
        .flat_map(|v| seeds.iter().map(move |&s| (v, s)))
        .collect();
    let total = jobs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let reports: Vec<Option<Result<Report, CompareError>>> = jobs
        .par_iter()
        .map(|&(v, seed)| {
            if hooks.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                return None;
            }
            let report = run_one(&vars[v], seed);
            (hooks.progress)(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            Some(report)
        })
        .collect();
    let mut runs = Vec::with_capacity(reports.len());
    for r in reports {
        match r {
            None => return Err(CompareError::Cancelled),
            Some(Err(e)) => return Err(e),
            Some(Ok(report)) => runs.push(report),
        }
    }
    let reports = runs;
    let results: Vec<VariantResult> = vars
        .iter()
        .zip(reports.chunks(seeds.len()))
        .map(|(v, runs)| summarise(v, runs))
        .collect();
    let duration_ms = plan.duration_ms.unwrap_or(base.run.duration_ms);
    let mut cmp = Comparison {
        compare_version: COMPARE_VERSION,
        project: base.name.clone(),
        seeds,
        duration_s: duration_ms as f64 / 1000.0,
        sweep: plan.sweep.as_ref().map(|s| s.path.clone()),
        focus,
        variants: results,
        cheapest: None,
        fastest: None,
        balanced: None,
        losing: Vec::new(),
    };
    mark(&mut cmp);
    Ok(cmp)
}

/// One seeded run of a variant to its project's duration. [`variants`] validated the
/// project, so compiling it does not fail; if it ever did, the variant says why.
fn run_one(variant: &Variant, seed: u64) -> Result<Report, CompareError> {
    let mut p = variant.project.clone();
    p.run.seed = seed;
    let mut sim =
        Simulation::new(&p, SimConfig::from_project(&p)).map_err(|e| CompareError::Invalid {
            variant: variant.label.clone(),
            errors: e.0.iter().map(Diagnostic::to_string).collect(),
        })?;
    sim.run_until(p.run.duration_ms.saturating_mul(1000));
    Ok(sim.report())
}

/// The node whose latency the table shows.
fn focus_node(base: &Project, plan: &Plan) -> Result<Option<String>, CompareError> {
    if let Some(f) = &plan.focus {
        return if base.graph.nodes.keys().any(|k| k.as_str() == f) {
            Ok(Some(f.clone()))
        } else {
            Err(CompareError::UnknownFocus(f.clone()))
        };
    }
    let swept = plan
        .sweep
        .as_ref()
        .and_then(|s| s.subject(base))
        .filter(|id| base.graph.nodes.keys().any(|k| k.as_str() == *id));
    if let Some(id) = swept {
        return Ok(Some(id.to_owned()));
    }
    let client = base.graph.nodes.iter().find(|(_, n)| match n.kind {
        NodeKind::Client(_) => true,
        NodeKind::HttpApi(_)
        | NodeKind::Schedule(_)
        | NodeKind::Bucket(_)
        | NodeKind::Table(_)
        | NodeKind::Queue(_)
        | NodeKind::Topic(_)
        | NodeKind::Function(_) => false,
    });
    Ok(client.map(|(id, _)| id.as_str().to_owned()))
}

/// The metrics of one report, in a fixed order.
fn metrics_of(r: &Report) -> Vec<(String, f64)> {
    let l = &r.ledger;
    let pct = |a: u64| {
        if l.entered == 0 {
            0.0
        } else {
            a as f64 * 100.0 / l.entered as f64
        }
    };
    let mut m = vec![
        ("cost.total_usd".to_owned(), r.cost.total_usd),
        ("cost.per_day_usd".to_owned(), r.cost.per_day_usd),
        (
            "cost.per_million_requests_usd".to_owned(),
            r.cost.per_million_requests_usd,
        ),
        ("ledger.entered".to_owned(), l.entered as f64),
        ("ledger.completed".to_owned(), l.completed as f64),
        ("ledger.dead_lettered".to_owned(), l.dead_lettered as f64),
        ("ledger.dropped".to_owned(), l.dropped() as f64),
        ("ledger.throttled".to_owned(), l.throttled as f64),
        ("ledger.in_flight".to_owned(), l.in_flight as f64),
        ("ledger.throttled_percent".to_owned(), pct(l.throttled)),
        ("ledger.dropped_percent".to_owned(), pct(l.dropped())),
    ];
    for n in &r.nodes {
        let id = &n.id;
        m.push((format!("{id}.invocations"), n.invocations as f64));
        m.push((format!("{id}.errors"), n.errors as f64));
        m.push((format!("{id}.throttles"), n.throttles as f64));
        m.push((format!("{id}.cold_starts"), n.cold_starts as f64));
        m.push((format!("{id}.p50_ms"), n.latency.p50_ms));
        m.push((format!("{id}.p99_ms"), n.latency.p99_ms));
        m.push((format!("{id}.cost_per_day_usd"), n.cost_per_day_usd));
        if let Some(i) = &n.instances {
            m.push((format!("{id}.busy_mean"), i.busy_mean));
            m.push((format!("{id}.busy_max"), i.busy_max as f64));
        }
    }
    m
}

/// Mean and interval of every metric over a variant's runs (in seed order).
fn summarise(v: &Variant, runs: &[Report]) -> VariantResult {
    let per_run: Vec<Vec<(String, f64)>> = runs.iter().map(metrics_of).collect();
    let names: Vec<String> = per_run
        .first()
        .map(|m| m.iter().map(|(n, _)| n.clone()).collect())
        .unwrap_or_default();
    let metrics = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let samples: Vec<f64> = per_run
                .iter()
                .map(|m| m.get(i).map_or(f64::NAN, |(_, x)| *x))
                .collect();
            Metric {
                name: name.clone(),
                summary: Summary::of(&samples),
                samples,
            }
        })
        .collect();
    VariantResult {
        label: v.label.clone(),
        provider: v.provider.map(Provider::key),
        value: v.value.clone(),
        metrics,
        ledger_balanced: runs.iter().all(|r| r.ledger_balanced),
        notes: v.notes.clone(),
    }
}

/// Marks the cheapest, fastest and balanced variants (with two or more variants), among
/// those that lose no more work than the least lossy one (the others are `losing`).
fn mark(cmp: &mut Comparison) {
    if cmp.variants.len() < 2 {
        return;
    }
    let mean = |v: &VariantResult, name: &str| v.metric(name).map(|m| m.summary.mean);
    // Share of the entered requests dropped or dead-lettered.
    let lost: Vec<f64> = cmp
        .variants
        .iter()
        .map(|v| {
            let entered = mean(v, "ledger.entered").unwrap_or(0.0);
            let gone = mean(v, "ledger.dropped").unwrap_or(0.0)
                + mean(v, "ledger.dead_lettered").unwrap_or(0.0);
            if entered > 0.0 { gone / entered } else { 0.0 }
        })
        .collect();
    let least = lost.iter().copied().fold(f64::INFINITY, f64::min);
    cmp.losing = (0..lost.len())
        .filter(|&i| lost[i] > least + LOSS_TOLERANCE)
        .collect();
    let eligible = |i: usize, x: Option<f64>| x.filter(|_| !cmp.losing.contains(&i));
    let cost: Vec<Option<f64>> = cmp
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| eligible(i, mean(v, "cost.per_day_usd")))
        .collect();
    let p99_name = cmp.focus.as_ref().map(|f| format!("{f}.p99_ms"));
    let p99: Vec<Option<f64>> = cmp
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| eligible(i, p99_name.as_deref().and_then(|n| mean(v, n))))
        .collect();
    cmp.cheapest = argmin(&cost);
    cmp.fastest = argmin(&p99);
    let max = |xs: &[Option<f64>]| xs.iter().flatten().fold(0.0f64, |a, &b| a.max(b));
    let (max_c, max_l) = (max(&cost), max(&p99));
    if max_c > 0.0 && max_l > 0.0 {
        let score: Vec<Option<f64>> = cost
            .iter()
            .zip(&p99)
            .map(|(c, l)| Some(0.5 * (*c)? / max_c + 0.5 * (*l)? / max_l))
            .collect();
        cmp.balanced = argmin(&score);
    }
}

/// Index of the smallest finite value (the first of equals).
fn argmin(xs: &[Option<f64>]) -> Option<usize> {
    xs.iter()
        .enumerate()
        .filter_map(|(i, x)| x.filter(|v| v.is_finite()).map(|v| (i, v)))
        .fold(None, |best: Option<(usize, f64)>, (i, v)| match best {
            Some((_, b)) if b <= v => best,
            Some(_) | None => Some((i, v)),
        })
        .map(|(i, _)| i)
}
