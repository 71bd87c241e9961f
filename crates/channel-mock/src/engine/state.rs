//! Everything the emulator stores, keyed by resource name so that a
//! collection is a key range and listing is a range scan.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use channel_types::longrunning;
use channel_types::model::{
    ChannelPartnerLink, ChannelPartnerRepricingConfig, CustomerRepricingConfig, Entitlement,
    EntitlementChange,
};
use tokio::time::Instant;

use super::store::{Customers, Records};

/// The emulator's data. Operations and remembered request ids are not saved
/// to the state file: they are short-lived by nature.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct State {
    /// The file format's version; a file of another version is refused.
    #[serde(default)]
    pub(crate) version: StateVersion,
    /// Counter behind every server-assigned id. Only a hint: on load it is
    /// raised past every id found in the stored names (see
    /// [`restore_counters`](State::restore_counters)).
    #[serde(default)]
    pub(crate) next_id: u64,
    /// Kept packed (see [`store`](super::store)): there may be many.
    #[serde(default)]
    pub(crate) customers: Customers,
    #[serde(default)]
    pub(crate) entitlements: Records<Entitlement>,
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
    /// Accounts a scenario added to the configured ones.
    #[serde(default)]
    pub(crate) accounts: Vec<super::AccountConfig>,
    /// Cloud Identity id -> what the world knows of it beyond the caller's
    /// own customers (other resellers', Google's, auth tokens).
    #[serde(default)]
    pub(crate) identities: BTreeMap<String, super::world::Identity>,
    #[serde(skip)]
    pub(crate) operations: BTreeMap<String, OperationRecord>,
    #[serde(skip)]
    pub(crate) request_ids: HashMap<RequestKey, (String, Instant)>,
    /// Subscriber events for the pull endpoint and the push deliverer. Saved
    /// with the subscriptions, so an event a push endpoint has not yet
    /// acknowledged survives a restart.
    #[serde(default)]
    pub(crate) events: Vec<super::control::EventRecord>,
    /// Push subscriptions: where events are POSTed in Pub/Sub push format,
    /// and how far each endpoint has acknowledged.
    #[serde(default)]
    pub(crate) pushes: Vec<super::control::Push>,
    /// Id of the last event published.
    #[serde(default)]
    pub(crate) next_event: u64,
    /// Entitlement name -> an offer change that takes effect when the
    /// entitlement's commitment renews.
    #[serde(default)]
    pub(crate) pending: BTreeMap<String, super::control::PendingChange>,
    /// When expired operations and request ids are next swept away.
    #[serde(skip)]
    pub(crate) next_sweep: Option<Instant>,
}

