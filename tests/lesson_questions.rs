//! Lessons that ask before they tell and prove what they claim: every check kind (a matrix),
//! questions and their verdicts, lecturer paces, steps that wait for a UI event, windowed
//! metrics, saved answers and their class table, handouts, and files from before questions.

mod lesson_common;
mod sim_common;

use eventloom::lesson::{
    Given, LessonRecord, LessonRunner, Progress, evaluate, handout_markdown, run_auto, tabulate,
};
use eventloom::model::{
    Action, Alarm, AlarmMetric, AlarmState, Answer, Check, Cmp, Lesson, NodeMetric, Project,
    Question, RunMetric, RunPanel, Step, UiEvent, validate,
};
use eventloom::sim::{SEC, Snapshot};
use lesson_common::project;
use sim_common::sim;

fn step(title: &str, check: Check) -> Step {
    Step {
        title: title.into(),
        text: "text".into(),
        focus: vec![],
        actions: vec![Action::Run],
        check,
        within_s: 30,
        question: None,
        awaits: None,
        instructor_notes: String::new(),
    }
}

fn with_steps(steps: Vec<Step>) -> Project {
    let mut p = project();
    p.lesson = Some(Lesson {
        title: "Questions".into(),
        summary: String::new(),
        steps,
        takeaway: "Queues absorb what consumers cannot take.".into(),
        exercise: false,
        instructor_notes: String::new(),
    });
    p
}

/// The name of a check's kind; a new kind fails to compile here until the matrix has it.
fn kind(c: &Check) -> &'static str {
    match c {
        Check::Node { .. } => "Node",
        Check::NodeGrows { .. } => "NodeGrows",
        Check::NodeVsStart { .. } => "NodeVsStart",
        Check::NodeVsNode { .. } => "NodeVsNode",
        Check::NodeGrowsAtMost { .. } => "NodeGrowsAtMost",
        Check::Run { .. } => "Run",
        Check::RunGrows { .. } => "RunGrows",
        Check::RunVsRun { .. } => "RunVsRun",
        Check::RunVsStart { .. } => "RunVsStart",
        Check::RunGrowsAtMost { .. } => "RunGrowsAtMost",
        Check::Elapsed { .. } => "Elapsed",
        Check::Alarm { .. } => "Alarm",
        Check::All(_) => "All",
        Check::Any(_) => "Any",
    }
}

const KINDS: &[&str] = &[
    "Node",
    "NodeGrows",
    "NodeVsStart",
    "NodeVsNode",
    "NodeGrowsAtMost",
    "Run",
    "RunGrows",
    "RunVsRun",
    "RunVsStart",
    "RunGrowsAtMost",
    "Elapsed",
    "Alarm",
    "All",
    "Any",
];

/// Two snapshots of the project: at 10 s and at 30 s (the queue fills: 10/s in, 5/s out).
/// The queue has an alarm, "Backlog": more than 20 messages waiting, per 10 s period.
fn two_snapshots() -> (Snapshot, Snapshot) {
    let mut p = project();
    p.alarms = vec![Alarm {
        period_s: 10,
        ..Alarm::new(
            "Backlog",
            "q".into(),
            AlarmMetric::QueueDepth,
            Cmp::Above,
            20.0,
        )
    }];
    let mut s = sim(&p);
    s.run_until(10 * SEC);
    let start = s.snapshot();
    s.run_until(30 * SEC);
    (start, s.snapshot())
}

/// The alarm row: "Backlog" (queue depth above 20) is in ALARM at 30 s, not OK.
fn alarm_case() -> (Check, Check) {
    let state = |state| Check::Alarm {
        alarm: "Backlog".into(),
        state,
    };
    (state(AlarmState::Alarm), state(AlarmState::Ok))
}

