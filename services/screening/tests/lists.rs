//! Parsing the real list files: every file loads, counts agree with
//! SOURCES.md, remarks and companions are read, broken files are refused.

mod common;

use cdd_screening::{
    AliasStrength, BirthDate, EntityKind, IdentifierKind, ListError, SourceList, diff,
    load_demo_lists, load_lists_dir, load_vintage_dir,
};
use common::{data, vintage};
use std::fs;

fn kinds(v: &cdd_screening::ListVersion, list: SourceList) -> [usize; 4] {
    let m = &v.counts.by_list_and_kind[&list];
    EntityKind::all().map(|k| m.get(&k).copied().unwrap_or(0))
}

#[test]
fn every_vintage_loads_with_the_documented_counts() {
    let cases: [(&str, SourceList, [usize; 4]); 6] = [
        (
            "ofac_sdn_2021-07",
            SourceList::OfacSdn,
            [4620, 3673, 406, 277],
        ),
        (
            "ofac_sdn_2024-04-02",
            SourceList::OfacSdn,
            [6773, 6587, 818, 382],
        ),
        (
            "ofac_sdn_2024-05-03",
            SourceList::OfacSdn,
            [6854, 6884, 851, 376],
        ),
        (
            "ofac_non_sdn_2025-12",
            SourceList::OfacNonSdn,
            [79, 363, 0, 0],
        ),
        (
            "un_consolidated_2026-02-27",
            SourceList::UnConsolidated,
            [730, 273, 0, 0],
        ),
        ("bis_dpl_2022-09", SourceList::BisDenied, [0, 0, 0, 0]),
    ];
    for (dir, list, expected) in cases {
        let report = load_vintage_dir(data(dir)).unwrap();
        assert!(
            report.rejected.is_empty(),
            "{dir}: {:?}",
            &report.rejected[..report.rejected.len().min(5)]
        );
        assert_eq!(report.version.counts.rejected_rows, 0);
        assert!(!report.version.demo);
        if list != SourceList::BisDenied {
            assert_eq!(kinds(&report.version, list), expected, "{dir}");
        } else {
            assert_eq!(report.version.counts.entities, 581);
        }
    }
}

#[test]
fn folder_load_takes_the_newest_vintage_of_each_list() {
    let report = load_lists_dir(cdd_screening::sanctions_data_dir()).unwrap();
    let folders: Vec<&str> = report.vintages.iter().map(|v| v.folder.as_str()).collect();
    assert!(folders.contains(&"ofac_sdn_2024-05-03"), "{folders:?}");
    assert!(!folders.contains(&"ofac_sdn_2024-04-02"));
    assert_eq!(report.skipped.len(), 2);
    let c = &report.version.counts;
    assert_eq!(c.entities, 14965 + 442 + 1003 + 581);
    assert_eq!(c.by_list[&SourceList::OfacSdn], 14965);
    // 2024 SDN has no alt.csv: its aliases come from remarks only.
    assert!(c.aliases > 7_000, "aliases {}", c.aliases);
    assert_eq!(report.version.id.len(), 64);
    // Same bytes, same id.
    let again = load_lists_dir(cdd_screening::sanctions_data_dir()).unwrap();
    assert_eq!(again.version.id, report.version.id);
}

#[test]
fn diff_of_the_real_monthly_update() {
    let (old, new) = (
        vintage("ofac_sdn_2024-04-02"),
        vintage("ofac_sdn_2024-05-03"),
    );
    assert_ne!(old.id, new.id);
    let d = diff(&old, &new);
    assert_eq!(
        (d.added.len(), d.removed.len(), d.changed.len()),
        (417, 12, 11)
    );
    assert!(d.changed.iter().any(|id| id.as_str() == "ofac-sdn:32794"));
    assert!(diff(&new, &new).is_empty());
}

