//! The lists being screened against, and where they come from.
//!
//! Loading parses the files and builds the index: seconds of CPU, so it runs
//! on a blocking thread while the current [`LoadedLists`] keeps answering.
//! The swap is one atomic pointer store ([`arc_swap::ArcSwap`]): a request
//! screens against the version it picked up at its start, never a mix.

use std::collections::HashMap;
use std::path::{Component, Path};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use serde::Serialize;
use time::OffsetDateTime;

use crate::settings::ListSource;
use crate::{ListError, ListVersion, ListedEntity, LoadReport, PepPolicy, Screener};

/// Versions kept in the `GET /v1/lists` history.
const HISTORY: usize = 20;

/// Why a list source could not be loaded. The service keeps serving the last
/// good version whatever this is.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The files are unreadable or malformed; the message names file and line.
    #[error(transparent)]
    List(#[from] ListError),
    /// S3 could not be listed or read.
    #[error("reading list files from {source_name}: {cause}")]
    Unavailable { source_name: String, cause: String },
    /// An S3 key that cannot be a file under the download folder.
    #[error("refusing list object key {0:?}: not a plain relative path")]
    UnsafeKey(String),
}

/// A loaded version, indexed and ready to screen, with what the load saw.
#[derive(Debug)]
pub struct LoadedLists {
    pub screener: Screener,
    /// Where it came from (for `GET /v1/lists`; never a secret).
    pub source: String,
    pub vintages: Vec<String>,
    pub skipped: Vec<String>,
    by_id: HashMap<String, usize>,
}

impl LoadedLists {
    /// Indexes a load report (CPU-bound: call off the async runtime); PEP
    /// matches are judged current or former by `pep_policy`.
    pub fn build(report: LoadReport, source: String, pep_policy: PepPolicy) -> Self {
        let by_id = report
            .version
            .entities()
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str().to_string(), i))
            .collect();
        LoadedLists {
            vintages: report.vintages.iter().map(|v| v.folder.clone()).collect(),
            skipped: report
                .skipped
                .iter()
                .map(|s| format!("{}: {}", s.folder, s.reason))
                .collect(),
            screener: Screener::with_pep_policy(report.version, pep_policy),
            source,
            by_id,
        }
    }

    pub fn version(&self) -> &ListVersion {
        self.screener.version()
    }

    pub fn entity(&self, id: &str) -> Option<&ListedEntity> {
        self.by_id
            .get(id)
            .and_then(|&i| self.version().entities().get(i))
    }
}

/// Loads the lists from `source` (a folder, S3, or the demo list) and
/// indexes them, off the async runtime. The library entry point for tools.
pub async fn load_from_source(
    source: &ListSource,
    s3: Option<&aws_sdk_s3::Client>,
    pep_policy: PepPolicy,
) -> Result<LoadedLists, LoadError> {
    let label = source.to_string();
    match source {
        ListSource::Dirs(dirs) => {
            let dirs = dirs.clone();
            blocking(move || crate::load_lists_dirs(&dirs), label, pep_policy).await
        }
        ListSource::Demo => blocking(crate::load_demo_lists, label, pep_policy).await,
        ListSource::S3 { bucket, prefix } => {
            let client = s3.ok_or_else(|| LoadError::Unavailable {
                source_name: label.clone(),
                cause: "no S3 client (CDD_LISTS_BUCKET needs CDD_BACKEND=aws)".into(),
            })?;
            let temp = tempfile::tempdir().map_err(|e| LoadError::Unavailable {
                source_name: label.clone(),
                cause: format!("creating a download folder: {e}"),
            })?;
            download(client, bucket, prefix, temp.path(), &label).await?;
            let dir = temp.path().to_path_buf();
            // `temp` lives until the load has read every file.
            let loaded = blocking(move || crate::load_lists_dir(&dir), label, pep_policy).await;
            drop(temp);
            loaded
        }
    }
}

async fn blocking(
    load: impl FnOnce() -> Result<LoadReport, ListError> + Send + 'static,
    label: String,
    pep_policy: PepPolicy,
) -> Result<LoadedLists, LoadError> {
    let task = tokio::task::spawn_blocking(move || {
        load()
            .map(|report| LoadedLists::build(report, label, pep_policy))
            .map_err(LoadError::from)
    });
    match task.await {
        Ok(result) => result,
        Err(join) => Err(LoadError::Unavailable {
            source_name: "list loader".into(),
            cause: format!("the loading thread failed: {join}"),
        }),
    }
}

