//! A customer as the bank knows it: an individual, or an organisation with
//! its related parties. Values are parsed once at the edge
//! ([`CustomerProfile::parse`]) and are valid from then on.
//!
//! The JSON a clerk submits and the JSON stored are the same shape, so a
//! `PATCH` is a merge of the stored profile with the change, parsed again by
//! the same rules.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

use cdd_platform::json::{FieldErrors, JsonObject};

use super::country::CountryCode;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// Longest name, address line or free-text field accepted, in characters.
const MAX_TEXT: usize = 200;
const MAX_PARTIES: usize = 100;
const MAX_DOCUMENTS: usize = 20;
const MAX_COUNTRIES: usize = 10;

/// A calendar date (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CalendarDate(#[serde(with = "iso_date")] pub Date);

impl CalendarDate {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        Date::parse(raw, &format)
            .map(Self)
            .map_err(|_| "must be a date as YYYY-MM-DD".to_string())
    }
}

impl std::fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let text = self.0.format(&format).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    pub city: String,
    pub country: CountryCode,
}

/// Kinds of identity document a customer can present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityDocumentType {
    Passport,
    NationalIdentityCard,
    DrivingLicence,
}

impl IdentityDocumentType {
    const NAMES: &[&str] = &["passport", "national_identity_card", "driving_licence"];
    fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "passport" => Self::Passport,
            "national_identity_card" => Self::NationalIdentityCard,
            "driving_licence" => Self::DrivingLicence,
            _ => return None,
        })
    }
}

/// An identity document's particulars (the scan itself lives in the documents service).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityDocument {
    #[serde(rename = "type")]
    pub kind: IdentityDocumentType,
    pub number: String,
    pub issuing_country: CountryCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<CalendarDate>,
}

/// A natural person who is the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Individual {
    pub name: String,
    pub birth_date: CalendarDate,
    pub nationalities: Vec<CountryCode>,
    pub country_of_residence: CountryCode,
    pub address: Address,
    #[serde(default)]
    pub identity_documents: Vec<IdentityDocument>,
    /// A politically exposed person (FATF R.12), or a family member or close associate of one.
    #[serde(default)]
    pub pep: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
}

/// What a related party is to the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Director,
    BeneficialOwner,
    Shareholder,
    AuthorisedSignatory,
}

impl PartyRole {
    const NAMES: &[&str] = &[
        "director",
        "beneficial_owner",
        "shareholder",
        "authorised_signatory",
    ];
    fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "director" => Self::Director,
            "beneficial_owner" => Self::BeneficialOwner,
            "shareholder" => Self::Shareholder,
            "authorised_signatory" => Self::AuthorisedSignatory,
            _ => return None,
        })
    }
}

/// A director, beneficial owner or other person connected to an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelatedParty {
    pub name: String,
    pub roles: Vec<PartyRole>,
    /// Percentage of ownership or voting rights held, directly or indirectly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ownership_share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<CalendarDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<CountryCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_of_residence: Option<CountryCode>,
    #[serde(default)]
    pub pep: bool,
}

impl RelatedParty {
    pub fn is_beneficial_owner(&self) -> bool {
        self.roles.contains(&PartyRole::BeneficialOwner)
    }
}

/// A company, partnership or other legal person that is the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub legal_name: String,
    pub registration_number: String,
    pub country_of_incorporation: CountryCode,
    pub address: Address,
    #[serde(default)]
    pub related_parties: Vec<RelatedParty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_activity: Option<String>,
}

/// The banking products the customer applies for; some carry more risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Product {
    CurrentAccount,
    SavingsAccount,
    Mortgage,
    CreditCard,
    PrivateBanking,
    TradeFinance,
    CorrespondentBanking,
    Custody,
}

impl Product {
    const NAMES: &[&str] = &[
        "current_account",
        "savings_account",
        "mortgage",
        "credit_card",
        "private_banking",
        "trade_finance",
        "correspondent_banking",
        "custody",
    ];
    fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "current_account" => Self::CurrentAccount,
            "savings_account" => Self::SavingsAccount,
            "mortgage" => Self::Mortgage,
            "credit_card" => Self::CreditCard,
            "private_banking" => Self::PrivateBanking,
            "trade_finance" => Self::TradeFinance,
            "correspondent_banking" => Self::CorrespondentBanking,
            "custody" => Self::Custody,
            _ => return None,
        })
    }
    pub fn as_str(&self) -> &'static str {
        Self::NAMES[*self as usize]
    }
}

/// Who the customer is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CustomerProfile {
    Individual(Individual),
    Organisation(Organisation),
}

/// A customer application: who, and for which products.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    #[serde(flatten)]
    pub profile: CustomerProfile,
    #[serde(default)]
    pub products: Vec<Product>,
}

