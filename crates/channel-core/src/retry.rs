//! Retry policy: which failures to retry, how many times, and how long to
//! wait between attempts (exponential backoff with jitter).

use std::time::Duration;

use channel_types::methods::Method;
use channel_types::rpc::Code;

use crate::Error;

/// When and how often a failed call is tried again.
///
/// The default is the Cloud Channel service's own configuration: up to 5
/// attempts, `UNAVAILABLE` only, backoff starting at 1 s, times 1.3 per
/// retry, at most 10 s, with jitter.
///
/// ```
/// use std::time::Duration;
/// use channel_core::RetryPolicy;
///
/// let policy = RetryPolicy::default();
/// assert_eq!(policy.max_attempts(), 5);
/// assert_eq!(policy.backoff(1), Duration::from_secs(1));
/// assert_eq!(policy.backoff(2), Duration::from_millis(1300));
/// assert_eq!(policy.backoff(20), Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    multiplier: f64,
    retryable: Vec<Code>,
    jitter: bool,
}

/// Attempts of the service configuration's default policy.
const DEFAULT_MAX_ATTEMPTS: u32 = 5;

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(10),
            multiplier: 1.3,
            retryable: vec![Code::Unavailable],
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets how many attempts a call makes at most (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first backoff, its multiplier and its ceiling.
    pub fn with_backoff(mut self, initial: Duration, multiplier: f64, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.multiplier = if multiplier.is_finite() && multiplier >= 1.0 {
            multiplier
        } else {
            1.0
        };
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the status codes worth retrying.
    pub fn with_retryable_codes(mut self, codes: impl IntoIterator<Item = Code>) -> Self {
        self.retryable = codes.into_iter().collect();
        self
    }

    /// Turns jitter on or off (on by default; off gives exact, testable delays).
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The most attempts a call makes.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The codes that are retried.
    pub fn retryable_codes(&self) -> &[Code] {
        &self.retryable
    }

    /// The backoff before retry number `retry` (1 for the first retry),
    /// without jitter. It never exceeds the ceiling, however large the
    /// numbers: the arithmetic saturates instead of overflowing.
    pub fn backoff(&self, retry: u32) -> Duration {
        exponential(
            self.initial_backoff,
            self.multiplier,
            self.max_backoff,
            retry,
        )
    }

    /// The delay before retry number `retry`: the backoff, or with jitter a
    /// random point between half of it and all of it. A delay the server asked
    /// for (`RetryInfo`) is honoured when longer.
    pub fn delay(&self, retry: u32, error: &Error) -> Duration {
        let backoff = self.backoff(retry);
        let delay = if self.jitter {
            scale(backoff, 0.5 + fastrand::f64() * 0.5)
        } else {
            backoff
        };
        error.retry_delay().map_or(delay, |asked| asked.max(delay))
    }

    /// Whether `error`, the result of attempt number `attempt`, may be
    /// retried under this policy: attempts are left and its code is one of
    /// the retryable codes. `RESOURCE_EXHAUSTED` counts only with a
    /// `RetryInfo` delay (a quota that refills), never for a request that
    /// is too large. A call adds one more rule: an
    /// [`OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown) error is retried
    /// only for an idempotent method (see [`Call`](crate::Call)).
    pub fn should_retry(&self, error: &Error, attempt: u32) -> bool {
        use crate::ErrorKind;
        attempt < self.max_attempts
            && matches!(
                error.kind(),
                ErrorKind::Rpc | ErrorKind::Transport | ErrorKind::OutcomeUnknown
            )
            && self.retryable.contains(&error.code())
            && (error.code() != Code::ResourceExhausted || error.retry_delay().is_some())
    }
}

/// The CloudChannelService methods the service's configuration gives a 60 s
/// timeout and no retry: they start long-running operations, and sending
/// one twice could start two.
pub const NO_RETRY_METHODS: &[&str] = &[
    "ProvisionCloudIdentity",
    "CreateEntitlement",
    "ChangeParameters",
    "ChangeRenewalSettings",
    "ChangeOffer",
    "StartPaidService",
    "SuspendEntitlement",
    "CancelEntitlement",
    "ActivateEntitlement",
    "TransferEntitlements",
    "TransferEntitlementsToGoogle",
];

const CHANNEL_SERVICE: &str = "google.cloud.channel.v1.CloudChannelService";

impl RetryPolicy {
    /// The service's default for `method`, as its configuration states,
    /// with one choice of ours:
    ///
    /// - every method has a 60 s timeout and is retried on `UNAVAILABLE`
    ///   ([`RetryPolicy::default`]),
    /// - except the operation-starting methods of [`NO_RETRY_METHODS`],
    ///   which the configuration does not retry. Of those, the ones whose
    ///   request has a `request_id` are retried all the same: the client
    ///   fills the id in and keeps it across attempts, and the server
    ///   answers a repeat with the first operation, so a retry cannot start
    ///   a second one. `ProvisionCloudIdentity` has no `request_id` and is
    ///   not retried.
    ///
    /// The reports service and `google.longrunning.Operations` get the
    /// default.
    ///
    /// ```
    /// use channel_core::RetryPolicy;
    /// use channel_types::methods::cloud_channel_service as service;
    ///
    /// assert_eq!(RetryPolicy::for_method(&service::PROVISION_CLOUD_IDENTITY).max_attempts(), 1);
    /// assert_eq!(RetryPolicy::for_method(&service::CREATE_ENTITLEMENT).max_attempts(), 5);
    /// assert_eq!(RetryPolicy::for_method(&service::GET_CUSTOMER).max_attempts(), 5);
    /// ```
    pub fn for_method(method: &Method) -> RetryPolicy {
        if is_retried(method) {
            RetryPolicy::default()
        } else {
            RetryPolicy::none()
        }
    }

    /// How many attempts [`for_method`](Self::for_method) allows, without
    /// building the policy.
    pub(crate) fn max_attempts_for(method: &Method) -> u32 {
        if is_retried(method) {
            DEFAULT_MAX_ATTEMPTS
        } else {
            1
        }
    }
}

/// Whether the service configuration retries `method` at all.
fn is_retried(method: &Method) -> bool {
    !(method.service == CHANNEL_SERVICE
        && NO_RETRY_METHODS.contains(&method.name)
        && !method.request_id)
}

/// `initial * multiplier^(n-1)`, capped at `max`, in saturating arithmetic.
pub(crate) fn exponential(initial: Duration, multiplier: f64, max: Duration, n: u32) -> Duration {
    let exponent = n.saturating_sub(1).min(64) as i32;
    let seconds = initial.as_secs_f64() * multiplier.powi(exponent);
    // NaN comes only from a zero start times an infinite factor: zero.
    if seconds.is_nan() {
        return Duration::ZERO;
    }
    if seconds >= max.as_secs_f64() {
        return max;
    }
    Duration::try_from_secs_f64(seconds).map_or(max, |d| d.min(max))
}

/// `d * factor` for a factor in [0, 1], never panicking.
fn scale(d: Duration, factor: f64) -> Duration {
    Duration::try_from_secs_f64(d.as_secs_f64() * factor).map_or(d, |scaled| scaled.min(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schedule_follows_the_service_configuration() {
        let policy = RetryPolicy::default().with_jitter(false);
        let delays: Vec<u128> = (1..=10).map(|n| policy.backoff(n).as_millis()).collect();
        assert_eq!(
            delays,
            [1000, 1300, 1690, 2197, 2856, 3712, 4826, 6274, 8157, 10000]
        );
        let unavailable = Error::rpc(Code::Unavailable, "busy");
        assert!(policy.should_retry(&unavailable, 4));
        assert!(!policy.should_retry(&unavailable, 5), "5 attempts at most");
        assert!(!policy.should_retry(&Error::rpc(Code::Internal, "x"), 1));
        assert!(!policy.should_retry(&Error::timeout("x"), 1));
        assert!(policy.should_retry(&Error::transport("reset", "io"), 1));
    }

    #[test]
    fn the_attempt_count_of_a_method_is_that_of_its_default_policy() {
        let mut once = 0;
        for method in channel_types::methods::ALL {
            let expected = RetryPolicy::for_method(method).max_attempts();
            assert_eq!(
                RetryPolicy::max_attempts_for(method),
                expected,
                "{}",
                method.name
            );
            once += usize::from(expected == 1);
        }
        assert!(once > 0, "some methods are sent once only");
    }

    #[test]
    fn jitter_stays_within_half_and_whole_backoff() {
        let policy = RetryPolicy::default();
        let err = Error::rpc(Code::Unavailable, "busy");
        for retry in 1..6 {
            let full = policy.backoff(retry);
            for _ in 0..100 {
                let d = policy.delay(retry, &err);
                assert!(d >= full / 2 && d <= full, "{d:?} outside {full:?}");
            }
        }
    }

    #[test]
    fn huge_backoffs_saturate_instead_of_panicking() {
        let policy = RetryPolicy::default().with_backoff(Duration::MAX, 1e300, Duration::MAX);
        let err = Error::rpc(Code::Unavailable, "busy");
        for retry in [1, 2, 64, u32::MAX] {
            assert_eq!(policy.backoff(retry), Duration::MAX);
            assert!(policy.delay(retry, &err) <= Duration::MAX);
        }
        let zero = RetryPolicy::default().with_backoff(Duration::ZERO, f64::MAX, Duration::MAX);
        assert_eq!(zero.backoff(100), Duration::ZERO);
    }

    #[test]
    fn resource_exhausted_is_retried_only_with_a_retry_delay() {
        let policy = RetryPolicy::default()
            .with_retryable_codes([Code::Unavailable, Code::ResourceExhausted]);
        let too_large = Error::rpc(Code::ResourceExhausted, "HTTP 413");
        assert!(!policy.should_retry(&too_large, 1));
        assert!(!policy.should_retry(&Error::request_too_large(9, 8), 1));
        let quota = Error::rpc(Code::ResourceExhausted, "quota").with_detail(
            crate::ErrorDetail::RetryInfo(channel_types::rpc::RetryInfo {
                retry_delay: Some(channel_types::wkt::Duration {
                    seconds: 1,
                    nanos: 0,
                }),
            }),
        );
        assert!(policy.should_retry(&quota, 1));
    }

    #[test]
    fn server_retry_delay_is_honoured() {
        let asked = channel_types::rpc::RetryInfo {
            retry_delay: Some(channel_types::wkt::Duration {
                seconds: 7,
                nanos: 0,
            }),
        };
        let err = Error::rpc(Code::Unavailable, "slow down")
            .with_detail(crate::ErrorDetail::RetryInfo(asked));
        let policy = RetryPolicy::default().with_jitter(false);
        assert_eq!(policy.delay(1, &err), Duration::from_secs(7));
        assert_eq!(policy.with_max_attempts(0).max_attempts(), 1);
    }

    #[test]
    fn per_method_defaults_follow_the_service_configuration() {
        use channel_types::methods::{self, cloud_channel_service};
        for method in methods::ALL {
            let policy = RetryPolicy::for_method(method);
            let listed =
                method.service == CHANNEL_SERVICE && NO_RETRY_METHODS.contains(&method.name);
            // Only a listed method without a request id is left unretried.
            let expected = if listed && !method.request_id { 1 } else { 5 };
            assert_eq!(policy.max_attempts(), expected, "{}", method.name);
            assert_eq!(
                policy.retryable_codes(),
                &[Code::Unavailable],
                "{}",
                method.name
            );
        }
        // Every name in the list is a real method of the service.
        for name in NO_RETRY_METHODS {
            assert!(
                cloud_channel_service::ALL.iter().any(|m| m.name == *name),
                "{name}"
            );
        }
        assert_eq!(
            RetryPolicy::for_method(&cloud_channel_service::PROVISION_CLOUD_IDENTITY),
            RetryPolicy::none()
        );
    }

    #[test]
    fn the_generated_method_docs_state_each_listed_methods_defaults() {
        let client = include_str!("generated/client.rs");
        for method in channel_types::methods::cloud_channel_service::ALL {
            let start = client
                .find(&format!("/// RPC `{}.{}`", method.service, method.name))
                .unwrap_or_else(|| panic!("{} has no doc", method.name));
            let doc = &client[start..];
            let doc = &doc[..doc.find("pub fn").unwrap()];
            let listed = NO_RETRY_METHODS.contains(&method.name);
            let says = match (listed, method.request_id) {
                (true, true) => "The service configuration does not retry",
                (true, false) => "no retry, as the service configuration says",
                (false, _) => "retried on `UNAVAILABLE`, up to 5 attempts",
            };
            assert!(doc.contains(says), "{}: {doc}", method.name);
        }
    }
}
