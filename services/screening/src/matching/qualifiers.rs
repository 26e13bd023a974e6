//! Facts other than the name that raise or lower a match's score: date of
//! birth, countries, and identifiers (passport, national id, registration).
//!
//! The adjustments are small on purpose except for conflicts: the name is
//! the evidence; a DOB that agrees makes it stronger, a DOB years apart makes
//! a namesake far more likely than a hit. An identical document number is
//! close to proof and lifts the score to at least [`IDENTIFIER_FLOOR`].

use crate::entity::{BirthDate, ListedEntity};
use crate::matching::normalize::normalize_country;
use crate::subject::{Subject, SubjectBirthDate};
use serde::{Deserialize, Serialize};

pub const DOB_EXACT_BONUS: f32 = 0.08;
pub const DOB_YEAR_BONUS: f32 = 0.04;
pub const DOB_CONFLICT_PENALTY: f32 = -0.15;
pub const COUNTRY_MATCH_BONUS: f32 = 0.03;
pub const COUNTRY_CONFLICT_PENALTY: f32 = -0.05;
/// Score given to a match whose listed identifier equals the subject's.
pub const IDENTIFIER_FLOOR: f32 = 0.97;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualifierOutcome {
    /// One side has no such data.
    NotCompared,
    Conflict,
    /// Within a year of the listed range; neither for nor against.
    Close,
    Consistent,
    Exact,
}

/// What one qualifier did to the score, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualifierEffect {
    pub outcome: QualifierOutcome,
    pub adjustment: f32,
    pub detail: String,
}

impl QualifierEffect {
    fn none() -> Self {
        QualifierEffect {
            outcome: QualifierOutcome::NotCompared,
            adjustment: 0.0,
            detail: String::new(),
        }
    }
}

/// The most [`birth_date`] and [`countries`] together can add to a name
/// score for this subject (an exact date needs a full subject date).
pub(crate) fn max_bonus(subject: &Subject) -> f32 {
    let dob = match &subject.birth_date {
        Some(d) if d.month.is_some() && d.day.is_some() => DOB_EXACT_BONUS.max(DOB_YEAR_BONUS),
        Some(_) => DOB_YEAR_BONUS,
        None => 0.0,
    };
    let country = if subject.countries.is_empty() {
        0.0
    } else {
        COUNTRY_MATCH_BONUS
    };
    dob + country
}

fn compare_one(s: &SubjectBirthDate, listed: &BirthDate) -> QualifierOutcome {
    if let (BirthDate::Exact { year, month, day }, Some(m), Some(d)) = (listed, s.month, s.day)
        && (*year, *month, *day) == (s.year, m, d)
    {
        return QualifierOutcome::Exact;
    }
    if let (BirthDate::Exact { year, month, .. } | BirthDate::Month { year, month }, Some(m)) =
        (listed, s.month)
        && *year == s.year
        && *month != m
    {
        // Same year, different month: treat as close, not as agreement.
        return QualifierOutcome::Close;
    }
    let (from, to) = listed.year_span();
    if (from..=to).contains(&s.year) {
        QualifierOutcome::Consistent
    } else if (from - 1..=to + 1).contains(&s.year) {
        QualifierOutcome::Close
    } else {
        QualifierOutcome::Conflict
    }
}

pub(crate) fn birth_date(subject: &Subject, entity: &ListedEntity) -> QualifierEffect {
    let Some(s) = &subject.birth_date else {
        return QualifierEffect::none();
    };
    let Some(best) = entity.birth_dates.iter().map(|d| compare_one(s, d)).max() else {
        return QualifierEffect::none();
    };
    let adjustment = match best {
        QualifierOutcome::Exact => DOB_EXACT_BONUS,
        QualifierOutcome::Consistent => DOB_YEAR_BONUS,
        QualifierOutcome::Conflict => DOB_CONFLICT_PENALTY,
        _ => 0.0,
    };
    QualifierEffect {
        outcome: best,
        adjustment,
        detail: format!(
            "subject born {s}; listed {} date(s) of birth",
            entity.birth_dates.len()
        ),
    }
}

pub(crate) fn countries(subject: &Subject, entity: &ListedEntity) -> QualifierEffect {
    if subject.countries.is_empty() || entity.countries.is_empty() {
        return QualifierEffect::none();
    }
    let listed: Vec<String> = entity
        .countries
        .iter()
        .map(|c| normalize_country(&c.country))
        .collect();
    let shared: Vec<String> = subject
        .countries
        .iter()
        .map(|c| normalize_country(c))
        .filter(|c| listed.contains(c))
        .collect();
    if shared.is_empty() {
        QualifierEffect {
            outcome: QualifierOutcome::Conflict,
            adjustment: COUNTRY_CONFLICT_PENALTY,
            detail: format!("no shared country; listed: {}", listed.join(", ")),
        }
    } else {
        QualifierEffect {
            outcome: QualifierOutcome::Consistent,
            adjustment: COUNTRY_MATCH_BONUS,
            detail: format!("shared: {}", shared.join(", ")),
        }
    }
}

/// The listed identifier equal to one of the subject's, if any.
pub(crate) fn identifier(subject: &Subject, entity: &ListedEntity) -> Option<String> {
    subject.identifiers.iter().find_map(|given| {
        let v = crate::entity::Identifier::normalised_value(given);
        (v.len() >= crate::matching::index::MIN_IDENTIFIER_LEN)
            .then(|| {
                entity
                    .identifiers
                    .iter()
                    .find(|i| crate::entity::Identifier::normalised_value(&i.value) == v)
                    .map(|i| format!("{} {}", i.label, i.value))
            })
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(date: &str) -> SubjectBirthDate {
        SubjectBirthDate::parse(date).unwrap()
    }

    #[test]
    fn birth_date_outcomes() {
        let exact = BirthDate::Exact {
            year: 1975,
            month: 6,
            day: 14,
        };
        assert_eq!(
            compare_one(&s("1975-06-14"), &exact),
            QualifierOutcome::Exact
        );
        assert_eq!(
            compare_one(&s("1975"), &exact),
            QualifierOutcome::Consistent
        );
        assert_eq!(
            compare_one(&s("1975-07-01"), &exact),
            QualifierOutcome::Close
        );
        assert_eq!(compare_one(&s("1976"), &exact), QualifierOutcome::Close);
        assert_eq!(compare_one(&s("1990"), &exact), QualifierOutcome::Conflict);
        let range = BirthDate::Range {
            from_year: 1960,
            to_year: 1962,
        };
        assert_eq!(
            compare_one(&s("1961-01-01"), &range),
            QualifierOutcome::Consistent
        );
        assert_eq!(compare_one(&s("1963"), &range), QualifierOutcome::Close);
        assert_eq!(
            compare_one(&s("1971"), &BirthDate::Approximate { year: 1970 }),
            QualifierOutcome::Consistent
        );
    }
}
