//! How the service's errors reach the caller, in one place.

use http::StatusCode;

use cdd_platform::problem::{self, Problem, ProblemType};

use crate::domain::document::RuleViolation;
use crate::register::DocumentError;
use crate::store::StoreError;

/// A document's stored content does not match its size or SHA-256 (or is
/// gone): it is reported, never served.
pub const STORED_CONTENT_CORRUPT: ProblemType = ProblemType {
    slug: "stored-content-corrupt",
    title: "The stored document does not match its checksum",
    status: StatusCode::BAD_GATEWAY,
};

/// The document was erased after its retention period; only its record remains.
pub const DOCUMENT_ERASED: ProblemType = ProblemType {
    slug: "document-erased",
    title: "The document was erased",
    status: StatusCode::GONE,
};

/// Download links exist only with the S3 backend.
pub const LINKS_UNAVAILABLE: ProblemType = ProblemType {
    slug: "download-links-unavailable",
    title: "Download links are not available in this deployment",
    status: StatusCode::NOT_IMPLEMENTED,
};

impl From<StoreError> for Problem {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::AlreadyExists(_) => Problem::new(problem::CONFLICT, err.to_string()),
            StoreError::VersionMismatch { .. } => Problem::new(
                problem::PRECONDITION_FAILED,
                "the document changed meanwhile; read it again",
            ),
            StoreError::Unavailable(cause) => {
                Problem::unavailable("the document store is unavailable; retry shortly", 2, cause)
            }
            StoreError::ChecksumMismatch(cause) | StoreError::Corrupt(cause) => {
                Problem::internal(cause)
            }
        }
    }
}

impl From<DocumentError> for Problem {
    fn from(err: DocumentError) -> Self {
        match err {
            DocumentError::NotFound => Problem::new(problem::NOT_FOUND, err.to_string()),
            DocumentError::Erased => Problem::new(
                DOCUMENT_ERASED,
                "the document was erased after its retention period; its record remains",
            ),
            DocumentError::TooLarge { .. } => {
                Problem::new(problem::PAYLOAD_TOO_LARGE, err.to_string())
            }
            DocumentError::UnsupportedType(_) => {
                Problem::new(problem::UNSUPPORTED_MEDIA_TYPE, err.to_string())
            }
            DocumentError::EmptyBody => Problem::validation(vec![cdd_platform::FieldError::new(
                "(body)",
                "the file is empty",
            )]),
            DocumentError::BodyRead(_) => Problem::new(problem::INVALID_REQUEST, err.to_string()),
            DocumentError::Stale { current, .. } => Problem::new(
                problem::PRECONDITION_FAILED,
                format!("{err}; read it again (ETag \"{current}\")"),
            ),
            DocumentError::Rule(rule) => match rule {
                RuleViolation::Erased => Problem::new(DOCUMENT_ERASED, rule.to_string()),
                _ => Problem::new(problem::CONFLICT, rule.to_string()),
            },
            DocumentError::ContentCorrupt { ref id, ref reason } => Problem {
                internal: Some(format!("document {id}: {reason}")),
                ..Problem::new(
                    STORED_CONTENT_CORRUPT,
                    format!(
                        "the stored content of document {id} does not match its checksum; it is not served (quote the request id)"
                    ),
                )
            },
            DocumentError::LinksUnavailable => Problem::new(
                LINKS_UNAVAILABLE,
                "presigned download links need the S3 backend; with the embedded backend fetch GET /v1/documents/{id}/content with your token",
            ),
            DocumentError::Store(e) => e.into(),
        }
    }
}
