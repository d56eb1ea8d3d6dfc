//! Honest cost: the run's total by service, a per-day projection from a stated recent window
//! (provisioned concurrency projected at its all-day rate), the always-on server alternative
//! sized to the load (the functions' peak CPU at a target utilisation), and the free tier as
//! an option. Read by the report and by snapshots.

use super::engine::Simulation;
use super::time::SEC;
use crate::model::{
    FREE_SNS_PUBLISHES, FREE_SQS_REQUESTS, FREE_TIER_MONTH_DAYS, MB_PER_VCPU, NodeKind, Provider,
};
use serde::Serialize;

const DAY_S: f64 = 86_400.0;

/// What the cost projection and the server sizing remember: each node's usage cost and the
/// functions' CPU (vCPU equivalents) in each of the last `window` simulated seconds.
#[derive(Debug)]
pub(crate) struct CostTrack {
    window: usize,
    /// Seconds recorded so far, at most `window`.
    filled: usize,
    /// Slot of the next second.
    pos: usize,
    /// Usage cost per node and second, node-major (`node * window + slot`), $.
    node_ring: Vec<f64>,
    /// Sum of each node's ring, $.
    node_sum: Vec<f64>,
    /// vCPU equivalents the functions used in each second (mean over the second).
    vcpu_ring: Vec<f64>,
    /// Each node's busy-gauge area at the last second, µs·environments.
    busy_area: Vec<u128>,
}

impl CostTrack {
    /// An empty record for `nodes` nodes and a window of `window_s` seconds.
    pub(crate) fn new(nodes: usize, window_s: u32) -> Self {
        let window = window_s.clamp(1, 3_600) as usize;
        Self {
            window,
            filled: 0,
            pos: 0,
            node_ring: vec![0.0; nodes * window],
            node_sum: vec![0.0; nodes],
            vcpu_ring: vec![0.0; window],
            busy_area: vec![0; nodes],
        }
    }
}

/// A line of the bill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Service {
    /// Lambda requests and duration.
    Lambda,
    /// Lambda provisioned concurrency kept warm.
    LambdaProvisioned,
    /// API Gateway requests.
    ApiGateway,
    /// SQS requests.
    Sqs,
    /// SNS publishes.
    Sns,
    /// DynamoDB writes.
    DynamoDb,
    /// S3 PUTs.
    S3,
    /// EventBridge Scheduler invocations.
    Scheduler,
}

impl Service {
    /// Every service, in bill order.
    pub const ALL: [Service; 8] = [
        Service::Lambda,
        Service::LambdaProvisioned,
        Service::ApiGateway,
        Service::Sqs,
        Service::Sns,
        Service::DynamoDb,
        Service::S3,
        Service::Scheduler,
    ];

    /// Its name on `provider`'s bill (the variants are named after AWS's services, which
    /// the model started from; other providers bill the same kind of work under their own
    /// names, `docs/providers.md`).
    pub fn name_on(self, provider: Provider) -> &'static str {
        match provider {
            Provider::Aws => match self {
                Service::Lambda => "Lambda",
                Service::LambdaProvisioned => "Lambda provisioned concurrency",
                Service::ApiGateway => "API Gateway",
                Service::Sqs => "SQS",
                Service::Sns => "SNS",
                Service::DynamoDb => "DynamoDB",
                Service::S3 => "S3",
                Service::Scheduler => "EventBridge Scheduler",
            },
            Provider::Gcp => match self {
                Service::Lambda => "Cloud Run functions",
                Service::LambdaProvisioned => "Cloud Run functions minimum instances",
                Service::ApiGateway => "HTTPS endpoint",
                Service::Sqs => "Pub/Sub pull subscriptions",
                Service::Sns => "Pub/Sub",
                Service::DynamoDb => "Firestore",
                Service::S3 => "Cloud Storage",
                Service::Scheduler => "Cloud Scheduler",
            },
            Provider::AzureFlex | Provider::AzureConsumption => match self {
                Service::Lambda if provider == Provider::AzureFlex => {
                    "Azure Functions Flex Consumption"
                }
                Service::Lambda => "Azure Functions Consumption",
                Service::LambdaProvisioned => "Azure Functions always ready instances",
                Service::ApiGateway => "HTTP trigger",
                Service::Sqs => "Queue Storage",
                Service::Sns => "Event Grid",
                Service::DynamoDb => "Table Storage",
                Service::S3 => "Blob Storage",
                Service::Scheduler => "Timer trigger",
            },
        }
    }

    /// The service that bills a node of `kind`'s usage (clients cost nothing).
    fn of(kind: &NodeKind) -> Option<Service> {
        match kind {
            NodeKind::Function(_) => Some(Service::Lambda),
            NodeKind::HttpApi(_) => Some(Service::ApiGateway),
            NodeKind::Queue(_) => Some(Service::Sqs),
            NodeKind::Topic(_) => Some(Service::Sns),
            NodeKind::Table(_) => Some(Service::DynamoDb),
            NodeKind::Bucket(_) => Some(Service::S3),
            NodeKind::Schedule(_) => Some(Service::Scheduler),
            NodeKind::Client(_) => None,
        }
    }
}

