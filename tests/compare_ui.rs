//! The editor's Compare view (egui_kittest, no GPU): opened from the View menu, a comparison
//! over providers runs on its background thread, its table shows every variant with the
//! cheapest marked, and a variant opens as the project.
#![cfg(feature = "gui")]

use egui::Vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eventloom::model::{Edge, EdgeKind, KindTag, Node, NodeKind, Pos, Project, Provider};
use eventloom::ui::Editor;

/// Shoppers → Checkout (sync), ten simulated seconds per run.
fn project() -> Project {
    let mut p = Project {
        name: "Compare test".to_owned(),
        ..Project::default()
    };
    p.run.duration_ms = 10_000;
    for (id, name, kind, x) in [
        ("shoppers", "Shoppers", KindTag::Client, 0.0),
        ("checkout", "Checkout", KindTag::Function, 320.0),
    ] {
        p.graph
            .nodes
            .insert(id.into(), Node::new(name, kind.default_kind()));
        p.layout.positions.insert(id.into(), Pos { x, y: 0.0 });
    }
    if let Some(NodeKind::Function(f)) = p
        .graph
        .nodes
        .get_mut(&"checkout".into())
        .map(|n| &mut n.kind)
    {
        f.memory_mb = 1_024;
    }
    p.graph.edges.insert(
        "shoppers-checkout".into(),
        Edge::new("shoppers", "checkout", EdgeKind::SyncInvoke),
    );
    p
}

#[test]
fn a_comparison_over_providers_shows_its_table_and_opens_a_variant() {
    let mut h = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), Editor::new(project(), None));
    h.run();
    h.get_by_label("View").click();
    h.run();
    h.get_by_label_contains("Compare").click();
    h.run();
    assert!(h.state().compare.open, "the View menu opens Compare");
    h.get_by_label("providers").click();
    h.run();
    h.state_mut().compare.seeds = 2;
    h.get_by_label("Run comparison").click();
    // The runs go on the compare thread; frames poll for the answer (and keep repainting
    // while it runs, so single steps).
    for _ in 0..1_200 {
        h.step();
        if h.state().compare.result.is_some() || h.state().compare.error.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    h.run();
    let state = h.state();
    assert_eq!(state.compare.error, None);
    let result = state
        .compare
        .result
        .as_ref()
        .expect("the comparison finished");
    assert_eq!(result.variants.len(), 3, "AWS, Cloud Run, Flex");
    for v in &result.variants {
        // Its table row (and the plot's legend).
        assert!(h.get_all_by_label(&v.label).count() >= 1, "{}", v.label);
    }
    assert!(h.get_all_by_label_contains("cheapest").count() >= 1);
    assert_eq!(h.get_all_by_label("Open as project").count(), 3);
    // Open the Cloud Run variant (the second row).
    let second = result.variants[1].label.clone();
    assert!(second.contains("gcp"), "{second}");
    h.get_all_by_label("Open as project")
        .nth(1)
        .expect("a second row")
        .click();
    h.run();
    h.run();
    assert_eq!(h.state().project.provider, Provider::Gcp);
}
