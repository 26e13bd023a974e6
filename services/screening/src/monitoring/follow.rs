//! Every screening task follows its list source on its own.
//!
//! `POST /v1/lists/reload` reaches the one task the load balancer picks. So
//! that every task serves the new version (and none screens a customer
//! against yesterday's list), each task also checks the source every
//! `CDD_LISTS_CHECK_INTERVAL_MS` and reloads when it changed. The check is
//! cheap: file names, sizes and modification times for a folder; keys, ETags
//! and sizes from one listing for S3. The reload itself compares content
//! and rescreens exactly once per subject (alerts are deduplicated by the
//! store), so several tasks reloading the same change raise nothing twice.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use cdd_platform::http::Shutdown;
use sha2::{Digest, Sha256};

use super::lists::LoadError;
use super::reload::Monitor;
use crate::settings::ListSource;

/// Folders below the source walked at most (a vintage folder is one level).
const MAX_DEPTH: usize = 3;

/// What identifies the source's current files, cheaply.
pub async fn fingerprint(
    source: &ListSource,
    s3: Option<&aws_sdk_s3::Client>,
) -> Result<String, LoadError> {
    let label = source.to_string();
    let unavailable = |cause: String| LoadError::Unavailable {
        source_name: label.clone(),
        cause,
    };
    let mut entries: Vec<String> = match source {
        ListSource::Demo => vec!["demo".to_string()],
        ListSource::Dirs(dirs) => {
            let dirs = dirs.clone();
            tokio::task::spawn_blocking(move || {
                let mut out = Vec::new();
                for dir in &dirs {
                    // The folder's own path first: two roots may hold the
                    // same relative names.
                    out.push(dir.display().to_string());
                    walk(dir, dir, 0, &mut out)?;
                }
                Ok::<_, std::io::Error>(out)
            })
            .await
            .map_err(|e| unavailable(e.to_string()))?
            .map_err(|e| unavailable(format!("reading the folder: {e}")))?
        }
        ListSource::S3 { bucket, prefix } => {
            let client = s3.ok_or_else(|| unavailable("no S3 client".into()))?;
            let mut pages = client
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .into_paginator()
                .send();
            let mut out = Vec::new();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| {
                    unavailable(format!(
                        "listing objects: {}",
                        aws_sdk_s3::error::DisplayErrorContext(e)
                    ))
                })?;
                for object in page.contents() {
                    out.push(format!(
                        "{}\t{}\t{}",
                        object.key().unwrap_or_default(),
                        object.e_tag().unwrap_or_default(),
                        object.size().unwrap_or_default()
                    ));
                }
            }
            out
        }
    };
    entries.sort();
    Ok(hex::encode(Sha256::digest(entries.join("\n").as_bytes())))
}

/// Names, sizes and modification times of the files under `dir`
/// (following links, as the loader does).
fn walk(root: &Path, dir: &Path, depth: usize, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let meta = std::fs::metadata(&path)?;
        if meta.is_dir() {
            if depth < MAX_DEPTH {
                walk(root, &path, depth + 1, out)?;
            }
            continue;
        }
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let relative = path.strip_prefix(root).unwrap_or(&path);
        out.push(format!(
            "{}\t{}\t{modified}",
            relative.display(),
            meta.len()
        ));
    }
    Ok(())
}

/// Checks the source every `every` until the shutdown; reloads on a change.
/// `seen` is the fingerprint taken before the version in service was loaded
/// (so a change made during that load is still noticed).
pub async fn follow(
    monitor: Arc<Monitor>,
    mut seen: Option<String>,
    every: Duration,
    shutdown: Shutdown,
) {
    loop {
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tokio::time::sleep(every) => {}
        }
        let now = match monitor.lists().fingerprint().await {
            Ok(now) => now,
            Err(e) => {
                tracing::warn!(error = %e, "could not check the list source for changes");
                continue;
            }
        };
        if seen.as_deref() == Some(now.as_str()) {
            continue;
        }
        tracing::info!(source = %monitor.lists().source(), "the list source changed; reloading");
        match monitor.reload().await {
            Ok(outcome) => {
                tracing::info!(changed = outcome.changed, list_version = %outcome.list_version, "list source followed");
                seen = Some(now);
            }
            // `seen` stays: the next check tries again.
            Err(e) => tracing::error!(error = %e, "reloading the changed list source failed"),
        }
    }
}
