//! The contract cases, written once against the ports.

use std::sync::Arc;

use bytes::Bytes;
use cdd_letters::issued::{IssuedLetter, LetterId, object_key};
use cdd_letters::issuing::{IssueError, IssueRequest, LetterIssuer};
use cdd_letters::store::{
    ClaimOutcome, IdempotencyRecord, IdempotencyState, OutboundObject, StoreError, StoredTemplate,
};
use cdd_letters::{
    CustomerId, LetterFormat, LetterSettings, Sha256Digest, Template, TemplateName, TemplateSource,
    TemplateVersion, builtin,
};
use serde_json::json;
use time::OffsetDateTime;

use crate::backend::Backend;

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

fn name(raw: &str) -> TemplateName {
    TemplateName::parse(raw).unwrap()
}

fn version(n: u32) -> TemplateVersion {
    TemplateVersion::new(n).unwrap()
}

fn stored(template: &str, v: u32, greeting: &str) -> StoredTemplate {
    StoredTemplate {
        name: name(template),
        version: version(v),
        source: TemplateSource {
            description: format!("{template} v{v}"),
            subject: "Notice".into(),
            fields: vec![],
            body: format!("{greeting} {{{{ customer_name }}}}"),
            decision: None,
        },
        published_at: OffsetDateTime::now_utc().replace_nanosecond(0).unwrap(),
        published_by: "approver-1".into(),
    }
}

fn customer(raw: &str) -> CustomerId {
    CustomerId::parse(raw).unwrap()
}

fn claim(key: &str, hash: &str) -> IdempotencyRecord {
    IdempotencyRecord::claim(key.into(), hash.into(), LetterId::generate(), now())
}

fn letter_for(claim: &IdempotencyRecord, customer_id: &str) -> IssuedLetter {
    let customer_id = customer(customer_id);
    IssuedLetter {
        key: object_key(&customer_id, &claim.letter_id, LetterFormat::Text),
        id: claim.letter_id.clone(),
        customer_id,
        template: name("rfi"),
        version: TemplateVersion::FIRST,
        format: LetterFormat::Text,
        sha256: Sha256Digest::of(b"letter"),
        size: 6,
        created_at: OffsetDateTime::now_utc().replace_nanosecond(0).unwrap(),
        created_by: "service-intake".into(),
        decision: None,
    }
}

pub async fn a_template_version_is_never_overwritten(b: Arc<Backend>) {
    let first = stored("notice", 1, "Hello");
    b.templates.publish(&first).await.unwrap();
    let again = stored("notice", 1, "Overwritten");
    let err = b.templates.publish(&again).await.unwrap_err();
    assert!(matches!(err, StoreError::VersionExists { .. }), "{err:?}");
    let read = b
        .templates
        .template(&name("notice"), Some(version(1)))
        .await
        .unwrap();
    assert_eq!(read, Some(first));
}

pub async fn latest_versions_and_the_catalogue(b: Arc<Backend>) {
    for (template, v) in [("notice", 1), ("notice", 2), ("alpha", 1), ("notice", 3)] {
        b.templates
            .publish(&stored(template, v, "Hi"))
            .await
            .unwrap();
    }
    let latest = b
        .templates
        .template(&name("notice"), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.version, version(3));
    let v2 = b
        .templates
        .template(&name("notice"), Some(version(2)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v2.source.description, "notice v2");
    assert_eq!(
        b.templates
            .template(&name("notice"), Some(version(9)))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        b.templates.template(&name("absent"), None).await.unwrap(),
        None
    );
    let catalogue = b.templates.catalogue().await.unwrap();
    let summary: Vec<(&str, u32, &str)> = catalogue
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.latest_version.get(),
                s.description.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("alpha", 1, "alpha v1"), ("notice", 3, "notice v3")]
    );
}

pub async fn an_older_version_fills_a_gap_without_moving_the_latest(b: Arc<Backend>) {
    b.templates
        .publish(&stored("notice", 2, "Two"))
        .await
        .unwrap();
    b.templates
        .publish(&stored("notice", 1, "One"))
        .await
        .unwrap();
    let catalogue = b.templates.catalogue().await.unwrap();
    assert_eq!(catalogue[0].latest_version, version(2));
    let latest = b
        .templates
        .template(&name("notice"), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.version, version(2));
    assert!(
        b.templates
            .template(&name("notice"), Some(version(1)))
            .await
            .unwrap()
            .is_some()
    );
}

