//! The durable journal behind every embedded store.
//!
//! A store keeps its state in memory and appends every change, as one JSON
//! line, to `<dir>/<name>.journal`. A writer thread appends what it is handed
//! and calls `fdatasync` once per batch (group commit), so many concurrent
//! writers share one flush; a caller is answered only once its entry is on
//! disk ([`Journal::durable`]). At start the journal is replayed; a torn last
//! line (a crash mid-append, never acknowledged) is cut off, while damage
//! anywhere else stops the start with the line number. `<dir>/<name>.lock`
//! keeps a second process from using the same directory.
//!
//! [`JournaledState`] is what the stores use: their state behind one lock,
//! entries numbered (1, 2, ...) and handed to the journal with that lock
//! held, so the journal order is the order in which changes were applied,
//! and every read or write answered only once what it saw or did is durable.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use anyhow::Context;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use crate::private_files;

/// Most entries flushed together.
const MAX_BATCH: usize = 4096;

#[derive(Clone, Debug, Default)]
struct Durability {
    seq: u64,
    failed: Option<String>,
}

/// Why an entry is not (or may not be) on disk.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal write failed: {0}")]
    WriteFailed(String),
    #[error("the journal writer has stopped")]
    Stopped,
    #[error("journal {0} is missing")]
    Missing(PathBuf),
    #[error("the entry cannot be written as JSON: {0}")]
    Encode(String),
}

/// An open journal and its writer thread.
pub struct Journal {
    writer: mpsc::Sender<(u64, Vec<u8>)>,
    durable: watch::Receiver<Durability>,
    path: PathBuf,
    // Held for the journal's lifetime; dropping it releases the directory.
    _lock: File,
}

impl Journal {
    /// Opens (or creates) `<dir>/<name>.journal`, passes every stored entry
    /// to `apply` in order, and returns the journal with the number of
    /// entries replayed (the last entry's number).
    pub fn open<E: DeserializeOwned>(
        dir: &Path,
        name: &str,
        mut apply: impl FnMut(E),
    ) -> anyhow::Result<(Self, u64)> {
        private_files::create_dir_all(dir)
            .with_context(|| format!("creating data directory {}", dir.display()))?;
        let lock_path = dir.join(format!("{name}.lock"));
        let lock = private_files::open_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("opening {}", lock_path.display()))?;
        lock.try_lock().map_err(|_| {
            anyhow::anyhow!(
                "data directory {} is in use by another {name} process",
                dir.display()
            )
        })?;
        let path = dir.join(format!("{name}.journal"));
        let mut file = private_files::open_options()
            .create(true)
            .truncate(false)
            .read(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("opening journal {}", path.display()))?;
        if let Err(e) = private_files::restrict(&file) {
            tracing::warn!(journal = %path.display(), error = %e, "could not narrow the journal's permissions to 0600");
        }
        let entries = replay(&mut file, &path, &mut apply)?;
        let (tx, rx) = mpsc::channel::<(u64, Vec<u8>)>();
        let (durable_tx, durable_rx) = watch::channel(Durability {
            seq: entries,
            failed: None,
        });
        std::thread::Builder::new()
            .name(format!("{name}-journal"))
            .spawn(move || write_loop(file, rx, durable_tx))
            .context("starting the journal writer")?;
        Ok((
            Self {
                writer: tx,
                durable: durable_rx,
                path,
                _lock: lock,
            },
            entries,
        ))
    }

    /// Hands entry number `seq` to the writer. Call with the store's state
    /// locked; `seq` is one more than the previous entry's.
    pub fn append<E: Serialize>(&self, seq: u64, entry: &E) -> Result<(), JournalError> {
        self.check_not_failed()?;
        let mut line =
            serde_json::to_vec(entry).map_err(|e| JournalError::Encode(e.to_string()))?;
        line.push(b'\n');
        self.writer
            .send((seq, line))
            .map_err(|_| JournalError::Stopped)
    }

    /// Waits until entry `seq` (and every one before it) is on disk.
    pub async fn durable(&self, seq: u64) -> Result<(), JournalError> {
        let mut rx = self.durable.clone();
        let d = rx
            .wait_for(|d| d.failed.is_some() || d.seq >= seq)
            .await
            .map_err(|_| JournalError::Stopped)?;
        match &d.failed {
            Some(f) => Err(JournalError::WriteFailed(f.clone())),
            None => Ok(()),
        }
    }

    fn check_not_failed(&self) -> Result<(), JournalError> {
        match &self.durable.borrow().failed {
            Some(f) => Err(JournalError::WriteFailed(f.clone())),
            None => Ok(()),
        }
    }

    /// For readiness: no failed write, and the file is still there.
    pub fn check(&self) -> Result<(), JournalError> {
        self.check_not_failed()?;
        if self.path.exists() {
            Ok(())
        } else {
            Err(JournalError::Missing(self.path.clone()))
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn replay<E: DeserializeOwned>(
    file: &mut File,
    path: &Path,
    apply: &mut impl FnMut(E),
) -> anyhow::Result<u64> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_end(&mut bytes)?;
    let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
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
        let entry: E = serde_json::from_slice(line).map_err(|e| {
            anyhow::anyhow!(
                "journal {} is damaged at line {}: {e}",
                path.display(),
                i + 1
            )
        })?;
        apply(entry);
        count += 1;
    }
    tracing::info!(journal = %path.display(), entries = count, "journal replayed");
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
        match file.write_all(&buffer).and_then(|()| file.sync_data()) {
            Ok(()) => durable.send_modify(|d| d.seq = last),
            Err(e) => {
                tracing::error!(error = %e, "journal write failed; the store refuses further writes until restarted");
                durable.send_modify(|d| d.failed = Some(e.to_string()));
                return;
            }
        }
    }
}

