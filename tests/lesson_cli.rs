//! `eventloom lesson` from the command line: checks in words, questions with their reference
//! answers, handouts, and a class's answer files collected into one table.

use eventloom::lesson::{Given, LessonRecord, LessonRunner, Progress};
use std::process::{Command, Output};

fn eventloom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventloom"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The outline prints checks in words (never Rust debug text) and the questions.
#[test]
fn the_outline_prints_checks_in_words() {
    let o = eventloom(&["lesson", "projects/orders.ron"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("done when: Orders API: requests per second (last second) above 200.0/s"),
        "{out}"
    );
    assert!(
        out.contains("question: Process order takes at most 200 orders a second"),
        "{out}"
    );
    assert!(out.contains("Takeaway: "), "{out}");
    for debug in ["NodeId(", "Node {", "metric:", "All(["] {
        assert!(!out.contains(debug), "{debug} in {out}");
    }
}

/// `--auto` reports each question with the reference answer from the run.
#[test]
fn auto_reports_questions_with_reference_answers() {
    let o = eventloom(&["lesson", "projects/cold-starts.ron", "--auto"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("? The function itself takes about 60 ms."),
        "{out}"
    );
    assert!(out.contains("reference answer: 1,163 ms (API (on demand): worst per-second p99 latency over the last 60 s)"), "{out}");
    assert!(
        out.contains("reference answer: Quote (provisioned): it is billed while idle"),
        "{out}"
    );
}

/// `--handout md` prints the handout; every example has one.
#[test]
fn every_example_has_a_handout() {
    let mut paths: Vec<_> = std::fs::read_dir("projects")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort();
    for p in paths {
        let o = eventloom(&["lesson", p.to_str().unwrap(), "--handout", "md"]);
        let md = stdout(&o);
        assert!(o.status.success(), "{}: {md}", p.display());
        assert!(md.starts_with("# "), "{}", p.display());
        assert!(md.contains("**Predict first.**"), "{}", p.display());
        assert!(md.contains("## Answer key"), "{}", p.display());
        assert!(!md.contains('{'), "{}: {md}", p.display());
    }
    let bad = eventloom(&["lesson", "projects/orders.ron", "--handout", "pdf"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an unknown format is a usage error"
    );
}

/// `--collect DIR` tabulates the answer files a class saved.
#[test]
fn collect_tabulates_a_class() {
    let project = eventloom::project::load(std::path::Path::new("projects/scaling.ron")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (who, choice) in [("Ada", 1), ("Linus", 0)] {
        let mut r = LessonRunner::new(&project).unwrap();
        let mut sim = eventloom::sim::Simulation::new(
            &project,
            eventloom::sim::SimConfig::from_project(&project),
        )
        .unwrap();
        r.observe(&sim.snapshot());
        for _ in 0..30 {
            sim.run_until(sim.now() + eventloom::sim::SEC);
            if let Progress::Advanced { .. } = r.observe(&sim.snapshot()) {
                break;
            }
        }
        assert_eq!(r.index(), 1);
        assert!(r.answer(Given::Choice(choice)));
        let rec = LessonRecord::from_runner(&r, &project.name, who, None);
        std::fs::write(dir.path().join(rec.file_name()), rec.to_json()).unwrap();
    }
    let o = eventloom(&["lesson", "--collect", dir.path().to_str().unwrap()]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("## Only the busy function scales (2 learners)"),
        "{out}"
    );
    assert!(
        out.contains("| Ada | 1/4 | ✓ They stay as they are"),
        "{out}"
    );
    assert!(out.contains("| Linus | 1/4 | ✗ They grow too"), "{out}");
    assert!(out.contains("| right or close | | 1/2 |"), "{out}");
    let empty = tempfile::tempdir().unwrap();
    let o = eventloom(&["lesson", "--collect", empty.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("no answer files found"));
}
