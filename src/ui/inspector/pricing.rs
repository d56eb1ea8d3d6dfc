//! The project's price table and the always-on server alternative the run compares with:
//! every price (AWS us-east-1 list prices by default), the free tier option and how the
//! servers are sized.

use super::fields::{check, grid, num};
use crate::model::{Pricing, Provider};
use crate::ui::shell::format::fmt_count;
use egui::{DragValue, Ui};

/// Largest price the fields offer, $ (any price ≥ 0 is valid; this only bounds a drag).
const MAX_PRICE: f64 = 1e9;

/// A price in dollars with as many decimals as AWS's per-GB-second prices need.
fn price(ui: &mut Ui, label: &str, tip: &str, value: &mut f64) {
    let l = ui.label(label).on_hover_text(tip);
    let speed = (value.abs() * 0.01).max(1e-10);
    ui.add(
        DragValue::new(value)
            .range(0.0..=MAX_PRICE)
            .clamp_existing_to_range(false)
            .prefix("$")
            .min_decimals(2)
            .max_decimals(10)
            .speed(speed),
    )
    .labelled_by(l.id)
    .on_hover_text(tip);
    ui.end_row();
}

/// Every field of `p`: prices, billing granularity, the free tier and the server
/// alternative.
pub(super) fn pricing_ui(ui: &mut Ui, p: &mut Pricing) {
    grid(ui, "pricing-grid", |ui| {
        let prices: [(&str, &str, &mut f64); 17] = [
            (
                "Function requests",
                "Lambda requests, $ per million",
                &mut p.function_per_million_requests,
            ),
            (
                "Duration x86_64",
                "Lambda duration on x86_64, $ per GB-second",
                &mut p.function_per_gb_s_x86,
            ),
            (
                "Duration arm64",
                "Lambda duration on arm64, $ per GB-second",
                &mut p.function_per_gb_s_arm,
            ),
            (
                "Function CPU",
                "Function CPU, $ per vCPU-second of execution (Cloud Run functions bill CPU \
                 apart from memory); 0 where CPU is included in the GB-second price (Lambda, \
                 Azure)",
                &mut p.function_per_vcpu_s,
            ),
            (
                "Warm instance CPU",
                "Instances kept warm while idle (Cloud Run functions' minimum instances), $ per \
                 vCPU-second; 0 where warm instances are billed by GB-second only",
                &mut p.provisioned_per_vcpu_s,
            ),
            (
                "Provisioned x86_64",
                "Provisioned concurrency kept warm on x86_64, $ per GB-second (billed all the \
                 time, in blocks of 5 minutes)",
                &mut p.provisioned_per_gb_s,
            ),
            (
                "Provisioned duration x86_64",
                "Duration on provisioned x86_64 environments, $ per GB-second",
                &mut p.provisioned_duration_per_gb_s,
            ),
            (
                "Provisioned arm64",
                "Provisioned concurrency kept warm on arm64, $ per GB-second",
                &mut p.provisioned_per_gb_s_arm,
            ),
            (
                "Provisioned duration arm64",
                "Duration on provisioned arm64 environments, $ per GB-second",
                &mut p.provisioned_duration_per_gb_s_arm,
            ),
            (
                "REST API requests",
                "API Gateway REST API requests, $ per million",
                &mut p.rest_api_per_million,
            ),
            (
                "HTTP API requests",
                "API Gateway HTTP API requests, $ per million",
                &mut p.http_api_per_million,
            ),
            (
                "Queue requests",
                "SQS standard queue requests (send, receive, delete), $ per million",
                &mut p.queue_per_million_requests,
            ),
            (
                "FIFO queue requests",
                "SQS FIFO queue requests (send, receive, delete), $ per million",
                &mut p.queue_fifo_per_million_requests,
            ),
            (
                "Topic publishes",
                "SNS publishes, $ per million",
                &mut p.topic_per_million_publishes,
            ),
            (
                "Table writes",
                "DynamoDB write request units, $ per million",
                &mut p.table_per_million_writes,
            ),
            (
                "Bucket PUTs",
                "S3 PUT requests, $ per thousand",
                &mut p.bucket_per_thousand_puts,
            ),
            (
                "Schedule invocations",
                "EventBridge Scheduler invocations, $ per million",
                &mut p.schedule_per_million,
            ),
        ];
        for (label, tip, value) in prices {
            price(ui, label, tip, value);
        }
        num(
            ui,
            "Billing granularity",
            "Lambda duration is rounded up to a multiple of this (1 ms since 2020)",
            &mut p.billing_granularity_ms,
            1..=3_600_000,
            " ms",
            1.0,
        );
        num(
            ui,
            "Minimum billed time",
            "Shortest execution billed, ms (Azure Functions: 100 ms on Consumption, 1,000 ms on \
             Flex Consumption); 0: none (Lambda, Cloud Run functions)",
            &mut p.function_min_billed_ms,
            Pricing::FUNCTION_MIN_BILLED_MS,
            " ms",
            1.0,
        );
        num(
            ui,
            "Memory billing step",
            "Billed memory is rounded up to a multiple of this, MB (Azure Consumption: 128); 1: \
             billed as configured",
            &mut p.function_memory_step_mb,
            Pricing::FUNCTION_MEMORY_STEP_MB,
            " MB",
            1.0,
        );
        check(ui, "Free tier", &free_tier_tip(), &mut p.free_tier);
    });
    servers_ui(ui, p);
}

