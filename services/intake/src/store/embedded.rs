//! The embedded store: state in memory, every change appended to a journal
//! file under `CDD_DATA_DIR` and flushed to disk before it is acknowledged.
//!
//! Writes are checked and applied under one lock, then handed in order to a
//! writer thread that appends them and calls `fdatasync` once per batch
//! (group commit), so many concurrent writers share one flush. A caller is
//! answered only once its change is on disk, and a reader waits until what it
//! read is on disk too, so nothing acknowledged is lost to a SIGKILL. At
//! start the journal is replayed; a torn last line (a crash mid-append) is
//! cut off, while damage anywhere else stops the start with the line number.
//!
//! A lock file keeps a second process from using the same directory.

use std::collections::{BTreeSet, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::watch;

use super::{
    CreateOutcome, CustomerStore, IdempotencyRecord, ListCursor, NewCustomer, Page, StoreError,
    StoreResult,
};
use crate::domain::audit::AuditEvent;
use crate::domain::record::{CaseStatus, Customer, CustomerId};

const JOURNAL: &str = "intake.journal";
const LOCK: &str = "intake.lock";
/// Most entries flushed together.
const MAX_BATCH: usize = 4096;

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
}

#[derive(Default)]
struct State {
    customers: HashMap<CustomerId, Customer>,
    order: BTreeSet<(usize, CustomerId)>,
    audit: HashMap<CustomerId, Vec<AuditEvent>>,
    idempotency: HashMap<String, IdempotencyRecord>,
    /// The number of the last entry handed to the writer.
    seq: u64,
}

impl State {
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
                self.customers.insert(customer.id.clone(), customer);
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
                "data directory {} is in use by another intake process",
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
            customers = state.customers.len(),
            "intake journal replayed"
        );
        let (tx, rx) = mpsc::channel::<(u64, Vec<u8>)>();
        let (durable_tx, durable_rx) = watch::channel(Durability {
            seq: state.seq,
            failed: None,
        });
        std::thread::Builder::new()
            .name("intake-journal".into())
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

    /// Hands an entry to the writer; call with the state locked so that the
    /// journal order is the order in which changes were applied.
    fn append(&self, state: &mut State, entry: &Entry) -> StoreResult<u64> {
        if let Some(failed) = &self.durable.borrow().failed {
            return Err(StoreError::Unavailable(format!(
                "journal write failed earlier: {failed}"
            )));
        }
        let mut line = serde_json::to_vec(entry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        line.push(b'\n');
        state.seq += 1;
        self.writer
            .send((state.seq, line))
            .map_err(|_| StoreError::Unavailable("the journal writer has stopped".into()))?;
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
        let result = file.write_all(&buffer).and_then(|_| file.sync_data());
        match result {
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
impl CustomerStore for EmbeddedStore {
    async fn create(&self, new: NewCustomer) -> StoreResult<CreateOutcome> {
        let now = OffsetDateTime::now_utc();
        let (seq, outcome) = {
            let mut state = self.lock();
            match state.idempotency.get(&new.idempotency.key) {
                Some(existing) if !existing.is_expired(now) => {
                    (state.seq, CreateOutcome::AlreadyDone(existing.clone()))
                }
                _ => {
                    if state.customers.contains_key(&new.customer.id) {
                        return Err(StoreError::Corrupt("customer id collision".into()));
                    }
                    let entry = Entry::Created {
                        customer: new.customer,
                        events: vec![new.event],
                        idempotency: new.idempotency,
                    };
                    let seq = self.append(&mut state, &entry)?;
                    state.apply(entry);
                    (seq, CreateOutcome::Created)
                }
            }
        };
        self.durable(seq).await?;
        Ok(outcome)
    }

    async fn find_idempotency(&self, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let now = OffsetDateTime::now_utc();
        let (seq, found) = {
            let state = self.lock();
            let found = state
                .idempotency
                .get(key)
                .filter(|r| !r.is_expired(now))
                .cloned();
            (state.seq, found)
        };
        self.durable(seq).await?;
        Ok(found)
    }

    async fn get(&self, id: &CustomerId) -> StoreResult<Option<Customer>> {
        let (seq, found) = {
            let state = self.lock();
            (state.seq, state.customers.get(id).cloned())
        };
        self.durable(seq).await?;
        Ok(found)
    }

    async fn update(
        &self,
        customer: Customer,
        expected_version: u64,
        event: AuditEvent,
    ) -> StoreResult<()> {
        let seq = {
            let mut state = self.lock();
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
            let seq = self.append(&mut state, &entry)?;
            state.apply(entry);
            seq
        };
        self.durable(seq).await
    }

    async fn list(
        &self,
        status: Option<CaseStatus>,
        cursor: Option<ListCursor>,
        limit: usize,
    ) -> StoreResult<Page> {
        let (seq, customers, next) = {
            let state = self.lock();
            let (from_index, to_index) = match status {
                Some(s) => (s.index(), s.index()),
                None => (0, CaseStatus::ALL.len() - 1),
            };
            let start = match &cursor {
                Some(c) if c.status_index >= from_index && c.status_index <= to_index => {
                    std::ops::Bound::Excluded((c.status_index, c.last_id.clone()))
                }
                Some(_) => {
                    return Ok(Page {
                        customers: Vec::new(),
                        next: None,
                    });
                }
                None => std::ops::Bound::Unbounded,
            };
            let mut out = Vec::with_capacity(limit);
            let mut more = false;
            for (index, id) in state.order.range((start, std::ops::Bound::Unbounded)) {
                if *index < from_index {
                    continue;
                }
                if *index > to_index {
                    break;
                }
                if out.len() == limit {
                    more = true;
                    break;
                }
                if let Some(c) = state.customers.get(id) {
                    out.push(c.clone());
                }
            }
            let next = if more {
                out.last().map(|c| ListCursor {
                    status_index: c.case.status.index(),
                    last_id: c.id.clone(),
                })
            } else {
                None
            };
            (state.seq, out, next)
        };
        self.durable(seq).await?;
        Ok(Page { customers, next })
    }

    async fn audit_trail(&self, id: &CustomerId) -> StoreResult<Vec<AuditEvent>> {
        let (seq, events) = {
            let state = self.lock();
            (state.seq, state.audit.get(id).cloned().unwrap_or_default())
        };
        self.durable(seq).await?;
        Ok(events)
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

/// For tests: tamper with stored audit events the way an attacker with file
/// access could, to prove the trail's verification catches it.
#[doc(hidden)]
pub fn rewrite_journal(
    dir: &Path,
    edit: impl Fn(&mut serde_json::Value) -> bool,
) -> anyhow::Result<()> {
    let path = dir.join(JOURNAL);
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
