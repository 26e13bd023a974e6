//! FollowTheMoney JSON lines and the bank's internal CSV lists: loaded from
//! a folder field by field, bad lines and rows reported with file, line and
//! column, and screened end to end with their categories.
//!
//! The documents are written here (fictional people and companies).

use cdd_screening::{
    AliasStrength, BirthDate, CountryRole, EntityKind, IdentifierKind, ListCategory, ListError,
    PepStatus, Position, Screener, SourceList, Subject, load_lists_dir, load_vintage_dir,
};
use std::fs;
use std::path::Path;

/// One line per record, as OpenSanctions writes `entities.ftm.json`.
const FTM: &str = r#"{"id": "pep-0001", "schema": "Person", "properties": {"name": ["Aurelio Benedetto Vantaggi"], "alias": ["Benny Vantaggi"], "weakAlias": ["Il Conte"], "firstName": ["Aurelio"], "lastName": ["Vantaggi"], "birthDate": ["1961-08"], "nationality": ["it"], "country": ["it"], "position": ["Minister of Maritime Affairs", "Member of the Senate"], "topics": ["role.pep"], "gender": ["male"]}, "datasets": ["test_peps"], "first_seen": "2024-01-01T00:00:00", "last_seen": "2026-12-01T00:00:00"}
{"id": "pos-minister", "schema": "Position", "properties": {"name": ["Minister of Maritime Affairs"], "country": ["it"]}, "datasets": ["test_peps"]}
{"id": "pos-senate", "schema": "Position", "properties": {"name": ["Member of the Senate"], "country": ["it"]}, "datasets": ["test_peps"]}
{"id": "occ-1", "schema": "Occupancy", "properties": {"holder": ["pep-0001"], "post": ["pos-minister"], "startDate": ["2015-03-01"], "endDate": ["2018-06-01"]}, "datasets": ["test_peps"]}
{"id": "occ-2", "schema": "Occupancy", "properties": {"holder": ["pep-0001"], "post": ["pos-senate"], "startDate": ["2019"]}, "datasets": ["test_peps"]}
{"id": "co-kestrel", "schema": "Company", "properties": {"name": ["Kestrel Bay Shipping Holdings Ltd"], "alias": ["KBSH"], "previousName": ["Kestrel Maritime Ltd"], "jurisdiction": ["cy"], "registrationNumber": ["HE 123456"], "innCode": ["7701234567"], "topics": ["sanction"], "program": ["TEST-MARITIME-1"], "notes": ["Operates tankers for a listed group."]}, "datasets": ["test_sanctions"]}
{"id": "sanc-1", "schema": "Sanction", "properties": {"entity": ["co-kestrel"], "program": ["TEST-MARITIME-1"], "authority": ["Test Authority"]}, "datasets": ["test_sanctions"]}
{"id": "v-gannet", "schema": "Vessel", "properties": {"name": ["Northern Gannet"], "imoNumber": ["9876543"], "mmsi": ["352001234"], "flag": ["pa"], "callSign": ["3FXY7"], "type": ["Crude Oil Tanker"], "grossRegisteredTonnage": ["81000"], "topics": ["sanction", "mare.shadow"]}, "datasets": ["test_vessels"]}
{"id": "crim-1", "schema": "Person", "properties": {"name": ["Dario Fenwick-Osei"], "birthDate": ["1979", "1980-02-29"], "citizenship": ["gh", "gb"], "idNumber": ["GHA-7788-1"], "topics": ["crime.fin", "wanted"]}, "datasets": ["test_crime"]}
{"id": "addr-1", "schema": "Address", "properties": {"full": ["1 Quay Street, Limassol"], "country": ["cy"]}}
{"id": "broken", "schema": "Person", "properties": {"name": [
{"id": "le-untagged", "schema": "LegalEntity", "properties": {"name": ["Orrin Vale Consolidated"], "country": ["zz", "mt"]}, "datasets": ["test_other"]}
{"id": "nameless", "schema": "Person", "properties": {"birthDate": ["1970"]}}
"#;

/// The bank's exited-customers list; header spelt loosely on purpose.
const EXITED: &str = "ID,Kind,Name,Aliases,Birth_Date,Countries,Identifiers,Reason,Added By,Added On
C-1001,person,Hollis Marchetti-Grange,H. Grange;Hollis Grange,1974-02,GB;Ireland,passport:501234567:GB;customer no:CU-88,Undisclosed third-party payments,j.smith,2025-11-03
C-1002,organisation,Larkspur Trading Ltd,Larkspur Trade,,GB,registration:09876543:GB,Fraud confirmed,a.khan,2026-01-15
C-1003,robot,Unit Seven,,,,,Test,a.khan,2026-01-15
,person,No Identifier Given,,,,,Test,a.khan,2026-01-15
C-1004,person,,,,,,Test,a.khan,2026-01-15
C-1001,person,Someone Else Entirely,,,,,Test,a.khan,2026-01-15
C-1005,vessel,Silver Heron,,,PA,imo:9123457,Used in a fraud ring,a.khan,2026-02-01
C-1006,Aircraft,Skylark Two,,,,tail:N123AB:US,Chartered for fraud,a.khan,2026-02-01
C-1007,person,Edwina Tallow,,1988,,,Identity fraud,a.khan,2026-02-02
C-1008,person,Bad Date Person,,1974-13,,,Test,a.khan,2026-02-02
";

fn write(dir: &Path, name: &str, content: &str) {
    if let Some(parent) = Path::new(name).parent() {
        fs::create_dir_all(dir.join(parent)).unwrap();
    }
    fs::write(dir.join(name), content).unwrap();
}

/// A lists folder with the FtM file and the internal list in its own folder.
fn lists_folder() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "entities.ftm.json", FTM);
    write(tmp.path(), "internal/exited-customers.csv", EXITED);
    tmp
}

fn position(title: &str, start: Option<&str>, end: Option<&str>) -> Position {
    Position {
        title: title.into(),
        country: Some("IT".into()),
        start: start.map(Into::into),
        end: end.map(Into::into),
    }
}

#[test]
fn ftm_entities_load_field_by_field() {
    let tmp = lists_folder();
    let report = load_lists_dir(tmp.path()).unwrap();
    let v = &report.version;
    assert_eq!(v.counts.by_list[&SourceList::FollowTheMoney], 5);

    let pep = v.entity("ftm:pep-0001").unwrap();
    assert_eq!(pep.list, SourceList::FollowTheMoney);
    assert_eq!(pep.category, ListCategory::Pep);
    assert_eq!(pep.kind, EntityKind::Person);
    assert_eq!(pep.primary_name, "Aurelio Benedetto Vantaggi");
    let aliases: Vec<(&str, AliasStrength)> = pep
        .aliases
        .iter()
        .map(|a| (a.name.as_str(), a.strength))
        .collect();
    assert_eq!(
        aliases,
        [
            ("Benny Vantaggi", AliasStrength::Strong),
            ("Il Conte", AliasStrength::Weak)
        ]
    );
    assert_eq!(
        pep.birth_dates,
        [BirthDate::Month {
            year: 1961,
            month: 8
        }]
    );
    let countries: Vec<(&str, CountryRole)> = pep
        .countries
        .iter()
        .map(|c| (c.country.as_str(), c.role))
        .collect();
    assert_eq!(
        countries,
        [
            ("IT", CountryRole::Nationality),
            ("IT", CountryRole::Address)
        ]
    );
    // The Occupancy records date the `position` strings.
    assert_eq!(
        pep.positions,
        [
            position(
                "Minister of Maritime Affairs",
                Some("2015-03-01"),
                Some("2018-06-01")
            ),
            position("Member of the Senate", Some("2019"), None),
        ]
    );
    assert_eq!(pep.programs, ["test_peps"]);
    assert_eq!(
        pep.remarks.as_deref(),
        Some("Topics: role.pep; Gender: male")
    );

    let co = v.entity("ftm:co-kestrel").unwrap();
    assert_eq!(co.category, ListCategory::Sanction);
    assert_eq!(co.kind, EntityKind::Organisation);
    assert_eq!(co.programs, ["TEST-MARITIME-1"]);
    assert_eq!(co.aliases[0].name, "KBSH");
    assert_eq!(
        (
            co.aliases[1].name.as_str(),
            co.aliases[1].alias_type.as_str()
        ),
        ("Kestrel Maritime Ltd", "fka")
    );
    assert_eq!(co.countries[0].country, "CY");
    assert_eq!(co.countries[0].role, CountryRole::Registration);
    let ids: Vec<(IdentifierKind, &str, &str)> = co
        .identifiers
        .iter()
        .map(|i| (i.kind, i.label.as_str(), i.value.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            (IdentifierKind::TaxId, "INN", "7701234567"),
            (
                IdentifierKind::Registration,
                "Registration number",
                "HE 123456"
            ),
        ]
    );
    assert_eq!(
        co.remarks.as_deref(),
        Some("Topics: sanction; Operates tankers for a listed group.")
    );
    assert!(co.positions.is_empty());

    let ship = v.entity("ftm:v-gannet").unwrap();
    assert_eq!(ship.kind, EntityKind::Vessel);
    assert_eq!(ship.category, ListCategory::Sanction);
    assert_eq!(ship.programs, ["test_vessels"]);
    let details = ship.vessel.as_ref().unwrap();
    assert_eq!(details.call_sign.as_deref(), Some("3FXY7"));
    assert_eq!(details.vessel_type.as_deref(), Some("Crude Oil Tanker"));
    assert_eq!(details.gross_tonnage.as_deref(), Some("81000"));
    assert_eq!(details.flag.as_deref(), Some("PA"));
    assert_eq!(
        ship.identifiers
            .iter()
            .map(|i| (i.kind, i.value.as_str()))
            .collect::<Vec<_>>(),
        [
            (IdentifierKind::ImoNumber, "9876543"),
            (IdentifierKind::Mmsi, "352001234")
        ]
    );

    let crim = v.entity("ftm:crim-1").unwrap();
    assert_eq!(crim.category, ListCategory::Crime);
    assert_eq!(
        crim.birth_dates,
        [
            BirthDate::Year { year: 1979 },
            BirthDate::Exact {
                year: 1980,
                month: 2,
                day: 29
            }
        ]
    );
    assert_eq!(crim.countries.len(), 2);
    assert_eq!(crim.identifiers[0].kind, IdentifierKind::NationalId);

    // No recognised topic: screened as a sanction; `zz` is no country.
    let untagged = v.entity("ftm:le-untagged").unwrap();
    assert_eq!(untagged.category, ListCategory::Sanction);
    assert_eq!(untagged.kind, EntityKind::Organisation);
    assert_eq!(untagged.countries.len(), 1);
    assert_eq!(untagged.countries[0].country, "MT");

    let ftm_rejects: Vec<(u64, &str)> = report
        .rejected
        .iter()
        .filter(|r| r.file == "entities.ftm.json")
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(ftm_rejects.len(), 2, "{ftm_rejects:?}");
    assert_eq!(ftm_rejects[0].0, 11);
    assert!(
        ftm_rejects[0]
            .1
            .contains("not a FollowTheMoney JSON object"),
        "{}",
        ftm_rejects[0].1
    );
    assert_eq!(ftm_rejects[1], (13, "Person nameless: no name"));

    let ignored: Vec<(&str, usize)> = report
        .ignored
        .iter()
        .map(|i| (i.record_type.as_str(), i.count))
        .collect();
    assert_eq!(
        ignored,
        [
            ("Address", 1),
            ("Occupancy", 2),
            ("Position", 2),
            ("Sanction", 1)
        ]
    );
}

#[test]
fn internal_list_rows_load_and_bad_rows_name_line_and_column() {
    let tmp = lists_folder();
    let report = load_lists_dir(tmp.path()).unwrap();
    let v = &report.version;
    assert_eq!(v.counts.by_list[&SourceList::Internal], 5);

    let p = v.entity("internal:exited-customers:C-1001").unwrap();
    assert_eq!(p.category, ListCategory::Internal);
    assert_eq!(p.kind, EntityKind::Person);
    assert_eq!(p.primary_name, "Hollis Marchetti-Grange");
    assert_eq!(p.programs, ["exited-customers"]);
    assert_eq!(
        p.aliases
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        ["H. Grange", "Hollis Grange"]
    );
    assert_eq!(
        p.birth_dates,
        [BirthDate::Month {
            year: 1974,
            month: 2
        }]
    );
    assert_eq!(
        p.countries
            .iter()
            .map(|c| (c.country.as_str(), c.role))
            .collect::<Vec<_>>(),
        [
            ("GB", CountryRole::Nationality),
            ("Ireland", CountryRole::Nationality)
        ]
    );
    let passport = &p.identifiers[0];
    assert_eq!(
        (
            passport.kind,
            passport.value.as_str(),
            passport.country.as_deref()
        ),
        (IdentifierKind::Passport, "501234567", Some("GB"))
    );
    assert_eq!(
        (p.identifiers[1].kind, p.identifiers[1].label.as_str()),
        (IdentifierKind::Other, "customer no")
    );
    assert_eq!(
        p.remarks.as_deref(),
        Some("Reason: Undisclosed third-party payments; Added by: j.smith; Added on: 2025-11-03")
    );
    let org = v.entity("internal:exited-customers:C-1002").unwrap();
    assert_eq!(org.kind, EntityKind::Organisation);
    assert_eq!(org.countries[0].role, CountryRole::Registration);
    assert_eq!(
        v.entity("internal:exited-customers:C-1005")
            .unwrap()
            .identifiers[0]
            .kind,
        IdentifierKind::ImoNumber
    );
    assert_eq!(
        v.entity("internal:exited-customers:C-1006").unwrap().kind,
        EntityKind::Aircraft
    );

    let rows: Vec<(&str, u64, &str)> = report
        .rejected
        .iter()
        .filter(|r| r.file.ends_with(".csv"))
        .map(|r| (r.file.as_str(), r.line, r.reason.as_str()))
        .collect();
    let file = "internal/exited-customers.csv";
    assert_eq!(
        rows,
        [
            (
                file,
                4,
                "column \"kind\": \"robot\" is not person, organisation, vessel or aircraft"
            ),
            (file, 5, "column \"id\": empty"),
            (file, 6, "column \"name\": empty"),
            (
                file,
                7,
                "column \"id\": duplicate id \"C-1001\" (first on line 2)"
            ),
            (
                file,
                11,
                "column \"birth date\": \"1974-13\" is not YYYY, YYYY-MM or YYYY-MM-DD"
            ),
        ]
    );
    assert_eq!(v.counts.rejected_rows, report.rejected.len());
}

#[test]
fn screening_finds_a_pep_by_alias_and_an_internal_hit() {
    let tmp = lists_folder();
    let screener = Screener::new(load_lists_dir(tmp.path()).unwrap().version);

    let matches = screener
        .screen(&Subject::new(EntityKind::Person, "Benny Vantaggi"))
        .unwrap();
    let best = &matches[0];
    assert_eq!(best.entity_id.as_str(), "ftm:pep-0001");
    assert!(best.is_match, "score {}", best.score);
    assert_eq!(best.matched_name, "Benny Vantaggi");
    assert_eq!(best.category, ListCategory::Pep);
    let held: Vec<(&str, bool)> = best
        .positions
        .iter()
        .map(|p| (p.title.as_str(), p.held_now))
        .collect();
    assert_eq!(
        held,
        [
            ("Minister of Maritime Affairs", false),
            ("Member of the Senate", true)
        ]
    );
    let standing = best.pep.as_ref().unwrap();
    assert_eq!(standing.status, PepStatus::Current);
    assert!(
        standing.reason.contains("Member of the Senate"),
        "{}",
        standing.reason
    );
    let wire = serde_json::to_value(best).unwrap();
    assert_eq!(wire["category"], "pep");
    assert_eq!(wire["pep"]["status"], "current");

    let matches = screener
        .screen(&Subject::new(EntityKind::Person, "Hollis Grange"))
        .unwrap();
    let best = &matches[0];
    assert_eq!(best.entity_id.as_str(), "internal:exited-customers:C-1001");
    assert!(best.is_match);
    assert_eq!(best.category, ListCategory::Internal);
    assert_eq!(best.programs, ["exited-customers"]);
    assert!(best.pep.is_none() && best.positions.is_empty());
    assert_eq!(serde_json::to_value(best).unwrap()["category"], "internal");

    // A sanctioned company is found by its registration number alone.
    let mut by_number = Subject::new(EntityKind::Organisation, "Unrelated Name Ltd");
    by_number.identifiers = vec!["HE123456".into()];
    let matches = screener.screen(&by_number).unwrap();
    assert_eq!(matches[0].entity_id.as_str(), "ftm:co-kestrel");
    assert_eq!(matches[0].category, ListCategory::Sanction);
}

#[test]
fn files_are_recognised_by_content_whatever_their_names() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "export-2026-12.jsonl", FTM);
    write(tmp.path(), "blocked-parties.csv", EXITED);
    write(tmp.path(), "customers.csv", "ref,kind,name\n1,person,A B\n");
    write(tmp.path(), "README.md", "# lists\n");
    let report = load_vintage_dir(tmp.path()).unwrap();
    let files = &report.vintages[0].files;
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("export-2026-12.jsonl")));
    assert!(files.iter().any(|f| f.ends_with("blocked-parties.csv")));
    assert!(
        report
            .version
            .entity("internal:blocked-parties:C-1007")
            .is_some()
    );
    assert!(report.version.entity("ftm:pep-0001").is_some());
}

