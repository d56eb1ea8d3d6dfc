//! Arrival processes: when a client's next request arrives.
//!
//! Time-varying rates (bursts, steps, traces) are piecewise constant, so the next arrival is
//! drawn exactly: an exponential gap at the current rate, restarted at each rate change
//! (memorylessness makes this exact). The diurnal curve uses thinning against its peak rate.

use super::rng::{SimRng, exp1};
use super::time::{SEC, Time, from_ms};
use crate::model::Arrival;
use rand::Rng;

/// The compiled arrival process of one client.
#[derive(Clone, Debug)]
pub struct Arrivals {
    arrival: Arrival,
    /// For a Poisson process with a positive rate, its mean gap, µs (the common case,
    /// drawn without the search for rate changes).
    poisson_mean_gap: Option<f64>,
}

impl Arrivals {
    /// Compiles an arrival process.
    pub fn new(arrival: &Arrival) -> Self {
        let poisson_mean_gap = match arrival {
            Arrival::Poisson { rate_per_s } if *rate_per_s > 0.0 => Some(SEC as f64 / rate_per_s),
            Arrival::Poisson { .. }
            | Arrival::Constant { .. }
            | Arrival::Bursts { .. }
            | Arrival::Diurnal { .. }
            | Arrival::Steps { .. }
            | Arrival::Trace { .. } => None,
        };
        Self {
            arrival: arrival.clone(),
            poisson_mean_gap,
        }
    }

    /// Rate per second in force at `t`, and until when it holds (`None`: forever).
    fn rate_at(&self, t: Time) -> (f64, Option<Time>) {
        match &self.arrival {
            Arrival::Constant { rate_per_s } | Arrival::Poisson { rate_per_s } => {
                (*rate_per_s, None)
            }
            Arrival::Bursts {
                base_rate_per_s,
                burst_rate_per_s,
                every_ms,
                length_ms,
            } => {
                let every = from_ms(*every_ms).max(1);
                let len = from_ms(*length_ms).min(every);
                let phase = t % every;
                let start = t - phase;
                if phase < len {
                    (*burst_rate_per_s, Some(start + len))
                } else {
                    (*base_rate_per_s, Some(start + every))
                }
            }
            Arrival::Diurnal {
                mean_rate_per_s,
                amplitude,
                ..
            } => (mean_rate_per_s * (1.0 + amplitude), None),
            Arrival::Steps { steps } => {
                let idx = steps.partition_point(|s| from_ms(s.at_ms) <= t);
                let rate = if idx == 0 {
                    0.0
                } else {
                    steps[idx - 1].rate_per_s
                };
                (rate, steps.get(idx).map(|s| from_ms(s.at_ms)))
            }
            Arrival::Trace { per_minute, repeat } => {
                if per_minute.is_empty() {
                    return (0.0, None);
                }
                let minute = (t / (60 * SEC)) as usize;
                let len = per_minute.len();
                if minute >= len && !repeat {
                    return (0.0, None);
                }
                let count = per_minute[minute % len];
                (count as f64 / 60.0, Some((minute as Time + 1) * 60 * SEC))
            }
        }
    }

    fn diurnal_rate(&self, t: Time) -> f64 {
        match &self.arrival {
            Arrival::Diurnal {
                mean_rate_per_s,
                amplitude,
                period_ms,
                peak_at_ms,
            } => {
                let period = from_ms(*period_ms).max(SEC) as f64;
                let phase =
                    (t as f64 - from_ms(*peak_at_ms) as f64) / period * std::f64::consts::TAU;
                (mean_rate_per_s * (1.0 + amplitude * phase.cos())).max(0.0)
            }
            Arrival::Constant { .. }
            | Arrival::Poisson { .. }
            | Arrival::Bursts { .. }
            | Arrival::Steps { .. }
            | Arrival::Trace { .. } => 0.0,
        }
    }

