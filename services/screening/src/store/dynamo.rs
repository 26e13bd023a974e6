//! The DynamoDB adapter: one table (`CDD_SCREENING_TABLE`) keyed `pk`/`sk`.
//!
//! | item | pk | sk | other |
//! |---|---|---|---|
//! | monitored subject | `SUBJECT#<ref>` | `PROFILE` | `body`, `list_version` |
//! | known match | `SUBJECT#<ref>` | `KNOWN#<entity id>` | |
//! | alert | `ALERTS` | `SEQ#<seq, 20 digits>` | `body` |
//! | alert counter | `COUNTER` | `ALERTS` | `next` |
//!
//! Raising an alert is one transaction: put the known-match item
//! (`attribute_not_exists`) and the alert item. If the entity is already
//! known the transaction is cancelled and no alert exists, so concurrent
//! reloads (several tasks) cannot duplicate an alert. Sequence numbers are
//! reserved in blocks with an atomic `ADD` on the counter; a cancelled
//! alert leaves a gap, which the cursor (`sk > SEQ#<after>`) does not mind.
//! One writer writes its alerts in sequence order.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{ReturnValue, TransactWriteItem};
use cdd_platform::aws::item::{self, Item, n, s};
use time::OffsetDateTime;

use super::{MonitoringStore, StoreError, StoreResult};
use crate::EntityId;
use crate::monitoring::{Alert, MonitoredSubject, NewAlert};

const ALERTS_PK: &str = "ALERTS";
const PROFILE: &str = "PROFILE";
const KNOWN: &str = "KNOWN#";
/// DynamoDB's limit on items in one transaction.
const MAX_TRANSACTION_ITEMS: usize = 100;

/// The DynamoDB adapter.
pub struct DynamoStore {
    client: Client,
    table: String,
}

fn unavailable<E: std::error::Error + 'static>(what: &str, err: E) -> StoreError {
    StoreError::Unavailable(item::failure(what, err))
}

fn subject_pk(subject_ref: &str) -> String {
    format!("SUBJECT#{subject_ref}")
}

fn seq_sk(seq: u64) -> String {
    format!("SEQ#{seq:020}")
}

fn text<'a>(item: &'a Item, name: &str) -> StoreResult<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
        .ok_or_else(|| StoreError::Corrupt(format!("item has no {name}")))
}

fn body<T: serde::de::DeserializeOwned>(item: &Item) -> StoreResult<T> {
    item::body(item).map_err(StoreError::Corrupt)
}

fn json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    item::json(v).map_err(StoreError::Corrupt)
}

fn put(item: Item, table: &str, condition: Option<&str>) -> StoreResult<TransactWriteItem> {
    item::put(table, item, condition, None, None).map_err(StoreError::Corrupt)
}

fn known_item(subject_ref: &str, entity: &EntityId) -> Item {
    HashMap::from([
        ("pk".into(), s(subject_pk(subject_ref))),
        ("sk".into(), s(format!("{KNOWN}{entity}"))),
    ])
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Creates the table (for emulators and tests; in AWS, Terraform owns it).
    pub async fn create_table(client: &Client, table: &str) -> anyhow::Result<()> {
        cdd_platform::aws::create_single_table(client, table, &[]).await
    }

    /// Reserves `count` alert sequence numbers; returns the first.
    async fn reserve(&self, count: usize) -> StoreResult<u64> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s("COUNTER"))
            .key("sk", s(ALERTS_PK))
            .update_expression("ADD next_seq :n")
            .expression_attribute_values(":n", n(count))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| unavailable("reserving alert numbers", e))?;
        let last: u64 = out
            .attributes()
            .and_then(|a| a.get("next_seq"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| StoreError::Corrupt("alert counter has no number".into()))?;
        Ok(last + 1 - count as u64)
    }

    /// Reads every item of the subjects' partitions (profiles and known matches).
    async fn scan_subjects(&self) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression("begins_with(pk, :p)")
                .expression_attribute_values(":p", s("SUBJECT#"))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable("reading monitored subjects", e))?;
            items.extend(out.items().iter().cloned());
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }
}

/// Turns a subject's items back into the record.
fn assemble(items: Vec<Item>) -> StoreResult<Vec<MonitoredSubject>> {
    let mut profiles: BTreeMap<String, MonitoredSubject> = BTreeMap::new();
    let mut known: Vec<(String, EntityId)> = Vec::new();
    for item in items {
        let pk = text(&item, "pk")?;
        let Some(subject_ref) = pk.strip_prefix("SUBJECT#") else {
            continue;
        };
        let sk = text(&item, "sk")?;
        if sk == PROFILE {
            let mut subject: MonitoredSubject = body(&item)?;
            subject.list_version = text(&item, "list_version")?.to_string();
            profiles.insert(subject_ref.to_string(), subject);
        } else if let Some(entity) = sk.strip_prefix(KNOWN) {
            known.push((subject_ref.to_string(), EntityId(entity.to_string())));
        }
    }
    for (subject_ref, entity) in known {
        if let Some(p) = profiles.get_mut(&subject_ref) {
            p.known_matches.insert(entity);
        }
    }
    Ok(profiles.into_values().collect())
}

