//! The storage contract: every case runs against the embedded adapters and
//! against DynamoDB and S3 (the moto server), so both keep the same rules.
//!
//! The AWS half reads the emulator's endpoint from `CDD_TEST_AWS_ENDPOINT`
//! and creates a uniquely named table and versioned bucket for each test,
//! deleting them afterwards. Without the variable those tests fail, saying
//! how to run them: they never pass by doing nothing.

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
    a_document_reads_back_and_lists_under_its_customer_oldest_first,
    a_document_id_is_stored_once,
    updates_are_conditional_on_the_version,
    concurrent_updates_of_one_version_have_one_winner,
    content_reads_back_exactly_small_and_multipart,
    a_checksum_mismatch_at_finish_leaves_nothing,
    an_aborted_or_dropped_writer_leaves_nothing,
    damaged_content_is_reported_not_served,
    erasure_removes_every_version,
    download_links_only_where_the_adapter_can_sign,
);
