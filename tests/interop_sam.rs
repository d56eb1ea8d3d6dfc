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
        .collect()
}

#[test]
fn every_example_round_trips_exactly() {
    for (path, project) in examples() {
        let yaml = export_sam(&project);
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
