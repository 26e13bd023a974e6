//! The storage contract: every case runs against the embedded adapters and
//! against DynamoDB and S3 (the moto server), so both keep the same rules.
//!
//! The AWS half reads the emulator's endpoint from `CDD_TEST_AWS_ENDPOINT`
//! and creates a uniquely named table and bucket for each test, deleting
//! them afterwards. Without the variable those tests fail, saying how to run
//! them: they never pass by doing nothing.

mod backend;
mod cases;

/// Declares each case once per adapter set.
macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    crate::backend::run(crate::backend::Kind::Embedded, crate::cases::$case).await;
                }
            )*
        }
        mod aws {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    crate::backend::run(crate::backend::Kind::Aws, crate::cases::$case).await;
                }
            )*
        }
    };
}

contract!(
    a_template_version_is_never_overwritten,
    latest_versions_and_the_catalogue,
    an_older_version_fills_a_gap_without_moving_the_latest,
    concurrent_publications_of_one_version_store_one,
    a_claim_is_recorded_once_and_then_replayed,
    concurrent_claims_of_one_key_have_one_winner,
    a_released_claim_frees_the_key_only_for_its_holder,
    recording_needs_the_claim,
    a_claim_whose_lease_ran_out_is_taken_over,
    expired_records_do_not_hold_their_key,
    a_customers_letters_are_theirs_oldest_first,
    the_bucket_returns_exactly_what_was_stored,
    the_bucket_refuses_bytes_that_do_not_match_their_checksum,
    concurrent_issues_with_one_key_make_one_letter,
    a_damaged_letter_file_is_reported_not_served,
);
