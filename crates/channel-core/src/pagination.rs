//! Pagination: a list call as a stream of pages or of items, fetching the
//! next page while the caller works through the current one.
//!
//! The fetching runs in a task of its own, so that the next page arrives
//! while the caller is busy: [`Call::pages`], [`Call::items`] and
//! [`Call::collect_items`] must be called inside a Tokio runtime (outside one
//! they panic, as `tokio::spawn` does). The task lives as long as the
//! stream: dropping a [`Pages`] or [`Items`] aborts it, and a page request
//! in flight at that moment is abandoned (list methods only read, so nothing
//! is left half done on the server).

use std::collections::HashSet;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::{Call, Error, Result};

/// A list request: the page token to ask for.
pub trait PageRequest: Clone + Send + 'static {
    /// The token of the page requested (empty for the first).
    fn page_token(&self) -> &str;
    /// Asks for the page with this token.
    fn set_page_token(&mut self, token: String);
}

/// A list response: its items and the token of the next page.
pub trait PageResponse: Send + 'static {
    /// What the list holds.
    type Item: Send + 'static;
    /// The token of the next page; empty on the last page.
    fn next_page_token(&self) -> &str;
    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;
}

impl<Req, Resp> Call<Req, Resp, Resp>
where
    Req: PageRequest,
    Resp: PageResponse,
{
    /// Every page, in order, from the page the request names. The next page
    /// is fetched while the current one is being consumed, one page ahead at
    /// most. An error is yielded once and ends the stream; so does a server
    /// that hands out a page token it gave before.
    ///
    /// Needs a Tokio runtime: the pages are fetched by a spawned task, which
    /// dropping the stream aborts (see the [module](crate::pagination) doc).
    pub fn pages(self) -> Pages<Resp> {
        let (sender, receiver) = mpsc::channel(1);
        let task = tokio::spawn(fetch_pages(self, sender));
        Pages { receiver, task }
    }

    /// Every item of every page, in order (see [`pages`](Self::pages); a
    /// Tokio runtime is needed and dropping the stream stops the fetching).
    pub fn items(self) -> Items<Resp> {
        Items {
            pages: self.pages(),
            current: Vec::new().into_iter(),
            done: false,
        }
    }

    /// Collects every item of every page (in a Tokio runtime, as
    /// [`pages`](Self::pages)).
    pub async fn collect_items(self) -> Result<Vec<Resp::Item>> {
        let mut pages = self.pages();
        let mut all = Vec::new();
        while let Some(page) = std::future::poll_fn(|cx| Pin::new(&mut pages).poll_next(cx)).await {
            all.extend(page?.into_items());
        }
        Ok(all)
    }
}

async fn fetch_pages<Req, Resp>(call: Call<Req, Resp, Resp>, sender: mpsc::Sender<Result<Resp>>)
where
    Req: PageRequest,
    Resp: PageResponse,
{
    let mut seen = HashSet::new();
    let mut next = Some(call);
    while let Some(call) = next.take() {
        // Wait for room first: at most one page is fetched ahead of the reader.
        let Ok(permit) = sender.reserve().await else {
            return;
        };
        let template = call.with_same_options();
        let token = call.request().page_token().to_string();
        seen.insert(token);
        match call.send_raw().await {
            Ok((page, mut request)) => {
                let following = page.next_page_token().to_string();
                if !following.is_empty() {
                    if seen.contains(&following) {
                        permit.send(Ok(page));
                        if let Ok(permit) = sender.reserve().await {
                            permit.send(Err(Error::decode(
                                format!(
                                    "the server returned page token {following:?} a second time"
                                ),
                                "repeated page token: stopping instead of looping",
                            )));
                        }
                        return;
                    }
                    request.set_page_token(following);
                    next = Some(template(request));
                }
                permit.send(Ok(page));
            }
            Err(error) => {
                permit.send(Err(error));
                return;
            }
        }
    }
}

/// The pages of a list call; see [`Call::pages`]. Dropping it aborts the
/// task that fetches them, a page request in flight included.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<Resp> {
    receiver: mpsc::Receiver<Result<Resp>>,
    task: JoinHandle<()>,
}

impl<Resp> Stream for Pages<Resp> {
    type Item = Result<Resp>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.receiver.poll_recv(cx)
    }
}

impl<Resp> Drop for Pages<Resp> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The items of a list call; see [`Call::items`]. Dropping it aborts the
/// task that fetches the pages, as for [`Pages`].
#[must_use = "streams do nothing unless polled"]
pub struct Items<Resp: PageResponse> {
    pages: Pages<Resp>,
    current: std::vec::IntoIter<Resp::Item>,
    done: bool,
}

impl<Resp: PageResponse> Unpin for Items<Resp> {}

impl<Resp: PageResponse> Stream for Items<Resp> {
    type Item = Result<Resp::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if self.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Ready(Some(Ok(page))) => self.current = page.into_items().into_iter(),
                Poll::Ready(Some(Err(error))) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(None) => {
                    self.done = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
