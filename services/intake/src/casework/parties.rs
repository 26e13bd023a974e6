//! The parties a case screens: the customer, and for an organisation every
//! related party. Each has a stable screening reference, so monitoring
//! alerts find their way back to the case and the party.

use cdd_contracts::screening::{ScreeningRequest, Subject, SubjectKind};
use sha2::{Digest, Sha256};

use crate::domain::customer::{CustomerProfile, RelatedParty};
use crate::domain::record::Customer;

/// A party to screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// `<customer id>` for the customer; `<customer id>.p<hash of the name>`
    /// for a related party (stable when parties are reordered or added).
    pub subject_ref: String,
    pub name: String,
    pub subject: Subject,
}

fn related_ref(customer: &Customer, party: &RelatedParty) -> String {
    let digest = Sha256::digest(party.name.trim().to_lowercase().as_bytes());
    format!("{}.p{}", customer.id, &hex::encode(digest)[..12])
}

/// The customer id a screening reference belongs to.
pub fn customer_of(subject_ref: &str) -> &str {
    subject_ref.split('.').next().unwrap_or(subject_ref)
}

/// Every party of the customer, the customer first.
pub fn of(customer: &Customer) -> Vec<Party> {
    match &customer.application.profile {
        CustomerProfile::Individual(p) => {
            let mut countries: Vec<String> =
                p.nationalities.iter().map(|c| c.to_string()).collect();
            countries.push(p.country_of_residence.to_string());
            countries.dedup();
            let identifiers = p
                .identity_documents
                .iter()
                .map(|d| d.number.clone())
                .collect();
            vec![Party {
                subject_ref: customer.id.to_string(),
                name: p.name.clone(),
                subject: Subject {
                    kind: SubjectKind::Person,
                    name: p.name.clone(),
                    birth_date: Some(p.birth_date.to_string()),
                    countries,
                    identifiers,
                },
            }]
        }
        CustomerProfile::Organisation(o) => {
            let mut parties = vec![Party {
                subject_ref: customer.id.to_string(),
                name: o.legal_name.clone(),
                subject: Subject {
                    kind: SubjectKind::Organisation,
                    name: o.legal_name.clone(),
                    birth_date: None,
                    countries: vec![o.country_of_incorporation.to_string()],
                    identifiers: vec![o.registration_number.clone()],
                },
            }];
            for party in &o.related_parties {
                let mut countries: Vec<String> =
                    party.nationalities.iter().map(|c| c.to_string()).collect();
                if let Some(c) = &party.country_of_residence {
                    countries.push(c.to_string());
                }
                countries.dedup();
                parties.push(Party {
                    subject_ref: related_ref(customer, party),
                    name: party.name.clone(),
                    subject: Subject {
                        kind: SubjectKind::Person,
                        name: party.name.clone(),
                        birth_date: party.birth_date.as_ref().map(|d| d.to_string()),
                        countries,
                        identifiers: Vec::new(),
                    },
                });
            }
            parties
        }
    }
}

/// The screening requests for the parties, enrolled for monitoring.
pub fn requests(parties: &[Party]) -> Vec<ScreeningRequest> {
    parties
        .iter()
        .map(|p| ScreeningRequest {
            subject: p.subject.clone(),
            subject_ref: Some(p.subject_ref.clone()),
            monitor: true,
        })
        .collect()
}
