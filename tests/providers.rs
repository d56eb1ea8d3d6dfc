//! Provider profiles: each provider's prices reproduce the worked examples of its own pages,
//! every profile is consistent (a matrix over providers), files stay canonical, validation
//! uses the provider's limits, designs move between providers, and SAM export refuses
//! anything not on AWS.

use eventloom::interop::{ExportError, export_sam};
use eventloom::model::{
    Distribution, FunctionParams, Node, NodeKind, Pricing, Project, Provider, Severity, retarget,
    validate,
};

/// Rounds dollars to cents, as the pricing pages print them.
fn cents(usd: f64) -> f64 {
    (usd * 100.0).round() / 100.0
}

// ---- worked examples from the providers' own pages ---------------------------------------

#[test]
fn aws_lambda_pricing_page_example_1() {
    // aws.amazon.com/lambda/pricing/ (us-east-1), Example 1: "If you allocated 512MB of memory
    // to your function, executed it 3 million times in one month, and it ran for 1 second each
    // time": 1,500,000 GB-s − 400,000 free = 1,100,000 GB-s × $0.00001667 = $18.34; 3M − 1M
    // free = 2M requests × $0.20/M = $0.40; total $18.74. The example uses the rate rounded to
    // $0.00001667; the table's rate is $0.0000166667.
    let profile = Provider::Aws.profile();
    let rates = eventloom::model::FunctionRates {
        per_gb_s: 0.000_016_67,
        ..profile.rates
    };
    let bill = rates.monthly(3_000_000, 512, 0.0, 1_000, false, Some(&profile.free));
    assert_eq!(bill.gb_s, 1_500_000.0);
    assert_eq!(cents(bill.compute_usd), 18.34);
    assert_eq!(cents(bill.request_usd), 0.40);
    assert_eq!(cents(bill.total_usd), 18.74);
    // The same month at the table's rate, and the per-invocation price the engine charges.
    let p = Pricing::default();
    assert_eq!(
        p.function_rates(Provider::Aws),
        profile.rates,
        "the default table is AWS's"
    );
    let one = p.function_invocation(512, 1_000, false);
    assert!((one - profile.rates.invocation(512, 0.0, 1_000, false)).abs() < 1e-15);
    // 1 ms rounding: 1.0001 ms is billed as 2 ms.
    assert_eq!(profile.rates.billed_ms(2), 2);
}

#[test]
fn google_cloud_run_pricing_page_units_and_rounding() {
    // cloud.google.com/run/pricing: "A GiB-second means for example running a 1 gibibyte
    // instance for 1 second, or running a 256 mebibyte instance for 4 seconds. The same
    // principle applies for the vCPU-second unit." Resources are "rounded up to the nearest
    // 100 millisecond". Tier 1, request-based billing: $0.000024 per vCPU-second, $0.0000025
    // per GiB-second, $0.40 per million requests; free: 180,000 vCPU-s, 360,000 GiB-s and
    // 2 million requests a month. (The page gives no worked monthly bill; these are its own
    // examples and rates.)
    let g = Provider::Gcp.profile();
    let r = g.rates;
    assert_eq!(r.gb_s(1_024, 1_000), 1.0);
    assert_eq!(r.gb_s(256, 4_000), 1.0);
    assert_eq!(r.billed_ms(260), 300);
    assert_eq!(r.billed_ms(300), 300);
    // A 2 GiB, 1 vCPU function busy for one second: 1 vCPU-s and 2 GiB-s.
    assert_eq!(g.vcpus(2_048), 1.0);
    let second = r.compute(2_048, g.vcpus(2_048), 1_000, false);
    assert!((second - (0.000_024 + 2.0 * 0.000_002_5)).abs() < 1e-15);
    // A month inside the free tier costs nothing; 3 million requests cost 1 million × $0.40.
    let free = r.monthly(1_000_000, 256, g.vcpus(256), 100, false, Some(&g.free));
    assert_eq!(free.total_usd, 0.0);
    let over = r.monthly(3_000_000, 128, g.vcpus(128), 100, false, Some(&g.free));
    assert_eq!(cents(over.request_usd), 0.40);
}

