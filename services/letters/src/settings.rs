//! The letters service's settings: the shared ones, its table and bucket,
//! and how the bank signs its letters.
//!
//! | variable | meaning |
//! |---|---|
//! | `CDD_LETTERS_TABLE` | DynamoDB table (required with `CDD_BACKEND=aws`) |
//! | `CDD_OUTBOUND_BUCKET` | S3 bucket for letter files (required with `CDD_BACKEND=aws`) |
//! | `CDD_OUTBOUND_KMS_KEY_ID` | KMS key for SSE-KMS; without it the bucket's default encryption applies |
//! | `CDD_BANK_NAME` | the letterhead |
//! | `CDD_BANK_ADDRESS` | address lines separated by `\|` (at most 4) |
//! | `CDD_SIGNATORY_NAME`, `CDD_SIGNATORY_TITLE` | who signs |
//! | `CDD_LETTERS_FONTS_DIR` | where the PDF fallback fonts are (Arabic, Hebrew, Indic, Thai, CJK, ...; see `render::fonts`); default `/usr/share/fonts` (Debian's, with `fonts-noto-core` and `fonts-wqy-microhei` installed); the image sets `/app/fonts` |
//!
//! Every font is read and checked at start (and by `--check-settings`): a
//! missing or broken font file stops the service with the file and the
//! Debian package named, rather than failing every letter in that script.
//!
//! The bank's details have example defaults with `CDD_ENV=local` only: a real
//! environment must not send letters from an example bank.

use cdd_platform::settings::{Backend, CommonSettings, EnvReader, Environment};

use std::path::PathBuf;

use crate::letter::LetterSettings;
use crate::render::fonts::{DEFAULT_FONTS_DIR, Fonts};

#[derive(Debug, Clone)]
pub struct LettersSettings {
    pub common: CommonSettings,
    /// The DynamoDB table, with the AWS backend.
    pub table: Option<String>,
    /// The outbound bucket, with the AWS backend.
    pub bucket: Option<String>,
    pub kms_key_id: Option<String>,
    pub letter: LetterSettings,
}

const LOCAL_BANK_NAME: &str = "Example Bank (local)";
const LOCAL_BANK_ADDRESS: &str = "1 Example Street|London EC1A 1AA";
const LOCAL_SIGNATORY_NAME: &str = "Customer Due Diligence Team";
const LOCAL_SIGNATORY_TITLE: &str = "Head of Customer Due Diligence";

impl LettersSettings {
    pub fn read(env: &mut EnvReader) -> Option<Self> {
        let common = CommonSettings::read("letters", env)?;
        let (table, bucket) = match common.backend {
            Backend::Aws => (
                env.required("CDD_LETTERS_TABLE"),
                env.required("CDD_OUTBOUND_BUCKET"),
            ),
            Backend::Embedded { .. } => (
                env.optional("CDD_LETTERS_TABLE"),
                env.optional("CDD_OUTBOUND_BUCKET"),
            ),
        };
        let kms_key_id = env.optional("CDD_OUTBOUND_KMS_KEY_ID");
        let local = common.environment == Environment::Local;
        let mut value = |name: &str, default: &str| match env.raw(name) {
            Some(v) => Some(v.to_owned()),
            None if local => Some(default.to_owned()),
            None => env.required(name),
        };
        let bank_name = value("CDD_BANK_NAME", LOCAL_BANK_NAME);
        let bank_address = value("CDD_BANK_ADDRESS", LOCAL_BANK_ADDRESS);
        let signatory_name = value("CDD_SIGNATORY_NAME", LOCAL_SIGNATORY_NAME);
        let signatory_title = value("CDD_SIGNATORY_TITLE", LOCAL_SIGNATORY_TITLE);
        let letter = match (bank_name, bank_address, signatory_name, signatory_title) {
            (Some(name), Some(address), Some(signatory), Some(title)) => {
                let lines = address.split('|').map(|l| l.trim().to_owned()).collect();
                match LetterSettings::new(name, lines, signatory, title) {
                    Ok(letter) => Some(letter),
                    Err(e) => {
                        let variable = match e.what {
                            "bank name" => "CDD_BANK_NAME",
                            "bank address" => "CDD_BANK_ADDRESS",
                            "signatory name" => "CDD_SIGNATORY_NAME",
                            _ => "CDD_SIGNATORY_TITLE",
                        };
                        env.problem(variable, e.reason);
                        None
                    }
                }
            }
            _ => None,
        };
        let fonts_dir = PathBuf::from(
            env.optional("CDD_LETTERS_FONTS_DIR")
                .unwrap_or_else(|| DEFAULT_FONTS_DIR.to_owned()),
        );
        let fonts = match Fonts::load(&fonts_dir) {
            Ok(fonts) => Some(fonts),
            Err(problems) => {
                env.problem("CDD_LETTERS_FONTS_DIR", problems.join("; "));
                None
            }
        };
        let letter = letter
            .zip(fonts)
            .map(|(letter, fonts)| letter.with_fonts(fonts));
        Some(Self {
            common,
            table,
            bucket,
            kms_key_id,
            letter: letter?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn read(pairs: &[(&str, &str)]) -> (Option<LettersSettings>, Vec<String>) {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut env = EnvReader::from_map(vars);
        let settings = LettersSettings::read(&mut env);
        let problems = env
            .finish()
            .err()
            .map(|e| e.problems.into_iter().map(|p| p.name).collect())
            .unwrap_or_default();
        (settings, problems)
    }

    #[test]
    fn local_defaults_are_enough() {
        let (settings, problems) = read(&[]);
        assert!(problems.is_empty(), "{problems:?}");
        let settings = settings.unwrap();
        assert_eq!(settings.letter.bank_name(), LOCAL_BANK_NAME);
        assert_eq!(settings.table, None);
    }

    #[test]
    fn aws_needs_table_bucket_and_the_banks_details_outside_local() {
        let (_, problems) = read(&[
            ("CDD_ENV", "prod"),
            ("CDD_BACKEND", "aws"),
            ("AWS_REGION", "eu-west-1"),
            ("CDD_AUTH_SECRET_ID", "cdd/auth"),
        ]);
        assert_eq!(
            problems,
            [
                "CDD_LETTERS_TABLE",
                "CDD_OUTBOUND_BUCKET",
                "CDD_BANK_NAME",
                "CDD_BANK_ADDRESS",
                "CDD_SIGNATORY_NAME",
                "CDD_SIGNATORY_TITLE"
            ]
        );
    }

    #[test]
    fn a_bad_address_is_named() {
        let (_, problems) = read(&[("CDD_BANK_ADDRESS", "a|b|c|d|e")]);
        assert_eq!(problems, ["CDD_BANK_ADDRESS"]);
    }

    #[test]
    fn a_fonts_dir_without_the_fonts_is_named() {
        let (settings, problems) = read(&[("CDD_LETTERS_FONTS_DIR", "/nonexistent/fonts")]);
        assert!(settings.is_none());
        assert_eq!(problems, ["CDD_LETTERS_FONTS_DIR"]);
    }

    #[test]
    fn address_lines_are_split_on_bars() {
        let (settings, _) = read(&[
            ("CDD_BANK_NAME", "Northbridge"),
            ("CDD_BANK_ADDRESS", "1 Harbour Street | London"),
            ("CDD_OUTBOUND_KMS_KEY_ID", "alias/outbound"),
        ]);
        let settings = settings.unwrap();
        assert_eq!(settings.kms_key_id.as_deref(), Some("alias/outbound"));
        assert_eq!(settings.letter.bank_name(), "Northbridge");
    }
}