/// A row per kind of check between the two snapshots: one that holds, one that does not
/// (`d0`, `d1`: the queue's depth at 10 s and at 30 s).
fn check_cases(d0: f64, d1: f64) -> Vec<(Check, Check)> {
    let depth = |op, value| Check::Node {
        node: "q".into(),
        metric: NodeMetric::Depth,
        op,
        value,
    };
    vec![
        (depth(Cmp::Above, d1 - 1.0), depth(Cmp::Below, d1 - 1.0)),
        (
            Check::NodeGrows {
                node: "q".into(),
                metric: NodeMetric::Depth,
                by: d1 - d0,
            },
            Check::NodeGrows {
                node: "q".into(),
                metric: NodeMetric::Depth,
                by: d1 - d0 + 1.0,
            },
        ),
        (
            Check::NodeVsStart {
                node: "q".into(),
                metric: NodeMetric::Depth,
                op: Cmp::AtLeast,
                factor: 1.5,
            },
            Check::NodeVsStart {
                node: "q".into(),
                metric: NodeMetric::Depth,
                op: Cmp::AtMost,
                factor: 1.2,
            },
        ),
        (
            Check::NodeVsNode {
                node: "fast".into(),
                metric: NodeMetric::Invocations,
                op: Cmp::AtLeast,
                other: "worker".into(),
                factor: 1.5,
            },
            Check::NodeVsNode {
                node: "worker".into(),
                metric: NodeMetric::Invocations,
                op: Cmp::AtLeast,
                other: "fast".into(),
                factor: 1.0,
            },
        ),
        (
            Check::NodeGrowsAtMost {
                node: "worker".into(),
                metric: NodeMetric::BusyMax,
                by: 0.0,
            },
            Check::NodeGrowsAtMost {
                node: "q".into(),
                metric: NodeMetric::Depth,
                by: 10.0,
            },
        ),
        (
            Check::Run {
                metric: RunMetric::Entered,
                op: Cmp::AtLeast,
                value: 500.0,
            },
            Check::Run {
                metric: RunMetric::Dropped,
                op: Cmp::Above,
                value: 0.0,
            },
        ),
        (
            Check::RunGrows {
                metric: RunMetric::Entered,
                by: 300.0,
            },
            Check::RunGrows {
                metric: RunMetric::Entered,
                by: 500.0,
            },
        ),
        (
            Check::RunVsRun {
                metric: RunMetric::CostPerDayUsd,
                op: Cmp::Below,
                other: RunMetric::ServerPerDayUsd,
                factor: 1.0,
            },
            Check::RunVsRun {
                metric: RunMetric::CostPerDayUsd,
                op: Cmp::Above,
                other: RunMetric::ServerPerDayUsd,
                factor: 1.0,
            },
        ),
        (
            Check::RunVsStart {
                metric: RunMetric::Entered,
                op: Cmp::AtLeast,
                factor: 2.0,
            },
            Check::RunVsStart {
                metric: RunMetric::Entered,
                op: Cmp::AtMost,
                factor: 2.0,
            },
        ),
        (
            Check::RunGrowsAtMost {
                metric: RunMetric::Dropped,
                by: 0.0,
            },
            Check::RunGrowsAtMost {
                metric: RunMetric::Entered,
                by: 100.0,
            },
        ),
        (
            Check::Elapsed { seconds: 20.0 },
            Check::Elapsed { seconds: 21.0 },
        ),
        (
            Check::All(vec![
                depth(Cmp::Above, 0.0),
                Check::Elapsed { seconds: 1.0 },
            ]),
            Check::All(vec![
                depth(Cmp::Above, 0.0),
                Check::Elapsed { seconds: 99.0 },
            ]),
        ),
        (
            Check::Any(vec![
                depth(Cmp::Below, 0.0),
                Check::Elapsed { seconds: 1.0 },
            ]),
            Check::Any(vec![]),
        ),
    ]
}

/// Every kind of check, each with a case that holds and one that does not between the
/// same two snapshots, and each described in words (no Rust debug text).
#[test]
fn every_check_kind_holds_and_fails_and_reads_in_words() {
    let (start, now) = two_snapshots();
    let depth = |op, value| Check::Node {
        node: "q".into(),
        metric: NodeMetric::Depth,
        op,
        value,
    };
    let d0 = start.node("q").unwrap().depth as f64;
    let d1 = now.node("q").unwrap().depth as f64;
    assert!(d1 > d0 + 50.0, "the queue fills: {d0} → {d1}");
    let mut cases = check_cases(d0, d1);
    cases.push(alarm_case());
    let mut covered: Vec<&str> = cases.iter().map(|(yes, _)| kind(yes)).collect();
    covered.sort_unstable();
    let mut all = KINDS.to_vec();
    all.sort_unstable();
    assert_eq!(covered, all, "one row per kind of check");
    let g = &project().graph;
    for (yes, no) in &cases {
        assert_eq!(kind(yes), kind(no));
        let y = evaluate(yes, &now, &start);
        assert!(y.met, "{}: {} — {}", kind(yes), yes.describe(g), y.measured);
        let n = evaluate(no, &now, &start);
        assert!(!n.met, "{}: {} — {}", kind(no), no.describe(g), n.measured);
        for c in [yes, no] {
            let words = c.describe(g);
            assert!(
                !words.contains('{') && !words.contains("NodeId") && !words.contains("metric:"),
                "{}: {words}",
                kind(c)
            );
            assert!(c.problem().is_none(), "{}", kind(c));
        }
    }
    assert_eq!(
        depth(Cmp::Above, 100.0).describe(g),
        "q: messages waiting above 100"
    );
}

