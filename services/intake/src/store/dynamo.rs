//! The DynamoDB adapter: one table, keyed `pk`/`sk`, with a `gsi1` index
//! listing customers by case status.
//!
//! | item | pk | sk | other |
//! |---|---|---|---|
//! | customer | `CUSTOMER#<id>` | `PROFILE` | `version`, `status`, `body`, `gsi1pk` = `STATUS#<status>`, `gsi1sk` = id |
//! | audit event | `CUSTOMER#<id>` | `AUDIT#<seq, 10 digits>` | `body` |
//! | idempotency | `IDEMPOTENCY#<key>` | `IDEMPOTENCY` | `body` (the request, then its answer), `expires_at` (TTL) |
//! | pending work | `WORK#pending` | `<customer id>` | present while the customer has pending steps |
//! | feed cursor | `CURSOR#<name>` | `CURSOR` | `value` |
//!
//! The pending-work marker is written or deleted in the same transaction as
//! the customer, so the casework worker finds exactly the customers with
//! steps to finish by reading one partition.
//!
//! A create is one transaction of three conditional puts; an update is one
//! transaction of the conditional customer put (`version = :expected`) and
//! the audit event put (`attribute_not_exists`), so an audit event is never
//! overwritten and a stale update never lands. DynamoDB deletes expired
//! idempotency records in its own time, so the condition also treats an
//! expired record as absent.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};
use cdd_platform::aws::item::{self, Item, n, s};
use time::OffsetDateTime;

use super::{
    CreateOutcome, CustomerStore, FirstAnswer, IdempotencyRecord, ListCursor, NewCustomer, Page,
    StoreError, StoreResult,
};
use crate::domain::audit::AuditEvent;
use crate::domain::record::{CaseStatus, Customer, CustomerId};

const GSI: &str = "gsi1";

/// The DynamoDB adapter.
pub struct DynamoStore {
    client: Client,
    table: String,
}

fn unavailable<E: std::error::Error + 'static>(what: &str, err: E) -> StoreError {
    StoreError::Unavailable(item::failure(what, err))
}

fn customer_pk(id: &CustomerId) -> String {
    format!("CUSTOMER#{id}")
}

fn idempotency_pk(key: &str) -> String {
    format!("IDEMPOTENCY#{key}")
}

fn body<T: serde::de::DeserializeOwned>(item: &Item) -> StoreResult<T> {
    item::body(item).map_err(StoreError::Corrupt)
}

fn json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    item::json(v).map_err(StoreError::Corrupt)
}

fn customer_item(c: &Customer) -> StoreResult<Item> {
    Ok(HashMap::from([
        ("pk".into(), s(customer_pk(&c.id))),
        ("sk".into(), s("PROFILE")),
        ("version".into(), n(c.version)),
        ("status".into(), s(c.case.status.as_str())),
        (
            "gsi1pk".into(),
            s(format!("STATUS#{}", c.case.status.as_str())),
        ),
        ("gsi1sk".into(), s(c.id.as_str())),
        ("body".into(), s(json(c)?)),
    ]))
}

fn event_item(e: &AuditEvent) -> StoreResult<Item> {
    Ok(HashMap::from([
        ("pk".into(), s(customer_pk(&e.customer_id))),
        ("sk".into(), s(format!("AUDIT#{:010}", e.seq))),
        ("body".into(), s(json(e)?)),
    ]))
}

const WORK_PK: &str = "WORK#pending";

/// Writes or removes the customer's pending-work marker, as its case says.
fn work_marker(table: &str, c: &Customer) -> StoreResult<TransactWriteItem> {
    let key = HashMap::from([
        ("pk".to_string(), s(WORK_PK)),
        ("sk".to_string(), s(c.id.as_str())),
    ]);
    if !c.case.pending.is_empty() {
        return item::put(table, key, None, None, None).map_err(StoreError::Corrupt);
    }
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(key))
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(TransactWriteItem::builder().delete(delete).build())
}

