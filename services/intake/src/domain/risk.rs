//! Customer risk rating, with every reason written down.
//!
//! A rating adds up points from risk factors (country, customer type,
//! ownership complexity, PEP status, products, and screening alerts once
//! screening runs). Some factors oblige enhanced due diligence whatever the
//! total: a politically exposed person (FATF Recommendation 12) and a
//! connection to a high-risk third country under a FATF call for action
//! (Recommendation 19). The level then sets the CDD level, the documents the
//! case requires and the date of the next periodic review.
//!
//! # Politically exposed persons
//! The bank's PEP rules live here, and only here:
//! - a PEP is a party who ticked the box on the application, or whom an
//!   analyst confirmed on a PEP screening alert (`confirmed_pep`);
//! - screening says whether a PEP is *current* (holds a function, or left
//!   the last one within the bank's period, `CDD_PEP_CURRENT_FOR_MONTHS`,
//!   default 12) or *former* (left longer ago);
//! - a current PEP, and a ticked box, make the case a PEP relationship:
//!   high risk, enhanced due diligence, evidence of the PEP's source of
//!   wealth and of the customer's source of funds, and approval by senior
//!   management ([`RiskAssessment::politically_exposed`]);
//! - a former PEP is rated by the bank's policy ([`FormerPepRating`],
//!   `CDD_PEP_FORMER_RATING`): `medium` (the default: FATF R.12 leaves the
//!   risk-based treatment of a person out of office to the bank, and
//!   treating every former PEP as current for ever would drown the cases
//!   that matter) or `high` (still a PEP relationship).

use cdd_contracts::documents::types::{SOURCE_OF_FUNDS_EVIDENCE, SOURCE_OF_WEALTH_EVIDENCE};
use cdd_contracts::screening::PepStatus;
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
    /// A PEP relationship (FATF R.12): on top of enhanced due diligence,
    /// the decision to approve must be taken by senior management. The
    /// factors coded `pep.*` say who and why.
    #[serde(default)]
    pub politically_exposed: bool,
}

/// A party an analyst confirmed as a politically exposed person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedPep {
    pub party: String,
    /// The customer itself rather than one of its related parties.
    pub is_customer: bool,
    pub status: PepStatus,
    /// The function, e.g. `Member of Parliament (ES), since 2019-05-21`.
    pub position: Option<String>,
    /// Screening's words on why current or former.
    pub standing: Option<String>,
}

impl ConfirmedPep {
    fn who(&self) -> String {
        if self.is_customer {
            format!("the customer {}", self.party)
        } else {
            format!("related party {}", self.party)
        }
    }

    fn what(&self) -> String {
        let position = self
            .position
            .as_deref()
            .unwrap_or("no function given by the list");
        match &self.standing {
            Some(standing) => format!("{position}; {standing}"),
            None => position.to_string(),
        }
    }
}

/// What screening found on the case's parties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// Potential matches (any list) not yet disposed.
    pub open_alerts: usize,
    /// Alerts an analyst confirmed as true matches (sanctions, crime or
    /// internal lists).
    pub confirmed_matches: usize,
    /// Parties an analyst confirmed as PEPs on a PEP alert.
    pub confirmed_peps: Vec<ConfirmedPep>,
}

impl Findings {
    pub const NONE: Findings = Findings {
        open_alerts: 0,
        confirmed_matches: 0,
        confirmed_peps: Vec::new(),
    };
}

/// How the bank rates a confirmed former PEP (`CDD_PEP_FORMER_RATING`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FormerPepRating {
    /// At least medium risk; no enhanced due diligence for that alone.
    #[default]
    Medium,
    /// Treated as a current PEP.
    High,
}

impl FormerPepRating {
    pub const NAMES: &[&str] = &["medium", "high"];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Medium, Self::High]
            .into_iter()
            .find(|r| r.as_str() == raw)
    }
}

/// Whose source of wealth a PEP relationship must evidence: `None` for the
/// customer, else the related party's name.
type PepParty = Option<String>;

