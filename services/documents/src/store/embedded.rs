//! The embedded adapters: everything under `CDD_DATA_DIR`, no AWS.
//!
//! [`EmbeddedDocumentStore`] keeps the metadata in memory and appends every
//! change (the whole document, one JSON line) to the platform's durable
//! journal (`documents.journal`, [`cdd_platform::journal`]) before
//! acknowledging it. Readers wait until what they read is on disk. At start
//! the journal is replayed (the last line for a document wins).
//!
//! [`DirectoryContent`] writes each file under `content/` as a temporary file
//! in the target directory, `fsync`s it, renames it into place and `fsync`s
//! the directory: a reader sees the whole file or none, and a crash or an
//! abandoned upload leaves at most a temporary file, which the writer removes
//! when it is dropped (and the next start sweeps).

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use cdd_platform::journal::{JournaledState, Replayed};
use cdd_platform::private_files;
use sha2::{Digest, Sha256};

use super::{ContentStore, ContentWriter, DocumentStore, StoreError, StoreResult, StoredContent};
use crate::domain::document::Document;
use crate::domain::ids::{CustomerId, DocumentId, Sha256Digest};

const JOURNAL: &str = "documents";
/// The content's directory under the data directory.
pub const CONTENT_DIR: &str = "content";
/// Bytes gathered before one write to the file.
const WRITE_BUFFER: usize = 1024 * 1024;
/// Bytes per chunk when reading a file back.
const READ_CHUNK: usize = 256 * 1024;
const TEMP_SUFFIX: &str = ".tmp";

#[derive(Default)]
struct State {
    documents: HashMap<DocumentId, Document>,
    by_customer: BTreeSet<(CustomerId, DocumentId)>,
}

/// Each journal entry is a document as it now stands.
impl Replayed for State {
    type Entry = Document;

    fn apply(&mut self, document: Document) {
        self.by_customer
            .insert((document.customer_id.clone(), document.id.clone()));
        self.documents.insert(document.id.clone(), document);
    }
}

cdd_platform::store_error_from_journal!(StoreError);

/// Document metadata in a journal.
pub struct EmbeddedDocumentStore {
    state: JournaledState<State>,
}

impl EmbeddedDocumentStore {
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

#[async_trait]
impl DocumentStore for EmbeddedDocumentStore {
    async fn insert(&self, document: &Document) -> StoreResult<()> {
        self.state
            .write(|state| {
                if state.documents.contains_key(&document.id) {
                    return Err(StoreError::AlreadyExists(document.id.clone()));
                }
                Ok((vec![document.clone()], ()))
            })
            .await
    }

    async fn update(&self, document: &Document, expected_version: u64) -> StoreResult<()> {
        self.state
            .write(|state| {
                let current = state.documents.get(&document.id).map(|d| d.version);
                if current != Some(expected_version) {
                    return Err(StoreError::VersionMismatch {
                        id: document.id.clone(),
                        expected: expected_version,
                    });
                }
                Ok((vec![document.clone()], ()))
            })
            .await
    }

    async fn document(&self, id: &DocumentId) -> StoreResult<Option<Document>> {
        self.read(|state| state.documents.get(id).cloned()).await
    }

    async fn customer_documents(&self, customer: &CustomerId) -> StoreResult<Vec<Document>> {
        self.read(|state| {
            let mut docs: Vec<Document> = state
                .by_customer
                .iter()
                .filter(|(c, _)| c == customer)
                .filter_map(|(_, id)| state.documents.get(id).cloned())
                .collect();
            docs.sort_by(|a, b| (a.uploaded_at, &a.id).cmp(&(b.uploaded_at, &b.id)));
            docs
        })
        .await
    }

    async fn check(&self) -> StoreResult<()> {
        Ok(self.state.check()?)
    }
}

/// Document files under a directory, each written atomically.
pub struct DirectoryContent {
    root: PathBuf,
}

fn io_unavailable(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Unavailable(format!("{what} {}: {e}", path.display()))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Unavailable(format!("file task failed: {e}")))?
}

