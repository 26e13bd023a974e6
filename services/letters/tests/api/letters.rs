//! `/v1/letters`: issue, read back, idempotency, refusals, damage.

use std::sync::Arc;

use cdd_platform::auth::Role;
use futures::future::join_all;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{field_names, pdftotext, problem, rfi_request, spawn_app, unique};

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_pdf_letter_is_issued_stored_and_read_back() {
    let app = spawn_app().await;
    let res = app
        .post_letter(
            "k-1",
            &rfi_request("cus_616e6100000000000000000000000000", "pdf"),
            Role::Service,
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let letter: Value = res.json().await.unwrap();
    let id = letter["id"].as_str().unwrap();
    assert_eq!(location, format!("/v1/letters/{id}"));
    assert_eq!(
        letter["key"],
        format!("letters/cus_616e6100000000000000000000000000/{id}.pdf")
    );
    assert_eq!(letter["format"], "pdf");
    assert_eq!(letter["content_type"], "application/pdf");
    assert_eq!(letter["template"], "rfi");
    assert_eq!(letter["version"], 1);
    assert_eq!(letter["created_by"], "service-1");
    // Intake reads this answer through the shared contract type.
    let typed: cdd_contracts::letters::Letter =
        serde_json::from_value(letter.clone()).expect("the letter keeps the contract");
    assert_eq!(typed.id, id);
    assert_eq!(typed.template, cdd_contracts::letters::templates::RFI);

    // The file is in the outbound directory under its key.
    let file = std::fs::read(
        app.data_dir
            .join("outbound")
            .join(letter["key"].as_str().unwrap()),
    )
    .unwrap();
    assert_eq!(hex_sha256(&file), letter["sha256"]);
    assert_eq!(file.len() as u64, letter["size"].as_u64().unwrap());

    let (status, meta) = app.get_json(&location, Role::Clerk).await;
    assert_eq!(status, 200);
    assert_eq!(meta, letter);

    let res = app.get(&format!("{location}/content"), Role::Analyst).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["etag"].to_str().unwrap(),
        format!("\"{}\"", letter["sha256"].as_str().unwrap())
    );
    assert_eq!(
        res.headers()["repr-digest"].to_str().unwrap(),
        format!("sha-256=:{}:", letter["checksum_sha256"].as_str().unwrap())
    );
    let pdf = res.bytes().await.unwrap();
    assert_eq!(hex_sha256(&pdf), letter["sha256"]);
    let text = pdftotext(&pdf);
    assert!(text.contains("José Müller-Łukasiewicz"), "{text}");
    assert!(text.contains("CDD-2026-000123"), "{text}");
    assert!(text.contains("Northbridge Savings Bank"), "{text}");
    assert!(text.contains("Proof of address"), "{text}");
    assert!(text.contains("30 April 2026"), "{text}");
    app.stop().await;
}

