//! Bounded, deadline-aware retries for ARM requests, honouring `Retry-After`.

use crate::clock::Clock;
use crate::waiter::Backoff;
use async_trait::async_trait;
use azure_core::error::ErrorKind;
use azure_core::http::headers::{HeaderName, Headers};
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{Context, Method, Request, StatusCode};
use std::sync::Arc;
use std::time::Duration;
use tracing::debug;

/// How ARM requests are retried.
///
/// A request is retried on 408, 429, 500, 502, 503 and 504 and on transport errors, with an
/// exponential [`Backoff`](crate::Backoff) (with jitter) from `initial_delay` up to `max_delay`. A `Retry-After`
/// header (seconds or an HTTP date, or `retry-after-ms` / `x-ms-retry-after-ms`) replaces the
/// backoff. Retries stop after `max_retries`, or when the next wait would end after `deadline`
/// counted from the first try (or after a shorter [`Deadline`] the request carries); the last
/// response or error is then returned as it is, so that a `Retry-After` too long for the deadline
/// (however absurd: `u64::MAX` seconds, a date in year 9999) ends the call at once with the
/// 429 or 503 the server sent. A `Retry-After` that is not a number of seconds or an HTTP date
/// (`-5`, `soon`, `1e30`) is ignored. A try whose server stops sending is ended by the
/// transport's read timeout ([`crate::HttpTransportBuilder::read_timeout`]) and counts as an I/O
/// error. A failure that retrying cannot fix (a rejected certificate, a host name that does not
/// resolve, a refused connection outside Azure) is never retried.
///
/// Only idempotent requests (GET, HEAD, PUT, DELETE, or any request marked with
/// [`Idempotent`]) are retried after a 5xx, a timeout or an I/O error, since the service may
/// have acted on them. Every request is retried after 429 (ARM rejected it unprocessed) and
/// after a failure to connect (it was never sent).
#[derive(Clone, Debug)]
pub struct RetryOptions {
    /// Retries after the first try.
    pub max_retries: u32,
    /// The first backoff delay.
    pub initial_delay: Duration,
    /// The largest backoff delay (a longer `Retry-After` is still honoured within the deadline).
    pub max_delay: Duration,
    /// The total time, from the first try, after which no retry starts.
    pub deadline: Duration,
}

impl Default for RetryOptions {
    fn default() -> Self {
        Self {
            max_retries: 6,
            initial_delay: Duration::from_millis(800),
            max_delay: Duration::from_secs(30),
            deadline: Duration::from_secs(120),
        }
    }
}

impl RetryOptions {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }
}

/// A context value that marks a request as safe to retry whatever its method, e.g. a POST
/// action that Azure documents as idempotent.
#[derive(Clone, Copy, Debug)]
pub struct Idempotent(pub bool);

/// A context value that bounds the retries of one request more tightly than
/// [`RetryOptions::deadline`]: no wait starts that would end more than this long after the first
/// try. A poller sets it to the time left before its caller's deadline.
#[derive(Clone, Copy, Debug)]
pub struct Deadline(pub Duration);

/// The azure_core policy that applies [`RetryOptions`]; it sits before the per-try policies so
/// that each retry gets a fresh token and the same `x-ms-client-request-id`. Service crates that
/// build their own pipeline get it through [`crate::pipeline`].
#[derive(Debug)]
pub struct RetryPolicy {
    options: RetryOptions,
    clock: Arc<dyn Clock>,
}

impl RetryPolicy {
    /// A policy retrying with `options`, waiting on `clock`.
    pub fn new(options: RetryOptions, clock: Arc<dyn Clock>) -> Self {
        Self { options, clock }
    }

    fn backoff(&self, retry: u32) -> Duration {
        Backoff {
            min_delay: self.options.initial_delay,
            max_delay: self.options.max_delay,
            jitter: true,
        }
        .delay(retry)
    }
}

fn is_idempotent(ctx: &Context<'_>, method: Method) -> bool {
    if let Some(Idempotent(marked)) = ctx.value::<Idempotent>() {
        return *marked;
    }
    matches!(method, Method::Get | Method::Head | Method::Put | Method::Delete)
}

fn retryable_status(status: StatusCode, idempotent: bool) -> bool {
    match status {
        StatusCode::TooManyRequests => true,
        StatusCode::RequestTimeout
        | StatusCode::InternalServerError
        | StatusCode::BadGateway
        | StatusCode::ServiceUnavailable
        | StatusCode::GatewayTimeout => idempotent,
        _ => false,
    }
}

// azure_core's `Policy` trait spells the context type with an elided lifetime.
#[allow(elided_lifetimes_in_paths)]
#[async_trait]
impl Policy for RetryPolicy {
    async fn send(&self, ctx: &Context, request: &mut Request, next: &[Arc<dyn Policy>]) -> PolicyResult {
        let idempotent = is_idempotent(ctx, request.method());
        let deadline = match ctx.value::<Deadline>() {
            Some(Deadline(bound)) => self.options.deadline.min(*bound),
            None => self.options.deadline,
        };
        let start = self.clock.now();
        let mut retry = 0u32;
        loop {
            if retry > 0 {
                request.body_mut().reset().await?;
            }
            let result = next[0].send(ctx, request, &next[1..]).await;
            let wait = match &result {
                Ok(response) if retryable_status(response.status(), idempotent) => {
                    let delay = retry_after(response.headers()).unwrap_or_else(|| self.backoff(retry));
                    debug!(
                        status = u16::from(response.status()),
                        retry,
                        ?delay,
                        "ARM request will be retried"
                    );
                    delay
                }
                Ok(_) => return result,
                Err(error) => {
                    let retry_it = match error.kind() {
                        ErrorKind::Connection => true,
                        ErrorKind::Io => idempotent,
                        _ => false,
                    };
                    if !retry_it {
                        return result;
                    }
                    let delay = self.backoff(retry);
                    debug!(%error, retry, ?delay, "ARM request failed in transport and will be retried");
                    delay
                }
            };
            let elapsed = self.clock.now().saturating_duration_since(start);
            let fits = elapsed.checked_add(wait).is_some_and(|end| end <= deadline);
            if retry >= self.options.max_retries || !fits {
                return result;
            }
            drop(result);
            self.clock.sleep(wait).await;
            retry += 1;
        }
    }
}

