//! The customers the demo onboards and the files it uploads for them. The
//! first two are FICTIONAL: the individual's name is close to entry 900002
//! of screening's demo list ("ZANDERVOLK, Mirela", born circa 1981,
//! Freedonia) so that screening raises a potential match an analyst must
//! clear. The third, onboarded only when screening holds the US Congress
//! PEP data, is a serving senator as that public data records him (name,
//! birthday, state); the address is the kind a bank would hold, not his.

use std::path::Path;

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
    /// For a politically exposed person: the analyst's reason for
    /// confirming a PEP alert (`confirmed_pep`) instead of clearing it.
    pub confirmed_pep_reason: Option<&'static str>,
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
        confirmed_pep_reason: None,
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
        confirmed_pep_reason: None,
    }
}

/// A serving US senator: screening raises a PEP alert the analyst
/// confirms, and the relationship needs enhanced due diligence, evidence
/// of his source of wealth and funds, and a senior manager's approval.
pub fn serving_senator() -> Applicant {
    Applicant {
        name: "Bernard Sanders",
        about: "a serving member of the US Congress: a politically exposed person",
        application: json!({
            "kind": "individual",
            "name": "Bernard Sanders",
            "birth_date": "1941-09-08",
            "nationalities": ["US"],
            "country_of_residence": "US",
            "address": {
                "line1": "1 Church Street",
                "city": "Burlington",
                "postal_code": "05401",
                "country": "US"
            },
            "occupation": "United States Senator",
            "products": ["current_account"]
        }),
        false_positive_reason: "Different person: name and date of birth do not match the listed entry.",
        confirmed_pep_reason: Some(
            "Same person: name, date of birth and state match the serving United States Senator for Vermont; the applicant's occupation confirms it.",
        ),
    }
}

/// Whether a `--lists-dir` (one folder or several, comma-separated, as
/// screening reads `CDD_LISTS_DIR`) holds the US Congress PEP data, in a
/// folder or one of its vintage sub-folders.
pub fn congress_data_in(lists_dir: &Path) -> bool {
    let holds = |dir: &Path| dir.join("legislators-current.yaml").is_file();
    lists_dir
        .to_string_lossy()
        .split(',')
        .map(|folder| Path::new(folder.trim()).to_path_buf())
        .any(|folder| {
            holds(&folder)
                || std::fs::read_dir(&folder)
                    .is_ok_and(|entries| entries.flatten().any(|e| holds(&e.path())))
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_congress_data_is_found_in_a_folder_a_vintage_or_one_of_several_folders() {
        let root = tempfile::tempdir().unwrap();
        let sanctions = root.path().join("sanctions");
        let pep = root.path().join("pep");
        let vintage = pep.join("us_congress-legislators_2026-06-15");
        std::fs::create_dir_all(sanctions.join("ofac_sdn_2024-05-03")).unwrap();
        std::fs::create_dir_all(&vintage).unwrap();
        assert!(!congress_data_in(&pep));
        std::fs::write(vintage.join("legislators-current.yaml"), "- id: {}\n").unwrap();
        assert!(congress_data_in(&pep));
        assert!(congress_data_in(&vintage));
        assert!(!congress_data_in(&sanctions));
        let both = format!("{},{}", sanctions.display(), pep.display());
        assert!(congress_data_in(Path::new(&both)));
        assert!(!congress_data_in(&root.path().join("missing")));
    }
}
