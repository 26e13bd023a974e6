//! The wire types of the calls one service of the platform makes to another.
//!
//! Intake calls screening, documents and letters; these are the requests it
//! sends and the parts of the answers it reads. Each service's own test suite
//! parses its real responses into these types, so a change on either side
//! that breaks the other fails a test instead of a customer's onboarding.
//!
//! [`ids`] holds the values every service reads by one rule: the customer
//! id intake issues and the others accept, and the SHA-256 digest.
//!
//! Answers are read leniently (unknown fields are ignored) so a service can
//! add fields without a coordinated release; requests are written exactly.

pub mod documents;
pub mod ids;
pub mod letters;
pub mod screening;

pub use ids::{CustomerId, InvalidWireValue, Sha256Digest};

/// The header that makes a POST safe to repeat: the same key and body get
/// the first answer again.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// The W3C Trace Context header (<https://www.w3.org/TR/trace-context/>):
/// `00-<trace id>-<parent span id>-<flags>`. Every service reads it on the
/// way in and intake sends it on every call, so one onboarding is one trace.
pub const TRACEPARENT: &str = "traceparent";
