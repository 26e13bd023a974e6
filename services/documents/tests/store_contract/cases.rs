//! The contract cases, written once against the ports.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cdd_documents::domain::document::{Document, DocumentType, NewDocument, VerificationStatus};
use cdd_documents::domain::ids::{CustomerId, DocumentId, Sha256Digest, object_key};
use cdd_documents::domain::media::MediaType;
use cdd_documents::domain::retention::RetentionRule;
use cdd_documents::register::{Content, DocumentError, DocumentRegister, Upload};
use cdd_documents::store::StoreError;
use futures::StreamExt;
use time::OffsetDateTime;

use crate::backend::{Backend, PART};

fn customer(raw: &str) -> CustomerId {
    CustomerId::parse(raw).unwrap()
}

fn document(customer_id: &CustomerId, uploaded_at: OffsetDateTime) -> Document {
    let id = DocumentId::generate();
    Document::new(NewDocument {
        object_key: object_key(customer_id, &id),
        id,
        customer_id: customer_id.clone(),
        document_type: DocumentType::Passport,
        party: Some("Ann Director".into()),
        content_type: MediaType::Pdf,
        size: 3,
        sha256: Sha256Digest::of(b"pdf"),
        uploaded_by: "clerk-1".into(),
        uploaded_at,
        retain_until: uploaded_at.date(),
    })
}

fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..size.saturating_sub(9)).map(|i| (i % 251) as u8));
    bytes.truncate(size);
    bytes
}

/// Writes `bytes` in 64 KiB chunks and finishes with their digest.
async fn put(b: &Backend, key: &str, bytes: &[u8]) {
    let mut writer = b.content.begin(key, "application/pdf").await.unwrap();
    for chunk in bytes.chunks(64 * 1024) {
        writer.write(Bytes::copy_from_slice(chunk)).await.unwrap();
    }
    writer.finish(&Sha256Digest::of(bytes)).await.unwrap();
}

async fn read(b: &Backend, key: &str) -> Option<Vec<u8>> {
    let stored = b.content.open(key).await.unwrap()?;
    let mut out = Vec::new();
    let mut body = stored.body;
    while let Some(chunk) = body.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(stored.size, out.len() as u64);
    Some(out)
}