fn number_question(measure: &str) -> Question {
    Question {
        prompt: "How deep will the queue be?".into(),
        answer: Answer::Number {
            measure: measure.into(),
            tolerance_percent: 25.0,
        },
        reveal: "It holds {q.depth}.".into(),
    }
}

/// Observes a second at a time until something other than waiting happens.
fn until_progress(
    s: &mut eventloom::sim::Simulation,
    r: &mut LessonRunner,
    max_s: u64,
) -> Progress {
    for _ in 0..max_s {
        s.run_until(s.now() + SEC);
        match r.observe(&s.snapshot()) {
            Progress::Waiting | Progress::Overdue => {}
            p @ (Progress::Advanced { .. }
            | Progress::Finished
            | Progress::Held { .. }
            | Progress::TimedOut { .. }) => return p,
        }
    }
    Progress::Waiting
}

/// A step that asks holds its met check until answered (when the runner asks); the answer
/// is compared with the value measured when the step ended.
#[test]
fn a_question_is_answered_before_the_step_moves_on_and_compared_with_the_run() {
    let mut st = step(
        "Fill",
        Check::Node {
            node: "q".into(),
            metric: NodeMetric::Depth,
            op: Cmp::Above,
            value: 20.0,
        },
    );
    st.question = Some(number_question("q.depth"));
    let p = with_steps(vec![st, step("Then", Check::Elapsed { seconds: 2.0 })]);
    assert!(
        validate(&p)
            .iter()
            .all(|d| d.severity != eventloom::model::Severity::Error)
    );
    let mut s = sim(&p);
    let mut r = LessonRunner::new(&p).unwrap();
    r.set_asking(true);
    r.observe(&s.snapshot());
    assert!(r.needs_answer());
    assert!(
        r.verdict(0, None).is_none(),
        "nothing to compare before an answer"
    );
    assert_eq!(until_progress(&mut s, &mut r, 20), Progress::Waiting);
    assert!(
        r.last_evaluation().unwrap().met,
        "the check holds, the answer is missing"
    );
    assert_eq!(r.index(), 0);
    assert!(
        !r.answer(Given::Choice(0)),
        "a choice does not answer a number question"
    );
    assert!(!r.answer(Given::Number(f64::NAN)));
    assert!(r.answer(Given::Number(1000.0)));
    assert!(!r.needs_answer());
    assert_eq!(
        until_progress(&mut s, &mut r, 2),
        Progress::Advanced { step: 0 }
    );
    let shown = r.outcomes()[0]
        .as_ref()
        .unwrap()
        .question_value
        .expect("measured");
    assert!(shown > 20.0);
    let v = r.verdict(0, None).expect("a verdict");
    assert!(!v.right);
    assert_eq!(
        v.line,
        format!(
            "You predicted 1,000; the run shows {shown:.0} ({:.1}× less than yours)",
            1000.0 / shown
        )
    );
    // A close answer is close.
    let close =
        eventloom::lesson::number_verdict(shown * 1.2, shown, 25.0, eventloom::model::Unit::Count);
    assert!(
        close.right && close.line.ends_with("(close)"),
        "{}",
        close.line
    );
    // Without asking (headless), the step moves on by itself.
    let report = run_auto(&p, SEC).unwrap();
    assert!(report.passed());
    let q = report.steps[0].question.as_ref().expect("reported");
    assert_eq!(q.value, report.steps[0].question.as_ref().unwrap().value);
    assert!(q.reveal.starts_with("It holds "), "{}", q.reveal);
    assert!(!q.reveal.contains('{'));
}

