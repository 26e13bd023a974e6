//! One contract suite for both monitoring store adapters: the embedded
//! journal and DynamoDB (on the moto server whose address
//! `CDD_TEST_AWS_ENDPOINT` gives; `scripts/test` starts one). Each DynamoDB
//! test gets its own table and deletes it afterwards.

use std::collections::BTreeSet;
use std::sync::Arc;

use cdd_screening::monitoring::{MonitoredSubject, NewAlert};
use cdd_screening::store::MonitoringStore;
use cdd_screening::store::dynamo::DynamoStore;
use cdd_screening::store::embedded::EmbeddedStore;
use cdd_screening::{
    EntityId, EntityKind, ListCategory, MatchExplanation, QualifierEffect, QualifierOutcome,
    SourceList, Subject,
};
use time::OffsetDateTime;

fn subject(subject_ref: &str, name: &str, known: &[&str]) -> MonitoredSubject {
    MonitoredSubject {
        subject_ref: subject_ref.into(),
        subject: Subject::new(EntityKind::Person, name),
        known_matches: known.iter().map(|k| EntityId(k.to_string())).collect(),
        list_version: "v1".into(),
        enrolled_at: OffsetDateTime::now_utc(),
    }
}

fn effect() -> QualifierEffect {
    QualifierEffect {
        outcome: QualifierOutcome::NotCompared,
        adjustment: 0.0,
        detail: String::new(),
    }
}

fn alert(subject_ref: &str, entity: &str) -> NewAlert {
    NewAlert {
        subject_ref: subject_ref.into(),
        entity_id: EntityId(entity.into()),
        list: SourceList::OfacSdn,
        category: ListCategory::Sanction,
        matched_name: "LISTED, Name".into(),
        list_version: "v2".into(),
        score: 0.93,
        explanation: MatchExplanation {
            name: None,
            name_score: 0.93,
            weak_alias_factor: None,
            birth_date: effect(),
            country: effect(),
            identifier: None,
            threshold: 0.8,
        },
        positions: Vec::new(),
        pep: None,
    }
}

fn pairs(alerts: &[cdd_screening::monitoring::Alert]) -> Vec<(String, String)> {
    alerts
        .iter()
        .map(|a| (a.subject_ref.clone(), a.entity_id.0.clone()))
        .collect()
}

async fn enrols_reads_and_merges(store: Arc<dyn MonitoringStore>) {
    assert!(store.subject("c-1").await.unwrap().is_none());
    let first = subject("c-1", "Maria Lopez", &["ofac-sdn:1"]);
    store.enroll(first.clone()).await.unwrap();
    assert_eq!(store.subject("c-1").await.unwrap().unwrap(), first);
    // Re-enrolling replaces the details and keeps what was known.
    let mut renamed = subject("c-1", "Maria Lopez Garcia", &["ofac-sdn:2"]);
    renamed.list_version = "v2".into();
    store.enroll(renamed).await.unwrap();
    store
        .enroll(subject("c-0", "Ann Other", &[]))
        .await
        .unwrap();
    let all = store.subjects().await.unwrap();
    let refs: Vec<&str> = all.iter().map(|s| s.subject_ref.as_str()).collect();
    assert_eq!(refs, ["c-0", "c-1"]);
    let c1 = &all[1];
    assert_eq!(c1.subject.name, "Maria Lopez Garcia");
    assert_eq!(c1.list_version, "v2");
    let known: BTreeSet<&str> = c1.known_matches.iter().map(|e| e.as_str()).collect();
    assert_eq!(known, BTreeSet::from(["ofac-sdn:1", "ofac-sdn:2"]));

    store
        .mark_rescreened(&["c-0".into(), "nobody".into()], "v3")
        .await
        .unwrap();
    assert_eq!(
        store.subject("c-0").await.unwrap().unwrap().list_version,
        "v3"
    );
    assert_eq!(
        store.subject("c-1").await.unwrap().unwrap().list_version,
        "v2"
    );
    store.check().await.unwrap();
}

