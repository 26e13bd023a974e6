//! The S3 adapter of the document content.
//!
//! An upload is buffered into parts of `part_size` bytes (8 MiB by default).
//! A file smaller than one part is sent with one `PutObject` carrying its
//! SHA-256 as the S3 checksum, so S3 refuses bytes damaged on the way. A
//! larger file becomes a multipart upload, created when the first part is
//! full: each part carries its own SHA-256 checksum (S3 checks each on
//! arrival, and the object's checksum is then a checksum of the parts'
//! checksums, `<base64>-<parts>`, not the file's digest, which is why the
//! service keeps its own full-file SHA-256 in the metadata and verifies reads
//! with it). The upload is completed only when the whole body has arrived and
//! its digest matches; on any failure, or when the writer is dropped
//! unfinished (the client went away), it is aborted, so no part is left
//! behind.
//!
//! One part is on the way while the next fills (each part one allocation of
//! exactly its size), so one upload holds two or three parts in memory.
//!
//! Every object is written with SSE-KMS under `CDD_DOCUMENTS_KMS_KEY_ID` when
//! that is set (otherwise the bucket's default encryption, SSE-KMS in
//! Terraform, applies). Erasure deletes every version of the object.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketVersioningStatus, ChecksumAlgorithm, ChecksumMode, CompletedMultipartUpload,
    CompletedPart, ObjectIdentifier, ServerSideEncryption, VersioningConfiguration,
};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesOrdered;
use sha2::{Digest, Sha256};

use super::{ContentStore, ContentWriter, StoreError, StoreResult, StoredContent};
use crate::domain::ids::Sha256Digest;

/// The default size of one multipart part.
pub const DEFAULT_PART_SIZE: usize = 8 * 1024 * 1024;
/// Parts on the way while the next one fills. Measured on a 1 GiB upload
/// to the emulator: one in flight (plus one filling) keeps the service's
/// resident memory growth at 45-55 MB; two in flight passed 90 MB (freed
/// 8 MiB buffers linger in the allocator's per-thread arenas) for no gain.
/// Throughput across documents comes from concurrent uploads instead.
const PARTS_IN_FLIGHT: usize = 1;
/// S3's smallest part (but the last).
const MIN_PART_SIZE: usize = 5 * 1024 * 1024;

/// The documents bucket in S3.
pub struct S3Content {
    client: Client,
    bucket: String,
    kms_key_id: Option<String>,
    part_size: usize,
}

fn unavailable<E: std::error::Error + 'static>(what: &str, err: E) -> StoreError {
    StoreError::Unavailable(format!("{what}: {}", DisplayErrorContext(err)))
}

impl S3Content {
    pub fn new(client: Client, bucket: impl Into<String>, kms_key_id: Option<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
            kms_key_id,
            part_size: DEFAULT_PART_SIZE,
        }
    }

    /// Uses parts of `bytes` (at least S3's 5 MiB minimum).
    pub fn with_part_size(mut self, bytes: usize) -> Self {
        self.part_size = bytes.max(MIN_PART_SIZE);
        self
    }

    /// Creates a versioned bucket (for emulators and tests; Terraform owns
    /// it in AWS).
    pub async fn create_bucket(client: &Client, bucket: &str) -> anyhow::Result<()> {
        client
            .create_bucket()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("creating bucket {bucket}: {}", DisplayErrorContext(e)))?;
        client
            .put_bucket_versioning()
            .bucket(bucket)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| {
                anyhow::anyhow!("versioning bucket {bucket}: {}", DisplayErrorContext(e))
            })?;
        Ok(())
    }

    /// Aborts open uploads, deletes every version and the bucket (tests).
    pub async fn delete_bucket(client: &Client, bucket: &str) -> anyhow::Result<()> {
        let uploads = client
            .list_multipart_uploads()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("listing uploads: {}", DisplayErrorContext(e)))?;
        for upload in uploads.uploads() {
            if let (Some(key), Some(id)) = (upload.key(), upload.upload_id()) {
                let _ = client
                    .abort_multipart_upload()
                    .bucket(bucket)
                    .key(key)
                    .upload_id(id)
                    .send()
                    .await;
            }
        }
        let all = list_versions(client, bucket, None).await?;
        for (key, version) in all {
            client
                .delete_object()
                .bucket(bucket)
                .key(&key)
                .set_version_id(version)
                .send()
                .await
                .map_err(|e| anyhow::anyhow!("deleting {key}: {}", DisplayErrorContext(e)))?;
        }
        client
            .delete_bucket()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("deleting bucket {bucket}: {}", DisplayErrorContext(e)))?;
        Ok(())
    }
}

