//! The bank's own lists (exited customers, confirmed fraud, blocklists) as
//! comma-separated CSV, one file per list, with this header (any order;
//! case, spaces, `_` and `-` in column names do not matter):
//!
//! `id, kind, name, aliases, birth date, countries, identifiers, reason, added by, added on`
//!
//! `aliases`, `countries` and `identifiers` hold several values separated
//! by `;`; an identifier is `TYPE:NUMBER[:COUNTRY]`; `kind` is `person`,
//! `organisation`, `vessel` or `aircraft`; `birth date` is ISO, possibly
//! partial (`1970`, `1970-05`). The file's stem (`exited-customers` for
//! `exited-customers.csv`) names the list: it is the entity's program and
//! part of its id, `internal:<stem>:<id>`, so an analyst sees which of the
//! bank's lists a hit comes from.

use super::dates::iso_partial;
use super::text::{CsvRecords, decode, is_eof_or_blank};
use super::{ListError, Parsed, SourceFile, check_mostly_parsed};
use crate::entity::{
    AliasStrength, CountryRole, EntityId, EntityKind, Identifier, IdentifierKind, ListedEntity,
    SourceList,
};
use rustc_hash::FxHashMap;

/// The documented columns, as written in the documentation (for messages).
const COLUMNS: [&str; 10] = [
    "id",
    "kind",
    "name",
    "aliases",
    "birth date",
    "countries",
    "identifiers",
    "reason",
    "added by",
    "added on",
];
const ID: usize = 0;
const KIND: usize = 1;
const NAME: usize = 2;
const ALIASES: usize = 3;
const BIRTH_DATE: usize = 4;
const COUNTRIES: usize = 5;
const IDENTIFIERS: usize = 6;
const REASON: usize = 7;
const ADDED_BY: usize = 8;
const ADDED_ON: usize = 9;

/// `Birth_Date`, `birth date` and `BIRTHDATE` are the same column.
fn column_key(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each documented column is in the header, or why the header is not
/// the documented one.
fn column_positions(header: &[String]) -> Result<[usize; 10], String> {
    let mut at = [usize::MAX; 10];
    for (pos, name) in header.iter().enumerate() {
        let key = column_key(name);
        let Some(col) = COLUMNS.iter().position(|c| column_key(c) == key) else {
            let hint = if name.contains(';') {
                " (the file must be comma-separated)"
            } else {
                ""
            };
            return Err(format!(
                "unknown column {name:?}{hint}; expected the columns {COLUMNS:?}"
            ));
        };
        if at[col] != usize::MAX {
            return Err(format!("column {:?} appears twice", COLUMNS[col]));
        }
        at[col] = pos;
    }
    if let Some(missing) = (0..COLUMNS.len()).find(|&c| at[c] == usize::MAX) {
        return Err(format!(
            "missing column {:?}; expected the columns {COLUMNS:?}",
            COLUMNS[missing]
        ));
    }
    Ok(at)
}

fn header_of(first_line: &[u8]) -> Vec<String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(first_line);
    let mut record = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut record) {
        Ok(true) => record.iter().map(decode).collect(),
        _ => Vec::new(),
    }
}

/// Whether a file starts with the documented header (content sniffing).
pub(crate) fn looks_like_internal(bytes: &[u8]) -> bool {
    let end = bytes
        .iter()
        .take(4096)
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len().min(4096));
    column_positions(&header_of(&bytes[..end])).is_ok()
}

/// Whether a file is one of the bank's lists by its name: `internal*.csv`,
/// or a CSV inside a folder named `internal*`.
pub(crate) fn is_internal_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let mut parts = lower.rsplit('/');
    let base = parts.next().unwrap_or_default();
    base.ends_with(".csv")
        && (base.starts_with("internal") || parts.next().is_some_and(|d| d.starts_with("internal")))
}

/// `exited-customers` for `internal_2026-01/exited-customers.csv`.
fn list_name(file: &str) -> &str {
    let base = file.rsplit('/').next().unwrap_or(file);
    base.rsplit_once('.').map_or(base, |(stem, _)| stem)
}