const INDIVIDUAL_FIELDS: &[&str] = &[
    "kind",
    "name",
    "birth_date",
    "nationalities",
    "country_of_residence",
    "address",
    "identity_documents",
    "pep",
    "occupation",
    "products",
];
const ORGANISATION_FIELDS: &[&str] = &[
    "kind",
    "legal_name",
    "registration_number",
    "country_of_incorporation",
    "address",
    "related_parties",
    "business_activity",
    "products",
];

impl Application {
    /// Fields a `PATCH` may change for this kind of customer.
    pub fn patchable_fields(&self) -> &'static [&'static str] {
        match self.profile {
            CustomerProfile::Individual(_) => &INDIVIDUAL_FIELDS[1..],
            CustomerProfile::Organisation(_) => &ORGANISATION_FIELDS[1..],
        }
    }

    /// Parses a submitted application, naming every invalid field.
    pub fn parse(body: &Value, errors: &mut FieldErrors) -> Option<Self> {
        let obj = JsonObject::of("", body, errors)?;
        let kind = obj.required_string("kind", errors);
        let profile = match kind {
            Some("individual") => {
                obj.deny_unknown(INDIVIDUAL_FIELDS, errors);
                parse_individual(&obj, errors).map(CustomerProfile::Individual)
            }
            Some("organisation") => {
                obj.deny_unknown(ORGANISATION_FIELDS, errors);
                parse_organisation(&obj, errors).map(CustomerProfile::Organisation)
            }
            Some(_) => {
                errors.add("kind", "must be one of: individual, organisation");
                None
            }
            None => None,
        };
        let products = parse_enum_list(&obj, "products", Product::NAMES, Product::parse, errors);
        let profile = profile?;
        if !errors.is_empty() {
            return None;
        }
        Some(Self {
            profile,
            products: products.unwrap_or_default(),
        })
    }

    /// The name to show for the customer (legal name for organisations).
    pub fn display_name(&self) -> &str {
        match &self.profile {
            CustomerProfile::Individual(p) => &p.name,
            CustomerProfile::Organisation(o) => &o.legal_name,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self.profile {
            CustomerProfile::Individual(_) => "individual",
            CustomerProfile::Organisation(_) => "organisation",
        }
    }
}

/// A string field, required or optional.
fn raw<'a>(
    obj: &JsonObject<'a>,
    name: &str,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<&'a str> {
    if required {
        obj.required_string(name, errors)
    } else {
        obj.string(name, errors)
    }
}

