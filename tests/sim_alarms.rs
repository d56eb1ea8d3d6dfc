//! Alarms in the engine: M of N datapoints, the missing-data rules, every metric (a matrix
//! over `AlarmMetric::ALL`), log lines, the report, and a canary rolled back by its alarm.
//! Seeded and exact: arrivals and durations are constant.

mod sim_common;

use eventloom::model::{
    Alarm, AlarmMetric, AlarmState, Cmp, DeployStrategy, EdgeKind, Expectation, FunctionParams,
    MissingData, Project, QueueParams, next_state,
};
use eventloom::sim::{AlarmStatus, Level, Simulation};
use sim_common::*;

const SYNC: EdgeKind = EdgeKind::SyncInvoke;
const WRITE: EdgeKind = EdgeKind::Write;

fn alarm(name: &str, node: &str, metric: AlarmMetric, op: Cmp, threshold: f64) -> Alarm {
    Alarm {
        period_s: 10,
        ..Alarm::new(name, node.into(), metric, op, threshold)
    }
}

fn status(sim: &Simulation, name: &str) -> AlarmStatus {
    sim.alarm_statuses()
        .into_iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("no alarm {name}"))
}

/// A function that fails every invocation, called 10 times a second.
fn failing() -> Project {
    let f = FunctionParams {
        error_probability: 1.0,
        ..func(50.0)
    };
    Build::new(1)
        .client("c", 10.0)
        .func("f", f)
        .edge("c", "f", SYNC)
        .p
}

#[test]
fn m_of_n_decides_from_the_last_n_datapoints() {
    // (M, N, datapoints oldest first, expected) under notBreaching.
    let t = Some(true);
    let f = Some(false);
    let cases: &[(u32, u32, &[Option<bool>], AlarmState)] = &[
        (1, 1, &[t], AlarmState::Alarm),
        (1, 1, &[f], AlarmState::Ok),
        (2, 3, &[t, f, t], AlarmState::Alarm),
        (2, 3, &[t, f, f], AlarmState::Ok),
        (3, 3, &[t, t, f], AlarmState::Ok),
        (3, 3, &[t, t, t], AlarmState::Alarm),
        (2, 3, &[t, None, t], AlarmState::Alarm),
        (2, 3, &[t, None, None], AlarmState::Ok),
    ];
    for (m, n, points, want) in cases {
        let a = Alarm {
            evaluation_periods: *n,
            datapoints_to_alarm: *m,
            ..alarm("a", "f", AlarmMetric::ErrorRatePercent, Cmp::Above, 5.0)
        };
        assert_eq!(
            next_state(&a, points, AlarmState::Ok),
            *want,
            "{m} of {n}, {points:?}"
        );
    }
}

#[test]
fn missing_data_rules_each_decide_a_period_without_data() {
    // The newest of three periods has no data, the two before breached (2 of 3 needed):
    // each rule gives its own answer, and with no data at all another one.
    let t = Some(true);
    for rule in MissingData::ALL {
        let a = Alarm {
            evaluation_periods: 3,
            datapoints_to_alarm: 2,
            missing_data: rule,
            ..alarm("a", "f", AlarmMetric::ErrorRatePercent, Cmp::Above, 5.0)
        };
        let (newest_missing, all_missing) = match rule {
            MissingData::NotBreaching => (AlarmState::Alarm, AlarmState::Ok),
            MissingData::Breaching => (AlarmState::Alarm, AlarmState::Alarm),
            // Keeps the state it had (OK here).
            MissingData::Ignore => (AlarmState::Ok, AlarmState::Ok),
            MissingData::Missing => (AlarmState::Alarm, AlarmState::InsufficientData),
        };
        assert_eq!(
            next_state(&a, &[t, t, None], AlarmState::Ok),
            newest_missing,
            "{rule:?}, newest missing"
        );
        assert_eq!(
            next_state(&a, &[None, None, None], AlarmState::Ok),
            all_missing,
            "{rule:?}, all missing"
        );
    }
}

#[test]
fn a_run_without_requests_follows_the_missing_data_rule() {
    // A function nobody calls has no error-rate datapoints: the rule alone decides.
    for rule in MissingData::ALL {
        let mut p = Build::new(1).func("f", func(50.0)).p;
        p.alarms = vec![Alarm {
            missing_data: rule,
            ..alarm("idle", "f", AlarmMetric::ErrorRatePercent, Cmp::Above, 5.0)
        }];
        let mut s = sim(&p);
        s.run_until(secs(30));
        let want = match rule {
            MissingData::NotBreaching => AlarmState::Ok,
            MissingData::Breaching => AlarmState::Alarm,
            MissingData::Ignore | MissingData::Missing => AlarmState::InsufficientData,
        };
        let st = status(&s, "idle");
        assert_eq!(st.state, want, "{rule:?}");
        assert_eq!(st.last_value, None, "{rule:?}");
    }
}

