//! A stored document: what it is, where its bytes are, its checksum, its
//! verification, legal hold and retention, and the history of every change.

use std::fmt;
use std::str::FromStr;

use cdd_contracts::documents::types;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::ids::{CustomerId, DocumentId, Sha256Digest};
use super::media::MediaType;

// Dates on the wire and in the stores as `YYYY-MM-DD`.
time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// What the document is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    Passport,
    NationalIdentityCard,
    DrivingLicence,
    ProofOfAddress,
    CompanyRegistryExtract,
    OwnershipChart,
    SourceOfFundsEvidence,
    SourceOfWealthEvidence,
    Other,
}

impl DocumentType {
    pub const ALL: [DocumentType; 9] = [
        Self::Passport,
        Self::NationalIdentityCard,
        Self::DrivingLicence,
        Self::ProofOfAddress,
        Self::CompanyRegistryExtract,
        Self::OwnershipChart,
        Self::SourceOfFundsEvidence,
        Self::SourceOfWealthEvidence,
        Self::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Passport => "passport",
            Self::NationalIdentityCard => "national_identity_card",
            Self::DrivingLicence => "driving_licence",
            Self::ProofOfAddress => "proof_of_address",
            Self::CompanyRegistryExtract => "company_registry_extract",
            Self::OwnershipChart => "ownership_chart",
            Self::SourceOfFundsEvidence => types::SOURCE_OF_FUNDS_EVIDENCE,
            Self::SourceOfWealthEvidence => types::SOURCE_OF_WEALTH_EVIDENCE,
            Self::Other => "other",
        }
    }
}

impl FromStr for DocumentType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(DocumentType::as_str).collect();
                format!("must be one of: {}", names.join(", "))
            })
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An analyst's verdict on a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Pending,
    Verified,
    Rejected,
}

/// Where verification stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub status: VerificationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub at: Option<OffsetDateTime>,
}

/// A legal hold: while it is on, the document cannot be erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalHold {
    pub reason: String,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// What happened to a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DocumentEvent {
    Uploaded,
    Verified {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    Rejected {
        reason: String,
    },
    LegalHoldPlaced {
        reason: String,
    },
    LegalHoldReleased {
        reason: String,
    },
    Erased,
}

/// One entry of a document's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    #[serde(flatten)]
    pub event: DocumentEvent,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The document version this change produced.
    pub version: u64,
}

/// A document's metadata, as stored and as served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: DocumentId,
    pub customer_id: CustomerId,
    #[serde(rename = "type")]
    pub document_type: DocumentType,
    /// The related party (director, beneficial owner) the document is
    /// about, by name as the customer record gives it; absent for the
    /// customer's own documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    pub content_type: MediaType,
    pub size: u64,
    /// SHA-256 of the whole file, computed while it streamed in.
    pub sha256: Sha256Digest,
    pub object_key: String,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
    pub uploaded_by: String,
    #[serde(with = "iso_date")]
    pub retain_until: Date,
    pub verification: Verification,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_hold: Option<LegalHold>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub erased_at: Option<OffsetDateTime>,
    /// Increases with every change; updates are conditional on it.
    pub version: u64,
    pub history: Vec<HistoryEntry>,
}

/// Why a change to a document is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleViolation {
    #[error("the document was erased; it can no longer change")]
    Erased,
    #[error("the document is under a legal hold ({reason}); it cannot be erased")]
    LegalHold { reason: String },
    #[error("the document must be kept until {retain_until}; it cannot be erased before")]
    Retained { retain_until: Date },
}

/// A new document's description, before it is stored.
pub struct NewDocument {
    pub id: DocumentId,
    pub customer_id: CustomerId,
    pub document_type: DocumentType,
    pub party: Option<String>,
    pub content_type: MediaType,
    pub size: u64,
    pub sha256: Sha256Digest,
    pub object_key: String,
    pub uploaded_by: String,
    pub uploaded_at: OffsetDateTime,
    pub retain_until: Date,
}

impl Document {
    pub fn new(new: NewDocument) -> Self {
        let uploaded_at = new
            .uploaded_at
            .replace_nanosecond(0)
            .unwrap_or(new.uploaded_at);
        Self {
            id: new.id,
            customer_id: new.customer_id,
            document_type: new.document_type,
            party: new.party,
            content_type: new.content_type,
            size: new.size,
            sha256: new.sha256,
            object_key: new.object_key,
            uploaded_at,
            uploaded_by: new.uploaded_by.clone(),
            retain_until: new.retain_until,
            verification: Verification {
                status: VerificationStatus::Pending,
                reason: None,
                by: None,
                at: None,
            },
            legal_hold: None,
            erased_at: None,
            version: 1,
            history: vec![HistoryEntry {
                event: DocumentEvent::Uploaded,
                by: new.uploaded_by,
                at: uploaded_at,
                version: 1,
            }],
        }
    }

    fn record(&mut self, event: DocumentEvent, by: &str, at: OffsetDateTime) {
        self.version += 1;
        self.history.push(HistoryEntry {
            event,
            by: by.to_string(),
            at,
            version: self.version,
        });
    }

    fn not_erased(&self) -> Result<(), RuleViolation> {
        match self.erased_at {
            Some(_) => Err(RuleViolation::Erased),
            None => Ok(()),
        }
    }

