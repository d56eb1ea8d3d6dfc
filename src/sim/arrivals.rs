//! Arrival processes: when a client's next request arrives.
//!
//! Time-varying rates (bursts, steps, traces) are piecewise constant, so the next arrival is
//! drawn exactly: an exponential gap at the current rate, restarted at each rate change
//! (memorylessness makes this exact). The diurnal curve uses thinning against its peak rate.
//! A spike puts many requests on one instant.

use super::rng::{SimRng, exp1};
use super::time::{SEC, Time, from_ms};
use crate::model::Arrival;
use rand::Rng;

/// The compiled arrival process of one client, with the exact time of its last arrival.
///
/// Arrivals happen at real-valued instants; the engine's clock counts whole µs, so an
/// arrival is served at the µs it falls in, and several may fall in the same one. The
/// fractional part is kept between arrivals, so gaps are never rounded or stretched to a
/// µs: counts are unbiased at every rate up to [`crate::model::MAX_RATE_PER_S`].
#[derive(Clone, Debug)]
pub struct Arrivals {
    arrival: Arrival,
    /// For a Poisson process with a positive rate, its mean gap, µs (the common case,
    /// drawn without the search for rate changes).
    poisson_mean_gap: Option<f64>,
    /// Whole µs of the last arrival (or of the start).
    base: Time,
    /// Fraction of a µs past `base`, in [0, 1).
    frac: f64,
    /// Requests of the current spike still to arrive (spikes only).
    spike_left: u64,
    /// When the process began (a spike's `at_ms` counts from here).
    start: Time,
}

impl Arrivals {
    /// Compiles an arrival process starting at `start` (its first arrival comes after).
    pub fn new(arrival: &Arrival, start: Time) -> Self {
        let poisson_mean_gap = match arrival {
            Arrival::Poisson { rate_per_s } if *rate_per_s > 0.0 => Some(SEC as f64 / rate_per_s),
            Arrival::Poisson { .. }
            | Arrival::Constant { .. }
            | Arrival::Bursts { .. }
            | Arrival::Diurnal { .. }
            | Arrival::Steps { .. }
            | Arrival::Trace { .. }
            | Arrival::Spike { .. } => None,
        };
        Self {
            arrival: arrival.clone(),
            poisson_mean_gap,
            base: start,
            frac: 0.0,
            spike_left: 0,
            start,
        }
    }

    /// Moves the exact position on by `gap` µs and returns the µs the arrival is served
    /// at: the first whole µs at or after it, so a run to time `t` has seen exactly the
    /// arrivals up to `t`.
    #[inline(always)]
    fn advance(&mut self, gap: f64) -> Time {
        // `frac` stays below 1 and gaps below 2^63 µs, so the sum converts exactly enough;
        // through i64: one conversion instruction where u64 needs several.
        let pos = self.frac + gap.clamp(0.0, 9.0e18);
        let whole = pos as i64;
        self.frac = pos - whole as f64;
        self.base = self.base.saturating_add(whole as Time);
        self.base + Time::from(self.frac > 0.0)
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
            Arrival::Spike { .. } => (0.0, None),
        }
    }

    fn diurnal_rate(&self, t: f64) -> f64 {
        match &self.arrival {
            Arrival::Diurnal {
                mean_rate_per_s,
                amplitude,
                period_ms,
                peak_at_ms,
            } => {
                let period = from_ms(*period_ms).max(SEC) as f64;
                let phase = (t - from_ms(*peak_at_ms) as f64) / period * std::f64::consts::TAU;
                (mean_rate_per_s * (1.0 + amplitude * phase.cos())).max(0.0)
            }
            Arrival::Constant { .. }
            | Arrival::Poisson { .. }
            | Arrival::Bursts { .. }
            | Arrival::Steps { .. }
            | Arrival::Trace { .. }
            | Arrival::Spike { .. } => 0.0,
        }
    }

    /// The time of the next arrival (the µs it falls in; it may equal the previous one), or
    /// `None` if none will ever come.
    #[inline(always)]
    pub fn next(&mut self, rng: &mut SimRng) -> Option<Time> {
        if let Some(mean_gap) = self.poisson_mean_gap {
            let gap = exp1(rng) * mean_gap;
            return Some(self.advance(gap));
        }
        self.next_varying(rng)
    }

    /// [`Arrivals::next`] for every process but a Poisson one with a positive rate.
    #[inline(never)]
    fn next_varying(&mut self, rng: &mut SimRng) -> Option<Time> {
        match self.arrival {
            Arrival::Poisson { .. } => return None, // a rate of 0 (or NaN): nothing arrives
            Arrival::Constant { rate_per_s } => {
                if rate_per_s.is_nan() || rate_per_s <= 0.0 {
                    return None;
                }
                return Some(self.advance(SEC as f64 / rate_per_s));
            }
            Arrival::Spike {
                count,
                at_ms,
                every_ms,
            } => return self.next_spike(count, at_ms, every_ms),
            Arrival::Bursts { .. }
            | Arrival::Diurnal { .. }
            | Arrival::Steps { .. }
            | Arrival::Trace { .. } => {}
        }
        let is_diurnal = matches!(self.arrival, Arrival::Diurnal { .. });
        // Position relative to `base`, µs (exact: rate changes fall on whole µs).
        let origin = self.base;
        let mut pos = self.frac;
        // Bounded: each round either returns or moves to a rate change; a trace of years of
        // zero minutes is skipped a minute at a time, so cap the rounds.
        for _ in 0..1_000_000 {
            let t = origin.saturating_add(pos as Time);
            let (rate, until) = self.rate_at(t);
            let until_rel = until.map(|u| u.saturating_sub(origin) as f64);
            if rate.is_nan() || rate <= 0.0 {
                pos = until_rel?;
                continue;
            }
            let candidate = pos + exp1(rng) / rate * SEC as f64;
            match until_rel {
                Some(end) if candidate >= end => pos = end,
                _ => {
                    if is_diurnal {
                        let accept = self.diurnal_rate(origin as f64 + candidate) / rate;
                        if rng.random::<f64>() >= accept {
                            pos = candidate;
                            continue;
                        }
                    }
                    self.frac = 0.0;
                    return Some(self.advance(candidate));
                }
            }
        }
        None
    }

    /// The next request of a spike workload: `count` at `at_ms` after the process began,
    /// again every `every_ms`.
    fn next_spike(&mut self, count: u64, at_ms: u64, every_ms: Option<u64>) -> Option<Time> {
        if count == 0 {
            return None;
        }
        if self.spike_left == 0 {
            let first = self.start.saturating_add(from_ms(at_ms));
            let next = if self.base < first || (self.base == first && self.frac == 0.0) {
                // Before the first spike (a run starting at it gets it whole).
                first.max(self.base)
            } else {
                let every = from_ms(every_ms?).max(1);
                let since = self.base - first;
                first + (since / every + 1) * every
            };
            self.base = next;
            // The position is now inside this spike: `frac` marks it as taken.
            self.frac = 0.5;
            self.spike_left = count;
        }
        self.spike_left -= 1;
        Some(self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RateStep;
    use crate::sim::rng::{Stream, stream};

    fn count(a: &Arrival, until: Time) -> usize {
        let mut arr = Arrivals::new(a, 0);
        let mut rng = stream(1, "c", Stream::Behaviour);
        let mut n = 0;
        while let Some(next) = arr.next(&mut rng) {
            if next > until {
                break;
            }
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
