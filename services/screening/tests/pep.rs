//! Politically exposed persons on the real congress-legislators data: every
//! one of the 617 people is found by the names they go by, with their
//! positions; names of people who are not in it do not raise PEP alerts;
//! the PEP data loads together with the sanctions lists.
//!
//! The expected names and positions are read from the YAML here, apart from
//! the parser, so a parser bug cannot hide itself.

mod common;

use cdd_screening::evaluation::negatives::PEOPLE;
use cdd_screening::{
    EntityKind, ListCategory, PepStatus, Screener, SourceList, Subject, load_lists_dir,
    load_lists_dirs, pep_data_dir, sanctions_data_dir,
};
use std::collections::HashSet;
use std::sync::OnceLock;
use yaml_rust2::{Yaml, YamlLoader};

const FOLDER: &str = "us_congress-legislators_2026-06-15";

/// One person as the data gives them, for building queries.
struct Person {
    bioguide: String,
    first: String,
    last: String,
    nickname: Option<String>,
    official_full: Option<String>,
    /// Type and state of the last term, and its end.
    last_term: (String, Option<String>, String),
    current_legislator: bool,
}

fn people() -> &'static [Person] {
    static P: OnceLock<Vec<Person>> = OnceLock::new();
    P.get_or_init(|| {
        let mut out = Vec::new();
        for (file, current) in [
            ("legislators-current.yaml", true),
            ("executive.yaml", false),
        ] {
            let text = std::fs::read_to_string(pep_data_dir().join(FOLDER).join(file))
                .expect("PEP data present (see ../shared/data/pep/SOURCES.md)");
            let docs = YamlLoader::load_from_str(&text).expect("valid YAML");
            for item in docs[0].as_vec().expect("a list") {
                let s = |node: &Yaml, key: &str| node[key].as_str().map(str::to_string);
                let name = &item["name"];
                let terms = item["terms"].as_vec().expect("terms");
                let last = terms.last().expect("a term");
                out.push(Person {
                    bioguide: s(&item["id"], "bioguide").unwrap_or_else(|| {
                        format!(
                            "govtrack-{}",
                            item["id"]["govtrack"].as_i64().expect("an id")
                        )
                    }),
                    first: s(name, "first").expect("first"),
                    last: s(name, "last").expect("last"),
                    nickname: s(name, "nickname"),
                    official_full: s(name, "official_full"),
                    last_term: (
                        s(last, "type").expect("type"),
                        s(last, "state"),
                        s(last, "end").expect("end"),
                    ),
                    current_legislator: current,
                });
            }
        }
        out
    })
}

fn pep_screener() -> &'static Screener {
    static S: OnceLock<Screener> = OnceLock::new();
    S.get_or_init(|| {
        let report = load_lists_dir(pep_data_dir()).expect("PEP data loads");
        Screener::new(report.version)
    })
}

fn person(name: &str) -> Subject {
    Subject {
        kind: EntityKind::Person,
        name: name.to_string(),
        birth_date: None,
        countries: Vec::new(),
        identifiers: Vec::new(),
    }
}

#[test]
fn the_pep_data_loads_every_person_as_a_pep() {
    let report = load_lists_dir(pep_data_dir()).unwrap();
    assert!(
        report.rejected.is_empty(),
        "{:?}",
        &report.rejected[..report.rejected.len().min(5)]
    );
    let v = &report.version;
    // 537 members of Congress and 80 presidents and vice presidents
    // (SOURCES.md); nobody is in both files today.
    assert_eq!(v.counts.by_list[&SourceList::UsCongressLegislators], 617);
    assert_eq!(people().len(), 617);
    assert!(
        v.entities()
            .iter()
            .all(|e| e.category == ListCategory::Pep && !e.positions.is_empty())
    );
}

#[test]
fn sanctions_and_pep_folders_load_together() {
    let both = load_lists_dirs(&[sanctions_data_dir(), pep_data_dir()]).unwrap();
    let sanctions = load_lists_dir(sanctions_data_dir()).unwrap();
    assert_eq!(
        both.version.counts.entities,
        sanctions.version.counts.entities + 617
    );
    let folders: Vec<&str> = both.vintages.iter().map(|v| v.folder.as_str()).collect();
    assert!(folders.contains(&FOLDER), "{folders:?}");
    assert!(folders.contains(&"ofac_sdn_2024-05-03"), "{folders:?}");
    // The same `<list>` in two roots: only the newest loads.
    let temp = tempfile::tempdir().unwrap();
    let older = temp.path().join("us_congress-legislators_2025-01-01");
    std::fs::create_dir(&older).unwrap();
    std::fs::copy(
        pep_data_dir().join(FOLDER).join("executive.yaml"),
        older.join("executive.yaml"),
    )
    .unwrap();
    let report = load_lists_dirs(&[temp.path().to_path_buf(), pep_data_dir()]).unwrap();
    assert_eq!(report.version.counts.entities, 617);
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
}