fn kind(value: &str) -> Option<EntityKind> {
    Some(match value.trim().to_ascii_lowercase().as_str() {
        "person" => EntityKind::Person,
        "organisation" | "organization" => EntityKind::Organisation,
        "vessel" => EntityKind::Vessel,
        "aircraft" => EntityKind::Aircraft,
        _ => return None,
    })
}

/// An identifier type as the bank writes it; unknown types are kept as
/// `other` with the bank's label.
fn identifier_kind(label: &str) -> IdentifierKind {
    match column_key(label).as_str() {
        "passport" => IdentifierKind::Passport,
        "nationalid" | "id" | "idcard" => IdentifierKind::NationalId,
        "taxid" | "tax" | "tin" | "vat" => IdentifierKind::TaxId,
        "registration" | "companynumber" | "lei" => IdentifierKind::Registration,
        "imo" => IdentifierKind::ImoNumber,
        "mmsi" => IdentifierKind::Mmsi,
        "tail" | "aircrafttail" => IdentifierKind::AircraftTail,
        _ => IdentifierKind::Other,
    }
}

/// `TYPE:NUMBER[:COUNTRY]`.
fn identifier(value: &str) -> Option<Identifier> {
    let mut parts = value.splitn(3, ':').map(str::trim);
    let (label, number) = (parts.next()?, parts.next()?);
    if label.is_empty() || number.is_empty() {
        return None;
    }
    Some(Identifier {
        kind: identifier_kind(label),
        label: label.to_string(),
        value: number.to_string(),
        country: parts.next().filter(|c| !c.is_empty()).map(str::to_string),
    })
}

fn several(value: &str) -> impl Iterator<Item = &str> {
    value.split(';').map(str::trim).filter(|v| !v.is_empty())
}

