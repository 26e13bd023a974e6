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
//!
//! # A disk that fails
//! A write that fails (a full disk, a volume gone read-only) ends an
//! *epoch*: the failed batch and everything queued after it are dropped,
//! their callers get [`JournalError::WriteFailed`], and the state is rebuilt
//! from what is on disk before it is read or written again. So reads go on,
//! and nothing a caller was told is stored is lost. While writes fail, they
//! are refused at once, and one is let through to try the disk again every
//! [`RETRY_WRITES_AFTER`] (so is a readiness check): writes resume by
//! themselves once the disk accepts them. A data directory that is
//! read-only at start opens read-only, with a warning: reads are served,
//! writes refused until it becomes writable.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use crate::private_files;

/// Most entries flushed together.
const MAX_BATCH: usize = 4096;
/// While writes fail, how long until one is let through to try the disk again.
pub const RETRY_WRITES_AFTER: Duration = Duration::from_secs(1);
/// How many ended epochs a waiter can still look up.
const EPOCHS_KEPT: usize = 64;

/// What is on disk, as the writer last reported it.
#[derive(Clone, Debug, Default)]
struct Durability {
    /// The number of the last entry on disk.
    seq: u64,
    /// The bytes of the journal that hold entries up to `seq`.
    len: u64,
    /// How many times a write has failed (and what followed it was dropped).
    epoch: u64,
    /// `(epoch, seq on disk when it ended)` for the most recent ended epochs.
    ended: VecDeque<(u64, u64)>,
    /// Set while writes fail; cleared by the next write that succeeds.
    failing: Option<Failure>,
}

#[derive(Clone, Debug)]
struct Failure {
    reason: String,
    since: Instant,
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

/// Gives a store's error type (one with `Corrupt(String)` and
/// `Unavailable(String)` variants) its `From<JournalError>`, the same in every
/// embedded store: an entry that cannot be written as JSON is corrupt data;
/// any other failure leaves the store unavailable for now (writes resume by
/// themselves, see the module documentation).
///
/// ```ignore
/// cdd_platform::store_error_from_journal!(StoreError);
/// ```
#[macro_export]
macro_rules! store_error_from_journal {
    ($error:ty) => {
        impl ::core::convert::From<$crate::journal::JournalError> for $error {
            fn from(e: $crate::journal::JournalError) -> Self {
                match e {
                    $crate::journal::JournalError::Encode(reason) => Self::Corrupt(reason),
                    other => Self::Unavailable(other.to_string()),
                }
            }
        }
    };
}

enum Message {
    /// Entry `seq`, made in `epoch`, as one line.
    Entry { epoch: u64, seq: u64, line: Vec<u8> },
    /// Try the disk (a readiness check while writes fail).
    Probe,
}

/// An open journal and its writer thread.
pub struct Journal {
    /// `None` only while dropping.
    writer: Option<mpsc::Sender<Message>>,
    /// Joined on drop: the writer holds the lock, which must be free once
    /// the journal is gone (a store reopened in the same process).
    thread: Option<std::thread::JoinHandle<()>>,
    durable: watch::Receiver<Durability>,
    path: PathBuf,
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.writer = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The files of a journal opened for writing.
struct Writable {
    // Held for the journal's lifetime; dropping it releases the directory.
    lock: File,
    file: File,
}

fn in_use(dir: &Path, name: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "data directory {} is in use by another {name} process",
        dir.display()
    )
}

/// Opens the lock and the journal for appending, creating what is missing.
/// `Ok(Err(_))` is an I/O failure (read-only?), `Err(_)` the lock being held.
fn open_writable(dir: &Path, name: &str) -> anyhow::Result<io::Result<Writable>> {
    let opened = (|| {
        private_files::create_dir_all(dir)?;
        let lock = private_files::open_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(format!("{name}.lock")))?;
        Ok(lock)
    })();
    let lock = match opened {
        Ok(lock) => lock,
        Err(e) => return Ok(Err(e)),
    };
    if lock.try_lock().is_err() {
        return Err(in_use(dir, name));
    }
    let path = dir.join(format!("{name}.journal"));
    let file = private_files::open_options()
        .create(true)
        .truncate(false)
        .read(true)
        .append(true)
        .open(&path);
    Ok(file.map(|file| {
        if let Err(e) = private_files::restrict(&file) {
            tracing::warn!(journal = %path.display(), error = %e, "could not narrow the journal's permissions to 0600");
        }
        Writable { lock, file }
    }))
}

