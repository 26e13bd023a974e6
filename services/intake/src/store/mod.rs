//! Where customers, their audit trails and idempotency records are kept.
//!
//! [`CustomerStore`] is the port; [`embedded::EmbeddedStore`] (a durable
//! journal under `CDD_DATA_DIR`) and [`dynamo::DynamoStore`] (DynamoDB) are
//! the adapters. Both pass the same contract suite (`tests/store_contract.rs`).
//!
//! The rules both keep:
//! - a customer, its first audit event and the idempotency record are
//!   written together or not at all; a second create with the same key gets
//!   the first one's record back, never a second customer;
//! - a request's answer is recorded once: the first recorded stands;
//! - an update is conditional on the version the caller read, and writes the
//!   new record and its audit event together (no lost updates);
//! - audit events are never overwritten.

pub mod dynamo;
pub mod embedded;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::domain::audit::AuditEvent;
use crate::domain::record::{CaseStatus, Customer, CustomerId};

/// How long a retried request with the same `Idempotency-Key` gets the first answer.
pub const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;

/// A request with an `Idempotency-Key`, and once it has finished, its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    /// The caller's subject and key: two callers never share a key.
    pub key: String,
    /// SHA-256 of the canonical request body.
    pub request_hash: String,
    pub customer_id: CustomerId,
    /// Unix seconds after which the record no longer counts (DynamoDB TTL).
    pub expires_at: i64,
    /// Unix seconds when the first request began. Records written before
    /// answers were kept apart have none (0), and always an answer.
    #[serde(default)]
    pub started_at: i64,
    /// The first request's answer; `None` while that request is running.
    #[serde(flatten)]
    pub answer: Option<FirstAnswer>,
}

/// What the first request with a key was answered, replayed byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstAnswer {
    pub status: u16,
    /// The response body as sent (JSON text): far smaller in memory than a
    /// parsed value, and the same bytes every time.
    pub body: String,
    /// The customer's version in that response (its ETag).
    pub version: u64,
}

impl IdempotencyRecord {
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires_at <= now.unix_timestamp()
    }

    /// Still unanswered long after any request could have finished: the
    /// request that began it died (a crash, a kill) before answering.
    pub fn is_abandoned(&self, now: OffsetDateTime) -> bool {
        self.answer.is_none() && now.unix_timestamp() - self.started_at > ABANDONED_AFTER_SECS
    }
}

/// Seconds after which an unanswered request counts as abandoned: far
/// beyond what a create takes, even with every dependency timing out.
pub const ABANDONED_AFTER_SECS: i64 = 120;

/// A customer to create, with what must be written with it.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub customer: Customer,
    pub event: AuditEvent,
    pub idempotency: IdempotencyRecord,
}

/// The outcome of a create.
#[derive(Debug, Clone, PartialEq)]
pub enum CreateOutcome {
    Created,
    /// The key was used before; this is the first request's record.
    AlreadyDone(IdempotencyRecord),
}

/// Where a listing resumes: after `last_id` within the status at `status_index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    pub status_index: usize,
    pub last_id: CustomerId,
}

impl ListCursor {
    pub fn encode(&self) -> String {
        hex::encode(format!("{}|{}", self.status_index, self.last_id))
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let bytes = hex::decode(raw).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (index, id) = text.split_once('|')?;
        let status_index: usize = index.parse().ok()?;
        if status_index >= CaseStatus::ALL.len() {
            return None;
        }
        Some(Self {
            status_index,
            last_id: CustomerId::parse(id).ok()?,
        })
    }
}

/// One page of a listing, ordered by status then id (ids are time-ordered).
#[derive(Debug, Clone)]
pub struct Page {
    pub customers: Vec<Customer>,
    /// Present when there may be more.
    pub next: Option<ListCursor>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the customer changed since version {expected} was read")]
    VersionConflict { expected: u64 },
    #[error("no such customer")]
    NotFound,
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The storage port of the intake service.
#[async_trait]
pub trait CustomerStore: Send + Sync + 'static {
    /// Creates the customer with its first audit event and idempotency
    /// record, unless a live record with the same key exists.
    async fn create(&self, new: NewCustomer) -> StoreResult<CreateOutcome>;

    /// A live idempotency record for `key`.
    async fn find_idempotency(&self, key: &str) -> StoreResult<Option<IdempotencyRecord>>;

    /// Records `answer` as the answer to `key`'s request unless one is
    /// recorded already, and returns the record in force: the first answer
    /// recorded wins, and every replay gets it. `NotFound` if there is no
    /// live record for `key`.
    async fn answer_idempotency(
        &self,
        key: &str,
        answer: FirstAnswer,
    ) -> StoreResult<IdempotencyRecord>;

    async fn get(&self, id: &CustomerId) -> StoreResult<Option<Customer>>;

    /// Replaces the customer if its stored version is still `expected_version`
    /// (`customer.version` must be `expected_version + 1`), appending `event`.
    async fn update(
        &self,
        customer: Customer,
        expected_version: u64,
        event: AuditEvent,
    ) -> StoreResult<()>;

    async fn list(
        &self,
        status: Option<CaseStatus>,
        cursor: Option<ListCursor>,
        limit: usize,
    ) -> StoreResult<Page>;

    /// The customer's audit events in order.
    async fn audit_trail(&self, id: &CustomerId) -> StoreResult<Vec<AuditEvent>>;

    /// Customers with steps still pending (see [`crate::domain::casefile::PendingStep`]),
    /// at most `limit`, for the casework worker to finish.
    async fn with_pending_steps(&self, limit: usize) -> StoreResult<Vec<CustomerId>>;

    /// A saved position in a feed another service publishes (the
    /// monitoring alerts), by name.
    async fn cursor(&self, name: &str) -> StoreResult<Option<String>>;

    async fn save_cursor(&self, name: &str, value: &str) -> StoreResult<()>;

    /// For readiness: can the store be reached and written?
    async fn check(&self) -> StoreResult<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_kept_before_answers_were_apart_still_replays_its_answer() {
        let id = CustomerId::generate();
        let stored = serde_json::json!({
            "key": "clerk-1#k", "request_hash": "h", "status": 201,
            "body": "{\"id\":1}", "version": 3, "customer_id": id.as_str(),
            "expires_at": 10,
        });
        let record: IdempotencyRecord = serde_json::from_value(stored).unwrap();
        assert_eq!(
            record.answer,
            Some(FirstAnswer {
                status: 201,
                body: "{\"id\":1}".into(),
                version: 3
            })
        );
        assert_eq!(record.started_at, 0);
        let unanswered = IdempotencyRecord {
            answer: None,
            ..record
        };
        let text = serde_json::to_string(&unanswered).unwrap();
        let back: IdempotencyRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(back, unanswered);
        assert!(back.is_abandoned(OffsetDateTime::now_utc()));
    }
}
