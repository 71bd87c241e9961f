//! Long-running operations: a typed handle over `google.longrunning.Operation`
//! that polls, waits, cancels, deletes, reports progress, and can be resumed
//! by name.

use std::fmt;
use std::marker::PhantomData;

use channel_types::longrunning::{
    self, CancelOperationRequest, DeleteOperationRequest, GetOperationRequest, operation,
};
use channel_types::wkt::Any;
use futures_core::Stream;
use prost::{Message, Name};
use tokio::time::Instant;

use crate::call::Call;
use crate::options::deadline_after;
use crate::polling::{PollingPolicy, next_poll};
use crate::{Client, Error, ErrorKind, Result};

/// Whether a failed poll is worth another: polling is a read, so a lost
/// answer is as good as no answer.
fn poll_again(error: &Error) -> bool {
    error.is_retryable() || error.kind() == ErrorKind::OutcomeUnknown
}

/// A call that starts a long-running operation; it resolves to an
/// [`Operation`] handle typed with the operation's result `R` and metadata `M`.
pub type LroCall<Req, R, M> = Call<Req, longrunning::Operation, Operation<R, M>>;

impl<Req> Call<Req, longrunning::Operation, longrunning::Operation> {
    pub(crate) fn into_operation<R, M>(self) -> LroCall<Req, R, M> {
        self.with_finish(|client, op| Operation::from_proto(client.clone(), op))
    }
}

impl Client {
    /// Resumes a long-running operation by name (e.g. after a restart): the
    /// handle polls the server when waited on.
    pub fn operation<R, M>(&self, name: impl Into<String>) -> Operation<R, M> {
        Operation::resume(self.clone(), name.into())
    }
}

/// A long-running operation whose result is an `R` and whose metadata is an `M`.
///
/// ```no_run
/// # async fn example(client: channel_core::Client, request: channel_types::model::CreateEntitlementRequest) -> channel_core::Result<()> {
/// let operation = client.create_entitlement(request).await?;
/// println!("started {}", operation.name());
/// let entitlement = operation.wait().await?;
/// # Ok(()) }
/// ```
pub struct Operation<R, M> {
    client: Client,
    proto: longrunning::Operation,
    types: PhantomData<fn() -> (R, M)>,
}

impl<R, M> Clone for Operation<R, M> {
    fn clone(&self) -> Self {
        Operation {
            client: self.client.clone(),
            proto: self.proto.clone(),
            types: PhantomData,
        }
    }
}

impl<R, M> fmt::Debug for Operation<R, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operation")
            .field("name", &self.proto.name)
            .field("done", &self.proto.done)
            .finish()
    }
}

fn unpack<T: Message + Name + Default>(any: &Any) -> Result<T> {
    any.to_msg::<T>()
        .map_err(|e| Error::decode(format!("operation payload is not a {}", T::full_name()), e))
}

impl<R, M> Operation<R, M> {
    pub(crate) fn from_proto(client: Client, proto: longrunning::Operation) -> Self {
        Operation {
            client,
            proto,
            types: PhantomData,
        }
    }

    pub(crate) fn resume(client: Client, name: String) -> Self {
        Self::from_proto(
            client,
            longrunning::Operation {
                name,
                ..Default::default()
            },
        )
    }

    /// The operation's name, `operations/...`.
    pub fn name(&self) -> &str {
        &self.proto.name
    }

    /// Whether the operation has finished (with a result or an error).
    pub fn done(&self) -> bool {
        self.proto.done
    }

    /// The operation as last seen from the server.
    pub fn raw(&self) -> &longrunning::Operation {
        &self.proto
    }
}

