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
use crate::{Error, Result};
use http::HeaderMap;
use serde::de::DeserializeOwned;

/// The longest reply body an error keeps.
const BODY_KEPT: usize = 4096;

/// What a request was, for the errors that must name it.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub method: Method,
    pub path: String,
    /// The client order ids the request carries (generated where the caller gave none).
    pub client_order_ids: Vec<String>,
}

impl Sent {
    pub(crate) fn unknown(&self, status_code: Option<u16>, message: String, body: Option<&[u8]>) -> Error {
        Error::UnknownOutcome {
            method: self.method.as_str(),
            path: self.path.clone(),
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
        match (self.method.changes_state() && sent, e.is_timeout()) {
            (true, true) => self.unknown(None, "timed out waiting for the reply".into(), None),
            (true, false) => self.unknown(None, e.to_string(), None),
            (false, true) => Error::Timeout { method: self.method.as_str(), path: self.path.clone() },
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
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<T> {
        self.decode_as()
    }

    pub(crate) fn decode_as<T: DeserializeOwned>(&self) -> Result<T> {
        // An empty 2xx body decodes as `{}` would, so `Empty` replies never fail on it.
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &self.body };
        serde_json::from_slice(body).map_err(|e| {
            if self.sent.method.changes_state() {
                // The exchange answered 2xx: the request was very likely executed, but
                // what it did cannot be read.
                self.sent.unknown(Some(self.status), format!("the reply cannot be decoded: {e}"), Some(&self.body))
            } else {
                Error::Decode { message: e.to_string(), excerpt: Error::excerpt(&self.body, 200) }
            }
        })
    }

    pub(crate) fn into_response<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let data = self.decode_as()?;
        let limit_usage = LimitUsage::from_headers(&self.headers);
        let headers = if self.keep_headers { self.headers } else { HeaderMap::new() };
        Ok(Response { data, status: self.status, limit_usage, headers })
    }
}

/// Reads a body of at most `cap` bytes; over it, the rest is never read.
pub(crate) async fn read_body(sent: &Sent, mut resp: reqwest::Response, cap: usize) -> Result<bytes::Bytes> {
    let too_large = || {
        let message = format!("the reply is larger than the {cap}-byte limit");
        if sent.method.changes_state() {
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

#[derive(serde::Deserialize)]
struct ErrorBody {
    #[serde(default, deserialize_with = "crate::de::opt_lenient")]
    code: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
}

fn parse_error_body(body: &[u8]) -> (Option<i64>, String) {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody { code, msg: Some(msg) }) => (code, msg),
        Ok(ErrorBody { code, msg: None }) => (code, Error::excerpt(body, 200)),
        Err(_) => (None, Error::excerpt(body, 200)),
    }
}

/// `{"code": <negative>, "msg": ..}` in a 2xx body: the exchange's error object. Success
/// acknowledgements carry a positive code (200), so they do not match. Only a body whose
/// first key is `code` is parsed, so a large reply costs a glance at its first bytes.
fn error_object(body: &[u8]) -> Option<(i64, String)> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = body[start..].strip_prefix(b"{")?;
    let key = rest.iter().position(|b| !b.is_ascii_whitespace()).map(|i| &rest[i..])?;
    if !key.starts_with(b"\"code\"") {
        return None;
    }
    match serde_json::from_slice::<ErrorBody>(body).ok()? {
        ErrorBody { code: Some(code), msg: Some(msg) } if code < 0 => Some((code, msg)),
        _ => None,
    }
}

/// -1006 and -1007: the exchange itself does not know whether the request executed.
fn execution_unknown(code: Option<i64>) -> bool {
    matches!(code, Some(-1006 | -1007))
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

pub(crate) fn classify(reply: Reply) -> Result<Reply> {
    let status = reply.status;
    let writes = reply.sent.method.changes_state();
    match status {
        200..=299 => match error_object(&reply.body) {
            None => Ok(reply),
            Some((code, msg)) if writes && execution_unknown(Some(code)) => {
                Err(reply.sent.unknown(Some(status), msg, Some(&reply.body)))
            }
            Some((code, msg)) => Err(Error::Client {
                status_code: status,
                error_code: Some(code),
                error_message: msg,
                headers: Box::new(reply.headers),
            }),
        },
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
            let to = reply.headers.get(http::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("?");
            Err(reply.sent.unknown(Some(status), format!("redirected to {to}; not followed"), None))
        }
        300..=399 => {
            let location = reply.headers.get(http::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string);
            Err(Error::Redirect { status_code: status, location })
        }
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
    fn only_negative_codes_with_a_message_are_error_objects() {
        assert_eq!(error_object(br#"{"code":-1021,"msg":"late"}"#), Some((-1021, "late".into())));
        assert_eq!(error_object(br#" {"code": "-2011", "msg": "x"}"#), Some((-2011, "x".into())));
        assert_eq!(error_object(br#"{"code":200,"msg":"success"}"#), None);
        assert_eq!(error_object(br#"{"orderId":1,"code":-1}"#), None);
        assert_eq!(error_object(b"{ \n \"code\": -1000, \"msg\": \"x\"}"), Some((-1000, "x".into())));
        assert_eq!(error_object(br#"[{"code":-2022,"msg":"batch item"}]"#), None);
    }

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
