//! The S3 adapter of the outbound bucket.
//!
//! Every letter is put with its SHA-256 as the S3 checksum
//! (`x-amz-checksum-sha256`), so S3 refuses bytes damaged on the way, and
//! with SSE-KMS under `CDD_OUTBOUND_KMS_KEY_ID` when that is set (otherwise
//! the bucket's default encryption, SSE-KMS in Terraform, applies).

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ServerSideEncryption};
use bytes::Bytes;

use super::{OutboundBucket, OutboundObject, StoreError, StoreResult};
use crate::issued::base64_digest;
use crate::letter::Sha256Digest;

/// The outbound bucket in S3.
pub struct S3Bucket {
    client: Client,
    bucket: String,
    kms_key_id: Option<String>,
}

fn unavailable<E: std::error::Error + 'static>(what: &str, err: E) -> StoreError {
    StoreError::Unavailable(format!("{what}: {}", DisplayErrorContext(err)))
}

impl S3Bucket {
    pub fn new(client: Client, bucket: impl Into<String>, kms_key_id: Option<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
            kms_key_id,
        }
    }

    /// Creates the bucket (for emulators and tests; Terraform owns it in AWS).
    pub async fn create_bucket(client: &Client, bucket: &str) -> anyhow::Result<()> {
        client
            .create_bucket()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("creating bucket {bucket}: {}", DisplayErrorContext(e)))?;
        Ok(())
    }

    /// Empties and deletes the bucket (tests).
    pub async fn delete_bucket(client: &Client, bucket: &str) -> anyhow::Result<()> {
        loop {
            let listed = client
                .list_objects_v2()
                .bucket(bucket)
                .send()
                .await
                .map_err(|e| anyhow::anyhow!("listing {bucket}: {}", DisplayErrorContext(e)))?;
            if listed.contents().is_empty() {
                break;
            }
            for object in listed.contents() {
                if let Some(key) = object.key() {
                    client
                        .delete_object()
                        .bucket(bucket)
                        .key(key)
                        .send()
                        .await
                        .map_err(|e| {
                            anyhow::anyhow!("deleting {key}: {}", DisplayErrorContext(e))
                        })?;
                }
            }
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

#[async_trait]
impl OutboundBucket for S3Bucket {
    async fn put(&self, object: OutboundObject) -> StoreResult<()> {
        // S3 checks the bytes against the checksum on arrival; checking here
        // too catches a mismatch made before sending (and emulators that
        // do not check).
        if Sha256Digest::of(&object.bytes) != object.sha256 {
            return Err(StoreError::Corrupt(format!(
                "the bytes for {} do not match their SHA-256 checksum",
                object.key
            )));
        }
        let mut request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&object.key)
            .content_type(object.content_type)
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .checksum_sha256(base64_digest(&object.sha256))
            .body(ByteStream::from(object.bytes));
        if let Some(key_id) = &self.kms_key_id {
            request = request
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id(key_id);
        }
        request
            .send()
            .await
            .map_err(|e| unavailable("writing a letter to the outbound bucket", e))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> StoreResult<Option<Bytes>> {
        let result = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        let out = match result {
            Ok(out) => out,
            Err(err) if matches!(err.as_service_error(), Some(GetObjectError::NoSuchKey(_))) => {
                return Ok(None);
            }
            Err(err) => {
                return Err(unavailable(
                    "reading a letter from the outbound bucket",
                    err,
                ));
            }
        };
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|e| unavailable("reading a letter from the outbound bucket", e))?;
        Ok(Some(bytes.into_bytes()))
    }

    async fn check(&self) -> StoreResult<()> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|e| unavailable("checking the outbound bucket", e))?;
        Ok(())
    }
}
