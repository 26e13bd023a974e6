//! The customer's audit trail: an append-only, hash-chained list of events.
//!
//! Each event's hash covers its own content and the previous event's hash,
//! and the customer record keeps the hash of the newest event (the head).
//! Editing an event breaks its hash, removing one breaks the chain after it,
//! and removing the newest ones no longer reaches the recorded head: every
//! edit or removal of stored events is detected by [`verify`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use cdd_platform::auth::Caller;

use super::record::CustomerId;

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change to a customer, as it was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub customer_id: CustomerId,
    /// 1 for the first event, then +1 per event.
    pub seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: Caller,
    /// What happened, e.g. `customer.created`.
    pub action: String,
    pub details: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The fields the hash covers, in a fixed order. `serde_json` sorts object
/// keys inside `details`, so the bytes are canonical.
#[derive(Serialize)]
struct Hashed<'a> {
    customer_id: &'a CustomerId,
    seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
    actor: &'a Caller,
    action: &'a str,
    details: &'a serde_json::Value,
    prev_hash: &'a str,
}

/// Where the chain ends: kept on the customer record, written together with the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: u64,
    pub hash: String,
}

impl AuditEvent {
    /// The next event after `head` (or the first, when `head` is `None`).
    pub fn next(
        customer_id: &CustomerId,
        head: Option<&AuditHead>,
        at: OffsetDateTime,
        actor: &Caller,
        action: &str,
        details: serde_json::Value,
    ) -> Self {
        let (seq, prev_hash) = match head {
            Some(h) => (h.seq + 1, h.hash.clone()),
            None => (1, GENESIS.to_string()),
        };
        let mut event = Self {
            customer_id: customer_id.clone(),
            seq,
            at,
            actor: actor.clone(),
            action: action.to_string(),
            details,
            prev_hash,
            hash: String::new(),
        };
        event.hash = event.compute_hash();
        event
    }

    pub fn compute_hash(&self) -> String {
        let hashed = Hashed {
            customer_id: &self.customer_id,
            seq: self.seq,
            at: self.at,
            actor: &self.actor,
            action: &self.action,
            details: &self.details,
            prev_hash: &self.prev_hash,
        };
        let bytes = serde_json::to_vec(&hashed).expect("audit events serialise");
        hex::encode(Sha256::digest(&bytes))
    }

    pub fn head(&self) -> AuditHead {
        AuditHead {
            seq: self.seq,
            hash: self.hash.clone(),
        }
    }
}

/// The result of checking a trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub valid: bool,
    pub events_checked: usize,
    /// The first event that does not verify, when one does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_at_seq: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Verification {
    fn broken(checked: usize, seq: u64, problem: String) -> Self {
        Self {
            valid: false,
            events_checked: checked,
            broken_at_seq: Some(seq),
            problem: Some(problem),
        }
    }
}

/// Checks a trail (in stored order) against the head kept on the customer.
pub fn verify(events: &[AuditEvent], head: &AuditHead) -> Verification {
    let mut prev = GENESIS.to_string();
    for (i, event) in events.iter().enumerate() {
        let expected_seq = i as u64 + 1;
        if event.seq != expected_seq {
            return Verification::broken(
                i,
                expected_seq,
                format!(
                    "event {expected_seq} is missing (found {} in its place)",
                    event.seq
                ),
            );
        }
        if event.prev_hash != prev {
            return Verification::broken(
                i,
                event.seq,
                format!("event {} does not link to the event before it", event.seq),
            );
        }
        if event.compute_hash() != event.hash {
            return Verification::broken(
                i,
                event.seq,
                format!("event {} was altered after it was recorded", event.seq),
            );
        }
        prev = event.hash.clone();
    }
    let last_seq = events.last().map(|e| e.seq).unwrap_or(0);
    if last_seq != head.seq || prev != head.hash {
        return Verification::broken(
            events.len(),
            last_seq + 1,
            format!(
                "the trail ends at event {last_seq} but the customer record says {}",
                head.seq
            ),
        );
    }
    Verification {
        valid: true,
        events_checked: events.len(),
        broken_at_seq: None,
        problem: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdd_platform::auth::Role;

    fn trail(n: u64) -> (Vec<AuditEvent>, AuditHead) {
        let id = CustomerId::parse("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e").unwrap();
        let actor = Caller::new("clerk-1", Role::Clerk);
        let mut events: Vec<AuditEvent> = Vec::new();
        for i in 0..n {
            let head = events.last().map(AuditEvent::head);
            events.push(AuditEvent::next(
                &id,
                head.as_ref(),
                OffsetDateTime::UNIX_EPOCH,
                &actor,
                "customer.updated",
                serde_json::json!({"i": i}),
            ));
        }
        let head = events.last().unwrap().head();
        (events, head)
    }

    #[test]
    fn an_intact_trail_verifies() {
        let (events, head) = trail(5);
        assert!(verify(&events, &head).valid);
    }

    #[test]
    fn editing_an_event_is_detected() {
        let (mut events, head) = trail(5);
        events[2].details = serde_json::json!({"i": 99});
        let v = verify(&events, &head);
        assert_eq!((v.valid, v.broken_at_seq), (false, Some(3)));
    }

    #[test]
    fn editing_and_rehashing_an_event_is_detected() {
        let (mut events, head) = trail(5);
        events[1].action = "customer.approved".into();
        events[1].hash = events[1].compute_hash();
        let v = verify(&events, &head);
        assert_eq!((v.valid, v.broken_at_seq), (false, Some(3)));
    }

    #[test]
    fn removing_an_event_is_detected() {
        let (mut events, head) = trail(5);
        events.remove(1);
        assert_eq!(verify(&events, &head).broken_at_seq, Some(2));
        let (mut events, head) = trail(5);
        events.pop();
        let v = verify(&events, &head);
        assert!(!v.valid);
        assert!(v.problem.unwrap().contains("ends at event 4"));
    }
}
