//! A lean HDR histogram for latencies in µs.
//!
//! Same bucket layout and the same answers as `hdrhistogram::Histogram::<u64>::new(sigfig)`
//! (lowest discernible value 1, auto-resizing): every value lands in the same bucket, and
//! `len`, `value_at_quantile`, `mean`, `max`, `min_nz` and `count_between` compute what
//! hdrhistogram computes, bit for bit (a test below checks it against the crate). What it
//! drops is the generality the engine never used (counter types, lowest values above 1,
//! clamping modes, serialisation), which makes a record a handful of instructions instead
//! of a call: the engine records two values per request into two histograms each.

/// An HDR histogram with `2^MAG` sub-buckets per bucket (`MAG` 11: 3 significant digits,
/// `MAG` 8: 2 significant digits).
#[derive(Clone, Debug)]
pub struct LatencyHist<const MAG: u32> {
    counts: Vec<u64>,
    total: u64,
    /// Largest value recorded (0 when empty).
    max: u64,
    /// Smallest non-zero value recorded (`u64::MAX` when none).
    min_nz: u64,
}

/// Three significant digits: a run's latency distribution.
pub type Hist3 = LatencyHist<11>;
/// Two significant digits: one second's latency distribution.
pub type Hist2 = LatencyHist<8>;

impl<const MAG: u32> Default for LatencyHist<MAG> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const MAG: u32> LatencyHist<MAG> {
    const HALF_MAG: u32 = MAG - 1;
    const HALF: u64 = 1 << (MAG - 1);
    const SUB_MASK: u64 = (1 << MAG) - 1;

    /// An empty histogram covering values up to `2^MAG` (it grows as larger values come).
    pub fn new() -> Self {
        Self {
            counts: vec![0; 2 * Self::HALF as usize],
            total: 0,
            max: 0,
            min_nz: u64::MAX,
        }
    }

    /// The bucket (power of two) of `v`.
    #[inline(always)]
    fn bucket(v: u64) -> u32 {
        (64 - MAG) - (v | Self::SUB_MASK).leading_zeros()
    }

    /// The counts index of `v`.
    #[inline(always)]
    fn index(v: u64) -> usize {
        let b = Self::bucket(v);
        ((u64::from(b) << Self::HALF_MAG) + (v >> b)) as usize
    }

    /// The lowest value of the bucket at `index`.
    fn value_for(index: usize) -> u64 {
        let mut bucket = (index >> Self::HALF_MAG) as i64 - 1;
        let mut sub = (index as u64 & (Self::HALF - 1)) + Self::HALF;
        if bucket < 0 {
            sub -= Self::HALF;
            bucket = 0;
        }
        sub << bucket
    }

    /// The lowest value equivalent to `v` (in the same bucket).
    pub fn lowest_equivalent(v: u64) -> u64 {
        let b = Self::bucket(v);
        (v >> b) << b
    }

    /// The highest value equivalent to `v`.
    pub fn highest_equivalent(v: u64) -> u64 {
        if v == u64::MAX {
            return u64::MAX;
        }
        let b = Self::bucket(v);
        Self::lowest_equivalent(v).saturating_add(1 << b) - 1
    }

    fn median_equivalent(v: u64) -> u64 {
        let b = Self::bucket(v);
        Self::lowest_equivalent(v) + ((1u64 << b) >> 1)
    }

    /// Records one value.
    #[inline]
    pub fn record(&mut self, v: u64) {
        let i = Self::index(v);
        match self.counts.get_mut(i) {
            Some(c) => *c += 1,
            None => self.grow_and_record(v, i),
        }
        self.total += 1;
        self.max = self.max.max(v);
        if v != 0 {
            self.min_nz = self.min_nz.min(v);
        }
    }

