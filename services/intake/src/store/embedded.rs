//! The embedded store: state in memory, every change appended to the
//! platform's durable journal under `CDD_DATA_DIR` ([`cdd_platform::journal`]).
//!
//! Writes are checked and applied under one lock and handed to the journal
//! in that order. A caller is answered only once its change is on disk, and a
//! reader waits until what it read is on disk too, so nothing acknowledged is
//! lost to a SIGKILL.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use cdd_platform::journal::{JournaledState, Replayed};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{
    CreateOutcome, CustomerStore, FirstAnswer, IdempotencyRecord, ListCursor, NewCustomer, Page,
    StoreError, StoreResult,
};
use crate::domain::audit::AuditEvent;
use crate::domain::record::{CaseStatus, Customer, CustomerId};

const JOURNAL: &str = "intake";

#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Entry {
    // `events` is a list so that one change can append several events, and
    // so that the trail's verification can be tested by removing one.
    Created {
        customer: Customer,
        events: Vec<AuditEvent>,
        idempotency: IdempotencyRecord,
    },
    Updated {
        customer: Customer,
        events: Vec<AuditEvent>,
    },
    Cursor {
        name: String,
        value: String,
    },
    Answered {
        key: String,
        answer: FirstAnswer,
    },
}

#[derive(Default)]
struct State {
    customers: HashMap<CustomerId, Customer>,
    order: BTreeSet<(usize, CustomerId)>,
    audit: HashMap<CustomerId, Vec<AuditEvent>>,
    idempotency: HashMap<String, IdempotencyRecord>,
    /// Customers with pending steps.
    pending: BTreeSet<CustomerId>,
    cursors: HashMap<String, String>,
}

impl Replayed for State {
    type Entry = Entry;

    fn apply(&mut self, entry: Entry) {
        State::apply(self, entry)
    }
}

impl State {
    fn track_pending(&mut self, customer: &Customer) {
        if customer.case.pending.is_empty() {
            self.pending.remove(&customer.id);
        } else {
            self.pending.insert(customer.id.clone());
        }
    }

    fn apply(&mut self, entry: Entry) {
        match entry {
            Entry::Created {
                customer,
                events,
                idempotency,
            } => {
                self.order
                    .insert((customer.case.status.index(), customer.id.clone()));
                self.audit.insert(customer.id.clone(), events);
                self.idempotency
                    .insert(idempotency.key.clone(), idempotency);
                self.track_pending(&customer);
                self.customers.insert(customer.id.clone(), customer);
            }
            Entry::Updated { customer, events } => {
                if let Some(old) = self.customers.get(&customer.id) {
                    self.order
                        .remove(&(old.case.status.index(), old.id.clone()));
                }
                self.order
                    .insert((customer.case.status.index(), customer.id.clone()));
                self.audit
                    .entry(customer.id.clone())
                    .or_default()
                    .extend(events);
                self.track_pending(&customer);
                self.customers.insert(customer.id.clone(), customer);
            }
            Entry::Cursor { name, value } => {
                self.cursors.insert(name, value);
            }
            Entry::Answered { key, answer } => {
                if let Some(record) = self.idempotency.get_mut(&key)
                    && record.answer.is_none()
                {
                    record.answer = Some(answer);
                }
            }
        }
    }
}

cdd_platform::store_error_from_journal!(StoreError);

/// The embedded adapter.
pub struct EmbeddedStore {
    state: JournaledState<State>,
}

impl EmbeddedStore {
    /// Opens (or creates) the store in `dir`, replaying its journal.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        let state = JournaledState::open(dir, JOURNAL)?;
        Ok(Self { state })
    }
}

#[async_trait]
impl CustomerStore for EmbeddedStore {
    async fn create(&self, new: NewCustomer) -> StoreResult<CreateOutcome> {
        let now = OffsetDateTime::now_utc();
        self.state
            .write(|state| {
                if let Some(existing) = state.idempotency.get(&new.idempotency.key)
                    && !existing.is_expired(now)
                {
                    return Ok((vec![], CreateOutcome::AlreadyDone(existing.clone())));
                }
                if state.customers.contains_key(&new.customer.id) {
                    return Err(StoreError::Corrupt("customer id collision".into()));
                }
                let entry = Entry::Created {
                    customer: new.customer,
                    events: vec![new.event],
                    idempotency: new.idempotency,
                };
                Ok((vec![entry], CreateOutcome::Created))
            })
            .await
    }

    async fn find_idempotency(&self, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let now = OffsetDateTime::now_utc();
        Ok(self
            .state
            .read(|state| {
                state
                    .idempotency
                    .get(key)
                    .filter(|r| !r.is_expired(now))
                    .cloned()
            })
            .await?)
    }

