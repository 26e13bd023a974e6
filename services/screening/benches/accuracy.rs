//! Match quality by family of difficulty, side by side with the reference
//! engine (nomenklatura's LogicV2, yente's matcher) on the same pairs in
//! the same run: precision, recall and F1 per family, on the test half of
//! the labelled pairs (and, for the record, the tune half).
//!
//! `cargo bench -p cdd-screening --bench accuracy`
//!
//! The pairs are `evaluation/written.tsv` plus those generated from the
//! real lists (`cdd_screening::evaluation::pairs`). The reference runs in a
//! virtual environment of this bench's own, `target/reference-venv`, made
//! on first use with `pip install nomenklatura==4.17.4` (or the Python
//! named by `CDD_REFERENCE_PYTHON`). Without it the bench reports ours
//! alone and says why. Prints figures; asserts nothing.

use cdd_screening::evaluation::pairs::{LabelledPair, PairMetrics, Split, all_pairs, pair_metrics};
use cdd_screening::{MATCH_THRESHOLD, compare, sanctions_data_dir};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// yente's default score threshold for a match.
const REFERENCE_THRESHOLD: f32 = 0.70;
const REFERENCE_VERSION: &str = "nomenklatura==4.17.4";

fn workspace_target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    )
}

/// The Python that has nomenklatura: the named one, or the bench's venv
/// (made on first use).
fn reference_python() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("CDD_REFERENCE_PYTHON") {
        return Ok(p.into());
    }
    let venv = workspace_target().join("reference-venv");
    let python = venv.join("bin/python");
    let ready = |py: &Path| {
        Command::new(py)
            .args(["-c", "import nomenklatura.matching"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if ready(&python) {
        return Ok(python);
    }
    eprintln!("making {} with {REFERENCE_VERSION} ...", venv.display());
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", REFERENCE_VERSION])
            .status()
            .is_ok_and(|s| s.success());
    if ok && ready(&python) {
        Ok(python)
    } else {
        Err(format!(
            "could not install {REFERENCE_VERSION} into {}",
            venv.display()
        ))
    }
}

/// The reference's scores for the pairs, and its seconds per pair.
fn reference_scores(pairs: &[LabelledPair]) -> Result<(Vec<f32>, f64), String> {
    let python = reference_python()?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/reference_scores.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", python.display()))?;
    {
        let mut stdin = child.stdin.take().ok_or("no stdin")?;
        for p in pairs {
            let line =
                serde_json::json!({"kind": kind_name(p), "query": p.query, "listed": p.listed});
            writeln!(stdin, "{line}").map_err(|e| e.to_string())?;
        }
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("reference exited with {}", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut scores = Vec::with_capacity(pairs.len());
    let mut per_pair = f64::NAN;
    for line in text.lines() {
        if let Some(s) = line.strip_prefix("# seconds_per_pair ") {
            per_pair = s.trim().parse().unwrap_or(f64::NAN);
        } else {
            scores.push(
                line.trim()
                    .parse::<f32>()
                    .map_err(|e| format!("{line:?}: {e}"))?,
            );
        }
    }
    if scores.len() != pairs.len() {
        return Err(format!("{} scores for {} pairs", scores.len(), pairs.len()));
    }
    Ok((scores, per_pair))
}

fn kind_name(p: &LabelledPair) -> &'static str {
    match p.kind {
        cdd_screening::EntityKind::Person => "person",
        cdd_screening::EntityKind::Organisation => "organisation",
        cdd_screening::EntityKind::Vessel => "vessel",
        cdd_screening::EntityKind::Aircraft => "aircraft",
    }
}

fn cell(m: Option<&PairMetrics>) -> String {
    m.map_or_else(
        || "—".into(),
        |m| {
            format!(
                "{:.3} / {:.3} / **{:.3}** / {:.3}",
                m.precision(),
                m.recall(),
                m.f1(),
                m.false_positive_rate()
            )
        },
    )
}

fn table(
    title: &str,
    ours: &BTreeMap<String, PairMetrics>,
    reference: Option<&BTreeMap<String, PairMetrics>>,
) {
    println!("\n{title}\n");
    println!(
        "| family | pairs (positive) | ours P / R / F1 / FPR | reference P / R / F1 / FPR | ahead (F1) |"
    );
    println!("|---|---|---|---|---|");
    for (family, m) in ours {
        let r = reference.and_then(|r| r.get(family));
        let ahead = r.map_or("—", |r| {
            if m.f1() > r.f1() + 1e-9 {
                "ours"
            } else if r.f1() > m.f1() + 1e-9 {
                "reference"
            } else {
                "tie"
            }
        });
        println!(
            "| {family} | {} ({}) | {} | {} | {ahead} |",
            m.pairs,
            m.positives,
            cell(Some(m)),
            cell(r)
        );
    }
}

fn main() {
    let pairs = all_pairs(&sanctions_data_dir()).expect("labelled pairs");
    println!(
        "{} labelled pairs ({} written, {} from the lists)",
        pairs.len(),
        pairs.iter().filter(|p| p.source == "written").count(),
        pairs.iter().filter(|p| p.source == "lists").count()
    );

    let started = Instant::now();
    let ours: Vec<f32> = pairs
        .par_iter()
        .map(|p| compare(p.kind, &p.query, &p.listed).map_or(0.0, |c| c.score))
        .collect();
    let ours_per_pair = started.elapsed().as_secs_f64() / pairs.len() as f64 * 2.0;
    let reference = match reference_scores(&pairs) {
        Ok(r) => Some(r),
        Err(e) => {
            println!("reference: not run ({e})");
            None
        }
    };
    for split in [Split::Test, Split::Tune] {
        let of = |scores: &[f32], threshold: f32| {
            pair_metrics(
                pairs
                    .iter()
                    .zip(scores.iter().copied())
                    .filter(|(p, _)| p.split() == split),
                threshold,
            )
        };
        let ours_m = of(&ours, MATCH_THRESHOLD);
        let ref_m = reference.as_ref().map(|(r, _)| of(r, REFERENCE_THRESHOLD));
        table(
            &format!(
                "{:?} half — ours at {MATCH_THRESHOLD:.2}, reference (LogicV2) at {REFERENCE_THRESHOLD:.2}:",
                split
            ),
            &ours_m,
            ref_m.as_ref(),
        );
    }
    println!(
        "\ntime per pair: ours {:.1} µs (2 threads, normalising both names each time); reference {}",
        ours_per_pair * 1e6,
        reference.as_ref().map_or("—".into(), |(_, s)| format!(
            "{:.1} µs (1 thread)",
            s * 1e6
        ))
    );
    if std::env::var_os("ACCURACY_MISSES").is_some() {
        // The tune half's mistakes, to study (never the test half's).
        for (i, (p, s)) in pairs.iter().zip(&ours).enumerate() {
            let wrong = (*s >= MATCH_THRESHOLD) != p.expected;
            if wrong && p.split() == Split::Tune {
                let r = reference.as_ref().map_or(f32::NAN, |(r, _)| r[i]);
                println!(
                    "miss\t{}\t{}\t{s:.3}\t{r:.3}\t{}\t{}",
                    p.family,
                    u8::from(p.expected),
                    p.query,
                    p.listed
                );
            }
        }
    }
}