fn text(
    obj: &JsonObject<'_>,
    name: &str,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<String> {
    let value = raw(obj, name, required, errors)?;
    if value.chars().count() > MAX_TEXT {
        errors.add(
            obj.path_of(name),
            format!("must be at most {MAX_TEXT} characters"),
        );
        return None;
    }
    if value.chars().any(char::is_control) {
        errors.add(obj.path_of(name), "must not contain control characters");
        return None;
    }
    Some(value.to_string())
}

fn country(
    obj: &JsonObject<'_>,
    name: &str,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<CountryCode> {
    let raw = raw(obj, name, required, errors)?;
    CountryCode::parse(raw)
        .map_err(|e| errors.add(obj.path_of(name), e))
        .ok()
}

fn date(
    obj: &JsonObject<'_>,
    name: &str,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<CalendarDate> {
    let raw = raw(obj, name, required, errors)?;
    CalendarDate::parse(raw)
        .map_err(|e| errors.add(obj.path_of(name), e))
        .ok()
}

fn birth_date(
    obj: &JsonObject<'_>,
    name: &str,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<CalendarDate> {
    let d = date(obj, name, required, errors)?;
    let today = time::OffsetDateTime::now_utc().date();
    if d.0 > today {
        errors.add(obj.path_of(name), "must not be in the future");
        return None;
    }
    if today.year() - d.0.year() > 130 {
        errors.add(obj.path_of(name), "is more than 130 years ago");
        return None;
    }
    Some(d)
}

fn countries(
    obj: &JsonObject<'_>,
    name: &str,
    required: bool,
    errors: &mut FieldErrors,
) -> Option<Vec<CountryCode>> {
    if required && !obj.has(name) {
        errors.add(obj.path_of(name), "is required");
        return None;
    }
    let items = obj.strings(name, errors)?;
    if required && items.is_empty() {
        errors.add(obj.path_of(name), "must name at least one country");
    }
    if items.len() > MAX_COUNTRIES {
        errors.add(
            obj.path_of(name),
            format!("must have at most {MAX_COUNTRIES} entries"),
        );
        return None;
    }
    let mut out: Vec<CountryCode> = Vec::new();
    for (path, raw) in items {
        match CountryCode::parse(raw) {
            Ok(c) if !out.contains(&c) => out.push(c),
            Ok(_) => {}
            Err(e) => errors.add(path, e),
        }
    }
    Some(out)
}

fn parse_enum_list<T: PartialEq>(
    obj: &JsonObject<'_>,
    name: &str,
    names: &[&str],
    parse: fn(&str) -> Option<T>,
    errors: &mut FieldErrors,
) -> Option<Vec<T>> {
    let items = obj.strings(name, errors)?;
    let mut out = Vec::new();
    for (path, raw) in items {
        match parse(raw) {
            Some(v) if !out.contains(&v) => out.push(v),
            Some(_) => {}
            None => errors.add(path, format!("must be one of: {}", names.join(", "))),
        }
    }
    Some(out)
}

fn parse_address(obj: &JsonObject<'_>, name: &str, errors: &mut FieldErrors) -> Option<Address> {
    let (path, value) = obj.required_object(name, errors)?;
    let a = JsonObject::of(&path, value, errors)?;
    a.deny_unknown(
        &["line1", "line2", "postal_code", "city", "country"],
        errors,
    );
    let line1 = text(&a, "line1", true, errors);
    let line2 = text(&a, "line2", false, errors);
    let postal_code = text(&a, "postal_code", false, errors);
    let city = text(&a, "city", true, errors);
    let country = country(&a, "country", true, errors);
    Some(Address {
        line1: line1?,
        line2,
        postal_code,
        city: city?,
        country: country?,
    })
}

fn parse_identity_documents(
    obj: &JsonObject<'_>,
    errors: &mut FieldErrors,
) -> Vec<IdentityDocument> {
    let Some(items) = obj.array("identity_documents", errors) else {
        return Vec::new();
    };
    if items.len() > MAX_DOCUMENTS {
        errors.add(
            obj.path_of("identity_documents"),
            format!("must have at most {MAX_DOCUMENTS} entries"),
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for (path, value) in items {
        let Some(d) = JsonObject::of(&path, value, errors) else {
            continue;
        };
        d.deny_unknown(&["type", "number", "issuing_country", "expires_on"], errors);
        let kind = d.required_string("type", errors).and_then(|raw| {
            IdentityDocumentType::parse(raw).or_else(|| {
                errors.add(
                    d.path_of("type"),
                    format!("must be one of: {}", IdentityDocumentType::NAMES.join(", ")),
                );
                None
            })
        });
        let number = text(&d, "number", true, errors);
        let issuing_country = country(&d, "issuing_country", true, errors);
        let expires_on = date(&d, "expires_on", false, errors);
        if let (Some(kind), Some(number), Some(issuing_country)) = (kind, number, issuing_country) {
            out.push(IdentityDocument {
                kind,
                number,
                issuing_country,
                expires_on,
            });
        }
    }
    out
}

fn parse_individual(obj: &JsonObject<'_>, errors: &mut FieldErrors) -> Option<Individual> {
    let name = text(obj, "name", true, errors);
    let birth_date = birth_date(obj, "birth_date", true, errors);
    let nationalities = countries(obj, "nationalities", true, errors);
    let country_of_residence = country(obj, "country_of_residence", true, errors);
    let address = parse_address(obj, "address", errors);
    let identity_documents = parse_identity_documents(obj, errors);
    let pep = obj.bool("pep", errors).unwrap_or(false);
    let occupation = text(obj, "occupation", false, errors);
    Some(Individual {
        name: name?,
        birth_date: birth_date?,
        nationalities: nationalities?,
        country_of_residence: country_of_residence?,
        address: address?,
        identity_documents,
        pep,
        occupation,
    })
}

fn parse_party(path: &str, value: &Value, errors: &mut FieldErrors) -> Option<RelatedParty> {
    let p = JsonObject::of(path, value, errors)?;
    p.deny_unknown(
        &[
            "name",
            "role",
            "roles",
            "ownership_share",
            "birth_date",
            "nationalities",
            "country_of_residence",
            "pep",
        ],
        errors,
    );
    let name = text(&p, "name", true, errors);
    // `role` is the shorthand for one role; `roles` lists several.
    let roles = match (p.has("role"), p.has("roles")) {
        (true, true) => {
            errors.add(p.path_of("role"), "give either role or roles, not both");
            None
        }
        (true, false) => {
            p.required_string("role", errors)
                .and_then(|raw| match PartyRole::parse(raw) {
                    Some(r) => Some(vec![r]),
                    None => {
                        errors.add(
                            p.path_of("role"),
                            format!("must be one of: {}", PartyRole::NAMES.join(", ")),
                        );
                        None
                    }
                })
        }
        (false, true) => parse_enum_list(&p, "roles", PartyRole::NAMES, PartyRole::parse, errors)
            .and_then(|r| {
                if r.is_empty() {
                    errors.add(p.path_of("roles"), "must name at least one role");
                    None
                } else {
                    Some(r)
                }
            }),
        (false, false) => {
            errors.add(p.path_of("role"), "is required");
            None
        }
    };
    let ownership_share = p.number("ownership_share", errors).and_then(|share| {
        if (0.0..=100.0).contains(&share) {
            Some(share)
        } else {
            errors.add(
                p.path_of("ownership_share"),
                "must be a percentage between 0 and 100",
            );
            None
        }
    });
    let birth_date = birth_date(&p, "birth_date", false, errors);
    let nationalities = countries(&p, "nationalities", false, errors).unwrap_or_default();
    let country_of_residence = country(&p, "country_of_residence", false, errors);
    let pep = p.bool("pep", errors).unwrap_or(false);
    let roles = roles?;
    if roles.contains(&PartyRole::BeneficialOwner)
        && ownership_share.is_none()
        && !p.has("ownership_share")
    {
        errors.add(
            p.path_of("ownership_share"),
            "is required for a beneficial owner",
        );
    }
    Some(RelatedParty {
        name: name?,
        roles,
        ownership_share,
        birth_date,
        nationalities,
        country_of_residence,
        pep,
    })
}

fn parse_organisation(obj: &JsonObject<'_>, errors: &mut FieldErrors) -> Option<Organisation> {
    let legal_name = text(obj, "legal_name", true, errors);
    let registration_number = text(obj, "registration_number", true, errors);
    let country_of_incorporation = country(obj, "country_of_incorporation", true, errors);
    let address = parse_address(obj, "address", errors);
    let business_activity = text(obj, "business_activity", false, errors);
    let mut related_parties = Vec::new();
    if let Some(items) = obj.array("related_parties", errors) {
        if items.len() > MAX_PARTIES {
            errors.add(
                obj.path_of("related_parties"),
                format!("must have at most {MAX_PARTIES} entries"),
            );
        } else {
            for (path, value) in items {
                if let Some(p) = parse_party(&path, value, errors) {
                    related_parties.push(p);
                }
            }
        }
    }
    let total: f64 = related_parties
        .iter()
        .filter_map(|p| p.ownership_share)
        .sum();
    if total > 100.0 + 1e-6 {
        errors.add(
            obj.path_of("related_parties"),
            "ownership shares add up to more than 100 percent",
        );
    }
    Some(Organisation {
        legal_name: legal_name?,
        registration_number: registration_number?,
        country_of_incorporation: country_of_incorporation?,
        address: address?,
        related_parties,
        business_activity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<Application, Vec<String>> {
        let mut errors = FieldErrors::new();
        let app = Application::parse(&v, &mut errors);
        match app {
            Some(a) if errors.is_empty() => Ok(a),
            _ => Err(errors.into_vec().into_iter().map(|e| e.field).collect()),
        }
    }

    #[test]
    fn the_issue_example_parses_and_round_trips() {
        let body = json!({"kind":"individual","name":"Maria Lopez","birth_date":"1980-02-03","nationalities":["ES"],"country_of_residence":"ES","address":{"line1":"Calle 1","city":"Madrid","country":"ES"}});
        let app = parse(body).unwrap();
        assert_eq!(app.display_name(), "Maria Lopez");
        let stored = serde_json::to_value(&app).unwrap();
        assert_eq!(parse(stored.clone()).unwrap(), app, "{stored}");
    }

    #[test]
    fn every_invalid_field_is_named() {
        let body = json!({"kind":"individual","name":"","birth_date":"03/02/1980","nationalities":["XX","ES"],"country_of_residence":5,"address":{"line1":"x","country":"ES"},"hobby":"golf","products":["yacht"]});
        let fields = parse(body).unwrap_err();
        assert_eq!(
            fields,
            [
                "hobby",
                "name",
                "birth_date",
                "nationalities[0]",
                "country_of_residence",
                "address.city",
                "products[0]"
            ]
        );
    }

    #[test]
    fn organisations_need_coherent_ownership() {
        let body = json!({
        "kind":"organisation","legal_name":"Acme Trading Ltd","registration_number":"01234567",
        "country_of_incorporation":"GB","address":{"line1":"1 High St","city":"London","country":"GB"},
        "related_parties":[
            {"name":"A","role":"beneficial_owner","ownership_share":60},
            {"name":"B","roles":["director","beneficial_owner"],"ownership_share":50},
            {"name":"C","role":"beneficial_owner"},
            {"name":"D","role":"chairman"}
        ]});
        let fields = parse(body).unwrap_err();
        assert_eq!(
            fields,
            [
                "related_parties[2].ownership_share",
                "related_parties[3].role",
                "related_parties"
            ]
        );
    }
}
