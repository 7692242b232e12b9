//! The rate limits a governor keeps, as users set and read them.

use std::time::Duration;

/// Which count a rate limit caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKind {
    /// Request weight per IP (`REQUEST_WEIGHT`): each call counts its endpoint's weight.
    RequestWeight,
    /// Requests per IP (`RAW_REQUESTS`): each call counts 1.
    RawRequests,
    /// Orders per account (`ORDERS`): each order placed counts 1.
    Orders,
}

impl LimitKind {
    /// The exchange's name (`rateLimitType`).
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKind::RequestWeight => "REQUEST_WEIGHT",
            LimitKind::RawRequests => "RAW_REQUESTS",
            LimitKind::Orders => "ORDERS",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "REQUEST_WEIGHT" => Some(LimitKind::RequestWeight),
            "RAW_REQUESTS" | "RAW_REQUEST" => Some(LimitKind::RawRequests),
            "ORDERS" | "ORDER" => Some(LimitKind::Orders),
            _ => None,
        }
    }
}

/// One rate limit: at most `limit` per `interval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// What it counts.
    pub kind: LimitKind,
    /// The interval it counts over.
    pub interval: Duration,
    /// The most the exchange allows in one interval.
    pub limit: u32,
}

impl RateLimit {
    /// A limit of `limit` per `interval`.
    pub const fn new(kind: LimitKind, interval: Duration, limit: u32) -> Self {
        RateLimit { kind, interval, limit }
    }

    pub(crate) fn interval_ms(&self) -> i64 {
        i64::try_from(self.interval.as_millis()).unwrap_or(i64::MAX).max(1)
    }

    /// The `rateLimits` of an `exchangeInfo` reply; entries of kinds or intervals this
    /// client does not know are left out (every interval unit is known: SECOND, MINUTE,
    /// HOUR, DAY).
    pub(crate) fn from_exchange_info(info: &serde_json::Value) -> Vec<RateLimit> {
        let Some(list) = info.get("rateLimits").and_then(|l| l.as_array()) else { return Vec::new() };
        list.iter()
            .filter_map(|l| {
                let kind = LimitKind::parse(l.get("rateLimitType")?.as_str()?)?;
                let unit = unit_seconds(l.get("interval")?.as_str()?)?;
                let num = l.get("intervalNum").and_then(|n| n.as_u64()).unwrap_or(1).max(1);
                let limit = u32::try_from(l.get("limit")?.as_u64()?).ok()?;
                Some(RateLimit::new(kind, Duration::from_secs(unit * num), limit))
            })
            .collect()
    }
}

/// Seconds in an interval unit, as `exchangeInfo` names them.
fn unit_seconds(unit: &str) -> Option<u64> {
    match unit {
        "SECOND" => Some(1),
        "MINUTE" => Some(60),
        "HOUR" => Some(3600),
        "DAY" => Some(86_400),
        _ => None,
    }
}

/// A server's counts by interval: `(interval ms, count)`, kept inline since every reply
/// has them; past [`Counts::MAX`] intervals of one kind the rest are not read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    items: [(i64, u64); Counts::MAX],
    len: usize,
}

impl Counts {
    pub(crate) const MAX: usize = 4;

    #[cfg(any(test, feature = "redis"))]
    fn push(&mut self, item: (i64, u64)) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = item;
            self.len += 1;
        }
    }
}

impl std::ops::Deref for Counts {
    type Target = [(i64, u64)];
    fn deref(&self) -> &Self::Target {
        &self.items[..self.len]
    }
}

/// The server's counts in a reply's headers, as `(interval ms, count)`: request weight
/// (`X-MBX-USED-WEIGHT-*`) and orders (`X-MBX-ORDER-COUNT-*`).
#[cfg(any(test, feature = "redis"))]
pub(crate) fn counts_in(headers: &http::HeaderMap) -> (Counts, Counts) {
    let (mut weight, mut orders) = (Counts::default(), Counts::default());
    each_count(headers, |kind, interval, count| match kind {
        LimitKind::Orders => orders.push((interval, count)),
        _ => weight.push((interval, count)),
    });
    (weight, orders)
}

/// Gives `seen` each of the server's counts in a reply's headers, as `(what it counts,
/// interval ms, count)`: request weight (`X-MBX-USED-WEIGHT-*`) or orders
/// (`X-MBX-ORDER-COUNT-*`).
pub(crate) fn each_count(headers: &http::HeaderMap, mut seen: impl FnMut(LimitKind, i64, u64)) {
    for (name, value) in headers {
        let name = name.as_str().as_bytes();
        // Most of a reply's headers are passed over on their first letter.
        if name.first() != Some(&b'x') {
            continue;
        }
        let (kind, suffix) = if let Some(s) = name.strip_prefix(b"x-mbx-used-weight-") {
            (LimitKind::RequestWeight, s)
        } else if let Some(s) = name.strip_prefix(b"x-mbx-order-count-") {
            (LimitKind::Orders, s)
        } else {
            continue;
        };
        if let (Some(interval), Some(count)) = (header_interval_ms(suffix), whole_number(value.as_bytes())) {
            seen(kind, interval, count);
        }
    }
}

