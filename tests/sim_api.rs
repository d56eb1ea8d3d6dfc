//! The engine's command API and the independence of random streams.

use eventloom::model::*;
use eventloom::sim::{SEC, SimConfig, Simulation};

fn pair(extra: bool) -> Project {
    let mut p = Project::default();
    let client = NodeKind::Client(ClientParams {
        arrival: Arrival::Poisson { rate_per_s: 50.0 },
    });
    p.graph.nodes.insert("c".into(), Node::new("c", client));
    p.graph
        .nodes
        .insert("f".into(), Node::new("f", KindTag::Function.default_kind()));
    p.graph
        .edges
        .insert("c-f".into(), Edge::new("c", "f", EdgeKind::SyncInvoke));
    if extra {
        // Sorts between "c" and "f": a dense index would shift, the streams must not.
        let other = NodeKind::Client(ClientParams {
            arrival: Arrival::Poisson { rate_per_s: 7.0 },
        });
        p.graph.nodes.insert("d".into(), Node::new("d", other));
        p.graph
            .nodes
            .insert("e".into(), Node::new("e", KindTag::Function.default_kind()));
        p.graph
            .edges
            .insert("d-e".into(), Edge::new("d", "e", EdgeKind::SyncInvoke));
    }
    p
}

fn run(p: &Project, secs: u64) -> Simulation {
    let mut sim = Simulation::new(p, SimConfig::from_project(p)).expect("valid");
    sim.run_until(secs * SEC);
    sim
}

#[test]
fn adding_a_node_does_not_change_the_others_draws() {
    let a = run(&pair(false), 120).report();
    let b = run(&pair(true), 120).report();
    let pick = |r: &eventloom::sim::Report, id: &str| {
        serde_json::to_string(r.nodes.iter().find(|n| n.id == id).expect("node")).expect("json")
    };
    assert_eq!(pick(&a, "c"), pick(&b, "c"));
    assert_eq!(pick(&a, "f"), pick(&b, "f"));
    assert!(b.nodes.iter().any(|n| n.id == "e" && n.invocations > 0));
}

#[test]
fn workload_changes_apply_from_now_on() {
    let p = pair(false);
    let mut sim = Simulation::new(&p, SimConfig::from_project(&p)).expect("valid");
    sim.run_until(60 * SEC);
    let before = sim.report().nodes[0].invocations;
    assert!((2_700..3_300).contains(&before), "{before}");
    assert!(sim.set_workload(&"c".into(), &Arrival::Constant { rate_per_s: 0.0 }));
    sim.run_until(120 * SEC);
    assert_eq!(
        sim.report().nodes[0].invocations,
        before,
        "a zero rate stops arrivals at once"
    );
    assert!(sim.set_workload(&"c".into(), &Arrival::Constant { rate_per_s: 10.0 }));
    sim.run_until(180 * SEC);
    assert_eq!(
        sim.report().nodes[0].invocations,
        before + 600,
        "constant 10/s for 60 s"
    );
    assert!(
        !sim.set_workload(&"f".into(), &Arrival::Constant { rate_per_s: 1.0 }),
        "not a client"
    );
    assert!(sim.ledger().balances());
}

#[test]
fn invalid_projects_are_refused_with_their_errors() {
    let mut p = pair(false);
    p.graph
        .edges
        .insert("bad".into(), Edge::new("f", "nowhere", EdgeKind::Write));
    let err = Simulation::new(&p, SimConfig::from_project(&p))
        .err()
        .expect("refused");
    assert!(
        err.0.iter().any(|d| d.code == "dangling-edge"),
        "{:?}",
        err.0
    );
}

#[test]
fn empty_project_runs() {
    let p = Project::default();
    let sim = run(&p, 10);
    assert_eq!(sim.report().events, 10, "only the per-second ticks");
    assert!(sim.ledger().balances());
}

#[test]
fn a_lost_sync_request_fails_for_its_caller() {
    let p = pair(false);
    let mut sim = Simulation::new(&p, SimConfig::from_project(&p)).expect("valid");
    sim.inject_fault(Fault {
        target: FaultTarget::Edge("c-f".into()),
        kind: FaultKind::EdgeDrop { percent: 100.0 },
    });
    sim.run_until(60 * SEC);
    let r = sim.report();
    let client = &r.nodes[0];
    assert!(client.invocations > 2_000);
    assert_eq!(
        client.errors, client.invocations,
        "every request fails at the client"
    );
    assert_eq!(
        r.ledger.fault, client.invocations,
        "and is counted as lost to the fault"
    );
    assert_eq!(r.nodes[1].invocations, 0, "nothing reaches the function");
    assert!(r.ledger_balanced);
}

