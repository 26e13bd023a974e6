//! The DynamoDB adapter: one table keyed `pk`/`sk`, no secondary index.
//!
//! | item | pk | sk | other |
//! |---|---|---|---|
//! | template version | `TEMPLATE#<name>` | `VERSION#<10 digits>` | `body` |
//! | catalogue entry | `TEMPLATES` | `<name>` | `latest_version`, `body` |
//! | letter | `LETTER#<id>` | `LETTER` | `body` |
//! | a customer's letter | `CUSTOMER#<customer id>` | `LETTER#<id>` | `body` |
//! | idempotency record | `IDEMPOTENCY#<subject>#<key>` | `IDEMPOTENCY` | `state`, `letter_id`, `lease_until`, `expires_at` (TTL), `body` |
//!
//! - A template version is put with `attribute_not_exists(pk)`, in one
//!   transaction with its catalogue entry, so a version is never overwritten
//!   and the catalogue never names a version that is not there.
//! - A claim is a conditional put that succeeds only when no live record
//!   holds the key (DynamoDB removes expired items in its own time, so the
//!   condition treats them as absent itself).
//! - A letter, its customer entry and the completed idempotency record are
//!   one transaction, conditional on the claim still being ours.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::TransactWriteItem;
use cdd_platform::aws::item::{self, Item, n, s};
use time::OffsetDateTime;

use super::{
    ClaimOutcome, IdempotencyRecord, IdempotencyState, LetterStore, StoreError, StoreResult,
    StoredTemplate, TemplateStore, TemplateSummary,
};
use crate::issued::{IssuedLetter, LetterId};
use crate::letter::CustomerId;
use crate::template::{TemplateName, TemplateVersion};

const CATALOGUE_PK: &str = "TEMPLATES";
const IDEMPOTENCY_SK: &str = "IDEMPOTENCY";
const PENDING: &str = "pending";
const COMPLETE: &str = "complete";
/// How often a claim is retried when the record it met vanished meanwhile.
const CLAIM_ATTEMPTS: usize = 5;

/// Template versions, letters and idempotency records in one table.
pub struct DynamoStore {
    client: Client,
    table: String,
}

fn unavailable<E: std::error::Error + 'static>(what: &str, err: E) -> StoreError {
    StoreError::Unavailable(item::failure(what, err))
}

fn template_pk(name: &TemplateName) -> String {
    format!("TEMPLATE#{name}")
}

fn version_sk(version: TemplateVersion) -> String {
    format!("VERSION#{:010}", version.get())
}

fn letter_pk(id: &LetterId) -> String {
    format!("LETTER#{id}")
}

