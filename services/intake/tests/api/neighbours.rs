//! The services intake calls, for the tests that carry a case through to a
//! decision: the real screening and documents services, each on its own
//! port with embedded storage. Screening reads list files these tests
//! write: fictional people in the formats of the US Congress PEP data
//! (`legislators-current.yaml`, `legislators-historical.yaml`) and of
//! OFAC's SDN list (`sdn.csv`). Nothing is copied from a real list.

use std::collections::HashMap;
use std::path::Path;

use cdd_platform::auth::Role;
use cdd_platform::http::Shutdown;
use cdd_platform::service::Service;
use cdd_platform::settings::EnvReader;
use serde_json::Value;

use crate::helpers::token;

/// A fictional person on a list.
pub enum Listed {
    /// A US senator for `state` (USPS code) from `start` to `end`.
    Senator {
        first: &'static str,
        last: &'static str,
        birthday: &'static str,
        state: &'static str,
        start: &'static str,
        end: &'static str,
    },
    /// An individual on the SDN list, named `LAST, First`.
    Sanctioned {
        name: &'static str,
        dob: &'static str,
    },
}

impl Listed {
    fn yaml(&self, n: usize) -> Option<String> {
        let Listed::Senator {
            first,
            last,
            birthday,
            state,
            start,
            end,
        } = self
        else {
            return None;
        };
        Some(format!(
            "- id:\n    bioguide: T{n:06}\n  name:\n    first: {first}\n    last: {last}\n    official_full: {first} {last}\n  bio:\n    birthday: '{birthday}'\n  terms:\n  - type: sen\n    start: '{start}'\n    end: '{end}'\n    state: {state}\n    party: Independent\n"
        ))
    }

    fn sdn_row(&self, n: usize) -> Option<String> {
        let Listed::Sanctioned { name, dob } = self else {
            return None;
        };
        Some(format!(
            "{},\"{name}\",\"individual\",\"TEST\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB {dob}; written for intake's tests.\"\n",
            800_000 + n
        ))
    }

    fn held_now(&self) -> bool {
        match self {
            Listed::Senator { end, .. } => {
                **end > *time::OffsetDateTime::now_utc().date().to_string()
            }
            Listed::Sanctioned { .. } => false,
        }
    }
}

/// Writes `listed` as list files under `dir`.
fn write_lists(dir: &Path, listed: &[Listed]) {
    let mut files: HashMap<&str, String> = HashMap::new();
    for (n, person) in listed.iter().enumerate() {
        if let Some(yaml) = person.yaml(n + 1) {
            let file = if person.held_now() {
                "legislators-current.yaml"
            } else {
                "legislators-historical.yaml"
            };
            files.entry(file).or_default().push_str(&yaml);
        }
        if let Some(row) = person.sdn_row(n + 1) {
            files.entry("sdn.csv").or_default().push_str(&row);
        }
    }
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn vars(pairs: &[(&str, String)]) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = [
        ("PORT", "0".to_string()),
        ("CDD_ENV", "local".to_string()),
        ("CDD_BACKEND", "embedded".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in pairs {
        vars.insert(k.to_string(), v.clone());
    }
    vars
}

/// The real screening service, screening against `listed` only.
pub async fn screening(dir: &Path, listed: &[Listed], shutdown: &Shutdown) -> String {
    let lists = dir.join("lists");
    std::fs::create_dir_all(&lists).unwrap();
    write_lists(&lists, listed);
    let mut env = EnvReader::from_map(vars(&[
        ("CDD_DATA_DIR", dir.join("data").display().to_string()),
        ("CDD_LISTS_DIR", lists.display().to_string()),
    ]));
    let settings = cdd_screening::Application::read_settings(&mut env).unwrap();
    env.finish().unwrap();
    let app = cdd_screening::Application::build(settings, shutdown.clone())
        .await
        .unwrap();
    let url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    url
}

/// The real documents service on embedded storage in `dir`.
pub async fn documents(dir: &Path, shutdown: &Shutdown) -> String {
    let mut env = EnvReader::from_map(vars(&[("CDD_DATA_DIR", dir.display().to_string())]));
    let settings = cdd_documents::Application::read_settings(&mut env).unwrap();
    env.finish().unwrap();
    let app = cdd_documents::Application::build(settings, shutdown.clone())
        .await
        .unwrap();
    let url = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    url
}

/// A small PDF, as the documents service checks the type from the bytes.
fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%intake-test\n".to_vec();
    bytes.resize(500, b'0');
    bytes.extend_from_slice(b"\n%%EOF");
    bytes
}

/// A clerk uploads a document of `kind` for the customer (or a related
/// party), and an analyst verifies it.
pub async fn provide(documents: &str, customer: &str, kind: &str, party: Option<&str>) {
    let client = reqwest::Client::new();
    let mut url =
        reqwest::Url::parse(&format!("{documents}/v1/customers/{customer}/documents")).unwrap();
    url.query_pairs_mut().append_pair("type", kind);
    if let Some(party) = party {
        url.query_pairs_mut().append_pair("party", party);
    }
    let res = client
        .post(url)
        .bearer_auth(token(Role::Clerk, "clerk-1"))
        .header("content-type", "application/pdf")
        .body(pdf())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "upload of {kind}");
    let doc: Value = res.json().await.unwrap();
    let res = client
        .patch(format!(
            "{documents}/v1/documents/{}",
            doc["id"].as_str().unwrap()
        ))
        .bearer_auth(token(Role::Analyst, "analyst-docs"))
        .header("if-match", format!("\"{}\"", doc["version"]))
        .json(&serde_json::json!({"status": "verified"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "verifying {kind}");
}
