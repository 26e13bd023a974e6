//! Secrets read at run time and cached, so that a rotated secret is used
//! without a restart.
//!
//! Secrets Manager rotation moves `AWSCURRENT` to the new value and keeps the
//! old one as `AWSPREVIOUS`; tokens signed just before a rotation must still
//! verify, so a secret here is always the pair. The embedded backend reads
//! the same pair from a local file (current on the first line, previous on
//! the second).

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use async_trait::async_trait;

/// The current value and, while a rotation is in progress, the previous one.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretVersions {
    pub current: String,
    pub previous: Option<String>,
}

impl std::fmt::Debug for SecretVersions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secret material.
        f.debug_struct("SecretVersions")
            .field("previous", &self.previous.is_some())
            .finish_non_exhaustive()
    }
}

/// Where a secret comes from.
#[async_trait]
pub trait SecretSource: Send + Sync + 'static {
    async fn fetch(&self) -> anyhow::Result<SecretVersions>;
    /// A name for logs; never the value.
    fn describe(&self) -> String;
}

/// A secret in AWS Secrets Manager.
pub struct SecretsManagerSecret {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
}

impl SecretsManagerSecret {
    pub fn new(client: aws_sdk_secretsmanager::Client, secret_id: impl Into<String>) -> Self {
        Self {
            client,
            secret_id: secret_id.into(),
        }
    }

    async fn stage(&self, stage: &str) -> anyhow::Result<Option<String>> {
        let result = self
            .client
            .get_secret_value()
            .secret_id(&self.secret_id)
            .version_stage(stage)
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.secret_string().map(str::to_string)),
            Err(err) => {
                let not_found = err
                    .as_service_error()
                    .map(|e| e.is_resource_not_found_exception())
                    .unwrap_or(false);
                if not_found && stage == "AWSPREVIOUS" {
                    Ok(None)
                } else {
                    Err(anyhow::Error::new(err.into_service_error())
                        .context(format!("reading secret {} ({stage})", self.secret_id)))
                }
            }
        }
    }
}

#[async_trait]
impl SecretSource for SecretsManagerSecret {
    async fn fetch(&self) -> anyhow::Result<SecretVersions> {
        let current = self
            .stage("AWSCURRENT")
            .await?
            .with_context(|| format!("secret {} has no string value", self.secret_id))?;
        let previous = self.stage("AWSPREVIOUS").await?;
        Ok(SecretVersions { current, previous })
    }

    fn describe(&self) -> String {
        format!("Secrets Manager secret {}", self.secret_id)
    }
}

/// A secret in a local file: current value on the first line, previous on the second.
pub struct FileSecret {
    path: PathBuf,
}

impl FileSecret {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }
}

#[async_trait]
impl SecretSource for FileSecret {
    async fn fetch(&self) -> anyhow::Result<SecretVersions> {
        let text = tokio::fs::read_to_string(&self.path)
            .await
            .with_context(|| format!("reading secret file {}", self.path.display()))?;
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let current = lines
            .next()
            .with_context(|| format!("secret file {} is empty", self.path.display()))?
            .to_string();
        let previous = lines.next().map(str::to_string);
        Ok(SecretVersions { current, previous })
    }

    fn describe(&self) -> String {
        format!("secret file {}", self.path.display())
    }
}

/// A fixed value (the local development key).
pub struct StaticSecret(pub String);

#[async_trait]
impl SecretSource for StaticSecret {
    async fn fetch(&self) -> anyhow::Result<SecretVersions> {
        Ok(SecretVersions {
            current: self.0.clone(),
            previous: None,
        })
    }
    fn describe(&self) -> String {
        "built-in development value".to_string()
    }
}

struct Cached {
    value: SecretVersions,
    fetched_at: Instant,
}

/// A secret fetched once at start, then refreshed when older than `max_age`
/// or when a caller asks (for example after a signature failed to verify),
/// at most once per `min_refresh_gap` so a flood of bad tokens cannot turn
/// into a flood of Secrets Manager calls.
pub struct CachedSecret {
    source: Box<dyn SecretSource>,
    cache: RwLock<Arc<Cached>>,
    refresh_lock: tokio::sync::Mutex<()>,
    max_age: Duration,
    min_refresh_gap: Duration,
}

impl CachedSecret {
    pub async fn load(
        source: Box<dyn SecretSource>,
        max_age: Duration,
        min_refresh_gap: Duration,
    ) -> anyhow::Result<Arc<Self>> {
        let value = source.fetch().await?;
        Ok(Arc::new(Self {
            source,
            cache: RwLock::new(Arc::new(Cached {
                value,
                fetched_at: Instant::now(),
            })),
            refresh_lock: tokio::sync::Mutex::new(()),
            max_age,
            min_refresh_gap,
        }))
    }

    fn cached(&self) -> Arc<Cached> {
        self.cache.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The cached value; refreshed first when it is older than `max_age`.
    /// A failed refresh keeps serving the last good value (and logs it).
    pub async fn get(&self) -> SecretVersions {
        let cached = self.cached();
        if cached.fetched_at.elapsed() >= self.max_age {
            self.refresh_if_older_than(self.max_age).await;
            return self.cached().value.clone();
        }
        cached.value.clone()
    }

    /// Refreshes now unless that happened within `min_refresh_gap`.
    /// Returns whether the value changed.
    pub async fn refresh_soon(&self) -> bool {
        self.refresh_if_older_than(self.min_refresh_gap).await
    }

    async fn refresh_if_older_than(&self, age: Duration) -> bool {
        let _guard = self.refresh_lock.lock().await;
        let before = self.cached();
        if before.fetched_at.elapsed() < age {
            return false;
        }
        match self.source.fetch().await {
            Ok(value) => {
                let changed = value != before.value;
                if changed {
                    tracing::info!(secret = %self.source.describe(), "secret changed; using the new value");
                }
                *self.cache.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(Cached {
                    value,
                    fetched_at: Instant::now(),
                });
                changed
            }
            Err(err) => {
                tracing::warn!(secret = %self.source.describe(), error = %format!("{err:#}"), "secret refresh failed; keeping the last value");
                false
            }
        }
    }

    pub fn describe(&self) -> String {
        self.source.describe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_rotated_file_secret_is_picked_up_without_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "first\n").unwrap();
        let secret = CachedSecret::load(
            Box::new(FileSecret::new(&path)),
            Duration::from_secs(3600),
            Duration::ZERO,
        )
        .await
        .unwrap();
        assert_eq!(secret.get().await.current, "first");
        std::fs::write(&path, "second\nfirst\n").unwrap();
        // Still cached until a refresh is asked for.
        assert_eq!(secret.get().await.current, "first");
        assert!(secret.refresh_soon().await);
        let now = secret.get().await;
        assert_eq!(now.current, "second");
        assert_eq!(now.previous.as_deref(), Some("first"));
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_the_last_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, "kept\n").unwrap();
        let secret = CachedSecret::load(
            Box::new(FileSecret::new(&path)),
            Duration::ZERO,
            Duration::ZERO,
        )
        .await
        .unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(secret.get().await.current, "kept");
    }
}
