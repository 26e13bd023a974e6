//! One contract suite for both storage adapters: the embedded journal and
//! DynamoDB (on the moto server whose address `CDD_TEST_AWS_ENDPOINT` gives;
//! `scripts/test` starts one). Each DynamoDB test gets its own table and
//! deletes it afterwards.

use std::collections::HashSet;
use std::sync::Arc;

use cdd_intake::domain::audit::{self, AuditEvent};
use cdd_intake::domain::casefile::Step;
use cdd_intake::domain::customer::Application;
use cdd_intake::domain::record::{Case, CaseStatus, Customer, CustomerId};
use cdd_intake::domain::risk::{FatfLists, Findings, RiskRater, next_review};
use cdd_intake::store::dynamo::{self, DynamoStore};
use cdd_intake::store::embedded::EmbeddedStore;
use cdd_intake::store::{
    CreateOutcome, CustomerStore, FirstAnswer, IdempotencyRecord, NewCustomer, StoreError,
};
use cdd_platform::auth::{Caller, Role};
use cdd_platform::json::FieldErrors;
use time::OffsetDateTime;

fn clerk() -> Caller {
    Caller::new("clerk-1", Role::Clerk)
}

fn application() -> Application {
    let body = serde_json::json!({"kind":"individual","name":"Maria Lopez","birth_date":"1980-02-03","nationalities":["ES"],
        "country_of_residence":"ES","address":{"line1":"Calle 1","city":"Madrid","country":"ES"}});
    let mut errors = FieldErrors::new();
    Application::parse(&body, &mut errors).unwrap()
}

fn new_customer(key: &str) -> NewCustomer {
    let now = OffsetDateTime::now_utc();
    let id = CustomerId::generate();
    let app = application();
    let risk = RiskRater::new(FatfLists::bundled()).rate(&app, Findings::NONE);
    let event = AuditEvent::next(
        &id,
        None,
        now,
        &clerk(),
        "customer.created",
        serde_json::json!({}),
    );
    let customer = Customer {
        id: id.clone(),
        version: 1,
        case: Case::open(risk, next_review(now.date(), 60), now),
        application: app,
        created_at: now,
        updated_at: now,
        audit_head: event.head(),
    };
    let idempotency = IdempotencyRecord {
        key: key.to_string(),
        request_hash: "h".into(),
        customer_id: id,
        expires_at: now.unix_timestamp() + 3600,
        started_at: now.unix_timestamp(),
        answer: None,
    };
    NewCustomer {
        customer,
        event,
        idempotency,
    }
}

fn amended(c: &Customer, status: CaseStatus) -> (Customer, AuditEvent) {
    let event = AuditEvent::next(
        &c.id,
        Some(&c.audit_head),
        OffsetDateTime::now_utc(),
        &clerk(),
        "customer.updated",
        serde_json::json!({"to": status}),
    );
    let mut next = c.clone();
    next.version += 1;
    next.case.status = status;
    next.audit_head = event.head();
    (next, event)
}

async fn creates_reads_and_replays(store: Arc<dyn CustomerStore>) {
    let first = new_customer("clerk-1#a");
    let id = first.customer.id.clone();
    assert_eq!(
        store.create(first.clone()).await.unwrap(),
        CreateOutcome::Created
    );
    assert_eq!(store.get(&id).await.unwrap().unwrap(), first.customer);
    assert_eq!(
        store.find_idempotency("clerk-1#a").await.unwrap().unwrap(),
        first.idempotency
    );
    assert!(store.find_idempotency("clerk-1#b").await.unwrap().is_none());
    // The same key again: the first record, and no second customer.
    let second = new_customer("clerk-1#a");
    let second_id = second.customer.id.clone();
    match store.create(second).await.unwrap() {
        CreateOutcome::AlreadyDone(record) => assert_eq!(record.customer_id, id),
        other => panic!("expected AlreadyDone, got {other:?}"),
    }
    assert!(store.get(&second_id).await.unwrap().is_none());
    assert_eq!(store.audit_trail(&id).await.unwrap(), vec![first.event]);
    assert!(store.get(&CustomerId::generate()).await.unwrap().is_none());
    store.check().await.unwrap();
}

