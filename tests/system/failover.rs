//! A screening instance killed mid-run: onboarding goes on through another.

use std::time::Duration;

use cdd_system_tests::{AwsEmulator, Platform, Storage};

use crate::flows::{self, Staff};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_screening_instance_does_not_stop_onboarding() {
    let platform = Platform::start(Storage::Embedded).await;
    kill_one_screening_instance_mid_run(platform).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_screening_instance_does_not_stop_onboarding_on_aws() {
    let emulator = AwsEmulator::start().await;
    let platform = Platform::start_on_aws(&emulator).await;
    kill_one_screening_instance_mid_run(platform).await;
}

async fn kill_one_screening_instance_mid_run(mut platform: Platform) {
    platform.add_instance("screening").await;
    // Intake may have resolved screening while it had one instance; the
    // second is in its answers once that answer's TTL (1 s here, 10 s in
    // Cloud Map) has run out, as for a task that joined a while ago.
    tokio::time::sleep(cdd_system_tests::platform::DNS_TTL + Duration::from_millis(200)).await;
    let staff = Staff::new();
    let before = flows::submit(&platform, &staff, &flows::organisation(), "before-kill").await;
    assert!(
        before["case"]["pending"].as_array().unwrap().is_empty(),
        "{before}"
    );

    // Kill the first instance; it stays in DNS, as a crashed task does until
    // Cloud Map's health check removes it.
    let first = platform.instance_ids("screening")[0].clone();
    platform.kill(&first).await;
    for i in 0..6 {
        let mut body = flows::organisation();
        body["legal_name"] = format!("Northwind Components {i} Ltd").into();
        let customer = flows::submit(&platform, &staff, &body, &format!("after-kill-{i}")).await;
        // Screened at once through the surviving instance: nothing pending.
        assert!(
            customer["case"]["pending"].as_array().unwrap().is_empty(),
            "{customer}"
        );
        assert_eq!(customer["case"]["screening"]["parties_screened"], 3);
    }
    // The whole flow still completes.
    flows::onboard(
        &platform,
        &staff,
        &flows::listed_individual(),
        "after-kill-person",
    )
    .await;
    platform.stop().await;
}
