//! `cdd lists load DIR`.

use std::path::Path;

pub fn run(dir: &Path) -> anyhow::Result<()> {
    let report = super::load_folder(dir)?;
    let v = &report.version;
    println!("list version {}", v.id);
    if v.demo {
        println!("  DEMO DATA: these lists are fictional");
    }
    for vintage in &report.vintages {
        println!("  loaded  {}", serde_json::to_string(vintage)?);
    }
    for skipped in &report.skipped {
        println!("  skipped {} ({})", skipped.folder, skipped.reason);
    }
    println!(
        "{} entities, {} aliases",
        v.counts.entities, v.counts.aliases
    );
    for (list, kinds) in &v.counts.by_list_and_kind {
        let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!(
            "  {:<12} {:>6}  ({})",
            list.to_string(),
            v.counts.by_list.get(list).copied().unwrap_or(0),
            parts.join(", ")
        );
    }
    let today = cdd_screening::pep::today();
    for source in &v.sources {
        let age = source
            .age_days(&today)
            .map(|d| format!(", {d} days old"))
            .unwrap_or_default();
        println!(
            "  source {} ({}) from {}: {} entities{age}",
            source.list, source.category, source.folder, source.entities
        );
    }
    for ignored in &report.ignored {
        println!(
            "  not screened: {} {} records in {}",
            ignored.count, ignored.record_type, ignored.file
        );
    }
    println!("{} rows rejected", report.rejected.len());
    for row in &report.rejected {
        println!("  {}:{}: {}", row.file, row.line, row.reason);
    }
    Ok(())
}
