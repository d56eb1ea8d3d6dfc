//! SAM export and import: every example project comes back exactly through a template;
//! the platform, not the metadata, carries what SAM can express.

use eventloom::interop::{export_sam, import_template};
use eventloom::model::Project;
use std::path::PathBuf;

fn examples() -> Vec<(PathBuf, Project)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("projects")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "{paths:?}");
    paths
        .into_iter()
        .map(|p| {
            let project = eventloom::project::load(&p).unwrap();
            (p, project)
        })
        // SAM is AWS's: an example with functions on other providers is refused (as
        // tests/providers.rs checks), so it has no round trip.
        .filter(|(_, project)| {
            project.graph.nodes.values().all(|n| {
                n.kind
                    .as_function()
                    .is_none_or(|f| f.provider_in(project.provider).is_aws())
            })
        })
        .collect()
}

#[test]
fn every_example_round_trips_exactly() {
    for (path, project) in examples() {
        let yaml = export_sam(&project).expect("an AWS project exports");
        let back =
            import_template(yaml.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            back.warnings.is_empty(),
            "{}: {:?}",
            path.display(),
            back.warnings
        );
        if back.project != project {
            let a = eventloom::project::to_ron_string(&project);
            let b = eventloom::project::to_ron_string(&back.project);
            let diff: Vec<String> = a
                .lines()
                .zip(b.lines())
                .enumerate()
                .filter(|(_, (x, y))| x != y)
                .take(10)
                .map(|(i, (x, y))| format!("{i}: {x}\n   {y}"))
                .collect();
            panic!("{}: differs\n{}", path.display(), diff.join("\n"));
        }
    }
}

/// Parameters SAM carries: they must never be repeated in the metadata.
const PLATFORM_FIELDS: [&str; 14] = [
    "memory_mb",
    "timeout_ms",
    "arch",
    "reserved_concurrency",
    "provisioned_concurrency",
    "visibility_timeout_ms",
    "retention_ms",
    "fifo",
    "max_receive_count",
    "stream_enabled",
    "rate_limit_rps",
    "burst",
    "flavor",
    "batch_size",
];

fn metadata_text(yaml: &str) -> &str {
    let start = yaml.find("\nMetadata:\n").expect("a Metadata section");
    let end = yaml.find("\nResources:\n").expect("a Resources section");
    &yaml[start..end]
}

