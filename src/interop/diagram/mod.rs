//! Diagrams of a design: [`to_svg`] (looks like the canvas, optionally with a run's
//! numbers), [`to_mermaid`] (a flowchart for Markdown on code hosts) and [`to_dot`]
//! (Graphviz). What they share — kind colours and glyphs (the canvas's, from
//! `ui::theme`; a GUI-build test keeps them equal), edge styles, one-line summaries — is here.

mod dot;
mod mermaid;
mod svg;

pub use dot::to_dot;
pub use mermaid::to_mermaid;
pub use svg::{LiveNumbers, to_svg};

pub use crate::model::describe::{
    Dash as Stroke, edge_dash as edge_stroke, edge_detail, human_ms, kind_glyph, kind_summary,
};

use crate::model::{Edge, EdgeTag, KindTag};

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// `#rrggbb`.
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The accent colour of a kind, as the canvas draws it (`ui::theme::kind_color`).
pub fn kind_rgb(kind: KindTag) -> Rgb {
    match kind {
        KindTag::Client => [0x8e, 0x8e, 0xa0],
        KindTag::HttpApi => [0xa1, 0x6b, 0xe8],
        KindTag::Schedule => [0xd9, 0x7a, 0xc8],
        KindTag::Function => [0xf0, 0x93, 0x2b],
        KindTag::Queue => [0xe0, 0x4f, 0x6b],
        KindTag::Topic => [0xe8, 0x5d, 0x9e],
        KindTag::Bucket => [0x4c, 0xae, 0x4f],
        KindTag::Table => [0x3f, 0x7f, 0xe0],
    }
}

/// The colour of an edge kind on a light background (`ui::theme::edge_color`).
pub fn edge_rgb(edge: EdgeTag) -> Rgb {
    match edge {
        EdgeTag::SyncInvoke => [0x30, 0x30, 0x40],
        EdgeTag::AsyncInvoke => [0xf0, 0x93, 0x2b],
        EdgeTag::Subscription => [0xe8, 0x5d, 0x9e],
        EdgeTag::EventSource => [0x2f, 0xb3, 0xb3],
        EdgeTag::Write => [0x5a, 0x96, 0xe6],
        EdgeTag::OnFailure => [0xe0, 0x4f, 0x4f],
    }
}

/// An edge's label: its kind and settings ("event-source mapping · batch 10").
pub fn edge_text(edge: &Edge) -> String {
    match edge_detail(edge) {
        Some(d) => format!("{} · {d}", edge.kind.tag().label()),
        None => edge.kind.tag().label().to_owned(),
    }
}
