//! What came back for a request, and what it means: the one place that decides between
//! success, a rejection, and an outcome the client cannot know.
//!
//! The rule for requests that change state: whenever the request may have reached the
//! matching engine and the client cannot prove it did not execute — a 3xx or 5xx reply,
//! -1006/-1007 ("execution status unknown"), a lost, partial, oversized or undecodable
//! reply, a timeout after sending — the result is `Error::UnknownOutcome`, carrying the
//! client order ids that resolve it and the body when there is one. A 2xx body that is an
//! exchange error object is an error, never `Ok`.

use super::endpoint::Method;
use super::response::{LimitUsage, Response};
use super::verdict::{refusal, trimmed, Channel, Refusal};
use crate::{Error, Result};
use http::HeaderMap;
use serde::de::DeserializeOwned;

/// The longest reply body an error keeps.
const BODY_KEPT: usize = 4096;

/// What a request was, for the errors that must name it.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub method: Method,
    pub path: std::borrow::Cow<'static, str>,
    /// The client order ids the request carries (generated where the caller gave none).
    pub client_order_ids: Vec<String>,
    /// Whether the reply answers item by item (a batch), so a list may hold refusals
    /// beside successes.
    pub items_may_fail: bool,
    /// Whether the request may change state: never retried, and a lost reply is an
    /// unknown outcome. A JSON-RPC read is posted but changes nothing.
    pub writes: bool,
}

impl Sent {
    pub(crate) fn unknown(&self, status_code: Option<u16>, message: String, body: Option<&[u8]>) -> Error {
        Error::UnknownOutcome {
            method: self.method.as_str(),
            path: self.path.to_string(),
            status_code,
            message,
            client_order_ids: self.client_order_ids.clone(),
            body: body.map(|b| Error::excerpt(b, BODY_KEPT)),
        }
    }

    /// A reqwest failure, without the URL (it carries the signature). A request that
    /// changes state and failed after connecting may have been executed.
    pub(crate) fn transport_error(&self, e: reqwest::Error) -> Error {
        let e = e.without_url();
        let sent = !e.is_connect() && !e.is_builder();
        match (self.writes && sent, e.is_timeout()) {
            (true, true) => self.unknown(None, "timed out waiting for the reply".into(), None),
            (true, false) => self.unknown(None, e.to_string(), None),
            (false, true) => Error::Timeout { method: self.method.as_str(), path: self.path.to_string() },
            (false, false) => Error::Transport(e),
        }
    }
}

/// A raw reply: status, headers and body, not yet decoded.
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
    pub keep_headers: bool,
    pub sent: Sent,
}

impl Reply {
    pub(crate) fn decode_as<T: DeserializeOwned>(&self) -> Result<T> {
        self.decode_with(|_| None)
    }

    /// The reply as `T`: read by `plain` when it is spelled as that reader expects, else
    /// (and only then) by the general decoder, which has the last word on what is accepted.
    pub(crate) fn decode_with<T: DeserializeOwned>(&self, plain: fn(&str) -> Option<T>) -> Result<T> {
        // JSON is UTF-8: checked once here, so the parser need not check each string again.
        let text = std::str::from_utf8(&self.body).map_err(|e| self.undecodable(&e.to_string()))?;
        if let Some(value) = plain(text) {
            return Ok(value);
        }
        serde_json::from_str(text).map_err(|e| self.undecodable(&e.to_string()))
    }

    /// A 2xx body that is not the endpoint's success shape. A write was very likely
    /// executed, but what it did cannot be read.
    pub(crate) fn undecodable(&self, why: &str) -> Error {
        if self.sent.writes {
            self.sent.unknown(Some(self.status), format!("the reply cannot be decoded: {why}"), Some(&self.body))
        } else {
            Error::Decode { message: why.to_string(), excerpt: Error::excerpt(&self.body, 200) }
        }
    }

    pub(crate) fn into_response<T: DeserializeOwned>(self, plain: fn(&str) -> Option<T>) -> Result<Response<T>> {
        let data = self.decode_with(plain)?;
        let limit_usage = LimitUsage::from_headers(&self.headers);
        let headers = if self.keep_headers { self.headers } else { HeaderMap::new() };
        Ok(Response { data, status: self.status, limit_usage, headers })
    }
}

