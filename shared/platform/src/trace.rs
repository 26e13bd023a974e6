//! W3C Trace Context (<https://www.w3.org/TR/trace-context/>): which trace a
//! request belongs to, so that one onboarding crossing intake, screening,
//! documents and letters is one trace.
//!
//! The request layer reads an incoming `traceparent` (a malformed one is
//! ignored and a new trace started: tracing never refuses a request), gives
//! the request its own span id, and keeps the [`SpanContext`] for the
//! request's task; an outbound call takes [`OutboundCall::start`], a child
//! span whose `traceparent` it sends.
//!
//! Written here rather than taken from the `opentelemetry` crates: the
//! format is small and fully specified, and propagation must work whether
//! or not spans are exported. An OTLP exporter can later adopt these ids.

use std::fmt;
use std::future::Future;

use tracing::Instrument;

/// 16 bytes naming one trace across every service; never all zero.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TraceId([u8; 16]);

/// 8 bytes naming one span (one request handled, one call made); never all
/// zero.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpanId([u8; 8]);

/// The trace flags; bit 0 is `sampled`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct TraceFlags(pub u8);

impl TraceFlags {
    /// What a trace started here carries: every span is logged, so the
    /// caller may expect it recorded.
    pub const SAMPLED: TraceFlags = TraceFlags(0x01);
}

/// The trace and span a piece of work runs in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SpanContext {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    /// The span this one was started under (the caller's, across services).
    pub parent_id: Option<SpanId>,
    pub flags: TraceFlags,
}

/// A `traceparent` that does not follow the specification, with why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed traceparent: {0}")]
pub struct MalformedTraceparent(&'static str);

/// What a `traceparent` header says: the caller's trace and span.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Traceparent {
    pub trace_id: TraceId,
    pub parent_id: SpanId,
    pub flags: TraceFlags,
}

impl Traceparent {
    /// Parses a `traceparent` by the specification: lowercase hex only;
    /// version `ff` is invalid; version `00` is exactly 55 characters; a
    /// later version may carry more after a `-`, which is ignored (its
    /// first four fields are read as version 00's).
    pub fn parse(text: &str) -> Result<Self, MalformedTraceparent> {
        let bytes = text.as_bytes();
        if bytes.len() < 55 {
            return Err(MalformedTraceparent("shorter than 55 characters"));
        }
        let version = hex_field::<1>(&bytes[0..2]).ok_or(MalformedTraceparent(
            "version is not two lowercase hex digits",
        ))?[0];
        if version == 0xff {
            return Err(MalformedTraceparent("version ff is invalid"));
        }
        if version == 0 && bytes.len() != 55 {
            return Err(MalformedTraceparent(
                "version 00 must be exactly 55 characters",
            ));
        }
        if bytes.len() > 55 && bytes[55] != b'-' {
            return Err(MalformedTraceparent(
                "a later version's extra fields must follow a `-`",
            ));
        }
        if bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
            return Err(MalformedTraceparent("fields are not separated by `-`"));
        }
        let trace_id = hex_field::<16>(&bytes[3..35]).ok_or(MalformedTraceparent(
            "trace id is not 32 lowercase hex digits",
        ))?;
        let parent_id = hex_field::<8>(&bytes[36..52]).ok_or(MalformedTraceparent(
            "parent id is not 16 lowercase hex digits",
        ))?;
        let flags = hex_field::<1>(&bytes[53..55]).ok_or(MalformedTraceparent(
            "flags are not two lowercase hex digits",
        ))?[0];
        if trace_id == [0; 16] {
            return Err(MalformedTraceparent("trace id is all zero"));
        }
        if parent_id == [0; 8] {
            return Err(MalformedTraceparent("parent id is all zero"));
        }
        Ok(Self {
            trace_id: TraceId(trace_id),
            parent_id: SpanId(parent_id),
            flags: TraceFlags(flags),
        })
    }
}

