//! Resource properties read into node parameters at their platform values.

use super::*;

pub(super) fn function_params(p: &Value) -> FunctionParams {
    let mut f = FunctionParams::default();
    if let Some(m) = u32_of(p.get("MemorySize")) {
        f.memory_mb = m;
    }
    if let Some(ms) = secs_ms(p.get("Timeout")) {
        f.timeout_ms = ms;
    }
    if items(p.get("Architectures"))
        .iter()
        .any(|a| a.as_str() == Some("arm64"))
    {
        f.arch = Arch::Arm64;
    }
    f.reserved_concurrency = u32_of(p.get("ReservedConcurrentExecutions"));
    if let Some(n) = u32_of(
        p.get("ProvisionedConcurrencyConfig")
            .and_then(|c| c.get("ProvisionedConcurrentExecutions")),
    ) {
        f.provisioned_concurrency = n;
    }
    f
}

pub(super) fn queue_params(p: &Value) -> QueueParams {
    let mut q = QueueParams::default();
    if let Some(ms) = secs_ms(p.get("VisibilityTimeout")) {
        q.visibility_timeout_ms = ms;
    }
    if let Some(ms) = secs_ms(p.get("MessageRetentionPeriod")) {
        q.retention_ms = ms;
    }
    if let Some(ms) = secs_ms(p.get("DelaySeconds")) {
        q.delivery_delay_ms = ms;
    }
    q.fifo = p.get("FifoQueue").and_then(Value::as_bool).unwrap_or(false);
    q.max_receive_count = u32_of(
        p.get("RedrivePolicy")
            .and_then(|r| r.get("maxReceiveCount")),
    );
    q
}

pub(super) fn api_params(p: &Value, flavor: ApiFlavor) -> HttpApiParams {
    let mut a = HttpApiParams {
        flavor,
        ..HttpApiParams::default()
    };
    let throttle = match flavor {
        ApiFlavor::Rest => items(p.get("MethodSettings")).into_iter().find(|m| {
            m.get("ThrottlingRateLimit").is_some() || m.get("ThrottlingBurstLimit").is_some()
        }),
        ApiFlavor::Http => p.get("DefaultRouteSettings"),
    };
    if let Some(t) = throttle {
        if let Some(r) = t.get("ThrottlingRateLimit").and_then(Value::as_f64) {
            a.rate_limit_rps = r;
        }
        if let Some(b) = u32_of(t.get("ThrottlingBurstLimit")) {
            a.burst = b;
        }
    }
    a
}

pub(super) fn mapping(p: &Value, default_batch: u32) -> EventSourceMapping {
    EventSourceMapping {
        batch_size: u32_of(p.get("BatchSize")).unwrap_or(default_batch),
        batch_window_ms: secs_ms(p.get("MaximumBatchingWindowInSeconds")).unwrap_or(0),
        max_concurrency: u32_of(
            p.get("ScalingConfig")
                .and_then(|s| s.get("MaximumConcurrency")),
        ),
        report_batch_item_failures: items(p.get("FunctionResponseTypes"))
            .iter()
            .any(|t| t.as_str() == Some("ReportBatchItemFailures")),
        parallelization_factor: u32_of(p.get("ParallelizationFactor")).unwrap_or(1),
        bisect_batch_on_error: p
            .get("BisectBatchOnFunctionError")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        // AWS writes -1 for "no limit"; u32_of reads no negative number.
        maximum_retry_attempts: u32_of(p.get("MaximumRetryAttempts")),
        maximum_record_age_ms: secs_ms(p.get("MaximumRecordAgeInSeconds")),
    }
}

/// An SNS filter policy's exact-match values (`{"type": ["a", "b"]}`); other operators
/// (prefix, numeric, anything-but) are not modelled and left out.
pub(super) fn filter_policy(v: Option<&Value>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Some(m) = v.and_then(Value::as_map) else {
        return out;
    };
    for (k, allowed) in m.iter() {
        let values: Vec<String> = items(Some(allowed))
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if !values.is_empty() {
            out.insert(k.to_owned(), values);
        }
    }
    out
}
