//! Lessons: the runner (checks, text, back, timeouts), lesson validation, and every lesson in
//! `projects/` run headless — adding an example adds a case.

mod lesson_common;
mod sim_common;

use eventloom::lesson::{
    AutoReport, HostAction, LessonRunner, Perform, Progress, render, run_auto,
};
use eventloom::model::{
    Action, Check, Cmp, DeployStrategy, Fault, FaultKind, FaultTarget, FunctionChanges, Lesson,
    NodeMetric, Project, RunMetric, Severity, Step, validate,
};
use eventloom::sim::{Command, SEC, Snapshot};
use lesson_common::project;
use sim_common::{func, sim};
use std::path::PathBuf;
use std::sync::OnceLock;

fn step(title: &str, text: &str, actions: Vec<Action>, check: Check, within_s: u64) -> Step {
    Step {
        title: title.into(),
        text: text.into(),
        focus: vec!["q".into()],
        actions,
        check,
        within_s,
        question: None,
        awaits: None,
        instructor_notes: String::new(),
    }
}

fn with_lesson(steps: Vec<Step>) -> Project {
    let mut p = project();
    p.lesson = Some(Lesson {
        title: "Test lesson".into(),
        summary: "A queue fills up".into(),
        steps,
        takeaway: String::new(),
        exercise: false,
        instructor_notes: String::new(),
    });
    p
}

fn depth_above(n: f64) -> Check {
    Check::Node {
        node: "q".into(),
        metric: NodeMetric::Depth,
        op: Cmp::Above,
        value: n,
    }
}

/// Runs `sim` one second at a time until the runner advances (or `max_s` passes).
fn until_advanced(
    sim: &mut eventloom::sim::Simulation,
    r: &mut LessonRunner,
    max_s: u64,
) -> (Progress, Snapshot) {
    for _ in 0..max_s {
        sim.run_until(sim.now() + SEC);
        let s = sim.snapshot();
        match r.observe(&s) {
            Progress::Waiting | Progress::Overdue => {}
            p @ (Progress::Advanced { .. }
            | Progress::Finished
            | Progress::Held { .. }
            | Progress::TimedOut { .. }) => return (p, s),
        }
    }
    let s = sim.snapshot();
    (Progress::Waiting, s)
}

#[test]
fn checks_advance_in_order_and_text_shows_live_numbers() {
    let p = with_lesson(vec![
        step(
            "Fill",
            "The queue holds {q.depth} messages; fast p99 {fast.p99_ms}; {cost.per_million}",
            vec![Action::Run],
            depth_above(20.0),
            60,
        ),
        step("Wait", "wait", vec![], Check::Elapsed { seconds: 3.0 }, 60),
    ]);
    assert!(
        validate(&p).iter().all(|d| d.severity != Severity::Error),
        "{:#?}",
        validate(&p)
    );
    let mut sim = sim(&p);
    let mut r = LessonRunner::new(&p).expect("lesson");
    assert_eq!(
        r.action_commands().unwrap(),
        vec![Perform::Host(HostAction::Run)]
    );
    let s0 = sim.snapshot();
    assert_eq!(
        r.observe(&s0),
        Progress::Waiting,
        "the first look only starts the step"
    );
    let (p1, s1) = until_advanced(&mut sim, &mut r, 30);
    assert_eq!(p1, Progress::Advanced { step: 0 });
    let depth = s1.node("q").unwrap().depth;
    assert!(depth > 20);
    assert_eq!(r.index(), 1);
    let o = r.outcomes()[0].clone().expect("met");
    assert!(o.met && o.measured.contains("q depth = "), "{}", o.measured);
    // Step 2 begins on the snapshot that ended step 1: 3 s later it is done.
    let (p2, s2) = until_advanced(&mut sim, &mut r, 10);
    assert_eq!(p2, Progress::Advanced { step: 1 });
    assert_eq!(s2.now - s1.now, 3 * SEC);
    assert!(r.is_finished());
    assert_eq!(r.observe(&s2), Progress::Finished);
    // Text rendering with live numbers.
    let text = render(&p.lesson.as_ref().unwrap().steps[0].text, &s1);
    assert!(
        text.starts_with(&format!("The queue holds {depth} messages; fast p99 ")),
        "{text}"
    );
    assert!(text.contains(" ms; $"), "{text}");
    assert!(!text.contains('{'), "{text}");
}