/// A bill line being summed: a service on a provider, so far and per day.
struct LineSum {
    service: Service,
    provider: Provider,
    total: f64,
    day: f64,
}

impl LineSum {
    /// Adds to the line of `service` on `provider`, opening it if needed.
    fn add(lines: &mut Vec<LineSum>, service: Service, provider: Provider, total: f64, day: f64) {
        match lines
            .iter_mut()
            .find(|l| l.service == service && l.provider == provider)
        {
            Some(l) => {
                l.total += total;
                l.day += day;
            }
            None => lines.push(LineSum {
                service,
                provider,
                total,
                day,
            }),
        }
    }
}

/// One service's cost on one provider.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceCost {
    /// Which kind of service.
    pub service: Service,
    /// Whose: a function's own provider for function lines, the project's for the rest.
    pub provider: Provider,
    /// Its name on that provider's bill.
    pub name: &'static str,
    /// What it cost in the run so far, $.
    pub total_usd: f64,
    /// Projected to one day from the cost window, $.
    pub per_day_usd: f64,
}

/// The always-on alternative, sized to carry the functions' peak load.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerAlternative {
    /// Instance type (from the pricing table).
    pub instance: String,
    /// Price of one instance, $ per hour.
    pub per_hour_usd: f64,
    /// vCPUs of one instance.
    pub vcpus: u32,
    /// Share of the fleet's vCPUs busy at the peak, 0–1.
    pub target_utilisation: f64,
    /// Fewest instances it runs.
    pub min_count: u32,
    /// The functions' busiest second in the cost window, in vCPU equivalents (each running
    /// environment counts its memory ÷ 1,769 MB, Lambda's CPU share).
    pub peak_vcpus: f64,
    /// Instances needed.
    pub servers: u32,
    /// What they cost per day, $.
    pub per_day_usd: f64,
}

/// Everything the report and snapshots show about cost.
#[derive(Clone, Debug)]
pub(crate) struct CostView {
    pub total_usd: f64,
    pub per_day_usd: f64,
    pub window_s: f64,
    pub by_service: Vec<ServiceCost>,
    pub server: ServerAlternative,
    /// Per node: usage projected from the window plus provisioned concurrency all day, $.
    pub node_per_day: Vec<f64>,
    pub free_tier: bool,
}

impl Simulation {
    /// Closes a second of the cost record (at each tick, before the node statistics roll).
    #[inline(never)]
    pub(crate) fn record_cost_second(&mut self) {
        let now = self.now;
        let c = &mut self.cost;
        let (w, slot) = (c.window, c.pos);
        let mut vcpus = 0.0;
        for i in 0..self.stats.len() {
            let s = &self.stats[i];
            let usage = s.current().0.cost_usd;
            let cell = &mut c.node_ring[i * w + slot];
            c.node_sum[i] += usage - *cell;
            *cell = usage;
            if let Some(fs) = self.fns[i].as_ref() {
                let area = s.busy.area_until(now);
                let busy_s = (area - c.busy_area[i].min(area)) as f64 / SEC as f64;
                c.busy_area[i] = area;
                let mb = f64::from(fs.versions[fs.current as usize].memory_mb);
                vcpus += busy_s * mb / MB_PER_VCPU;
            }
        }
        c.vcpu_ring[slot] = vcpus;
        c.pos = (slot + 1) % w;
        c.filled = (c.filled + 1).min(w);
        if c.pos == 0 {
            // Re-add exactly once per lap, so the running sums never drift.
            for (i, sum) in c.node_sum.iter_mut().enumerate() {
                *sum = c.node_ring[i * w..(i + 1) * w].iter().sum();
            }
        }
    }

