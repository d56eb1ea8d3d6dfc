//! Seeded random streams and samplers. Each node draws from its own streams, seeded from the
//! run seed and the node's id, so adding a node never changes the draws of the others.

use super::time::{Time, from_ms_f64};
use crate::model::Distribution;
use rand::{Rng, SeedableRng};
use rand_distr::Distribution as _;
use rand_pcg::Pcg64Mcg;

/// The random generator used everywhere in the engine.
pub type SimRng = Pcg64Mcg;

/// Which stream of a node.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    /// Arrivals, durations, errors, routing: the node's own behaviour.
    Behaviour = 1,
    /// Fault decisions (so injecting a fault does not shift the behaviour stream).
    Faults = 2,
    /// Trace sampling.
    Sampling = 3,
}

/// A generator for `stream` of the node with id `key`, under run `seed`.
pub fn stream(seed: u64, key: &str, stream: Stream) -> SimRng {
    // FNV-1a over the id: stable across platforms and releases (unlike std's hasher).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mixed = splitmix(splitmix(seed ^ h) ^ (stream as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    Pcg64Mcg::seed_from_u64(mixed)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A compiled [`Distribution`] that draws durations in µs.
#[derive(Clone, Debug)]
pub enum Sampler {
    /// Always this.
    Constant(Time),
    /// Exponential with this mean, µs.
    Exponential(f64),
    /// Lognormal.
    LogNormal(rand_distr::LogNormal<f64>),
    /// Uniform between two bounds, µs.
    Uniform(Time, Time),
    /// One of these, uniformly.
    Empirical(Vec<Time>),
}

impl Sampler {
    /// Compiles a distribution (validated parameters assumed; bad ones degrade to constants).
    pub fn new(d: &Distribution) -> Sampler {
        match d {
            Distribution::Constant { ms } => Sampler::Constant(from_ms_f64(*ms)),
            Distribution::Exponential { mean_ms } => {
                Sampler::Exponential(mean_ms.max(0.0) * 1000.0)
            }
            Distribution::LogNormal { median_ms, sigma } => {
                let mu = (median_ms.max(1e-9) * 1000.0).ln();
                match rand_distr::LogNormal::new(mu, sigma.clamp(0.0, 5.0)) {
                    Ok(ln) => Sampler::LogNormal(ln),
                    Err(_) => Sampler::Constant(from_ms_f64(*median_ms)),
                }
            }
            Distribution::Uniform { min_ms, max_ms } => {
                let (a, b) = (from_ms_f64(*min_ms), from_ms_f64(*max_ms));
                Sampler::Uniform(a.min(b), a.max(b))
            }
            Distribution::Empirical { samples_ms } if samples_ms.is_empty() => Sampler::Constant(0),
            Distribution::Empirical { samples_ms } => {
                Sampler::Empirical(samples_ms.iter().map(|v| from_ms_f64(*v)).collect())
            }
        }
    }

    /// One draw, µs (capped at a day).
    #[inline(always)]
    pub fn sample(&self, rng: &mut SimRng) -> Time {
        // Through i64 (a draw is capped far below 2^63 and never negative): one conversion
        // instruction, where u64 needs several. NaN becomes 0 either way.
        match self {
            Sampler::Constant(t) => *t,
            Sampler::Exponential(mean) => (mean * exp1(rng)).min(Self::CAP) as i64 as Time,
            // What `LogNormal::sample` computes, with the normal draw inline.
            Sampler::LogNormal(d) => {
                let z: f64 = rand_distr::StandardNormal.sample(rng);
                d.from_zscore(z).min(Self::CAP) as i64 as Time
            }
            Sampler::Uniform(..) | Sampler::Empirical(_) => self.sample_table(rng),
        }
    }

    /// Longest draw, µs: a day.
    const CAP: f64 = 86_400e6;

    /// [`Sampler::sample`] for the uniform and empirical distributions.
    #[inline(never)]
    fn sample_table(&self, rng: &mut SimRng) -> Time {
        match self {
            Sampler::Uniform(a, b) if a == b => *a,
            Sampler::Uniform(a, b) => rng.random_range(*a..=*b),
            Sampler::Empirical(v) => v[rng.random_range(0..v.len())],
            Sampler::Constant(_) | Sampler::Exponential(_) | Sampler::LogNormal(_) => {
                self.sample(rng)
            }
        }
    }
}

/// One draw of the exponential distribution with mean 1, by the ziggurat method
/// (`rand_distr::Exp1`): a table look-up and a comparison for almost every draw, where
/// inverting the CDF costs a logarithm.
#[inline(always)]
pub fn exp1(rng: &mut SimRng) -> f64 {
    rand_distr::Exp1.sample(rng)
}

/// Draws `true` with probability `p` (0–1); `p` of 0 or 1 draws nothing.
#[inline]
pub fn chance(rng: &mut SimRng, p: f64) -> bool {
    if p <= 0.0 {
        false
    } else if p >= 1.0 {
        true
    } else {
        rng.random::<f64>() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_of_other_nodes() {
        let mut a = stream(7, "resize", Stream::Behaviour);
        let mut b = stream(7, "resize", Stream::Behaviour);
        let mut c = stream(7, "resize", Stream::Faults);
        let (x, y, z): (u64, u64, u64) = (a.random(), b.random(), c.random());
        assert_eq!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn sampler_means() {
        let mut rng = stream(1, "x", Stream::Behaviour);
        let s = Sampler::new(&Distribution::LogNormal {
            median_ms: 100.0,
            sigma: 0.5,
        });
        let n = 200_000;
        let mean = (0..n).map(|_| s.sample(&mut rng) as f64).sum::<f64>() / n as f64;
        let expected = 100_000.0 * (0.125f64).exp();
        assert!((mean / expected - 1.0).abs() < 0.01, "{mean} vs {expected}");
        let e = Sampler::new(&Distribution::Exponential { mean_ms: 10.0 });
        let mean = (0..n).map(|_| e.sample(&mut rng) as f64).sum::<f64>() / n as f64;
        assert!((mean / 10_000.0 - 1.0).abs() < 0.01, "{mean}");
    }
}
