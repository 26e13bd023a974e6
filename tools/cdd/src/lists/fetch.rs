//! `cdd lists fetch`: the current list files from their publishers.
//!
//! Each list lands in `DEST/<list>_<YYYY-MM-DD>/` under the file name the
//! sources give (not the URL's last segment: the EU serves its export as
//! `.../content?token=...`), the layout the screening service reads (the newest vintage of each
//! list is current). A list is downloaded into a hidden folder, parsed with
//! the service's own loader, and only then renamed into place: a broken or
//! truncated download never becomes the current version.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::io::AsyncWriteExt;

/// The publishers' official addresses (list => file name => URL).
const OFFICIAL_SOURCES: &str = include_str!("../../data/list-sources.json");

#[derive(clap::Args)]
pub struct FetchArgs {
    /// The lists folder to add the new vintages to.
    #[arg(long)]
    pub dest: PathBuf,
    /// A JSON file of sources (list => file name => URL) instead of the official addresses.
    #[arg(long)]
    pub sources: Option<PathBuf>,
    /// Fetch only these lists (ofac_sdn, ofac_non_sdn, un_consolidated, bis_dpl, eu_fsf, uk_sanctions).
    #[arg(long)]
    pub only: Vec<String>,
}

type Sources = BTreeMap<String, BTreeMap<String, String>>;

pub async fn run(args: FetchArgs) -> anyhow::Result<()> {
    let text = match &args.sources {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
        }
        None => OFFICIAL_SOURCES.to_string(),
    };
    let mut sources: Sources =
        serde_json::from_str(&text).context("the sources file is not list => file => URL JSON")?;
    if !args.only.is_empty() {
        for name in &args.only {
            if !sources.contains_key(name) {
                bail!(
                    "unknown list `{name}`; known: {}",
                    sources.keys().cloned().collect::<Vec<_>>().join(", ")
                );
            }
        }
        sources.retain(|name, _| args.only.contains(name));
    }
    let client = reqwest::Client::builder()
        .user_agent(concat!("cdd-lists-fetch/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(std::time::Duration::from_secs(20))
        .build()?;
    std::fs::create_dir_all(&args.dest)
        .with_context(|| format!("creating {}", args.dest.display()))?;
    let today = time::OffsetDateTime::now_utc().date();
    let mut failed = Vec::new();
    for (list, files) in &sources {
        let folder = args.dest.join(format!("{list}_{today}"));
        let partial = args.dest.join(format!(".{list}_{today}.partial"));
        let result = fetch_list(&client, files, &partial).await.and_then(|()| {
            let report = cdd_screening::load_vintage_dir(&partial)
                .with_context(|| format!("the downloaded {list} does not parse"))?;
            if folder.exists() {
                std::fs::remove_dir_all(&folder)?;
            }
            std::fs::rename(&partial, &folder)?;
            Ok(report)
        });
        match result {
            Ok(report) => println!(
                "{list}: {} entities, {} rows rejected -> {}",
                report.version.counts.entities,
                report.rejected.len(),
                folder.display()
            ),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&partial);
                eprintln!("{list}: {e:#}");
                failed.push(list.clone());
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        bail!(
            "could not fetch: {} (the previous vintages stay current)",
            failed.join(", ")
        )
    }
}

async fn fetch_list(
    client: &reqwest::Client,
    files: &BTreeMap<String, String>,
    into: &std::path::Path,
) -> anyhow::Result<()> {
    if into.exists() {
        std::fs::remove_dir_all(into)?;
    }
    std::fs::create_dir_all(into)?;
    for (name, url) in files {
        if name.contains('/') || name.contains("..") {
            bail!("file name `{name}` must be a plain name");
        }
        let mut res = client
            .get(url)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        if !res.status().is_success() {
            bail!("GET {url}: {}", res.status());
        }
        let bar = ProgressBar::new(res.content_length().unwrap_or(0));
        bar.set_style(ProgressStyle::with_template(
            "{msg:24} {bar:30} {bytes}/{total_bytes} {bytes_per_sec}",
        )?);
        bar.set_message(name.clone());
        let mut file = tokio::fs::File::create(into.join(name)).await?;
        while let Some(chunk) = res
            .chunk()
            .await
            .with_context(|| format!("reading {url}"))?
        {
            file.write_all(&chunk).await?;
            bar.inc(chunk.len() as u64);
        }
        file.sync_all().await?;
        bar.finish_and_clear();
    }
    Ok(())
}
