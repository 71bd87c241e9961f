//! The emulator's control surface, in-process: reset, the request journal,
//! state export and import, the virtual clock and the event log.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;

use channel_core::Error;
use channel_types::model::entitlement::{ProvisioningState, SuspensionReason};
use channel_types::model::entitlement_change::OperatorType;
use channel_types::model::entitlement_change::{CancellationReason, ChangeReason, ChangeType};
use channel_types::model::{
    CustomerEvent, Entitlement, EntitlementEvent, Parameter, PaymentPlan, SubscriberEvent,
    TrialSettings, Value, customer_event, entitlement_event, subscriber_event, value,
};
use channel_types::wkt::Timestamp;

use super::errors::{invalid, not_found};
use super::state::State;
use super::{Engine, world};
use channel_types::rpc::Code;

/// How many requests the journal keeps; older ones are dropped first.
pub const JOURNAL_LIMIT: usize = 1000;

/// How many events the pull log keeps; older ones are dropped first.
const EVENT_LIMIT: usize = 10_000;

/// Renewals one clock move may apply to one entitlement: a jump of many
/// years renews year by year, within reason.
const MAX_RENEWALS: usize = 100;

const YEAR_SECONDS: i64 = 365 * 86_400;

/// The seats parameter.
pub(super) const NUM_UNITS: &str = "num_units";
/// The output-only parameter of licenses assigned to users.
pub(super) const ASSIGNED_UNITS: &str = "assigned_units";
/// The optional cap on assignable units of a flexible or trial entitlement.
pub(super) const MAX_UNITS: &str = "max_units";

/// The parameters that bound the licenses a customer may assign, each with
/// its value when the entitlement has it: a commitment's seats, or the seats
/// and cap of a flexible or trial entitlement (which may have neither).
pub(super) fn unit_limits(parameters: &[Parameter]) -> impl Iterator<Item = (&'static str, i64)> {
    [NUM_UNITS, MAX_UNITS]
        .into_iter()
        .filter_map(|name| Some((name, param_int(parameters, name)?)))
}

/// The latest time the clock may show: 9998-12-31T23:59:59Z, a year short
/// of the latest Timestamp, so that what starts then (an annual commitment,
/// a trial) still ends at a time the API can write.
const LATEST_CLOCK_SECONDS: i64 = 253_370_764_799;

fn latest_clock() -> Timestamp {
    Timestamp {
        seconds: LATEST_CLOCK_SECONDS,
        nanos: 0,
    }
}

/// The account id of a resource name `accounts/{id}/...`.
fn account_of(name: &str) -> &str {
    name.strip_prefix("accounts/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
}

/// A whole-number parameter's value.
pub(super) fn param_int(parameters: &[Parameter], name: &str) -> Option<i64> {
    parameters.iter().find(|p| p.name == name).and_then(|p| {
        match p.value.as_ref()?.kind.as_ref()? {
            value::Kind::Int64Value(n) => Some(*n),
            _ => None,
        }
    })
}

/// Sets a whole-number parameter, adding it when absent.
pub(super) fn set_param_int(parameters: &mut Vec<Parameter>, name: &str, n: i64, editable: bool) {
    let value = Some(Value {
        kind: Some(value::Kind::Int64Value(n)),
    });
    match parameters.iter_mut().find(|p| p.name == name) {
        Some(p) => p.value = value,
        None => parameters.push(Parameter {
            name: name.to_string(),
            value,
            editable,
        }),
    }
}

/// One served request.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    /// When it was served, on the emulator's clock (RFC 3339).
    pub time: String,
    /// The RPC, e.g. `CreateEntitlement`.
    pub method: String,
    /// The account the caller acted for; empty when it was refused before
    /// the caller was known.
    pub caller: String,
    /// The status code name: `OK`, `NOT_FOUND`...
    pub status: String,
    /// How long the engine took, in microseconds.
    pub latency_micros: u64,
}

/// One subscriber event in the pull log.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    /// Increasing id; `GET /emulator/v1/events?after=<id>` returns later ones.
    pub id: u64,
    /// The account whose subscribers receive it.
    pub account: String,
    /// When it was published, on the emulator's clock (RFC 3339).
    pub publish_time: String,
    /// The event, as the service publishes it.
    pub event: SubscriberEvent,
}

