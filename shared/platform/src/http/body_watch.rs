//! A request body that must keep arriving: the slowloris defence for
//! bodies. Hyper bounds how long the headers may take; this bounds each wait
//! for the next piece of the body, and records how the body ended so the
//! request's outermost layer can answer 408 (the client stalled) instead of
//! the 503 it gives when the service itself was slow.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http_body::{Frame, SizeHint};

const READING: u8 = 0;
const COMPLETE: u8 = 1;
const STALLED: u8 = 2;

/// How a watched body stands, shared between the body and the middleware.
#[derive(Clone)]
pub(crate) struct BodyWatch(Arc<AtomicU8>);

impl BodyWatch {
    /// The client stopped sending before the body was complete.
    pub(crate) fn stalled(&self) -> bool {
        self.0.load(Ordering::Acquire) == STALLED
    }

    /// The body is not yet complete (still arriving, or stalled).
    pub(crate) fn unfinished(&self) -> bool {
        self.0.load(Ordering::Acquire) != COMPLETE
    }

    fn set(&self, state: u8) {
        self.0.store(state, Ordering::Release);
    }
}

/// The client sent nothing for the read timeout in the middle of its body.
#[derive(Debug, thiserror::Error)]
#[error("the client sent no part of the request body for {0} ms")]
pub(crate) struct BodyStalled(u128);

/// Wraps `body` so that a gap longer than `read_timeout` between two of its
/// pieces ends it with an error. A body that is already complete (no body,
/// the usual GET) is returned as it is, at no cost.
pub(crate) fn watch(body: Body, read_timeout: Duration) -> (Body, BodyWatch) {
    let state = BodyWatch(Arc::new(AtomicU8::new(READING)));
    if http_body::Body::is_end_stream(&body) {
        state.set(COMPLETE);
        return (body, state);
    }
    let watched = WatchedBody {
        inner: body,
        read_timeout,
        gap: None,
        state: state.clone(),
    };
    (Body::new(watched), state)
}

struct WatchedBody {
    inner: Body,
    read_timeout: Duration,
    /// Started when a read finds nothing waiting; reset by each piece.
    gap: Option<Pin<Box<tokio::time::Sleep>>>,
    state: BodyWatch,
}

impl http_body::Body for WatchedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.gap = None;
                match &frame {
                    None => this.state.set(COMPLETE),
                    Some(Ok(_)) if this.inner.is_end_stream() => this.state.set(COMPLETE),
                    _ => {}
                }
                Poll::Ready(frame)
            }
            Poll::Pending => {
                let timeout = this.read_timeout;
                let gap = this
                    .gap
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                match gap.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        this.state.set(STALLED);
                        Poll::Ready(Some(Err(axum::Error::new(BodyStalled(
                            timeout.as_millis(),
                        )))))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a body to its end, frame by frame.
    async fn collect(mut body: Body) -> Result<Vec<u8>, axum::Error> {
        let mut out = Vec::new();
        while let Some(frame) =
            std::future::poll_fn(|cx| http_body::Body::poll_frame(Pin::new(&mut body), cx)).await
        {
            if let Ok(data) = frame?.into_data() {
                out.extend_from_slice(&data);
            }
        }
        Ok(out)
    }

    #[tokio::test]
    async fn a_body_that_keeps_coming_is_read_whole() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        let stream = futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        let (body, state) = watch(Body::from_stream(stream), Duration::from_millis(200));
        tokio::spawn(async move {
            for piece in ["{\"a\":", "1}"] {
                tokio::time::sleep(Duration::from_millis(50)).await;
                tx.send(Ok(Bytes::from(piece))).await.unwrap();
            }
        });
        assert_eq!(collect(body).await.unwrap(), b"{\"a\":1}");
        assert!(!state.unfinished() && !state.stalled());
    }

    #[tokio::test]
    async fn a_body_that_stops_coming_ends_in_an_error_and_is_marked_stalled() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        let stream = futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        let (body, state) = watch(Body::from_stream(stream), Duration::from_millis(100));
        tx.send(Ok(Bytes::from("{\"a\":"))).await.unwrap();
        let started = std::time::Instant::now();
        let error = collect(body).await.unwrap_err();
        assert!(error.to_string().contains("100 ms"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert!(state.stalled() && state.unfinished());
        drop(tx);
    }

    #[tokio::test]
    async fn no_body_is_complete_from_the_start() {
        let (_, state) = watch(Body::empty(), Duration::from_millis(100));
        assert!(!state.unfinished());
    }
}
