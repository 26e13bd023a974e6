//! UK Sanctions List (FCDO), CSV (`UK-Sanctions-List.csv`).
//!
//! A preamble line (the report date) comes before the header row. Each row
//! is one *name* of a designation (`Name 1`..`Name 6`, `Name type`, `Alias
//! strength`, `Name non-latin script`) and repeats the designation's other
//! fields; the rows of one `Unique ID` are folded into one entity through
//! the same builder as the XML. Columns are found by their header name, so
//! their order does not matter; only `Unique ID`, `Designation Type` and
//! `Name 6` are required.

use super::text::{CsvRecords, decode, is_eof_or_blank, non_empty};
use super::uk::{Designation, UkAddress, UkName};
use super::{ListError, Parsed, SourceFile, check_mostly_parsed};
use crate::entity::VesselDetails;
use rustc_hash::FxHashMap;

const REQUIRED: [&str; 3] = ["Unique ID", "Designation Type", "Name 6"];

/// How many lines may precede the header (the publisher writes one).
const MAX_PREAMBLE_LINES: usize = 3;

/// Whether a file is the UK Sanctions List CSV: its header, within the
/// first lines, names the UK columns.
pub(crate) fn looks_like_uk_csv(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    head.lines()
        .take(MAX_PREAMBLE_LINES + 1)
        .any(|l| REQUIRED.iter().all(|c| l.contains(c)) && l.contains("Name type"))
}

/// Column positions by header name, and how many columns a row has.
struct Columns {
    by_name: FxHashMap<String, usize>,
    width: usize,
}

impl Columns {
    fn get(&self, record: &csv::ByteRecord, name: &str) -> Option<String> {
        let i = *self.by_name.get(name)?;
        record.get(i).map(decode).as_deref().and_then(non_empty)
    }
}

pub(crate) fn parse(file: &SourceFile) -> Result<Parsed, ListError> {
    let mut records = CsvRecords::new(file, b',');
    let mut columns: Option<Columns> = None;
    let mut parsed = Parsed::default();
    let mut order: Vec<String> = Vec::new();
    let mut designations: FxHashMap<String, (u64, Designation)> = FxHashMap::default();
    let mut rows = 0usize;
    while let Some((line, record)) = records.next_record()? {
        rows += 1;
        let Some(cols) = &columns else {
            // A byte order mark may sit before the first name.
            let header: Vec<String> = record
                .iter()
                .map(|f| decode(f).trim().trim_start_matches('\u{feff}').to_string())
                .collect();
            if REQUIRED.iter().all(|c| header.iter().any(|h| h == c)) {
                let width = header.len();
                let by_name = header
                    .into_iter()
                    .enumerate()
                    .map(|(i, h)| (h, i))
                    .collect();
                columns = Some(Columns { by_name, width });
            } else if rows > MAX_PREAMBLE_LINES {
                return Err(ListError::Malformed {
                    file: file.name.clone(),
                    line,
                    reason: format!(
                        "no UK Sanctions List header (with {}) in the first {MAX_PREAMBLE_LINES} lines",
                        REQUIRED.join(", ")
                    ),
                });
            }
            continue;
        };
        if is_eof_or_blank(record) {
            continue;
        }
        if record.len() != cols.width {
            parsed.reject(
                &file.name,
                line,
                format!("expected {} fields, got {}", cols.width, record.len()),
            );
            continue;
        }
        let Some(id) = cols.get(record, "Unique ID") else {
            parsed.reject(&file.name, line, "empty Unique ID");
            continue;
        };
        let row = row(cols, record, id.clone());
        match designations.get_mut(&id) {
            Some((_, d)) => d.merge(row),
            None => {
                order.push(id.clone());
                designations.insert(id, (line, row));
            }
        }
    }
    if columns.is_none() {
        return Err(ListError::Malformed {
            file: file.name.clone(),
            line: 1,
            reason: "empty file, expected the UK Sanctions List header".into(),
        });
    }
    for id in order {
        let (line, d) = designations
            .remove(&id)
            .expect("every id in order was inserted");
        match d.build() {
            Ok(e) => parsed.entities.push(e),
            Err(reason) => parsed.reject(&file.name, line, reason),
        }
    }
    check_mostly_parsed(&file.name, parsed.entities.len(), &parsed.rejected)?;
    Ok(parsed)
}

