//! The live run host in paused tokio time: pacing, pause, step, speed, fast-forward, commands,
//! resets, logs and frame rate — hours of wall time in milliseconds, nothing sleeps for real.
#![cfg(feature = "host")]

mod sim_common;

use eventloom::host::{
    Engine, Frame, FrameSink, HostCommand, HostOptions, RunState, Speed, run_loop,
};
use eventloom::model::{EdgeKind, Fault, FaultKind, FaultTarget, Project};
use eventloom::sim::{Applied, Command, MS, SEC, Time};
use sim_common::{Build, func};
use std::sync::mpsc::Receiver;
use std::time::Duration;
use tokio::sync::mpsc::Sender;

fn project() -> Project {
    Build::new(7)
        .client("c", 100.0)
        .func("f", func(20.0))
        .edge("c", "f", EdgeKind::SyncInvoke)
        .project()
}

struct Rig {
    tx: Sender<HostCommand>,
    rx: Receiver<Frame>,
    frames: Vec<Frame>,
}

impl Rig {
    fn start(p: &Project, speed: Speed) -> Rig {
        let options = HostOptions {
            speed,
            duration: 3_600 * SEC,
            ..HostOptions::from_project(p)
        };
        Rig::start_with(p, options)
    }

    fn start_with(p: &Project, options: HostOptions) -> Rig {
        let engine = Engine::new(p, options).expect("compiles");
        let (tx, crx) = tokio::sync::mpsc::channel(64);
        // Room for every frame of a test: nothing merges unless a test wants it to.
        let (ftx, rx) = std::sync::mpsc::sync_channel(100_000);
        tokio::spawn(run_loop(engine, crx, FrameSink::new(ftx, Box::new(|| {}))));
        Rig {
            tx,
            rx,
            frames: Vec::new(),
        }
    }

    async fn send(&self, c: HostCommand) {
        self.tx.send(c).await.expect("host running");
    }

    /// Lets `secs` of (paused, auto-advancing) wall time pass, collecting frames.
    async fn wait(&mut self, secs: f64) {
        tokio::time::sleep(Duration::from_secs_f64(secs)).await;
        self.drain();
    }

    fn drain(&mut self) {
        while let Ok(f) = self.rx.try_recv() {
            self.frames.push(f);
        }
    }

    fn last(&self) -> &Frame {
        self.frames.last().expect("a frame arrived")
    }

    fn now(&self) -> Time {
        self.last().snapshot.now
    }
}

fn within(actual: Time, expected: Time, slack: Time) {
    assert!(
        actual.abs_diff(expected) <= slack,
        "virtual time {actual} µs, expected {expected} ± {slack}"
    );
}

#[tokio::test(start_paused = true)]
async fn play_paces_virtual_time_to_wall_time() {
    let mut rig = Rig::start(&project(), Speed::Times(1.0));
    rig.wait(1.0).await;
    assert_eq!(rig.now(), 0, "a new run waits for Play");
    rig.send(HostCommand::Play).await;
    rig.wait(10.0).await;
    within(rig.now(), 10 * SEC, 40 * MS);
    assert_eq!(rig.last().state, RunState::Running);
    assert_eq!(rig.last().lag, 0, "a small project keeps pace");
    let f = rig.last().snapshot.node("f").expect("f").clone();
    assert!(f.rate() > 50.0, "throughput {}", f.rate());
}

#[tokio::test(start_paused = true)]
async fn at_most_thirty_frames_a_second() {
    let mut rig = Rig::start(&project(), Speed::Times(1.0));
    rig.send(HostCommand::Play).await;
    rig.wait(10.0).await;
    let n = rig.frames.len();
    assert!((250..=301).contains(&n), "{n} frames in 10 s");
}

#[tokio::test(start_paused = true)]
async fn speed_scales_the_clock_and_pause_stops_it() {
    let mut rig = Rig::start(&project(), Speed::Times(10.0));
    rig.send(HostCommand::Play).await;
    rig.wait(5.0).await;
    within(rig.now(), 50 * SEC, 400 * MS);
    rig.send(HostCommand::Pause).await;
    rig.wait(0.1).await;
    let paused_at = rig.now();
    rig.wait(20.0).await;
    assert_eq!(rig.now(), paused_at, "the clock stands still while paused");
    assert_eq!(rig.last().state, RunState::Paused);
    // 0.5× after resuming: 4 wall seconds are 2 virtual seconds.
    rig.send(HostCommand::SetSpeed(Speed::Times(0.5))).await;
    rig.send(HostCommand::Play).await;
    rig.wait(4.0).await;
    within(rig.now(), paused_at + 2 * SEC, 40 * MS);
}

