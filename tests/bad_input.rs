//! Malformed and hostile project files must give a specific, short error — never a panic, a
//! stack overflow or a message that repeats megabytes of input. The cases live in
//! `common/mod.rs` so `cli.rs` runs the same ones through the binary.

mod common;

use common::{Case, Expect, HUGE, VALID};
use eventloom::model::{Severity, validate};
use eventloom::project::{LoadError, from_ron_bytes, from_ron_str, to_ron_string};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Longest acceptable error or diagnostic line: long enough for "expected one of …" lists,
/// far shorter than any hostile input.
const MAX_MESSAGE: usize = 1_000;

/// Loads (and validates) one case; `Err` says how the outcome differs from the expectation.
fn check(case: &Case) -> Result<(), String> {
    let loaded = catch_unwind(|| from_ron_bytes(&case.input))
        .map_err(|_| "from_ron_bytes panicked".to_owned())?;
    match (&case.expect, loaded) {
        (Expect::Parse { message, line, col }, Err(e)) => {
            let shown = e.to_string();
            let LoadError::Parse {
                path: None,
                line: l,
                col: c,
                message: m,
            } = &e
            else {
                return Err(format!("expected a parse error, got {e:?}"));
            };
            if !m.contains(message) {
                return Err(format!("message {m:?} does not contain {message:?}"));
            }
            if (*l, *c) != (*line, *col) || e.line_col() != Some((*line, *col)) {
                return Err(format!("at {l}:{c}, expected {line}:{col} ({m})"));
            }
            if shown != format!("{line}:{col}: {m}") {
                return Err(format!("displayed as {shown:?}"));
            }
            if shown.len() > MAX_MESSAGE {
                return Err(format!("message has {} bytes", shown.len()));
            }
            Ok(())
        }
        (Expect::Version { message }, Err(e)) => {
            let LoadError::Version {
                path: None,
                message: m,
                ..
            } = &e
            else {
                return Err(format!("expected a version error, got {e:?}"));
            };
            if !m.contains(message) {
                return Err(format!("message {m:?} does not contain {message:?}"));
            }
            if e.line_col().is_some() || e.to_string() != *m {
                return Err(format!("displayed as {:?}", e.to_string()));
            }
            Ok(())
        }
        (
            Expect::Invalid {
                code,
                subject,
                message,
            },
            Ok(project),
        ) => {
            let diags = catch_unwind(AssertUnwindSafe(|| validate(&project)))
                .map_err(|_| "validate panicked".to_owned())?;
            let found = diags.iter().any(|d| {
                d.severity == Severity::Error
                    && d.code == *code
                    && d.subject.to_string() == *subject
                    && d.message.contains(message)
            });
            let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
            if !found {
                return Err(format!(
                    "no error [{code}] on {subject} containing {message:?}; got {shown:#?}"
                ));
            }
            if let Some(long) = shown.iter().find(|s| s.len() > MAX_MESSAGE) {
                return Err(format!("a diagnostic has {} bytes", long.len()));
            }
            Ok(())
        }
        (Expect::Parse { .. } | Expect::Version { .. }, Ok(_)) => {
            Err("loaded, but should have been refused".to_owned())
        }
        (Expect::Invalid { .. }, Err(e)) => Err(format!("should load, but: {e}")),
    }
}

