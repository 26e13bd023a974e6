//! The services intake depends on, as ports: screening, documents and
//! letters. [`http`] holds the adapters that find them by Cloud Map DNS and
//! call them; tests run the real services behind the same adapters.

pub mod http;
pub mod token;

use async_trait::async_trait;
use cdd_contracts::documents::Document;
use cdd_contracts::letters::{Letter, LetterRequest};
use cdd_contracts::screening::{AlertPage, BatchRequest, BatchScreening};

pub use token::ServiceToken;

/// Why a call to another service did not give an answer intake can use.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DependencyError {
    /// Not reachable now (down, not resolvable, timed out, 5xx): retry later.
    #[error("{service} is unavailable: {detail}")]
    Unavailable { service: String, detail: String },
    /// It answered, but refused the request: retrying the same will not help.
    #[error("{service} refused the request ({status}): {detail}")]
    Refused {
        service: String,
        status: u16,
        detail: String,
    },
}

impl DependencyError {
    pub fn service(&self) -> &str {
        match self {
            Self::Unavailable { service, .. } | Self::Refused { service, .. } => service,
        }
    }
}

pub type DependencyResult<T> = Result<T, DependencyError>;

/// Sanctions screening and its monitoring feed.
#[async_trait]
pub trait Screening: Send + Sync + 'static {
    /// Screens the subjects (and enrols them for monitoring when asked).
    /// `key` identifies the request so a retry is recognised.
    async fn screen(&self, key: &str, batch: &BatchRequest) -> DependencyResult<BatchScreening>;

    /// The monitoring alerts raised after the cursor `since`.
    async fn alerts(&self, since: Option<&str>, limit: usize) -> DependencyResult<AlertPage>;
}

/// The customer's documents and their verification.
#[async_trait]
pub trait Documents: Send + Sync + 'static {
    async fn customer_documents(&self, customer_id: &str) -> DependencyResult<Vec<Document>>;
}

/// Letters to the customer.
#[async_trait]
pub trait Letters: Send + Sync + 'static {
    /// Issues the letter; the same `key` and request return the first letter.
    async fn issue(&self, key: &str, request: &LetterRequest) -> DependencyResult<Letter>;
}
