//! The executable form of a project: nodes and edges in dense vectors with adjacency lists,
//! compiled once before a run. Compilation refuses a project with validation errors, naming
//! the node that caused each.

use crate::model::{
    Diagnostic, Edge, EdgeId, EdgeKind, Emit, NodeId, NodeKind, Project, has_errors, validate,
};
use std::collections::BTreeMap;

/// Sentinel for "no index".
pub const NONE: u32 = u32::MAX;

/// An edge in dense form.
#[derive(Clone, Debug)]
pub struct TEdge {
    /// Its id in the project.
    pub id: EdgeId,
    /// Source node index.
    pub from: usize,
    /// Target node index.
    pub to: usize,
    /// Kind and settings.
    pub kind: EdgeKind,
    /// What a sender emits along it.
    pub emit: Emit,
    /// What a message delivered along it does at its target.
    pub(crate) route: Route,
}

/// What a message delivered along an edge does at the edge's target, decided once from the
/// edge's kind and the target's kind (the engine's dispatch on each delivery).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// A synchronous invocation of a function.
    SyncFunction,
    /// A request to an API.
    Api,
    /// An asynchronous invocation (or failure destination) of a function.
    AsyncFunction,
    /// A topic subscription delivering to a function.
    SubscriptionFunction,
    /// A message sent to a queue.
    Queue,
    /// A publish to a topic.
    Topic,
    /// A write to a bucket or table.
    Store,
    /// A table stream record for a function's event-source mapping.
    Stream,
    /// A wiring validation refuses: the message ends as failed.
    Invalid,
}

impl Route {
    fn of(kind: &EdgeKind, target: &NodeKind) -> Route {
        match (kind, target) {
            (EdgeKind::SyncInvoke, NodeKind::Function(_)) => Route::SyncFunction,
            (EdgeKind::SyncInvoke | EdgeKind::Subscription(_), NodeKind::HttpApi(_)) => Route::Api,
            (EdgeKind::AsyncInvoke | EdgeKind::OnFailure, NodeKind::Function(_)) => {
                Route::AsyncFunction
            }
            (EdgeKind::Subscription(_), NodeKind::Function(_)) => Route::SubscriptionFunction,
            (
                EdgeKind::Write | EdgeKind::OnFailure | EdgeKind::Subscription(_),
                NodeKind::Queue(_),
            ) => Route::Queue,
            (EdgeKind::Write | EdgeKind::OnFailure, NodeKind::Topic(_)) => Route::Topic,
            (EdgeKind::Write, NodeKind::Bucket(_) | NodeKind::Table(_)) => Route::Store,
            (EdgeKind::EventSource(_), NodeKind::Function(_)) => Route::Stream,
            (
                EdgeKind::AsyncInvoke
                | EdgeKind::SyncInvoke
                | EdgeKind::Subscription(_)
                | EdgeKind::EventSource(_)
                | EdgeKind::Write
                | EdgeKind::OnFailure,
                NodeKind::Client(_)
                | NodeKind::HttpApi(_)
                | NodeKind::Schedule(_)
                | NodeKind::Bucket(_)
                | NodeKind::Table(_)
                | NodeKind::Queue(_)
                | NodeKind::Topic(_)
                | NodeKind::Function(_),
            ) => Route::Invalid,
        }
    }
}

/// A compiled project.
#[derive(Clone, Debug)]
pub struct Topology {
    /// The project it was compiled from (names, pricing, run settings, experiments).
    pub project: Project,
    /// Node ids by index (sorted by id, so indices are stable for a given project).
    pub node_ids: Vec<NodeId>,
    /// Node kinds by index.
    pub kinds: Vec<NodeKind>,
    /// Index of each node id.
    pub index: BTreeMap<NodeId, usize>,
    /// Edges by index (sorted by id).
    pub edges: Vec<TEdge>,
    /// Index of each edge id.
    pub edge_index: BTreeMap<EdgeId, usize>,
    /// Outgoing edge indices per node, in edge order.
    pub out: Vec<Vec<usize>>,
    /// Incoming edge indices per node, in edge order.
    pub inc: Vec<Vec<usize>>,
    /// Prices per single operation, worked out once from the project's pricing.
    pub(crate) unit: UnitPrices,
    /// Per node: a function whose invocations recursive loop detection counts and stops
    /// (it lies on a loop through functions, queues, topics and buckets, and does not
    /// allow recursion).
    pub loop_guard: Vec<bool>,
}