#[test]
fn every_bad_input_gives_its_specific_error() {
    let cases = common::cases();
    assert!(cases.len() >= 18, "only {} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names must be unique");

    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| check(case).err().map(|e| format!("{}: {e}", case.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn huge_name_is_not_repeated_in_the_diagnostic() {
    let case = common::cases()
        .into_iter()
        .find(|c| c.name == "name_1mb")
        .expect("the 1 MB name case");
    assert!(case.input.len() > HUGE);
    let project = from_ron_bytes(&case.input).expect("a long name still loads");
    assert_eq!(
        project.graph.nodes.values().next().unwrap().name.len(),
        HUGE
    );
    let diags = validate(&project);
    let d = diags
        .iter()
        .find(|d| d.code == "name-too-long")
        .expect("name-too-long");
    assert_eq!(d.severity, Severity::Error);
    let shown = d.to_string();
    assert!(shown.len() < 200, "{} bytes: {shown:.300}", shown.len());
    assert!(!shown.contains(&"N".repeat(100)), "{shown:.300}");
}

#[test]
fn every_prefix_of_a_valid_file_is_refused_cleanly() {
    let text = to_ron_string(&common::valid_project());
    assert!(from_ron_str(&text).is_ok());
    for end in 0..text.len() {
        let prefix = &text[..end];
        // The trailing newline is optional; every shorter prefix misses at least a `)`.
        if prefix.trim_end() == text.trim_end() {
            continue;
        }
        let e = catch_unwind(|| from_ron_str(prefix))
            .unwrap_or_else(|_| panic!("panicked on the first {end} bytes"))
            .expect_err("a truncated file must not load");
        let lines = prefix.lines().count().max(1);
        match e.line_col() {
            Some((line, col)) => assert!(
                line >= 1 && line <= lines + 1 && col >= 1,
                "{end} bytes: position {line}:{col} lies outside the text ({lines} lines): {e}"
            ),
            None => panic!("{end} bytes: no position in {e}"),
        }
    }
}

#[test]
fn the_hand_written_valid_file_loads_and_is_clean() {
    let p = from_ron_str(VALID).expect("VALID loads");
    assert!(
        !validate(&p).iter().any(|d| d.severity == Severity::Error),
        "{:?}",
        validate(&p)
    );
}

#[test]
fn valid_project_round_trips_through_text() {
    let p = common::valid_project();
    let text = to_ron_string(&p);
    let back = from_ron_str(&text).expect("canonical text loads");
    assert_eq!(back, p);
    assert_eq!(to_ron_string(&back), text);
    assert!(validate(&p).is_empty(), "{:?}", validate(&p));
}

// ---- Bugs these tests found in src/ (now fixed) ----

#[test]
fn a_byte_order_mark_is_ignored() {
    // Windows editors may save UTF-8 with a BOM; the file is still a project.
    let p = eventloom::project::from_ron_bytes("\u{feff}(format_version: 1)".as_bytes())
        .expect("loads");
    assert_eq!(p.format_version, 1);
}

#[test]
fn huge_cron_step_means_once_not_a_panic() {
    let text = common::known_bugs::cron_step_overflow();
    let project = from_ron_str(&text).expect("loads");
    let diags = catch_unwind(AssertUnwindSafe(|| validate(&project))).expect("validate panicked");
    // A step longer than the field's range fires once, at the start value (as in cron).
    assert!(
        !diags.iter().any(|d| d.code == "bad-parameter"),
        "{diags:?}"
    );
}

#[test]
fn huge_unknown_field_gives_a_short_message() {
    let e = from_ron_str(&common::known_bugs::huge_unknown_field()).expect_err("refused");
    let shown = e.to_string();
    assert!(shown.len() < MAX_MESSAGE, "{} bytes", shown.len());
}

#[test]
fn huge_id_gives_short_diagnostics() {
    let p = from_ron_str(&common::known_bugs::huge_id_in_lint_messages()).expect("loads");
    for d in validate(&p) {
        let shown = d.to_string();
        assert!(
            shown.len() < MAX_MESSAGE,
            "[{}] {} bytes",
            d.code,
            shown.len()
        );
    }
}

// ---- Templates given to `eventloom import` ----

/// A hostile template and a piece of the error it must give.
struct TemplateCase {
    name: &'static str,
    input: Vec<u8>,
    says: &'static str,
}

fn template_cases() -> Vec<TemplateCase> {
    let case = |name, input: String, says| TemplateCase {
        name,
        input: input.into_bytes(),
        says,
    };
    let res = "Resources:\n  F:\n    Type: AWS::Serverless::Function\n";
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    bomb.push_str(res);
    let mut deep_block = String::new();
    for i in 0..200 {
        deep_block.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
    }
    vec![
        case("empty", String::new(), "empty"),
        case("only_comments", "# a template\n\n   \n".into(), "empty"),
        case(
            "cyclic_parameter_refs",
            format!(
                "Parameters:\n  A: {{Type: String, Default: !Ref B}}\n  B: {{Type: String, Default: !Ref A}}\n{res}    Properties: {{Handler: !Ref A}}\n"
            ),
            "parameter A → parameter B → parameter A",
        ),
        case(
            "cyclic_conditions",
            format!(
                "Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\n{res}    Condition: A\n"
            ),
            "refer to each other in a cycle",
        ),
        case(
            "string_10mb",
            format!("Description: \"{}\"\n{res}", "x".repeat(10 << 20)),
            "templates are at most 4 MB",
        ),
        case(
            "string_1_5mb",
            format!("Description: \"{}\"\n{res}", "x".repeat(3 << 19)),
            "a text value of 1.5 MB",
        ),
        case(
            "nesting_flow_100k",
            "[".repeat(100_000),
            "nesting deeper than 64 levels",
        ),
        case(
            "nesting_block_200",
            deep_block,
            "nesting deeper than 64 levels",
        ),
        case(
            "nesting_json_10k",
            "{\"a\":".repeat(10_000),
            "nesting is too deep",
        ),
        case("anchor_bomb", bomb, "alias bomb"),
        case(
            "json_not_a_template",
            "{\"name\": \"shop\", \"version\": \"1.0.0\"}".into(),
            "no Resources section",
        ),
        case(
            "json_truncated",
            "{\"Resources\": {\"F\": {\"Type\": ".into(),
            "JSON",
        ),
        case(
            "ron_project",
            "(\n    format_version: 1,\n)\n".into(),
            "Eventloom project file",
        ),
        case(
            "top_level_list",
            "- Resources\n- F\n".into(),
            "not a mapping with a Resources section",
        ),
        case(
            "resources_list",
            "Resources:\n  - F\n".into(),
            "Resources section is not a mapping",
        ),
        case(
            "resources_empty",
            "Resources: {}\n".into(),
            "it has no resources",
        ),
        case(
            "nothing_modelled",
            "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n".into(),
            "nothing in the template can be modelled (1 resource skipped, e.g. M: AWS::StepFunctions::StateMachine",
        ),
        case(
            "unclosed_quote",
            format!("{res}    Properties: {{Handler: \"index\n"),
            "YAML",
        ),
        case(
            "unknown_alias",
            format!("{res}    Properties: {{Handler: *nope}}\n"),
            "anchor",
        ),
        case(
            "mapping_as_key",
            "? {a: 1}\n: x\nResources: {}\n".into(),
            "a mapping key must be text",
        ),
    ]
}

#[test]
fn every_hostile_template_gives_a_clear_error() {
    let mut cases = template_cases();
    cases.push(TemplateCase {
        name: "not_utf8",
        input: vec![0xff, 0xfe, b'R', 0x80, 0x81],
        says: "not UTF-8",
    });
    let mut failures = Vec::new();
    for case in &cases {
        let result = catch_unwind(|| eventloom::interop::import_template(&case.input));
        let message = match result {
            Err(_) => {
                failures.push(format!("{}: panicked", case.name));
                continue;
            }
            Ok(Ok(_)) => {
                failures.push(format!("{}: imported, should have been refused", case.name));
                continue;
            }
            Ok(Err(e)) => e.to_string(),
        };
        if !message.contains(case.says) {
            failures.push(format!(
                "{}: {message:.300} does not say {:?}",
                case.name, case.says
            ));
        }
        if message.len() > MAX_MESSAGE {
            failures.push(format!(
                "{}: message has {} bytes",
                case.name,
                message.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn garbage_and_broken_templates_never_panic() {
    let project = eventloom::project::load(std::path::Path::new("projects/orders.ron")).unwrap();
    let text = eventloom::interop::export_sam(&project).expect("an AWS project exports");
    let bytes = text.as_bytes();
    for end in (0..bytes.len()).step_by(211) {
        let _ = catch_unwind(|| eventloom::interop::import_template(&bytes[..end]))
            .unwrap_or_else(|_| panic!("panicked on the first {end} bytes"));
    }
    for seed in 1..300u64 {
        let mut mutated = bytes.to_vec();
        for (i, b) in common::random_bytes(seed, 8).into_iter().enumerate() {
            let at = (seed as usize * 7919 + i * 104_729) % mutated.len();
            mutated[at] = b;
        }
        let _ = catch_unwind(|| eventloom::interop::import_template(&mutated))
            .unwrap_or_else(|_| panic!("panicked on mutation {seed}"));
        let garbage = common::random_bytes(seed, (seed as usize * 37) % 3000);
        let _ = catch_unwind(|| eventloom::interop::import_template(&garbage))
            .unwrap_or_else(|_| panic!("panicked on garbage {seed}"));
    }
}