#[test]
fn azure_consumption_cost_page_examples() {
    // learn.microsoft.com/azure/azure-functions/functions-consumption-costs: "say that your
    // function consumed 0.5 GB for 3 seconds. Then the execution cost is 0.5GB * 3s = 1.5
    // GB-seconds"; "memory usage is rounded up to the nearest 128-MB bucket. When your process
    // is using 160 MB, you're charged for 256 MB"; and the metrics example: 1,110,000,000
    // MB-milliseconds / 1,024,000 = 1,083.98 GB-seconds. The pricing page: $0.000016 per GB-s,
    // $0.20 per million executions, 100 ms and 128 MB minimum per execution.
    let r = Provider::AzureConsumption.profile().rates;
    assert_eq!(r.gb_s(512, 3_000), 1.5);
    assert_eq!(r.billed_memory_mb(160), 256);
    assert_eq!(r.gb_s(160, 1_000), 0.25);
    // The page converts MB-ms to GB-s by dividing by 1,024,000: 1,024 MB for 1,000 ms is one.
    assert_eq!(r.gb_s(1_024, 1_000), 1.0);
    assert_eq!(
        ((1_110_000_000.0 / 1_024_000.0) * 100.0f64).round() / 100.0,
        1_083.98
    );
    assert_eq!(r.billed_ms(20), 100, "100 ms minimum");
    assert_eq!(r.billed_memory_mb(100), 128, "128 MB minimum");
    let one = r.invocation(512, 1.0, 3_000, false);
    assert!((one - (0.20 / 1e6 + 1.5 * 0.000_016)).abs() < 1e-15);
}

#[test]
fn azure_flex_minimum_and_rounding() {
    // learn.microsoft.com/azure/azure-functions/flex-consumption-plan § Billing: "The minimum
    // billable execution period for both execution modes is 1,000 ms. Past that, the billable
    // activity period is rounded up to the nearest 100 ms." On demand: $0.000026 per GB-s and
    // $0.40 per million executions (pricing page, East US).
    let r = Provider::AzureFlex.profile().rates;
    assert_eq!(r.billed_ms(200), 1_000);
    assert_eq!(r.billed_ms(1_000), 1_000);
    assert_eq!(r.billed_ms(1_001), 1_100);
    // A 2,048 MB instance executing for 200 ms is billed 2 GB-s.
    assert_eq!(r.gb_s(2_048, 200), 2.0);
    assert!((r.compute(2_048, 1.0, 200, false) - 2.0 * 0.000_026).abs() < 1e-15);
    assert!(
        r.per_instance,
        "billed per busy instance, not per execution"
    );
}

// ---- every profile, the same checks --------------------------------------------------------

#[test]
fn every_profile_is_consistent() {
    for p in Provider::ALL {
        let prof = p.profile();
        assert_eq!(prof.provider, p);
        assert_eq!(Provider::parse(p.key()), Ok(p), "{p}");
        assert!(
            prof.memory.allows(prof.default_memory_mb),
            "{p}: default memory"
        );
        assert!(
            prof.timeout_allowed(prof.default_timeout_ms),
            "{p}: default timeout"
        );
        assert!(!prof.timeout_allowed(0), "{p}: zero timeout");
        assert!(prof.default_concurrency >= 1 && prof.default_concurrency <= prof.max_concurrency);
        assert!(prof.max_instances >= 1);
        assert!(prof.scale_out.per_step >= 1 && prof.scale_out.step_ms >= 1);
        assert!(
            prof.cold_start.problem().is_none(),
            "{p}: cold start preset"
        );
        // Memory choices: the smallest and largest are allowed, one past is not, and
        // `at_least` lands on an allowed size.
        let (lo, hi) = (prof.memory.min_mb(), prof.memory.max_mb());
        assert!(prof.memory.allows(lo) && prof.memory.allows(hi), "{p}");
        assert!(
            !prof.memory.allows(lo - 1) && !prof.memory.allows(hi + 1),
            "{p}"
        );
        for mb in [1, lo, lo + 1, (lo + hi) / 2, hi, hi + 1, u32::MAX] {
            let m = prof.memory.at_least(mb);
            assert!(prof.memory.allows(m), "{p}: at_least({mb}) = {m}");
            assert!(m >= mb.min(hi), "{p}: at_least({mb}) = {m}");
        }
        // More memory never buys less CPU.
        let mut last = 0.0;
        for mb in (lo..=hi).step_by(64) {
            let v = prof.vcpus(mb);
            assert!(v >= last && v > 0.0, "{p}: vcpus({mb}) = {v}");
            last = v;
        }
        // The price table of a provider bills as its profile does.
        let table = Pricing::for_provider(p);
        assert_eq!(table.function_rates(p), prof.rates, "{p}");
        assert!(
            table
                .prices()
                .iter()
                .all(|(_, v)| v.is_finite() && *v >= 0.0)
        );
        // Free grants are stated (and off unless asked for).
        assert!(prof.free.requests > 0.0 && prof.free.gb_s > 0.0, "{p}");
    }
    assert_eq!(Pricing::for_provider(Provider::Aws), Pricing::default());
    assert_eq!(Provider::parse("azure"), Ok(Provider::AzureFlex));
    assert!(Provider::parse("oracle").is_err());
}

