//! Deployment strategies for a new function version.

use serde::{Deserialize, Serialize};

/// How traffic moves to a new version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DeployStrategy {
    /// Every new request goes to the new version at once.
    AllAtOnce,
    /// `percent` of requests go to the new version for `after_ms`, then all of them.
    Canary {
        /// Share of traffic during the canary, percent.
        percent: f64,
        /// Length of the canary phase, ms.
        after_ms: u64,
    },
    /// The new version's share grows by `percent` every `every_ms` until it has everything.
    Linear {
        /// Step, percent.
        percent: f64,
        /// Step interval, ms.
        every_ms: u64,
    },
}

impl DeployStrategy {
    /// Short label for menus.
    pub fn label(&self) -> &'static str {
        match self {
            DeployStrategy::AllAtOnce => "all at once",
            DeployStrategy::Canary { .. } => "canary",
            DeployStrategy::Linear { .. } => "linear",
        }
    }
}