/// `N` bytes from `2N` lowercase hex digits (the specification forbids
/// uppercase).
fn hex_field<const N: usize>(digits: &[u8]) -> Option<[u8; N]> {
    fn nibble(d: u8) -> Option<u8> {
        match d {
            b'0'..=b'9' => Some(d - b'0'),
            b'a'..=b'f' => Some(d - b'a' + 10),
            _ => None,
        }
    }
    if digits.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// Random bytes from the operating system (through `uuid`'s v4, which the
/// request ids already use), never all zero.
fn random_bytes<const N: usize>() -> [u8; N] {
    loop {
        let mut out = [0u8; N];
        let mut filled = 0;
        while filled < N {
            let random = uuid::Uuid::new_v4().into_bytes();
            // Bytes 6 and 8 of a v4 carry its version and variant; the
            // other 14 are random (a trace id takes a second v4).
            for (i, byte) in random.iter().enumerate() {
                if i != 6 && i != 8 && filled < N {
                    out[filled] = *byte;
                    filled += 1;
                }
            }
        }
        if out.iter().any(|b| *b != 0) {
            return out;
        }
    }
}

impl TraceId {
    pub fn random() -> Self {
        Self(random_bytes())
    }
}

impl SpanId {
    pub fn random() -> Self {
        Self(random_bytes())
    }
}

impl SpanContext {
    /// The span of a request that arrived with `parent` (or none: a new
    /// trace starts here).
    pub fn for_request(parent: Option<Traceparent>) -> Self {
        match parent {
            Some(p) => Self {
                trace_id: p.trace_id,
                span_id: SpanId::random(),
                parent_id: Some(p.parent_id),
                flags: p.flags,
            },
            None => Self::root(),
        }
    }

    /// A new trace.
    pub fn root() -> Self {
        Self {
            trace_id: TraceId::random(),
            span_id: SpanId::random(),
            parent_id: None,
            flags: TraceFlags::SAMPLED,
        }
    }

    /// A span started under this one, in the same trace.
    pub fn child(&self) -> Self {
        Self {
            trace_id: self.trace_id,
            span_id: SpanId::random(),
            parent_id: Some(self.span_id),
            flags: self.flags,
        }
    }

    /// The `traceparent` that makes this span the parent of the receiver's.
    pub fn traceparent(&self) -> String {
        format!("00-{}-{}-{:02x}", self.trace_id, self.span_id, self.flags.0)
    }
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({self})")
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({self})")
    }
}

tokio::task_local! {
    /// The span of the request (or background step) this task works for.
    static CURRENT: SpanContext;
}

/// The span the current task works in, if any (none in a background task
/// started without one).
pub fn current() -> Option<SpanContext> {
    CURRENT.try_with(|c| *c).ok()
}

/// Runs `work` in `span`: [`current`] answers `span` inside it.
pub async fn within<F: Future>(span: SpanContext, work: F) -> F::Output {
    CURRENT.scope(span, work).await
}

/// `work` carrying the current span into wherever it is moved: wrap a
/// future handed to `tokio::spawn` so that its calls stay in the request's
/// trace and its log lines carry the request's fields (neither a task-local
/// nor the `tracing` span follows a spawn by itself).
pub fn carry<F: Future>(work: F) -> impl Future<Output = F::Output> {
    let span = current();
    let logged_under = tracing::Span::current();
    async move {
        match span {
            Some(span) => CURRENT.scope(span, work).await,
            None => work.await,
        }
    }
    .instrument(logged_under)
}

/// One call to another service: its own span, a child of the current one
/// (or the first of a new trace when the task has none), and the
/// `tracing` span its log lines go under.
pub struct OutboundCall {
    pub context: SpanContext,
    pub span: tracing::Span,
}

impl OutboundCall {
    /// Starts the call's span; `service` is the service called.
    pub fn start(service: &str) -> Self {
        let context = current()
            .map(|c| c.child())
            .unwrap_or_else(SpanContext::root);
        let span = tracing::info_span!(
            "outbound call",
            peer_service = %service,
            trace_id = %context.trace_id,
            span_id = %context.span_id,
            parent_span_id = tracing::field::Empty,
        );
        if let Some(parent) = context.parent_id {
            span.record("parent_span_id", tracing::field::display(parent));
        }
        Self { context, span }
    }

