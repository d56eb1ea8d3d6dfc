//! The price table used to bill a run (US dollars, AWS us-east-1 list prices of 2025 by
//! default; [`Pricing::for_provider`] gives the other providers' list prices).

use super::provider::{FunctionRates, Provider};
use serde::{Deserialize, Serialize};

/// Prices for every billable action, plus an always-on server to compare against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pricing {
    /// Function requests, $ per million.
    pub function_per_million_requests: f64,
    /// Function duration on x86_64, $ per GB-second.
    pub function_per_gb_s_x86: f64,
    /// Function duration on arm64, $ per GB-second.
    pub function_per_gb_s_arm: f64,
    /// Provisioned concurrency kept warm on x86_64, $ per GB-second (charged all the time, in
    /// blocks of 5 minutes).
    pub provisioned_per_gb_s: f64,
    /// Duration on provisioned x86_64 instances, $ per GB-second.
    pub provisioned_duration_per_gb_s: f64,
    /// Provisioned concurrency kept warm on arm64, $ per GB-second.
    #[serde(skip_serializing_if = "is_default_provisioned_arm")]
    pub provisioned_per_gb_s_arm: f64,
    /// Duration on provisioned arm64 instances, $ per GB-second.
    #[serde(skip_serializing_if = "is_default_provisioned_duration_arm")]
    pub provisioned_duration_per_gb_s_arm: f64,
    /// Duration is rounded up to a multiple of this, ms.
    pub billing_granularity_ms: u64,
    /// Function CPU, $ per vCPU-second of execution (Cloud Run); 0 where CPU is not billed
    /// apart from memory (Lambda, Azure).
    #[serde(skip_serializing_if = "is_zero_f64")]
    pub function_per_vcpu_s: f64,
    /// Shortest billed execution, ms (Azure: 100 ms Consumption, 1,000 ms Flex); 0: none.
    #[serde(skip_serializing_if = "is_zero_u64")]
    pub function_min_billed_ms: u64,
    /// Billed memory is rounded up to a multiple of this, MB (Azure Consumption: 128).
    #[serde(skip_serializing_if = "is_one_u32")]
    pub function_memory_step_mb: u32,
    /// Warm instances kept idle (Cloud Run minimum instances), $ per vCPU-second.
    #[serde(skip_serializing_if = "is_zero_f64")]
    pub provisioned_per_vcpu_s: f64,
    /// REST API requests, $ per million.
    pub rest_api_per_million: f64,
    /// HTTP API requests, $ per million.
    pub http_api_per_million: f64,
    /// Standard queue requests (send, receive, delete), $ per million.
    pub queue_per_million_requests: f64,
    /// FIFO queue requests (send, receive, delete), $ per million.
    #[serde(skip_serializing_if = "is_default_fifo")]
    pub queue_fifo_per_million_requests: f64,
    /// Topic publishes, $ per million.
    pub topic_per_million_publishes: f64,
    /// Table writes, $ per million write request units.
    pub table_per_million_writes: f64,
    /// Bucket writes (PUT), $ per thousand.
    pub bucket_per_thousand_puts: f64,
    /// Schedule invocations, $ per million.
    pub schedule_per_million: f64,
    /// Whether the always-free monthly allowances (Lambda, SQS, SNS) are taken off, spread
    /// evenly over a 30-day month. Off by default: a design is usually one of many in an
    /// account.
    #[serde(skip_serializing_if = "is_false")]
    pub free_tier: bool,
    /// The always-on alternative's instance type (a name, for display).
    #[serde(skip_serializing_if = "is_default_instance")]
    pub server_instance: String,
    /// The always-on alternative: one server, $ per hour (m5.large on demand by default).
    pub server_per_hour: f64,
    /// vCPUs of one server. Default 2 (m5.large).
    #[serde(skip_serializing_if = "is_default_vcpus")]
    pub server_vcpus: u32,
    /// Share of a server's vCPUs the fleet may use at the peak, 0.05–1. Default 0.6.
    #[serde(skip_serializing_if = "is_default_utilisation")]
    pub server_target_utilisation: f64,
    /// Fewest servers the always-on alternative runs, however light the load (e.g. 2 for
    /// redundancy).
    pub server_count: u32,
}