#[test]
fn the_metadata_never_repeats_what_sam_carries() {
    for (path, project) in examples() {
        let yaml = export_sam(&project).expect("an AWS project exports");
        let meta = metadata_text(&yaml);
        let (nodes, edges) = meta.split_once("\n    Edges:").expect("Edges");
        // Changes of platform nodes; whole nodes (clients) may hold anything.
        let mut entries: Vec<String> = Vec::new();
        for line in nodes.lines() {
            let starts_entry = line.starts_with("      ") && !line[6..].starts_with(' ');
            match entries.last_mut() {
                Some(e) if !starts_entry => e.push_str(&format!("\n{line}")),
                _ => entries.push(line.to_owned()),
            }
        }
        assert!(
            entries.len() > project.graph.nodes.len(),
            "{}",
            path.display()
        );
        for entry in entries.iter().filter(|e| e.contains("Changes:")) {
            for field in PLATFORM_FIELDS {
                assert!(
                    !entry.contains(&format!(" {field}:")),
                    "{}: metadata repeats {field}:\n{entry}",
                    path.display()
                );
            }
        }
        for entry in edges
            .split("\n      - ")
            .filter(|e| e.contains("Platform:"))
        {
            for field in PLATFORM_FIELDS {
                assert!(
                    !entry.contains(&format!(" {field}:")),
                    "{}: metadata repeats {field}:\n{entry}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn without_the_metadata_the_platform_values_remain() {
    use eventloom::interop::sam::names::{logical_ids, node_id_stem};
    use eventloom::model::{NodeId, NodeKind};
    for (path, project) in examples() {
        let yaml = export_sam(&project).expect("an AWS project exports");
        let stripped = yaml.replace(metadata_text(&yaml), "");
        let back = import_template(stripped.as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .project;
        let ids = logical_ids(&project.graph);
        for (id, node) in &project.graph.nodes {
            let imported = back.graph.nodes.get(&NodeId::new(node_id_stem(&ids[id])));
            let what = format!("{}: {id}", path.display());
            match (&node.kind, imported.map(|n| &n.kind)) {
                (NodeKind::Client(_) | NodeKind::Schedule(_), _) => {}
                (NodeKind::Function(a), Some(NodeKind::Function(b))) => assert_eq!(
                    (
                        a.memory_mb,
                        a.timeout_ms,
                        a.arch,
                        a.reserved_concurrency,
                        a.provisioned_concurrency
                    ),
                    (
                        b.memory_mb,
                        b.timeout_ms,
                        b.arch,
                        b.reserved_concurrency,
                        b.provisioned_concurrency
                    ),
                    "{what}"
                ),
                (NodeKind::Queue(a), Some(NodeKind::Queue(b))) => {
                    assert_eq!(
                        (
                            a.visibility_timeout_ms,
                            a.retention_ms,
                            a.fifo,
                            a.delivery_delay_ms
                        ),
                        (
                            b.visibility_timeout_ms,
                            b.retention_ms,
                            b.fifo,
                            b.delivery_delay_ms
                        ),
                        "{what}"
                    );
                }
                (NodeKind::Table(a), Some(NodeKind::Table(b))) => {
                    assert_eq!(a.stream_enabled, b.stream_enabled, "{what}");
                }
                (NodeKind::HttpApi(a), Some(NodeKind::HttpApi(b))) => assert_eq!(
                    (a.flavor, a.rate_limit_rps, a.burst),
                    (b.flavor, b.rate_limit_rps, b.burst),
                    "{what}"
                ),
                (NodeKind::Topic(_), Some(NodeKind::Topic(_)))
                | (NodeKind::Bucket(_), Some(NodeKind::Bucket(_))) => {}
                (kind, other) => panic!("{what}: {:?} came back as {other:?}", kind.tag()),
            }
        }
        // Every edge the metadata says the platform carries is there without it.
        let platform_edges = metadata_text(&yaml).matches("Platform:").count();
        let clients = back
            .graph
            .nodes
            .values()
            .filter(|n| n.kind.tag() == eventloom::model::KindTag::Client)
            .count();
        assert_eq!(
            back.graph.edges.len(),
            platform_edges + clients,
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_value_edited_in_the_resources_wins_on_import() {
    let (_, project) = examples()
        .into_iter()
        .find(|(p, _)| p.ends_with("orders.ron"))
        .unwrap();
    let yaml = export_sam(&project).expect("an AWS project exports");
    assert_eq!(yaml.matches("MemorySize: 1024").count(), 1);
    let edited = yaml.replace("MemorySize: 1024", "MemorySize: 2048");
    let back = import_template(edited.as_bytes()).unwrap().project;
    let mut expected = project.clone();
    if let eventloom::model::NodeKind::Function(f) = &mut expected
        .graph
        .nodes
        .get_mut(&"process-order".into())
        .unwrap()
        .kind
    {
        f.memory_mb = 2048;
    }
    assert_eq!(back, expected);
}

#[test]
fn the_export_is_stable_and_starts_with_what_aws_sees() {
    for (path, project) in examples() {
        let yaml = export_sam(&project).expect("an AWS project exports");
        assert_eq!(
            yaml,
            export_sam(&project).expect("an AWS project exports"),
            "{}",
            path.display()
        );
        assert!(yaml.starts_with("# AWS SAM template exported by Eventloom"));
        assert!(yaml.contains("# What AWS does not see:"));
        assert!(yaml.contains("\nTransform: AWS::Serverless-2016-10-31\n"));
        // Exported again after a round trip: the same bytes.
        let back = import_template(yaml.as_bytes()).unwrap().project;
        assert_eq!(
            export_sam(&back).expect("an AWS project exports"),
            yaml,
            "{}",
            path.display()
        );
    }
}

/// Values SAM cannot hold exactly (sub-second timeouts, out-of-range settings, a cron with
/// both day fields, names with characters tags refuse) travel in the metadata: the round
/// trip stays exact, and the export does not panic on extreme values.
#[test]
fn values_sam_rounds_or_refuses_still_round_trip() {
    use eventloom::model::{ApiFlavor, EdgeKind, NodeKind, Scaling, ScheduleTrigger};
    for (path, mut project) in examples() {
        for (i, node) in project.graph.nodes.values_mut().enumerate() {
            node.name = format!("{} (v{i}) ✓ \"quoted\" #{i}", node.name);
            match &mut node.kind {
                NodeKind::Function(f) => {
                    f.timeout_ms = 1_500 + i as u64;
                    f.memory_mb = 20_000;
                    f.reserved_concurrency = Some(0);
                    f.provisioned_concurrency = 7;
                    f.retry.max_retries = 5;
                    f.retry.max_event_age_ms = u64::MAX;
                    f.scaling = Scaling::Custom {
                        environments: 3,
                        every_ms: 1,
                    };
                }
                NodeKind::Queue(q) => {
                    q.visibility_timeout_ms = 1;
                    q.retention_ms = u64::MAX;
                    q.delivery_delay_ms = 1_000_000;
                    q.fifo = i % 2 == 0;
                    q.max_receive_count = Some(u32::MAX);
                }
                NodeKind::HttpApi(a) => {
                    a.flavor = ApiFlavor::Http;
                    a.rate_limit_rps = 0.25;
                    a.integration_timeout_ms = 10;
                }
                NodeKind::Schedule(s) => {
                    s.trigger = ScheduleTrigger::Cron {
                        expression: "*/7 3 1-5 * 2".to_owned(),
                    };
                }
                NodeKind::Table(t) => t.stream_enabled = !t.stream_enabled,
                NodeKind::Client(_) | NodeKind::Bucket(_) | NodeKind::Topic(_) => {}
            }
        }
        for edge in project.graph.edges.values_mut() {
            if let EdgeKind::EventSource(m) = &mut edge.kind {
                m.batch_size = 50_000;
                m.batch_window_ms = 1_234;
                m.max_concurrency = Some(1);
            }
        }
        let yaml = export_sam(&project).expect("an AWS project exports");
        let back = import_template(yaml.as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .project;
        assert_eq!(
            eventloom::project::to_ron_string(&back),
            eventloom::project::to_ron_string(&project),
            "{}",
            path.display()
        );
    }
}
