//! What the command line asks to change in the running task definition:
//! images per container, one tag for every container, environment variables
//! and secrets. Parsed once here, so that the rest never re-checks a value.

use std::fmt;
use std::str::FromStr;

/// `--image CONTAINER=IMAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageChange {
    pub container: String,
    pub image: String,
}

impl FromStr for ImageChange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (container, image) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}` is not CONTAINER=IMAGE"))?;
        if container.trim().is_empty() || image.trim().is_empty() {
            return Err(format!("`{s}`: both CONTAINER and IMAGE must be given"));
        }
        if image.chars().any(char::is_whitespace) {
            return Err(format!("image `{image}` contains white space"));
        }
        Ok(Self {
            container: container.trim().to_string(),
            image: image.to_string(),
        })
    }
}

/// `--tag TAG`: a valid image tag (the registry's grammar: a word character,
/// then up to 127 word characters, dots and dashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageTag(String);

impl FromStr for ImageTag {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let mut chars = s.chars();
        let valid = s.len() <= 128
            && chars.next().is_some_and(word)
            && chars.all(|c| word(c) || c == '.' || c == '-');
        if valid {
            Ok(Self(s.to_string()))
        } else {
            Err(format!(
                "`{s}` is not an image tag (letters, digits, `_`, then also `.` and `-`; at most 128)"
            ))
        }
    }
}

impl fmt::Display for ImageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The image reference with its tag (and any digest) replaced by `tag`.
/// The tag is what follows the last `:` of the last path segment, so a
/// registry port (`registry:5000/app`) is never taken for a tag.
pub fn retag(image: &str, tag: &ImageTag) -> String {
    let without_digest = image.split_once('@').map_or(image, |(name, _)| name);
    let name_start = without_digest.rfind('/').map_or(0, |i| i + 1);
    let repository = match without_digest[name_start..].find(':') {
        Some(i) => &without_digest[..name_start + i],
        None => without_digest,
    };
    format!("{repository}:{tag}")
}

/// `--env CONTAINER NAME VALUE` or `--secret CONTAINER NAME ARN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingChange {
    pub container: String,
    pub name: String,
    pub value: String,
}

impl SettingChange {
    /// Groups clap's flat list of values (three per occurrence) into changes.
    pub fn from_triples(values: &[String], option: &str) -> Result<Vec<Self>, String> {
        if !values.len().is_multiple_of(3) {
            return Err(format!("{option} takes CONTAINER NAME VALUE"));
        }
        values
            .chunks_exact(3)
            .map(|triple| {
                let [container, name, value] = triple else {
                    unreachable!("chunks_exact(3)")
                };
                if container.is_empty() || name.is_empty() {
                    return Err(format!("{option}: CONTAINER and NAME must not be empty"));
                }
                Ok(Self {
                    container: container.clone(),
                    name: name.clone(),
                    value: value.clone(),
                })
            })
            .collect()
    }
}

/// Everything one deployment changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub images: Vec<ImageChange>,
    /// Applies to every container that `images` does not name.
    pub tag: Option<ImageTag>,
    pub env: Vec<SettingChange>,
    pub secrets: Vec<SettingChange>,
}

impl Changes {
    /// Every container the changes name, for checking that they exist.
    pub fn containers(&self) -> impl Iterator<Item = &str> {
        self.images
            .iter()
            .map(|c| c.container.as_str())
            .chain(self.env.iter().map(|c| c.container.as_str()))
            .chain(self.secrets.iter().map(|c| c.container.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> ImageTag {
        s.parse().unwrap()
    }

    #[test]
    fn retag_replaces_only_the_tag() {
        let t = tag("42-abc");
        assert_eq!(retag("repo/app:41", &t), "repo/app:42-abc");
        assert_eq!(retag("app", &t), "app:42-abc");
        assert_eq!(
            retag("registry:5000/team/app", &t),
            "registry:5000/team/app:42-abc"
        );
        assert_eq!(
            retag("registry:5000/team/app:1", &t),
            "registry:5000/team/app:42-abc"
        );
        assert_eq!(
            retag(
                "1.dkr.ecr.eu-central-1.amazonaws.com/cdd-dev/intake@sha256:ab12",
                &t
            ),
            "1.dkr.ecr.eu-central-1.amazonaws.com/cdd-dev/intake:42-abc"
        );
        assert_eq!(retag("app:1@sha256:ab12", &t), "app:42-abc");
    }

    #[test]
    fn tags_and_image_changes_are_checked() {
        assert!("".parse::<ImageTag>().is_err());
        assert!("-1".parse::<ImageTag>().is_err());
        assert!("a:b".parse::<ImageTag>().is_err());
        assert!("v1.2_3-rc".parse::<ImageTag>().is_ok());
        assert!("intake".parse::<ImageChange>().is_err());
        assert!("=repo:1".parse::<ImageChange>().is_err());
        assert!("intake=".parse::<ImageChange>().is_err());
        let change: ImageChange = "intake=repo/intake:1".parse().unwrap();
        assert_eq!(change.container, "intake");
        assert_eq!(change.image, "repo/intake:1");
    }
}
