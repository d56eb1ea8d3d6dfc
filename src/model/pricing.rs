//! The price table used to bill a run (US dollars, AWS us-east-1 list prices of 2025).

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

impl Pricing {
    /// Every price with its field name, for validation.
    pub fn prices(&self) -> [(&'static str, f64); 14] {
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
        ]
    }

    /// What one invocation of a function of `memory_mb` on arm64 (`arm`) or x86_64 costs,
    /// worked out once: the one formula of function cost (the engine bills every
    /// invocation with it).
    pub fn invocation_price(&self, memory_mb: u32, arm: bool) -> InvocationPrice {
        let gb_ms = f64::from(memory_mb) / 1024.0 / 1000.0;
        let rate = if arm {
            self.function_per_gb_s_arm
        } else {
            self.function_per_gb_s_x86
        };
        InvocationPrice {
            request: self.function_per_million_requests / 1e6,
            per_ms: gb_ms * rate,
            per_ms_provisioned: gb_ms * self.provisioned_duration_per_gb_s,
            granularity: self.billing_granularity_ms.max(1),
        }
    }

    /// Cost of one on-demand function invocation of `billed_ms` at `memory_mb` on arm64
    /// (`arm`) or x86_64, in dollars (see [`Pricing::invocation_price`]).
    pub fn function_invocation(&self, memory_mb: u32, billed_ms: u64, arm: bool) -> f64 {
        self.invocation_price(memory_mb, arm).cost(billed_ms, false)
    }

    /// Cost of the always-on alternative for one day, dollars.
    pub fn server_per_day(&self) -> f64 {
        self.server_per_hour * 24.0 * f64::from(self.server_count)
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
    /// Billing granularity, ms (at least 1).
    granularity: u64,
}

impl InvocationPrice {
    /// Cost of an invocation of `billed_ms` (rounded up to the granularity) on an on-demand
    /// or a `provisioned` environment, $.
    #[inline]
    pub fn cost(&self, billed_ms: u64, provisioned: bool) -> f64 {
        let rounded = if self.granularity == 1 {
            billed_ms
        } else {
            billed_ms.div_ceil(self.granularity) * self.granularity
        };
        let per_ms = if provisioned {
            self.per_ms_provisioned
        } else {
            self.per_ms
        };
        // Through i64 (a bill is far below 2^63 ms): one conversion instruction, where u64
        // needs several.
        self.request + rounded.min(i64::MAX as u64) as i64 as f64 * per_ms
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
