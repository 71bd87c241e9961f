//! The emulator engine: Cloud Channel semantics over in-memory state.
//!
//! The engine implements the three service traits of `channel-core`, so it
//! serves the in-process client directly and sits behind the gRPC and REST
//! servers. All state lives in one [`State`] behind a read-write lock; every
//! call takes the lock once, briefly, and never across an await.

mod catalog_rpc;
mod control;
mod customers;
mod entitlements;
pub(crate) mod errors;
mod filter;
mod operations;
pub(crate) mod paging;
mod partners;
mod reports;
pub(crate) mod schema;
mod service;
mod state;
mod store;
pub(crate) mod validate;
mod world;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use channel_core::{CallOptions, Error};
use channel_types::rpc::Code;

pub use control::{EventRecord, JOURNAL_LIMIT, JournalEntry, PendingChange, Push};
pub(crate) use service::is_dropped;
pub use state::State;
pub(crate) use state::{MAX_SEQUENCE, STATE_VERSION};
pub use world::{
    CustomerSeed, EntitlementSeed, GOOGLE, Identity, IdentitySeed, IdentityType, Scenario,
    ScenarioError, ScenarioFormat, Seeded,
};

use crate::catalog::Catalog;
use errors::denied;
use paging::Tokens;

/// Whether an account is a reseller or a distributor (who manages channel
/// partners and their customers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Sells to customers.
    Reseller,
    /// Sells through channel partners (resellers), and may sell directly.
    Distributor,
}

/// One account the emulator knows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountConfig {
    /// The account id, as in `accounts/{id}`.
    pub id: String,
    /// Reseller or distributor.
    pub kind: AccountKind,
    /// Bearer tokens that act for this account (configured mode).
    #[serde(default)]
    pub tokens: Vec<String>,
}

/// Faults to inject, for testing clients. Off by default.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FaultConfig {
    /// Fraction of calls (0.0 to 1.0) answered UNAVAILABLE before doing anything.
    #[serde(default)]
    pub unavailable_rate: f64,
    /// Latency added to every call.
    #[serde(default, with = "duration_ms")]
    pub latency: Duration,
    /// Fraction of calls applied, then left without an answer: the servers
    /// cut the call's connection (other calls on it too) without a byte of
    /// response; in-process callers get UNAVAILABLE. For testing retries
    /// that must not duplicate.
    #[serde(default)]
    pub drop_after_apply_rate: f64,
    /// Fault injection for the servers' own safety net: the gRPC and REST
    /// servers panic while handling this method (its name, e.g.
    /// `GetCustomer`), to show that a panicking handler is answered
    /// INTERNAL and the server keeps serving. In-process calls ignore it.
    #[serde(default)]
    pub panic_method: Option<String>,
}

mod duration_ms {
    use std::time::Duration;

    pub(super) fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Duration, D::Error> {
        let ms = <u64 as serde::Deserialize>::deserialize(d)?;
        Ok(Duration::from_millis(ms))
    }
}

/// How the engine behaves.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The accounts; the first reseller is the default account.
    pub accounts: Vec<AccountConfig>,
    /// Configured mode: callers must present one of the accounts' tokens.
    /// Open mode (false): every caller is the default account.
    pub require_auth: bool,
    /// How long a long-running operation takes before it is done (0 = at once).
    pub operation_delay: Duration,
    /// How long a finished operation is kept before it expires.
    pub operation_retention: Duration,
    /// How long a request id is remembered for idempotency.
    pub request_id_window: Duration,
    /// Faults to inject.
    pub faults: FaultConfig,
}

/// The default reseller account of an open-mode emulator.
pub const DEFAULT_ACCOUNT: &str = "C0emulator";

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            accounts: vec![
                AccountConfig {
                    id: DEFAULT_ACCOUNT.into(),
                    kind: AccountKind::Reseller,
                    tokens: Vec::new(),
                },
                AccountConfig {
                    id: "D0emulator".into(),
                    kind: AccountKind::Distributor,
                    tokens: Vec::new(),
                },
            ],
            require_auth: false,
            operation_delay: Duration::from_millis(50),
            operation_retention: Duration::from_secs(3600),
            request_id_window: Duration::from_secs(3600),
            faults: FaultConfig::default(),
        }
    }
}