/// A push subscription: events of `account` (every account when empty)
/// are POSTed to `endpoint`, in order, each until a 2xx answers it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Push {
    /// `projects/emulator/subscriptions/push-{n}`.
    pub name: String,
    /// The URL events are POSTed to.
    pub endpoint: String,
    /// The account whose events it receives; every account when empty.
    pub account: String,
    /// The id of the last event acknowledged.
    pub acknowledged: u64,
}

/// An offer change made during a commitment that waits for its renewal: a
/// downgrade, or a move off the commitment plan, can't take effect before
/// the commitment ends.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingChange {
    /// The offer the entitlement moves to (resource name).
    pub offer: String,
    /// The parameters it moves with.
    pub parameters: Vec<Parameter>,
    /// The account that asked for it.
    pub operator: String,
    /// The purchase order id to set with it; empty keeps the current one.
    #[serde(default)]
    pub purchase_order_id: String,
}

/// The journal, kept beside the state (it is not part of it).
#[derive(Debug, Default)]
pub(crate) struct Journal {
    entries: VecDeque<Served>,
}

/// A served request as the journal keeps it: every call adds one, so it is
/// written out as a [`JournalEntry`] only when the journal is read.
#[derive(Debug)]
struct Served {
    time: Timestamp,
    /// The RPC's snake_case name.
    method: &'static str,
    caller: String,
    status: &'static str,
    latency: std::time::Duration,
}

impl Served {
    fn entry(&self) -> JournalEntry {
        JournalEntry {
            time: self.time.to_string(),
            method: camel(self.method),
            caller: self.caller.clone(),
            status: self.status.to_string(),
            latency_micros: u64::try_from(self.latency.as_micros()).unwrap_or(u64::MAX),
        }
    }
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

impl Engine {
    /// Adds a served request to the journal.
    pub(crate) fn journal_record(
        &self,
        method: &'static str,
        caller: String,
        status: &'static str,
        latency: std::time::Duration,
    ) {
        let served = Served {
            time: self.now(),
            method,
            caller,
            status,
            latency,
        };
        let mut journal = self
            .inner
            .journal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if journal.entries.len() >= JOURNAL_LIMIT {
            journal.entries.pop_front();
        }
        journal.entries.push_back(served);
    }

    /// The last `limit` requests served, oldest first.
    pub fn requests(&self, limit: usize) -> Vec<JournalEntry> {
        let journal = self
            .inner
            .journal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let skip = journal.entries.len().saturating_sub(limit);
        journal
            .entries
            .iter()
            .skip(skip)
            .map(Served::entry)
            .collect()
    }

    /// Forgets everything: state, operations, scenario accounts, the
    /// journal, the events, and the clock goes back to real time.
    pub fn reset(&self) {
        *self.write() = State::default();
        self.inner.clock_offset.store(0, Ordering::Relaxed);
        self.inner
            .journal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entries
            .clear();
    }

    /// Replaces the state with `state` (as exported by
    /// [`snapshot`](Engine::snapshot)). Operations in flight are forgotten.
    pub fn import_state(&self, mut state: State) -> Result<(), Error> {
        if state.version.0 != super::STATE_VERSION {
            return Err(super::errors::invalid(
                "version",
                format!(
                    "state version {} is not {}",
                    state.version.0,
                    super::STATE_VERSION
                ),
            ));
        }
        if state.next_id > super::MAX_SEQUENCE {
            return Err(super::errors::invalid(
                "nextId",
                format!(
                    "{} is out of range; expected at most {}",
                    state.next_id,
                    super::MAX_SEQUENCE
                ),
            ));
        }
        state
            .check_names()
            .map_err(|problem| super::errors::invalid("state", problem))?;
        state.restore_counters();
        *self.write() = state;
        Ok(())
    }

    /// Moves the emulator's clock forward by `seconds` and applies what
    /// time brings: trials that end, commitments that renew or end.
    pub fn advance_clock(&self, seconds: i64) -> Result<Timestamp, Error> {
        if seconds < 0 {
            return Err(super::errors::invalid(
                "duration",
                "the clock only moves forward; use a positive duration such as \"3600s\"",
            ));
        }
        let now = self.now();
        if now.seconds.saturating_add(seconds) > LATEST_CLOCK_SECONDS {
            return Err(super::errors::invalid(
                "duration",
                format!(
                    "the clock can move at most to {}, so that a commitment started then still ends within the time a Timestamp can hold; {now} is the current time",
                    latest_clock()
                ),
            ));
        }
        self.inner
            .clock_offset
            .fetch_add(seconds, Ordering::Relaxed);
        self.tick();
        Ok(self.now())
    }

