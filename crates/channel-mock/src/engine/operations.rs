//! `google.longrunning.Operations`, and how the other methods start
//! operations: the outcome is decided at once, the operation shows as done
//! after the configured delay, finished operations expire, and a repeated
//! request id returns the first call's operation without a second effect.

use channel_core::Error;
use channel_types::longrunning::{
    self, CancelOperationRequest, DeleteOperationRequest, GetOperationRequest,
    ListOperationsRequest, ListOperationsResponse, operation,
};
use channel_types::model::OperationMetadata;
use channel_types::model::operation_metadata::OperationType;
use channel_types::rpc::{Code, Status};
use channel_types::wkt::{Any, Empty};
use prost::Name;
use tokio::time::Instant;

use super::errors::{invalid, not_found, require};
use super::filter::{EQUALITY, Filter, Key, ValueKind};
use super::paging::{PageLimits, page, page_size};
use super::state::{OperationRecord, RequestKey, State};
use super::validate;
use super::{Caller, Engine};

/// The fields ListOperations filters on: `google.longrunning` leaves the
/// filter to each service; these two are what a caller needs.
const OPERATION_FILTER: &[Key] = &[
    Key {
        name: "done",
        ops: EQUALITY,
        kind: ValueKind::Bool,
    },
    Key {
        name: "name",
        ops: EQUALITY,
        kind: ValueKind::Text { prefix: false },
    },
];

/// How often expired operations and request ids are swept away.
const SWEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

fn pack<M: prost::Message + Name>(message: &M) -> Any {
    Any::from_msg(message).unwrap_or_default()
}

/// The operation as a caller sees it at `now`.
fn view(record: &OperationRecord, now: Instant) -> longrunning::Operation {
    if now >= record.ready_at {
        record.finished.clone()
    } else {
        longrunning::Operation {
            name: record.finished.name.clone(),
            metadata: record.finished.metadata.clone(),
            done: false,
            result: None,
        }
    }
}

impl Engine {
    /// Runs `apply` once per request id: a request id seen on the same method
    /// and parent within the window returns the first operation again.
    /// `apply` validates and changes state; its error is the call's error
    /// (no operation is created), its value the operation's response.
    pub(crate) fn run_operation<M: prost::Message + Name>(
        &self,
        caller: &Caller,
        method: &'static str,
        parent: &str,
        request_id: &str,
        kind: OperationType,
        apply: impl FnOnce(&mut State) -> Result<M, Error>,
    ) -> Result<longrunning::Operation, Error> {
        validate::request_id(request_id)?;
        let now = Instant::now();
        let config = &self.inner.config;
        let mut state = self.write();
        // Forget what is too old to matter: a full sweep at most once a
        // second, not on every call.
        if state.next_sweep.is_none_or(|at| now >= at) {
            state
                .operations
                .retain(|_, r| r.ready_at + config.operation_retention > now);
            state
                .request_ids
                .retain(|_, (_, at)| *at + config.request_id_window > now);
            state.next_sweep = Some(now + SWEEP_INTERVAL);
        }

        // A UUID is a number: its upper- and lower-case spellings are one
        // request, so a client that changes case on a retry gets the first
        // operation back, not a second effect.
        let key = (!request_id.is_empty()).then(|| RequestKey {
            method,
            parent: parent.to_string(),
            request_id: request_id.to_ascii_lowercase(),
        });
        if let Some(key) = &key
            && let Some((name, at)) = state.request_ids.get(key)
            && *at + config.request_id_window > now
            && let Some(record) = state.operations.get(name)
        {
            return Ok(view(record, now));
        }
        let response = apply(&mut state)?;
        let name = format!("operations/{}", state.new_id('o'));
        let metadata = OperationMetadata {
            operation_type: kind as i32,
        };
        let finished = longrunning::Operation {
            name: name.clone(),
            metadata: Some(pack(&metadata)),
            done: true,
            result: Some(operation::Result::Response(pack(&response))),
        };
        let record = OperationRecord {
            finished,
            account: caller.account.clone(),
            ready_at: now + config.operation_delay,
        };
        let shown = view(&record, now);
        state.operations.insert(name.clone(), record);
        if let Some(key) = key {
            state.request_ids.insert(key, (name, now));
        }
        Ok(shown)
    }

    fn operation_record<'s>(
        &self,
        state: &'s State,
        caller: &Caller,
        name: &str,
    ) -> Result<&'s OperationRecord, Error> {
        require(&[("name", name)])?;
        if !name.starts_with("operations/") || name.len() == "operations/".len() {
            return Err(invalid(
                "name",
                format!("{name:?} does not match operations/{{operation}}"),
            ));
        }
        match state.operations.get(name) {
            Some(record) if record.account == caller.account => Ok(record),
            // Another account's operation does not exist for this caller.
            _ => Err(not_found("operation", name)),
        }
    }

    pub(super) fn get_operation(
        &self,
        caller: &Caller,
        request: GetOperationRequest,
    ) -> Result<longrunning::Operation, Error> {
        let state = self.read();
        let record = self.operation_record(&state, caller, &request.name)?;
        Ok(view(record, Instant::now()))
    }

    pub(super) fn list_operations(
        &self,
        caller: &Caller,
        request: ListOperationsRequest,
    ) -> Result<ListOperationsResponse, Error> {
        if !request.name.is_empty() && request.name != "operations" {
            return Err(invalid("name", "must be \"operations\""));
        }
        let filter = Filter::new(&request.filter, OPERATION_FILTER)?;
        let size = page_size(
            request.page_size,
            PageLimits {
                default: 50,
                max: 500,
            },
        )?;
        let now = Instant::now();
        let state = self.read();
        let scope = format!("operations:{}:{}", caller.account, request.filter);
        let (operations, next_page_token) = page(
            &state.operations,
            "operations/",
            self.inner.tokens,
            &scope,
            &request.page_token,
            size,
            |_, r| {
                let op = view(r, now);
                let field = |field: &str| match field {
                    "done" => op.done.to_string(),
                    "name" => op.name.clone(),
                    _ => String::new(),
                };
                (r.account == caller.account && filter.matches(&field)).then_some(op)
            },
        )?;
        Ok(ListOperationsResponse {
            operations,
            next_page_token,
            unreachable: Vec::new(),
        })
    }

    pub(super) fn delete_operation(
        &self,
        caller: &Caller,
        request: DeleteOperationRequest,
    ) -> Result<Empty, Error> {
        let mut state = self.write();
        self.operation_record(&state, caller, &request.name)?;
        state.operations.remove(&request.name);
        Ok(Empty {})
    }

    pub(super) fn cancel_operation(
        &self,
        caller: &Caller,
        request: CancelOperationRequest,
    ) -> Result<Empty, Error> {
        let mut state = self.write();
        self.operation_record(&state, caller, &request.name)?;
        let now = Instant::now();
        if let Some(record) = state.operations.get_mut(&request.name)
            && now < record.ready_at
        {
            // Not done yet: it ends now, cancelled. (Its change was already
            // made; the emulator does not roll it back.)
            record.finished.result = Some(operation::Result::Error(Status {
                code: Code::Cancelled as i32,
                message: "the operation was cancelled".into(),
                details: Vec::new(),
            }));
            record.ready_at = now;
        }
        Ok(Empty {})
    }
}