/// Defaults that are left out of files (so files written before they existed stay as they
/// were).
const DEFAULT_PROVISIONED_ARM: f64 = 0.000_003_333_4;
const DEFAULT_PROVISIONED_DURATION_ARM: f64 = 0.000_007_777_8;
const DEFAULT_FIFO: f64 = 0.50;
const DEFAULT_INSTANCE: &str = "m5.large";
const DEFAULT_VCPUS: u32 = 2;
const DEFAULT_UTILISATION: f64 = 0.6;

fn is_default_provisioned_arm(v: &f64) -> bool {
    *v == DEFAULT_PROVISIONED_ARM
}
fn is_default_provisioned_duration_arm(v: &f64) -> bool {
    *v == DEFAULT_PROVISIONED_DURATION_ARM
}
fn is_default_fifo(v: &f64) -> bool {
    *v == DEFAULT_FIFO
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn is_default_instance(s: &str) -> bool {
    s == DEFAULT_INSTANCE
}
fn is_default_vcpus(n: &u32) -> bool {
    *n == DEFAULT_VCPUS
}
fn is_default_utilisation(v: &f64) -> bool {
    *v == DEFAULT_UTILISATION
}

impl Default for Pricing {
    fn default() -> Self {
        Self {
            function_per_million_requests: 0.20,
            function_per_gb_s_x86: 0.000_016_666_7,
            function_per_gb_s_arm: 0.000_013_333_4,
            provisioned_per_gb_s: 0.000_004_166_7,
            provisioned_duration_per_gb_s: 0.000_009_722_2,
            provisioned_per_gb_s_arm: DEFAULT_PROVISIONED_ARM,
            provisioned_duration_per_gb_s_arm: DEFAULT_PROVISIONED_DURATION_ARM,
            billing_granularity_ms: 1,
            function_per_vcpu_s: 0.0,
            function_min_billed_ms: 0,
            function_memory_step_mb: 1,
            provisioned_per_vcpu_s: 0.0,
            rest_api_per_million: 3.50,
            http_api_per_million: 1.00,
            queue_per_million_requests: 0.40,
            queue_fifo_per_million_requests: DEFAULT_FIFO,
            topic_per_million_publishes: 0.50,
            table_per_million_writes: 0.625,
            bucket_per_thousand_puts: 0.005,
            schedule_per_million: 1.00,
            free_tier: false,
            server_instance: DEFAULT_INSTANCE.to_owned(),
            server_per_hour: 0.096,
            server_vcpus: DEFAULT_VCPUS,
            server_target_utilisation: DEFAULT_UTILISATION,
            server_count: 2,
        }
    }
}

/// Whether a price is 0 (a default left out of files).
fn is_zero_f64(v: &f64) -> bool {
    *v == 0.0
}

/// Whether a duration is 0 (a default left out of files).
fn is_zero_u64(v: &u64) -> bool {
    *v == 0
}

/// Whether a step is 1 (a default left out of files).
fn is_one_u32(v: &u32) -> bool {
    *v == 1
}
/// Provisioned concurrency is billed from when it is enabled, rounded up to this, ms (AWS:
/// "rounded up to the nearest 5 minutes").
pub const PROVISIONED_BLOCK_MS: u64 = 300_000;
/// Memory at which a function has the equivalent of one vCPU, MB (AWS: CPU is allocated in
/// proportion to memory; 1,769 MB is one vCPU).
pub const MB_PER_VCPU: f64 = 1_769.0;
/// The free tier's month, days: monthly allowances are spread evenly over it.
pub const FREE_TIER_MONTH_DAYS: f64 = 30.0;
/// SQS's always-free requests per month (standard and FIFO together).
pub const FREE_SQS_REQUESTS: f64 = 1_000_000.0;
/// SNS's always-free publishes per month.
pub const FREE_SNS_PUBLISHES: f64 = 1_000_000.0;

impl Pricing {
    /// The list prices of `provider` (AWS: [`Pricing::default`]). The always-on server
    /// comparison keeps its defaults: it is the same machine whatever the provider.
    pub fn for_provider(provider: Provider) -> Pricing {
        if provider.is_aws() {
            return Pricing::default();
        }
        let profile = provider.profile();
        let r = &profile.rates;
        let s = &profile.services;
        Pricing {
            function_per_million_requests: r.per_million_requests,
            function_per_gb_s_x86: r.per_gb_s,
            function_per_gb_s_arm: r.per_gb_s_arm,
            provisioned_per_gb_s: r.warm_per_gb_s,
            provisioned_duration_per_gb_s: r.warm_execution_per_gb_s,
            // One price whatever the processor: the arm64 prices repeat the others.
            provisioned_per_gb_s_arm: r.warm_per_gb_s,
            provisioned_duration_per_gb_s_arm: r.warm_execution_per_gb_s,
            billing_granularity_ms: r.granularity_ms,
            function_per_vcpu_s: r.per_vcpu_s,
            function_min_billed_ms: r.min_billed_ms,
            function_memory_step_mb: r.memory_step_mb,
            provisioned_per_vcpu_s: r.warm_per_vcpu_s,
            rest_api_per_million: s.rest_api_per_million,
            http_api_per_million: s.http_api_per_million,
            queue_per_million_requests: s.queue_per_million_requests,
            // Ordered delivery costs nothing extra on the other providers' queues.
            queue_fifo_per_million_requests: s.queue_per_million_requests,
            topic_per_million_publishes: s.topic_per_million_publishes,
            table_per_million_writes: s.table_per_million_writes,
            bucket_per_thousand_puts: s.bucket_per_thousand_puts,
            schedule_per_million: s.schedule_per_million,
            ..Pricing::default()
        }
    }

    /// This table's function prices, billed the way `provider` bills (per request or per
    /// busy instance), for cost estimates and the engine.
    pub fn function_rates(&self, provider: Provider) -> FunctionRates {
        FunctionRates {
            per_million_requests: self.function_per_million_requests,
            per_gb_s: self.function_per_gb_s_x86,
            per_gb_s_arm: self.function_per_gb_s_arm,
            per_vcpu_s: self.function_per_vcpu_s,
            granularity_ms: self.billing_granularity_ms.max(1),
            min_billed_ms: self.function_min_billed_ms,
            memory_step_mb: self.function_memory_step_mb.max(1),
            per_instance: provider.profile().rates.per_instance,
            warm_per_gb_s: self.provisioned_per_gb_s,
            warm_per_vcpu_s: self.provisioned_per_vcpu_s,
            warm_execution_per_gb_s: self.provisioned_duration_per_gb_s,
        }
    }

    /// Every price with its field name, for validation.
    pub fn prices(&self) -> [(&'static str, f64); 19] {
        [
            (
                "function_per_million_requests",
                self.function_per_million_requests,
            ),
            ("function_per_gb_s_x86", self.function_per_gb_s_x86),
            ("function_per_gb_s_arm", self.function_per_gb_s_arm),
            ("provisioned_per_gb_s", self.provisioned_per_gb_s),
            (
                "provisioned_duration_per_gb_s",
                self.provisioned_duration_per_gb_s,
            ),
            ("provisioned_per_gb_s_arm", self.provisioned_per_gb_s_arm),
            (
                "provisioned_duration_per_gb_s_arm",
                self.provisioned_duration_per_gb_s_arm,
            ),
            ("rest_api_per_million", self.rest_api_per_million),
            ("http_api_per_million", self.http_api_per_million),
            (
                "queue_per_million_requests",
                self.queue_per_million_requests,
            ),
            (
                "queue_fifo_per_million_requests",
                self.queue_fifo_per_million_requests,
            ),
            (
                "topic_per_million_publishes",
                self.topic_per_million_publishes,
            ),
            ("table_per_million_writes", self.table_per_million_writes),
            ("bucket_per_thousand_puts", self.bucket_per_thousand_puts),
            ("schedule_per_million", self.schedule_per_million),
            ("server_per_hour", self.server_per_hour),
            ("server_count", f64::from(self.server_count)),
            ("function_per_vcpu_s", self.function_per_vcpu_s),
            ("provisioned_per_vcpu_s", self.provisioned_per_vcpu_s),
        ]
    }

    /// What one invocation of a function of `memory_mb` with `vcpus` on arm64 (`arm`) or
    /// x86_64 costs, worked out once: the one formula of function cost (the engine bills
    /// every invocation, or every busy period of an instance that serves several requests,
    /// with it). Memory is rounded up to `function_memory_step_mb`, a duration raised to
    /// `function_min_billed_ms` and rounded up to `billing_granularity_ms`; CPU is billed
    /// at `function_per_vcpu_s` where the provider bills it apart from memory.
    pub fn invocation_price(&self, memory_mb: u32, vcpus: f64, arm: bool) -> InvocationPrice {
        let step = self.function_memory_step_mb.max(1);
        let billed_mb = memory_mb.div_ceil(step).saturating_mul(step);
        let gb_ms = f64::from(billed_mb) / 1024.0 / 1000.0;
        let vcpu_ms = if vcpus.is_finite() {
            vcpus.max(0.0)
        } else {
            0.0
        } / 1000.0;
        let rate = if arm {
            self.function_per_gb_s_arm
        } else {
            self.function_per_gb_s_x86
        };
        InvocationPrice {
            request: self.function_per_million_requests / 1e6,
            per_ms: gb_ms * rate + vcpu_ms * self.function_per_vcpu_s,
            per_ms_provisioned: gb_ms * self.provisioned_duration_rate(arm)
                + vcpu_ms * self.function_per_vcpu_s,
            provisioned_per_s: (gb_ms * self.provisioned_rate(arm)
                + vcpu_ms * self.provisioned_per_vcpu_s)
                * 1000.0,
            granularity: self.billing_granularity_ms.max(1),
            min_billed: self.function_min_billed_ms,
        }
    }

    /// Cost of one on-demand function invocation of `billed_ms` at `memory_mb` (one vCPU)
    /// on arm64 (`arm`) or x86_64, in dollars (see [`Pricing::invocation_price`]).
    pub fn function_invocation(&self, memory_mb: u32, billed_ms: u64, arm: bool) -> f64 {
        self.invocation_price(memory_mb, 1.0, arm)
            .cost(billed_ms, false)
    }

    /// Price of keeping provisioned concurrency warm, $ per GB-second, for `arm` or x86_64.
    pub fn provisioned_rate(&self, arm: bool) -> f64 {
        if arm {
            self.provisioned_per_gb_s_arm
        } else {
            self.provisioned_per_gb_s
        }
    }

    /// Price of duration on a provisioned instance, $ per GB-second, for `arm` or x86_64.
    pub fn provisioned_duration_rate(&self, arm: bool) -> f64 {
        if arm {
            self.provisioned_duration_per_gb_s_arm
        } else {
            self.provisioned_duration_per_gb_s
        }
    }

    /// Servers the always-on alternative needs to carry `peak_vcpus` of work (vCPU
    /// equivalents) at the target utilisation, never fewer than `server_count`.
    pub fn servers_needed(&self, peak_vcpus: f64) -> u32 {
        let per_server =
            f64::from(self.server_vcpus.max(1)) * self.server_target_utilisation.clamp(0.01, 1.0);
        let needed = if peak_vcpus.is_finite() && peak_vcpus > 0.0 {
            (peak_vcpus / per_server).ceil().min(1e9) as u32
        } else {
            0
        };
        needed.max(self.server_count)
    }

    /// Cost of `servers` always-on servers for one day, dollars.
    pub fn servers_per_day(&self, servers: u32) -> f64 {
        self.server_per_hour * 24.0 * f64::from(servers)
    }

    /// Cost of the smallest always-on alternative (`server_count` servers) for one day,
    /// dollars.
    pub fn server_per_day(&self) -> f64 {
        self.servers_per_day(self.server_count)
    }
}

/// The price of one invocation of a function, worked out once per version from the price
/// table (see [`Pricing::invocation_price`]).
#[derive(Clone, Debug, PartialEq)]
pub struct InvocationPrice {
    /// Per request, $.
    request: f64,
    /// Per billed ms on demand, $.
    per_ms: f64,
    /// Per billed ms on a provisioned environment, $.
    per_ms_provisioned: f64,
    /// Keeping one environment provisioned, $ per second.
    pub provisioned_per_s: f64,
    /// Billing granularity, ms (at least 1).
    granularity: u64,
    /// Shortest billed duration, ms (0: none).
    min_billed: u64,
}

impl InvocationPrice {
    /// Cost of an invocation of `billed_ms` (rounded up to the granularity) on an on-demand
    /// or a `provisioned` environment, $.
    #[inline]
    pub fn cost(&self, billed_ms: u64, provisioned: bool) -> f64 {
        self.request + self.compute(billed_ms, provisioned)
    }

    /// Cost of exactly `ms` of execution (no minimum, no rounding, no request fee), $: for
    /// billing a long busy period as it goes.
    #[inline]
    pub fn compute_exact(&self, ms: u64, provisioned: bool) -> f64 {
        let per_ms = if provisioned {
            self.per_ms_provisioned
        } else {
            self.per_ms
        };
        ms.min(i64::MAX as u64) as i64 as f64 * per_ms
    }

    /// The request fee alone, $.
    #[inline]
    pub fn request(&self) -> f64 {
        self.request
    }

    /// Cost of `billed_ms` of execution without the request fee (raised to the minimum,
    /// rounded up to the granularity), on an on-demand or a `provisioned` environment, $.
    #[inline]
    pub fn compute(&self, billed_ms: u64, provisioned: bool) -> f64 {
        let ms = billed_ms.max(self.min_billed);
        let rounded = if self.granularity == 1 {
            ms
        } else {
            ms.div_ceil(self.granularity) * self.granularity
        };
        let per_ms = if provisioned {
            self.per_ms_provisioned
        } else {
            self.per_ms
        };
        // Through i64 (a bill is far below 2^63 ms): one conversion instruction, where u64
        // needs several.
        rounded.min(i64::MAX as u64) as i64 as f64 * per_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn servers_are_sized_to_the_peak_at_the_target_utilisation() {
        // m5.large (2 vCPUs) at 60 %: 1.2 vCPUs of work per server.
        let p = Pricing::default();
        assert_eq!(p.servers_needed(0.0), 2, "never below the minimum");
        assert_eq!(p.servers_needed(2.4), 2);
        assert_eq!(p.servers_needed(2.41), 3);
        assert_eq!(p.servers_needed(12.0), 10);
        assert_eq!(p.servers_needed(f64::NAN), 2);
        assert!((p.servers_per_day(10) - 23.04).abs() < 1e-9);
    }

    #[test]
    fn lambda_price_matches_published_example() {
        // AWS's example: 128 MB for 1 ms rounds to 1 ms; 1 GB for 1 s costs $0.0000166667 + request.
        let p = Pricing::default();
        let one = p.function_invocation(1024, 1000, false);
        assert!((one - (0.0000002 + 0.0000166667)).abs() < 1e-12);
        let rounded = Pricing {
            billing_granularity_ms: 100,
            ..Pricing::default()
        };
        assert_eq!(
            rounded.function_invocation(1024, 101, false),
            rounded.function_invocation(1024, 200, false)
        );
    }
}
