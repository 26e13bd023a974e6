//! The EU FSF XML and UK Sanctions List (XML and CSV) parsers, on small
//! fictional documents written in the published layouts
//! (`tests/fixtures/lists/eu_fsf_*`, `uk_sanctions_*`, `tests/fixtures/uk_sanctions_csv`):
//! every field, weak and original-script names, partial dates of birth,
//! rejected entries with file and line, truncated files refused, and a
//! screen that finds a listed person by a variant of the name.

use cdd_screening::{
    AliasStrength, BirthDate, CountryRole, EntityKind, IdentifierKind, ListCategory, ListError,
    ListedEntity, LoadReport, Screener, SourceList, Subject, load_lists_dir, load_vintage_dir,
};
use std::path::{Path, PathBuf};

fn fixture(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(sub)
}

fn entity<'a>(report: &'a LoadReport, id: &str) -> &'a ListedEntity {
    report
        .version
        .entity(id)
        .unwrap_or_else(|| panic!("{id} not loaded"))
}

fn alias<'a>(e: &'a ListedEntity, name: &str) -> &'a cdd_screening::Alias {
    e.aliases
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("{}: no alias {name:?} in {:?}", e.id, e.aliases))
}

fn has_country(e: &ListedEntity, country: &str, role: CountryRole) -> bool {
    e.countries
        .iter()
        .any(|c| c.country == country && c.role == role)
}

#[test]
fn eu_fsf_entries_field_by_field() {
    let report = load_vintage_dir(fixture("lists/eu_fsf_2026-11-20")).unwrap();
    assert_eq!(report.version.counts.entities, 3);
    assert_eq!(
        report.version.counts.by_list[&SourceList::EuFinancialSanctions],
        3
    );

    let p = entity(&report, "eu-fsf:90001");
    assert_eq!(p.list, SourceList::EuFinancialSanctions);
    assert_eq!(p.category, ListCategory::Sanction);
    assert_eq!(p.kind, EntityKind::Person);
    assert_eq!(p.primary_name, "Viktor Aleksandrovich SOKOLOV");
    assert_eq!(p.programs, vec!["UKR".to_string()]);
    assert_eq!(p.title.as_deref(), Some("Major General"));
    let cyrillic = alias(p, "Виктор Александрович Соколов");
    assert_eq!(cyrillic.strength, AliasStrength::Strong);
    assert_eq!(cyrillic.alias_type, "original_script");
    assert_eq!(alias(p, "Viktor Sokolow").alias_type, "aka");
    assert_eq!(alias(p, "Sokol").strength, AliasStrength::Weak);
    assert_eq!(p.aliases.len(), 3);
    assert_eq!(
        p.birth_dates,
        vec![
            BirthDate::Exact {
                year: 1961,
                month: 3,
                day: 14
            },
            BirthDate::Month {
                year: 1963,
                month: 7
            }
        ]
    );
    assert_eq!(
        p.places_of_birth,
        vec!["Tver, RUSSIAN FEDERATION".to_string()]
    );
    assert!(has_country(p, "RU", CountryRole::Citizenship));
    assert!(has_country(p, "RU", CountryRole::PlaceOfBirth));
    // `00` is the export's "unknown country", never a country.
    assert!(!p.countries.iter().any(|c| c.country == "00"));
    assert_eq!(p.identifiers.len(), 2);
    assert_eq!(p.identifiers[0].kind, IdentifierKind::Passport);
    assert_eq!(p.identifiers[0].value, "75 1234567");
    assert_eq!(p.identifiers[0].label, "National passport");
    assert_eq!(p.identifiers[0].country.as_deref(), Some("RU"));
    assert_eq!(p.identifiers[1].kind, IdentifierKind::NationalId);
    assert_eq!(p.addresses.len(), 1);
    let a = &p.addresses[0];
    assert_eq!(a.street.as_deref(), Some("Ulitsa Zapadnaya 17"));
    assert_eq!(a.city.as_deref(), Some("Moscow"));
    assert_eq!(a.postal_code.as_deref(), Some("101000"));
    assert_eq!(a.country.as_deref(), Some("RUSSIAN FEDERATION"));
    let remarks = p.remarks.as_deref().unwrap();
    assert!(remarks.contains("Commander of a unit"), "{remarks}");
    assert!(remarks.contains("Function: Commander of the 12th Brigade"));
    assert!(remarks.contains("EU reference: EU.9101.11"));

    let org = entity(&report, "eu-fsf:90002");
    assert_eq!(org.kind, EntityKind::Organisation);
    assert_eq!(org.primary_name, "Northern Lantern Shipping LLC");
    assert_eq!(org.programs, vec!["RUS".to_string(), "UKR".to_string()]);
    assert_eq!(alias(org, "NLS").strength, AliasStrength::Weak);
    assert_eq!(
        alias(org, "ООО Северный Фонарь").alias_type,
        "original_script"
    );
    assert_eq!(org.identifiers[0].kind, IdentifierKind::Registration);
    assert_eq!(org.identifiers[0].value, "1027800000017");

    // The Arabic spelling comes first in the file; the primary name is the
    // first strong Latin one, and the Arabic one stays a (strong) name.
    let h = entity(&report, "eu-fsf:90003");
    assert_eq!(h.primary_name, "Hamid Nur al-Din");
    assert_eq!(alias(h, "حامد نور الدين").strength, AliasStrength::Strong);
    assert_eq!(h.birth_dates, vec![BirthDate::Approximate { year: 1975 }]);
    assert_eq!(
        h.places_of_birth,
        vec!["Idlib Governorate, SYRIAN ARAB REPUBLIC".to_string()]
    );
    assert!(h.remarks.as_deref().unwrap().contains("UN id: QDi.999"));

    // The entry without a subjectType is rejected, naming file and line.
    assert_eq!(report.rejected.len(), 1, "{:?}", report.rejected);
    let r = &report.rejected[0];
    assert!(r.file.ends_with("xmlFullSanctionsList_1_1.xml"), "{r:?}");
    assert_eq!(r.line, 63);
    assert!(
        r.reason.contains("90004") && r.reason.contains("subjectType"),
        "{r:?}"
    );
}

