//! The sandboxed template engine (minijinja).
//!
//! What a template can do is limited by construction:
//! - no loader and no file system: the environment only ever sees the one
//!   string it is handed, and minijinja is built without `multi_template`
//!   (no `include`, `import`, `extends`) and without `macros`;
//! - no code: minijinja has no way to call out of the sandbox, and we add no
//!   functions or filters beyond its pure built-ins;
//! - strict undefined: using a variable that is not there is an error, never
//!   an empty string in a customer's letter;
//! - fuel and a recursion limit: a hostile loop stops with an error instead of
//!   hanging a worker.
//!
//! Auto-escaping is deliberately off here: a template does not produce HTML
//! but letter markup (paragraphs and `- ` bullets, see [`crate::document`])
//! that is written to PDF, HTML and text. The HTML writer escapes every piece
//! of text it writes, values and template literals alike, so neither the data
//! nor the template can inject markup (see the `html` tests).

use std::collections::HashSet;
use std::sync::LazyLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::error::{RenderError, TemplatePart, TemplateProblem};

/// Instructions one render may execute. A one-page letter with a list of 50
/// documents uses a few thousand.
pub const FUEL: u64 = 200_000;
/// Nesting depth of blocks and expressions.
pub const RECURSION_LIMIT: usize = 64;

static SANDBOX: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(RECURSION_LIMIT);
    // Block tags on their own line leave no blank lines behind.
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    env
});

/// Compiles `source` and returns the top-level variables it reads (loop
/// variables and names set inside the template excluded).
pub(crate) fn variables_used(
    part: TemplatePart,
    source: &str,
) -> Result<HashSet<String>, TemplateProblem> {
    let template = SANDBOX
        .template_from_named_str(part_name(part), source)
        .map_err(|e| problem(part, &e))?;
    let globals: HashSet<&str> = SANDBOX.globals().map(|(name, _)| name).collect();
    Ok(template
        .undeclared_variables(false)
        .into_iter()
        .filter(|name| !globals.contains(name.as_str()))
        .collect())
}

/// Renders `source` (already checked by [`variables_used`]) with `context`.
pub(crate) fn render(
    part: TemplatePart,
    source: &str,
    context: &Value,
) -> Result<String, RenderError> {
    SANDBOX
        .template_from_named_str(part_name(part), source)
        .and_then(|template| template.render(context))
        .map_err(|e| RenderError::Template(problem(part, &e)))
}

fn part_name(part: TemplatePart) -> &'static str {
    match part {
        TemplatePart::Subject => "subject",
        TemplatePart::Body => "body",
        TemplatePart::Fields => "fields",
    }
}

fn problem(part: TemplatePart, error: &minijinja::Error) -> TemplateProblem {
    let reason = match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    };
    TemplateProblem {
        part,
        line: error.line(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_body(source: &str) -> Result<String, RenderError> {
        render(TemplatePart::Body, source, &Value::from(()))
    }

    #[test]
    fn an_endless_loop_runs_out_of_fuel() {
        let source =
            "{% for i in range(10000) %}{% for j in range(10000) %}x{% endfor %}{% endfor %}";
        let error = render_body(source).unwrap_err();
        let RenderError::Template(problem) = error else {
            panic!("expected a template error, got {error:?}");
        };
        assert!(problem.reason.contains("fuel"), "{}", problem.reason);
        assert_eq!(problem.line, Some(1));
    }

    #[test]
    fn deep_nesting_hits_the_recursion_limit() {
        assert_eq!(render_body("{{ ((1)) }}").unwrap(), "1");
        let deep = format!("{{{{ {}1{} }}}}", "(".repeat(500), ")".repeat(500));
        assert!(variables_used(TemplatePart::Body, &deep).is_err());
    }

    #[test]
    fn undefined_values_are_errors_not_blanks() {
        let error = render_body("Dear {{ customer_name }},").unwrap_err();
        assert!(error.to_string().contains("undefined"), "{error}");
    }

    #[test]
    fn values_are_not_escaped_by_the_engine() {
        let context = Value::from(std::collections::BTreeMap::from([(
            "name".to_owned(),
            Value::from("<b>Tom & Jerry</b>"),
        )]));
        let out = render(TemplatePart::Body, "{{ name }}", &context).unwrap();
        assert_eq!(out, "<b>Tom & Jerry</b>");
    }
}