/// A transaction item that puts `item` under `condition`.
fn put(
    table: &str,
    item: Item,
    condition: &str,
    values: Option<Item>,
) -> StoreResult<TransactWriteItem> {
    item::put(table, item, Some(condition), None, values).map_err(StoreError::Corrupt)
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Creates the table with the schema above (for emulators and tests;
    /// in AWS, Terraform owns the table).
    pub async fn create_table(client: &Client, table: &str) -> anyhow::Result<()> {
        cdd_platform::aws::create_single_table(client, table, &["gsi1"]).await
    }

    async fn get_item(&self, pk: String, sk: &str) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk))
            .key("sk", s(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("reading an item", e))?;
        Ok(out.item)
    }

    async fn query_status(
        &self,
        status: CaseStatus,
        after: Option<&CustomerId>,
        limit: usize,
    ) -> StoreResult<(Vec<Customer>, bool)> {
        let mut condition = "gsi1pk = :p".to_string();
        let mut values =
            HashMap::from([(":p".to_string(), s(format!("STATUS#{}", status.as_str())))]);
        if let Some(after) = after {
            condition.push_str(" AND gsi1sk > :after");
            values.insert(":after".into(), s(after.as_str()));
        }
        let mut customers = Vec::new();
        let mut start: Option<Item> = None;
        // A page of the index can come back short (1 MB limit), so keep reading.
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(GSI)
                .key_condition_expression(&condition)
                .set_expression_attribute_values(Some(values.clone()))
                .set_exclusive_start_key(start.take())
                .limit((limit + 1 - customers.len()) as i32)
                .send()
                .await
                .map_err(|e| unavailable("listing customers", e))?;
            for item in out.items() {
                customers.push(body::<Customer>(item)?);
            }
            if customers.len() > limit {
                customers.truncate(limit);
                return Ok((customers, true));
            }
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok((customers, false)),
            }
        }
    }
}

