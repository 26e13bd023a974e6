//! Templates by name and version, in memory (tests, the render benchmark).
//! The service keeps them in a [`crate::store::TemplateStore`] through
//! [`crate::catalogue::TemplateCatalogue`], under the same rules: published
//! versions never change, the latest version is the highest, built-ins are
//! added only where a name has no version.

use std::collections::BTreeMap;
use std::sync::Arc;

use time::Date;

use crate::builtin;
use crate::error::{LetterError, LibraryError};
use crate::letter::{LetterSettings, RenderRequest, RenderedLetter, render_letter};
use crate::template::{Template, TemplateName, TemplateVersion};

#[derive(Debug, Clone, Default)]
pub struct TemplateLibrary {
    templates: BTreeMap<TemplateName, BTreeMap<TemplateVersion, Arc<Template>>>,
}

impl TemplateLibrary {
    pub fn new() -> Self {
        Self::default()
    }

    /// A library holding the built-in templates.
    pub fn with_builtins() -> Self {
        let mut library = Self::new();
        library.install_builtins();
        library
    }

    /// Adds each built-in template whose name has no version yet; returns
    /// the names added.
    pub fn install_builtins(&mut self) -> Vec<TemplateName> {
        let mut added = Vec::new();
        for template in builtin::templates() {
            if !self.templates.contains_key(template.name()) {
                added.push(template.name().clone());
                // Cannot clash: the name has no versions.
                let _ = self.publish(template);
            }
        }
        added
    }

    /// Adds a template version; an existing version is never replaced.
    pub fn publish(&mut self, template: Template) -> Result<Arc<Template>, LibraryError> {
        let versions = self.templates.entry(template.name().clone()).or_default();
        if versions.contains_key(&template.version()) {
            return Err(LibraryError::VersionExists {
                name: template.name().clone(),
                version: template.version(),
            });
        }
        let template = Arc::new(template);
        versions.insert(template.version(), Arc::clone(&template));
        Ok(template)
    }

    /// The version after the latest (1 for a new name).
    pub fn next_version(&self, name: &TemplateName) -> TemplateVersion {
        self.templates
            .get(name)
            .and_then(|versions| versions.keys().next_back())
            .and_then(|latest| latest.next())
            .unwrap_or(TemplateVersion::FIRST)
    }

    /// A given version, or the latest when `version` is `None`.
    pub fn get(
        &self,
        name: &TemplateName,
        version: Option<TemplateVersion>,
    ) -> Result<Arc<Template>, LibraryError> {
        let versions = self.templates.get(name);
        let found = match version {
            Some(version) => versions.and_then(|v| v.get(&version)),
            None => versions.and_then(|v| v.values().next_back()),
        };
        found.cloned().ok_or_else(|| LibraryError::NotFound {
            name: name.clone(),
            version,
        })
    }

    pub fn names(&self) -> impl Iterator<Item = &TemplateName> {
        self.templates.keys()
    }

    /// Finds the requested template and renders the letter.
    pub fn render(
        &self,
        request: &RenderRequest,
        letter_date: Date,
        settings: &LetterSettings,
    ) -> Result<RenderedLetter, LetterError> {
        let template = self.get(&request.template, request.version)?;
        Ok(render_letter(
            &template,
            &request.customer_id,
            &request.data,
            request.format,
            letter_date,
            settings,
        )?)
    }
}
