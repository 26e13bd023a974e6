//! Customer risk rating, with every reason written down.
//!
//! A rating adds up points from risk factors (country, customer type,
//! ownership complexity, PEP status, products, and sanctions alerts once
//! screening runs). Some factors oblige enhanced due diligence whatever the
//! total: a politically exposed person (FATF Recommendation 12) and a
//! connection to a high-risk third country under a FATF call for action
//! (Recommendation 19). The level then sets the CDD level, the documents the
//! case requires and the date of the next periodic review.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::country::CountryCode;
use super::customer::{Application, CalendarDate, CustomerProfile, Product};

/// The FATF jurisdiction lists, kept as data in the repository.
#[derive(Debug, Clone, Deserialize)]
pub struct FatfLists {
    pub as_of: String,
    pub call_for_action: Vec<CountryCode>,
    pub increased_monitoring: Vec<CountryCode>,
}

impl FatfLists {
    /// The lists shipped in `data/fatf-jurisdictions.json`.
    pub fn bundled() -> Self {
        serde_json::from_str(include_str!("../../data/fatf-jurisdictions.json"))
            .expect("data/fatf-jurisdictions.json is valid (checked by a test)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

/// How much due diligence the case needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CddLevel {
    Simplified,
    Standard,
    Enhanced,
}

/// One reason that moved the rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskFactor {
    pub code: String,
    pub points: u32,
    pub reason: String,
    /// This factor alone requires enhanced due diligence.
    pub requires_enhanced: bool,
}

/// A document the case requires before a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequiredDocument {
    /// What is required, e.g. `identity_document`.
    pub requirement: String,
    /// Document types that satisfy it (as the documents service names them).
    pub accepted_types: Vec<String>,
    /// Whose document: the customer, or a named related party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
}

/// The outcome of a rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskAssessment {
    pub level: RiskLevel,
    pub score: u32,
    pub cdd_level: CddLevel,
    pub factors: Vec<RiskFactor>,
    pub required_documents: Vec<RequiredDocument>,
    /// Months until the next periodic review (12, 36 or 60).
    pub review_interval_months: u32,
    /// Which FATF lists the rating used.
    pub fatf_lists_as_of: String,
}

/// What screening found on the case's parties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Findings {
    /// Potential sanctions matches not yet disposed.
    pub open_alerts: usize,
    /// Alerts an analyst confirmed as true matches.
    pub confirmed_matches: usize,
}

impl Findings {
    pub const NONE: Findings = Findings {
        open_alerts: 0,
        confirmed_matches: 0,
    };
}

/// Points at or above which a case is high risk.
pub const HIGH_FROM: u32 = 5;
/// Points at or above which a case is medium risk.
pub const MEDIUM_FROM: u32 = 2;

/// Rates applications against the FATF lists.
#[derive(Debug, Clone)]
pub struct RiskRater {
    fatf: FatfLists,
}

struct Tally {
    factors: Vec<RiskFactor>,
}

impl Tally {
    fn add(&mut self, code: &str, points: u32, requires_enhanced: bool, reason: String) {
        self.factors.push(RiskFactor {
            code: code.to_string(),
            points,
            reason,
            requires_enhanced,
        });
    }
}

impl RiskRater {
    pub fn new(fatf: FatfLists) -> Self {
        Self { fatf }
    }