impl<R, M> Operation<R, M>
where
    R: Message + Name + Default + Send + 'static,
    M: Message + Name + Default + Send + 'static,
{
    /// The metadata as last seen, decoded; `None` before the server sent any.
    pub fn metadata(&self) -> Option<Result<M>> {
        self.proto.metadata.as_ref().map(unpack)
    }

    /// The outcome once done: the result, or the operation's error with its
    /// details; `None` while running.
    pub fn result(&self) -> Option<Result<R>> {
        if !self.proto.done {
            return None;
        }
        Some(match &self.proto.result {
            Some(operation::Result::Response(any)) => unpack(any),
            Some(operation::Result::Error(status)) => Err(Error::from_status(status.clone())),
            None => Err(Error::decode(
                format!(
                    "operation {} is done but has neither a response nor an error",
                    self.proto.name
                ),
                "empty operation result",
            )),
        })
    }

    /// Fetches the operation's current state once (`GetOperation`).
    pub async fn poll(&mut self) -> Result<()> {
        let request = GetOperationRequest {
            name: self.proto.name.clone(),
        };
        self.proto = self.client.get_operation(request).await?;
        Ok(())
    }

    /// Polls until the operation is done and returns its result, under the
    /// client's polling policy.
    pub async fn wait(self) -> Result<R> {
        let policy = self.client.polling_policy().clone();
        self.wait_with(&policy).await
    }

    /// Like [`wait`](Self::wait) with another polling policy. Transient
    /// failures to poll (`UNAVAILABLE`) are retried until the policy's timeout.
    pub async fn wait_with(mut self, policy: &PollingPolicy) -> Result<R> {
        let deadline = deadline_after(Instant::now(), policy.timeout());
        let mut polls = 0u32;
        loop {
            if let Some(result) = self.result() {
                return result;
            }
            if polls > 0 && Instant::now() >= deadline {
                return Err(Error::timeout(format!(
                    "operation {} was not done after {:?}; it goes on, resume it by name",
                    self.proto.name,
                    policy.timeout()
                )));
            }
            polls = polls.saturating_add(1);
            // An interval past the deadline ends at it, with a last poll.
            tokio::time::sleep_until(next_poll(policy, polls, deadline)).await;
            match self.poll().await {
                Ok(()) => {}
                Err(e) if poll_again(&e) => {
                    tracing::debug!(operation = %self.proto.name, error = %e, "polling failed, will poll again");
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Asks the server to cancel the operation (`CancelOperation`).
    pub async fn cancel(&self) -> Result<()> {
        let request = CancelOperationRequest {
            name: self.proto.name.clone(),
        };
        self.client.cancel_operation(request).await.map(drop)
    }

    /// Deletes the operation's record on the server (`DeleteOperation`).
    pub async fn delete(&self) -> Result<()> {
        let request = DeleteOperationRequest {
            name: self.proto.name.clone(),
        };
        self.client.delete_operation(request).await.map(drop)
    }

    /// The operation's states as they are polled, for progress displays: the
    /// current state first, then one per poll; the last has `done() == true`
    /// (read its [`result`](Self::result)). A failure to poll other than
    /// `UNAVAILABLE` is yielded and ends the stream.
    ///
    /// The polling runs in a task spawned now, so this must be called inside
    /// a Tokio runtime (outside one it panics, as `tokio::spawn` does).
    /// Dropping the stream aborts that task, a `GetOperation` in flight
    /// included; the operation itself goes on on the server (see
    /// [`cancel`](Self::cancel) to stop it, [`Client::operation`] to resume
    /// watching it).
    pub fn updates(self) -> impl Stream<Item = Result<Operation<R, M>>> + Send + 'static {
        let policy = self.client.polling_policy().clone();
        let (sender, receiver) = tokio::sync::mpsc::channel(1);
        let task = tokio::spawn(async move {
            let mut current = self;
            let mut polls = 0u32;
            let deadline = deadline_after(Instant::now(), policy.timeout());
            loop {
                if sender.send(Ok(current.clone())).await.is_err() || current.done() {
                    return;
                }
                if polls > 0 && Instant::now() >= deadline {
                    let _ = sender
                        .send(Err(Error::timeout(format!(
                            "operation {} is still running",
                            current.name()
                        ))))
                        .await;
                    return;
                }
                polls = polls.saturating_add(1);
                tokio::time::sleep_until(next_poll(&policy, polls, deadline)).await;
                loop {
                    match current.poll().await {
                        Ok(()) => break,
                        Err(e) if poll_again(&e) && Instant::now() < deadline => {
                            tokio::time::sleep_until(next_poll(&policy, polls, deadline)).await;
                        }
                        Err(e) => {
                            let _ = sender.send(Err(e)).await;
                            return;
                        }
                    }
                }
            }
        });
        Updates { receiver, task }
    }
}

struct Updates<T> {
    receiver: tokio::sync::mpsc::Receiver<Result<T>>,
    task: tokio::task::JoinHandle<()>,
}

impl<T> Stream for Updates<T> {
    type Item = Result<T>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.receiver.poll_recv(cx)
    }
}

impl<T> Drop for Updates<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}
