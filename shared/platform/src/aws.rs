//! AWS SDK clients built from the shared settings.
//!
//! `AWS_ENDPOINT_URL` points every client at an emulator (moto, LocalStack);
//! S3 then needs path-style addressing because an emulator on 127.0.0.1 has
//! no per-bucket DNS names.

use aws_config::{BehaviorVersion, Region, SdkConfig};

use crate::settings::CommonSettings;

/// The SDK configuration: region, endpoint, and credentials from the default
/// chain (the task role on Fargate, the environment or profile elsewhere).
pub async fn sdk_config(settings: &CommonSettings) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(region) = &settings.aws_region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(endpoint) = &settings.aws_endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    loader.load().await
}

pub fn dynamodb(config: &SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(config)
}

pub fn secrets_manager(config: &SdkConfig) -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::new(config)
}

pub fn s3(config: &SdkConfig) -> aws_sdk_s3::Client {
    let path_style = config.endpoint_url().is_some();
    let s3_config = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(path_style)
        .build();
    aws_sdk_s3::Client::from_conf(s3_config)
}

/// Creates a service table with the platform's single-table schema: `pk`
/// (hash) and `sk` (range) strings, on-demand billing, TTL on `expires_at`,
/// and one `ALL`-projected index per name in `indexes`, keyed
/// `<name>pk`/`<name>sk`. In AWS, Terraform owns the tables (same schema);
/// this is for emulators and tests.
pub async fn create_single_table(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    indexes: &[&str],
) -> anyhow::Result<()> {
    use aws_sdk_dynamodb::error::DisplayErrorContext;
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
        Projection, ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
    };
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
    };
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
    };
    let mut request = client
        .create_table()
        .table_name(table)
        .attribute_definitions(attr("pk")?)
        .attribute_definitions(attr("sk")?)
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?)
        .billing_mode(BillingMode::PayPerRequest);
    for index in indexes {
        let (hash, range) = (format!("{index}pk"), format!("{index}sk"));
        request = request
            .attribute_definitions(attr(&hash)?)
            .attribute_definitions(attr(&range)?)
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(*index)
                    .key_schema(key(&hash, KeyType::Hash)?)
                    .key_schema(key(&range, KeyType::Range)?)
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()?,
            );
    }
    request
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("creating table {table}: {}", DisplayErrorContext(e)))?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name("expires_at")
                .build()?,
        )
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("enabling TTL on {table}: {}", DisplayErrorContext(e)))?;
    Ok(())
}

/// For a store's readiness check: the table exists and takes writes.
pub async fn table_ready(client: &aws_sdk_dynamodb::Client, table: &str) -> Result<(), String> {
    let out = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(|e| item::failure("describing the table", e))?;
    match out
        .table()
        .and_then(|t| t.table_status())
        .map(|s| s.as_str())
    {
        Some("ACTIVE" | "UPDATING") => Ok(()),
        other => Err(format!("table {table} is {}", other.unwrap_or("unknown"))),
    }
}

/// Building and reading DynamoDB items the way every service stores them:
/// key attributes plus the record as JSON text in `body`; and the pieces of
/// the conditional transactions every store writes them with.
pub mod item {
    use std::collections::HashMap;

    use aws_sdk_dynamodb::config::http::HttpResponse;
    use aws_sdk_dynamodb::error::SdkError;
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

    use aws_sdk_dynamodb::error::DisplayErrorContext;
    use aws_sdk_dynamodb::types::AttributeValue;

    pub type Item = HashMap<String, AttributeValue>;

    /// A string attribute.
    pub fn s(v: impl Into<String>) -> AttributeValue {
        AttributeValue::S(v.into())
    }

    /// A number attribute.
    pub fn n(v: impl ToString) -> AttributeValue {
        AttributeValue::N(v.to_string())
    }

    /// The record kept in the item's `body`; the error says what is wrong with it.
    pub fn body<T: serde::de::DeserializeOwned>(item: &Item) -> Result<T, String> {
        let text = item
            .get("body")
            .and_then(|v| v.as_s().ok())
            .ok_or_else(|| "item has no body".to_string())?;
        serde_json::from_str(text).map_err(|e| format!("item body does not parse: {e}"))
    }

    /// A string attribute by name; the error names what is missing.
    pub fn string(item: &Item, name: &str) -> Result<String, String> {
        item.get(name)
            .and_then(|v| v.as_s().ok())
            .cloned()
            .ok_or_else(|| format!("item has no string attribute {name}"))
    }

    /// A record as the JSON text of a `body` attribute.
    pub fn json<T: serde::Serialize>(v: &T) -> Result<String, String> {
        serde_json::to_string(v).map_err(|e| e.to_string())
    }

    /// A transaction item that puts `item`, under `condition` (with its
    /// attribute names and values) when there is one.
    pub fn put(
        table: &str,
        item: Item,
        condition: Option<&str>,
        names: Option<HashMap<String, String>>,
        values: Option<Item>,
    ) -> Result<TransactWriteItem, String> {
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_string))
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// The transaction was cancelled (a condition failed, or a conflict).
    pub fn transaction_cancelled(err: &SdkError<TransactWriteItemsError, HttpResponse>) -> bool {
        matches!(
            err.as_service_error(),
            Some(TransactWriteItemsError::TransactionCanceledException(_))
        )
    }

    /// Which items of a cancelled transaction failed their condition, when
    /// the service says (some emulators give no reasons: then `None`).
    pub fn failed_conditions(
        err: &SdkError<TransactWriteItemsError, HttpResponse>,
    ) -> Option<Vec<bool>> {
        match err.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(e))
                if !e.cancellation_reasons().is_empty() =>
            {
                Some(
                    e.cancellation_reasons()
                        .iter()
                        .map(|r| r.code() == Some("ConditionalCheckFailed"))
                        .collect(),
                )
            }
            _ => None,
        }
    }

    /// An SDK failure with its whole cause chain, for a store's "unavailable" error.
    pub fn failure<E: std::error::Error + 'static>(what: &str, err: E) -> String {
        format!("{what}: {}", DisplayErrorContext(err))
    }
}