pub(crate) fn parse(file: &SourceFile) -> Result<Parsed, ListError> {
    let list_name = list_name(&file.name);
    let mut parsed = Parsed::default();
    let mut rows = CsvRecords::new(file, b',');
    let mut at: Option<[usize; 10]> = None;
    let mut first_line_of: FxHashMap<String, u64> = FxHashMap::default();
    while let Some((line, record)) = rows.next_record()? {
        if is_eof_or_blank(record) {
            continue;
        }
        let fields: Vec<String> = record.iter().map(decode).collect();
        let Some(at) = at else {
            at = Some(
                column_positions(&fields).map_err(|reason| ListError::Malformed {
                    file: file.name.clone(),
                    line,
                    reason,
                })?,
            );
            continue;
        };
        if fields.len() != COLUMNS.len() {
            parsed.reject(
                &file.name,
                line,
                format!("expected {} fields, got {}", COLUMNS.len(), fields.len()),
            );
            continue;
        }
        let field = |col: usize| fields[at[col]].trim();
        let mut reject = |col: usize, why: String| {
            parsed.reject(
                &file.name,
                line,
                format!("column {:?}: {why}", COLUMNS[col]),
            );
        };
        let id = field(ID);
        if id.is_empty() {
            reject(ID, "empty".into());
            continue;
        }
        let name = field(NAME);
        if name.is_empty() {
            reject(NAME, "empty".into());
            continue;
        }
        let Some(kind) = kind(field(KIND)) else {
            reject(
                KIND,
                format!(
                    "{:?} is not person, organisation, vessel or aircraft",
                    field(KIND)
                ),
            );
            continue;
        };
        let birth_date = match field(BIRTH_DATE) {
            "" => None,
            text => match iso_partial(text) {
                Some(d) => Some(d),
                None => {
                    reject(
                        BIRTH_DATE,
                        format!("{text:?} is not YYYY, YYYY-MM or YYYY-MM-DD"),
                    );
                    continue;
                }
            },
        };
        let identifiers: Result<Vec<Identifier>, &str> = several(field(IDENTIFIERS))
            .map(|v| identifier(v).ok_or(v))
            .collect();
        let identifiers = match identifiers {
            Ok(ids) => ids,
            Err(bad) => {
                reject(
                    IDENTIFIERS,
                    format!("{bad:?} is not TYPE:NUMBER or TYPE:NUMBER:COUNTRY"),
                );
                continue;
            }
        };
        if let Some(first) = first_line_of.get(id) {
            reject(ID, format!("duplicate id {id:?} (first on line {first})"));
            continue;
        }
        first_line_of.insert(id.to_string(), line);

        let list = SourceList::Internal;
        let mut e = ListedEntity::new(
            EntityId::new(list, &format!("{list_name}:{id}")),
            list,
            kind,
            name.to_string(),
        );
        e.programs = vec![list_name.to_string()];
        for alias in several(field(ALIASES)) {
            e.add_alias(alias, AliasStrength::Strong, "aka");
        }
        e.birth_dates.extend(birth_date);
        // The bank's "countries" of a person are nationality or residence;
        // of anything else, where it is registered.
        let role = if kind == EntityKind::Person {
            CountryRole::Nationality
        } else {
            CountryRole::Registration
        };
        for country in several(field(COUNTRIES)) {
            e.add_country(country, role);
        }
        e.identifiers = identifiers;
        let remarks: Vec<String> = [
            ("Reason", REASON),
            ("Added by", ADDED_BY),
            ("Added on", ADDED_ON),
        ]
        .iter()
        .filter(|(_, col)| !field(*col).is_empty())
        .map(|(label, col)| format!("{label}: {}", field(*col)))
        .collect();
        if !remarks.is_empty() {
            e.remarks = Some(remarks.join("; "));
        }
        parsed.entities.push(e);
    }
    if at.is_none() {
        return Err(ListError::Malformed {
            file: file.name.clone(),
            line: 1,
            reason: format!("empty file, expected the header {COLUMNS:?}"),
        });
    }
    check_mostly_parsed(&file.name, parsed.entities.len(), &parsed.rejected)?;
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(line: &str) -> Result<[usize; 10], String> {
        column_positions(&header_of(line.as_bytes()))
    }

    #[test]
    fn header_names_ignore_case_spaces_and_underscores_but_not_typos() {
        assert_eq!(
            header(
                "id,kind,name,aliases,birth date,countries,identifiers,reason,added by,added on"
            ),
            Ok([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        );
        assert_eq!(
            header(
                "\u{feff}Added_On,ID,Kind,Name,Aliases,BIRTH_DATE,Countries,Identifiers,Reason,AddedBy"
            ),
            Ok([1, 2, 3, 4, 5, 6, 7, 8, 9, 0])
        );
        let typo =
            header("id,kind,name,aliases,birth date,counties,identifiers,reason,added by,added on");
        assert!(typo.unwrap_err().contains("\"counties\""));
        let missing = header("id,kind,name");
        assert!(missing.unwrap_err().contains("\"aliases\""));
        let semicolons = header(
            "id;kind;name;aliases;birth date;countries;identifiers;reason;added by;added on",
        );
        assert!(semicolons.unwrap_err().contains("comma-separated"));
    }

    #[test]
    fn names_and_identifiers() {
        assert!(is_internal_name("internal-blocklist.csv"));
        assert!(is_internal_name("Internal_2026-11/exited-customers.CSV"));
        assert!(!is_internal_name("internal/readme.txt"));
        assert!(!is_internal_name("lists/customers.csv"));
        assert_eq!(
            list_name("internal_2026-11/exited-customers.csv"),
            "exited-customers"
        );
        let id = identifier("Passport: X123 :GB").unwrap();
        assert_eq!(
            (
                id.kind,
                id.label.as_str(),
                id.value.as_str(),
                id.country.as_deref()
            ),
            (IdentifierKind::Passport, "Passport", "X123", Some("GB"))
        );
        assert_eq!(identifier("tax_id:99").unwrap().kind, IdentifierKind::TaxId);
        assert_eq!(
            identifier("customer no:77").unwrap().kind,
            IdentifierKind::Other
        );
        assert_eq!(identifier("X123"), None);
        assert_eq!(identifier("passport:"), None);
    }
}
