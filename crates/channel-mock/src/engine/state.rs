//! Everything the emulator stores, keyed by resource name so that a
//! collection is a key range and listing is a range scan.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use channel_types::longrunning;
use channel_types::model::{
    ChannelPartnerLink, ChannelPartnerRepricingConfig, Customer, CustomerRepricingConfig,
    Entitlement, EntitlementChange,
};
use tokio::time::Instant;

/// The emulator's data. Operations and remembered request ids are not saved
/// to the state file: they are short-lived by nature.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct State {
    /// Counter behind every server-assigned id.
    #[serde(default)]
    pub(crate) next_id: u64,
    #[serde(default)]
    pub(crate) customers: BTreeMap<String, Customer>,
    #[serde(default)]
    pub(crate) entitlements: BTreeMap<String, Entitlement>,
    #[serde(default)]
    pub(crate) links: BTreeMap<String, ChannelPartnerLink>,
    #[serde(default)]
    pub(crate) customer_repricing: BTreeMap<String, CustomerRepricingConfig>,
    #[serde(default)]
    pub(crate) partner_repricing: BTreeMap<String, ChannelPartnerRepricingConfig>,
    /// Account id -> service accounts registered for its events.
    #[serde(default)]
    pub(crate) subscribers: BTreeMap<String, BTreeSet<String>>,
    /// `{entitlement}/changes/{sequence}` -> the change.
    #[serde(default)]
    pub(crate) changes: BTreeMap<String, EntitlementChange>,
    /// Report job name -> the account's entitlements when it ran.
    #[serde(default)]
    pub(crate) report_jobs: BTreeMap<String, Vec<Entitlement>>,
    #[serde(skip)]
    pub(crate) operations: BTreeMap<String, OperationRecord>,
    #[serde(skip)]
    pub(crate) request_ids: HashMap<RequestKey, (String, Instant)>,
    /// When expired operations and request ids are next swept away.
    #[serde(skip)]
    pub(crate) next_sweep: Option<Instant>,
}

/// A long-running operation: its outcome is decided when it starts and
/// shown once its time has come.
#[derive(Debug, Clone)]
pub(crate) struct OperationRecord {
    /// The finished operation (done, with response or error).
    pub(crate) finished: longrunning::Operation,
    /// The account that started it.
    pub(crate) account: String,
    /// When it shows as done.
    pub(crate) ready_at: Instant,
}

/// What makes two requests "the same request" for idempotency.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct RequestKey {
    pub(crate) method: &'static str,
    pub(crate) parent: String,
    pub(crate) request_id: String,
}

impl State {
    /// A new id with a prefix letter: `S` for customers, `E` for entitlements...
    pub(crate) fn new_id(&mut self, prefix: char) -> String {
        // Base-36, so ids look like the service's opaque ones but stay short.
        let mut n = self.next_sequence() * 7919 + 104_729;
        let mut digits = Vec::new();
        while n > 0 {
            let d = (n % 36) as u8;
            digits.push(if d < 10 { b'0' + d } else { b'a' + d - 10 });
            n /= 36;
        }
        digits.reverse();
        format!("{prefix}{}", String::from_utf8_lossy(&digits))
    }

    /// The next number of the one counter behind every server-assigned id.
    pub(crate) fn next_sequence(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Counts of stored resources, for diagnostics.
    pub fn len(&self) -> usize {
        self.customers.len() + self.entitlements.len() + self.links.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
