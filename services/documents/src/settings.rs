//! The documents service's settings: the shared ones, its table, bucket and
//! key, and its limits.
//!
//! | variable | meaning |
//! |---|---|
//! | `CDD_DOCUMENTS_TABLE` | DynamoDB table (required with `CDD_BACKEND=aws`) |
//! | `CDD_DOCUMENTS_BUCKET` | S3 bucket for the files (required with `CDD_BACKEND=aws`) |
//! | `CDD_DOCUMENTS_KMS_KEY_ID` | KMS key for SSE-KMS; without it the bucket's default encryption applies |
//! | `CDD_DOCUMENT_MAX_BYTES` | largest file accepted (default 50 MiB) |
//! | `CDD_DOCUMENTS_PART_BYTES` | S3 multipart part size (default 8 MiB, at least 5 MiB) |
//! | `CDD_DOCUMENTS_UPLOAD_TIMEOUT_MS` | how long one upload may take (default 15 minutes); every other request keeps `CDD_REQUEST_TIMEOUT_MS` |
//! | `CDD_DOCUMENTS_RETAIN_YEARS` | retention after upload for every type but source of funds (default 5) |
//! | `CDD_DOCUMENTS_RETAIN_YEARS_SOURCE_OF_FUNDS` | retention after upload for source-of-funds and source-of-wealth evidence (default 7) |

use std::time::Duration;

use cdd_platform::settings::{Backend, CommonSettings, EnvReader};

use crate::domain::retention::RetentionRule;
use crate::store::s3::DEFAULT_PART_SIZE;

pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;
const DEFAULT_UPLOAD_TIMEOUT_MS: u64 = 15 * 60 * 1000;

#[derive(Debug, Clone)]
pub struct DocumentsSettings {
    pub common: CommonSettings,
    pub table: Option<String>,
    pub bucket: Option<String>,
    pub kms_key_id: Option<String>,
    pub max_bytes: u64,
    pub part_bytes: usize,
    pub upload_timeout: Duration,
    pub retention: RetentionRule,
}

impl DocumentsSettings {
    pub fn read(env: &mut EnvReader) -> Option<Self> {
        let common = CommonSettings::read("documents", env)?;
        let (table, bucket) = match common.backend {
            Backend::Aws => (
                env.required("CDD_DOCUMENTS_TABLE"),
                env.required("CDD_DOCUMENTS_BUCKET"),
            ),
            Backend::Embedded { .. } => (
                env.optional("CDD_DOCUMENTS_TABLE"),
                env.optional("CDD_DOCUMENTS_BUCKET"),
            ),
        };
        let kms_key_id = env.optional("CDD_DOCUMENTS_KMS_KEY_ID");
        let max_bytes = env.parsed_or::<u64>("CDD_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES);
        if max_bytes == 0 {
            env.problem("CDD_DOCUMENT_MAX_BYTES", "must be greater than 0");
        }
        let part_bytes = env.parsed_or::<usize>("CDD_DOCUMENTS_PART_BYTES", DEFAULT_PART_SIZE);
        if part_bytes < 5 * 1024 * 1024 {
            env.problem(
                "CDD_DOCUMENTS_PART_BYTES",
                "must be at least 5242880 (S3's smallest part)",
            );
        }
        let upload_timeout_ms =
            env.parsed_or::<u64>("CDD_DOCUMENTS_UPLOAD_TIMEOUT_MS", DEFAULT_UPLOAD_TIMEOUT_MS);
        if upload_timeout_ms == 0 {
            env.problem("CDD_DOCUMENTS_UPLOAD_TIMEOUT_MS", "must be greater than 0");
        }
        let defaults = RetentionRule::default();
        let retention = RetentionRule {
            default_years: env.parsed_or("CDD_DOCUMENTS_RETAIN_YEARS", defaults.default_years),
            source_of_funds_years: env.parsed_or(
                "CDD_DOCUMENTS_RETAIN_YEARS_SOURCE_OF_FUNDS",
                defaults.source_of_funds_years,
            ),
        };
        Some(Self {
            common,
            table,
            bucket,
            kms_key_id,
            max_bytes,
            part_bytes,
            upload_timeout: Duration::from_millis(upload_timeout_ms),
            retention,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(pairs: &[(&str, &str)]) -> (Option<DocumentsSettings>, Vec<String>) {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut env = EnvReader::from_map(vars);
        let settings = DocumentsSettings::read(&mut env);
        let problems = env
            .finish()
            .err()
            .map(|e| e.problems.into_iter().map(|p| p.name).collect())
            .unwrap_or_default();
        (settings, problems)
    }

    #[test]
    fn local_defaults_are_enough() {
        let (settings, problems) = read(&[]);
        assert!(problems.is_empty(), "{problems:?}");
        let settings = settings.unwrap();
        assert_eq!(settings.max_bytes, DEFAULT_MAX_BYTES);
        assert_eq!(settings.retention, RetentionRule::default());
    }

    #[test]
    fn every_bad_setting_is_named() {
        let (_, problems) = read(&[
            ("CDD_BACKEND", "aws"),
            ("AWS_REGION", "eu-west-1"),
            ("CDD_DOCUMENT_MAX_BYTES", "lots"),
            ("CDD_DOCUMENTS_PART_BYTES", "1024"),
            ("CDD_DOCUMENTS_RETAIN_YEARS", "-1"),
        ]);
        assert_eq!(
            problems,
            [
                "CDD_DOCUMENTS_TABLE",
                "CDD_DOCUMENTS_BUCKET",
                "CDD_DOCUMENT_MAX_BYTES",
                "CDD_DOCUMENTS_PART_BYTES",
                "CDD_DOCUMENTS_RETAIN_YEARS"
            ]
        );
    }
}
