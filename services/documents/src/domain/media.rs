//! The file types a document may be, recognised by their first bytes.
//!
//! The declared `Content-Type` is never trusted alone: the file's magic
//! number decides, and a declaration that contradicts it is refused. The
//! checks are the published signatures:
//!
//! | type | signature |
//! |---|---|
//! | PDF | `%PDF-` |
//! | JPEG | `FF D8 FF` |
//! | PNG | `89 50 4E 47 0D 0A 1A 0A` |
//! | TIFF | `II*\0` (little-endian) or `MM\0*` (big-endian) |
//! | HEIC/HEIF | an ISO-BMFF `ftyp` box at offset 4 with brand `heic`, `heix`, `hevc`, `hevx`, `heim`, `heis`, `mif1` or `msf1` |

use serde::{Deserialize, Serialize};

/// Enough leading bytes to recognise every accepted type.
pub const SNIFF_BYTES: usize = 12;

/// An accepted file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
    Tiff,
    Heic,
}

impl MediaType {
    pub const ALL: [MediaType; 5] = [Self::Pdf, Self::Jpeg, Self::Png, Self::Tiff, Self::Heic];

    /// The canonical MIME type, sent back on download.
    pub fn mime(&self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Tiff => "image/tiff",
            Self::Heic => "image/heic",
        }
    }

    /// The declared MIME type, if it names an accepted type (parameters and
    /// case ignored; `image/heif` is HEIC's container and accepted as such).
    pub fn from_declared(content_type: &str) -> Option<Self> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/pdf" => Some(Self::Pdf),
            "image/jpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "image/tiff" => Some(Self::Tiff),
            "image/heic" | "image/heif" => Some(Self::Heic),
            _ => None,
        }
    }

    /// The type the leading bytes show, if any accepted one.
    pub fn sniff(head: &[u8]) -> Option<Self> {
        const HEIF_BRANDS: [&[u8; 4]; 8] = [
            b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
        ];
        if head.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Self::Png)
        } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
            Some(Self::Tiff)
        } else if head.len() >= 12
            && &head[4..8] == b"ftyp"
            && HEIF_BRANDS.iter().any(|brand| &head[8..12] == *brand)
        {
            Some(Self::Heic)
        } else {
            None
        }
    }

    pub fn accepted_list() -> String {
        Self::ALL
            .iter()
            .map(MediaType::mime)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_signature_is_recognised() {
        assert_eq!(MediaType::sniff(b"%PDF-1.7\n"), Some(MediaType::Pdf));
        assert_eq!(
            MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(MediaType::Jpeg)
        );
        assert_eq!(
            MediaType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(MediaType::Png)
        );
        assert_eq!(MediaType::sniff(b"II*\0\x08\0\0\0"), Some(MediaType::Tiff));
        assert_eq!(MediaType::sniff(b"MM\0*\0\0\0\x08"), Some(MediaType::Tiff));
        assert_eq!(
            MediaType::sniff(b"\0\0\0\x18ftypheic\0\0\0\0"),
            Some(MediaType::Heic)
        );
        assert_eq!(
            MediaType::sniff(b"\0\0\0\x18ftypisom"),
            None,
            "mp4 is not HEIC"
        );
        assert_eq!(MediaType::sniff(b"MZ\x90\0"), None);
        assert_eq!(MediaType::sniff(b""), None);
    }

    #[test]
    fn declared_types_ignore_case_and_parameters() {
        assert_eq!(
            MediaType::from_declared("Application/PDF; charset=binary"),
            Some(MediaType::Pdf)
        );
        assert_eq!(
            MediaType::from_declared("image/heif"),
            Some(MediaType::Heic)
        );
        assert_eq!(MediaType::from_declared("application/octet-stream"), None);
    }
}
