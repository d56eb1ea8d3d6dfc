//! The `Eventloom` key of a template's `Metadata`: what the platform has no equivalent for,
//! so that an exported template imports back exactly. It holds *differences* only — for
//! each node and edge, the fields whose value the platform's view (see
//! [`platform`](super::platform)) does not already give; nodes and edges the platform cannot
//! express at all (clients, a client's calls, an API publishing to a queue) in full; and the
//! project's own settings (run, prices, expectations, experiments, lesson, positions).
//!
//! ```yaml
//! Metadata:
//!   Eventloom:
//!     Version: 1
//!     Project: {name: …, run: {…}, expectations: […], layout: {…}}
//!     Nodes:
//!       ProcessOrderFunction: {Id: process-order, Changes: {kind: {Function: {duration: …}}}}
//!       ShoppersClient: {Id: shoppers, Node: {name: Shoppers, kind: {Client: {…}}}}
//!     Edges:
//!       - {Id: orders-api-place-order, From: orders-api, To: place-order, Platform: SyncInvoke}
//!       - {Id: shoppers-orders-api, From: shoppers, To: orders-api, Edge: {…}}
//! ```
//!
//! Inside `Changes`, `Node`, `Edge` and `Project` the model's own serde names are used, so a
//! new parameter travels here with no code until it is mapped to a SAM property.

use super::ImportWarning;
use super::platform::Platform;
use crate::interop::value::Value;
use crate::model::{Edge, EdgeId, Graph, Node, NodeId, Project};
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};

/// The key under the template's `Metadata`.
pub const KEY: &str = "Eventloom";
/// Layout version of the metadata.
pub const VERSION: u64 = 1;
/// A change that replaces a value whole instead of merging into it.
const REPLACE: &str = "$replace";

/// Marks text that stands for a float or `null`, which cfn-lint refuses in `Metadata`
/// (E4002 allows text, integers, booleans, lists and mappings only): `0.3` is written
/// `"=0.3"`, `null` `"=null"`, and text that starts with `=` gets one more.
const MARK: char = '=';

/// The metadata form of a JSON value (see [`MARK`]).
pub fn encode(j: &Json) -> Value {
    match j {
        Json::Null => Value::str(format!("{MARK}null")),
        Json::Number(n) if n.is_f64() => Value::str(format!("{MARK}{n}")),
        Json::String(s) if s.starts_with(MARK) => Value::str(format!("{MARK}{s}")),
        Json::Array(a) => Value::Seq(a.iter().map(encode).collect()),
        Json::Object(o) => Value::map(o.iter().map(|(k, v)| (k.clone(), encode(v)))),
        Json::Bool(_) | Json::Number(_) | Json::String(_) => Value::from_json(j),
    }
}

/// The JSON value of a metadata value (the inverse of [`encode`]).
pub fn decode(v: &Value) -> Json {
    match v {
        Value::String(s) => match s.strip_prefix(MARK) {
            Some(rest) if rest.starts_with(MARK) => Json::String(rest.to_owned()),
            Some("null") => Json::Null,
            Some(number) => number
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| Json::String(s.clone()), Json::Number),
            None => Json::String(s.clone()),
        },
        Value::Seq(items) => Json::Array(items.iter().map(decode).collect()),
        Value::Map(m) => Json::Object(m.iter().map(|(k, v)| (k.to_owned(), decode(v))).collect()),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::Tagged(..) => v.to_json(),
    }
}

/// What must be merged onto `base` to give `a`; `None` when they are equal.
pub fn diff(a: &Json, base: &Json) -> Option<Json> {
    if a == base {
        return None;
    }
    match (a, base) {
        (Json::Object(a), Json::Object(b)) => {
            if b.keys().any(|k| !a.contains_key(k)) {
                let mut o = serde_json::Map::new();
                o.insert(REPLACE.to_owned(), Json::Object(a.clone()));
                return Some(Json::Object(o));
            }
            let mut o = serde_json::Map::new();
            for (k, v) in a {
                let d = match b.get(k) {
                    Some(bv) => diff(v, bv),
                    None => Some(v.clone()),
                };
                if let Some(d) = d {
                    o.insert(k.clone(), d);
                }
            }
            Some(Json::Object(o))
        }
        _ => Some(a.clone()),
    }
}

/// `base` with `changes` (from [`diff`]) merged in.
pub fn merge(base: Json, changes: &Json) -> Json {
    match (base, changes) {
        (_, Json::Object(c)) if c.len() == 1 && c.contains_key(REPLACE) => c[REPLACE].clone(),
        (Json::Object(mut b), Json::Object(c)) => {
            for (k, v) in c {
                let old = b.remove(k).unwrap_or(Json::Null);
                b.insert(k.clone(), merge(old, v));
            }
            Json::Object(b)
        }
        (_, c) => c.clone(),
    }
}

fn json<T: serde::Serialize>(t: &T) -> Json {
    serde_json::to_value(t).unwrap_or(Json::Null)
}