/// Every version and delete marker under `prefix` (or the whole bucket),
/// as (key, version id).
async fn list_versions(
    client: &Client,
    bucket: &str,
    prefix: Option<&str>,
) -> anyhow::Result<Vec<(String, Option<String>)>> {
    let mut found = Vec::new();
    let mut key_marker: Option<String> = None;
    let mut version_marker: Option<String> = None;
    loop {
        let out = client
            .list_object_versions()
            .bucket(bucket)
            .set_prefix(prefix.map(str::to_owned))
            .set_key_marker(key_marker.take())
            .set_version_id_marker(version_marker.take())
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("listing versions: {}", DisplayErrorContext(e)))?;
        for v in out.versions() {
            if let Some(key) = v.key() {
                found.push((key.to_owned(), v.version_id().map(str::to_owned)));
            }
        }
        for m in out.delete_markers() {
            if let Some(key) = m.key() {
                found.push((key.to_owned(), m.version_id().map(str::to_owned)));
            }
        }
        if out.is_truncated() == Some(true) {
            key_marker = out.next_key_marker().map(str::to_owned);
            version_marker = out.next_version_id_marker().map(str::to_owned);
            if key_marker.is_none() {
                break;
            }
        } else {
            break;
        }
    }
    Ok(found)
}

/// An object being uploaded.
struct S3Writer {
    client: Client,
    bucket: String,
    key: String,
    content_type: String,
    kms_key_id: Option<String>,
    part_size: usize,
    buffer: BytesMut,
    upload_id: Option<String>,
    parts: Vec<CompletedPart>,
    /// Parts being sent, oldest first.
    in_flight: FuturesOrdered<BoxFuture<'static, StoreResult<CompletedPart>>>,
    next_part: i32,
    hasher: Sha256,
    /// Bytes written so far.
    size: u64,
    done: bool,
}

impl S3Writer {
    /// The multipart upload's id, created on the first full part.
    async fn upload_id(&mut self) -> StoreResult<String> {
        if let Some(id) = &self.upload_id {
            return Ok(id.clone());
        }
        let mut request = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .content_type(&self.content_type)
            .checksum_algorithm(ChecksumAlgorithm::Sha256);
        if let Some(key_id) = &self.kms_key_id {
            request = request
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id(key_id);
        }
        let out = request
            .send()
            .await
            .map_err(|e| unavailable("starting a multipart upload", e))?;
        let id = out
            .upload_id()
            .map(str::to_owned)
            .ok_or_else(|| StoreError::Unavailable("S3 returned no upload id".into()))?;
        self.upload_id = Some(id.clone());
        Ok(id)
    }

    /// Sends a part, with at most [`PARTS_IN_FLIGHT`] on the way at once
    /// (so memory stays bounded while the network is kept busy).
    async fn upload_part(&mut self, part: Bytes) -> StoreResult<()> {
        let upload_id = self.upload_id().await?;
        self.next_part += 1;
        let number = self.next_part;
        let checksum = Sha256Digest::of(&part).base64();
        let request = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(upload_id)
            .part_number(number)
            .content_length(part.len() as i64)
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .checksum_sha256(&checksum)
            .body(ByteStream::from(part));
        self.in_flight.push_back(Box::pin(async move {
            let out = request
                .send()
                .await
                .map_err(|e| unavailable("uploading a part", e))?;
            Ok(CompletedPart::builder()
                .part_number(number)
                .set_e_tag(out.e_tag().map(str::to_owned))
                .checksum_sha256(out.checksum_sha256().unwrap_or(&checksum))
                .build())
        }));
        while self.in_flight.len() > PARTS_IN_FLIGHT {
            self.settle_one().await?;
        }
        Ok(())
    }