#[async_trait]
impl CustomerStore for DynamoStore {
    async fn create(&self, new: NewCustomer) -> StoreResult<CreateOutcome> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let mut idem = HashMap::from([
            ("pk".to_string(), s(idempotency_pk(&new.idempotency.key))),
            ("sk".to_string(), s("IDEMPOTENCY")),
            ("expires_at".to_string(), n(new.idempotency.expires_at)),
        ]);
        idem.insert("body".into(), s(json(&new.idempotency)?));
        let items = vec![
            put(
                &self.table,
                idem,
                "attribute_not_exists(pk) OR expires_at < :now",
                Some(HashMap::from([(":now".to_string(), n(now))])),
            )?,
            put(
                &self.table,
                customer_item(&new.customer)?,
                "attribute_not_exists(pk)",
                None,
            )?,
            put(
                &self.table,
                event_item(&new.event)?,
                "attribute_not_exists(pk)",
                None,
            )?,
            work_marker(&self.table, &new.customer)?,
        ];
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        match result {
            Ok(_) => Ok(CreateOutcome::Created),
            Err(err) => {
                let key_taken =
                    item::failed_conditions(&err).map(|f| f.first().copied().unwrap_or(false));
                // Some emulators leave out the reasons: then look for the record.
                if key_taken != Some(false)
                    && let Some(existing) = self.find_idempotency(&new.idempotency.key).await?
                {
                    return Ok(CreateOutcome::AlreadyDone(existing));
                }
                Err(unavailable("creating a customer", err))
            }
        }
    }

    async fn find_idempotency(&self, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let Some(item) = self.get_item(idempotency_pk(key), "IDEMPOTENCY").await? else {
            return Ok(None);
        };
        let record: IdempotencyRecord = body(&item)?;
        Ok((!record.is_expired(OffsetDateTime::now_utc())).then_some(record))
    }

    async fn answer_idempotency(
        &self,
        key: &str,
        answer: FirstAnswer,
    ) -> StoreResult<IdempotencyRecord> {
        let Some(item) = self.get_item(idempotency_pk(key), "IDEMPOTENCY").await? else {
            return Err(StoreError::NotFound);
        };
        let record: IdempotencyRecord = body(&item)?;
        if record.is_expired(OffsetDateTime::now_utc()) {
            return Err(StoreError::NotFound);
        }
        if record.answer.is_some() {
            return Ok(record);
        }
        let answered = IdempotencyRecord {
            answer: Some(answer),
            ..record
        };
        // Conditional on the unanswered record read: of two answers racing,
        // the first to land stands and the other reads it back.
        let unanswered = item.get("body").cloned().unwrap_or_else(|| s(""));
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(idempotency_pk(key)))
            .item("sk", s("IDEMPOTENCY"))
            .item("expires_at", n(answered.expires_at))
            .item("body", s(json(&answered)?))
            .condition_expression("body = :unanswered")
            .expression_attribute_values(":unanswered", unanswered)
            .send()
            .await;
        match result {
            Ok(_) => Ok(answered),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                match self.find_idempotency(key).await? {
                    Some(record) if record.answer.is_some() => Ok(record),
                    _ => Err(StoreError::NotFound),
                }
            }
            Err(err) => Err(unavailable("recording a request's answer", err)),
        }
    }

    async fn get(&self, id: &CustomerId) -> StoreResult<Option<Customer>> {
        match self.get_item(customer_pk(id), "PROFILE").await? {
            Some(item) => Ok(Some(body(&item)?)),
            None => Ok(None),
        }
    }

    async fn update(
        &self,
        customer: Customer,
        expected_version: u64,
        event: AuditEvent,
    ) -> StoreResult<()> {
        if customer.version != expected_version + 1 {
            return Err(StoreError::VersionConflict {
                expected: expected_version,
            });
        }
        let id = customer.id.clone();
        let marker = work_marker(&self.table, &customer)?;
        let items = vec![
            put(
                &self.table,
                customer_item(&customer)?,
                "attribute_exists(pk) AND version = :expected",
                Some(HashMap::from([(
                    ":expected".to_string(),
                    n(expected_version),
                )])),
            )?,
            put(
                &self.table,
                event_item(&event)?,
                "attribute_not_exists(pk)",
                None,
            )?,
            marker,
        ];
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) if item::transaction_cancelled(&err) => {
                if self.get(&id).await?.is_none() {
                    Err(StoreError::NotFound)
                } else {
                    Err(StoreError::VersionConflict {
                        expected: expected_version,
                    })
                }
            }
            Err(err) => Err(unavailable("updating a customer", err)),
        }
    }

    async fn list(
        &self,
        status: Option<CaseStatus>,
        cursor: Option<ListCursor>,
        limit: usize,
    ) -> StoreResult<Page> {
        let statuses: Vec<CaseStatus> = match status {
            Some(s) => vec![s],
            None => CaseStatus::ALL.to_vec(),
        };
        let mut customers = Vec::with_capacity(limit);
        for status in statuses {
            let index = status.index();
            let after = match &cursor {
                Some(c) if c.status_index > index => continue,
                Some(c) if c.status_index == index => Some(&c.last_id),
                _ => None,
            };
            let (found, more) = self
                .query_status(status, after, limit - customers.len())
                .await?;
            customers.extend(found);
            if more || customers.len() == limit {
                let next = customers.last().map(|c| ListCursor {
                    status_index: index,
                    last_id: c.id.clone(),
                });
                return Ok(Page { customers, next });
            }
        }
        Ok(Page {
            customers,
            next: None,
        })
    }

    async fn audit_trail(&self, id: &CustomerId) -> StoreResult<Vec<AuditEvent>> {
        let mut events = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :audit)")
                .expression_attribute_values(":pk", s(customer_pk(id)))
                .expression_attribute_values(":audit", s("AUDIT#"))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable("reading the audit trail", e))?;
            for item in out.items() {
                events.push(body::<AuditEvent>(item)?);
            }
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(events),
            }
        }
    }

    async fn with_pending_steps(&self, limit: usize) -> StoreResult<Vec<CustomerId>> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", s(WORK_PK))
            .limit(limit.clamp(1, 1000) as i32)
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("listing pending work", e))?;
        out.items()
            .iter()
            .map(|item| {
                let sk = item::string(item, "sk").map_err(StoreError::Corrupt)?;
                CustomerId::parse(&sk).map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect()
    }

    async fn cursor(&self, name: &str) -> StoreResult<Option<String>> {
        match self.get_item(format!("CURSOR#{name}"), "CURSOR").await? {
            Some(item) => Ok(Some(
                item::string(&item, "value").map_err(StoreError::Corrupt)?,
            )),
            None => Ok(None),
        }
    }

    async fn save_cursor(&self, name: &str, value: &str) -> StoreResult<()> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("CURSOR#{name}")))
            .item("sk", s("CURSOR"))
            .item("value", s(value))
            .send()
            .await
            .map_err(|e| unavailable("saving a feed cursor", e))?;
        Ok(())
    }

    async fn check(&self) -> StoreResult<()> {
        cdd_platform::aws::table_ready(&self.client, &self.table)
            .await
            .map_err(StoreError::Unavailable)
    }
}

/// For tests: removes or rewrites a stored audit event directly, as someone
/// with table access could, to prove verification catches it.
#[doc(hidden)]
pub async fn tamper_event(
    client: &Client,
    table: &str,
    id: &CustomerId,
    seq: u64,
    replacement: Option<&AuditEvent>,
) -> anyhow::Result<()> {
    let pk = s(customer_pk(id));
    let sk = s(format!("AUDIT#{seq:010}"));
    match replacement {
        None => {
            client
                .delete_item()
                .table_name(table)
                .key("pk", pk)
                .key("sk", sk)
                .send()
                .await?;
        }
        Some(event) => {
            let mut item = event_item(event).map_err(|e| anyhow::anyhow!(e.to_string()))?;
            item.insert("sk".into(), sk);
            client
                .put_item()
                .table_name(table)
                .set_item(Some(item))
                .send()
                .await?;
        }
    }
    Ok(())
}
