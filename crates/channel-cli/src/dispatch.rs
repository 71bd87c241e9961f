//! From JSON to a typed call and back: the generated dispatch
//! ([`crate::generated::dispatch`]) has one arm per RPC, which decodes the
//! request JSON into the method's request type and calls the
//! [`Client`](channel::Client);
//! here is what the arms share: decoding, and printing the response the way
//! its kind asks (unary, list, or long-running operation).

use std::io::IsTerminal;
use std::time::Instant;

use channel::methods::Method;
use channel::pagination::{PageRequest, PageResponse};
use channel::{Call, LroCall};
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::failure::{Failure, note};
use crate::output::Output;

#[cfg(test)]
use crate::generated::dispatch::METHODS;
pub(crate) use crate::generated::dispatch::{call, check};

/// How one command runs and prints.
#[derive(Debug)]
pub(crate) struct Run<'a> {
    /// The method called.
    pub(crate) method: &'static Method,
    /// `--all`: every page, item by item.
    pub(crate) all: bool,
    /// `--limit`: at most this many items, pages fetched as needed.
    pub(crate) limit: Option<u64>,
    /// `--no-wait`: print the operation instead of waiting for it.
    pub(crate) no_wait: bool,
    /// Where the response goes.
    pub(crate) out: &'a mut Output,
}

/// Decodes the request JSON of `method` into its request type,
/// strictly as Google's servers would: a misspelt member or an enum value
/// name the schema lacks is an error naming its JSON path, not a silent
/// default.
pub(crate) fn decode<Req: DeserializeOwned>(
    method: &Method,
    request: Value,
) -> Result<Req, Failure> {
    channel_types::json::from_value_strict(&request).map_err(|e| {
        Failure::Usage(format!(
            "the request does not fit {} ({}): {e}",
            method.input, method.name
        ))
    })
}

/// The error of a method the dispatch has no arm for.
pub(crate) fn unknown(method: &Method) -> Failure {
    Failure::Other(format!("method {} has no call", method.name))
}

/// A method with a plain response.
pub(crate) async fn unary<Req, Resp>(
    run: &mut Run<'_>,
    request: Req,
    call: impl FnOnce(Req) -> Call<Req, Resp>,
) -> Result<(), Failure>
where
    Req: Clone + Send + 'static,
    Resp: Serialize + Send + 'static,
{
    let response = call(request).send().await?;
    run.out.response(&response, false)?;
    Ok(())
}

/// A list method: one page, or every item with `--all`.
pub(crate) async fn list<Req, Resp>(
    run: &mut Run<'_>,
    request: Req,
    call: impl FnOnce(Req) -> Call<Req, Resp>,
) -> Result<(), Failure>
where
    Req: PageRequest,
    Resp: PageResponse + Serialize,
    Resp::Item: Serialize,
{
    if run.all || run.limit.is_some() {
        let mut left = run.limit.unwrap_or(u64::MAX);
        let mut pages = call(request).pages();
        while left > 0
            && let Some(page) = pages.next().await
        {
            let mut items = page?.into_items();
            let keep = usize::try_from(left).unwrap_or(usize::MAX).min(items.len());
            items.truncate(keep);
            left -= keep as u64;
            run.out.items(&items)?;
        }
        run.out.end_items()?;
        return Ok(());
    }
    let response = call(request).send().await?;
    run.out.response(&response, true)?;
    let token = response.next_page_token();
    if !token.is_empty() {
        note!("next page token: {token}\n");
    }
    Ok(())
}

/// A long-running method: wait for the result, or print the operation.
pub(crate) async fn lro<Req, R, M>(
    run: &mut Run<'_>,
    request: Req,
    call: impl FnOnce(Req) -> LroCall<Req, R, M>,
) -> Result<(), Failure>
where
    Req: Clone + Send + 'static,
    R: prost::Message + prost::Name + Default + Serialize + Send + 'static,
    M: prost::Message + prost::Name + Default + Send + 'static,
{
    let operation = call(request).send().await?;
    if run.no_wait {
        run.out.response(operation.raw(), false)?;
        return Ok(());
    }
    let result = if std::io::stderr().is_terminal() {
        let name = crate::failure::printable(operation.name()).into_owned();
        let started = Instant::now();
        let mut updates = Box::pin(operation.updates());
        let mut outcome = None;
        while let Some(update) = updates.next().await {
            let seconds = started.elapsed().as_secs();
            match update {
                Ok(update) if update.done() => {
                    note!("\r{name}: done after {seconds}s   \n");
                    outcome = update.result();
                    break;
                }
                Ok(_) => note!("\r{name}: running ({seconds}s)"),
                Err(error) => {
                    note!("\n");
                    return Err(error.into());
                }
            }
        }
        outcome.ok_or_else(|| Failure::Other(format!("operation {name} stopped being polled")))?
    } else {
        operation.wait().await
    };
    run.out.response(&result?, false)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use channel::methods::ALL;

    #[test]
    fn every_method_has_an_arm_of_its_kind() {
        let mut known = METHODS.to_vec();
        known.sort_unstable();
        let mut all: Vec<(&str, &str)> = ALL
            .iter()
            .map(|m| {
                let kind = match (m.paging, m.lro) {
                    (Some(_), _) => "list",
                    (None, Some(_)) => "lro",
                    (None, None) => "unary",
                };
                (m.name, kind)
            })
            .collect();
        all.sort_unstable();
        assert_eq!(known, all);
        for method in ALL {
            // An empty request decodes for every method.
            check(method, &serde_json::json!({})).unwrap();
        }
    }

    #[test]
    fn requests_that_do_not_fit_are_usage_errors() {
        let method = &channel::methods::cloud_channel_service::GET_CUSTOMER;
        let err = check(method, &serde_json::json!({"name": 5})).unwrap_err();
        assert_eq!(err.exit_status(), 2);
        assert!(
            err.to_string().starts_with(
                "error: the request does not fit google.cloud.channel.v1.GetCustomerRequest"
            ),
            "{err}"
        );
    }
}