pub async fn concurrent_publications_of_one_version_store_one(b: Arc<Backend>) {
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let b = Arc::clone(&b);
            tokio::spawn(async move {
                b.templates
                    .publish(&stored("notice", 1, &format!("Writer{i}")))
                    .await
            })
        })
        .collect();
    let mut won = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        match task.await.unwrap() {
            Ok(()) => won.push(i),
            Err(StoreError::VersionExists { .. }) => {}
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(won.len(), 1, "{won:?}");
    let kept = b
        .templates
        .template(&name("notice"), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        kept.source.body,
        format!("Writer{} {{{{ customer_name }}}}", won[0])
    );
}

pub async fn a_claim_is_recorded_once_and_then_replayed(b: Arc<Backend>) {
    let first = claim("svc#k1", "hash-a");
    assert_eq!(
        b.letters.claim(&first).await.unwrap(),
        ClaimOutcome::Claimed
    );
    let second = claim("svc#k1", "hash-a");
    let ClaimOutcome::Held(held) = b.letters.claim(&second).await.unwrap() else {
        panic!("a second claim must find the first")
    };
    assert_eq!(held.letter_id, first.letter_id);
    assert!(matches!(held.state, IdempotencyState::Pending { .. }));

    let letter = letter_for(&first, "cus_31000000000000000000000000000000");
    let response = json!({"id": letter.id, "answer": 1});
    b.letters
        .record(&letter, "svc#k1", 201, &response)
        .await
        .unwrap();

    let done = b.letters.idempotency("svc#k1").await.unwrap().unwrap();
    assert_eq!(
        done.state,
        IdempotencyState::Complete {
            status: 201,
            response: response.clone()
        }
    );
    assert_eq!(done.request_hash, "hash-a");
    let ClaimOutcome::Held(held) = b.letters.claim(&second).await.unwrap() else {
        panic!("a completed key stays held")
    };
    assert_eq!(held, done);
    assert_eq!(
        b.letters.letter(&letter.id).await.unwrap(),
        Some(letter.clone())
    );
    assert_eq!(b.letters.letter(&LetterId::generate()).await.unwrap(), None);
    assert_eq!(b.letters.idempotency("svc#other").await.unwrap(), None);
    // Recording twice is refused: the claim is no longer pending.
    let err = b
        .letters
        .record(&letter, "svc#k1", 201, &response)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::ClaimLost), "{err:?}");
}

