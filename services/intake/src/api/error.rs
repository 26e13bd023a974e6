//! How store failures reach the caller.

use cdd_platform::problem::{self, Problem};

use crate::store::StoreError;

impl From<StoreError> for Problem {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::VersionConflict { expected } => Problem::new(
                problem::PRECONDITION_FAILED,
                format!("the customer is no longer at version {expected}; read it again and retry"),
            ),
            StoreError::NotFound => Problem::new(problem::NOT_FOUND, "no customer with that id"),
            StoreError::Unavailable(cause) => {
                Problem::unavailable("the customer store is unavailable; retry shortly", 2, cause)
            }
            StoreError::Corrupt(cause) => Problem::internal(cause),
        }
    }
}