/// The reveal and the comparison wait for both the answer and the step's check, whichever
/// comes first, with and without lecturer paces; they quote the numbers of the moment the
/// check held. A skipped step never reveals; a step that asks nothing has nothing to reveal.
#[test]
fn the_reveal_waits_for_the_answer_and_the_check() {
    let fill = || {
        let mut st = step(
            "Fill",
            Check::Node {
                node: "q".into(),
                metric: NodeMetric::Depth,
                op: Cmp::Above,
                value: 20.0,
            },
        );
        st.question = Some(number_question("q.depth"));
        st
    };
    for answer_first in [true, false] {
        for paced in [false, true] {
            let cell = format!("answer first {answer_first}, paced {paced}");
            let p = with_steps(vec![fill(), step("Then", Check::Elapsed { seconds: 2.0 })]);
            let mut s = sim(&p);
            let mut r = LessonRunner::new(&p).unwrap();
            r.set_asking(true);
            r.set_paced(paced);
            r.observe(&s.snapshot());
            assert!(!r.reveal_ready(0), "{cell}: nothing answered, nothing held");
            if answer_first {
                assert!(r.answer(Given::Number(1000.0)));
                assert!(
                    r.revealed(0, Some(&s.snapshot())).is_none(),
                    "{cell}: answered, but the run has not shown it yet"
                );
                let p = until_progress(&mut s, &mut r, 20);
                let want = if paced {
                    Progress::Held { step: 0 }
                } else {
                    Progress::Advanced { step: 0 }
                };
                assert_eq!(p, want, "{cell}");
            } else {
                // The check holds; the step waits for the answer, and so does the reveal.
                assert_eq!(until_progress(&mut s, &mut r, 20), Progress::Waiting);
                assert!(r.last_evaluation().unwrap().met, "{cell}");
                assert!(
                    r.revealed(0, Some(&s.snapshot())).is_none(),
                    "{cell}: held, not answered"
                );
                assert!(r.answer(Given::Number(1000.0)));
                let snap = s.snapshot();
                let now = r.revealed(0, Some(&snap)).expect("answered and held");
                assert_eq!(
                    now.text,
                    format!("It holds {:.0}.", snap.node("q").unwrap().depth),
                    "{cell}: read on the run now until the step ends"
                );
                assert!(now.verdict.is_some(), "{cell}");
                until_progress(&mut s, &mut r, 2);
            }
            assert!(r.reveal_ready(0), "{cell}");
            let o = r.outcomes()[0].clone().expect("ended");
            let shown = o.question_value.expect("measured");
            assert!(shown > 20.0, "{cell}");
            // Later snapshots do not change what step 1 revealed.
            s.run_until(s.now() + 5 * SEC);
            let rv = r.revealed(0, Some(&s.snapshot())).expect("revealed");
            assert_eq!(rv.text, format!("It holds {shown:.0}."), "{cell}");
            assert_eq!(o.reveal.as_deref(), Some(rv.text.as_str()), "{cell}");
            let v = rv.verdict.expect("compared");
            assert!(
                v.line.starts_with("You predicted 1,000; the run shows ") && !v.right,
                "{cell}: {}",
                v.line
            );
            assert!(!r.reveal_ready(1), "{cell}: step 2 asks nothing");
        }
    }
    // Skipped: answered, but the check never held — the run never showed it.
    let mut st = fill();
    st.check = Check::Node {
        node: "q".into(),
        metric: NodeMetric::Depth,
        op: Cmp::Above,
        value: 1e9,
    };
    let p = with_steps(vec![st, step("Then", Check::Elapsed { seconds: 2.0 })]);
    let mut s = sim(&p);
    let mut r = LessonRunner::new(&p).unwrap();
    r.set_asking(true);
    r.observe(&s.snapshot());
    assert!(r.answer(Given::Number(10.0)));
    assert_eq!(until_progress(&mut s, &mut r, 5), Progress::Waiting);
    r.skip(&s.snapshot());
    assert_eq!(r.index(), 1);
    assert!(!r.reveal_ready(0));
    assert!(r.revealed(0, Some(&s.snapshot())).is_none());
    assert_eq!(r.outcomes()[0].as_ref().unwrap().reveal, None);
}

