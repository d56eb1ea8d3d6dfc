//! Cloud providers a design can run on — AWS Lambda, Google Cloud Run functions, Azure
//! Functions (Flex Consumption and the Consumption plan) — each with its limits, CPU, scaling
//! and list prices, taken from the provider's own documentation. Every number and its source
//! (page, address, date) is in `docs/providers.md`; where a value is an observed typical one
//! or an assumption rather than documented, the doc comment says so.

use super::distribution::Distribution;
use serde::{Deserialize, Serialize};

mod profiles;
use profiles::{AWS, AZURE_CONSUMPTION, AZURE_FLEX, GCP};

/// Where a project (or one function) runs.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Provider {
    /// AWS Lambda with SQS, SNS, S3, DynamoDB, EventBridge Scheduler and API Gateway.
    #[default]
    Aws,
    /// Google Cloud Run functions with Pub/Sub, Cloud Storage, Firestore and Cloud Scheduler.
    Gcp,
    /// Azure Functions on the Flex Consumption plan, with Queue Storage, Event Grid, Blob
    /// Storage and Table Storage.
    AzureFlex,
    /// Azure Functions on the (legacy) Consumption plan.
    AzureConsumption,
}

impl Provider {
    /// Every provider, in menu order.
    pub const ALL: [Provider; 4] = [
        Provider::Aws,
        Provider::Gcp,
        Provider::AzureFlex,
        Provider::AzureConsumption,
    ];

    /// Whether this is AWS (the default, left out of files).
    pub fn is_aws(&self) -> bool {
        *self == Provider::Aws
    }

