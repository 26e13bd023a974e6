//! Letter templates: their names, versions, field declarations, and the
//! compile step that refuses a bad template with the line and the reason.
//!
//! A template is submitted as a [`TemplateSource`] (the JSON body of
//! `PUT /v1/templates/{name}`): a subject line, a body, and the fields the
//! template needs beyond the standard ones every letter has
//! ([`STANDARD_FIELDS`]: `customer_name`, `reference`, `address`).
//! See the crate docs for the format.

use std::collections::BTreeSet;
use std::fmt;
use std::num::NonZeroU32;

use cdd_contracts::letters::DecisionOutcome;
use serde::{Deserialize, Serialize};

use crate::engine;
use crate::error::{InvalidValue, TemplateError, TemplatePart, TemplateProblem};

/// Largest template body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest subject template accepted, in bytes.
pub const MAX_SUBJECT_BYTES: usize = 300;
/// Most fields a template may declare.
pub const MAX_FIELDS: usize = 50;

/// Fields every letter has: the letter frame (address block, reference line,
/// salutation) needs them, so templates use them without declaring them.
pub const STANDARD_FIELDS: [(&str, FieldType); 3] = [
    ("customer_name", FieldType::String),
    ("reference", FieldType::String),
    ("address", FieldType::StringList),
];

/// Variables the renderer supplies to every template (not from the data).
pub const IMPLICIT_VARIABLES: [&str; 2] = ["bank_name", "letter_date"];

/// A template's name: 1 to 64 characters of `a-z`, `0-9` and `-`, starting
/// with a letter (it appears in URLs and object keys).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TemplateName(String);