#[test]
fn lambda_cpu_is_proportional_to_memory() {
    // 1,769 MB is one vCPU (Configure Lambda function memory); 10,240 MB the most.
    let aws = Provider::Aws.profile();
    assert_eq!(aws.vcpus(1_769), 1.0);
    assert!((aws.vcpus(3_538) - 2.0).abs() < 1e-12);
    assert!((aws.vcpus(128) - 128.0 / 1_769.0).abs() < 1e-12);
    assert!(aws.vcpus(10_240) <= 6.0);
}

/// A project with one function on `provider` (and the function's own override, if any).
fn one_function(provider: Provider, f: FunctionParams) -> Project {
    let mut p = Project {
        provider,
        ..Project::default()
    };
    p.graph
        .nodes
        .insert("f".into(), Node::new("f", NodeKind::Function(f)));
    p
}

fn errors(p: &Project) -> Vec<String> {
    validate(p)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn validation_uses_each_providers_limits() {
    for p in Provider::ALL {
        let prof = p.profile();
        let ok = FunctionParams {
            memory_mb: prof.default_memory_mb,
            timeout_ms: prof.default_timeout_ms,
            ..FunctionParams::default()
        };
        assert_eq!(
            errors(&one_function(p, ok.clone())),
            Vec::<String>::new(),
            "{p}"
        );
        // The same function named on the provider by its own override.
        let own = FunctionParams {
            provider: Some(p),
            ..ok.clone()
        };
        assert_eq!(
            errors(&one_function(Provider::Aws, own)),
            Vec::<String>::new(),
            "{p}"
        );
        let too_big = FunctionParams {
            memory_mb: prof.memory.max_mb() + 1,
            ..ok.clone()
        };
        let e = errors(&one_function(p, too_big));
        assert_eq!(e.len(), 1, "{p}: {e:?}");
        assert!(e[0].contains(&prof.memory.describe()), "{p}: {e:?}");
        if let Some(max) = prof.max_timeout_ms {
            let slow = FunctionParams {
                timeout_ms: max + 1,
                ..ok.clone()
            };
            let e = errors(&one_function(p, slow));
            assert!(
                e.len() == 1 && e[0].contains(&max.to_string()),
                "{p}: {e:?}"
            );
        }
        let warm = FunctionParams {
            provisioned_concurrency: 1,
            ..ok
        };
        let e = errors(&one_function(p, warm));
        assert_eq!(
            e.is_empty(),
            prof.rates.warm_per_gb_s > 0.0,
            "{p}: warm instances only where the provider has them: {e:?}"
        );
    }
    // AWS keeps the words it had before providers existed.
    let e = errors(&one_function(
        Provider::Aws,
        FunctionParams {
            memory_mb: 64,
            ..FunctionParams::default()
        },
    ));
    assert_eq!(e.len(), 1);
    assert!(
        e[0].contains("memory_mb must be between 128 and 10240 (got 64)"),
        "{e:?}"
    );
    // 2,048 MB is a Flex size, 1,000 is not.
    let on_flex = |mb| {
        one_function(
            Provider::AzureFlex,
            FunctionParams {
                memory_mb: mb,
                ..FunctionParams::default()
            },
        )
    };
    assert!(errors(&on_flex(2_048)).is_empty());
    assert!(
        errors(&on_flex(1_000))[0]
            .contains("one of 512, 2048, 4096 on Azure Functions Flex Consumption")
    );
}

// ---- files -------------------------------------------------------------------------------

#[test]
fn providers_round_trip_and_aws_is_left_out_of_files() {
    use eventloom::project::{from_ron_str, to_ron_string};
    let aws = one_function(Provider::Aws, FunctionParams::default());
    let text = to_ron_string(&aws);
    assert!(
        !text.contains("provider"),
        "AWS is the default, left out:\n{text}"
    );
    assert!(!text.contains("function_per_vcpu_s") && !text.contains("function_min_billed_ms"));
    for p in Provider::ALL {
        let mut project = one_function(p, FunctionParams::default());
        project.pricing = Pricing::for_provider(p);
        if let Some(NodeKind::Function(f)) = project
            .graph
            .nodes
            .get_mut(&"f".into())
            .map(|n| &mut n.kind)
        {
            f.provider = Some(Provider::Gcp);
        }
        let text = to_ron_string(&project);
        let back = from_ron_str(&text).unwrap_or_else(|e| panic!("{p}: {e}\n{text}"));
        assert_eq!(back, project, "{p}");
        assert_eq!(to_ron_string(&back), text, "{p}: canonical");
    }
    let unknown = "(format_version: 1, provider: Oracle)";
    assert!(
        from_ron_str(unknown).is_err(),
        "an unknown provider is a load error"
    );
}

// ---- moving a design ---------------------------------------------------------------------

fn examples() -> Vec<(String, Project)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("projects");
    let mut out: Vec<(String, Project)> = std::fs::read_dir(&dir)
        .expect("projects/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            let project = eventloom::project::load(&p).expect("examples load");
            (p.display().to_string(), project)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_example_is_valid_on_every_provider() {
    let examples = examples();
    assert!(examples.len() >= 5);
    for (path, project) in &examples {
        for p in Provider::ALL {
            let (moved, _notes) = retarget(project, p);
            assert_eq!(moved.provider, p);
            assert_eq!(errors(&moved), Vec::<String>::new(), "{path} on {p}");
            // Every function now follows the project and sits within the provider's limits.
            for node in moved.graph.nodes.values() {
                if let Some(f) = node.kind.as_function() {
                    assert_eq!(f.provider, None);
                    assert!(p.profile().memory.allows(f.memory_mb), "{path} on {p}");
                }
            }
        }
    }
}

#[test]
fn retarget_moves_presets_and_keeps_choices() {
    let chosen = Distribution::Constant { ms: 42.0 };
    let mut project = one_function(Provider::Aws, FunctionParams::default());
    project.graph.nodes.insert(
        "g".into(),
        Node::new(
            "g",
            NodeKind::Function(FunctionParams {
                cold_start: chosen.clone(),
                memory_mb: 1_000,
                timeout_ms: 900_000,
                provisioned_concurrency: 2,
                ..FunctionParams::default()
            }),
        ),
    );
    let (azure, notes) = retarget(&project, Provider::AzureConsumption);
    let f = |p: &Project, id: &str| {
        p.graph.nodes[&id.into()]
            .kind
            .as_function()
            .cloned()
            .expect("function")
    };
    let prof = Provider::AzureConsumption.profile();
    assert_eq!(
        f(&azure, "f").cold_start,
        prof.cold_start,
        "a preset follows the provider"
    );
    assert_eq!(f(&azure, "f").keep_alive_ms, prof.keep_alive_ms);
    assert_eq!(f(&azure, "g").cold_start, chosen, "a chosen value stays");
    assert_eq!(
        f(&azure, "g").timeout_ms,
        600_000,
        "cut to the 10-minute limit"
    );
    assert_eq!(
        f(&azure, "g").provisioned_concurrency,
        0,
        "no warm instances there"
    );
    assert_eq!(f(&azure, "g").memory_mb, 1_000, "1,000 MB is within 1.5 GB");
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes.iter().all(|n| n.starts_with("g: ")), "{notes:?}");
    assert_eq!(azure.pricing.function_min_billed_ms, 100);
    // And back: presets return to AWS's.
    let (back, _) = retarget(&azure, Provider::Aws);
    assert_eq!(f(&back, "f"), f(&project, "f"));
    assert_eq!(back.pricing, project.pricing);
}

// ---- SAM export ---------------------------------------------------------------------------

#[test]
fn sam_export_refuses_functions_not_on_aws() {
    let aws = one_function(Provider::Aws, FunctionParams::default());
    assert!(export_sam(&aws).is_ok());
    for p in Provider::ALL.into_iter().filter(|p| !p.is_aws()) {
        let on_p = one_function(p, FunctionParams::default());
        let e = export_sam(&on_p).expect_err("refused");
        assert!(matches!(e, ExportError::NotAws { .. }));
        let text = e.to_string();
        assert!(
            text.contains("the project runs on") && text.contains(p.title()),
            "{text}"
        );
        // One function moved to another provider is enough to refuse.
        let mut mixed = aws.clone();
        if let Some(NodeKind::Function(f)) =
            mixed.graph.nodes.get_mut(&"f".into()).map(|n| &mut n.kind)
        {
            f.provider = Some(p);
        }
        let text = export_sam(&mixed).expect_err("refused").to_string();
        assert!(
            text.contains("function \"f\" runs on") && text.contains("AWS"),
            "{text}"
        );
    }
    // A function overriding to AWS in an AWS project is fine.
    let mut explicit = aws;
    if let Some(NodeKind::Function(f)) = explicit
        .graph
        .nodes
        .get_mut(&"f".into())
        .map(|n| &mut n.kind)
    {
        f.provider = Some(Provider::Aws);
    }
    assert!(export_sam(&explicit).is_ok());
}
