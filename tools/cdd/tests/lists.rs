//! `cdd lists`: load, diff, screen a customer file, and fetch from a
//! publisher (here a local HTTP server serving the bundled real files).

use std::process::Command;

use cdd_screening::sanctions_data_dir;

fn cdd(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cdd"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn diff_reports_the_real_april_to_may_2024_change() {
    let data = sanctions_data_dir();
    let out = cdd(&[
        "lists",
        "diff",
        data.join("ofac_sdn_2024-04-02").to_str().unwrap(),
        data.join("ofac_sdn_2024-05-03").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("added 417, removed 12, changed 11"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn load_reports_the_newest_vintages_and_refuses_a_broken_file_by_line() {
    let data = sanctions_data_dir();
    let out = cdd(&["lists", "load", data.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("16991 entities"), "{stdout}");
    assert!(stdout.contains("skipped ofac_sdn_2021-07"), "{stdout}");

    let broken = tempfile::tempdir().unwrap();
    std::fs::write(
        broken.path().join("sdn.csv"),
        "<html>Service unavailable</html>\n",
    )
    .unwrap();
    let out = cdd(&["lists", "load", broken.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("sdn.csv") && stderr.contains(":1"),
        "{stderr}"
    );
}

#[test]
fn load_counts_the_records_it_does_not_screen_and_draws_no_spinner_into_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("entities.ftm.json"),
        concat!(
            r#"{"id": "c1", "schema": "Company", "properties": {"name": ["Fenwick Harbour Ltd"], "topics": ["sanction"]}}"#,
            "\n",
            r#"{"id": "s1", "schema": "Sanction", "properties": {"entity": ["c1"]}}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = cdd(&["lists", "load", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("1 entities"), "{stdout}");
    assert!(
        stdout.contains("not screened: 1 Sanction records in entities.ftm.json"),
        "{stdout}"
    );
    // stderr is a pipe here: the spinner must not draw into it.
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn screen_writes_the_matches_of_a_customer_file_and_reports_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    std::fs::write(
        &input,
        "ref,kind,name,birth_date,countries\n\
         c-1,person,Maria Lopez Garcia,1980-02-03,ES\n\
         c-2,organisation,Islamic Revolutionary Guard Corps,,IR\n\
         c-3,spaceship,Nobody,,\n\
         c-4,person,Jane Doe,1980-13-45,\n",
    )
    .unwrap();
    let output = dir.path().join("matches.csv");
    let data = sanctions_data_dir();
    let out = cdd(&[
        "lists",
        "screen",
        "--lists",
        data.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("customers.csv:4: kind must be"), "{stderr}");
    assert!(stderr.contains("customers.csv:5: birth_date"), "{stderr}");
    assert!(stderr.contains("screened 2 customers"), "{stderr}");
    let matches = std::fs::read_to_string(&output).unwrap();
    assert!(
        matches.starts_with("ref,line,entity_id,list,category,matched_name,"),
        "{matches}"
    );
    let rows: Vec<&str> = matches.lines().skip(1).collect();
    assert!(
        rows.iter()
            .any(|r| r.starts_with("c-2,3,ofac-sdn:") && r.contains(",ofac-sdn,sanction,")),
        "{matches}"
    );
    assert!(!rows.iter().any(|r| r.starts_with("c-1,")), "{matches}");
}

#[tokio::test]
async fn fetch_downloads_validates_and_files_each_list_as_a_new_vintage() {
    let data = sanctions_data_dir();
    // The EU serves its export at `.../content?token=...`: the saved file
    // takes the name the sources give, and is recognised by its content.
    let eu_export = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../services/screening/tests/fixtures/lists/eu_fsf_2026-11-20/xmlFullSanctionsList_1_1.xml"),
    )
    .unwrap();
    // The "publisher": a local server with the real files.
    let app = axum::Router::new()
        .route(
            "/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content",
            axum::routing::get(move || async move { eu_export }),
        )
        .route(
            "/{*path}",
            axum::routing::get(
                move |axum::extract::Path(path): axum::extract::Path<String>| {
                    let file = data.join(&path);
                    async move {
                        match std::fs::read(&file) {
                            Ok(bytes) if !path.contains("..") => (http_ok(), bytes),
                            _ => (axum::http::StatusCode::NOT_FOUND, Vec::new()),
                        }
                    }
                },
            ),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().unwrap();
    let sources = dir.path().join("sources.json");
    std::fs::write(
        &sources,
        serde_json::json!({
            "ofac_sdn": {"sdn.csv": format!("{base}/ofac_sdn_2024-05-03/sdn.csv")},
            "bis_dpl": {"dpl.txt": format!("{base}/bis_dpl_2022-09/dpl.txt")},
            "un_consolidated": {"UN_consolidated.xml": format!("{base}/missing/UN_consolidated.xml")},
            "eu_fsf": {"xmlFullSanctionsList_1_1.xml": format!("{base}/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw")},
        })
        .to_string(),
    )
    .unwrap();
    let dest = dir.path().join("lists");
    let run = |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_cdd"))
                .args(args)
                .output()
                .unwrap()
        })
    };
    let out = run(vec![
        "lists".into(),
        "fetch".into(),
        "--dest".into(),
        dest.display().to_string(),
        "--sources".into(),
        sources.display().to_string(),
    ])
    .await
    .unwrap();
    // The UN file is missing at the "publisher": that list fails, the others land.
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("un_consolidated: GET"),
        "{}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ofac_sdn: 14965 entities"), "{stdout}");
    assert!(stdout.contains("bis_dpl: 581 entities"), "{stdout}");
    assert!(
        stdout.contains("eu_fsf: 3 entities, 1 rows rejected"),
        "{stdout}"
    );
    let today = time::OffsetDateTime::now_utc().date();
    assert!(
        dest.join(format!("ofac_sdn_{today}"))
            .join("sdn.csv")
            .exists()
    );
    assert!(
        dest.join(format!("eu_fsf_{today}"))
            .join("xmlFullSanctionsList_1_1.xml")
            .exists()
    );
    assert!(
        !dest.join(format!("un_consolidated_{today}")).exists(),
        "a failed list leaves nothing behind"
    );
    let names: Vec<String> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".partial")), "{names:?}");
    // The fetched folder is what the service loads.
    let report = cdd_screening::load_lists_dir(&dest).unwrap();
    assert_eq!(report.version.counts.entities, 14965 + 581 + 3);
    server.abort();
}

fn http_ok() -> axum::http::StatusCode {
    axum::http::StatusCode::OK
}