/// The price of one operation of each kind, $ (the project's prices are per million or per
/// thousand; dividing once here gives the same values as dividing at every operation).
#[derive(Clone, Copy, Debug)]
pub(crate) struct UnitPrices {
    pub rest_request: f64,
    pub http_request: f64,
    pub queue_request: f64,
    pub queue_fifo_request: f64,
    pub table_write: f64,
    pub bucket_put: f64,
    pub topic_publish: f64,
    pub schedule_run: f64,
}

impl UnitPrices {
    fn new(p: &crate::model::Pricing) -> Self {
        Self {
            rest_request: p.rest_api_per_million / 1e6,
            http_request: p.http_api_per_million / 1e6,
            queue_request: p.queue_per_million_requests / 1e6,
            queue_fifo_request: p.queue_fifo_per_million_requests / 1e6,
            table_write: p.table_per_million_writes / 1e6,
            bucket_put: p.bucket_per_thousand_puts / 1e3,
            topic_publish: p.topic_per_million_publishes / 1e6,
            schedule_run: p.schedule_per_million / 1e6,
        }
    }
}

/// Why a project cannot run: its validation errors (warnings are included for context).
#[derive(Debug, thiserror::Error)]
#[error("the project has {} error(s); fix them before running", .0.iter().filter(|d| d.severity == crate::model::Severity::Error).count())]
pub struct CompileError(pub Vec<Diagnostic>);

impl Topology {
    /// Compiles `project`, refusing it if validation finds errors.
    pub fn compile(project: &Project) -> Result<Topology, CompileError> {
        let diags = validate(project);
        if has_errors(&diags) {
            return Err(CompileError(diags));
        }
        let node_ids: Vec<NodeId> = project.graph.nodes.keys().cloned().collect();
        let kinds = project
            .graph
            .nodes
            .values()
            .map(|n| n.kind.clone())
            .collect();
        let index: BTreeMap<NodeId, usize> = node_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let mut edges = Vec::new();
        let mut edge_index = BTreeMap::new();
        let mut out = vec![Vec::new(); node_ids.len()];
        let mut inc = vec![Vec::new(); node_ids.len()];
        for (
            id,
            Edge {
                from,
                to,
                kind,
                emit,
            },
        ) in &project.graph.edges
        {
            // Validation guarantees both ends exist; skip defensively otherwise.
            let (Some(&f), Some(&t)) = (index.get(from), index.get(to)) else {
                continue;
            };
            let i = edges.len();
            let Some(target) = project.graph.nodes.get(to) else {
                continue;
            };
            edges.push(TEdge {
                id: id.clone(),
                from: f,
                to: t,
                kind: kind.clone(),
                emit: emit.clone(),
                route: Route::of(kind, &target.kind),
            });
            edge_index.insert(id.clone(), i);
            out[f].push(i);
            inc[t].push(i);
        }
        let loop_guard = crate::model::loop_guarded(project)
            .into_iter()
            .map(|id| index.get(&id).copied())
            .fold(vec![false; node_ids.len()], |mut g, i| {
                if let Some(i) = i {
                    g[i] = true;
                }
                g
            });
        Ok(Topology {
            loop_guard,
            project: project.clone(),
            node_ids,
            kinds,
            index,
            edges,
            edge_index,
            out,
            inc,
            unit: UnitPrices::new(&project.pricing),
        })
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.node_ids.len()
    }

    /// Whether there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.node_ids.is_empty()
    }

    /// The display name of node `i` (its id when the name is empty).
    pub fn node_name(&self, i: usize) -> &str {
        let id = &self.node_ids[i];
        match self.project.graph.nodes.get(id) {
            Some(n) if !n.name.is_empty() => &n.name,
            Some(_) | None => id.as_str(),
        }
    }

    /// Edge `e` in words for log lines: `"Place order" (edge orders-api-place-order)`.
    pub fn edge_label(&self, e: usize) -> String {
        let edge = &self.edges[e];
        format!("\"{}\" (edge {})", self.node_name(edge.to), edge.id)
    }
}