    /// The run's cost so far: totals, the projection from the window, the server
    /// alternative.
    pub(crate) fn cost_view(&self) -> CostView {
        let c = &self.cost;
        let secs = self.now.max(1) as f64 / SEC as f64;
        let (window_s, scale) = if c.filled > 0 {
            (c.filled as f64, DAY_S / c.filled as f64)
        } else {
            (secs, DAY_S / secs)
        };
        let n = self.stats.len();
        let mut node_per_day = Vec::with_capacity(n);
        // Per service (the free tier works on these), and per service and provider (the
        // lines of the bill).
        let mut totals = [0.0f64; Service::ALL.len()];
        let mut per_day = [0.0f64; Service::ALL.len()];
        let mut lines: Vec<LineSum> = Vec::new();
        let mut free = FreeTier::default();
        let pricing = &self.topo.project.pricing;
        for i in 0..n {
            let s = &self.stats[i];
            let usage_total = s.cost_usd - s.provisioned_usd;
            let usage_day = if c.filled > 0 {
                c.node_sum[i] * scale
            } else {
                usage_total * scale
            };
            let prov_day = self.provisioned_cost_per_s(i) * DAY_S;
            node_per_day.push(usage_day + prov_day);
            let kind = &self.topo.kinds[i];
            let Some(service) = Service::of(kind) else {
                continue;
            };
            let project_provider = self.topo.project.provider;
            let provider = kind
                .as_function()
                .map_or(project_provider, |f| f.provider_in(project_provider));
            totals[service as usize] += usage_total;
            per_day[service as usize] += usage_day;
            LineSum::add(&mut lines, service, provider, usage_total, usage_day);
            if s.provisioned_usd > 0.0 || prov_day > 0.0 {
                let p = Service::LambdaProvisioned;
                totals[p as usize] += s.provisioned_usd;
                per_day[p as usize] += prov_day;
                LineSum::add(&mut lines, p, provider, s.provisioned_usd, prov_day);
            }
            if pricing.free_tier {
                free.count(self, i, service, usage_total, usage_day);
            }
        }
        if pricing.free_tier {
            let before = (totals, per_day);
            free.apply(
                pricing,
                self.topo.project.provider,
                secs,
                &mut totals,
                &mut per_day,
            );
            // The allowance is the project provider's: it comes off that provider's line of
            // the service (else the service's first line, so the lines still add up).
            let project = self.topo.project.provider;
            for service in Service::ALL {
                let sv = service as usize;
                let (d_total, d_day) = (totals[sv] - before.0[sv], per_day[sv] - before.1[sv]);
                let line = lines
                    .iter()
                    .position(|l| l.service == service && l.provider == project)
                    .or_else(|| lines.iter().position(|l| l.service == service));
                if let Some(k) = line {
                    lines[k].total += d_total;
                    lines[k].day += d_day;
                }
            }
        }
        lines.sort_by_key(|l| (l.service, l.provider));
        let by_service: Vec<ServiceCost> = lines
            .iter()
            .map(|l| ServiceCost {
                service: l.service,
                provider: l.provider,
                name: l.service.name_on(l.provider),
                total_usd: round6(l.total),
                per_day_usd: round6(l.day),
            })
            .collect();
        let peak_vcpus = if c.filled > 0 {
            c.vcpu_ring[..c.filled]
                .iter()
                .fold(0.0f64, |a, &b| a.max(b))
        } else {
            self.vcpus_now()
        };
        let servers = pricing.servers_needed(peak_vcpus);
        CostView {
            total_usd: totals.iter().sum(),
            per_day_usd: per_day.iter().sum(),
            window_s,
            by_service,
            server: ServerAlternative {
                instance: pricing.server_instance.clone(),
                per_hour_usd: pricing.server_per_hour,
                vcpus: pricing.server_vcpus,
                target_utilisation: pricing.server_target_utilisation,
                min_count: pricing.server_count,
                peak_vcpus: round3(peak_vcpus),
                servers,
                per_day_usd: round6(pricing.servers_per_day(servers)),
            },
            node_per_day,
            free_tier: pricing.free_tier,
        }
    }

    /// vCPU equivalents of the environments busy now.
    fn vcpus_now(&self) -> f64 {
        (0..self.stats.len())
            .filter_map(|i| {
                let fs = self.fns[i].as_ref()?;
                let mb = f64::from(fs.versions[fs.current as usize].memory_mb);
                Some(self.stats[i].busy.value() as f64 * mb / MB_PER_VCPU)
            })
            .sum()
    }
}

