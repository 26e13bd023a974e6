//! The embedded adapters: everything under `CDD_DATA_DIR`, no AWS.
//!
//! [`EmbeddedStore`] keeps template versions, letters and completed
//! idempotency records in memory and appends every change to the platform's
//! durable journal (`letters.journal`, [`cdd_platform::journal`]) before
//! acknowledging it. Readers wait until what they read is on disk, so
//! nothing they saw can be lost to a crash.
//!
//! Pending idempotency claims live only in memory: a claim that dies with
//! the process is no different from one whose lease ran out, and not
//! journalling it saves a flush per letter.
//!
//! [`DirectoryBucket`] writes each letter file atomically: a temporary file
//! in the same directory, `fsync`, `rename`, then `fsync` of the directory.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use async_trait::async_trait;
use bytes::Bytes;
use cdd_platform::journal::{JournaledState, Replayed};
use cdd_platform::private_files;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{
    ClaimOutcome, IdempotencyRecord, IdempotencyState, LetterStore, OutboundBucket, OutboundObject,
    StoreError, StoreResult, StoredTemplate, TemplateStore, TemplateSummary,
};
use crate::issued::{IssuedLetter, LetterId};
use crate::letter::{CustomerId, Sha256Digest};
use crate::template::{TemplateName, TemplateVersion};

const JOURNAL: &str = "letters";
/// The bucket's directory under the data directory.
pub const OUTBOUND_DIR: &str = "outbound";

#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Entry {
    Published {
        template: StoredTemplate,
    },
    Recorded {
        letter: IssuedLetter,
        idempotency: IdempotencyRecord,
    },
}

#[derive(Default)]
struct State {
    templates: BTreeMap<TemplateName, BTreeMap<TemplateVersion, StoredTemplate>>,
    letters: HashMap<LetterId, IssuedLetter>,
    by_customer: BTreeSet<(CustomerId, LetterId)>,
    idempotency: HashMap<String, IdempotencyRecord>,
}

impl Replayed for State {
    type Entry = Entry;

    fn apply(&mut self, entry: Entry) {
        match entry {
            Entry::Published { template } => {
                self.templates
                    .entry(template.name.clone())
                    .or_default()
                    .insert(template.version, template);
            }
            Entry::Recorded {
                letter,
                idempotency,
            } => {
                self.by_customer
                    .insert((letter.customer_id.clone(), letter.id.clone()));
                self.idempotency
                    .insert(idempotency.key.clone(), idempotency);
                self.letters.insert(letter.id.clone(), letter);
            }
        }
    }
}

impl State {
    fn live_idempotency(&self, key: &str, now: i64) -> Option<&IdempotencyRecord> {
        self.idempotency.get(key).filter(|r| r.is_live(now))
    }
}

cdd_platform::store_error_from_journal!(StoreError);

/// Templates, letters and idempotency records in a journal.
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

    async fn read<T>(&self, f: impl FnOnce(&State) -> T) -> StoreResult<T> {
        Ok(self.state.read(f).await?)
    }
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

#[async_trait]
impl TemplateStore for EmbeddedStore {
    async fn publish(&self, template: &StoredTemplate) -> StoreResult<()> {
        self.state
            .write(|state| {
                let exists = state
                    .templates
                    .get(&template.name)
                    .is_some_and(|versions| versions.contains_key(&template.version));
                if exists {
                    return Err(StoreError::VersionExists {
                        name: template.name.clone(),
                        version: template.version,
                    });
                }
                let entry = Entry::Published {
                    template: template.clone(),
                };
                Ok((vec![entry], ()))
            })
            .await
    }

    async fn template(
        &self,
        name: &TemplateName,
        version: Option<TemplateVersion>,
    ) -> StoreResult<Option<StoredTemplate>> {
        self.read(|state| {
            let versions = state.templates.get(name)?;
            match version {
                Some(v) => versions.get(&v).cloned(),
                None => versions.values().next_back().cloned(),
            }
        })
        .await
    }

    async fn catalogue(&self) -> StoreResult<Vec<TemplateSummary>> {
        self.read(|state| {
            state
                .templates
                .values()
                .filter_map(|versions| versions.values().next_back())
                .map(|latest| TemplateSummary {
                    name: latest.name.clone(),
                    latest_version: latest.version,
                    description: latest.source.description.clone(),
                })
                .collect()
        })
        .await
    }
}

#[async_trait]
impl LetterStore for EmbeddedStore {
    // A pending claim lives in memory only: a restart forgets it, and the
    // retried request claims again.
    async fn claim(&self, claim: &IdempotencyRecord) -> StoreResult<ClaimOutcome> {
        let outcome =
            self.state
                .change_in_memory(|state| match state.live_idempotency(&claim.key, now()) {
                    Some(held) => ClaimOutcome::Held(held.clone()),
                    None => {
                        state.idempotency.insert(claim.key.clone(), claim.clone());
                        ClaimOutcome::Claimed
                    }
                });
        if matches!(outcome, ClaimOutcome::Held(_)) {
            // It may be a completed record just appended: answer only once
            // it is on disk.
            self.read(|_| ()).await?;
        }
        Ok(outcome)
    }

