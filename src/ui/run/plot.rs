//! What the run plots share: thinning a long series to what a small plot can show.

use egui_plot::PlotPoint;

/// Most points a plotted line keeps: a series holds up to 2,048, more than a small plot has
/// pixels, and tessellating them all cost several ms a frame.
pub const MAX_LINE_POINTS: usize = 200;

/// At most about `max` points of `points` (x ascending): each bucket of neighbours keeps its
/// lowest and highest point, in order, so spikes survive.
pub fn decimate(points: &[[f64; 2]], max: usize) -> Vec<PlotPoint> {
    let max = max.max(2);
    if points.len() <= max {
        return points.iter().map(|&p| p.into()).collect();
    }
    let bucket = points.len().div_ceil(max / 2);
    let mut out = Vec::with_capacity(max + 2);
    for chunk in points.chunks(bucket) {
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in chunk.iter().enumerate() {
            if p[1] < chunk[lo][1] {
                lo = i;
            }
            if p[1] > chunk[hi][1] {
                hi = i;
            }
        }
        let (a, b) = (lo.min(hi), lo.max(hi));
        out.push(chunk[a].into());
        if b != a {
            out.push(chunk[b].into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimation_keeps_extremes_in_order() {
        let pts: Vec<[f64; 2]> = (0..2_048).map(|i| [i as f64, (i % 100) as f64]).collect();
        let d = decimate(&pts, MAX_LINE_POINTS);
        assert!(d.len() <= MAX_LINE_POINTS + 2, "{}", d.len());
        assert!(d.windows(2).all(|w| w[0].x < w[1].x));
        assert_eq!(d.iter().map(|p| p.y).fold(f64::MIN, f64::max), 99.0);
        assert_eq!(d.iter().map(|p| p.y).fold(f64::MAX, f64::min), 0.0);
        let few = decimate(&pts[..10], MAX_LINE_POINTS);
        assert_eq!(few.len(), 10);
        assert!(decimate(&[], 0).is_empty());
        let spike: Vec<[f64; 2]> = (0..1_000)
            .map(|i| [i as f64, if i == 777 { 1e9 } else { 1.0 }])
            .collect();
        assert!(decimate(&spike, 10).iter().any(|p| p.y == 1e9));
    }
}
