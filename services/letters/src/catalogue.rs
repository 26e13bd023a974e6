//! The template catalogue: publishing versions to the [`TemplateStore`] and
//! finding compiled templates for rendering.
//!
//! Versions never change once published, so a compiled version is cached
//! for the life of the process; only "which version is the latest" goes to
//! the store each time (another task may have published one).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

use crate::builtin;
use crate::compatibility::{self, Incompatibility};
use crate::error::TemplateError;
use crate::store::{StoreError, StoredTemplate, TemplateStore, TemplateSummary};
use crate::template::{Template, TemplateName, TemplateSource, TemplateVersion};

/// Who published the built-in templates.
pub const BUILTIN_PUBLISHER: &str = "builtin";
/// How often a publication is retried when another one takes its version.
const PUBLISH_ATTEMPTS: usize = 5;

/// What a publication did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publication {
    /// A new version was stored.
    Published(StoredTemplate),
    /// The latest version already has exactly this source; nothing stored.
    Unchanged(StoredTemplate),
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// The template does not compile or declares its fields wrongly.
    #[error(transparent)]
    Invalid(#[from] TemplateError),
    /// The new version would refuse requests the version in force accepts.
    #[error(
        "the new version of template {name} would refuse what its callers send to version {version}"
    )]
    Incompatible {
        name: TemplateName,
        version: TemplateVersion,
        problems: Vec<Incompatibility>,
    },
    #[error("there is no template {name}{}", .version.map(|v| format!(" version {v}")).unwrap_or_default())]
    NotFound {
        name: TemplateName,
        version: Option<TemplateVersion>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct TemplateCatalogue {
    store: Arc<dyn TemplateStore>,
    compiled: Mutex<HashMap<(TemplateName, TemplateVersion), Arc<Template>>>,
}

impl TemplateCatalogue {
    pub fn new(store: Arc<dyn TemplateStore>) -> Self {
        Self {
            store,
            compiled: Mutex::default(),
        }
    }

    /// Stores `source` as the next version of `name`, unless it is refused
    /// (every problem named) or is the latest version already.
    pub async fn publish(
        &self,
        name: &TemplateName,
        source: TemplateSource,
        publisher: &str,
    ) -> Result<Publication, CatalogueError> {
        // Refuse a bad template before touching the store.
        Template::compile(name.clone(), TemplateVersion::FIRST, source.clone())?;
        for _ in 0..PUBLISH_ATTEMPTS {
            let latest = self.store.template(name, None).await?;
            let version = match latest {
                Some(latest) if latest.source == source => {
                    return Ok(Publication::Unchanged(latest));
                }
                Some(latest) => {
                    let problems = compatibility::incompatibilities(
                        name,
                        latest.version,
                        &latest.source,
                        &source,
                    );
                    if !problems.is_empty() {
                        return Err(CatalogueError::Incompatible {
                            name: name.clone(),
                            version: latest.version,
                            problems,
                        });
                    }
                    latest.version.next().ok_or_else(|| {
                        StoreError::Corrupt(format!("template {name} has no version left"))
                    })?
                }
                None => TemplateVersion::FIRST,
            };
            let stored = StoredTemplate {
                name: name.clone(),
                version,
                source: source.clone(),
                published_at: OffsetDateTime::now_utc(),
                published_by: publisher.to_owned(),
            };
            match self.store.publish(&stored).await {
                Ok(()) => return Ok(Publication::Published(stored)),
                // Another publication took this version; read again.
                Err(StoreError::VersionExists { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(StoreError::Unavailable(format!(
            "template {name} is being published by others at the same time; retry"
        ))
        .into())
    }

    /// A stored version as published, or the latest.
    pub async fn stored(
        &self,
        name: &TemplateName,
        version: Option<TemplateVersion>,
    ) -> Result<StoredTemplate, CatalogueError> {
        self.store
            .template(name, version)
            .await?
            .ok_or_else(|| CatalogueError::NotFound {
                name: name.clone(),
                version,
            })
    }

    /// The compiled template to render with.
    pub async fn compiled(
        &self,
        name: &TemplateName,
        version: Option<TemplateVersion>,
    ) -> Result<Arc<Template>, CatalogueError> {
        if let Some(version) = version
            && let Some(found) = self.cached(name, version)
        {
            return Ok(found);
        }
        let stored = self.stored(name, version).await?;
        if let Some(found) = self.cached(name, stored.version) {
            return Ok(found);
        }
        let template =
            Template::compile(stored.name, stored.version, stored.source).map_err(|e| {
                StoreError::Corrupt(format!(
                    "stored template {name} version {} no longer compiles: {e}",
                    stored.version
                ))
            })?;
        let template = Arc::new(template);
        self.compiled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((name.clone(), stored.version), Arc::clone(&template));
        Ok(template)
    }

    fn cached(&self, name: &TemplateName, version: TemplateVersion) -> Option<Arc<Template>> {
        self.compiled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(name.clone(), version))
            .cloned()
    }

    /// Every template name with its latest version.
    pub async fn list(&self) -> Result<Vec<TemplateSummary>, CatalogueError> {
        Ok(self.store.catalogue().await?)
    }

    /// Publishes each built-in template as version 1 where its name has no
    /// version yet; returns the names added. Safe to run from many tasks at
    /// once: the store refuses a second version 1.
    pub async fn install_builtins(&self) -> Result<Vec<TemplateName>, CatalogueError> {
        let mut added = Vec::new();
        for (name, source) in builtin::sources() {
            if self.store.template(&name, None).await?.is_some() {
                continue;
            }
            let stored = StoredTemplate {
                name: name.clone(),
                version: TemplateVersion::FIRST,
                source,
                published_at: OffsetDateTime::now_utc(),
                published_by: BUILTIN_PUBLISHER.to_owned(),
            };
            match self.store.publish(&stored).await {
                Ok(()) => added.push(name),
                Err(StoreError::VersionExists { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(added)
    }
}