#[test]
fn two_of_three_periods_fire_at_the_second_breaching_boundary() {
    let mut p = failing();
    p.alarms = vec![Alarm {
        evaluation_periods: 3,
        datapoints_to_alarm: 2,
        ..alarm(
            "F errors",
            "f",
            AlarmMetric::ErrorRatePercent,
            Cmp::Above,
            50.0,
        )
    }];
    let mut s = sim(&p);
    s.run_until(secs(9));
    assert_eq!(status(&s, "F errors").state, AlarmState::InsufficientData);
    s.run_until(secs(10));
    assert_eq!(
        status(&s, "F errors").state,
        AlarmState::Ok,
        "1 of 2 needed"
    );
    s.run_until(secs(20) - 1);
    assert_eq!(status(&s, "F errors").state, AlarmState::Ok);
    s.run_until(secs(20));
    let st = status(&s, "F errors");
    assert_eq!((st.state, st.fired), (AlarmState::Alarm, 1));
    s.run_until(secs(50));
    let st = status(&s, "F errors");
    assert_eq!(
        (st.state, st.fired, st.in_alarm_s),
        (AlarmState::Alarm, 1, 30.0)
    );
    assert_eq!(st.last_value, Some(100.0));
    // One WARN line at the transition, saying why.
    let lines: Vec<_> = s
        .log_lines()
        .lines()
        .filter(|l| l.message.starts_with("ALARM 'F errors'"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].level, Level::Warn);
    assert_eq!(lines[0].t, secs(20));
    assert_eq!(
        lines[0].message,
        "ALARM 'F errors': error rate 100 %, threshold > 50 %, 2 of 2 periods of 10 s breaching (2 needed)"
    );
    // The report carries it; the expectation fails.
    p.expectations = vec![Expectation::AlarmNeverFired {
        alarm: "F errors".to_owned(),
    }];
    let mut s = sim(&p);
    s.run_until(secs(50));
    let r = s.report();
    assert_eq!(r.alarms.len(), 1);
    assert_eq!(r.alarms[0].state, AlarmState::Alarm);
    assert!(!r.expectations[0].passed, "{:?}", r.expectations[0]);
}

#[test]
fn an_alarm_returns_to_ok_when_the_errors_stop() {
    // The failing function is fixed at 25 s (an all-at-once deploy of a healthy version).
    let mut p = failing();
    p.alarms = vec![alarm(
        "F errors",
        "f",
        AlarmMetric::ErrorRatePercent,
        Cmp::Above,
        50.0,
    )];
    let mut s = sim(&p);
    s.run_until(secs(25));
    assert_eq!(status(&s, "F errors").state, AlarmState::Alarm);
    s.deploy(&"f".into(), &func(50.0), &DeployStrategy::AllAtOnce)
        .expect("deploys");
    s.run_until(secs(40));
    let st = status(&s, "F errors");
    // [20, 30) still mixes failures (25 s of 10 s: half); [30, 40) has none.
    assert_eq!(st.state, AlarmState::Ok);
    assert_eq!(st.fired, 1);
    assert!(
        s.log_lines()
            .lines()
            .any(|l| l.t == secs(40) && l.message.starts_with("OK 'F errors'")),
        "an INFO line says it is OK again"
    );
}

/// Every metric, breaching and not: one project where each metric has something to see.
/// f: 20 requests/s, 500 ms each, one environment (reserved concurrency 1) and half the
/// invocations fail — errors, a long p99, throttles. q: 10 messages/s nobody reads. r: read
/// by a consumer that always fails, one receive allowed, so messages move to its DLQ.
fn every_metric_project() -> Project {
    let f = FunctionParams {
        error_probability: 0.5,
        reserved_concurrency: Some(1),
        ..func(500.0)
    };
    let r = QueueParams {
        visibility_timeout_ms: 1_000,
        max_receive_count: Some(1),
        ..queue()
    };
    let consumer = FunctionParams {
        error_probability: 1.0,
        ..func(10.0)
    };
    Build::new(3)
        .client("c", 20.0)
        .func("f", f)
        .edge("c", "f", SYNC)
        .client("w", 10.0)
        .queue("q", queue())
        .edge("w", "q", WRITE)
        .client("v", 10.0)
        .queue("r", r)
        .queue("dlq", queue())
        .func("g", consumer)
        .edge("v", "r", WRITE)
        .edge("r", "g", esm(1))
        .edge("r", "dlq", EdgeKind::OnFailure)
        .p
}

