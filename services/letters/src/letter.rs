//! Rendering a letter: the request, the bank's letter settings, and the
//! rendered letter (bytes, format, SHA-256).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::document::{LetterDocument, parse_body};
use crate::engine;
use crate::error::{InvalidValue, RenderError, TemplatePart};
use crate::fields::{LetterData, long_date};
use crate::render;
use crate::render::fonts::Fonts;
use crate::template::{Template, TemplateName, TemplateVersion};

/// Largest rendered body (subject and body text before formatting).
pub const MAX_RENDERED_BYTES: usize = 256 * 1024;

/// The output format of a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LetterFormat {
    Pdf,
    Html,
    Text,
}

impl LetterFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Html => "text/html; charset=utf-8",
            Self::Text => "text/plain; charset=utf-8",
        }
    }

    pub fn file_extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Html => "html",
            Self::Text => "txt",
        }
    }
}

impl fmt::Display for LetterFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pdf => "PDF",
            Self::Html => "HTML",
            Self::Text => "text",
        })
    }
}

/// The customer a letter is for: intake's id, by the one rule every service
/// reads it by.
pub use cdd_contracts::CustomerId;

/// `POST /v1/letters`: which template, for whom, with what data, as what.
/// Without `version` the latest version is used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenderRequest {
    pub template: TemplateName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<TemplateVersion>,
    pub customer_id: CustomerId,
    pub data: serde_json::Map<String, serde_json::Value>,
    pub format: LetterFormat,
}

/// The bank's letter settings, read once at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LetterSettingsFields")]
pub struct LetterSettings {
    bank_name: String,
    bank_address: Vec<String>,
    signatory_name: String,
    signatory_title: String,
    /// The PDF fonts: Noto Sans only unless [`LetterSettings::with_fonts`]
    /// gives the fallback fonts read at start.
    #[serde(skip)]
    fonts: Fonts,
}

#[derive(Deserialize)]
struct LetterSettingsFields {
    bank_name: String,
    bank_address: Vec<String>,
    signatory_name: String,
    signatory_title: String,
}

impl TryFrom<LetterSettingsFields> for LetterSettings {
    type Error = InvalidValue;
    fn try_from(f: LetterSettingsFields) -> Result<Self, Self::Error> {
        Self::new(
            f.bank_name,
            f.bank_address,
            f.signatory_name,
            f.signatory_title,
        )
    }
}

impl LetterSettings {
    /// Every value is one non-empty line (at most 100 characters); the
    /// bank's address has at most 4 lines.
    pub fn new(
        bank_name: impl Into<String>,
        bank_address: Vec<String>,
        signatory_name: impl Into<String>,
        signatory_title: impl Into<String>,
    ) -> Result<Self, InvalidValue> {
        let line = |what: &'static str, value: String| {
            let value = value.trim().to_owned();
            if value.is_empty()
                || value.chars().count() > 100
                || value.chars().any(char::is_control)
            {
                Err(InvalidValue::new(
                    what,
                    "must be one line of 1 to 100 characters",
                ))
            } else {
                Ok(value)
            }
        };
        if bank_address.len() > 4 {
            return Err(InvalidValue::new("bank address", "has more than 4 lines"));
        }
        Ok(Self {
            bank_name: line("bank name", bank_name.into())?,
            bank_address: bank_address
                .into_iter()
                .map(|l| line("bank address", l))
                .collect::<Result<_, _>>()?,
            signatory_name: line("signatory name", signatory_name.into())?,
            signatory_title: line("signatory title", signatory_title.into())?,
            fonts: Fonts::builtin(),
        })
    }

    /// The same settings drawing PDF letters with `fonts`.
    pub fn with_fonts(mut self, fonts: Fonts) -> Self {
        self.fonts = fonts;
        self
    }

    pub fn fonts(&self) -> &Fonts {
        &self.fonts
    }

    pub fn bank_name(&self) -> &str {
        &self.bank_name
    }
}

/// A SHA-256 digest, shown and serialised as 64 lowercase hex digits.
pub use cdd_contracts::Sha256Digest;

/// A rendered letter. Serialising it gives the metadata; the bytes are the
/// HTTP body or the stored object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedLetter {
    pub template: TemplateName,
    pub version: TemplateVersion,
    pub customer_id: CustomerId,
    pub format: LetterFormat,
    pub content_type: &'static str,
    pub file_extension: &'static str,
    pub sha256: Sha256Digest,
    pub size: usize,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// Renders `template` for one customer. `letter_date` is the date printed on
/// the letter (the caller's clock, so output is reproducible: the same input
/// gives the same bytes and the same SHA-256).
pub fn render_letter(
    template: &Template,
    customer_id: &CustomerId,
    data: &serde_json::Map<String, serde_json::Value>,
    format: LetterFormat,
    letter_date: Date,
    settings: &LetterSettings,
) -> Result<RenderedLetter, RenderError> {
    let data = LetterData::check(template.fields(), data).map_err(RenderError::InvalidData)?;
    let letter_date = long_date(letter_date);
    let context = data.context([
        ("bank_name", settings.bank_name.clone()),
        ("letter_date", letter_date.clone()),
    ]);
    let source = template.source();
    let subject = engine::render(TemplatePart::Subject, &source.subject, &context)?;
    let body = engine::render(TemplatePart::Body, &source.body, &context)?;
    if subject.len() + body.len() > MAX_RENDERED_BYTES {
        return Err(RenderError::TooLarge {
            limit: MAX_RENDERED_BYTES,
        });
    }

    let mut recipient = vec![data.string("customer_name").to_owned()];
    recipient.extend(data.lines("address").iter().cloned());
    let document = LetterDocument {
        bank_name: settings.bank_name.clone(),
        bank_address: settings.bank_address.clone(),
        letter_date,
        reference: data.string("reference").to_owned(),
        recipient,
        subject: crate::document::clean(&subject),
        body: parse_body(&body),
        closing: "Yours sincerely,".to_owned(),
        signatory_name: settings.signatory_name.clone(),
        signatory_title: settings.signatory_title.clone(),
    };

    let bytes = match format {
        LetterFormat::Pdf => render::pdf::write(&document, &settings.fonts)?,
        LetterFormat::Html => render::html::write(&document).into_bytes(),
        LetterFormat::Text => render::text::write(&document).into_bytes(),
    };
    Ok(RenderedLetter {
        template: template.name().clone(),
        version: template.version(),
        customer_id: customer_id.clone(),
        format,
        content_type: format.content_type(),
        file_extension: format.file_extension(),
        sha256: Sha256Digest::of(&bytes),
        size: bytes.len(),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_ids_are_the_ones_intake_issues() {
        assert!(CustomerId::parse("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e").is_ok());
        for bad in ["", "a b", "../x", "cus_01J9-ABC", &"x".repeat(65)] {
            assert!(CustomerId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn settings_refuse_empty_or_multiline_values() {
        assert!(LetterSettings::new("", vec![], "A", "B").is_err());
        assert!(LetterSettings::new("Bank\nX", vec![], "A", "B").is_err());
        assert!(LetterSettings::new("Bank", vec!["1 Street".into()], "A", "B").is_ok());
    }

    #[test]
    fn formats_have_content_types_and_extensions() {
        let format: LetterFormat = serde_json::from_str("\"pdf\"").unwrap();
        assert_eq!(format.content_type(), "application/pdf");
        assert_eq!(LetterFormat::Text.file_extension(), "txt");
        assert!(serde_json::from_str::<LetterFormat>("\"docx\"").is_err());
    }
}
