//! Performance figures on all bundled sanctions lists (newest of each)
//! together with the PEP data (`CDD_LISTS_DIR=sanctions,pep`, as a bank
//! runs it): parse + index time (and the sanctions alone, for comparison),
//! single-screening latency (p50, p99), rescreening 100,000
//! customers (in full, and against only the added/changed entities of the
//! OFAC SDN 2024-04-02 → 2024-05-03 diff), resident memory. Prints figures;
//! asserts nothing.
//!
//! `cargo bench -p cdd-screening` (release profile).

use cdd_screening::evaluation::build_evaluation_set;
use cdd_screening::{
    Screener, Subject, diff, load_lists_dir, load_lists_dirs, load_vintage_dir, pep_data_dir,
    rescreen_changed, sanctions_data_dir,
};
use std::time::{Duration, Instant};

fn rss_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let dir = sanctions_data_dir();
    let both = [dir.clone(), pep_data_dir()];
    let mut load_times = Vec::new();
    let mut screener = None;
    for _ in 0..3 {
        drop(screener.take());
        let t = Instant::now();
        let report = load_lists_dirs(&both).expect("lists load");
        let parsed = t.elapsed();
        let s = Screener::new(report.version);
        load_times.push((parsed, t.elapsed()));
        screener = Some(s);
    }
    let s = screener.expect("built");
    let (parse, total) = load_times
        .iter()
        .min_by_key(|(_, t)| *t)
        .copied()
        .expect("three runs");
    println!(
        "lists (sanctions + PEP): {} entities ({:?}), {} names, vocabulary {}",
        s.version().counts.entities,
        s.version().counts.by_category,
        s.index().name_count(),
        s.index().vocabulary_size()
    );
    println!(
        "index tables (entries): {}",
        s.index()
            .table_entries()
            .iter()
            .map(|(name, n)| format!("{name} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "parse {:.0} ms + index = {:.0} ms (best of 3)",
        parse.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3
    );
    println!(
        "RSS after load: {:.0} MB (peak {:.0} MB)",
        rss_mb("VmRSS:"),
        rss_mb("VmHWM:")
    );
    // The sanctions alone, measured after the peak above was taken.
    let alone = (0..3)
        .map(|_| {
            let t = Instant::now();
            let report = load_lists_dir(&dir).expect("lists load");
            let s = Screener::new(report.version);
            let took = t.elapsed();
            drop(s);
            took
        })
        .min()
        .expect("three runs");
    println!(
        "sanctions alone: parse + index = {:.0} ms (best of 3)",
        alone.as_secs_f64() * 1e3
    );

    let cases = build_evaluation_set(s.version(), 200, 99);
    let subjects: Vec<Subject> = cases.iter().map(|c| c.subject.clone()).collect();
    for sub in subjects.iter().take(200) {
        let _ = s.screen(sub);
    }
    let mut lat: Vec<Duration> = subjects
        .iter()
        .map(|sub| {
            let t = Instant::now();
            let r = s.screen(sub);
            let d = t.elapsed();
            std::hint::black_box(r.map(|m| m.len()).unwrap_or(0));
            d
        })
        .collect();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1e6;
    println!(
        "single screening over {} subjects: p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        lat.len(),
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );

    let customers: Vec<Subject> = (0..100_000)
        .map(|i| subjects[i % subjects.len()].clone())
        .collect();
    let t = Instant::now();
    let results = s.screen_batch(&customers);
    let took = t.elapsed();
    let alerts = results
        .iter()
        .filter(|r| r.as_ref().is_ok_and(|m| m.iter().any(|x| x.is_match)))
        .count();
    println!(
        "rescreen {} customers on {} threads: {:.2} s ({} with alerts)",
        customers.len(),
        rayon::current_num_threads(),
        took.as_secs_f64(),
        alerts
    );
    drop(results);

    let old = load_vintage_dir(dir.join("ofac_sdn_2024-04-02")).expect("old vintage");
    let new = load_vintage_dir(dir.join("ofac_sdn_2024-05-03")).expect("new vintage");
    let d = diff(&old.version, &new.version);
    drop((old, new));
    let t = Instant::now();
    let results = rescreen_changed(&s, &d, &customers);
    let took = t.elapsed();
    let alerts = results
        .iter()
        .filter(|r| r.as_ref().is_ok_and(|m| m.iter().any(|x| x.is_match)))
        .count();
    println!(
        "rescreen {} customers against the diff's {} added + {} changed entities: {:.3} s ({} with alerts)",
        customers.len(),
        d.added.len(),
        d.changed.len(),
        took.as_secs_f64(),
        alerts
    );
    println!(
        "RSS at end: {:.0} MB (peak {:.0} MB)",
        rss_mb("VmRSS:"),
        rss_mb("VmHWM:")
    );
}