    /// The header value to send.
    pub fn traceparent(&self) -> String {
        self.context.traceparent()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_valid_traceparent_is_read_field_by_field() {
        let p = Traceparent::parse(GOOD).unwrap();
        assert_eq!(p.trace_id.to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(p.parent_id.to_string(), "00f067aa0ba902b7");
        assert_eq!(p.flags, TraceFlags(1));
        let unsampled = GOOD.replace("-01", "-00");
        assert_eq!(Traceparent::parse(&unsampled).unwrap().flags, TraceFlags(0));
    }

    #[test]
    fn every_kind_of_malformed_traceparent_is_refused() {
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "empty"),
            (GOOD[..54].to_string(), "one character short"),
            (format!("{GOOD}-"), "version 00 with more"),
            (GOOD.replace("00-4b", "ff-4b"), "version ff"),
            (GOOD.replace("00-4b", "0g-4b"), "version not hex"),
            (GOOD.to_uppercase(), "uppercase hex"),
            (
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01".into(),
                "zero trace id",
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01".into(),
                "zero parent id",
            ),
            (GOOD.replace("-00f0", "_00f0"), "wrong separator"),
            (GOOD.replace("-01", "-0x"), "flags not hex"),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01".into(),
                "separator in the wrong place",
            ),
        ];
        for (text, why) in cases {
            assert!(Traceparent::parse(&text).is_err(), "{why}: {text:?}");
        }
    }

    #[test]
    fn a_later_version_is_read_by_its_first_four_fields() {
        let later = GOOD.replace("00-4b", "01-4b");
        assert!(Traceparent::parse(&later).is_ok());
        assert!(Traceparent::parse(&format!("{later}-whatever")).is_ok());
        assert!(Traceparent::parse(&format!("{later}x")).is_err());
    }

    #[test]
    fn a_child_keeps_the_trace_and_names_its_parent() {
        let request = SpanContext::for_request(Some(Traceparent::parse(GOOD).unwrap()));
        assert_eq!(
            request.trace_id.to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert_eq!(request.parent_id.unwrap().to_string(), "00f067aa0ba902b7");
        let call = request.child();
        assert_eq!(call.trace_id, request.trace_id);
        assert_eq!(call.parent_id, Some(request.span_id));
        assert_ne!(call.span_id, request.span_id);
        // What is sent parses back to the same ids.
        let sent = Traceparent::parse(&call.traceparent()).unwrap();
        assert_eq!(sent.trace_id, call.trace_id);
        assert_eq!(sent.parent_id, call.span_id);
        assert_eq!(sent.flags, request.flags);
    }

    #[test]
    fn every_byte_of_a_new_id_is_random() {
        let ids: Vec<[u8; 16]> = (0..64).map(|_| TraceId::random().0).collect();
        for position in 0..16 {
            let first = ids[0][position];
            assert!(
                ids.iter().any(|id| id[position] != first),
                "byte {position} is the same in 64 trace ids"
            );
        }
    }

    #[test]
    fn new_ids_are_never_zero_and_differ() {
        let a = SpanContext::root();
        let b = SpanContext::root();
        assert_ne!(a.trace_id, b.trace_id);
        assert!(Traceparent::parse(&a.traceparent()).is_ok());
    }

    #[tokio::test]
    async fn the_current_span_follows_a_spawn_only_when_carried() {
        let span = SpanContext::root();
        within(span, async move {
            assert_eq!(current(), Some(span));
            let lost = tokio::spawn(async { current() }).await.unwrap();
            assert_eq!(lost, None);
            let kept = tokio::spawn(carry(async { current() })).await.unwrap();
            assert_eq!(kept, Some(span));
            let call = OutboundCall::start("screening");
            assert_eq!(call.context.trace_id, span.trace_id);
            assert_eq!(call.context.parent_id, Some(span.span_id));
        })
        .await;
        assert_eq!(current(), None);
    }
}
