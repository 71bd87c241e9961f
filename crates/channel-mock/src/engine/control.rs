//! The emulator's control surface, in-process: reset, the request journal,
//! state export and import, the virtual clock and the event log.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;

use channel_core::Error;
use channel_types::model::entitlement::{ProvisioningState, SuspensionReason};
use channel_types::model::entitlement_change::{CancellationReason, ChangeReason, ChangeType};
use channel_types::model::{
    Entitlement, EntitlementEvent, PaymentPlan, SubscriberEvent, TrialSettings, entitlement_event,
    subscriber_event,
};
use channel_types::wkt::Timestamp;

use super::state::State;
use super::{AccountKind, Caller, Engine};

/// How many requests the journal keeps; older ones are dropped first.
pub const JOURNAL_LIMIT: usize = 1000;

/// How many events the pull log keeps; older ones are dropped first.
const EVENT_LIMIT: usize = 10_000;

/// Renewals one clock move may apply to one entitlement: a jump of many
/// years renews year by year, within reason.
const MAX_RENEWALS: usize = 100;

const YEAR_SECONDS: i64 = 365 * 86_400;

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
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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

/// The journal, kept beside the state (it is not part of it).
#[derive(Debug, Default)]
pub(crate) struct Journal {
    entries: VecDeque<JournalEntry>,
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
        method: &str,
        caller: &str,
        status: &str,
        latency: std::time::Duration,
    ) {
        let entry = JournalEntry {
            time: self.now().to_string(),
            method: camel(method),
            caller: caller.to_string(),
            status: status.to_string(),
            latency_micros: u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
        };
        let mut journal = self
            .inner
            .journal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if journal.entries.len() >= JOURNAL_LIMIT {
            journal.entries.pop_front();
        }
        journal.entries.push_back(entry);
    }

    /// The last `limit` requests served, oldest first.
    pub fn requests(&self, limit: usize) -> Vec<JournalEntry> {
        let journal = self
            .inner
            .journal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let skip = journal.entries.len().saturating_sub(limit);
        journal.entries.iter().skip(skip).cloned().collect()
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

    /// Adds a push subscription for the events of `account` (every account
    /// when empty), from the next event on; answers its name.
    pub fn add_push(&self, endpoint: &str, account: &str) -> String {
        let mut state = self.write();
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
        name
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
        let names: Vec<String> = state.entitlements.keys().cloned().collect();
        for name in names {
            for _ in 0..MAX_RENEWALS {
                let Some(e) = state.entitlements.get(&name).cloned() else {
                    break;
                };
                if !self.due(&mut state, e, &now) {
                    break;
                }
            }
        }
    }

    /// Applies one due change to `e`; false when nothing was due.
    fn due(&self, state: &mut State, mut e: Entitlement, now: &Timestamp) -> bool {
        let caller = Caller {
            account: e
                .name
                .strip_prefix("accounts/")
                .and_then(|r| r.split('/').next())
                .unwrap_or_default()
                .to_string(),
            kind: AccountKind::Reseller,
        };
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
            state.entitlements.insert(e.name.clone(), e.clone());
            self.record_change(
                state,
                &caller,
                &e,
                ChangeType::Suspended,
                Some(ChangeReason::SuspensionReason(
                    SuspensionReason::TrialEnded as i32,
                )),
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
        if !renewal.enable_renewal {
            state.entitlements.remove(&e.name);
            self.record_change(
                state,
                &caller,
                &e,
                ChangeType::Cancelled,
                Some(ChangeReason::CancellationReason(
                    CancellationReason::ServiceTerminated as i32,
                )),
            );
            return false;
        }
        let plan = renewal.payment_plan();
        if plan == PaymentPlan::Flexible {
            // Renewal onto the flexible offer of the same SKU.
            let flexible = self.offer_of(&e).and_then(|(_, sku)| {
                self.inner
                    .catalog
                    .offers_for_sku(&sku.sku.name)
                    .find(|o| o.plan.payment_plan() == PaymentPlan::Flexible)
            });
            if let Some(offer) = flexible {
                e.offer = format!("accounts/{}/offers/{}", caller.account, offer.id);
                e.commitment_settings = None;
                e.update_time = Some(*now);
                state.entitlements.insert(e.name.clone(), e.clone());
                self.record_change(state, &caller, &e, ChangeType::PricePlanSwitched, None);
                return false;
            }
        }
        let settings = e.commitment_settings.get_or_insert_with(Default::default);
        settings.start_time = Some(end);
        settings.end_time = Some(Timestamp {
            seconds: end.seconds + YEAR_SECONDS,
            nanos: end.nanos,
        });
        e.update_time = Some(*now);
        state.entitlements.insert(e.name.clone(), e.clone());
        self.record_change(state, &caller, &e, ChangeType::Renewed, None);
        true
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
        let account = e
            .name
            .strip_prefix("accounts/")
            .and_then(|r| r.split('/').next())
            .unwrap_or_default()
            .to_string();
        if state.subscribers.get(&account).is_none_or(|s| s.is_empty()) {
            return;
        }
        state.next_event += 1;
        let record = EventRecord {
            id: state.next_event,
            account,
            publish_time: self.now().to_string(),
            event: SubscriberEvent {
                event: Some(subscriber_event::Event::EntitlementEvent(
                    EntitlementEvent {
                        entitlement: e.name.clone(),
                        event_type: event_type as i32,
                    },
                )),
            },
        };
        if state.events.len() >= EVENT_LIMIT {
            state.events.remove(0);
        }
        state.events.push(record);
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
