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
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
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

/// A duration in the largest unit that keeps it exact enough to read ("30 s", "4 d").
pub fn human_ms(ms: u64) -> String {
    const UNITS: [(u64, &str); 5] = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "min"),
        (1_000, "s"),
        (1, "ms"),
    ];
    for (size, unit) in UNITS {
        if ms >= size && ms % size == 0 {
            return format!("{} {unit}", ms / size);
        }
    }
    if ms >= 1_000 {
        format!("{:.1} s", ms as f64 / 1_000.0)
    } else {
        format!("{ms} ms")
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
    }
}
