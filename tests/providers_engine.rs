//! The engine on each provider (issue 18): memory buys CPU for the CPU-bound share of a
//! duration, instances serving several requests at once (Little's law), per-instance
//! billing, and a provider × behaviour matrix — scale-out burst, idle keep-alive, warm
//! (minimum) instances, maximum instances and the default per-instance concurrency — whose
//! expectations come from each provider's profile, so a provider without its behaviour
//! fails its cell.

mod sim_common;

use eventloom::model::{
    EdgeKind, FunctionParams, NodeKind, Project, Provider, Scaling, has_errors, retarget, validate,
};
use eventloom::sim::SEC;
use sim_common::*;

const SYNC: EdgeKind = EdgeKind::SyncInvoke;
const ASYNC: EdgeKind = EdgeKind::AsyncInvoke;

/// One vCPU on Lambda, MB.
const LAMBDA_MB_PER_VCPU: f64 = 1_769.0;

/// A client at `rate_per_s` calling function `work` (the given parameters) synchronously,
/// on `provider`.
fn one_function(provider: Provider, rate_per_s: f64, work: FunctionParams) -> Project {
    let mut b = Build::new(7)
        .client("c", rate_per_s)
        .func("work", work)
        .edge("c", "work", SYNC);
    b.p.provider = provider;
    b.p.pricing = eventloom::model::Pricing::for_provider(provider);
    b.project()
}

/// Mean duration (ms) and cost per invocation ($) of `work` after `seconds`.
fn duration_and_cost(p: &Project, seconds: u64) -> (f64, f64, u64) {
    let mut s = sim(p);
    s.run_until(seconds * SEC);
    let r = s.report();
    let n = node(&r, "work");
    (
        n.latency.mean_ms,
        // Billed when they finish: per completed invocation.
        n.cost_usd / n.completions.max(1) as f64,
        n.completions,
    )
}

/// Lambda memory sweep of a single-threaded function: the computing share runs at
/// memory/1,769 of a vCPU up to one vCPU, so the duration falls until 1,769 MB and is flat
/// after; a multi-threaded one keeps gaining up to 6 vCPUs. Cost per invocation is the
/// request fee plus memory × duration × the GB-second price: flat (to the ms) up to
/// 1,769 MB for a fully CPU-bound function, rising after; with any I/O share it is lowest
/// at the smallest size.
#[test]
fn memory_sweep_on_lambda_duration_falls_to_one_vcpu_then_flat_and_cost_has_its_minimum() {
    let sizes = [128u32, 256, 512, 1_024, 1_769, 3_008, 5_307, 10_240];
    let at_one_vcpu_ms = 1_000.0;
    for (cpu_bound, threads) in [(1.0, 1u32), (0.5, 1), (1.0, 6)] {
        let mut rows = Vec::new();
        for mb in sizes {
            let f = FunctionParams {
                memory_mb: mb,
                cpu_bound,
                threads,
                timeout_ms: 60_000,
                ..func(at_one_vcpu_ms)
            };
            let p = one_function(Provider::Aws, 5.0, f);
            let (ms, cost, n) = duration_and_cost(&p, 30);
            assert!(n >= 50, "{mb} MB completed {n} invocations");
            let vcpus = (f64::from(mb) / LAMBDA_MB_PER_VCPU).min(6.0);
            let speed = vcpus.min(f64::from(threads));
            let expected_ms = at_one_vcpu_ms * ((1.0 - cpu_bound) + cpu_bound / speed);
            assert!(
                (ms - expected_ms).abs() <= expected_ms * 0.002 + 0.01,
                "cpu_bound {cpu_bound}, {threads} thread(s), {mb} MB: {ms} ms, expected {expected_ms}"
            );
            let expected_cost =
                0.2e-6 + f64::from(mb) / 1024.0 * expected_ms.ceil() / 1000.0 * 0.000_016_666_7;
            assert!(
                (cost - expected_cost).abs() <= expected_cost * 0.003,
                "{mb} MB: ${cost} per invocation, expected ${expected_cost}"
            );
            rows.push((mb, ms, cost));
        }
        for w in rows.windows(2) {
            let ((a_mb, a_ms, a_cost), (b_mb, b_ms, b_cost)) = (w[0], w[1]);
            let past_one_vcpu = f64::from(a_mb) >= LAMBDA_MB_PER_VCPU;
            if threads == 1 && past_one_vcpu {
                assert!(
                    (a_ms - b_ms).abs() < 0.01,
                    "single-threaded: flat past one vCPU ({a_mb} MB {a_ms} ms, {b_mb} MB {b_ms} ms)"
                );
                assert!(b_cost > a_cost, "more memory, same time: dearer");
            } else {
                assert!(b_ms < a_ms, "{a_mb} → {b_mb} MB: {a_ms} → {b_ms} ms");
            }
        }
        let cheapest = rows
            .iter()
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|r| r.0)
            .unwrap_or_default();
        if cpu_bound < 1.0 {
            assert_eq!(cheapest, 128, "with I/O the smallest size is cheapest");
        } else {
            let flat = rows.iter().filter(|r| f64::from(r.0) <= LAMBDA_MB_PER_VCPU);
            let lo = rows[0].2;
            for r in flat {
                assert!(
                    (r.2 - lo).abs() <= lo * 0.003,
                    "fully CPU-bound: the same cost up to one vCPU ({} MB ${} vs ${lo})",
                    r.0,
                    r.2
                );
            }
            assert!(f64::from(cheapest) <= LAMBDA_MB_PER_VCPU);
        }
    }
}