    /// Rates the application with what screening found so far.
    pub fn rate(&self, app: &Application, findings: Findings) -> RiskAssessment {
        let Findings {
            open_alerts,
            confirmed_matches,
        } = findings;
        let mut tally = Tally {
            factors: Vec::new(),
        };
        self.rate_countries(app, &mut tally);
        match &app.profile {
            CustomerProfile::Individual(p) => {
                if p.pep {
                    tally.add(
                        "pep.customer",
                        4,
                        true,
                        "the customer is a politically exposed person (enhanced due diligence required, FATF R.12)".into(),
                    );
                }
            }
            CustomerProfile::Organisation(o) => {
                tally.add(
                    "customer_type.organisation",
                    1,
                    false,
                    "the customer is a legal person, whose ownership must be understood".into(),
                );
                let owners: Vec<_> = o
                    .related_parties
                    .iter()
                    .filter(|p| p.is_beneficial_owner())
                    .collect();
                if owners.is_empty() {
                    tally.add(
                        "ownership.no_beneficial_owner",
                        3,
                        false,
                        "no beneficial owner is declared".into(),
                    );
                }
                let declared: f64 = o
                    .related_parties
                    .iter()
                    .filter_map(|p| p.ownership_share)
                    .sum();
                if !owners.is_empty() && declared < 50.0 {
                    tally.add(
                        "ownership.opaque",
                        2,
                        false,
                        format!("only {declared:.0}% of the ownership is accounted for by declared parties"),
                    );
                }
                if o.related_parties.len() > 6 {
                    tally.add(
                        "ownership.complex",
                        1,
                        false,
                        format!(
                            "{} related parties make the structure complex",
                            o.related_parties.len()
                        ),
                    );
                }
                let peps = o.related_parties.iter().filter(|p| p.pep).count();
                if peps > 0 {
                    tally.add(
                        "pep.related_party",
                        4,
                        true,
                        format!("{peps} related part{} politically exposed (enhanced due diligence required, FATF R.12)", if peps == 1 { "y is" } else { "ies are" }),
                    );
                }
            }
        }
        for product in &app.products {
            let points = match product {
                Product::PrivateBanking | Product::CorrespondentBanking => 2,
                Product::TradeFinance | Product::Custody => 1,
                _ => 0,
            };
            if points > 0 {
                tally.add(
                    &format!("product.{}", product.as_str()),
                    points,
                    false,
                    format!(
                        "the product {} carries higher money-laundering risk",
                        product.as_str()
                    ),
                );
            }
        }
        if open_alerts > 0 {
            tally.add(
                "screening.open_alerts",
                5,
                true,
                format!(
                    "{open_alerts} potential sanctions match{} not yet disposed",
                    if open_alerts == 1 { " is" } else { "es are" }
                ),
            );
        }
        if confirmed_matches > 0 {
            tally.add(
                "screening.confirmed_match",
                10,
                true,
                format!(
                    "{confirmed_matches} party confirmed as a true sanctions match by an analyst"
                ),
            );
        }
        let score: u32 = tally.factors.iter().map(|f| f.points).sum();
        let mandatory = tally.factors.iter().any(|f| f.requires_enhanced);
        let level = if mandatory || score >= HIGH_FROM {
            RiskLevel::High
        } else if score >= MEDIUM_FROM {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        };
        let cdd_level = match level {
            RiskLevel::Low if tally.factors.is_empty() => CddLevel::Simplified,
            RiskLevel::Low | RiskLevel::Medium => CddLevel::Standard,
            RiskLevel::High => CddLevel::Enhanced,
        };
        let review_interval_months = match level {
            RiskLevel::High => 12,
            RiskLevel::Medium => 36,
            RiskLevel::Low => 60,
        };
        RiskAssessment {
            level,
            score,
            cdd_level,
            required_documents: required_documents(app, cdd_level),
            factors: tally.factors,
            review_interval_months,
            fatf_lists_as_of: self.fatf.as_of.clone(),
        }
    }

