//! A politically exposed person's standing on the day of screening: which of
//! their public functions are held now, and whether the bank still treats
//! them as a current PEP.
//!
//! FATF Recommendation 12 leaves to the bank how long a person stays a PEP
//! after leaving office (at least 12 months under UK MLR 2017 reg. 35(9) for
//! foreign PEPs; many banks apply it to all). The bank sets that period in
//! months (`CDD_PEP_CURRENT_FOR_MONTHS`); a person whose last function
//! ended longer ago is a *former* PEP, rated by the bank's risk policy.

use crate::entity::Position;
pub use cdd_contracts::screening::{MatchedPosition, PepStanding, PepStatus};

/// How long after a person's last function ends they remain a current PEP,
/// unless the bank says otherwise.
pub const DEFAULT_CURRENT_FOR_MONTHS: u32 = 12;

/// The bank's rule for current versus former PEPs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PepPolicy {
    pub current_for_months: u32,
}

impl Default for PepPolicy {
    fn default() -> Self {
        PepPolicy {
            current_for_months: DEFAULT_CURRENT_FOR_MONTHS,
        }
    }
}

impl PepPolicy {
    /// The positions as of `today` (`YYYY-MM-DD`) and the person's standing.
    /// An entry without positions (a PEP list that gives none) is a current
    /// PEP: nothing says the person has left office.
    pub fn assess(
        &self,
        positions: &[Position],
        today: &str,
    ) -> (Vec<MatchedPosition>, PepStanding) {
        let matched: Vec<MatchedPosition> = positions
            .iter()
            .map(|p| MatchedPosition {
                title: p.title.clone(),
                country: p.country.clone(),
                start: p.start.clone(),
                end: p.end.clone(),
                held_now: p.held_on(today),
            })
            .collect();
        if let Some(held) = matched.iter().find(|p| p.held_now) {
            let since = held
                .start
                .as_deref()
                .map(|s| format!(" since {s}"))
                .unwrap_or_default();
            return (
                matched.clone(),
                PepStanding {
                    status: PepStatus::Current,
                    reason: format!("holds the function {}{since}", held.title),
                },
            );
        }
        let last_end = positions.iter().filter_map(|p| p.ended_by(today)).max();
        let standing = match last_end {
            None => PepStanding {
                status: PepStatus::Current,
                reason: "listed as politically exposed with no end to any function".to_string(),
            },
            Some(end) => {
                let months = months_between(&end, today);
                let period = self.current_for_months;
                if months < i64::from(period) {
                    PepStanding {
                        status: PepStatus::Current,
                        reason: format!(
                            "last function ended {end}, {months} months ago; the bank treats a PEP as current for {period} months after leaving office"
                        ),
                    }
                } else {
                    PepStanding {
                        status: PepStatus::Former,
                        reason: format!(
                            "last function ended {end}, {months} months ago, more than the {period} months the bank treats a PEP as current"
                        ),
                    }
                }
            }
        };
        (matched, standing)
    }
}

/// Whole months from `from` to `to` (both `YYYY-MM-DD`); 0 when unreadable.
fn months_between(from: &str, to: &str) -> i64 {
    match (iso_date(from), iso_date(to)) {
        (Some(f), Some(t)) => {
            let mut months = i64::from(t.year() - f.year()) * 12 + i64::from(u8::from(t.month()))
                - i64::from(u8::from(f.month()));
            if t.day() < f.day() {
                months -= 1;
            }
            months.max(0)
        }
        _ => 0,
    }
}

/// Whole days from `from` to `to` (both `YYYY-MM-DD`), `None` when either
/// is not a calendar date.
pub fn days_between(from: &str, to: &str) -> Option<i64> {
    Some((iso_date(to)? - iso_date(from)?).whole_days())
}

/// A calendar date written `YYYY-MM-DD`.
pub(crate) fn iso_date(s: &str) -> Option<time::Date> {
    let mut it = s.trim().splitn(3, '-');
    let year: i32 = it.next()?.parse().ok()?;
    let month: u8 = it.next()?.parse().ok()?;
    let day: u8 = it.next()?.parse().ok()?;
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// Today's date in UTC as `YYYY-MM-DD`.
pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(start: Option<&str>, end: Option<&str>) -> Position {
        Position {
            title: "United States Senator for Vermont".into(),
            country: Some("US".into()),
            start: start.map(Into::into),
            end: end.map(Into::into),
        }
    }

    #[test]
    fn a_function_held_today_makes_a_current_pep() {
        let (positions, standing) = PepPolicy::default().assess(
            &[
                position(Some("2019-01-03"), Some("2025-01-03")),
                position(Some("2025-01-03"), Some("2031-01-03")),
            ],
            "2026-12-06",
        );
        assert_eq!(standing.status, PepStatus::Current);
        assert!(
            standing.reason.contains("since 2025-01-03"),
            "{}",
            standing.reason
        );
        assert_eq!(
            positions.iter().map(|p| p.held_now).collect::<Vec<_>>(),
            [false, true]
        );
    }

    #[test]
    fn the_banks_period_decides_current_or_former_after_leaving_office() {
        let left = [position(Some("2017-01-03"), Some("2026-01-03"))];
        let (_, within) = PepPolicy::default().assess(&left, "2026-12-06");
        assert_eq!(within.status, PepStatus::Current);
        assert!(within.reason.contains("11 months ago"), "{}", within.reason);
        let (_, after) = PepPolicy::default().assess(&left, "2027-01-03");
        assert_eq!(after.status, PepStatus::Former);
        assert!(after.reason.contains("12 months ago"), "{}", after.reason);
        let strict = PepPolicy {
            current_for_months: 24,
        };
        assert_eq!(
            strict.assess(&left, "2027-06-01").1.status,
            PepStatus::Current
        );
    }

    #[test]
    fn partial_dates_count_from_the_first_day_to_the_last() {
        let p = position(Some("2019"), Some("2020-06"));
        assert!(!p.held_on("2018-12-31"));
        assert!(p.held_on("2019-01-01"));
        assert!(p.held_on("2020-06-30"));
        assert!(!p.held_on("2020-07-01"));
        assert!(position(None, None).held_on("2026-12-06"));
    }

    #[test]
    fn no_positions_is_a_current_pep_with_the_reason() {
        let (positions, standing) = PepPolicy::default().assess(&[], "2026-12-06");
        assert!(positions.is_empty());
        assert_eq!(standing.status, PepStatus::Current);
    }
}
