//! How the service's errors reach the caller, in one place.

use http::StatusCode;

use cdd_platform::problem::{self, FieldError, Problem, ProblemType};

use crate::catalogue::CatalogueError;
use crate::error::{RenderError, TemplateError};
use crate::issuing::IssueError;
use crate::store::StoreError;

/// A letter's stored file does not match the checksum it was issued with
/// (or is gone): it is reported, never served.
pub const STORED_CONTENT_CORRUPT: ProblemType = ProblemType {
    slug: "stored-content-corrupt",
    title: "The stored letter does not match its checksum",
    status: StatusCode::BAD_GATEWAY,
};

impl From<StoreError> for Problem {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::VersionExists { .. } => Problem::new(problem::CONFLICT, err.to_string()),
            StoreError::ClaimLost => Problem {
                retry_after: Some(1),
                ..Problem::new(
                    problem::CONFLICT,
                    "the request took so long that its Idempotency-Key was taken over; retry with the same key",
                )
            },
            StoreError::Unavailable(cause) => {
                Problem::unavailable("the letter store is unavailable; retry shortly", 2, cause)
            }
            StoreError::Corrupt(cause) => Problem::internal(cause),
        }
    }
}

/// A refused template: one error per problem, each naming the part and,
/// where known, the line.
pub fn template_refused(err: &TemplateError) -> Problem {
    let errors = err
        .problems
        .iter()
        .map(|p| {
            let message = match p.line {
                Some(line) => format!("line {line}: {}", p.reason),
                None => p.reason.clone(),
            };
            FieldError::new(p.part.to_string(), message)
        })
        .collect();
    Problem {
        detail: format!("the template does not compile: {err}"),
        ..Problem::validation(errors)
    }
}

impl From<CatalogueError> for Problem {
    fn from(err: CatalogueError) -> Self {
        match err {
            CatalogueError::Invalid(e) => template_refused(&e),
            CatalogueError::Incompatible { ref problems, .. } => {
                let errors = problems
                    .iter()
                    .map(|p| FieldError::new(p.path.clone(), p.reason.clone()))
                    .collect();
                Problem {
                    detail: format!(
                        "{err}: {}",
                        problems
                            .iter()
                            .map(|p| format!("{}: {}", p.path, p.reason))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                    ..Problem::validation(errors)
                }
            }
            CatalogueError::NotFound { .. } => Problem::new(problem::NOT_FOUND, err.to_string()),
            CatalogueError::Store(e) => e.into(),
        }
    }
}

fn one_field(field: &str, message: String) -> Problem {
    Problem::validation(vec![FieldError::new(field, message)])
}

impl From<RenderError> for Problem {
    fn from(err: RenderError) -> Self {
        match err {
            RenderError::InvalidData(errors) => Problem::validation(
                errors
                    .iter()
                    .map(|e| FieldError::new(format!("data.{}", e.field), e.to_string()))
                    .collect(),
            ),
            RenderError::Template(p) => one_field(
                "template",
                format!("the template failed while writing this letter: {p}"),
            ),
            RenderError::UnsupportedCharacters { .. } => {
                one_field("format", format!("{err}; ask for the html or text format"))
            }
            RenderError::TooLarge { .. } => one_field("data", err.to_string()),
            RenderError::Pdf(cause) => Problem::internal(cause),
        }
    }
}

impl From<IssueError> for Problem {
    fn from(err: IssueError) -> Self {
        match err {
            IssueError::KeyReused => Problem::new(
                problem::IDEMPOTENCY_KEY_REUSED,
                "this Idempotency-Key was already used with a different request body; use a new key for a new letter",
            ),
            IssueError::InProgress => Problem {
                retry_after: Some(1),
                ..Problem::new(
                    problem::CONFLICT,
                    "a request with this Idempotency-Key is still being processed; retry shortly with the same key",
                )
            },
            IssueError::Render(e) => e.into(),
            IssueError::Store(e) => e.into(),
            IssueError::NotFound => Problem::new(problem::NOT_FOUND, "no letter with that id"),
            IssueError::ContentCorrupt { id, reason } => Problem {
                internal: Some(format!("letter {id}: {reason}")),
                ..Problem::new(
                    STORED_CONTENT_CORRUPT,
                    format!(
                        "the stored file of letter {id} does not match the checksum it was issued with; it is not served (quote the request id)"
                    ),
                )
            },
        }
    }
}
