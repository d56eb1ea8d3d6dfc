//! Node names by topology index: log lines and trace spans name nodes by index, the run
//! panels (dashboard, logs, traces, exports) show them by name.

use crate::model::{NodeId, Project, truncate};
use crate::sim::Snapshot;

/// Node ids and display names by topology index (the index in log lines and trace spans).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeNames {
    ids: Vec<NodeId>,
    names: Vec<String>,
}

impl NodeNames {
    /// The nodes of a run as `snapshot` lists them, named from `project` (a node the project
    /// no longer has — deleted while the run goes on — is named by its id).
    pub fn new(project: &Project, snapshot: &Snapshot) -> Self {
        Self::from_ids(project, snapshot.nodes.iter().map(|n| n.id.clone()))
    }

    /// The nodes of `project` in topology order (sorted by id), before any run.
    pub fn from_project(project: &Project) -> Self {
        Self::from_ids(project, project.graph.nodes.keys().cloned())
    }

    fn from_ids(project: &Project, ids: impl Iterator<Item = NodeId>) -> Self {
        let ids: Vec<NodeId> = ids.collect();
        let names = ids
            .iter()
            .map(|id| {
                project
                    .graph
                    .nodes
                    .get(id)
                    .map_or_else(|| truncate(id.as_str()), |n| truncate(&n.name))
            })
            .collect();
        Self { ids, names }
    }

    /// How many nodes.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id of node `index`.
    pub fn id(&self, index: usize) -> Option<&NodeId> {
        self.ids.get(index)
    }

    /// The display name of node `index` ("node #7" if the index is unknown).
    pub fn name(&self, index: usize) -> std::borrow::Cow<'_, str> {
        match self.names.get(index) {
            Some(n) => std::borrow::Cow::Borrowed(n.as_str()),
            None => std::borrow::Cow::Owned(format!("node #{index}")),
        }
    }

    /// The display name of node `id` (its id if unknown).
    pub fn name_of<'a>(&'a self, id: &'a NodeId) -> &'a str {
        self.index(id)
            .and_then(|i| self.names.get(i))
            .map_or(id.as_str(), String::as_str)
    }

    /// The index of node `id`.
    pub fn index(&self, id: &NodeId) -> Option<usize> {
        // Topology order is sorted by id.
        self.ids.binary_search(id).ok()
    }

    /// (index, id, name) of every node, in topology order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &NodeId, &str)> {
        self.ids
            .iter()
            .zip(&self.names)
            .enumerate()
            .map(|(i, (id, n))| (i, id, n.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_topology_order() {
        let p = crate::project::synthetic::pipeline(7);
        let names = NodeNames::from_project(&p);
        assert_eq!(names.len(), 7);
        let api = NodeId::new("api-0");
        let i = names.index(&api).unwrap();
        assert_eq!(names.id(i), Some(&api));
        assert_eq!(names.name(i), "api 0");
        assert_eq!(names.name_of(&api), "api 0");
        assert_eq!(names.name(99), "node #99");
        assert_eq!(names.name_of(&NodeId::new("gone")), "gone");
    }
}
