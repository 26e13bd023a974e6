//! US Congress members, presidents and vice presidents as published by the
//! `unitedstates/congress-legislators` project (YAML, CC0):
//! `legislators-current.yaml`, `legislators-historical.yaml` and
//! `executive.yaml`. Everyone in them held a prominent public function, so
//! every entry is a politically exposed person.
//!
//! Each person is one YAML list item with `id.bioguide` (the Congress's own
//! stable id, used as ours; `govtrack-<n>` for a president who never sat in
//! Congress), `name` (`first`, `middle`, `last`, `suffix`,
//! `nickname`, `official_full`), `bio.birthday` and `terms` (`type`
//! `sen`/`rep`/`prez`/`viceprez`, `start`, `end`, `state`, `district`), plus
//! `leadership_roles` for congressional leaders. Consecutive terms in the
//! same seat become one position, so a senator re-elected three times holds
//! one position from the first start to the last end.
//!
//! Names: the official full name is primary; first + last, first + middle +
//! last and nickname + last are strong aliases, because people are screened
//! by the name they go by ("Bernie Sanders").

use super::{ListError, Parsed, SourceFile, check_mostly_parsed};
use crate::entity::{
    AliasStrength, BirthDate, CountryRole, EntityId, EntityKind, ListedEntity, Position, SourceList,
};
use crate::pep::iso_date;
use rustc_hash::FxHashMap;
use yaml_rust2::{Yaml, YamlLoader};

/// The file names this format is published under.
pub(crate) const FILE_NAMES: &[&str] = &[
    "legislators-current.yaml",
    "legislators-historical.yaml",
    "executive.yaml",
];

/// Consecutive terms in one seat are one position when the next starts
/// within this many days of the last one's end (terms end and begin on
/// 3 January; a special election can leave a short gap).
const SAME_SEAT_GAP_DAYS: i64 = 62;

/// Whether `bytes` look like this format although the file is named
/// otherwise: a YAML list whose items carry a bioguide id and terms.
pub(crate) fn looks_like_congress(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    head.starts_with("- id:") && head.contains("bioguide:") && head.contains("\n  terms:")
}

/// Parses the files of one folder together: a person in two files (a
/// former senator who became vice president) is one entity with every
/// position.
pub(crate) fn parse(files: &[SourceFile]) -> Result<Parsed, ListError> {
    let mut parsed = Parsed::default();
    let mut by_bioguide: FxHashMap<String, usize> = FxHashMap::default();
    for file in files {
        let mut good = 0;
        let text = std::str::from_utf8(&file.bytes).map_err(|e| ListError::Malformed {
            file: file.name.clone(),
            line: line_of_offset(&file.bytes, e.valid_up_to()),
            reason: "not UTF-8".into(),
        })?;
        let docs = YamlLoader::load_from_str(text).map_err(|e| ListError::Malformed {
            file: file.name.clone(),
            line: e.marker().line() as u64,
            reason: e.to_string(),
        })?;
        let Some(Yaml::Array(items)) = docs.into_iter().next() else {
            return Err(ListError::Malformed {
                file: file.name.clone(),
                line: 1,
                reason: "expected a YAML list of people".into(),
            });
        };
        let lines = item_lines(text);
        for (i, item) in items.iter().enumerate() {
            let line = lines.get(i).copied().unwrap_or(0);
            match person(item) {
                Ok(e) => {
                    good += 1;
                    let key = e.id.as_str().to_string();
                    match by_bioguide.get(&key) {
                        Some(&at) => merge(&mut parsed.entities[at], e),
                        None => {
                            by_bioguide.insert(key, parsed.entities.len());
                            parsed.entities.push(e);
                        }
                    }
                }
                Err(reason) => parsed.reject(&file.name, line, reason),
            }
        }
        check_mostly_parsed(&file.name, good, &parsed.rejected)?;
    }
    Ok(parsed)
}