/// Little's law: a steady load of λ requests/s each taking W has L = λW requests in flight;
/// instances serving N at once need L/N of them (plus at most one partly filled), so N times
/// fewer than with one request per instance. The bill follows the instances: per-instance
/// billing charges busy instance time once, however many requests share it.
#[test]
fn per_instance_concurrency_needs_n_times_fewer_instances_littles_law() {
    // Under Cloud Run's default 100 instances even one request per instance.
    let (rate, w_ms) = (80.0, 1_000.0);
    let l = rate * w_ms / 1000.0;
    let seconds = 60;
    let mut base = None;
    for n in [1u32, 2, 4, 8, 16, 40] {
        let f = FunctionParams {
            memory_mb: 2_048,
            concurrency: Some(n),
            ..func(w_ms)
        };
        let p = one_function(Provider::Gcp, rate, f);
        let mut s = sim(&p);
        // Steady state from 5 s on: compare windows so the ramp-up does not count.
        s.run_until(5 * SEC);
        let before = s.report();
        s.run_until(seconds * SEC);
        let r = s.report();
        let work = node(&r, "work");
        let inst = work.instances.as_ref().expect("a function has instances");
        let busy = inst.busy_mean;
        assert!(
            (work.latency.mean_ms - w_ms).abs() <= w_ms * 0.001,
            "N = {n}: nothing is CPU-bound, so {} ms is the drawn {w_ms} ms (to the histogram's 0.1 %)",
            work.latency.mean_ms
        );
        // Time-averaged over the whole run: the first second fills up linearly.
        let steady = l * (seconds as f64 - 0.5) / seconds as f64;
        assert!(
            busy >= steady / f64::from(n) - 0.05 && busy <= steady / f64::from(n) + 1.0,
            "N = {n}: {busy} busy instances for {steady} requests in flight"
        );
        assert!(inst.busy_max <= (l / f64::from(n)).ceil() as u64 + 1);
        let one = *base.get_or_insert(busy);
        let ratio = one / busy;
        assert!(
            ratio >= f64::from(n) * (l / (l + f64::from(n))) - 0.05,
            "N = {n}: only {ratio}× fewer instances"
        );
        // Cost in the window: requests × fee + busy instance-seconds × (memory + CPU).
        let requests = (work.invocations - node(&before, "work").invocations) as f64;
        let window_cost = work.cost_usd - node(&before, "work").cost_usd;
        let per_instance_s = 2.0 * 0.000_002_5 + 1.0 * 0.000_024;
        let expected = requests * 0.4e-6 + (l / f64::from(n)) * 55.0 * per_instance_s;
        assert!(
            (window_cost - expected).abs() <= expected * 0.05,
            "N = {n}: ${window_cost} in the window, expected about ${expected}"
        );
    }
}

/// Processor sharing: the requests on one instance expected to be computing at once
/// (`sharing × cpu_bound`, at least one) share its vCPUs for their CPU-bound share (each at
/// most `threads` of them); alone on a 1-vCPU instance a request runs at full speed.
#[test]
fn requests_sharing_an_instance_share_its_cpu() {
    let f = FunctionParams {
        cpu_bound: 0.5,
        ..FunctionParams::default()
    };
    // cpu_bound 0.5: of `sharing` requests, half are expected to be computing at once.
    let cases = [
        (1.0, 1, 1.0),
        (1.0, 2, 1.0),
        (1.0, 4, 0.5 + 0.5 * 2.0),
        (1.0, 8, 0.5 + 0.5 * 4.0),
        (2.0, 8, 0.5 + 0.5 * 2.0),
        (0.5, 1, 0.5 + 0.5 * 2.0),
    ];
    for (vcpus, sharing, stretch) in cases {
        let got = f.cpu_stretch(vcpus, sharing);
        assert!(
            (got - stretch).abs() < 1e-12,
            "{vcpus} vCPUs shared by {sharing}: {got}"
        );
    }
    // Not CPU-bound: no stretch whatever the sharing.
    assert_eq!(FunctionParams::default().cpu_stretch(0.083, 80), 1.0);
}

