//! Per-node metrics: counters, HDR histograms, time-averaged gauges and bounded per-second
//! time series.

use super::hist::{Hist2, Hist3};
use super::time::{SEC, Time};
use serde::Serialize;

/// Highest latency a histogram records, µs (longer values are clamped): one day.
const HIST_MAX: u64 = 86_400 * SEC;

/// Most latencies a node buffers before counting them (bounds the buffer at high rates).
const UNFLUSHED_MAX: usize = 4_096;

/// A value whose average over time is wanted (instances, queue depth).
#[derive(Clone, Debug, Default)]
pub struct Gauge {
    value: u64,
    since: Time,
    /// Integral of the value over time up to `since`, µs·units (exact: integer arithmetic).
    area: u128,
    max: u64,
}

impl Gauge {
    /// Sets the value from `now` on.
    #[inline]
    pub fn set(&mut self, now: Time, value: u64) {
        if value == self.value {
            // Nothing changes: the area of the running value is added when it does.
            return;
        }
        self.area += u128::from(self.value) * u128::from(now - self.since);
        self.since = now;
        self.value = value;
        self.max = self.max.max(value);
    }

    /// Current value.
    pub fn value(&self) -> u64 {
        self.value
    }

    /// Highest value seen.
    pub fn max(&self) -> u64 {
        self.max
    }

    /// Integral of the value over `[0, now]`, µs·units.
    pub fn area_until(&self, now: Time) -> u128 {
        self.area + u128::from(self.value) * u128::from(now.saturating_sub(self.since))
    }

    /// Mean over `[0, now]`.
    pub fn mean(&self, now: Time) -> f64 {
        if now == 0 {
            return self.value as f64;
        }
        let area = self.area + u128::from(self.value) * u128::from(now - self.since);
        area as f64 / now as f64
    }
}

/// Latency percentiles in ms.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Percentiles {
    /// Samples.
    pub count: u64,
    /// Mean, ms.
    pub mean_ms: f64,
    /// Median, ms.
    pub p50_ms: f64,
    /// 90th percentile, ms.
    pub p90_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// 99.9th percentile, ms.
    pub p999_ms: f64,
    /// Largest, ms.
    pub max_ms: f64,
}

/// Percentiles of a histogram of µs values.
pub fn percentiles(h: &Hist3) -> Percentiles {
    if h.is_empty() {
        return Percentiles::default();
    }
    let ms = |v: u64| round3(v as f64 / 1000.0);
    let [p50, p90, p99, p999] = h.values_at_quantiles([0.5, 0.9, 0.99, 0.999]);
    Percentiles {
        count: h.len(),
        mean_ms: round3(h.mean() / 1000.0),
        p50_ms: ms(p50),
        p90_ms: ms(p90),
        p99_ms: ms(p99),
        p999_ms: ms(p999),
        max_ms: ms(h.max()),
    }
}

/// Rounds to 3 decimals so reports are stable and readable.
pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// One point of a node's time series.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Point {
    /// Start of the interval, s.
    pub t_s: f64,
    /// Interval length, s (grows as old points are merged).
    pub width_s: f64,
    /// Requests received (invocations, messages sent, requests).
    pub invocations: u64,
    /// Finished successfully.
    pub completions: u64,
    /// Failed.
    pub errors: u64,
    /// Throttled or rate-limited.
    pub throttles: u64,
    /// Cold starts.
    pub cold_starts: u64,
    /// Median latency in the interval, ms.
    pub p50_ms: f64,
    /// 99th percentile latency in the interval, ms.
    pub p99_ms: f64,
    /// Busy instances (or in-flight messages) at the end of the interval.
    pub busy: u64,
    /// Idle instances at the end of the interval.
    pub idle: u64,
    /// Queue depth at the end of the interval.
    pub depth: u64,
    /// Cost accrued in the interval, $.
    pub cost_usd: f64,
}

impl Point {
    fn merge(&mut self, o: &Point) {
        self.width_s += o.width_s;
        self.invocations += o.invocations;
        self.completions += o.completions;
        self.errors += o.errors;
        self.throttles += o.throttles;
        self.cold_starts += o.cold_starts;
        self.p50_ms = self.p50_ms.max(o.p50_ms);
        self.p99_ms = self.p99_ms.max(o.p99_ms);
        self.busy = o.busy;
        self.idle = o.idle;
        self.depth = o.depth;
        self.cost_usd += o.cost_usd;
    }
}

/// Most points a series keeps; when full, neighbours are merged (halving the resolution),
/// so memory stays bounded however long the run.
pub const SERIES_CAPACITY: usize = 2_048;

/// A bounded time series.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Series {
    /// Points in time order.
    pub points: Vec<Point>,
    /// Seconds per point now.
    pub resolution_s: u64,
    #[serde(skip)]
    pending: Option<Point>,
}

