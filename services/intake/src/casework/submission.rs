//! Submitting a customer: the create use case, idempotent to the byte.
//!
//! The customer, its first audit event and an unanswered idempotency record
//! are written together. The steps done at once (screening, the RFI letter)
//! then run in a task of their own, so that a caller who hangs up or times
//! out does not stop them halfway, and what they leave is recorded as the
//! request's answer. A retry with the same key and body gets that answer,
//! byte for byte; one that arrives while the first request is still running
//! waits for it, and if it takes too long gets 409 with `Retry-After`,
//! never a half-finished customer.

use std::sync::Arc;
use std::time::Duration;

use cdd_platform::auth::Caller;
use cdd_platform::json::FieldErrors;
use cdd_platform::problem::{self, Problem};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::Casework;
use crate::domain::audit::AuditEvent;
use crate::domain::customer::Application;
use crate::domain::record::{Case, Customer, CustomerId};
use crate::domain::risk::{Findings, next_review};
use crate::store::{
    CreateOutcome, FirstAnswer, IDEMPOTENCY_TTL_SECS, IdempotencyRecord, NewCustomer, StoreError,
};

/// How long a retry waits for the first request's answer before it is told
/// to come back: inside any client's timeout, and far inside the server's.
const REPLAY_WAIT: Duration = Duration::from_secs(3);
/// Seconds a retry that found the first request still running is told to wait.
const RETRY_AFTER_SECS: u64 = 1;

/// The answer to a submission: the first one for its key.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub customer_id: CustomerId,
    pub answer: FirstAnswer,
}

/// SHA-256 of the body with object keys sorted, so the same JSON written
/// with its keys in another order counts as the same request.
fn request_hash(body: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(serde_json::to_vec(body).unwrap_or_default()))
}

fn key_reused() -> Problem {
    Problem::new(
        problem::IDEMPOTENCY_KEY_REUSED,
        "this Idempotency-Key was already used with a different request body; use a new key for a new customer",
    )
}

fn still_running() -> Problem {
    let mut p = Problem::new(
        problem::CONFLICT,
        "the first request with this Idempotency-Key is still being processed; retry it unchanged",
    );
    p.retry_after = Some(RETRY_AFTER_SECS);
    p
}

fn answer_for(customer: &Customer) -> FirstAnswer {
    FirstAnswer {
        status: http::StatusCode::CREATED.as_u16(),
        body: customer.view().to_string(),
        version: customer.version,
    }
}

impl Casework {
    /// Submits the application in `body` under the caller's
    /// `idempotency_key`, or replays the first answer given for that key.
    pub async fn submit(
        self: &Arc<Self>,
        caller: &Caller,
        idempotency_key: &str,
        body: &serde_json::Value,
    ) -> Result<Submitted, Problem> {
        // Two callers never share a key.
        let key = format!("{}#{}", caller.subject, idempotency_key);
        let hash = request_hash(body);
        if let Some(existing) = self.store.find_idempotency(&key).await? {
            return self.replay(existing, &hash).await;
        }
        let mut errors = FieldErrors::new();
        let application = Application::parse(body, &mut errors);
        let application = errors.finish(application)?;

        let now = OffsetDateTime::now_utc();
        let id = CustomerId::generate();
        let risk = self.rater.rate(&application, Findings::NONE);
        let event = AuditEvent::next(
            &id,
            None,
            now,
            caller,
            "customer.created",
            serde_json::json!({
                "kind": application.kind(),
                "risk_level": risk.level,
                "cdd_level": risk.cdd_level,
                "risk_factors": risk.factors.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
            }),
        );
        let customer = Customer {
            id: id.clone(),
            version: 1,
            case: Case::open(
                risk.clone(),
                next_review(now.date(), risk.review_interval_months),
                now,
            ),
            application,
            created_at: now,
            updated_at: now,
            audit_head: event.head(),
        };
        let record = IdempotencyRecord {
            key: key.clone(),
            request_hash: hash.clone(),
            customer_id: id.clone(),
            expires_at: now.unix_timestamp() + IDEMPOTENCY_TTL_SECS,
            started_at: now.unix_timestamp(),
            answer: None,
        };
        let outcome = self
            .store
            .create(NewCustomer {
                customer: customer.clone(),
                event,
                idempotency: record,
            })
            .await?;
        match outcome {
            CreateOutcome::Created => {
                tracing::info!(customer_id = %id, "customer created");
                let casework = self.clone();
                // Its own task: finished and answered even if this caller
                // is gone.
                // Carried: the task-local trace does not follow a spawn by itself.
                tokio::spawn(cdd_platform::trace::carry(async move {
                    casework.first_steps(customer, key).await
                }))
                .await
                .map_err(Problem::internal)
            }
            CreateOutcome::AlreadyDone(existing) => self.replay(existing, &hash).await,
        }
    }

