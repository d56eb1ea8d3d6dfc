//! A Graphviz DOT digraph, left to right: rounded boxes outlined in the kind's colour with
//! the name and summary, edges coloured and styled by kind with their settings as labels.

use super::{Stroke, edge_rgb, edge_stroke, edge_text, hex, kind_rgb, kind_summary};
use crate::model::Project;
use std::fmt::Write;

/// A DOT double-quoted string.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The project as a DOT digraph.
pub fn to_dot(project: &Project) -> String {
    let mut s = format!("digraph {} {{\n", quoted(&project.name));
    s.push_str("    rankdir=LR;\n");
    s.push_str("    graph [fontname=\"Helvetica\", bgcolor=\"#f4f5f7\"];\n");
    s.push_str(
        "    node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=12, penwidth=2];\n",
    );
    s.push_str("    edge [fontname=\"Helvetica\", fontsize=10, penwidth=1.5];\n");
    for (id, node) in &project.graph.nodes {
        let _ = writeln!(
            s,
            "    {} [label={}, color=\"{}\"];",
            quoted(id.as_str()),
            quoted(&format!("{}\n{}", node.name, kind_summary(node))),
            hex(kind_rgb(node.kind.tag()))
        );
    }
    for e in project.graph.edges.values() {
        let tag = e.kind.tag();
        let style = match edge_stroke(tag) {
            Stroke::Solid => "solid",
            Stroke::Dashed => "dashed",
            Stroke::Dotted => "dotted",
        };
        let _ = writeln!(
            s,
            "    {} -> {} [label={}, color=\"{}\", fontcolor=\"#5e636e\", style={style}];",
            quoted(e.from.as_str()),
            quoted(e.to.as_str()),
            quoted(&edge_text(e)),
            hex(edge_rgb(tag))
        );
    }
    s.push_str("}\n");
    s
}