#[test]
fn back_returns_to_the_previous_step_and_restarts_its_clock() {
    let p = with_lesson(vec![
        step("One", "one", vec![], Check::Elapsed { seconds: 2.0 }, 60),
        step("Two", "two", vec![], Check::Elapsed { seconds: 100.0 }, 600),
    ]);
    let mut sim = sim(&p);
    let mut r = LessonRunner::new(&p).unwrap();
    assert!(!r.back(), "nothing before the first step");
    r.observe(&sim.snapshot());
    let (p1, _) = until_advanced(&mut sim, &mut r, 10);
    assert_eq!(p1, Progress::Advanced { step: 0 });
    sim.run_until(sim.now() + 5 * SEC);
    r.observe(&sim.snapshot());
    assert!(r.back());
    assert_eq!(r.index(), 0);
    assert!(r.outcomes()[0].is_none(), "going back forgets the outcome");
    assert_eq!(r.step().unwrap().title, "One");
    // The step begins again at the next look, then takes its 2 s again.
    let s = sim.snapshot();
    assert_eq!(r.observe(&s), Progress::Waiting);
    assert_eq!(r.elapsed_s(&s), 0.0);
    let (p2, s2) = until_advanced(&mut sim, &mut r, 10);
    assert_eq!(p2, Progress::Advanced { step: 0 });
    assert_eq!(s2.now - s.now, 2 * SEC);
    r.restart();
    assert_eq!(r.index(), 0);
    assert!(r.outcomes().iter().all(Option::is_none));
}

#[test]
fn a_step_past_its_time_is_overdue_but_still_watched() {
    let p = with_lesson(vec![step("Never soon", "x", vec![], depth_above(1e9), 3)]);
    let mut sim = sim(&p);
    let mut r = LessonRunner::new(&p).unwrap();
    r.observe(&sim.snapshot());
    let mut seen = Vec::new();
    for _ in 0..4 {
        sim.run_until(sim.now() + SEC);
        seen.push(r.observe(&sim.snapshot()));
    }
    assert_eq!(
        seen,
        vec![
            Progress::Waiting,
            Progress::Waiting,
            Progress::Overdue,
            Progress::Overdue
        ]
    );
    assert!(!r.last_evaluation().unwrap().met);
    r.skip(&sim.snapshot());
    assert!(r.is_finished());
    assert!(!r.outcomes()[0].as_ref().unwrap().met);
    // Headless: the timed-out step is reported as failed.
    let report = run_auto(&p, SEC).unwrap();
    assert!(!report.passed());
    assert!(!report.steps[0].met);
    assert_eq!(report.steps[0].took_s, 3.0);
}

#[test]
fn actions_become_commands_and_combinators_and_growth_work() {
    let fault = Fault {
        target: FaultTarget::Node("worker".into()),
        kind: FaultKind::Outage,
    };
    let p = with_lesson(vec![
        step(
            "Break",
            "x",
            vec![
                Action::InjectFault(fault.clone()),
                Action::Deploy {
                    node: "fast".into(),
                    changes: FunctionChanges {
                        memory_mb: Some(1024),
                        ..FunctionChanges::default()
                    },
                    strategy: DeployStrategy::AllAtOnce,
                },
            ],
            Check::All(vec![
                Check::NodeGrows {
                    node: "worker".into(),
                    metric: NodeMetric::Errors,
                    by: 5.0,
                },
                Check::Any(vec![
                    Check::Run {
                        metric: RunMetric::Faults,
                        op: Cmp::Equals,
                        value: 1.0,
                    },
                    Check::Elapsed { seconds: 80_000.0 },
                ]),
                Check::Node {
                    node: "fast".into(),
                    metric: NodeMetric::Version,
                    op: Cmp::Equals,
                    value: 2.0,
                },
            ]),
            30,
        ),
        step(
            "Fix",
            "x",
            vec![
                Action::ClearFaults,
                Action::Rollback {
                    node: "fast".into(),
                },
            ],
            Check::RunGrows {
                metric: RunMetric::Completed,
                by: 10.0,
            },
            30,
        ),
    ]);
    assert!(
        validate(&p).iter().all(|d| d.severity != Severity::Error),
        "{:#?}",
        validate(&p)
    );
    let r = LessonRunner::new(&p).unwrap();
    let cmds = r.action_commands().unwrap();
    assert_eq!(cmds[0], Perform::Sim(Command::InjectFault(fault)));
    let Perform::Sim(Command::Deploy { params, .. }) = &cmds[1] else {
        panic!("expected a deploy, got {:?}", cmds[1]);
    };
    assert_eq!(params.memory_mb, 1024);
    assert_eq!(
        params.duration,
        func(10.0).duration,
        "the rest is the project's"
    );
    let report = run_auto(&p, SEC).unwrap();
    assert!(report.passed(), "{report:#?}");
    assert!(report.steps[0].measured.contains("worker errors rose by"));
}