    /// The short name used on the command line: `aws`, `gcp`, `azure-flex`,
    /// `azure-consumption`.
    pub fn key(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Gcp => "gcp",
            Provider::AzureFlex => "azure-flex",
            Provider::AzureConsumption => "azure-consumption",
        }
    }

    /// Reads a provider's short name; `azure` means Flex Consumption (Microsoft's
    /// recommended serverless plan), `google` is `gcp`.
    pub fn parse(text: &str) -> Result<Provider, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "aws" | "lambda" => Ok(Provider::Aws),
            "gcp" | "google" => Ok(Provider::Gcp),
            "azure" | "azure-flex" | "flex" => Ok(Provider::AzureFlex),
            "azure-consumption" | "consumption" => Ok(Provider::AzureConsumption),
            other => Err(format!(
                "unknown provider {other:?}: use aws, gcp, azure (Flex Consumption) or azure-consumption"
            )),
        }
    }

    /// The product's name, for the inspector and reports.
    pub fn title(self) -> &'static str {
        self.profile().product
    }

    /// Everything that differs between providers.
    pub fn profile(self) -> &'static Profile {
        match self {
            Provider::Aws => &AWS,
            Provider::Gcp => &GCP,
            Provider::AzureFlex => &AZURE_FLEX,
            Provider::AzureConsumption => &AZURE_CONSUMPTION,
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// The memory sizes a function may have.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MemoryChoices {
    /// Any size from `min_mb` to `max_mb` (inclusive) in steps of `step_mb`.
    Range {
        /// Smallest, MB.
        min_mb: u32,
        /// Largest, MB.
        max_mb: u32,
        /// Increment, MB (1: any size).
        step_mb: u32,
    },
    /// Only these sizes, MB, ascending.
    List(&'static [u32]),
}

impl MemoryChoices {
    /// Whether `mb` is one of the choices.
    pub fn allows(&self, mb: u32) -> bool {
        match *self {
            MemoryChoices::Range {
                min_mb,
                max_mb,
                step_mb,
            } => (min_mb..=max_mb).contains(&mb) && (mb - min_mb).is_multiple_of(step_mb.max(1)),
            MemoryChoices::List(sizes) => sizes.contains(&mb),
        }
    }

    /// The smallest choice.
    pub fn min_mb(&self) -> u32 {
        match *self {
            MemoryChoices::Range { min_mb, .. } => min_mb,
            MemoryChoices::List(sizes) => sizes.first().copied().unwrap_or(0),
        }
    }

    /// The largest choice.
    pub fn max_mb(&self) -> u32 {
        match *self {
            MemoryChoices::Range { max_mb, .. } => max_mb,
            MemoryChoices::List(sizes) => sizes.last().copied().unwrap_or(0),
        }
    }

    /// The smallest choice at least `mb` (the largest when none is).
    pub fn at_least(&self, mb: u32) -> u32 {
        match *self {
            MemoryChoices::Range {
                min_mb,
                max_mb,
                step_mb,
            } => {
                let step = step_mb.max(1);
                let above = mb.clamp(min_mb, max_mb) - min_mb;
                (min_mb + above.div_ceil(step) * step).min(max_mb)
            }
            MemoryChoices::List(sizes) => sizes
                .iter()
                .copied()
                .find(|&s| s >= mb)
                .unwrap_or_else(|| self.max_mb()),
        }
    }

    /// The choices in words, for messages: "between 128 and 10240" or "one of 512, 2048, 4096".
    pub fn describe(&self) -> String {
        match *self {
            MemoryChoices::Range {
                min_mb,
                max_mb,
                step_mb,
            } if step_mb <= 1 => format!("between {min_mb} and {max_mb}"),
            MemoryChoices::Range {
                min_mb,
                max_mb,
                step_mb,
            } => format!("between {min_mb} and {max_mb} in steps of {step_mb}"),
            MemoryChoices::List(sizes) => {
                let list: Vec<String> = sizes.iter().map(u32::to_string).collect();
                format!("one of {}", list.join(", "))
            }
        }
    }
}

/// How much CPU a function gets for its memory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CpuModel {
    /// CPU in proportion to memory: one vCPU per `mb_per_vcpu` MB, at most `max_vcpus`.
    Proportional {
        /// Memory that buys one vCPU, MB.
        mb_per_vcpu: f64,
        /// Most vCPUs at the largest memory.
        max_vcpus: f64,
    },
    /// Fixed tiers: `(memory at least, vCPUs)`, ascending by memory.
    Tiers(&'static [(u32, f64)]),
}

impl CpuModel {
    /// vCPUs of a function with `memory_mb`.
    pub fn vcpus(&self, memory_mb: u32) -> f64 {
        match *self {
            CpuModel::Proportional {
                mb_per_vcpu,
                max_vcpus,
            } => (f64::from(memory_mb) / mb_per_vcpu).min(max_vcpus),
            CpuModel::Tiers(tiers) => tiers
                .iter()
                .take_while(|(mb, _)| *mb <= memory_mb)
                .last()
                .or(tiers.first())
                .map_or(1.0, |(_, v)| *v),
        }
    }
}

/// How fast new instances may be added: `burst` at once, then `per_step` every `step_ms`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScaleOut {
    /// Instances available at once.
    pub burst: u32,
    /// Instances added per step.
    pub per_step: u32,
    /// Step length, ms.
    pub step_ms: u64,
    /// Whether the provider documents this rate (false: an assumption, see docs/providers.md).
    pub documented: bool,
}

/// What each kind of node is called on a provider (the inspector shows these).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServiceNames {
    /// The function service.
    pub function: &'static str,
    /// The API in front of functions.
    pub api: &'static str,
    /// The timer service.
    pub schedule: &'static str,
    /// The message queue.
    pub queue: &'static str,
    /// The pub/sub topic.
    pub topic: &'static str,
    /// The object store.
    pub bucket: &'static str,
    /// The key-value table with a change stream.
    pub table: &'static str,
    /// What instances kept warm are called.
    pub warm_instances: &'static str,
    /// What an instance is called.
    pub instance: &'static str,
}

