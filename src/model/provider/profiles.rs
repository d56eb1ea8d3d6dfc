//! The four provider profiles as data: every limit, rate and price with its source in
//! docs/providers.md.

use super::*;
use crate::model::distribution::Distribution;

/// AWS Lambda (us-east-1). Sources: docs/providers.md § AWS.
pub(super) static AWS: Profile = Profile {
    provider: Provider::Aws,
    product: "AWS Lambda",
    names: ServiceNames {
        function: "Lambda function",
        api: "API Gateway",
        schedule: "EventBridge Scheduler",
        queue: "SQS queue",
        topic: "SNS topic",
        bucket: "S3 bucket",
        table: "DynamoDB table",
        warm_instances: "provisioned concurrency",
        instance: "execution environment",
    },
    memory: MemoryChoices::Range {
        min_mb: 128,
        max_mb: 10_240,
        step_mb: 1,
    },
    default_memory_mb: 128,
    cpu: CpuModel::Proportional {
        mb_per_vcpu: 1_769.0,
        max_vcpus: 6.0,
    },
    max_timeout_ms: Some(900_000),
    default_timeout_ms: 3_000,
    max_concurrency: 1,
    default_concurrency: 1,
    max_instances: 1_000,
    scale_out: ScaleOut {
        burst: 1_000,
        per_step: 1_000,
        step_ms: 10_000,
        documented: true,
    },
    keep_alive_ms: 600_000,
    keep_alive_documented: false,
    cold_start: Distribution::LogNormal {
        median_ms: 250.0,
        sigma: 0.3,
    },
    rates: FunctionRates {
        per_million_requests: 0.20,
        per_gb_s: 0.000_016_666_7,
        per_gb_s_arm: 0.000_013_333_4,
        per_vcpu_s: 0.0,
        granularity_ms: 1,
        min_billed_ms: 0,
        memory_step_mb: 1,
        per_instance: false,
        warm_per_gb_s: 0.000_004_166_7,
        warm_per_vcpu_s: 0.0,
        warm_execution_per_gb_s: 0.000_009_722_2,
    },
    free: FreeGrant {
        requests: 1_000_000.0,
        gb_s: 400_000.0,
        vcpu_s: 0.0,
    },
    services: ServicePrices {
        queue_per_million_requests: 0.40,
        topic_per_million_publishes: 0.50,
        table_per_million_writes: 0.625,
        bucket_per_thousand_puts: 0.005,
        schedule_per_million: 1.00,
        rest_api_per_million: 3.50,
        http_api_per_million: 1.00,
    },
};

/// Google Cloud Run functions (Tier 1 regions, request-based billing). Sources:
/// docs/providers.md § Google Cloud.
pub(super) static GCP: Profile = Profile {
    provider: Provider::Gcp,
    product: "Google Cloud Run functions",
    names: ServiceNames {
        function: "Cloud Run function",
        api: "HTTPS endpoint",
        schedule: "Cloud Scheduler job",
        queue: "Pub/Sub pull subscription",
        topic: "Pub/Sub topic",
        bucket: "Cloud Storage bucket",
        table: "Firestore collection",
        warm_instances: "minimum instances",
        instance: "instance",
    },
    memory: MemoryChoices::List(&[128, 256, 512, 1_024, 2_048, 4_096, 8_192, 16_384, 32_768]),
    default_memory_mb: 256,
    cpu: CpuModel::Tiers(&[
        (128, 0.083),
        (256, 0.167),
        (512, 0.333),
        (1_024, 0.583),
        (2_048, 1.0),
        (4_096, 2.0),
        (8_192, 2.0),
        (16_384, 4.0),
        (32_768, 8.0),
    ]),
    max_timeout_ms: Some(3_600_000),
    default_timeout_ms: 60_000,
    max_concurrency: 1_000,
    default_concurrency: 1,
    max_instances: 100,
    scale_out: ScaleOut {
        burst: 1_000,
        per_step: 1_000,
        step_ms: 10_000,
        documented: false,
    },
    keep_alive_ms: 900_000,
    keep_alive_documented: false,
    cold_start: Distribution::LogNormal {
        median_ms: 500.0,
        sigma: 0.4,
    },
    rates: FunctionRates {
        per_million_requests: 0.40,
        per_gb_s: 0.000_002_5,
        per_gb_s_arm: 0.000_002_5,
        per_vcpu_s: 0.000_024,
        granularity_ms: 100,
        min_billed_ms: 0,
        memory_step_mb: 1,
        per_instance: true,
        warm_per_gb_s: 0.000_002_5,
        warm_per_vcpu_s: 0.000_002_5,
        warm_execution_per_gb_s: 0.000_002_5,
    },
    free: FreeGrant {
        requests: 2_000_000.0,
        gb_s: 360_000.0,
        vcpu_s: 180_000.0,
    },
    services: ServicePrices {
        // Pub/Sub: $40 per TiB, at least 1,000 bytes per publish or pull request.
        queue_per_million_requests: 0.036_4,
        topic_per_million_publishes: 0.036_4,
        table_per_million_writes: 1.80,
        bucket_per_thousand_puts: 0.005,
        schedule_per_million: 0.0,
        rest_api_per_million: 0.0,
        http_api_per_million: 0.0,
    },
};