    async fn release(&self, key: &str, letter_id: &LetterId) -> StoreResult<()> {
        self.state.change_in_memory(|state| {
            let ours = state.idempotency.get(key).is_some_and(|r| {
                r.letter_id == *letter_id && matches!(r.state, IdempotencyState::Pending { .. })
            });
            if ours {
                state.idempotency.remove(key);
            }
        });
        Ok(())
    }

    async fn record(
        &self,
        letter: &IssuedLetter,
        key: &str,
        status: u16,
        response: &serde_json::Value,
    ) -> StoreResult<()> {
        self.state
            .write(|state| {
                let claim = match state.idempotency.get(key) {
                    Some(r)
                        if r.letter_id == letter.id
                            && matches!(r.state, IdempotencyState::Pending { .. }) =>
                    {
                        r.clone()
                    }
                    _ => return Err(StoreError::ClaimLost),
                };
                if state.letters.contains_key(&letter.id) {
                    return Err(StoreError::Corrupt(format!(
                        "letter {} is already recorded",
                        letter.id
                    )));
                }
                let entry = Entry::Recorded {
                    letter: letter.clone(),
                    idempotency: IdempotencyRecord {
                        state: IdempotencyState::Complete {
                            status,
                            response: response.clone(),
                        },
                        ..claim
                    },
                };
                Ok((vec![entry], ()))
            })
            .await
    }

    async fn idempotency(&self, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let now = now();
        self.read(|state| state.live_idempotency(key, now).cloned())
            .await
    }

    async fn letter(&self, id: &LetterId) -> StoreResult<Option<IssuedLetter>> {
        self.read(|state| state.letters.get(id).cloned()).await
    }

    async fn customer_letters(&self, customer: &CustomerId) -> StoreResult<Vec<IssuedLetter>> {
        self.read(|state| {
            state
                .by_customer
                .range((customer.clone(), LetterId::MIN)..)
                .take_while(|(c, _)| c == customer)
                .filter_map(|(_, id)| state.letters.get(id).cloned())
                .collect()
        })
        .await
    }

    async fn check(&self) -> StoreResult<()> {
        Ok(self.state.check()?)
    }
}

/// Letter files under a directory, each written atomically.
pub struct DirectoryBucket {
    root: PathBuf,
}

impl DirectoryBucket {
    pub fn open(root: &Path) -> anyhow::Result<Self> {
        private_files::create_dir_all(root)
            .with_context(|| format!("creating outbound directory {}", root.display()))?;
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The file for `key`; refuses anything but plain relative segments.
    fn path(&self, key: &str) -> StoreResult<PathBuf> {
        let safe = |segment: &str| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        };
        if key.split('/').all(safe) {
            Ok(self.root.join(key))
        } else {
            Err(StoreError::Corrupt(format!(
                "`{key}` is not a valid object key"
            )))
        }
    }
}

fn io_unavailable(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Unavailable(format!("{what} {}: {e}", path.display()))
}

/// Writes `bytes` to `path` so that a reader sees the old file or the whole
/// new one, and a crash leaves no half-written letter.
fn write_atomically(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    let dir = path
        .parent()
        .ok_or_else(|| StoreError::Corrupt("an object path has no directory".into()))?;
    private_files::create_dir_all(dir).map_err(|e| io_unavailable("creating", dir, e))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let result = (|| {
        let mut file =
            private_files::create(&temp).map_err(|e| io_unavailable("creating", &temp, e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| io_unavailable("writing", &temp, e))?;
        std::fs::rename(&temp, path).map_err(|e| io_unavailable("renaming to", path, e))?;
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_unavailable("syncing directory", dir, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Unavailable(format!("file task failed: {e}")))?
}

#[async_trait]
impl OutboundBucket for DirectoryBucket {
    async fn put(&self, object: OutboundObject) -> StoreResult<()> {
        if Sha256Digest::of(&object.bytes) != object.sha256 {
            return Err(StoreError::Corrupt(format!(
                "the bytes for {} do not match their SHA-256 checksum",
                object.key
            )));
        }
        let path = self.path(&object.key)?;
        blocking(move || write_atomically(&path, &object.bytes)).await
    }

    async fn get(&self, key: &str) -> StoreResult<Option<Bytes>> {
        let path = self.path(key)?;
        blocking(move || match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(Bytes::from(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_unavailable("reading", &path, e)),
        })
        .await
    }

    async fn check(&self) -> StoreResult<()> {
        let root = self.root.clone();
        blocking(move || {
            let probe = root.join(".ready-probe");
            write_atomically(&probe, b"ok")?;
            std::fs::remove_file(&probe).map_err(|e| io_unavailable("removing", &probe, e))
        })
        .await
    }
}