async fn eventually_clean(b: &Backend) -> Vec<String> {
    for _ in 0..50 {
        let left = b.leftovers().await;
        if left.is_empty() {
            return left;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    b.leftovers().await
}

pub async fn a_document_reads_back_and_lists_under_its_customer_oldest_first(b: Arc<Backend>) {
    let alice = customer("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e");
    let now = OffsetDateTime::now_utc();
    let newer = document(&alice, now);
    let older = document(&alice, now - time::Duration::days(1));
    let other = document(&customer("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7f"), now);
    for d in [&newer, &older, &other] {
        b.documents.insert(d).await.unwrap();
    }
    assert_eq!(
        b.documents.document(&newer.id).await.unwrap(),
        Some(newer.clone())
    );
    let listed = b.documents.customer_documents(&alice).await.unwrap();
    assert_eq!(listed, vec![older, newer]);
    assert!(
        b.documents
            .document(&DocumentId::generate())
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn a_document_id_is_stored_once(b: Arc<Backend>) {
    let d = document(
        &customer("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e"),
        OffsetDateTime::now_utc(),
    );
    b.documents.insert(&d).await.unwrap();
    let err = b.documents.insert(&d).await.unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists(_)), "{err:?}");
}

pub async fn updates_are_conditional_on_the_version(b: Arc<Backend>) {
    let mut d = document(
        &customer("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e"),
        OffsetDateTime::now_utc(),
    );
    b.documents.insert(&d).await.unwrap();
    d.verify(
        VerificationStatus::Verified,
        None,
        "analyst-1",
        OffsetDateTime::now_utc(),
    )
    .unwrap();
    b.documents.update(&d, 1).await.unwrap();
    let err = b.documents.update(&d, 1).await.unwrap_err();
    assert!(matches!(err, StoreError::VersionMismatch { .. }), "{err:?}");
    let stored = b.documents.document(&d.id).await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.history.len(), 2);
    // The customer listing follows the change.
    let listed = b
        .documents
        .customer_documents(&d.customer_id)
        .await
        .unwrap();
    assert_eq!(listed[0].version, 2);
}

pub async fn concurrent_updates_of_one_version_have_one_winner(b: Arc<Backend>) {
    let d = document(
        &customer("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e"),
        OffsetDateTime::now_utc(),
    );
    b.documents.insert(&d).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let b = Arc::clone(&b);
        let mut mine = d.clone();
        tasks.push(tokio::spawn(async move {
            mine.set_legal_hold(
                true,
                format!("hold {i}"),
                "analyst",
                OffsetDateTime::now_utc(),
            )
            .unwrap();
            b.documents.update(&mine, 1).await
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => wins += 1,
            Err(StoreError::VersionMismatch { .. }) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(wins, 1);
}

pub async fn content_reads_back_exactly_small_and_multipart(b: Arc<Backend>) {
    let small = pdf(1000);
    put(&b, "documents/cus-1/small", &small).await;
    assert_eq!(read(&b, "documents/cus-1/small").await.unwrap(), small);
    let large = pdf(2 * PART + 12345);
    put(&b, "documents/cus-1/large", &large).await;
    assert!(read(&b, "documents/cus-1/large").await.unwrap() == large);
    assert!(
        b.content
            .open("documents/cus-1/none")
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn a_checksum_mismatch_at_finish_leaves_nothing(b: Arc<Backend>) {
    for size in [1000, PART + 10] {
        let bytes = pdf(size);
        let mut writer = b
            .content
            .begin("documents/cus-1/bad", "application/pdf")
            .await
            .unwrap();
        for chunk in bytes.chunks(64 * 1024) {
            writer.write(Bytes::copy_from_slice(chunk)).await.unwrap();
        }
        let err = writer
            .finish(&Sha256Digest::of(b"other"))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::ChecksumMismatch(_)), "{err:?}");
    }
    assert_eq!(eventually_clean(&b).await, Vec::<String>::new());
}

pub async fn an_aborted_or_dropped_writer_leaves_nothing(b: Arc<Backend>) {
    let bytes = pdf(PART + 100);
    let mut writer = b
        .content
        .begin("documents/cus-1/aborted", "application/pdf")
        .await
        .unwrap();
    writer.write(Bytes::from(bytes.clone())).await.unwrap();
    writer.abort().await;
    let mut dropped = b
        .content
        .begin("documents/cus-1/dropped", "application/pdf")
        .await
        .unwrap();
    dropped.write(Bytes::from(bytes)).await.unwrap();
    drop(dropped);
    assert_eq!(eventually_clean(&b).await, Vec::<String>::new());
}

async fn upload(register: &DocumentRegister, bytes: Vec<u8>) -> Document {
    let body = futures::stream::iter(
        bytes
            .chunks(64 * 1024)
            .map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c)))
            .collect::<Vec<_>>(),
    );
    register
        .upload(
            Upload {
                customer_id: customer("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e"),
                document_type: DocumentType::Passport,
                party: None,
                declared: MediaType::Pdf,
                declared_length: Some(bytes.len() as u64),
                uploaded_by: "clerk-1".into(),
            },
            body,
        )
        .await
        .unwrap()
}

fn register(b: &Backend) -> DocumentRegister {
    DocumentRegister::new(
        b.documents.clone(),
        b.content.clone(),
        1 << 30,
        RetentionRule {
            default_years: 0,
            source_of_funds_years: 0,
        },
    )
}

pub async fn damaged_content_is_reported_not_served(b: Arc<Backend>) {
    let register = register(&b);
    for size in [30_000, 9 * 1024 * 1024] {
        let original = pdf(size);
        let doc = upload(&register, original.clone()).await;
        match register.content(&doc.id).await.unwrap().1 {
            Content::Whole(bytes) => assert!(bytes.as_ref() == original.as_slice()),
            Content::Streamed(mut s) => {
                let mut out = Vec::new();
                while let Some(chunk) = s.next().await {
                    out.extend_from_slice(&chunk.unwrap());
                }
                assert!(out == original);
            }
        }
        let mut damaged = original.clone();
        damaged[size / 2] ^= 0xFF;
        b.overwrite_object(&doc.object_key, &damaged).await;
        match register.content(&doc.id).await {
            Err(DocumentError::ContentCorrupt { .. }) => {}
            Ok((_, Content::Streamed(mut s))) => {
                let mut failed = false;
                while let Some(chunk) = s.next().await {
                    if chunk.is_err() {
                        failed = true;
                        break;
                    }
                }
                assert!(failed, "a damaged stream ended cleanly");
            }
            Ok((_, Content::Whole(_))) => panic!("damaged content was served"),
            Err(e) => panic!("{e:?}"),
        }
    }
}

pub async fn erasure_removes_every_version(b: Arc<Backend>) {
    let register = register(&b);
    let doc = upload(&register, pdf(10_000)).await;
    // A second version (in S3) of the same key.
    b.overwrite_object(&doc.object_key, &pdf(10_000)).await;
    let erased = register.erase(&doc.id, "approver-1").await.unwrap();
    assert!(erased.erased_at.is_some());
    assert_eq!(eventually_clean(&b).await, Vec::<String>::new());
    assert!(matches!(
        register.content(&doc.id).await,
        Err(DocumentError::Erased)
    ));
    // Repeating it is harmless.
    register.erase(&doc.id, "approver-1").await.unwrap();
}

pub async fn download_links_only_where_the_adapter_can_sign(b: Arc<Backend>) {
    let register = register(&b);
    let doc = upload(&register, pdf(1000)).await;
    match register.download_url(&doc.id).await {
        Ok((_, url)) => {
            assert!(b.is_aws());
            assert!(url.contains(&doc.object_key), "{url}");
            assert!(url.contains("X-Amz-Signature="), "{url}");
        }
        Err(DocumentError::LinksUnavailable) => assert!(!b.is_aws()),
        Err(e) => panic!("{e:?}"),
    }
}
