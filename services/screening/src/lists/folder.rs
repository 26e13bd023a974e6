//! Finding lists in folders (`CDD_LISTS_DIR`, one or several).
//!
//! A folder holds list files, recognised by name (`sdn.csv`, `cons_prim.csv`
//! and their companions, `dpl.txt`, `*.ftm.json`, `internal*.csv` and any
//! CSV inside a folder named `internal*`) or by content (the UN XML root
//! element, the EU FSF export namespace, the UK Sanctions List
//! `<Designations>` root or CSV header, the DPL header, a first line that is
//! a FollowTheMoney entity, the internal-list header). It may also hold vintage sub-folders named
//! `<list>_<date>` (`ofac_sdn_2021-07`, `ofac_sdn_2024-05-03`): for each
//! `<list>` only the newest date is loaded, because an older vintage would
//! resurrect delisted entries. ISO dates sort as text, so "newest" is the
//! greatest suffix.
//!
//! A folder with a `DEMO_DATA` marker file holds fictional demo data; the
//! resulting [`ListVersion`] says so in `demo`.

use super::ofac::OfacFiles;
use super::{
    IgnoredRecords, ListError, Parsed, RejectedRow, SourceFile, bis, congress, eu, ftm, internal,
    ofac, uk, uk_csv, un,
};
use crate::entity::SourceList;
use crate::version::{ListVersion, SourceSummary};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Name of the marker file that flags a folder as fictional demo data.
pub const DEMO_MARKER: &str = "DEMO_DATA";

