//! Duration distributions for cold starts, execution times and notification delays.

use serde::{Deserialize, Serialize};

/// A distribution of durations, in milliseconds.
///
/// Parameters are chosen so a user can read them: a lognormal is given by its median and
/// the spread (sigma) of the underlying normal, not by µ.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Distribution {
    /// Always the same value.
    Constant {
        /// The duration, ms.
        ms: f64,
    },
    /// Memoryless: many short values, a long tail.
    Exponential {
        /// Mean duration, ms.
        mean_ms: f64,
    },
    /// Right-skewed, the usual shape of real latencies.
    LogNormal {
        /// Median duration, ms.
        median_ms: f64,
        /// Standard deviation of the underlying normal (0.1 narrow … 1.5 very wide).
        sigma: f64,
    },
    /// Any value between two bounds, equally likely.
    Uniform {
        /// Smallest duration, ms.
        min_ms: f64,
        /// Largest duration, ms.
        max_ms: f64,
    },
    /// Drawn uniformly from measured samples.
    Empirical {
        /// Measured durations, ms.
        samples_ms: Vec<f64>,
    },
}

/// The shape of a distribution, without its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// [`Distribution::Constant`].
    Constant,
    /// [`Distribution::Exponential`].
    Exponential,
    /// [`Distribution::LogNormal`].
    LogNormal,
    /// [`Distribution::Uniform`].
    Uniform,
    /// [`Distribution::Empirical`].
    Empirical,
}

impl Shape {
    /// Every shape, in menu order.
    pub const ALL: [Shape; 5] = [
        Shape::Constant,
        Shape::Exponential,
        Shape::LogNormal,
        Shape::Uniform,
        Shape::Empirical,
    ];

    /// Short name for menus and summaries.
    pub fn label(self) -> &'static str {
        match self {
            Shape::Constant => "constant",
            Shape::Exponential => "exponential",
            Shape::LogNormal => "lognormal",
            Shape::Uniform => "uniform",
            Shape::Empirical => "empirical",
        }
    }

    /// What the shape is like, in one sentence.
    pub fn description(self) -> &'static str {
        match self {
            Shape::Constant => "Always the same value",
            Shape::Exponential => "Memoryless: many short values, a long tail",
            Shape::LogNormal => "Right-skewed, the usual shape of real latencies",
            Shape::Uniform => "Any value between two bounds, equally likely",
            Shape::Empirical => "Drawn uniformly from measured samples",
        }
    }
}

impl Distribution {
    /// Its shape.
    pub fn shape(&self) -> Shape {
        match self {
            Distribution::Constant { .. } => Shape::Constant,
            Distribution::Exponential { .. } => Shape::Exponential,
            Distribution::LogNormal { .. } => Shape::LogNormal,
            Distribution::Uniform { .. } => Shape::Uniform,
            Distribution::Empirical { .. } => Shape::Empirical,
        }
    }