impl Series {
    fn push(&mut self, p: Point) {
        if self.resolution_s == 0 {
            self.resolution_s = 1;
        }
        let p = match self.pending.take() {
            Some(mut acc) => {
                acc.merge(&p);
                acc
            }
            None => p,
        };
        if (p.width_s.round() as u64) < self.resolution_s {
            self.pending = Some(p);
            return;
        }
        self.points.push(p);
        if self.points.len() >= SERIES_CAPACITY {
            let merged: Vec<Point> = self
                .points
                .chunks(2)
                .map(|c| {
                    let mut a = c[0].clone();
                    if let Some(b) = c.get(1) {
                        a.merge(b);
                    }
                    a
                })
                .collect();
            self.points = merged;
            self.resolution_s *= 2;
        }
    }
}

/// Counts for one deployed version of a function.
#[derive(Clone, Debug, Default, Serialize)]
pub struct VersionStats {
    /// Version number.
    pub version: u32,
    /// Invocations started on this version.
    pub invocations: u64,
    /// Failed invocations.
    pub errors: u64,
    /// Total execution time of finished invocations, µs.
    pub duration_us: u64,
}

/// Everything measured about one node.
#[derive(Clone, Debug)]
pub struct NodeStats {
    /// Requests received: invocations (functions), requests (APIs), messages (queues, topics), writes (stores), events emitted (sources).
    pub invocations: u64,
    /// Finished successfully.
    pub completions: u64,
    /// Failed (function error, timeout, 5xx).
    pub errors: u64,
    /// Throttled (429, concurrency or scaling limit) or rate-limited.
    pub throttles: u64,
    /// Retries made (async retries, redeliveries).
    pub retries: u64,
    /// Invocations stopped by their timeout (also counted in errors).
    pub timeouts: u64,
    /// Invocations that waited for a new environment.
    pub cold_starts: u64,
    /// Messages this node sent to a dead-letter queue or failure destination.
    pub dead_lettered: u64,
    /// Messages dropped here (expired, discarded after failing, lost on an outgoing edge).
    pub dropped: u64,
    /// Events recursive loop detection stopped before they invoked this function.
    pub loop_stopped: u64,
    /// Requests sent and still waiting for their answer (clients), or received and not
    /// answered yet (APIs).
    pub in_flight: u64,
    /// Execution duration (functions) or end-to-end latency (APIs, clients), µs. Histograms
    /// grow only to the largest value recorded, so nodes that never record a latency (queues,
    /// stores) cost almost nothing (one sized for a day up front took ≈ 260 kB per node).
    pub latency: Hist3,
    /// Busy instances (functions) or in-flight messages (queues).
    pub busy: Gauge,
    /// Idle (warm) instances.
    pub idle: Gauge,
    /// Messages waiting (queues).
    pub depth: Gauge,
    /// Oldest message age seen when received, µs.
    pub max_age: Time,
    /// Cost accrued, $ (usage and provisioned concurrency).
    pub cost_usd: f64,
    /// Of which provisioned concurrency, billed in 5-minute blocks (not in the per-second
    /// points, which hold usage), $.
    pub provisioned_usd: f64,
    /// Per deployed version (functions), by version index.
    pub versions: Vec<VersionStats>,
    /// Per-second history.
    pub series: Series,
    /// The last complete second.
    pub last: Point,
    cur: Point,
    cur_latency: Hist2,
    /// Latencies recorded since the last flush: the event loop only appends here, and
    /// `flush` counts them into both histograms in one tight loop (at each tick and when a
    /// run pauses), which keeps the histograms' counts out of the event loop's cache.
    unflushed: Vec<u64>,
}

impl Default for NodeStats {
    fn default() -> Self {
        Self {
            invocations: 0,
            completions: 0,
            errors: 0,
            throttles: 0,
            retries: 0,
            timeouts: 0,
            cold_starts: 0,
            dead_lettered: 0,
            dropped: 0,
            loop_stopped: 0,
            in_flight: 0,
            latency: Hist3::new(),
            busy: Gauge::default(),
            idle: Gauge::default(),
            depth: Gauge::default(),
            max_age: 0,
            cost_usd: 0.0,
            provisioned_usd: 0.0,
            versions: Vec::new(),
            series: Series::default(),
            last: Point::default(),
            cur: Point::default(),
            cur_latency: Hist2::new(),
            unflushed: Vec::new(),
        }
    }
}

impl NodeStats {
    /// Counts of the version at `index` (number `number`).
    #[inline]
    pub fn version(&mut self, index: usize, number: u32) -> &mut VersionStats {
        if index >= self.versions.len() {
            self.add_versions(index);
        }
        let v = &mut self.versions[index];
        v.version = number;
        v
    }

