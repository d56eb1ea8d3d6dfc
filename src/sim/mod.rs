//! The runtime: a deterministic discrete-event engine that runs a project the way a
//! serverless platform would. Integer virtual time, one event queue ordered by
//! (time, sequence), seeded per-node random streams, no wall clock and no hash-map order.
//!
//! ```no_run
//! # use eventloom::sim::{Simulation, SimConfig};
//! # let project = eventloom::model::Project::default();
//! let mut sim = Simulation::new(&project, SimConfig::from_project(&project)).expect("valid");
//! sim.run_until(60 * eventloom::sim::SEC);
//! println!("{}", serde_json::to_string_pretty(&sim.report()).unwrap());
//! ```

mod alarms;
mod api;
mod arrivals;
mod budget;
mod changes;
mod command;
pub mod cost;
mod deploy;
mod engine;
mod events;
pub mod export;
mod external;
mod faults;
mod function;
mod hist;
mod lanes;
mod ledger;
mod log;
mod mapping;
mod message;
mod metrics;
mod pollers;
mod queue;
mod report;
mod rng;
mod routing;
mod slab;
mod snapshot;
mod sources;
mod stores;
pub mod time;
mod timers;
mod topology;
mod trace;

pub use alarms::AlarmStatus;
pub use budget::{
    DEFAULT_MAX_MEMORY_MB, MIN_MEMORY_MB, MemoryUse, RunStopped, StopCause, budget_bytes,
};
pub use changes::{LiveChanges, live_changes};
pub use command::{Applied, Command, CommandError};
pub use cost::{ServerAlternative, Service, ServiceCost};
pub use engine::{SimConfig, Simulation};
pub use external::{
    BODY_PREVIEW_CHARS, ExternalOutcome, ExternalRequest, ExternalStatus, InjectError,
    MAX_EXTERNAL_IN_FLIGHT,
};
pub use faults::{ActiveFault, EdgeFault, FaultId, NodeFault, describe as describe_fault};
pub use hist::{Hist2, Hist3, LatencyHist};
pub use ledger::{DropReason, End, Ledger};
pub use log::{FAILURE_LINES_PER_S, Failure, LOG_CAPACITY, Level, Log, LogLine};
pub use metrics::{Gauge, NodeStats, Percentiles, Point, SERIES_CAPACITY, Series, percentiles};
pub use report::{CostSummary, ExpectationResult, NodeReport, REPORT_VERSION, Report};
pub use snapshot::{EdgeLive, Health, NodeLive, Snapshot};
pub use time::{MS, SEC, Speed, Time};
pub use topology::{CompileError, Topology};
pub use trace::{MAX_TRACES, Span, SpanKind, Trace, Traces};
