//! A Mermaid flowchart, left to right, for Markdown on code hosts: one shape per kind, the
//! kind's colour, one arrow style per edge kind (solid sync calls, writes and pollers;
//! dotted async, subscriptions and failures), labelled with the edge's settings.

use super::{Stroke, edge_rgb, edge_stroke, edge_text, hex, kind_glyph, kind_rgb};
use crate::model::{KindTag, NodeId, Project};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Mermaid's text inside `"…"`: quotes and angle brackets as entities, no line breaks.
fn label(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Node ids as Mermaid identifiers (letters, digits, `_`), unique.
fn identifiers(project: &Project) -> BTreeMap<&NodeId, String> {
    let mut out = BTreeMap::new();
    let mut used = std::collections::BTreeSet::new();
    for id in project.graph.nodes.keys() {
        let base: String = id
            .as_str()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let base = format!("n_{base}");
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        out.insert(id, name);
    }
    out
}

/// The shape brackets of a kind.
fn shape(kind: KindTag) -> (&'static str, &'static str) {
    match kind {
        KindTag::Client => ("([", "])"),
        KindTag::HttpApi => ("{{", "}}"),
        KindTag::Schedule => ("((", "))"),
        KindTag::Function => ("[", "]"),
        KindTag::Queue => ("[[", "]]"),
        KindTag::Topic => (">", "]"),
        KindTag::Bucket | KindTag::Table => ("[(", ")]"),
    }
}

/// The project as a Mermaid flowchart.
pub fn to_mermaid(project: &Project) -> String {
    let ids = identifiers(project);
    let mut s = String::from("flowchart LR\n");
    for (id, node) in &project.graph.nodes {
        let kind = node.kind.tag();
        let (open, close) = shape(kind);
        let _ = writeln!(
            s,
            "    {}{open}\"{} {}\"{close}:::{}",
            ids[id],
            kind_glyph(kind),
            label(&node.name),
            kind.name()
        );
    }
    let mut styles = Vec::new();
    for e in project.graph.edges.values() {
        let (Some(from), Some(to)) = (ids.get(&e.from), ids.get(&e.to)) else {
            continue;
        };
        let tag = e.kind.tag();
        let arrow = match edge_stroke(tag) {
            Stroke::Solid => "-->",
            Stroke::Dashed | Stroke::Dotted => "-.->",
        };
        let _ = writeln!(s, "    {from} {arrow}|\"{}\"| {to}", label(&edge_text(e)));
        styles.push(hex(edge_rgb(tag)));
    }
    for kind in KindTag::ALL {
        let c = hex(kind_rgb(kind));
        let _ = writeln!(
            s,
            "    classDef {} fill:{c}22,stroke:{c},stroke-width:2px",
            kind.name()
        );
    }
    for (i, c) in styles.iter().enumerate() {
        let _ = writeln!(s, "    linkStyle {i} stroke:{c}");
    }
    s
}