#[test]
fn snapshot_shows_live_rates_edges_and_health() {
    use eventloom::sim::Health;
    let p = pair(false);
    let mut sim = Simulation::new(&p, SimConfig::from_project(&p)).expect("valid");
    sim.run_until(30 * SEC);
    let s = sim.snapshot();
    assert_eq!(s.now, 30 * SEC);
    let f = s.node("f").expect("f");
    assert!((20.0..90.0).contains(&f.rate()), "rate {}", f.rate());
    assert_eq!(f.health, Health::Ok);
    assert!(s.edges[0].delivered > 1_000 && s.edges[0].last_second > 0);
    assert_eq!(s.ledger.entered, s.node("c").expect("c").invocations);
    assert!(s.node("zz").is_none());
}

#[test]
fn commands_change_the_run_and_bad_ones_are_refused() {
    use eventloom::sim::{Applied, Command, Health};
    let p = pair(false);
    let mut sim = Simulation::new(&p, SimConfig::from_project(&p)).expect("valid");
    sim.run_until(10 * SEC);
    let outage = |target: &str| {
        Command::InjectFault(Fault {
            target: FaultTarget::Node(target.into()),
            kind: FaultKind::Outage,
        })
    };
    // Clients cannot have an outage; unknown nodes and node faults on edges are refused.
    assert!(sim.apply(outage("c")).is_err());
    assert!(sim.apply(outage("nope")).is_err());
    let edge_outage = Command::InjectFault(Fault {
        target: FaultTarget::Edge("c-f".into()),
        kind: FaultKind::Outage,
    });
    assert!(sim.apply(edge_outage).is_err());
    assert!(sim.active_faults().is_empty());

    let Ok(Applied::Fault(id)) = sim.apply(outage("f")) else {
        panic!("outage on a function applies")
    };
    sim.run_until(20 * SEC);
    let s = sim.snapshot();
    assert_eq!(s.node("f").expect("f").health, Health::Down);
    assert_eq!(s.node("f").expect("f").faults, 1);
    assert_eq!(sim.apply(Command::ClearFault(id)), Ok(Applied::Cleared(1)));
    assert!(sim.apply(Command::ClearFault(id)).is_err());
    sim.run_until(30 * SEC);
    assert_eq!(sim.snapshot().node("f").expect("f").health, Health::Ok);

    let quiet = Command::SetWorkload {
        node: "c".into(),
        arrival: Arrival::Constant { rate_per_s: 0.0 },
    };
    assert_eq!(sim.apply(quiet), Ok(Applied::Workload));
    sim.run_until(40 * SEC);
    assert_eq!(sim.snapshot().node("f").expect("f").health, Health::Idle);
}

#[test]
fn a_snapshot_says_whether_a_rollback_would_be_taken() {
    use eventloom::sim::{Command, MS};
    enum Do {
        Deploy(DeployStrategy),
        Wait,
        Rollback,
    }
    let canary = || {
        Do::Deploy(DeployStrategy::Canary {
            percent: 10.0,
            after_ms: 1_000,
            rollback_on_alarm: None,
        })
    };
    let all = || Do::Deploy(DeployStrategy::AllAtOnce);
    // Rollbacks with nothing before, after a deploy, during and after a canary, and down a
    // stack of versions: each time, the snapshot offers it exactly when the engine takes it.
    let script = [
        Do::Rollback,
        all(),
        Do::Rollback,
        Do::Rollback,
        canary(),
        Do::Rollback,
        Do::Rollback,
        canary(),
        Do::Wait,
        Do::Rollback,
        all(),
        all(),
        Do::Rollback,
        Do::Rollback,
        Do::Rollback,
    ];
    let p = pair(false);
    let mut sim = Simulation::new(&p, SimConfig::from_project(&p)).expect("valid");
    let f = NodeId::from("f");
    let mut rollbacks = [0, 0];
    for (i, step) in script.into_iter().enumerate() {
        sim.run_until(sim.now() + 100 * MS);
        match step {
            Do::Deploy(strategy) => {
                let cmd = Command::Deploy {
                    node: f.clone(),
                    params: Box::new(FunctionParams::default()),
                    strategy,
                };
                sim.apply(cmd).expect("the deploy is taken");
            }
            Do::Wait => sim.run_until(sim.now() + 2 * SEC),
            Do::Rollback => {
                let offered = sim.snapshot().node("f").expect("f").can_roll_back();
                let taken = sim.apply(Command::Rollback { node: f.clone() }).is_ok();
                assert_eq!(offered, taken, "step {i}");
                rollbacks[usize::from(taken)] += 1;
            }
        }
    }
    assert_eq!(rollbacks, [4, 5], "refused and taken rollbacks");
}
