//! Checking a render request's data against a template's field declaration.
//!
//! All fields are checked and every bad one is reported, so the caller fixes
//! the request in one go. Strings must be one line: a value cannot add a
//! paragraph or a bullet to the letter's structure.

use std::collections::BTreeMap;

use minijinja::Value;
use serde_json::{Map, Value as Json};
use time::Date;
use time::macros::format_description;

use crate::error::{FieldError, FieldProblem};
use crate::template::{FieldSpec, FieldType};

/// Longest string value, in characters.
pub const MAX_STRING_CHARS: usize = 500;
/// Most items in a list value.
pub const MAX_LIST_ITEMS: usize = 200;
/// Most lines in the address block.
pub const MAX_ADDRESS_LINES: usize = 8;

/// A checked field value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldValue {
    String(String),
    Date(Date),
    Integer(i64),
    Boolean(bool),
    StringList(Vec<String>),
    /// An optional field that was not given (the template sees `none`).
    Absent,
}

/// Letter data that matches the template's declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LetterData {
    values: BTreeMap<String, FieldValue>,
}

impl LetterData {
    /// Checks `data` against `fields`, naming every missing, mistyped,
    /// invalid or unexpected field.
    pub(crate) fn check(
        fields: &[FieldSpec],
        data: &Map<String, Json>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut values = BTreeMap::new();
        for spec in fields {
            let name = spec.name.as_str();
            let checked = match data.get(name) {
                None | Some(Json::Null) if spec.optional => Ok(FieldValue::Absent),
                None | Some(Json::Null) => Err(FieldProblem::Missing {
                    expected: spec.field_type,
                }),
                Some(value) => check_value(spec.field_type, value),
            }
            .and_then(|value| check_frame_rules(name, value));
            match checked {
                Ok(value) => {
                    values.insert(name.to_owned(), value);
                }
                Err(problem) => errors.push(FieldError {
                    field: name.to_owned(),
                    problem,
                }),
            }
        }
        for name in data.keys() {
            if !fields.iter().any(|f| f.name.as_str() == name) {
                errors.push(FieldError {
                    field: name.clone(),
                    problem: FieldProblem::Unexpected,
                });
            }
        }
        if errors.is_empty() {
            Ok(Self { values })
        } else {
            Err(errors)
        }
    }

    pub(crate) fn string(&self, name: &str) -> &str {
        match self.values.get(name) {
            Some(FieldValue::String(value)) => value,
            _ => "",
        }
    }

    pub(crate) fn lines(&self, name: &str) -> &[String] {
        match self.values.get(name) {
            Some(FieldValue::StringList(lines)) => lines,
            _ => &[],
        }
    }

    /// The template context: every field plus the implicit variables.
    pub(crate) fn context(&self, implicit: [(&str, String); 2]) -> Value {
        let mut context: BTreeMap<String, Value> = self
            .values
            .iter()
            .map(|(name, value)| (name.clone(), to_template_value(value)))
            .collect();
        for (name, value) in implicit {
            context.insert(name.to_owned(), Value::from(value));
        }
        Value::from(context)
    }
}

/// Dates in letters are written out: `5 March 2026`.
pub(crate) fn long_date(date: Date) -> String {
    let format = format_description!("[day padding:none] [month repr:long] [year]");
    date.format(&format).unwrap_or_else(|_| date.to_string())
}

fn to_template_value(value: &FieldValue) -> Value {
    match value {
        FieldValue::String(s) => Value::from(s.as_str()),
        FieldValue::Date(date) => Value::from(long_date(*date)),
        FieldValue::Integer(n) => Value::from(*n),
        FieldValue::Boolean(b) => Value::from(*b),
        FieldValue::StringList(items) => Value::from(
            items
                .iter()
                .map(|s| Value::from(s.as_str()))
                .collect::<Vec<_>>(),
        ),
        FieldValue::Absent => Value::from(()),
    }
}

fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Json::Number(_) => "a decimal number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

fn check_value(expected: FieldType, value: &Json) -> Result<FieldValue, FieldProblem> {
    let wrong_type = || FieldProblem::WrongType {
        expected,
        found: json_kind(value),
    };
    match (expected, value) {
        (FieldType::String, Json::String(s)) => check_line(s).map(FieldValue::String),
        (FieldType::Date, Json::String(s)) => {
            let format = format_description!("[year]-[month]-[day]");
            Date::parse(s, &format)
                .map(FieldValue::Date)
                .map_err(|_| invalid("must be a calendar date written YYYY-MM-DD"))
        }
        (FieldType::Integer, Json::Number(n)) => {
            n.as_i64().map(FieldValue::Integer).ok_or_else(wrong_type)
        }
        (FieldType::Boolean, Json::Bool(b)) => Ok(FieldValue::Boolean(*b)),
        (FieldType::StringList, Json::Array(items)) => {
            if items.len() > MAX_LIST_ITEMS {
                return Err(invalid(format!("has more than {MAX_LIST_ITEMS} items")));
            }
            let mut lines = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let Json::String(s) = item else {
                    return Err(invalid(format!(
                        "item {} must be a string, not {}",
                        index + 1,
                        json_kind(item)
                    )));
                };
                let line = check_line(s).map_err(|problem| match problem {
                    FieldProblem::Invalid { reason } => {
                        invalid(format!("item {}: {reason}", index + 1))
                    }
                    other => other,
                })?;
                lines.push(line);
            }
            Ok(FieldValue::StringList(lines))
        }
        _ => Err(wrong_type()),
    }
}