/// How a provider bills function compute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FunctionRates {
    /// Per million requests (executions, invocations), $.
    pub per_million_requests: f64,
    /// Per GB-second of memory (GiB-second on Google Cloud), x86 or the only architecture, $.
    pub per_gb_s: f64,
    /// Per GB-second on arm64 where the provider prices it apart (otherwise `per_gb_s`), $.
    pub per_gb_s_arm: f64,
    /// Per vCPU-second, $ (0 where CPU is not billed apart from memory).
    pub per_vcpu_s: f64,
    /// Billed time is rounded up to a multiple of this, ms.
    pub granularity_ms: u64,
    /// Shortest billed time, ms (0: none).
    pub min_billed_ms: u64,
    /// Billed memory is rounded up to a multiple of this, MB (1: as configured).
    pub memory_step_mb: u32,
    /// Whether an instance serving several requests at once is billed once for the time it is
    /// busy (Cloud Run, Flex Consumption) rather than once per request (Lambda).
    pub per_instance: bool,
    /// Warm (provisioned, always-ready, minimum) instances kept idle, $ per GB-second.
    pub warm_per_gb_s: f64,
    /// Warm instances kept idle, $ per vCPU-second.
    pub warm_per_vcpu_s: f64,
    /// Execution on a warm instance, $ per GB-second.
    pub warm_execution_per_gb_s: f64,
}

impl FunctionRates {
    /// Billed duration of `ms` of execution: the minimum, then rounded up to the granularity.
    pub fn billed_ms(&self, ms: u64) -> u64 {
        let gran = self.granularity_ms.max(1);
        ms.max(self.min_billed_ms)
            .div_ceil(gran)
            .saturating_mul(gran)
    }

    /// Billed memory of a function with `memory_mb`: rounded up to the memory step.
    pub fn billed_memory_mb(&self, memory_mb: u32) -> u32 {
        let step = self.memory_step_mb.max(1);
        memory_mb.div_ceil(step).saturating_mul(step)
    }

    /// GB-seconds (memory × billed time) of one execution of `ms` at `memory_mb`.
    pub fn gb_s(&self, memory_mb: u32, ms: u64) -> f64 {
        f64::from(self.billed_memory_mb(memory_mb)) / 1024.0 * self.billed_ms(ms) as f64 / 1000.0
    }

    /// Compute cost (no request fee) of `ms` of execution at `memory_mb` with `vcpus`, $.
    pub fn compute(&self, memory_mb: u32, vcpus: f64, ms: u64, arm: bool) -> f64 {
        let rate = if arm {
            self.per_gb_s_arm
        } else {
            self.per_gb_s
        };
        let secs = self.billed_ms(ms) as f64 / 1000.0;
        self.gb_s(memory_mb, ms) * rate + vcpus * secs * self.per_vcpu_s
    }

    /// Cost of one request executing `ms` at `memory_mb` with `vcpus`, request fee included, $.
    pub fn invocation(&self, memory_mb: u32, vcpus: f64, ms: u64, arm: bool) -> f64 {
        self.per_million_requests / 1e6 + self.compute(memory_mb, vcpus, ms, arm)
    }

    /// A month of `requests` identical executions of `ms` at `memory_mb`, with the free grant
    /// taken off when `free` is given: what the providers' pricing pages work out.
    pub fn monthly(
        &self,
        requests: u64,
        memory_mb: u32,
        vcpus: f64,
        ms: u64,
        arm: bool,
        free: Option<&FreeGrant>,
    ) -> MonthlyBill {
        let n = requests as f64;
        let gb_s = self.gb_s(memory_mb, ms) * n;
        let vcpu_s = vcpus * self.billed_ms(ms) as f64 / 1000.0 * n;
        let (free_req, free_gb_s, free_vcpu_s) =
            free.map_or((0.0, 0.0, 0.0), |f| (f.requests, f.gb_s, f.vcpu_s));
        let rate = if arm {
            self.per_gb_s_arm
        } else {
            self.per_gb_s
        };
        let request_usd = (n - free_req).max(0.0) * self.per_million_requests / 1e6;
        let compute_usd =
            (gb_s - free_gb_s).max(0.0) * rate + (vcpu_s - free_vcpu_s).max(0.0) * self.per_vcpu_s;
        MonthlyBill {
            gb_s,
            vcpu_s,
            request_usd,
            compute_usd,
            total_usd: request_usd + compute_usd,
        }
    }
}

