//! Whether a new version of a template can replace the one in force.
//!
//! Callers (intake above all) send the data the version in force takes, and
//! ask for the latest version. A new version that no longer takes a field
//! they send, takes it as another type, or needs a field they do not send
//! would make every such request fail: intake's request-for-information step
//! would stay pending for every new customer. So a new version must accept
//! every request the version in force accepts, and must report the same
//! decision (a decision letter cannot become an ordinary letter anyone may
//! send, nor the other way round). Anything else is a new template name.

use cdd_contracts::letters::DecisionOutcome;

use crate::template::{
    FieldSpec, TemplateName, TemplateSource, TemplateVersion, effective_decision,
};

/// One way the new version would break its callers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incompatibility {
    /// Where in the declaration: `fields.<name>` or `decision`.
    pub path: String,
    pub reason: String,
}

fn describe(decision: Option<DecisionOutcome>) -> String {
    match decision {
        Some(outcome) => format!("reports the decision `{}`", outcome.as_str()),
        None => "reports no decision".to_owned(),
    }
}

/// Every way `proposed` would refuse a request that version `version` of
/// `name` (`current`) accepts; empty when it can replace it.
pub fn incompatibilities(
    name: &TemplateName,
    version: TemplateVersion,
    current: &TemplateSource,
    proposed: &TemplateSource,
) -> Vec<Incompatibility> {
    let mut found = Vec::new();
    let (was, will_be) = (
        effective_decision(name, current),
        effective_decision(name, proposed),
    );
    if was != will_be {
        found.push(Incompatibility {
            path: "decision".to_owned(),
            reason: format!(
                "version {version} {}; a new version must too (publish a new template name for another purpose)",
                describe(was)
            ),
        });
    }
    let find = |fields: &[FieldSpec], spec: &FieldSpec| {
        fields.iter().find(|f| f.name == spec.name).cloned()
    };
    for old in &current.fields {
        let path = format!("fields.{}", old.name.as_str());
        match find(&proposed.fields, old) {
            None => found.push(Incompatibility {
                path,
                reason: format!(
                    "version {version} takes this field and its callers send it; keep it (optional if the letter no longer uses it)"
                ),
            }),
            Some(new) if new.field_type != old.field_type => found.push(Incompatibility {
                path,
                reason: format!(
                    "callers send {} as version {version} declares it; the new version declares {}",
                    old.field_type, new.field_type
                ),
            }),
            Some(new) if old.optional && !new.optional => found.push(Incompatibility {
                path,
                reason: format!(
                    "optional in version {version}, so callers may leave it out; keep it optional"
                ),
            }),
            Some(_) => {}
        }
    }
    for new in &proposed.fields {
        if !new.optional && find(&current.fields, new).is_none() {
            found.push(Incompatibility {
                path: format!("fields.{}", new.name.as_str()),
                reason: format!(
                    "a new required field: callers of version {version} do not send it; declare it optional"
                ),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{FieldName, FieldType};

    fn source(fields: Vec<FieldSpec>, decision: Option<DecisionOutcome>) -> TemplateSource {
        TemplateSource {
            description: String::new(),
            subject: "Subject".into(),
            fields,
            body: "Body".into(),
            decision,
        }
    }

    fn field(name: &str, field_type: FieldType, optional: bool) -> FieldSpec {
        let name = FieldName::parse(name).unwrap();
        if optional {
            FieldSpec::optional(name, field_type)
        } else {
            FieldSpec::required(name, field_type)
        }
    }

    fn paths(found: &[Incompatibility]) -> Vec<&str> {
        found.iter().map(|i| i.path.as_str()).collect()
    }

    #[test]
    fn a_version_that_takes_every_request_the_current_one_takes_is_compatible() {
        let name = TemplateName::parse("notice").unwrap();
        let current = source(vec![field("documents", FieldType::StringList, false)], None);
        let proposed = source(
            vec![
                field("documents", FieldType::StringList, false),
                field("respond_by", FieldType::Date, true),
            ],
            None,
        );
        assert!(incompatibilities(&name, TemplateVersion::FIRST, &current, &proposed).is_empty());
        // A required field may become optional.
        let relaxed = source(vec![field("documents", FieldType::StringList, true)], None);
        assert!(incompatibilities(&name, TemplateVersion::FIRST, &current, &relaxed).is_empty());
    }

    #[test]
    fn every_break_is_named() {
        let name = TemplateName::parse("notice").unwrap();
        let current = source(
            vec![
                field("documents", FieldType::StringList, false),
                field("respond_by", FieldType::Date, true),
                field("amount", FieldType::Integer, false),
            ],
            None,
        );
        let proposed = source(
            vec![
                field("respond_by", FieldType::Date, false),
                field("amount", FieldType::String, false),
                field("branch", FieldType::String, false),
            ],
            Some(DecisionOutcome::Approve),
        );
        let found = incompatibilities(&name, TemplateVersion::FIRST, &current, &proposed);
        assert_eq!(
            paths(&found),
            [
                "decision",
                "fields.documents",
                "fields.respond_by",
                "fields.amount",
                "fields.branch"
            ]
        );
        assert!(found[3].reason.contains("an integer"), "{:?}", found[3]);
    }

    #[test]
    fn a_built_in_decision_letter_stays_one_even_when_a_version_omits_it() {
        let name = TemplateName::parse("onboarding-approval").unwrap();
        let stored_before_decisions = source(vec![], None);
        let same = source(vec![], None);
        assert!(
            incompatibilities(
                &name,
                TemplateVersion::FIRST,
                &stored_before_decisions,
                &same
            )
            .is_empty()
        );
        let other = source(vec![], Some(DecisionOutcome::Reject));
        assert_eq!(
            paths(&incompatibilities(
                &name,
                TemplateVersion::FIRST,
                &stored_before_decisions,
                &other
            )),
            ["decision"]
        );
    }
}
