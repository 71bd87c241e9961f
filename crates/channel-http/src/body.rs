//! Reading response bodies without trusting their size: the body is
//! streamed and reading stops at a cap, so a huge or endless answer costs at
//! most the cap in memory.

use std::fmt;

use bytes::{Bytes, BytesMut};

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body is larger than the cap.
    TooLarge(ResponseTooLarge),
    /// The connection failed while reading.
    Read(reqwest::Error),
}

/// A response body over the configured size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTooLarge {
    /// The cap, in bytes.
    pub limit: usize,
    /// The size the server announced, when it did.
    pub announced: Option<u64>,
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.announced {
            Some(n) => write!(
                f,
                "the response body of {n} bytes exceeds the limit of {} bytes",
                self.limit
            ),
            None => write!(
                f,
                "the response body exceeds the limit of {} bytes",
                self.limit
            ),
        }
    }
}

impl std::error::Error for ResponseTooLarge {}

/// Reads the whole body, failing as soon as it passes `limit` bytes.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let announced = response.content_length();
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge(ResponseTooLarge { limit, announced }));
    }
    // Most bodies arrive in one chunk: keep it without copying.
    let mut first: Option<Bytes> = None;
    let mut buffer: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        total = total.saturating_add(chunk.len());
        if total > limit {
            return Err(BodyError::TooLarge(ResponseTooLarge { limit, announced }));
        }
        match (&mut first, &mut buffer) {
            (None, None) => first = Some(chunk),
            (Some(head), None) => {
                let hint = announced.map_or(0, |n| n as usize).min(limit).max(total);
                let mut joined = BytesMut::with_capacity(hint);
                joined.extend_from_slice(head);
                joined.extend_from_slice(&chunk);
                first = None;
                buffer = Some(joined);
            }
            (_, Some(joined)) => joined.extend_from_slice(&chunk),
        }
    }
    Ok(match (first, buffer) {
        (_, Some(joined)) => joined.freeze(),
        (Some(head), None) => head,
        (None, None) => Bytes::new(),
    })
}

/// Reads at most `limit` bytes of the body, keeping what arrived when the
/// connection fails: for error responses, where the status alone already
/// says what happened.
pub(crate) async fn read_prefix(mut response: reqwest::Response, limit: usize) -> Bytes {
    let mut buffer = BytesMut::new();
    while buffer.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - buffer.len();
                buffer.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    buffer.freeze()
}
