//! Letters service: versioned, sandboxed letter templates and the letters
//! rendered from them as PDF, HTML or plain text into the outbound bucket.
//!
//! The domain core (templates, rendering) does no I/O. Around it:
//! [`store`] holds the storage ports with their embedded and AWS adapters,
//! [`catalogue`] and [`issuing`] are the use cases (publish a template, issue
//! a letter), [`api`] is the HTTP layer, and [`startup`] builds the whole
//! service from [`settings`] so that `main` and the tests run the same thing.
//!
//! # HTTP API
//! - `PUT /v1/templates/{name}` publishes the next version (approver);
//!   `GET /v1/templates[/{name}[?version=N]]` reads them.
//! - `POST /v1/letters` (with `Idempotency-Key`) renders a letter, writes it
//!   to `letters/{customer_id}/{letter_id}.{ext}` in the outbound bucket with
//!   its SHA-256 checksum, and records it.
//! - `GET /v1/letters/{id}`, `GET /v1/letters/{id}/content` (checked against
//!   its SHA-256 before it is served), `GET /v1/customers/{id}/letters`.
//!
//! See `openapi.json` (served at `/openapi.json`) for the details.
//!
//! # Template format
//! `PUT /v1/templates/{name}` takes a [`TemplateSource`] as JSON:
//! ```json
//! {
//!   "description": "Request for information",
//!   "subject": "Request for information about your application",
//!   "fields": [
//!     {"name": "documents", "type": "string_list"},
//!     {"name": "respond_by", "type": "date", "optional": true}
//!   ],
//!   "body": "Dear {{ customer_name }},\n\nPlease send:\n{% for d in documents %}\n- {{ d }}\n{% endfor %}"
//! }
//! ```
//! - Field types: `string` (one line), `date` (`YYYY-MM-DD`, shown as
//!   `5 March 2026`), `integer`, `boolean`, `string_list`. Fields are
//!   required unless `"optional": true`; an absent optional field is `none`.
//! - Every template also has the standard fields `customer_name` (string),
//!   `reference` (string) and `address` (string_list, 1 to 8 lines), which
//!   the letter frame prints, and the variables `bank_name` and
//!   `letter_date`.
//! - `subject` and `body` are MiniJinja templates (Jinja2 syntax without
//!   `include`, `import`, `extends` or macros). The body produces letter
//!   markup: blank lines separate paragraphs, `- ` starts a bullet (see the
//!   `document` module). The letterhead, date, reference,
//!   address block and signature are added by the service.
//! - A template that does not compile, uses an undeclared variable or
//!   declares a field wrongly is refused with every problem, each with its
//!   part and line ([`TemplateError`]).
//!
//! # Modules
//! - [`template`]: names, versions, field declarations, compiling
//! - [`letter`]: render requests, settings, rendered letters
//! - [`library`]: templates by name and version, in memory
//! - [`builtin`]: the four letters the bank ships
//! - [`issued`]: letters once in the outbound bucket (ids, object keys)
//! - `engine` (the sandbox), `fields` (checking data), `document` (body
//!   markup), `render` (PDF, HTML and text writers; the PDF writer's fonts,
//!   shaping and bidi order, see [`Fonts`])
//!
//! # Scripts
//! PDF letters print every script names and addresses come in: Noto Sans
//! (compiled in) for Latin, Greek and Cyrillic, and a fallback font per
//! script read at start from `CDD_LETTERS_FONTS_DIR` ([`Fonts::load`]:
//! Noto Sans Arabic, Hebrew, Indic, Thai, ... and WenQuanYi Micro Hei for
//! Han, kana and Hangul). Lines are put in visual order (Unicode bidi) and
//! shaped with HarfBuzz's rules (`harfrust`), and the text layer reads back
//! as written. Only a character no font has (an unassigned or private-use
//! code point) is refused, with 422 naming it by code point.

pub mod api;
pub mod builtin;
pub mod catalogue;
pub mod compatibility;
mod document;
mod engine;
pub mod error;
mod fields;
pub mod issued;
pub mod issuing;
pub mod letter;
pub mod library;
mod render;
pub mod settings;
pub mod startup;
pub mod store;
pub mod template;

pub use error::{
    FieldError, FieldProblem, InvalidValue, LetterError, LibraryError, RenderError, TemplateError,
    TemplatePart, TemplateProblem,
};
pub use letter::{
    CustomerId, LetterFormat, LetterSettings, RenderRequest, RenderedLetter, Sha256Digest,
    render_letter,
};
pub use library::TemplateLibrary;
pub use render::fonts::{DEFAULT_FONTS_DIR, FONT_PACKAGES, Fonts};
pub use settings::LettersSettings;
pub use startup::Application;
pub use template::{
    FieldName, FieldSpec, FieldType, Template, TemplateName, TemplateSource, TemplateVersion,
};

impl cdd_platform::service::Service for Application {
    type Settings = LettersSettings;
    const NAME: &'static str = "letters";

    fn read_settings(env: &mut cdd_platform::settings::EnvReader) -> Option<LettersSettings> {
        LettersSettings::read(env)
    }
    fn log_format(settings: &LettersSettings) -> cdd_platform::settings::LogFormat {
        settings.common.log_format
    }
    async fn build(
        settings: LettersSettings,
        shutdown: cdd_platform::http::Shutdown,
    ) -> anyhow::Result<Self> {
        Application::build(settings, shutdown).await
    }
    async fn run_until_stopped(self) -> std::io::Result<()> {
        Application::run_until_stopped(self).await
    }
}
