//! A five-field cron expression (`minute hour day-of-month month day-of-week`) evaluated in
//! virtual time, where time 0 is Monday 2024-01-01 00:00.

/// A parsed cron expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    minutes: u64, // bit set 0..60
    hours: u32,   // 0..24
    days: u32,    // 1..=31
    months: u16,  // 1..=12
    weekdays: u8, // 0..7, 0 = Sunday
    days_restricted: bool,
    weekdays_restricted: bool,
}

const MS_PER_MIN: u64 = 60_000;
const MS_PER_DAY: u64 = 86_400_000;

/// Why a cron expression cannot be read; each names the field that is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CronError {
    /// Not five fields.
    #[error(
        "a cron expression has 5 fields (minute hour day-of-month month day-of-week), found {0}"
    )]
    FieldCount(usize),
    /// A `/step` that is not a positive number.
    #[error("{field}: step {step:?} is not a positive number")]
    Step {
        /// The field ("minute", "hour"…).
        field: &'static str,
        /// The step as written.
        step: String,
    },
    /// A range whose end comes before its start.
    #[error("{field}: range {from}-{to} runs backwards")]
    Backwards {
        /// The field.
        field: &'static str,
        /// Start of the range.
        from: u64,
        /// End of the range.
        to: u64,
    },
    /// A value that is not a number in the field's range.
    #[error("{field}: {text:?} is not a number from {lo} to {hi}")]
    NotANumber {
        /// The field.
        field: &'static str,
        /// The value as written.
        text: String,
        /// Smallest value of the field.
        lo: u64,
        /// Largest value of the field.
        hi: u64,
    },
}

impl Cron {
    /// Parses `expr`; the error names the field that is wrong.
    pub fn parse(expr: &str) -> Result<Cron, CronError> {
        let fields: Vec<&str> = expr.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(CronError::FieldCount(fields.len()));
        }
        let minutes = field(fields[0], "minute", 0, 59)?;
        let hours = field(fields[1], "hour", 0, 23)?;
        let days = field(fields[2], "day-of-month", 1, 31)?;
        let months = field(fields[3], "month", 1, 12)?;
        let mut weekdays = field(fields[4], "day-of-week", 0, 7)?;
        if weekdays & (1 << 7) != 0 {
            weekdays |= 1; // 7 is Sunday too
        }
        Ok(Cron {
            minutes,
            hours: hours as u32,
            days: days as u32,
            months: months as u16,
            weekdays: (weekdays & 0x7f) as u8,
            days_restricted: fields[2] != "*",
            weekdays_restricted: fields[4] != "*",
        })
    }

    /// The first firing time strictly after `t_ms`, or `None` if it never fires within 8 years.
    pub fn next_after(&self, t_ms: u64) -> Option<u64> {
        let start_min = t_ms / MS_PER_MIN + 1;
        let first_day = start_min * MS_PER_MIN / MS_PER_DAY;
        let mut first_min_of_day = (start_min * MS_PER_MIN % MS_PER_DAY) / MS_PER_MIN;
        for day in first_day..first_day + 366 * 8 {
            if self.day_matches(day) {
                for m in first_min_of_day..1440 {
                    let (h, mi) = (m / 60, m % 60);
                    if self.hours & (1 << h) != 0 && self.minutes & (1 << mi) != 0 {
                        return Some(day * MS_PER_DAY + m * MS_PER_MIN);
                    }
                }
            }
            first_min_of_day = 0;
        }
        None
    }

    fn day_matches(&self, day: u64) -> bool {
        let (_, month, dom) = civil_from_days(day as i64 + DAYS_TO_2024);
        if self.months & (1 << month) == 0 {
            return false;
        }
        let weekday = ((day + 1) % 7) as u8; // day 0 is a Monday; 0 = Sunday
        let dom_ok = self.days & (1 << dom) != 0;
        let dow_ok = self.weekdays & (1 << weekday) != 0;
        match (self.days_restricted, self.weekdays_restricted) {
            (true, true) => dom_ok || dow_ok,
            _ => dom_ok && dow_ok,
        }
    }
}

/// Days from 1970-01-01 to 2024-01-01.
const DAYS_TO_2024: i64 = 19_723;

/// (year, month 1–12, day 1–31) from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn field(text: &str, name: &'static str, lo: u64, hi: u64) -> Result<u64, CronError> {
    let mut set = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u64 =
                    s.parse()
                        .ok()
                        .filter(|&s| s > 0)
                        .ok_or_else(|| CronError::Step {
                            field: name,
                            step: s.to_owned(),
                        })?;
                (r, step)
            }
            None => (part, 1),
        };
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (num(a, name, lo, hi)?, num(b, name, lo, hi)?)
        } else {
            let a = num(range, name, lo, hi)?;
            (a, if part.contains('/') { hi } else { a })
        };
        if a > b {
            return Err(CronError::Backwards {
                field: name,
                from: a,
                to: b,
            });
        }
        let mut v = a;
        while v <= b {
            set |= 1 << v;
            // A huge step just means "once": stop instead of overflowing.
            let Some(next) = v.checked_add(step) else {
                break;
            };
            v = next;
        }
    }
    Ok(set)
}

fn num(s: &str, name: &'static str, lo: u64, hi: u64) -> Result<u64, CronError> {
    match s.parse::<u64>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        _ => Err(CronError::NotANumber {
            field: name,
            text: s.to_owned(),
            lo,
            hi,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_five_minutes() {
        let c = Cron::parse("*/5 * * * *").unwrap();
        assert_eq!(c.next_after(0), Some(5 * MS_PER_MIN));
        assert_eq!(c.next_after(5 * MS_PER_MIN), Some(10 * MS_PER_MIN));
        assert_eq!(c.next_after(5 * MS_PER_MIN - 1), Some(5 * MS_PER_MIN));
    }

    #[test]
    fn weekdays_at_nine() {
        let c = Cron::parse("0 9 * * 1-5").unwrap();
        assert_eq!(c.next_after(0), Some(9 * 3_600_000)); // Monday 09:00
        // Friday 09:00 → next Monday 09:00 (day 7).
        assert_eq!(
            c.next_after(4 * MS_PER_DAY + 9 * 3_600_000),
            Some(7 * MS_PER_DAY + 9 * 3_600_000)
        );
    }

    #[test]
    fn calendar() {
        assert_eq!(civil_from_days(DAYS_TO_2024), (2024, 1, 1));
        let c = Cron::parse("0 0 29 2 *").unwrap(); // leap day 2024 is day 59
        assert_eq!(c.next_after(0), Some(59 * MS_PER_DAY));
        let never = Cron::parse("0 0 31 2 *").unwrap();
        assert_eq!(never.next_after(0), None);
    }

    #[test]
    fn errors_name_the_field() {
        assert!(
            Cron::parse("* * *")
                .unwrap_err()
                .to_string()
                .contains("5 fields")
        );
        assert!(
            Cron::parse("61 * * * *")
                .unwrap_err()
                .to_string()
                .contains("minute")
        );
        assert!(
            Cron::parse("* * * * 1-9")
                .unwrap_err()
                .to_string()
                .contains("day-of-week")
        );
        assert!(
            Cron::parse("*/0 * * * *")
                .unwrap_err()
                .to_string()
                .contains("step")
        );
        assert!(
            Cron::parse("5-1 * * * *")
                .unwrap_err()
                .to_string()
                .contains("backwards")
        );
    }
}
