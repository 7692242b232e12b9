//! Reply shapes shared by many endpoints, and the metadata of a reply.

use http::HeaderMap;
use serde::{Deserialize, Serialize};

/// A reply that is one object when a symbol was given and an array otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// The reply was a single object.
    One(T),
    /// The reply was a list.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The item or items as a list.
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }

    /// The single object, or the first of many.
    pub fn first(&self) -> Option<&T> {
        match self {
            OneOrMany::One(t) => Some(t),
            OneOrMany::Many(v) => v.first(),
        }
    }
}

/// The error object the exchange puts in place of a failed item of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    #[serde(deserialize_with = "crate::de::lenient")]
    /// The exchange's error code, e.g. -2011.
    pub code: i64,
    /// The exchange's message.
    pub msg: String,
}

/// One item of a batch reply: the item's result or the exchange's error for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BatchResult<T> {
    /// This item was refused.
    Err(ApiError),
    /// This item was accepted.
    Ok(T),
}

impl<T> BatchResult<T> {
    /// The item as a `Result`.
    pub fn into_result(self) -> Result<T, ApiError> {
        match self {
            BatchResult::Ok(t) => Ok(t),
            BatchResult::Err(e) => Err(e),
        }
    }

    /// The accepted item, if it was.
    pub fn ok(&self) -> Option<&T> {
        match self {
            BatchResult::Ok(t) => Some(t),
            BatchResult::Err(_) => None,
        }
    }

    /// The refusal, if it was refused.
    pub fn err(&self) -> Option<&ApiError> {
        match self {
            BatchResult::Ok(_) => None,
            BatchResult::Err(e) => Some(e),
        }
    }
}

/// Rate-limit counters the exchange reported with a reply
/// (`X-MBX-USED-WEIGHT-*` and `X-MBX-ORDER-COUNT-*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitUsage {
    /// `(interval, used)` pairs, e.g. `("1M", 12)` for `X-MBX-USED-WEIGHT-1M: 12`.
    pub used_weight: Vec<(String, u64)>,
    /// Orders counted per interval, from `X-MBX-ORDER-COUNT-*` headers.
    pub order_count: Vec<(String, u64)>,
}

impl LimitUsage {
    /// Reads the usage headers of a reply; absent headers give empty lists.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut usage = LimitUsage::default();
        for (name, value) in headers {
            let name = name.as_str();
            let Some(v) = value.to_str().ok().and_then(|v| v.trim().parse::<u64>().ok()) else { continue };
            if let Some(interval) = name.strip_prefix("x-mbx-used-weight-") {
                usage.used_weight.push((interval.to_uppercase(), v));
            } else if let Some(interval) = name.strip_prefix("x-mbx-order-count-") {
                usage.order_count.push((interval.to_uppercase(), v));
            }
        }
        usage.used_weight.sort();
        usage.order_count.sort();
        usage
    }

    /// Used weight in the one-minute window, when reported.
    pub fn weight_1m(&self) -> Option<u64> {
        self.used_weight.iter().find(|(i, _)| i == "1M").map(|(_, v)| *v)
    }
}

/// A typed reply with its HTTP metadata.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The decoded reply.
    pub data: T,
    /// The HTTP status.
    pub status: u16,
    /// Rate-limit usage the exchange reported with this reply.
    pub limit_usage: LimitUsage,
    /// Every reply header when the client was built with `show_header(true)`, else empty.
    pub headers: HeaderMap,
}

/// The bare `true` by which the exchange acknowledges a change (the MMP endpoints). Only
/// `true` decodes: a `false`, or anything else, is not an acknowledgement and never `Ok`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Acknowledged;

impl<'de> Deserialize<'de> for Acknowledged {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match bool::deserialize(d)? {
            true => Ok(Acknowledged),
            false => Err(serde::de::Error::custom("the exchange answered `false`: the change was not acknowledged")),
        }
    }
}

impl Serialize for Acknowledged {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(true)
    }
}
