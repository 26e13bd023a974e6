//! The use cases: upload a document, read it and its content, verify it,
//! place a legal hold, erase it, and hand out download links.
//!
//! # Upload
//! The body is streamed: the first bytes decide the file type (and must agree
//! with the declared one), then every chunk is hashed, counted and handed to
//! the content store, which uploads it part by part. Passing the size limit,
//! a broken body or a store failure aborts the write, so an upload that does
//! not finish leaves neither content nor metadata. The metadata (with the
//! full-file SHA-256) is written only after the content is complete.
//!
//! # Reading content
//! The stored size must match the metadata's before anything is sent. Then:
//! - a file up to [`VERIFY_BEFORE_SERVING_BYTES`] is read whole and checked
//!   against its SHA-256 before the first byte goes out: a damaged file is
//!   reported (502 `stored-content-corrupt`), never served;
//! - a larger file is streamed with the digest computed on the way; if it
//!   does not match at the end, the stream ends with an error instead of
//!   its last chunk, so the connection is cut and the client never receives
//!   a complete, clean response (and the mismatch is logged). Clients must
//!   treat a cut transfer as a failure, as HTTP requires with a
//!   `Content-Length`.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::domain::document::{
    Document, DocumentType, NewDocument, RuleViolation, VerificationStatus,
};
use crate::domain::ids::{CustomerId, DocumentId, Sha256Digest, object_key};
use crate::domain::media::{MediaType, SNIFF_BYTES};
use crate::domain::retention::RetentionRule;
use crate::store::{ContentStore, DocumentStore, StoreError};

