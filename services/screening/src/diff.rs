//! What changed between two list versions: the input of ongoing monitoring
//! (rescreen only the customers that could hit an added or changed entry).

use crate::entity::{EntityId, ListedEntity};
use crate::version::ListVersion;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListDiff {
    pub from_version: String,
    pub to_version: String,
    pub added: Vec<EntityId>,
    pub removed: Vec<EntityId>,
    /// Same id, different content (names, programs, remarks, addresses...).
    pub changed: Vec<EntityId>,
}

impl ListDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares two versions entity by entity. Ids are sorted in the result.
pub fn diff(old: &ListVersion, new: &ListVersion) -> ListDiff {
    fn index(v: &ListVersion) -> BTreeMap<&str, &ListedEntity> {
        v.entities().iter().map(|e| (e.id.as_str(), e)).collect()
    }
    let (before, after) = (index(old), index(new));
    let mut d = ListDiff {
        from_version: old.id.clone(),
        to_version: new.id.clone(),
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };
    for (id, e) in &after {
        match before.get(id) {
            None => d.added.push(e.id.clone()),
            Some(old_e) if old_e != e => d.changed.push(e.id.clone()),
            Some(_) => {}
        }
    }
    d.removed = before
        .iter()
        .filter(|(id, _)| !after.contains_key(*id))
        .map(|(_, e)| e.id.clone())
        .collect();
    d
}