/// What a behaviour cell measures.
#[derive(Clone, Copy, Debug)]
enum Behaviour {
    /// Idle for just under the keep-alive: the next request is warm.
    KeepAliveWarm,
    /// Idle for just over it: cold again.
    KeepAliveCold,
    /// Many requests at once: the instances the scale-out allows at once.
    Burst,
    /// Warm (provisioned / minimum / always-ready) instances serve the first requests warm.
    WarmInstances,
    /// Far more requests than the default maximum instances allow, one per instance.
    MaxInstances,
    /// Several long requests at once with the provider's default per-instance concurrency.
    DefaultConcurrency,
}

const BEHAVIOURS: [Behaviour; 6] = [
    Behaviour::KeepAliveWarm,
    Behaviour::KeepAliveCold,
    Behaviour::Burst,
    Behaviour::WarmInstances,
    Behaviour::MaxInstances,
    Behaviour::DefaultConcurrency,
];

/// A design made on AWS, moved to `provider` with `retarget` (presets follow the provider),
/// then `edit` applied to its function `work`.
fn on(provider: Provider, edit: impl FnOnce(&mut FunctionParams), fan_out: u32) -> Project {
    let aws = Build::new(11)
        .client("c", 0.001) // one request, at 1,000 s
        .func("fan", func(1.0))
        .func("work", func(60_000.0))
        .edge("c", "fan", SYNC)
        .edge_n("fan", "work", ASYNC, fan_out)
        .project();
    let (mut p, _) = retarget(&aws, provider);
    if let Some(NodeKind::Function(f)) = p.graph.nodes.get_mut(&"work".into()).map(|n| &mut n.kind)
    {
        edit(f);
    }
    p
}

/// A function that `c` calls every `gap_s` seconds on `provider` (retargeted from AWS).
fn every(provider: Provider, gap_s: f64) -> Project {
    let aws = Build::new(3)
        .client("c", 1.0 / gap_s)
        .func("work", func(10.0))
        .edge("c", "work", SYNC)
        .project();
    retarget(&aws, provider).0
}

