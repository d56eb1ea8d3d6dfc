//! The architecture model: graph, node kinds and parameters, connection rules, validation
//! and design lints. Pure data and rules: no GUI, no async runtime, no I/O.

mod alarm;
mod blast;
mod connect;
mod cron;
mod deploy;
pub mod describe;
mod diagnostic;
mod distribution;
mod edge;
mod edit;
mod expectation;
mod fault;
mod fragment;
mod graph;
mod history;
mod ids;
pub mod layout;
mod lesson;
mod lesson_check;
mod limits;
mod lints;
mod node;
mod pricing;
mod project;
pub mod provider;
mod retarget;
mod validate;
mod workload;

pub use alarm::{
    Alarm, AlarmMetric, AlarmState, DEFAULT_PERIOD_S, MissingData, fmt_value, next_state,
};
pub use blast::blast_radius;
pub use connect::{
    ConnectError, can_connect, can_connect_kinds, choose_edge, legal_edges, self_edge_problem,
};
pub use cron::{Cron, CronError};
pub use deploy::DeployStrategy;
pub use diagnostic::{
    Diagnostic, MAX_MESSAGE_CHARS, Severity, Subject, has_errors, shorten, truncate,
};
pub use distribution::{Distribution, MAX_DURATION_MS, Shape};
pub use edge::{
    Edge, EdgeKind, EdgeTag, Emit, EventSourceMapping, RetryPolicy, SNS_MANAGED_RETRIES,
    Subscription, sns_managed_retry_delay_ms,
};
pub use edit::{Edit, EditError, retarget_edit};
pub use expectation::Expectation;
pub use fault::{Experiment, Fault, FaultKind, FaultTarget, Metric, ScheduledFault, StopCondition};
pub use fragment::{CLIPBOARD_TAG, Fragment};
pub use graph::{Adjacency, Graph};
pub use history::{History, MAX_UNDO_STEPS};
pub use ids::{EdgeId, MAX_ID_LEN, NodeId, id_problem, slug};
pub use lesson::{
    Action, Answer, Check, Cmp, FunctionChanges, Lesson, MAX_STEP_S, NodeMetric, Placeholder,
    PlaceholderError, Question, RunMetric, RunPanel, Segment, Step, UiEvent, Unit, segments,
};
pub use limits::PROBABILITY;
pub use lints::{
    TIMEOUT_SHARE, UNRESERVED_MIN, VISIBILITY_FACTOR, loop_guarded, median_ms, share_above,
};
pub use node::{
    API_DEFAULT_TIMEOUT_MS, ApiEndpoint, ApiFlavor, Arch, AsyncRetry, BucketParams, Category,
    ClientParams, FunctionParams, HTTP_API_MAX_TIMEOUT_MS, HttpApiParams, KindTag, Node, NodeKind,
    QueueParams, RECURSIVE_LOOP_LIMIT, REST_API_MAX_TIMEOUT_MS, RecursiveLoop, Scaling,
    ScheduleParams, ScheduleTrigger, TableParams, TopicParams, cpu_stretch,
};
pub use pricing::{
    FREE_SNS_PUBLISHES, FREE_SQS_REQUESTS, FREE_TIER_MONTH_DAYS, InvocationPrice, MB_PER_VCPU,
    PROVISIONED_BLOCK_MS, Pricing,
};
pub use project::{
    API_ACCOUNT_BURST, API_ACCOUNT_RATE_RPS, COST_WINDOW_S, DEFAULT_MAX_MEMORY_MB, FORMAT_VERSION,
    Layout, MAX_RUN_MS, Pos, Project, RunSettings,
};
pub use provider::{
    CpuModel, FreeGrant, FunctionRates, MemoryChoices, MonthlyBill, Profile, Provider, ScaleOut,
    ServiceNames, ServicePrices,
};
pub use retarget::{retarget, scaling_for};
pub use validate::{MAX_NAME_CHARS, validate};
pub use workload::{Arrival, MAX_RATE_PER_S, MAX_SPIKE, RateStep, TraceCsvError, parse_trace_csv};
