//! How a long-running operation is polled while waited on: the intervals
//! between polls and the overall limit.

use std::time::Duration;

use tokio::time::Instant;

use crate::options::deadline_after;

/// When poll number `polls` is due: after its interval, but no later than
/// the deadline, so that an interval longer than the time left still
/// leaves a last poll rather than none.
pub(crate) fn next_poll(policy: &PollingPolicy, polls: u32, deadline: Instant) -> Instant {
    deadline_after(Instant::now(), policy.interval(polls)).min(deadline)
}

/// How an operation is polled while waited on: exponential intervals, and
/// an overall limit after which waiting gives up (the operation itself goes
/// on; it can be resumed by name).
#[derive(Debug, Clone, PartialEq)]
pub struct PollingPolicy {
    initial: Duration,
    multiplier: f64,
    max: Duration,
    timeout: Duration,
}

impl Default for PollingPolicy {
    /// 1 s, times 1.5 per poll, at most 30 s between polls; give up after 30 minutes.
    fn default() -> Self {
        PollingPolicy {
            initial: Duration::from_secs(1),
            multiplier: 1.5,
            max: Duration::from_secs(30),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

impl PollingPolicy {
    /// Sets the first interval, its multiplier and its ceiling.
    pub fn with_intervals(mut self, initial: Duration, multiplier: f64, max: Duration) -> Self {
        self.initial = initial;
        self.multiplier = if multiplier.is_finite() && multiplier >= 1.0 {
            multiplier
        } else {
            1.0
        };
        self.max = max.max(initial);
        self
    }

    /// Sets how long waiting may take in all. An interval that would end
    /// past it is cut short: the last poll is made when the time is up.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The interval before poll number `n` (1 for the first); it saturates
    /// at the ceiling, however large the numbers.
    pub fn interval(&self, n: u32) -> Duration {
        crate::retry::exponential(self.initial, self.multiplier, self.max, n)
    }

    /// How long waiting may take in all.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}
