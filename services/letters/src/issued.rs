//! Issued letters: a rendered letter once it is in the outbound bucket, with
//! what is needed to find it, check it and show it to a caller.

use std::fmt;

use base64::Engine as _;
use cdd_contracts::letters::DecisionReference;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::InvalidValue;
use crate::letter::{CustomerId, LetterFormat, Sha256Digest};
use crate::template::{TemplateName, TemplateVersion};

/// A letter's id: `let_` and 32 hex digits of a UUIDv7, so ids sort by the
/// time they were made.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LetterId(String);

impl LetterId {
    /// Sorts before every real id (a range bound).
    pub(crate) const MIN: Self = Self(String::new());

    pub fn generate() -> Self {
        Self(format!("let_{}", uuid::Uuid::now_v7().simple()))
    }

    pub fn parse(value: impl Into<String>) -> Result<Self, InvalidValue> {
        let value = value.into();
        if cdd_contracts::ids::is_prefixed_id(&value, "let_") {
            Ok(Self(value))
        } else {
            Err(InvalidValue::new(
                "letter id",
                "must be let_ followed by 32 lowercase hex digits",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LetterId {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<LetterId> for String {
    fn from(value: LetterId) -> Self {
        value.0
    }
}

impl fmt::Display for LetterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a letter's file lives in the outbound bucket:
/// `letters/{customer_id}/{letter_id}.{ext}`. Every part is drawn from a
/// restricted alphabet, so a key is also a safe relative file path.
pub fn object_key(customer: &CustomerId, id: &LetterId, format: LetterFormat) -> String {
    format!("letters/{customer}/{id}.{}", format.file_extension())
}

/// A letter in the outbound bucket, as recorded in the letter store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedLetter {
    pub id: LetterId,
    pub customer_id: CustomerId,
    pub template: TemplateName,
    pub version: TemplateVersion,
    pub format: LetterFormat,
    /// The object key in the outbound bucket.
    pub key: String,
    pub sha256: Sha256Digest,
    pub size: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The subject of the token that asked for the letter.
    pub created_by: String,
    /// The recorded decision a decision letter reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionReference>,
}

impl IssuedLetter {
    /// What the API shows of a letter.
    pub fn view(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "customer_id": self.customer_id,
            "template": self.template,
            "version": self.version,
            "format": self.format,
            "content_type": self.format.content_type(),
            "key": self.key,
            "sha256": self.sha256,
            "checksum_sha256": base64_digest(&self.sha256),
            "size": self.size,
            "created_at": self.created_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "created_by": self.created_by,
            "decision": self.decision,
        })
    }
}

/// The digest as S3 carries it (`x-amz-checksum-sha256`): base64.
pub fn base64_digest(digest: &Sha256Digest) -> String {
    base64::engine::general_purpose::STANDARD.encode(digest.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_ids_are_generated_valid_and_parsed_strictly() {
        let id = LetterId::generate();
        assert_eq!(LetterId::parse(id.as_str()), Ok(id.clone()));
        for bad in [
            "",
            "let_",
            "cus_0123456789abcdef0123456789abcdef",
            "let_../../etc/passwd",
        ] {
            assert!(LetterId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn keys_follow_the_bucket_layout() {
        let id = LetterId::parse("let_0123456789abcdef0123456789abcdef").unwrap();
        let customer = CustomerId::parse("cus_31000000000000000000000000000000").unwrap();
        assert_eq!(
            object_key(&customer, &id, LetterFormat::Text),
            "letters/cus_31000000000000000000000000000000/let_0123456789abcdef0123456789abcdef.txt"
        );
    }

    #[test]
    fn the_s3_checksum_is_base64() {
        // SHA-256 of "abc" in base64, as `aws s3api` shows it.
        assert_eq!(
            base64_digest(&Sha256Digest::of(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }
}