pub async fn concurrent_claims_of_one_key_have_one_winner(b: Arc<Backend>) {
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let b = Arc::clone(&b);
            tokio::spawn(async move { b.letters.claim(&claim("svc#race", "h")).await.unwrap() })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        if task.await.unwrap() == ClaimOutcome::Claimed {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}

pub async fn a_released_claim_frees_the_key_only_for_its_holder(b: Arc<Backend>) {
    let first = claim("svc#k", "h");
    assert_eq!(
        b.letters.claim(&first).await.unwrap(),
        ClaimOutcome::Claimed
    );
    // Someone else's release does nothing.
    b.letters
        .release("svc#k", &LetterId::generate())
        .await
        .unwrap();
    assert!(matches!(
        b.letters.claim(&claim("svc#k", "h")).await.unwrap(),
        ClaimOutcome::Held(_)
    ));
    b.letters.release("svc#k", &first.letter_id).await.unwrap();
    assert_eq!(b.letters.idempotency("svc#k").await.unwrap(), None);
    assert_eq!(
        b.letters.claim(&claim("svc#k", "h")).await.unwrap(),
        ClaimOutcome::Claimed
    );
}

pub async fn recording_needs_the_claim(b: Arc<Backend>) {
    let unclaimed = claim("svc#none", "h");
    let err = b
        .letters
        .record(
            &letter_for(&unclaimed, "cus_31000000000000000000000000000000"),
            "svc#none",
            201,
            &json!({}),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::ClaimLost), "{err:?}");

    let held = claim("svc#k", "h");
    b.letters.claim(&held).await.unwrap();
    let other = claim("svc#k", "h");
    let err = b
        .letters
        .record(
            &letter_for(&other, "cus_31000000000000000000000000000000"),
            "svc#k",
            201,
            &json!({}),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::ClaimLost), "{err:?}");
    assert_eq!(b.letters.letter(&other.letter_id).await.unwrap(), None);
    assert!(
        b.letters
            .customer_letters(&customer("cus_31000000000000000000000000000000"))
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn a_claim_whose_lease_ran_out_is_taken_over(b: Arc<Backend>) {
    let mut stale = claim("svc#k", "h");
    stale.state = IdempotencyState::Pending {
        lease_until: now() - 1,
    };
    assert_eq!(
        b.letters.claim(&stale).await.unwrap(),
        ClaimOutcome::Claimed
    );
    // Its lease is over: it no longer holds the key.
    assert_eq!(b.letters.idempotency("svc#k").await.unwrap(), None);
    let fresh = claim("svc#k", "h");
    assert_eq!(
        b.letters.claim(&fresh).await.unwrap(),
        ClaimOutcome::Claimed
    );
    let err = b
        .letters
        .record(
            &letter_for(&stale, "cus_31000000000000000000000000000000"),
            "svc#k",
            201,
            &json!({}),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::ClaimLost), "{err:?}");
    b.letters
        .record(
            &letter_for(&fresh, "cus_31000000000000000000000000000000"),
            "svc#k",
            201,
            &json!({}),
        )
        .await
        .unwrap();
}

pub async fn expired_records_do_not_hold_their_key(b: Arc<Backend>) {
    let mut old = claim("svc#k", "h");
    old.expires_at = now() - 1;
    assert_eq!(b.letters.claim(&old).await.unwrap(), ClaimOutcome::Claimed);
    b.letters
        .record(
            &letter_for(&old, "cus_31000000000000000000000000000000"),
            "svc#k",
            201,
            &json!({"old": true}),
        )
        .await
        .unwrap();
    // DynamoDB's TTL (and moto, which never deletes) may keep the item: it
    // must not count all the same.
    assert_eq!(b.letters.idempotency("svc#k").await.unwrap(), None);
    assert_eq!(
        b.letters.claim(&claim("svc#k", "other")).await.unwrap(),
        ClaimOutcome::Claimed
    );
    // The letter itself does not expire.
    assert!(b.letters.letter(&old.letter_id).await.unwrap().is_some());
}

