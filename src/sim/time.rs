//! Virtual time: integer microseconds since the start of a run. No wall clock here.

/// A point in virtual time, µs since the run started.
pub type Time = u64;

/// µs in a millisecond.
pub const MS: Time = 1_000;
/// µs in a second.
pub const SEC: Time = 1_000_000;

/// Milliseconds (as in the model) to virtual time, saturating.
pub fn from_ms(ms: u64) -> Time {
    ms.saturating_mul(MS)
}

/// Fractional milliseconds to virtual time, rounded to the nearest µs; negative and NaN give 0.
pub fn from_ms_f64(ms: f64) -> Time {
    if ms.is_nan() || ms <= 0.0 {
        0
    } else {
        (ms * MS as f64).round().min(u64::MAX as f64 / 2.0) as Time
    }
}

/// Virtual time as fractional milliseconds.
pub fn to_ms_f64(t: Time) -> f64 {
    t as f64 / MS as f64
}

/// How fast a paced run goes against wall time (the engine itself has no clock: the host
/// and `eventloom run --speed` pace it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// This many virtual seconds per wall second.
    Times(f64),
    /// As fast as the engine can go.
    Max,
}

impl Speed {
    /// Short label, e.g. "10×", "0.5×" or "max".
    pub fn label(self) -> String {
        match self {
            Speed::Times(x) if x < 1.0 => format!("{x:.1}×"),
            Speed::Times(x) => format!("{x:.0}×"),
            Speed::Max => "max".to_owned(),
        }
    }
}

/// Formats a time as `1h02m03.456s` for logs and summaries.
pub fn format(t: Time) -> String {
    let ms_total = t / MS;
    let (h, rem) = (ms_total / 3_600_000, ms_total % 3_600_000);
    let (m, rem) = (rem / 60_000, rem % 60_000);
    let (s, ms) = (rem / 1000, rem % 1000);
    if h > 0 {
        format!("{h}h{m:02}m{s:02}.{ms:03}s")
    } else if m > 0 {
        format!("{m}m{s:02}.{ms:03}s")
    } else {
        format!("{s}.{ms:03}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(from_ms(3), 3_000);
        assert_eq!(from_ms_f64(1.5), 1_500);
        assert_eq!(from_ms_f64(f64::NAN), 0);
        assert_eq!(from_ms_f64(-4.0), 0);
        assert_eq!(format(3_723_456_000), "1h02m03.456s");
        assert_eq!(format(1_500_000), "1.500s");
    }
}