    /// Adds counts for versions up to `index`.
    #[cold]
    fn add_versions(&mut self, index: usize) {
        while self.versions.len() <= index {
            self.versions.push(VersionStats {
                version: self.versions.len() as u32 + 1,
                ..VersionStats::default()
            });
        }
    }

    /// Counts a request received.
    #[inline]
    pub fn invocation(&mut self) {
        self.invocations += 1;
        self.cur.invocations += 1;
    }

    /// Counts a success with its latency, µs.
    #[inline]
    pub fn completion(&mut self, latency: Time) {
        self.completions += 1;
        self.cur.completions += 1;
        self.record_latency(latency);
    }

    /// Counts a success that has no latency of its own (a message sent, stored, deleted).
    #[inline]
    pub fn completed(&mut self) {
        self.completions += 1;
        self.cur.completions += 1;
    }

    /// Records a latency without counting a completion, µs.
    #[inline]
    pub fn record_latency(&mut self, latency: Time) {
        if self.unflushed.len() >= UNFLUSHED_MAX {
            self.flush();
        }
        self.unflushed.push(latency.clamp(1, HIST_MAX));
    }

    /// Counts the buffered latencies into the run's and the current second's histograms.
    /// The engine calls it before anything reads them (each tick, the end of `run_until`
    /// and of `step`).
    pub fn flush(&mut self) {
        self.latency
            .record_all_with(&mut self.cur_latency, &self.unflushed);
        self.unflushed.clear();
    }

    /// Counts a failure.
    #[inline]
    pub fn error(&mut self) {
        self.errors += 1;
        self.cur.errors += 1;
    }

    /// Counts a throttle.
    #[inline]
    pub fn throttle(&mut self) {
        self.throttles += 1;
        self.cur.throttles += 1;
    }

    /// Counts a cold start.
    #[inline]
    pub fn cold_start(&mut self) {
        self.cold_starts += 1;
        self.cur.cold_starts += 1;
    }

    /// Adds cost, $.
    #[inline]
    pub fn bill(&mut self, usd: f64) {
        self.cost_usd += usd;
        self.cur.cost_usd += usd;
    }

    /// Adds a fixed charge (a block of provisioned concurrency), $: in the run's cost, not in
    /// the per-second usage.
    pub fn bill_fixed(&mut self, usd: f64) {
        self.cost_usd += usd;
        self.provisioned_usd += usd;
    }

    /// Closes the interval ending at `now` (called once per simulated second).
    pub fn tick(&mut self, now: Time, width: Time) {
        self.flush();
        let mut p = std::mem::take(&mut self.cur);
        p.t_s = (now - width) as f64 / SEC as f64;
        p.width_s = width as f64 / SEC as f64;
        if !self.cur_latency.is_empty() {
            let [p50, p99] = self.cur_latency.values_at_quantiles([0.5, 0.99]);
            p.p50_ms = round3(p50 as f64 / 1000.0);
            p.p99_ms = round3(p99 as f64 / 1000.0);
            self.cur_latency.reset();
        }
        p.busy = self.busy.value();
        p.idle = self.idle.value();
        p.depth = self.depth.value();
        self.last = p.clone();
        self.series.push(p);
    }

    /// The interval in progress (for stop conditions evaluated at a tick: call before `tick`).
    pub fn current(&self) -> (&Point, &Hist2) {
        (&self.cur, &self.cur_latency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_grow_to_what_they_record() {
        let mut s = NodeStats::default();
        s.completion(HIST_MAX * 10); // clamped to a day, and the histogram grows to fit
        s.completion(1);
        assert_eq!(s.latency.len(), 0, "buffered until flushed");
        s.flush();
        assert_eq!(s.latency.len(), 2);
        assert!(s.latency.max() >= HIST_MAX - HIST_MAX / 1000);
    }

    #[test]
    fn gauge_time_average() {
        let mut g = Gauge::default();
        g.set(0, 2);
        g.set(10, 4);
        assert!((g.mean(20) - 3.0).abs() < 1e-9);
        assert_eq!(g.max(), 4);
    }

    #[test]
    fn series_stays_bounded() {
        let mut s = NodeStats::default();
        for i in 1..=(SERIES_CAPACITY as u64 * 5) {
            s.invocation();
            s.tick(i * SEC, SEC);
        }
        assert!(s.series.points.len() < SERIES_CAPACITY);
        let total: u64 = s.series.points.iter().map(|p| p.invocations).sum::<u64>()
            + s.series.pending.as_ref().map_or(0, |p| p.invocations);
        assert_eq!(total, SERIES_CAPACITY as u64 * 5);
        assert!(s.series.resolution_s >= 4);
    }
}
