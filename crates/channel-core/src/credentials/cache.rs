//! A token cache over any [`TokenSource`]: hands out the cached token while
//! it has more than [`REFRESH_MARGIN`] left, and lets exactly one caller
//! fetch a new one when it does not, the others waiting for that result.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::{AccessToken, BoxFuture, CredentialsError};

/// A token is replaced once less than this much of its life is left.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// How long a token whose source gave no expiry is taken to live.
pub(crate) const ASSUMED_LIFETIME: Duration = Duration::from_secs(50 * 60);

/// Fetches a brand-new token on every call, with its expiry if known.
pub(crate) trait TokenSource: Send + Sync + fmt::Debug {
    /// Asks for a new token.
    fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, CredentialsError>>;
}

/// Caches the tokens of a [`TokenSource`], refreshing once for all
/// concurrent callers.
pub(crate) struct TokenCache<S> {
    source: S,
    state: Mutex<State>,
    /// Held by the one caller fetching a new token.
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    /// How many fetches have finished, successful or not.
    finished: u64,
    /// The error of the last fetch, if it failed.
    last_error: Option<CredentialsError>,
}

struct Cached {
    token: AccessToken,
    expires_at: Instant,
    refresh_at: Instant,
}

impl Cached {
    fn new(token: AccessToken, now: Instant) -> Self {
        let expires_at = token.expires_at().unwrap_or_else(|| now + ASSUMED_LIFETIME);
        let left = expires_at.saturating_duration_since(now);
        // A token that arrives already inside the margin (some servers hand
        // out their cached token until shortly before it expires) is used
        // for half its remaining life rather than re-fetched on every call.
        let refresh_at = if left > REFRESH_MARGIN {
            expires_at - REFRESH_MARGIN
        } else {
            now + left / 2
        };
        Cached {
            token,
            expires_at,
            refresh_at,
        }
    }
}

