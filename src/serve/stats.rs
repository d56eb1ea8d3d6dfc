//! What the server counts: responses by status, connections, and for each simulated answer
//! its added latency — the wall time the server took beyond the simulated latency (scaled by
//! the run's speed) — plus an optional CSV log of every simulated answer for benchmarks.

use super::ServeError;
use crate::host::ExternalReply;
use crate::sim::{Hist3, SEC};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// Percentiles of a latency, ms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LatencySummary {
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest.
    pub max_ms: f64,
}

impl LatencySummary {
    fn of(h: &Hist3) -> Self {
        if h.is_empty() {
            return Self::default();
        }
        let [p50, p99] = h.values_at_quantiles([0.5, 0.99]);
        Self {
            p50_ms: p50 as f64 / 1_000.0,
            p99_ms: p99 as f64 / 1_000.0,
            max_ms: h.max() as f64 / 1_000.0,
        }
    }
}

/// The server's counts (printed when `serve` stops and written with `--json`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ServeSummary {
    /// Where it listened.
    pub address: String,
    /// Responses sent (not counting connections refused over the cap).
    pub requests: u64,
    /// Responses by HTTP status.
    pub by_status: BTreeMap<u16, u64>,
    /// Responses the simulation made (the request went through the graph).
    pub simulated: u64,
    /// Connections accepted.
    pub connections: u64,
    /// Connections over the cap (answered 503 or closed).
    pub refused_connections: u64,
    /// Wall time beyond the simulated latency ÷ speed, server side (request received to
    /// response ready), over the simulated answers.
    pub added_latency: LatencySummary,
    /// Wall time of the simulated answers, server side.
    pub wall_latency: LatencySummary,
}

struct Tally {
    summary: ServeSummary,
    added: Hist3,
    wall: Hist3,
}

/// Shared counters (one lock, taken once per response).
pub(super) struct Stats {
    tally: Mutex<Tally>,
    log: Mutex<Option<BufWriter<File>>>,
}

impl Stats {
    pub(super) fn new(addr: SocketAddr, latency_log: Option<&Path>) -> Result<Stats, ServeError> {
        let log = match latency_log {
            None => None,
            Some(path) => {
                let mut w = File::create(path).map(BufWriter::new).map_err(|source| {
                    ServeError::LatencyLog {
                        path: path.to_owned(),
                        source,
                    }
                })?;
                let _ = writeln!(w, "wall_us,simulated_us,added_us,status");
                Some(w)
            }
        };
        Ok(Stats {
            tally: Mutex::new(Tally {
                summary: ServeSummary {
                    address: addr.to_string(),
                    ..ServeSummary::default()
                },
                added: Hist3::new(),
                wall: Hist3::new(),
            }),
            log: Mutex::new(log),
        })
    }

    fn with(&self, f: impl FnOnce(&mut Tally)) {
        if let Ok(mut t) = self.tally.lock() {
            f(&mut t);
        }
    }

    pub(super) fn count(&self, status: u16) {
        self.with(|t| {
            t.summary.requests += 1;
            *t.summary.by_status.entry(status).or_default() += 1;
        });
    }

    pub(super) fn connection(&self) {
        self.with(|t| t.summary.connections += 1);
    }

    pub(super) fn refused_connection(&self) {
        self.with(|t| t.summary.refused_connections += 1);
    }

    /// A simulated answer that took `wall` in the server.
    pub(super) fn simulated(&self, reply: &ExternalReply, wall: Duration, status: u16) {
        let wall_us = u64::try_from(wall.as_micros()).unwrap_or(u64::MAX);
        // At a speed of x, a simulated µs takes 1/x µs of wall time; flat out, none.
        let due_us = reply
            .speed
            .map_or(0, |x| (reply.latency as f64 / x).round() as u64);
        let added_us = wall_us.saturating_sub(due_us);
        self.with(|t| {
            t.summary.simulated += 1;
            t.added.record(added_us.min(3_600 * SEC));
            t.wall.record(wall_us.min(3_600 * SEC));
        });
        if let Ok(mut log) = self.log.lock()
            && let Some(w) = log.as_mut()
        {
            let _ = writeln!(w, "{wall_us},{},{added_us},{status}", reply.latency);
        }
    }

    pub(super) fn summary(&self) -> ServeSummary {
        self.tally.lock().map_or_else(
            |_| ServeSummary::default(),
            |t| ServeSummary {
                added_latency: LatencySummary::of(&t.added),
                wall_latency: LatencySummary::of(&t.wall),
                ..t.summary.clone()
            },
        )
    }

    pub(super) fn flush_log(&self) {
        if let Ok(mut log) = self.log.lock()
            && let Some(w) = log.as_mut()
        {
            let _ = w.flush();
        }
    }
}