#[test]
fn remarks_yield_dates_places_countries_ids_and_aliases() {
    let v = vintage("ofac_sdn_2024-05-03");
    let z = v.entity("ofac-sdn:2676").unwrap();
    assert_eq!(z.kind, EntityKind::Person);
    assert_eq!(z.primary_name, "AL ZAWAHIRI, Dr. Ayman");
    assert_eq!(
        z.birth_dates,
        vec![BirthDate::Exact {
            year: 1951,
            month: 6,
            day: 19
        }]
    );
    assert_eq!(z.places_of_birth, vec!["Giza, Egypt".to_string()]);
    assert!(
        z.identifiers
            .iter()
            .any(|i| i.kind == IdentifierKind::Passport && i.value == "1084010")
    );
    let h = v.entity("ofac-sdn:32794").unwrap();
    assert!(h.aliases.iter().any(|a| a.name == "ABU 'ABD AL-HAKIM"));
    assert!(h.programs.contains(&"HOSTAGES-EO14078".to_string()));
    let with_dob = v
        .entities()
        .iter()
        .filter(|e| !e.birth_dates.is_empty())
        .count();
    assert!(with_dob > 6000, "{with_dob} entries with a DOB");
    let vessel = v
        .entities()
        .iter()
        .find(|e| e.kind == EntityKind::Vessel)
        .unwrap();
    assert!(vessel.vessel.is_some());
}

#[test]
fn companions_and_comment_continuations_are_joined() {
    let v = vintage("ofac_sdn_2021-07");
    let e = v.entity("ofac-sdn:28264").unwrap();
    // These sit in sdn_comments.csv, after OFAC's truncation.
    assert!(
        e.identifiers
            .iter()
            .any(|i| i.value == "210302198701102136")
    );
    assert!(e.aliases.iter().any(|a| a.name == "blackjack1987"));
    let cuba = v.entity("ofac-sdn:306").unwrap();
    assert!(
        cuba.aliases
            .iter()
            .any(|a| a.name == "NATIONAL BANK OF CUBA")
    );
    assert!(
        cuba.addresses
            .iter()
            .any(|a| a.country.as_deref() == Some("Switzerland"))
    );
    let non_sdn = vintage("ofac_non_sdn_2025-12");
    let h = non_sdn.entity("ofac-cons:9639").unwrap();
    assert!(h.aliases.iter().any(|a| a.name == "HANIYYA, Ismaeel"));
}

#[test]
fn un_xml_details() {
    let v = vintage("un_consolidated_2026-02-27");
    let e = v.entity("un:CDi.001").unwrap();
    assert_eq!(e.primary_name, "ERIC BADEGE");
    assert_eq!(e.birth_dates, vec![BirthDate::Year { year: 1971 }]);
    let approx = v
        .entities()
        .iter()
        .flat_map(|e| &e.birth_dates)
        .filter(|d| matches!(d, BirthDate::Approximate { .. }))
        .count();
    let ranges = v
        .entities()
        .iter()
        .flat_map(|e| &e.birth_dates)
        .filter(|d| matches!(d, BirthDate::Range { .. }))
        .count();
    assert!(
        approx > 50 && ranges > 10,
        "approx {approx} ranges {ranges}"
    );
    let scripts = v
        .entities()
        .iter()
        .flat_map(|e| &e.aliases)
        .filter(|a| a.alias_type == "original_script")
        .count();
    assert!(scripts > 300, "{scripts} original-script names");
    let weak = v
        .entities()
        .iter()
        .flat_map(|e| &e.aliases)
        .filter(|a| a.strength == AliasStrength::Weak)
        .count();
    assert!(weak > 300, "{weak} low-quality aliases");
    let passports = v
        .entities()
        .iter()
        .flat_map(|e| &e.identifiers)
        .filter(|i| i.kind == IdentifierKind::Passport)
        .count();
    assert!(passports > 250, "{passports} passports");
    assert!(v.entities().iter().any(|e| !e.addresses.is_empty()));
}

