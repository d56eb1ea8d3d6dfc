//! Schedule expressions between Eventloom and EventBridge: `rate(5 minutes)` ↔ a rate in
//! ms, and AWS's six-field cron (`cron(0 9 ? * 2-6 *)`: minutes, hours, day of month, month,
//! day of week 1–7 from Sunday, year; one of the two day fields is `?`) ↔ the model's five
//! fields (day of week 0–6 from Sunday).

use crate::model::{Cron, ScheduleTrigger};

const MINUTE_MS: u64 = 60_000;

/// The EventBridge expression closest to `trigger`. Exact for whole-minute rates and for
/// crons whose day-of-week field is `*`, a number, a range or a list; anything else is
/// rounded here (the exporter keeps the exact trigger in the metadata).
pub fn to_aws(trigger: &ScheduleTrigger) -> String {
    match trigger {
        ScheduleTrigger::Rate { every_ms } => {
            let minutes = (every_ms / MINUTE_MS).max(1);
            let (n, unit) = if minutes.is_multiple_of(1440) {
                (minutes / 1440, "day")
            } else if minutes.is_multiple_of(60) {
                (minutes / 60, "hour")
            } else {
                (minutes, "minute")
            };
            let plural = if n == 1 { "" } else { "s" };
            format!("rate({n} {unit}{plural})")
        }
        ScheduleTrigger::Cron { expression } => {
            let f: Vec<&str> = expression.split_whitespace().collect();
            let [min, hour, dom, month, dow] = f.as_slice() else {
                return "rate(1 minute)".to_owned();
            };
            let (min, hour) = (zero_step(min), zero_step(hour));
            let dow_aws = map_weekdays(dow, |d| (d % 7) + 1);
            let (dom, dow) = match (*dom, dow_aws) {
                (_, Some(d)) if d == "*" => (dom.to_string(), "?".to_owned()),
                ("*", Some(d)) => ("?".to_owned(), d),
                (dom, _) => (dom.to_string(), "?".to_owned()),
            };
            format!("cron({min} {hour} {dom} {month} {dow} *)")
        }
    }
}

/// The trigger an EventBridge schedule expression means, or `None` when the model cannot
/// express it (`L`, `W`, `#`, a year other than `*`, `at(…)`).
pub fn from_aws(expr: &str) -> Option<ScheduleTrigger> {
    let expr = expr.trim();
    if let Some(inner) = expr.strip_prefix("rate(").and_then(|s| s.strip_suffix(')')) {
        let (n, unit) = inner.trim().split_once(' ')?;
        let n: u64 = n.parse().ok()?;
        let unit_ms = match unit.trim().trim_end_matches('s') {
            "minute" => MINUTE_MS,
            "hour" => 60 * MINUTE_MS,
            "day" => 1440 * MINUTE_MS,
            _ => return None,
        };
        return (n > 0).then(|| ScheduleTrigger::Rate {
            every_ms: n.saturating_mul(unit_ms),
        });
    }
    let inner = expr.strip_prefix("cron(")?.strip_suffix(')')?;
    let f: Vec<&str> = inner.split_whitespace().collect();
    let [min, hour, dom, month, dow, year] = f.as_slice() else {
        return None;
    };
    if *year != "*" {
        return None;
    }
    let star = |s: &str| {
        if s == "?" {
            "*".to_owned()
        } else {
            s.to_owned()
        }
    };
    let dow = map_weekdays(&star(dow), |d| if d == 0 { 0 } else { d - 1 })?;
    let expression = format!(
        "{} {} {} {} {dow}",
        star_step(min),
        star_step(hour),
        star(dom),
        star(month)
    );
    Cron::parse(&expression).ok()?;
    Some(ScheduleTrigger::Cron { expression })
}

/// `*/5` → `0/5` (EventBridge writes a start value).
fn zero_step(f: &str) -> String {
    f.strip_prefix("*/")
        .map_or_else(|| f.to_owned(), |n| format!("0/{n}"))
}

/// `0/5` → `*/5`.
fn star_step(f: &str) -> String {
    f.strip_prefix("0/")
        .map_or_else(|| f.to_owned(), |n| format!("*/{n}"))
}

/// Renumbers the days of a day-of-week field (names become numbers); `None` for a field
/// with steps or AWS-only characters.
fn map_weekdays(field: &str, f: impl Fn(u32) -> u32) -> Option<String> {
    if field == "*" {
        return Some("*".to_owned());
    }
    const NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let day = |s: &str| -> Option<u32> {
        let upper = s.to_ascii_uppercase();
        match NAMES.iter().position(|n| *n == upper) {
            // Names are AWS's numbering (SUN = 1) when read, and written as numbers.
            Some(i) => Some(f(i as u32 + 1)),
            None => s.parse::<u32>().ok().filter(|d| *d <= 7).map(&f),
        }
    };
    let mut parts = Vec::new();
    for item in field.split(',') {
        match item.split_once('-') {
            Some((a, b)) => parts.push(format!("{}-{}", day(a)?, day(b)?)),
            None => parts.push(day(item)?.to_string()),
        }
    }
    Some(parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_crons_both_ways() {
        let rate = |ms| ScheduleTrigger::Rate { every_ms: ms };
        let cron = |e: &str| ScheduleTrigger::Cron {
            expression: e.to_owned(),
        };
        for t in [
            rate(60_000),
            rate(300_000),
            rate(7_200_000),
            rate(86_400_000),
            cron("*/5 * * * *"),
            cron("0 9 * * 1-5"),
            cron("30 2 1 * *"),
            cron("0 0 * * 0,6"),
        ] {
            let aws = to_aws(&t);
            assert_eq!(from_aws(&aws), Some(t.clone()), "{aws}");
        }
        assert_eq!(to_aws(&rate(60_000)), "rate(1 minute)");
        assert_eq!(to_aws(&cron("0 9 * * 1-5")), "cron(0 9 ? * 2-6 *)");
        assert_eq!(
            from_aws("cron(0 12 ? * MON-FRI *)"),
            Some(cron("0 12 * * 1-5"))
        );
        assert_eq!(from_aws("cron(0 12 L * ? *)"), None);
        assert_eq!(from_aws("rate(0 minutes)"), None);
    }
}
