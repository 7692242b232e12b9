//! Every REST endpoint the sandbox serves, one module per API (`futures_v1`, `futures_v3`,
//! `spot` with its V1 and V3 tables), on what they share here: a route's security,
//! accepted parameters and weight, the handler context, and the helpers every API's
//! handlers use.

use crate::engine::{AccountId, Exchange, Venue};
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use rust_decimal::prelude::*;
use serde_json::Value;

pub(crate) mod chain;
pub mod futures_v1;
pub(crate) mod futures_v3;
pub(crate) mod prediction;
pub(crate) mod spot;
pub(crate) mod withdrawals;

/// Every route of every API, futures V1 first.
pub(crate) fn all() -> impl Iterator<Item = &'static Route> {
    futures_v1::ROUTES
        .iter()
        .chain(futures_v3::ROUTES_V3.iter())
        .chain(spot::SPOT_V1.iter())
        .chain(spot::SPOT_V3.iter())
        .chain(withdrawals::FUTURES.iter())
        .chain(chain::ROUTES.iter())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    None,
    MarketData,
    UserStream,
    Signed,
    /// V3: signed by an API wallet of the user (user, signer, nonce, signature).
    Wallet,
    /// V3: signed by the user's main wallet (user, nonce, signature).
    MainWallet,
}

impl Security {
    /// The params a request of this security adds to the endpoint's own.
    pub fn signing_params(self) -> &'static [&'static str] {
        match self {
            Security::Signed => &["timestamp", "recvWindow", "signature"],
            Security::Wallet | Security::MainWallet => &["user", "signer", "nonce", "signature"],
            _ => &[],
        }
    }
}

/// What a handler works with.
pub struct Ctx<'a> {
    pub ex: &'a mut Exchange,
    pub p: &'a Params,
    pub acct: AccountId,
    pub now: i64,
    /// V3: the message the request's signature covers ("" for other requests).
    pub signed: &'a str,
    /// Which host the request came to: spot handlers serve the market of that host.
    pub venue: Venue,
}

pub type Handler = fn(&mut Ctx) -> ApiResult<Value>;

#[derive(Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub security: Security,
    /// Parameters the endpoint accepts, besides the signing ones.
    pub params: &'static [&'static str],
    pub weight: fn(&Params) -> u64,
    /// Whether the request counts against the order rate limits.
    pub places_orders: bool,
    /// V3: params sent after the signed message, outside the signature.
    pub unsigned: &'static [&'static str],
    /// V3 main wallet: the EIP-712 struct signed instead of the message.
    pub typed: Option<&'static crate::wallet::TypedShape>,
    pub handler: Handler,
}

pub(crate) fn w1(_: &Params) -> u64 {
    1
}
pub(crate) fn w5(_: &Params) -> u64 {
    5
}
pub(crate) fn w10(_: &Params) -> u64 {
    10
}
pub(crate) fn w20(_: &Params) -> u64 {
    20
}
pub(crate) fn w30(_: &Params) -> u64 {
    30
}
pub(crate) fn w_depth(p: &Params) -> u64 {
    match p.opt_i64("limit").ok().flatten().unwrap_or(500) {
        ..=50 => 2,
        100 => 5,
        500 => 10,
        _ => 20,
    }
}
pub(crate) fn w_klines(p: &Params) -> u64 {
    match p.opt_i64("limit").ok().flatten().unwrap_or(500) {
        ..=99 => 1,
        100..=499 => 2,
        500..=1000 => 5,
        _ => 10,
    }
}
pub(crate) fn w_1_or_40(p: &Params) -> u64 {
    if p.has("symbol") {
        1
    } else {
        40
    }
}
pub(crate) fn w_1_or_2(p: &Params) -> u64 {
    if p.has("symbol") {
        1
    } else {
        2
    }
}
pub(crate) fn w_20_or_50(p: &Params) -> u64 {
    if p.has("symbol") {
        20
    } else {
        50
    }
}

#[macro_export]
macro_rules! route {
    ($m:literal, $path:literal, $sec:ident, $params:expr, $w:expr, $h:expr) => {
        Route {
            method: $m,
            path: $path,
            security: Security::$sec,
            params: $params,
            weight: $w,
            places_orders: false,
            unsigned: &[],
            typed: None,
            handler: $h,
        }
    };
    ($m:literal, $path:literal, $sec:ident, $params:expr, $w:expr, $h:expr, orders) => {
        Route {
            method: $m,
            path: $path,
            security: Security::$sec,
            params: $params,
            weight: $w,
            places_orders: true,
            unsigned: &[],
            typed: None,
            handler: $h,
        }
    };
}

pub(crate) fn s(d: Decimal) -> Value {
    Value::String(d.round_dp(8).to_string())
}

pub(crate) fn limit(p: &Params, default: i64, max: i64) -> ApiResult<usize> {
    let l = p.opt_i64("limit")?.unwrap_or(default);
    if l < 1 || l > max {
        return Err(ApiError::invalid_param("limit"));
    }
    Ok(l as usize)
}

pub(crate) fn window(p: &Params) -> ApiResult<(Option<i64>, Option<i64>)> {
    let start = p.opt_i64("startTime")?;
    let end = p.opt_i64("endTime")?;
    if let (Some(a), Some(b)) = (start, end) {
        if a > b {
            return Err(ApiError::start_after_end());
        }
    }
    Ok((start, end))
}

pub(crate) fn in_window(t: i64, w: (Option<i64>, Option<i64>)) -> bool {
    w.0.is_none_or(|s| t >= s) && w.1.is_none_or(|e| t <= e)
}

/// A listen key stays valid this long after creation or keepalive.
pub(crate) const LISTEN_KEY_TTL_MS: i64 = 60 * 60_000;

/// The exchange's plain acknowledgement.
pub(crate) fn ok() -> Value {
    serde_json::json!({ "code": 200, "msg": "success" })
}

/// The `rateLimits` of `exchangeInfo`, as the sandbox's configuration plays them.
pub(crate) fn rate_limits_json(cfg: &crate::SandboxConfig) -> Value {
    let window = cfg.weight_window_ms.max(1000);
    let (interval, num) = if window % 60_000 == 0 { ("MINUTE", window / 60_000) } else { ("SECOND", window / 1000) };
    serde_json::json!([
        { "rateLimitType": "REQUEST_WEIGHT", "interval": interval, "intervalNum": num, "limit": cfg.weight_limit_1m },
        { "rateLimitType": "ORDERS", "interval": "MINUTE", "intervalNum": 1, "limit": cfg.order_limit_1m },
        { "rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": cfg.order_limit_10s },
    ])
}
