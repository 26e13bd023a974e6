//! Errors of the letters domain, one type per use case: parsing a value,
//! compiling a template, rendering a letter, finding a template.
//!
//! Every error that the caller can fix names what to fix (the field, the
//! line), so the HTTP layer can turn it into a 422 without guessing.

use std::fmt;

use serde::Serialize;

use crate::letter::LetterFormat;
use crate::template::{FieldType, TemplateName, TemplateVersion};

/// A domain value (name, version, identifier, setting) that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{what} is invalid: {reason}")]
pub struct InvalidValue {
    pub what: &'static str,
    pub reason: String,
}

impl InvalidValue {
    pub(crate) fn new(what: &'static str, reason: impl Into<String>) -> Self {
        Self {
            what,
            reason: reason.into(),
        }
    }
}

impl From<cdd_contracts::InvalidWireValue> for InvalidValue {
    fn from(e: cdd_contracts::InvalidWireValue) -> Self {
        Self::new(e.what, e.reason)
    }
}

/// Which part of a template a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplatePart {
    Subject,
    Body,
    Fields,
}

impl fmt::Display for TemplatePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Subject => "subject",
            Self::Body => "body",
            Self::Fields => "fields",
        })
    }
}

/// One reason a template is refused, with the line (1-based) where known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateProblem {
    pub part: TemplatePart,
    pub line: Option<usize>,
    pub reason: String,
}

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {}: {}", self.part, line, self.reason),
            None => write!(f, "{}: {}", self.part, self.reason),
        }
    }
}

/// A template that does not compile or declares its fields wrongly. Every
/// problem found is listed, not only the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("template refused: {}", join(.problems))]
pub struct TemplateError {
    pub problems: Vec<TemplateProblem>,
}

/// What is wrong with one field of the letter data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum FieldProblem {
    /// A required field is absent or null.
    Missing { expected: FieldType },
    /// The JSON value has the wrong type.
    WrongType {
        expected: FieldType,
        found: &'static str,
    },
    /// The type is right but the value is not acceptable (empty, too long,
    /// not a calendar date, control characters, ...).
    Invalid { reason: String },
    /// The template does not declare this field (often a typo).
    Unexpected,
}

/// One invalid field of the letter data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    #[serde(flatten)]
    pub problem: FieldProblem,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            FieldProblem::Missing { expected } => {
                write!(f, "`{}` is missing (expected {expected})", self.field)
            }
            FieldProblem::WrongType { expected, found } => {
                write!(f, "`{}` must be {expected}, not {found}", self.field)
            }
            FieldProblem::Invalid { reason } => write!(f, "`{}` {reason}", self.field),
            FieldProblem::Unexpected => {
                write!(f, "`{}` is not a field of this template", self.field)
            }
        }
    }
}

/// Why a letter could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The data does not match the template's declaration; each bad field is
    /// listed (the HTTP layer answers 422).
    #[error("the letter data is invalid: {}", join(.0))]
    InvalidData(Vec<FieldError>),
    /// The template failed while running (for instance it ran out of fuel).
    #[error("the template failed: {0}")]
    Template(TemplateProblem),
    /// No PDF font has a glyph for these characters (an unassigned or
    /// private-use code point, a script the service carries no font for);
    /// HTML and text work.
    #[error("the {format} letter cannot show these characters: {}", code_points(.characters))]
    UnsupportedCharacters {
        format: LetterFormat,
        characters: Vec<char>,
    },
    /// The rendered body is larger than a letter may be.
    #[error("the rendered letter body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    /// Our own PDF writing failed (a bug, not the caller's mistake).
    #[error("PDF writing failed: {0}")]
    Pdf(String),
}

/// Looking templates up by name and version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LibraryError {
    #[error("there is no template {name}{}", .version.map(|v| format!(" version {v}")).unwrap_or_default())]
    NotFound {
        name: TemplateName,
        version: Option<TemplateVersion>,
    },
    #[error("template {name} version {version} already exists")]
    VersionExists {
        name: TemplateName,
        version: TemplateVersion,
    },
}

/// Rendering a letter through the library: the template may be missing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error(transparent)]
    Render(#[from] RenderError),
}

fn join<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// `U+0378, U+E000`: characters named by code point (an unassigned one
/// shows as nothing, and the value may be personal data).
fn code_points(characters: &[char]) -> String {
    characters
        .iter()
        .map(|c| format!("U+{:04X}", u32::from(*c)))
        .collect::<Vec<_>>()
        .join(", ")
}