#[test]
fn files_that_are_not_what_their_names_say_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "entities.ftm.json",
        "<html>Service Unavailable</html>\n<p>try later</p>\n",
    );
    match load_vintage_dir(tmp.path()) {
        Err(ListError::Malformed { file, line, reason }) => {
            assert!(file.ends_with("entities.ftm.json"));
            assert_eq!(line, 1);
            assert!(reason.contains("2 of 2 rows unusable"), "{reason}");
        }
        other => panic!("expected a malformed FtM file, got {other:?}"),
    }

    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "entities.ftm.json",
        "{\"id\": \"s\", \"schema\": \"Sanction\", \"properties\": {}}\n",
    );
    let err = load_vintage_dir(tmp.path()).unwrap_err();
    assert!(err.to_string().contains("no Person"), "{err}");

    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "internal-blocklist.csv",
        "id;kind;name\nB-1;person;Someone\n",
    );
    match load_vintage_dir(tmp.path()) {
        Err(ListError::Malformed { file, line, reason }) => {
            assert!(file.ends_with("internal-blocklist.csv"));
            assert_eq!(line, 1);
            assert!(reason.contains("comma-separated"), "{reason}");
        }
        other => panic!("expected a malformed internal list, got {other:?}"),
    }

    let tmp = tempfile::tempdir().unwrap();
    let mut garbage = EXITED.lines().next().unwrap().to_string();
    garbage.push_str("\nX-1,spaceship,A\nX-2,spaceship,B\nX-3,person,Fine Person,,,,,,,\n");
    write(tmp.path(), "internal-blocklist.csv", &garbage);
    let err = load_vintage_dir(tmp.path()).unwrap_err();
    assert!(
        err.to_string()
            .contains("internal-blocklist.csv:2: malformed list file: 2 of 3 rows unusable"),
        "{err}"
    );
}
