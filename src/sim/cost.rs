//! The arithmetic of what a run costs, beyond the price of each operation: how the run's
//! cost so far compares with an always-on server.

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