/// A failure that means the directory cannot be written at all.
fn is_read_only(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied
    )
}

impl Journal {
    /// Opens (or creates) `<dir>/<name>.journal`, passes every stored entry
    /// to `apply` in order, and returns the journal with the number of
    /// entries replayed (the last entry's number). A read-only directory
    /// opens read-only (see the module's docs).
    pub fn open<E: DeserializeOwned>(
        dir: &Path,
        name: &str,
        mut apply: impl FnMut(E),
    ) -> anyhow::Result<(Self, u64)> {
        let path = dir.join(format!("{name}.journal"));
        let (writable, entries, len, failing) = match open_writable(dir, name)? {
            Ok(mut writable) => {
                let (entries, len) = replay(&mut writable.file, &path, Cut::TornTail, &mut apply)?;
                (Some(writable), entries, len, None)
            }
            Err(e) if is_read_only(&e) => {
                let reason = format!(
                    "the data directory {} cannot be written ({e}): serving reads only",
                    dir.display()
                );
                tracing::warn!(
                    data_dir = %dir.display(),
                    error = %e,
                    "the data directory cannot be written: starting read-only; reads are served and writes get 503 until it accepts them (no restart needed)"
                );
                let (entries, len) = replay_read_only(dir, name, &path, &mut apply)?;
                let failing = Failure {
                    reason,
                    since: Instant::now(),
                };
                (None, entries, len, Some(failing))
            }
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("opening journal {} for writing", path.display())));
            }
        };
        let (tx, rx) = mpsc::channel::<Message>();
        let (durable_tx, durable_rx) = watch::channel(Durability {
            seq: entries,
            len,
            failing,
            ..Durability::default()
        });
        let writer = Writer {
            dir: dir.to_path_buf(),
            name: name.to_string(),
            files: writable,
            len,
            torn: false,
            epoch: 0,
        };
        let thread = std::thread::Builder::new()
            .name(format!("{name}-journal"))
            .spawn(move || writer.run(rx, durable_tx))
            .context("starting the journal writer")?;
        Ok((
            Self {
                writer: Some(tx),
                thread: Some(thread),
                durable: durable_rx,
                path,
            },
            entries,
        ))
    }

    /// The current epoch, and the entries and bytes on disk.
    fn on_disk(&self) -> (u64, u64, u64) {
        let d = self.durable.borrow();
        (d.epoch, d.seq, d.len)
    }

    /// While writes fail, refuses a write at once, but for one every
    /// [`RETRY_WRITES_AFTER`], which tries the disk again.
    fn admit_write(&self) -> Result<(), JournalError> {
        match &self.durable.borrow().failing {
            Some(f) if f.since.elapsed() < RETRY_WRITES_AFTER => {
                Err(JournalError::WriteFailed(f.reason.clone()))
            }
            _ => Ok(()),
        }
    }

    /// Hands entry number `seq`, made in `epoch`, to the writer. Call with
    /// the store's state locked; `seq` is one more than the previous entry's.
    fn send(&self, epoch: u64, seq: u64, line: Vec<u8>) -> Result<(), JournalError> {
        self.writer
            .as_ref()
            .ok_or(JournalError::Stopped)?
            .send(Message::Entry { epoch, seq, line })
            .map_err(|_| JournalError::Stopped)
    }

    /// Waits until entry `seq` of `epoch` (and every one before it) is on
    /// disk; an error if the epoch ended in a failure before it got there.
    pub async fn durable(&self, seq: u64, epoch: u64) -> Result<(), JournalError> {
        let mut rx = self.durable.clone();
        let d = rx
            .wait_for(|d| d.epoch != epoch || d.seq >= seq)
            .await
            .map_err(|_| JournalError::Stopped)?;
        if d.epoch == epoch {
            return Ok(());
        }
        // The epoch ended: what was on disk by then stands.
        match d.ended.iter().find(|(e, _)| *e == epoch) {
            Some((_, on_disk)) if seq <= *on_disk => Ok(()),
            _ => Err(JournalError::WriteFailed(d.failing.as_ref().map_or_else(
                || "a write failed".to_string(),
                |f| f.reason.clone(),
            ))),
        }
    }

    /// For readiness: writes are not failing, and the file is still there.
    /// While they fail, this also lets the writer try the disk again.
    pub fn check(&self) -> Result<(), JournalError> {
        let failing = self.durable.borrow().failing.clone();
        if let Some(f) = failing {
            if f.since.elapsed() >= RETRY_WRITES_AFTER
                && let Some(writer) = &self.writer
            {
                let _ = writer.send(Message::Probe);
            }
            return Err(JournalError::WriteFailed(f.reason));
        }
        if self.path.exists() {
            Ok(())
        } else {
            Err(JournalError::Missing(self.path.clone()))
        }
    }

    /// Reads the first `len` bytes of the journal again, passing each entry
    /// to `apply`; returns how many there were.
    fn reread<E: DeserializeOwned>(
        &self,
        len: u64,
        apply: &mut impl FnMut(E),
    ) -> anyhow::Result<u64> {
        let mut file = File::open(&self.path)
            .with_context(|| format!("reopening journal {}", self.path.display()))?;
        let mut bytes = Vec::new();
        (&mut file).take(len).read_to_end(&mut bytes)?;
        parse(&bytes, &self.path, apply)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[derive(PartialEq)]
enum Cut {
    TornTail,
    Nothing,
}

/// Replays `file`; returns the entries and the bytes that hold them.
fn replay<E: DeserializeOwned>(
    file: &mut File,
    path: &Path,
    cut: Cut,
    apply: &mut impl FnMut(E),
) -> anyhow::Result<(u64, u64)> {
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
        if cut == Cut::TornTail {
            file.set_len(complete as u64)?;
            file.sync_all()?;
        }
    }
    let count = parse(&bytes[..complete], path, apply)?;
    tracing::info!(journal = %path.display(), entries = count, "journal replayed");
    Ok((count, complete as u64))
}

