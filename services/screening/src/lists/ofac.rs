//! OFAC legacy CSV: `sdn.csv` (or `cons_prim.csv`) plus the optional
//! `alt`, `add` and `comments` companions, joined on `ent_num`.
//!
//! No header, `-0-` for empty, CRLF, a trailing 0x1A byte. Remarks that
//! OFAC truncated continue in the comments file and are re-joined *before*
//! the remarks are read, so a DOB or alias split across the two is found.

use super::text::{CsvRecords, decode, is_eof_or_blank, ofac_field};
use super::{ListError, Parsed, SourceFile, check_mostly_parsed, remarks::apply_remarks};
use crate::entity::{
    Address, AliasStrength, CountryRole, EntityId, EntityKind, ListedEntity, SourceList,
    VesselDetails,
};
use rustc_hash::FxHashMap;

/// The files of one OFAC list in one folder.
pub(crate) struct OfacFiles {
    pub primary: SourceFile,
    pub alt: Option<SourceFile>,
    pub add: Option<SourceFile>,
    pub comments: Option<SourceFile>,
}

/// Iterates `(line, record)` over a file, reporting CSV-level errors as
/// malformed-file errors with their line.
fn records(file: &SourceFile) -> Result<Vec<(u64, csv::ByteRecord)>, ListError> {
    let mut out = Vec::new();
    let mut rows = CsvRecords::new(file, b',');
    while let Some((line, record)) = rows.next_record()? {
        if !is_eof_or_blank(record) {
            out.push((line, record.clone()));
        }
    }
    Ok(out)
}

fn ent_num(field: &[u8]) -> Option<u64> {
    decode(field).trim().parse().ok()
}

pub(crate) fn parse(files: &OfacFiles, list: SourceList) -> Result<Parsed, ListError> {
    let mut parsed = Parsed::default();

    // Comments first: they complete the remarks of the primary rows.
    let mut continuations: FxHashMap<u64, String> = FxHashMap::default();
    if let Some(file) = &files.comments {
        for (line, rec) in records(file)? {
            match (rec.len(), ent_num(&rec[0])) {
                (2, Some(num)) => continuations
                    .entry(num)
                    .or_default()
                    .push_str(&ofac_field(&rec[1]).unwrap_or_default()),
                (n, _) => parsed.reject(
                    &file.name,
                    line,
                    format!("expected 2 fields with a numeric ent_num, got {n} fields"),
                ),
            }
        }
    }

    let mut by_num: FxHashMap<u64, usize> = FxHashMap::default();
    for (line, rec) in records(&files.primary)? {
        if rec.len() != 12 {
            parsed.reject(
                &files.primary.name,
                line,
                format!("expected 12 fields, got {}", rec.len()),
            );
            continue;
        }
        let (Some(num), Some(name)) = (ent_num(&rec[0]), ofac_field(&rec[1])) else {
            parsed.reject(&files.primary.name, line, "missing numeric ent_num or name");
            continue;
        };
        if by_num.contains_key(&num) {
            parsed.reject(
                &files.primary.name,
                line,
                format!("duplicate ent_num {num}"),
            );
            continue;
        }
        let kind = match ofac_field(&rec[2])
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None => EntityKind::Organisation,
            Some("individual") => EntityKind::Person,
            Some("vessel") => EntityKind::Vessel,
            Some("aircraft") => EntityKind::Aircraft,
            Some(other) => {
                parsed.reject(
                    &files.primary.name,
                    line,
                    format!("unknown SDN_Type {other:?}"),
                );
                continue;
            }
        };
        let mut entity = ListedEntity::new(EntityId::new(list, &num.to_string()), list, kind, name);
        entity.programs = ofac_field(&rec[3])
            .map(|p| {
                p.split("] [")
                    .map(|s| {
                        s.trim_matches(|c| c == '[' || c == ']' || c == ' ')
                            .to_string()
                    })
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        entity.title = ofac_field(&rec[4]);
        if kind == EntityKind::Vessel || (5..=10).any(|i| ofac_field(&rec[i]).is_some()) {
            let vessel = VesselDetails {
                call_sign: ofac_field(&rec[5]),
                vessel_type: ofac_field(&rec[6]),
                tonnage: ofac_field(&rec[7]),
                gross_tonnage: ofac_field(&rec[8]),
                flag: ofac_field(&rec[9]),
                owner: ofac_field(&rec[10]),
            };
            if let Some(flag) = &vessel.flag {
                entity.add_country(flag, CountryRole::Registration);
            }
            entity.vessel = Some(vessel);
        }
        let mut remarks = ofac_field(&rec[11]).unwrap_or_default();
        if let Some(more) = continuations.remove(&num) {
            remarks.push_str(&more);
        }
        if !remarks.is_empty() {
            apply_remarks(&mut entity, &remarks);
            entity.remarks = Some(remarks);
        }
        by_num.insert(num, parsed.entities.len());
        parsed.entities.push(entity);
    }
    check_mostly_parsed(&files.primary.name, parsed.entities.len(), &parsed.rejected)?;
    if let Some(file) = &files.comments {
        for num in continuations.keys() {
            parsed.reject(
                &file.name,
                0,
                format!("remarks continuation for unknown ent_num {num}"),
            );
        }
    }

    if let Some(file) = &files.alt {
        for (line, rec) in records(file)? {
            let idx = (rec.len() == 5)
                .then(|| ent_num(&rec[0]))
                .flatten()
                .and_then(|n| by_num.get(&n));
            let (Some(&idx), Some(name)) = (idx, rec.get(3).and_then(ofac_field)) else {
                parsed.reject(
                    &file.name,
                    line,
                    "expected 5 fields with a known ent_num and a name",
                );
                continue;
            };
            let alias_type = ofac_field(&rec[2])
                .unwrap_or_else(|| "aka".into())
                .to_ascii_lowercase();
            let weak =
                ofac_field(&rec[4]).is_some_and(|r| r.to_ascii_lowercase().contains("low quality"));
            let strength = if weak {
                AliasStrength::Weak
            } else {
                AliasStrength::Strong
            };
            parsed.entities[idx].add_alias(&name, strength, &alias_type);
        }
    }

    if let Some(file) = &files.add {
        for (line, rec) in records(file)? {
            let idx = (rec.len() == 6)
                .then(|| ent_num(&rec[0]))
                .flatten()
                .and_then(|n| by_num.get(&n));
            let Some(&idx) = idx else {
                parsed.reject(&file.name, line, "expected 6 fields with a known ent_num");
                continue;
            };
            let (city, region) = match ofac_field(&rec[3]) {
                Some(c) => (Some(c), None),
                None => (None, None),
            };
            let address = Address {
                street: ofac_field(&rec[2]),
                city,
                region,
                postal_code: None,
                country: ofac_field(&rec[4]),
            };
            let entity = &mut parsed.entities[idx];
            if let Some(country) = &address.country {
                entity.add_country(country, CountryRole::Address);
            }
            if address != Address::default() {
                entity.addresses.push(address);
            }
        }
    }
    Ok(parsed)
}
