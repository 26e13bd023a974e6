//! Documents service: KYC evidence streamed into S3 (or files under
//! `CDD_DATA_DIR`), checked by type and SHA-256, verified by analysts, kept
//! for its retention period and under legal holds.
//!
//! - [`domain`]: ids, file types, the document and its rules, retention
//! - [`store`]: the storage ports with their embedded and AWS adapters
//! - [`register`]: the use cases (upload, read, verify, hold, erase, links)
//! - [`api`]: the HTTP layer; [`startup`] builds the service from [`settings`]
//!
//! See `openapi.json` (served at `/openapi.json`) for the API.
//!
//! # Decisions
//! - **Upload**: the raw body is streamed, never held whole: the first bytes
//!   are sniffed (PDF, JPEG, PNG, TIFF, HEIC; 415 if unknown or not what
//!   `Content-Type` says), every chunk is hashed (SHA-256) and counted (413
//!   from `Content-Length` up front, else the moment the stream passes
//!   `CDD_DOCUMENT_MAX_BYTES`), and written through a [`store::ContentWriter`]
//!   that publishes nothing until the whole file is in (S3 multipart upload
//!   with per-part SHA-256 checksums, aborted on any failure or when the
//!   request is dropped; embedded: temp file + fsync + rename + dir fsync).
//!   The metadata is written last, so a cut-off upload leaves nothing.
//! - **Reading**: sizes are compared before a byte is sent; files up to
//!   8 MiB are verified whole first (502 `stored-content-corrupt`), larger
//!   ones while streaming, the last chunk withheld and the connection cut on
//!   a mismatch (see [`register`]).
//! - **Download links**: presigned S3 GETs valid 5 minutes. With the
//!   embedded backend the answer is 501 `download-links-unavailable`: a
//!   second, token-less way into the service with its own signing key to
//!   manage is a risk a bank should not take for a laptop mode; the content
//!   route (bearer token, checksum verified) serves the same bytes.
//! - **Retention**: see [`domain::retention`] (upload + 5 years, + 7 for
//!   source of funds; erasure refused before then or under a legal hold;
//!   erasure removes every stored version and keeps the record).
//! - **moto 5.2** answers `CompleteMultipartUpload` with a body the SDK
//!   cannot parse; a 200 is then confirmed by the object's size (see
//!   [`store::s3`]).

pub mod api;
pub mod domain;
pub mod register;
pub mod settings;
pub mod startup;
pub mod store;

pub use settings::DocumentsSettings;
pub use startup::Application;

impl cdd_platform::service::Service for Application {
    type Settings = DocumentsSettings;
    const NAME: &'static str = "documents";

    fn read_settings(env: &mut cdd_platform::settings::EnvReader) -> Option<DocumentsSettings> {
        DocumentsSettings::read(env)
    }
    fn log_format(settings: &DocumentsSettings) -> cdd_platform::settings::LogFormat {
        settings.common.log_format
    }
    async fn build(
        settings: DocumentsSettings,
        shutdown: cdd_platform::http::Shutdown,
    ) -> anyhow::Result<Self> {
        Application::build(settings, shutdown).await
    }
    async fn run_until_stopped(self) -> std::io::Result<()> {
        Application::run_until_stopped(self).await
    }
}
