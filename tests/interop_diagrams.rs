//! Diagrams of every example: the SVG parses and renders to a picture with the kinds'
//! colours in it (with and without a run's numbers), the Mermaid flowchart matches its
//! snapshot, the DOT has a statement per node and edge. `.ci/run` also feeds every DOT
//! to Graphviz.

use eventloom::interop::diagram::{hex, kind_rgb};
use eventloom::interop::{LiveNumbers, to_dot, to_mermaid, to_svg};
use eventloom::model::Project;
use std::path::PathBuf;

fn examples() -> Vec<(String, Project)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("projects")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, eventloom::project::load(&p).unwrap())
        })
        .collect()
}

/// Renders `svg`; returns the picture's size and how many pixels carry each kind colour.
fn render(svg: &str) -> (u32, u32, Vec<usize>) {
    let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default())
        .unwrap_or_else(|e| panic!("the SVG does not parse: {e}"));
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    let counts = eventloom::model::KindTag::ALL
        .iter()
        .map(|k| {
            let [r, g, b] = kind_rgb(*k);
            pixmap
                .pixels()
                .iter()
                .filter(|p| p.red() == r && p.green() == g && p.blue() == b && p.alpha() == 255)
                .count()
        })
        .collect();
    (size.width(), size.height(), counts)
}

#[test]
fn every_example_renders_with_its_kinds_colours() {
    for (name, project) in examples() {
        let svg = to_svg(&project, None);
        let (w, h, counts) = render(&svg);
        assert!(w >= 400 && h >= 150, "{name}: {w}×{h}");
        for (kind, count) in eventloom::model::KindTag::ALL.iter().zip(counts) {
            let present = project.graph.nodes.values().any(|n| n.kind.tag() == *kind);
            // Each node's colour stripe is 6 × 54 pixels.
            assert_eq!(
                present,
                count >= 200,
                "{name}: {kind:?} has {count} pixels of {}",
                hex(kind_rgb(*kind))
            );
        }
        for node in project.graph.nodes.values() {
            let shown: String = node.name.chars().take(8).collect();
            let escaped = shown.replace('&', "&amp;").replace('<', "&lt;");
            assert!(svg.contains(&escaped), "{name}: {} missing", node.name);
        }
    }
}

#[test]
fn live_numbers_are_drawn_as_badges() {
    let (_, project) = examples().into_iter().find(|(n, _)| n == "orders").unwrap();
    let report = eventloom::cli::run_to_report(&project).expect("runs");
    let live = LiveNumbers::from_report(&report);
    assert_eq!(live.badges.len(), project.graph.nodes.len());
    let svg = to_svg(&project, Some(&live));
    let (top, bottom, _) = &live.badges[&"place-order".into()];
    assert!(top.contains("/s") && top.contains("p99"), "{top}");
    assert!(svg.contains(top.as_str()), "badge missing");
    assert!(bottom.as_ref().is_some_and(|b| b.contains("/day")));
    let (_, _, counts) = render(&svg);
    assert!(counts.iter().sum::<usize>() > 0);
}

#[test]
fn mermaid_matches_its_snapshots() {
    for (name, project) in examples() {
        insta::assert_snapshot!(format!("mermaid_{name}"), to_mermaid(&project));
    }
}

#[test]
fn dot_has_a_statement_per_node_and_edge() {
    for (name, project) in examples() {
        let dot = to_dot(&project);
        assert!(
            dot.starts_with("digraph ") && dot.ends_with("}\n"),
            "{name}"
        );
        assert_eq!(
            dot.matches(" -> ").count(),
            project.graph.edges.len(),
            "{name}"
        );
        assert_eq!(
            dot.matches(", color=\"#").count(),
            project.graph.nodes.len() + project.graph.edges.len(),
            "{name}"
        );
    }
}

#[test]
fn hostile_names_are_escaped_in_every_format() {
    let mut project = examples().remove(0).1;
    for (i, node) in project.graph.nodes.values_mut().enumerate() {
        node.name = format!("<b>\"x\" & 'y' # {i}\n\\ --> ]] }}");
    }
    project.name = "a \" \\ }".to_owned();
    let svg = to_svg(&project, None);
    render(&svg);
    let dot = to_dot(&project);
    assert!(!dot.contains("\n\\ -->"), "{dot}");
    let mermaid = to_mermaid(&project);
    for line in mermaid.lines().skip(1) {
        assert!(line.starts_with("    "), "{line}");
        assert!(!line.contains("<b>"), "{line}");
    }
}

/// The diagrams use the canvas's colours and glyphs (the canvas keeps them in `ui::theme`).
#[cfg(feature = "gui")]
#[test]
fn diagram_colours_are_the_canvas_colours() {
    use eventloom::interop::diagram::{edge_rgb, kind_glyph};
    use eventloom::model::{EdgeTag, KindTag};
    use eventloom::ui::shell::theme;
    for k in KindTag::ALL {
        let c = theme::kind_color(k);
        assert_eq!([c.r(), c.g(), c.b()], kind_rgb(k), "{k:?}");
        assert_eq!(theme::kind_glyph(k), kind_glyph(k), "{k:?}");
    }
    for e in EdgeTag::ALL {
        let c = theme::edge_color(e, false);
        assert_eq!([c.r(), c.g(), c.b()], edge_rgb(e), "{e:?}");
    }
}
