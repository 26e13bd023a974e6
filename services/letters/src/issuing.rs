//! Issuing a letter: claim the idempotency key, render, write the file to
//! the outbound bucket, record the letter. And reading a letter's file back,
//! checked against its SHA-256.
//!
//! See [`crate::store`] for how the claim makes one letter out of any number
//! of concurrent requests with one key.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cdd_contracts::letters::DecisionReference;
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::error::RenderError;
use crate::issued::{IssuedLetter, LetterId, object_key};
use crate::letter::{CustomerId, LetterFormat, LetterSettings, Sha256Digest, render_letter};
use crate::store::{
    ClaimOutcome, IdempotencyRecord, IdempotencyState, LetterStore, OutboundBucket, OutboundObject,
    StoreError,
};
use crate::template::Template;

/// How long a request waits for another request with the same key to
/// finish before it answers "still in progress" (inside the request timeout).
const WAIT_FOR_HOLDER: Duration = Duration::from_secs(5);
/// The HTTP status of a newly issued letter.
const CREATED: u16 = 201;

/// A request to issue one letter, its template already found (and the
/// data already checked against it by the caller, so that the request's
/// errors are reported together).
#[derive(Debug, Clone)]
pub struct IssueRequest {
    pub template: Arc<Template>,
    pub customer_id: CustomerId,
    pub data: serde_json::Map<String, serde_json::Value>,
    pub format: LetterFormat,
    /// The recorded decision a decision letter reports.
    pub decision: Option<DecisionReference>,
    /// The caller's subject and `Idempotency-Key`.
    pub idempotency_key: String,
    /// SHA-256 of the canonical request body.
    pub request_hash: String,
    /// The caller's subject.
    pub requested_by: String,
}

/// The answer to an issue request: the same for the first request and for
/// every retry with the same key and body.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueAnswer {
    pub status: u16,
    pub body: serde_json::Value,
    pub letter_id: LetterId,
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("the Idempotency-Key was used with a different request")]
    KeyReused,
    #[error("a request with the same Idempotency-Key is still in progress")]
    InProgress,
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no letter with that id")]
    NotFound,
    /// The stored file is missing or does not match its recorded checksum.
    #[error("the stored file of letter {id} is damaged: {reason}")]
    ContentCorrupt { id: LetterId, reason: String },
}

pub struct LetterIssuer {
    letters: Arc<dyn LetterStore>,
    bucket: Arc<dyn OutboundBucket>,
    settings: Arc<LetterSettings>,
}

impl LetterIssuer {
    pub fn new(
        letters: Arc<dyn LetterStore>,
        bucket: Arc<dyn OutboundBucket>,
        settings: LetterSettings,
    ) -> Self {
        Self {
            letters,
            bucket,
            settings: Arc::new(settings),
        }
    }

    pub async fn issue(&self, request: IssueRequest) -> Result<IssueAnswer, IssueError> {
        // A retry of a finished request is answered without rendering.
        if let Some(held) = self.letters.idempotency(&request.idempotency_key).await?
            && let Some(answer) = answer_held(&held, &request.request_hash)?
        {
            return Ok(answer);
        }
        let now = OffsetDateTime::now_utc();
        let id = LetterId::generate();
        let claim = IdempotencyRecord::claim(
            request.idempotency_key.clone(),
            request.request_hash.clone(),
            id.clone(),
            now.unix_timestamp(),
        );
        if let Some(answer) = self.claim(&claim).await? {
            return Ok(answer);
        }
        // From here on the key is ours: give it back on any failure so that
        // a retry is not kept waiting for the lease to run out.
        let result = self.issue_claimed(&request, id.clone(), now).await;
        if let Err(error) = &result
            && !matches!(error, IssueError::Store(StoreError::ClaimLost))
            && let Err(release) = self.letters.release(&claim.key, &id).await
        {
            tracing::warn!(letter_id = %id, error = %release, "could not release an idempotency claim");
        }
        result
    }