    /// Short name for menus and summaries.
    pub fn label(&self) -> &'static str {
        self.shape().label()
    }

    /// The distribution of shape `to` with the same mean (a lognormal gets σ 0.5, a uniform
    /// ±50 %, an empirical one sample).
    pub fn reshaped(&self, to: Shape) -> Distribution {
        let m = self.mean_ms();
        match to {
            Shape::Constant => Distribution::Constant { ms: m },
            Shape::Exponential => Distribution::Exponential { mean_ms: m },
            Shape::LogNormal => Distribution::LogNormal {
                median_ms: m,
                sigma: 0.5,
            },
            Shape::Uniform => Distribution::Uniform {
                min_ms: m * 0.5,
                max_ms: m * 1.5,
            },
            Shape::Empirical => Distribution::Empirical {
                samples_ms: vec![m],
            },
        }
    }

    /// The mean of the distribution in ms (used by lints and theory checks).
    pub fn mean_ms(&self) -> f64 {
        match self {
            Distribution::Constant { ms } => *ms,
            Distribution::Exponential { mean_ms } => *mean_ms,
            Distribution::LogNormal { median_ms, sigma } => median_ms * (sigma * sigma / 2.0).exp(),
            Distribution::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            Distribution::Empirical { samples_ms } => {
                if samples_ms.is_empty() {
                    0.0
                } else {
                    samples_ms.iter().sum::<f64>() / samples_ms.len() as f64
                }
            }
        }
    }

    /// Why the parameters are unusable, or `None` when they are fine.
    pub fn problem(&self) -> Option<String> {
        let bad = |v: f64| !(v.is_finite() && Self::MS.contains(&v));
        match self {
            Distribution::Constant { ms } if bad(*ms) => Some(range_msg("ms", *ms)),
            Distribution::Exponential { mean_ms } if bad(*mean_ms) => {
                Some(range_msg("mean_ms", *mean_ms))
            }
            Distribution::LogNormal { median_ms, .. } if bad(*median_ms) => {
                Some(range_msg("median_ms", *median_ms))
            }
            Distribution::LogNormal { sigma, .. }
                if !(sigma.is_finite() && Self::SIGMA.contains(sigma)) =>
            {
                Some(format!(
                    "sigma must be between {} and {} (got {sigma})",
                    Self::SIGMA.start(),
                    Self::SIGMA.end()
                ))
            }
            Distribution::Uniform { min_ms, max_ms } if bad(*min_ms) || bad(*max_ms) => {
                Some(range_msg(
                    "min_ms/max_ms",
                    if bad(*min_ms) { *min_ms } else { *max_ms },
                ))
            }
            Distribution::Uniform { min_ms, max_ms } if min_ms > max_ms => Some(format!(
                "min_ms ({min_ms}) is larger than max_ms ({max_ms})"
            )),
            Distribution::Empirical { samples_ms } if samples_ms.is_empty() => {
                Some("an empirical distribution needs at least one sample".to_owned())
            }
            Distribution::Empirical { samples_ms } => samples_ms
                .iter()
                .find(|v| bad(**v))
                .map(|v| range_msg("samples_ms", *v)),
            Distribution::Constant { .. }
            | Distribution::Exponential { .. }
            | Distribution::LogNormal { .. }
            | Distribution::Uniform { .. } => None,
        }
    }
}

/// Longest duration a distribution parameter may have: one day, in ms.
pub const MAX_DURATION_MS: f64 = 86_400_000.0;

fn range_msg(field: &str, v: f64) -> String {
    format!("{field} must be a number of milliseconds between 0 and {MAX_DURATION_MS} (got {v})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_can_become_every_other_keeping_its_mean() {
        for from in Shape::ALL {
            let d = Distribution::Constant { ms: 120.0 }.reshaped(from);
            assert_eq!(d.shape(), from);
            for to in Shape::ALL {
                let r = d.reshaped(to);
                assert_eq!(r.shape(), to, "{from:?} → {to:?}");
                assert_eq!(r.label(), to.label());
                // A lognormal is given by its median: the mean of what it came from.
                let kept = match &r {
                    Distribution::LogNormal { median_ms, .. } => *median_ms,
                    Distribution::Constant { .. }
                    | Distribution::Exponential { .. }
                    | Distribution::Uniform { .. }
                    | Distribution::Empirical { .. } => r.mean_ms(),
                };
                assert!(
                    (kept - d.mean_ms()).abs() < 1e-9,
                    "{from:?} → {to:?}: {r:?}"
                );
                assert!(r.problem().is_none(), "{from:?} → {to:?}: {r:?}");
            }
        }
    }

    #[test]
    fn means() {
        assert_eq!(Distribution::Constant { ms: 5.0 }.mean_ms(), 5.0);
        assert_eq!(
            Distribution::Uniform {
                min_ms: 2.0,
                max_ms: 4.0
            }
            .mean_ms(),
            3.0
        );
        let ln = Distribution::LogNormal {
            median_ms: 100.0,
            sigma: 0.0,
        };
        assert_eq!(ln.mean_ms(), 100.0);
    }

    #[test]
    fn problems() {
        assert!(Distribution::Constant { ms: f64::NAN }.problem().is_some());
        assert!(Distribution::Constant { ms: -1.0 }.problem().is_some());
        assert!(
            Distribution::Uniform {
                min_ms: 5.0,
                max_ms: 1.0
            }
            .problem()
            .is_some()
        );
        assert!(
            Distribution::Empirical { samples_ms: vec![] }
                .problem()
                .is_some()
        );
        assert!(
            Distribution::LogNormal {
                median_ms: 10.0,
                sigma: 9.0
            }
            .problem()
            .is_some()
        );
        assert!(
            Distribution::Exponential { mean_ms: 10.0 }
                .problem()
                .is_none()
        );
    }
}
