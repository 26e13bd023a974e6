//! [`Monitor`]: the live lists plus the monitored subjects.
//!
//! A reload loads the configured source while the current version keeps
//! answering; if the load fails (a malformed file names its file and line)
//! nothing changes. Otherwise the new version is swapped in first, so new
//! enrolments are screened against it, and then every subject still marked
//! with an older version is rescreened: against the diff's added and changed
//! entities when it was screened against the version just replaced, against
//! everything when against an older one (a crash mid-rescreen, a restart on
//! new files). Alerts are deduplicated by the store, so running it twice,
//! or on two tasks, raises nothing twice.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::lists::{DEMO_WARNING, LiveLists, LoadError, LoadedLists};
use super::{MonitoredSubject, Scope, rescreen};
use crate::store::{MonitoringStore, StoreError};
use crate::{ListDiff, diff};

/// Rescreen passes after a swap: the second catches subjects enrolled
/// against the old version while the first was running.
const PASSES: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    #[error("the list files could not be loaded: {0}")]
    Load(#[from] LoadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the rescreening thread failed: {0}")]
    Rescreen(String),
}

/// What changed between the version replaced and the new one.
#[derive(Debug, Clone, Serialize)]
pub struct DiffSummary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

impl From<&ListDiff> for DiffSummary {
    fn from(d: &ListDiff) -> Self {
        DiffSummary {
            added: d.added.len(),
            removed: d.removed.len(),
            changed: d.changed.len(),
        }
    }
}

/// The answer to a reload.
#[derive(Debug, Clone, Serialize)]
pub struct ReloadOutcome {
    /// False when the files are byte-for-byte the current version.
    pub changed: bool,
    pub list_version: String,
    pub previous_version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<DiffSummary>,
    pub rescreen: RescreenSummary,
    pub load_ms: u64,
}

/// What a rescreen did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RescreenSummary {
    pub subjects_rescreened: usize,
    pub alerts_raised: usize,
}

/// The lists, the store, and the one-at-a-time reload.
pub struct Monitor {
    lists: Arc<LiveLists>,
    store: Arc<dyn MonitoringStore>,
    reloading: tokio::sync::Mutex<()>,
}

impl Monitor {
    pub fn new(lists: Arc<LiveLists>, store: Arc<dyn MonitoringStore>) -> Self {
        Monitor {
            lists,
            store,
            reloading: tokio::sync::Mutex::new(()),
        }
    }

    pub fn lists(&self) -> &LiveLists {
        &self.lists
    }

    pub fn store(&self) -> &Arc<dyn MonitoringStore> {
        &self.store
    }

    /// Loads the configured source again and, if it differs, swaps it in
    /// and rescreens. A failed load leaves the current version in place.
    pub async fn reload(&self) -> Result<ReloadOutcome, ReloadError> {
        let _one_at_a_time = self.reloading.lock().await;
        let started = Instant::now();
        let loaded = match self.lists.load().await {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(error = %e, "list reload failed; still serving the previous version");
                self.lists.note_reload("failed", Some(e.to_string()));
                return Err(e.into());
            }
        };
        let load_ms = started.elapsed().as_millis() as u64;
        let current = self.lists.current();
        let previous_version = current.version().id.clone();
        if loaded.version().id == previous_version {
            self.lists.note_reload("unchanged", None);
            // Catch up anyone left behind by an earlier failed rescreen.
            let rescreen = self.catch_up(None).await?;
            return Ok(ReloadOutcome {
                changed: false,
                list_version: previous_version.clone(),
                previous_version,
                diff: None,
                rescreen,
                load_ms,
            });
        }
        let (loaded, change) = tokio::task::spawn_blocking(move || {
            let d = diff(current.version(), loaded.version());
            (loaded, d)
        })
        .await
        .map_err(|e| ReloadError::Rescreen(e.to_string()))?;
        announce(&loaded);
        let list_version = loaded.version().id.clone();
        self.lists.swap(loaded);
        self.lists.note_reload("loaded", None);
        tracing::info!(
            list_version = %list_version,
            previous_version = %previous_version,
            added = change.added.len(),
            removed = change.removed.len(),
            changed = change.changed.len(),
            load_ms,
            "new list version in service"
        );
        let rescreen = self.catch_up(Some(&change)).await?;
        Ok(ReloadOutcome {
            changed: true,
            list_version,
            previous_version,
            diff: Some(DiffSummary::from(&change)),
            rescreen,
            load_ms,
        })
    }

    /// Rescreens every subject not yet screened against the current version
    /// (at start: the subjects of a previous run on older lists).
    pub async fn catch_up(
        &self,
        change: Option<&ListDiff>,
    ) -> Result<RescreenSummary, ReloadError> {
        let mut summary = RescreenSummary::default();
        for _ in 0..PASSES {
            let current = self.lists.current();
            let version = current.version().id.clone();
            let stale: Vec<MonitoredSubject> = self
                .store
                .subjects()
                .await?
                .into_iter()
                .filter(|s| s.list_version != version)
                .collect();
            if stale.is_empty() {
                break;
            }
            let scope_ids: Option<HashSet<String>> =
                change.filter(|d| d.to_version == version).map(|d| {
                    d.added
                        .iter()
                        .chain(&d.changed)
                        .map(|e| e.as_str().to_string())
                        .collect()
                });
            let from = change.map(|d| d.from_version.clone());
            let refs: Vec<String> = stale.iter().map(|s| s.subject_ref.clone()).collect();
            let alerts = tokio::task::spawn_blocking(move || {
                let ids: Option<HashSet<&str>> = scope_ids
                    .as_ref()
                    .map(|s| s.iter().map(String::as_str).collect());
                let with_scope: Vec<(&MonitoredSubject, Scope<'_>)> = stale
                    .iter()
                    .map(|s| {
                        let scope = match (&ids, &from) {
                            (Some(ids), Some(from)) if &s.list_version == from => {
                                Scope::Changed(ids)
                            }
                            _ => Scope::Everything,
                        };
                        (s, scope)
                    })
                    .collect();
                rescreen(&current.screener, &with_scope)
            })
            .await
            .map_err(|e| ReloadError::Rescreen(e.to_string()))?;
            let raised = self.store.raise_alerts(alerts).await?;
            self.store.mark_rescreened(&refs, &version).await?;
            tracing::info!(
                subjects = refs.len(),
                alerts = raised.len(),
                list_version = %version,
                "monitored subjects rescreened"
            );
            summary.subjects_rescreened += refs.len();
            summary.alerts_raised += raised.len();
        }
        Ok(summary)
    }
}

/// Logs a version's arrival; loudly when it is demo data.
pub fn announce(loaded: &LoadedLists) {
    let v = loaded.version();
    if v.demo {
        tracing::warn!(list_version = %v.id, "{DEMO_WARNING}");
    }
    tracing::info!(
        list_version = %v.id,
        entities = v.counts.entities,
        source = %loaded.source,
        vintages = ?loaded.vintages,
        "lists loaded"
    );
}
