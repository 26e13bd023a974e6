//! Where templates, issued letters and their files are kept.
//!
//! Three ports, each with an embedded and an AWS adapter, all held to one
//! contract suite (`tests/store_contract/`):
//! - [`TemplateStore`]: template versions. A published version is never
//!   overwritten (a conditional write, not a read-then-write).
//! - [`LetterStore`]: issued letters by id and by customer, and the
//!   idempotency records of `POST /v1/letters`.
//! - [`OutboundBucket`]: the letter files (S3 with SSE-KMS and a SHA-256
//!   checksum, or files written atomically under `CDD_DATA_DIR`).
//!
//! [`embedded::EmbeddedStore`] and [`dynamo::DynamoStore`] implement the first
//! two; [`embedded::DirectoryBucket`] and [`s3::S3Bucket`] the third.
//!
//! # Idempotency
//! A request claims its `Idempotency-Key` before it writes anything: the
//! claim is a conditional write of a *pending* record holding the new
//! letter's id. Exactly one of many concurrent requests wins the claim; the
//! winner writes the file, then records the letter and completes the claim
//! (with the response) in one write. The others see the pending record and
//! wait for it to complete, then answer with the stored response, so every
//! one of them answers the same. A claim whose holder died is taken over
//! once its lease has run out.

pub mod dynamo;
pub mod embedded;
pub mod s3;

use async_trait::async_trait;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::issued::{IssuedLetter, LetterId};
use crate::letter::{CustomerId, Sha256Digest};
use crate::template::{TemplateName, TemplateSource, TemplateVersion};

/// How long a retried `POST /v1/letters` gets the first answer.
pub const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;
/// How long a claim holds its key before another request may take it over
/// (well beyond the request timeout, so a live holder never loses it).
pub const CLAIM_LEASE_SECS: i64 = 60;

/// One published template version, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTemplate {
    pub name: TemplateName,
    pub version: TemplateVersion,
    pub source: TemplateSource,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// The token subject that published it (`builtin` for the built-ins).
    pub published_by: String,
}

/// A template name with its latest version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub name: TemplateName,
    pub latest_version: TemplateVersion,
    pub description: String,
}

/// Where a claimed key stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum IdempotencyState {
    /// A request holds the key until `lease_until` (Unix seconds).
    Pending { lease_until: i64 },
    /// The letter is issued; every retry gets this answer.
    Complete {
        status: u16,
        response: serde_json::Value,
    },
}

/// The record of one `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    /// The caller's subject and key: two callers never share a key.
    pub key: String,
    /// SHA-256 of the canonical request body.
    pub request_hash: String,
    /// The letter this key issues.
    pub letter_id: LetterId,
    #[serde(flatten)]
    pub state: IdempotencyState,
    /// Unix seconds after which the record no longer counts (DynamoDB TTL).
    pub expires_at: i64,
}

impl IdempotencyRecord {
    /// A fresh claim made at `now`.
    pub fn claim(key: String, request_hash: String, letter_id: LetterId, now: i64) -> Self {
        Self {
            key,
            request_hash,
            letter_id,
            state: IdempotencyState::Pending {
                lease_until: now + CLAIM_LEASE_SECS,
            },
            expires_at: now + IDEMPOTENCY_TTL_SECS,
        }
    }

    /// Whether the record still holds its key at `now`: not expired, and not
    /// a pending claim whose lease has run out.
    pub fn is_live(&self, now: i64) -> bool {
        match self.state {
            _ if self.expires_at <= now => false,
            IdempotencyState::Pending { lease_until } => lease_until > now,
            IdempotencyState::Complete { .. } => true,
        }
    }
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimOutcome {
    /// The key is ours: go on and issue the letter.
    Claimed,
    /// A live record holds the key (pending or complete).
    Held(IdempotencyRecord),
}

/// A letter file to write to the outbound bucket.
#[derive(Debug, Clone)]
pub struct OutboundObject {
    pub key: String,
    pub bytes: Bytes,
    pub sha256: Sha256Digest,
    pub content_type: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("template {name} version {version} already exists")]
    VersionExists {
        name: TemplateName,
        version: TemplateVersion,
    },
    /// The claim was taken over (its lease ran out) before the letter was
    /// recorded.
    #[error("the idempotency claim was lost before the letter was recorded")]
    ClaimLost,
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Template versions.
#[async_trait]
pub trait TemplateStore: Send + Sync + 'static {
    /// Adds a version; [`StoreError::VersionExists`] if it is already there.
    async fn publish(&self, template: &StoredTemplate) -> StoreResult<()>;

    /// One version, or the latest with `None`.
    async fn template(
        &self,
        name: &TemplateName,
        version: Option<TemplateVersion>,
    ) -> StoreResult<Option<StoredTemplate>>;

    /// Every name with its latest version, by name.
    async fn catalogue(&self) -> StoreResult<Vec<TemplateSummary>>;
}

/// Issued letters and idempotency records.
#[async_trait]
pub trait LetterStore: Send + Sync + 'static {
    /// Claims `claim.key`, unless a live record holds it.
    async fn claim(&self, claim: &IdempotencyRecord) -> StoreResult<ClaimOutcome>;

    /// Gives up a pending claim (the letter could not be written), if it is
    /// still held for `letter_id`.
    async fn release(&self, key: &str, letter_id: &LetterId) -> StoreResult<()>;

    /// Records the letter and completes the claim on `key` with the answer,
    /// together; [`StoreError::ClaimLost`] if the claim is no longer ours.
    async fn record(
        &self,
        letter: &IssuedLetter,
        key: &str,
        status: u16,
        response: &serde_json::Value,
    ) -> StoreResult<()>;

    /// The live record for `key`.
    async fn idempotency(&self, key: &str) -> StoreResult<Option<IdempotencyRecord>>;

    async fn letter(&self, id: &LetterId) -> StoreResult<Option<IssuedLetter>>;

    /// A customer's letters, oldest first.
    async fn customer_letters(&self, customer: &CustomerId) -> StoreResult<Vec<IssuedLetter>>;

    /// For readiness.
    async fn check(&self) -> StoreResult<()>;
}

/// The letter files.
#[async_trait]
pub trait OutboundBucket: Send + Sync + 'static {
    /// Writes the object whole or not at all; the adapter checks the bytes
    /// against `sha256` on the way in.
    async fn put(&self, object: OutboundObject) -> StoreResult<()>;

    /// The object's bytes as stored (the caller checks them).
    async fn get(&self, key: &str) -> StoreResult<Option<Bytes>>;

    /// For readiness.
    async fn check(&self) -> StoreResult<()>;
}
