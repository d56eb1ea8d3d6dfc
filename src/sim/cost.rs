//! The arithmetic of what a run costs, beyond the price of each operation: the cost so far
//! projected to a day and per million requests (snapshots and reports both use these), and
//! how it compares with an always-on server.

use super::time::{SEC, Time};

/// The cost so far, `cost_usd` after `now` of virtual time, projected to 24 hours at the
/// same load, $.
pub fn per_day(cost_usd: f64, now: Time) -> f64 {
    cost_usd * per_day_factor(now)
}

/// Days per virtual time `now` (at least 1 µs): what scales a cost so far to a day.
pub fn per_day_factor(now: Time) -> f64 {
    86_400.0 / (now.max(1) as f64 / SEC as f64)
}

/// The cost per million requests that entered, $ (0 before any entered).
pub fn per_million(cost_usd: f64, entered: u64) -> f64 {
    if entered == 0 {
        0.0
    } else {
        cost_usd / entered as f64 * 1e6
    }
}

/// How the run's projected daily cost compares with an always-on server.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerComparison {
    /// Nothing to compare yet (no time simulated, or no server price).
    Unknown,
    /// Serverless costs less per day, by this much ($), this many times less.
    ServerlessCheaper {
        /// $ per day saved.
        saving_usd: f64,
        /// Server cost ÷ serverless cost (infinite when serverless costs nothing).
        times: f64,
    },
    /// The server costs less per day, by this much ($).
    ServerCheaper {
        /// $ per day saved by the server.
        saving_usd: f64,
        /// Serverless cost ÷ server cost.
        times: f64,
    },
}

/// Compares a projected serverless cost per day with a server's.
pub fn compare_server(per_day_usd: f64, server_per_day_usd: f64) -> ServerComparison {
    if !per_day_usd.is_finite()
        || !server_per_day_usd.is_finite()
        || server_per_day_usd <= 0.0
        || per_day_usd < 0.0
    {
        return ServerComparison::Unknown;
    }
    if per_day_usd <= server_per_day_usd {
        ServerComparison::ServerlessCheaper {
            saving_usd: server_per_day_usd - per_day_usd,
            times: if per_day_usd > 0.0 {
                server_per_day_usd / per_day_usd
            } else {
                f64::INFINITY
            },
        }
    } else {
        ServerComparison::ServerCheaper {
            saving_usd: per_day_usd - server_per_day_usd,
            times: per_day_usd / server_per_day_usd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projections() {
        assert_eq!(per_day(2.0, 3_600 * SEC), 48.0);
        assert!(
            per_day(1.0, 0).is_finite(),
            "no time yet is 1 µs, not a division by 0"
        );
        assert_eq!(per_million(3.0, 1_000_000), 3.0);
        assert_eq!(per_million(3.0, 0), 0.0);
    }

    #[test]
    fn server_comparison() {
        assert_eq!(compare_server(1.0, 0.0), ServerComparison::Unknown);
        assert_eq!(compare_server(f64::NAN, 5.0), ServerComparison::Unknown);
        assert_eq!(
            compare_server(1.0, 4.0),
            ServerComparison::ServerlessCheaper {
                saving_usd: 3.0,
                times: 4.0
            }
        );
        assert_eq!(
            compare_server(10.0, 4.0),
            ServerComparison::ServerCheaper {
                saving_usd: 6.0,
                times: 2.5
            }
        );
    }
}
