//! Where monitored subjects and their alerts are kept.
//!
//! [`MonitoringStore`] is the port; [`embedded::EmbeddedStore`] (a durable
//! journal under `CDD_DATA_DIR`) and [`dynamo::DynamoStore`] (DynamoDB,
//! `CDD_SCREENING_TABLE`) are the adapters. Both pass the same contract
//! suite (`tests/store_contract.rs`).
//!
//! The rules both keep:
//! - a subject is alerted on an entity at most once: raising an alert and
//!   marking the entity known for the subject happen together, and an alert
//!   for an entity already known is dropped (so two reloads, or two tasks
//!   reloading at once, never duplicate an alert);
//! - re-enrolling a subject replaces its details and keeps what it knew;
//! - alerts are read in the order they were raised, after a cursor.

pub mod dynamo;
pub mod embedded;

use async_trait::async_trait;

use crate::monitoring::{Alert, MonitoredSubject, NewAlert};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The storage port of ongoing monitoring.
#[async_trait]
pub trait MonitoringStore: Send + Sync + 'static {
    /// Starts monitoring a subject, or updates one already monitored under
    /// the same `subject_ref` (its known matches are merged).
    async fn enroll(&self, subject: MonitoredSubject) -> StoreResult<()>;

    async fn subject(&self, subject_ref: &str) -> StoreResult<Option<MonitoredSubject>>;

    /// Every monitored subject, ordered by `subject_ref`.
    async fn subjects(&self) -> StoreResult<Vec<MonitoredSubject>>;

    /// Raises, in order, the alerts whose entity is not yet known for their
    /// subject, and marks those entities known. Returns the alerts raised.
    async fn raise_alerts(&self, alerts: Vec<NewAlert>) -> StoreResult<Vec<Alert>>;

    /// Records that these subjects have been rescreened against `list_version`.
    async fn mark_rescreened(&self, subject_refs: &[String], list_version: &str)
    -> StoreResult<()>;

    /// Up to `limit` alerts raised after the one at `after` (0: from the start).
    async fn alerts(&self, after: u64, limit: usize) -> StoreResult<Vec<Alert>>;

    /// For readiness: can the store be reached?
    async fn check(&self) -> StoreResult<()>;
}
