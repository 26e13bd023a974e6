//! `cdd lists screen`: a customer file against the lists, with progress.
//!
//! Input CSV with a header: `ref,kind,name,birth_date,countries,identifiers`
//! (`kind` person, organisation, vessel or aircraft, default person;
//! `countries` and `identifiers` separated by `;`). Output CSV: one row per
//! potential match. A row that cannot be screened is reported with its line
//! and skipped; it never stops the run.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use cdd_screening::{EntityKind, Screener, Subject, SubjectBirthDate};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(clap::Args)]
pub struct ScreenArgs {
    /// The lists folder.
    #[arg(long)]
    pub lists: PathBuf,
    /// The customers CSV.
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write the matches (default: standard output).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Also write near misses (score under the match threshold).
    #[arg(long)]
    pub all: bool,
}

const CHUNK: usize = 1024;

struct Row {
    line: u64,
    reference: String,
    subject: Subject,
}

fn parse_kind(raw: &str) -> Option<EntityKind> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" | "person" | "individual" => Some(EntityKind::Person),
        "organisation" | "organization" | "entity" => Some(EntityKind::Organisation),
        "vessel" => Some(EntityKind::Vessel),
        "aircraft" => Some(EntityKind::Aircraft),
        _ => None,
    }
}

fn split(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or("")
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn run(args: ScreenArgs) -> anyhow::Result<()> {
    let report = super::load_folder(&args.lists)?;
    if report.version.demo {
        eprintln!("cdd: WARNING: screening against the fictional demo list");
    }
    let version = report.version.id.clone();
    let screener = Screener::new(report.version);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&args.input)
        .with_context(|| format!("opening {}", args.input.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let name_col = column("name")
        .with_context(|| format!("{}: the header has no `name` column", args.input.display()))?;
    let (ref_col, kind_col, dob_col, countries_col, ids_col) = (
        column("ref"),
        column("kind"),
        column("birth_date"),
        column("countries"),
        column("identifiers"),
    );

    let mut rows = Vec::new();
    let mut refused = 0usize;
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{}:{line}: unreadable row: {e}", args.input.display());
                refused += 1;
                continue;
            }
        };
        let get = |c: Option<usize>| c.and_then(|c| record.get(c));
        let Some(kind) = parse_kind(get(kind_col).unwrap_or("")) else {
            eprintln!(
                "{}:{line}: kind must be person, organisation, vessel or aircraft",
                args.input.display()
            );
            refused += 1;
            continue;
        };
        let birth_date = match get(dob_col).map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => match SubjectBirthDate::parse(raw) {
                Ok(d) => Some(d),
                Err(e) => {
                    eprintln!("{}:{line}: birth_date: {e}", args.input.display());
                    refused += 1;
                    continue;
                }
            },
            None => None,
        };
        rows.push(Row {
            line,
            reference: get(ref_col).unwrap_or("").to_string(),
            subject: Subject {
                kind,
                name: record.get(name_col).unwrap_or("").to_string(),
                birth_date,
                countries: split(get(countries_col)),
                identifiers: split(get(ids_col)),
            },
        });
    }

    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "ref",
        "line",
        "entity_id",
        "list",
        "category",
        "matched_name",
        "score",
        "is_match",
        "list_version",
    ])?;
    let progress = ProgressBar::new(rows.len() as u64);
    progress.set_style(ProgressStyle::with_template(
        "{bar:40} {pos}/{len} customers  {per_sec}  eta {eta}",
    )?);
    if rows.len() < 2 * CHUNK {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let (mut matched, mut hits) = (0usize, 0usize);
    for chunk in rows.chunks(CHUNK) {
        let subjects: Vec<Subject> = chunk.iter().map(|r| r.subject.clone()).collect();
        for (row, result) in chunk.iter().zip(screener.screen_batch(&subjects)) {
            match result {
                Ok(matches) => {
                    let mut any = false;
                    for m in matches.iter().filter(|m| args.all || m.is_match) {
                        any |= m.is_match;
                        hits += 1;
                        writer.write_record([
                            row.reference.as_str(),
                            &row.line.to_string(),
                            m.entity_id.as_str(),
                            &m.list.to_string(),
                            m.category.as_str(),
                            &m.matched_name,
                            &format!("{:.4}", m.score),
                            &m.is_match.to_string(),
                            &version,
                        ])?;
                    }
                    matched += usize::from(any);
                }
                Err(e) => {
                    progress.suspend(|| eprintln!("{}:{}: {e}", args.input.display(), row.line));
                    refused += 1;
                }
            }
        }
        progress.inc(chunk.len() as u64);
    }
    progress.finish_and_clear();
    writer.flush()?;
    eprintln!(
        "screened {} customers against list version {}: {matched} with a potential match ({hits} rows written), {refused} rows refused",
        rows.len(),
        &version[..12.min(version.len())]
    );
    Ok(())
}
