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
    /// Provisioned concurrency kept warm, $ per GB-second (charged all the time).
    pub provisioned_per_gb_s: f64,
    /// Duration on provisioned instances, $ per GB-second.
    pub provisioned_duration_per_gb_s: f64,
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
    /// Queue requests (send, receive, delete), $ per million.
    pub queue_per_million_requests: f64,
    /// Topic publishes, $ per million.
    pub topic_per_million_publishes: f64,
    /// Table writes, $ per million write request units.
    pub table_per_million_writes: f64,
    /// Bucket writes (PUT), $ per thousand.
    pub bucket_per_thousand_puts: f64,
    /// Schedule invocations, $ per million.
    pub schedule_per_million: f64,
    /// The always-on alternative: one server, $ per hour (m5.large on demand by default).
    pub server_per_hour: f64,
    /// How many such servers the always-on alternative needs (e.g. 2 for redundancy).
    pub server_count: u32,
}

impl Default for Pricing {
    fn default() -> Self {
        Self {
            function_per_million_requests: 0.20,
            function_per_gb_s_x86: 0.000_016_666_7,
            function_per_gb_s_arm: 0.000_013_333_4,
            provisioned_per_gb_s: 0.000_004_166_7,
            provisioned_duration_per_gb_s: 0.000_009_722_2,
            billing_granularity_ms: 1,
            function_per_vcpu_s: 0.0,
            function_min_billed_ms: 0,
            function_memory_step_mb: 1,
            provisioned_per_vcpu_s: 0.0,
            rest_api_per_million: 3.50,
            http_api_per_million: 1.00,
            queue_per_million_requests: 0.40,
            topic_per_million_publishes: 0.50,
            table_per_million_writes: 0.625,
            bucket_per_thousand_puts: 0.005,
            schedule_per_million: 1.00,
            server_per_hour: 0.096,
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

impl Pricing {
    /// The list prices of `provider` (AWS: [`Pricing::default`]). The always-on server
    /// comparison keeps its defaults: it is the same machine whatever the provider.
    pub fn for_provider(provider: Provider) -> Pricing {
        let profile = provider.profile();
        let r = &profile.rates;
        let s = &profile.services;
        Pricing {
            function_per_million_requests: r.per_million_requests,
            function_per_gb_s_x86: r.per_gb_s,
            function_per_gb_s_arm: r.per_gb_s_arm,
            provisioned_per_gb_s: r.warm_per_gb_s,
            provisioned_duration_per_gb_s: r.warm_execution_per_gb_s,
            billing_granularity_ms: r.granularity_ms,
            function_per_vcpu_s: r.per_vcpu_s,
            function_min_billed_ms: r.min_billed_ms,
            function_memory_step_mb: r.memory_step_mb,
            provisioned_per_vcpu_s: r.warm_per_vcpu_s,
            rest_api_per_million: s.rest_api_per_million,
            http_api_per_million: s.http_api_per_million,
            queue_per_million_requests: s.queue_per_million_requests,
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
    pub fn prices(&self) -> [(&'static str, f64); 16] {
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
            ("rest_api_per_million", self.rest_api_per_million),
            ("http_api_per_million", self.http_api_per_million),
            (
                "queue_per_million_requests",
                self.queue_per_million_requests,
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

    /// Cost of one function invocation of `billed_ms` at `memory_mb` on `arch`, in dollars.
    pub fn function_invocation(&self, memory_mb: u32, billed_ms: u64, arm: bool) -> f64 {
        let gran = self.billing_granularity_ms.max(1);
        let rounded = billed_ms.div_ceil(gran) * gran;
        let gb_s = f64::from(memory_mb) / 1024.0 * rounded as f64 / 1000.0;
        let rate = if arm {
            self.function_per_gb_s_arm
        } else {
            self.function_per_gb_s_x86
        };
        self.function_per_million_requests / 1e6 + gb_s * rate
    }

    /// Cost of the always-on alternative for one day, dollars.
    pub fn server_per_day(&self) -> f64 {
        self.server_per_hour * 24.0 * f64::from(self.server_count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
