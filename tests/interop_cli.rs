//! `eventloom export` and `eventloom import` through the binary: every format writes,
//! a template comes back as the same project, warnings and errors are one line each, and
//! nothing is overwritten without `--force`.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

fn eventloom<S: AsRef<OsStr>>(args: impl IntoIterator<Item = S>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventloom"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn export_every_format_then_import_the_template() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    for (format, file, starts) in [
        ("sam", "t.yaml", "# AWS SAM template"),
        ("svg", "d.svg", "<svg "),
        ("mermaid", "d.mmd", "flowchart LR"),
        ("dot", "d.dot", "digraph "),
    ] {
        let o = eventloom(
            [
                "export",
                "projects/retries-dlq.ron",
                "--format",
                format,
                "-o",
            ]
            .map(OsStr::new)
            .into_iter()
            .chain([out(file).as_os_str()]),
        );
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let text = std::fs::read_to_string(out(file)).unwrap();
        assert!(text.starts_with(starts), "{format}: {text:.80}");
    }
    let o = eventloom([
        OsStr::new("import"),
        out("t.yaml").as_os_str(),
        OsStr::new("-o"),
        out("p.ron").as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("(0 skipped or guessed, 0 errors)"),
        "{}",
        stdout(&o)
    );
    let back = eventloom::project::load(&out("p.ron")).unwrap();
    let original = eventloom::project::load(Path::new("projects/retries-dlq.ron")).unwrap();
    assert_eq!(back, original);
    // The project is not replaced without --force, and is with it.
    let again = |force: bool| {
        let mut args = vec![
            "import".into(),
            out("t.yaml").into_os_string(),
            "-o".into(),
            out("p.ron").into_os_string(),
        ];
        if force {
            args.push("--force".into());
        }
        eventloom(args)
    };
    let refused = again(false);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("exists; pass --force"),
        "{}",
        stderr(&refused)
    );
    assert!(again(true).status.success());
}

#[test]
fn import_says_what_it_skipped_and_where_a_template_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("t.yaml");
    std::fs::write(
        &template,
        "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Get: {Type: HttpApi}\n",
    )
    .unwrap();
    let project = dir.path().join("p.ron");
    let o = eventloom(
        [template.as_os_str(), project.as_os_str()]
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                if i == 0 {
                    vec![OsStr::new("import"), p]
                } else {
                    vec![OsStr::new("-o"), p]
                }
            }),
    );
    let text = stderr(&o);
    assert!(o.status.success(), "{text}");
    assert!(stdout(&o).contains("imported 3 nodes"), "{}", stdout(&o));
    assert!(
        text.contains("warning: Flow: AWS::Serverless::StateMachine (Step Functions"),
        "{text}"
    );
    assert!(text.contains("added the client"), "{text}");
    let p = eventloom::project::load(&project).unwrap();
    assert_eq!(p.graph.nodes.len(), 3, "{:?}", p.graph.nodes.keys());
    assert_eq!(p.name, "Imported from t");

    std::fs::write(&template, "Resources:\n  F:\n    Type: [\n").unwrap();
    let o = eventloom([
        OsStr::new("import"),
        template.as_os_str(),
        OsStr::new("-o"),
        dir.path().join("q.ron").as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    let text = stderr(&o);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("t.yaml:4:1: error: YAML"), "{text}");
    assert!(!dir.path().join("q.ron").exists());
}

/// Errors go to standard error and the template alone to standard output, so `-o -` can be
/// piped and a script can tell a refusal from a broken run by what the error says.
#[test]
fn export_refusals_go_to_stderr_and_stdout_holds_only_the_template() {
    let o = eventloom([
        "export",
        "projects/three-clouds.ron",
        "--format",
        "sam",
        "-o",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    assert!(stderr(&o).contains("not AWS Lambda"), "{}", stderr(&o));

    let o = eventloom([
        "export",
        "projects/retries-dlq.ron",
        "--format",
        "sam",
        "-o",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("# AWS SAM template"),
        "{}",
        stdout(&o)
    );
    assert!(o.stderr.is_empty(), "{}", stderr(&o));

    let o = eventloom(["export", "no/such/file.ron", "--format", "dot", "-o", "-"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "{}", stdout(&o));
    assert!(stderr(&o).contains("no/such/file.ron"), "{}", stderr(&o));
}
