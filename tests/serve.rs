//! `eventloom serve` with real HTTP clients against loopback (issue 17): every simulated
//! outcome as an HTTP status (a table that must cover every `ExternalStatus`), unknown
//! routes, body limits, malformed requests, the connection cap, many concurrent requests,
//! timeouts, a paused or stopped run, stopping mid-request, the paced wake-up (in paused
//! tokio time) and the binary itself. Ports are chosen by the system; every wait is bounded.
#![cfg(feature = "serve")]

mod sim_common;

use eventloom::host::{
    Engine, ExternalCall, ExternalRefusal, FrameSink, Host, HostCommand, HostOptions, Speed,
    run_loop,
};
use eventloom::model::{
    EdgeKind, Fault, FaultKind, FaultTarget, FunctionParams, HttpApiParams, NodeKind, Project,
};
use eventloom::serve::{LATENCY_HEADER, ServeOptions, Server, TRACE_HEADER};
use eventloom::sim::{Command, ExternalStatus, MS, SEC, Time};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{SendRequest, handshake};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use sim_common::{Build, func, queue};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every wait in these tests ends within this.
const PATIENCE: Duration = Duration::from_secs(20);

fn api(overhead_ms: f64, timeout_ms: u64) -> NodeKind {
    NodeKind::HttpApi(HttpApiParams {
        overhead_ms,
        integration_timeout_ms: timeout_ms,
        ..HttpApiParams::default()
    })
}

/// A live run of `p` at 1× with a server on a free port.
struct Rig {
    host: Host,
    server: Server,
}

impl Rig {
    fn start(p: &Project, options: ServeOptions) -> Rig {
        let host_options = HostOptions {
            duration: 3_600 * SEC,
            ..HostOptions::from_project(p)
        };
        let host = Host::spawn(p, host_options, Box::new(|| {})).expect("the project runs");
        let options = ServeOptions { port: 0, ..options };
        let server = Server::start(host.external_port(), p, options).expect("listens");
        host.send(HostCommand::Play).expect("host running");
        Rig { host, server }
    }

    fn addr(&self) -> SocketAddr {
        self.server.addr()
    }
}

/// A response, read whole.
#[derive(Debug)]
struct Answer {
    status: u16,
    trace: String,
    simulated_us: Option<u64>,
    body: Value,
    wall: Duration,
}

/// One keep-alive connection.
struct Client {
    sender: SendRequest<Full<Bytes>>,
}

impl Client {
    async fn connect(addr: SocketAddr) -> Client {
        let stream = bounded(TcpStream::connect(addr)).await.expect("connects");
        let (sender, conn) = bounded(handshake(TokioIo::new(stream)))
            .await
            .expect("handshake");
        tokio::spawn(conn);
        Client { sender }
    }

    async fn send(&mut self, method: &str, path: &str, body: Vec<u8>) -> Answer {
        let req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "127.0.0.1")
            .body(Full::new(Bytes::from(body)))
            .expect("a valid request");
        let t0 = Instant::now();
        bounded(self.sender.ready()).await.expect("ready");
        let res = bounded(self.sender.send_request(req))
            .await
            .expect("answered");
        let status = res.status().as_u16();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let trace = header(TRACE_HEADER).expect("every response has the trace header");
        let simulated_us = header(LATENCY_HEADER).and_then(|v| v.parse().ok());
        let bytes = bounded(res.into_body().collect())
            .await
            .expect("body")
            .to_bytes();
        let wall = t0.elapsed();
        let body = serde_json::from_slice(&bytes).expect("a JSON body");
        Answer {
            status,
            trace,
            simulated_us,
            body,
            wall,
        }
    }
}

async fn bounded<F: std::future::IntoFuture>(f: F) -> F::Output {
    tokio::time::timeout(PATIENCE, f)
        .await
        .expect("finished within the test's patience")
}

/// One request on a new connection.
async fn post(addr: SocketAddr, path: &str, body: &str) -> Answer {
    Client::connect(addr)
        .await
        .send("POST", path, body.as_bytes().to_vec())
        .await
}

