//! The wire types of the calls one service of the platform makes to another.
//!
//! Intake calls screening, documents and letters; these are the requests it
//! sends and the parts of the answers it reads. Each service's own test suite
//! parses its real responses into these types, so a change on either side
//! that breaks the other fails a test instead of a customer's onboarding.
//!
//! Answers are read leniently (unknown fields are ignored) so a service can
//! add fields without a coordinated release; requests are written exactly.

pub mod documents;
pub mod letters;
pub mod screening;

/// The header that makes a POST safe to repeat: the same key and body get
/// the first answer again.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
