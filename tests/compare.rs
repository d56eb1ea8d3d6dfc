//! `compare`: honest confidence intervals (against Erlang's loss formula), the same answer
//! whatever the thread count, sweeps and providers as variants, clear refusals, and the CLI.

use eventloom::compare::{self, CompareError, Hooks, Plan, Summary, Sweep};
use eventloom::model::{
    Arrival, ClientParams, Distribution, Edge, EdgeKind, FunctionParams, Node, NodeKind, Project,
    Provider,
};

/// Poisson arrivals at `rate_per_s` from client `c` to function `f` (sync), exponential
/// durations of mean `mean_ms`, no cold-start delay, at most `reserved` environments: an
/// M/M/c/c loss system when `reserved` is set.
fn mm(rate_per_s: f64, mean_ms: f64, reserved: Option<u32>, duration_ms: u64) -> Project {
    let mut p = Project {
        name: "M/M/c/c".to_owned(),
        ..Project::default()
    };
    p.run.duration_ms = duration_ms;
    p.graph.nodes.insert(
        "c".into(),
        Node::new(
            "c",
            NodeKind::Client(ClientParams {
                arrival: Arrival::Poisson { rate_per_s },
            }),
        ),
    );
    p.graph.nodes.insert(
        "f".into(),
        Node::new(
            "f",
            NodeKind::Function(FunctionParams {
                duration: Distribution::Exponential { mean_ms },
                cold_start: Distribution::Constant { ms: 0.0 },
                reserved_concurrency: reserved,
                timeout_ms: 60_000,
                ..FunctionParams::default()
            }),
        ),
    );
    p.graph
        .edges
        .insert("c-f".into(), Edge::new("c", "f", EdgeKind::SyncInvoke));
    p
}

/// Erlang's B formula: the share of arrivals refused by `c` servers at offered load `a`.
fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (f64::from(k) + a * b))
}

#[test]
fn confidence_intervals_cover_the_true_blocking_probability_about_95_percent_of_the_time() {
    // M/M/5/5 at offered load a = 40/s × 100 ms = 4: Erlang B(5, 4) = 19.91 % of requests
    // are throttled, whatever the service-time distribution. 100 repetitions (a fixed set of
    // seeds), each a comparison of 6 seeds of 60 simulated seconds, each giving a 95 %
    // interval for the throttled share. With honest intervals the number that cover the true
    // value is binomial(100, 0.95): 95 ± 2.2; 88 or fewer, or all 100, each happen with
    // probability under 1 %. Intervals that are too narrow fail the first bound, too wide the
    // second and the check against a value 3 points off.
    let truth = erlang_b(5, 4.0) * 100.0;
    assert!((truth - 19.907).abs() < 0.001, "{truth}");
    let project = mm(40.0, 100.0, Some(5), 60_000);
    let (reps, seeds) = (100u64, 6u32);
    let mut covered = 0;
    let mut covered_wrong = 0;
    let mut halves = Vec::new();
    for r in 0..reps {
        let plan = Plan {
            seeds,
            first_seed: Some(1_000 + r * u64::from(seeds)),
            ..Plan::default()
        };
        let cmp = compare::run(&project, &plan, &Hooks::default()).expect("runs");
        let m = cmp.variants[0]
            .metric("ledger.throttled_percent")
            .expect("metric")
            .summary;
        assert_eq!(m.n, u64::from(seeds));
        halves.push(m.ci95.expect("an interval from 6 seeds"));
        covered += usize::from(m.covers(truth));
        covered_wrong += usize::from(m.covers(truth + 3.0));
    }
    let mean_half = halves.iter().sum::<f64>() / halves.len() as f64;
    eprintln!(
        "covered {covered}/{reps}, a value 3 points off {covered_wrong}/{reps}, mean half-width {mean_half:.3} points"
    );
    assert!((89..=99).contains(&covered), "coverage {covered}/{reps}");
    assert!(
        covered_wrong <= 30,
        "a wrong value covered {covered_wrong}/{reps}"
    );
    assert!(mean_half > 0.1 && mean_half < 3.0, "half-width {mean_half}");
}

#[test]
fn the_same_answer_whatever_the_thread_count() {
    let project = mm(50.0, 80.0, Some(6), 30_000);
    let plan = Plan {
        seeds: 6,
        sweep: Some(Sweep::parse("f.memory_mb=128,512").expect("sweep")),
        providers: vec![Provider::Aws, Provider::Gcp],
        ..Plan::default()
    };
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let cmp = compare::run(&project, &plan, &Hooks::default()).expect("runs");
            serde_json::to_string(&cmp).expect("json")
        })
    };
    let one = on(1);
    assert_eq!(one, on(3));
    assert_eq!(one, on(1), "and again");
}

