//! Per-call options: timeout, retry policy and extra request headers.

use std::fmt;
use std::time::Duration;

use tokio::time::Instant;

use crate::retry::RetryPolicy;

/// The service's own default timeout for every method.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Options of one call, set on the call itself or as client defaults.
///
/// The timeout bounds the whole call, retries included. Transports receive
/// the options of each attempt with [`deadline`](CallOptions::deadline) set
/// to the point in time the whole call must end.
///
/// ```
/// use std::time::Duration;
/// use channel_core::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::new()
///     .with_timeout(Duration::from_secs(10))
///     .with_retry(RetryPolicy::none())
///     .with_header("x-goog-user-project", "billing-project");
/// assert_eq!(options.timeout(), Some(Duration::from_secs(10)));
/// ```
#[derive(Clone, Default)]
pub struct CallOptions {
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    headers: Vec<(String, String)>,
    deadline: Option<Instant>,
    attempt: u32,
    /// Whether the client bounds the attempt by `deadline` itself.
    bounded_by_caller: bool,
}

impl CallOptions {
    /// Options that change nothing: the client's defaults apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Bounds the whole call, retries included.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Replaces the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Adds a request header (gRPC metadata) sent with every attempt.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers
            .push((name.into().to_ascii_lowercase(), value.into()));
        self
    }

    /// The timeout, if set.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The retry policy, if set.
    pub fn retry(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// The extra headers, names lower-cased.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// When the whole call must end; set by the client for each attempt.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Which attempt this is, from 1; set by the client.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Whether the caller already ends the attempt at [`deadline`](Self::deadline):
    /// true on the options the client hands a transport, which runs one
    /// timer for the whole call. A transport then only passes the deadline
    /// on (as `grpc-timeout`, say) and arms no timer of its own; with
    /// `false` (options made by hand, a transport used on its own) it ends
    /// the attempt at the deadline itself.
    pub fn deadline_bounded_by_caller(&self) -> bool {
        self.bounded_by_caller && self.deadline.is_some()
    }

    /// The time left before the deadline, if there is one.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// Options set here win; the rest come from `defaults`.
    pub(crate) fn or(mut self, defaults: &CallOptions) -> Self {
        self.timeout = self.timeout.or(defaults.timeout);
        if self.retry.is_none() {
            self.retry.clone_from(&defaults.retry);
        }
        let mut headers = defaults.headers.clone();
        headers.append(&mut self.headers);
        self.headers = headers;
        self
    }

    pub(crate) fn for_attempt(mut self, deadline: Instant, attempt: u32) -> Self {
        self.deadline = Some(deadline);
        self.attempt = attempt;
        self.bounded_by_caller = true;
        self
    }

    /// Options for a transport test or a hand-made attempt.
    #[doc(hidden)]
    pub fn with_deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self.bounded_by_caller = false;
        self
    }
}

impl fmt::Debug for CallOptions {
    /// Header values are not printed: users pass credentials in them at times.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &names)
            .field("attempt", &self.attempt)
            .finish()
    }
}

/// `start + timeout`, or a point about 30 years ahead when the sum does not
/// fit (`Duration::MAX`, say): a timeout that long means no timeout, and no
/// timer or header should have to carry more.
pub(crate) fn deadline_after(start: Instant, timeout: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 3600);
    start.checked_add(timeout.min(FAR)).unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_client_s_attempt_options_say_the_caller_bounds_the_deadline() {
        let deadline = Instant::now() + Duration::from_secs(5);
        assert!(!CallOptions::new().deadline_bounded_by_caller());
        let by_hand = CallOptions::new().with_deadline(deadline);
        assert!(!by_hand.deadline_bounded_by_caller());
        let attempt = CallOptions::new().for_attempt(deadline, 1);
        assert!(attempt.deadline_bounded_by_caller());
        assert_eq!(attempt.deadline(), Some(deadline));
        // A deadline set by hand afterwards is the transport's to keep again.
        assert!(!attempt.with_deadline(deadline).deadline_bounded_by_caller());
    }

    #[test]
    fn deadlines_saturate_instead_of_overflowing() {
        let now = Instant::now();
        let far = deadline_after(now, Duration::MAX);
        assert!(far > now + Duration::from_secs(365 * 24 * 3600));
        assert_eq!(
            deadline_after(now, Duration::from_secs(5)),
            now + Duration::from_secs(5)
        );
    }

    #[test]
    fn call_options_win_over_defaults() {
        let defaults = CallOptions::new()
            .with_timeout(Duration::from_secs(60))
            .with_retry(RetryPolicy::default())
            .with_header("x-default", "1");
        let merged = CallOptions::new()
            .with_timeout(Duration::from_secs(5))
            .with_header("X-Call", "2")
            .or(&defaults);
        assert_eq!(merged.timeout(), Some(Duration::from_secs(5)));
        assert_eq!(merged.retry().map(RetryPolicy::max_attempts), Some(5));
        assert_eq!(
            merged.headers(),
            &[
                ("x-default".into(), "1".into()),
                ("x-call".into(), "2".into())
            ]
        );
    }

    #[test]
    fn debug_hides_header_values() {
        let options = CallOptions::new().with_header("authorization", "Bearer secret-token");
        let text = format!("{options:?}");
        assert!(text.contains("authorization"));
        assert!(!text.contains("secret-token"));
    }
}
