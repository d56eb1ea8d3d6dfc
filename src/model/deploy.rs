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
        /// The alarm that rolls the canary back when it fires (CodeDeploy's alarm-based
        /// automatic rollback); without one the shift moves on by the clock alone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rollback_on_alarm: Option<String>,
    },
    /// The new version's share grows by `percent` every `every_ms` until it has everything.
    Linear {
        /// Step, percent.
        percent: f64,
        /// Step interval, ms.
        every_ms: u64,
        /// The alarm that rolls the shift back when it fires; without one it moves on by
        /// the clock alone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rollback_on_alarm: Option<String>,
    },
}

impl DeployStrategy {
    /// The alarm that rolls a gradual shift back, if one is named.
    pub fn rollback_on_alarm(&self) -> Option<&str> {
        match self {
            DeployStrategy::AllAtOnce => None,
            DeployStrategy::Canary {
                rollback_on_alarm, ..
            }
            | DeployStrategy::Linear {
                rollback_on_alarm, ..
            } => rollback_on_alarm.as_deref(),
        }
    }

    /// Short label for menus.
    pub fn label(&self) -> &'static str {
        match self {
            DeployStrategy::AllAtOnce => "all at once",
            DeployStrategy::Canary { .. } => "canary",
            DeployStrategy::Linear { .. } => "linear",
        }
    }
}