    /// Records every value of `values` here and in `other` (another resolution): the same
    /// result as recording them one by one in each, with the extremes found in one pass, the
    /// counts grown at most once, and then only two increments per value.
    pub fn record_all_with<const M: u32>(&mut self, other: &mut LatencyHist<M>, values: &[u64]) {
        if values.is_empty() {
            return;
        }
        let (mut hi, mut lo_less_one) = (0u64, u64::MAX);
        for &v in values {
            hi = hi.max(v);
            lo_less_one = lo_less_one.min(v.wrapping_sub(1));
        }
        let top = Self::index(hi);
        if top >= self.counts.len() {
            self.grow(hi, top);
        }
        let other_top = LatencyHist::<M>::index(hi);
        if other_top >= other.counts.len() {
            other.grow(hi, other_top);
        }
        for &v in values {
            self.counts[Self::index(v)] += 1;
            other.counts[LatencyHist::<M>::index(v)] += 1;
        }
        for (total, max, min_nz) in [
            (&mut self.total, &mut self.max, &mut self.min_nz),
            (&mut other.total, &mut other.max, &mut other.min_nz),
        ] {
            *total += values.len() as u64;
            *max = (*max).max(hi);
            if lo_less_one != u64::MAX {
                *min_nz = (*min_nz).min(lo_less_one + 1);
            }
        }
    }

    /// Grows the counts to cover `v` the way hdrhistogram's auto-resize does (so clamping in
    /// `count_between` matches), then counts it.
    #[cold]
    fn grow_and_record(&mut self, v: u64, i: usize) {
        self.grow(v, i);
        self.counts[i] += 1;
    }

    /// Grows the counts to cover `v` (at index `i`) the way hdrhistogram's auto-resize does.
    #[cold]
    fn grow(&mut self, v: u64, i: usize) {
        let mut untrackable = 1u64 << MAG;
        let mut buckets: u64 = 1;
        while untrackable <= v {
            if untrackable > u64::MAX / 2 {
                buckets += 1;
                break;
            }
            untrackable <<= 1;
            buckets += 1;
        }
        let len = ((buckets + 1) * Self::HALF) as usize;
        self.counts.resize(len.max(i + 1), 0);
    }

    /// Values recorded.
    #[inline]
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether nothing was recorded.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Forgets every value (keeps the memory).
    pub fn reset(&mut self) {
        if self.total > 0 {
            let hi = Self::index(self.max).min(self.counts.len() - 1);
            let lo = Self::index(self.min_nz.min(self.max)).min(hi);
            self.counts[0] = 0; // zeros, if any were recorded
            self.counts[lo..=hi].fill(0);
        }
        self.total = 0;
        self.max = 0;
        self.min_nz = u64::MAX;
    }

    /// The value at `quantile` (0–1): the highest value equivalent to the smallest recorded
    /// value with at least that fraction of values at or below it.
    pub fn value_at_quantile(&self, quantile: f64) -> u64 {
        self.values_at_quantiles([quantile])[0]
    }

    /// [`LatencyHist::value_at_quantile`] of each of `quantiles` (in ascending order), in
    /// one pass over the counts.
    pub fn values_at_quantiles<const N: usize>(&self, quantiles: [f64; N]) -> [u64; N] {
        let mut out = [0u64; N];
        let ranks = quantiles.map(|q| {
            let q = if q > 1.0 { 1.0 } else { q };
            ((q * self.total as f64).ceil() as u64).max(1)
        });
        // Start at the smallest value recorded: every count below it is zero (index 0 holds
        // zeros only).
        let start = if self.min_nz == u64::MAX || self.counts[0] > 0 {
            0
        } else {
            Self::index(self.min_nz)
        };
        // The counts are walked once: each quantile resumes where the previous one stopped.
        let counts = &self.counts[..];
        let mut i = start;
        let mut acc = 0u64;
        for (j, &rank) in ranks.iter().enumerate() {
            // Whole blocks of eight counts first (summed without a branch per count), then
            // one count at a time inside the block that reaches the rank.
            while let Some(block) = counts.get(i..i + 8) {
                let sum: u64 = block.iter().sum();
                if acc + sum >= rank {
                    break;
                }
                acc += sum;
                i += 8;
            }
            while acc < rank && i < counts.len() {
                acc += counts[i];
                i += 1;
            }
            if acc < rank {
                break; // fewer values than the rank: 0, as for an empty histogram
            }
            let v = Self::value_for(i - 1);
            out[j] = if quantiles[j] == 0.0 {
                Self::lowest_equivalent(v)
            } else {
                Self::highest_equivalent(v)
            };
        }
        out
    }