#[test]
fn uk_xml_designations_field_by_field() {
    let report = load_vintage_dir(fixture("lists/uk_sanctions_2026-11-20")).unwrap();
    assert_eq!(report.version.counts.entities, 3);
    check_uk_entities(&report);
    assert_eq!(report.rejected.len(), 1, "{:?}", report.rejected);
    let r = &report.rejected[0];
    assert!(r.file.ends_with("UK-Sanctions-List.xml"));
    assert_eq!(r.line, 174);
    assert!(r.reason.contains("RUS9004: no name"), "{r:?}");
}

#[test]
fn uk_csv_rows_fold_into_the_same_designations() {
    let report = load_vintage_dir(fixture("uk_sanctions_csv")).unwrap();
    assert_eq!(report.version.counts.entities, 3);
    check_uk_entities(&report);
    // The short last row, line 10 (after the preamble and the header).
    assert_eq!(report.rejected.len(), 1, "{:?}", report.rejected);
    assert_eq!(report.rejected[0].line, 10);
    assert!(
        report.rejected[0]
            .reason
            .contains("expected 58 fields, got 5")
    );
}

/// What both UK forms must give.
fn check_uk_entities(report: &LoadReport) {
    let p = entity(report, "uk-sanctions:RUS9001");
    assert_eq!(p.list, SourceList::UkSanctions);
    assert_eq!(p.category, ListCategory::Sanction);
    assert_eq!(p.kind, EntityKind::Person);
    assert_eq!(p.primary_name, "Dmitri Igorevich KOVALENKO");
    assert_eq!(p.programs, vec!["Russia".to_string()]);
    assert_eq!(alias(p, "Dmitriy KOVALENKO").alias_type, "variation");
    assert_eq!(alias(p, "Dima KOVAL").strength, AliasStrength::Strong);
    // `ALias` as the publisher spells it once; low quality is weak.
    assert_eq!(alias(p, "The Blacksmith").strength, AliasStrength::Weak);
    let cyr = alias(p, "Дмитрий Игоревич Коваленко");
    assert_eq!(cyr.alias_type, "original_script");
    assert_eq!(p.aliases.len(), 4);
    assert_eq!(
        p.birth_dates,
        vec![
            BirthDate::Exact {
                year: 1970,
                month: 2,
                day: 14
            },
            BirthDate::Month {
                year: 1971,
                month: 6
            },
            BirthDate::Year { year: 1972 }
        ]
    );
    assert_eq!(p.places_of_birth, vec!["Omsk, Russia".to_string()]);
    assert!(has_country(p, "Russia", CountryRole::Nationality));
    assert!(has_country(p, "Russia", CountryRole::PlaceOfBirth));
    assert!(has_country(p, "Russia", CountryRole::Address));
    let kinds: Vec<(IdentifierKind, &str)> = p
        .identifiers
        .iter()
        .map(|i| (i.kind, i.value.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (IdentifierKind::Passport, "751234567"),
            (IdentifierKind::NationalId, "7701 123456")
        ]
    );
    assert_eq!(p.addresses.len(), 1);
    let a = &p.addresses[0];
    assert_eq!(a.street.as_deref(), Some("12 Tverskaya Street"));
    assert_eq!(a.city.as_deref(), Some("Moscow"));
    assert_eq!(a.postal_code.as_deref(), Some("125009"));
    assert_eq!(a.country.as_deref(), Some("Russia"));
    let remarks = p.remarks.as_deref().unwrap();
    assert!(remarks.contains("Fictional test designation"), "{remarks}");
    assert!(remarks.contains("751234567: Russian foreign travel passport"));

    let org = entity(report, "uk-sanctions:RUS9002");
    assert_eq!(org.kind, EntityKind::Organisation);
    assert_eq!(org.primary_name, "ARCTIC RIVER TRADING JSC");
    assert_eq!(
        alias(org, "АО Арктическая Река").alias_type,
        "original_script"
    );
    assert_eq!(
        org.addresses[0].street.as_deref(),
        Some("Office 4, 7 Portovaya Street")
    );
    assert_eq!(org.identifiers[0].kind, IdentifierKind::Registration);
    assert_eq!(org.identifiers[0].value, "1022900000015");

    let ship = entity(report, "uk-sanctions:RUS9003");
    assert_eq!(ship.kind, EntityKind::Vessel);
    assert_eq!(ship.primary_name, "SEA LANTERN");
    assert_eq!(ship.identifiers[0].kind, IdentifierKind::ImoNumber);
    assert_eq!(ship.identifiers[0].value, "9123456");
    let v = ship.vessel.as_ref().unwrap();
    assert_eq!(v.flag.as_deref(), Some("Gabon"));
    assert_eq!(v.vessel_type.as_deref(), Some("Crude Oil Tanker"));
    assert_eq!(v.tonnage.as_deref(), Some("56000"));
    assert_eq!(v.owner.as_deref(), Some("Lantern Maritime Ltd"));
    assert!(has_country(ship, "Gabon", CountryRole::Registration));
}