#[test]
fn variants_are_providers_times_values_in_order() {
    let project = mm(20.0, 50.0, None, 10_000);
    let plan = Plan {
        seeds: 2,
        sweep: Some(Sweep::parse("f.memory_mb=128, 512 ,2048").expect("sweep")),
        providers: vec![Provider::Gcp, Provider::Aws],
        ..Plan::default()
    };
    let vars = compare::variants(&project, &plan).expect("variants");
    let labels: Vec<&str> = vars.iter().map(|v| v.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "gcp memory_mb=128",
            "gcp memory_mb=512",
            "gcp memory_mb=2048",
            "aws memory_mb=128",
            "aws memory_mb=512",
            "aws memory_mb=2048"
        ]
    );
    for v in &vars {
        let f = v.project.graph.nodes[&"f".into()]
            .kind
            .as_function()
            .expect("function");
        assert_eq!(Some(f.memory_mb.to_string()), v.value);
        assert_eq!(Some(v.project.provider), v.provider);
    }
    let cmp = compare::run(&project, &plan, &Hooks::default()).expect("runs");
    assert_eq!(
        cmp.focus.as_deref(),
        Some("f"),
        "the swept node is the focus"
    );
    assert_eq!(cmp.seeds, [1, 2], "seeds start at the project's");
    // Durations do not depend on memory here, so more memory only costs more: on each
    // provider the smallest size is cheapest, and the cheapest of all is one of them.
    let cost = |i: usize| {
        cmp.variants[i]
            .metric("cost.per_day_usd")
            .expect("cost")
            .summary
            .mean
    };
    for provider in [0, 3] {
        assert!(cost(provider) < cost(provider + 1) && cost(provider + 1) < cost(provider + 2));
    }
    assert!(matches!(cmp.cheapest, Some(0 | 3)), "{:?}", cmp.cheapest);
    assert!(cmp.fastest.is_some() && cmp.balanced.is_some());
    // Every metric has one sample per seed.
    for v in &cmp.variants {
        assert!(v.metrics.iter().all(|m| m.samples.len() == 2));
        assert!(v.ledger_balanced);
    }
}

#[test]
fn any_parameter_path_can_be_swept() {
    let project = mm(20.0, 50.0, None, 5_000);
    let cases: [(&str, &str); 6] = [
        ("f.timeout_ms", "1000"),
        ("f.reserved_concurrency", "3"),
        ("f.arch", "Arm64"),
        ("f.retry.max_retries", "1"),
        ("run.account_concurrency", "50"),
        ("c.arrival.Poisson.rate_per_s", "5"),
    ];
    for (path, value) in cases {
        let set = compare::set(&project, path, value).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_ne!(set, project, "{path} changed nothing");
    }
    let f = |p: &Project| {
        p.graph.nodes[&"f".into()]
            .kind
            .as_function()
            .cloned()
            .expect("f")
    };
    let p = compare::set(&project, "f.reserved_concurrency", "3").expect("set");
    assert_eq!(f(&p).reserved_concurrency, Some(3));
}

#[test]
fn bad_sweeps_and_variants_are_refused_with_reasons() {
    let project = mm(20.0, 50.0, None, 5_000);
    let refuse = |sweep: &str| {
        let plan = Plan {
            sweep: Some(Sweep::parse(sweep).expect("parses")),
            ..Plan::default()
        };
        compare::run(&project, &plan, &Hooks::default())
            .expect_err("refused")
            .to_string()
    };
    let e = refuse("f.memroy_mb=128");
    assert!(
        e.contains("\"memroy_mb\" is not a parameter here") && e.contains("memory_mb"),
        "{e}"
    );
    let e = refuse("nope.memory_mb=128");
    assert!(e.contains("neither a node or edge id"), "{e}");
    let e = refuse("f.memory_mb=lots");
    assert!(e.contains("expected a number"), "{e}");
    let e = refuse("f.memory_mb=20000");
    assert!(
        e.contains("variant memory_mb=20000 has errors") && e.contains("between 128 and 10240"),
        "{e}"
    );
    let e = refuse("f.memory_mb=1.5");
    assert!(e.contains("cannot set f.memory_mb"), "{e}");
    assert!(matches!(
        Sweep::parse("f.memory_mb"),
        Err(CompareError::Usage(_))
    ));
    assert!(matches!(Sweep::parse("=1,2"), Err(CompareError::Usage(_))));
    let zero = Plan {
        seeds: 0,
        ..Plan::default()
    };
    assert!(matches!(
        compare::run(&project, &zero, &Hooks::default()),
        Err(CompareError::Usage(_))
    ));
    let focus = Plan {
        focus: Some("ghost".to_owned()),
        ..Plan::default()
    };
    assert_eq!(
        compare::run(&project, &focus, &Hooks::default()).expect_err("refused"),
        CompareError::UnknownFocus("ghost".to_owned())
    );
}