/// Usage the always-free allowances can cover: the project provider's function grant
/// (requests, GB-seconds and, where billed apart, vCPU-seconds, from its profile; functions
/// on that provider without provisioned concurrency, which AWS's free tier excludes), and on
/// AWS SQS requests and SNS publishes — for the run so far (index 0) and per day (index 1),
/// with what they cost. Other providers' queue and topic grants are not modelled
/// (docs/providers.md).
#[derive(Default)]
struct FreeTier {
    lambda_requests: [f64; 2],
    lambda_gb_s: [f64; 2],
    lambda_gb_s_usd: [f64; 2],
    lambda_vcpu_s: [f64; 2],
    lambda_vcpu_s_usd: [f64; 2],
    sqs_requests: [f64; 2],
    sqs_usd: [f64; 2],
    sns_publishes: [f64; 2],
}

impl FreeTier {
    /// Counts node `i`'s usage (cost `total` so far, `day` projected).
    fn count(&mut self, sim: &Simulation, i: usize, service: Service, total: f64, day: f64) {
        let pricing = &sim.topo.project.pricing;
        let ratio = if total > 0.0 { day / total } else { 0.0 };
        match service {
            Service::Lambda => {
                let Some(fs) = sim.fns[i].as_ref() else {
                    return;
                };
                let project = sim.topo.project.provider;
                let own = sim.topo.kinds[i]
                    .as_function()
                    .map_or(project, |f| f.provider_in(project));
                // A function on another provider is billed there: this grant is not its.
                if fs.prov_total > 0 || own != project {
                    return;
                }
                let requests = sim.stats[i].invocations as f64;
                let duration =
                    (total - requests * pricing.function_per_million_requests / 1e6).max(0.0);
                let v = &fs.versions[fs.current as usize];
                let rate = if v.arm {
                    pricing.function_per_gb_s_arm
                } else {
                    pricing.function_per_gb_s_x86
                };
                // Duration = GB-s × rate + vCPU-s × vCPU rate, and a version's vCPU-s per
                // GB-s is fixed (its vCPUs over its billed memory): split it.
                let rates = pricing.function_rates(project);
                let gb = f64::from(rates.billed_memory_mb(v.memory_mb)) / 1024.0;
                let vcpu_per_gb = if gb > 0.0 { v.vcpus / gb } else { 0.0 };
                let per_gb_s = rate + vcpu_per_gb * pricing.function_per_vcpu_s;
                let gb_s = if per_gb_s > 0.0 {
                    duration / per_gb_s
                } else {
                    0.0
                };
                let vcpu_s = gb_s * vcpu_per_gb;
                for (k, scale) in [1.0, ratio].into_iter().enumerate() {
                    self.lambda_requests[k] += requests * scale;
                    self.lambda_gb_s[k] += gb_s * scale;
                    self.lambda_gb_s_usd[k] += gb_s * rate * scale;
                    self.lambda_vcpu_s[k] += vcpu_s * scale;
                    self.lambda_vcpu_s_usd[k] += vcpu_s * pricing.function_per_vcpu_s * scale;
                }
            }
            Service::Sqs | Service::Sns if !sim.topo.project.provider.is_aws() => {}
            Service::Sqs => {
                let price = sim
                    .queues
                    .get(sim.queue_of[i] as usize)
                    .map_or(0.0, |q| q.price());
                let requests = if price > 0.0 { total / price } else { 0.0 };
                for (k, scale) in [1.0, ratio].into_iter().enumerate() {
                    self.sqs_requests[k] += requests * scale;
                    self.sqs_usd[k] += total * scale;
                }
            }
            Service::Sns => {
                let price = sim.topo.unit.topic_publish;
                let publishes = if price > 0.0 { total / price } else { 0.0 };
                for (k, scale) in [1.0, ratio].into_iter().enumerate() {
                    self.sns_publishes[k] += publishes * scale;
                }
            }
            Service::LambdaProvisioned
            | Service::ApiGateway
            | Service::DynamoDb
            | Service::S3
            | Service::Scheduler => {}
        }
    }

