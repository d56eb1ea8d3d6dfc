//! The project: everything one file holds.

use super::alarm::Alarm;
use super::expectation::Expectation;
use super::fault::Experiment;
use super::graph::Graph;
use super::ids::NodeId;
use super::lesson::Lesson;
use super::pricing::Pricing;
use super::provider::Provider;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole design: graph, run settings, expectations, experiments, prices and layout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Version of the file format this was read from / is written as (managed by `project`).
    pub format_version: u32,
    /// Title shown in the window and the example gallery.
    #[serde(default)]
    pub name: String,
    /// A paragraph on what the design shows.
    #[serde(default)]
    pub description: String,
    /// The provider every function runs on unless it names another (AWS, left out of files,
    /// by default).
    #[serde(default, skip_serializing_if = "Provider::is_aws")]
    pub provider: Provider,
    /// Nodes and edges.
    #[serde(default)]
    pub graph: Graph,
    /// Seed, duration and platform limits.
    #[serde(default)]
    pub run: RunSettings,
    /// Prices used for cost.
    #[serde(default)]
    pub pricing: Pricing,
    /// Assertions checked by `eventloom test`.
    #[serde(default)]
    pub expectations: Vec<Expectation>,
    /// Faults scheduled in time.
    #[serde(default)]
    pub experiments: Vec<Experiment>,
    /// Where nodes sit on the canvas.
    #[serde(default)]
    pub layout: Layout,
    /// Alarms on node metrics, evaluated once per period during a run. Absent from files
    /// without any, so they stay byte-identical.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<Alarm>,
    /// A guided lesson (examples), shown in the lesson panel and run by `eventloom lesson`.
    /// Absent from files without one, so they stay byte-identical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<Lesson>,
}

impl Default for Project {
    fn default() -> Self {
        Self {
            format_version: FORMAT_VERSION,
            name: "Untitled".to_owned(),
            description: String::new(),
            provider: Provider::Aws,
            graph: Graph::default(),
            run: RunSettings::default(),
            pricing: Pricing::default(),
            expectations: Vec::new(),
            experiments: Vec::new(),
            layout: Layout::default(),
            alarms: Vec::new(),
            lesson: None,
        }
    }
}

/// How a run is set up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunSettings {
    /// Seed of every random stream; the same seed gives the same run.
    pub seed: u64,
    /// Simulated length of a run, ms.
    pub duration_ms: u64,
    /// Concurrent executions allowed across all functions of the account (Lambda: 1,000).
    pub account_concurrency: u32,
    /// What the engine may hold in memory before the run stops with an error naming the
    /// node that grew fastest, MB (written to files only when changed from the default).
    #[serde(skip_serializing_if = "is_default_memory")]
    pub max_memory_mb: u64,
    /// API Gateway's throttle for the account in the Region, shared by every API: steady
    /// requests per second. Default 10,000.
    #[serde(skip_serializing_if = "is_default_api_rate")]
    pub api_rate_limit_rps: f64,
    /// API Gateway's account burst (token-bucket size), shared by every API. Default 5,000.
    #[serde(skip_serializing_if = "is_default_api_burst")]
    pub api_burst: u32,
    /// Cost per day is projected from the cost of this many most recent simulated seconds
    /// (10–3,600). Default 60.
    #[serde(skip_serializing_if = "is_default_cost_window")]
    pub cost_window_s: u32,
}

/// Default memory budget of a run, MB: generous for a desktop machine, far below what
/// would make one swap.
pub const DEFAULT_MAX_MEMORY_MB: u64 = 2_048;

fn is_default_memory(mb: &u64) -> bool {
    *mb == DEFAULT_MAX_MEMORY_MB
}

/// API Gateway's default account throttle, requests per second.
pub const API_ACCOUNT_RATE_RPS: f64 = 10_000.0;
/// API Gateway's default account burst.
pub const API_ACCOUNT_BURST: u32 = 5_000;
/// The default cost projection window, s.
pub const COST_WINDOW_S: u32 = 60;

fn is_default_api_rate(v: &f64) -> bool {
    *v == API_ACCOUNT_RATE_RPS
}
fn is_default_api_burst(n: &u32) -> bool {
    *n == API_ACCOUNT_BURST
}
fn is_default_cost_window(n: &u32) -> bool {
    *n == COST_WINDOW_S
}

impl Default for RunSettings {
    fn default() -> Self {
        Self {
            seed: 1,
            duration_ms: 600_000,
            account_concurrency: 1_000,
            max_memory_mb: DEFAULT_MAX_MEMORY_MB,
            api_rate_limit_rps: API_ACCOUNT_RATE_RPS,
            api_burst: API_ACCOUNT_BURST,
            cost_window_s: COST_WINDOW_S,
        }
    }
}

/// The version of the file format that this shape of [`Project`] is written as (the
/// `project` module migrates older files up to it).
pub const FORMAT_VERSION: u32 = 1;

/// Longest run the settings accept: 30 days, ms.
pub const MAX_RUN_MS: u64 = 30 * 24 * 3_600_000;

/// Canvas positions, kept apart from the graph so the engine never sees them.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Layout {
    /// Position of each node's top-left corner in canvas units.
    pub positions: BTreeMap<NodeId, Pos>,
}

/// A point on the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pos {
    /// Horizontal, growing to the right.
    pub x: f32,
    /// Vertical, growing downwards.
    pub y: f32,
}