impl TemplateName {
    pub fn parse(value: impl Into<String>) -> Result<Self, InvalidValue> {
        let value = value.into();
        let invalid = |reason: &str| InvalidValue::new("template name", reason);
        if value.is_empty() || value.len() > 64 {
            return Err(invalid("must be 1 to 64 characters"));
        }
        if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(invalid("must start with a lowercase letter"));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(invalid("may contain only a-z, 0-9 and '-'"));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TemplateName {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<TemplateName> for String {
    fn from(value: TemplateName) -> Self {
        value.0
    }
}

impl fmt::Display for TemplateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A template version: 1, 2, 3, ... A published version never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct TemplateVersion(NonZeroU32);

impl TemplateVersion {
    pub const FIRST: Self = Self(NonZeroU32::MIN);

    pub fn new(value: u32) -> Result<Self, InvalidValue> {
        NonZeroU32::new(value)
            .map(Self)
            .ok_or_else(|| InvalidValue::new("template version", "must be 1 or more"))
    }

    pub fn get(self) -> u32 {
        self.0.get()
    }

    /// The version after this one, or `None` at `u32::MAX`.
    pub fn next(self) -> Option<Self> {
        self.0.checked_add(1).map(Self)
    }
}

impl TryFrom<u32> for TemplateVersion {
    type Error = InvalidValue;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<TemplateVersion> for u32 {
    fn from(value: TemplateVersion) -> Self {
        value.get()
    }
}

impl fmt::Display for TemplateVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A field name: a template variable, so `a-z`, `0-9`, `_`, starting with a
/// letter, at most 64 characters, and not a Jinja keyword.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FieldName(String);

const JINJA_WORDS: [&str; 14] = [
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "true",
    "false",
    "none",
    "loop",
    "self",
    "super",
    "namespace",
];

impl FieldName {
    pub fn parse(value: impl Into<String>) -> Result<Self, InvalidValue> {
        let value = value.into();
        let invalid = |reason: &str| InvalidValue::new("field name", reason);
        if value.is_empty() || value.len() > 64 {
            return Err(invalid("must be 1 to 64 characters"));
        }
        if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(invalid("must start with a lowercase letter"));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(invalid("may contain only a-z, 0-9 and '_'"));
        }
        if JINJA_WORDS.contains(&value.as_str()) {
            return Err(invalid("is a reserved template word"));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FieldName {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<FieldName> for String {
    fn from(value: FieldName) -> Self {
        value.0
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The type of a template field, as written in the declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text (no control characters), 1 to 500 characters.
    String,
    /// A calendar date given as `YYYY-MM-DD`; the template sees it written
    /// out, e.g. `5 March 2026`.
    Date,
    /// A whole number (JSON integer).
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A list of one-line strings (at most 200).
    StringList,
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::String => "a string",
            Self::Date => "a date (YYYY-MM-DD)",
            Self::Integer => "an integer",
            Self::Boolean => "a boolean",
            Self::StringList => "a list of strings",
        })
    }
}

/// One declared field: `{"name": "documents", "type": "string_list"}`, with
/// `"optional": true` when the letter can do without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: FieldName,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
}

impl FieldSpec {
    pub fn required(name: FieldName, field_type: FieldType) -> Self {
        Self {
            name,
            field_type,
            optional: false,
        }
    }

    pub fn optional(name: FieldName, field_type: FieldType) -> Self {
        Self {
            name,
            field_type,
            optional: true,
        }
    }
}

/// A template as submitted: the body of `PUT /v1/templates/{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSource {
    /// What the letter is for, for the people choosing templates.
    #[serde(default)]
    pub description: String,
    /// The subject line (a one-line template).
    pub subject: String,
    /// Fields beyond [`STANDARD_FIELDS`].
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// The letter body (a template producing letter markup).
    pub body: String,
    /// The decision this letter tells the customer of, if it is a decision
    /// letter: such a letter is issued only by intake, for a recorded
    /// decision with that outcome ([`cdd_contracts::letters::DecisionReference`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionOutcome>,
}

/// A compiled, checked template version. It can only be made by
/// [`Template::compile`], so every `Template` renders (given valid data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    name: TemplateName,
    version: TemplateVersion,
    source: TemplateSource,
    /// Standard fields followed by the declared ones.
    fields: Vec<FieldSpec>,
}

impl Template {
    /// Checks the declaration and compiles subject and body in the sandbox.
    /// Every problem is reported, each with its line where it has one.
    pub fn compile(
        name: TemplateName,
        version: TemplateVersion,
        source: TemplateSource,
    ) -> Result<Self, TemplateError> {
        let mut problems = Vec::new();
        let fields = check_fields(&source.fields, &mut problems);
        let known: BTreeSet<&str> = fields
            .iter()
            .map(|f| f.name.as_str())
            .chain(IMPLICIT_VARIABLES)
            .collect();

        if source.subject.trim().is_empty() {
            problems.push(problem(TemplatePart::Subject, None, "is empty"));
        } else if source.subject.len() > MAX_SUBJECT_BYTES {
            let reason = format!("is longer than {MAX_SUBJECT_BYTES} bytes");
            problems.push(problem(TemplatePart::Subject, None, &reason));
        } else if source.subject.contains('\n') {
            problems.push(problem(TemplatePart::Subject, Some(2), "must be one line"));
        } else {
            check_source(
                TemplatePart::Subject,
                &source.subject,
                &known,
                &mut problems,
            );
        }

        if source.body.trim().is_empty() {
            problems.push(problem(TemplatePart::Body, None, "is empty"));
        } else if source.body.len() > MAX_BODY_BYTES {
            let reason = format!("is longer than {MAX_BODY_BYTES} bytes");
            problems.push(problem(TemplatePart::Body, None, &reason));
        } else {
            check_source(TemplatePart::Body, &source.body, &known, &mut problems);
        }

        if problems.is_empty() {
            Ok(Self {
                name,
                version,
                source,
                fields,
            })
        } else {
            Err(TemplateError { problems })
        }
    }

    pub fn name(&self) -> &TemplateName {
        &self.name
    }

    pub fn version(&self) -> TemplateVersion {
        self.version
    }

    /// Every field the data must (or may) carry: standard then declared.
    pub fn fields(&self) -> &[FieldSpec] {
        &self.fields
    }

    /// The template as it was submitted (for `GET /v1/templates/{name}`).
    pub fn source(&self) -> &TemplateSource {
        &self.source
    }

    /// The decision a letter from this template reports, if any: only
    /// intake may issue it, for a recorded decision with this outcome.
    pub fn decision(&self) -> Option<DecisionOutcome> {
        effective_decision(&self.name, &self.source)
    }

    /// Checks letter data against the declaration without rendering,
    /// naming every missing, mistyped, invalid or unexpected field.
    pub fn check_data(
        &self,
        data: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), Vec<crate::error::FieldError>> {
        crate::fields::LetterData::check(&self.fields, data).map(|_| ())
    }
}

/// The decision a template of `name` with `source` reports: the one it
/// declares, else the built-in one for that name.
pub fn effective_decision(name: &TemplateName, source: &TemplateSource) -> Option<DecisionOutcome> {
    source
        .decision
        .or_else(|| crate::builtin::decision_of(name))
}

fn problem(part: TemplatePart, line: Option<usize>, reason: &str) -> TemplateProblem {
    TemplateProblem {
        part,
        line,
        reason: reason.to_owned(),
    }
}

/// Standard fields plus the declared ones; declaration mistakes go to
/// `problems`.
fn check_fields(declared: &[FieldSpec], problems: &mut Vec<TemplateProblem>) -> Vec<FieldSpec> {
    let mut fields: Vec<FieldSpec> = STANDARD_FIELDS
        .iter()
        .map(|(name, field_type)| FieldSpec::required(FieldName(name.to_string()), *field_type))
        .collect();
    if declared.len() > MAX_FIELDS {
        let reason = format!("declares more than {MAX_FIELDS} fields");
        problems.push(problem(TemplatePart::Fields, None, &reason));
    }
    for spec in declared {
        let name = spec.name.as_str();
        let reason = if STANDARD_FIELDS.iter().any(|(n, _)| *n == name) {
            Some(format!(
                "`{name}` is a standard field and is always present"
            ))
        } else if IMPLICIT_VARIABLES.contains(&name) {
            Some(format!("`{name}` is supplied by the letter service"))
        } else if fields.iter().any(|f| f.name == spec.name) {
            Some(format!("`{name}` is declared twice"))
        } else {
            None
        };
        match reason {
            Some(reason) => problems.push(problem(TemplatePart::Fields, None, &reason)),
            None => fields.push(spec.clone()),
        }
    }
    fields
}

/// Compiles one part and checks that it uses only known variables.
fn check_source(
    part: TemplatePart,
    source: &str,
    known: &BTreeSet<&str>,
    problems: &mut Vec<TemplateProblem>,
) {
    match engine::variables_used(part, source) {
        Err(compile_problem) => problems.push(compile_problem),
        Ok(used) => {
            for name in used {
                if !known.contains(name.as_str()) {
                    problems.push(TemplateProblem {
                        part,
                        line: first_line_using(source, &name),
                        reason: format!("uses `{name}`, which is not a declared field"),
                    });
                }
            }
        }
    }
}

/// The first line where `name` appears as a whole word (the engine reports
/// undeclared names without a position).
fn first_line_using(source: &str, name: &str) -> Option<usize> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    source
        .lines()
        .position(|line| {
            line.match_indices(name).any(|(at, _)| {
                let before = line[..at].chars().next_back();
                let after = line[at + name.len()..].chars().next();
                !before.is_some_and(is_word) && !after.is_some_and(is_word)
            })
        })
        .map(|index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(subject: &str, body: &str, fields: Vec<FieldSpec>) -> TemplateSource {
        TemplateSource {
            description: String::new(),
            subject: subject.into(),
            fields,
            decision: None,
            body: body.into(),
        }
    }

    fn compile(source: TemplateSource) -> Result<Template, TemplateError> {
        Template::compile(
            TemplateName::parse("test").unwrap(),
            TemplateVersion::FIRST,
            source,
        )
    }

    #[test]
    fn names_accept_only_url_safe_lowercase() {
        assert!(TemplateName::parse("rfi").is_ok());
        assert!(TemplateName::parse("periodic-review-reminder").is_ok());
        for bad in ["", "Rfi", "1rfi", "rfi/../x", "r f", &"a".repeat(65)] {
            assert!(TemplateName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn field_names_are_identifiers_but_not_keywords() {
        assert!(FieldName::parse("respond_by").is_ok());
        for bad in ["", "Respond", "respond-by", "loop", "none", "_x"] {
            assert!(FieldName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn version_zero_is_refused_and_versions_count_up() {
        assert!(TemplateVersion::new(0).is_err());
        assert_eq!(TemplateVersion::FIRST.next().unwrap().get(), 2);
        let parsed: TemplateVersion = serde_json::from_str("3").unwrap();
        assert_eq!(parsed.get(), 3);
        assert!(serde_json::from_str::<TemplateVersion>("0").is_err());
    }

    #[test]
    fn a_syntax_error_is_refused_with_its_line() {
        let body = "Dear {{ customer_name }},\n\nLine two\n{% for x in address %}\nno end";
        let error = compile(source("Hello", body, vec![])).unwrap_err();
        assert_eq!(error.problems.len(), 1, "{error}");
        let problem = &error.problems[0];
        assert_eq!(problem.part, TemplatePart::Body);
        assert_eq!(problem.line, Some(5), "{error}");
        assert!(!problem.reason.is_empty());
    }

    #[test]
    fn every_problem_is_reported() {
        let fields = vec![
            FieldSpec::required(FieldName::parse("address").unwrap(), FieldType::String),
            FieldSpec::required(FieldName::parse("amount").unwrap(), FieldType::Integer),
            FieldSpec::required(FieldName::parse("amount").unwrap(), FieldType::Integer),
        ];
        let body = "Dear {{ customer_name }},\n\nYou owe {{ amount }} to {{ creditor }}.";
        let error = compile(source("Re {{ {{", body, fields)).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("`address` is a standard field"), "{text}");
        assert!(text.contains("`amount` is declared twice"), "{text}");
        assert!(text.contains("body line 3: uses `creditor`"), "{text}");
        assert!(text.contains("subject line 1"), "{text}");
        assert_eq!(error.problems.len(), 4, "{text}");
    }

    #[test]
    fn templates_cannot_include_import_or_extend() {
        for body in [
            "{% include 'other' %}",
            "{% import 'other' as o %}",
            "{% extends 'base' %}",
            "{% macro m() %}x{% endmacro %}",
        ] {
            assert!(
                compile(source("Hi", body, vec![])).is_err(),
                "{body} accepted"
            );
        }
    }

    #[test]
    fn loop_variables_and_implicit_variables_are_not_undeclared() {
        let body = "{% for line in address %}{{ line }} {{ loop.index }}{% endfor %}\n\
                    {{ bank_name }} {{ letter_date }} {{ range(3) | length }}";
        let template = compile(source("For {{ customer_name }}", body, vec![])).unwrap();
        assert_eq!(template.fields().len(), 3);
    }

    #[test]
    fn source_round_trips_through_json() {
        let json = r#"{"subject":"S","fields":[{"name":"documents","type":"string_list"},
            {"name":"respond_by","type":"date","optional":true}],"body":"B"}"#;
        let parsed: TemplateSource = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.fields[1].field_type, FieldType::Date);
        assert!(parsed.fields[1].optional);
        let again: TemplateSource =
            serde_json::from_str(&serde_json::to_string(&parsed).unwrap()).unwrap();
        assert_eq!(again, parsed);
        let typo = r#"{"subject":"S","body":"B","feilds":[]}"#;
        assert!(serde_json::from_str::<TemplateSource>(typo).is_err());
    }
}
