//! `cdd lists diff OLD NEW`.

use std::path::Path;

pub fn run(old: &Path, new: &Path, ids: bool) -> anyhow::Result<()> {
    let before = super::load_folder(old)?;
    let after = super::load_folder(new)?;
    let d = cdd_screening::diff(&before.version, &after.version);
    println!(
        "from {} ({} entities)",
        d.from_version, before.version.counts.entities
    );
    println!(
        "to   {} ({} entities)",
        d.to_version, after.version.counts.entities
    );
    println!(
        "added {}, removed {}, changed {}",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    if ids {
        for (label, list) in [
            ("added", &d.added),
            ("removed", &d.removed),
            ("changed", &d.changed),
        ] {
            for id in list {
                println!("{label}\t{id}");
            }
        }
    }
    Ok(())
}
