//! `cdd lists`: list files (sanctions, PEP, internal) from the command line.
//!
//! - `load DIR`: parse a folder the way the screening service does, report
//!   counts and every rejected row;
//! - `diff OLD NEW`: what changed between two list folders;
//! - `screen --lists DIR --input customers.csv`: screen a customer file;
//! - `fetch --dest DIR`: download the current files from the publishers.

mod diff;
mod fetch;
mod load;
mod screen;

use std::path::{Path, PathBuf};

use anyhow::Context;
use cdd_screening::LoadReport;

#[derive(clap::Subcommand)]
pub enum ListsCommand {
    /// Load a folder of list files and report what it holds.
    Load {
        /// A lists folder (newest `<list>_<date>` vintage of each list), one
        /// vintage folder, or several lists folders comma-separated.
        dir: PathBuf,
    },
    /// Compare two list folders: added, removed and changed entities.
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// Print every entity id, not only the counts.
        #[arg(long)]
        ids: bool,
    },
    /// Screen a CSV of customers (ref,kind,name,birth_date,countries,identifiers).
    Screen(screen::ScreenArgs),
    /// Download the current list files from their publishers into DIR/<list>_<date>/.
    Fetch(fetch::FetchArgs),
}

pub async fn run(command: ListsCommand) -> anyhow::Result<()> {
    match command {
        ListsCommand::Load { dir } => load::run(&dir),
        ListsCommand::Diff { old, new, ids } => diff::run(&old, &new, ids),
        ListsCommand::Screen(args) => screen::run(args),
        ListsCommand::Fetch(args) => fetch::run(args).await,
    }
}

/// Loads a folder as the service would: a lists folder with vintages, or a
/// folder that directly holds list files; several folders comma-separated,
/// as `CDD_LISTS_DIR` takes them.
pub fn load_folder(dir: &Path) -> anyhow::Result<LoadReport> {
    let text = dir.to_string_lossy();
    if text.contains(',') {
        let dirs: Vec<PathBuf> = text.split(',').map(|d| PathBuf::from(d.trim())).collect();
        return cdd_screening::load_lists_dirs(&dirs)
            .with_context(|| format!("loading lists from {text}"));
    }
    let report = cdd_screening::load_lists_dir(dir)
        .with_context(|| format!("loading lists from {}", dir.display()))?;
    if report.version.counts.entities > 0 {
        return Ok(report);
    }
    cdd_screening::load_vintage_dir(dir)
        .with_context(|| format!("loading lists from {}", dir.display()))
}
