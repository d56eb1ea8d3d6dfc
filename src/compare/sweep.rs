//! Parameter paths for sweeps: `NODE.field[.field…]` (a node's or an edge's parameter, by
//! id) or `run.…` / `pricing.…` (the project's), set to a value given as text.
//!
//! The value is written through the project's serde form (JSON), so every parameter that a
//! file can hold can be swept, with the same names, and a wrong type or unknown field is
//! refused with the serde message rather than silently ignored.

use super::CompareError;
use crate::model::Project;
use serde_json::Value;

/// One parameter and the values it takes, from `--vary PATH=V1,V2,…`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// The parameter path, e.g. `resize.memory_mb`, `queue.visibility_timeout_ms`,
    /// `run.account_concurrency`.
    pub path: String,
    /// The values, as written.
    pub values: Vec<String>,
}

/// Most values one sweep may have.
pub const MAX_SWEEP_VALUES: usize = 64;

impl Sweep {
    /// Reads `PATH=V1,V2,…`.
    pub fn parse(text: &str) -> Result<Sweep, CompareError> {
        let usage = || {
            CompareError::Usage(format!(
                "expected PATH=V1,V2,… (e.g. resize.memory_mb=128,256,512), found {text:?}"
            ))
        };
        let (path, values) = text.split_once('=').ok_or_else(usage)?;
        let path = path.trim();
        let values: Vec<String> = values
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if path.is_empty() || values.is_empty() {
            return Err(usage());
        }
        if values.len() > MAX_SWEEP_VALUES {
            return Err(CompareError::Usage(format!(
                "a sweep takes at most {MAX_SWEEP_VALUES} values (found {})",
                values.len()
            )));
        }
        Ok(Sweep {
            path: path.to_owned(),
            values,
        })
    }

    /// The node or edge id the path starts with, when it names one of `project`'s.
    pub fn subject<'a>(&'a self, project: &Project) -> Option<&'a str> {
        let first = self.path.split('.').next()?;
        let node = project.graph.nodes.keys().any(|k| k.as_str() == first);
        let edge = project.graph.edges.keys().any(|k| k.as_str() == first);
        (node || edge).then_some(first)
    }
}

/// `project` with the parameter at `path` set to `value`.
pub fn set(project: &Project, path: &str, value: &str) -> Result<Project, CompareError> {
    let bad = |message: String| CompareError::BadValue {
        path: path.to_owned(),
        value: value.to_owned(),
        message,
    };
    let mut tree = serde_json::to_value(project).map_err(|e| bad(e.to_string()))?;
    let segments: Vec<&str> = path.split('.').collect();
    let Some((first, rest)) = segments.split_first() else {
        return Err(bad("the path is empty".to_owned()));
    };
    if rest.is_empty() {
        return Err(bad(format!(
            "name a parameter after {first:?} (e.g. {first}.memory_mb)"
        )));
    }
    let slot = locate(&mut tree, project, first, rest).map_err(bad)?;
    *slot = parse_like(slot, value).map_err(bad)?;
    serde_json::from_value(tree).map_err(|e| bad(e.to_string()))
}

/// The JSON slot `path` names inside the project's tree.
fn locate<'a>(
    tree: &'a mut Value,
    project: &Project,
    first: &str,
    rest: &[&str],
) -> Result<&'a mut Value, String> {
    let is_node = project.graph.nodes.keys().any(|k| k.as_str() == first);
    let is_edge = project.graph.edges.keys().any(|k| k.as_str() == first);
    let mut at = if is_node || is_edge {
        let table = if is_node { "nodes" } else { "edges" };
        let item = tree
            .get_mut("graph")
            .and_then(|g| g.get_mut(table))
            .and_then(|t| t.get_mut(first))
            .ok_or_else(|| format!("{first:?} is not in the project"))?;
        // A parameter of the kind (`{"Function": {...}}`) first, else a field of the node or
        // edge itself (`emit`, `name`).
        let in_kind = item
            .get("kind")
            .and_then(Value::as_object)
            .and_then(|k| k.values().next())
            .and_then(Value::as_object)
            .is_some_and(|params| params.contains_key(rest[0]));
        let own_field = item.as_object().is_some_and(|o| o.contains_key(rest[0]));
        if in_kind || !own_field {
            // Unknown names are reported against the kind's parameters, which is where
            // nearly every sweep goes.
            item.get_mut("kind")
                .and_then(Value::as_object_mut)
                .and_then(|k| k.values_mut().next())
                .filter(|params| params.is_object())
                .ok_or_else(|| format!("{first:?} has no parameter {:?}", rest[0]))?
        } else {
            item
        }
    } else {
        match first {
            "run" | "pricing" => tree,
            "provider" => {
                return Err("use --providers to run the design on other providers".to_owned());
            }
            other => {
                return Err(format!(
                    "{other:?} is neither a node or edge id of this project nor `run` or `pricing`"
                ));
            }
        }
    };
    let walk: Vec<&str> = if is_node || is_edge {
        rest.to_vec()
    } else {
        std::iter::once(first).chain(rest.iter().copied()).collect()
    };
    for seg in walk {
        let fields = match at.as_object() {
            Some(map) => map.keys().cloned().collect::<Vec<_>>().join(", "),
            None => String::new(),
        };
        at = at
            .as_object_mut()
            .and_then(|m| m.get_mut(seg))
            .ok_or_else(|| {
                if fields.is_empty() {
                    format!("{seg:?} is not a parameter here")
                } else {
                    format!("{seg:?} is not a parameter here (there are: {fields})")
                }
            })?;
    }
    Ok(at)
}

/// Reads `text` as the same kind of value as `current`: a number, true/false, a name
/// (text) or, for structured values, JSON.
fn parse_like(current: &Value, text: &str) -> Result<Value, String> {
    match current {
        Value::Number(_) => serde_json::from_str::<serde_json::Number>(text)
            .map(Value::Number)
            .map_err(|_| format!("expected a number, found {text:?}")),
        Value::Bool(_) => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(format!("expected true or false, found {text:?}")),
        },
        Value::String(_) => Ok(Value::String(text.to_owned())),
        Value::Null | Value::Array(_) | Value::Object(_) => {
            Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())))
        }
    }
}
