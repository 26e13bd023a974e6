//! The DynamoDB adapter: one table keyed `pk`/`sk`, no secondary index.
//!
//! | item | pk | sk | other |
//! |---|---|---|---|
//! | document | `DOCUMENT#<id>` | `DOCUMENT` | `version`, `body` (the document as JSON) |
//! | a customer's document | `CUSTOMER#<customer id>` | `DOCUMENT#<id>` | `body` |
//!
//! Both items are written in one transaction. A new document is put with
//! `attribute_not_exists(pk)`; a change with `version = :expected`, so two
//! analysts working on one document never overwrite each other.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::TransactWriteItem;
use cdd_platform::aws::item::{self, Item, n, s};

use super::{DocumentStore, StoreError, StoreResult};
use crate::domain::document::Document;
use crate::domain::ids::{CustomerId, DocumentId};

const DOCUMENT_SK: &str = "DOCUMENT";

/// Document metadata in one table.
pub struct DynamoDocumentStore {
    client: Client,
    table: String,
}

fn unavailable<E: std::error::Error + 'static>(what: &str, err: E) -> StoreError {
    StoreError::Unavailable(item::failure(what, err))
}

fn document_pk(id: &DocumentId) -> String {
    format!("DOCUMENT#{id}")
}

fn customer_pk(customer: &CustomerId) -> String {
    format!("CUSTOMER#{customer}")
}

fn body(item: &Item) -> StoreResult<Document> {
    item::body(item).map_err(StoreError::Corrupt)
}

fn items(document: &Document) -> StoreResult<(Item, Item)> {
    let json = item::json(document).map_err(StoreError::Corrupt)?;
    let main = HashMap::from([
        ("pk".into(), s(document_pk(&document.id))),
        ("sk".into(), s(DOCUMENT_SK)),
        ("version".into(), n(document.version)),
        ("body".into(), s(json.clone())),
    ]);
    let index = HashMap::from([
        ("pk".into(), s(customer_pk(&document.customer_id))),
        ("sk".into(), s(format!("DOCUMENT#{}", document.id))),
        ("body".into(), s(json)),
    ]);
    Ok((main, index))
}

fn put(
    table: &str,
    item: Item,
    condition: Option<(&str, Option<Item>)>,
) -> StoreResult<TransactWriteItem> {
    let (expression, values) = condition.unzip();
    item::put(table, item, expression, None, values.flatten()).map_err(StoreError::Corrupt)
}

/// Whether a cancelled transaction failed on a condition (an emulator that
/// gives no reasons is taken to mean so: the writes are conditional).
fn is_condition_failure(
    err: &SdkError<TransactWriteItemsError, aws_sdk_dynamodb::config::http::HttpResponse>,
) -> bool {
    item::transaction_cancelled(err)
        && item::failed_conditions(err).is_none_or(|failed| failed.contains(&true))
}

impl DynamoDocumentStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Creates the table (for emulators and tests; Terraform owns it in AWS).
    pub async fn create_table(client: &Client, table: &str) -> anyhow::Result<()> {
        cdd_platform::aws::create_single_table(client, table, &[]).await
    }

    async fn write(&self, document: &Document, expected: Option<u64>) -> StoreResult<()> {
        let (main, index) = items(document)?;
        let condition = match expected {
            None => ("attribute_not_exists(pk)", None),
            Some(v) => (
                "version = :expected",
                Some(HashMap::from([(":expected".to_string(), n(v))])),
            ),
        };
        let result = self
            .client
            .transact_write_items()
            .transact_items(put(&self.table, main, Some(condition))?)
            .transact_items(put(&self.table, index, None)?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_condition_failure(&err) => Err(match expected {
                None => StoreError::AlreadyExists(document.id.clone()),
                Some(expected) => StoreError::VersionMismatch {
                    id: document.id.clone(),
                    expected,
                },
            }),
            Err(err) => Err(unavailable("writing a document", err)),
        }
    }
}

#[async_trait]
impl DocumentStore for DynamoDocumentStore {
    async fn insert(&self, document: &Document) -> StoreResult<()> {
        self.write(document, None).await
    }

    async fn update(&self, document: &Document, expected_version: u64) -> StoreResult<()> {
        self.write(document, Some(expected_version)).await
    }

    async fn document(&self, id: &DocumentId) -> StoreResult<Option<Document>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(document_pk(id)))
            .key("sk", s(DOCUMENT_SK))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable("reading a document", e))?;
        out.item.as_ref().map(body).transpose()
    }

    async fn customer_documents(&self, customer: &CustomerId) -> StoreResult<Vec<Document>> {
        let mut docs = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(customer_pk(customer)))
                .expression_attribute_values(":prefix", s("DOCUMENT#"))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| unavailable("listing a customer's documents", e))?;
            for item in out.items() {
                docs.push(body(item)?);
            }
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        docs.sort_by(|a, b| (a.uploaded_at, &a.id).cmp(&(b.uploaded_at, &b.id)));
        Ok(docs)
    }

    async fn check(&self) -> StoreResult<()> {
        cdd_platform::aws::table_ready(&self.client, &self.table)
            .await
            .map_err(StoreError::Unavailable)
    }
}
