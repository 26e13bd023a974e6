//! The embedded store: state in memory, every change appended to the
//! platform's durable journal under `CDD_DATA_DIR`
//! ([`cdd_platform::journal`]) before it is acknowledged.
//!
//! Changes are checked and applied under one lock and handed to the journal
//! in that order. A caller is answered only once its change is on disk, and a
//! reader waits until what it read is on disk.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use async_trait::async_trait;
use cdd_platform::journal::{JournaledState, Replayed};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{MonitoringStore, StoreError, StoreResult};
use crate::EntityId;
use crate::monitoring::{Alert, MonitoredSubject, NewAlert};

const JOURNAL: &str = "monitoring";

#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Entry {
    Enrolled {
        subject: MonitoredSubject,
    },
    AlertsRaised {
        alerts: Vec<Alert>,
    },
    Rescreened {
        subject_refs: Vec<String>,
        list_version: String,
    },
}

#[derive(Default)]
struct State {
    subjects: BTreeMap<String, MonitoredSubject>,
    /// Alerts in feed order; `seq` is the position + 1.
    alerts: Vec<Alert>,
    /// `(subject_ref, entity)` pairs known, including for subjects not
    /// (yet) enrolled, so that the rule holds whatever the order of events.
    known: HashSet<(String, EntityId)>,
}

impl Replayed for State {
    type Entry = Entry;

    fn apply(&mut self, entry: Entry) {
        match entry {
            Entry::Enrolled { mut subject } => {
                for e in &subject.known_matches {
                    self.known.insert((subject.subject_ref.clone(), e.clone()));
                }
                if let Some(old) = self.subjects.get(&subject.subject_ref) {
                    subject
                        .known_matches
                        .extend(old.known_matches.iter().cloned());
                }
                self.subjects.insert(subject.subject_ref.clone(), subject);
            }
            Entry::AlertsRaised { alerts } => {
                for a in alerts {
                    self.known
                        .insert((a.subject_ref.clone(), a.entity_id.clone()));
                    if let Some(s) = self.subjects.get_mut(&a.subject_ref) {
                        s.known_matches.insert(a.entity_id.clone());
                    }
                    self.alerts.push(a);
                }
            }
            Entry::Rescreened {
                subject_refs,
                list_version,
            } => {
                for r in subject_refs {
                    if let Some(s) = self.subjects.get_mut(&r) {
                        s.list_version.clone_from(&list_version);
                    }
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
        Ok(Self {
            state: JournaledState::open(dir, JOURNAL)?,
        })
    }
}

#[async_trait]
impl MonitoringStore for EmbeddedStore {
    async fn enroll(&self, subject: MonitoredSubject) -> StoreResult<()> {
        self.state
            .write(|_| Ok((vec![Entry::Enrolled { subject }], ())))
            .await
    }

    async fn subject(&self, subject_ref: &str) -> StoreResult<Option<MonitoredSubject>> {
        Ok(self
            .state
            .read(|state| state.subjects.get(subject_ref).cloned())
            .await?)
    }

    async fn subjects(&self) -> StoreResult<Vec<MonitoredSubject>> {
        Ok(self
            .state
            .read(|state| state.subjects.values().cloned().collect())
            .await?)
    }

    async fn raise_alerts(&self, alerts: Vec<NewAlert>) -> StoreResult<Vec<Alert>> {
        let now = OffsetDateTime::now_utc();
        self.state
            .write(|state| {
                let mut fresh: HashSet<(String, EntityId)> = HashSet::new();
                let mut raised = Vec::new();
                for new in alerts {
                    let key = (new.subject_ref.clone(), new.entity_id.clone());
                    if state.known.contains(&key) || !fresh.insert(key) {
                        continue;
                    }
                    let seq = (state.alerts.len() + raised.len()) as u64 + 1;
                    raised.push(Alert::raise(new, seq, now));
                }
                let entries = if raised.is_empty() {
                    vec![]
                } else {
                    vec![Entry::AlertsRaised {
                        alerts: raised.clone(),
                    }]
                };
                Ok((entries, raised))
            })
            .await
    }

    async fn mark_rescreened(
        &self,
        subject_refs: &[String],
        list_version: &str,
    ) -> StoreResult<()> {
        if subject_refs.is_empty() {
            return Ok(());
        }
        let entry = Entry::Rescreened {
            subject_refs: subject_refs.to_vec(),
            list_version: list_version.to_string(),
        };
        self.state.write(|_| Ok((vec![entry], ()))).await
    }

    async fn alerts(&self, after: u64, limit: usize) -> StoreResult<Vec<Alert>> {
        Ok(self
            .state
            .read(|state| {
                let start = usize::try_from(after)
                    .unwrap_or(usize::MAX)
                    .min(state.alerts.len());
                state.alerts[start..].iter().take(limit).cloned().collect()
            })
            .await?)
    }

    async fn check(&self) -> StoreResult<()> {
        Ok(self.state.check()?)
    }
}