/// Files up to this size are verified whole before they are served.
pub const VERIFY_BEFORE_SERVING_BYTES: u64 = 8 * 1024 * 1024;
/// How long a download link works.
pub const DOWNLOAD_LINK_TTL: Duration = Duration::from_secs(300);

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("no document with that id")]
    NotFound,
    #[error("the document was erased")]
    Erased,
    #[error("the file is larger than the {limit} bytes allowed")]
    TooLarge { limit: u64 },
    #[error("{0}")]
    UnsupportedType(String),
    #[error("the request body is empty")]
    EmptyBody,
    #[error("the request body could not be read: {0}")]
    BodyRead(String),
    #[error("the document is at version {current}, not {expected}")]
    Stale { current: u64, expected: u64 },
    #[error(transparent)]
    Rule(#[from] RuleViolation),
    #[error("the stored content of document {id} is damaged: {reason}")]
    ContentCorrupt { id: DocumentId, reason: String },
    #[error("download links need the S3 backend")]
    LinksUnavailable,
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type DocumentResult<T> = Result<T, DocumentError>;

/// A file to store.
pub struct Upload {
    pub customer_id: CustomerId,
    pub document_type: DocumentType,
    /// The related party the document is about, if not the customer.
    pub party: Option<String>,
    pub declared: MediaType,
    /// `Content-Length`, when the client sent one.
    pub declared_length: Option<u64>,
    pub uploaded_by: String,
}

/// A document's content, checked as described in the module docs.
pub enum Content {
    /// Read whole and verified.
    Whole(Bytes),
    /// Verified as it streams; ends with an error on a mismatch.
    Streamed(BoxStream<'static, Result<Bytes, std::io::Error>>),
}

/// The documents register.
pub struct DocumentRegister {
    documents: Arc<dyn DocumentStore>,
    content: Arc<dyn ContentStore>,
    max_bytes: u64,
    retention: RetentionRule,
}

impl DocumentRegister {
    pub fn new(
        documents: Arc<dyn DocumentStore>,
        content: Arc<dyn ContentStore>,
        max_bytes: u64,
        retention: RetentionRule,
    ) -> Self {
        Self {
            documents,
            content,
            max_bytes,
            retention,
        }
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Streams `body` into the content store and records the document.
    pub async fn upload<S, E>(&self, upload: Upload, body: S) -> DocumentResult<Document>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: std::fmt::Display,
    {
        let limit = self.max_bytes;
        if upload.declared_length.is_some_and(|len| len > limit) {
            return Err(DocumentError::TooLarge { limit });
        }
        let mut body: Pin<Box<S>> = Box::pin(body);
        let read_error = |e: E| DocumentError::BodyRead(e.to_string());

        // The first bytes decide the type before anything is stored.
        let mut head = BytesMut::new();
        let mut early: Vec<Bytes> = Vec::new();
        while head.len() < SNIFF_BYTES {
            match body.next().await {
                Some(Ok(chunk)) => {
                    let take = chunk.len().min(SNIFF_BYTES - head.len());
                    head.extend_from_slice(&chunk[..take]);
                    early.push(chunk);
                }
                Some(Err(e)) => return Err(read_error(e)),
                None => break,
            }
        }
        if head.is_empty() {
            return Err(DocumentError::EmptyBody);
        }
        let detected = MediaType::sniff(&head).ok_or_else(|| {
            DocumentError::UnsupportedType(format!(
                "the file is none of the accepted types ({})",
                MediaType::accepted_list()
            ))
        })?;
        if detected != upload.declared {
            return Err(DocumentError::UnsupportedType(format!(
                "the file is {} but was declared as {}",
                detected.mime(),
                upload.declared.mime()
            )));
        }

        let id = DocumentId::generate();
        let key = object_key(&upload.customer_id, &id);
        let mut writer = self.content.begin(&key, detected.mime()).await?;
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut early = early.into_iter();
        let outcome: DocumentResult<()> = async {
            loop {
                let chunk = match early.next() {
                    Some(chunk) => chunk,
                    None => match body.next().await {
                        Some(Ok(chunk)) => chunk,
                        Some(Err(e)) => return Err(read_error(e)),
                        None => return Ok(()),
                    },
                };
                size += chunk.len() as u64;
                if size > limit {
                    return Err(DocumentError::TooLarge { limit });
                }
                hasher.update(&chunk);
                writer.write(chunk).await?;
            }
        }
        .await;
        if let Err(e) = outcome {
            writer.abort().await;
            return Err(e);
        }
        let sha256 = Sha256Digest::from_hasher(hasher);
        writer.finish(&sha256).await?;

        let now = OffsetDateTime::now_utc();
        let document = Document::new(NewDocument {
            id,
            customer_id: upload.customer_id,
            document_type: upload.document_type,
            party: upload.party,
            content_type: detected,
            size,
            sha256,
            object_key: key.clone(),
            uploaded_by: upload.uploaded_by,
            uploaded_at: now,
            retain_until: self
                .retention
                .retain_until(upload.document_type, now.date()),
        });
        if let Err(e) = self.documents.insert(&document).await {
            // Content without metadata would be an orphan no one can find.
            if let Err(cleanup) = self.content.erase(&key).await {
                tracing::error!(error = %cleanup, document = %document.id, "could not remove the content of a document whose metadata was not written");
            }
            return Err(e.into());
        }
        tracing::info!(document = %document.id, size, content_type = detected.mime(), "document stored");
        Ok(document)
    }

    /// The document's metadata (erased ones too: their history remains).
    pub async fn document(&self, id: &DocumentId) -> DocumentResult<Document> {
        self.documents
            .document(id)
            .await?
            .ok_or(DocumentError::NotFound)
    }

    pub async fn customer_documents(&self, customer: &CustomerId) -> DocumentResult<Vec<Document>> {
        Ok(self.documents.customer_documents(customer).await?)
    }

    /// The document and its verified content.
    pub async fn content(&self, id: &DocumentId) -> DocumentResult<(Document, Content)> {
        let document = self.document(id).await?;
        if document.erased_at.is_some() {
            return Err(DocumentError::Erased);
        }
        let corrupt = |reason: String| DocumentError::ContentCorrupt {
            id: document.id.clone(),
            reason,
        };
        let stored = self
            .content
            .open(&document.object_key)
            .await?
            .ok_or_else(|| corrupt("the stored object is missing".into()))?;
        if stored.size != document.size {
            return Err(corrupt(format!(
                "the stored object has {} bytes, the document {}",
                stored.size, document.size
            )));
        }
        if document.size <= VERIFY_BEFORE_SERVING_BYTES {
            let mut bytes = BytesMut::with_capacity(document.size as usize);
            let mut body = stored.body;
            while let Some(chunk) = body.next().await {
                bytes.extend_from_slice(&chunk?);
                if bytes.len() as u64 > document.size {
                    return Err(corrupt("the stored object is longer than recorded".into()));
                }
            }
            let digest = Sha256Digest::of(&bytes);
            if digest != document.sha256 {
                return Err(corrupt(format!(
                    "its SHA-256 is {digest}, recorded {}",
                    document.sha256
                )));
            }
            return Ok((document, Content::Whole(bytes.freeze())));
        }
        let stream = verified(
            stored.body,
            document.id.clone(),
            document.size,
            document.sha256,
        );
        Ok((document, Content::Streamed(stream)))
    }

    async fn change(
        &self,
        id: &DocumentId,
        expected: Option<u64>,
        apply: impl FnOnce(&mut Document) -> DocumentResult<bool>,
    ) -> DocumentResult<Document> {
        let mut document = self.document(id).await?;
        let read = document.version;
        if let Some(expected) = expected
            && expected != read
        {
            return Err(DocumentError::Stale {
                current: read,
                expected,
            });
        }
        if !apply(&mut document)? {
            return Ok(document);
        }
        match self.documents.update(&document, read).await {
            Ok(()) => Ok(document),
            Err(StoreError::VersionMismatch { .. }) => {
                let current = self.document(id).await?.version;
                Err(DocumentError::Stale {
                    current,
                    expected: read,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// An analyst's verdict, if the document is still at `expected_version`.
    pub async fn verify(
        &self,
        id: &DocumentId,
        expected_version: u64,
        status: VerificationStatus,
        reason: Option<String>,
        by: &str,
    ) -> DocumentResult<Document> {
        self.change(id, Some(expected_version), |d| {
            d.verify(status, reason, by, OffsetDateTime::now_utc())?;
            Ok(true)
        })
        .await
    }

    /// Places or releases a legal hold.
    pub async fn legal_hold(
        &self,
        id: &DocumentId,
        on: bool,
        reason: String,
        by: &str,
    ) -> DocumentResult<Document> {
        self.change(id, None, |d| {
            Ok(d.set_legal_hold(on, reason, by, OffsetDateTime::now_utc())?)
        })
        .await
    }

    /// Erases the document's content (every stored version) once retention
    /// allows and no hold is on; the metadata stays as a record that it was
    /// erased. Repeating an erasure retries the content removal.
    pub async fn erase(&self, id: &DocumentId, by: &str) -> DocumentResult<Document> {
        let current = self.document(id).await?;
        let document = if current.erased_at.is_some() {
            current
        } else {
            self.change(id, None, |d| {
                d.erase(by, OffsetDateTime::now_utc())?;
                Ok(true)
            })
            .await?
        };
        self.content.erase(&document.object_key).await?;
        tracing::info!(document = %document.id, "document erased");
        Ok(document)
    }

    /// A presigned link to the content, valid for [`DOWNLOAD_LINK_TTL`].
    pub async fn download_url(&self, id: &DocumentId) -> DocumentResult<(Document, String)> {
        let document = self.document(id).await?;
        if document.erased_at.is_some() {
            return Err(DocumentError::Erased);
        }
        match self
            .content
            .presigned_get(&document.object_key, DOWNLOAD_LINK_TTL)
            .await?
        {
            Some(url) => Ok((document, url)),
            None => Err(DocumentError::LinksUnavailable),
        }
    }
}

/// `body` with its length and SHA-256 checked as it passes; a mismatch ends
/// the stream with an error (and a log line) instead of a clean end.
fn verified(
    body: BoxStream<'static, Result<Bytes, StoreError>>,
    id: DocumentId,
    size: u64,
    sha256: Sha256Digest,
) -> BoxStream<'static, Result<Bytes, std::io::Error>> {
    struct Check {
        body: BoxStream<'static, Result<Bytes, StoreError>>,
        hasher: Sha256,
        seen: u64,
        finished: bool,
    }
    let fail = |id: &DocumentId, reason: String| {
        tracing::error!(document = %id, reason = %reason, "stored content does not match its checksum; the download is cut off");
        std::io::Error::other(format!("document {id}: {reason}"))
    };
    let state = Check {
        body,
        hasher: Sha256::new(),
        seen: 0,
        finished: false,
    };
    Box::pin(futures::stream::unfold(state, move |mut s| {
        let id = id.clone();
        async move {
            if s.finished {
                return None;
            }
            match s.body.next().await {
                Some(Ok(chunk)) => {
                    s.seen += chunk.len() as u64;
                    s.hasher.update(&chunk);
                    if s.seen > size {
                        s.finished = true;
                        return Some((Err(fail(&id, "longer than recorded".into())), s));
                    }
                    if s.seen == size {
                        // Check before the last chunk goes out, so a damaged
                        // file never arrives complete.
                        let digest = Sha256Digest::from_hasher(std::mem::take(&mut s.hasher));
                        s.finished = true;
                        if digest != sha256 {
                            return Some((
                                Err(fail(&id, format!("SHA-256 {digest}, recorded {sha256}"))),
                                s,
                            ));
                        }
                    }
                    Some((Ok(chunk), s))
                }
                Some(Err(e)) => {
                    s.finished = true;
                    Some((Err(std::io::Error::other(e.to_string())), s))
                }
                None => {
                    s.finished = true;
                    if s.seen < size {
                        Some((Err(fail(&id, "shorter than recorded".into())), s))
                    } else {
                        None
                    }
                }
            }
        }
    }))
}