#[tokio::test]
async fn html_and_text_letters_have_their_content_types() {
    let app = spawn_app().await;
    for (format, content_type, ext) in [
        ("html", "text/html; charset=utf-8", "html"),
        ("text", "text/plain; charset=utf-8", "txt"),
    ] {
        let letter = app
            .issue(&rfi_request("cus_666f726d617473000000000000000000", format))
            .await;
        assert!(
            letter["key"]
                .as_str()
                .unwrap()
                .ends_with(&format!(".{ext}"))
        );
        let res = app
            .get(
                &format!("/v1/letters/{}/content", letter["id"].as_str().unwrap()),
                Role::Clerk,
            )
            .await;
        assert_eq!(res.headers()["content-type"], content_type);
        let body = res.text().await.unwrap();
        assert!(body.contains("CDD-2026-000123"), "{body}");
        assert!(body.contains("Müller"), "{body}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_customers_letters_are_listed_oldest_first() {
    let app = spawn_app().await;
    let first = app
        .issue(&rfi_request("cus_6c697374000000000000000000000000", "text"))
        .await;
    let mut approval = rfi_request("cus_6c697374000000000000000000000000", "html");
    approval["template"] = json!("onboarding-approval");
    approval["data"]
        .as_object_mut()
        .unwrap()
        .remove("documents");
    approval["data"]
        .as_object_mut()
        .unwrap()
        .remove("respond_by");
    approval["decision"] = json!({"reference": "cus_6c697374000000000000000000000000:decision:1", "outcome": "approve"});
    let second = app.issue(&approval).await;
    assert_eq!(second["decision"]["outcome"], "approve", "{second}");
    app.issue(&rfi_request("cus_6f746865720000000000000000000000", "text"))
        .await;

    let (status, body) = app
        .get_json(
            "/v1/customers/cus_6c697374000000000000000000000000/letters",
            Role::Approver,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["customer_id"], "cus_6c697374000000000000000000000000");
    assert_eq!(body["letters"], json!([first, second]));
    let (_, none) = app
        .get_json(
            "/v1/customers/cus_6e6f626f647900000000000000000000/letters",
            Role::Approver,
        )
        .await;
    assert_eq!(none["letters"], json!([]));
    problem(
        app.get("/v1/customers/bad%20id/letters", Role::Clerk).await,
        400,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn unknown_letters_are_not_found_and_bad_ids_are_refused() {
    let app = spawn_app().await;
    let missing = "/v1/letters/let_0123456789abcdef0123456789abcdef";
    problem(app.get(missing, Role::Clerk).await, 404).await;
    problem(
        app.get(&format!("{missing}/content"), Role::Clerk).await,
        404,
    )
    .await;
    let p = problem(app.get("/v1/letters/..%2Fetc", Role::Clerk).await, 400).await;
    assert_eq!(field_names(&p), ["id"]);
    app.stop().await;
}

#[tokio::test]
async fn the_same_key_and_body_get_the_identical_answer() {
    let app = spawn_app().await;
    let body = rfi_request("cus_6964656d000000000000000000000000", "pdf");
    let first = app.post_letter("same-key", &body, Role::Service).await;
    let first_status = first.status();
    let first_location = first.headers()["location"].clone();
    let first_body = first.bytes().await.unwrap();
    // The same JSON with its keys in another order is the same request.
    let reordered: Value = serde_json::from_str(&{
        let mut pairs: Vec<(String, Value)> =
            body.as_object().unwrap().clone().into_iter().collect();
        pairs.reverse();
        let map: serde_json::Map<String, Value> = pairs.into_iter().collect();
        serde_json::to_string(&map).unwrap()
    })
    .unwrap();
    let again = app.post_letter("same-key", &reordered, Role::Service).await;
    assert_eq!(again.status(), first_status);
    assert_eq!(again.headers()["location"], first_location);
    assert_eq!(again.bytes().await.unwrap(), first_body);

    let mut changed = body.clone();
    changed["format"] = json!("text");
    let p = problem(
        app.post_letter("same-key", &changed, Role::Service).await,
        422,
    )
    .await;
    assert!(
        p["type"]
            .as_str()
            .unwrap()
            .ends_with("/idempotency-key-reused"),
        "{p}"
    );

    // Keys belong to a caller: another subject's same key is another request.
    let other = app.post_letter("same-key", &body, Role::Clerk).await;
    assert_eq!(other.status(), 201);
    assert_ne!(other.bytes().await.unwrap(), first_body);

    let (_, list) = app
        .get_json(
            "/v1/customers/cus_6964656d000000000000000000000000/letters",
            Role::Clerk,
        )
        .await;
    assert_eq!(list["letters"].as_array().unwrap().len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn two_hundred_concurrent_posts_with_one_key_make_one_letter() {
    let app = Arc::new(spawn_app().await);
    let body = rfi_request("cus_62757273740000000000000000000000", "pdf");
    let posts = (0..200).map(|_| {
        let app = Arc::clone(&app);
        let body = body.clone();
        tokio::spawn(async move {
            let res = app.post_letter("burst-key", &body, Role::Service).await;
            (res.status().as_u16(), res.bytes().await.unwrap())
        })
    });
    let answers: Vec<(u16, bytes::Bytes)> = join_all(posts)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert!(
        answers.iter().all(|a| *a == answers[0]),
        "all 200 answers are identical"
    );
    assert_eq!(answers[0].0, 201);
    let (_, list) = app
        .get_json(
            "/v1/customers/cus_62757273740000000000000000000000/letters",
            Role::Clerk,
        )
        .await;
    assert_eq!(list["letters"].as_array().unwrap().len(), 1);
    let files = std::fs::read_dir(
        app.data_dir
            .join("outbound/letters/cus_62757273740000000000000000000000"),
    )
    .unwrap()
    .count();
    assert_eq!(files, 1);
    if let Ok(app) = Arc::try_unwrap(app) {
        app.stop().await;
    }
}

#[tokio::test]
async fn the_idempotency_key_is_required() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/v1/letters"))
        .bearer_auth(crate::helpers::token(Role::Service))
        .json(&rfi_request("cus_31000000000000000000000000000000", "pdf"))
        .send()
        .await
        .unwrap();
    let p = problem(res, 400).await;
    assert_eq!(field_names(&p), ["Idempotency-Key"]);
    app.stop().await;
}

#[tokio::test]
async fn missing_and_mistyped_fields_are_each_named() {
    let app = spawn_app().await;
    let body =
        json!({"version": "one", "customer_id": 7, "data": [], "format": "docx", "colour": "red"});
    let p = problem(
        app.post_letter(&unique("k"), &body, Role::Service).await,
        422,
    )
    .await;
    let mut fields = field_names(&p);
    fields.sort();
    assert_eq!(
        fields,
        [
            "colour",
            "customer_id",
            "data",
            "format",
            "template",
            "version"
        ]
    );

    let p = problem(
        app.post_letter(&unique("k"), &json!({}), Role::Service)
            .await,
        422,
    )
    .await;
    let mut fields = field_names(&p);
    fields.sort();
    assert_eq!(fields, ["customer_id", "data", "format", "template"]);

    // The letter data is checked against the template in the same answer.
    let body = json!({
        "template": "rfi", "customer_id": "bad id!", "format": "pdf",
        "data": {"customer_name": 5, "address": [], "documnets": ["x"], "respond_by": "2026-02-30"}
    });
    let p = problem(
        app.post_letter(&unique("k"), &body, Role::Service).await,
        422,
    )
    .await;
    let mut fields = field_names(&p);
    fields.sort();
    assert_eq!(
        fields,
        [
            "customer_id",
            "data.address",
            "data.customer_name",
            "data.documents",
            "data.documnets",
            "data.reference",
            "data.respond_by"
        ]
    );
    let messages = p["errors"].to_string();
    assert!(
        messages.contains("must be a string, not an integer"),
        "{messages}"
    );
    assert!(
        messages.contains("is not a field of this template"),
        "{messages}"
    );

    let mut unknown = rfi_request("cus_31000000000000000000000000000000", "pdf");
    unknown["template"] = json!("no-such-letter");
    let p = problem(
        app.post_letter(&unique("k"), &unknown, Role::Service).await,
        422,
    )
    .await;
    assert_eq!(field_names(&p), ["template"]);
    let mut old = rfi_request("cus_31000000000000000000000000000000", "pdf");
    old["version"] = json!(7);
    let p = problem(
        app.post_letter(&unique("k"), &old, Role::Service).await,
        422,
    )
    .await;
    assert_eq!(field_names(&p), ["version"]);

    let (_, list) = app
        .get_json(
            "/v1/customers/cus_31000000000000000000000000000000/letters",
            Role::Clerk,
        )
        .await;
    assert_eq!(
        list["letters"],
        json!([]),
        "nothing is issued for a refused request"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_named_version_is_used_and_the_latest_by_default() {
    let app = spawn_app().await;
    let custom = json!({"subject": "New RFI", "fields": [{"name": "documents", "type": "string_list"},
                                                          {"name": "respond_by", "type": "date", "optional": true}],
                        "body": "Dear {{ customer_name }}, version two."});
    assert_eq!(
        app.put_template("rfi", &custom, Role::TemplateAuthor)
            .await
            .status(),
        201
    );
    let mut body = rfi_request("cus_76000000000000000000000000000000", "text");
    body["data"].as_object_mut().unwrap().remove("respond_by");
    let latest = app.issue(&body).await;
    assert_eq!(latest["version"], 2);
    body["version"] = json!(1);
    let v1 = app.issue(&body).await;
    assert_eq!(v1["version"], 1);
    let text = app
        .get(
            &format!("/v1/letters/{}/content", latest["id"].as_str().unwrap()),
            Role::Clerk,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("version two"), "{text}");
    app.stop().await;
}

#[tokio::test]
async fn a_damaged_file_is_reported_not_served() {
    let app = spawn_app().await;
    let letter = app
        .issue(&rfi_request("cus_64616d61676500000000000000000000", "pdf"))
        .await;
    let path = app
        .data_dir
        .join("outbound")
        .join(letter["key"].as_str().unwrap());
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();

    let content = format!("/v1/letters/{}/content", letter["id"].as_str().unwrap());
    let p = problem(app.get(&content, Role::Clerk).await, 502).await;
    assert!(
        p["type"]
            .as_str()
            .unwrap()
            .ends_with("/stored-content-corrupt"),
        "{p}"
    );
    std::fs::remove_file(&path).unwrap();
    let p = problem(app.get(&content, Role::Clerk).await, 502).await;
    assert!(
        p["type"]
            .as_str()
            .unwrap()
            .ends_with("/stored-content-corrupt"),
        "{p}"
    );
    // The metadata is still there.
    assert_eq!(
        app.get_json(
            &format!("/v1/letters/{}", letter["id"].as_str().unwrap()),
            Role::Clerk
        )
        .await
        .0,
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn letters_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let app = crate::helpers::spawn_app_in(dir.path(), &[]).await;
    let body = rfi_request("cus_72657374617274000000000000000000", "text");
    let res = app.post_letter("restart-key", &body, Role::Service).await;
    let first = res.bytes().await.unwrap();
    app.stop().await;

    let app = crate::helpers::spawn_app_in(dir.path(), &[]).await;
    let again = app.post_letter("restart-key", &body, Role::Service).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.bytes().await.unwrap(), first);
    let (_, list) = app
        .get_json(
            "/v1/customers/cus_72657374617274000000000000000000/letters",
            Role::Clerk,
        )
        .await;
    assert_eq!(list["letters"].as_array().unwrap().len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn embedded_data_is_readable_by_the_service_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("letters-data");
    let app = crate::helpers::spawn_app_in(&data, &[]).await;
    app.issue(&rfi_request("cus_70726976617465000000000000000000", "pdf"))
        .await;
    app.stop().await;
    let files = cdd_test_support::assert_private_tree(&data);
    assert!(files >= 2, "the journal and the letter are there: {files}");
}
