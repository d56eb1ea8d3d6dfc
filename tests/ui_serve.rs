//! Run → "Accept HTTP requests on port…" in the editor (#17): a busy port is refused in
//! words, a free one serves the design's API over the live run, the URL is shown with a copy
//! button, a real request travels the simulated path and is marked external in Logs and
//! Traces, and serving stops with the run. Real loopback sockets; every wait is bounded.
#![cfg(all(feature = "gui", feature = "serve"))]

use egui::{Key, Modifiers, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eventloom::model::{Edge, EdgeKind, KindTag, Node, NodeId, Pos, Project};
use eventloom::ui::{Action, Editor, RunAction};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Every wait in these tests ends within this.
const PATIENCE: Duration = Duration::from_secs(20);

/// An HTTP API calling a function: no clients, so only real requests flow.
fn project() -> Project {
    let mut p = Project {
        name: "Served".to_owned(),
        ..Project::default()
    };
    for (id, name, kind, x) in [
        ("api", "Orders API", KindTag::HttpApi, 0.0),
        ("handler", "Handler", KindTag::Function, 320.0),
    ] {
        p.graph
            .nodes
            .insert(id.into(), Node::new(name, kind.default_kind()));
        p.layout.positions.insert(id.into(), Pos { x, y: 0.0 });
    }
    p.graph.edges.insert(
        "api-handler".into(),
        Edge::new("api", "handler", EdgeKind::SyncInvoke),
    );
    p.run.duration_ms = 3_600_000;
    p
}

fn harness(editor: Editor) -> Harness<'static, Editor> {
    Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), editor)
}

fn ask_port(h: &mut Harness<'static, Editor>, port: &str) {
    h.get_by_label("Run").click();
    settle(h);
    h.get_by_label("Accept HTTP requests on port…").click();
    settle(h);
    h.get_by_label("Port").click();
    settle(h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    settle(h);
    h.get_by_label("Port").type_text(port);
    settle(h);
    h.get_by_label("Start serving").click();
    settle(h);
}

/// Sends one request and returns the whole response (bounded by [`PATIENCE`]).
fn post(url: &str) -> String {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (addr, path) = rest.split_at(rest.find('/').expect("a path"));
    let mut s = TcpStream::connect(addr).expect("the server listens");
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    let body = "{\"order\":1}";
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).expect("an answer");
    out
}

/// A few frames (a live run keeps repainting, so `run` would never settle).
fn settle(h: &mut Harness<'static, Editor>) {
    for _ in 0..3 {
        h.step();
    }
}

/// Some widget (the dialog, the status bar) says `text`.
fn shown(h: &Harness<'static, Editor>, text: &str) {
    assert!(
        h.query_all_by_label_contains(text).next().is_some(),
        "nothing says {text:?}"
    );
}

#[test]
fn serve_the_live_run_then_stop_with_it() {
    let mut h = harness(Editor::new(project(), None));
    settle(&mut h);

    // The dialog starts at the CLI's default port; a busy port is refused in words.
    h.get_by_label("Run").click();
    settle(&mut h);
    h.get_by_label("Accept HTTP requests on port…").click();
    settle(&mut h);
    h.get_by_label_contains("127.0.0.1");
    h.get_by_label("Cancel").click();
    settle(&mut h);
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_port = busy.local_addr().unwrap().port();
    ask_port(&mut h, &busy_port.to_string());
    shown(&h, "is in use by another program");
    h.get_by_label("Cancel").click();
    settle(&mut h);
    ask_port(&mut h, "not a port");
    shown(&h, "is not a port");
    h.get_by_label("Cancel").click();
    settle(&mut h);

    // Port 0: any free port; the run starts and the URL is shown with a copy button.
    ask_port(&mut h, "0");
    let url = h
        .state()
        .served_url(&NodeId::from("api"))
        .expect("the API is served");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    h.get_by_label(&url);
    h.get_by_label("Copy");
    settle(&mut h);
    h.get_by_label(&format!("Orders API served at {url}"));
    assert!(
        h.state().live.as_ref().is_some_and(|r| r.is_active()),
        "the run plays"
    );

    let answer = post(&url);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("x-eventloom-trace"),
        "{answer}"
    );

    // The request shows in the run: an external trace and its log lines.
    let started = Instant::now();
    loop {
        settle(&mut h);
        let run = h.state().live.as_ref().expect("a run");
        let logged = run
            .logs
            .iter()
            .any(|l| l.message.contains("external request"));
        if logged && !run.external_traces.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the request never reached the panels"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    h.get_by_label("Logs").click();
    settle(&mut h);
    assert!(
        h.query_all_by_label_contains("external request")
            .next()
            .is_some(),
        "Logs shows the external lines"
    );
    h.get_by_label("Traces").click();
    settle(&mut h);
    assert!(
        h.query_all_by_label_contains("  external").next().is_some(),
        "Traces marks the trace external"
    );

    // Stopping the run stops serving: the port no longer answers.
    h.state_mut().act(Action::Run(RunAction::Stop));
    settle(&mut h);
    shown(&h, "Stopped accepting HTTP requests (1 answered)");
    assert!(h.state().served_url(&NodeId::from("api")).is_none());
    assert!(
        h.query_all_by_label_contains("served at").next().is_none(),
        "the canvas no longer shows the URL"
    );
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        TcpStream::connect(addr).is_err(),
        "still listening after the run stopped"
    );
    drop(busy);
}