#[test]
fn bis_rows_and_aliases() {
    let v = vintage("bis_dpl_2022-09");
    let sun = v
        .entities()
        .iter()
        .find(|e| e.primary_name == "FUYI SUN")
        .unwrap();
    assert_eq!(sun.aliases[0].name, "FRANK SUN");
    assert!(
        v.entities()
            .iter()
            .any(|e| e.kind == EntityKind::Organisation)
    );
    assert!(
        v.entities()
            .iter()
            .all(|e| e.id.as_str().starts_with("bis-dpl:"))
    );
}

#[test]
fn demo_list_is_flagged() {
    let embedded = load_demo_lists().unwrap();
    assert!(embedded.version.demo);
    assert_eq!(embedded.version.counts.entities, 7);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo-lists");
    let from_dir = load_lists_dir(&dir).unwrap();
    assert!(from_dir.version.demo);
    assert_eq!(from_dir.version.counts.entities, 7);
}

fn write(dir: &std::path::Path, name: &str, content: &[u8]) {
    fs::write(dir.join(name), content).unwrap();
}

#[test]
fn broken_files_are_refused_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let un =
        fs::read_to_string(data("un_consolidated_2026-02-27").join("UN_consolidated.xml")).unwrap();
    // Cut the XML in the middle of an element.
    write(
        tmp.path(),
        "UN_consolidated.xml",
        &un.as_bytes()[..un.len() / 2],
    );
    match load_vintage_dir(tmp.path()) {
        Err(ListError::Malformed { file, line, reason }) => {
            eprintln!("{reason}");
            assert!(file.ends_with("UN_consolidated.xml"));
            assert!(line > 100, "line {line}");
        }
        other => panic!("expected malformed XML, got {other:?}"),
    }

    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "sdn.csv",
        b"<html><body>Service Unavailable</body></html>\r\n",
    );
    let err = load_vintage_dir(tmp.path()).unwrap_err();
    assert!(
        matches!(&err, ListError::Malformed { file, line: 1, .. } if file.ends_with("sdn.csv")),
        "{err}"
    );
    assert!(err.to_string().contains("sdn.csv:1"), "{err}");

    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "dpl.txt",
        b"\"Nom\"\t\"Adresse\"\n\"X\"\t\"Y\"\n",
    );
    assert!(matches!(
        load_vintage_dir(tmp.path()),
        Err(ListError::Malformed { line: 1, .. })
    ));

    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "alt.csv", b"1,2,\"aka\",\"X\",-0- \r\n");
    assert!(matches!(
        load_vintage_dir(tmp.path()),
        Err(ListError::MissingPrimary { .. })
    ));

    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(
        load_vintage_dir(tmp.path()),
        Err(ListError::NoLists(_))
    ));
}

#[test]
fn bad_rows_are_counted_not_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let sdn = fs::read(data("ofac_sdn_2021-07").join("sdn.csv")).unwrap();
    let mut broken =
        b"not-a-number,\"X\",-0- ,\"P\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n".to_vec();
    broken.extend_from_slice(b"12,\"TOO FEW FIELDS\"\r\n");
    broken.extend_from_slice(&sdn);
    write(tmp.path(), "sdn.csv", &broken);
    write(tmp.path(), "alt.csv", b"999999999,1,\"aka\",\"ORPHAN\",-0- \r\n36,12,\"aka\",\"AERO-CARIBBEAN\",\"Low quality AKA\"\r\n");
    let report = load_vintage_dir(tmp.path()).unwrap();
    assert_eq!(report.version.counts.entities, 8976);
    let lines: Vec<(String, u64)> = report
        .rejected
        .iter()
        .map(|r| (r.file.rsplit('/').next().unwrap().to_string(), r.line))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("sdn.csv".to_string(), 1),
            ("sdn.csv".to_string(), 2),
            ("alt.csv".to_string(), 1)
        ]
    );
    assert_eq!(report.version.counts.rejected_rows, 3);
    let aero = report.version.entity("ofac-sdn:36").unwrap();
    assert_eq!(aero.aliases[0].strength, AliasStrength::Weak);
}