    /// Sets the emulator's clock to `time` (not before the current time)
    /// and applies what time brings.
    pub fn set_clock(&self, time: Timestamp) -> Result<Timestamp, Error> {
        let now = self.now();
        if time.seconds < now.seconds {
            return Err(super::errors::invalid(
                "time",
                format!("the clock only moves forward; {time} is before {now}"),
            ));
        }
        if time.seconds > LATEST_CLOCK_SECONDS {
            return Err(super::errors::invalid(
                "time",
                format!(
                    "expected a time no later than {}, so that a commitment started then still ends within the time a Timestamp can hold",
                    latest_clock()
                ),
            ));
        }
        self.advance_clock(time.seconds - now.seconds)
    }

    /// The emulator's current time.
    pub fn clock(&self) -> Timestamp {
        self.now()
    }

    /// Events published after event `after`, oldest first.
    pub fn events_after(&self, after: u64) -> Vec<EventRecord> {
        self.read()
            .events
            .iter()
            .filter(|e| e.id > after)
            .cloned()
            .collect()
    }

    /// Adds a push subscription for the events of `account` (an account id
    /// or `accounts/{id}`; every account when empty), from the next event
    /// on; answers its name. The endpoint must be an http or https URL with
    /// a host and the account one the emulator knows, or no event would
    /// ever arrive.
    pub fn add_push(&self, endpoint: &str, account: &str) -> Result<String, Error> {
        let usable = reqwest::Url::parse(endpoint).is_ok_and(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty())
        });
        if !usable {
            return Err(invalid(
                "endpoint",
                "expected an http:// or https:// URL with a host, such as \"http://127.0.0.1:9000/push\"",
            ));
        }
        let account = account.strip_prefix("accounts/").unwrap_or(account);
        let mut state = self.write();
        if !account.is_empty() && !self.account_exists(&state, account) {
            return Err(invalid(
                "account",
                format!(
                    "\"{account}\" is not an account of this emulator; leave it out for every account"
                ),
            ));
        }
        let name = format!(
            "projects/emulator/subscriptions/push-{}",
            state.pushes.len() + 1
        );
        let acknowledged = state.next_event;
        state.pushes.push(Push {
            name: name.clone(),
            endpoint: endpoint.to_string(),
            account: account.to_string(),
            acknowledged,
        });
        Ok(name)
    }

    /// The push subscriptions, with how far each has been acknowledged.
    pub fn pushes(&self) -> Vec<Push> {
        self.read().pushes.clone()
    }

    /// The next event each push subscription has to deliver.
    pub(crate) fn due_pushes(&self) -> Vec<(Push, EventRecord)> {
        let state = self.read();
        state
            .pushes
            .iter()
            .filter_map(|p| {
                state
                    .events
                    .iter()
                    .find(|e| {
                        e.id > p.acknowledged && (p.account.is_empty() || p.account == e.account)
                    })
                    .map(|e| (p.clone(), e.clone()))
            })
            .collect()
    }

    /// Records that a push subscription's endpoint acknowledged an event.
    pub(crate) fn acknowledge(&self, name: &str, id: u64) {
        if let Some(p) = self.write().pushes.iter_mut().find(|p| p.name == name) {
            p.acknowledged = p.acknowledged.max(id);
        }
    }

    /// Applies what the clock says is due, to every entitlement.
    pub(crate) fn tick(&self) {
        let now = self.now();
        let mut state = self.write();
        let names: Vec<String> = state.entitlements.names().map(str::to_string).collect();
        for name in names {
            for _ in 0..MAX_RENEWALS {
                let Some(e) = state.entitlements.get(&name) else {
                    break;
                };
                if !self.due(&mut state, e, &now) {
                    break;
                }
            }
        }
    }

    /// Applies one due change to `e`; true when another may be due (a
    /// commitment renewed for a year that has passed too).
    fn due(&self, state: &mut State, mut e: Entitlement, now: &Timestamp) -> bool {
        let trial_end = e
            .trial_settings
            .as_ref()
            .filter(|t| t.trial)
            .and_then(|t| t.end_time);
        if let Some(end) = trial_end
            && end.seconds <= now.seconds
        {
            // The trial ran out without StartPaidService.
            e.trial_settings = Some(TrialSettings {
                trial: false,
                end_time: Some(end),
            });
            e.provisioning_state = ProvisioningState::Suspended as i32;
            if !e
                .suspension_reasons
                .contains(&(SuspensionReason::TrialEnded as i32))
            {
                e.suspension_reasons
                    .push(SuspensionReason::TrialEnded as i32);
            }
            e.update_time = Some(*now);
            state.entitlements.insert(&e);
            self.record_system_change(
                state,
                &e,
                ChangeType::Suspended,
                ChangeReason::SuspensionReason(SuspensionReason::TrialEnded as i32),
                end,
            );
            return true;
        }
        let Some(commitment) = e.commitment_settings else {
            return false;
        };
        let Some(end) = commitment.end_time else {
            return false;
        };
        if end.seconds > now.seconds {
            return false;
        }
        let renewal = commitment.renewal_settings.unwrap_or_default();
        let pending = state.pending.remove(&e.name);
        // A waiting move off the commitment plan is what the reseller asked
        // to happen at the end, renewal or not.
        let leaves_commitment = pending.as_ref().is_some_and(|p| {
            let id = p.offer.rsplit('/').next().unwrap_or_default();
            self.inner
                .catalog
                .offer(id)
                .is_some_and(|o| o.plan.payment_plan() != PaymentPlan::Commitment)
        });
        if !renewal.enable_renewal && !leaves_commitment {
            state.entitlements.remove(&e.name);
            self.record_system_change(
                state,
                &e,
                ChangeType::Cancelled,
                ChangeReason::CancellationReason(CancellationReason::ServiceTerminated as i32),
                end,
            );
            return false;
        }
        e.update_time = Some(*now);
        if let Some(pending) = pending {
            // An offer change that waited for the renewal takes effect first.
            let old_sku = self.offer_of(&e).map(|(_, s)| s.sku.name.clone());
            let assigned = param_int(&e.parameters, ASSIGNED_UNITS);
            e.offer = pending.offer;
            e.parameters = pending.parameters;
            if let Some(assigned) = assigned {
                set_param_int(&mut e.parameters, ASSIGNED_UNITS, assigned, false);
            }
            if !pending.purchase_order_id.is_empty() {
                e.purchase_order_id = pending.purchase_order_id;
            }
            let (plan, sku) = self
                .offer_of(&e)
                .map(|(o, s)| (o.plan.payment_plan(), Some(s.sku.name.clone())))
                .unwrap_or((PaymentPlan::Unspecified, None));
            let change = if sku == old_sku {
                ChangeType::PricePlanSwitched
            } else {
                ChangeType::SkuChanged
            };
            let committed = plan == PaymentPlan::Commitment;
            if !committed {
                e.commitment_settings = None;
            }
            state.entitlements.insert(&e);
            self.record_system_change(
                state,
                &e,
                change,
                ChangeReason::OtherChangeReason(format!(
                    "the offer change {} asked for took effect at the renewal",
                    pending.operator
                )),
                end,
            );
            if !committed {
                return false;
            }
        }
        if renewal.resize_unit_count
            && let Some(assigned) = param_int(&e.parameters, ASSIGNED_UNITS)
            && let Some(seats) = param_int(&e.parameters, NUM_UNITS)
            && assigned.max(1) != seats
        {
            set_param_int(&mut e.parameters, NUM_UNITS, assigned.max(1), true);
            state.entitlements.insert(&e);
            self.record_system_change(
                state,
                &e,
                ChangeType::CommitmentChanged,
                ChangeReason::OtherChangeReason(format!(
                    "resize_unit_count: seats set at the renewal to the {} licenses assigned",
                    assigned.max(1)
                )),
                end,
            );
        }
        if renewal.payment_plan() == PaymentPlan::Flexible {
            // Renewal onto the flexible offer of the same SKU.
            let account = account_of(&e.name).to_string();
            let flexible = self.offer_of(&e).and_then(|(_, sku)| {
                self.inner
                    .catalog
                    .offers_for_sku(&sku.sku.name)
                    .find(|o| o.plan.payment_plan() == PaymentPlan::Flexible)
            });
            if let Some(offer) = flexible {
                e.offer = format!("accounts/{account}/offers/{}", offer.id);
                e.commitment_settings = None;
                state.entitlements.insert(&e);
                self.record_system_change(
                    state,
                    &e,
                    ChangeType::PricePlanSwitched,
                    ChangeReason::OtherChangeReason(
                        "renewal_settings.payment_plan FLEXIBLE took effect at the renewal".into(),
                    ),
                    end,
                );
                return false;
            }
        }
        let settings = e.commitment_settings.get_or_insert_with(Default::default);
        settings.start_time = Some(end);
        settings.end_time = Some(Timestamp {
            seconds: end.seconds + YEAR_SECONDS,
            nanos: end.nanos,
        });
        state.entitlements.insert(&e);
        self.record_system_change(
            state,
            &e,
            ChangeType::Renewed,
            ChangeReason::OtherChangeReason(
                "the commitment reached its end date and renewed for a year".into(),
            ),
            end,
        );
        true
    }

    /// Records a change the service made by itself (the clock), dated when
    /// it became due.
    fn record_system_change(
        &self,
        state: &mut State,
        e: &Entitlement,
        change_type: ChangeType,
        change_reason: ChangeReason,
        at: Timestamp,
    ) {
        self.record_change_by(
            state,
            OperatorType::System,
            "",
            e,
            change_type,
            Some(change_reason),
            at,
        );
    }

    /// Publishes the entitlement event matching a change, when the
    /// entitlement's account has registered subscribers.
    pub(super) fn publish_change(&self, state: &mut State, e: &Entitlement, change: ChangeType) {
        use entitlement_event::Type;
        let event_type = match change {
            ChangeType::Created | ChangeType::TrialStarted => Type::Created,
            ChangeType::PricePlanSwitched => Type::PricePlanSwitched,
            ChangeType::CommitmentChanged => Type::CommitmentChanged,
            ChangeType::Renewed => Type::Renewed,
            ChangeType::Suspended => Type::Suspended,
            ChangeType::Activated => Type::Activated,
            ChangeType::Cancelled => Type::Cancelled,
            ChangeType::SkuChanged => Type::SkuChanged,
            ChangeType::RenewalSettingChanged => Type::RenewalSettingChanged,
            ChangeType::PaidSubscriptionStarted => Type::PaidServiceStarted,
            ChangeType::LicenseCapChanged => Type::LicenseCapChanged,
            _ => return,
        };
        self.publish_entitlement_event(state, &e.name, event_type);
    }

    fn publish_entitlement_event(
        &self,
        state: &mut State,
        entitlement: &str,
        event_type: entitlement_event::Type,
    ) {
        let event = subscriber_event::Event::EntitlementEvent(EntitlementEvent {
            entitlement: entitlement.to_string(),
            event_type: event_type as i32,
        });
        self.publish(state, account_of(entitlement), event);
    }

    /// Adds an event to the log, for `account`'s subscribers; nothing when
    /// the account has registered none (the service publishes to no one).
    fn publish(&self, state: &mut State, account: &str, event: subscriber_event::Event) {
        if state.subscribers.get(account).is_none_or(|s| s.is_empty()) {
            return;
        }
        state.next_event += 1;
        let record = EventRecord {
            id: state.next_event,
            account: account.to_string(),
            publish_time: self.now().to_string(),
            event: SubscriberEvent { event: Some(event) },
        };
        if state.events.len() >= EVENT_LIMIT {
            state.events.remove(0);
        }
        state.events.push(record);
    }

    /// The customer's super admin verifies the primary domain of Cloud
    /// Identity `cloud_identity_id` (in the Admin console, outside the
    /// Channel API). Every reseller customer of that identity shows it, and
    /// their accounts get PRIMARY_DOMAIN_VERIFIED. Answers those customers;
    /// none when the domain was verified already.
    pub fn verify_domain(&self, cloud_identity_id: &str) -> Result<Vec<String>, Error> {
        let mut state = self.write();
        let identity = world::known_by_id(&state, cloud_identity_id)
            .ok_or_else(|| not_found("Cloud Identity", cloud_identity_id))?;
        if identity.verified {
            return Ok(Vec::new());
        }
        if let Some(record) = state.identities.get_mut(cloud_identity_id) {
            record.verified = true;
        }
        let now = self.now();
        let customers = self.customers_of_identity(&state, cloud_identity_id);
        for name in &customers {
            if let Some(mut c) = state.customers.get(name) {
                c.cloud_identity_info
                    .get_or_insert_with(Default::default)
                    .is_domain_verified = true;
                c.update_time = Some(now);
                state.customers.insert(&c);
            }
            self.publish_customer_event(
                &mut state,
                name,
                customer_event::Type::PrimaryDomainVerified,
            );
        }
        Ok(customers)
    }

    /// The customer's super admin makes `domain` the primary domain of
    /// Cloud Identity `cloud_identity_id`. Every reseller customer of that
    /// identity takes the new domain, and their accounts get
    /// PRIMARY_DOMAIN_CHANGED. Answers those customers.
    pub fn change_domain(
        &self,
        cloud_identity_id: &str,
        domain: &str,
    ) -> Result<Vec<String>, Error> {
        super::validate::domain("domain", domain)?;
        let mut state = self.write();
        let identity = world::known_by_id(&state, cloud_identity_id)
            .ok_or_else(|| not_found("Cloud Identity", cloud_identity_id))?;
        if identity.domain.eq_ignore_ascii_case(domain) {
            return Ok(Vec::new());
        }
        if let Some(other) = world::known_by_domain(&state, domain) {
            return Err(super::errors::reason(
                Code::AlreadyExists,
                "DOMAIN_ALREADY_EXISTS",
                format!(
                    "{domain} is the primary domain of Cloud Identity {}",
                    other.id
                ),
            ));
        }
        if let Some(record) = state.identities.get_mut(cloud_identity_id) {
            record.domain = domain.to_string();
        }
        let now = self.now();
        let customers = self.customers_of_identity(&state, cloud_identity_id);
        for name in &customers {
            if let Some(mut c) = state.customers.get(name) {
                c.domain = domain.to_string();
                c.cloud_identity_info
                    .get_or_insert_with(Default::default)
                    .primary_domain = domain.to_string();
                c.update_time = Some(now);
                state.customers.insert(&c);
            }
            self.publish_customer_event(
                &mut state,
                name,
                customer_event::Type::PrimaryDomainChanged,
            );
        }
        Ok(customers)
    }

    /// The customer's admin assigns `assigned_units` licenses of an
    /// entitlement to users: the entitlement's output-only `assigned_units`
    /// parameter shows it (at most its `num_units` and `max_units`, where
    /// set), and its account gets
    /// LICENSE_ASSIGNMENT_CHANGED. A commitment renewing with
    /// `resize_unit_count` takes this many seats.
    pub fn assign_licenses(
        &self,
        entitlement: &str,
        assigned_units: i64,
    ) -> Result<Entitlement, Error> {
        let mut state = self.write();
        let mut e = state
            .entitlements
            .get(entitlement)
            .ok_or_else(|| not_found("entitlement", entitlement))?;
        let limit = unit_limits(&e.parameters).min_by_key(|(_, n)| *n);
        if assigned_units < 0 || limit.is_some_and(|(_, n)| assigned_units > n) {
            let expected = match limit {
                Some((name, n)) => format!(
                    "expected a number of licenses from 0 to the entitlement's {name} ({n})"
                ),
                // A flexible or trial entitlement bought without seats or cap.
                None => "expected a number of licenses of 0 or more".to_owned(),
            };
            return Err(invalid("assignedUnits", expected));
        }
        if param_int(&e.parameters, ASSIGNED_UNITS) == Some(assigned_units) {
            return Ok(e);
        }
        set_param_int(&mut e.parameters, ASSIGNED_UNITS, assigned_units, false);
        e.update_time = Some(self.now());
        state.entitlements.insert(&e);
        self.publish_entitlement_event(
            &mut state,
            entitlement,
            entitlement_event::Type::LicenseAssignmentChanged,
        );
        Ok(e)
    }

    /// The reseller customers (of any account) linked to a Cloud Identity.
    fn customers_of_identity(&self, state: &State, cloud_identity_id: &str) -> Vec<String> {
        state
            .customers
            .with_identity(cloud_identity_id)
            .map(|(name, _)| name.to_string())
            .collect()
    }

    fn publish_customer_event(
        &self,
        state: &mut State,
        customer: &str,
        event_type: customer_event::Type,
    ) {
        let event = subscriber_event::Event::CustomerEvent(CustomerEvent {
            customer: customer.to_string(),
            event_type: event_type as i32,
        });
        self.publish(state, account_of(customer), event);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn method_names_read_as_the_rpc_names() {
        assert_eq!(
            super::camel("list_transferable_skus"),
            "ListTransferableSkus"
        );
        assert_eq!(super::camel("get_customer"), "GetCustomer");
    }
}