/// Copies every object under `prefix` to `into`, keeping the folder layout
/// (`lists/ofac_sdn_2024-05-03/sdn.csv` → `ofac_sdn_2024-05-03/sdn.csv`).
async fn download(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    into: &Path,
    label: &str,
) -> Result<(), LoadError> {
    let unavailable = |cause: String| LoadError::Unavailable {
        source_name: label.to_string(),
        cause,
    };
    let mut pages = client
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .into_paginator()
        .send();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            unavailable(format!(
                "listing objects: {}",
                aws_sdk_s3::error::DisplayErrorContext(e)
            ))
        })?;
        for object in page.contents() {
            let Some(key) = object.key() else { continue };
            let relative = key.strip_prefix(prefix).unwrap_or(key);
            if relative.is_empty() || relative.ends_with('/') {
                continue;
            }
            let path = Path::new(relative);
            if !path.components().all(|c| matches!(c, Component::Normal(_))) {
                return Err(LoadError::UnsafeKey(key.to_string()));
            }
            let target = into.join(path);
            if let Some(parent) = target.parent() {
                tokio::fs::create_dir_all(parent)
                    .await
                    .map_err(|e| unavailable(format!("creating {}: {e}", parent.display())))?;
            }
            let body = client
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| {
                    unavailable(format!(
                        "reading {key}: {}",
                        aws_sdk_s3::error::DisplayErrorContext(e)
                    ))
                })?
                .body
                .collect()
                .await
                .map_err(|e| unavailable(format!("reading {key}: {e}")))?
                .into_bytes();
            tokio::fs::write(&target, &body)
                .await
                .map_err(|e| unavailable(format!("writing {}: {e}", target.display())))?;
            count += 1;
        }
    }
    tracing::info!(objects = count, source = label, "list files downloaded");
    Ok(())
}

/// One version in the history of this process.
#[derive(Debug, Clone, Serialize)]
pub struct VersionRecord {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub loaded_at: OffsetDateTime,
    pub demo: bool,
    pub entities: usize,
    pub source: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub replaced_at: Option<OffsetDateTime>,
}

/// The outcome of the last reload attempt.
#[derive(Debug, Clone, Serialize)]
pub struct ReloadAttempt {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// `loaded`, `unchanged` or `failed`.
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The current lists and their history.
pub struct LiveLists {
    current: ArcSwap<LoadedLists>,
    history: Mutex<Vec<VersionRecord>>,
    last_reload: Mutex<Option<ReloadAttempt>>,
    source: ListSource,
    s3: Option<aws_sdk_s3::Client>,
    pep_policy: PepPolicy,
}

fn record(l: &LoadedLists) -> VersionRecord {
    VersionRecord {
        id: l.version().id.clone(),
        loaded_at: l.version().loaded_at,
        demo: l.version().demo,
        entities: l.version().counts.entities,
        source: l.source.clone(),
        replaced_at: None,
    }
}

impl LiveLists {
    /// Starts with a first version (a service never runs without lists).
    pub fn new(
        first: LoadedLists,
        source: ListSource,
        s3: Option<aws_sdk_s3::Client>,
        pep_policy: PepPolicy,
    ) -> Self {
        LiveLists {
            history: Mutex::new(vec![record(&first)]),
            current: ArcSwap::from_pointee(first),
            last_reload: Mutex::new(None),
            source,
            s3,
            pep_policy,
        }
    }

    /// The version to use for one request (or one batch): a cheap clone of
    /// an `Arc`, unaffected by a swap that happens meanwhile.
    pub fn current(&self) -> Arc<LoadedLists> {
        self.current.load_full()
    }

    pub fn source(&self) -> &ListSource {
        &self.source
    }

    /// What identifies the source's files now (see [`super::follow`]).
    pub async fn fingerprint(&self) -> Result<String, LoadError> {
        super::follow::fingerprint(&self.source, self.s3.as_ref()).await
    }

    /// Loads the configured source again (does not swap it in).
    pub async fn load(&self) -> Result<LoadedLists, LoadError> {
        load_from_source(&self.source, self.s3.as_ref(), self.pep_policy).await
    }

    /// Makes `next` current; returns the version it replaced.
    pub fn swap(&self, next: LoadedLists) -> Arc<LoadedLists> {
        let rec = record(&next);
        let previous = self.current.swap(Arc::new(next));
        let mut history = self.history.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(last) = history.last_mut() {
            last.replaced_at = Some(rec.loaded_at);
        }
        history.push(rec);
        let excess = history.len().saturating_sub(HISTORY);
        history.drain(..excess);
        previous
    }

    /// Versions loaded by this process, newest first.
    pub fn history(&self) -> Vec<VersionRecord> {
        let history = self.history.lock().unwrap_or_else(|p| p.into_inner());
        history.iter().rev().cloned().collect()
    }

    pub fn note_reload(&self, outcome: &'static str, error: Option<String>) {
        *self.last_reload.lock().unwrap_or_else(|p| p.into_inner()) = Some(ReloadAttempt {
            at: OffsetDateTime::now_utc(),
            outcome,
            error,
        });
    }

    pub fn last_reload(&self) -> Option<ReloadAttempt> {
        self.last_reload
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// The warning shown wherever demo data is in use.
pub const DEMO_WARNING: &str = "SCREENING AGAINST FICTIONAL DEMO DATA: no real sanctions list is loaded (set CDD_LISTS_DIR or CDD_LISTS_BUCKET); no result of this service means anything about a real person or company";