/// Writes `raw` on a new connection and reads what comes back until the server closes it or
/// a response head and `min_body` bytes have arrived.
async fn raw(addr: SocketAddr, raw: &[u8]) -> String {
    let mut s = bounded(TcpStream::connect(addr)).await.expect("connects");
    let _ = bounded(s.write_all(raw)).await;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match bounded(s.read(&mut buf)).await {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
        let text = String::from_utf8_lossy(&got);
        if let Some(head_end) = text.find("\r\n\r\n") {
            let len = text[..head_end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_owned)
                })
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if got.len() >= head_end + 4 + len {
                break;
            }
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

fn outage(node: &str) -> HostCommand {
    HostCommand::Sim(
        1,
        Command::InjectFault(Fault {
            target: FaultTarget::Node(node.into()),
            kind: FaultKind::Outage,
        }),
    )
}

fn throttle(node: &str) -> HostCommand {
    HostCommand::Sim(
        2,
        Command::InjectFault(Fault {
            target: FaultTarget::Node(node.into()),
            kind: FaultKind::Throttle { max_concurrency: 0 },
        }),
    )
}

/// Position of a status among all of them (exhaustive: a new one must get a cell).
fn slot(s: ExternalStatus) -> usize {
    match s {
        ExternalStatus::Ok => 0,
        ExternalStatus::Throttled => 1,
        ExternalStatus::Failed => 2,
        ExternalStatus::TimedOut => 3,
        ExternalStatus::Unavailable => 4,
        ExternalStatus::Internal => 5,
    }
}

/// One API per outcome, no simulated clients.
fn outcomes_project() -> Project {
    Build::new(5)
        .node("ok", api(5.0, 29_000))
        .func("f-ok", func(20.0))
        .edge("ok", "f-ok", EdgeKind::SyncInvoke)
        .node("accepts", api(5.0, 29_000))
        .queue("q", queue())
        .edge("accepts", "q", EdgeKind::Write)
        .node(
            "limited",
            NodeKind::HttpApi(HttpApiParams {
                burst: 1,
                rate_limit_rps: 0.001,
                overhead_ms: 5.0,
                ..HttpApiParams::default()
            }),
        )
        .func("f-limited", func(20.0))
        .edge("limited", "f-limited", EdgeKind::SyncInvoke)
        .node("failing", api(5.0, 29_000))
        .func(
            "f-failing",
            FunctionParams {
                error_probability: 1.0,
                ..func(20.0)
            },
        )
        .edge("failing", "f-failing", EdgeKind::SyncInvoke)
        .node("slow", api(5.0, 50))
        .func("f-slow", func(300.0))
        .edge("slow", "f-slow", EdgeKind::SyncInvoke)
        .node("busy", api(5.0, 29_000))
        .func("f-busy", func(20.0))
        .edge("busy", "f-busy", EdgeKind::SyncInvoke)
        .node("down", api(5.0, 29_000))
        .func("f-down", func(20.0))
        .edge("down", "f-down", EdgeKind::SyncInvoke)
        .project()
}

#[tokio::test]
async fn every_simulated_outcome_reaches_the_client_as_its_status() {
    let rig = Rig::start(&outcomes_project(), ServeOptions::default());
    rig.host.send(outage("down")).expect("sent");
    rig.host.send(throttle("f-busy")).expect("sent");
    // The fault is applied before the request below: commands come first in the loop.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let addr = rig.addr();
    // (path, status, simulated ms, nodes passed); "limited" is judged on its second request.
    let table: [(&str, ExternalStatus, u64, &[&str]); 7] = [
        ("/ok/orders", ExternalStatus::Ok, 25, &["ok", "f-ok"]),
        ("/accepts", ExternalStatus::Ok, 5, &["accepts", "q"]),
        ("/limited/x", ExternalStatus::Throttled, 0, &["limited"]),
        (
            "/failing/",
            ExternalStatus::Failed,
            25,
            &["failing", "f-failing"],
        ),
        (
            "/slow/x?y=1",
            ExternalStatus::TimedOut,
            55,
            &["slow", "f-slow"],
        ),
        ("/down/x", ExternalStatus::Unavailable, 0, &["down"]),
        // Lambda's 429 reaches the client as API Gateway's 500.
        ("/busy/x", ExternalStatus::Internal, 5, &["busy", "f-busy"]),
    ];
    let first = post(addr, "/limited/x", "{}").await;
    assert_eq!(first.status, 200, "the burst lets one in: {first:?}");
    let mut covered = [false; 6];
    for (path, status, sim_ms, nodes) in table {
        let a = post(addr, path, "{\"n\":1}").await;
        assert_eq!(a.status, status.http_status(), "{path}: {a:?}");
        assert_eq!(a.simulated_us, Some(sim_ms * MS), "{path}: {a:?}");
        assert_eq!(a.body["status"], status.http_status(), "{path}");
        assert_eq!(a.body["outcome"], status.describe(), "{path}");
        assert_eq!(a.body["simulated_latency_ms"], sim_ms as f64, "{path}");
        assert_eq!(
            a.body["trace"].to_string(),
            a.trace,
            "{path}: header = body"
        );
        assert!(a.trace.parse::<u64>().is_ok_and(|t| t > 0), "{path}: {a:?}");
        let passed: Vec<&str> = a.body["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(passed, nodes, "{path}");
        // Paced at 1×: never answered before its simulated response completed.
        assert!(
            a.wall + Duration::from_millis(1) >= Duration::from_millis(sim_ms),
            "{path}: answered after {:?}, simulated {sim_ms} ms",
            a.wall
        );
        covered[slot(status)] = true;
    }
    assert_eq!(covered, [true; 6], "every status has a cell");
    let s = rig.server.summary();
    assert_eq!(s.simulated, 8);
    assert_eq!(s.requests, 8);
}

#[tokio::test]
async fn unknown_routes_get_404_with_the_list_of_routes() {
    let rig = Rig::start(&outcomes_project(), ServeOptions::default());
    for path in ["/", "/nope", "/oks", "/f-ok/x"] {
        let a = post(rig.addr(), path, "").await;
        assert_eq!((a.status, a.trace.as_str()), (404, "none"), "{path}");
        let prefixes: Vec<&str> = a.body["routes"]
            .as_array()
            .expect("routes listed")
            .iter()
            .filter_map(|r| r["prefix"].as_str())
            .collect();
        assert_eq!(
            prefixes,
            [
                "/accepts", "/busy", "/down", "/failing", "/limited", "/ok", "/slow"
            ],
            "{path}"
        );
    }
    assert_eq!(rig.server.summary().simulated, 0);
}

#[tokio::test]
async fn bodies_up_to_the_limit_pass_and_larger_ones_get_413() {
    let options = ServeOptions {
        body_limit: 1_000,
        ..ServeOptions::default()
    };
    let rig = Rig::start(&outcomes_project(), options);
    let addr = rig.addr();
    let mut c = Client::connect(addr).await;
    assert_eq!(c.send("POST", "/ok", vec![b'a'; 1_000]).await.status, 200);
    let big = Client::connect(addr)
        .await
        .send("POST", "/ok", vec![b'a'; 1_001])
        .await;
    assert_eq!((big.status, big.trace.as_str()), (413, "none"));
    // Chunked, so the length is only known while reading.
    let mut chunked =
        b"POST /ok HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..3 {
        chunked.extend_from_slice(b"190\r\n");
        chunked.extend_from_slice(&[b'b'; 400]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let text = raw(addr, &chunked).await;
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("x-eventloom-trace: none"), "{text}");
}

#[tokio::test]
async fn malformed_requests_get_400() {
    let rig = Rig::start(&outcomes_project(), ServeOptions::default());
    let garbage = raw(rig.addr(), b"NOT HTTP AT ALL\x00\x01\r\n\r\n").await;
    assert!(garbage.starts_with("HTTP/1.1 400"), "{garbage:?}");
    let bad_chunk = raw(
        rig.addr(),
        b"POST /ok HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    )
    .await;
    assert!(bad_chunk.starts_with("HTTP/1.1 400"), "{bad_chunk:?}");
    // The server goes on serving.
    assert_eq!(post(rig.addr(), "/ok", "").await.status, 200);
}

#[tokio::test]
async fn connections_over_the_cap_get_503_until_one_closes() {
    let options = ServeOptions {
        max_connections: 2,
        ..ServeOptions::default()
    };
    let rig = Rig::start(&outcomes_project(), options);
    let addr = rig.addr();
    let mut a = Client::connect(addr).await;
    let mut b = Client::connect(addr).await;
    assert_eq!(a.send("GET", "/ok", Vec::new()).await.status, 200);
    assert_eq!(b.send("GET", "/ok", Vec::new()).await.status, 200);
    let third = post(addr, "/ok", "").await;
    assert_eq!(third.status, 503, "{third:?}");
    assert!(
        third.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("too many open connections")),
        "{third:?}"
    );
    drop(a);
    let t0 = Instant::now();
    loop {
        let again = post(addr, "/ok", "").await;
        if again.status == 200 {
            break;
        }
        assert!(t0.elapsed() < PATIENCE, "the freed slot never came back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(b.send("GET", "/ok", Vec::new()).await.status, 200);
    assert!(rig.server.summary().refused_connections >= 1);
}

#[tokio::test]
async fn many_concurrent_requests_are_all_answered_once() {
    let p = outcomes_project();
    let rig = Rig::start(&p, ServeOptions::default());
    let addr = rig.addr();
    let (connections, each) = (16, 25);
    let mut tasks = Vec::new();
    for c in 0..connections {
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(addr).await;
            let mut traces = Vec::new();
            for i in 0..each {
                let a = client
                    .send("POST", &format!("/ok/{c}/{i}"), b"{}".to_vec())
                    .await;
                assert_eq!(a.status, 200, "{a:?}");
                traces.push(a.trace);
            }
            traces
        }));
    }
    let mut traces = Vec::new();
    for t in tasks {
        traces.extend(bounded(t).await.expect("no client task panicked"));
    }
    let n = connections * each;
    traces.sort();
    traces.dedup();
    assert_eq!(traces.len(), n, "one trace per request");
    let s = rig.server.summary();
    assert_eq!((s.simulated, s.requests), (n as u64, n as u64));
    assert_eq!(s.by_status.get(&200), Some(&(n as u64)));
    // The engine saw exactly these requests at the API.
    rig.host.send(HostCommand::Report).expect("sent");
    let t0 = Instant::now();
    let report = loop {
        if let Some(r) = rig.host.poll().and_then(|f| f.report) {
            break r;
        }
        assert!(t0.elapsed() < PATIENCE);
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let api = report.nodes.iter().find(|x| x.id == "ok").expect("ok api");
    assert_eq!(api.invocations, n as u64);
    assert_eq!(report.ledger.entered, n as u64);
    assert!(report.ledger_balanced);
}

#[tokio::test]
async fn a_request_past_its_wall_timeout_gets_504() {
    let p = Build::new(5)
        .node("api", api(5.0, 29_000))
        .func("f", func(10_000.0))
        .edge("api", "f", EdgeKind::SyncInvoke)
        .project();
    let options = ServeOptions {
        request_timeout: Duration::from_millis(300),
        ..ServeOptions::default()
    };
    let rig = Rig::start(&p, options);
    let a = post(rig.addr(), "/api", "").await;
    assert_eq!((a.status, a.trace.as_str()), (504, "none"), "{a:?}");
    assert!(a.wall >= Duration::from_millis(300), "{a:?}");
}

#[tokio::test]
async fn a_paused_or_stopped_run_answers_503() {
    let p = Build::new(5)
        .node("ok", api(5.0, 29_000))
        .func("f-ok", func(20.0))
        .edge("ok", "f-ok", EdgeKind::SyncInvoke)
        .node("ok-slow", api(5.0, 29_000))
        .func("f-slow", func(10_000.0))
        .edge("ok-slow", "f-slow", EdgeKind::SyncInvoke)
        .project();
    let rig = Rig::start(&p, ServeOptions::default());
    let host = &rig.host;
    host.send(HostCommand::Pause).expect("sent");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let paused = post(rig.addr(), "/ok", "").await;
    assert_eq!(paused.status, 503, "{paused:?}");
    assert_eq!(paused.body["error"], ExternalRefusal::Paused.to_string());
    // The server runs on the engine's runtime: when the run's engine goes, a request in
    // flight is told so (503), and the server goes with it (new connections are refused).
    host.send(HostCommand::Play).expect("sent");
    let addr = rig.addr();
    let in_flight = tokio::spawn(async move { post(addr, "/ok-slow", "{}").await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let Rig { host, server } = rig;
    bounded(tokio::task::spawn_blocking(move || drop(host)))
        .await
        .expect("the host stopped");
    let stopped = bounded(in_flight).await.expect("the client got an answer");
    assert_eq!((stopped.status, stopped.trace.as_str()), (503, "none"));
    assert_eq!(stopped.body["error"], "the run has stopped");
    assert!(TcpStream::connect(addr).await.is_err(), "still listening");
    let summary = bounded(tokio::task::spawn_blocking(move || server.stop()))
        .await
        .expect("stopped at once");
    assert_eq!(summary.by_status.get(&503), Some(&2), "{summary:?}");
}

#[tokio::test]
async fn stopping_answers_requests_in_flight_with_503() {
    let p = Build::new(5)
        .node("api", api(5.0, 29_000))
        .func("f", func(10_000.0))
        .edge("api", "f", EdgeKind::SyncInvoke)
        .project();
    let rig = Rig::start(&p, ServeOptions::default());
    let addr = rig.addr();
    let in_flight = tokio::spawn(async move { post(addr, "/api/slow", "{}").await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let Rig { host, server } = rig;
    let t0 = Instant::now();
    let summary = bounded(tokio::task::spawn_blocking(move || server.stop()))
        .await
        .expect("stopped");
    let a = bounded(in_flight).await.expect("the client got an answer");
    assert_eq!(a.status, 503, "{a:?}");
    assert!(
        a.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("stopping")),
        "{a:?}"
    );
    assert!(
        t0.elapsed() < Duration::from_secs(5),
        "stopped in {:?}",
        t0.elapsed()
    );
    assert_eq!(summary.by_status.get(&503), Some(&1));
    assert!(
        bounded(TcpStream::connect(addr)).await.is_err(),
        "nothing listens any more"
    );
    drop(host);
}

/// In paused tokio time the loop's wall clock is exact: an answer comes when its simulated
/// response completes (the loop wakes at the next event, not the next frame).
#[tokio::test(start_paused = true)]
async fn paced_answers_come_when_the_simulated_response_completes() {
    for (duration_ms, speed) in [(0.0, 1.0), (30.0, 1.0), (7.0, 1.0), (100.0, 10.0)] {
        let p = Build::new(5)
            .node("api", api(0.0, 29_000))
            .func("f", func(duration_ms))
            .edge("api", "f", EdgeKind::SyncInvoke)
            .project();
        let options = HostOptions {
            speed: Speed::Times(speed),
            duration: 3_600 * SEC,
            ..HostOptions::from_project(&p)
        };
        let mut engine = Engine::new(&p, options).expect("compiles");
        let port = engine.connect_external();
        let (tx, crx) = tokio::sync::mpsc::channel(64);
        let (ftx, _frames) = std::sync::mpsc::sync_channel(100_000);
        tokio::spawn(run_loop(engine, crx, FrameSink::new(ftx, Box::new(|| {}))));
        tx.send(HostCommand::Play).await.expect("running");
        // Somewhere between two frames, so only the request's own wake-up can answer it.
        tokio::time::sleep(Duration::from_millis(1_234)).await;
        for round in 0..3 {
            let (reply, answer) = tokio::sync::oneshot::channel();
            let t0 = tokio::time::Instant::now();
            port.try_send(ExternalCall {
                api: "api".into(),
                line: "GET /api".to_owned(),
                body_bytes: 0,
                body_preview: String::new(),
                reply,
            })
            .expect("the port takes it");
            let r = answer.await.expect("answered").expect("let in");
            let waited = t0.elapsed();
            assert_eq!(r.status, ExternalStatus::Ok);
            assert_eq!(r.latency, (duration_ms * 1_000.0) as u64);
            assert_eq!(r.speed, Some(speed));
            let due = Duration::from_secs_f64(duration_ms / 1_000.0 / speed);
            assert!(
                waited >= due && waited <= due + Duration::from_millis(2),
                "{duration_ms} ms at {speed}×, round {round}: answered after {waited:?}, due {due:?}"
            );
            tokio::time::sleep(Duration::from_millis(17)).await;
        }
        tx.send(HostCommand::Shutdown).await.expect("running");
    }
}

/// A reset replaces the simulation: requests still in it are answered, not forgotten.
#[tokio::test(start_paused = true)]
async fn a_reset_answers_the_requests_it_drops() {
    let p = Build::new(5)
        .node("api", api(0.0, 29_000))
        .func("f", func(5_000.0))
        .edge("api", "f", EdgeKind::SyncInvoke)
        .project();
    let mut engine = Engine::new(&p, HostOptions::from_project(&p)).expect("compiles");
    let port = engine.connect_external();
    let (tx, crx) = tokio::sync::mpsc::channel(64);
    let (ftx, _frames) = std::sync::mpsc::sync_channel(100_000);
    tokio::spawn(run_loop(engine, crx, FrameSink::new(ftx, Box::new(|| {}))));
    tx.send(HostCommand::Play).await.expect("running");
    let (reply, answer) = tokio::sync::oneshot::channel();
    port.try_send(ExternalCall {
        api: "api".into(),
        line: "GET /api".to_owned(),
        body_bytes: 0,
        body_preview: String::new(),
        reply,
    })
    .expect("taken");
    tokio::time::sleep(Duration::from_millis(100)).await;
    tx.send(HostCommand::Reset {
        project: Box::new(p.clone()),
        seed: 1,
    })
    .await
    .expect("running");
    assert_eq!(answer.await.expect("answered"), Err(ExternalRefusal::Reset));
}

/// A run that reaches its duration answers what still waits (virtual time has stopped).
#[tokio::test(start_paused = true)]
async fn a_run_that_finishes_answers_the_requests_left() {
    let p = Build::new(5)
        .node("api", api(0.0, 29_000))
        .func("f", func(5_000.0))
        .edge("api", "f", EdgeKind::SyncInvoke)
        .project();
    let options = HostOptions {
        duration: SEC,
        ..HostOptions::from_project(&p)
    };
    let mut engine = Engine::new(&p, options).expect("compiles");
    let port = engine.connect_external();
    let (tx, crx) = tokio::sync::mpsc::channel(64);
    let (ftx, _frames) = std::sync::mpsc::sync_channel(100_000);
    tokio::spawn(run_loop(engine, crx, FrameSink::new(ftx, Box::new(|| {}))));
    tx.send(HostCommand::Play).await.expect("running");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let call = |reply| ExternalCall {
        api: "api".into(),
        line: "GET /api".to_owned(),
        body_bytes: 0,
        body_preview: String::new(),
        reply,
    };
    let (reply, answer) = tokio::sync::oneshot::channel();
    port.try_send(call(reply)).expect("taken");
    let t0 = tokio::time::Instant::now();
    assert_eq!(
        answer.await.expect("answered"),
        Err(ExternalRefusal::Finished)
    );
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_millis(499) && waited <= Duration::from_millis(540),
        "answered when the run finished, after {waited:?}"
    );
    let (reply, answer) = tokio::sync::oneshot::channel();
    port.try_send(call(reply)).expect("taken");
    assert_eq!(
        answer.await.expect("answered"),
        Err(ExternalRefusal::Finished)
    );
}

/// A project file with one API in front of a function and a busy simulated client.
fn project_file(dir: &std::path::Path) -> std::path::PathBuf {
    let p = Build::new(5)
        .client("shoppers", 50.0)
        .node("shop", api(5.0, 29_000))
        .func("checkout", func(10.0))
        .edge("shoppers", "shop", EdgeKind::SyncInvoke)
        .edge("shop", "checkout", EdgeKind::SyncInvoke)
        .project();
    let path = dir.join("shop.ron");
    let text = eventloom::project::to_ron_string(&p);
    std::fs::write(&path, text).expect("written");
    path
}

/// Starts the binary; returns it and the address from its banner.
fn spawn_serve(args: &[&str]) -> (std::process::Child, SocketAddr) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_eventloom"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let first = lines.next().expect("a banner").expect("text");
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    // Keep reading so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    (child, addr)
}

fn wait_for_exit(child: &mut std::process::Child) -> std::process::ExitStatus {
    let t0 = Instant::now();
    loop {
        if let Some(s) = child.try_wait().expect("waitable") {
            return s;
        }
        if t0.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("serve did not stop by itself");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn the_binary_serves_switches_clients_off_and_writes_its_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = project_file(dir.path());
    let json = dir.path().join("report.json");
    let (mut child, addr) = spawn_serve(&[
        "serve",
        file.to_str().expect("utf-8"),
        "--port",
        "0",
        "--no-clients",
        "--for",
        "1500ms",
        "--json",
        json.to_str().expect("utf-8"),
    ]);
    let a = post(addr, "/shop/cart", "{\"items\":3}").await;
    assert_eq!(a.status, 200, "{a:?}");
    assert!(wait_for_exit(&mut child).success());
    let report: Value =
        serde_json::from_slice(&std::fs::read(&json).expect("report written")).expect("JSON");
    assert_eq!(report["serve"]["requests"], 1);
    assert_eq!(report["serve"]["by_status"]["200"], 1);
    let nodes = report["run"]["nodes"].as_array().expect("nodes");
    let invocations = |id: &str| {
        nodes
            .iter()
            .find(|n| n["id"] == id)
            .map(|n| n["invocations"].clone())
    };
    assert_eq!(invocations("shoppers"), Some(Value::from(0)), "clients off");
    assert_eq!(
        invocations("shop"),
        Some(Value::from(1)),
        "only the real request"
    );
    assert_eq!(report["run"]["ledger_balanced"], true);
}

/// Ctrl+C (SIGINT here; tokio's handler is the console's Ctrl+C on Windows) stops it
/// gracefully: the request in flight is answered 503 and the report is written.
#[cfg(unix)]
#[tokio::test]
async fn ctrl_c_answers_requests_in_flight_and_writes_the_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = Build::new(5)
        .node("slow", api(5.0, 29_000))
        .func("f", func(20_000.0))
        .edge("slow", "f", EdgeKind::SyncInvoke)
        .project();
    let file = dir.path().join("slow.ron");
    std::fs::write(&file, eventloom::project::to_ron_string(&p)).expect("written");
    let json = dir.path().join("report.json");
    let (mut child, addr) = spawn_serve(&[
        "serve",
        file.to_str().expect("utf-8"),
        "--port",
        "0",
        "--json",
        json.to_str().expect("utf-8"),
        "--for",
        "15s",
    ]);
    let in_flight = tokio::spawn(async move { post(addr, "/slow", "").await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let a = bounded(in_flight).await.expect("answered");
    assert_eq!(a.status, 503, "{a:?}");
    assert!(wait_for_exit(&mut child).success());
    let report: Value =
        serde_json::from_slice(&std::fs::read(&json).expect("report written")).expect("JSON");
    assert_eq!(report["serve"]["by_status"]["503"], 1);
    assert_eq!(
        report["run"]["ledger"]["in_flight"], 1,
        "still in the simulation"
    );
}

/// The server shares the engine's thread, so no client may hold it: with every connection
/// slot taken by clients that send nothing, one trickling a request byte by byte and one
/// sending a body as large as allowed, the paced run keeps wall time (1×) and a normal
/// request is answered at once.
#[tokio::test]
async fn idle_slow_and_large_clients_do_not_hold_up_the_run() {
    // A simulated client keeps events flowing, so the run's clock is seen to move.
    let p = Build::new(5)
        .client("c", 50.0)
        .node("ok", api(5.0, 29_000))
        .func("f", func(20.0))
        .edge("c", "ok", EdgeKind::SyncInvoke)
        .edge("ok", "f", EdgeKind::SyncInvoke)
        .project();
    let rig = Rig::start(&p, ServeOptions::default());
    let addr = rig.addr();
    let mut idle = Vec::new();
    for _ in 0..300 {
        idle.push(bounded(TcpStream::connect(addr)).await.expect("connects"));
    }
    let trickle = tokio::spawn(async move {
        let mut s = bounded(TcpStream::connect(addr)).await.expect("connects");
        for b in b"POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" {
            if s.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let large = tokio::spawn(async move {
        let body = "x".repeat(ServeOptions::default().body_limit);
        let request = format!(
            "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        raw(addr, request.as_bytes()).await
    });
    // The run's clock as the latest frame shows it, draining frames every 10 ms for `for_`
    // (frames wait in a short channel: only a steady drain shows the present).
    async fn watch(host: &Host, for_: Duration) -> (Instant, Time) {
        let until = Instant::now() + for_;
        let mut last = None;
        while Instant::now() < until || last.is_none() {
            if let Some(f) = host.poll() {
                last = Some((Instant::now(), f.snapshot.now));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        last.expect("a frame arrived")
    }
    let (t0, v0) = watch(&rig.host, Duration::from_millis(300)).await;
    let (t1, v1) = watch(&rig.host, Duration::from_secs(1)).await;
    let wall = (t1 - t0).as_secs_f64();
    let sim = (v1 - v0) as f64 / SEC as f64;
    assert!(
        sim > 0.8 * wall,
        "the run fell behind: {sim:.3} s simulated in {wall:.3} s of wall time"
    );
    drop(idle.drain(..200));
    let answer = bounded(async {
        loop {
            let a = post(addr, "/ok", "").await;
            if a.status == 200 {
                break a;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert_eq!(answer.status, 200);
    // Over the connection cap the large body may have been refused (closed at once); it
    // never held the loop either way.
    drop(large);
    trickle.abort();
}
