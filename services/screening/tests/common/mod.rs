//! Shared test helpers: where the real lists are, loaded once per binary.
#![allow(dead_code)]

use cdd_screening::{ListVersion, Screener, load_lists_dir, load_vintage_dir, sanctions_data_dir};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub fn data(sub: &str) -> PathBuf {
    let dir = sanctions_data_dir().join(sub);
    assert!(
        dir.exists(),
        "real list data missing at {} (set CDD_SANCTIONS_DATA)",
        dir.display()
    );
    dir
}

pub fn vintage(sub: &str) -> ListVersion {
    load_vintage_dir(data(sub)).expect("vintage loads").version
}

/// All bundled lists (newest of each), indexed; built once per test binary.
pub fn screener() -> Arc<Screener> {
    static S: OnceLock<Arc<Screener>> = OnceLock::new();
    S.get_or_init(|| {
        let report = load_lists_dir(sanctions_data_dir()).expect("lists load");
        Arc::new(Screener::new(report.version))
    })
    .clone()
}