async fn alerts_are_raised_once_and_read_in_order(store: Arc<dyn MonitoringStore>) {
    store
        .enroll(subject("c-1", "Maria Lopez", &["ofac-sdn:1"]))
        .await
        .unwrap();
    store
        .enroll(subject("c-2", "Olga Petrova", &[]))
        .await
        .unwrap();
    assert!(store.alerts(0, 10).await.unwrap().is_empty());
    let raised = store
        .raise_alerts(vec![
            alert("c-1", "ofac-sdn:1"), // known at enrolment: dropped
            alert("c-1", "ofac-sdn:7"),
            alert("c-2", "ofac-sdn:7"),
            alert("c-2", "ofac-sdn:7"), // twice in one call: once
            alert("c-2", "un:QDi.1"),
        ])
        .await
        .unwrap();
    let expected = vec![
        ("c-1".to_string(), "ofac-sdn:7".to_string()),
        ("c-2".to_string(), "ofac-sdn:7".to_string()),
        ("c-2".to_string(), "un:QDi.1".to_string()),
    ];
    assert_eq!(pairs(&raised), expected);
    // The alerted entity is now known for the subject.
    let c1 = store.subject("c-1").await.unwrap().unwrap();
    assert!(c1.known_matches.contains(&EntityId("ofac-sdn:7".into())));
    // Raising them again (a second reload, another task) raises nothing.
    assert!(
        store
            .raise_alerts(vec![alert("c-1", "ofac-sdn:7"), alert("c-2", "un:QDi.1")])
            .await
            .unwrap()
            .is_empty()
    );
    let all = store.alerts(0, 100).await.unwrap();
    assert_eq!(pairs(&all), expected);
    assert_eq!(all[0].score, 0.93);
    assert_eq!(all[0].list_version, "v2");
    // Paging with the cursor gives the same, in order.
    let first = store.alerts(0, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    let rest = store.alerts(first[1].seq, 2).await.unwrap();
    assert_eq!(pairs(&rest), expected[2..]);
    assert!(store.alerts(rest[0].seq, 2).await.unwrap().is_empty());
    let more = store
        .raise_alerts(vec![alert("c-1", "bis-dpl:9")])
        .await
        .unwrap();
    assert!(more[0].seq > rest[0].seq);
    assert_eq!(
        pairs(&store.alerts(rest[0].seq, 10).await.unwrap()),
        pairs(&more)
    );
}

async fn concurrent_raises_make_one_alert(store: Arc<dyn MonitoringStore>) {
    store
        .enroll(subject("c-9", "Racing Subject", &[]))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.raise_alerts(vec![alert("c-9", "ofac-sdn:5")]).await })
        })
        .collect();
    let mut raised = 0;
    for t in tasks {
        raised += t.await.unwrap().unwrap().len();
    }
    assert_eq!(raised, 1);
    assert_eq!(store.alerts(0, 100).await.unwrap().len(), 1);
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod embedded_store {
            use super::*;
            $(
                #[tokio::test]
                async fn $case() {
                    let dir = tempfile::tempdir().unwrap();
                    let store = Arc::new(EmbeddedStore::open(dir.path()).unwrap());
                    super::$case(store.clone()).await;
                    let subjects = store.subjects().await.unwrap();
                    let alerts = store.alerts(0, 1000).await.unwrap();
                    drop(store);
                    // Everything survives a reopen.
                    let reopened = EmbeddedStore::open(dir.path()).unwrap();
                    assert_eq!(reopened.subjects().await.unwrap(), subjects);
                    assert_eq!(reopened.alerts(0, 1000).await.unwrap(), alerts);
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
    enrols_reads_and_merges,
    alerts_are_raised_once_and_read_in_order,
    concurrent_raises_make_one_alert,
);

#[test]
fn a_second_process_cannot_open_the_same_directory() {
    let dir = tempfile::tempdir().unwrap();
    let _first = EmbeddedStore::open(dir.path()).unwrap();
    let err = EmbeddedStore::open(dir.path()).err().unwrap();
    assert!(err.to_string().contains("in use"), "{err}");
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
            let name = format!("screening-contract-{}", uuid::Uuid::new_v4().simple());
            DynamoStore::create_table(&client, &name).await.unwrap();
            Self { client, name }
        }

        pub fn store(&self) -> Arc<dyn MonitoringStore> {
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
