//! Axis text of the dashboard's plots: tick numbers with separators, latencies in ms or s,
//! and the 1-2-5 log marks of the latency histogram.

use crate::ui::shell::format::fmt_number;
use egui_plot::{GridInput, GridMark};

/// A tick's number with thousands separators and as many decimals as its spacing needs
/// ("9,000,000", "0.25").
pub fn tick_text(m: GridMark) -> String {
    if m.value == 0.0 {
        // Zero is a coarse mark of every spacing: "0", never "0.0".
        return "0".to_owned();
    }
    let step = m.step_size.abs();
    let decimals = if step >= 1.0 || step == 0.0 || !step.is_finite() {
        0
    } else {
        (-step.log10()).ceil().clamp(0.0, 9.0) as usize
    };
    fmt_number(m.value, decimals)
}

/// A latency in the unit that reads best, with at most one decimal ("80.9 ms", "1.2 s").
pub fn ms_text(ms: f64) -> String {
    if ms >= 1_000.0 {
        format!("{} s", fmt_number(ms / 1_000.0, 2))
    } else if ms >= 100.0 {
        format!("{} ms", fmt_number(ms, 0))
    } else {
        format!("{} ms", fmt_number(ms, 1))
    }
}

/// A latency axis tick at `ms` (a round 1, 2 or 5 × 10ⁿ): "500 µs", "2 ms", "1.5 s".
pub fn latency_tick(ms: f64) -> String {
    if ms >= 1_000.0 {
        let s = ms / 1_000.0;
        let text = fmt_number(s, if s < 10.0 { 1 } else { 0 });
        format!("{} s", text.strip_suffix(".0").unwrap_or(&text))
    } else if ms >= 1.0 {
        format!("{} ms", fmt_number(ms, 0))
    } else {
        format!("{} µs", fmt_number(ms * 1_000.0, 0))
    }
}

/// Least distance between grid lines of the histogram's axis, points (egui_plot hands the
/// grid spacer `base_step_size` = this many points in axis units).
pub(super) const HISTOGRAM_GRID_MIN: f32 = 8.0;
/// Room one latency tick label needs on the axis ("500 µs", "200 ms" and a margin), points.
pub const LATENCY_LABEL_WIDTH: f32 = 44.0;

/// Grid marks of a log10 axis at as many round latencies as fit their labels: 1, 2 and 5 ×
/// each power of ten when a decade is wide, 1 and 3 × when it is narrower, each decade, or
/// every few decades over very wide ranges, so any range has several labelled
/// ticks. Each mark's `step_size` is the distance to its nearest neighbour (egui_plot shows
/// a label only where it has that much room).
pub fn log_125_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || input.base_step_size <= 0.0 {
        return Vec::new();
    }
    let (first, last) = (lo.floor() as i64, hi.ceil() as i64);
    if last - first > 60 {
        return Vec::new();
    }
    let per_decade = f64::from(HISTOGRAM_GRID_MIN) / input.base_step_size;
    let room = |gap: f64| gap * per_decade >= f64::from(LATENCY_LABEL_WIDTH);
    let (mantissas, every): (&[f64], i64) = if room(2f64.log10()) {
        (&[1.0, 2.0, 5.0], 1)
    } else if room(3f64.log10()) {
        (&[1.0, 3.0], 1)
    } else {
        // Decades, or every so many decades that their labels have room.
        let every = (f64::from(LATENCY_LABEL_WIDTH) / per_decade)
            .ceil()
            .clamp(1.0, 60.0);
        (&[1.0], every as i64)
    };
    // The smallest gap between neighbouring marks of the pattern, in decades.
    let gap = if mantissas.len() == 1 {
        every as f64
    } else {
        mantissas
            .windows(2)
            .map(|w| w[1].log10() - w[0].log10())
            .chain(mantissas.last().map(|m| 1.0 - m.log10()))
            .fold(f64::INFINITY, f64::min)
    };
    let mut out = Vec::new();
    for k in (first..=last).filter(|k| k.rem_euclid(every) == 0) {
        for &m in mantissas {
            let value = k as f64 + m.log10();
            if (lo..=hi).contains(&value) {
                out.push(GridMark {
                    value,
                    step_size: gap,
                });
            }
        }
    }
    out
}