const RETRY_AFTER: HeaderName = HeaderName::from_static("retry-after");
const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");
const X_MS_RETRY_AFTER_MS: HeaderName = HeaderName::from_static("x-ms-retry-after-ms");

/// The delay a response asks for: `x-ms-retry-after-ms`, `retry-after-ms`, or `Retry-After` in
/// seconds or as an HTTP date. A number too large for a `u64` is [`Duration::MAX`], a date in the
/// past is zero, and a value of another form (`-5`, `1e30`, `soon`, empty) counts as absent.
pub(crate) fn retry_after(headers: &Headers) -> Option<Duration> {
    for name in [X_MS_RETRY_AFTER_MS, RETRY_AFTER_MS] {
        if let Some(ms) = crate::headers::header(headers, &name).and_then(|v| digits(v.trim())) {
            return Some(Duration::from_millis(ms));
        }
    }
    let value = crate::headers::header(headers, &RETRY_AFTER)?.trim();
    if let Some(secs) = digits(value) {
        return Some(Duration::from_secs(secs));
    }
    let when = azure_core::time::parse_rfc7231(value).ok()?;
    let now = azure_core::time::OffsetDateTime::now_utc();
    // Both are within years -9999..=9999, so the difference fits; before now is zero.
    Some(Duration::try_from(when - now).unwrap_or(Duration::ZERO))
}

/// A number of ASCII digits (RFC 9110 `delay-seconds`), saturating at `u64::MAX`.
fn digits(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(value.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> Headers {
        let mut h = Headers::new();
        for (k, v) in pairs {
            h.insert(HeaderName::from_static(k), v.to_string());
        }
        h
    }

    #[test]
    fn reads_every_retry_after_form() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")])),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "250")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            retry_after(&headers(&[("x-ms-retry-after-ms", "20"), ("retry-after", "9")])),
            Some(Duration::from_millis(20))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "Fri, 01 Jan 2021 00:00:00 GMT")])),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&Headers::new()), None);
    }

    #[test]
    fn hostile_retry_after_values_saturate_or_count_as_absent() {
        let max = Some(Duration::from_secs(u64::MAX));
        assert_eq!(retry_after(&headers(&[("retry-after", "18446744073709551615")])), max);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "18446744073709551616000")])),
            max
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "99999999999999999999")])),
            Some(Duration::from_millis(u64::MAX))
        );
        let far = retry_after(&headers(&[("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")])).unwrap();
        assert!(far > Duration::from_secs(7000 * 365 * 86_400), "{far:?}");
        assert_eq!(
            retry_after(&headers(&[("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT")])),
            Some(Duration::ZERO)
        );
        for garbage in ["-5", "1e30", "+3", "3.5", "", " ", "0x10"] {
            assert_eq!(retry_after(&headers(&[("retry-after", garbage)])), None, "{garbage:?}");
        }
        assert_eq!(
            retry_after(&headers(&[("x-ms-retry-after-ms", "-5"), ("retry-after", "2")])),
            Some(Duration::from_secs(2)),
            "an unusable header gives way to the next"
        );
    }

    #[test]
    fn only_idempotent_requests_retry_on_server_errors() {
        assert!(retryable_status(StatusCode::TooManyRequests, false));
        assert!(!retryable_status(StatusCode::InternalServerError, false));
        assert!(retryable_status(StatusCode::InternalServerError, true));
        assert!(!retryable_status(StatusCode::BadRequest, true));
        assert!(!retryable_status(StatusCode::NotFound, true));
        let ctx = Context::new();
        assert!(is_idempotent(&ctx, Method::Put));
        assert!(!is_idempotent(&ctx, Method::Post));
        let marked = Context::new().with_value(Idempotent(true));
        assert!(is_idempotent(&marked, Method::Post));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::new(
            RetryOptions {
                initial_delay: Duration::from_millis(100),
                max_delay: Duration::from_secs(1),
                ..RetryOptions::default()
            },
            Arc::new(crate::clock::TokioClock),
        );
        let first = policy.backoff(0);
        assert!(
            first >= Duration::from_millis(80) && first <= Duration::from_millis(120),
            "{first:?}"
        );
        let late = policy.backoff(10);
        assert!(
            late >= Duration::from_millis(800) && late <= Duration::from_millis(1200),
            "{late:?}"
        );
        let unbounded = RetryPolicy::new(
            RetryOptions {
                initial_delay: Duration::MAX,
                max_delay: Duration::MAX,
                ..RetryOptions::default()
            },
            Arc::new(crate::clock::TokioClock),
        );
        assert!(unbounded.backoff(3) > Duration::ZERO, "no overflow with jitter");
    }
}