/// Replays a journal in a directory that cannot be written, if there is
/// one; the lock is still honoured when it can be taken.
fn replay_read_only<E: DeserializeOwned>(
    dir: &Path,
    name: &str,
    path: &Path,
    apply: &mut impl FnMut(E),
) -> anyhow::Result<(u64, u64)> {
    if let Ok(lock) = File::open(dir.join(format!("{name}.lock")))
        && lock.try_lock().is_err()
    {
        return Err(in_use(dir, name));
    }
    match File::open(path) {
        Ok(mut file) => replay(&mut file, path, Cut::Nothing, apply),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok((0, 0)),
        Err(e) => Err(anyhow::Error::new(e).context(format!("reading journal {}", path.display()))),
    }
}

/// Applies each complete line of `bytes`; blank lines (a readiness probe's)
/// are skipped.
fn parse<E: DeserializeOwned>(
    bytes: &[u8],
    path: &Path,
    apply: &mut impl FnMut(E),
) -> anyhow::Result<u64> {
    let mut count = 0;
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
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
    Ok(count)
}

/// The writer thread's side.
struct Writer {
    dir: PathBuf,
    name: String,
    /// `None` until the directory can be written.
    files: Option<Writable>,
    /// The bytes of the journal that hold what is on disk.
    len: u64,
    /// The file may hold bytes past `len` (a write that failed half-way).
    torn: bool,
    epoch: u64,
}

