//! The values every service reads the same way: a customer's id and a
//! SHA-256 digest. Each is valid by construction and has one rule, so intake
//! issues exactly what documents and letters accept.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A value that breaks its rule. `reason` never repeats the value (it may be
/// personal data); it completes a sentence such as "path parameter id ...".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidWireValue {
    /// What the value was meant to be, e.g. "customer id".
    pub what: &'static str,
    /// What is wrong, e.g. "must be `cus_` followed by 32 lower-case hex digits".
    pub reason: &'static str,
}

impl fmt::Display for InvalidWireValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.what, self.reason)
    }
}

impl std::error::Error for InvalidWireValue {}

/// A customer id as intake issues it: `cus_` and a UUIDv7 (time-ordered) in
/// 32 lower-case hex digits. Documents and letters receive customer ids from
/// intake and accept exactly these.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CustomerId(String);

impl CustomerId {
    pub const PREFIX: &'static str = "cus_";
    /// The rule as the OpenAPI documents write it.
    pub const PATTERN: &'static str = "^cus_[0-9a-f]{32}$";
    const INVALID: InvalidWireValue = InvalidWireValue {
        what: "customer id",
        reason: "must be `cus_` followed by 32 lower-case hex digits",
    };

    /// A new id (intake's, when it creates a customer).
    pub fn generate() -> Self {
        Self(format!("{}{}", Self::PREFIX, uuid::Uuid::now_v7().simple()))
    }

    pub fn parse(value: impl Into<String>) -> Result<Self, InvalidWireValue> {
        let value = value.into();
        if is_prefixed_id(&value, Self::PREFIX) {
            Ok(Self(value))
        } else {
            Err(Self::INVALID)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The shape of every id the platform issues: a prefix naming what it is
/// (`cus_`, `doc_`, `let_`) and a UUIDv7 as 32 lower-case hex digits.
pub fn is_prefixed_id(value: &str, prefix: &str) -> bool {
    value.strip_prefix(prefix).is_some_and(|hex| {
        hex.len() == 32
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

impl TryFrom<String> for CustomerId {
    type Error = InvalidWireValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<CustomerId> for String {
    fn from(value: CustomerId) -> Self {
        value.0
    }
}

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A SHA-256 digest: 64 lower-case hex digits on the wire (either case is
/// read).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sha256Digest([u8; 32]);

impl Sha256Digest {
    /// The rule as the OpenAPI documents write it.
    pub const PATTERN: &'static str = "^[0-9a-f]{64}$";
    const INVALID: InvalidWireValue = InvalidWireValue {
        what: "SHA-256 digest",
        reason: "must be 64 hex digits",
    };

    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// The digest of everything a streaming hasher was given.
    pub fn from_hasher(hasher: Sha256) -> Self {
        Self(hasher.finalize().into())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn hex(&self) -> String {
        self.to_string()
    }

    /// The form S3 takes in `x-amz-checksum-sha256`.
    pub fn base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    pub fn parse_hex(hex: &str) -> Result<Self, InvalidWireValue> {
        if hex.len() != 64 || !hex.is_ascii() {
            return Err(Self::INVALID);
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            let pair = &hex[2 * i..2 * i + 2];
            if !pair.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Self::INVALID);
            }
            *byte = u8::from_str_radix(pair, 16).map_err(|_| Self::INVALID)?;
        }
        Ok(Self(bytes))
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Digest({self})")
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl TryFrom<String> for Sha256Digest {
    type Error = InvalidWireValue;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse_hex(&value)
    }
}

impl From<Sha256Digest> for String {
    fn from(value: Sha256Digest) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_ids_are_what_intake_issues() {
        let id = CustomerId::generate();
        assert_eq!(CustomerId::parse(id.as_str()), Ok(id.clone()));
        assert_eq!(id.as_str().len(), 36);
        for bad in [
            "",
            "cus-1",
            "cus_123-ABC",
            "../x",
            "cus_0190A1B2C3D4E5F60718293A4B5C6D7E",
            "cus_0190a1b2c3d4e5f60718293a4b5c6d7",
            "doc_0190a1b2c3d4e5f60718293a4b5c6d7e",
        ] {
            assert!(CustomerId::parse(bad).is_err(), "{bad:?}");
        }
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<CustomerId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<CustomerId>("\"cus-1\"").is_err());
    }

    #[test]
    fn digests_round_trip_through_hex() {
        let d = Sha256Digest::of(b"abc");
        assert_eq!(
            d.to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Sha256Digest::parse_hex(&d.hex()), Ok(d));
        assert_eq!(Sha256Digest::parse_hex(&d.hex().to_uppercase()), Ok(d));
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<Sha256Digest>(&json).unwrap(), d);
        assert!(Sha256Digest::parse_hex("ab").is_err());
        assert!(Sha256Digest::parse_hex(&"g".repeat(64)).is_err());
        assert!(Sha256Digest::parse_hex(&format!("+{}", &d.hex()[1..])).is_err());
        assert_eq!(d.base64(), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    }
}