#[test]
fn a_cancelled_comparison_stops() {
    let project = mm(20.0, 50.0, None, 5_000);
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let hooks = Hooks {
        cancel: Some(&cancel),
        ..Hooks::default()
    };
    let plan = Plan {
        seeds: 4,
        ..Plan::default()
    };
    assert_eq!(
        compare::run(&project, &plan, &hooks).expect_err("cancelled"),
        CompareError::Cancelled
    );
}

#[test]
fn progress_counts_every_run() {
    let project = mm(20.0, 50.0, None, 2_000);
    let seen = std::sync::Mutex::new(Vec::new());
    let progress = |done: usize, total: usize| seen.lock().expect("lock").push((done, total));
    let hooks = Hooks {
        progress: &progress,
        cancel: None,
    };
    let plan = Plan {
        seeds: 5,
        providers: vec![Provider::Aws, Provider::AzureFlex],
        ..Plan::default()
    };
    compare::run(&project, &plan, &hooks).expect("runs");
    let mut seen = seen.into_inner().expect("lock");
    seen.sort_unstable();
    assert_eq!(seen, (1..=10).map(|d| (d, 10)).collect::<Vec<_>>());
}

#[test]
fn summaries_of_the_samples() {
    // The summary a comparison reports is the one of its samples.
    let project = mm(30.0, 50.0, Some(2), 10_000);
    let plan = Plan {
        seeds: 4,
        ..Plan::default()
    };
    let cmp = compare::run(&project, &plan, &Hooks::default()).expect("runs");
    for m in &cmp.variants[0].metrics {
        assert_eq!(m.summary, Summary::of(&m.samples), "{}", m.name);
    }
}

// ---- the command line --------------------------------------------------------------------

fn eventloom() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_eventloom"))
}

#[test]
fn cli_compare_prints_a_table_and_pure_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("mm.ron");
    eventloom::project::save(&mm(20.0, 50.0, Some(3), 10_000), &file).expect("save");
    let out = eventloom()
        .args([
            "compare",
            "--seeds",
            "3",
            "--vary",
            "f.memory_mb=128,256",
            "--json",
            "-",
        ])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is pure JSON");
    assert_eq!(json["variants"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["seeds"], serde_json::json!([1, 2, 3]));
    let table = String::from_utf8_lossy(&out.stderr);
    assert!(
        table.contains("memory_mb=128") && table.contains("cheapest"),
        "{table}"
    );
    // Without --json the table is on stdout; a bad provider is a usage error (exit 2).
    let out = eventloom()
        .args(["compare", "--providers", "aws,azure"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("aws") && text.contains("azure-flex") && !text.contains("caveat"),
        "{text}"
    );
    let out = eventloom()
        .args(["compare", "--providers", "oracle"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = eventloom()
        .args(["compare", "--vary", "f.memory_mb=99999"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("has errors"));
}

/// A variant that is cheap and fast only because it drops requests is not marked: with 2
/// reserved environments for ~5 busy ones, most calls are throttled (dropped), fewer run
/// (cheaper) and those that run never wait (fast); it is listed as losing work and the marks
/// go to the variants that do the work.
#[test]
fn variants_that_lose_work_are_not_marked() {
    let project = mm(100.0, 50.0, None, 20_000);
    let plan = Plan {
        seeds: 2,
        sweep: Some(Sweep::parse("f.reserved_concurrency=2,40,60").expect("parses")),
        ..Plan::default()
    };
    let cmp = compare::run(&project, &plan, &Hooks::default()).expect("runs");
    let mean = |i: usize, m: &str| cmp.variants[i].metric(m).expect(m).summary.mean;
    assert!(
        mean(0, "ledger.dropped") > 0.3 * mean(0, "ledger.entered"),
        "the starved variant drops most calls"
    );
    assert!(mean(1, "ledger.dropped") < 0.001 * mean(1, "ledger.entered"));
    assert!(
        mean(0, "cost.per_day_usd") < mean(1, "cost.per_day_usd"),
        "dropping is cheaper"
    );
    assert_eq!(cmp.losing, [0]);
    for mark in [cmp.cheapest, cmp.fastest, cmp.balanced] {
        assert!(matches!(mark, Some(1 | 2)), "{mark:?}");
    }
}