/// A header's unsigned whole number (ASCII digits, at most 19, spaces around allowed).
fn whole_number(text: &[u8]) -> Option<u64> {
    let digits = text.trim_ascii();
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    // Nineteen digits always fit a u64.
    digits.iter().try_fold(0u64, |n, &b| b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0')))
}

/// The interval of a usage header's suffix (`1M` in `X-MBX-USED-WEIGHT-1M`), in ms.
fn header_interval_ms(suffix: &[u8]) -> Option<i64> {
    let (&unit, num) = suffix.trim_ascii().split_last()?;
    let num = i64::try_from(whole_number(num)?).ok()?;
    let seconds = match unit.to_ascii_uppercase() {
        b'S' => 1,
        b'M' => 60,
        b'H' => 3600,
        b'D' => 86_400,
        _ => return None,
    };
    num.checked_mul(seconds * 1000)
}

/// How much of one rate limit is used now, as this process counts it (the exchange's own
/// count, when its headers said more, included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateUsage {
    /// What it counts.
    pub kind: LimitKind,
    /// The interval it counts over.
    pub interval: Duration,
    /// Spent in the interval ending now.
    pub used: u64,
    /// The limit (before any share the client keeps to itself).
    pub limit: u32,
}

/// How a client paces its calls under the exchange's rate limits. On by default: calls
/// wait for room instead of exceeding a limit, a part of each limit is kept for cancels
/// and closing orders, and after a 429 or 418 nothing is sent to that host until the
/// exchange's back-off ends.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimitSettings {
    pub(crate) enabled: bool,
    pub(crate) share: f64,
    pub(crate) max_wait: Option<Duration>,
    pub(crate) exit_reserve: f64,
    pub(crate) limits: Option<Vec<RateLimit>>,
    #[cfg(feature = "redis")]
    pub(crate) shared: Option<super::SharedBudget>,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        RateLimitSettings {
            enabled: true,
            share: 1.0,
            max_wait: None,
            exit_reserve: 0.1,
            limits: None,
            #[cfg(feature = "redis")]
            shared: None,
        }
    }
}

impl RateLimitSettings {
    /// No governor at all: every call is sent at once, even after a 429 or 418 (which come
    /// back as errors). Only for a client that paces itself: ignoring a 429 gets the IP
    /// banned.
    pub fn off() -> Self {
        RateLimitSettings { enabled: false, ..Self::default() }
    }

    /// Uses only this share of each limit (0.8: 80%), for several processes or machines
    /// behind one IP that split the limit between them.
    pub fn share(mut self, share: f64) -> Self {
        self.share = if share.is_finite() { share.clamp(0.01, 1.0) } else { 1.0 };
        self
    }

    /// The longest a call waits for room; beyond it the call fails at once with
    /// [`Error::WaitTooLong`](crate::Error::WaitTooLong) and is not sent. No maximum by default.
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = Some(wait);
        self
    }

    /// The share of each limit kept for cancels and reduce-only or closing orders (0.1 by
    /// default): other calls wait when only the reserve is left, so a way out of the market
    /// is always open. It is kept while a client of the process acts for an account on the
    /// host; with none, no exit can be sent, and other calls may use the whole limit.
    pub fn exit_reserve(mut self, reserve: f64) -> Self {
        self.exit_reserve = if reserve.is_finite() { reserve.clamp(0.0, 0.9) } else { 0.1 };
        self
    }

    /// These limits instead of the exchange's (`exchangeInfo`'s `rateLimits`, with the
    /// docs' values until they are known).
    pub fn limits(mut self, limits: Vec<RateLimit>) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Spends from a budget shared through Redis with other processes or machines behind
    /// the same IP (and trading the same accounts), instead of this process's alone: the
    /// same waiting, reserve and back-off rules, across all of them.
    #[cfg(feature = "redis")]
    pub fn shared(mut self, budget: super::SharedBudget) -> Self {
        self.shared = Some(budget);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_headers_are_read_by_interval_and_anything_else_is_skipped() {
        let mut headers = http::HeaderMap::new();
        for (name, value) in [
            ("x-mbx-used-weight-1m", "17"),
            ("x-mbx-used-weight-10s", " 4 "),
            ("x-mbx-used-weight-2h", "18446744073709551615"), // 20 digits: not read
            ("x-mbx-used-weight-1d", "-3"),
            ("x-mbx-used-weight-1x", "5"),
            ("x-mbx-used-weight-m", "5"),
            ("x-mbx-used-weight", "9"),
            ("x-mbx-order-count-1d", "0"),
            ("x-mbx-order-count-10s", "1.5"),
            ("content-type", "application/json"),
        ] {
            headers.insert(http::HeaderName::from_static(name), http::HeaderValue::from_static(value));
        }
        let (weight, orders) = counts_in(&headers);
        let mut weight = weight.to_vec();
        weight.sort_unstable();
        assert_eq!(weight, [(10_000, 4), (60_000, 17)]);
        assert_eq!(orders.to_vec(), [(86_400_000, 0)]);
        assert_eq!(header_interval_ms(b"9999999999999999999S"), None, "an interval past i64 ms");
    }
}
