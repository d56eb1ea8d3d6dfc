//! Workloads: how traffic arrives at a client source over time.

use serde::{Deserialize, Serialize};

/// An arrival process. Rates are events per second of virtual time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Arrival {
    /// Evenly spaced arrivals.
    Constant {
        /// Events per second.
        rate_per_s: f64,
    },
    /// Independent random arrivals (exponential gaps).
    Poisson {
        /// Mean events per second.
        rate_per_s: f64,
    },
    /// A base rate with periodic spikes (Poisson within each phase).
    Bursts {
        /// Rate between bursts, events per second.
        base_rate_per_s: f64,
        /// Rate during a burst, events per second.
        burst_rate_per_s: f64,
        /// Time from the start of one burst to the next, ms.
        every_ms: u64,
        /// Length of each burst, ms.
        length_ms: u64,
    },
    /// A day-shaped sine curve (Poisson at the current rate).
    Diurnal {
        /// Mean events per second over a period.
        mean_rate_per_s: f64,
        /// Relative swing around the mean, 0–1 (0.8: from 20 % to 180 % of the mean).
        amplitude: f64,
        /// Period, ms (a day by default).
        period_ms: u64,
        /// When in the period the peak falls, ms from the start.
        peak_at_ms: u64,
    },
    /// Piecewise-constant Poisson rate: each step sets the rate from its time on.
    Steps {
        /// Steps in time order; before the first, the rate is 0.
        steps: Vec<RateStep>,
    },
    /// Replays a recorded trace of invocations per minute (imported from CSV), Poisson within
    /// each minute; after the last minute it starts again when `repeat` is set.
    Trace {
        /// Invocations in each minute.
        per_minute: Vec<u64>,
        /// Loop the trace when it ends.
        repeat: bool,
    },
    /// `count` requests at one instant (a flash crowd, a batch job fanning out), optionally
    /// repeated: "10,000 requests at once".
    Spike {
        /// Requests arriving together, at most [`MAX_SPIKE`].
        count: u64,
        /// When, ms after the workload begins (the run's start, or when it is set live).
        at_ms: u64,
        /// Again every this many ms; `None`: once.
        every_ms: Option<u64>,
    },
}

/// Most requests one spike may hold.
pub const MAX_SPIKE: u64 = 10_000_000;

/// One step of a [`Arrival::Steps`] workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateStep {
    /// When this rate begins, ms since the start.
    pub at_ms: u64,
    /// Events per second from then on.
    pub rate_per_s: f64,
}

/// Highest rate any workload may ask for, events per second.
pub const MAX_RATE_PER_S: f64 = 10_000_000.0;

