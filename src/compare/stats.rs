//! Replication statistics: the mean of a metric over independent seeds and its 95 %
//! confidence interval from Student's t distribution (n − 1 degrees of freedom).

use serde::Serialize;

/// Two-sided 95 % quantiles of Student's t, t(0.975, df), for df = 1 … 30.
const T975: [f64; 30] = [
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
    2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687,
    2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/// The standard normal's 97.5 % quantile.
const Z975: f64 = 1.959_963_984_540_054;

/// t(0.975, df): the table up to 30 degrees of freedom, then the Cornish–Fisher expansion
/// around the normal quantile (within 1e-4 of the exact value from df = 30 on).
pub fn t975(df: u64) -> f64 {
    match usize::try_from(df) {
        Ok(0) => f64::INFINITY,
        Ok(d) if d <= T975.len() => T975[d - 1],
        Ok(_) | Err(_) => {
            let v = df as f64;
            let z = Z975;
            let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
            z + (z3 + z) / (4.0 * v)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v * v * v)
        }
    }
}

/// A metric over replications: mean, spread and 95 % confidence interval of the mean.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Replications.
    pub n: u64,
    /// Sample mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1 in the denominator; 0 for one sample).
    pub std_dev: f64,
    /// Half-width of the 95 % confidence interval of the mean (t × s / √n); `None` with
    /// fewer than two samples, where no interval can be given.
    pub ci95: Option<f64>,
}

impl Summary {
    /// Summarises `samples` (non-finite samples are left out; an empty set has mean 0).
    pub fn of(samples: &[f64]) -> Summary {
        let finite: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
        let n = finite.len() as u64;
        if n == 0 {
            return Summary {
                n,
                mean: 0.0,
                std_dev: 0.0,
                ci95: None,
            };
        }
        let mean = finite.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Summary {
                n,
                mean,
                std_dev: 0.0,
                ci95: None,
            };
        }
        let var = finite.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        let std_dev = var.sqrt();
        Summary {
            n,
            mean,
            std_dev,
            ci95: Some(t975(n - 1) * std_dev / (n as f64).sqrt()),
        }
    }

    /// Whether the 95 % interval contains `value` (false without an interval).
    pub fn covers(&self, value: f64) -> bool {
        self.ci95
            .is_some_and(|h| (self.mean - h..=self.mean + h).contains(&value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_published_tables() {
        assert_eq!(t975(1), 12.7062);
        assert_eq!(t975(9), 2.2622);
        // Beyond the table: the expansion meets it at 30 and the tables at 60 and 120.
        assert!((t975(31) - 2.0395).abs() < 2e-4, "{}", t975(31));
        assert!((t975(60) - 2.0003).abs() < 1e-4, "{}", t975(60));
        assert!((t975(120) - 1.9799).abs() < 1e-4, "{}", t975(120));
        assert!((t975(1_000_000) - Z975).abs() < 1e-5);
        assert!(t975(0).is_infinite());
    }

    #[test]
    fn summary_of_known_samples() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, s² = 32/7.
        let s = Summary::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert_eq!(s.n, 8);
        assert_eq!(s.mean, 5.0);
        assert!((s.std_dev - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        let half = 2.3646 * (32.0f64 / 7.0).sqrt() / 8f64.sqrt();
        assert!((s.ci95.unwrap_or(0.0) - half).abs() < 1e-12);
        assert!(s.covers(5.0 + half * 0.99) && !s.covers(5.0 + half * 1.01));
        let one = Summary::of(&[3.0]);
        assert_eq!((one.mean, one.ci95), (3.0, None));
        assert!(!one.covers(3.0), "one sample gives no interval");
        assert_eq!(Summary::of(&[f64::NAN]).n, 0);
    }
}