impl<S: TokenSource> TokenCache<S> {
    /// An empty cache over `source`.
    pub(crate) fn new(source: S) -> Self {
        TokenCache {
            source,
            state: Mutex::new(State::default()),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// The source, for changing its settings; forgets any cached token.
    pub(crate) fn source_mut(&mut self) -> &mut S {
        *self.state.get_mut().unwrap_or_else(PoisonError::into_inner) = State::default();
        &mut self.source
    }

    /// The source.
    pub(crate) fn source(&self) -> &S {
        &self.source
    }

    /// A token with more than [`REFRESH_MARGIN`] left, fetching one if
    /// needed.
    pub(crate) async fn token(&self) -> Result<AccessToken, CredentialsError> {
        let seen = {
            let state = self.state();
            if let Some(cached) = &state.current
                && Instant::now() < cached.refresh_at
            {
                return Ok(cached.token.clone());
            }
            state.finished
        };

        let _refreshing = self.refresh.lock().await;

        {
            let state = self.state();
            let now = Instant::now();
            if let Some(cached) = &state.current
                && now < cached.refresh_at
            {
                return Ok(cached.token.clone());
            }
            if state.finished != seen {
                // A fetch finished while this caller waited: share its
                // outcome instead of starting another.
                if let Some(err) = &state.last_error {
                    return Err(err.clone());
                }
                if let Some(cached) = &state.current
                    && now < cached.expires_at
                {
                    return Ok(cached.token.clone());
                }
            }
        }

        tracing::debug!(source = ?self.source, "fetching a new access token");
        let result = self.source.fetch().await;
        let mut state = self.state();
        state.finished += 1;
        match result {
            Ok(token) => {
                let cached = Cached::new(token, Instant::now());
                tracing::debug!(
                    expires_in_secs = cached
                        .expires_at
                        .saturating_duration_since(Instant::now())
                        .as_secs(),
                    "fetched a new access token"
                );
                let token = cached.token.clone();
                state.current = Some(cached);
                state.last_error = None;
                Ok(token)
            }
            Err(err) => {
                tracing::debug!(error = %err, "fetching an access token failed");
                state.last_error = Some(err.clone());
                Err(err)
            }
        }
    }

    /// Forgets `rejected` if it is still the cached token, so that the
    /// next caller fetches a new one. A token the cache has already
    /// replaced is left alone: when several calls are refused with the
    /// same token at once, one fetch serves them all.
    pub(crate) fn forget(&self, rejected: &AccessToken) {
        let mut state = self.state();
        if state
            .current
            .as_ref()
            .is_some_and(|cached| cached.token.is_same(rejected))
        {
            tracing::debug!("the server refused the cached access token; forgetting it");
            state.current = None;
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<S: fmt::Debug> fmt::Debug for TokenCache<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::task::JoinSet;

    use super::super::CredentialsErrorKind;
    use super::*;

    /// What the fake source does on a fetch.
    #[derive(Debug, Clone, Copy)]
    enum Step {
        /// Succeeds with a token living this long (`None`: no expiry).
        Ok(Option<Duration>),
        /// Fails.
        Fail,
    }

    /// Counts fetches; each takes one (paused) second and follows the next
    /// scripted step, repeating the last one.
    #[derive(Debug)]
    struct FakeSource {
        fetches: AtomicUsize,
        steps: Mutex<VecDeque<Step>>,
    }

    impl FakeSource {
        fn new(steps: &[Step]) -> Self {
            FakeSource {
                fetches: AtomicUsize::new(0),
                steps: Mutex::new(steps.iter().copied().collect()),
            }
        }

        fn fetches(&self) -> usize {
            self.fetches.load(Ordering::SeqCst)
        }
    }

    impl TokenSource for FakeSource {
        fn fetch(&self) -> BoxFuture<'_, Result<AccessToken, CredentialsError>> {
            Box::pin(async move {
                let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
                let step = {
                    let mut steps = self.steps.lock().unwrap();
                    if steps.len() > 1 {
                        steps.pop_front().unwrap()
                    } else {
                        steps[0]
                    }
                };
                tokio::time::sleep(Duration::from_secs(1)).await;
                match step {
                    Step::Ok(life) => Ok(AccessToken::new(
                        format!("token-{n}"),
                        life.map(|life| Instant::now() + life),
                    )),
                    Step::Fail => Err(CredentialsError::new(
                        CredentialsErrorKind::TokenRequest,
                        format!("fetch {n} failed"),
                    )),
                }
            })
        }
    }

    const HOUR: Duration = Duration::from_secs(3600);
    const MINUTE: Duration = Duration::from_secs(60);

    fn cache(steps: &[Step]) -> Arc<TokenCache<FakeSource>> {
        Arc::new(TokenCache::new(FakeSource::new(steps)))
    }

    #[tokio::test(start_paused = true)]
    async fn reuses_then_refreshes_near_expiry() {
        let cache = cache(&[Step::Ok(Some(HOUR))]);

        let first = cache.token().await.unwrap();
        assert_eq!(first.secret(), "token-1");
        assert_eq!(cache.source().fetches(), 1);

        let second = cache.token().await.unwrap();
        assert_eq!(second.secret(), "token-1");
        assert_eq!(cache.source().fetches(), 1);

        // Six minutes left: still served from the cache.
        tokio::time::advance(HOUR - 6 * MINUTE).await;
        assert_eq!(cache.token().await.unwrap().secret(), "token-1");
        assert_eq!(cache.source().fetches(), 1);

        // Under five minutes left: refreshed.
        tokio::time::advance(MINUTE + Duration::from_secs(1)).await;
        assert_eq!(cache.token().await.unwrap().secret(), "token-2");
        assert_eq!(cache.source().fetches(), 2);
        assert_eq!(cache.token().await.unwrap().secret(), "token-2");
        assert_eq!(cache.source().fetches(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn unknown_expiry_is_taken_as_fifty_minutes() {
        let cache = cache(&[Step::Ok(None)]);
        assert_eq!(cache.token().await.unwrap().secret(), "token-1");

        tokio::time::advance(44 * MINUTE).await;
        assert_eq!(cache.token().await.unwrap().secret(), "token-1");

        tokio::time::advance(MINUTE + Duration::from_secs(1)).await;
        assert_eq!(cache.token().await.unwrap().secret(), "token-2");
        assert_eq!(cache.source().fetches(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn short_lived_token_is_not_refetched_on_every_call() {
        let cache = cache(&[Step::Ok(Some(4 * MINUTE))]);
        assert_eq!(cache.token().await.unwrap().secret(), "token-1");
        for _ in 0..10 {
            assert_eq!(cache.token().await.unwrap().secret(), "token-1");
        }
        assert_eq!(cache.source().fetches(), 1);

        tokio::time::advance(2 * MINUTE).await;
        assert_eq!(cache.token().await.unwrap().secret(), "token-2");
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_refresh() {
        // Inside the refresh margin, and past the expiry itself.
        for wait in [HOUR - MINUTE, HOUR + MINUTE] {
            let cache = cache(&[Step::Ok(Some(HOUR))]);
            cache.token().await.unwrap();
            tokio::time::advance(wait).await;

            let mut tasks = JoinSet::new();
            for _ in 0..16 {
                let cache = Arc::clone(&cache);
                tasks.spawn(async move { cache.token().await });
            }
            let mut seen = 0;
            while let Some(result) = tasks.join_next().await {
                assert_eq!(result.unwrap().unwrap().secret(), "token-2");
                seen += 1;
            }
            assert_eq!(seen, 16);
            assert_eq!(cache.source().fetches(), 2);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_first_callers_share_one_fetch() {
        let cache = cache(&[Step::Ok(Some(HOUR))]);
        let mut tasks = JoinSet::new();
        for _ in 0..16 {
            let cache = Arc::clone(&cache);
            tasks.spawn(async move { cache.token().await });
        }
        while let Some(result) = tasks.join_next().await {
            assert_eq!(result.unwrap().unwrap().secret(), "token-1");
        }
        assert_eq!(cache.source().fetches(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn failure_is_returned_not_cached_then_retried() {
        let cache = cache(&[Step::Fail, Step::Ok(Some(HOUR))]);

        let err = cache.token().await.unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::TokenRequest);
        assert_eq!(err.to_string(), "fetch 1 failed");
        assert_eq!(cache.source().fetches(), 1);

        assert_eq!(cache.token().await.unwrap().secret(), "token-2");
        assert_eq!(cache.source().fetches(), 2);
        assert_eq!(cache.token().await.unwrap().secret(), "token-2");
        assert_eq!(cache.source().fetches(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_failure() {
        let cache = cache(&[Step::Fail, Step::Ok(Some(HOUR))]);
        let mut tasks = JoinSet::new();
        for _ in 0..16 {
            let cache = Arc::clone(&cache);
            tasks.spawn(async move { cache.token().await });
        }
        while let Some(result) = tasks.join_next().await {
            assert_eq!(result.unwrap().unwrap_err().to_string(), "fetch 1 failed");
        }
        assert_eq!(cache.source().fetches(), 1);

        assert_eq!(cache.token().await.unwrap().secret(), "token-2");
        assert_eq!(cache.source().fetches(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_refresh_keeps_retrying_until_success() {
        let cache = cache(&[Step::Ok(Some(HOUR)), Step::Fail, Step::Ok(Some(HOUR))]);
        assert_eq!(cache.token().await.unwrap().secret(), "token-1");
        tokio::time::advance(HOUR - MINUTE).await;

        assert!(cache.token().await.is_err());
        assert_eq!(cache.token().await.unwrap().secret(), "token-3");
        assert_eq!(cache.source().fetches(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_token_is_forgotten_once_however_many_calls_report_it() {
        let cache = cache(&[Step::Ok(Some(HOUR))]);
        let refused = cache.token().await.unwrap();
        assert_eq!(refused.secret(), "token-1");

        // Another token with the same text is not the cached one.
        cache.forget(&AccessToken::new("token-1", None));
        assert_eq!(cache.token().await.unwrap().secret(), "token-1");
        assert_eq!(cache.source().fetches(), 1);

        // Sixteen calls refused with it: one new token for all of them.
        cache.forget(&refused);
        for _ in 0..16 {
            cache.forget(&refused);
            assert_eq!(cache.token().await.unwrap().secret(), "token-2");
        }
        assert_eq!(cache.source().fetches(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn cancelled_fetch_lets_the_next_caller_fetch() {
        let cache = cache(&[Step::Ok(Some(HOUR))]);
        let waiting = tokio::time::timeout(Duration::from_millis(10), cache.token()).await;
        assert!(waiting.is_err());
        assert_eq!(cache.token().await.unwrap().secret(), "token-2");
        assert_eq!(cache.source().fetches(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn changing_the_source_forgets_the_token() {
        let mut cache = TokenCache::new(FakeSource::new(&[Step::Ok(Some(HOUR))]));
        assert_eq!(cache.token().await.unwrap().secret(), "token-1");
        let _ = cache.source_mut();
        assert_eq!(cache.token().await.unwrap().secret(), "token-2");
    }
}