pub async fn a_customers_letters_are_theirs_oldest_first(b: Arc<Backend>) {
    let mut mine = Vec::new();
    for i in 0..3 {
        let c = claim(&format!("svc#mine-{i}"), "h");
        b.letters.claim(&c).await.unwrap();
        let letter = letter_for(&c, "cus_6d696e65000000000000000000000000");
        b.letters
            .record(&letter, &c.key, 201, &json!({}))
            .await
            .unwrap();
        mine.push(letter);
    }
    let c = claim("svc#theirs", "h");
    b.letters.claim(&c).await.unwrap();
    b.letters
        .record(
            &letter_for(&c, "cus_6d696e65320000000000000000000000"),
            &c.key,
            201,
            &json!({}),
        )
        .await
        .unwrap();

    assert_eq!(
        b.letters
            .customer_letters(&customer("cus_6d696e65000000000000000000000000"))
            .await
            .unwrap(),
        mine
    );
    assert_eq!(
        b.letters
            .customer_letters(&customer("cus_6d696e65320000000000000000000000"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        b.letters
            .customer_letters(&customer("cus_6d696e00000000000000000000000000"))
            .await
            .unwrap()
            .is_empty()
    );
}

fn object(key: &str, bytes: &'static [u8]) -> OutboundObject {
    OutboundObject {
        key: key.into(),
        bytes: Bytes::from_static(bytes),
        sha256: Sha256Digest::of(bytes),
        content_type: "text/plain; charset=utf-8",
    }
}

pub async fn the_bucket_returns_exactly_what_was_stored(b: Arc<Backend>) {
    let key =
        "letters/cus_31000000000000000000000000000000/let_0123456789abcdef0123456789abcdef.txt";
    b.bucket.put(object(key, b"Dear Ana,\n")).await.unwrap();
    if let Some(stored) = b.stored_checksum(key).await {
        assert_eq!(
            stored,
            cdd_letters::issued::base64_digest(&Sha256Digest::of(b"Dear Ana,\n"))
        );
    }
    assert_eq!(
        b.bucket.get(key).await.unwrap().as_deref(),
        Some(&b"Dear Ana,\n"[..])
    );
    assert_eq!(
        b.bucket
            .get("letters/cus_31000000000000000000000000000000/absent.txt")
            .await
            .unwrap(),
        None
    );
    b.overwrite_object(key, b"tampered").await;
    assert_eq!(
        b.bucket.get(key).await.unwrap().as_deref(),
        Some(&b"tampered"[..])
    );
    b.bucket.check().await.unwrap();
    b.letters.check().await.unwrap();
}

pub async fn the_bucket_refuses_bytes_that_do_not_match_their_checksum(b: Arc<Backend>) {
    let key =
        "letters/cus_31000000000000000000000000000000/let_0123456789abcdef0123456789abcdef.txt";
    let mut damaged = object(key, b"Dear Ana,\n");
    damaged.sha256 = Sha256Digest::of(b"something else");
    assert!(b.bucket.put(damaged).await.is_err());
    assert_eq!(b.bucket.get(key).await.unwrap(), None);
}

fn issuer(b: &Backend) -> LetterIssuer {
    let settings = LetterSettings::new(
        "Northbridge Savings Bank",
        vec!["1 Harbour Street".into()],
        "Helen Carter",
        "Head of Customer Due Diligence",
    )
    .unwrap();
    LetterIssuer::new(Arc::clone(&b.letters), Arc::clone(&b.bucket), settings)
}

fn rfi_request(key: &str, hash: &str) -> IssueRequest {
    let (template_name, source) = builtin::sources()
        .into_iter()
        .find(|(n, _)| n.as_str() == builtin::RFI)
        .unwrap();
    let template = Template::compile(template_name, TemplateVersion::FIRST, source).unwrap();
    let serde_json::Value::Object(data) = json!({
        "customer_name": "Ana Silva",
        "reference": "CDD-2026-000123",
        "address": ["12 Rua Augusta", "Lisboa"],
        "documents": ["Passport"],
    }) else {
        unreachable!()
    };
    IssueRequest {
        template: Arc::new(template),
        customer_id: customer("cus_72616365000000000000000000000000"),
        data,
        format: LetterFormat::Pdf,
        decision: None,
        idempotency_key: key.into(),
        request_hash: hash.into(),
        requested_by: "service-intake".into(),
    }
}

pub async fn concurrent_issues_with_one_key_make_one_letter(b: Arc<Backend>) {
    let issuer = Arc::new(issuer(&b));
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let issuer = Arc::clone(&issuer);
            tokio::spawn(async move { issuer.issue(rfi_request("svc#once", "h")).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap().unwrap());
    }
    assert!(
        answers.iter().all(|a| *a == answers[0]),
        "every request gets the same answer"
    );
    let letters = b
        .letters
        .customer_letters(&customer("cus_72616365000000000000000000000000"))
        .await
        .unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].id, answers[0].letter_id);
    let err = issuer
        .issue(rfi_request("svc#once", "another body"))
        .await
        .unwrap_err();
    assert!(matches!(err, IssueError::KeyReused), "{err:?}");
}

pub async fn a_damaged_letter_file_is_reported_not_served(b: Arc<Backend>) {
    let issuer = issuer(&b);
    let answer = issuer.issue(rfi_request("svc#k", "h")).await.unwrap();
    let (letter, bytes) = issuer.content(&answer.letter_id).await.unwrap();
    assert_eq!(Sha256Digest::of(&bytes), letter.sha256);
    assert!(bytes.starts_with(b"%PDF-"));

    b.overwrite_object(&letter.key, b"%PDF-1.7 not what was issued")
        .await;
    let err = issuer.content(&answer.letter_id).await.unwrap_err();
    assert!(matches!(err, IssueError::ContentCorrupt { .. }), "{err:?}");
}