/// State kept in memory and rebuilt by replaying its journal: what every
/// embedded store is.
pub trait Replayed: Default + Send + 'static {
    type Entry: Serialize + DeserializeOwned;
    /// Applies one change (at replay and after it is journalled).
    fn apply(&mut self, entry: Self::Entry);
}

struct Numbered<S> {
    state: S,
    /// The number of the last entry handed to the journal.
    seq: u64,
}

/// A [`Replayed`] state behind a lock, with its journal: reads and writes
/// are answered only once everything they saw or did is on disk, so nothing
/// acknowledged is lost to a crash.
pub struct JournaledState<S> {
    inner: std::sync::Mutex<Numbered<S>>,
    journal: Journal,
}

impl<S: Replayed> JournaledState<S> {
    /// Opens (or creates) `<dir>/<name>.journal` and replays it.
    pub fn open(dir: &Path, name: &str) -> anyhow::Result<Self> {
        let mut state = S::default();
        let (journal, seq) = Journal::open(dir, name, |entry| state.apply(entry))?;
        tracing::info!(journal = %journal.path().display(), entries = seq, "store opened");
        Ok(Self {
            inner: std::sync::Mutex::new(Numbered { state, seq }),
            journal,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Numbered<S>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reads the state; answers once every change it may have seen is on disk.
    pub async fn read<T>(&self, read: impl FnOnce(&S) -> T) -> Result<T, JournalError> {
        let (seq, out) = {
            let inner = self.lock();
            (inner.seq, read(&inner.state))
        };
        self.journal.durable(seq).await?;
        Ok(out)
    }

    /// Changes what a restart may forget (in-flight claims, never what must
    /// survive), without journalling it. A caller that answers from
    /// journalled state it saw here waits with [`Self::read`] first.
    pub fn change_in_memory<T>(&self, change: impl FnOnce(&mut S) -> T) -> T {
        change(&mut self.lock().state)
    }

    /// Decides under the lock: `decide` checks the state and returns the
    /// entries to append (applied in journal order) with its answer, which
    /// is given once they, and everything before them, are on disk.
    pub async fn write<T, E: From<JournalError>>(
        &self,
        decide: impl FnOnce(&S) -> Result<(Vec<S::Entry>, T), E>,
    ) -> Result<T, E> {
        let (seq, out) = {
            let mut inner = self.lock();
            let (entries, out) = decide(&inner.state)?;
            for entry in entries {
                self.journal.append(inner.seq + 1, &entry)?;
                inner.seq += 1;
                inner.state.apply(entry);
            }
            (inner.seq, out)
        };
        self.journal.durable(seq).await?;
        Ok(out)
    }

    /// For readiness: no failed write, and the file is still there.
    pub fn check(&self) -> Result<(), JournalError> {
        self.journal.check()
    }

    pub fn path(&self) -> &Path {
        self.journal.path()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_survive_a_reopen_and_a_torn_tail_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (journal, n) = Journal::open::<u32>(dir.path(), "t", |_| {}).unwrap();
            assert_eq!(n, 0);
            for seq in 1..=3u64 {
                journal.append(seq, &(seq as u32 * 10)).unwrap();
            }
            journal.durable(3).await.unwrap();
        }
        // A crash in the middle of a fourth append.
        let path = dir.path().join("t.journal");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"4").unwrap();
        drop(f);
        let mut seen = Vec::new();
        let (_journal, n) = Journal::open::<u32>(dir.path(), "t", |e| seen.push(e)).unwrap();
        assert_eq!((n, seen), (3, vec![10, 20, 30]));
    }

    #[test]
    fn damage_before_the_end_names_the_line_and_a_second_process_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.journal"), "1\nnot json\n3\n").unwrap();
        let err = Journal::open::<u32>(dir.path(), "t", |_| {}).err().unwrap();
        assert!(err.to_string().contains("damaged at line 2"), "{err}");
        std::fs::write(dir.path().join("t.journal"), "").unwrap();
        let (_first, _) = Journal::open::<u32>(dir.path(), "t", |_| {}).unwrap();
        let err = Journal::open::<u32>(dir.path(), "t", |_| {}).err().unwrap();
        assert!(
            err.to_string().contains("in use by another t process"),
            "{err}"
        );
    }
}