    /// Marks the document verified or rejected (a rejection needs a reason).
    pub fn verify(
        &mut self,
        status: VerificationStatus,
        reason: Option<String>,
        by: &str,
        at: OffsetDateTime,
    ) -> Result<(), RuleViolation> {
        self.not_erased()?;
        let at = at.replace_nanosecond(0).unwrap_or(at);
        let event = match (status, &reason) {
            (VerificationStatus::Rejected, Some(r)) => {
                DocumentEvent::Rejected { reason: r.clone() }
            }
            (VerificationStatus::Verified, r) => DocumentEvent::Verified { reason: r.clone() },
            // The API never asks for these; they are not verdicts.
            _ => return Ok(()),
        };
        self.verification = Verification {
            status,
            reason,
            by: Some(by.to_string()),
            at: Some(at),
        };
        self.record(event, by, at);
        Ok(())
    }

    /// Places or releases a legal hold; no change (and no history entry)
    /// when it is already as asked.
    pub fn set_legal_hold(
        &mut self,
        on: bool,
        reason: String,
        by: &str,
        at: OffsetDateTime,
    ) -> Result<bool, RuleViolation> {
        self.not_erased()?;
        let at = at.replace_nanosecond(0).unwrap_or(at);
        match (on, self.legal_hold.is_some()) {
            (true, false) => {
                self.legal_hold = Some(LegalHold {
                    reason: reason.clone(),
                    by: by.to_string(),
                    at,
                });
                self.record(DocumentEvent::LegalHoldPlaced { reason }, by, at);
                Ok(true)
            }
            (false, true) => {
                self.legal_hold = None;
                self.record(DocumentEvent::LegalHoldReleased { reason }, by, at);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Whether the document may be erased on `today`.
    pub fn may_erase(&self, today: Date) -> Result<(), RuleViolation> {
        if let Some(hold) = &self.legal_hold {
            return Err(RuleViolation::LegalHold {
                reason: hold.reason.clone(),
            });
        }
        if today < self.retain_until {
            return Err(RuleViolation::Retained {
                retain_until: self.retain_until,
            });
        }
        Ok(())
    }

    /// Marks the document erased (its content is removed by the caller).
    pub fn erase(&mut self, by: &str, at: OffsetDateTime) -> Result<(), RuleViolation> {
        self.not_erased()?;
        self.may_erase(at.date())?;
        let at = at.replace_nanosecond(0).unwrap_or(at);
        self.erased_at = Some(at);
        self.record(DocumentEvent::Erased, by, at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    fn doc(retain_until: Date) -> Document {
        let customer_id = CustomerId::parse("cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e").unwrap();
        let id = DocumentId::generate();
        Document::new(NewDocument {
            object_key: super::super::ids::object_key(&customer_id, &id),
            id,
            customer_id,
            document_type: DocumentType::Passport,
            party: None,
            content_type: MediaType::Pdf,
            size: 10,
            sha256: Sha256Digest::of(b"x"),
            uploaded_by: "clerk-1".into(),
            uploaded_at: datetime!(2026-01-01 10:00 UTC),
            retain_until,
        })
    }

    #[test]
    fn the_types_intake_relies_on_are_spelled_as_the_contract_says() {
        for name in [
            types::SOURCE_OF_FUNDS_EVIDENCE,
            types::SOURCE_OF_WEALTH_EVIDENCE,
        ] {
            let parsed: DocumentType = name.parse().unwrap();
            assert_eq!(parsed.as_str(), name);
        }
        assert!("source_of_wealth".parse::<DocumentType>().is_err());
    }

    #[test]
    fn every_change_is_in_the_history_with_its_version() {
        let mut d = doc(date!(2031 - 01 - 01));
        let at = datetime!(2026-01-02 10:00 UTC);
        d.verify(
            VerificationStatus::Rejected,
            Some("blurred".into()),
            "analyst-1",
            at,
        )
        .unwrap();
        assert!(
            d.set_legal_hold(true, "subpoena".into(), "analyst-1", at)
                .unwrap()
        );
        assert!(
            !d.set_legal_hold(true, "again".into(), "analyst-1", at)
                .unwrap()
        );
        assert_eq!(d.version, 3);
        let versions: Vec<u64> = d.history.iter().map(|h| h.version).collect();
        assert_eq!(versions, [1, 2, 3]);
        assert_eq!(d.verification.status, VerificationStatus::Rejected);
    }

    #[test]
    fn erasure_waits_for_retention_and_holds() {
        let mut d = doc(date!(2031 - 01 - 01));
        let early = datetime!(2030-12-31 23:00 UTC);
        assert!(matches!(
            d.erase("a", early),
            Err(RuleViolation::Retained { .. })
        ));
        let late = datetime!(2031-01-01 00:00 UTC);
        d.set_legal_hold(true, "litigation".into(), "a", late)
            .unwrap();
        assert!(matches!(
            d.erase("a", late),
            Err(RuleViolation::LegalHold { .. })
        ));
        d.set_legal_hold(false, "settled".into(), "a", late)
            .unwrap();
        d.erase("a", late).unwrap();
        assert_eq!(d.erase("a", late), Err(RuleViolation::Erased));
    }
}
