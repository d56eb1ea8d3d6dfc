//! The `eventloom` binary: exit codes (0 ok, 1 errors or unreadable files, 2 usage — never
//! 101, a panic) and compiler-style output for every hostile input of `common/mod.rs`.

mod common;

use common::Expect;
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

fn eventloom<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventloom"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the eventloom binary runs")
}

fn check(files: &[&Path], extra: &[&str]) -> Output {
    let mut args: Vec<&OsStr> = vec![OsStr::new("check")];
    args.extend(extra.iter().map(OsStr::new));
    args.extend(files.iter().map(|f| f.as_os_str()));
    eventloom(args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit code and both streams, for failure messages (shortened: some inputs are huge).
fn describe(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{:.2000}\n--- stderr\n{:.2000}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

fn assert_no_panic(o: &Output) {
    assert_ne!(o.status.code(), Some(101), "panicked: {}", describe(o));
    assert!(!stderr(o).contains("panicked"), "{}", describe(o));
}

#[test]
fn every_bad_input_exits_1_with_a_located_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in common::cases() {
        let path = dir.path().join(format!("{}.ron", case.name));
        std::fs::write(&path, &case.input).unwrap();
        let out = check(&[&path], &[]);
        let text = stdout(&out);
        let p = path.display();
        let wanted = match &case.expect {
            Expect::Parse { message, line, col } => {
                vec![format!("{p}:{line}:{col}: error: "), (*message).to_owned()]
            }
            Expect::Version { message } => {
                vec![format!("{p}: error: "), (*message).to_owned()]
            }
            Expect::Invalid {
                code,
                subject,
                message,
            } => vec![
                format!("{p}: error: {subject}: "),
                (*message).to_owned(),
                format!("[{code}]"),
            ],
        };
        let line_ok = text.lines().any(|l| wanted.iter().all(|w| l.contains(w)));
        let summary_ok = text.contains("checked 1 file: ");
        if out.status.code() != Some(1) || !line_ok || !summary_ok {
            failures.push(format!(
                "{}: wanted exit 1 and a line with {wanted:?}; {}",
                case.name,
                describe(&out)
            ));
        }
        // A hostile file must not make the output huge (the 1 MB name case included).
        if text.len() > 4_000 {
            failures.push(format!("{}: {} bytes of output", case.name, text.len()));
        }
        assert_no_panic(&out);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn valid_project_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("valid.ron");
    eventloom::project::save(&common::valid_project(), &path).unwrap();
    let out = check(&[&path], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let text = stdout(&out);
    assert!(text.contains(&format!("{}: ok", path.display())), "{text}");
    assert!(
        text.contains("checked 1 file: 0 errors, 0 warnings"),
        "{text}"
    );
    // No warnings, so --deny-warnings changes nothing.
    let out = check(&[&path], &["--deny-warnings"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
}

#[test]
fn deny_warnings_turns_warnings_into_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("warn.ron");
    eventloom::project::save(&common::warning_project(), &path).unwrap();
    let wanted = format!("{}: warning: node \"lonely\": ", path.display());

    let out = check(&[&path], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(stdout(&out).contains(&wanted), "{}", describe(&out));
    assert!(stdout(&out).contains("[unconnected]"), "{}", describe(&out));
    assert!(
        stdout(&out).contains("0 errors, 1 warning"),
        "{}",
        describe(&out)
    );

    let out = check(&[&path], &["--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(stdout(&out).contains(&wanted), "{}", describe(&out));
}

#[test]
fn one_bad_file_among_good_ones_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.ron");
    eventloom::project::save(&common::valid_project(), &good).unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "(format_version: 1, nmae: \"typo\")").unwrap();
    let out = check(&[&good, &bad, &good], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let text = stdout(&out);
    assert_eq!(
        text.matches(&format!("{}: ok", good.display())).count(),
        2,
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}:1:21: error: Unexpected field named `nmae`",
            bad.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("checked 3 files: 1 error, 0 warnings"),
        "{text}"
    );
}

#[test]
fn missing_file_exits_1_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("does-not-exist.ron");
    let out = check(&[&path], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        stdout(&out).contains(&format!(
            "{}: error: cannot read the file: ",
            path.display()
        )),
        "{}",
        describe(&out)
    );
    assert!(
        stdout(&out).contains("No such file or directory") || cfg!(not(unix)),
        "{}",
        describe(&out)
    );
}

#[test]
fn a_folder_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(&[dir.path()], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        stdout(&out).contains(&format!(
            "{}: error: is a folder, not a project file",
            dir.path().display()
        )),
        "{}",
        describe(&out)
    );
}

#[test]
fn help_and_version_exit_0() {
    for args in [&["--help"][..], &["-h"], &["check", "--help"], &["help"]] {
        let out = eventloom(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", describe(&out));
        assert!(
            stdout(&out).contains("Usage:"),
            "{args:?}: {}",
            describe(&out)
        );
    }
    for flag in ["--version", "-V"] {
        let out = eventloom([flag]);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        let wanted = format!("eventloom {} (", env!("CARGO_PKG_VERSION"));
        assert!(stdout(&out).starts_with(&wanted), "{}", describe(&out));
    }
    let out = eventloom(["check", "--help"]);
    assert!(
        stdout(&out).contains("--deny-warnings"),
        "{}",
        describe(&out)
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = eventloom(["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        stderr(&out).contains("required arguments were not provided"),
        "{}",
        describe(&out)
    );
    assert!(stderr(&out).contains("<FILES>"), "{}", describe(&out));

    for args in [
        &["check", "--no-such-flag", "x.ron"][..],
        &["no-such-command", "x.ron"],
    ] {
        let out = eventloom(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", describe(&out));
        assert_no_panic(&out);
    }
}

// ---- A bug these tests found in src/ (now fixed) ----

#[test]
fn huge_cron_step_does_not_crash_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cron.ron");
    std::fs::write(&path, common::known_bugs::cron_step_overflow()).unwrap();
    let out = check(&[&path], &[]);
    assert_no_panic(&out);
    // The step means "once"; the lone schedule only draws warnings (it is unconnected).
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
}

#[test]
fn lesson_auto_passes_on_an_example_and_fails_without_a_lesson() {
    let out = eventloom(["lesson", "projects/fault-isolation.ron", "--auto"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(text.contains("✓ 1. "), "{text}");
    assert!(text.contains("PASS: 5/5 steps met"), "{text}");
    let out = eventloom(["lesson", "projects/fault-isolation.ron"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(stdout(&out).contains("action: Inject outage on Payment service"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.ron");
    let mut p = eventloom::project::load(Path::new("projects/fault-isolation.ron")).unwrap();
    p.lesson = None;
    std::fs::write(&path, eventloom::project::to_ron_string(&p)).unwrap();
    let out = eventloom([OsStr::new("lesson"), path.as_os_str(), OsStr::new("--auto")]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(stdout(&out).contains("has no lesson"), "{}", describe(&out));
    assert_no_panic(&out);
}

#[test]
fn run_json_to_stdout_writes_only_the_json() {
    let out = eventloom([
        "run",
        "projects/orders.ron",
        "--duration",
        "20s",
        "--json",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("standard output is exactly the JSON report");
    assert_eq!(report["duration_s"], 20.0);
    assert!(report["stopped"].is_null());
    // The summary went to standard error.
    assert!(stderr(&out).contains("ledger:"), "{}", describe(&out));
}

/// A function that invokes itself twice per call, recursion allowed: it grows without end.
fn runaway_project(dir: &Path) -> std::path::PathBuf {
    let mut p = eventloom::model::Project::default();
    let f = eventloom::model::FunctionParams {
        recursive_loop: eventloom::model::RecursiveLoop::Allow,
        ..Default::default()
    };
    p.graph.nodes.insert(
        "c".into(),
        eventloom::model::Node::new(
            "Client",
            eventloom::model::NodeKind::Client(eventloom::model::ClientParams {
                arrival: eventloom::model::Arrival::Constant { rate_per_s: 1.0 },
            }),
        ),
    );
    p.graph.nodes.insert(
        "boom".into(),
        eventloom::model::Node::new("Boom", eventloom::model::NodeKind::Function(f)),
    );
    let mut twice =
        eventloom::model::Edge::new("boom", "boom", eventloom::model::EdgeKind::AsyncInvoke);
    twice.emit.count = 2;
    p.graph.edges.insert("c-boom".into(), {
        eventloom::model::Edge::new("c", "boom", eventloom::model::EdgeKind::AsyncInvoke)
    });
    p.graph.edges.insert("boom-boom".into(), twice);
    let path = dir.join("runaway.ron");
    eventloom::project::save(&p, &path).expect("saved");
    path
}

#[test]
fn a_runaway_run_stops_at_its_budget_exits_1_and_keeps_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = runaway_project(dir.path());
    let json = dir.path().join("report.json");
    let out = eventloom([
        OsStr::new("run"),
        path.as_os_str(),
        OsStr::new("--max-memory"),
        OsStr::new("64M"),
        OsStr::new("--json"),
        json.as_os_str(),
    ]);
    assert_no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let text = stdout(&out);
    assert!(
        text.contains("memory budget of 64 MB"),
        "{}",
        describe(&out)
    );
    assert!(
        text.contains("\"Boom\" (boom) grew fastest"),
        "{}",
        describe(&out)
    );
    assert!(text.contains("ledger:"), "the report so far is printed");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("written")).expect("json");
    assert_eq!(report["stopped"]["cause"], "Memory");
    assert_eq!(report["stopped"]["node"], "boom");
    assert_eq!(report["ledger_balanced"], true);
}

#[test]
fn max_memory_must_be_a_size() {
    let out = eventloom(["run", "projects/orders.ron", "--max-memory", "lots"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(stderr(&out).contains("512M"), "{}", describe(&out));
}

#[test]
fn version_names_the_package_version_and_the_commit() {
    let out = eventloom(["--version"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let prefix = format!("eventloom {} (", env!("CARGO_PKG_VERSION"));
    let inner = text
        .trim_end()
        .strip_prefix(&prefix)
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{text:?} is not `{prefix}COMMIT)`"));
    // Built from this checkout: the commit git reports for HEAD, and its date.
    let head = Command::new("git")
        .args(["log", "-1", "--format=%H %cs"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    match head {
        Some(head) => {
            let (hash, date) = head.split_once(' ').expect("hash and date");
            let (short, built_date) = inner.split_once(' ').unwrap_or((inner, ""));
            assert!(
                short.len() >= 7 && hash.starts_with(short),
                "{inner:?} does not name HEAD {hash}"
            );
            assert_eq!(built_date, date, "{inner:?}");
        }
        None => assert_eq!(inner, "commit unknown"),
    }
}
