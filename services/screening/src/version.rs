//! A list version: the entities loaded at one time, identified by the
//! SHA-256 of the files they came from.
//!
//! Hashing the bytes (not the parsed entities) means an unchanged download
//! gives the same id whatever the parser version, so "has the list changed?"
//! is one comparison, and every alert can cite exactly which files it came from.

use crate::entity::{EntityKind, ListCategory, ListedEntity, SourceList};
use crate::lists::SourceFile;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use time::OffsetDateTime;

/// Entities per list and kind, aliases, rejected rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListCounts {
    pub entities: usize,
    pub by_list: BTreeMap<SourceList, usize>,
    pub by_list_and_kind: BTreeMap<SourceList, BTreeMap<EntityKind, usize>>,
    /// Sanctions, PEPs, crime and internal entries: a PEP source that loads
    /// no PEPs is visible at a glance.
    pub by_category: BTreeMap<ListCategory, usize>,
    pub aliases: usize,
    pub rejected_rows: usize,
}

/// One list as one folder delivered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceSummary {
    pub list: SourceList,
    /// The category of most of its entries (FollowTheMoney files mix them:
    /// see `by_category`).
    pub category: ListCategory,
    /// The folder it was read from (`ofac_sdn_2024-05-03`, `.` for files
    /// directly in the lists folder).
    pub folder: String,
    /// The vintage date from the folder name (`2024-05-03`), when it has one.
    pub vintage: Option<String>,
    pub entities: usize,
    pub by_category: BTreeMap<ListCategory, usize>,
}

impl SourceSummary {
    /// Summarises the entities one parser read from one folder.
    pub(crate) fn of(
        folder: &str,
        vintage: Option<String>,
        entities: &[ListedEntity],
    ) -> Vec<Self> {
        let mut by_list: BTreeMap<SourceList, BTreeMap<ListCategory, usize>> = BTreeMap::new();
        for e in entities {
            *by_list
                .entry(e.list)
                .or_default()
                .entry(e.category)
                .or_default() += 1;
        }
        by_list
            .into_iter()
            .map(|(list, by_category)| SourceSummary {
                list,
                category: by_category
                    .iter()
                    .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
                    .map(|(c, _)| *c)
                    .unwrap_or_default(),
                folder: folder.to_string(),
                vintage: vintage.clone(),
                entities: by_category.values().sum(),
                by_category,
            })
            .collect()
    }

    /// Whole days from the vintage date to `today` (`YYYY-MM-DD`); `None`
    /// when the folder name carries no full date.
    pub fn age_days(&self, today: &str) -> Option<i64> {
        crate::pep::days_between(self.vintage.as_deref()?, today)
    }
}

/// One loaded set of lists. Cheap to clone (entities are shared).
#[derive(Debug, Clone, Serialize)]
pub struct ListVersion {
    /// Hex SHA-256 over the source files (name, length, bytes; sorted by name).
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub loaded_at: OffsetDateTime,
    /// True when any of the data is the fictional demo list.
    pub demo: bool,
    pub source_files: Vec<String>,
    pub counts: ListCounts,
    /// Each list as loaded: from which folder and vintage, how many entries
    /// of which category.
    pub sources: Vec<SourceSummary>,
    /// Not serialised: thousands of entries; the HTTP layer pages through them.
    #[serde(skip)]
    entities: Arc<[ListedEntity]>,
}

impl ListVersion {
    pub(crate) fn new(
        entities: Vec<ListedEntity>,
        files: &[SourceFile],
        demo: bool,
        rejected_rows: usize,
    ) -> Self {
        let mut sorted: Vec<&SourceFile> = files.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        let mut hash = Sha256::new();
        for f in &sorted {
            hash.update(f.name.as_bytes());
            hash.update([0u8]);
            hash.update((f.bytes.len() as u64).to_be_bytes());
            hash.update(&f.bytes);
        }
        let mut counts = ListCounts {
            entities: entities.len(),
            rejected_rows,
            ..ListCounts::default()
        };
        for e in &entities {
            *counts.by_list.entry(e.list).or_default() += 1;
            *counts
                .by_list_and_kind
                .entry(e.list)
                .or_default()
                .entry(e.kind)
                .or_default() += 1;
            *counts.by_category.entry(e.category).or_default() += 1;
            counts.aliases += e.aliases.len();
        }
        ListVersion {
            id: hex::encode(hash.finalize()),
            loaded_at: OffsetDateTime::now_utc(),
            demo,
            source_files: sorted.iter().map(|f| f.name.clone()).collect(),
            counts,
            sources: Vec::new(),
            entities: entities.into(),
        }
    }

    /// Builds a version from entities made in code (tests, fixtures). Its id
    /// hashes the entities' debug form since there are no files.
    pub fn from_entities(entities: Vec<ListedEntity>, demo: bool) -> Self {
        let bytes = format!("{entities:?}").into_bytes();
        let file = SourceFile {
            name: "in-memory".into(),
            bytes,
        };
        ListVersion::new(entities, &[file], demo, 0)
    }

    pub fn entities(&self) -> &[ListedEntity] {
        &self.entities
    }

    pub fn entity(&self, id: &str) -> Option<&ListedEntity> {
        self.entities.iter().find(|e| e.id.as_str() == id)
    }
}
