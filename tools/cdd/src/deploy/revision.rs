//! The new revision's containers (the running revision's, with the changes
//! applied) and the difference between two revisions' containers: what
//! `--dry-run` prints and what every deployment shows before it starts.

use std::collections::BTreeMap;
use std::fmt;

use aws_sdk_ecs::types::{ContainerDefinition, KeyValuePair, Secret};

use super::changes::{Changes, retag};

/// The running containers with `changes` applied. Fails, changing nothing,
/// when a change names a container the task definition does not have.
pub fn apply(
    running: &[ContainerDefinition],
    changes: &Changes,
) -> Result<Vec<ContainerDefinition>, String> {
    let known: Vec<&str> = running.iter().filter_map(|c| c.name.as_deref()).collect();
    if let Some(unknown) = changes.containers().find(|c| !known.contains(c)) {
        return Err(format!(
            "the task definition has no container `{unknown}` (it has: {})",
            known.join(", ")
        ));
    }
    let mut containers = running.to_vec();
    for container in &mut containers {
        let name = container.name.clone().unwrap_or_default();
        let named_image = changes.images.iter().rev().find(|c| c.container == name);
        match (named_image, &changes.tag, &container.image) {
            (Some(change), _, _) => container.image = Some(change.image.clone()),
            (None, Some(tag), Some(image)) => container.image = Some(retag(image, tag)),
            _ => {}
        }
        for change in changes.env.iter().filter(|c| c.container == name) {
            let environment = container.environment.get_or_insert_with(Vec::new);
            match environment
                .iter_mut()
                .find(|v| v.name.as_deref() == Some(&change.name))
            {
                Some(variable) => variable.value = Some(change.value.clone()),
                None => environment.push(
                    KeyValuePair::builder()
                        .name(&change.name)
                        .value(&change.value)
                        .build(),
                ),
            }
        }
        for change in changes.secrets.iter().filter(|c| c.container == name) {
            let secrets = container.secrets.get_or_insert_with(Vec::new);
            match secrets.iter_mut().find(|s| s.name == change.name) {
                Some(secret) => secret.value_from = change.value.clone(),
                None => secrets.push(
                    Secret::builder()
                        .name(&change.name)
                        .value_from(&change.value)
                        .build()
                        .map_err(|e| e.to_string())?,
                ),
            }
        }
    }
    Ok(containers)
}

/// One thing that differs between two revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    Image {
        container: String,
        from: Option<String>,
        to: Option<String>,
    },
    Env {
        container: String,
        name: String,
        from: Option<String>,
        to: Option<String>,
    },
    Secret {
        container: String,
        name: String,
        from: Option<String>,
        to: Option<String>,
    },
    ContainerAdded(String),
    ContainerRemoved(String),
}

/// What changes from `old` to `new`, container by container (by name), in
/// the order of `new`'s containers; variables and secrets by name.
pub fn between(old: &[ContainerDefinition], new: &[ContainerDefinition]) -> Vec<Difference> {
    let name = |c: &ContainerDefinition| c.name.clone().unwrap_or_default();
    let mut differences = Vec::new();
    for after in new {
        let container = name(after);
        let Some(before) = old.iter().find(|c| name(c) == container) else {
            differences.push(Difference::ContainerAdded(container));
            continue;
        };
        if before.image != after.image {
            differences.push(Difference::Image {
                container: container.clone(),
                from: before.image.clone(),
                to: after.image.clone(),
            });
        }
        for (name, from, to) in changed(env(before), env(after)) {
            differences.push(Difference::Env {
                container: container.clone(),
                name,
                from,
                to,
            });
        }
        for (name, from, to) in changed(secrets(before), secrets(after)) {
            differences.push(Difference::Secret {
                container: container.clone(),
                name,
                from,
                to,
            });
        }
    }
    for before in old {
        if !new.iter().any(|c| name(c) == name(before)) {
            differences.push(Difference::ContainerRemoved(name(before)));
        }
    }
    differences
}

fn env(c: &ContainerDefinition) -> BTreeMap<String, String> {
    c.environment
        .iter()
        .flatten()
        .filter_map(|v| Some((v.name.clone()?, v.value.clone().unwrap_or_default())))
        .collect()
}

fn secrets(c: &ContainerDefinition) -> BTreeMap<String, String> {
    c.secrets
        .iter()
        .flatten()
        .map(|s| (s.name.clone(), s.value_from.clone()))
        .collect()
}

type Change = (String, Option<String>, Option<String>);

fn changed(before: BTreeMap<String, String>, after: BTreeMap<String, String>) -> Vec<Change> {
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|n| before.get(*n) != after.get(*n))
        .map(|n| (n.clone(), before.get(n).cloned(), after.get(n).cloned()))
        .collect()
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unset)".to_string());
        match self {
            Difference::Image {
                container,
                from,
                to,
            } => write!(f, "{container}: image {} -> {}", shown(from), shown(to)),
            Difference::Env {
                container,
                name,
                from,
                to,
            } => write!(
                f,
                "{container}: env {name} {} -> {}",
                shown(from),
                shown(to)
            ),
            Difference::Secret {
                container,
                name,
                from,
                to,
            } => write!(
                f,
                "{container}: secret {name} {} -> {}",
                shown(from),
                shown(to)
            ),
            Difference::ContainerAdded(c) => write!(f, "{c}: container added"),
            Difference::ContainerRemoved(c) => write!(f, "{c}: container removed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::changes::{ImageChange, SettingChange};

    fn container(name: &str, image: &str, env: &[(&str, &str)]) -> ContainerDefinition {
        let mut builder = ContainerDefinition::builder().name(name).image(image);
        for (k, v) in env {
            builder = builder.environment(KeyValuePair::builder().name(*k).value(*v).build());
        }
        builder.build()
    }

    #[test]
    fn image_env_and_secret_changes_show_in_the_diff() {
        let running = vec![
            container("intake", "repo/intake:41", &[("RUST_LOG", "info")]),
            container("sidecar", "repo/sidecar:7", &[]),
        ];
        let changes = Changes {
            images: vec![ImageChange {
                container: "intake".into(),
                image: "repo/intake:42".into(),
            }],
            tag: Some("8".parse().unwrap()),
            env: vec![SettingChange {
                container: "intake".into(),
                name: "RUST_LOG".into(),
                value: "debug".into(),
            }],
            secrets: vec![SettingChange {
                container: "sidecar".into(),
                name: "TOKEN".into(),
                value: "arn:aws:secretsmanager:x".into(),
            }],
        };
        let new = apply(&running, &changes).unwrap();
        let lines: Vec<String> = between(&running, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "intake: image repo/intake:41 -> repo/intake:42",
                "intake: env RUST_LOG info -> debug",
                "sidecar: image repo/sidecar:7 -> repo/sidecar:8",
                "sidecar: secret TOKEN (unset) -> arn:aws:secretsmanager:x",
            ]
        );
    }

    #[test]
    fn an_unknown_container_changes_nothing() {
        let running = vec![container("intake", "repo/intake:41", &[])];
        let changes = Changes {
            images: vec![ImageChange {
                container: "intke".into(),
                image: "x:1".into(),
            }],
            ..Changes::default()
        };
        let err = apply(&running, &changes).unwrap_err();
        assert!(
            err.contains("no container `intke`") && err.contains("intake"),
            "{err}"
        );
    }
}
