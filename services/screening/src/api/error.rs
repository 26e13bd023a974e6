//! How domain, load and store failures reach the caller.

use cdd_platform::problem::{self, FieldError, Problem, ProblemType};
use http::StatusCode;

use crate::SubjectError;
use crate::monitoring::{LoadError, ReloadError};
use crate::store::StoreError;

/// The configured list files are malformed: the service keeps the last good
/// version, and the caller (who asked for the reload) is told which file
/// and line to fix.
pub const LIST_LOAD_FAILED: ProblemType = ProblemType {
    slug: "list-load-failed",
    title: "The sanctions list files could not be loaded",
    status: StatusCode::UNPROCESSABLE_ENTITY,
};

impl From<StoreError> for Problem {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(cause) => Problem::unavailable(
                "the monitoring store is unavailable; retry shortly",
                2,
                cause,
            ),
            StoreError::Corrupt(cause) => Problem::internal(cause),
        }
    }
}

impl From<ReloadError> for Problem {
    fn from(err: ReloadError) -> Self {
        match err {
            ReloadError::Load(LoadError::Unavailable { source_name, cause }) => {
                Problem::unavailable(
                    format!(
                        "the list source {source_name} is unavailable; still serving the previous version"
                    ),
                    5,
                    cause,
                )
            }
            ReloadError::Load(e) => Problem::new(
                LIST_LOAD_FAILED,
                format!("{e}; still serving the previous list version"),
            ),
            ReloadError::Store(e) => e.into(),
            ReloadError::Rescreen(cause) => Problem::internal(cause),
        }
    }
}

/// The field a subject error is about, under `path` (`subject`, `subjects[3].subject`).
pub fn subject_field_error(path: &str, err: &SubjectError) -> FieldError {
    let field = match err {
        SubjectError::EmptyName
        | SubjectError::NameTooLong { .. }
        | SubjectError::TooManyWords { .. }
        | SubjectError::ControlCharacter { .. } => "name",
        SubjectError::InvalidBirthDate(_) => "birth_date",
        SubjectError::TooManyItems { field, .. } | SubjectError::ItemTooLong { field, .. } => {
            *field
        }
    };
    // The message of InvalidBirthDate repeats the value: say it without it.
    let message = match err {
        SubjectError::InvalidBirthDate(_) => "must be YYYY, YYYY-MM or YYYY-MM-DD".to_string(),
        other => other.to_string(),
    };
    let field = if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    };
    FieldError::new(field, message)
}

pub fn validation(errors: Vec<FieldError>) -> Problem {
    Problem::validation(errors)
}

pub fn bad_query(field: &str, message: impl Into<String>) -> Problem {
    let message = message.into();
    let mut p = Problem::new(
        problem::INVALID_REQUEST,
        format!("query parameter {field} {message}"),
    );
    p.errors.push(FieldError::new(field, message));
    p
}