/// The title the House or Senate gives the seat of a term, built here from
/// the raw fields (two-letter code only: the parser spells the state out).
fn seat_mentions(term_type: &str, state: Option<&str>) -> &'static str {
    match (term_type, state) {
        ("prez", _) => "President of the United States",
        ("viceprez", _) => "Vice President of the United States",
        ("sen", _) => "United States Senator for ",
        (_, Some("PR")) => "Resident Commissioner for Puerto Rico",
        (_, Some("DC" | "GU" | "VI" | "AS" | "MP")) => {
            "Delegate to the United States House of Representatives for "
        }
        _ => "United States Representative for ",
    }
}

#[test]
fn every_pep_is_found_by_the_names_they_go_by_with_their_positions() {
    let s = pep_screener();
    let today = cdd_screening::pep::today();
    let mut misses = Vec::new();
    let mut queries = 0;
    for p in people() {
        let mut names: Vec<String> = vec![format!("{} {}", p.first, p.last)];
        names.extend(p.official_full.clone());
        if let Some(nick) = &p.nickname {
            names.push(format!("{nick} {}", p.last));
        }
        let id = format!("us-congress:{}", p.bioguide);
        for name in names {
            queries += 1;
            let matches = s.screen(&person(&name)).unwrap();
            let Some(m) = matches
                .iter()
                .find(|m| m.is_match && m.entity_id.as_str() == id)
            else {
                misses.push(format!(
                    "{name} ({id}): {:?}",
                    matches.first().map(|m| &m.primary_name)
                ));
                continue;
            };
            assert_eq!(m.category, ListCategory::Pep);
            let (kind, state, end) = &p.last_term;
            let seat = seat_mentions(kind, state.as_deref());
            let last = m
                .positions
                .iter()
                .find(|pos| pos.title.starts_with(seat) && pos.end.as_deref() == Some(end.as_str()))
                .unwrap_or_else(|| {
                    panic!(
                        "{id}: no position {seat}… ending {end} in {:?}",
                        m.positions
                    )
                });
            assert_eq!(last.country.as_deref(), Some("US"));
            assert_eq!(
                last.held_now,
                end.as_str() >= today.as_str(),
                "{id} {last:?}"
            );
            let standing = m.pep.as_ref().expect("a PEP match says current or former");
            if p.current_legislator || last.held_now {
                // Serving now, or left within the default 12 months (the
                // data is a 2026 snapshot).
                assert_eq!(
                    standing.status,
                    PepStatus::Current,
                    "{id}: {}",
                    standing.reason
                );
            }
            assert!(!standing.reason.is_empty());
        }
    }
    println!("{queries} queries, {} missed", misses.len());
    assert!(
        misses.is_empty(),
        "{} of {queries} missed: {misses:#?}",
        misses.len()
    );
}

/// 1,500 people who are not in the PEP data: first names and surnames of
/// many countries from the evaluation negatives, recombined. A combination
/// that is the name a listed person goes by (a real namesake, e.g. a
/// first name and surname both common in the US) is left out: it should
/// alert.
#[test]
fn names_of_people_not_in_the_data_rarely_alert() {
    let s = pep_screener();
    let firsts: Vec<&str> = unique(PEOPLE.iter().filter_map(|n| n.split_whitespace().next()));
    let lasts: Vec<&str> = unique(PEOPLE.iter().filter_map(|n| n.split_whitespace().last()));
    let taken: HashSet<String> = people()
        .iter()
        .flat_map(|p| {
            [Some(&p.first), p.nickname.as_ref()]
                .into_iter()
                .flatten()
                .flat_map(|f| f.split_whitespace().next())
                .map(|f| format!("{} {}", f.to_lowercase(), p.last.to_lowercase()))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut tried = 0;
    let mut alerts = Vec::new();
    // A stride through the cross product that is coprime with its size
    // spreads the sample over every first name and surname.
    let total = firsts.len() * lasts.len();
    let step = (1..)
        .map(|k| total / 1500 + k)
        .find(|st| gcd(*st, total) == 1)
        .unwrap();
    let mut at = 0;
    while tried < 1500 {
        at = (at + step) % total;
        let name = format!("{} {}", firsts[at / lasts.len()], lasts[at % lasts.len()]);
        if taken.contains(&name.to_lowercase()) {
            continue;
        }
        tried += 1;
        let hits: Vec<String> = s
            .screen(&person(&name))
            .unwrap()
            .into_iter()
            .filter(|m| m.is_match)
            .map(|m| format!("{} ({:.2})", m.primary_name, m.score))
            .collect();
        if !hits.is_empty() {
            alerts.push(format!("{name} → {hits:?}"));
        }
    }
    let rate = alerts.len() as f64 / tried as f64;
    println!(
        "{tried} non-PEP names, {} alerts ({:.2} %): {alerts:#?}",
        alerts.len(),
        rate * 100.0
    );
    assert!(
        rate <= 0.01,
        "false-positive rate {:.2} % > 1 %: {alerts:#?}",
        rate * 100.0
    );
}

fn unique<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen = HashSet::new();
    names.filter(|n| seen.insert(*n)).collect()
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}
