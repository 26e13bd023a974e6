//! The screening service's settings: the shared ones, where the sanctions
//! lists come from, and (with the AWS backend) the monitoring table.

use std::path::PathBuf;

use cdd_platform::settings::{Backend, CommonSettings, EnvReader, Environment};

/// Where the list files are read from, at start and on every reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListSource {
    /// Folders of list files and `<list>_<date>` vintage folders
    /// (`CDD_LISTS_DIR`, comma-separated: sanctions and PEP data usually
    /// come from different places); the newest vintage of each list is
    /// current.
    Dirs(Vec<PathBuf>),
    /// The same layout as S3 objects under `prefix` (`CDD_LISTS_BUCKET`,
    /// objects under `lists/`), downloaded to a temporary folder and loaded
    /// with the same loader.
    S3 { bucket: String, prefix: String },
    /// The fictional demo list compiled into the binary: a fresh machine
    /// with nothing configured. Never allowed outside `CDD_ENV=local`.
    Demo,
}

impl std::fmt::Display for ListSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListSource::Dirs(dirs) => {
                let names: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
                match names.as_slice() {
                    [one] => write!(f, "folder {one}"),
                    many => write!(f, "folders {}", many.join(", ")),
                }
            }
            ListSource::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
            ListSource::Demo => f.write_str("the built-in FICTIONAL demo list"),
        }
    }
}

/// The S3 prefix list files live under.
pub const LISTS_PREFIX: &str = "lists/";

#[derive(Debug, Clone)]
pub struct ScreeningSettings {
    pub common: CommonSettings,
    pub lists: ListSource,
    /// The DynamoDB table for monitored subjects and alerts
    /// (`CDD_SCREENING_TABLE`), with the AWS backend.
    pub table: Option<String>,
    /// How often this task checks its list source for new files and reloads
    /// (`CDD_LISTS_CHECK_INTERVAL_MS`, default 5 minutes; 0 turns it off).
    pub lists_check_interval: Option<std::time::Duration>,
    /// How long after the end of their last public function a person stays
    /// a current PEP (`CDD_PEP_CURRENT_FOR_MONTHS`, default 12).
    pub pep_policy: crate::PepPolicy,
}

impl ScreeningSettings {
    pub fn read(env: &mut EnvReader) -> Option<Self> {
        let common = CommonSettings::read("screening", env)?;
        let table = match common.backend {
            Backend::Aws => env.required("CDD_SCREENING_TABLE"),
            Backend::Embedded { .. } => env.optional("CDD_SCREENING_TABLE"),
        };
        let dir = env.optional("CDD_LISTS_DIR").map(|raw| folders(&raw));
        let bucket = env.optional("CDD_LISTS_BUCKET");
        let lists = match (dir, bucket) {
            (Some(_), Some(_)) => {
                env.problem(
                    "CDD_LISTS_DIR",
                    "set only one of CDD_LISTS_DIR and CDD_LISTS_BUCKET",
                );
                ListSource::Demo
            }
            (Some(Ok(dirs)), None) => ListSource::Dirs(dirs),
            (Some(Err(why)), None) => {
                env.problem("CDD_LISTS_DIR", why);
                ListSource::Demo
            }
            (None, Some(bucket)) => {
                if common.backend != Backend::Aws {
                    env.problem(
                        "CDD_LISTS_BUCKET",
                        "needs CDD_BACKEND=aws (use CDD_LISTS_DIR with the embedded backend)",
                    );
                }
                ListSource::S3 {
                    bucket,
                    prefix: LISTS_PREFIX.to_string(),
                }
            }
            (None, None) => {
                if common.environment != Environment::Local {
                    env.problem(
                        "CDD_LISTS_BUCKET",
                        format!(
                            "a list source is required when CDD_ENV={}: set CDD_LISTS_BUCKET or CDD_LISTS_DIR (the demo list is only for CDD_ENV=local)",
                            common.environment
                        ),
                    );
                }
                ListSource::Demo
            }
        };
        let every = env.parsed_or("CDD_LISTS_CHECK_INTERVAL_MS", 300_000u64);
        let lists_check_interval = (every > 0).then(|| std::time::Duration::from_millis(every));
        let pep_policy = crate::PepPolicy {
            current_for_months: env.parsed_or(
                "CDD_PEP_CURRENT_FOR_MONTHS",
                crate::pep::DEFAULT_CURRENT_FOR_MONTHS,
            ),
        };
        Some(Self {
            common,
            lists,
            table,
            lists_check_interval,
            pep_policy,
        })
    }
}

/// `a,b` → two folders. An empty entry (`a,,b`, a trailing comma) is an
/// error rather than the current folder by accident.
fn folders(raw: &str) -> Result<Vec<PathBuf>, String> {
    raw.split(',')
        .enumerate()
        .map(|(i, part)| {
            let part = part.trim();
            if part.is_empty() {
                Err(format!(
                    "folder {} of {raw:?} is empty: give comma-separated folder paths",
                    i + 1
                ))
            } else {
                Ok(PathBuf::from(part))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<ScreeningSettings, Vec<String>> {
        let mut env = EnvReader::from_map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        let s = ScreeningSettings::read(&mut env);
        match env.finish() {
            Ok(()) => Ok(s.unwrap()),
            Err(e) => Err(e.problems.into_iter().map(|p| p.name).collect()),
        }
    }

    #[test]
    fn nothing_configured_locally_means_the_demo_list() {
        assert_eq!(read(&[]).unwrap().lists, ListSource::Demo);
        assert_eq!(
            read(&[("CDD_LISTS_DIR", "/lists")]).unwrap().lists,
            ListSource::Dirs(vec!["/lists".into()])
        );
    }

    #[test]
    fn every_problem_is_named() {
        let names = read(&[
            ("CDD_ENV", "prod"),
            ("CDD_BACKEND", "aws"),
            ("AWS_REGION", "eu-west-1"),
            ("CDD_AUTH_SECRET_ID", "cdd/auth"),
        ])
        .unwrap_err();
        assert_eq!(names, ["CDD_SCREENING_TABLE", "CDD_LISTS_BUCKET"]);
        let names = read(&[("CDD_LISTS_BUCKET", "b"), ("CDD_LISTS_DIR", "/x")]).unwrap_err();
        assert_eq!(names, ["CDD_LISTS_DIR"]);
        let names = read(&[("CDD_LISTS_BUCKET", "b")]).unwrap_err();
        assert_eq!(names, ["CDD_LISTS_BUCKET"]);
        let names = read(&[("CDD_LISTS_DIR", "/a,,/b")]).unwrap_err();
        assert_eq!(names, ["CDD_LISTS_DIR"]);
        let names = read(&[("CDD_PEP_CURRENT_FOR_MONTHS", "a year")]).unwrap_err();
        assert_eq!(names, ["CDD_PEP_CURRENT_FOR_MONTHS"]);
    }

    #[test]
    fn several_list_folders_and_the_pep_period() {
        let s = read(&[
            ("CDD_LISTS_DIR", "/data/sanctions, /data/pep"),
            ("CDD_PEP_CURRENT_FOR_MONTHS", "24"),
        ])
        .unwrap();
        assert_eq!(
            s.lists,
            ListSource::Dirs(vec!["/data/sanctions".into(), "/data/pep".into()])
        );
        assert_eq!(s.lists.to_string(), "folders /data/sanctions, /data/pep");
        assert_eq!(s.pep_policy.current_for_months, 24);
        assert_eq!(read(&[]).unwrap().pep_policy.current_for_months, 12);
    }
}
