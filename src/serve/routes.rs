//! Which path reaches which API: one prefix per HttpApi node, `/<node id>` (ids are URL-safe
//! by the model's id rule), in the graph's id order.

use crate::model::{NodeId, NodeKind, Project};
use serde::Serialize;

/// One API and the paths that reach it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Route {
    /// The HttpApi node.
    pub api: NodeId,
    /// Its display name.
    pub name: String,
    /// `/<node id>`: the path itself and everything under `/<node id>/` reach it.
    pub prefix: String,
}

/// Every API of a project, with its prefix.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Routes {
    list: Vec<Route>,
}

impl Routes {
    /// The routes of `project`'s HttpApi nodes.
    pub fn of(project: &Project) -> Routes {
        let list = project
            .graph
            .nodes
            .iter()
            .filter(|(_, n)| match &n.kind {
                NodeKind::HttpApi(_) => true,
                NodeKind::Function(_)
                | NodeKind::Client(_)
                | NodeKind::Schedule(_)
                | NodeKind::Bucket(_)
                | NodeKind::Table(_)
                | NodeKind::Topic(_)
                | NodeKind::Queue(_) => false,
            })
            .map(|(id, n)| Route {
                api: id.clone(),
                name: n.name.clone(),
                prefix: format!("/{id}"),
            })
            .collect();
        Routes { list }
    }

    /// The route `path` (without its query) reaches: its prefix alone, or followed by `/`.
    pub fn find(&self, path: &str) -> Option<&Route> {
        self.list.iter().find(|r| {
            path.strip_prefix(r.prefix.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// The route of `api`.
    pub fn of_api(&self, api: &NodeId) -> Option<&Route> {
        self.list.iter().find(|r| &r.api == api)
    }

    /// Every route, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Route> {
        self.list.iter()
    }

    /// Whether the project has no API to serve.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many APIs there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HttpApiParams, Node};

    #[test]
    fn a_prefix_matches_itself_and_what_is_under_it_only() {
        let mut p = Project::default();
        for id in ["orders", "orders-v2"] {
            p.graph.nodes.insert(
                id.into(),
                Node::new(id, NodeKind::HttpApi(HttpApiParams::default())),
            );
        }
        let r = Routes::of(&p);
        let api = |path: &str| r.find(path).map(|x| x.api.as_str().to_owned());
        assert_eq!(api("/orders"), Some("orders".to_owned()));
        assert_eq!(api("/orders/"), Some("orders".to_owned()));
        assert_eq!(api("/orders/42/items"), Some("orders".to_owned()));
        assert_eq!(api("/orders-v2/x"), Some("orders-v2".to_owned()));
        assert_eq!(api("/ordersx"), None);
        assert_eq!(api("/"), None);
        assert_eq!(api(""), None);
        assert_eq!(r.len(), 2);
    }
}
