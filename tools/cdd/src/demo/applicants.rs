//! The customers the demo onboards and the files it uploads for them. All
//! FICTIONAL: the individual's name is close to entry 900002 of screening's
//! demo list ("ZANDERVOLK, Mirela", born circa 1981, Freedonia) so that
//! screening raises a potential match an analyst must clear.

use serde_json::{Value, json};

/// Someone applying to the bank, with what the analyst will conclude about
/// any potential sanctions match.
pub struct Applicant {
    pub name: &'static str,
    /// What makes this case worth showing.
    pub about: &'static str,
    pub application: Value,
    /// The analyst's reason for clearing a potential match as a false positive.
    pub false_positive_reason: &'static str,
}

/// An individual whose name hits the demo sanctions list.
pub fn listed_name_individual() -> Applicant {
    Applicant {
        name: "Mirela Zandervolk",
        about: "an individual whose name is on the FICTIONAL demo sanctions list",
        application: json!({
            "kind": "individual",
            "name": "Mirela Zandervolk",
            "birth_date": "1985-03-04",
            "nationalities": ["GB"],
            "country_of_residence": "GB",
            "address": {
                "line1": "14 Harbour Street",
                "city": "Bristol",
                "postal_code": "BS1 4QA",
                "country": "GB"
            },
            "occupation": "Architect",
            "products": ["current_account"]
        }),
        false_positive_reason: "Different person: the applicant was born on 1985-03-04 and is a British national resident in the UK; the listed person was born circa 1981 and is a national of Freedonia.",
    }
}

/// The director of the organisation below.
const DIRECTOR: &str = "Eleanor Whitcombe";
/// Its beneficial owner, with 60 %: his identity must be evidenced too.
const OWNER: &str = "Tomasz Brennan";

/// A company with a director and a beneficial owner.
pub fn organisation_with_owner() -> Applicant {
    Applicant {
        name: "Northwind Components Ltd",
        about: "an organisation with a director and a 60 % beneficial owner",
        application: json!({
            "kind": "organisation",
            "legal_name": "Northwind Components Ltd",
            "registration_number": "09876543",
            "country_of_incorporation": "GB",
            "address": {
                "line1": "Unit 7, Riverside Business Park",
                "city": "Leeds",
                "postal_code": "LS11 5DR",
                "country": "GB"
            },
            "related_parties": [
                {
                    "name": DIRECTOR,
                    "roles": ["director"],
                    "birth_date": "1976-09-21",
                    "nationalities": ["GB"],
                    "country_of_residence": "GB"
                },
                {
                    "name": OWNER,
                    "roles": ["beneficial_owner"],
                    "ownership_share": 60,
                    "birth_date": "1969-01-12",
                    "nationalities": ["GB"],
                    "country_of_residence": "GB"
                }
            ],
            "business_activity": "Manufacture of electronic components for industrial machinery",
            "products": ["current_account"]
        }),
        false_positive_reason: "Different person: date of birth, nationality and country of residence on file do not match the listed entry.",
    }
}

/// A small but real-looking PDF standing in for a scanned document; the
/// documents service checks the bytes, not only the declared type. Each
/// file names what it stands for, so no two are the same.
pub fn specimen_pdf(document_type: &str, whose: &str, customer_id: &str) -> Vec<u8> {
    format!(
        "%PDF-1.4\n% CDD demo specimen, not a real document: {document_type} of {whose} for {customer_id}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    .into_bytes()
}