#[async_trait]
impl MonitoringStore for DynamoStore {
    async fn enroll(&self, subject: MonitoredSubject) -> StoreResult<()> {
        let mut profile = subject.clone();
        profile.known_matches.clear();
        let mut writes = vec![put(
            HashMap::from([
                ("pk".into(), s(subject_pk(&subject.subject_ref))),
                ("sk".into(), s(PROFILE)),
                ("list_version".into(), s(&subject.list_version)),
                ("body".into(), s(json(&profile)?)),
            ]),
            &self.table,
            None,
        )?];
        for e in &subject.known_matches {
            writes.push(put(known_item(&subject.subject_ref, e), &self.table, None)?);
        }
        // The profile goes in the first transaction; known matches are
        // idempotent puts, so a retry after a partial failure is harmless.
        for chunk in writes.chunks(MAX_TRANSACTION_ITEMS) {
            self.client
                .transact_write_items()
                .set_transact_items(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| unavailable("enrolling a subject", e))?;
        }
        Ok(())
    }

    async fn subject(&self, subject_ref: &str) -> StoreResult<Option<MonitoredSubject>> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(subject_pk(subject_ref)))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable("reading a monitored subject", e))?;
            items.extend(out.items().iter().cloned());
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        Ok(assemble(items)?.into_iter().next())
    }

    async fn subjects(&self) -> StoreResult<Vec<MonitoredSubject>> {
        assemble(self.scan_subjects().await?)
    }

    async fn raise_alerts(&self, alerts: Vec<NewAlert>) -> StoreResult<Vec<Alert>> {
        if alerts.is_empty() {
            return Ok(Vec::new());
        }
        let first = self.reserve(alerts.len()).await?;
        let now = OffsetDateTime::now_utc();
        let mut raised = Vec::new();
        for (i, new) in alerts.into_iter().enumerate() {
            let alert = Alert::raise(new, first + i as u64, now);
            let alert_item = HashMap::from([
                ("pk".into(), s(ALERTS_PK)),
                ("sk".into(), s(seq_sk(alert.seq))),
                ("body".into(), s(json(&alert)?)),
            ]);
            let writes = vec![
                put(
                    known_item(&alert.subject_ref, &alert.entity_id),
                    &self.table,
                    Some("attribute_not_exists(pk)"),
                )?,
                put(alert_item, &self.table, Some("attribute_not_exists(pk)"))?,
            ];
            match self
                .client
                .transact_write_items()
                .set_transact_items(Some(writes))
                .send()
                .await
            {
                Ok(_) => raised.push(alert),
                // Already known: someone raised it (or it was seen at enrolment).
                Err(err) if item::transaction_cancelled(&err) => {}
                Err(err) => return Err(unavailable("raising an alert", err)),
            }
        }
        Ok(raised)
    }

    async fn mark_rescreened(
        &self,
        subject_refs: &[String],
        list_version: &str,
    ) -> StoreResult<()> {
        use futures::stream::{self, TryStreamExt};
        stream::iter(subject_refs.iter().map(Ok::<&String, StoreError>))
            .try_for_each_concurrent(16, |subject_ref| async move {
                let result = self
                    .client
                    .update_item()
                    .table_name(&self.table)
                    .key("pk", s(subject_pk(subject_ref)))
                    .key("sk", s(PROFILE))
                    .update_expression("SET list_version = :v")
                    .condition_expression("attribute_exists(pk)")
                    .expression_attribute_values(":v", s(list_version))
                    .send()
                    .await;
                match result {
                    Ok(_) => Ok(()),
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                    {
                        Ok(())
                    }
                    Err(e) => Err(unavailable("recording a rescreen", e)),
                }
            })
            .await
    }

    async fn alerts(&self, after: u64, limit: usize) -> StoreResult<Vec<Alert>> {
        let mut alerts = Vec::new();
        let mut start: Option<Item> = None;
        while alerts.len() < limit {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk > :after")
                .expression_attribute_values(":pk", s(ALERTS_PK))
                .expression_attribute_values(":after", s(seq_sk(after)))
                .consistent_read(true)
                .limit(i32::try_from(limit - alerts.len()).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable("reading alerts", e))?;
            for item in out.items() {
                alerts.push(body::<Alert>(item)?);
            }
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        alerts.truncate(limit);
        Ok(alerts)
    }

    async fn check(&self) -> StoreResult<()> {
        cdd_platform::aws::table_ready(&self.client, &self.table)
            .await
            .map_err(StoreError::Unavailable)
    }
}