impl EngineConfig {
    /// The account callers act for in open mode.
    pub fn default_account(&self) -> &str {
        self.accounts
            .iter()
            .find(|a| a.kind == AccountKind::Reseller)
            .or(self.accounts.first())
            .map_or(DEFAULT_ACCOUNT, |a| a.id.as_str())
    }
}

/// Who is calling: the account they act for.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) account: String,
    pub(crate) kind: AccountKind,
}

impl Caller {
    /// `accounts/{id}`.
    pub(crate) fn account_name(&self) -> String {
        format!("accounts/{}", self.account)
    }

    /// PERMISSION_DENIED unless `account` (an id) is the caller's.
    pub(crate) fn check_account(&self, account: &str) -> Result<(), Error> {
        if account == self.account {
            Ok(())
        } else {
            Err(denied(format!(
                "the caller acts for accounts/{} and may not access accounts/{account}",
                self.account
            )))
        }
    }

    /// PERMISSION_DENIED unless the caller is a distributor.
    pub(crate) fn check_distributor(&self, method: &str) -> Result<(), Error> {
        if self.kind == AccountKind::Distributor {
            Ok(())
        } else {
            Err(denied(format!(
                "{method} is available to distributors only"
            )))
        }
    }
}

/// The engine. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: EngineConfig,
    pub(crate) catalog: Catalog,
    pub(crate) tokens: Tokens,
    pub(crate) state: RwLock<State>,
    /// Seconds the emulator's clock runs ahead of real time.
    pub(crate) clock_offset: std::sync::atomic::AtomicI64,
    /// The last requests served.
    pub(crate) journal: std::sync::Mutex<control::Journal>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("accounts", &self.inner.config.accounts.len())
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine with empty state.
    pub fn new(config: EngineConfig) -> Self {
        Self::with_state(config, State::default())
    }

    /// An engine over existing state (e.g. loaded from a state file). The
    /// id counter is raised past every id in the state's names first, so a
    /// new resource can never take a stored one's name.
    pub fn with_state(config: EngineConfig, mut state: State) -> Self {
        state.restore_counters();
        Engine {
            inner: Arc::new(Inner {
                config,
                catalog: Catalog::standard(),
                tokens: Tokens::new(fastrand::u64(..)),
                state: RwLock::new(state),
                clock_offset: std::sync::atomic::AtomicI64::new(0),
                journal: std::sync::Mutex::default(),
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    /// A copy of the current state (for saving).
    pub fn snapshot(&self) -> State {
        self.read().clone()
    }

    pub(crate) fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        // A panic while holding the lock cannot leave State half-updated in a
        // way that matters more than losing the emulator: keep serving.
        self.inner
            .state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.inner
            .state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Resolves the caller from the call's headers.
    pub(crate) fn caller(&self, options: &CallOptions) -> Result<Caller, Error> {
        let config = &self.inner.config;
        let account_of = |id: &str| config.accounts.iter().find(|a| a.id == id);
        if !config.require_auth {
            let id = config.default_account();
            let kind = account_of(id).map_or(AccountKind::Reseller, |a| a.kind);
            return Ok(Caller {
                account: id.to_string(),
                kind,
            });
        }
        let token = options
            .headers()
            .iter()
            .find(|(name, _)| name == "authorization")
            .and_then(|(_, value)| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(|| Error::rpc(Code::Unauthenticated, "the request has no bearer token"))?;
        let holds_token = |a: &&AccountConfig| a.tokens.iter().any(|t| t == token);
        let caller_of = |a: &AccountConfig| Caller {
            account: a.id.clone(),
            kind: a.kind,
        };
        // The seeded accounts are searched in place, under the read lock:
        // copying them all for each call cost more than the search.
        let caller = match config.accounts.iter().find(holds_token) {
            Some(account) => Some(caller_of(account)),
            None => self.read().accounts.iter().find(holds_token).map(caller_of),
        };
        caller.ok_or_else(|| {
            Error::rpc(
                Code::Unauthenticated,
                "the bearer token is not known to this emulator",
            )
        })
    }
}