#[test]
fn every_metric_fires_above_a_low_threshold_and_not_above_a_high_one() {
    for metric in AlarmMetric::ALL {
        // (node, a threshold the run passes, one it never reaches)
        let (node, low, high) = match metric {
            AlarmMetric::ErrorRatePercent => ("f", 20.0, 100.0),
            AlarmMetric::P99Ms => ("f", 400.0, 10_000.0),
            AlarmMetric::ThrottlesPerS => ("f", 5.0, 25.0),
            AlarmMetric::QueueDepth => ("q", 100.0, 10_000.0),
            AlarmMetric::OldestAgeS => ("q", 10.0, 100.0),
            AlarmMetric::DlqDepth => ("r", 10.0, 10_000.0),
        };
        for (threshold, want) in [(low, AlarmState::Alarm), (high, AlarmState::Ok)] {
            let mut p = every_metric_project();
            p.alarms = vec![alarm("a", node, metric, Cmp::Above, threshold)];
            assert!(
                !eventloom::model::has_errors(&eventloom::model::validate(&p)),
                "{:?}",
                eventloom::model::validate(&p)
            );
            let mut s = sim(&p);
            s.run_until(secs(60));
            let st = status(&s, "a");
            assert_eq!(st.state, want, "{metric:?} > {threshold}: {st:?}");
            assert!(st.last_value.is_some(), "{metric:?} has data");
        }
    }
}

#[test]
fn queue_metrics_read_the_queue_at_the_period_boundary() {
    // 10 messages/s into q from 0.1 s: 599 waiting when the period closes at 60 s (the
    // message sent at 60 s comes after the boundary), the oldest sent at 0.1 s.
    let mut p = every_metric_project();
    p.alarms = vec![
        alarm("depth", "q", AlarmMetric::QueueDepth, Cmp::Above, 0.0),
        alarm("age", "q", AlarmMetric::OldestAgeS, Cmp::Above, 0.0),
    ];
    let mut s = sim(&p);
    s.run_until(secs(60));
    assert_eq!(status(&s, "depth").last_value, Some(599.0));
    assert_eq!(status(&s, "age").last_value, Some(59.9));
}

#[test]
fn a_metric_on_a_node_without_it_is_a_validation_error() {
    for metric in AlarmMetric::ALL {
        // The function has no queue metrics, the queue no request metrics.
        let node = match metric {
            AlarmMetric::ErrorRatePercent | AlarmMetric::P99Ms | AlarmMetric::ThrottlesPerS => "q",
            AlarmMetric::QueueDepth | AlarmMetric::OldestAgeS | AlarmMetric::DlqDepth => "f",
        };
        let mut p = every_metric_project();
        p.alarms = vec![alarm("a", node, metric, Cmp::Above, 1.0)];
        let d = eventloom::model::validate(&p);
        assert!(eventloom::model::has_errors(&d), "{metric:?} on {node}");
        // The run refuses to start rather than panic.
        assert!(Simulation::new(&p, eventloom::sim::SimConfig::from_project(&p)).is_err());
    }
}

#[test]
fn bad_alarm_settings_are_reported_not_run() {
    let base = alarm("a", "f", AlarmMetric::ErrorRatePercent, Cmp::Above, 5.0);
    let bad = [
        Alarm {
            name: String::new(),
            ..base.clone()
        },
        Alarm {
            period_s: 0,
            ..base.clone()
        },
        Alarm {
            evaluation_periods: 0,
            ..base.clone()
        },
        Alarm {
            evaluation_periods: 2,
            datapoints_to_alarm: 3,
            ..base.clone()
        },
        Alarm {
            threshold: f64::NAN,
            ..base.clone()
        },
        Alarm {
            node: "nowhere".into(),
            ..base.clone()
        },
    ];
    for a in bad {
        let mut p = failing();
        p.alarms = vec![a.clone()];
        assert!(
            eventloom::model::has_errors(&eventloom::model::validate(&p)),
            "{a:?}"
        );
    }
    let mut p = failing();
    p.alarms = vec![base.clone(), base];
    assert!(
        eventloom::model::has_errors(&eventloom::model::validate(&p)),
        "duplicate names"
    );
}

