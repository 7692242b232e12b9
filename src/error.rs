//! The one error type of the crate. Messages say what went wrong and never carry the
//! API secret, the signature or a full API key.

use http::HeaderMap;
use std::fmt;

/// Everything a request can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The exchange rejected the request (HTTP 4xx other than 418/429).
    Client {
        /// The HTTP status of the reply.
        status_code: u16,
        /// The exchange's error code, e.g. -1121; `None` when the body held none.
        error_code: Option<i64>,
        /// The exchange's message, as sent.
        error_message: String,
        /// Every reply header (boxed to keep `Result`s small).
        headers: Box<HeaderMap>,
    },
    /// The exchange failed (HTTP 5xx) on a request that changes nothing.
    Server {
        /// The HTTP status of the reply.
        status_code: u16,
        /// The reply body or the exchange's message.
        message: String,
    },
    /// A request that changes state may have been executed, and the client cannot know:
    /// a 3xx or 5xx reply, -1006/-1007, a lost, partial, oversized or undecodable reply, a
    /// timeout after sending. The order may exist: resolve it by its client order id
    /// (`resolve_order`) before retrying.
    UnknownOutcome {
        /// The HTTP method sent.
        method: &'static str,
        /// The endpoint's path.
        path: String,
        /// The HTTP status, when a reply arrived at all.
        status_code: Option<u16>,
        /// What was seen instead of a decidable reply.
        message: String,
        /// The client order ids the request carried; query them to learn what happened.
        client_order_ids: Vec<String>,
        /// The start of the reply body, when there was one.
        body: Option<String>,
    },
    /// A request that changes nothing got no reply in time.
    Timeout {
        /// The HTTP method sent.
        method: &'static str,
        /// The endpoint's path.
        path: String,
    },
    /// A request that changes nothing was answered with a redirect; redirects are never
    /// followed, since they would carry the key and signature to another origin.
    Redirect {
        /// The 3xx status of the reply.
        status_code: u16,
        /// Where the server pointed, when it said.
        location: Option<String>,
    },
    /// The reply was larger than the client's `max_reply_bytes`; the rest was not read.
    ReplyTooLarge {
        /// The limit in bytes that was reached.
        limit: usize,
    },
    /// Rate limited (HTTP 429) or IP-banned for ignoring limits (HTTP 418).
    RateLimited {
        /// 429 or 418.
        status_code: u16,
        /// Seconds to wait, from the Retry-After header.
        retry_after: Option<u64>,
        /// The exchange's error code, when the body held one.
        error_code: Option<i64>,
        /// The exchange's message, as sent.
        error_message: String,
    },
    /// A mandatory parameter is missing; nothing was sent.
    ParameterRequired {
        /// The parameter's name on the wire.
        name: String,
        /// Why it is missing.
        reason: String,
    },
    /// A parameter has a value the endpoint does not accept; nothing was sent.
    ParameterValue {
        /// The parameter's name on the wire.
        name: String,
        /// Why it is refused.
        reason: String,
    },
    /// A parameter has the wrong type; nothing was sent.
    ParameterType {
        /// The parameter's name on the wire.
        name: String,
        /// Why it is mistyped.
        reason: String,
    },
    /// The endpoint needs an API key (and secret) the client was not given.
    MissingCredentials {
        /// The method that was called.
        endpoint: &'static str,
        /// What it needs, e.g. "an API key and secret".
        needs: &'static str,
    },
    /// The request could not be sent or the reply not read.
    Transport(reqwest::Error),
    /// The reply arrived but could not be decoded into the typed model.
    Decode {
        /// What did not fit the model.
        message: String,
        /// The start of the reply body.
        excerpt: String,
    },
    /// The endpoint does not exist on the client's network (the testnet serves fewer);
    /// nothing was sent.
    NotServed {
        /// The method that was called.
        endpoint: &'static str,
        /// The network the client is for.
        environment: crate::Environment,
    },
    /// Not sent: the exchange told this host (after a 429 or a 418 ban), or this
    /// account's orders (after an order-limit 429), to back off until `until_ms`, and every
    /// client of the process keeps to it.
    BackingOff {
        /// When the back-off ends, in ms since the Unix epoch.
        until_ms: i64,
        /// The status that started it: 429 or 418.
        status_code: u16,
    },
    /// Not sent: room under the rate limits would come only after `wait`, longer than the
    /// client's maximum wait.
    WaitTooLong {
        /// How long the call would have waited in all.
        wait: std::time::Duration,
        /// The maximum the client allows.
        max_wait: std::time::Duration,
    },
    /// Not sent: the call alone costs more than the limit allows in a whole interval (or
    /// than the share of it the client keeps to).
    OverLimit {
        /// What the call costs (request weight or orders).
        weight: u32,
        /// The most that fits in one interval.
        limit: u32,
    },
    /// Not sent: the rate-limit budget shared with other processes could not be read or
    /// spent (its Redis server unreachable or too slow), and a call it does not count could
    /// get the IP banned.
    BudgetUnavailable {
        /// What went wrong, without the server's address.
        reason: String,
    },
    /// The client was configured wrongly.
    Config(String),
    /// A WebSocket connection or stream failed.
    WebSocket(String),
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The exchange's error code, when the exchange sent one.
    pub fn error_code(&self) -> Option<i64> {
        match self {
            Error::Client { error_code, .. } | Error::RateLimited { error_code, .. } => *error_code,
            _ => None,
        }
    }

    /// The exchange's error code by name (`ErrorCode::InvalidTimestamp`, …), when it sent one.
    pub fn code(&self) -> Option<crate::ErrorCode> {
        self.error_code().map(crate::ErrorCode::from_code)
    }

    /// True when a state-changing request may have taken effect.
    pub fn is_unknown_outcome(&self) -> bool {
        matches!(self, Error::UnknownOutcome { .. })
    }

    /// A short excerpt of a reply body, for messages: at most `max` chars, on a char boundary.
    pub(crate) fn excerpt(body: &[u8], max: usize) -> String {
        let text = String::from_utf8_lossy(body);
        let mut out: String = text.chars().take(max).collect();
        if text.chars().count() > max {
            out.push('…');
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Client { status_code, error_code, error_message, .. } => match error_code {
                Some(code) => write!(f, "request rejected (HTTP {status_code}, code {code}): {error_message}"),
                None => write!(f, "request rejected (HTTP {status_code}): {error_message}"),
            },
            Error::Server { status_code, message } => write!(f, "exchange error (HTTP {status_code}): {message}"),
            Error::UnknownOutcome { method, path, status_code, message, client_order_ids, .. } => {
                let status = status_code.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no reply".into());
                write!(
                    f,
                    "outcome of {method} {path} is UNKNOWN ({status}): it may have been executed; query before retrying ({message})"
                )?;
                if !client_order_ids.is_empty() {
                    write!(f, "; client order ids: {}", client_order_ids.join(", "))?;
                }
                Ok(())
            }
            Error::Timeout { method, path } => write!(f, "{method} {path} timed out with no reply"),
            Error::Redirect { status_code, location } => write!(
                f,
                "redirect (HTTP {status_code}) to {} refused: credentials never leave the configured origin",
                location.as_deref().unwrap_or("an unnamed location")
            ),
            Error::ReplyTooLarge { limit } => write!(f, "the reply is larger than the {limit}-byte limit"),
            Error::RateLimited { status_code, retry_after, error_message, .. } => {
                let kind = if *status_code == 418 { "IP banned" } else { "rate limited" };
                match retry_after {
                    Some(s) => write!(f, "{kind} (HTTP {status_code}), retry after {s}s: {error_message}"),
                    None => write!(f, "{kind} (HTTP {status_code}): {error_message}"),
                }
            }
            Error::BackingOff { until_ms, status_code } => write!(
                f,
                "not sent: backing off after HTTP {status_code} until {until_ms} ms (Unix time), as the exchange asked"
            ),
            Error::WaitTooLong { wait, max_wait } => write!(
                f,
                "not sent: the rate limits leave room only after {} ms, more than the allowed {} ms",
                wait.as_millis(),
                max_wait.as_millis()
            ),
            Error::BudgetUnavailable { reason } => {
                write!(f, "not sent: the shared rate-limit budget is unavailable ({reason})")
            }
            Error::OverLimit { weight, limit } => {
                write!(f, "not sent: the call costs {weight}, more than the limit of {limit} per interval")
            }
            Error::ParameterRequired { name, reason } => write!(f, "parameter `{name}` is required: {reason}"),
            Error::ParameterValue { name, reason } => write!(f, "parameter `{name}` has a bad value: {reason}"),
            Error::ParameterType { name, reason } => write!(f, "parameter `{name}` has the wrong type: {reason}"),
            Error::MissingCredentials { endpoint, needs } => {
                write!(f, "`{endpoint}` needs {needs}; build the client with .key(..) and .secret(..)")
            }
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Decode { message, excerpt } => {
                write!(f, "cannot decode the reply ({message}); body starts: {excerpt}")
            }
            Error::NotServed { endpoint, environment } => {
                write!(f, "`{endpoint}` is not served on the {environment}; nothing was sent")
            }
            Error::Config(m) => write!(f, "bad client configuration: {m}"),
            Error::WebSocket(m) => write!(f, "websocket error: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}