/// What the free tier takes off, with each provider's grant from its profile.
fn free_tier_tip() -> String {
    let grants: Vec<String> = Provider::ALL
        .iter()
        .map(|&provider| {
            let g = provider.profile().free;
            let mut s = format!(
                "{}: {} requests, {} GB-s",
                provider.title(),
                fmt_count(g.requests as u64),
                fmt_count(g.gb_s as u64)
            );
            if g.vcpu_s > 0.0 {
                s.push_str(&format!(", {} vCPU-s", fmt_count(g.vcpu_s as u64)));
            }
            s
        })
        .collect();
    format!(
        "Take the project provider's always-free monthly function grant off the functions on \
         that provider, spread over a 30-day month ({}); on AWS also SQS's 1 M requests and \
         SNS's 1 M publishes. A function on another provider, or with provisioned \
         concurrency, is billed in full. Off by default: a design is usually one of many in \
         an account",
        grants.join("; ")
    )
}

/// The always-on server alternative the run summary compares the serverless cost with.
fn servers_ui(ui: &mut Ui, p: &mut Pricing) {
    ui.add_space(4.0);
    ui.strong("Always-on servers")
        .on_hover_text("The alternative the run summary compares the serverless cost with");
    grid(ui, "server-grid", |ui| {
        let l = ui
            .label("Server instance")
            .on_hover_text("The instance type's name, shown in the comparison");
        ui.add(egui::TextEdit::singleline(&mut p.server_instance).desired_width(120.0))
            .labelled_by(l.id);
        ui.end_row();
        price(
            ui,
            "Server per hour",
            "One server on demand, $ per hour (m5.large: $0.096)",
            &mut p.server_per_hour,
        );
        num(
            ui,
            "Server vCPUs",
            "vCPUs of one server (m5.large: 2)",
            &mut p.server_vcpus,
            Pricing::SERVER_VCPUS,
            "",
            0.1,
        );
        num(
            ui,
            "Target utilisation",
            "Share of its vCPUs a server may be busy at the peak (0.05–1): servers needed = \
             ⌈peak vCPUs ÷ (vCPUs × this)⌉, the peak being the busiest second of the cost \
             window (busy environments × memory ÷ 1,769 MB)",
            &mut p.server_target_utilisation,
            Pricing::SERVER_TARGET_UTILISATION,
            "",
            0.01,
        );
        num(
            ui,
            "Minimum servers",
            "Fewest servers the alternative runs however light the load (2 for redundancy)",
            &mut p.server_count,
            0..=u32::MAX,
            "",
            0.1,
        );
    });
}