impl State {
    /// Checks that every stored record sits under a well-formed name of its
    /// kind and carries that name itself, as the emulator stores them. A
    /// state read from outside (a file, `PUT /emulator/v1/state`) with a
    /// key such as `accounts/A/customers/../x` would otherwise hold records
    /// no request can reach. The error names the member and the key.
    pub(crate) fn check_names(&self) -> Result<(), String> {
        use channel_types::names::{
            ChannelPartnerLinkNameRef, ChannelPartnerRepricingConfigNameRef, CustomerNameRef,
            CustomerRepricingConfigNameRef, EntitlementNameRef,
        };
        fn check<'r, T: 'r>(
            member: &str,
            form: &str,
            records: impl IntoIterator<Item = (&'r str, T)>,
            well_formed: impl Fn(&str) -> bool,
            name_of: impl Fn(&T) -> Option<&str>,
        ) -> Result<(), String> {
            for (key, record) in records {
                let odd_segment = key
                    .split('/')
                    .any(|segment| matches!(segment, "" | "." | ".."));
                if odd_segment || key.chars().any(char::is_control) || !well_formed(key) {
                    return Err(format!(
                        "{member}: {:?} is not a name of the form {form}",
                        super::validate::shorten(key)
                    ));
                }
                if let Some(name) = name_of(&record)
                    && name != key
                {
                    return Err(format!(
                        "{member}: the record under {:?} is named {:?}; a record is stored \
                         under its own name",
                        super::validate::shorten(key),
                        super::validate::shorten(name)
                    ));
                }
            }
            Ok(())
        }
        fn keyed<T>(map: &BTreeMap<String, T>) -> impl Iterator<Item = (&str, &T)> {
            map.iter().map(|(key, record)| (key.as_str(), record))
        }
        let entitlement = |k: &str| EntitlementNameRef::parse(k).is_ok();
        check(
            "customers",
            "accounts/{account}/customers/{customer}",
            self.customers.iter(),
            |k| CustomerNameRef::parse(k).is_ok(),
            |c| Some(c.name.as_str()),
        )?;
        check(
            "entitlements",
            "accounts/{account}/customers/{customer}/entitlements/{entitlement}",
            self.entitlements.iter(),
            entitlement,
            |e| Some(e.name.as_str()),
        )?;
        check(
            "links",
            "accounts/{account}/channelPartnerLinks/{link}",
            keyed(&self.links),
            |k| ChannelPartnerLinkNameRef::parse(k).is_ok(),
            |l| Some(l.name.as_str()),
        )?;
        check(
            "customerRepricing",
            "accounts/{account}/customers/{customer}/customerRepricingConfigs/{config}",
            keyed(&self.customer_repricing),
            |k| CustomerRepricingConfigNameRef::parse(k).is_ok(),
            |c| Some(c.name.as_str()),
        )?;
        check(
            "partnerRepricing",
            "accounts/{account}/channelPartnerLinks/{link}/channelPartnerRepricingConfigs/{config}",
            keyed(&self.partner_repricing),
            |k| ChannelPartnerRepricingConfigNameRef::parse(k).is_ok(),
            |c| Some(c.name.as_str()),
        )?;
        check(
            "changes",
            "{entitlement}/changes/{sequence}",
            keyed(&self.changes),
            |k| {
                k.rsplit_once("/changes/")
                    .is_some_and(|(e, sequence)| entitlement(e) && !sequence.contains('/'))
            },
            |_| None,
        )?;
        check(
            "pending",
            "accounts/{account}/customers/{customer}/entitlements/{entitlement}",
            keyed(&self.pending),
            entitlement,
            |_| None,
        )
    }
}

/// The version of the state file format this emulator reads and writes.
pub(crate) const STATE_VERSION: u64 = 1;

/// The `version` member of a state file: files written before it existed
/// read as version 1, and every save writes the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub(crate) struct StateVersion(pub(crate) u64);

impl Default for StateVersion {
    fn default() -> Self {
        StateVersion(STATE_VERSION)
    }
}

/// Ids are `{prefix}{base36(sequence * ID_STRIDE + ID_OFFSET)}`: spread out
/// so they look opaque, yet invertible so the counter can be rebuilt.
const ID_STRIDE: u128 = 7919;
const ID_OFFSET: u128 = 104_729;

/// The highest counter a state file may hold or its names may imply: far
/// beyond any real use, and far enough below `u64::MAX` that the counter
/// can never run out (and so never repeat an id).
pub(crate) const MAX_SEQUENCE: u64 = 1 << 62;

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
        // In u128 the arithmetic cannot overflow whatever the counter holds.
        let mut n = u128::from(self.next_sequence()) * ID_STRIDE + ID_OFFSET;
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
        self.next_id = self.next_id.saturating_add(1);
        self.next_id
    }

    /// Raises the id counter past every id that appears in the stored data,
    /// as a database rebuilds a sequence from its table: a state file whose
    /// counter is missing, stale or edited by hand must never make a new
    /// resource take the name of a stored one.
    pub(crate) fn restore_counters(&mut self) {
        let Ok(tree) = serde_json::to_value(&*self) else {
            return;
        };
        let mut highest = self.next_id;
        visit_strings(&tree, &mut |text| {
            let mut previous = "";
            for segment in text.split('/') {
                if let Some(n) = sequence_of(previous, segment) {
                    highest = highest.max(n);
                }
                previous = segment;
            }
        });
        self.next_id = highest;
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

/// Calls `f` with every string of a JSON tree, object keys included.
fn visit_strings(value: &serde_json::Value, f: &mut impl FnMut(&str)) {
    match value {
        serde_json::Value::String(text) => f(text),
        serde_json::Value::Array(items) => items.iter().for_each(|v| visit_strings(v, f)),
        serde_json::Value::Object(members) => {
            for (key, v) in members {
                f(key);
                visit_strings(v, f);
            }
        }
        _ => {}
    }
}

/// The counter value behind one name segment, if the emulator could have
/// made it: an id from [`State::new_id`], or the zero-padded sequence
/// after `changes/`.
fn sequence_of(previous: &str, segment: &str) -> Option<u64> {
    if previous == "changes" && segment.len() == 20 && segment.bytes().all(|b| b.is_ascii_digit()) {
        return segment.parse().ok();
    }
    let mut chars = segment.chars();
    if !chars.next()?.is_ascii_alphabetic() {
        return None;
    }
    let digits = chars.as_str();
    // Longer ids than a u64 counter can produce are not ours.
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let mut n: u128 = 0;
    for b in digits.bytes() {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'z' => b - b'a' + 10,
            _ => return None,
        };
        n = n * 36 + u128::from(d);
    }
    let shifted = n.checked_sub(ID_OFFSET)?;
    if shifted % ID_STRIDE != 0 {
        return None;
    }
    u64::try_from(shifted / ID_STRIDE)
        .ok()
        .filter(|n| *n <= MAX_SEQUENCE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_issued_id_gives_back_its_sequence() {
        let mut state = State::default();
        for expected in 1..200 {
            let id = state.new_id('S');
            assert_eq!(sequence_of("customers", &id), Some(expected), "{id}");
        }
        assert_eq!(sequence_of("changes", "00000000000000000042"), Some(42));
        for foreign in [
            "",
            "S",
            "7abc",
            "SABC",
            "S€1",
            "Szzzzzzzzzzzzzzzzzzz",
            "changes",
        ] {
            assert_eq!(sequence_of("customers", foreign), None, "{foreign}");
        }
    }

    #[test]
    fn the_counter_is_rebuilt_from_stored_names() {
        let mut state = State::default();
        let ids: Vec<String> = (0..5).map(|_| state.new_id('S')).collect();
        for id in &ids {
            state.customers.insert(&channel_types::model::Customer {
                name: format!("accounts/A/customers/{id}"),
                ..Default::default()
            });
        }
        state.next_id = 0;
        state.restore_counters();
        assert_eq!(state.next_id, 5);
        let fresh = state.new_id('S');
        assert!(!ids.contains(&fresh), "{fresh} is new");
    }

    #[test]
    fn a_huge_counter_saturates_instead_of_overflowing() {
        let mut state = State {
            next_id: u64::MAX - 1,
            ..State::default()
        };
        let a = state.new_id('S');
        let b = state.new_id('S');
        assert!(a.starts_with('S') && b.starts_with('S'));
        assert_eq!(state.next_id, u64::MAX);
    }
}