/// The project the platform alone gives (no graph): defaults, the template's description.
pub fn baseline_project(platform: &Platform) -> Project {
    Project {
        name: "Imported template".to_owned(),
        description: platform.description.clone().unwrap_or_default(),
        ..Project::default()
    }
}

fn project_json(p: &Project) -> Json {
    let mut j = json(p);
    if let Json::Object(o) = &mut j {
        o.remove("graph");
    }
    j
}

/// The metadata for `project` exported as a template whose platform view is `platform`
/// (nodes by the logical ids in `ids`).
pub fn build(project: &Project, ids: &BTreeMap<NodeId, String>, platform: &Platform) -> Value {
    let mut meta = vec![("Version", Value::int(VERSION))];
    if let Some(d) = diff(
        &project_json(project),
        &project_json(&baseline_project(platform)),
    ) {
        meta.push(("Project", encode(&d)));
    }
    let mut nodes = Vec::new();
    for (id, node) in &project.graph.nodes {
        let logical = ids.get(id).cloned().unwrap_or_else(|| id.to_string());
        let mut entry = vec![("Id", Value::str(id.as_str()))];
        match platform.nodes.get(&logical) {
            Some(seen) => {
                if let Some(d) = diff(&json(node), &json(seen)) {
                    entry.push(("Changes", encode(&d)));
                }
            }
            None => entry.push(("Node", encode(&json(node)))),
        }
        nodes.push((logical, Value::map(entry)));
    }
    meta.push(("Nodes", Value::map(nodes)));
    let by_logical: BTreeMap<&str, &NodeId> = ids.iter().map(|(k, v)| (v.as_str(), k)).collect();
    let mut platform_edges: Vec<(
        Option<&NodeId>,
        Option<&NodeId>,
        &crate::model::EdgeKind,
        bool,
    )> = platform
        .edges
        .iter()
        .map(|e| {
            (
                by_logical.get(e.from.as_str()).copied(),
                by_logical.get(e.to.as_str()).copied(),
                &e.kind,
                false,
            )
        })
        .collect();
    let mut edges = Vec::new();
    for (id, edge) in &project.graph.edges {
        let mut entry = vec![
            ("Id", Value::str(id.as_str())),
            ("From", Value::str(edge.from.as_str())),
            ("To", Value::str(edge.to.as_str())),
        ];
        let ends = |p: &(
            Option<&NodeId>,
            Option<&NodeId>,
            &crate::model::EdgeKind,
            bool,
        )| { !p.3 && p.0 == Some(&edge.from) && p.1 == Some(&edge.to) };
        // The same kind first; a call between functions the platform only knows as a
        // permission (sync) may be an async one.
        let found = platform_edges
            .iter()
            .position(|p| ends(p) && p.2.tag() == edge.kind.tag())
            .or_else(|| {
                platform_edges.iter().position(|p| {
                    ends(p)
                        && p.2.tag() == crate::model::EdgeTag::SyncInvoke
                        && edge.kind.tag() == crate::model::EdgeTag::AsyncInvoke
                })
            });
        match found {
            Some(i) => {
                platform_edges[i].3 = true;
                let seen = Edge::new(
                    edge.from.clone(),
                    edge.to.clone(),
                    platform_edges[i].2.clone(),
                );
                entry.push(("Platform", Value::str(tag_name(&seen))));
                if let Some(d) = diff(&json(edge), &json(&seen)) {
                    entry.push(("Changes", encode(&d)));
                }
            }
            None => entry.push(("Edge", encode(&json(edge)))),
        }
        edges.push(Value::map(entry));
    }
    meta.push(("Edges", Value::Seq(edges)));
    Value::map(meta)
}

fn tag_name(e: &Edge) -> String {
    format!("{:?}", e.kind.tag())
}

fn entry_text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn from_json<T: serde::de::DeserializeOwned>(j: Json) -> Result<T, String> {
    serde_json::from_value(j).map_err(|e| crate::model::truncate(&e.to_string()))
}