#[test]
fn a_choice_question_says_which_was_right() {
    let mut st = step("Run", Check::Elapsed { seconds: 2.0 });
    st.question = Some(Question {
        prompt: "Which grows?".into(),
        answer: Answer::Choice {
            options: vec!["the queue".into(), "the fast function".into()],
            correct: 0,
        },
        reveal: String::new(),
    });
    let p = with_steps(vec![st]);
    let mut r = LessonRunner::new(&p).unwrap();
    assert!(!r.answer(Given::Choice(2)), "out of range");
    assert!(r.answer(Given::Choice(1)));
    assert_eq!(
        r.verdict(0, None).unwrap().line,
        "You chose \"the fast function\"; the answer is \"the queue\""
    );
    assert!(r.answer(Given::Choice(0)));
    let v = r.verdict(0, None).unwrap();
    assert!(v.right);
    assert_eq!(v.line, "You chose \"the queue\": right");
}

/// Lecturer paces: a met step holds at its boundary until Next.
#[test]
fn lecturer_paces_holds_each_step_until_next() {
    let p = with_steps(vec![
        step("One", Check::Elapsed { seconds: 2.0 }),
        step("Two", Check::Elapsed { seconds: 2.0 }),
    ]);
    let mut s = sim(&p);
    let mut r = LessonRunner::new(&p).unwrap();
    r.set_paced(true);
    r.observe(&s.snapshot());
    assert_eq!(
        until_progress(&mut s, &mut r, 5),
        Progress::Held { step: 0 }
    );
    assert!(r.is_held());
    assert!(r.outcomes()[0].as_ref().unwrap().met, "the outcome is kept");
    for _ in 0..5 {
        s.run_until(s.now() + SEC);
        assert_eq!(r.observe(&s.snapshot()), Progress::Held { step: 0 });
    }
    assert_eq!(r.index(), 0);
    let at = s.snapshot();
    assert!(r.next(&at));
    assert_eq!(r.index(), 1);
    assert!(!r.next(&at), "step two is not held");
    // Step two starts at Next, not at the boundary.
    assert_eq!(
        until_progress(&mut s, &mut r, 5),
        Progress::Held { step: 1 }
    );
    assert_eq!(r.outcomes()[1].as_ref().unwrap().took_s, 2.0);
    // Turning pacing off lets a held step go at the next look.
    r.set_paced(false);
    s.run_until(s.now() + SEC);
    assert_eq!(r.observe(&s.snapshot()), Progress::Advanced { step: 1 });
    assert!(r.is_finished());
}

/// A step that waits for a UI event moves on when the learner does it, and only then; the
/// timer is a fallback that records it as skipped.
#[test]
fn a_step_waiting_for_a_ui_event_moves_on_when_it_happens_or_is_skipped() {
    let mut st = step("Open traces", Check::All(vec![]));
    st.awaits = Some(UiEvent::OpenPanel(RunPanel::Traces));
    st.within_s = 5;
    let p = with_steps(vec![st.clone(), st]);
    let mut s = sim(&p);
    let mut r = LessonRunner::new(&p).unwrap();
    r.observe(&s.snapshot());
    assert_eq!(r.awaiting(), Some(&UiEvent::OpenPanel(RunPanel::Traces)));
    s.run_until(2 * SEC);
    assert_eq!(r.observe(&s.snapshot()), Progress::Waiting);
    r.ui_event(&UiEvent::OpenPanel(RunPanel::Logs));
    s.run_until(3 * SEC);
    assert_eq!(r.observe(&s.snapshot()), Progress::Waiting, "another panel");
    r.ui_event(&UiEvent::OpenPanel(RunPanel::Traces));
    assert_eq!(r.awaiting(), None);
    s.run_until(4 * SEC);
    assert_eq!(r.observe(&s.snapshot()), Progress::Advanced { step: 0 });
    assert_eq!(
        r.awaiting(),
        Some(&UiEvent::OpenPanel(RunPanel::Traces)),
        "step two waits again"
    );
    assert_eq!(
        until_progress(&mut s, &mut r, 10),
        Progress::TimedOut { step: 1 }
    );
    let o = r.outcomes()[1].as_ref().unwrap();
    assert!(!o.met);
    assert!(
        o.measured
            .starts_with("not done in 5 s: open the Traces panel"),
        "{}",
        o.measured
    );
}