/// A month's function bill, as the pricing pages lay it out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MonthlyBill {
    /// Memory-time used, GB-seconds (before the free grant).
    pub gb_s: f64,
    /// CPU-time used, vCPU-seconds (before the free grant).
    pub vcpu_s: f64,
    /// Request charges, $.
    pub request_usd: f64,
    /// Compute charges (memory and CPU), $.
    pub compute_usd: f64,
    /// Both, $.
    pub total_usd: f64,
}

/// A provider's monthly free grant (stated, but off by default in Eventloom: a design is
/// usually one of many in an account).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FreeGrant {
    /// Free requests per month.
    pub requests: f64,
    /// Free GB-seconds per month.
    pub gb_s: f64,
    /// Free vCPU-seconds per month.
    pub vcpu_s: f64,
}

/// List prices of the services equivalent to the other node kinds, in the units the
/// engine's price table uses (see `Pricing`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServicePrices {
    /// Queue requests, $ per million.
    pub queue_per_million_requests: f64,
    /// Topic publishes, $ per million.
    pub topic_per_million_publishes: f64,
    /// Table writes, $ per million.
    pub table_per_million_writes: f64,
    /// Object writes, $ per thousand.
    pub bucket_per_thousand_puts: f64,
    /// Schedule invocations, $ per million.
    pub schedule_per_million: f64,
    /// REST-style API requests, $ per million.
    pub rest_api_per_million: f64,
    /// HTTP-style API requests, $ per million.
    pub http_api_per_million: f64,
}

/// Everything that differs between providers: names, limits, CPU, scaling, idle behaviour,
/// cold-start preset and prices.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// Which provider.
    pub provider: Provider,
    /// The function product's name.
    pub product: &'static str,
    /// What things are called there.
    pub names: ServiceNames,
    /// Allowed memory sizes, MB.
    pub memory: MemoryChoices,
    /// Memory a new function gets, MB.
    pub default_memory_mb: u32,
    /// CPU for memory.
    pub cpu: CpuModel,
    /// Longest timeout, ms; `None` when the provider sets no upper bound.
    pub max_timeout_ms: Option<u64>,
    /// Timeout a new function gets, ms.
    pub default_timeout_ms: u64,
    /// Most requests one instance may serve at once.
    pub max_concurrency: u32,
    /// Requests one instance serves at once unless configured.
    pub default_concurrency: u32,
    /// Most instances of one function (the provider's default ceiling).
    pub max_instances: u32,
    /// How fast instances are added.
    pub scale_out: ScaleOut,
    /// How long an idle instance is kept before it is reclaimed, ms.
    pub keep_alive_ms: u64,
    /// Whether `keep_alive_ms` is documented (false: observed or assumed).
    pub keep_alive_documented: bool,
    /// Cold-start preset (never documented by any of them: an observed typical value).
    pub cold_start: Distribution,
    /// Function prices (us-east-1 / Tier 1 / East US list prices).
    pub rates: FunctionRates,
    /// The monthly free grant.
    pub free: FreeGrant,
    /// The other services' prices.
    pub services: ServicePrices,
}

impl Profile {
    /// Whether `timeout_ms` is allowed.
    pub fn timeout_allowed(&self, timeout_ms: u64) -> bool {
        timeout_ms > 0 && self.max_timeout_ms.is_none_or(|max| timeout_ms <= max)
    }

    /// vCPUs of a function with `memory_mb`.
    pub fn vcpus(&self, memory_mb: u32) -> f64 {
        self.cpu.vcpus(memory_mb)
    }
}