async fn expired_idempotency_records_do_not_count(store: Arc<dyn CustomerStore>) {
    let mut old = new_customer("clerk-1#old");
    old.idempotency.expires_at = OffsetDateTime::now_utc().unix_timestamp() - 1;
    assert_eq!(store.create(old).await.unwrap(), CreateOutcome::Created);
    assert!(
        store
            .find_idempotency("clerk-1#old")
            .await
            .unwrap()
            .is_none()
    );
    let fresh = new_customer("clerk-1#old");
    assert_eq!(store.create(fresh).await.unwrap(), CreateOutcome::Created);
}

async fn concurrent_creates_with_one_key_make_one_customer(store: Arc<dyn CustomerStore>) {
    let attempts: Vec<NewCustomer> = (0..20).map(|_| new_customer("clerk-1#storm")).collect();
    let outcomes = futures::future::join_all(attempts.iter().cloned().map(|n| {
        let store = store.clone();
        async move { store.create(n).await.unwrap() }
    }))
    .await;
    let created = outcomes
        .iter()
        .filter(|o| **o == CreateOutcome::Created)
        .count();
    assert_eq!(created, 1);
    let page = store.list(None, None, 100).await.unwrap();
    assert_eq!(page.customers.len(), 1);
}

async fn updates_are_conditional_and_append_to_the_trail(store: Arc<dyn CustomerStore>) {
    let n = new_customer("clerk-1#u");
    let c = n.customer.clone();
    store.create(n.clone()).await.unwrap();
    let (v2, e2) = amended(&c, CaseStatus::PendingApproval);
    store.update(v2.clone(), 1, e2.clone()).await.unwrap();
    // A stale writer loses and changes nothing.
    let (stale, stale_event) = amended(&c, CaseStatus::Rejected);
    assert!(matches!(
        store.update(stale, 1, stale_event).await,
        Err(StoreError::VersionConflict { expected: 1 })
    ));
    assert_eq!(store.get(&c.id).await.unwrap().unwrap(), v2);
    let trail = store.audit_trail(&c.id).await.unwrap();
    assert_eq!(trail, vec![n.event.clone(), e2]);
    assert!(audit::verify(&trail, &v2.audit_head).valid);
    // Updating a customer that does not exist.
    let ghost = new_customer("clerk-1#ghost");
    let (g2, ge) = amended(&ghost.customer, CaseStatus::Approved);
    assert!(matches!(
        store.update(g2, 1, ge).await,
        Err(StoreError::NotFound)
    ));
}

async fn racing_updates_have_one_winner(store: Arc<dyn CustomerStore>) {
    let n = new_customer("clerk-1#race");
    store.create(n.clone()).await.unwrap();
    let tries: Vec<_> = [
        CaseStatus::Approved,
        CaseStatus::Rejected,
        CaseStatus::PendingApproval,
    ]
    .into_iter()
    .map(|s| {
        let store = store.clone();
        let (next, event) = amended(&n.customer, s);
        async move { store.update(next, 1, event).await }
    })
    .collect();
    let results = futures::future::join_all(tries).await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let after = store.get(&n.customer.id).await.unwrap().unwrap();
    assert_eq!(after.version, 2);
    assert_eq!(store.audit_trail(&n.customer.id).await.unwrap().len(), 2);
}

