//! List files (sanctions, PEPs, criminal watchlists, the bank's own lists):
//! recognising them in a folder, parsing them into
//! [`ListedEntity`](crate::ListedEntity) values, and picking the newest
//! vintage when a folder holds several. `docs/lists.md` documents the
//! formats for the bank's engineers.
//!
//! Layout:
//! - `folder.rs`: what is in a folder (which files form which list, vintages);
//! - `ofac.rs`: OFAC legacy CSV (SDN and non-SDN share the layout);
//! - `remarks.rs`: the free text inside OFAC `Remarks` (DOB, IDs, a.k.a.);
//! - `dates.rs`: the date spellings used by the lists;
//! - `un.rs`: UN Security Council consolidated XML;
//! - `bis.rs`: BIS Denied Persons List (tab-separated);
//! - `congress.rs`: US Congress members, presidents and vice presidents
//!   (congress-legislators YAML): politically exposed persons;
//! - `eu.rs`: EU consolidated financial sanctions, FSF XML export 1.1;
//! - `uk.rs`: UK Sanctions List (FCDO) XML, and the builder its CSV shares;
//! - `uk_csv.rs`: UK Sanctions List CSV (preamble line, one row per name);
//! - `xml.rs`: XML parsing with file and line in every error;
//! - `text.rs`: field decoding, line counting, script detection;
//! - `ftm/`: FollowTheMoney JSON lines as OpenSanctions publishes them
//!   (`entities.ftm.json`), each entity's category from its topics;
//! - `internal.rs`: the bank's own lists as CSV (`internal*.csv`, or any
//!   CSV with the documented header or in a folder named `internal*`).
//!
//! Error policy: a row that cannot be used is never dropped silently; it is
//! returned as a [`RejectedRow`] naming file and line. A file that is not
//! what its name says (bad XML, wrong header, mostly garbage) is a
//! [`ListError::Malformed`] naming file and line, and nothing is loaded.
//! Records that are valid but not screening targets (FollowTheMoney
//! `Sanction`, `Address`, ... records) are counted in [`IgnoredRecords`].

mod bis;
mod congress;
mod dates;
mod eu;
mod folder;
mod ftm;
mod internal;
mod ofac;
mod remarks;
mod text;
mod uk;
mod uk_csv;
mod un;
mod xml;

pub use folder::{
    LoadReport, LoadedVintage, SkippedVintage, load_demo_lists, load_lists_dir, load_lists_dirs,
    load_vintage_dir,
};

use serde::Serialize;
use std::path::PathBuf;

/// A row a parser could not turn into (part of) an entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// Valid records of one type that a file holds but that are not screened
/// (FollowTheMoney `Sanction`, `Address`, `Occupancy`, ... records).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoredRecords {
    pub file: String,
    /// E.g. the FtM schema, `Sanction`.
    pub record_type: String,
    pub count: usize,
}

/// Why a list folder or file could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: malformed list file: {reason}")]
    Malformed {
        file: String,
        line: u64,
        reason: String,
    },
    #[error("{file}: companion file without its primary list file {expected}")]
    MissingPrimary { file: String, expected: String },
    #[error("no sanctions list files found under {0}")]
    NoLists(PathBuf),
}

/// One file's name (for messages) and bytes (for parsing and hashing).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What a parser hands back.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub entities: Vec<crate::ListedEntity>,
    pub rejected: Vec<RejectedRow>,
    pub ignored: Vec<IgnoredRecords>,
}

impl Parsed {
    fn reject(&mut self, file: &str, line: u64, reason: impl Into<String>) {
        self.rejected.push(RejectedRow {
            file: file.to_string(),
            line,
            reason: reason.into(),
        });
    }
}

/// A primary file whose rows were mostly rejected is not a list of that
/// format at all (an HTML error page saved as `sdn.csv`, a truncated
/// download): refuse it instead of loading a handful of rows.
fn check_mostly_parsed(file: &str, good: usize, rejected: &[RejectedRow]) -> Result<(), ListError> {
    let bad: Vec<&RejectedRow> = rejected.iter().filter(|r| r.file == file).collect();
    if let Some(first) = bad.first()
        && (good == 0 || bad.len() > good)
    {
        return Err(ListError::Malformed {
            file: file.to_string(),
            line: first.line,
            reason: format!(
                "{} of {} rows unusable, first: {}",
                bad.len(),
                bad.len() + good,
                first.reason
            ),
        });
    }
    if good == 0 {
        return Err(ListError::Malformed {
            file: file.to_string(),
            line: 1,
            reason: "no entries".to_string(),
        });
    }
    Ok(())
}