/// A one-line string: trimmed, not empty, no control characters.
fn check_line(value: &str) -> Result<String, FieldProblem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid("must not be empty"));
    }
    if value.chars().count() > MAX_STRING_CHARS {
        return Err(invalid(format!(
            "is longer than {MAX_STRING_CHARS} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid("must be one line without control characters"));
    }
    Ok(value.to_owned())
}

/// Rules of the letter frame for the standard fields.
fn check_frame_rules(name: &str, value: FieldValue) -> Result<FieldValue, FieldProblem> {
    match (name, &value) {
        ("address", FieldValue::StringList(lines)) if lines.is_empty() => {
            Err(invalid("must have at least one line"))
        }
        ("address", FieldValue::StringList(lines)) if lines.len() > MAX_ADDRESS_LINES => {
            Err(invalid(format!("has more than {MAX_ADDRESS_LINES} lines")))
        }
        _ => Ok(value),
    }
}

fn invalid(reason: impl Into<String>) -> FieldProblem {
    FieldProblem::Invalid {
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::template::FieldName;

    fn fields() -> Vec<FieldSpec> {
        let name = |n: &str| FieldName::parse(n).unwrap();
        vec![
            FieldSpec::required(name("customer_name"), FieldType::String),
            FieldSpec::required(name("address"), FieldType::StringList),
            FieldSpec::required(name("due"), FieldType::Date),
            FieldSpec::required(name("count"), FieldType::Integer),
            FieldSpec::optional(name("urgent"), FieldType::Boolean),
        ]
    }

    fn check(data: Json) -> Result<LetterData, Vec<FieldError>> {
        let Json::Object(map) = data else {
            unreachable!()
        };
        LetterData::check(&fields(), &map)
    }

    #[test]
    fn valid_data_passes_and_optional_fields_may_be_absent() {
        let data = check(json!({
            "customer_name": "  Ana  ", "address": ["1 Rue X", "Paris"],
            "due": "2026-03-05", "count": 3
        }))
        .unwrap();
        assert_eq!(data.string("customer_name"), "Ana");
        assert_eq!(data.lines("address").len(), 2);
        assert_eq!(data.values["urgent"], FieldValue::Absent);
        assert_eq!(
            long_date(Date::from_calendar_date(2026, time::Month::March, 5).unwrap()),
            "5 March 2026"
        );
    }

    #[test]
    fn every_bad_field_is_named_once() {
        let errors = check(json!({
            "address": "1 Rue X", "due": "2026-02-30", "count": 1.5,
            "urgent": "yes", "adress": []
        }))
        .unwrap_err();
        let by_field: BTreeMap<_, _> = errors
            .iter()
            .map(|e| (e.field.as_str(), &e.problem))
            .collect();
        assert_eq!(by_field.len(), 6, "{errors:?}");
        assert_eq!(
            by_field["customer_name"],
            &FieldProblem::Missing {
                expected: FieldType::String
            }
        );
        assert_eq!(
            by_field["address"],
            &FieldProblem::WrongType {
                expected: FieldType::StringList,
                found: "a string"
            }
        );
        assert!(matches!(by_field["due"], FieldProblem::Invalid { .. }));
        assert_eq!(
            by_field["count"],
            &FieldProblem::WrongType {
                expected: FieldType::Integer,
                found: "a decimal number"
            }
        );
        assert!(matches!(by_field["urgent"], FieldProblem::WrongType { .. }));
        assert_eq!(by_field["adress"], &FieldProblem::Unexpected);
    }

    #[test]
    fn strings_must_be_one_nonempty_line() {
        let errors = check(json!({
            "customer_name": "Ana\n- injected bullet", "address": ["ok", " "],
            "due": "2026-03-05", "count": 1
        }))
        .unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(text[0].contains("one line"), "{text:?}");
        assert!(text[1].contains("item 2"), "{text:?}");
    }

    #[test]
    fn the_address_block_has_one_to_eight_lines() {
        for address in [json!([]), json!(vec!["line"; 9])] {
            let errors = check(json!({
                "customer_name": "Ana", "address": address, "due": "2026-03-05", "count": 1
            }))
            .unwrap_err();
            assert_eq!(errors[0].field, "address");
        }
    }
}