async fn listing_pages_through_each_status(store: Arc<dyn CustomerStore>) {
    let mut open = HashSet::new();
    let mut approved = HashSet::new();
    for i in 0..9 {
        let n = new_customer(&format!("clerk-1#l{i}"));
        store.create(n.clone()).await.unwrap();
        if i % 3 == 0 {
            let (next, event) = amended(&n.customer, CaseStatus::Approved);
            store.update(next, 1, event).await.unwrap();
            approved.insert(n.customer.id.clone());
        } else {
            open.insert(n.customer.id.clone());
        }
    }
    async fn walk(
        store: &Arc<dyn CustomerStore>,
        status: Option<CaseStatus>,
        limit: usize,
    ) -> Vec<Customer> {
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let page = store.list(status, cursor, limit).await.unwrap();
            assert!(page.customers.len() <= limit);
            all.extend(page.customers);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return all,
            }
        }
    }
    let ids = |cs: &[Customer]| cs.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    let got_open = walk(&store, Some(CaseStatus::Open), 4).await;
    assert!(got_open.iter().all(|c| c.case.status == CaseStatus::Open));
    assert_eq!(ids(&got_open).into_iter().collect::<HashSet<_>>(), open);
    assert_eq!(got_open.len(), open.len(), "no duplicates");
    let got_approved = walk(&store, Some(CaseStatus::Approved), 2).await;
    assert_eq!(
        ids(&got_approved).into_iter().collect::<HashSet<_>>(),
        approved
    );
    let everything = walk(&store, None, 2).await;
    assert_eq!(everything.len(), 9);
    // Ordered by status, then by (time-ordered) id.
    let keys: Vec<_> = everything
        .iter()
        .map(|c| (c.case.status.index(), c.id.clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(walk(&store, Some(CaseStatus::Rejected), 5).await.is_empty());
}

async fn pending_work_follows_the_cases_pending_steps(store: Arc<dyn CustomerStore>) {
    // A new case has its onboarding steps pending.
    let a = new_customer("clerk-1#pa");
    let b = new_customer("clerk-1#pb");
    let (a_id, b_id) = (a.customer.id.clone(), b.customer.id.clone());
    store.create(a.clone()).await.unwrap();
    store.create(b).await.unwrap();
    let mut pending = store.with_pending_steps(100).await.unwrap();
    pending.sort();
    let mut expected = vec![a_id.clone(), b_id.clone()];
    expected.sort();
    assert_eq!(pending, expected);
    assert_eq!(store.with_pending_steps(1).await.unwrap().len(), 1);

    // Finishing the steps takes the customer off the list, in the same write.
    let (mut done, event) = amended(&a.customer, CaseStatus::Open);
    done.case.pending.clear();
    store.update(done.clone(), 1, event).await.unwrap();
    assert_eq!(store.with_pending_steps(100).await.unwrap(), vec![b_id]);
    // A step added again puts it back.
    let (mut again, event) = amended(&done, CaseStatus::Approved);
    again
        .case
        .add_pending(Step::DecisionLetter, OffsetDateTime::now_utc());
    store.update(again, 2, event).await.unwrap();
    assert!(store.with_pending_steps(100).await.unwrap().contains(&a_id));
}

async fn feed_cursors_are_kept_by_name(store: Arc<dyn CustomerStore>) {
    assert_eq!(store.cursor("screening-alerts").await.unwrap(), None);
    store.save_cursor("screening-alerts", "17").await.unwrap();
    store.save_cursor("other", "x").await.unwrap();
    store.save_cursor("screening-alerts", "42").await.unwrap();
    assert_eq!(
        store.cursor("screening-alerts").await.unwrap().as_deref(),
        Some("42")
    );
    assert_eq!(store.cursor("other").await.unwrap().as_deref(), Some("x"));
}

fn answer(body: &str) -> FirstAnswer {
    FirstAnswer {
        status: 201,
        body: body.to_string(),
        version: 2,
    }
}

async fn the_first_answer_recorded_stands(store: Arc<dyn CustomerStore>) {
    let new = new_customer("clerk-1#answer");
    store.create(new.clone()).await.unwrap();
    assert_eq!(
        store
            .find_idempotency("clerk-1#answer")
            .await
            .unwrap()
            .unwrap()
            .answer,
        None,
        "unanswered while the first request runs"
    );
    // Answers racing: one stands, and every caller is given that one.
    let racing = futures::future::join_all((0..8).map(|i| {
        let store = store.clone();
        async move {
            store
                .answer_idempotency("clerk-1#answer", answer(&format!("{{\"n\":{i}}}")))
                .await
                .unwrap()
        }
    }))
    .await;
    let first = racing[0].answer.clone().expect("answered");
    assert!(racing.iter().all(|r| r.answer.as_ref() == Some(&first)));
    let late = store
        .answer_idempotency("clerk-1#answer", answer("{\"late\":true}"))
        .await
        .unwrap();
    assert_eq!(late.answer.as_ref(), Some(&first));
    let found = store
        .find_idempotency("clerk-1#answer")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.answer, Some(first));
    assert_eq!(found.customer_id, new.customer.id);
    assert!(matches!(
        store
            .answer_idempotency("clerk-1#nobody", answer("{}"))
            .await,
        Err(StoreError::NotFound)
    ));
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod embedded_store {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let dir = tempfile::tempdir().unwrap();
                    let store: Arc<dyn CustomerStore> = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
                    super::$case(store.clone()).await;
                    drop(store);
                    // Everything survives a reopen, audit trail included.
                    let reopened = EmbeddedStore::open(dir.path()).unwrap();
                    let page = reopened.list(None, None, 200).await.unwrap();
                    for c in page.customers {
                        let trail = reopened.audit_trail(&c.id).await.unwrap();
                        assert!(audit::verify(&trail, &c.audit_head).valid);
                    }
                }
            )*
        }
        mod dynamodb_store {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let table = aws::Table::create().await;
                    super::$case(table.store()).await;
                    table.delete().await;
                }
            )*
        }
    };
}