#[tokio::test(start_paused = true)]
async fn step_advances_a_paused_clock() {
    let mut rig = Rig::start(&project(), Speed::Times(1.0));
    rig.send(HostCommand::Step(250 * MS)).await;
    rig.wait(0.1).await;
    assert_eq!(rig.now(), 250 * MS);
    rig.send(HostCommand::Step(SEC)).await;
    rig.wait(0.1).await;
    assert_eq!(rig.now(), 1_250 * MS);
    assert_eq!(rig.last().state, RunState::Paused);
}

#[tokio::test(start_paused = true)]
async fn fast_forward_runs_flat_out_then_pauses_and_cancel_stops_it() {
    let mut rig = Rig::start(&project(), Speed::Times(1.0));
    rig.send(HostCommand::FastForward(600 * SEC)).await;
    rig.wait(0.5).await;
    assert_eq!(rig.now(), 600 * SEC);
    assert_eq!(rig.last().state, RunState::Paused);
    assert!(
        rig.last().snapshot.node("f").expect("f").invocations > 50_000,
        "ten minutes of traffic ran"
    );
    // Cancel arriving before the engine starts: the run stays where it was.
    rig.send(HostCommand::FastForward(1_200 * SEC)).await;
    rig.send(HostCommand::Cancel).await;
    rig.wait(0.5).await;
    assert_eq!(rig.now(), 600 * SEC);
}

#[tokio::test(start_paused = true)]
async fn a_run_finishes_at_its_duration() {
    let mut rig = Rig::start(&project(), Speed::Max);
    rig.send(HostCommand::SetDuration(30 * SEC)).await;
    rig.send(HostCommand::Play).await;
    rig.wait(1.0).await;
    assert_eq!(rig.now(), 30 * SEC);
    assert_eq!(rig.last().state, RunState::Finished);
    rig.send(HostCommand::Play).await;
    rig.wait(1.0).await;
    assert_eq!(rig.now(), 30 * SEC, "Play after the end does nothing");
}