/// `p99_60s_ms` keeps the worst second of the last minute (a quiet last second does not
/// read as 0 ms); `p99_ms` is the last second alone.
#[test]
fn windowed_p99_remembers_the_last_minute() {
    let mut p = project();
    p.lesson = with_steps(vec![step("x", Check::Elapsed { seconds: 1.0 })]).lesson;
    let mut s = sim(&p);
    let mut r = LessonRunner::new(&p).unwrap();
    for _ in 0..20 {
        s.run_until(s.now() + SEC);
        r.observe(&s.snapshot());
    }
    // Stop the traffic: the last second goes quiet.
    s.apply(eventloom::sim::Command::SetWorkload {
        node: "c".into(),
        arrival: eventloom::model::Arrival::Constant { rate_per_s: 0.0 },
    })
    .unwrap();
    for _ in 0..5 {
        s.run_until(s.now() + SEC);
        r.observe(&s.snapshot());
    }
    let snap = s.snapshot();
    let reading = r.reading(&snap);
    let fast = "fast".into();
    assert_eq!(reading.node(&fast, NodeMetric::P99Ms), Some(0.0));
    let windowed = reading.node(&fast, NodeMetric::P99Ms60).unwrap();
    assert!(windowed >= 10.0, "{windowed}");
    let rate = reading.node(&fast, NodeMetric::Rate60).unwrap();
    assert!(rate > 5.0 && rate < 10.0, "{rate}");
    assert_eq!(
        r.render("p99 {fast.p99_60s_ms}", &snap),
        format!("p99 {windowed:.0} ms")
    );
}

/// Answers are saved as JSON and a class's files become one table; a file that is not an
/// answers file is named, not fatal.
#[test]
fn answers_are_saved_and_a_class_is_tabulated() {
    let mut st = step("Run", Check::Elapsed { seconds: 2.0 });
    st.question = Some(number_question("q.depth"));
    let p = with_steps(vec![st]);
    let dir = tempfile::tempdir().unwrap();
    for (who, guess) in [("Ada", 15.0), ("Grace", 1000.0)] {
        let mut s = sim(&p);
        let mut r = LessonRunner::new(&p).unwrap();
        r.observe(&s.snapshot());
        assert!(r.answer(Given::Number(guess)));
        until_progress(&mut s, &mut r, 5);
        let rec = LessonRecord::from_runner(&r, &p.name, who, None);
        let back: LessonRecord = serde_json::from_str(&rec.to_json()).unwrap();
        assert_eq!(back, rec);
        std::fs::write(dir.path().join(rec.file_name()), rec.to_json()).unwrap();
    }
    std::fs::write(dir.path().join("notes.json"), "{not json").unwrap();
    let (records, bad) = eventloom::lesson::collect(dir.path()).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(bad.len(), 1);
    assert!(bad[0].0.ends_with("notes.json"));
    let table = tabulate(&records);
    assert!(table.starts_with("## Questions (2 learners)"), "{table}");
    assert!(table.contains("| Ada | 1/1 | "), "{table}");
    assert!(table.contains("| Grace | 1/1 | ✗ 1000 |"), "{table}");
    assert!(
        table.contains("- step 1 (Run): How deep will the queue be?"),
        "{table}"
    );
    assert!(eventloom::lesson::collect(&dir.path().join("missing")).is_err());
}

/// The handout has every step with reference numbers, a blank per prediction and the
/// answer key; an exercise's handout keeps its answers hidden.
#[test]
fn handouts_leave_blanks_and_key_the_answers() {
    let mut st = step(
        "Fill",
        Check::Node {
            node: "q".into(),
            metric: NodeMetric::Depth,
            op: Cmp::Above,
            value: 20.0,
        },
    );
    st.question = Some(number_question("q.depth"));
    st.text = "The queue holds {q.depth}.".into();
    let mut p = with_steps(vec![st]);
    let report = run_auto(&p, SEC).unwrap();
    let md = handout_markdown(&p, &report);
    assert!(md.starts_with("# Questions\n"), "{md}");
    assert!(md.contains("My prediction: ______________"), "{md}");
    assert!(
        md.contains("- Moves on when: q: messages waiting above 20"),
        "{md}"
    );
    assert!(md.contains("## Takeaway"), "{md}");
    assert!(md.contains("## Answer key"), "{md}");
    assert!(!md.contains('{'), "{md}");
    p.lesson.as_mut().unwrap().exercise = true;
    let md = handout_markdown(&p, &report);
    assert!(!md.contains("## Answer key"), "{md}");
}