/// What a load produced: the version, and what was read, skipped and rejected.
#[derive(Debug, Serialize)]
pub struct LoadReport {
    pub version: ListVersion,
    pub vintages: Vec<LoadedVintage>,
    pub skipped: Vec<SkippedVintage>,
    pub rejected: Vec<RejectedRow>,
    /// Valid records that are not screened, counted per file and type.
    pub ignored: Vec<IgnoredRecords>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoadedVintage {
    pub folder: String,
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkippedVintage {
    pub folder: String,
    pub reason: String,
}

/// Loads every list under `dir`: files directly in it, plus the newest
/// vintage of each `<list>_<date>` sub-folder.
pub fn load_lists_dir(dir: impl AsRef<Path>) -> Result<LoadReport, ListError> {
    load_lists_dirs(&[dir.as_ref().to_path_buf()])
}

/// Loads every list under several folders as one list version
/// (`CDD_LISTS_DIR=../shared/data/sanctions,../shared/data/pep`): each
/// folder is read as [`load_lists_dir`] reads one, and when two folders
/// hold vintages of the same `<list>`, only the newest of them all loads.
pub fn load_lists_dirs(dirs: &[PathBuf]) -> Result<LoadReport, ListError> {
    let Some(first) = dirs.first() else {
        return Err(ListError::NoLists(PathBuf::new()));
    };
    let several = dirs.len() > 1;
    let mut groups: BTreeMap<String, Vec<(String, PathBuf)>> = BTreeMap::new();
    let mut folders = Vec::new();
    for dir in dirs {
        // Files directly in a root: labelled by the root's name when there
        // are several roots, so messages say which one.
        let label = if several {
            folder_label(dir)
        } else {
            String::new()
        };
        folders.push((label, dir.clone()));
        for entry in read_dir(dir)? {
            if entry.is_dir() {
                let name = entry
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let (list, date) = split_vintage(&name);
                groups
                    .entry(list.to_string())
                    .or_default()
                    .push((date.to_string(), entry));
            }
        }
    }
    let mut skipped = Vec::new();
    for (list, mut vintages) in groups {
        vintages.sort();
        let (newest_date, newest) = vintages.pop().expect("group is never empty");
        for (_, older) in vintages {
            skipped.push(SkippedVintage {
                folder: folder_label(&older),
                reason: format!("older vintage of {list}; newest is {newest_date}"),
            });
        }
        folders.push((folder_label(&newest), newest));
    }
    let root = if several {
        PathBuf::from(
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(","),
        )
    } else {
        first.clone()
    };
    load_folders(&root, &folders, skipped)
}

/// Loads the list files directly inside one folder (one vintage).
pub fn load_vintage_dir(dir: impl AsRef<Path>) -> Result<LoadReport, ListError> {
    let dir = dir.as_ref();
    load_folders(dir, &[(folder_label(dir), dir.to_path_buf())], Vec::new())
}

/// The fictional demo list shipped inside the crate, for a fresh machine
/// with no real list files. Always flagged `demo`.
pub fn load_demo_lists() -> Result<LoadReport, ListError> {
    let files = vec![
        SourceFile {
            name: "demo-lists/sdn.csv".into(),
            bytes: include_bytes!("../../demo-lists/sdn.csv").to_vec(),
        },
        SourceFile {
            name: "demo-lists/alt.csv".into(),
            bytes: include_bytes!("../../demo-lists/alt.csv").to_vec(),
        },
    ];
    let mut contents = FolderContents {
        demo: true,
        ..FolderContents::default()
    };
    for f in files {
        contents.add(f)?;
    }
    let folder = LoadedVintage {
        folder: "demo-lists (embedded)".into(),
        files: contents.files.iter().map(|f| f.name.clone()).collect(),
    };
    build(vec![(folder, contents)], Vec::new())
}

fn folder_label(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// `ofac_sdn_2024-05-03` → (`ofac_sdn`, `2024-05-03`); a name without a
/// date suffix is its own list with an empty date.
fn split_vintage(name: &str) -> (&str, &str) {
    match name.rsplit_once('_') {
        Some((list, date))
            if date.len() >= 4 && date.as_bytes()[..4].iter().all(u8::is_ascii_digit) =>
        {
            (list, date)
        }
        _ => (name, ""),
    }
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, ListError> {
    let io = |source| ListError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        out.push(entry.map_err(io)?.path());
    }
    out.sort();
    Ok(out)
}

/// The recognised files of one folder.
#[derive(Default)]
struct FolderContents {
    demo: bool,
    ofac_sdn: OfacParts,
    ofac_cons: OfacParts,
    un: Vec<SourceFile>,
    bis: Vec<SourceFile>,
    congress: Vec<SourceFile>,
    eu: Vec<SourceFile>,
    uk: Vec<SourceFile>,
    uk_csv: Vec<SourceFile>,
    ftm: Vec<SourceFile>,
    internal: Vec<SourceFile>,
    files: Vec<SourceFile>,
}

#[derive(Default)]
struct OfacParts {
    primary: Option<SourceFile>,
    alt: Option<SourceFile>,
    add: Option<SourceFile>,
    comments: Option<SourceFile>,
}

impl OfacParts {
    fn into_files(self, expected: &str) -> Result<Option<OfacFiles>, ListError> {
        match self.primary {
            Some(primary) => Ok(Some(OfacFiles {
                primary,
                alt: self.alt,
                add: self.add,
                comments: self.comments,
            })),
            None => match self.alt.or(self.add).or(self.comments) {
                Some(orphan) => Err(ListError::MissingPrimary {
                    file: orphan.name,
                    expected: expected.into(),
                }),
                None => Ok(None),
            },
        }
    }
}

impl FolderContents {
    /// Files the loader does not recognise (READMEs, notes) are ignored.
    fn add(&mut self, file: SourceFile) -> Result<(), ListError> {
        let base = file
            .name
            .rsplit('/')
            .next()
            .unwrap_or(&file.name)
            .to_ascii_lowercase();
        let slot = match base.as_str() {
            "sdn.csv" => &mut self.ofac_sdn.primary,
            "alt.csv" => &mut self.ofac_sdn.alt,
            "add.csv" => &mut self.ofac_sdn.add,
            "sdn_comments.csv" => &mut self.ofac_sdn.comments,
            "cons_prim.csv" => &mut self.ofac_cons.primary,
            "cons_alt.csv" => &mut self.ofac_cons.alt,
            "cons_add.csv" => &mut self.ofac_cons.add,
            "cons_comments.csv" => &mut self.ofac_cons.comments,
            // By content: the EU serves its export as `content?token=...`,
            // so a saved file's name says nothing.
            _ if eu::looks_like_eu_fsf(&file.bytes) => {
                self.files.push(file.clone());
                self.eu.push(file);
                return Ok(());
            }
            _ if uk::looks_like_uk_xml(&file.bytes) => {
                self.files.push(file.clone());
                self.uk.push(file);
                return Ok(());
            }
            _ if uk_csv::looks_like_uk_csv(&file.bytes) => {
                self.files.push(file.clone());
                self.uk_csv.push(file);
                return Ok(());
            }
            _ if base.ends_with(".xml") => {
                let head =
                    String::from_utf8_lossy(&file.bytes[..file.bytes.len().min(2048)]).into_owned();
                if head.contains("<CONSOLIDATED_LIST") {
                    self.files.push(file.clone());
                    self.un.push(file);
                }
                return Ok(());
            }
            _ if congress::FILE_NAMES.contains(&base.as_str())
                || ((base.ends_with(".yaml") || base.ends_with(".yml"))
                    && congress::looks_like_congress(&file.bytes)) =>
            {
                self.files.push(file.clone());
                self.congress.push(file);
                return Ok(());
            }
            _ if base == "dpl.txt" || bis::looks_like_dpl(&file.bytes) => {
                self.files.push(file.clone());
                self.bis.push(file);
                return Ok(());
            }
            _ if base.ends_with(".ftm.json") || ftm::looks_like_ftm(&file.bytes) => {
                self.files.push(file.clone());
                self.ftm.push(file);
                return Ok(());
            }
            _ if internal::is_internal_name(&file.name)
                || internal::looks_like_internal(&file.bytes) =>
            {
                self.files.push(file.clone());
                self.internal.push(file);
                return Ok(());
            }
            _ => return Ok(()),
        };
        *slot = Some(file.clone());
        self.files.push(file);
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn parse(self) -> Result<Vec<Parsed>, ListError> {
        let mut out = Vec::new();
        if let Some(files) = self.ofac_sdn.into_files("sdn.csv")? {
            out.push(ofac::parse(&files, SourceList::OfacSdn)?);
        }
        if let Some(files) = self.ofac_cons.into_files("cons_prim.csv")? {
            out.push(ofac::parse(&files, SourceList::OfacNonSdn)?);
        }
        for f in &self.un {
            out.push(un::parse(f)?);
        }
        for f in &self.bis {
            out.push(bis::parse(f)?);
        }
        for f in &self.eu {
            out.push(eu::parse(f)?);
        }
        // The UK publishes the same list as XML and CSV: a folder holding
        // both loads the XML (the richer form) and not the CSV too, which
        // would give every designation twice.
        if self.uk.is_empty() {
            for f in &self.uk_csv {
                out.push(uk_csv::parse(f)?);
            }
        }
        for f in &self.uk {
            out.push(uk::parse(f)?);
        }
        if !self.congress.is_empty() {
            out.push(congress::parse(&self.congress)?);
        }
        for f in &self.ftm {
            out.push(ftm::parse(f)?);
        }
        for f in &self.internal {
            out.push(internal::parse(f)?);
        }
        Ok(out)
    }
}

fn scan(label: &str, dir: &Path) -> Result<FolderContents, ListError> {
    let mut contents = FolderContents::default();
    for path in read_dir(dir)? {
        if !path.is_file() {
            continue;
        }
        let base = folder_label(&path);
        if base == DEMO_MARKER {
            contents.demo = true;
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|source| ListError::Io {
            path: path.clone(),
            source,
        })?;
        let name = if label.is_empty() {
            base
        } else {
            format!("{label}/{base}")
        };
        contents.add(SourceFile { name, bytes })?;
    }
    Ok(contents)
}

fn load_folders(
    root: &Path,
    folders: &[(String, PathBuf)],
    skipped: Vec<SkippedVintage>,
) -> Result<LoadReport, ListError> {
    let mut scanned = Vec::new();
    for (label, dir) in folders {
        let contents = scan(label, dir)?;
        if !contents.is_empty() {
            let folder = LoadedVintage {
                folder: if label.is_empty() {
                    ".".into()
                } else {
                    label.clone()
                },
                files: contents.files.iter().map(|f| f.name.clone()).collect(),
            };
            scanned.push((folder, contents));
        }
    }
    if scanned.is_empty() {
        return Err(ListError::NoLists(root.to_path_buf()));
    }
    build(scanned, skipped)
}

fn build(
    scanned: Vec<(LoadedVintage, FolderContents)>,
    skipped: Vec<SkippedVintage>,
) -> Result<LoadReport, ListError> {
    let demo = scanned.iter().any(|(_, c)| c.demo);
    let mut files = Vec::new();
    let mut vintages = Vec::new();
    let mut jobs = Vec::new();
    for (vintage, contents) in scanned {
        files.extend(contents.files.iter().cloned());
        vintages.push(vintage);
        jobs.push(contents);
    }
    // Folders parse independently; two cores halve the load time.
    let parsed: Vec<Result<Vec<Parsed>, ListError>> = {
        use rayon::prelude::*;
        jobs.into_par_iter().map(FolderContents::parse).collect()
    };
    let mut entities = Vec::new();
    let mut rejected = Vec::new();
    let mut ignored = Vec::new();
    let mut sources = Vec::new();
    for (vintage, p) in vintages.iter().zip(parsed) {
        let (_, date) = split_vintage(&vintage.folder);
        let date = (date.len() == 10).then(|| date.to_string());
        for mut one in p? {
            sources.extend(SourceSummary::of(
                &vintage.folder,
                date.clone(),
                &one.entities,
            ));
            entities.append(&mut one.entities);
            rejected.append(&mut one.rejected);
            ignored.append(&mut one.ignored);
        }
    }
    // The same list in two folders would give duplicate ids: keep the first.
    let mut seen = rustc_hash::FxHashSet::default();
    entities.retain(|e| {
        let fresh = seen.insert(e.id.clone());
        if !fresh {
            rejected.push(RejectedRow {
                file: String::new(),
                line: 0,
                reason: format!("duplicate entity id {} across folders", e.id),
            });
        }
        fresh
    });
    let mut version = ListVersion::new(entities, &files, demo, rejected.len());
    version.sources = sources;
    Ok(LoadReport {
        version,
        vintages,
        skipped,
        rejected,
        ignored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vintage_names() {
        assert_eq!(
            split_vintage("ofac_sdn_2024-05-03"),
            ("ofac_sdn", "2024-05-03")
        );
        assert_eq!(split_vintage("ofac_sdn_2021-07"), ("ofac_sdn", "2021-07"));
        assert_eq!(split_vintage("extra_lists"), ("extra_lists", ""));
    }
}
