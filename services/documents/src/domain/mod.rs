//! The documents domain: no I/O.
//!
//! - [`ids`]: customer and document ids, object keys
//! - [`media`]: the file types accepted and how they are recognised
//! - [`document`]: a stored document, its verification, legal hold and history
//! - [`retention`]: how long a document must be kept

pub mod document;
pub mod ids;
pub mod media;
pub mod retention;

/// A value from outside that is not valid, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct InvalidValue {
    pub reason: String,
}

impl InvalidValue {
    pub fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

impl From<cdd_contracts::InvalidWireValue> for InvalidValue {
    fn from(e: cdd_contracts::InvalidWireValue) -> Self {
        Self::new(e.reason)
    }
}