impl Writer {
    fn run(mut self, rx: mpsc::Receiver<Message>, durable: watch::Sender<Durability>) {
        let mut buffer = Vec::with_capacity(64 * 1024);
        while let Ok(message) = rx.recv() {
            buffer.clear();
            let mut last = None;
            let mut take = |message: Message, buffer: &mut Vec<u8>, epoch: u64| {
                if let Message::Entry {
                    epoch: made_in,
                    seq,
                    line,
                } = message
                    // Made on state that a failed write has since undone.
                    && made_in == epoch
                {
                    buffer.extend_from_slice(&line);
                    last = Some(seq);
                }
            };
            take(message, &mut buffer, self.epoch);
            let mut n = 1;
            while n < MAX_BATCH {
                match rx.try_recv() {
                    Ok(message) => take(message, &mut buffer, self.epoch),
                    Err(_) => break,
                }
                n += 1;
            }
            let probing = last.is_none();
            if probing {
                if durable.borrow().failing.is_none() {
                    continue;
                }
                // A blank line: replay skips it, and it needs the disk to
                // take a byte, as an entry would.
                buffer.push(b'\n');
            }
            match self.write(&buffer) {
                Ok(()) => {
                    self.len += buffer.len() as u64;
                    let len = self.len;
                    durable.send_modify(|d| {
                        if let Some(seq) = last {
                            d.seq = seq;
                        }
                        d.len = len;
                        if d.failing.take().is_some() {
                            tracing::info!("the journal accepts writes again");
                        }
                    });
                }
                Err(e) => {
                    self.torn = true;
                    let dropped = !probing;
                    if dropped {
                        self.epoch += 1;
                    }
                    let epoch = self.epoch;
                    let already = durable.borrow().failing.is_some();
                    durable.send_modify(|d| {
                        if dropped {
                            d.ended.push_back((d.epoch, d.seq));
                            if d.ended.len() > EPOCHS_KEPT {
                                d.ended.pop_front();
                            }
                            d.epoch = epoch;
                        }
                        d.failing = Some(Failure {
                            reason: e.to_string(),
                            since: Instant::now(),
                        });
                    });
                    if !already {
                        tracing::error!(error = %e, "journal write failed; writes are refused and tried again every second, reads go on");
                    }
                }
            }
        }
    }