/// Points at or above which a case is high risk.
pub const HIGH_FROM: u32 = 5;
/// Points at or above which a case is medium risk.
pub const MEDIUM_FROM: u32 = 2;

/// Rates applications against the FATF lists and the bank's PEP policy.
#[derive(Debug, Clone)]
pub struct RiskRater {
    fatf: FatfLists,
    former_pep: FormerPepRating,
}

struct Tally {
    factors: Vec<RiskFactor>,
    /// The PEPs that make the case a PEP relationship, without repeats.
    peps: Vec<PepParty>,
}

impl Tally {
    fn pep(&mut self, party: PepParty) {
        if !self.peps.contains(&party) {
            self.peps.push(party);
        }
    }
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
        Self {
            fatf,
            former_pep: FormerPepRating::default(),
        }
    }

    /// The bank's rating of a confirmed former PEP.
    pub fn with_former_pep_rating(mut self, rating: FormerPepRating) -> Self {
        self.former_pep = rating;
        self
    }

    /// Rates the application with what screening found so far.
    pub fn rate(&self, app: &Application, findings: Findings) -> RiskAssessment {
        let Findings {
            open_alerts,
            confirmed_matches,
            confirmed_peps,
        } = findings;
        let mut tally = Tally {
            factors: Vec::new(),
            peps: Vec::new(),
        };
        self.rate_countries(app, &mut tally);
        match &app.profile {
            CustomerProfile::Individual(p) => {
                if p.pep {
                    tally.add(
                        "pep.customer",
                        4,
                        true,
                        format!("the customer {} declared being a politically exposed person (enhanced due diligence, source of wealth and funds and senior-management approval required, FATF R.12)", p.name),
                    );
                    tally.pep(None);
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
                let peps: Vec<&str> = o
                    .related_parties
                    .iter()
                    .filter(|p| p.pep)
                    .map(|p| p.name.as_str())
                    .collect();
                if !peps.is_empty() {
                    tally.add(
                        "pep.related_party",
                        4,
                        true,
                        format!("related part{} {} declared as politically exposed (enhanced due diligence, source of wealth and funds and senior-management approval required, FATF R.12)", if peps.len() == 1 { "y" } else { "ies" }, peps.join(", ")),
                    );
                    for name in peps {
                        tally.pep(Some(name.to_string()));
                    }
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
                    "{open_alerts} potential screening match{} not yet disposed",
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
                    "{confirmed_matches} confirmed by an analyst as a true match on a sanctions, crime or internal list"
                ),
            );
        }
        for pep in &confirmed_peps {
            self.rate_confirmed_pep(pep, &mut tally);
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
            required_documents: required_documents(app, cdd_level, &tally.peps),
            factors: tally.factors,
            review_interval_months,
            fatf_lists_as_of: self.fatf.as_of.clone(),
            politically_exposed: !tally.peps.is_empty(),
        }
    }

    /// A PEP an analyst confirmed: current, or former under the bank's policy.
    fn rate_confirmed_pep(&self, pep: &ConfirmedPep, tally: &mut Tally) {
        let party = (!pep.is_customer).then(|| pep.party.clone());
        match (pep.status, self.former_pep) {
            (PepStatus::Current, _) => {
                tally.add(
                    "pep.confirmed",
                    4,
                    true,
                    format!(
                        "{} is confirmed by an analyst as a politically exposed person: {} (enhanced due diligence, source of wealth and funds and senior-management approval required, FATF R.12)",
                        pep.who(),
                        pep.what()
                    ),
                );
                tally.pep(party);
            }
            (PepStatus::Former, FormerPepRating::High) => {
                tally.add(
                    "pep.former",
                    4,
                    true,
                    format!(
                        "{} is confirmed by an analyst as a former politically exposed person: {}; the bank's policy (CDD_PEP_FORMER_RATING=high) treats a former PEP as a current one (enhanced due diligence, source of wealth and funds and senior-management approval required)",
                        pep.who(),
                        pep.what()
                    ),
                );
                tally.pep(party);
            }
            (PepStatus::Former, FormerPepRating::Medium) => tally.add(
                "pep.former",
                MEDIUM_FROM,
                false,
                format!(
                    "{} is confirmed by an analyst as a former politically exposed person: {}; the bank's policy (CDD_PEP_FORMER_RATING=medium) rates a former PEP at least medium risk, without enhanced due diligence for that alone",
                    pep.who(),
                    pep.what()
                ),
            ),
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

/// The documents a case needs at a CDD level; a PEP relationship also
/// needs each PEP's source of wealth (FATF R.12).
pub fn required_documents(
    app: &Application,
    level: CddLevel,
    peps: &[PepParty],
) -> Vec<RequiredDocument> {
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
    if level == CddLevel::Enhanced || !peps.is_empty() {
        docs.push(doc("source_of_funds", &[SOURCE_OF_FUNDS_EVIDENCE], None));
    }
    for party in peps {
        docs.push(doc(
            "source_of_wealth",
            &[SOURCE_OF_WEALTH_EVIDENCE],
            party.as_deref(),
        ));
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
        assert!(r.factors[0].reason.contains("Maria Lopez"));
        assert!(r.politically_exposed);
        assert_eq!(
            requirements(&r),
            [
                ("identity_document", None),
                ("proof_of_address", None),
                ("source_of_funds", None),
                ("source_of_wealth", None)
            ]
        );
        assert_eq!(r.review_interval_months, 12);
    }

    fn requirements(r: &RiskAssessment) -> Vec<(&str, Option<&str>)> {
        r.required_documents
            .iter()
            .map(|d| (d.requirement.as_str(), d.party.as_deref()))
            .collect()
    }

    fn confirmed(party: &str, is_customer: bool, status: PepStatus) -> Findings {
        Findings {
            confirmed_peps: vec![ConfirmedPep {
                party: party.into(),
                is_customer,
                status,
                position: Some("Member of Parliament (ES), since 2019-05-21".into()),
                standing: Some("holds the function Member of Parliament".into()),
            }],
            ..Findings::NONE
        }
    }

    fn owned_by(owner: &str) -> Application {
        app(
            json!({"kind":"organisation","legal_name":"Acme SL","registration_number":"1",
            "country_of_incorporation":"ES","address":{"line1":"Calle 1","city":"Madrid","country":"ES"},
            "related_parties":[{"name":owner,"role":"beneficial_owner","ownership_share":100.0}]}),
        )
    }

    #[test]
    fn a_confirmed_current_pep_makes_a_pep_relationship_naming_who_and_which_function() {
        let rater = RiskRater::new(FatfLists::bundled());
        let r = rater.rate(
            &individual("ES", false),
            confirmed("Maria Lopez", true, PepStatus::Current),
        );
        assert_eq!(
            (r.level, r.cdd_level, r.politically_exposed),
            (RiskLevel::High, CddLevel::Enhanced, true)
        );
        let pep = r
            .factors
            .iter()
            .find(|f| f.code == "pep.confirmed")
            .unwrap();
        assert!(
            pep.reason.contains("the customer Maria Lopez"),
            "{}",
            pep.reason
        );
        assert!(
            pep.reason.contains("Member of Parliament (ES)"),
            "{}",
            pep.reason
        );
        assert!(requirements(&r).contains(&("source_of_wealth", None)));
        assert!(requirements(&r).contains(&("source_of_funds", None)));

        // A beneficial owner confirmed as a PEP: her source of wealth, the
        // company's source of funds.
        let r = rater.rate(
            &owned_by("Ana Ruiz"),
            confirmed("Ana Ruiz", false, PepStatus::Current),
        );
        assert!(r.politically_exposed);
        let pep = r
            .factors
            .iter()
            .find(|f| f.code == "pep.confirmed")
            .unwrap();
        assert!(
            pep.reason.contains("related party Ana Ruiz"),
            "{}",
            pep.reason
        );
        assert!(requirements(&r).contains(&("source_of_wealth", Some("Ana Ruiz"))));
        assert!(requirements(&r).contains(&("source_of_funds", None)));
        assert!(!requirements(&r).contains(&("source_of_wealth", None)));
    }

    #[test]
    fn a_former_pep_is_rated_by_the_banks_policy_with_the_reason() {
        let former = confirmed("Maria Lopez", true, PepStatus::Former);
        // Default: at least medium, no enhanced due diligence, no senior management.
        let r = RiskRater::new(FatfLists::bundled()).rate(&individual("ES", false), former.clone());
        assert_eq!(
            (r.level, r.cdd_level, r.politically_exposed),
            (RiskLevel::Medium, CddLevel::Standard, false)
        );
        let f = r.factors.iter().find(|f| f.code == "pep.former").unwrap();
        assert!(!f.requires_enhanced);
        assert!(
            f.reason.contains("former politically exposed"),
            "{}",
            f.reason
        );
        assert!(
            f.reason.contains("CDD_PEP_FORMER_RATING=medium"),
            "{}",
            f.reason
        );
        assert!(
            !requirements(&r)
                .iter()
                .any(|(req, _)| req.starts_with("source_of"))
        );

        // The bank may keep former PEPs under the full PEP measures.
        let r = RiskRater::new(FatfLists::bundled())
            .with_former_pep_rating(FormerPepRating::High)
            .rate(&individual("ES", false), former);
        assert_eq!(
            (r.level, r.cdd_level, r.politically_exposed),
            (RiskLevel::High, CddLevel::Enhanced, true)
        );
        assert!(
            r.factors
                .iter()
                .any(|f| f.reason.contains("CDD_PEP_FORMER_RATING=high"))
        );
        assert!(requirements(&r).contains(&("source_of_wealth", None)));
    }

    #[test]
    fn a_pep_both_declared_and_confirmed_needs_one_source_of_wealth() {
        let r = RiskRater::new(FatfLists::bundled()).rate(
            &individual("ES", true),
            confirmed("Maria Lopez", true, PepStatus::Current),
        );
        let wealth = requirements(&r)
            .iter()
            .filter(|(req, _)| *req == "source_of_wealth")
            .count();
        assert_eq!(wealth, 1);
        assert!(r.factors.iter().any(|f| f.code == "pep.customer"));
        assert!(r.factors.iter().any(|f| f.code == "pep.confirmed"));
    }

    #[test]
    fn a_declared_pep_related_party_is_named() {
        let a = app(
            json!({"kind":"organisation","legal_name":"Acme SL","registration_number":"1",
            "country_of_incorporation":"ES","address":{"line1":"Calle 1","city":"Madrid","country":"ES"},
            "related_parties":[{"name":"Ana Ruiz","role":"beneficial_owner","ownership_share":100.0,"pep":true}]}),
        );
        let r = RiskRater::new(FatfLists::bundled()).rate(&a, Findings::NONE);
        assert!(r.politically_exposed);
        let f = r
            .factors
            .iter()
            .find(|f| f.code == "pep.related_party")
            .unwrap();
        assert!(f.reason.contains("Ana Ruiz"), "{}", f.reason);
        assert!(requirements(&r).contains(&("source_of_wealth", Some("Ana Ruiz"))));
    }

    #[test]
    fn no_pep_no_pep_measures() {
        let r = RiskRater::new(FatfLists::bundled()).rate(&individual("IR", false), Findings::NONE);
        assert_eq!(r.cdd_level, CddLevel::Enhanced);
        assert!(!r.politically_exposed);
        assert!(requirements(&r).contains(&("source_of_funds", None)));
        assert!(!requirements(&r).contains(&("source_of_wealth", None)));
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
                ..Findings::NONE
            },
        );
        assert_eq!(r.level, RiskLevel::High);
        assert!(
            r.factors
                .iter()
                .any(|f| f.reason.contains("2 potential screening matches"))
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
