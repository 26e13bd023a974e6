//! A service intake needs is down: the customer is accepted with the step
//! pending, a decision that needs it gets 503 with Retry-After, and the step
//! completes once the service is back. Nothing is lost.

use cdd_system_tests::{Platform, Storage};

use crate::flows::{self, Staff};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steps_wait_for_a_service_that_is_down_and_finish_when_it_is_back() {
    let mut platform = Platform::start(Storage::Embedded).await;
    let staff = Staff::new();
    for service in ["screening", "letters"] {
        let id = platform.instance_ids(service)[0].clone();
        platform.kill(&id).await;
    }

    let created = flows::submit(&platform, &staff, &flows::listed_individual(), "while-down").await;
    let id = flows::id(&created);
    let pending: Vec<&str> = created["case"]["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["step"].as_str().unwrap())
        .collect();
    assert_eq!(pending, ["screening", "request_information"], "{created}");
    assert!(created["case"].get("screening").is_none());

    // No decision while screening has not run.
    let (status, body) = flows::propose(&staff, &platform, &id, "reject").await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("screening"),
        "{body}"
    );

    // Documents down too: reading the requirements is 503 with Retry-After.
    let documents = platform.instance_ids("documents")[0].clone();
    platform.kill(&documents).await;
    let res = staff
        .analyst
        .client
        .get(format!(
            "{}/v1/customers/{id}/requirements",
            platform.url("intake")
        ))
        .bearer_auth(&staff.analyst.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(res.headers()["content-type"], "application/problem+json");

    // Back: new instances register in DNS; intake's worker finishes the steps.
    for service in ["screening", "letters", "documents"] {
        platform.add_instance(service).await;
    }
    let done = flows::settled(&platform, &staff, &id).await;
    assert!(
        !done["case"]["alerts"].as_array().unwrap().is_empty(),
        "{done}"
    );
    assert_eq!(
        done["case"]["letters"][0]["purpose"],
        "request_for_information"
    );
    let actions = flows::audit_actions(&platform, &staff, &id).await;
    assert_eq!(
        actions,
        ["customer.created", "screening.completed", "letter.issued"],
        "{actions:?}"
    );
    platform.stop().await;
}