#[test]
fn same_seed_same_alarm_history() {
    let mut p = every_metric_project();
    p.alarms = AlarmMetric::ALL
        .iter()
        .enumerate()
        .map(|(i, &m)| {
            let node = if m.applies_to(eventloom::model::KindTag::Function) {
                "f"
            } else {
                "r"
            };
            alarm(&format!("a{i}"), node, m, Cmp::Above, 1.0)
        })
        .collect();
    let run = || {
        let mut s = sim(&p);
        s.run_until(secs(120));
        serde_json::to_string(&s.report()).expect("serialises")
    };
    assert_eq!(run(), run());
}

#[test]
fn a_project_without_alarms_reports_none() {
    let mut s = sim(&failing());
    s.run_until(secs(20));
    let json = serde_json::to_string(&s.report()).expect("serialises");
    assert!(!json.contains("\"alarms\""));
    assert!(s.snapshot().alarms.is_empty());
}

fn canary(rollback_on_alarm: Option<String>) -> DeployStrategy {
    DeployStrategy::Canary {
        percent: 50.0,
        after_ms: 60_000,
        rollback_on_alarm,
    }
}

#[test]
fn a_canary_rolls_back_when_its_alarm_fires_and_moves_on_without_one() {
    // v1 is healthy; v2 fails every invocation and gets half the traffic from 5 s: the
    // error rate of [0, 10) is about 25 %, above the 10 % threshold.
    let healthy = Build::new(1)
        .client("c", 10.0)
        .func("f", func(50.0))
        .edge("c", "f", SYNC)
        .p;
    let bad = FunctionParams {
        error_probability: 1.0,
        ..func(50.0)
    };
    let mut p = healthy.clone();
    p.alarms = vec![alarm(
        "F errors",
        "f",
        AlarmMetric::ErrorRatePercent,
        Cmp::Above,
        10.0,
    )];
    for guarded in [true, false] {
        let mut s = sim(&p);
        s.run_until(secs(5));
        let name = guarded.then(|| "F errors".to_owned());
        s.deploy(&"f".into(), &bad, &canary(name)).expect("deploys");
        s.run_until(secs(10) - 1);
        assert_eq!(s.snapshot().node("f").map(|n| n.version), Some(1));
        s.run_until(secs(90));
        let n = s.snapshot().node("f").cloned().expect("f");
        let rolled = s.log_lines().lines().find(|l| {
            l.message
                .contains("alarm 'F errors' fired during the shift")
        });
        if guarded {
            assert_eq!(n.version, 1, "all traffic back on v1");
            assert_eq!(n.shifting_to, None);
            let line = rolled.expect("a rollback line");
            assert_eq!((line.t, line.level), (secs(10), Level::Warn));
            assert_eq!(
                line.message,
                "rolled back to v1: alarm 'F errors' fired during the shift"
            );
        } else {
            assert_eq!(n.version, 2, "the shift moved on by the clock");
            assert!(rolled.is_none());
        }
    }
    // Naming an alarm the run does not have is refused.
    let mut s = sim(&p);
    let err = s
        .deploy(&"f".into(), &bad, &canary(Some("nope".to_owned())))
        .expect_err("refused");
    assert_eq!(err.to_string(), "there is no alarm named \"nope\"");
}

/// The examples' alarms stay quiet in a plain run: when one fires in a lesson, the step's
/// fault or bad deploy fired it.
#[test]
fn example_alarms_never_fire_without_a_break() {
    let mut with_alarms = 0;
    for entry in std::fs::read_dir("projects").expect("projects/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "ron") {
            continue;
        }
        let p = eventloom::project::load(&path).expect("loads");
        if p.alarms.is_empty() {
            continue;
        }
        with_alarms += 1;
        let mut s = sim(&p);
        s.run_until(p.run.duration_ms * eventloom::sim::MS);
        for a in s.alarm_statuses() {
            assert_eq!(a.fired, 0, "{}: {a:?}", path.display());
            assert_eq!(a.state, AlarmState::Ok, "{}: {a:?}", path.display());
        }
    }
    assert!(with_alarms >= 2, "monitoring and canary-deploy have alarms");
}

#[test]
fn changing_alarms_during_a_live_run_asks_for_a_restart() {
    let running = failing();
    let mut edited = running.clone();
    edited.alarms = vec![alarm(
        "F errors",
        "f",
        AlarmMetric::ErrorRatePercent,
        Cmp::Above,
        5.0,
    )];
    let c = eventloom::sim::live_changes(&running, &edited);
    assert_eq!(c.restart.as_deref(), Some("alarms changed"));
}