/// Files from before questions load; fields left unset are not written.
#[test]
fn new_lesson_fields_are_optional_and_absent_when_unset() {
    let mut p = with_steps(vec![step("Run", Check::Elapsed { seconds: 2.0 })]);
    p.lesson.as_mut().unwrap().takeaway.clear();
    let text = eventloom::project::to_ron_string(&p);
    for field in [
        "takeaway",
        "exercise",
        "instructor_notes",
        "question",
        "awaits",
    ] {
        assert!(!text.contains(field), "{field} written while unset");
    }
    let back = eventloom::project::from_ron_str(&text).unwrap();
    assert_eq!(back.lesson, p.lesson);
}

/// The lesson lint names a step that states an outcome but only waits.
#[test]
fn the_lint_flags_a_step_that_claims_but_only_waits() {
    let mut st = step("Claims", Check::Elapsed { seconds: 2.0 });
    st.text = "The queue fills up: {q.depth} waiting.".into();
    let p = with_steps(vec![st]);
    let d = validate(&p);
    assert!(d.iter().any(|d| d.code == "lesson-only-waits"), "{d:#?}");
    assert!(d.iter().any(|d| d.code == "lesson-asks-nothing"));
}

/// The lint names a step whose text, shown before the answer, tells what its question asks:
/// a live value the question is about (a number question's measure, a value its reveal
/// quotes, node or run-wide) or a sentence about what the run does. Each row is one cell;
/// setup text, other values and steps that ask nothing are not flagged.
#[test]
fn the_lint_flags_a_step_that_tells_before_it_asks() {
    let choice = |reveal: &str| Question {
        prompt: "What happens to the surplus?".into(),
        answer: Answer::Choice {
            options: vec!["It waits".into(), "It is lost".into()],
            correct: 0,
        },
        reveal: reveal.into(),
    };
    let rows: [(&str, &str, Option<Question>, bool); 9] = [
        (
            "the measure, live",
            "Press Run: {q.depth} wait.",
            Some(number_question("q.depth")),
            true,
        ),
        (
            "a value the reveal quotes",
            "Press Run: {worker.throttles} throttles.",
            Some(choice("It waits: {worker.throttles} tries.")),
            true,
        ),
        (
            "a run-wide value the reveal quotes",
            "It projects to {cost.per_day} a day.",
            Some(choice("It costs {cost.per_day} a day.")),
            true,
        ),
        (
            "an outcome in words",
            "The queue backs up while the worker is busy.",
            Some(choice("It waits.")),
            true,
        ),
        (
            "a value the question is not about",
            "Users send {c.rate} a second.",
            Some(number_question("q.depth")),
            false,
        ),
        (
            "the same node, another metric",
            "The worker has run {worker.invocations} times.",
            Some(choice("It waits: {worker.throttles} tries.")),
            false,
        ),
        (
            "setup only",
            "Users send 20 a second to a worker capped at 2.",
            Some(choice("It waits: {q.depth} in the queue.")),
            false,
        ),
        ("no question, a live value", "{q.depth} wait.", None, false),
        (
            "no question, an outcome",
            "The queue backs up.",
            None,
            false,
        ),
    ];
    for (cell, text, question, flagged) in rows {
        let mut st = step(
            "Step",
            Check::NodeGrows {
                node: "q".into(),
                metric: NodeMetric::Depth,
                by: 1.0,
            },
        );
        st.text = text.into();
        st.question = question;
        let p = with_steps(vec![st]);
        let d = validate(&p);
        assert!(
            d.iter()
                .all(|d| d.severity != eventloom::model::Severity::Error),
            "{cell}: {d:#?}"
        );
        let hits: Vec<_> = d
            .iter()
            .filter(|d| d.code == "lesson-tells-before-asking")
            .collect();
        assert_eq!(hits.len(), usize::from(flagged), "{cell}: {hits:#?}");
        if let Some(h) = hits.first() {
            assert!(
                h.message.contains("lesson step 1 (\"Step\")")
                    && h.message.contains("move the outcome to the reveal"),
                "{cell}: {}",
                h.message
            );
        }
    }
}
