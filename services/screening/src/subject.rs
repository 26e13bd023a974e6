//! The party being screened (a customer, a director, a beneficial owner) and
//! the checks that make a name safe to screen.
//!
//! Bad input never panics and never takes long: the length is checked
//! before anything walks the string, and the word count bounds the scorer.

use crate::entity::EntityKind;
use crate::matching::normalize::{NormalisedName, normalise};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 500;
/// Most words a name may have after normalisation.
pub const MAX_NAME_WORDS: usize = 40;
/// Most identifiers / countries per subject.
pub const MAX_SUBJECT_ITEMS: usize = 20;

/// A date of birth as the bank knows it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SubjectBirthDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl SubjectBirthDate {
    pub fn parse(s: &str) -> Result<Self, SubjectError> {
        let bad = || SubjectError::InvalidBirthDate(s.chars().take(40).collect());
        let mut parts = s.trim().split('-');
        let year: i32 = parts
            .next()
            .filter(|y| y.len() == 4)
            .and_then(|y| y.parse().ok())
            .ok_or_else(bad)?;
        let month: Option<u8> = match parts.next() {
            Some(m) => Some(
                m.parse()
                    .ok()
                    .filter(|m| (1..=12).contains(m))
                    .ok_or_else(bad)?,
            ),
            None => None,
        };
        let day: Option<u8> = match parts.next() {
            Some(d) => Some(
                d.parse()
                    .ok()
                    .filter(|d| (1..=31).contains(d))
                    .ok_or_else(bad)?,
            ),
            None => None,
        };
        if parts.next().is_some() || !(1800..=2100).contains(&year) {
            return Err(bad());
        }
        Ok(SubjectBirthDate { year, month, day })
    }
}

impl TryFrom<String> for SubjectBirthDate {
    type Error = SubjectError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        SubjectBirthDate::parse(&s)
    }
}

impl From<SubjectBirthDate> for String {
    fn from(d: SubjectBirthDate) -> String {
        d.to_string()
    }
}

impl fmt::Display for SubjectBirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// Who to screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub kind: EntityKind,
    pub name: String,
    #[serde(default)]
    pub birth_date: Option<SubjectBirthDate>,
    /// Nationalities, residence, registration: names or ISO alpha-2 codes.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Passport, national id, registration numbers.
    #[serde(default)]
    pub identifiers: Vec<String>,
}

impl Subject {
    pub fn new(kind: EntityKind, name: impl Into<String>) -> Self {
        Subject {
            kind,
            name: name.into(),
            birth_date: None,
            countries: Vec::new(),
            identifiers: Vec::new(),
        }
    }
}

/// Why a subject cannot be screened. Each maps to a 4xx in the HTTP layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum SubjectError {
    #[error("the name is empty or has no letters or digits")]
    EmptyName,
    #[error("the name is longer than {max} characters")]
    NameTooLong { max: usize },
    #[error("the name has more than {max} words")]
    TooManyWords { max: usize },
    #[error("the name contains a control character at position {position}")]
    ControlCharacter { position: usize },
    #[error("invalid birth date {0:?}: expected YYYY, YYYY-MM or YYYY-MM-DD")]
    InvalidBirthDate(String),
    #[error("too many {field}: at most {max}")]
    TooManyItems { field: &'static str, max: usize },
    #[error("a {field} value is longer than {max} characters")]
    ItemTooLong { field: &'static str, max: usize },
}

/// Validates a name and returns its normalised tokens.
///
/// Mixed scripts (`Vlаdimir` with a Cyrillic `а`) are not an error: every
/// script is transliterated, which is also what defeats look-alike letters.
pub fn validated_name(kind: EntityKind, name: &str) -> Result<NormalisedName, SubjectError> {
    // Bytes first: a 10 MB name is refused without counting characters.
    if name.len() > MAX_NAME_CHARS * 4 || name.chars().count() > MAX_NAME_CHARS {
        return Err(SubjectError::NameTooLong {
            max: MAX_NAME_CHARS,
        });
    }
    if let Some(position) = name.chars().position(char::is_control) {
        return Err(SubjectError::ControlCharacter { position });
    }
    let normalised = normalise(kind, name);
    if normalised.tokens.is_empty() {
        return Err(SubjectError::EmptyName);
    }
    if normalised.tokens.len() > MAX_NAME_WORDS {
        return Err(SubjectError::TooManyWords {
            max: MAX_NAME_WORDS,
        });
    }
    Ok(normalised)
}

/// Validates a name and returns its normalised token texts.
#[cfg(test)]
fn validated_tokens(kind: EntityKind, name: &str) -> Result<Vec<String>, SubjectError> {
    validated_name(kind, name).map(|n| n.tokens.into_iter().map(|t| t.text).collect())
}

/// Checks the subject's lists of countries and identifiers.
pub(crate) fn validate_items(subject: &Subject) -> Result<(), SubjectError> {
    for (field, items) in [
        ("countries", &subject.countries),
        ("identifiers", &subject.identifiers),
    ] {
        if items.len() > MAX_SUBJECT_ITEMS {
            return Err(SubjectError::TooManyItems {
                field,
                max: MAX_SUBJECT_ITEMS,
            });
        }
        if items.iter().any(|i| i.len() > 100) {
            return Err(SubjectError::ItemTooLong { field, max: 100 });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_names_are_typed_errors() {
        let p = EntityKind::Person;
        assert_eq!(validated_tokens(p, ""), Err(SubjectError::EmptyName));
        assert_eq!(validated_tokens(p, " ,.-"), Err(SubjectError::EmptyName));
        assert_eq!(
            validated_tokens(p, &"a".repeat(501)),
            Err(SubjectError::NameTooLong { max: 500 })
        );
        assert_eq!(
            validated_tokens(p, &"x".repeat(10_000_000)),
            Err(SubjectError::NameTooLong { max: 500 })
        );
        assert_eq!(
            validated_tokens(p, "John\u{0}Smith"),
            Err(SubjectError::ControlCharacter { position: 4 })
        );
        assert_eq!(
            validated_tokens(p, &"ab ".repeat(41)),
            Err(SubjectError::TooManyWords { max: 40 })
        );
        assert_eq!(
            validated_tokens(p, "Vl\u{430}dimir Putin").unwrap(),
            ["vladimir", "putin"]
        );
    }

    #[test]
    fn birth_dates() {
        assert_eq!(SubjectBirthDate::parse("1975").unwrap().month, None);
        assert_eq!(SubjectBirthDate::parse("1975-06-14").unwrap().day, Some(14));
        assert!(SubjectBirthDate::parse("14/06/1975").is_err());
        assert!(SubjectBirthDate::parse("1975-13").is_err());
        let s: Subject =
            serde_json::from_str(r#"{"kind":"person","name":"X","birth_date":"1975-06"}"#).unwrap();
        assert_eq!(s.birth_date.unwrap().to_string(), "1975-06");
    }
}