impl Arrival {
    /// Short name for menus.
    pub fn label(&self) -> &'static str {
        match self {
            Arrival::Constant { .. } => "constant",
            Arrival::Poisson { .. } => "Poisson",
            Arrival::Bursts { .. } => "bursts",
            Arrival::Diurnal { .. } => "diurnal",
            Arrival::Steps { .. } => "steps",
            Arrival::Trace { .. } => "trace replay",
            Arrival::Spike { .. } => "spike",
        }
    }

    /// Mean rate over a long run, events per second (for cost projections and lints).
    pub fn mean_rate_per_s(&self) -> f64 {
        match self {
            Arrival::Constant { rate_per_s } | Arrival::Poisson { rate_per_s } => *rate_per_s,
            Arrival::Bursts {
                base_rate_per_s,
                burst_rate_per_s,
                every_ms,
                length_ms,
            } => {
                if *every_ms == 0 {
                    return *burst_rate_per_s;
                }
                let f = (*length_ms as f64 / *every_ms as f64).min(1.0);
                burst_rate_per_s * f + base_rate_per_s * (1.0 - f)
            }
            Arrival::Diurnal {
                mean_rate_per_s, ..
            } => *mean_rate_per_s,
            Arrival::Steps { steps } => steps.last().map_or(0.0, |s| s.rate_per_s),
            Arrival::Trace { per_minute, .. } => {
                if per_minute.is_empty() {
                    0.0
                } else {
                    per_minute.iter().map(|&c| c as f64).sum::<f64>()
                        / (per_minute.len() as f64 * 60.0)
                }
            }
            Arrival::Spike {
                count, every_ms, ..
            } => match every_ms {
                Some(every) if *every > 0 => *count as f64 * 1000.0 / *every as f64,
                Some(_) | None => 0.0,
            },
        }
    }

    /// Why the parameters are unusable, or `None` when they are fine.
    pub fn problem(&self) -> Option<String> {
        let rate_bad = |r: f64| !r.is_finite() || !Self::RATE_PER_S.contains(&r);
        let rate_msg = |name: &str, r: f64| {
            format!("{name} must be between 0 and {MAX_RATE_PER_S} events per second (got {r})")
        };
        match self {
            Arrival::Constant { rate_per_s } | Arrival::Poisson { rate_per_s } => {
                rate_bad(*rate_per_s).then(|| rate_msg("rate_per_s", *rate_per_s))
            }
            Arrival::Bursts {
                base_rate_per_s,
                burst_rate_per_s,
                every_ms,
                length_ms,
            } => {
                if rate_bad(*base_rate_per_s) {
                    Some(rate_msg("base_rate_per_s", *base_rate_per_s))
                } else if rate_bad(*burst_rate_per_s) {
                    Some(rate_msg("burst_rate_per_s", *burst_rate_per_s))
                } else if !Self::BURST_EVERY_MS.contains(every_ms) {
                    Some(format!(
                        "every_ms must be between 1 and {} (got {every_ms})",
                        Self::BURST_EVERY_MS.end()
                    ))
                } else if length_ms > every_ms {
                    Some(format!(
                        "length_ms ({length_ms}) is longer than every_ms ({every_ms})"
                    ))
                } else {
                    None
                }
            }
            Arrival::Diurnal {
                mean_rate_per_s,
                amplitude,
                period_ms,
                peak_at_ms,
            } => {
                if rate_bad(*mean_rate_per_s) {
                    Some(rate_msg("mean_rate_per_s", *mean_rate_per_s))
                } else if !(amplitude.is_finite() && Self::AMPLITUDE.contains(amplitude)) {
                    Some(format!(
                        "amplitude must be between 0 and 1 (got {amplitude})"
                    ))
                } else if !Self::PERIOD_MS.contains(period_ms) {
                    Some(format!(
                        "period_ms must be between 1000 and {} (got {period_ms})",
                        Self::PERIOD_MS.end()
                    ))
                } else if !Self::PEAK_AT_MS.contains(peak_at_ms) {
                    Some(format!(
                        "peak_at_ms must be at most {} (got {peak_at_ms})",
                        Self::PEAK_AT_MS.end()
                    ))
                } else {
                    None
                }
            }
            Arrival::Steps { steps } => {
                if let Some(s) = steps.iter().find(|s| rate_bad(s.rate_per_s)) {
                    Some(rate_msg("rate_per_s", s.rate_per_s))
                } else if steps.windows(2).any(|w| w[0].at_ms > w[1].at_ms) {
                    Some("steps must be in time order (at_ms increasing)".to_owned())
                } else {
                    None
                }
            }
            Arrival::Trace { per_minute, .. } => {
                let max = (MAX_RATE_PER_S * 60.0) as u64;
                per_minute
                    .iter()
                    .find(|&&c| c > max)
                    .map(|c| format!("a trace minute may hold at most {max} events (got {c})"))
            }
            Arrival::Spike {
                count, every_ms, ..
            } => {
                if *count > MAX_SPIKE {
                    Some(format!(
                        "a spike may hold at most {MAX_SPIKE} requests (got {count})"
                    ))
                } else if *every_ms == Some(0) {
                    Some("every_ms must be greater than 0 (or None for a single spike)".to_owned())
                } else {
                    None
                }
            }
        }
    }
}

/// Why a per-minute trace cannot be read from CSV.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TraceCsvError {
    /// A count below zero (or not finite).
    #[error("line {line}: count must be ≥ 0 (got {value})")]
    Negative {
        /// Line number, from 1.
        line: usize,
        /// The count.
        value: f64,
    },
    /// A line whose count is not a number.
    #[error("line {line}: expected a number, found {found:?}")]
    NotANumber {
        /// Line number, from 1.
        line: usize,
        /// What the line held.
        found: String,
    },
    /// No count at all.
    #[error("the trace has no counts")]
    Empty,
}

/// Parses a per-minute trace from CSV text: one count per line, or the last column of each
/// line; a first line that is not a number is taken as a header.
pub fn parse_trace_csv(text: &str) -> Result<Vec<u64>, TraceCsvError> {
    let mut counts = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let field = line
            .rsplit(',')
            .next()
            .unwrap_or(line)
            .trim()
            .trim_matches('"');
        match field.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => counts.push(v.round() as u64),
            Ok(v) => {
                return Err(TraceCsvError::Negative {
                    line: i + 1,
                    value: v,
                });
            }
            Err(_) if i == 0 => {} // header
            Err(_) => {
                return Err(TraceCsvError::NotANumber {
                    line: i + 1,
                    found: field.to_owned(),
                });
            }
        }
    }
    if counts.is_empty() {
        return Err(TraceCsvError::Empty);
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_header_and_columns() {
        let t = "minute,count\n0,10\n1,20\n\n2,30.4\n";
        assert_eq!(parse_trace_csv(t), Ok(vec![10, 20, 30]));
        assert!(parse_trace_csv("a\nb").is_err());
        assert!(parse_trace_csv("").is_err());
        assert!(parse_trace_csv("5\n-3").is_err());
    }

    #[test]
    fn mean_rates() {
        let b = Arrival::Bursts {
            base_rate_per_s: 10.0,
            burst_rate_per_s: 110.0,
            every_ms: 10_000,
            length_ms: 1_000,
        };
        assert!((b.mean_rate_per_s() - 20.0).abs() < 1e-9);
        let t = Arrival::Trace {
            per_minute: vec![60, 120],
            repeat: true,
        };
        assert!((t.mean_rate_per_s() - 1.5).abs() < 1e-9);
    }
}