    /// Screening and the RFI letter now (what cannot be done now stays
    /// pending on the case for the worker), and the outcome recorded as the
    /// request's answer.
    async fn first_steps(&self, customer: Customer, key: String) -> Submitted {
        let customer_id = customer.id.clone();
        let customer = self.run_pending_from(customer).await;
        let answer = answer_for(&customer);
        match self.store.answer_idempotency(&key, answer.clone()).await {
            Ok(IdempotencyRecord {
                answer: Some(first),
                ..
            }) => Submitted {
                customer_id,
                answer: first,
            },
            Ok(_) => Submitted {
                customer_id,
                answer,
            },
            Err(error) => {
                // The customer is stored; only the replay record lacks its
                // answer, and a retry after the abandon time rebuilds it.
                tracing::warn!(customer_id = %customer_id, %error, "the create's answer could not be recorded");
                Submitted {
                    customer_id,
                    answer,
                }
            }
        }
    }

    /// The first answer for `record`'s key, waiting a little for a request
    /// still running.
    async fn replay(
        &self,
        mut record: IdempotencyRecord,
        hash: &str,
    ) -> Result<Submitted, Problem> {
        if record.request_hash != hash {
            return Err(key_reused());
        }
        let deadline = tokio::time::Instant::now() + REPLAY_WAIT;
        let mut pause = Duration::from_millis(20);
        loop {
            if let Some(answer) = record.answer {
                return Ok(Submitted {
                    customer_id: record.customer_id,
                    answer,
                });
            }
            if record.is_abandoned(OffsetDateTime::now_utc()) {
                return self.answer_abandoned(&record).await;
            }
            if tokio::time::Instant::now() + pause > deadline {
                return Err(still_running());
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(200));
            record = match self.store.find_idempotency(&record.key).await? {
                Some(next) => next,
                None => return Err(still_running()),
            };
        }
    }

    /// The request that began `record` died before answering: the answer
    /// becomes the customer as it now stands (the worker finishes its
    /// pending steps), recorded so that every later replay gets it too.
    async fn answer_abandoned(&self, record: &IdempotencyRecord) -> Result<Submitted, Problem> {
        let customer = self.customer(&record.customer_id).await?;
        let answered = match self
            .store
            .answer_idempotency(&record.key, answer_for(&customer))
            .await
        {
            Ok(answered) => answered,
            Err(StoreError::NotFound) => return Err(still_running()),
            Err(other) => return Err(other.into()),
        };
        Ok(Submitted {
            customer_id: record.customer_id.clone(),
            answer: answered.answer.unwrap_or_else(|| answer_for(&customer)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::request_hash;

    #[test]
    fn the_request_hash_ignores_key_order_but_not_values() {
        let a = serde_json::json!({"kind": "individual", "name": "A", "address": {"city": "X", "line1": "Y"}});
        let b: serde_json::Value = serde_json::from_str(
            r#"{"address": {"line1": "Y", "city": "X"}, "name": "A", "kind": "individual"}"#,
        )
        .unwrap();
        let c = serde_json::json!({"kind": "individual", "name": "B", "address": {"city": "X", "line1": "Y"}});
        assert_eq!(request_hash(&a), request_hash(&b));
        assert_ne!(request_hash(&a), request_hash(&c));
    }
}