#[test]
fn headless_runs_are_deterministic() {
    let p = with_lesson(vec![step(
        "Fill",
        "{q.depth}",
        vec![],
        depth_above(10.0),
        60,
    )]);
    let a = serde_json::to_string(&run_auto(&p, SEC).unwrap()).unwrap();
    let b = serde_json::to_string(&run_auto(&p, SEC).unwrap()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_project_without_lesson_has_no_runner() {
    assert!(LessonRunner::new(&project()).is_none());
    assert!(run_auto(&project(), SEC).is_err());
}

// ---- validation -------------------------------------------------------------------------------

fn codes(p: &Project) -> Vec<(&'static str, Severity, String)> {
    validate(p)
        .into_iter()
        .map(|d| (d.code, d.severity, d.message))
        .collect()
}

#[test]
fn lesson_validation_names_the_problem() {
    let bad = |steps: Vec<Step>| codes(&with_lesson(steps));
    let has = |v: &[(&str, Severity, String)], code: &str, text: &str| {
        assert!(
            v.iter()
                .any(|(c, s, m)| *c == code && *s == Severity::Error && m.contains(text)),
            "expected {code} containing {text:?} in {v:#?}"
        );
    };
    has(&bad(vec![]), "lesson-empty", "no steps");
    let v = bad(vec![step("S", "x", vec![], depth_above(1.0), 0)]);
    has(&v, "bad-parameter", "within_s");
    let v = bad(vec![step(
        "S",
        "see {nope.depth} and {q.colour}",
        vec![],
        Check::Node {
            node: "ghost".into(),
            metric: NodeMetric::Depth,
            op: Cmp::Above,
            value: f64::NAN,
        },
        10,
    )]);
    has(
        &v,
        "unknown-node",
        "lesson step 1 (\"S\") shows a value of \"nope\"",
    );
    has(&v, "lesson-placeholder", "\"colour\" is not a node metric");
    has(&v, "unknown-node", "checks \"ghost\"");
    has(&v, "bad-parameter", "finite number");
    let v = bad(vec![step(
        "S",
        "x",
        vec![
            Action::InjectFault(Fault {
                target: FaultTarget::Node("q".into()),
                kind: FaultKind::Outage,
            }),
            Action::Deploy {
                node: "q".into(),
                changes: FunctionChanges {
                    memory_mb: Some(1),
                    ..FunctionChanges::default()
                },
                strategy: DeployStrategy::Canary {
                    percent: 0.0,
                    after_ms: 1,
                    rollback_on_alarm: None,
                },
            },
            Action::SetWorkload {
                node: "fast".into(),
                arrival: eventloom::model::Arrival::Poisson { rate_per_s: -1.0 },
            },
            Action::Rollback {
                node: "ghost".into(),
            },
        ],
        Check::Elapsed { seconds: 1.0 },
        10,
    )]);
    has(&v, "wrong-kind", "outage fault cannot be put on a Queue");
    has(&v, "wrong-kind", "a deploy needs a Function");
    has(&v, "bad-parameter", "memory_mb");
    has(&v, "bad-parameter", "canary percent");
    has(&v, "wrong-kind", "a workload change needs a Client");
    has(&v, "bad-parameter", "workload");
    has(&v, "unknown-node", "rolls back \"ghost\"");
    // A project with lesson errors does not run, and the headless runner says why.
    let p = with_lesson(vec![]);
    assert!(run_auto(&p, SEC).is_err());
}

// ---- the examples -----------------------------------------------------------------------------

/// A lesson's deploy is held to the limits of the project's own functions: each changed
/// parameter just inside its limit passes, just outside it is reported — the check is the
/// function's own (a keep-alive of two days used to pass a lesson and fail the project).
#[test]
fn a_lesson_deploy_is_held_to_the_function_limits() {
    use eventloom::model::FunctionParams;
    let keep_alive = |ms| FunctionChanges {
        keep_alive_ms: Some(ms),
        ..Default::default()
    };
    let memory = |mb| FunctionChanges {
        memory_mb: Some(mb),
        ..Default::default()
    };
    let timeout = |ms| FunctionChanges {
        timeout_ms: Some(ms),
        ..Default::default()
    };
    let (k, m, t) = (
        FunctionParams::KEEP_ALIVE_MS,
        FunctionParams::MEMORY_MB,
        FunctionParams::TIMEOUT_MS,
    );
    let cases = [
        ("keep_alive_ms", keep_alive(*k.end()), true),
        ("keep_alive_ms", keep_alive(2 * 86_400_000), false),
        ("memory_mb", memory(*m.end()), true),
        ("memory_mb", memory(m.end() + 1), false),
        ("timeout_ms", timeout(*t.end()), true),
        ("timeout_ms", timeout(0), false),
    ];
    for (field, changes, fine) in cases {
        let deploy = Action::Deploy {
            node: "fast".into(),
            changes,
            strategy: DeployStrategy::AllAtOnce,
        };
        let p = with_lesson(vec![step(
            "Deploy",
            "x",
            vec![deploy],
            depth_above(0.0),
            30,
        )]);
        let found: Vec<String> = codes(&p)
            .into_iter()
            .filter(|(code, _, m)| *code == "bad-parameter" && m.contains(field))
            .map(|(_, _, m)| m)
            .collect();
        assert_eq!(found.is_empty(), fine, "{field}: {found:?}");
    }
}

/// Every example in `projects/` with its lesson's headless report (its actions performed),
/// computed once for the tests below, the examples in parallel.
fn example_reports() -> &'static [(PathBuf, Project, AutoReport)] {
    static REPORTS: OnceLock<Vec<(PathBuf, Project, AutoReport)>> = OnceLock::new();
    REPORTS.get_or_init(|| {
        let paths = example_paths();
        std::thread::scope(|s| {
            let runs: Vec<_> = paths
                .into_iter()
                .map(|path| {
                    s.spawn(move || {
                        let p = eventloom::project::load(&path).expect("example loads");
                        assert!(p.lesson.is_some(), "{} has no lesson", path.display());
                        let r =
                            run_auto(&p, SEC).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                        (path, p, r)
                    })
                })
                .collect();
            runs.into_iter()
                .map(|h| h.join().expect("the lesson ran"))
                .collect()
        })
    })
}

fn example_paths() -> Vec<PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir("projects")
        .expect("projects folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "one example per idea, at least");
    paths
}

/// Every example in `projects/` has a lesson; run headless with its actions, every step's
/// check is met in order and the project's expectations hold.
#[test]
fn every_example_lesson_passes_headless() {
    for (path, _, r) in example_reports() {
        for s in &r.steps {
            assert!(
                s.met && s.refused.is_empty(),
                "{}: step {} \"{}\" not met after {} s: {} {:?}",
                path.display(),
                s.number,
                s.title,
                s.took_s,
                s.measured,
                s.refused
            );
        }
        for x in &r.expectations {
            assert!(
                x.passed,
                "{}: expectation failed after the lesson: {} — measured {}",
                path.display(),
                x.expectation,
                x.measured
            );
        }
        assert!(r.ledger_balanced, "{}: {:?}", path.display(), r.ledger);
    }
}

/// A check that only says the run is going (time passed, something entered): met at once by
/// design, on a step whose only action is Run.
fn plainly_run_started(check: &Check) -> bool {
    match check {
        Check::Run {
            metric: RunMetric::TimeS | RunMetric::Entered,
            op: Cmp::Above | Cmp::AtLeast,
            value,
        } => *value <= 1.0,
        Check::RunGrows {
            metric: RunMetric::TimeS | RunMetric::Entered,
            by,
        } => *by <= 1.0,
        Check::Any(cs) => cs.iter().any(plainly_run_started),
        Check::All(cs) => !cs.is_empty() && cs.iter().all(plainly_run_started),
        Check::Node { .. }
        | Check::NodeGrows { .. }
        | Check::NodeVsStart { .. }
        | Check::NodeVsNode { .. }
        | Check::NodeGrowsAtMost { .. }
        | Check::Run { .. }
        | Check::RunGrows { .. }
        | Check::RunVsRun { .. }
        | Check::RunVsStart { .. }
        | Check::RunGrowsAtMost { .. }
        | Check::Elapsed { .. }
        | Check::Alarm { .. } => false,
    }
}

/// No example step is met on its first observation (a second after it began): such a check
/// held already — a threshold the run had crossed, a growth ordinary traffic makes in a
/// second — so the lesson would move on before the learner read the step or did anything.
#[test]
fn no_example_step_is_met_on_its_first_observation() {
    for (path, p, r) in example_reports() {
        let steps = &p.lesson.as_ref().expect("a lesson").steps;
        for (s, step) in r.steps.iter().zip(steps) {
            // A step that waits for a UI event is met by the learner's action (the
            // headless run does it at once).
            if plainly_run_started(&step.check) || step.awaits.is_some() {
                continue;
            }
            assert!(
                s.observations > 1,
                "{}: step {} \"{}\" was met on its first observation, {} s after it began: \
                 its check held before the learner could read it or act ({})",
                path.display(),
                s.number,
                s.title,
                s.took_s,
                s.measured
            );
        }
    }
}

/// A step that asks the learner to act on the engine (inject a fault, deploy, change the
/// workload, clear faults) is not met when they do not: replayed with that step's actions
/// left out, its check stays unmet for its whole `within_s`. Otherwise the lesson would move
/// on by itself and claim the effect of something nobody did.
#[test]
fn no_example_step_is_met_without_its_actions() {
    let mut cases = Vec::new();
    for path in example_paths() {
        let p = eventloom::project::load(&path).expect("example loads");
        let steps = p.lesson.as_ref().map_or(0, |l| l.steps.len());
        for k in 0..steps {
            let engine_actions = p.lesson.as_ref().is_some_and(|l| {
                l.steps[k]
                    .actions
                    .iter()
                    .any(eventloom::lesson::acts_on_engine)
            });
            if engine_actions {
                cases.push((path.clone(), p.clone(), k));
            }
        }
    }
    assert!(cases.len() >= 10, "the examples ask the learner to act");
    let failures: Vec<String> = std::thread::scope(|s| {
        let runs: Vec<_> = cases
            .iter()
            .map(|(path, p, k)| {
                s.spawn(move || {
                    let (met, measured) =
                        eventloom::lesson::met_without_actions(p, *k).expect("the lesson runs");
                    met.then(|| {
                        format!(
                            "{}: step {} is met without its actions: {measured}",
                            path.display(),
                            k + 1
                        )
                    })
                })
            })
            .collect();
        runs.into_iter()
            .filter_map(|h| h.join().expect("the lesson ran"))
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_elapsed_check_reads_sensibly_before_and_after_it_is_met() {
    let p = project();
    let mut sim = sim(&p);
    let start = sim.snapshot();
    let check = Check::Elapsed { seconds: 8.0 };
    sim.run_until(3 * SEC);
    let before = eventloom::lesson::evaluate(&check, &sim.snapshot(), &start);
    assert!(!before.met);
    assert_eq!(before.measured, "3 s of 8 s elapsed");
    sim.run_until(21 * SEC);
    let after = eventloom::lesson::evaluate(&check, &sim.snapshot(), &start);
    assert!(after.met);
    assert_eq!(after.measured, "21 s elapsed (the step needs 8 s)");
}

#[test]
fn actions_are_named_by_display_names() {
    let mut p = project();
    p.graph
        .nodes
        .get_mut(&"worker".into())
        .expect("worker")
        .name = "Slow worker".into();
    let g = &p.graph;
    let outage = Action::InjectFault(Fault {
        target: FaultTarget::Node("worker".into()),
        kind: FaultKind::Outage,
    });
    assert_eq!(outage.label(g), "Inject outage on Slow worker");
    let (edge, _) = g
        .edges
        .iter()
        .find(|(_, e)| e.to.as_str() == "worker")
        .expect("q → worker");
    let on_edge = Action::InjectFault(Fault {
        target: FaultTarget::Edge(edge.clone()),
        kind: FaultKind::EdgeDrop { percent: 10.0 },
    });
    assert_eq!(
        on_edge.label(g),
        format!(
            "Inject {} on {}",
            FaultKind::EdgeDrop { percent: 10.0 }.label(),
            g.edge_label(edge)
        )
    );
    assert!(
        g.edge_label(edge).starts_with("q → Slow worker ("),
        "{}",
        g.edge_label(edge)
    );
    assert_eq!(
        Action::Rollback {
            node: "worker".into()
        }
        .label(g),
        "Roll back Slow worker"
    );
    // A node the graph does not have is named by its id.
    assert_eq!(
        Action::Rollback {
            node: "gone".into()
        }
        .label(g),
        "Roll back gone"
    );
}

/// The lesson lint passes on every example: no step states an outcome and only waits, no
/// check holds before its step began, no step is met without what it asks; every lesson
/// asks at least one question and ends with a takeaway.
#[test]
fn every_example_lesson_passes_the_lint_and_asks_a_question() {
    for path in example_paths() {
        let p = eventloom::project::load(&path).expect("example loads");
        let lesson = p.lesson.as_ref().expect("a lesson");
        assert!(
            lesson.steps.iter().any(|s| s.question.is_some()),
            "{}: asks nothing",
            path.display()
        );
        assert!(
            !lesson.takeaway.is_empty(),
            "{}: no takeaway",
            path.display()
        );
        let mut d: Vec<_> = validate(&p)
            .into_iter()
            .filter(|d| d.code.starts_with("lesson"))
            .collect();
        d.extend(eventloom::lesson::lint(&p).expect("the lesson runs"));
        assert!(d.is_empty(), "{}: {d:#?}", path.display());
    }
}

/// Every one of the six ideas the product teaches is the objective of at least one example
/// lesson that asks a question (the table names which; a lesson that stops asking fails).
#[test]
fn each_of_the_six_ideas_has_a_lesson_that_asks() {
    const IDEAS: [(&str, &str); 6] = [
        (
            "independent scaling and the account limit",
            "projects/scaling.ron",
        ),
        ("pay-as-you-go cost", "projects/pay-as-you-go.ron"),
        ("event-driven workflows", "projects/thumbnails.ron"),
        ("independent deployability", "projects/canary-deploy.ron"),
        ("fault isolation", "projects/fault-isolation.ron"),
        ("monitoring and logging", "projects/monitoring.ron"),
    ];
    for (idea, file) in IDEAS {
        let p = eventloom::project::load(std::path::Path::new(file)).expect("example loads");
        let lesson = p.lesson.as_ref().expect("a lesson");
        assert!(
            lesson.steps.iter().any(|s| s.question.is_some()),
            "{idea}: {file} asks nothing"
        );
    }
}

/// retries-dlq shows the reserved-concurrency trap in the run: with the reservation below
/// the mapping's maximum concurrency, invoices that never failed reach the DLQ (its check
/// needs DLQ > 0 with no function error, and the lint's replay shows it needs the step's
/// actions); restoring the reservation to the mapping's maximum stops the throttles.
#[test]
fn retries_dlq_shows_healthy_invoices_reaching_the_dlq_and_the_fix() {
    let p = eventloom::project::load(std::path::Path::new("projects/retries-dlq.ron"))
        .expect("example loads");
    let report = eventloom::lesson::run_auto(&p, SEC).expect("runs");
    let trap = report
        .steps
        .iter()
        .position(|s| s.title == "The reserved-concurrency trap")
        .expect("the trap step");
    let s = &report.steps[trap];
    assert!(s.met, "{}", s.measured);
    assert!(
        s.measured.contains("invoices-dlq depth rose by")
            && s.measured.contains("parse-invoice errors rose by 0"),
        "{}",
        s.measured
    );
    let fix = &report.steps[trap + 1];
    assert!(
        fix.met && fix.measured.contains("parse-invoice throttles rose by 0"),
        "{}",
        fix.measured
    );
    let (met, measured) = eventloom::lesson::met_without_actions(&p, trap).expect("replays");
    assert!(!met, "the trap shows without its actions: {measured}");
}