fn copy_cut(from: &Path, name: &str, keep: f64) -> tempfile::TempDir {
    let bytes = std::fs::read(from.join(name)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let cut = (bytes.len() as f64 * keep) as usize;
    std::fs::write(tmp.path().join(name), &bytes[..cut]).unwrap();
    tmp
}

#[test]
fn truncated_or_foreign_files_are_refused_with_file_and_line() {
    for (dir, name) in [
        ("lists/eu_fsf_2026-11-20", "xmlFullSanctionsList_1_1.xml"),
        ("lists/uk_sanctions_2026-11-20", "UK-Sanctions-List.xml"),
    ] {
        let tmp = copy_cut(&fixture(dir), name, 0.6);
        let lines = std::fs::read_to_string(tmp.path().join(name))
            .unwrap()
            .lines()
            .count() as u64;
        match load_vintage_dir(tmp.path()) {
            Err(ListError::Malformed { file, line, reason }) => {
                assert!(file.ends_with(name), "{file}");
                assert_eq!(line, lines, "{name}: {reason}");
            }
            other => panic!("{name}: expected a malformed file, got {other:?}"),
        }
    }

    // Looks like the export (the namespace is in its head) but the root is
    // another element: not the list it claims to be.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("content"),
        "<?xml version=\"1.0\"?>\n<export-error xmlns=\"http://eu.europa.ec/fpi/fsd/export\">\n<message>token expired</message></export-error>\n",
    )
    .unwrap();
    match load_vintage_dir(tmp.path()) {
        Err(ListError::Malformed { file, line, reason }) => {
            assert_eq!(file.rsplit('/').next(), Some("content"));
            assert_eq!(line, 2);
            assert!(reason.contains("expected <export>"), "{reason}");
        }
        other => panic!("expected a malformed file, got {other:?}"),
    }

    // A UK file whose every designation is unusable is refused, not loaded empty.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("UK-Sanctions-List.xml"),
        "<?xml version=\"1.0\"?>\n<Designations>\n<DateGenerated>20/11/2026</DateGenerated>\n<Designation><UniqueID>X1</UniqueID><IndividualEntityShip>Aircraft</IndividualEntityShip><Names><Name><Name6>A</Name6><NameType>Primary Name</NameType></Name></Names></Designation>\n</Designations>\n",
    )
    .unwrap();
    let err = load_vintage_dir(tmp.path()).unwrap_err();
    assert!(
        matches!(&err, ListError::Malformed { line: 4, reason, .. } if reason.contains("unknown IndividualEntityShip")),
        "{err}"
    );

    // The UK CSV header followed by something else (an error page pasted
    // under it): every row is unusable, so the file is refused at the first.
    let tmp = tempfile::tempdir().unwrap();
    let csv = std::fs::read_to_string(fixture("uk_sanctions_csv/UK-Sanctions-List.csv")).unwrap();
    let head: String = csv.lines().take(2).map(|l| format!("{l}\r\n")).collect();
    std::fs::write(
        tmp.path().join("UK-Sanctions-List.csv"),
        format!("{head}<html>\r\n<body>Service Unavailable</body>\r\n</html>\r\n"),
    )
    .unwrap();
    let err = load_vintage_dir(tmp.path()).unwrap_err();
    assert!(
        matches!(&err, ListError::Malformed { line: 3, reason, .. } if reason.contains("expected 58 fields, got 1")),
        "{err}"
    );
    // Without its header the file is not recognised as the UK list at all.
    let without_header: String = csv
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| format!("{l}\r\n"))
        .collect();
    std::fs::write(tmp.path().join("UK-Sanctions-List.csv"), without_header).unwrap();
    assert!(matches!(
        load_vintage_dir(tmp.path()),
        Err(ListError::NoLists(_))
    ));
}