/// The project a template with Eventloom metadata describes: the platform's view with the
/// metadata's differences applied. Entries that no longer fit the template (a resource
/// removed by hand, a value that does not parse) are left out with a warning.
pub fn apply(meta: &Value, platform: Platform) -> (Project, Vec<ImportWarning>) {
    let mut warnings = platform.warnings.clone();
    let mut warn = |subject: &str, message: String| {
        warnings.push(ImportWarning {
            subject: crate::model::truncate(subject),
            message,
        });
    };
    let mut project = baseline_project(&platform);
    if let Some(changes) = meta.get("Project") {
        let merged = merge(project_json(&project), &decode(changes));
        match from_json::<Project>(merged) {
            Ok(p) => project = p,
            Err(e) => warn(
                "Metadata.Eventloom.Project",
                format!("not understood ({e}); defaults used"),
            ),
        }
    }
    let mut graph = Graph::default();
    let mut logical_to_id: BTreeMap<String, NodeId> = BTreeMap::new();
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    if let Some(nodes) = meta.get("Nodes").and_then(Value::as_map) {
        for (logical, entry) in nodes.iter() {
            let Some(id) = entry_text(entry, "Id") else {
                warn(logical, "metadata entry without an Id; left out".to_owned());
                continue;
            };
            let node = match (entry.get("Node"), platform.nodes.get(logical)) {
                (Some(full), _) => from_json::<Node>(decode(full)),
                (None, Some(seen)) => {
                    claimed.insert(logical.to_owned());
                    let changes = entry.get("Changes").map_or(Json::Null, decode);
                    let base = json(seen);
                    if changes.is_null() {
                        Ok(seen.clone())
                    } else {
                        from_json::<Node>(merge(base, &changes)).or_else(|e| {
                            warn(
                                logical,
                                format!(
                                    "metadata not understood ({e}); the template's values are used"
                                ),
                            );
                            Ok(seen.clone())
                        })
                    }
                }
                (None, None) => {
                    warn(
                        logical,
                        "named in Eventloom's metadata but not in the template; left out"
                            .to_owned(),
                    );
                    continue;
                }
            };
            match node {
                Ok(n) => {
                    graph.nodes.insert(NodeId::new(id), n);
                    logical_to_id.insert(logical.to_owned(), NodeId::new(id));
                }
                Err(e) => warn(logical, format!("metadata not understood ({e}); left out")),
            }
        }
    }
    for (logical, node) in &platform.nodes {
        if claimed.contains(logical) || logical_to_id.contains_key(logical) {
            continue;
        }
        let id = graph.fresh_node_id(&super::names::node_id_stem(logical));
        graph.nodes.insert(id.clone(), node.clone());
        logical_to_id.insert(logical.clone(), id);
    }
    let mut platform_edges: Vec<Option<Edge>> = platform
        .edges
        .iter()
        .filter_map(|e| {
            Some(Some(Edge::new(
                logical_to_id.get(&e.from)?.clone(),
                logical_to_id.get(&e.to)?.clone(),
                e.kind.clone(),
            )))
        })
        .collect();
    for entry in meta
        .get("Edges")
        .and_then(Value::as_seq)
        .unwrap_or_default()
    {
        let (Some(id), Some(from), Some(to)) = (
            entry_text(entry, "Id"),
            entry_text(entry, "From"),
            entry_text(entry, "To"),
        ) else {
            warn(
                "Metadata.Eventloom.Edges",
                "an entry without Id, From or To; left out".to_owned(),
            );
            continue;
        };
        let edge = match (entry.get("Edge"), entry_text(entry, "Platform")) {
            (Some(full), _) => from_json::<Edge>(decode(full)),
            (None, Some(tag)) => {
                let slot = platform_edges.iter_mut().find(|p| {
                    p.as_ref().is_some_and(|e| {
                        e.from.as_str() == from && e.to.as_str() == to && tag_name(e) == tag
                    })
                });
                let Some(seen) = slot.and_then(Option::take) else {
                    warn(
                        id,
                        "its connection is no longer in the template; left out".to_owned(),
                    );
                    continue;
                };
                match entry.get("Changes") {
                    Some(c) => from_json::<Edge>(merge(json(&seen), &decode(c))),
                    None => Ok(seen),
                }
            }
            (None, None) => Err("neither Edge nor Platform".to_owned()),
        };
        match edge {
            Ok(e) => {
                graph.edges.insert(EdgeId::new(id), e);
            }
            Err(e) => warn(id, format!("metadata not understood ({e}); left out")),
        }
    }
    for e in platform_edges.into_iter().flatten() {
        let id = graph.fresh_edge_id(&e.from, &e.to);
        graph.edges.insert(id, e);
    }
    project.graph = graph;
    (project, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_then_merge_gives_back_the_value() {
        let cases = [
            (
                json!({"a": 1, "b": {"c": 2, "d": 3}}),
                json!({"a": 1, "b": {"c": 2, "d": 4}}),
            ),
            (
                json!({"Cron": {"e": "x"}}),
                json!({"Rate": {"every_ms": 1}}),
            ),
            (json!({"a": [1, 2]}), json!({"a": [1]})),
            (json!("Standard"), json!({"Custom": {"n": 1}})),
            (json!({"a": null}), json!({"a": 5})),
            (json!({}), json!({"a": 5})),
        ];
        for (a, base) in cases {
            let merged = match diff(&a, &base) {
                Some(d) => merge(base.clone(), &d),
                None => base.clone(),
            };
            assert_eq!(merged, a, "base {base}");
        }
        assert_eq!(diff(&json!({"x": 1}), &json!({"x": 1})), None);
        let j = json!({"f": 0.3, "n": null, "i": 7, "t": "=x", "u": "y", "l": [1.5, "==z"]});
        assert_eq!(decode(&encode(&j)), j);
    }
}