#[test]
fn provider_by_behaviour_matrix() {
    for provider in Provider::ALL {
        let profile = provider.profile();
        for behaviour in BEHAVIOURS {
            let cell = format!("{provider:?} × {behaviour:?}");
            let keep_alive_s = profile.keep_alive_ms as f64 / 1000.0;
            match behaviour {
                Behaviour::KeepAliveWarm | Behaviour::KeepAliveCold => {
                    let warm = matches!(behaviour, Behaviour::KeepAliveWarm);
                    let gap = keep_alive_s + if warm { -1.0 } else { 1.0 };
                    let p = every(provider, gap);
                    let mut s = sim(&p);
                    s.run_until(((2.5 * gap) * SEC as f64) as u64);
                    let r = s.report();
                    let w = node(&r, "work");
                    assert_eq!(w.invocations, 2, "{cell}");
                    assert_eq!(w.cold_starts, if warm { 1 } else { 2 }, "{cell}");
                }
                Behaviour::Burst => {
                    let p = on(provider, |f| f.concurrency = Some(1), 50);
                    let mut s = sim(&p);
                    s.run_until(1_000 * SEC + SEC / 2);
                    let r = s.report();
                    let w = node(&r, "work");
                    let allowed = profile.scale_out.burst.min(profile.max_instances).min(50);
                    assert_eq!(
                        w.instances.as_ref().map(|i| i.busy_max),
                        Some(u64::from(allowed)),
                        "{cell}"
                    );
                    assert_eq!(w.cold_starts, u64::from(allowed), "{cell}");
                }
                Behaviour::WarmInstances => {
                    let p = on(
                        provider,
                        |f| {
                            f.concurrency = Some(1);
                            f.provisioned_concurrency = 2;
                        },
                        2,
                    );
                    let has_warm = profile.rates.warm_per_gb_s > 0.0;
                    assert_eq!(has_errors(&validate(&p)), !has_warm, "{cell}");
                    if has_warm {
                        let mut s = sim(&p);
                        s.run_until(1_010 * SEC);
                        let r = s.report();
                        let w = node(&r, "work");
                        assert_eq!(w.invocations, 2, "{cell}");
                        assert_eq!(w.cold_starts, 0, "{cell}: warm instances serve them");
                        assert!(w.cost_usd > 0.0, "{cell}: warm instances are billed");
                    }
                }
                Behaviour::MaxInstances => {
                    let max = profile.max_instances;
                    let many = (max + 20).min(1_000);
                    // Scale-out as fast as Lambda's, so only the maximum binds.
                    let p = on(
                        provider,
                        |f| {
                            f.concurrency = Some(1);
                            f.scaling = Scaling::Standard;
                        },
                        many,
                    );
                    let mut s = sim(&p);
                    s.run_until(1_030 * SEC);
                    let r = s.report();
                    let w = node(&r, "work");
                    let peak = w.instances.as_ref().map_or(0, |i| i.busy_max);
                    // AWS's cap is the account's 1,000 shared executions.
                    let cap = if provider.is_aws() { 1_000 } else { max };
                    assert_eq!(peak, u64::from(cap.min(many)), "{cell}");
                    if many > cap {
                        assert!(w.throttles > 0, "{cell}: the rest are throttled");
                    }
                }
                Behaviour::DefaultConcurrency => {
                    let requests = 32u32;
                    let p = on(provider, |_| {}, requests);
                    let mut s = sim(&p);
                    s.run_until(1_000 * SEC + SEC / 2);
                    let r = s.report();
                    let w = node(&r, "work");
                    let per = profile.default_concurrency.max(1);
                    let instances = requests.div_ceil(per).min(profile.scale_out.burst);
                    assert_eq!(
                        w.instances.as_ref().map(|i| i.busy_max),
                        Some(u64::from(instances)),
                        "{cell}: {per} per instance"
                    );
                    assert_eq!(w.cold_starts, u64::from(instances), "{cell}");
                }
            }
        }
    }
}

/// The engine's bill (`InvocationPrice`) and the pricing pages' arithmetic
/// (`FunctionRates`, whose worked examples `tests/providers.rs` checks) agree for every
/// provider, memory size it offers, CPU, processor and duration — including minimum billed
/// time, granularity, memory steps and vCPU-seconds.
#[test]
fn the_engine_bills_as_each_providers_pricing_page_does() {
    for provider in Provider::ALL {
        let profile = provider.profile();
        let pricing = eventloom::model::Pricing::for_provider(provider);
        let rates = pricing.function_rates(provider);
        let sizes = [
            profile.memory.min_mb(),
            profile.memory.at_least(1_000),
            profile.memory.at_least(1_769),
            profile.memory.max_mb(),
        ];
        for mb in sizes {
            let vcpus = profile.vcpus(mb);
            for arm in [false, true] {
                let price = pricing.invocation_price(mb, vcpus, arm);
                for ms in [1u64, 99, 100, 101, 999, 1_000, 1_001, 12_345] {
                    let engine = price.cost(ms, false);
                    let page = rates.invocation(mb, vcpus, ms, arm);
                    assert!(
                        (engine - page).abs() <= page * 1e-12,
                        "{provider:?} {mb} MB {ms} ms arm {arm}: engine ${engine}, page ${page}"
                    );
                }
            }
        }
    }
}

/// A function on another provider than its project's is billed at its own provider's
/// prices: the same as in a project on that provider.
#[test]
fn a_function_on_another_provider_is_billed_at_its_providers_prices() {
    for provider in Provider::ALL {
        let f = FunctionParams {
            // Offered by every provider (Azure Consumption: up to 1,536 MB).
            memory_mb: provider.profile().memory.at_least(1_024),
            timeout_ms: 60_000,
            ..func(150.0)
        };
        let native = one_function(provider, 20.0, f.clone());
        let guest = {
            let mut b = Build::new(7)
                .client("c", 20.0)
                .func(
                    "work",
                    FunctionParams {
                        provider: Some(provider),
                        ..f
                    },
                )
                .edge("c", "work", SYNC);
            b.p.provider = Provider::Aws;
            b.project()
        };
        let (_, native_cost, n) = duration_and_cost(&native, 20);
        let (_, guest_cost, m) = duration_and_cost(&guest, 20);
        assert_eq!(n, m, "{provider:?}");
        assert!(
            (native_cost - guest_cost).abs() <= native_cost * 1e-9,
            "{provider:?}: ${guest_cost} in an AWS project, ${native_cost} on its own"
        );
    }
}
