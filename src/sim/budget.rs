//! The resource budget of a run: what the engine holds in memory (live messages,
//! environments, pending events, queues, backlogs) is estimated every few thousand events,
//! and a run that would pass its budget stops with an error naming the node that grew
//! fastest and the simulated time, keeping everything measured so far. A runaway design
//! (a function invoking itself twice per call, ten million requests a second into 22-hour
//! executions) ends cleanly instead of exhausting the machine's memory.

use super::engine::Simulation;
use super::log::Level;
use super::time::SEC;
use serde::Serialize;

pub use crate::model::DEFAULT_MAX_MEMORY_MB;
/// Smallest budget accepted, MB (a smaller one is raised to this).
pub const MIN_MEMORY_MB: u64 = 16;
/// Events between two checks of the budget (a power of two: the check is a mask).
pub(crate) const CHECK_EVERY: u64 = 1 << 14;
/// What the engine holds whatever the design (code tables, buffers), counted up front.
const FIXED_BYTES: u64 = 2 << 20;
/// What the bounded parts of one node's metrics hold at most (a full per-second series,
/// histograms grown to a day), counted up front so the budget covers them.
const PER_NODE_BYTES: u64 = 512 << 10;

/// Why a run stopped before its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum StopCause {
    /// What the engine holds passed the run's memory budget.
    Memory,
    /// Stopped from outside (Ctrl+C in the command line).
    Interrupted,
}

/// A run that stopped early: why, when, and the node to look at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunStopped {
    /// Why.
    pub cause: StopCause,
    /// Simulated time it stopped at, s.
    pub at_s: f64,
    /// The node that grew fastest before it stopped (id), if any did.
    pub node: Option<String>,
    /// What happened, in words (for the editor, the summary and the log).
    pub message: String,
}

/// Where the engine's memory goes, bytes (estimated from the sizes of its collections).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MemoryUse {
    /// Messages in flight.
    pub live_messages: u64,
    /// Environments busy (invocations in progress).
    pub environments: u64,
    /// Events scheduled and not yet due.
    pub pending_events: u64,
    /// Bytes estimated in all.
    pub bytes: u64,
    /// Bytes the largest collection would take after its next growth (the budget keeps
    /// room for it, so no single allocation can overshoot).
    pub next_growth: u64,
}

impl Simulation {
    /// Estimates what the engine holds now.
    pub fn memory_use(&self) -> MemoryUse {
        let parts = [
            self.msgs.bytes(),
            self.invs.bytes(),
            self.api_reqs.bytes(),
            self.pending_batches.bytes(),
            self.heap.bytes(),
            self.queues.iter().map(|q| q.bytes()).sum::<u64>(),
            self.fns.iter().flatten().map(|f| f.bytes()).sum::<u64>(),
            self.apis.iter().flatten().map(|a| a.bytes()).sum::<u64>(),
        ];
        let largest = parts.iter().copied().max().unwrap_or(0);
        MemoryUse {
            live_messages: self.msgs.len() as u64,
            environments: u64::from(self.pool_busy)
                + self
                    .fns
                    .iter()
                    .flatten()
                    .filter(|f| f.reserved.is_some())
                    .map(|f| u64::from(f.busy))
                    .sum::<u64>(),
            pending_events: self.heap.len() as u64,
            bytes: FIXED_BYTES
                + PER_NODE_BYTES * self.topo.len() as u64
                + self.log.bytes()
                + self.traces.bytes()
                + parts.iter().sum::<u64>(),
            next_growth: largest,
        }
    }

    /// What each node holds now (messages waiting or in flight there, invocations running),
    /// for naming the node that grew fastest.
    fn load_per_node(&self) -> Vec<u64> {
        let mut load = vec![0u64; self.topo.len()];
        for (i, l) in load.iter_mut().enumerate() {
            if let Some(f) = self.fns[i].as_ref() {
                *l += u64::from(f.busy) + f.backlog.len() as u64;
            }
            if let Some(a) = self.apis[i].as_ref() {
                *l += a.pending();
            }
        }
        for q in &self.queues {
            load[q.node] += q.depth() + q.in_flight;
        }
        load
    }

    /// Checks the budget (every [`CHECK_EVERY`] events); stops the run when it is passed.
    #[cold]
    #[inline(never)]
    pub(crate) fn check_budget(&mut self) {
        let load = self.load_per_node();
        let used = self.memory_use();
        let grown = self.budget_load.take();
        self.budget_load = Some(load);
        if used.bytes.saturating_add(used.next_growth) <= self.max_memory_bytes {
            return;
        }
        let load = self.budget_load.as_deref().unwrap_or(&[]);
        // The node whose load grew most since the previous check (or, with none to compare,
        // the one holding most).
        let node = (0..load.len())
            .max_by_key(|&i| {
                let before = grown.as_ref().and_then(|g| g.get(i)).copied().unwrap_or(0);
                (
                    load[i].saturating_sub(before),
                    load[i],
                    std::cmp::Reverse(i),
                )
            })
            .filter(|&i| load[i] > 0);
        let mb = |b: u64| b as f64 / (1u64 << 20) as f64;
        let mut message = format!(
            "the run stopped at {} simulated: it would need more than its memory budget of {:.0} MB ({} messages in flight, {} environments busy, {} events pending)",
            super::time::format(self.now),
            mb(self.max_memory_bytes),
            used.live_messages,
            used.environments,
            used.pending_events
        );
        if let Some(i) = node {
            let id = &self.topo.node_ids[i];
            let name = self
                .topo
                .project
                .graph
                .nodes
                .get(id)
                .map_or("", |n| n.name.as_str());
            let before = grown.as_ref().and_then(|g| g.get(i)).copied().unwrap_or(0);
            message.push_str(&format!(
                "; \"{name}\" ({id}) grew fastest: {} waiting or running there, up {} since the previous check",
                load[i],
                load[i].saturating_sub(before)
            ));
        }
        message.push_str(
            ". Look for a loop or a source far faster than its consumers can serve; the budget is `max_memory_mb` in the run settings (`--max-memory` on the command line)",
        );
        let node_id = node.map(|i| self.topo.node_ids[i].to_string());
        self.stop(StopCause::Memory, node, node_id, message);
    }

    /// Stops the run now: no further event is processed and time no longer advances. The
    /// report keeps everything measured so far and says why it stopped.
    pub fn interrupt(&mut self, why: &str) {
        if self.stopped.is_none() {
            self.stop(StopCause::Interrupted, None, None, why.to_owned());
        }
    }

    fn stop(&mut self, cause: StopCause, node: Option<usize>, id: Option<String>, message: String) {
        self.log(node.unwrap_or(0), Level::Error, 0, message.clone());
        self.stopped = Some(RunStopped {
            cause,
            at_s: (self.now as f64 / SEC as f64 * 1000.0).round() / 1000.0,
            node: id,
            message,
        });
    }

    /// Why the run stopped early, if it did.
    pub fn stopped(&self) -> Option<&RunStopped> {
        self.stopped.as_ref()
    }

    /// The memory budget of this run, bytes.
    pub fn max_memory_bytes(&self) -> u64 {
        self.max_memory_bytes
    }
}

/// A budget in MB as bytes (at least [`MIN_MEMORY_MB`]).
pub fn budget_bytes(mb: u64) -> u64 {
    mb.max(MIN_MEMORY_MB).saturating_mul(1 << 20)
}