    /// Takes the allowances off: a month's allowance spread over 30 days, for the run's
    /// length (totals) and for one day (projection).
    fn apply(
        &self,
        pricing: &crate::model::Pricing,
        provider: Provider,
        run_s: f64,
        totals: &mut [f64; Service::ALL.len()],
        per_day: &mut [f64; Service::ALL.len()],
    ) {
        let month_s = FREE_TIER_MONTH_DAYS * DAY_S;
        let grant = provider.profile().free;
        for (k, share) in [run_s / month_s, DAY_S / month_s].into_iter().enumerate() {
            let out = if k == 0 { &mut *totals } else { &mut *per_day };
            let request_price = pricing.function_per_million_requests / 1e6;
            // What a unit cost on average (prices may differ by architecture).
            let unit = |usd: f64, units: f64| if units > 0.0 { usd / units } else { 0.0 };
            let (gb_s, vcpu_s) = (self.lambda_gb_s[k], self.lambda_vcpu_s[k]);
            let lambda_saving = self.lambda_requests[k].min(grant.requests * share) * request_price
                + gb_s.min(grant.gb_s * share) * unit(self.lambda_gb_s_usd[k], gb_s)
                + vcpu_s.min(grant.vcpu_s * share) * unit(self.lambda_vcpu_s_usd[k], vcpu_s);
            let l = Service::Lambda as usize;
            out[l] = (out[l] - lambda_saving).max(0.0);
            let requests = self.sqs_requests[k];
            let per_request = if requests > 0.0 {
                self.sqs_usd[k] / requests
            } else {
                0.0
            };
            let q = Service::Sqs as usize;
            out[q] = (out[q] - requests.min(FREE_SQS_REQUESTS * share) * per_request).max(0.0);
            let t = Service::Sns as usize;
            let sns_saving = self.sns_publishes[k].min(FREE_SNS_PUBLISHES * share)
                * pricing.topic_per_million_publishes
                / 1e6;
            out[t] = (out[t] - sns_saving).max(0.0);
        }
    }
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn round3(v: f64) -> f64 {
    (v * 1e3).round() / 1e3
}

/// The cost per million requests that entered, $ (0 before any entered).
pub fn per_million(cost_usd: f64, entered: u64) -> f64 {
    if entered == 0 {
        0.0
    } else {
        cost_usd / entered as f64 * 1e6
    }
}

/// How the run's projected daily cost compares with an always-on server.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerComparison {
    /// Nothing to compare yet (no time simulated, or no server price).
    Unknown,
    /// Serverless costs less per day, by this much ($), this many times less.
    ServerlessCheaper {
        /// $ per day saved.
        saving_usd: f64,
        /// Server cost ÷ serverless cost (infinite when serverless costs nothing).
        times: f64,
    },
    /// The server costs less per day, by this much ($).
    ServerCheaper {
        /// $ per day saved by the server.
        saving_usd: f64,
        /// Serverless cost ÷ server cost.
        times: f64,
    },
}

/// Compares a projected serverless cost per day with a server's.
pub fn compare_server(per_day_usd: f64, server_per_day_usd: f64) -> ServerComparison {
    if !per_day_usd.is_finite()
        || !server_per_day_usd.is_finite()
        || server_per_day_usd <= 0.0
        || per_day_usd < 0.0
    {
        return ServerComparison::Unknown;
    }
    if per_day_usd <= server_per_day_usd {
        ServerComparison::ServerlessCheaper {
            saving_usd: server_per_day_usd - per_day_usd,
            times: if per_day_usd > 0.0 {
                server_per_day_usd / per_day_usd
            } else {
                f64::INFINITY
            },
        }
    } else {
        ServerComparison::ServerCheaper {
            saving_usd: per_day_usd - server_per_day_usd,
            times: per_day_usd / server_per_day_usd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projections() {
        assert_eq!(per_million(3.0, 1_000_000), 3.0);
        assert_eq!(per_million(3.0, 0), 0.0);
    }

    #[test]
    fn server_comparison() {
        assert_eq!(compare_server(1.0, 0.0), ServerComparison::Unknown);
        assert_eq!(compare_server(f64::NAN, 5.0), ServerComparison::Unknown);
        assert_eq!(
            compare_server(1.0, 4.0),
            ServerComparison::ServerlessCheaper {
                saving_usd: 3.0,
                times: 4.0
            }
        );
        assert_eq!(
            compare_server(10.0, 4.0),
            ServerComparison::ServerCheaper {
                saving_usd: 6.0,
                times: 2.5
            }
        );
    }
}