    /// Mean of the recorded values (each at the middle of its bucket).
    pub fn mean(&self) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let total = self.total as f64;
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c != 0)
            .fold(0.0_f64, |acc, (i, &c)| {
                acc + Self::median_equivalent(Self::highest_equivalent(Self::value_for(i))) as f64
                    * c as f64
                    / total
            })
    }

    /// Highest value recorded, to the histogram's resolution (0 when empty).
    pub fn max(&self) -> u64 {
        if self.max == 0 {
            0
        } else {
            Self::highest_equivalent(self.max)
        }
    }

    /// Lowest non-zero value recorded, to the histogram's resolution (`u64::MAX` when none).
    pub fn min_nz(&self) -> u64 {
        if self.min_nz == u64::MAX {
            u64::MAX
        } else {
            Self::lowest_equivalent(self.min_nz)
        }
    }

    /// Counts in steps of exponentially growing width, as hdrhistogram's `iter_log(first,
    /// base)` yields them: (highest value of the step, values counted since the previous step).
    pub fn log_buckets(&self, first: u64, base: f64) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        if first == 0 || base <= 1.0 {
            return out;
        }
        let last = self.counts.len() - 1;
        let max_index = Self::index(self.max());
        let mut next_level = first as f64;
        let mut highest = first - 1;
        let mut lowest = Self::lowest_equivalent(highest);
        let (mut since, mut picked, mut i, mut fresh) = (0u64, None, 0usize, true);
        while i < self.counts.len() {
            if picked >= Some(max_index) {
                if Self::lowest_equivalent(next_level as u64) >= Self::value_for(i) {
                    break;
                }
            } else if fresh {
                since = since.saturating_add(self.counts[i]);
                fresh = false;
            }
            if Self::value_for(i) >= lowest || i == last {
                out.push((highest, since));
                next_level *= base;
                highest = next_level as u64 - 1;
                lowest = Self::lowest_equivalent(highest);
                since = 0;
                picked = Some(i);
                continue; // the same index may close several steps
            }
            i += 1;
            fresh = true;
        }
        out
    }

    /// Values recorded between `low` and `high` (inclusive, to the resolution).
    pub fn count_between(&self, low: u64, high: u64) -> u64 {
        let last = self.counts.len() - 1;
        let lo = Self::index(low).min(last);
        let hi = Self::index(high).min(last);
        self.counts
            .get(lo..=hi)
            .map_or(0, |s| s.iter().fold(0u64, |t, v| t.saturating_add(*v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hdrhistogram::Histogram;
    use rand::{Rng, SeedableRng};

    #[test]
    fn record_all_with_equals_one_by_one() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(5);
        // The pair recorded together at two resolutions, against each recorded alone.
        let (mut pair3, mut pair2) = (LatencyHist::<11>::new(), LatencyHist::<8>::new());
        let (mut one, mut one2) = (LatencyHist::<11>::new(), LatencyHist::<8>::new());
        for round in 0..200 {
            // Batches with zeros, repeats and growing maxima (so the counts grow mid-way).
            let batch: Vec<u64> = (0..rng.random_range(0..50))
                .map(|_| match rng.random_range(0..4) {
                    0 => 0,
                    1 => rng.random_range(1..100),
                    _ => rng.random_range(1..=(1u64 << (round / 4 + 10))),
                })
                .collect();
            for &v in &batch {
                one.record(v);
                one2.record(v);
            }
            pair3.record_all_with(&mut pair2, &batch);
            assert_eq!(one.counts, pair3.counts);
            assert_eq!(one2.counts, pair2.counts);
            assert_eq!(
                (
                    one2.total,
                    one2.max,
                    one2.min_nz,
                    pair3.total,
                    pair3.max,
                    pair3.min_nz
                ),
                (
                    pair2.total,
                    pair2.max,
                    pair2.min_nz,
                    one.total,
                    one.max,
                    one.min_nz
                )
            );
            if round % 50 == 49 {
                one.reset();
                one2.reset();
                pair2.reset();
                pair3.reset();
            }
        }
    }

    fn check<const MAG: u32>(sigfig: u8, values: &[u64]) {
        let mut ours = LatencyHist::<MAG>::new();
        let mut theirs = Histogram::<u64>::new(sigfig).unwrap();
        for &v in values {
            ours.record(v);
            theirs.record(v).unwrap();
        }
        assert_eq!(ours.len(), theirs.len());
        assert_eq!(ours.is_empty(), theirs.is_empty());
        assert_eq!(ours.max(), theirs.max());
        assert_eq!(ours.min_nz(), theirs.min_nz());
        assert_eq!(ours.mean().to_bits(), theirs.mean().to_bits(), "mean");
        let qs = [0.0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0, 1.5];
        for q in qs {
            assert_eq!(
                ours.value_at_quantile(q),
                theirs.value_at_quantile(q),
                "q {q}"
            );
        }
        assert_eq!(
            ours.values_at_quantiles(qs),
            qs.map(|q| theirs.value_at_quantile(q)),
            "in one pass"
        );
        for (lo, hi) in [
            (0, 10),
            (5, 5_000),
            (1_000, 1_000_000),
            (0, u64::MAX / 4),
            (1 << 40, 1 << 41),
        ] {
            assert_eq!(
                ours.count_between(lo, hi),
                theirs.count_between(lo, hi),
                "{lo}..{hi}"
            );
        }
        if !values.is_empty() {
            for (first, base) in [(100, 2.0), (1, 10.0), (1_000, 1.5)] {
                let want: Vec<(u64, u64)> = theirs
                    .iter_log(first, base)
                    .map(|v| (v.value_iterated_to(), v.count_since_last_iteration()))
                    .collect();
                assert_eq!(
                    ours.log_buckets(first, base),
                    want,
                    "iter_log({first}, {base})"
                );
            }
        }
        for &v in values.iter().take(50) {
            assert_eq!(
                LatencyHist::<MAG>::highest_equivalent(v),
                theirs.highest_equivalent(v)
            );
            assert_eq!(
                LatencyHist::<MAG>::lowest_equivalent(v),
                theirs.lowest_equivalent(v)
            );
        }
    }

    #[test]
    fn answers_like_hdrhistogram() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        for round in 0..40 {
            let n = [0, 1, 7, 1_000, 20_000][round % 5];
            let scale = [10u64, 3_000, 200_000, 86_400_000_000][round % 4];
            let values: Vec<u64> = (0..n)
                .map(|_| {
                    let u: f64 = rng.random();
                    ((-(1.0 - u).ln()) * scale as f64) as u64 + (round as u64 % 3)
                })
                .collect();
            check::<11>(3, &values);
            check::<8>(2, &values);
        }
    }

    #[test]
    fn reset_forgets() {
        let mut h = Hist2::new();
        for v in [0, 1, 500, 70_000, 3_000_000] {
            h.record(v);
        }
        h.reset();
        assert!(h.is_empty());
        assert_eq!(h.count_between(0, u64::MAX / 4), 0);
        h.record(42);
        assert_eq!(h.value_at_quantile(0.5), 42);
        assert_eq!(h.max(), 42);
    }
}
