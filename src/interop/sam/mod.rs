//! AWS SAM / CloudFormation: export a project as a SAM template, import SAM and
//! CloudFormation templates (YAML with short-form intrinsics, or JSON) as projects.

mod export;
pub mod metadata;
pub mod names;
pub mod platform;
pub mod resolve;
pub mod schedule;

pub use export::{ExportError, export_sam};

use super::read::{ReadError, read_template};
use crate::model::{ClientParams, Edge, EdgeKind, Graph, KindTag, Node, NodeKind, Pos, Project};
use std::fmt;

/// Why a template could not be imported. Every message is one short sentence or two.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ImportError {
    /// The text is not YAML or JSON (or breaks a limit).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The text is an Eventloom project, not a template.
    #[error(
        "this is an Eventloom project file (RON), not a template: open it with `eventloom FILE` or check it with `eventloom check FILE`"
    )]
    ProjectFile,
    /// YAML or JSON, but not a template.
    #[error("not a CloudFormation or SAM template: {0}")]
    NotATemplate(String),
    /// Parameters or conditions that depend on themselves.
    #[error("the template's {0}")]
    Cycle(#[from] resolve::Cycle),
    /// Nothing Eventloom models is left.
    #[error("nothing in the template can be modelled ({0})")]
    NothingUsable(String),
}

/// Something the importer skipped or guessed, addressed to a logical id (or
/// `Function.Event` for an event of a function).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportWarning {
    /// The logical id (shortened if a file made it huge).
    pub subject: String,
    /// What happened, in one sentence.
    pub message: String,
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)
    }
}

/// A project read from a template, with what was skipped on the way.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The project; positions laid out left to right when the template had none.
    pub project: Project,
    /// One warning per skipped resource or event, and per guess.
    pub warnings: Vec<ImportWarning>,
}

/// Imports a template (bytes of YAML or JSON). Templates exported by Eventloom come back
/// exactly; others get the modelled resources at their platform values, the model's
/// defaults for the rest, a client in front of each API (so it gets traffic) and a layered
/// layout.
pub fn import_template(bytes: &[u8]) -> Result<Imported, ImportError> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("#![enable") || head.starts_with('(') {
        return Err(ImportError::ProjectFile);
    }
    let (root, notes) = read_template(bytes)?;
    let mut seen = platform::read(&root)?;
    let notes = notes.into_iter().map(|message| ImportWarning {
        subject: "template".to_owned(),
        message,
    });
    seen.warnings.splice(0..0, notes);
    let meta = root
        .get("Metadata")
        .and_then(|m| m.get(metadata::KEY))
        .cloned();
    if seen.nodes.is_empty() && meta.is_none() {
        let skipped = seen.warnings.len();
        return Err(ImportError::NothingUsable(if skipped == 0 {
            "it has no resources".to_owned()
        } else {
            format!(
                "{skipped} resource{} skipped, e.g. {}",
                if skipped == 1 { "" } else { "s" },
                seen.warnings[0]
            )
        }));
    }
    let (mut project, mut warnings) = match meta {
        Some(m) => metadata::apply(&m, seen),
        None => {
            let (mut project, mut warnings) =
                metadata::apply(&crate::interop::value::Value::Null, seen);
            add_clients(&mut project.graph, &mut warnings);
            (project, warnings)
        }
    };
    place_new_nodes(&mut project);
    warnings.dedup();
    Ok(Imported { project, warnings })
}

/// A client in front of every API nothing calls, so an imported design gets traffic.
fn add_clients(graph: &mut Graph, warnings: &mut Vec<ImportWarning>) {
    let quiet: Vec<_> = graph
        .nodes
        .iter()
        .filter(|(id, n)| n.kind.tag() == KindTag::HttpApi && graph.edges_to(id).next().is_none())
        .map(|(id, n)| (id.clone(), n.name.clone()))
        .collect();
    for (api, name) in quiet {
        let client = graph.fresh_node_id(&format!("{api}-users"));
        let params = ClientParams::default();
        warnings.push(ImportWarning {
            subject: crate::model::truncate(&name),
            message: format!(
                "added the client \"{client}\" ({}) so the API gets traffic; set its workload",
                params.arrival.label()
            ),
        });
        graph.nodes.insert(
            client.clone(),
            Node::new(format!("Users of {name}"), NodeKind::Client(params)),
        );
        let edge = graph.fresh_edge_id(&client, &api);
        graph
            .edges
            .insert(edge, Edge::new(client, api, EdgeKind::SyncInvoke));
    }
}

/// Nodes without a position (a template from elsewhere, or resources added to an exported
/// one) get one from the layered layout, below what is already placed.
fn place_new_nodes(project: &mut Project) {
    let positions = &project.layout.positions;
    if project
        .graph
        .nodes
        .keys()
        .all(|id| positions.contains_key(id))
    {
        return;
    }
    let below = positions
        .values()
        .map(|p| p.y + 160.0)
        .fold(None, |m: Option<f32>, y| Some(m.map_or(y, |m| m.max(y))))
        .unwrap_or(0.0);
    let laid = crate::model::layout::layered(&project.graph);
    for (id, p) in laid {
        project.layout.positions.entry(id).or_insert(Pos {
            x: p.x,
            y: p.y + below,
        });
    }
}
