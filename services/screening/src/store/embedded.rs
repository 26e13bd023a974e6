//! The embedded store: state in memory, every change appended to a journal
//! file under `CDD_DATA_DIR` and flushed to disk before it is acknowledged.
//!
//! The same design as intake's: changes are checked and applied under one
//! lock, then handed in order to a writer thread that appends them and calls
//! `fdatasync` once per batch (group commit). A caller is answered only once
//! its change is on disk, and a reader waits until what it read is on disk.
//! At start the journal is replayed; a torn last line (a crash mid-append)
//! is cut off, damage anywhere else stops the start with the line number.
//! A lock file keeps a second process from using the same directory.

use std::collections::{BTreeMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, mpsc};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::watch;

use super::{MonitoringStore, StoreError, StoreResult};
use crate::EntityId;
use crate::monitoring::{Alert, MonitoredSubject, NewAlert};

const JOURNAL: &str = "monitoring.journal";
const LOCK: &str = "monitoring.lock";
/// Most entries flushed together.
const MAX_BATCH: usize = 4096;

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
    /// The number of the last entry handed to the writer.
    seq: u64,
}

impl State {
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

#[derive(Clone, Debug, Default)]
struct Durability {
    seq: u64,
    failed: Option<String>,
}

/// The embedded adapter.
pub struct EmbeddedStore {
    state: Mutex<State>,
    writer: mpsc::Sender<(u64, Vec<u8>)>,
    durable: watch::Receiver<Durability>,
    dir: PathBuf,
    // Held for the store's lifetime; dropping it releases the directory.
    _lock: File,
}

impl EmbeddedStore {
    /// Opens (or creates) the store in `dir`, replaying its journal.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        use anyhow::Context;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating data directory {}", dir.display()))?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK))
            .with_context(|| format!("opening {}", dir.join(LOCK).display()))?;
        lock.try_lock().map_err(|_| {
            anyhow::anyhow!(
                "data directory {} is in use by another screening process",
                dir.display()
            )
        })?;
        let path = dir.join(JOURNAL);
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("opening journal {}", path.display()))?;
        let mut state = State::default();
        let entries = replay(&mut file, &path, &mut state)?;
        tracing::info!(
            entries,
            subjects = state.subjects.len(),
            alerts = state.alerts.len(),
            "monitoring journal replayed"
        );
        let (tx, rx) = mpsc::channel::<(u64, Vec<u8>)>();
        let (durable_tx, durable_rx) = watch::channel(Durability {
            seq: state.seq,
            failed: None,
        });
        std::thread::Builder::new()
            .name("monitoring-journal".into())
            .spawn(move || write_loop(file, rx, durable_tx))
            .context("starting the journal writer")?;
        Ok(Self {
            state: Mutex::new(state),
            writer: tx,
            durable: durable_rx,
            dir: dir.to_path_buf(),
            _lock: lock,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands an entry to the writer and applies it; call with the state
    /// locked so that the journal order is the order of the changes.
    fn append(&self, state: &mut State, entry: Entry) -> StoreResult<u64> {
        if let Some(failed) = &self.durable.borrow().failed {
            return Err(StoreError::Unavailable(format!(
                "journal write failed earlier: {failed}"
            )));
        }
        let mut line =
            serde_json::to_vec(&entry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        line.push(b'\n');
        state.seq += 1;
        self.writer
            .send((state.seq, line))
            .map_err(|_| StoreError::Unavailable("the journal writer has stopped".into()))?;
        state.apply(entry);
        Ok(state.seq)
    }

    async fn durable(&self, seq: u64) -> StoreResult<()> {
        let mut rx = self.durable.clone();
        let d = rx
            .wait_for(|d| d.failed.is_some() || d.seq >= seq)
            .await
            .map_err(|_| StoreError::Unavailable("the journal writer has stopped".into()))?;
        match &d.failed {
            Some(f) => Err(StoreError::Unavailable(format!(
                "journal write failed: {f}"
            ))),
            None => Ok(()),
        }
    }
}

fn replay(file: &mut File, path: &Path, state: &mut State) -> anyhow::Result<u64> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_end(&mut bytes)?;
    let complete = bytes
        .iter()
        .rposition(|b| *b == b'\n')
        .map(|i| i + 1)
        .unwrap_or(0);
    if complete < bytes.len() {
        tracing::warn!(
            journal = %path.display(),
            bytes = bytes.len() - complete,
            "the journal ends with a partly written entry (a crash during a write that was never acknowledged); cutting it off"
        );
        file.set_len(complete as u64)?;
        file.sync_all()?;
    }
    let mut count = 0;
    for (i, line) in bytes[..complete].split(|b| *b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let entry: Entry = serde_json::from_slice(line).map_err(|e| {
            anyhow::anyhow!(
                "journal {} is damaged at line {}: {e}",
                path.display(),
                i + 1
            )
        })?;
        state.apply(entry);
        state.seq += 1;
        count += 1;
    }
    Ok(count)
}

fn write_loop(
    mut file: File,
    rx: mpsc::Receiver<(u64, Vec<u8>)>,
    durable: watch::Sender<Durability>,
) {
    let mut buffer = Vec::with_capacity(64 * 1024);
    while let Ok((first_seq, first)) = rx.recv() {
        let mut last = first_seq;
        buffer.clear();
        buffer.extend_from_slice(&first);
        let mut n = 1;
        while n < MAX_BATCH {
            match rx.try_recv() {
                Ok((seq, line)) => {
                    buffer.extend_from_slice(&line);
                    last = seq;
                    n += 1;
                }
                Err(_) => break,
            }
        }
        match file.write_all(&buffer).and_then(|_| file.sync_data()) {
            Ok(()) => {
                durable.send_modify(|d| d.seq = last);
            }
            Err(e) => {
                tracing::error!(error = %e, "journal write failed; the store refuses further writes until restarted");
                durable.send_modify(|d| d.failed = Some(e.to_string()));
                return;
            }
        }
    }
}

#[async_trait]
impl MonitoringStore for EmbeddedStore {
    async fn enroll(&self, subject: MonitoredSubject) -> StoreResult<()> {
        let seq = {
            let mut state = self.lock();
            self.append(&mut state, Entry::Enrolled { subject })?
        };
        self.durable(seq).await
    }

    async fn subject(&self, subject_ref: &str) -> StoreResult<Option<MonitoredSubject>> {
        let (seq, found) = {
            let state = self.lock();
            (state.seq, state.subjects.get(subject_ref).cloned())
        };
        self.durable(seq).await?;
        Ok(found)
    }

    async fn subjects(&self) -> StoreResult<Vec<MonitoredSubject>> {
        let (seq, all) = {
            let state = self.lock();
            (state.seq, state.subjects.values().cloned().collect())
        };
        self.durable(seq).await?;
        Ok(all)
    }

    async fn raise_alerts(&self, alerts: Vec<NewAlert>) -> StoreResult<Vec<Alert>> {
        let now = OffsetDateTime::now_utc();
        let (seq, raised) = {
            let mut state = self.lock();
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
            if raised.is_empty() {
                (state.seq, raised)
            } else {
                let entry = Entry::AlertsRaised {
                    alerts: raised.clone(),
                };
                (self.append(&mut state, entry)?, raised)
            }
        };
        self.durable(seq).await?;
        Ok(raised)
    }

    async fn mark_rescreened(
        &self,
        subject_refs: &[String],
        list_version: &str,
    ) -> StoreResult<()> {
        if subject_refs.is_empty() {
            return Ok(());
        }
        let seq = {
            let mut state = self.lock();
            let entry = Entry::Rescreened {
                subject_refs: subject_refs.to_vec(),
                list_version: list_version.to_string(),
            };
            self.append(&mut state, entry)?
        };
        self.durable(seq).await
    }

    async fn alerts(&self, after: u64, limit: usize) -> StoreResult<Vec<Alert>> {
        let (seq, page) = {
            let state = self.lock();
            let start = usize::try_from(after)
                .unwrap_or(usize::MAX)
                .min(state.alerts.len());
            let page: Vec<Alert> = state.alerts[start..].iter().take(limit).cloned().collect();
            (state.seq, page)
        };
        self.durable(seq).await?;
        Ok(page)
    }

    async fn check(&self) -> StoreResult<()> {
        if let Some(failed) = &self.durable.borrow().failed {
            return Err(StoreError::Unavailable(format!(
                "journal write failed: {failed}"
            )));
        }
        if !self.dir.join(JOURNAL).exists() {
            return Err(StoreError::Unavailable(format!(
                "journal {} is missing",
                self.dir.join(JOURNAL).display()
            )));
        }
        Ok(())
    }
}
