//! Where document metadata and content are kept.
//!
//! Two ports, each with an embedded and an AWS adapter, held to one contract
//! suite (`tests/store_contract/`):
//! - [`DocumentStore`]: metadata by id and by customer; every update is
//!   conditional on the version read (lost updates are impossible).
//! - [`ContentStore`]: the files. Written as a stream through a
//!   [`ContentWriter`] that makes nothing visible until [`ContentWriter::finish`]
//!   (S3: a multipart upload completed only then, aborted otherwise;
//!   embedded: a temporary file renamed into place), read back as a stream.
//!
//! [`embedded::EmbeddedDocumentStore`] and [`dynamo::DynamoDocumentStore`]
//! implement the first; [`embedded::DirectoryContent`] and
//! [`s3::S3Content`] the second.

pub mod dynamo;
pub mod embedded;
pub mod s3;

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;

use crate::domain::document::Document;
use crate::domain::ids::{CustomerId, DocumentId, Sha256Digest};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("document {0} already exists")]
    AlreadyExists(DocumentId),
    /// The document changed since it was read (or is gone).
    #[error("document {id} is no longer at version {expected}")]
    VersionMismatch { id: DocumentId, expected: u64 },
    /// The bytes written do not match what the writer was told to expect.
    #[error("the content does not match its checksum: {0}")]
    ChecksumMismatch(String),
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Document metadata.
#[async_trait]
pub trait DocumentStore: Send + Sync + 'static {
    /// Stores a new document; [`StoreError::AlreadyExists`] if its id is taken.
    async fn insert(&self, document: &Document) -> StoreResult<()>;

    /// Replaces the document if it is still at `expected_version`, else
    /// [`StoreError::VersionMismatch`].
    async fn update(&self, document: &Document, expected_version: u64) -> StoreResult<()>;

    async fn document(&self, id: &DocumentId) -> StoreResult<Option<Document>>;

    /// A customer's documents, oldest first.
    async fn customer_documents(&self, customer: &CustomerId) -> StoreResult<Vec<Document>>;

    /// For readiness.
    async fn check(&self) -> StoreResult<()>;
}

/// A stored object being read: its size as stored and its bytes.
pub struct StoredContent {
    pub size: u64,
    pub body: BoxStream<'static, StoreResult<Bytes>>,
}

/// The document files.
#[async_trait]
pub trait ContentStore: Send + Sync + 'static {
    /// Starts writing the object at `key`. Nothing is visible under `key`
    /// until the writer finishes; a writer dropped unfinished cleans up
    /// after itself (S3: the multipart upload is aborted).
    async fn begin(&self, key: &str, content_type: &str) -> StoreResult<Box<dyn ContentWriter>>;

    /// The object at `key`, or `None`.
    async fn open(&self, key: &str) -> StoreResult<Option<StoredContent>>;

    /// Removes every stored version of the object (nothing there is fine).
    async fn erase(&self, key: &str) -> StoreResult<()>;

    /// A URL that fetches the object without a token for `ttl`, when the
    /// adapter can make one (S3); `None` otherwise.
    async fn presigned_get(&self, key: &str, ttl: Duration) -> StoreResult<Option<String>>;

    /// For readiness.
    async fn check(&self) -> StoreResult<()>;
}

/// An object being written.
#[async_trait]
pub trait ContentWriter: Send {
    /// Appends bytes.
    async fn write(&mut self, chunk: Bytes) -> StoreResult<()>;

    /// Makes the object visible; `sha256` is the whole file's digest, which
    /// the adapter checks against what it wrote.
    async fn finish(self: Box<Self>, sha256: &Sha256Digest) -> StoreResult<()>;

    /// Gives up: nothing is left behind.
    async fn abort(self: Box<Self>);
}