/// What both Azure plans call things.
const AZURE_NAMES: ServiceNames = ServiceNames {
    function: "Azure Function",
    api: "HTTP trigger",
    schedule: "Timer trigger",
    queue: "Queue Storage queue",
    topic: "Event Grid topic",
    bucket: "Blob Storage container",
    table: "Table Storage table",
    warm_instances: "always ready instances",
    instance: "instance",
};

/// The other services on Azure (the same for both plans).
const AZURE_SERVICES: ServicePrices = ServicePrices {
    queue_per_million_requests: 0.40,
    topic_per_million_publishes: 0.60,
    table_per_million_writes: 0.36,
    bucket_per_thousand_puts: 0.0065,
    schedule_per_million: 0.0,
    rest_api_per_million: 0.0,
    http_api_per_million: 0.0,
};

/// Azure Functions Flex Consumption (East US). Sources: docs/providers.md § Azure.
pub(super) static AZURE_FLEX: Profile = Profile {
    provider: Provider::AzureFlex,
    product: "Azure Functions Flex Consumption",
    names: AZURE_NAMES,
    memory: MemoryChoices::List(&[512, 2_048, 4_096]),
    default_memory_mb: 2_048,
    cpu: CpuModel::Proportional {
        mb_per_vcpu: 2_048.0,
        max_vcpus: 2.0,
    },
    max_timeout_ms: None,
    default_timeout_ms: 1_800_000,
    max_concurrency: 1_000,
    default_concurrency: 16,
    max_instances: 1_000,
    scale_out: ScaleOut {
        burst: 1_000,
        per_step: 1_000,
        step_ms: 10_000,
        documented: false,
    },
    keep_alive_ms: 600_000,
    keep_alive_documented: false,
    cold_start: Distribution::LogNormal {
        median_ms: 800.0,
        sigma: 0.4,
    },
    rates: FunctionRates {
        per_million_requests: 0.40,
        per_gb_s: 0.000_026,
        per_gb_s_arm: 0.000_026,
        per_vcpu_s: 0.0,
        granularity_ms: 100,
        min_billed_ms: 1_000,
        memory_step_mb: 1,
        per_instance: true,
        warm_per_gb_s: 0.000_004,
        warm_per_vcpu_s: 0.0,
        warm_execution_per_gb_s: 0.000_016,
    },
    free: FreeGrant {
        requests: 250_000.0,
        gb_s: 100_000.0,
        vcpu_s: 0.0,
    },
    services: AZURE_SERVICES,
};

/// Azure Functions Consumption plan (East US). Sources: docs/providers.md § Azure.
pub(super) static AZURE_CONSUMPTION: Profile = Profile {
    provider: Provider::AzureConsumption,
    product: "Azure Functions Consumption plan",
    names: AZURE_NAMES,
    memory: MemoryChoices::Range {
        min_mb: 128,
        max_mb: 1_536,
        step_mb: 1,
    },
    default_memory_mb: 128,
    cpu: CpuModel::Tiers(&[(128, 1.0)]),
    max_timeout_ms: Some(600_000),
    default_timeout_ms: 300_000,
    max_concurrency: 1_000,
    default_concurrency: 100,
    max_instances: 200,
    scale_out: ScaleOut {
        burst: 1,
        per_step: 1,
        step_ms: 1_000,
        documented: true,
    },
    keep_alive_ms: 1_200_000,
    keep_alive_documented: false,
    cold_start: Distribution::LogNormal {
        median_ms: 2_000.0,
        sigma: 0.5,
    },
    rates: FunctionRates {
        per_million_requests: 0.20,
        per_gb_s: 0.000_016,
        per_gb_s_arm: 0.000_016,
        per_vcpu_s: 0.0,
        granularity_ms: 1,
        min_billed_ms: 100,
        memory_step_mb: 128,
        per_instance: true,
        warm_per_gb_s: 0.0,
        warm_per_vcpu_s: 0.0,
        warm_execution_per_gb_s: 0.0,
    },
    free: FreeGrant {
        requests: 1_000_000.0,
        gb_s: 400_000.0,
        vcpu_s: 0.0,
    },
    services: AZURE_SERVICES,
};