    async fn answer_idempotency(
        &self,
        key: &str,
        answer: FirstAnswer,
    ) -> StoreResult<IdempotencyRecord> {
        let now = OffsetDateTime::now_utc();
        self.state
            .write(|state| {
                let Some(record) = state.idempotency.get(key).filter(|r| !r.is_expired(now)) else {
                    return Err(StoreError::NotFound);
                };
                if record.answer.is_some() {
                    return Ok((vec![], record.clone()));
                }
                let answered = IdempotencyRecord {
                    answer: Some(answer.clone()),
                    ..record.clone()
                };
                let entry = Entry::Answered {
                    key: key.to_string(),
                    answer,
                };
                Ok((vec![entry], answered))
            })
            .await
    }

    async fn get(&self, id: &CustomerId) -> StoreResult<Option<Customer>> {
        Ok(self
            .state
            .read(|state| state.customers.get(id).cloned())
            .await?)
    }

    async fn update(
        &self,
        customer: Customer,
        expected_version: u64,
        event: AuditEvent,
    ) -> StoreResult<()> {
        self.state
            .write(|state| {
                let current = state
                    .customers
                    .get(&customer.id)
                    .ok_or(StoreError::NotFound)?;
                if current.version != expected_version || customer.version != expected_version + 1 {
                    return Err(StoreError::VersionConflict {
                        expected: expected_version,
                    });
                }
                let entry = Entry::Updated {
                    customer,
                    events: vec![event],
                };
                Ok((vec![entry], ()))
            })
            .await
    }

    async fn list(
        &self,
        status: Option<CaseStatus>,
        cursor: Option<ListCursor>,
        limit: usize,
    ) -> StoreResult<Page> {
        Ok(self
            .state
            .read(|state| list_page(state, status, cursor, limit))
            .await?)
    }

    async fn audit_trail(&self, id: &CustomerId) -> StoreResult<Vec<AuditEvent>> {
        Ok(self
            .state
            .read(|state| state.audit.get(id).cloned().unwrap_or_default())
            .await?)
    }

    async fn with_pending_steps(&self, limit: usize) -> StoreResult<Vec<CustomerId>> {
        Ok(self
            .state
            .read(|state| state.pending.iter().take(limit).cloned().collect())
            .await?)
    }

    async fn cursor(&self, name: &str) -> StoreResult<Option<String>> {
        Ok(self
            .state
            .read(|state| state.cursors.get(name).cloned())
            .await?)
    }

    async fn save_cursor(&self, name: &str, value: &str) -> StoreResult<()> {
        let entry = Entry::Cursor {
            name: name.to_string(),
            value: value.to_string(),
        };
        self.state.write(|_| Ok((vec![entry], ()))).await
    }

    async fn check(&self) -> StoreResult<()> {
        Ok(self.state.check()?)
    }
}

/// One page of the listing, ordered by status then id.
fn list_page(
    state: &State,
    status: Option<CaseStatus>,
    cursor: Option<ListCursor>,
    limit: usize,
) -> Page {
    let (from_index, to_index) = match status {
        Some(s) => (s.index(), s.index()),
        None => (0, CaseStatus::ALL.len() - 1),
    };
    let start = match &cursor {
        Some(c) if c.status_index >= from_index && c.status_index <= to_index => {
            std::ops::Bound::Excluded((c.status_index, c.last_id.clone()))
        }
        Some(_) => {
            return Page {
                customers: Vec::new(),
                next: None,
            };
        }
        None => std::ops::Bound::Unbounded,
    };
    let mut customers = Vec::with_capacity(limit);
    let mut more = false;
    for (index, id) in state.order.range((start, std::ops::Bound::Unbounded)) {
        if *index < from_index {
            continue;
        }
        if *index > to_index {
            break;
        }
        if customers.len() == limit {
            more = true;
            break;
        }
        if let Some(c) = state.customers.get(id) {
            customers.push(c.clone());
        }
    }
    let next = if more {
        customers.last().map(|c: &Customer| ListCursor {
            status_index: c.case.status.index(),
            last_id: c.id.clone(),
        })
    } else {
        None
    };
    Page { customers, next }
}

/// For tests: tamper with stored audit events the way an attacker with file
/// access could, to prove the trail's verification catches it.
#[doc(hidden)]
pub fn rewrite_journal(
    dir: &Path,
    edit: impl Fn(&mut serde_json::Value) -> bool,
) -> anyhow::Result<()> {
    let path = dir.join(format!("{JOURNAL}.journal"));
    let text = std::fs::read_to_string(&path)?;
    let mut out = String::new();
    for line in text.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line)?;
        if edit(&mut v) {
            out.push_str(&serde_json::to_string(&v)?);
            out.push('\n');
        }
    }
    std::fs::write(&path, out)?;
    Ok(())
}

/// Shared handle type used by the app.
pub type SharedStore = Arc<dyn CustomerStore>;