/// Reads a body of at most `cap` bytes; over it, the rest is never read.
pub(crate) async fn read_body(sent: &Sent, mut resp: reqwest::Response, cap: usize) -> Result<bytes::Bytes> {
    let too_large = || {
        let message = format!("the reply is larger than the {cap}-byte limit");
        if sent.writes {
            sent.unknown(None, message, None)
        } else {
            Error::ReplyTooLarge { limit: cap }
        }
    };
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_large());
    }
    let mut next = async || resp.chunk().await.map_err(|e| sent.transport_error(e));
    // Most replies arrive as one chunk: hand it on without copying.
    let Some(first) = next().await? else { return Ok(bytes::Bytes::new()) };
    if first.len() > cap {
        return Err(too_large());
    }
    let Some(second) = next().await? else { return Ok(first) };
    let mut body = bytes::BytesMut::with_capacity(first.len() + second.len());
    body.extend_from_slice(&first);
    let mut chunk = Some(second);
    while let Some(c) = chunk {
        if body.len() + c.len() > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&c);
        chunk = next().await?;
    }
    Ok(body.freeze())
}

/// The exchange's code and words in an error reply, in whatever shape it came.
fn parse_error_body(body: &[u8]) -> (Option<i64>, String) {
    match refusal(body, Channel::Rest { items_may_fail: true }) {
        Some(Refusal { code, msg }) => (code, msg),
        None => (None, Error::excerpt(trimmed(body), 200)),
    }
}

/// -1006 and -1007: the exchange itself does not know whether the request executed.
fn execution_unknown(code: Option<i64>) -> bool {
    matches!(code, Some(-1006 | -1007))
}

/// Where a redirect points, without its query or fragment: a server that echoes the
/// request into `Location` would otherwise put the signature into errors and logs.
fn location(headers: &HeaderMap) -> Option<String> {
    let to = headers.get(http::header::LOCATION)?.to_str().ok()?;
    Some(to.split(['?', '#']).next().unwrap_or_default().to_string())
}

/// Seconds to wait from `Retry-After`, given as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<u64> {
    let v = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse() {
        return Some(secs);
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).map(|d| d.as_secs()).unwrap_or(0))
}

/// Decides a reply: `Ok` only for a 2xx whose body carries no refusal in any form (the
/// caller then decodes it as the endpoint's success shape, and anything that does not
/// decode is an error too); a refusal keeps the exchange's code and words.
pub(crate) fn classify(mut reply: Reply) -> Result<Reply> {
    let status = reply.status;
    let writes = reply.sent.writes;
    match status {
        200..=299 => {
            // A byte-order mark or whitespace around the JSON is not part of it.
            let inner = trimmed(&reply.body);
            let start = inner.as_ptr() as usize - reply.body.as_ptr() as usize;
            reply.body = reply.body.slice(start..start + inner.len());
            if reply.body.is_empty() {
                return Err(reply.undecodable("the reply is empty"));
            }
            let channel = Channel::Rest { items_may_fail: reply.sent.items_may_fail };
            match refusal(&reply.body, channel) {
                None => Ok(reply),
                // Only an exchange error code says the request was refused; a gateway's
                // word, or the exchange's "status unknown", leaves a write undecided.
                Some(Refusal { code, msg })
                    if writes && !matches!(code, Some(c) if c < 0 && !execution_unknown(Some(c))) =>
                {
                    Err(reply.sent.unknown(Some(status), msg, Some(&reply.body)))
                }
                Some(Refusal { code, msg }) => Err(Error::Client {
                    status_code: status,
                    error_code: code,
                    error_message: msg,
                    headers: Box::new(reply.headers),
                }),
            }
        }
        418 | 429 => {
            let (error_code, error_message) = parse_error_body(&reply.body);
            Err(Error::RateLimited {
                status_code: status,
                retry_after: retry_after(&reply.headers),
                error_code,
                error_message,
            })
        }
        300..=399 if writes => {
            let to = location(&reply.headers).unwrap_or_else(|| "?".into());
            Err(reply.sent.unknown(Some(status), format!("redirected to {to}; not followed"), None))
        }
        300..=399 => Err(Error::Redirect { status_code: status, location: location(&reply.headers) }),
        _ if writes && (status >= 500 || execution_unknown(parse_error_body(&reply.body).0)) => {
            let message = parse_error_body(&reply.body).1;
            Err(reply.sent.unknown(Some(status), message, Some(&reply.body)))
        }
        400..=499 => {
            let (error_code, error_message) = parse_error_body(&reply.body);
            Err(Error::Client { status_code: status, error_code, error_message, headers: Box::new(reply.headers) })
        }
        _ => Err(Error::Server { status_code: status, message: parse_error_body(&reply.body).1 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let mut h = HeaderMap::new();
        h.insert(http::header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(7));
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(120);
        h.insert(http::header::RETRY_AFTER, httpdate::fmt_http_date(later).parse().unwrap());
        assert!(retry_after(&h).is_some_and(|s| (100..=120).contains(&s)), "{:?}", retry_after(&h));
    }
}
