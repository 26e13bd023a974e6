//! BIS Denied Persons List (`dpl.txt`): tab-separated, every field quoted,
//! one header row.
//!
//! The list has no entity ids and no entity type. The id is derived from the
//! name, street, city and effective date (stable across re-publication as
//! long as the order itself is unchanged); the kind is guessed from legal
//! form words (`INC`, `LTD`, `GMBH`, ...), everything else being a person.

use super::text::{CsvRecords, decode, is_eof_or_blank, non_empty};
use super::{ListError, Parsed, SourceFile, check_mostly_parsed};
use crate::entity::{
    Address, AliasStrength, CountryRole, EntityId, EntityKind, ListedEntity, SourceList,
};
use sha2::{Digest, Sha256};

const COLUMNS: [&str; 12] = [
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
];

/// Whether the first line of a file is the DPL header (content sniffing).
pub(crate) fn looks_like_dpl(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(200)];
    head.starts_with(b"\"Name\"\t\"Street_Address\"") || head.starts_with(b"Name\tStreet_Address")
}

pub(crate) fn parse(file: &SourceFile) -> Result<Parsed, ListError> {
    let mut parsed = Parsed::default();
    let mut header_seen = false;
    let mut rows = CsvRecords::new(file, b'\t');
    let mut seen_ids = rustc_hash::FxHashSet::default();
    while let Some((line, record)) = rows.next_record()? {
        if !header_seen {
            let header: Vec<String> = record
                .iter()
                .map(|f| decode(f).trim().to_string())
                .collect();
            if header != COLUMNS {
                return Err(ListError::Malformed {
                    file: file.name.clone(),
                    line,
                    reason: format!("expected the DPL header {COLUMNS:?}, got {header:?}"),
                });
            }
            header_seen = true;
            continue;
        }
        if is_eof_or_blank(record) {
            continue;
        }
        if record.len() != COLUMNS.len() {
            parsed.reject(
                &file.name,
                line,
                format!("expected 12 fields, got {}", record.len()),
            );
            continue;
        }
        let f: Vec<String> = record.iter().map(decode).collect();
        let Some(raw_name) = non_empty(&f[0]) else {
            parsed.reject(&file.name, line, "empty name");
            continue;
        };
        let (name, aliases) = split_aliases(&raw_name);
        let kind = if crate::matching::normalize::looks_like_organisation(&name) {
            EntityKind::Organisation
        } else {
            EntityKind::Person
        };
        let mut digest = Sha256::new();
        for part in [&f[0], &f[1], &f[2], &f[6]] {
            digest.update(part.trim().as_bytes());
            digest.update([0u8]);
        }
        let mut local = hex::encode(&digest.finalize()[..6]);
        // Two identical rows would collide; keep both, numbered.
        let mut n = 1;
        while !seen_ids.insert(local.clone()) {
            n += 1;
            local = format!("{}-{n}", &local[..12]);
        }
        let list = SourceList::BisDenied;
        let mut e = ListedEntity::new(EntityId::new(list, &local), list, kind, name);
        e.programs = vec!["DPL".to_string()];
        for alias in aliases {
            e.add_alias(&alias, AliasStrength::Strong, "aka");
        }
        let address = Address {
            street: non_empty(&f[1]),
            city: non_empty(&f[2]),
            region: non_empty(&f[3]),
            postal_code: non_empty(&f[5]),
            country: non_empty(&f[4]),
        };
        if let Some(c) = &address.country {
            e.add_country(c, CountryRole::Address);
        }
        if address != Address::default() {
            e.addresses.push(address);
        }
        let remarks: Vec<String> = [
            ("Effective", &f[6]),
            ("Expires", &f[7]),
            ("Standard order", &f[8]),
            ("Last update", &f[9]),
            ("Action", &f[10]),
            ("FR", &f[11]),
        ]
        .iter()
        .filter_map(|(label, v)| non_empty(v).map(|v| format!("{label}: {v}")))
        .collect();
        e.remarks = Some(remarks.join("; "));
        parsed.entities.push(e);
    }
    if !header_seen {
        return Err(ListError::Malformed {
            file: file.name.clone(),
            line: 1,
            reason: "empty file, expected the DPL header".into(),
        });
    }
    check_mostly_parsed(&file.name, parsed.entities.len(), &parsed.rejected)?;
    Ok(parsed)
}

/// `FUYI SUN A/K/A FRANK SUN` and `PEARL (A.K.A. NEI-CHIEN CHU) LI`.
fn split_aliases(raw: &str) -> (String, Vec<String>) {
    let upper = raw.to_ascii_uppercase();
    if let Some(start) = upper.find("(A.K.A.")
        && let Some(end_rel) = upper[start..].find(')')
    {
        let alias = raw[start + 7..start + end_rel].trim().to_string();
        let name = format!(
            "{} {}",
            raw[..start].trim(),
            raw[start + end_rel + 1..].trim()
        );
        return (name.trim().to_string(), vec![alias]);
    }
    let mut parts = upper
        .match_indices(" A/K/A ")
        .map(|(i, _)| i)
        .collect::<Vec<_>>();
    if parts.is_empty() {
        return (raw.to_string(), Vec::new());
    }
    parts.push(raw.len());
    let name = raw[..parts[0]].trim().to_string();
    let aliases = parts
        .windows(2)
        .map(|w| raw[w[0] + 7..w[1]].trim().to_string())
        .filter(|a| !a.is_empty())
        .collect();
    (name, aliases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_in_names() {
        assert_eq!(
            split_aliases("FUYI SUN A/K/A FRANK SUN"),
            ("FUYI SUN".into(), vec!["FRANK SUN".into()])
        );
        assert_eq!(
            split_aliases("PEARL (A.K.A. NEI-CHIEN CHU) LI"),
            ("PEARL LI".into(), vec!["NEI-CHIEN CHU".into()])
        );
        assert_eq!(split_aliases("JOHN DOE"), ("JOHN DOE".into(), vec![]));
    }
}
