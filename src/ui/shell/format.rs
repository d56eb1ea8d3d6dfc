//! How the editor writes numbers, times and money: one place, so every panel reads alike.

use crate::sim::{MS, SEC, Time};

/// Virtual time as seconds with milliseconds ("12.345 s").
pub fn fmt_time(t: Time) -> String {
    format!("{}.{:03} s", t / SEC, (t % SEC) / 1_000)
}

/// A duration in µs, in the unit that reads best ("850 µs", "12.3 ms", "4.20 s").
pub fn fmt_duration(us: Time) -> String {
    if us < 1_000 {
        format!("{us} µs")
    } else if us < 100_000 {
        format!("{:.1} ms", us as f64 / 1e3)
    } else if us < 100 * SEC {
        format!("{:.2} s", us as f64 / 1e6)
    } else {
        format!("{:.0} s", us as f64 / 1e6)
    }
}

/// A count with thousands separators ("1,234,567").
pub fn fmt_count(n: u64) -> String {
    crate::model::describe::group_digits(n)
}

/// Dollars with as many decimals as a small amount needs ("$0.000042", "$3.14", "$1.25 M").
pub fn fmt_usd(v: f64) -> String {
    if !v.is_finite() {
        return "—".to_owned();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    if a >= 1e9 {
        format!("{sign}${:.2} bn", a / 1e9)
    } else if a >= 1e6 {
        format!("{sign}${:.2} M", a / 1e6)
    } else if a >= 1.0 || a == 0.0 {
        format!("{sign}${a:.2}")
    } else if a >= 0.01 {
        format!("{sign}${a:.4}")
    } else {
        format!("{sign}${a:.6}")
    }
}

pub use crate::model::describe::human_ms;

/// A share 0–1 as a percentage that never claims more precision than it has, and never
/// rounds a small share to nothing ("0.4 %", "12 %", "100 %"; "<0.1 %" for a tiny one).
pub fn fmt_percent(share: f64) -> String {
    let pct = share.clamp(0.0, 1.0) * 100.0;
    if !pct.is_finite() || pct == 0.0 {
        "0 %".to_owned()
    } else if pct < 0.1 {
        "<0.1 %".to_owned()
    } else if pct < 10.0 {
        format!("{pct:.1} %")
    } else {
        format!("{pct:.0} %")
    }
}

/// A count with its noun, singular or plural ("1 node", "2 spans", "1,024 lines"); `noun`
/// is the singular and takes an "s".
pub fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", fmt_count(n))
    }
}

/// A number with thousands separators and at most `decimals` decimals ("80.9", "9,000,000").
pub fn fmt_number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_owned();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let text = format!("{:.*}", decimals, v.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let whole = whole
        .parse::<u64>()
        .map_or_else(|_| whole.to_owned(), fmt_count);
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

/// Virtual time as h:mm:ss.mmm.
pub fn clock(t: Time) -> String {
    let ms = t / MS;
    format!(
        "{}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1_000 % 60,
        ms % 1_000
    )
}

/// A short duration, e.g. "850 ms", "1.2 s", "3 min 5 s".
pub fn short_duration(t: Time) -> String {
    let s = t as f64 / SEC as f64;
    if s < 1.0 {
        format!("{:.0} ms", s * 1_000.0)
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else {
        format!("{} min {} s", (s / 60.0) as u64, (s % 60.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(fmt_count(0), "0");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(1_000), "1,000");
        assert_eq!(fmt_count(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(fmt_usd(0.0), "$0.00");
        assert_eq!(fmt_usd(0.000042), "$0.000042");
        assert_eq!(fmt_usd(0.05), "$0.0500");
        assert_eq!(fmt_usd(-3.004), "-$3.00");
        assert_eq!(fmt_usd(2.5e6), "$2.50 M");
        assert_eq!(fmt_usd(f64::INFINITY), "—");
        assert_eq!(fmt_usd(f64::NAN), "—");
        assert_eq!(fmt_time(12_345_678), "12.345 s");
        assert_eq!(fmt_duration(850), "850 µs");
        assert_eq!(fmt_duration(12_345), "12.3 ms");
        assert_eq!(fmt_duration(4_200_000), "4.20 s");
        assert_eq!(fmt_duration(u64::MAX), "18446744073710 s");
        assert_eq!(fmt_percent(0.0), "0 %");
        assert_eq!(fmt_percent(0.0004), "<0.1 %");
        assert_eq!(fmt_percent(0.034), "3.4 %");
        assert_eq!(fmt_percent(0.68), "68 %");
        assert_eq!(fmt_percent(3.0), "100 %", "a share is never above 100 %");
        assert_eq!(fmt_percent(f64::NAN), "0 %");
        assert_eq!(plural(1, "node"), "1 node");
        assert_eq!(plural(0, "span"), "0 spans");
        assert_eq!(plural(1_500, "line"), "1,500 lines");
        assert_eq!(fmt_number(80.895, 1), "80.9");
        assert_eq!(fmt_number(9_000_000.0, 0), "9,000,000");
        assert_eq!(fmt_number(-1_234.5, 1), "-1,234.5");
        assert_eq!(fmt_number(f64::INFINITY, 0), "—");
    }
}
