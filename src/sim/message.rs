//! What travels through a run: the events of the virtual clock (`Ev`), who waits for a
//! message's answer (`Caller`), the message itself (`Msg`) and why one failed (`Fail`).

use super::ledger::{DropReason, End};
use super::log::Failure;
use super::slab::Key;
use super::time::Time;

/// Something that happens at a point in virtual time.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ev {
    /// A client's next request (node, workload generation: stale after a workload change).
    Arrive(u32, u32),
    /// A schedule fires.
    Fire(u32),
    /// A message reaches the target of an edge.
    Deliver(u32, Key),
    /// A cold start finished: execution begins.
    Start(Key),
    /// An invocation's own execution finished.
    Done(Key),
    /// An invocation's timeout (only for functions that wait on sync calls).
    Timeout(Key),
    /// A function's keep-alive check.
    Expire(u32),
    /// A function may add environments again (scaling rate).
    Scale(u32),
    /// An async retry is due.
    Retry(u32, Key),
    /// A batching window ended: an event-source mapping polls.
    Poll(u32),
    /// A poller retries handing a throttled batch to its function.
    EsmRetry(Key),
    /// Timers of an API are due (integration timeouts, gateway latency).
    ApiTimers(u32),
    /// Visibility timeouts of a queue are due.
    VisibilityTimers(u32),
    /// Delivery delays of a queue are over.
    DelayTimers(u32),
    /// A subscription redelivery.
    SubRetry(u32, Key),
    /// One simulated second passed (metrics roll, stop conditions).
    Tick,
    /// A scheduled fault of an experiment starts.
    FaultOn(u32),
    /// A scheduled fault of an experiment ends.
    FaultOff(u32),
    /// A batch held back by an edge delay reaches its function.
    BatchDue(Key),
    /// A deploy moves to its next traffic step.
    DeployStep(u32),
}

/// Who waits for the outcome of a synchronous message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    /// Nobody.
    None,
    /// A client (node index) that records the end-to-end latency.
    Client(u32),
    /// An API request in progress.
    Api(Key),
    /// A function invocation waiting on a call.
    Inv(Key),
    /// A real request from outside the run (`sim/external.rs`).
    External(Key),
    /// A topic delivering to an HTTP/S subscriber along this edge (retried by its policy).
    Subscription(u32),
}

/// A unit of work in flight: one entry of the ledger.
#[derive(Clone, Debug)]
pub(crate) struct Msg {
    /// Trace it belongs to (root message number) when sampled, else 0.
    pub trace: u64,
    /// Parent span in its trace.
    pub span: Option<u32>,
    /// When it was created.
    pub born: Time,
    /// When it entered its current queue or backlog.
    pub enqueued: Time,
    /// Edge whose emit attributes it carries (for topic filters), or NONE.
    pub attrs: u32,
    /// Times received from its queue.
    pub receives: u32,
    /// Receive number while in flight from a queue; 0 when visible or not queued.
    pub in_flight: u32,
    /// Queue it sits in, or NONE.
    pub queue: u32,
    /// Async attempts made (subscription deliveries and stream retries count here too).
    pub attempts: u32,
    /// Invocations of loop-guarded functions in its chain (recursive loop detection).
    pub hops: u16,
    /// Times an async event was throttled (its backoff grows with it); its throttle is
    /// counted once, the first time.
    pub throttle_retries: u16,
    /// The ordered lane it waits in: its FIFO message group, or its stream shard and
    /// parallelization lane (0 elsewhere).
    pub group: u16,
    /// Who waits for its outcome.
    pub caller: Caller,
}

/// Why a synchronous call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fail {
    /// Function error.
    Error,
    /// Function timeout or API integration timeout.
    Timeout,
    /// Concurrency or scaling limit (429).
    Throttled,
    /// API rate limit (429).
    Rejected,
    /// Outage fault (5xx).
    Unavailable,
    /// The request was lost on its way by an injected edge fault; the caller sees the
    /// connection fail.
    Lost,
    /// Recursive loop detection stopped it.
    Loop,
    /// An API answered 500 because Lambda throttled its integration (API Gateway turns a
    /// Lambda 429 into a 500 for the client).
    Internal,
}

impl Fail {
    pub(crate) fn end(self) -> End {
        End::Dropped(match self {
            Fail::Error | Fail::Unavailable => DropReason::Failed,
            Fail::Lost => DropReason::Fault,
            Fail::Timeout => DropReason::Expired,
            Fail::Throttled | Fail::Internal => DropReason::Throttled,
            Fail::Rejected => DropReason::Rejected,
            Fail::Loop => DropReason::RecursiveLoop,
        })
    }

    /// The reason logs and spans give.
    pub(crate) fn why(self) -> Failure {
        match self {
            Fail::Error => Failure::Error,
            Fail::Timeout => Failure::Timeout,
            Fail::Throttled | Fail::Internal => Failure::Throttled,
            Fail::Rejected => Failure::RateLimited,
            Fail::Unavailable => Failure::Unavailable,
            Fail::Lost => Failure::Lost,
            Fail::Loop => Failure::LoopStopped,
        }
    }
}
