//! The ledger: every message that enters the system ends exactly once.

use serde::Serialize;

/// Why a message was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum DropReason {
    /// A function's concurrency or scaling limit refused a synchronous request (429).
    Throttled,
    /// An API's rate limit refused the request (429).
    Rejected,
    /// It waited too long (max event age, queue retention, API integration timeout).
    Expired,
    /// An injected fault lost it (edge drop, outage).
    Fault,
    /// Processing failed and nothing was configured to catch the failure.
    Failed,
    /// Recursive loop detection stopped it (Lambda's `RecursiveLoop: Terminate`).
    RecursiveLoop,
}

/// How a message ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum End {
    /// Processed successfully (or stored).
    Completed,
    /// Sent to a dead-letter queue or on-failure destination.
    DeadLettered,
    /// A call from one function to another failed and the error went back to the calling
    /// function, which handles it (retry, DLQ, or failing its own request).
    ReturnedError,
    /// Lost, with the reason.
    Dropped(DropReason),
}

/// Counts of messages by how they ended.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ledger {
    /// Messages created (from sources, fan-out, writes, retries to destinations, duplicates).
    pub created: u64,
    /// Of which entered from outside (clients and schedules).
    pub entered: u64,
    /// Ended successfully.
    pub completed: u64,
    /// Ended in a dead-letter queue or failure destination.
    pub dead_lettered: u64,
    /// Calls between functions that failed, their error handed back to the caller.
    pub returned_error: u64,
    /// Dropped: throttled (429 from a function).
    pub throttled: u64,
    /// Dropped: rejected by a rate limit.
    pub rejected: u64,
    /// Dropped: expired.
    pub expired: u64,
    /// Dropped: lost to an injected fault.
    pub fault: u64,
    /// Dropped: failed with nothing to catch it.
    pub failed: u64,
    /// Dropped: stopped by recursive loop detection.
    pub recursive_loop: u64,
    /// Still in flight (waiting in a queue, being processed) when the run stopped.
    pub in_flight: u64,
}

impl Ledger {
    /// Records an end.
    #[inline]
    pub fn end(&mut self, end: End) {
        match end {
            End::Completed => self.completed += 1,
            End::DeadLettered => self.dead_lettered += 1,
            End::ReturnedError => self.returned_error += 1,
            End::Dropped(DropReason::Throttled) => self.throttled += 1,
            End::Dropped(DropReason::Rejected) => self.rejected += 1,
            End::Dropped(DropReason::Expired) => self.expired += 1,
            End::Dropped(DropReason::Fault) => self.fault += 1,
            End::Dropped(DropReason::Failed) => self.failed += 1,
            End::Dropped(DropReason::RecursiveLoop) => self.recursive_loop += 1,
        }
    }

    /// All drops.
    pub fn dropped(&self) -> u64 {
        self.throttled
            + self.rejected
            + self.expired
            + self.fault
            + self.failed
            + self.recursive_loop
    }

    /// Messages accounted for by an end or as in flight.
    pub fn accounted(&self) -> u64 {
        self.completed + self.dead_lettered + self.returned_error + self.dropped() + self.in_flight
    }

    /// Whether every message created is accounted for exactly once.
    pub fn balances(&self) -> bool {
        self.created == self.accounted()
    }
}