fn row(c: &Columns, r: &csv::ByteRecord, unique_id: String) -> Designation {
    let get = |name: &str| c.get(r, name);
    let many = |name: &str| get(name).into_iter().collect::<Vec<_>>();
    let name: Vec<String> = (1..=6).filter_map(|i| get(&format!("Name {i}"))).collect();
    let address = UkAddress {
        lines: (1..=6).map(|i| get(&format!("Address Line {i}"))).collect(),
        postal_code: get("Address Postal Code"),
        country: get("Address Country"),
    };
    let has_address = address.lines.iter().any(Option::is_some)
        || address.postal_code.is_some()
        || address.country.is_some();
    let town = get("Town of birth");
    let country = get("Country of birth");
    Designation {
        unique_id,
        kind: get("Designation Type").unwrap_or_default(),
        names: vec![UkName {
            name: name.join(" "),
            name_type: get("Name type").unwrap_or_default(),
            alias_strength: get("Alias strength").unwrap_or_default(),
        }],
        non_latin: many("Name non-latin script"),
        regimes: many("Regime Name"),
        titles: many("Title"),
        dobs: many("D.O.B"),
        birth_places: if town.is_some() || country.is_some() {
            vec![(town, country)]
        } else {
            Vec::new()
        },
        nationalities: many("Nationality(/ies)"),
        passports: get("Passport number")
            .map(|n| (n, get("Passport additional information")))
            .into_iter()
            .collect(),
        national_ids: get("National Identifier number")
            .map(|n| (n, get("National Identifier additional information")))
            .into_iter()
            .collect(),
        registrations: many("Business registration number (s)"),
        imo_numbers: many("IMO number"),
        addresses: if has_address {
            vec![address]
        } else {
            Vec::new()
        },
        vessel: VesselDetails {
            vessel_type: get("Type of ship"),
            tonnage: get("Tonnage of ship"),
            flag: get("Current believed flag of ship"),
            owner: get("Current owner/operator (s)"),
            ..VesselDetails::default()
        },
        other_information: many("Other Information"),
        un_reference: get("UN Reference Number"),
        ofsi_group_id: get("OFSI Group ID"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::{AliasStrength, EntityKind};

    #[test]
    fn columns_by_name_in_any_order_without_a_preamble() {
        let file = SourceFile {
            name: "uk.csv".into(),
            bytes: "\u{feff}Name type,Name 6,Designation Type,Unique ID,Alias strength,Name 1\r\n\
                    Alias,SMITH,Individual,GBR9001,Low quality a.k.a,Jo\r\n\
                    Alias,SMYTHE,Individual,GBR9001,,Joanna\r\n"
                .as_bytes()
                .to_vec(),
        };
        assert!(looks_like_uk_csv(&file.bytes));
        let parsed = parse(&file).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        let e = &parsed.entities[0];
        assert_eq!(e.id.as_str(), "uk-sanctions:GBR9001");
        assert_eq!(e.kind, EntityKind::Person);
        // No primary name row: the first name that is not a low-quality
        // alias stands in for it.
        assert_eq!(e.primary_name, "Joanna SMYTHE");
        assert_eq!(e.aliases[0].name, "Jo SMITH");
        assert_eq!(e.aliases[0].strength, AliasStrength::Weak);
    }

    #[test]
    fn other_csv_files_are_not_taken_for_the_uk_list() {
        assert!(!looks_like_uk_csv(b"ent_num,name\r\n1,X\r\n"));
        assert!(!looks_like_uk_csv(b"Unique ID,Name 6\r\nX,Y\r\n"));
    }
}
