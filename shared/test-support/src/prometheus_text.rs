//! A strict reader of the Prometheus text exposition format (0.0.4), so a
//! test can hold `GET /metrics` to the format and to what the test did.
//!
//! Stricter than a scraper on purpose: every sample must belong to a family
//! declared by `# TYPE` before it, a series may appear once, and each
//! histogram's buckets must be cumulative with `+Inf` equal to `_count`.

use std::collections::{BTreeMap, HashSet};

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// A parsed exposition.
#[derive(Debug, Clone, Default)]
pub struct Exposition {
    /// Family name to its type (`counter`, `gauge`, `histogram`, ...).
    pub types: BTreeMap<String, String>,
    pub samples: Vec<Sample>,
}

impl Exposition {
    /// The samples named `name` whose labels include all of `labels`.
    pub fn matching<'a>(
        &'a self,
        name: &'a str,
        labels: &'a [(&'a str, &'a str)],
    ) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
    }

    /// The one sample named `name` with exactly `labels`, if present.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.matching(name, labels)
            .find(|s| s.labels.len() == labels.len())
            .map(|s| s.value)
    }
}

fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse_value(text: &str) -> Option<f64> {
    match text {
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        _ => text.parse().ok(),
    }
}

/// `{a="1",b="x\"y"}` after the name; returns the labels and the rest.
fn parse_labels(text: &str) -> Result<(BTreeMap<String, String>, &str), String> {
    let mut labels = BTreeMap::new();
    let mut rest = text.strip_prefix('{').ok_or("labels must start with `{`")?;
    loop {
        rest = rest.trim_start_matches(' ');
        if let Some(after) = rest.strip_prefix('}') {
            return Ok((labels, after));
        }
        let eq = rest.find('=').ok_or("a label has no `=`")?;
        let name = rest[..eq].trim();
        if !is_label_name(name) {
            return Err(format!("invalid label name `{name}`"));
        }
        rest = rest[eq + 1..]
            .strip_prefix('"')
            .ok_or_else(|| format!("label `{name}`'s value is not quoted"))?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next() {
                None => return Err(format!("label `{name}`'s value is not closed")),
                Some((i, '"')) => break i,
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    _ => return Err(format!("label `{name}` has an invalid escape")),
                },
                Some((_, c)) => value.push(c),
            }
        };
        if labels.insert(name.to_string(), value).is_some() {
            return Err(format!("label `{name}` is given twice"));
        }
        rest = &rest[end + 1..];
        match rest.strip_prefix(',') {
            Some(after) => rest = after,
            None if rest.starts_with('}') => {}
            None => return Err("labels must be separated by `,`".into()),
        }
    }
}

/// The family a sample belongs to, given the declared types.
fn family_of<'a>(name: &'a str, types: &BTreeMap<String, String>) -> Option<&'a str> {
    if types.contains_key(name) {
        return Some(name);
    }
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(base) = name.strip_suffix(suffix)
            && types.get(base).map(String::as_str) == Some("histogram")
        {
            return Some(base);
        }
    }
    None
}

