//! Ids and the SHA-256 digest, each valid by construction (the customer id
//! and the digest are `cdd_contracts`', shared with intake and letters).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::InvalidValue;

/// The customer a document belongs to: intake's id, by the one rule every
/// service reads it by.
pub use cdd_contracts::CustomerId;

/// `doc_` and a UUIDv7 in 32 hex digits: time-ordered, unguessable enough
/// not to enumerate, and safe in paths and object keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentId(String);

impl DocumentId {
    pub const PREFIX: &'static str = "doc_";

    pub fn generate() -> Self {
        Self(format!("{}{}", Self::PREFIX, uuid::Uuid::now_v7().simple()))
    }

    pub fn parse(value: impl Into<String>) -> Result<Self, InvalidValue> {
        let value = value.into();
        if cdd_contracts::ids::is_prefixed_id(&value, Self::PREFIX) {
            Ok(Self(value))
        } else {
            Err(InvalidValue::new(
                "must be `doc_` followed by 32 lower-case hex digits",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DocumentId {
    type Error = InvalidValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<DocumentId> for String {
    fn from(value: DocumentId) -> Self {
        value.0
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The object key of a document's content: `documents/{customer_id}/{document_id}`.
pub fn object_key(customer: &CustomerId, id: &DocumentId) -> String {
    format!("documents/{customer}/{id}")
}

/// A SHA-256 digest; hex in JSON.
pub use cdd_contracts::Sha256Digest;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_ids_round_trip_and_refuse_paths() {
        let id = DocumentId::generate();
        assert_eq!(DocumentId::parse(id.as_str()).unwrap(), id);
        assert!(DocumentId::parse("doc_../../etc").is_err());
        assert!(DocumentId::parse("letter_0190").is_err());
    }

    #[test]
    fn customer_ids_are_path_safe() {
        assert!(CustomerId::parse("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e").is_ok());
        assert!(CustomerId::parse("cus_123-ABC").is_err());
        assert!(CustomerId::parse("../x").is_err());
        assert!(CustomerId::parse("").is_err());
    }
}
