//! How long a document must be kept.
//!
//! FATF Recommendation 11 asks for CDD records to be kept at least five
//! years after the business relationship ends. This service does not know
//! when a relationship ends (intake does), so at upload it sets the earliest
//! date the rule could allow, counted from the upload date:
//!
//! - identity and address evidence, registry extracts, ownership charts and
//!   `other`: upload date + 5 years (`CDD_DOCUMENTS_RETAIN_YEARS`);
//! - source-of-funds and source-of-wealth evidence: upload date + 7 years
//!   (`CDD_DOCUMENTS_RETAIN_YEARS_SOURCE_OF_FUNDS`), as many banks keep
//!   transaction-related evidence longer.
//!
//! A document may be erased on or after its `retain_until` date, never
//! before, and never while a legal hold is on. When a relationship ends
//! later than that, a legal hold (or a later extension by intake) keeps it.

use time::{Date, Month};

use super::document::DocumentType;

/// Retention periods in whole years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionRule {
    pub default_years: u16,
    pub source_of_funds_years: u16,
}

impl Default for RetentionRule {
    fn default() -> Self {
        Self {
            default_years: 5,
            source_of_funds_years: 7,
        }
    }
}

impl RetentionRule {
    pub fn years_for(&self, kind: DocumentType) -> u16 {
        match kind {
            // Both are financial evidence kept on the same (longer) rule.
            DocumentType::SourceOfFundsEvidence | DocumentType::SourceOfWealthEvidence => {
                self.source_of_funds_years
            }
            _ => self.default_years,
        }
    }

    /// The first day a document of `kind` uploaded on `uploaded` may be erased.
    pub fn retain_until(&self, kind: DocumentType, uploaded: Date) -> Date {
        add_years(uploaded, self.years_for(kind))
    }
}

/// `date` plus `years`; 29 February becomes 28 February in a common year.
fn add_years(date: Date, years: u16) -> Date {
    let year = date.year() + i32::from(years);
    Date::from_calendar_date(year, date.month(), date.day())
        .or_else(|_| Date::from_calendar_date(year, Month::February, 28))
        .unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn identity_five_years_source_of_funds_seven() {
        let rule = RetentionRule::default();
        assert_eq!(
            rule.retain_until(DocumentType::Passport, date!(2026 - 03 - 01)),
            date!(2031 - 03 - 01)
        );
        assert_eq!(
            rule.retain_until(DocumentType::SourceOfFundsEvidence, date!(2026 - 03 - 01)),
            date!(2033 - 03 - 01)
        );
        assert_eq!(
            rule.retain_until(DocumentType::SourceOfWealthEvidence, date!(2026 - 03 - 01)),
            date!(2033 - 03 - 01)
        );
        assert_eq!(
            rule.retain_until(DocumentType::Passport, date!(2028 - 02 - 29)),
            date!(2033 - 02 - 28)
        );
    }
}