/// Parses `text`, naming the line of the first problem.
pub fn parse(text: &str) -> Result<Exposition, String> {
    let mut out = Exposition::default();
    let mut seen_series = HashSet::new();
    for (index, line) in text.lines().enumerate() {
        let at = |why: String| format!("line {}: {why}: {line:?}", index + 1);
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let words: Vec<&str> = comment.trim_start().splitn(3, ' ').collect();
            match words.as_slice() {
                ["TYPE", name, kind] => {
                    if !is_metric_name(name) {
                        return Err(at(format!("invalid metric name `{name}`")));
                    }
                    if !["counter", "gauge", "histogram", "summary", "untyped"].contains(kind) {
                        return Err(at(format!("unknown type `{kind}`")));
                    }
                    if out
                        .samples
                        .iter()
                        .any(|s| family_of(&s.name, &out.types) == Some(name))
                        || out
                            .types
                            .insert(name.to_string(), kind.to_string())
                            .is_some()
                    {
                        return Err(at(format!("`{name}` is typed twice or after its samples")));
                    }
                }
                ["HELP", name, ..] if !is_metric_name(name) => {
                    return Err(at(format!("invalid metric name `{name}`")));
                }
                _ => {}
            }
            continue;
        }
        let name_end = line.find(['{', ' ']).ok_or_else(|| at("no value".into()))?;
        let name = &line[..name_end];
        if !is_metric_name(name) {
            return Err(at(format!("invalid metric name `{name}`")));
        }
        let (labels, rest) = if line[name_end..].starts_with('{') {
            parse_labels(&line[name_end..]).map_err(at)?
        } else {
            (BTreeMap::new(), &line[name_end..])
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let value = match fields.as_slice() {
            [value] | [value, _] => parse_value(value),
            _ => None,
        }
        .ok_or_else(|| at("the value is missing or not a number".into()))?;
        if let [_, timestamp] = fields.as_slice()
            && timestamp.parse::<i64>().is_err()
        {
            return Err(at("the timestamp is not an integer".into()));
        }
        if family_of(name, &out.types).is_none() {
            return Err(at(format!("`{name}` has no `# TYPE` before it")));
        }
        if name.ends_with("_bucket") && !labels.contains_key("le") {
            return Err(at("a histogram bucket has no `le`".into()));
        }
        if !seen_series.insert(format!("{name}{labels:?}")) {
            return Err(at("this series appears twice".into()));
        }
        out.samples.push(Sample {
            name: name.to_string(),
            labels,
            value,
        });
    }
    check_histograms(&out)?;
    Ok(out)
}

/// Each histogram series: buckets cumulative, `+Inf` present and equal to
/// `_count`.
fn check_histograms(out: &Exposition) -> Result<(), String> {
    for (family, _) in out.types.iter().filter(|(_, kind)| *kind == "histogram") {
        let bucket_name = format!("{family}_bucket");
        let count_name = format!("{family}_count");
        for count in out.samples.iter().filter(|s| s.name == count_name) {
            let mut buckets: Vec<(f64, f64)> = out
                .samples
                .iter()
                .filter(|s| s.name == bucket_name)
                .filter(|s| {
                    let mut without_le = s.labels.clone();
                    without_le.remove("le");
                    without_le == count.labels
                })
                .map(|s| (parse_value(&s.labels["le"]).unwrap_or(f64::NAN), s.value))
                .collect();
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            if buckets.windows(2).any(|w| w[1].1 < w[0].1) {
                return Err(format!(
                    "{family} {:?}: buckets are not cumulative",
                    count.labels
                ));
            }
            match buckets.last() {
                Some((le, n)) if le.is_infinite() && *n == count.value => {}
                _ => {
                    return Err(format!(
                        "{family} {:?}: the +Inf bucket is missing or differs from _count",
                        count.labels
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# HELP jobs_total Jobs.\n\
        # TYPE jobs_total counter\n\
        jobs_total{kind=\"a\\\"b\",queue=\"x\"} 3\n\
        # TYPE wait_seconds histogram\n\
        wait_seconds_sum{q=\"x\"} 0.5\n\
        wait_seconds_count{q=\"x\"} 2\n\
        wait_seconds_bucket{le=\"0.1\",q=\"x\"} 1\n\
        wait_seconds_bucket{le=\"+Inf\",q=\"x\"} 2\n";

    #[test]
    fn a_good_exposition_is_read() {
        let e = parse(GOOD).unwrap();
        assert_eq!(
            e.value("jobs_total", &[("kind", "a\"b"), ("queue", "x")]),
            Some(3.0)
        );
        assert_eq!(e.value("wait_seconds_count", &[("q", "x")]), Some(2.0));
    }

    #[test]
    fn each_violation_is_refused() {
        let bad = [
            GOOD.replace("# TYPE jobs_total counter\n", ""),
            GOOD.replace("} 3", "} three"),
            GOOD.replace("le=\"+Inf\",q=\"x\"} 2", "le=\"+Inf\",q=\"x\"} 1"),
            GOOD.replace("le=\"0.1\",q=\"x\"} 1", "le=\"0.1\",q=\"x\"} 5"),
            GOOD.replace("queue=\"x\"", "queue=x"),
            GOOD.replace("kind=", "1kind="),
            format!("{GOOD}jobs_total{{kind=\"a\\\"b\",queue=\"x\"}} 4\n"),
        ];
        for text in bad {
            assert!(parse(&text).is_err(), "{text}");
        }
    }
}