    /// Waits for the oldest part in flight.
    async fn settle_one(&mut self) -> StoreResult<()> {
        if let Some(done) = self.in_flight.next().await {
            self.parts.push(done?);
        }
        Ok(())
    }

    async fn abort_upload(&mut self) {
        self.done = true;
        // Parts still on the way are cancelled first.
        self.in_flight = FuturesOrdered::new();
        if let Some(id) = self.upload_id.take() {
            abort(&self.client, &self.bucket, &self.key, &id).await;
        }
    }
}

/// The size of the object at `key`, if it is there.
async fn stored_size(client: Client, bucket: String, key: String) -> Option<u64> {
    let head = client
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .ok()?;
    head.content_length().and_then(|n| u64::try_from(n).ok())
}

async fn abort(client: &Client, bucket: &str, key: &str, upload_id: &str) {
    let result = client
        .abort_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .send()
        .await;
    if let Err(e) = result {
        // A lifecycle rule (AbortIncompleteMultipartUpload) in Terraform
        // removes what this could not.
        tracing::error!(error = %DisplayErrorContext(e), "could not abort a multipart upload");
    }
}

impl Drop for S3Writer {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let (Some(id), Ok(handle)) =
            (self.upload_id.take(), tokio::runtime::Handle::try_current())
        {
            let client = self.client.clone();
            let bucket = self.bucket.clone();
            let key = self.key.clone();
            handle.spawn(async move { abort(&client, &bucket, &key, &id).await });
        }
    }
}