    /// Claims the key; `Some` answer when another request holds it and has
    /// finished (waiting for it if it is still working).
    async fn claim(&self, claim: &IdempotencyRecord) -> Result<Option<IssueAnswer>, IssueError> {
        let deadline = Instant::now() + WAIT_FOR_HOLDER;
        let mut pause = Duration::from_millis(5);
        loop {
            let held = match self.letters.claim(claim).await? {
                ClaimOutcome::Claimed => return Ok(None),
                ClaimOutcome::Held(held) => held,
            };
            if let Some(answer) = answer_held(&held, &claim.request_hash)? {
                return Ok(Some(answer));
            }
            if Instant::now() + pause > deadline {
                return Err(IssueError::InProgress);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(100));
        }
    }

    async fn issue_claimed(
        &self,
        request: &IssueRequest,
        id: LetterId,
        now: OffsetDateTime,
    ) -> Result<IssueAnswer, IssueError> {
        let template = Arc::clone(&request.template);
        let customer_id = request.customer_id.clone();
        let data = request.data.clone();
        let format = request.format;
        let settings = Arc::clone(&self.settings);
        // A PDF takes milliseconds of CPU: keep it off the async workers.
        let rendered = tokio::task::spawn_blocking(move || {
            render_letter(
                &template,
                &customer_id,
                &data,
                format,
                now.date(),
                &settings,
            )
        })
        .await
        .map_err(|e| RenderError::Pdf(format!("the render task failed: {e}")))??;

        let key = object_key(&rendered.customer_id, &id, rendered.format);
        let size = rendered.bytes.len() as u64;
        self.bucket
            .put(OutboundObject {
                key: key.clone(),
                bytes: Bytes::from(rendered.bytes),
                sha256: rendered.sha256,
                content_type: rendered.content_type,
            })
            .await?;
        let letter = IssuedLetter {
            id: id.clone(),
            customer_id: rendered.customer_id,
            template: rendered.template,
            version: rendered.version,
            format: rendered.format,
            key,
            sha256: rendered.sha256,
            size,
            created_at: now,
            created_by: request.requested_by.clone(),
            decision: request.decision.clone(),
        };
        let body = letter.view();
        self.letters
            .record(&letter, &request.idempotency_key, CREATED, &body)
            .await?;
        tracing::info!(letter_id = %id, template = %letter.template, version = %letter.version, format = ?letter.format, size, "letter issued");
        Ok(IssueAnswer {
            status: CREATED,
            body,
            letter_id: id,
        })
    }

    pub async fn letter(&self, id: &LetterId) -> Result<IssuedLetter, IssueError> {
        self.letters.letter(id).await?.ok_or(IssueError::NotFound)
    }

    pub async fn customer_letters(
        &self,
        customer: &CustomerId,
    ) -> Result<Vec<IssuedLetter>, IssueError> {
        Ok(self.letters.customer_letters(customer).await?)
    }

    /// The letter's file, only if it is exactly what was issued.
    pub async fn content(&self, id: &LetterId) -> Result<(IssuedLetter, Bytes), IssueError> {
        let letter = self.letter(id).await?;
        let corrupt = |reason: String| IssueError::ContentCorrupt {
            id: id.clone(),
            reason,
        };
        let bytes = self
            .bucket
            .get(&letter.key)
            .await?
            .ok_or_else(|| corrupt("the file is missing from the outbound bucket".into()))?;
        let digest = Sha256Digest::of(&bytes);
        if digest != letter.sha256 {
            return Err(corrupt(format!(
                "its SHA-256 is {digest}, the letter was issued with {}",
                letter.sha256
            )));
        }
        Ok((letter, bytes))
    }
}

/// The stored answer when `held` is complete for the same request; an error
/// when the key was used for another request; `None` while it is pending.
fn answer_held(
    held: &IdempotencyRecord,
    request_hash: &str,
) -> Result<Option<IssueAnswer>, IssueError> {
    if held.request_hash != request_hash {
        return Err(IssueError::KeyReused);
    }
    Ok(match &held.state {
        IdempotencyState::Complete { status, response } => Some(IssueAnswer {
            status: *status,
            body: response.clone(),
            letter_id: held.letter_id.clone(),
        }),
        IdempotencyState::Pending { .. } => None,
    })
}