    fn write(&mut self, buffer: &[u8]) -> io::Result<()> {
        if self.files.is_none() {
            let writable = match open_writable(&self.dir, &self.name) {
                Ok(opened) => opened?,
                Err(held) => return Err(io::Error::other(held.to_string())),
            };
            self.files = Some(writable);
            // Bytes past what was replayed (a torn tail left read-only).
            self.torn = true;
        }
        let Some(files) = self.files.as_mut() else {
            return Err(io::Error::other("the journal is not open"));
        };
        let _ = &files.lock;
        if self.torn {
            files.file.set_len(self.len)?;
            self.torn = false;
        }
        files.file.write_all(buffer)?;
        files.file.sync_data()
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
    /// The journal's epoch the state was built in.
    epoch: u64,
}

/// A [`Replayed`] state behind a lock, with its journal: reads and writes
/// are answered only once everything they saw or did is on disk, so nothing
/// acknowledged is lost to a crash, or to a disk that fails.
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
            inner: std::sync::Mutex::new(Numbered {
                state,
                seq,
                epoch: 0,
            }),
            journal,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Numbered<S>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The state, locked, rebuilt first from what is on disk if a failed
    /// write has undone changes it holds.
    fn current(&self) -> Result<std::sync::MutexGuard<'_, Numbered<S>>, JournalError> {
        let mut inner = self.lock();
        let (epoch, seq, len) = self.journal.on_disk();
        if epoch != inner.epoch {
            let mut state = S::default();
            let entries = self
                .journal
                .reread(len, &mut |entry| state.apply(entry))
                .map_err(|e| {
                    JournalError::WriteFailed(format!(
                        "rebuilding the state after a failed write: {e:#}"
                    ))
                })?;
            tracing::warn!(
                entries,
                "state rebuilt from the journal after a failed write"
            );
            *inner = Numbered { state, seq, epoch };
        }
        Ok(inner)
    }

    /// Reads the state; answers once every change it may have seen is on disk.
    pub async fn read<T>(&self, read: impl FnOnce(&S) -> T) -> Result<T, JournalError> {
        let (seq, epoch, out) = {
            let inner = self.current()?;
            (inner.seq, inner.epoch, read(&inner.state))
        };
        self.journal.durable(seq, epoch).await?;
        Ok(out)
    }

    /// Changes what a restart may forget (in-flight claims, never what must
    /// survive), without journalling it. A caller that answers from
    /// journalled state it saw here waits with [`Self::read`] first. A
    /// failed write forgets these changes too.
    pub fn change_in_memory<T>(&self, change: impl FnOnce(&mut S) -> T) -> T {
        match self.current() {
            Ok(mut inner) => change(&mut inner.state),
            Err(_) => change(&mut self.lock().state),
        }
    }

    /// Decides under the lock: `decide` checks the state and returns the
    /// entries to append (applied in journal order) with its answer, which
    /// is given once they, and everything before them, are on disk.
    pub async fn write<T, E: From<JournalError>>(
        &self,
        decide: impl FnOnce(&S) -> Result<(Vec<S::Entry>, T), E>,
    ) -> Result<T, E> {
        let (seq, epoch, out) = {
            let mut inner = self.current()?;
            let (entries, out) = decide(&inner.state)?;
            if !entries.is_empty() {
                self.journal.admit_write()?;
                // Every line first: an entry that cannot be written leaves
                // the state as it was.
                let lines = entries
                    .iter()
                    .map(|entry| {
                        let mut line = serde_json::to_vec(entry)
                            .map_err(|e| JournalError::Encode(e.to_string()))?;
                        line.push(b'\n');
                        Ok(line)
                    })
                    .collect::<Result<Vec<_>, JournalError>>()?;
                for (entry, line) in entries.into_iter().zip(lines) {
                    self.journal.send(inner.epoch, inner.seq + 1, line)?;
                    inner.seq += 1;
                    inner.state.apply(entry);
                }
            }
            (inner.seq, inner.epoch, out)
        };
        self.journal.durable(seq, epoch).await?;
        Ok(out)
    }

    /// For readiness: writes are not failing, and the file is still there.
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

    #[derive(Debug, PartialEq)]
    enum StoreError {
        Corrupt(String),
        Unavailable(String),
    }
    crate::store_error_from_journal!(StoreError);

    #[test]
    fn a_journal_failure_is_corrupt_only_when_it_cannot_be_encoded() {
        assert_eq!(
            StoreError::from(JournalError::Encode("key must be a string".into())),
            StoreError::Corrupt("key must be a string".into())
        );
        assert_eq!(
            StoreError::from(JournalError::WriteFailed("No space left on device".into())),
            StoreError::Unavailable("journal write failed: No space left on device".into())
        );
        assert_eq!(
            StoreError::from(JournalError::Stopped),
            StoreError::Unavailable("the journal writer has stopped".into())
        );
    }

    /// The numbers written so far.
    #[derive(Default)]
    struct Numbers(Vec<u32>);

    impl Replayed for Numbers {
        type Entry = u32;
        fn apply(&mut self, entry: u32) {
            self.0.push(entry);
        }
    }

    async fn push(state: &JournaledState<Numbers>, n: u32) -> Result<(), JournalError> {
        state.write(|_| Ok::<_, JournalError>((vec![n], ()))).await
    }

    #[tokio::test]
    async fn entries_survive_a_reopen_and_a_torn_tail_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        {
            let state = JournaledState::<Numbers>::open(dir.path(), "t").unwrap();
            for n in [10, 20, 30] {
                push(&state, n).await.unwrap();
            }
        }
        // A crash in the middle of a fourth append.
        let path = dir.path().join("t.journal");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"4").unwrap();
        drop(f);
        let state = JournaledState::<Numbers>::open(dir.path(), "t").unwrap();
        assert_eq!(state.read(|s| s.0.clone()).await.unwrap(), vec![10, 20, 30]);
        push(&state, 40).await.unwrap();
        drop(state);
        let reopened = JournaledState::<Numbers>::open(dir.path(), "t").unwrap();
        assert_eq!(
            reopened.read(|s| s.0.clone()).await.unwrap(),
            vec![10, 20, 30, 40]
        );
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

    #[test]
    fn blank_lines_left_by_readiness_probes_are_not_entries() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.journal"), "1\n\n\n2\n").unwrap();
        let mut seen = Vec::new();
        let (_journal, n) = Journal::open::<u32>(dir.path(), "t", |e| seen.push(e)).unwrap();
        assert_eq!((n, seen), (2, vec![1, 2]));
    }
}
