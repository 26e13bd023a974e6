//! Screening service domain core: sanctions, PEP, crime and internal lists
//! in, explained matches out.
//!
//! - [`lists`]: find, recognise and parse list files (OFAC SDN and non-SDN
//!   CSV, UN consolidated XML, BIS Denied Persons, EU FSF XML, UK Sanctions
//!   List, US Congress YAML, FollowTheMoney JSON lines, the bank's internal
//!   CSV) into [`ListedEntity`], each with its [`ListCategory`];
//! - `pep`: a PEP's positions and current/former standing on the day of
//!   screening under the bank's [`PepPolicy`];
//! - [`ListVersion`]: the loaded entities, identified by the SHA-256 of the
//!   source files, with counts; [`diff()`] between two versions;
//! - [`matching`]: the matcher in one place (transliteration, normalisation,
//!   phonetic keys, variants, similarity, scoring, the candidate index
//!   [`ScreeningIndex`], qualifiers); [`Screener`] (subject → matches) and
//!   [`compare`] (two names) run it;
//! - [`rescreen_changed`] / [`ChangedEntities`]: screening against only the
//!   added and changed entities of a [`ListDiff`] (ongoing monitoring);
//! - [`evaluation`]: a labelled set built from the lists and the
//!   precision/recall report that fixes [`MATCH_THRESHOLD`];
//!   `evaluation::pairs`: labelled name pairs by family of difficulty
//!   (written ones and ones generated from the lists), split into a tune
//!   and a test half, which the `accuracy` bench scores beside the
//!   reference engine.
//!
//! No I/O beyond reading list files, no async: the HTTP layer wraps this.
//!
//! The service around it (HTTP, list reloads, ongoing monitoring):
//! [`settings`], [`startup`] (build and run, so `main` and the tests run the
//! same thing), `api` (the routes), [`monitoring`] (the live lists, reloads,
//! rescreening, alerts) and [`store`] (monitored subjects and alerts: the
//! port with its embedded and DynamoDB adapters).

pub mod diff;
pub mod entity;
pub mod evaluation;
pub mod lists;
pub mod matching;
pub mod pep;
mod rescreen;
mod screen;
mod subject;
mod version;

// The service layer.
mod api;
pub mod monitoring;
pub mod settings;
pub mod startup;
pub mod store;

pub use diff::{ListDiff, diff};
pub use entity::{
    Address, Alias, AliasStrength, BirthDate, CountryLink, CountryRole, EntityId, EntityKind,
    Identifier, IdentifierKind, ListCategory, ListedEntity, Position, SourceList, VesselDetails,
};
pub use lists::{
    IgnoredRecords, ListError, LoadReport, LoadedVintage, RejectedRow, SkippedVintage,
    load_demo_lists, load_lists_dir, load_lists_dirs, load_vintage_dir,
};
pub use matching::index::ScreeningIndex;
pub use matching::qualifiers::{QualifierEffect, QualifierOutcome};
pub use matching::scoring::{MATCH_THRESHOLD, MatchMethod, NameExplanation, TokenMatch};
pub use pep::{MatchedPosition, PepPolicy, PepStanding, PepStatus};
pub use rescreen::{ChangedEntities, rescreen_changed};
pub use screen::{Match, MatchExplanation, NameComparison, REPORT_FLOOR, Screener, compare};
pub use subject::{MAX_NAME_CHARS, Subject, SubjectBirthDate, SubjectError};
pub use version::{ListCounts, ListVersion, SourceSummary};

pub use settings::ScreeningSettings;
pub use startup::Application;

impl cdd_platform::service::Service for Application {
    type Settings = ScreeningSettings;
    const NAME: &'static str = "screening";

    fn read_settings(env: &mut cdd_platform::settings::EnvReader) -> Option<ScreeningSettings> {
        ScreeningSettings::read(env)
    }
    fn log_format(settings: &ScreeningSettings) -> cdd_platform::settings::LogFormat {
        settings.common.log_format
    }
    async fn build(
        settings: ScreeningSettings,
        shutdown: cdd_platform::http::Shutdown,
    ) -> anyhow::Result<Self> {
        Application::build(settings, shutdown).await
    }
    async fn run_until_stopped(self) -> std::io::Result<()> {
        Application::run_until_stopped(self).await
    }
}

/// Where the real list files are for tests and benches: `CDD_SANCTIONS_DATA`,
/// else `<workspace root>/../shared/data/sanctions`. The repository does not
/// carry them.
#[doc(hidden)]
pub fn sanctions_data_dir() -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("CDD_SANCTIONS_DATA") {
        return dir.into();
    }
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/sanctions")
}

/// Where the real PEP data is for tests and benches: `CDD_PEP_DATA`, else
/// `<workspace root>/../shared/data/pep`. The repository does not carry it.
#[doc(hidden)]
pub fn pep_data_dir() -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("CDD_PEP_DATA") {
        return dir.into();
    }
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pep")
}