    fn rate_countries(&self, app: &Application, tally: &mut Tally) {
        // Every country the customer or a related party is tied to, with how.
        let mut ties: Vec<(String, &CountryCode)> = Vec::new();
        match &app.profile {
            CustomerProfile::Individual(p) => {
                ties.push(("country of residence".into(), &p.country_of_residence));
                for n in &p.nationalities {
                    ties.push(("nationality".into(), n));
                }
                ties.push(("address country".into(), &p.address.country));
            }
            CustomerProfile::Organisation(o) => {
                ties.push((
                    "country of incorporation".into(),
                    &o.country_of_incorporation,
                ));
                ties.push(("address country".into(), &o.address.country));
                for (i, party) in o.related_parties.iter().enumerate() {
                    if let Some(c) = &party.country_of_residence {
                        ties.push((format!("related party {} residence", i + 1), c));
                    }
                    for n in &party.nationalities {
                        ties.push((format!("related party {} nationality", i + 1), n));
                    }
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (how, country) in ties {
            if !seen.insert(country.clone()) {
                continue;
            }
            if self.fatf.call_for_action.contains(country) {
                tally.add(
                    "country.call_for_action",
                    5,
                    true,
                    format!(
                        "{how} {country} is a high-risk jurisdiction subject to a FATF call for action (lists as of {})",
                        self.fatf.as_of
                    ),
                );
            } else if self.fatf.increased_monitoring.contains(country) {
                tally.add(
                    "country.increased_monitoring",
                    2,
                    false,
                    format!(
                        "{how} {country} is under FATF increased monitoring (lists as of {})",
                        self.fatf.as_of
                    ),
                );
            }
        }
    }
}

fn doc(requirement: &str, types: &[&str], party: Option<&str>) -> RequiredDocument {
    RequiredDocument {
        requirement: requirement.to_string(),
        accepted_types: types.iter().map(|t| t.to_string()).collect(),
        party: party.map(str::to_string),
    }
}

const IDENTITY: &[&str] = &["passport", "national_identity_card"];
const IDENTITY_OR_LICENCE: &[&str] = &["passport", "national_identity_card", "driving_licence"];

/// The documents a case needs at a CDD level.
pub fn required_documents(app: &Application, level: CddLevel) -> Vec<RequiredDocument> {
    let mut docs = Vec::new();
    match &app.profile {
        CustomerProfile::Individual(_) => match level {
            CddLevel::Simplified => docs.push(doc("identity_document", IDENTITY_OR_LICENCE, None)),
            CddLevel::Standard | CddLevel::Enhanced => {
                docs.push(doc("identity_document", IDENTITY, None));
                docs.push(doc("proof_of_address", &["proof_of_address"], None));
            }
        },
        CustomerProfile::Organisation(o) => {
            docs.push(doc(
                "company_registry_extract",
                &["company_registry_extract"],
                None,
            ));
            if level != CddLevel::Simplified {
                docs.push(doc("ownership_chart", &["ownership_chart"], None));
                docs.push(doc("proof_of_address", &["proof_of_address"], None));
                for party in o.related_parties.iter().filter(|p| p.is_beneficial_owner()) {
                    docs.push(doc("identity_document", IDENTITY, Some(&party.name)));
                }
            }
        }
    }
    if level == CddLevel::Enhanced {
        docs.push(doc("source_of_funds", &["source_of_funds_evidence"], None));
    }
    docs
}

/// The date of the next periodic review, `months` after `from`.
pub fn next_review(from: Date, months: u32) -> CalendarDate {
    let total = from.month() as i32 - 1 + months as i32;
    let year = from.year() + total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let day = from.day().min(time::util::days_in_month(month, year));
    CalendarDate(Date::from_calendar_date(year, month, day).unwrap_or(from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdd_platform::json::FieldErrors;
    use serde_json::json;

    fn app(v: serde_json::Value) -> Application {
        let mut e = FieldErrors::new();
        let a = Application::parse(&v, &mut e);
        assert!(e.is_empty(), "{:?}", e.into_vec());
        a.unwrap()
    }

    fn individual(country: &str, pep: bool) -> Application {
        app(
            json!({"kind":"individual","name":"Maria Lopez","birth_date":"1980-02-03","nationalities":[country],
            "country_of_residence":country,"address":{"line1":"Calle 1","city":"Madrid","country":country},"pep":pep}),
        )
    }

    #[test]
    fn the_bundled_fatf_lists_parse() {
        let f = FatfLists::bundled();
        assert!(f.call_for_action.iter().any(|c| c.as_str() == "KP"));
        assert!(!f.increased_monitoring.is_empty());
    }

    #[test]
    fn a_plain_resident_individual_gets_simplified_due_diligence() {
        let r = RiskRater::new(FatfLists::bundled()).rate(&individual("ES", false), Findings::NONE);
        assert_eq!(
            (r.level, r.cdd_level, r.score),
            (RiskLevel::Low, CddLevel::Simplified, 0)
        );
        assert!(r.factors.is_empty());
        assert_eq!(r.review_interval_months, 60);
        assert_eq!(r.required_documents.len(), 1);
    }

    #[test]
    fn a_pep_always_gets_enhanced_due_diligence_with_the_reason() {
        let r = RiskRater::new(FatfLists::bundled()).rate(&individual("ES", true), Findings::NONE);
        assert_eq!(
            (r.level, r.cdd_level),
            (RiskLevel::High, CddLevel::Enhanced)
        );
        assert!(r.factors[0].reason.contains("politically exposed"));
        assert!(
            r.required_documents
                .iter()
                .any(|d| d.requirement == "source_of_funds")
        );
        assert_eq!(r.review_interval_months, 12);
    }

    #[test]
    fn call_for_action_countries_mandate_enhanced_and_grey_list_adds_points() {
        let rater = RiskRater::new(FatfLists::bundled());
        let r = rater.rate(&individual("IR", false), Findings::NONE);
        assert_eq!(r.cdd_level, CddLevel::Enhanced);
        assert!(
            r.factors
                .iter()
                .all(|f| f.code == "country.call_for_action")
        );
        let r = rater.rate(&individual("NG", false), Findings::NONE);
        assert_eq!((r.level, r.score), (RiskLevel::Medium, 2));
        assert!(r.factors[0].reason.contains("NG"));
    }

    #[test]
    fn open_sanctions_alerts_make_the_case_high_risk() {
        let r = RiskRater::new(FatfLists::bundled()).rate(
            &individual("ES", false),
            Findings {
                open_alerts: 2,
                confirmed_matches: 0,
            },
        );
        assert_eq!(r.level, RiskLevel::High);
        assert!(
            r.factors
                .iter()
                .any(|f| f.reason.contains("2 potential sanctions matches"))
        );
    }

    #[test]
    fn organisations_without_owners_are_medium_or_worse() {
        let a = app(
            json!({"kind":"organisation","legal_name":"Acme Ltd","registration_number":"1",
            "country_of_incorporation":"GB","address":{"line1":"1 High St","city":"London","country":"GB"},
            "related_parties":[{"name":"Jo Bloggs","role":"director"}],"products":["trade_finance"]}),
        );
        let r = RiskRater::new(FatfLists::bundled()).rate(&a, Findings::NONE);
        assert_eq!(r.score, 1 + 3 + 1);
        assert_eq!(r.level, RiskLevel::High);
        assert!(
            r.required_documents
                .iter()
                .any(|d| d.requirement == "ownership_chart")
        );
    }

    #[test]
    fn review_dates_follow_the_calendar() {
        let d = Date::from_calendar_date(2024, Month::January, 31).unwrap();
        assert_eq!(next_review(d, 1).to_string(), "2024-02-29");
        assert_eq!(next_review(d, 12).to_string(), "2025-01-31");
        assert_eq!(next_review(d, 60).to_string(), "2029-01-31");
    }
}