contract!(
    creates_reads_and_replays,
    expired_idempotency_records_do_not_count,
    concurrent_creates_with_one_key_make_one_customer,
    updates_are_conditional_and_append_to_the_trail,
    racing_updates_have_one_winner,
    listing_pages_through_each_status,
    pending_work_follows_the_cases_pending_steps,
    feed_cursors_are_kept_by_name,
    the_first_answer_recorded_stands,
);

#[tokio::test]
async fn dynamodb_tampering_with_stored_events_is_detected() {
    let table = aws::Table::create().await;
    let store = table.store();
    let n = new_customer("clerk-1#t");
    store.create(n.clone()).await.unwrap();
    let (v2, e2) = amended(&n.customer, CaseStatus::PendingApproval);
    store.update(v2.clone(), 1, e2.clone()).await.unwrap();
    let (v3, e3) = amended(&v2, CaseStatus::Approved);
    store.update(v3.clone(), 2, e3.clone()).await.unwrap();
    assert!(
        audit::verify(
            &store.audit_trail(&n.customer.id).await.unwrap(),
            &v3.audit_head
        )
        .valid
    );

    let mut edited = e2.clone();
    edited.actor.subject = "someone-else".into();
    dynamo::tamper_event(&table.client, &table.name, &n.customer.id, 2, Some(&edited))
        .await
        .unwrap();
    let v = audit::verify(
        &store.audit_trail(&n.customer.id).await.unwrap(),
        &v3.audit_head,
    );
    assert_eq!((v.valid, v.broken_at_seq), (false, Some(2)));

    dynamo::tamper_event(&table.client, &table.name, &n.customer.id, 2, Some(&e2))
        .await
        .unwrap();
    dynamo::tamper_event(&table.client, &table.name, &n.customer.id, 3, None)
        .await
        .unwrap();
    let v = audit::verify(
        &store.audit_trail(&n.customer.id).await.unwrap(),
        &v3.audit_head,
    );
    assert!(!v.valid, "removing the newest event is detected");
    table.delete().await;
}

mod aws {
    use super::*;
    use aws_sdk_dynamodb::Client;

    pub struct Table {
        pub client: Client,
        pub name: String,
    }

    impl Table {
        pub async fn create() -> Self {
            let (client, _) = cdd_test_support::aws_clients().await;
            let name = cdd_test_support::unique_name("intake-contract");
            DynamoStore::create_table(&client, &name).await.unwrap();
            Self { client, name }
        }

        pub fn store(&self) -> Arc<dyn CustomerStore> {
            Arc::new(DynamoStore::new(self.client.clone(), self.name.clone()))
        }

        pub async fn delete(self) {
            self.client
                .delete_table()
                .table_name(&self.name)
                .send()
                .await
                .unwrap();
        }
    }
}