#[test]
fn a_folder_with_both_uk_forms_loads_the_xml_once() {
    let tmp = tempfile::tempdir().unwrap();
    for (dir, name) in [
        ("lists/uk_sanctions_2026-11-20", "UK-Sanctions-List.xml"),
        ("uk_sanctions_csv", "UK-Sanctions-List.csv"),
    ] {
        std::fs::copy(fixture(dir).join(name), tmp.path().join(name)).unwrap();
    }
    let report = load_vintage_dir(tmp.path()).unwrap();
    assert_eq!(report.version.counts.entities, 3);
    assert!(report.rejected.iter().all(|r| r.file.ends_with(".xml")));
    // Only the XML spells this date of birth in words: kept, not parsed.
    let p = entity(&report, "uk-sanctions:RUS9001");
    assert!(
        p.remarks
            .as_deref()
            .unwrap()
            .contains("DOB as published: Between 1968 and 1969")
    );
}

#[test]
fn screening_finds_listed_people_by_a_variant_name() {
    let report = load_lists_dir(fixture("lists")).unwrap();
    assert_eq!(report.version.counts.entities, 6);
    let screener = Screener::new(report.version);
    for (name, list, id) in [
        (
            "Dmitry Igorevich Kovalenko",
            SourceList::UkSanctions,
            "uk-sanctions:RUS9001",
        ),
        (
            "Wiktor Sokolov",
            SourceList::EuFinancialSanctions,
            "eu-fsf:90001",
        ),
        // Typed in the original script by someone else.
        (
            "Дмитрий Коваленко",
            SourceList::UkSanctions,
            "uk-sanctions:RUS9001",
        ),
    ] {
        let matches = screener
            .screen(&Subject::new(EntityKind::Person, name))
            .unwrap();
        let hit = matches
            .iter()
            .find(|m| m.entity_id.as_str() == id)
            .unwrap_or_else(|| panic!("{name}: {id} not found in {matches:?}"));
        assert!(hit.is_match, "{name}: score {}", hit.score);
        assert_eq!(hit.list, list);
        assert_eq!(hit.category, ListCategory::Sanction);
    }
    // Someone else entirely is not matched to either list.
    let none = screener
        .screen(&Subject::new(EntityKind::Person, "Margaret Elsworth"))
        .unwrap();
    assert!(none.iter().all(|m| !m.is_match), "{none:?}");
}