/// The 1-based line of each top-level list item (`- ` at column 0), so a
/// rejected person is reported where an editor finds them.
fn item_lines(text: &str) -> Vec<u64> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- ") || *l == "-")
        .map(|(i, _)| i as u64 + 1)
        .collect()
}

fn line_of_offset(bytes: &[u8], offset: usize) -> u64 {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

fn merge(into: &mut ListedEntity, other: ListedEntity) {
    for alias in other.aliases {
        into.add_alias(&alias.name, alias.strength, &alias.alias_type);
    }
    for p in other.positions {
        if !into.positions.contains(&p) {
            into.positions.push(p);
        }
    }
    into.positions.sort_by(|a, b| a.start.cmp(&b.start));
    if into.birth_dates.is_empty() {
        into.birth_dates = other.birth_dates;
    }
}

fn field<'a>(node: &'a Yaml, key: &str) -> Option<&'a str> {
    match &node[key] {
        Yaml::String(s) => Some(s.trim()).filter(|s| !s.is_empty()),
        _ => None,
    }
}

/// A field that YAML may read as a number (`district: 1`).
fn number(node: &Yaml, key: &str) -> Option<i64> {
    match &node[key] {
        Yaml::Integer(n) => Some(*n),
        Yaml::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn person(item: &Yaml) -> Result<ListedEntity, String> {
    let bioguide = person_id(&item["id"])?;
    let bioguide = bioguide.as_str();
    let name = &item["name"];
    let first = field(name, "first").ok_or_else(|| format!("{bioguide}: no name.first"))?;
    let last = field(name, "last").ok_or_else(|| format!("{bioguide}: no name.last"))?;
    let middle = field(name, "middle");
    let suffix = field(name, "suffix");
    let nickname = field(name, "nickname");
    let with_middle = join(&[Some(first), middle, Some(last)]);
    let full = join(&[Some(first), middle, Some(last), suffix]);
    let primary = field(name, "official_full")
        .map(str::to_string)
        .unwrap_or_else(|| full.clone());

    let list = SourceList::UsCongressLegislators;
    let mut e = ListedEntity::new(
        EntityId::new(list, bioguide),
        list,
        EntityKind::Person,
        primary,
    );
    for alias in [
        full,
        with_middle,
        join(&[Some(first), Some(last)]),
        join(&[Some(first), Some(last), suffix]),
    ] {
        e.add_alias(&alias, AliasStrength::Strong, "aka");
    }
    if let Some(nick) = nickname {
        e.add_alias(
            &join(&[Some(nick), Some(last)]),
            AliasStrength::Strong,
            "nickname",
        );
        e.add_alias(
            &join(&[Some(nick), Some(last), suffix]),
            AliasStrength::Strong,
            "nickname",
        );
    }
    if let Some(day) = field(&item["bio"], "birthday") {
        e.birth_dates.push(
            birthday(day)
                .ok_or_else(|| format!("{bioguide}: bio.birthday {day:?} is not YYYY-MM-DD"))?,
        );
    }
    e.add_country("US", CountryRole::Citizenship);

    let Yaml::Array(terms) = &item["terms"] else {
        return Err(format!("{bioguide}: no terms"));
    };
    let mut positions: Vec<Position> = Vec::new();
    for (i, term) in terms.iter().enumerate() {
        let position =
            term_position(term).map_err(|why| format!("{bioguide}: terms[{i}]: {why}"))?;
        extend_or_push(&mut positions, position);
    }
    if let Yaml::Array(roles) = &item["leadership_roles"] {
        for role in roles {
            if let Some(title) = field(role, "title") {
                let chamber = match field(role, "chamber") {
                    Some("senate") => ", United States Senate",
                    Some("house") => ", United States House of Representatives",
                    _ => "",
                };
                extend_or_push(
                    &mut positions,
                    Position {
                        title: format!("{title}{chamber}"),
                        country: Some("US".into()),
                        start: field(role, "start").map(str::to_string),
                        end: field(role, "end").map(str::to_string),
                    },
                );
            }
        }
    }
    positions.sort_by(|a, b| a.start.cmp(&b.start));
    e.programs = vec!["US-PEP".into()];
    e.positions = positions;
    Ok(e)
}

/// The bioguide id (the Congress's own); presidents who never sat in
/// Congress have none, so their GovTrack or ICPSR id stands in, marked.
fn person_id(ids: &Yaml) -> Result<String, String> {
    if let Some(bioguide) = field(ids, "bioguide") {
        return Ok(bioguide.to_string());
    }
    for key in ["govtrack", "icpsr_prez", "icpsr"] {
        if let Some(n) = number(ids, key) {
            return Ok(format!("{key}-{n}"));
        }
    }
    Err("no id.bioguide, id.govtrack or id.icpsr_prez".into())
}

fn join(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

fn birthday(s: &str) -> Option<BirthDate> {
    let date = iso_date(s)?;
    Some(BirthDate::Exact {
        year: date.year(),
        month: u8::from(date.month()),
        day: date.day(),
    })
}

fn term_position(term: &Yaml) -> Result<Position, String> {
    let kind = field(term, "type").ok_or("no type")?;
    let start = field(term, "start").ok_or("no start")?;
    iso_date(start).ok_or_else(|| format!("start {start:?} is not YYYY-MM-DD"))?;
    let end = field(term, "end");
    if let Some(end) = end {
        iso_date(end).ok_or_else(|| format!("end {end:?} is not YYYY-MM-DD"))?;
    }
    let title = match kind {
        "prez" => "President of the United States".to_string(),
        "viceprez" => "Vice President of the United States".to_string(),
        "sen" => {
            let state = state_name(field(term, "state").ok_or("senate term without state")?)?;
            format!("United States Senator for {state}")
        }
        "rep" => {
            let code = field(term, "state").ok_or("house term without state")?;
            representative(code, number(term, "district"))?
        }
        other => return Err(format!("type {other:?} is not sen, rep, prez or viceprez")),
    };
    Ok(Position {
        title,
        country: Some("US".into()),
        start: Some(start.to_string()),
        end: end.map(str::to_string),
    })
}

/// The seat a House term is for, as the House styles it: delegates and the
/// Resident Commissioner for the territories and the District of Columbia.
fn representative(code: &str, district: Option<i64>) -> Result<String, String> {
    let place = state_name(code)?;
    Ok(match code {
        "PR" => "Resident Commissioner for Puerto Rico".to_string(),
        "DC" | "GU" | "VI" | "AS" | "MP" => {
            format!("Delegate to the United States House of Representatives for {place}")
        }
        _ => match district {
            Some(n) if n > 0 => {
                format!(
                    "United States Representative for {place}'s {} congressional district",
                    ordinal(n)
                )
            }
            // District 0 (or none) is the at-large seat of a one-seat state.
            _ => format!("United States Representative for {place} at large"),
        },
    })
}

fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Appends a term, or lengthens the last position in the same seat when
/// this term continues it.
fn extend_or_push(positions: &mut Vec<Position>, next: Position) {
    if let Some(same) = positions
        .iter_mut()
        .rev()
        .find(|p| p.title == next.title && continues(p.end.as_deref(), next.start.as_deref()))
    {
        if same.end.is_some() {
            same.end = next.end;
        }
        return;
    }
    positions.push(next);
}

fn continues(end: Option<&str>, start: Option<&str>) -> bool {
    match (end, start) {
        (Some(end), Some(start)) => {
            crate::pep::days_between(end, start).is_some_and(|gap| gap.abs() <= SAME_SEAT_GAP_DAYS)
        }
        _ => false,
    }
}

/// USPS codes of the states, the District of Columbia and the territories
/// that send members to Congress (USPS Publication 28, Appendix B).
fn state_name(code: &str) -> Result<&'static str, String> {
    const STATES: &[(&str, &str)] = &[
        ("AL", "Alabama"),
        ("AK", "Alaska"),
        ("AZ", "Arizona"),
        ("AR", "Arkansas"),
        ("CA", "California"),
        ("CO", "Colorado"),
        ("CT", "Connecticut"),
        ("DE", "Delaware"),
        ("FL", "Florida"),
        ("GA", "Georgia"),
        ("HI", "Hawaii"),
        ("ID", "Idaho"),
        ("IL", "Illinois"),
        ("IN", "Indiana"),
        ("IA", "Iowa"),
        ("KS", "Kansas"),
        ("KY", "Kentucky"),
        ("LA", "Louisiana"),
        ("ME", "Maine"),
        ("MD", "Maryland"),
        ("MA", "Massachusetts"),
        ("MI", "Michigan"),
        ("MN", "Minnesota"),
        ("MS", "Mississippi"),
        ("MO", "Missouri"),
        ("MT", "Montana"),
        ("NE", "Nebraska"),
        ("NV", "Nevada"),
        ("NH", "New Hampshire"),
        ("NJ", "New Jersey"),
        ("NM", "New Mexico"),
        ("NY", "New York"),
        ("NC", "North Carolina"),
        ("ND", "North Dakota"),
        ("OH", "Ohio"),
        ("OK", "Oklahoma"),
        ("OR", "Oregon"),
        ("PA", "Pennsylvania"),
        ("RI", "Rhode Island"),
        ("SC", "South Carolina"),
        ("SD", "South Dakota"),
        ("TN", "Tennessee"),
        ("TX", "Texas"),
        ("UT", "Utah"),
        ("VT", "Vermont"),
        ("VA", "Virginia"),
        ("WA", "Washington"),
        ("WV", "West Virginia"),
        ("WI", "Wisconsin"),
        ("WY", "Wyoming"),
        ("DC", "the District of Columbia"),
        ("PR", "Puerto Rico"),
        ("GU", "Guam"),
        ("VI", "the U.S. Virgin Islands"),
        ("AS", "American Samoa"),
        ("MP", "the Northern Mariana Islands"),
        // Historical seats in legislators-historical.yaml.
        ("DK", "Dakota Territory"),
        ("OL", "the Territory of Orleans"),
        ("PI", "the Philippine Islands"),
    ];
    STATES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .ok_or_else(|| format!("state {code:?} is not a USPS state or territory code"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(yaml: &str) -> Parsed {
        parse(&[SourceFile {
            name: "pep/legislators-current.yaml".into(),
            bytes: yaml.as_bytes().to_vec(),
        }])
        .unwrap()
    }

    const SENATOR: &str = "\
- id:
    bioguide: X000001
  name:
    first: Robert
    middle: Lee
    last: Example
    nickname: Bob
    suffix: Jr.
    official_full: Robert L. Example, Jr.
  bio:
    birthday: '1950-02-28'
  terms:
  - type: rep
    start: '1993-01-05'
    end: '1995-01-03'
    state: VT
    district: 0
  - type: rep
    start: '1995-01-04'
    end: '1997-01-03'
    state: OH
    district: 12
  - type: sen
    start: '2007-01-04'
    end: '2013-01-03'
    state: MA
  - type: sen
    start: '2013-01-03'
    end: '2031-01-03'
    state: MA
";

    #[test]
    fn a_senator_is_a_pep_with_merged_terms_and_the_names_they_go_by() {
        let p = load(SENATOR);
        assert!(p.rejected.is_empty(), "{:?}", p.rejected);
        let e = &p.entities[0];
        assert_eq!(e.id.as_str(), "us-congress:X000001");
        assert_eq!(e.category, crate::ListCategory::Pep);
        assert_eq!(e.primary_name, "Robert L. Example, Jr.");
        let aliases: Vec<&str> = e.aliases.iter().map(|a| a.name.as_str()).collect();
        for expected in [
            "Robert Lee Example Jr.",
            "Robert Lee Example",
            "Robert Example",
            "Bob Example",
            "Bob Example Jr.",
        ] {
            assert!(aliases.contains(&expected), "{expected} not in {aliases:?}");
        }
        assert_eq!(
            e.birth_dates,
            [BirthDate::Exact {
                year: 1950,
                month: 2,
                day: 28
            }]
        );
        let titles: Vec<(&str, Option<&str>, Option<&str>)> = e
            .positions
            .iter()
            .map(|p| (p.title.as_str(), p.start.as_deref(), p.end.as_deref()))
            .collect();
        assert_eq!(
            titles,
            [
                (
                    "United States Representative for Vermont at large",
                    Some("1993-01-05"),
                    Some("1995-01-03")
                ),
                (
                    "United States Representative for Ohio's 12th congressional district",
                    Some("1995-01-04"),
                    Some("1997-01-03")
                ),
                (
                    "United States Senator for Massachusetts",
                    Some("2007-01-04"),
                    Some("2031-01-03")
                ),
            ]
        );
        assert!(
            e.positions
                .iter()
                .all(|p| p.country.as_deref() == Some("US"))
        );
    }

    #[test]
    fn a_person_in_two_files_is_one_entity_with_every_position() {
        let executive = "\
- id:
    bioguide: X000001
  name:
    first: Robert
    last: Example
  bio:
    birthday: '1950-02-28'
  terms:
  - type: viceprez
    start: '2033-01-20'
    end: '2037-01-20'
";
        let p = parse(&[
            SourceFile {
                name: "legislators-current.yaml".into(),
                bytes: SENATOR.as_bytes().to_vec(),
            },
            SourceFile {
                name: "executive.yaml".into(),
                bytes: executive.as_bytes().to_vec(),
            },
        ])
        .unwrap();
        assert_eq!(p.entities.len(), 1);
        assert_eq!(
            p.entities[0].positions.last().unwrap().title,
            "Vice President of the United States"
        );
    }

    #[test]
    fn a_person_without_terms_or_with_a_bad_date_is_rejected_with_the_line() {
        let yaml = format!(
            "{SENATOR}{}",
            "\
- id:
    bioguide: X000002
  name:
    first: No
    last: Terms
- id:
    bioguide: X000003
  name:
    first: Bad
    last: Date
  terms:
  - type: sen
    start: '2013-13-03'
    state: MA
- id:
    bioguide: X000004
  name:
    first: Good
    last: Again
  terms:
  - type: prez
    start: '2001-01-20'
    end: '2009-01-20'
- id:
    bioguide: X000005
  name:
    first: Also
    last: Fine
  terms:
  - type: rep
    start: '2001-01-03'
    state: PR
    district: 0
"
        );
        let p = load(&yaml);
        assert_eq!(p.entities.len(), 3);
        assert_eq!(p.rejected.len(), 2);
        assert_eq!(p.rejected[0].line, 31);
        assert!(p.rejected[0].reason.contains("X000002: no terms"));
        assert_eq!(p.rejected[1].line, 36);
        assert!(
            p.rejected[1].reason.contains("terms[0]: start"),
            "{}",
            p.rejected[1].reason
        );
        assert_eq!(
            p.entities[2].positions[0].title,
            "Resident Commissioner for Puerto Rico"
        );
    }

    #[test]
    fn a_file_that_is_not_yaml_is_refused_with_its_line() {
        let err = parse(&[SourceFile {
            name: "executive.yaml".into(),
            bytes: b"- id:\n    bioguide: [unclosed\n  name: x\n".to_vec(),
        }])
        .unwrap_err();
        assert!(err.to_string().starts_with("executive.yaml:"), "{err}");
    }

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 52]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "52nd"
            ]
        );
    }
}