    /// The first arrival strictly after `now`, or `None` if none will ever come.
    #[inline]
    pub fn next(&self, now: Time, rng: &mut SimRng) -> Option<Time> {
        if let Some(mean_gap) = self.poisson_mean_gap {
            // Capped below 2^63 µs (292,000 years: never within a run) so the conversion
            // can go through i64, one instruction where u64 needs several.
            let gap = (exp1(rng) * mean_gap).clamp(1.0, 9.0e18);
            return Some(now.saturating_add(gap as i64 as Time).max(now + 1));
        }
        self.next_varying(now, rng)
    }

    /// [`Arrivals::next`] for every process but a Poisson one with a positive rate.
    #[inline(never)]
    fn next_varying(&self, now: Time, rng: &mut SimRng) -> Option<Time> {
        if let Arrival::Poisson { .. } = self.arrival {
            return None; // a rate of zero (or not a number): nothing ever arrives
        }
        if let Arrival::Constant { rate_per_s } = self.arrival {
            if rate_per_s.is_nan() || rate_per_s <= 0.0 {
                return None;
            }
            let gap = ((SEC as f64 / rate_per_s).round() as Time).max(1);
            return Some(now + gap);
        }
        let is_diurnal = matches!(self.arrival, Arrival::Diurnal { .. });
        let mut t = now;
        // Bounded: each round either returns or moves t to a rate change; a trace of years
        // of zero minutes is skipped a minute at a time, so cap the rounds.
        for _ in 0..1_000_000 {
            let (rate, until) = self.rate_at(t);
            if rate <= 0.0 {
                t = until?;
                continue;
            }
            let gap = (exp1(rng) / rate * SEC as f64).max(1.0);
            let candidate = t.saturating_add(gap as Time).max(t + 1);
            match until {
                Some(end) if candidate >= end => t = end,
                _ => {
                    if is_diurnal {
                        let accept = self.diurnal_rate(candidate) / rate;
                        if rng.random::<f64>() >= accept {
                            t = candidate;
                            continue;
                        }
                    }
                    return Some(candidate.max(now + 1));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RateStep;
    use crate::sim::rng::{Stream, stream};

    fn count(a: &Arrival, until: Time) -> usize {
        let arr = Arrivals::new(a);
        let mut rng = stream(1, "c", Stream::Behaviour);
        let (mut t, mut n) = (0, 0);
        while let Some(next) = arr.next(t, &mut rng) {
            if next > until {
                break;
            }
            t = next;
            n += 1;
        }
        n
    }

    #[test]
    fn constant_and_poisson_rates() {
        assert_eq!(
            count(&Arrival::Constant { rate_per_s: 10.0 }, 10 * SEC),
            100
        );
        let n = count(&Arrival::Poisson { rate_per_s: 100.0 }, 100 * SEC);
        assert!((9_700..10_300).contains(&n), "{n}");
        assert_eq!(count(&Arrival::Poisson { rate_per_s: 0.0 }, 100 * SEC), 0);
        let nan = Arrival::Poisson {
            rate_per_s: f64::NAN,
        };
        assert_eq!(count(&nan, 100 * SEC), 0);
    }

    #[test]
    fn steps_bursts_traces_diurnal() {
        let steps = Arrival::Steps {
            steps: vec![
                RateStep {
                    at_ms: 10_000,
                    rate_per_s: 100.0,
                },
                RateStep {
                    at_ms: 20_000,
                    rate_per_s: 0.0,
                },
            ],
        };
        let n = count(&steps, 60 * SEC);
        assert!((900..1100).contains(&n), "{n}");
        let bursts = Arrival::Bursts {
            base_rate_per_s: 0.0,
            burst_rate_per_s: 1000.0,
            every_ms: 10_000,
            length_ms: 1_000,
        };
        let n = count(&bursts, 100 * SEC);
        assert!((9_500..10_500).contains(&n), "{n}");
        let trace = Arrival::Trace {
            per_minute: vec![600, 0, 1200],
            repeat: false,
        };
        let n = count(&trace, 600 * SEC);
        assert!((1_700..1_900).contains(&n), "{n}");
        let diurnal = Arrival::Diurnal {
            mean_rate_per_s: 10.0,
            amplitude: 0.9,
            period_ms: 3_600_000,
            peak_at_ms: 0,
        };
        let n = count(&diurnal, 3_600 * SEC);
        assert!((35_000..37_000).contains(&n), "{n}");
    }
}
