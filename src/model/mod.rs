//! The architecture model: graph, node kinds and parameters, connection rules, validation
//! and design lints. Pure data and rules: no GUI, no async runtime, no I/O.

mod connect;
mod cron;
mod deploy;
mod diagnostic;
mod distribution;
mod edge;
mod edit;
mod expectation;
mod fault;
mod graph;
mod ids;
pub mod layout;
mod lesson;
mod lesson_check;
mod lints;
mod node;
mod pricing;
mod project;
pub mod provider;
mod retarget;
mod validate;
mod workload;

pub use connect::{can_connect, can_connect_kinds, default_edge, legal_edges, self_edge_problem};
pub use cron::Cron;
pub use deploy::DeployStrategy;
pub use diagnostic::{
    Diagnostic, MAX_MESSAGE_CHARS, Severity, Subject, has_errors, shorten, truncate,
};
pub use distribution::{Distribution, MAX_DURATION_MS};
pub use edge::{Edge, EdgeKind, EdgeTag, Emit, EventSourceMapping, RetryPolicy, Subscription};
pub use edit::{CLIPBOARD_TAG, Edit, EditError, Fragment, History, MAX_UNDO_STEPS};
pub use expectation::Expectation;
pub use fault::{Experiment, Fault, FaultKind, FaultTarget, Metric, ScheduledFault, StopCondition};
pub use graph::{Adjacency, Graph};
pub use ids::{EdgeId, MAX_ID_LEN, NodeId, id_problem, slug};
pub use lesson::{
    Action, Check, Cmp, FunctionChanges, Lesson, MAX_STEP_S, NodeMetric, Placeholder, RunMetric,
    Segment, Step, Unit, segments,
};
pub use lints::{UNRESERVED_MIN, VISIBILITY_FACTOR};
pub use node::{
    ApiFlavor, Arch, AsyncRetry, BucketParams, Category, ClientParams, FUNCTION_MAX_TIMEOUT_MS,
    FUNCTION_MEMORY_MB, FunctionParams, HttpApiParams, KindTag, Node, NodeKind, QueueParams,
    Scaling, ScheduleParams, ScheduleTrigger, TableParams, TopicParams,
};
pub use pricing::Pricing;
pub use project::{Layout, MAX_RUN_MS, Pos, Project, RunSettings};
pub use provider::{
    CpuModel, FreeGrant, FunctionRates, MemoryChoices, MonthlyBill, Profile, Provider, ScaleOut,
    ServiceNames, ServicePrices,
};
pub use retarget::{retarget, scaling_for};
pub use validate::{MAX_NAME_CHARS, validate};
pub use workload::{Arrival, MAX_RATE_PER_S, RateStep, parse_trace_csv};