#[tokio::test(start_paused = true)]
async fn commands_reply_with_their_ticket() {
    let mut rig = Rig::start(&project(), Speed::Times(1.0));
    let outage = |node: &str| {
        Command::InjectFault(Fault {
            target: FaultTarget::Node(node.into()),
            kind: FaultKind::Outage,
        })
    };
    rig.send(HostCommand::Sim(1, outage("f"))).await;
    rig.send(HostCommand::Sim(2, outage("c"))).await;
    rig.send(HostCommand::Step(2 * SEC)).await;
    rig.wait(0.1).await;
    let replies: Vec<_> = rig.frames.iter().flat_map(|f| f.replies.clone()).collect();
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].ticket, 1);
    assert!(matches!(replies[0].result, Ok(Applied::Fault(_))));
    assert_eq!(replies[1].ticket, 2);
    assert!(replies[1].result.is_err(), "a client cannot have an outage");
    let f = rig.last().snapshot.node("f").expect("f").clone();
    assert_eq!(f.completions, 0);
    assert!(f.errors > 0);
    assert_eq!(rig.last().snapshot.faults.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn reset_starts_over_and_a_broken_project_is_refused() {
    let mut rig = Rig::start(&project(), Speed::Times(1.0));
    rig.send(HostCommand::Step(5 * SEC)).await;
    rig.wait(0.1).await;
    let mut broken = project();
    broken
        .graph
        .edges
        .values_mut()
        .for_each(|e| e.to = "missing".into());
    rig.send(HostCommand::Reset {
        project: Box::new(broken),
        seed: 1,
    })
    .await;
    rig.wait(0.1).await;
    assert!(rig.last().error.is_some(), "the refusal is reported");
    assert_eq!(rig.now(), 5 * SEC, "the old run is kept");
    assert_eq!(rig.last().generation, 0);
    rig.send(HostCommand::Reset {
        project: Box::new(project()),
        seed: 99,
    })
    .await;
    rig.wait(0.1).await;
    assert_eq!(rig.now(), 0);
    assert_eq!(rig.last().generation, 1);
    assert_eq!(rig.last().seed, 99);
}

/// A project that logs steadily: every call is a cold start (no keep-alive).
fn chatty() -> Project {
    Build::new(3)
        .client("c", 50.0)
        .func(
            "f",
            eventloom::model::FunctionParams {
                keep_alive_ms: 0,
                ..func(10.0)
            },
        )
        .edge("c", "f", EdgeKind::SyncInvoke)
        .project()
}

#[tokio::test(start_paused = true)]
async fn every_log_line_arrives_once_in_order() {
    let p = chatty();
    let mut rig = Rig::start(&p, Speed::Times(1.0));
    rig.send(HostCommand::Play).await;
    rig.wait(20.0).await;
    let lines: Vec<_> = rig.frames.iter().flat_map(|f| f.new_logs.clone()).collect();
    let missed: u64 = rig.frames.iter().map(|f| f.logs_missed).sum();
    let total = rig.last().snapshot.log_total;
    assert!(total > 20, "{total} lines");
    assert_eq!(lines.len() as u64 + missed, total);
    assert!(lines.windows(2).all(|w| w[0].t <= w[1].t));
}

/// `serve` on the command line shows no log: its frames carry none, and nothing is counted
/// as missed, while the run logs as ever.
#[tokio::test(start_paused = true)]
async fn frames_without_logs_carry_none_and_miss_none() {
    let p = chatty();
    for frame_logs in [true, false] {
        let options = HostOptions {
            duration: 3_600 * SEC,
            frame_logs,
            ..HostOptions::from_project(&p)
        };
        let mut rig = Rig::start_with(&p, options);
        rig.send(HostCommand::Play).await;
        rig.wait(20.0).await;
        let lines: usize = rig.frames.iter().map(|f| f.new_logs.len()).sum();
        let missed: u64 = rig.frames.iter().map(|f| f.logs_missed).sum();
        let total = rig.last().snapshot.log_total;
        assert!(total > 20, "{total} lines");
        if frame_logs {
            assert_eq!(lines as u64 + missed, total);
        } else {
            assert_eq!((lines, missed), (0, 0));
        }
    }
}

#[tokio::test(start_paused = true)]
async fn watched_nodes_get_series_and_traces_are_listed() {
    let mut rig = Rig::start(&project(), Speed::Times(1.0));
    rig.send(HostCommand::Watch(vec!["f".into()])).await;
    rig.send(HostCommand::Play).await;
    rig.wait(5.0).await;
    let watched = rig
        .frames
        .iter()
        .rev()
        .find_map(|f| f.watched.clone())
        .expect("series sent");
    assert_eq!(watched.len(), 1);
    assert!(watched[0].series.points.len() >= 3);
    assert!(watched[0].latency.count > 100);
    assert!(!watched[0].histogram.is_empty());
    let traces = rig
        .frames
        .iter()
        .rev()
        .find_map(|f| f.traces.clone())
        .expect("trace list sent");
    assert!(!traces.is_empty());
    let id = traces[0].id;
    rig.send(HostCommand::Trace(id)).await;
    rig.wait(0.2).await;
    let t = rig
        .frames
        .iter()
        .rev()
        .find_map(|f| f.trace.clone())
        .expect("trace sent");
    assert_eq!(t.id, id);
}

#[test]
fn a_slow_ui_loses_nothing_incremental() {
    // Frames the UI has not taken are folded together: logs and replies accumulate.
    let p = project();
    let mut e = Engine::new(&p, HostOptions::from_project(&p)).expect("compiles");
    e.handle(HostCommand::Sim(1, Command::ClearAllFaults));
    e.handle(HostCommand::Step(2 * SEC));
    let mut a = e.frame();
    e.handle(HostCommand::Sim(2, Command::ClearAllFaults));
    e.handle(HostCommand::Step(2 * SEC));
    let b = e.frame();
    let logs = a.new_logs.len() + b.new_logs.len();
    a.absorb(b);
    assert_eq!(a.new_logs.len(), logs);
    assert_eq!(a.replies.len(), 2);
    assert_eq!(a.snapshot.now, 4 * SEC);
}

#[test]
fn the_host_thread_starts_and_stops() {
    let p = project();
    let host = eventloom::host::Host::spawn(&p, HostOptions::from_project(&p), Box::new(|| {}))
        .expect("starts");
    assert!(host.send(HostCommand::Step(SEC)).is_ok());
    drop(host); // joins the thread; hangs here if shutdown were broken
}

#[test]
fn the_inline_driver_advances_without_a_clock_and_reports() {
    let p = project();
    let mut e = Engine::new(&p, HostOptions::from_project(&p)).expect("compiles");
    e.advance_by(SEC);
    assert_eq!(e.sim().now(), 0, "paused: nothing moves");
    e.handle(HostCommand::Play);
    e.advance_by(3 * SEC);
    assert_eq!(e.sim().now(), 3 * SEC);
    e.handle(HostCommand::Report);
    let r = e.frame().report.expect("report sent");
    assert_eq!(r.duration_s, 3.0);
    assert!(e.frame().report.is_none(), "sent once");
}

#[test]
fn a_run_its_budget_stops_finishes_and_says_why_with_the_project_intact() {
    // A function that invokes itself twice per call with recursion allowed grows without
    // end; the host keeps answering and finishes the run with the reason.
    let f = eventloom::model::FunctionParams {
        recursive_loop: eventloom::model::RecursiveLoop::Allow,
        ..func(50.0)
    };
    let mut p = Build::new(1)
        .client("c", 1.0)
        .func("f", f)
        .edge("c", "f", EdgeKind::AsyncInvoke)
        .edge_n("f", "f", EdgeKind::AsyncInvoke, 2)
        .project();
    p.run.max_memory_mb = 32;
    let mut e = Engine::new(&p, HostOptions::from_project(&p)).expect("compiles");
    e.handle(HostCommand::Play);
    for _ in 0..600 {
        e.advance_by(SEC);
        if e.state() == RunState::Finished {
            break;
        }
    }
    assert_eq!(e.state(), RunState::Finished);
    let frame = e.frame();
    assert!(frame.error.is_none(), "not a refused reset");
    let stopped = frame
        .snapshot
        .stopped
        .clone()
        .expect("the snapshot says why");
    assert!(
        stopped.message.contains("grew fastest"),
        "{}",
        stopped.message
    );
    assert_eq!(stopped.node.as_deref(), Some("f"));
    assert_eq!(
        e.frame().snapshot.stopped,
        Some(stopped),
        "every frame says it"
    );
    // Play does not restart it, nor does a longer or shorter duration; a reset does.
    e.handle(HostCommand::Play);
    assert_eq!(e.state(), RunState::Finished);
    let now = e.sim().now();
    for d in [now + 3_600 * SEC, now + 1, now, now / 2, Time::MAX] {
        e.handle(HostCommand::SetDuration(d));
        assert_eq!(e.state(), RunState::Finished, "duration {d}");
        e.handle(HostCommand::Play);
        assert_eq!(e.state(), RunState::Finished, "Play after duration {d}");
    }
    e.handle(HostCommand::Reset {
        project: Box::new(p.clone()),
        seed: 1,
    });
    assert_eq!(e.state(), RunState::Paused);
    assert!(e.frame().snapshot.stopped.is_none());
}

/// A finished run and a new duration, every case: a run that reached its end goes on
/// (paused, then Play runs to the new end) only when the end moves past where it stands;
/// otherwise it stays finished and Play does nothing. (A run its budget stopped stays
/// finished whatever the duration: see the budget test above.)
#[test]
fn a_finished_run_goes_on_only_when_its_end_moves_past_it() {
    let p = project();
    let cases: [(Time, RunState); 4] = [
        (3 * SEC, RunState::Finished),
        (2 * SEC, RunState::Finished),
        (0, RunState::Finished),
        (5 * SEC, RunState::Paused),
    ];
    for (d, expected) in cases {
        let options = HostOptions {
            duration: 3 * SEC,
            ..HostOptions::from_project(&p)
        };
        let mut e = Engine::new(&p, options).expect("compiles");
        e.handle(HostCommand::Play);
        e.advance_by(10 * SEC);
        assert_eq!(e.state(), RunState::Finished);
        assert_eq!(e.sim().now(), 3 * SEC);
        e.handle(HostCommand::SetDuration(d));
        assert_eq!(e.state(), expected, "new duration {d}");
        e.handle(HostCommand::Play);
        e.advance_by(10 * SEC);
        assert_eq!(e.sim().now(), d.max(3 * SEC), "Play after duration {d}");
        assert_eq!(e.state(), RunState::Finished);
    }
}

/// The UI is slow to take frames (the channel holds one) while the run ends: the last frame,
/// kept back while the channel was full, still arrives once the UI takes the one waiting —
/// the run shows finished at its end, not "running" just before it.
#[tokio::test(start_paused = true)]
async fn the_last_frame_arrives_when_the_ui_was_slow() {
    let p = project();
    let options = HostOptions {
        speed: Speed::Times(1.0),
        duration: 3 * SEC,
        ..HostOptions::from_project(&p)
    };
    let engine = Engine::new(&p, options).expect("compiles");
    let (tx, crx) = tokio::sync::mpsc::channel(64);
    let (ftx, rx) = std::sync::mpsc::sync_channel(1);
    tokio::spawn(run_loop(engine, crx, FrameSink::new(ftx, Box::new(|| {}))));
    tx.send(HostCommand::Play).await.expect("host running");
    // The run ends while the one slot holds an early frame.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let early = rx.try_recv().expect("a frame waited");
    assert_ne!(
        early.state,
        RunState::Finished,
        "the early frame is the stale one"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let last = rx.try_recv().expect("the kept-back frame arrives");
    assert_eq!(last.state, RunState::Finished);
    assert_eq!(last.snapshot.now, 3 * SEC);
}