#[async_trait]
impl ContentWriter for S3Writer {
    async fn write(&mut self, chunk: Bytes) -> StoreResult<()> {
        self.hasher.update(&chunk);
        self.size += chunk.len() as u64;
        // Each part gets one allocation of exactly its size: no buffer
        // grows past a part, whatever the chunk sizes.
        let mut rest = &chunk[..];
        while !rest.is_empty() {
            if self.buffer.capacity() == 0 {
                self.buffer = BytesMut::with_capacity(self.part_size);
            }
            let take = rest.len().min(self.part_size - self.buffer.len());
            self.buffer.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.buffer.len() == self.part_size {
                let part = std::mem::take(&mut self.buffer).freeze();
                if let Err(e) = self.upload_part(part).await {
                    self.abort_upload().await;
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>, sha256: &Sha256Digest) -> StoreResult<()> {
        let written = Sha256Digest::from_hasher(std::mem::take(&mut self.hasher));
        if written != *sha256 {
            self.abort_upload().await;
            return Err(StoreError::ChecksumMismatch(format!(
                "wrote {written}, expected {sha256}"
            )));
        }
        let rest = self.buffer.split().freeze();
        if self.upload_id.is_none() {
            let mut request = self
                .client
                .put_object()
                .bucket(&self.bucket)
                .key(&self.key)
                .content_type(&self.content_type)
                .checksum_algorithm(ChecksumAlgorithm::Sha256)
                .checksum_sha256(sha256.base64())
                .body(ByteStream::from(rest));
            if let Some(key_id) = &self.kms_key_id {
                request = request
                    .server_side_encryption(ServerSideEncryption::AwsKms)
                    .ssekms_key_id(key_id);
            }
            self.done = true;
            request
                .send()
                .await
                .map_err(|e| unavailable("writing a document to the bucket", e))?;
            return Ok(());
        }
        let result = async {
            if !rest.is_empty() {
                self.upload_part(rest).await?;
            }
            while !self.in_flight.is_empty() {
                self.settle_one().await?;
            }
            let upload_id = self.upload_id.clone().unwrap_or_default();
            let completed = self
                .client
                .complete_multipart_upload()
                .bucket(&self.bucket)
                .key(&self.key)
                .upload_id(upload_id)
                .multipart_upload(
                    CompletedMultipartUpload::builder()
                        .set_parts(Some(std::mem::take(&mut self.parts)))
                        .build(),
                )
                .send()
                .await;
            match completed {
                Ok(_) => Ok(()),
                // Some emulators (moto 5.2) answer 200 with a body the SDK
                // cannot parse. A 200 means S3 completed the upload; the
                // object (its key is unique to this document) must then be
                // there with exactly the bytes sent, else it is a failure.
                Err(e) if e.raw_response().map(|r| r.status().as_u16()) == Some(200) => {
                    let (client, bucket, key) =
                        (self.client.clone(), self.bucket.clone(), self.key.clone());
                    if stored_size(client, bucket, key).await == Some(self.size) {
                        Ok(())
                    } else {
                        Err(unavailable("completing a multipart upload", e))
                    }
                }
                Err(e) => Err(unavailable("completing a multipart upload", e)),
            }
        }
        .await;
        match result {
            Ok(()) => {
                self.done = true;
                Ok(())
            }
            Err(e) => {
                self.abort_upload().await;
                Err(e)
            }
        }
    }

    async fn abort(mut self: Box<Self>) {
        self.abort_upload().await;
    }
}

#[async_trait]
impl ContentStore for S3Content {
    async fn begin(&self, key: &str, content_type: &str) -> StoreResult<Box<dyn ContentWriter>> {
        Ok(Box::new(S3Writer {
            client: self.client.clone(),
            bucket: self.bucket.clone(),
            key: key.to_owned(),
            content_type: content_type.to_owned(),
            kms_key_id: self.kms_key_id.clone(),
            part_size: self.part_size,
            buffer: BytesMut::new(),
            upload_id: None,
            parts: Vec::new(),
            in_flight: FuturesOrdered::new(),
            next_part: 0,
            hasher: Sha256::new(),
            size: 0,
            done: false,
        }))
    }

    async fn open(&self, key: &str) -> StoreResult<Option<StoredContent>> {
        let result = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await;
        let out = match result {
            Ok(out) => out,
            Err(err) if matches!(err.as_service_error(), Some(GetObjectError::NoSuchKey(_))) => {
                return Ok(None);
            }
            Err(err) => return Err(unavailable("reading a document from the bucket", err)),
        };
        let size = out.content_length().unwrap_or(0).max(0) as u64;
        let body = futures::stream::unfold(Some(out.body), |body| async move {
            let mut body = body?;
            match body.try_next().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(body))),
                Ok(None) => None,
                Err(e) => Some((
                    Err(unavailable("reading a document from the bucket", e)),
                    None,
                )),
            }
        });
        Ok(Some(StoredContent {
            size,
            body: Box::pin(body),
        }))
    }

    async fn erase(&self, key: &str) -> StoreResult<()> {
        let versions = list_versions(&self.client, &self.bucket, Some(key))
            .await
            .map_err(|e| StoreError::Unavailable(format!("{e:#}")))?;
        let ours: Vec<ObjectIdentifier> = versions
            .into_iter()
            .filter(|(k, _)| k == key)
            .filter_map(|(k, version)| {
                ObjectIdentifier::builder()
                    .key(k)
                    .set_version_id(version)
                    .build()
                    .ok()
            })
            .collect();
        for object in ours {
            self.client
                .delete_object()
                .bucket(&self.bucket)
                .key(object.key())
                .set_version_id(object.version_id().map(str::to_owned))
                .send()
                .await
                .map_err(|e| unavailable("erasing a document version", e))?;
        }
        Ok(())
    }

    async fn presigned_get(&self, key: &str, ttl: Duration) -> StoreResult<Option<String>> {
        let config = PresigningConfig::expires_in(ttl)
            .map_err(|e| StoreError::Unavailable(format!("presigning: {e}")))?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .map_err(|e| unavailable("presigning a download", e))?;
        Ok(Some(request.uri().to_string()))
    }

    async fn check(&self) -> StoreResult<()> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|e| unavailable("checking the documents bucket", e))?;
        Ok(())
    }
}
