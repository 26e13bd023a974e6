//! The letters the bank ships: loaded at start (as version 1) for every name
//! that has no version yet, so a deployment always has them and an edited
//! version is never overwritten.
//!
//! All four take the standard fields (`customer_name`, `reference`,
//! `address`); `rfi` also takes `documents` (the documents still required)
//! and, optionally, `respond_by`; `periodic-review-reminder` optionally takes
//! `review_due`.

use cdd_contracts::letters::DecisionOutcome;

use crate::template::{
    FieldName, FieldSpec, FieldType, Template, TemplateName, TemplateSource, TemplateVersion,
};

/// Request for information: lists the documents still required.
pub const RFI: &str = "rfi";
pub const ONBOARDING_APPROVAL: &str = "onboarding-approval";
pub const REJECTION: &str = "rejection";
pub const PERIODIC_REVIEW_REMINDER: &str = "periodic-review-reminder";

const RFI_BODY: &str = "\
Dear {{ customer_name }},

Thank you for your application to open an account with {{ bank_name }}.
As a regulated financial institution, we are required by law to verify the
identity of our customers and to understand the nature of their business
with us.

To complete our review of your application, we need the following documents:

{% for document in documents %}
- {{ document }}
{% endfor %}

{% if respond_by %}
Please provide these documents by {{ respond_by }}.
{% else %}
Please provide these documents within 30 days of the date of this letter.
{% endif %}
You can upload them securely through our online banking service or hand them
in at any of our branches. Please quote the reference above in all
correspondence.

If we do not receive the documents, we may be unable to proceed with your
application. If you have any questions, please contact your relationship
manager or our customer service team.
";

const APPROVAL_BODY: &str = "\
Dear {{ customer_name }},

We are pleased to confirm that we have completed our review of your
application and that your account with {{ bank_name }} has been approved.

You will receive your account details and information on how to access our
online banking service under separate cover within the next few days.

We are required to keep the information we hold about our customers up to
date. Please let us know promptly if any of your details change, including
your name, address, nationality or, for a business, its ownership or
directors.

Thank you for choosing {{ bank_name }}. We look forward to working with you.
";

const REJECTION_BODY: &str = "\
Dear {{ customer_name }},

Thank you for your application to open an account with {{ bank_name }}.

We have carefully considered your application and regret to inform you that
we are unable to open an account for you on this occasion.

This decision has been made in line with our internal policies and
regulatory obligations, and we are not able to provide further details of the
reasons for it. Any documents you provided in support of your application will
be held securely and retained only for as long as the law requires.

We are sorry that we could not give you a more favourable response.
";

const REVIEW_BODY: &str = "\
Dear {{ customer_name }},

As a regulated financial institution, {{ bank_name }} is required to review
the information it holds about its customers at regular intervals. Your
account is now due for its periodic review.

{% if review_due %}
Please confirm or update your details by {{ review_due }}.
{% else %}
Please confirm or update your details within 30 days of the date of this
letter.
{% endif %}
You can do this through our online banking service or at any of our branches.
We may ask you for up-to-date identification or other supporting documents.

If we do not hear from you, we may have to restrict the services available on
your account until the review is complete. Thank you for your cooperation.
";

fn field(name: &str) -> FieldName {
    FieldName::parse(name).expect("built-in field names are valid")
}

fn decision_named(name: &str) -> Option<DecisionOutcome> {
    match name {
        ONBOARDING_APPROVAL => Some(DecisionOutcome::Approve),
        REJECTION => Some(DecisionOutcome::Reject),
        _ => None,
    }
}

/// The decision a built-in decision letter reports. It holds for every
/// version of that name, including versions stored before templates
/// declared their decision, so no stored version can make the approval or
/// rejection letter issuable by a person.
pub fn decision_of(name: &TemplateName) -> Option<DecisionOutcome> {
    decision_named(name.as_str())
}

/// The built-in template sources, by name.
pub fn sources() -> Vec<(TemplateName, TemplateSource)> {
    let entry = |name: &str, description: &str, subject: &str, fields, body: &str| {
        let decision = decision_named(name);
        let name = TemplateName::parse(name).expect("built-in names are valid");
        let source = TemplateSource {
            description: description.to_owned(),
            subject: subject.to_owned(),
            fields,
            body: body.to_owned(),
            decision,
        };
        (name, source)
    };
    vec![
        entry(
            RFI,
            "Request for information: lists the documents still required.",
            "Request for information about your application",
            vec![
                FieldSpec::required(field("documents"), FieldType::StringList),
                FieldSpec::optional(field("respond_by"), FieldType::Date),
            ],
            RFI_BODY,
        ),
        entry(
            ONBOARDING_APPROVAL,
            "The application is approved and the account opened.",
            "Your account application has been approved",
            vec![],
            APPROVAL_BODY,
        ),
        entry(
            REJECTION,
            "The application is declined (no reasons given, as policy requires).",
            "Your account application",
            vec![],
            REJECTION_BODY,
        ),
        entry(
            PERIODIC_REVIEW_REMINDER,
            "Asks the customer to confirm or update their details for a periodic review.",
            "Periodic review of your account information",
            vec![FieldSpec::optional(field("review_due"), FieldType::Date)],
            REVIEW_BODY,
        ),
    ]
}

/// The four built-in templates, compiled, as version 1.
pub fn templates() -> Vec<Template> {
    sources()
        .into_iter()
        .map(|(name, source)| {
            Template::compile(name, TemplateVersion::FIRST, source)
                .expect("built-in templates compile")
        })
        .collect()
}
