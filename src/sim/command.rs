//! Commands applied to a running simulation between steps: the one entry point the live run
//! host, lessons and tests use to change a run (faults, workload, deploys).

use super::engine::Simulation;
use super::faults::FaultId;
use crate::model::{
    Arrival, DeployStrategy, EdgeId, Fault, FaultTarget, FunctionParams, KindTag, NodeId,
};

/// A change to a running simulation.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Injects a fault now (refused when it would do nothing on its target).
    InjectFault(Fault),
    /// Clears one fault.
    ClearFault(FaultId),
    /// Clears every fault in force, including those an experiment scheduled.
    ClearAllFaults,
    /// Changes a client's workload from now on.
    SetWorkload {
        /// The client node.
        node: NodeId,
        /// Its new arrival process.
        arrival: Arrival,
    },
    /// Deploys `params` as a new version of a function.
    Deploy {
        /// The function.
        node: NodeId,
        /// The new version's parameters.
        params: Box<FunctionParams>,
        /// How traffic shifts to it.
        strategy: DeployStrategy,
    },
    /// Returns a function to its previous version at once.
    Rollback {
        /// The function.
        node: NodeId,
    },
}

/// Why a command was refused; nothing changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The run's project has no such node.
    #[error("there is no node \"{0}\"")]
    NoNode(NodeId),
    /// The run's project has no such edge.
    #[error("there is no edge \"{0}\"")]
    NoEdge(EdgeId),
    /// The fault would do nothing on this node.
    #[error("{fault} does not apply to \"{node}\" ({})", .kind.name())]
    FaultDoesNotApply {
        /// The fault, in words.
        fault: String,
        /// The node.
        node: NodeId,
        /// The node's kind.
        kind: KindTag,
    },
    /// A node fault aimed at an edge.
    #[error("{0} applies to nodes, not edges")]
    NodeFaultOnEdge(String),
    /// No fault with this id is in force.
    #[error("fault {} is not in force", .0.0)]
    FaultNotInForce(FaultId),
    /// A workload change for a node that is not a client.
    #[error("\"{0}\" is not a client")]
    NotAClient(NodeId),
    /// A deploy or rollback of a node that is not a function.
    #[error("\"{0}\" is not a function")]
    NotAFunction(NodeId),
    /// A deploy while the previous one still shifts traffic.
    #[error("a deploy of \"{0}\" is still shifting traffic")]
    StillShifting(NodeId),
    /// A rollback with nothing that served before.
    #[error("there is no earlier version")]
    NoEarlierVersion,
    /// A deploy names an alarm the run does not have.
    #[error("there is no alarm named \"{0}\"")]
    NoAlarm(String),
}

/// What a command did.
#[derive(Clone, Debug, PartialEq)]
pub enum Applied {
    /// A fault is in force with this id.
    Fault(FaultId),
    /// This many faults were cleared.
    Cleared(usize),
    /// The workload changed.
    Workload,
    /// A new version is deploying (its number).
    Deployed(u32),
    /// Traffic is back on this version.
    RolledBack(u32),
}

impl Simulation {
    /// Applies `cmd` now. Errors say why a command was refused (unknown node, a fault that
    /// does not apply to the node's kind, a deploy already shifting…); nothing changes then.
    pub fn apply(&mut self, cmd: Command) -> Result<Applied, CommandError> {
        match cmd {
            Command::InjectFault(fault) => {
                self.check_fault(&fault)?;
                Ok(Applied::Fault(self.inject_fault(fault)))
            }
            Command::ClearFault(id) => {
                if self.clear_fault(id) {
                    Ok(Applied::Cleared(1))
                } else {
                    Err(CommandError::FaultNotInForce(id))
                }
            }
            Command::ClearAllFaults => {
                let ids: Vec<FaultId> = self.active_faults().iter().map(|a| a.id).collect();
                let n = ids.len();
                for id in ids {
                    self.clear_fault(id);
                }
                Ok(Applied::Cleared(n))
            }
            Command::SetWorkload { node, arrival } => {
                if self.set_workload(&node, &arrival) {
                    Ok(Applied::Workload)
                } else {
                    Err(CommandError::NotAClient(node))
                }
            }
            Command::Deploy {
                node,
                params,
                strategy,
            } => self
                .deploy(&node, &params, &strategy)
                .map(Applied::Deployed),
            Command::Rollback { node } => self.rollback(&node).map(Applied::RolledBack),
        }
    }

    /// Refuses a fault whose target does not exist or on which it would do nothing.
    fn check_fault(&self, fault: &Fault) -> Result<(), CommandError> {
        match &fault.target {
            FaultTarget::Node(n) => {
                let Some(&i) = self.topo.index.get(n) else {
                    return Err(CommandError::NoNode(n.clone()));
                };
                let tag: KindTag = self.topo.kinds[i].tag();
                if fault.kind.is_edge_fault() || !fault.kind.applies_to(tag) {
                    return Err(CommandError::FaultDoesNotApply {
                        fault: super::faults::describe(&fault.kind),
                        node: n.clone(),
                        kind: tag,
                    });
                }
            }
            FaultTarget::Edge(e) => {
                if !self.topo.edge_index.contains_key(e) {
                    return Err(CommandError::NoEdge(e.clone()));
                }
                if !fault.kind.is_edge_fault() {
                    return Err(CommandError::NodeFaultOnEdge(super::faults::describe(
                        &fault.kind,
                    )));
                }
            }
        }
        Ok(())
    }
}