impl DirectoryContent {
    /// Opens the directory, removing temporary files left by a crash.
    pub fn open(root: &Path) -> anyhow::Result<Self> {
        private_files::create_dir_all(root)
            .with_context(|| format!("creating content directory {}", root.display()))?;
        let swept = sweep_temporary_files(root)?;
        if swept > 0 {
            tracing::warn!(
                files = swept,
                "removed temporary files of uploads that never finished"
            );
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    /// The file for `key`; refuses anything but plain relative segments.
    pub fn path(&self, key: &str) -> StoreResult<PathBuf> {
        let safe = |segment: &str| {
            !segment.is_empty()
                && !segment.starts_with('.')
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

fn sweep_temporary_files(dir: &Path) -> anyhow::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            removed += sweep_temporary_files(&path)?;
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') && n.ends_with(TEMP_SUFFIX))
        {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn sync_dir(dir: &Path) -> StoreResult<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_unavailable("syncing directory", dir, e))
}

/// A file being written: a temporary file that becomes the object at finish.
struct FileWriter {
    /// `None` while a write is in flight on the blocking pool.
    file: Option<File>,
    temp: PathBuf,
    target: PathBuf,
    buffer: BytesMut,
    hasher: Sha256,
    done: bool,
}

impl FileWriter {
    async fn flush_buffer(&mut self) -> StoreResult<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = self.buffer.split().freeze();
        let mut file = self
            .file
            .take()
            .ok_or_else(|| StoreError::Unavailable("an earlier write failed".into()))?;
        let temp = self.temp.clone();
        let file = blocking(move || {
            file.write_all(&chunk)
                .map_err(|e| io_unavailable("writing", &temp, e))?;
            Ok(file)
        })
        .await?;
        self.file = Some(file);
        Ok(())
    }
}

impl Drop for FileWriter {
    fn drop(&mut self) {
        if !self.done {
            // An upload abandoned mid-way (the client went away and the
            // request was dropped) leaves nothing behind.
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[async_trait]
impl ContentWriter for FileWriter {
    async fn write(&mut self, chunk: Bytes) -> StoreResult<()> {
        self.hasher.update(&chunk);
        self.buffer.extend_from_slice(&chunk);
        if self.buffer.len() >= WRITE_BUFFER {
            self.flush_buffer().await?;
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>, sha256: &Sha256Digest) -> StoreResult<()> {
        self.flush_buffer().await?;
        let written = Sha256Digest::from_hasher(std::mem::take(&mut self.hasher));
        if written != *sha256 {
            return Err(StoreError::ChecksumMismatch(format!(
                "wrote {written}, expected {sha256}"
            )));
        }
        let file = self
            .file
            .take()
            .ok_or_else(|| StoreError::Unavailable("an earlier write failed".into()))?;
        let temp = self.temp.clone();
        let target = self.target.clone();
        blocking(move || {
            file.sync_all()
                .map_err(|e| io_unavailable("syncing", &temp, e))?;
            drop(file);
            std::fs::rename(&temp, &target)
                .map_err(|e| io_unavailable("renaming to", &target, e))?;
            sync_dir(target.parent().unwrap_or(Path::new(".")))
        })
        .await?;
        self.done = true;
        Ok(())
    }

    async fn abort(self: Box<Self>) {
        // Drop removes the temporary file.
    }
}

#[async_trait]
impl ContentStore for DirectoryContent {
    async fn begin(&self, key: &str, _content_type: &str) -> StoreResult<Box<dyn ContentWriter>> {
        let target = self.path(key)?;
        let dir = target
            .parent()
            .ok_or_else(|| StoreError::Corrupt("an object path has no directory".into()))?
            .to_path_buf();
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        let temp = dir.join(format!(
            ".{name}.{}{TEMP_SUFFIX}",
            uuid::Uuid::new_v4().simple()
        ));
        let temp_for_create = temp.clone();
        let file = blocking(move || {
            private_files::create_dir_all(&dir).map_err(|e| io_unavailable("creating", &dir, e))?;
            private_files::create(&temp_for_create)
                .map_err(|e| io_unavailable("creating", &temp_for_create, e))
        })
        .await?;
        Ok(Box::new(FileWriter {
            file: Some(file),
            temp,
            target,
            buffer: BytesMut::with_capacity(WRITE_BUFFER),
            hasher: Sha256::new(),
            done: false,
        }))
    }

    async fn open(&self, key: &str) -> StoreResult<Option<StoredContent>> {
        let path = self.path(key)?;
        let opened = blocking(move || match File::open(&path) {
            Ok(file) => {
                let size = file
                    .metadata()
                    .map_err(|e| io_unavailable("reading", &path, e))?
                    .len();
                Ok(Some((file, size, path)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_unavailable("opening", &path, e)),
        })
        .await?;
        let Some((file, size, path)) = opened else {
            return Ok(None);
        };
        let body = futures::stream::unfold(Some(file), move |file| {
            let path = path.clone();
            async move {
                let mut file = file?;
                let read = blocking(move || {
                    let mut buf = vec![0u8; READ_CHUNK];
                    let n = file
                        .read(&mut buf)
                        .map_err(|e| io_unavailable("reading", &path, e))?;
                    buf.truncate(n);
                    Ok((file, buf))
                })
                .await;
                match read {
                    Ok((_, buf)) if buf.is_empty() => None,
                    Ok((file, buf)) => Some((Ok(Bytes::from(buf)), Some(file))),
                    Err(e) => Some((Err(e), None)),
                }
            }
        });
        Ok(Some(StoredContent {
            size,
            body: Box::pin(body),
        }))
    }

    async fn erase(&self, key: &str) -> StoreResult<()> {
        let path = self.path(key)?;
        blocking(move || {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(e) => return Err(io_unavailable("removing", &path, e)),
            }
            sync_dir(path.parent().unwrap_or(Path::new(".")))
        })
        .await
    }

    async fn presigned_get(&self, _key: &str, _ttl: Duration) -> StoreResult<Option<String>> {
        Ok(None)
    }

    async fn check(&self) -> StoreResult<()> {
        let root = self.root.clone();
        blocking(move || {
            let probe = root.join(".ready-probe");
            std::fs::write(&probe, b"ok").map_err(|e| io_unavailable("writing", &probe, e))?;
            std::fs::remove_file(&probe).map_err(|e| io_unavailable("removing", &probe, e))
        })
        .await
    }
}