fn customer_pk(customer: &CustomerId) -> String {
    format!("CUSTOMER#{customer}")
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

fn idempotency_item(record: &IdempotencyRecord) -> StoreResult<Item> {
    let (state, lease_until) = match record.state {
        IdempotencyState::Pending { lease_until } => (PENDING, lease_until),
        IdempotencyState::Complete { .. } => (COMPLETE, 0),
    };
    Ok(HashMap::from([
        ("pk".into(), s(idempotency_pk(&record.key))),
        ("sk".into(), s(IDEMPOTENCY_SK)),
        ("state".into(), s(state)),
        ("letter_id".into(), s(record.letter_id.as_str())),
        ("lease_until".into(), n(lease_until)),
        ("expires_at".into(), n(record.expires_at)),
        ("body".into(), s(json(record)?)),
    ]))
}

/// A transaction item: `item` put under `condition`.
fn put(
    table: &str,
    item: Item,
    condition: &str,
    names: Option<HashMap<String, String>>,
    values: Option<Item>,
) -> StoreResult<TransactWriteItem> {
    item::put(table, item, Some(condition), names, values).map_err(StoreError::Corrupt)
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Creates the table with the schema above and TTL on `expires_at` (for
    /// emulators and tests; in AWS, Terraform owns the table).
    pub async fn create_table(client: &Client, table: &str) -> anyhow::Result<()> {
        cdd_platform::aws::create_single_table(client, table, &[]).await
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

    /// Every item under `pk` whose sort key starts with `prefix`, in order.
    async fn query_all(&self, pk: String, prefix: Option<&str>) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .expression_attribute_values(":pk", s(pk.clone()))
                .consistent_read(true)
                .set_exclusive_start_key(start.take());
            query = match prefix {
                Some(prefix) => query
                    .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                    .expression_attribute_values(":prefix", s(prefix)),
                None => query.key_condition_expression("pk = :pk"),
            };
            let out = query
                .send()
                .await
                .map_err(|e| unavailable("querying the table", e))?;
            items.extend(out.items().iter().cloned());
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }

    async fn put_version_only(&self, template: &StoredTemplate) -> StoreResult<()> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(version_item(template)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_condition_failure(&err) => Err(StoreError::VersionExists {
                name: template.name.clone(),
                version: template.version,
            }),
            Err(err) => Err(unavailable("publishing a template", err)),
        }
    }
}

fn version_item(template: &StoredTemplate) -> StoreResult<Item> {
    Ok(HashMap::from([
        ("pk".into(), s(template_pk(&template.name))),
        ("sk".into(), s(version_sk(template.version))),
        ("body".into(), s(json(template)?)),
    ]))
}

fn is_condition_failure(
    err: &SdkError<PutItemError, aws_sdk_dynamodb::config::http::HttpResponse>,
) -> bool {
    matches!(
        err.as_service_error(),
        Some(PutItemError::ConditionalCheckFailedException(_))
    )
}

#[async_trait]
impl TemplateStore for DynamoStore {
    async fn publish(&self, template: &StoredTemplate) -> StoreResult<()> {
        let summary = TemplateSummary {
            name: template.name.clone(),
            latest_version: template.version,
            description: template.source.description.clone(),
        };
        let catalogue = HashMap::from([
            ("pk".to_string(), s(CATALOGUE_PK)),
            ("sk".to_string(), s(template.name.as_str())),
            ("latest_version".to_string(), n(template.version.get())),
            ("body".to_string(), s(json(&summary)?)),
        ]);
        let items = vec![
            put(
                &self.table,
                version_item(template)?,
                "attribute_not_exists(pk)",
                None,
                None,
            )?,
            put(
                &self.table,
                catalogue,
                "attribute_not_exists(pk) OR latest_version < :v",
                None,
                Some(HashMap::from([(":v".into(), n(template.version.get()))])),
            )?,
        ];
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        let Err(err) = result else {
            return Ok(());
        };
        let exists = || StoreError::VersionExists {
            name: template.name.clone(),
            version: template.version,
        };
        match item::failed_conditions(&err).as_deref() {
            Some([true, ..]) => Err(exists()),
            // The catalogue already names a later version: this one only
            // fills a gap, so it is put alone.
            Some([false, true]) => self.put_version_only(template).await,
            Some(_) => Err(unavailable("publishing a template", err)),
            None => match self
                .template(&template.name, Some(template.version))
                .await?
            {
                Some(_) => Err(exists()),
                None => Err(unavailable("publishing a template", err)),
            },
        }
    }

    async fn template(
        &self,
        name: &TemplateName,
        version: Option<TemplateVersion>,
    ) -> StoreResult<Option<StoredTemplate>> {
        let item = match version {
            Some(version) => {
                self.get_item(template_pk(name), &version_sk(version))
                    .await?
            }
            None => {
                let out = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .key_condition_expression("pk = :pk AND begins_with(sk, :v)")
                    .expression_attribute_values(":pk", s(template_pk(name)))
                    .expression_attribute_values(":v", s("VERSION#"))
                    .scan_index_forward(false)
                    .limit(1)
                    .consistent_read(true)
                    .send()
                    .await
                    .map_err(|e| unavailable("reading a template", e))?;
                out.items().first().cloned()
            }
        };
        item.map(|item| body(&item)).transpose()
    }

    async fn catalogue(&self) -> StoreResult<Vec<TemplateSummary>> {
        self.query_all(CATALOGUE_PK.into(), None)
            .await?
            .iter()
            .map(body)
            .collect()
    }
}

#[async_trait]
impl LetterStore for DynamoStore {
    async fn claim(&self, claim: &IdempotencyRecord) -> StoreResult<ClaimOutcome> {
        for _ in 0..CLAIM_ATTEMPTS {
            let now = OffsetDateTime::now_utc().unix_timestamp();
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(idempotency_item(claim)?))
                .condition_expression(
                    "attribute_not_exists(pk) OR expires_at <= :now \
                     OR (#state = :pending AND lease_until <= :now)",
                )
                .expression_attribute_names("#state", "state")
                .expression_attribute_values(":now", n(now))
                .expression_attribute_values(":pending", s(PENDING))
                .send()
                .await;
            match result {
                Ok(_) => return Ok(ClaimOutcome::Claimed),
                Err(err) if is_condition_failure(&err) => {
                    if let Some(held) = self.idempotency(&claim.key).await? {
                        return Ok(ClaimOutcome::Held(held));
                    }
                    // Released or expired since: try again.
                }
                Err(err) => return Err(unavailable("claiming an idempotency key", err)),
            }
        }
        Err(StoreError::Unavailable(
            "the idempotency key kept changing hands; retry".into(),
        ))
    }

    async fn release(&self, key: &str, letter_id: &LetterId) -> StoreResult<()> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(idempotency_pk(key)))
            .key("sk", s(IDEMPOTENCY_SK))
            .condition_expression("letter_id = :id AND #state = :pending")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":id", s(letter_id.as_str()))
            .expression_attribute_values(":pending", s(PENDING))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err)
                if matches!(
                    err.as_service_error(),
                    Some(aws_sdk_dynamodb::operation::delete_item::DeleteItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(())
            }
            Err(err) => Err(unavailable("releasing an idempotency key", err)),
        }
    }

    async fn record(
        &self,
        letter: &IssuedLetter,
        key: &str,
        status: u16,
        response: &serde_json::Value,
    ) -> StoreResult<()> {
        let Some(claim) = self.get_item(idempotency_pk(key), IDEMPOTENCY_SK).await? else {
            return Err(StoreError::ClaimLost);
        };
        let claim: IdempotencyRecord = body(&claim)?;
        let complete = IdempotencyRecord {
            state: IdempotencyState::Complete {
                status,
                response: response.clone(),
            },
            ..claim
        };
        let letter_body = json(letter)?;
        let letter_item = HashMap::from([
            ("pk".to_string(), s(letter_pk(&letter.id))),
            ("sk".to_string(), s("LETTER")),
            ("body".to_string(), s(letter_body.clone())),
        ]);
        let customer_item = HashMap::from([
            ("pk".to_string(), s(customer_pk(&letter.customer_id))),
            ("sk".to_string(), s(letter_pk(&letter.id))),
            ("body".to_string(), s(letter_body)),
        ]);
        let items = vec![
            put(
                &self.table,
                idempotency_item(&complete)?,
                "letter_id = :id AND #state = :pending",
                Some(HashMap::from([("#state".into(), "state".into())])),
                Some(HashMap::from([
                    (":id".into(), s(letter.id.as_str())),
                    (":pending".into(), s(PENDING)),
                ])),
            )?,
            put(
                &self.table,
                letter_item,
                "attribute_not_exists(pk)",
                None,
                None,
            )?,
            put(
                &self.table,
                customer_item,
                "attribute_not_exists(pk)",
                None,
                None,
            )?,
        ];
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        let Err(err) = result else {
            return Ok(());
        };
        match item::failed_conditions(&err).as_deref() {
            Some([true, ..]) => Err(StoreError::ClaimLost),
            Some(_) => Err(StoreError::Corrupt(format!(
                "letter {} is already recorded",
                letter.id
            ))),
            None => {
                let still_ours = self.idempotency(key).await?.is_some_and(|r| {
                    r.letter_id == letter.id && matches!(r.state, IdempotencyState::Pending { .. })
                });
                if still_ours {
                    Err(unavailable("recording a letter", err))
                } else {
                    Err(StoreError::ClaimLost)
                }
            }
        }
    }

    async fn idempotency(&self, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let Some(item) = self.get_item(idempotency_pk(key), IDEMPOTENCY_SK).await? else {
            return Ok(None);
        };
        let record: IdempotencyRecord = body(&item)?;
        let now = OffsetDateTime::now_utc().unix_timestamp();
        Ok(record.is_live(now).then_some(record))
    }

    async fn letter(&self, id: &LetterId) -> StoreResult<Option<IssuedLetter>> {
        self.get_item(letter_pk(id), "LETTER")
            .await?
            .map(|item| body(&item))
            .transpose()
    }

    async fn customer_letters(&self, customer: &CustomerId) -> StoreResult<Vec<IssuedLetter>> {
        self.query_all(customer_pk(customer), Some("LETTER#"))
            .await?
            .iter()
            .map(body)
            .collect()
    }

    async fn check(&self) -> StoreResult<()> {
        cdd_platform::aws::table_ready(&self.client, &self.table)
            .await
            .map_err(StoreError::Unavailable)
    }
}
