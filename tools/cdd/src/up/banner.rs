//! What `cdd up` prints once the platform is ready: where each instance
//! listens (and its pid, to try failover by killing one), the Cloud Map
//! records the services find one another by, development tokens, and
//! commands to try.

use std::path::Path;
use std::time::Duration;

use cdd_platform::auth::{DEVELOPMENT_KEY, Role, issue_token};

use super::children::ServiceProcess;
use super::cloud_map::{LocalCloudMap, NAMESPACE, TTL};

/// The development tokens printed, by role and subject.
const TOKENS: [(Role, &str); 4] = [
    (Role::Clerk, "clerk-1"),
    (Role::Analyst, "analyst-1"),
    (Role::Approver, "approver-1"),
    (Role::TemplateAuthor, "template-author-1"),
];

/// The identity provider the services were started with, when the
/// environment names one (the services inherit it).
pub fn identity_provider() -> Option<String> {
    std::env::var("CDD_AUTH_ISSUER")
        .ok()
        .filter(|issuer| !issuer.trim().is_empty())
}

/// The last line of the banner; tests and scripts wait for it.
pub const READY_LINE: &str = "Press Ctrl-C to stop.";

pub fn print(
    running: &[ServiceProcess],
    cloud_map: &LocalCloudMap,
    base_port: u16,
    took: Duration,
    data_dir: &Path,
) -> anyhow::Result<()> {
    let day = Duration::from_secs(24 * 3600);
    let first = |service: &str| {
        running
            .iter()
            .find(|p| p.instance.service == service)
            .map(|p| p.instance.url())
    };
    println!();
    println!(
        "CDD platform is up in {} ms (embedded storage in {})",
        took.as_millis(),
        data_dir.display()
    );
    let width = running
        .iter()
        .map(|p| p.label.len())
        .max()
        .unwrap_or(0)
        .max(10);
    for p in running {
        let url = p.instance.url();
        println!(
            "  {:<width$} {url}   pid {:<7}  (OpenAPI: {url}/openapi.json)",
            p.label, p.pid
        );
    }

    let dns = cloud_map.address();
    println!();
    println!(
        "Cloud Map DNS on {dns} (UDP and TCP), namespace {NAMESPACE}, TTL {} s; the services find one another only through it:",
        TTL.as_secs()
    );
    for record in cloud_map.srv_records() {
        println!("  {record}");
    }
    println!("  (each service name and each SRV target also has an A record: 127.0.0.1)");
    println!(
        "  dig @{} -p {} SRV screening.{NAMESPACE}",
        dns.ip(),
        dns.port()
    );

    println!();
    let provider = identity_provider();
    match &provider {
        Some(issuer) => {
            println!(
                "Sign-in: people sign in with the identity provider {issuer} (CDD_AUTH_ISSUER; roles from its groups through CDD_AUTH_ROLE_MAP). The development key below signs service tokens only."
            );
        }
        None => {
            println!(
                "Sign-in: the built-in development key (local only): `cdd token --role <role> --sub <name>` mints more. Set CDD_AUTH_ISSUER, CDD_AUTH_AUDIENCE and CDD_AUTH_ROLE_MAP to sign people in with an OpenID Connect provider instead."
            );
            println!("Development tokens (valid 24 h, local only):");
            for (role, sub) in TOKENS {
                println!(
                    "  {:<15} {}",
                    role.as_str(),
                    issue_token(DEVELOPMENT_KEY, sub, role, day)?
                );
            }
        }
    }
    if let Some(intake) = first("intake").filter(|_| provider.is_none()) {
        let clerk = issue_token(DEVELOPMENT_KEY, "clerk-1", Role::Clerk, day)?;
        println!();
        println!("Onboard a customer:");
        println!(
            "  curl -s -X POST {intake}/v1/customers -H 'Authorization: Bearer {clerk}' -H 'Idempotency-Key: demo-1' -H 'Content-Type: application/json' \\\n    -d '{{\"kind\":\"individual\",\"name\":\"Maria Lopez\",\"birth_date\":\"1980-02-03\",\"nationalities\":[\"ES\"],\"country_of_residence\":\"ES\",\"address\":{{\"line1\":\"Calle 1\",\"city\":\"Madrid\",\"country\":\"ES\"}}}}'"
        );
        println!();
        println!(
            "Onboard two customers end to end (alerts, documents, four eyes, letters) and print their audit trails:"
        );
        println!("  cargo run -p cdd -- demo --base-port {base_port}");
    }
    if let Some(screening) = first("screening") {
        let service = issue_token(DEVELOPMENT_KEY, "intake", Role::Service, day)?;
        println!();
        println!(
            "Screen a name (without --lists-dir this is the FICTIONAL demo list; see GET /v1/lists):"
        );
        println!(
            "  curl -s -X POST {screening}/v1/screenings -H 'Authorization: Bearer {service}' -H 'Content-Type: application/json' \\\n    -d '{{\"subject\":{{\"kind\":\"person\",\"name\":\"Ambrose Quilfeather\",\"birth_date\":\"1970-02-02\"}}}}'"
        );
    }
    if let Some(letters) = first("letters").filter(|_| provider.is_none()) {
        let analyst = issue_token(DEVELOPMENT_KEY, "analyst-1", Role::Analyst, day)?;
        println!();
        println!(
            "Write a request-for-information letter (PDF), then fetch it from GET /v1/letters/{{id}}/content (put the id intake answered for Maria in customer_id: letters takes the ids intake issues, `cus_` and 32 hex digits):"
        );
        println!(
            "  curl -s -X POST {letters}/v1/letters -H 'Authorization: Bearer {analyst}' -H 'Idempotency-Key: demo-letter-1' -H 'Content-Type: application/json' \\\n    -d '{{\"template\":\"rfi\",\"customer_id\":\"cus_0190a0f0e5d07c3a8b1e2f3a4b5c6d7e\",\"format\":\"pdf\",\"data\":{{\"customer_name\":\"Maria Lopez\",\"reference\":\"CDD-2026-000001\",\"address\":[\"Calle 1\",\"28001 Madrid\",\"Spain\"],\"documents\":[\"Proof of address\"]}}}}'"
        );
    }
    println!();
    println!("{READY_LINE}");
    Ok(())
}
