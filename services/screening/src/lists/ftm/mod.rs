//! FollowTheMoney (FtM) entities as OpenSanctions publishes them
//! (`entities.ftm.json`): one JSON object per line,
//! `{"id", "schema", "properties": {"name": [..], ...}, "datasets": [..]}`,
//! every property a list of strings.
//!
//! Screening targets are the schemata `Person`, `Organization`, `Company`,
//! `LegalEntity`, `PublicBody`, `Vessel` and `Airplane`. Other records
//! (`Sanction`, `Address`, `Identification`, relations) are not screened;
//! they are counted per schema in [`super::IgnoredRecords`], except that
//! `Occupancy` and `Position` records give a PEP's positions their dates
//! (an `Occupancy` links a `holder` to a `post` with `startDate`/`endDate`).
//!
//! The category comes from the entity's `topics` (see `entity::category`). An
//! entity with no recognised topic is screened as a sanction: a bank loads
//! an FtM file to screen against it, so an untagged entry must alert like
//! the strictest list rather than be treated as harmless.
//!
//! Speed: one `serde_json` pass per line into borrowed, typed structs; the
//! properties the screening model has no use for are skipped unparsed.
//!
//! Layout: `record.rs` reads a line, `entity.rs` turns a record into a
//! [`ListedEntity`]; this file walks the lines and joins the occupancies.

mod entity;
mod record;

pub(crate) use record::looks_like_ftm;

use super::dates::iso_partial;
use super::{IgnoredRecords, ListError, Parsed, SourceFile, check_mostly_parsed};
use crate::entity::{ListedEntity, Position};
use entity::{entity, kind, single_country};
use record::{Record, Text, first};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// A `Position` record: the post an `Occupancy` points to.
struct Post {
    title: String,
    country: Option<String>,
}

/// An `Occupancy` record: who held which post, and when.
struct Occupancy {
    holder: String,
    post: String,
    start: Option<String>,
    end: Option<String>,
}

/// An ISO date as precise as given, without a time part; `None` if it is
/// not a date.
fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    iso_partial(s).map(|_| s[..s.len().min(10)].to_string())
}

pub(crate) fn parse(file: &SourceFile) -> Result<Parsed, ListError> {
    let mut parsed = Parsed::default();
    let mut ignored: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_id: FxHashMap<String, (usize, u64)> = FxHashMap::default();
    let mut posts: FxHashMap<String, Post> = FxHashMap::default();
    let mut occupancies: Vec<Occupancy> = Vec::new();
    let mut usable = 0usize;
    for (no, raw) in file.bytes.split(|&b| b == b'\n').enumerate() {
        let line = no as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let raw = if no == 0 {
            raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
        } else {
            raw
        };
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record: Record = match serde_json::from_slice(raw) {
            Ok(r) => r,
            Err(e) => {
                parsed.reject(&file.name, line, json_error(&e));
                continue;
            }
        };
        let Some(schema) = record.schema.as_ref().and_then(Text::trimmed) else {
            parsed.reject(&file.name, line, "no \"schema\"");
            continue;
        };
        let Some(id) = record.id.as_ref().and_then(Text::trimmed) else {
            parsed.reject(&file.name, line, format!("{schema} without an \"id\""));
            continue;
        };
        let props = record.properties.as_ref();
        let Some(kind) = kind(schema) else {
            usable += 1;
            *ignored.entry(schema.to_string()).or_default() += 1;
            match (schema, props) {
                ("Position", Some(p)) => {
                    if let Some(title) = first(&p.name) {
                        posts.insert(
                            id.to_string(),
                            Post {
                                title: title.to_string(),
                                country: single_country(&[&p.country]),
                            },
                        );
                    }
                }
                ("Occupancy", Some(p)) => {
                    if let (Some(holder), Some(post)) = (first(&p.holder), first(&p.post)) {
                        occupancies.push(Occupancy {
                            holder: holder.to_string(),
                            post: post.to_string(),
                            start: first(&p.start_date).and_then(iso_date),
                            end: first(&p.end_date).and_then(iso_date),
                        });
                    }
                }
                _ => {}
            }
            continue;
        };
        let Some(props) = props else {
            parsed.reject(
                &file.name,
                line,
                format!("{schema} {id} without \"properties\""),
            );
            continue;
        };
        let entity = match entity(id, kind, props, &record.datasets) {
            Ok(e) => e,
            Err(reason) => {
                parsed.reject(&file.name, line, format!("{schema} {id}: {reason}"));
                continue;
            }
        };
        if let Some(&(_, first_line)) = by_id.get(id) {
            parsed.reject(
                &file.name,
                line,
                format!("duplicate id {id} (first on line {first_line})"),
            );
            continue;
        }
        usable += 1;
        by_id.insert(id.to_string(), (parsed.entities.len(), line));
        parsed.entities.push(entity);
    }
    check_mostly_parsed(&file.name, usable, &parsed.rejected)?;
    if parsed.entities.is_empty() {
        return Err(ListError::Malformed {
            file: file.name.clone(),
            line: 1,
            reason: format!(
                "no Person, Organization, Company, LegalEntity, PublicBody, Vessel or Airplane \
                 entity, only {ignored:?}"
            ),
        });
    }
    for o in occupancies {
        if let (Some(&(idx, _)), Some(post)) = (by_id.get(&o.holder), posts.get(&o.post)) {
            add_dated_position(&mut parsed.entities[idx], post, o.start, o.end);
        }
    }
    parsed.ignored = ignored
        .into_iter()
        .map(|(record_type, count)| IgnoredRecords {
            file: file.name.clone(),
            record_type,
            count,
        })
        .collect();
    Ok(parsed)
}

/// serde_json's message without its "at line 1 column N" (every line is
/// parsed alone, so only the column means anything).
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    format!(
        "not a FollowTheMoney JSON object (column {}): {message}",
        e.column()
    )
}

/// An occupancy's dates replace the undated `position` string of the same
/// title; a post not in `position` is added.
fn add_dated_position(
    entity: &mut ListedEntity,
    post: &Post,
    start: Option<String>,
    end: Option<String>,
) {
    let dated = Position {
        title: post.title.clone(),
        country: post.country.clone().or_else(|| {
            entity
                .positions
                .iter()
                .find(|p| p.title.eq_ignore_ascii_case(&post.title))
                .and_then(|p| p.country.clone())
        }),
        start,
        end,
    };
    let undated = entity.positions.iter().position(|p| {
        p.start.is_none() && p.end.is_none() && p.title.eq_ignore_ascii_case(&dated.title)
    });
    match undated {
        Some(i) => entity.positions[i] = dated,
        None if !entity.positions.contains(&dated) => entity.positions.push(dated),
        None => {}
    }
}
