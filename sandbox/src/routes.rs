//! Every REST endpoint the sandbox serves: its security, accepted parameters, weight and
//! the handler that turns parameters and engine state into the documented JSON.

use crate::engine::market::PriceSource;
use crate::engine::types::*;
use crate::engine::{AccountId, Exchange, NewOrder, Order};
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use rust_decimal::prelude::*;
use serde_json::{json, Value};

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
            handler: $h,
        }
    };
}

pub static ROUTES: &[Route] = &[
    route!("GET", "/fapi/v1/ping", None, &[], w1, |_| Ok(json!({}))),
    route!("GET", "/fapi/v1/time", None, &[], w1, |c| Ok(json!({ "serverTime": c.now }))),
    route!("GET", "/fapi/v1/exchangeInfo", None, &[], w1, exchange_info),
    route!("GET", "/fapi/v1/depth", None, &["symbol", "limit"], w_depth, depth),
    route!("GET", "/fapi/v1/trades", None, &["symbol", "limit"], w1, trades),
    route!("GET", "/fapi/v1/historicalTrades", MarketData, &["symbol", "limit", "fromId"], w20, trades),
    route!("GET", "/fapi/v1/aggTrades", None, &["symbol", "fromId", "startTime", "endTime", "limit"], w20, agg_trades),
    route!("GET", "/fapi/v1/klines", None, &["symbol", "interval", "startTime", "endTime", "limit"], w_klines, |c| {
        klines(c, "symbol", PriceSource::Last)
    }),
    route!(
        "GET",
        "/fapi/v1/indexPriceKlines",
        None,
        &["pair", "interval", "startTime", "endTime", "limit"],
        w_klines,
        |c| klines(c, "pair", PriceSource::Index)
    ),
    route!(
        "GET",
        "/fapi/v1/markPriceKlines",
        None,
        &["symbol", "interval", "startTime", "endTime", "limit"],
        w_klines,
        |c| klines(c, "symbol", PriceSource::Mark)
    ),
    route!("GET", "/fapi/v1/premiumIndex", None, &["symbol"], w1, premium_index),
    route!("GET", "/fapi/v1/fundingRate", None, &["symbol", "startTime", "endTime", "limit"], w1, funding_rate),
    route!("GET", "/fapi/v1/fundingInfo", None, &["symbol"], w1, funding_info),
    route!("GET", "/fapi/v1/ticker/24hr", None, &["symbol"], w_1_or_40, ticker_24hr),
    route!("GET", "/fapi/v1/ticker/price", None, &["symbol"], w_1_or_2, ticker_price),
    route!("GET", "/fapi/v1/ticker/bookTicker", None, &["symbol"], w_1_or_2, book_ticker),
    route!("POST", "/fapi/v1/positionSide/dual", Signed, &["dualSidePosition"], w1, change_position_mode),
    route!("GET", "/fapi/v1/positionSide/dual", Signed, &[], w30, |c| Ok(
        json!({ "dualSidePosition": c.ex.accounts[c.acct].dual_side })
    )),
    route!("POST", "/fapi/v1/multiAssetsMargin", Signed, &["multiAssetsMargin"], w1, change_multi_assets),
    route!("GET", "/fapi/v1/multiAssetsMargin", Signed, &[], w30, |c| Ok(
        json!({ "multiAssetsMargin": c.ex.accounts[c.acct].multi_assets })
    )),
    route!("POST", "/fapi/v1/order", Signed, &ORDER_PARAMS, w1, new_order, orders),
    route!("POST", "/fapi/v1/batchOrders", Signed, &["batchOrders"], w5, batch_orders, orders),
    route!(
        "POST",
        "/fapi/v1/asset/wallet/transfer",
        Signed,
        &["amount", "asset", "clientTranId", "kindType"],
        w5,
        transfer
    ),
    route!("GET", "/fapi/v1/order", Signed, &["symbol", "orderId", "origClientOrderId"], w1, query_order),
    route!("DELETE", "/fapi/v1/order", Signed, &["symbol", "orderId", "origClientOrderId"], w1, cancel_order),
    route!("DELETE", "/fapi/v1/allOpenOrders", Signed, &["symbol"], w1, cancel_all),
    route!(
        "DELETE",
        "/fapi/v1/batchOrders",
        Signed,
        &["symbol", "orderIdList", "origClientOrderIdList"],
        w1,
        cancel_batch
    ),
    route!("POST", "/fapi/v1/countdownCancelAll", Signed, &["symbol", "countdownTime"], w10, countdown),
    route!("GET", "/fapi/v1/openOrder", Signed, &["symbol", "orderId", "origClientOrderId"], w1, open_order),
    route!("GET", "/fapi/v1/openOrders", Signed, &["symbol"], w_1_or_40, open_orders),
    route!(
        "GET",
        "/fapi/v1/allOrders",
        Signed,
        &["symbol", "orderId", "startTime", "endTime", "limit"],
        w5,
        all_orders
    ),
    route!("GET", "/fapi/v2/balance", Signed, &[], w5, balance),
    route!("GET", "/fapi/v4/account", Signed, &[], w5, account),
    route!("POST", "/fapi/v1/leverage", Signed, &["symbol", "leverage"], w1, change_leverage),
    route!("POST", "/fapi/v1/marginType", Signed, &["symbol", "marginType"], w1, change_margin_type),
    route!(
        "POST",
        "/fapi/v1/positionMargin",
        Signed,
        &["symbol", "positionSide", "amount", "type"],
        w1,
        position_margin
    ),
    route!(
        "GET",
        "/fapi/v1/positionMargin/history",
        Signed,
        &["symbol", "type", "startTime", "endTime", "limit"],
        w1,
        margin_history
    ),
    route!("GET", "/fapi/v2/positionRisk", Signed, &["symbol"], w5, position_risk),
    route!(
        "GET",
        "/fapi/v1/userTrades",
        Signed,
        &["symbol", "startTime", "endTime", "fromId", "limit"],
        w5,
        user_trades
    ),
    route!("GET", "/fapi/v1/income", Signed, &["symbol", "incomeType", "startTime", "endTime", "limit"], w30, income),
    route!("GET", "/fapi/v1/leverageBracket", Signed, &["symbol"], w1, leverage_bracket),
    route!("GET", "/fapi/v1/adlQuantile", Signed, &["symbol"], w5, adl_quantile),
    route!(
        "GET",
        "/fapi/v1/forceOrders",
        Signed,
        &["symbol", "autoCloseType", "startTime", "endTime", "limit"],
        w_20_or_50,
        force_orders
    ),
    route!("GET", "/fapi/v1/commissionRate", Signed, &["symbol"], w20, commission_rate),
    route!("GET", "/fapi/v1/remainingOpenableNotionalValue", Signed, &["symbol", "leverage"], w20, remaining_notional),
    route!("POST", "/fapi/v1/listenKey", UserStream, &[], w1, listen_key_new),
    route!("PUT", "/fapi/v1/listenKey", UserStream, &["listenKey"], w1, listen_key_keepalive),
    route!("DELETE", "/fapi/v1/listenKey", UserStream, &["listenKey"], w1, listen_key_close),
];

/// The params of a new order, with any more an API version adds.
#[macro_export]
macro_rules! order_params {
    ($($more:literal),*) => {
        [
            "symbol", "side", "positionSide", "type", "timeInForce", "quantity", "reduceOnly", "price",
            "newClientOrderId", "stopPrice", "closePosition", "activationPrice", "callbackRate",
            "workingType", "priceProtect", "newOrderRespType", $($more),*
        ]
    };
}

pub(crate) const ORDER_PARAMS: [&str; 16] = order_params!();

// ---------------------------------------------------------------------- helpers

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

pub(crate) fn symbol(c: &Ctx, key: &str) -> ApiResult<usize> {
    c.ex.symbol_index(c.p.req_str(key)?)
}

pub(crate) fn opt_symbol(c: &Ctx) -> ApiResult<Option<usize>> {
    c.p.str("symbol").map(|s| c.ex.symbol_index(s)).transpose()
}

/// One object when a symbol was given, all symbols as an array otherwise.
fn one_or_all(c: &Ctx, f: impl Fn(&Exchange, usize) -> Value) -> ApiResult<Value> {
    Ok(match opt_symbol(c)? {
        Some(i) => f(c.ex, i),
        None => Value::Array((0..c.ex.symbols.len()).map(|i| f(c.ex, i)).collect()),
    })
}

pub fn order_json(o: &Order) -> Value {
    let mut v = json!({
        "orderId": o.id,
        "symbol": o.symbol,
        "status": o.status.as_str(),
        "clientOrderId": o.client_id,
        "price": s(o.price),
        "avgPrice": s(o.avg_price()),
        "origQty": s(o.qty),
        "executedQty": s(o.executed),
        "cumQty": s(o.executed),
        "cumQuote": s(o.cum_quote),
        "timeInForce": o.tif.as_str(),
        "type": o.kind.as_str(),
        "origType": o.orig_kind.as_str(),
        "reduceOnly": o.reduce_only,
        "closePosition": o.close_position,
        "side": o.side.as_str(),
        "positionSide": o.position_side.as_str(),
        "stopPrice": s(o.stop_price),
        "workingType": o.working_type.as_str(),
        "priceProtect": o.price_protect,
        "time": o.time,
        "updateTime": o.update_time,
    });
    if o.orig_kind == OrderType::TrailingStopMarket {
        v["activatePrice"] = s(o.activation_price.unwrap_or_default());
        v["priceRate"] = s(o.callback_rate.unwrap_or_default());
    }
    v
}

// ---------------------------------------------------------------------- market data

pub(crate) fn exchange_info(c: &mut Ctx) -> ApiResult<Value> {
    let symbols: Vec<Value> = c
        .ex
        .symbols
        .iter()
        .map(|st| {
            let s_ = &st.cfg;
            json!({
                "symbol": s_.symbol, "pair": s_.symbol, "contractType": "PERPETUAL",
                "deliveryDate": 4133404800000i64, "onboardDate": 1598252400000i64, "status": "TRADING",
                "maintMarginPercent": "2.5000", "requiredMarginPercent": "5.0000",
                "baseAsset": s_.base_asset, "quoteAsset": s_.quote_asset, "marginAsset": s_.quote_asset,
                "pricePrecision": s_.price_precision(), "quantityPrecision": s_.quantity_precision(),
                "baseAssetPrecision": 8, "quotePrecision": 8,
                "underlyingType": "COIN", "underlyingSubType": [], "settlePlan": 0, "triggerProtect": "0.0500",
                "filters": [
                    { "filterType": "PRICE_FILTER", "minPrice": s_.min_price.to_string(), "maxPrice": s_.max_price.to_string(), "tickSize": s_.tick_size.to_string() },
                    { "filterType": "LOT_SIZE", "minQty": s_.min_qty.to_string(), "maxQty": s_.max_qty.to_string(), "stepSize": s_.step_size.to_string() },
                    { "filterType": "MARKET_LOT_SIZE", "minQty": s_.min_qty.to_string(), "maxQty": s_.market_max_qty.to_string(), "stepSize": s_.step_size.to_string() },
                    { "filterType": "MAX_NUM_ORDERS", "limit": s_.max_num_orders },
                    { "filterType": "MAX_NUM_ALGO_ORDERS", "limit": s_.max_num_algo_orders },
                    { "filterType": "MIN_NOTIONAL", "notional": s_.min_notional.to_string() },
                    { "filterType": "PERCENT_PRICE", "multiplierUp": s_.multiplier_up.to_string(), "multiplierDown": s_.multiplier_down.to_string(), "multiplierDecimal": 4 },
                ],
                "OrderType": OrderType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                "timeInForce": TimeInForce::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                "liquidationFee": "0.010000", "marketTakeBound": "0.30",
            })
        })
        .collect();
    Ok(json!({
        "exchangeFilters": [],
        "rateLimits": [
            { "interval": "MINUTE", "intervalNum": 1, "limit": c.ex.cfg.weight_limit_1m, "rateLimitType": "REQUEST_WEIGHT" },
            { "interval": "MINUTE", "intervalNum": 1, "limit": c.ex.cfg.order_limit_1m, "rateLimitType": "ORDERS" },
        ],
        "serverTime": c.now,
        "assets": [
            { "asset": "USDT", "marginAvailable": true, "autoAssetExchange": "0" },
            { "asset": "BNB", "marginAvailable": false, "autoAssetExchange": null },
        ],
        "symbols": symbols,
        "timezone": "UTC",
    }))
}

pub(crate) fn depth(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let limit = match c.p.str("limit") {
        None => 500,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if [5, 10, 20, 50, 100, 500, 1000].contains(&n) => n,
            _ => return Err(ApiError::invalid_depth_limit(v)),
        },
    };
    let st = &c.ex.symbols[sym];
    let side = |side: Side| -> Vec<Value> {
        st.book
            .levels(side)
            .filter_map(|(price, queue)| {
                let visible: Decimal = queue
                    .iter()
                    .filter_map(|id| c.ex.orders.get(id))
                    .filter(|o| o.tif != TimeInForce::Hidden)
                    .map(Order::remaining)
                    .sum();
                (!visible.is_zero()).then(|| json!([price.to_string(), visible.to_string()]))
            })
            .take(limit)
            .collect()
    };
    Ok(
        json!({ "lastUpdateId": st.book.update_id, "E": c.now, "T": c.now, "bids": side(Side::Buy), "asks": side(Side::Sell) }),
    )
}

pub(crate) fn trades(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let limit = limit(c.p, 500, 1000)?;
    let from = c.p.opt_i64("fromId")?;
    let all = &c.ex.symbols[sym].trades;
    let picked: Vec<_> = match from {
        Some(f) => all.iter().filter(|t| t.id >= f).take(limit).collect(),
        None => all.iter().rev().take(limit).rev().collect(),
    };
    Ok(Value::Array(
        picked
            .into_iter()
            .map(|t| json!({ "id": t.id, "price": s(t.price), "qty": s(t.qty), "quoteQty": s(t.price * t.qty), "time": t.time, "isBuyerMaker": t.buyer_maker }))
            .collect(),
    ))
}

pub(crate) fn agg_trades(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let limit = limit(c.p, 500, 1000)?;
    let from = c.p.opt_i64("fromId")?;
    let w = window(c.p)?;
    if let (Some(a), Some(b)) = w {
        if b - a > 3_600_000 {
            return Err(ApiError::interval_too_big(1));
        }
    }
    let all = &c.ex.symbols[sym].agg_trades;
    let picked: Vec<_> = if from.is_some() || w.0.is_some() || w.1.is_some() {
        all.iter().filter(|a| from.is_none_or(|f| a.id >= f) && in_window(a.time, w)).take(limit).collect()
    } else {
        all.iter().rev().take(limit).rev().collect()
    };
    Ok(Value::Array(
        picked
            .into_iter()
            .map(|a| json!({ "a": a.id, "p": s(a.price), "q": s(a.qty), "f": a.first_id, "l": a.last_id, "T": a.time, "m": a.buyer_maker }))
            .collect(),
    ))
}

pub(crate) fn klines(c: &mut Ctx, key: &str, source: PriceSource) -> ApiResult<Value> {
    let sym = symbol(c, key)?;
    let interval = Interval::parse(c.p.req_str("interval")?)?;
    let limit = limit(c.p, 500, 1500)?;
    let rows = c.ex.candles(sym, interval, window(c.p)?, limit, c.now, source);
    Ok(Value::Array(
        rows.into_iter()
            .map(|k| {
                if source == PriceSource::Last {
                    json!([
                        k.open_time,
                        s(k.open),
                        s(k.high),
                        s(k.low),
                        s(k.close),
                        s(k.volume),
                        k.close_time,
                        s(k.quote_volume),
                        k.trades,
                        s(k.taker_buy_volume),
                        s(k.taker_buy_quote),
                        "0"
                    ])
                } else {
                    json!([
                        k.open_time,
                        s(k.open),
                        s(k.high),
                        s(k.low),
                        s(k.close),
                        "0",
                        k.close_time,
                        "0",
                        k.trades,
                        "0",
                        "0",
                        "0"
                    ])
                }
            })
            .collect(),
    ))
}

const FUNDING_MS: i64 = 8 * 3_600_000;

pub(crate) fn premium_index(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    one_or_all(c, |ex, i| {
        let st = &ex.symbols[i];
        let last_funding = now.div_euclid(FUNDING_MS) * FUNDING_MS;
        json!({
            "symbol": st.cfg.symbol, "markPrice": s(st.mark_price()), "indexPrice": s(st.index_price()),
            "estimatedSettlePrice": s(st.index_price()), "lastFundingRate": s(ex.funding_rate_at(i, last_funding)),
            "nextFundingTime": last_funding + FUNDING_MS, "interestRate": "0.00010000", "time": now,
        })
    })
}

pub(crate) fn funding_rate(c: &mut Ctx) -> ApiResult<Value> {
    let limit = limit(c.p, 100, 1000)?;
    let w = window(c.p)?;
    let syms: Vec<usize> = match opt_symbol(c)? {
        Some(i) => vec![i],
        None => (0..c.ex.symbols.len()).collect(),
    };
    let last = c.now.div_euclid(FUNDING_MS) * FUNDING_MS;
    let times: Vec<i64> = match w {
        (Some(start), end) => {
            let first = (start + FUNDING_MS - 1).div_euclid(FUNDING_MS) * FUNDING_MS;
            let stop = end.unwrap_or(last).min(last);
            (0..).map(|k| first + k * FUNDING_MS).take_while(|t| *t <= stop).take(limit).collect()
        }
        (None, end) => {
            let stop = end.map(|e| e.div_euclid(FUNDING_MS) * FUNDING_MS).unwrap_or(last).min(last);
            (0..limit as i64).rev().map(|k| stop - k * FUNDING_MS).collect()
        }
    };
    let mut rows = Vec::new();
    for t in times {
        for &i in &syms {
            rows.push(json!({ "symbol": c.ex.symbols[i].cfg.symbol, "fundingRate": s(c.ex.funding_rate_at(i, t)), "fundingTime": t }));
        }
    }
    rows.truncate(limit);
    Ok(Value::Array(rows))
}

pub(crate) fn funding_info(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    let syms: Vec<usize> = match opt_symbol(c)? {
        Some(i) => vec![i],
        None => (0..c.ex.symbols.len()).collect(),
    };
    Ok(Value::Array(
        syms.into_iter()
            .map(|i| json!({ "symbol": c.ex.symbols[i].cfg.symbol, "interestRate": "0.00010000", "time": now, "fundingIntervalHours": 8, "fundingFeeCap": 0.03, "fundingFeeFloor": -0.03 }))
            .collect(),
    ))
}

pub(crate) fn ticker_24hr(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    one_or_all(c, |ex, i| {
        let st = &ex.symbols[i];
        let open_time = now - 86_400_000;
        let candle = ex.candle(i, Interval::D1, open_time, PriceSource::Last);
        let recent: Vec<_> = st.trades.iter().filter(|t| t.time >= open_time).collect();
        let open = candle.open;
        let last = st.last_price;
        let high = candle.high.max(last);
        let low = candle.low.min(last);
        let change = last - open;
        let pct = if open.is_zero() { Decimal::ZERO } else { (change / open * Decimal::ONE_HUNDRED).round_dp(3) };
        let volume = candle.volume;
        json!({
            "symbol": st.cfg.symbol, "priceChange": s(change), "priceChangePercent": pct.to_string(),
            "weightedAvgPrice": s(((open + last) / Decimal::TWO).round_dp(st.cfg.price_precision())),
            "prevClosePrice": s(open), "lastPrice": s(last), "lastQty": s(recent.last().map(|t| t.qty).unwrap_or_default()),
            "openPrice": s(open), "highPrice": s(high), "lowPrice": s(low), "volume": s(volume),
            "quoteVolume": s(candle.quote_volume), "openTime": open_time, "closeTime": now,
            "firstId": recent.first().map(|t| t.id).unwrap_or(-1), "lastId": recent.last().map(|t| t.id).unwrap_or(-1),
            "count": recent.len(),
        })
    })
}

pub(crate) fn ticker_price(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    one_or_all(
        c,
        |ex, i| json!({ "symbol": ex.symbols[i].cfg.symbol, "price": s(ex.symbols[i].last_price), "time": now }),
    )
}

pub(crate) fn book_ticker(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    one_or_all(c, |ex, i| {
        let st = &ex.symbols[i];
        let top = |side: Side| -> (Decimal, Decimal) {
            st.book
                .levels(side)
                .find_map(|(p, q)| {
                    let qty: Decimal = q
                        .iter()
                        .filter_map(|id| ex.orders.get(id))
                        .filter(|o| o.tif != TimeInForce::Hidden)
                        .map(Order::remaining)
                        .sum();
                    (!qty.is_zero()).then_some((*p, qty))
                })
                .unwrap_or_default()
        };
        let (bp, bq) = top(Side::Buy);
        let (ap, aq) = top(Side::Sell);
        json!({ "symbol": st.cfg.symbol, "bidPrice": s(bp), "bidQty": s(bq), "askPrice": s(ap), "askQty": s(aq), "time": now })
    })
}

// ---------------------------------------------------------------------- account settings

pub(crate) fn ok() -> Value {
    json!({ "code": 200, "msg": "success" })
}

pub(crate) fn change_position_mode(c: &mut Ctx) -> ApiResult<Value> {
    let dual = c.p.req_bool("dualSidePosition")?;
    let a = &c.ex.accounts[c.acct];
    if a.dual_side == dual {
        return Err(ApiError::no_need_position_side());
    }
    if c.ex.open_orders().any(|o| o.account == c.acct) {
        return Err(ApiError::position_side_open_orders());
    }
    if a.has_any_position() {
        return Err(ApiError::position_side_quantity());
    }
    let a = &mut c.ex.accounts[c.acct];
    a.positions.clear();
    a.dual_side = dual;
    c.ex.outbox.push(crate::engine::UserEvent::Config { account: c.acct });
    Ok(ok())
}

pub(crate) fn change_multi_assets(c: &mut Ctx) -> ApiResult<Value> {
    let on = c.p.req_bool("multiAssetsMargin")?;
    c.ex.accounts[c.acct].multi_assets = on;
    c.ex.outbox.push(crate::engine::UserEvent::Config { account: c.acct });
    Ok(ok())
}

/// The `leverage` parameter: a whole number from 1 to 125.
fn leverage_param(p: &Params) -> ApiResult<i64> {
    let lev = p.req_i64("leverage")?;
    if !(1..=125).contains(&lev) {
        return Err(ApiError::invalid_leverage(&lev.to_string()));
    }
    Ok(lev)
}

pub(crate) fn change_leverage(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let lev = leverage_param(c.p)?;
    let symbol = c.ex.symbols[sym].cfg.symbol.clone();
    c.ex.accounts[c.acct].leverage.insert(symbol.clone(), lev as u32);
    c.ex.outbox.push(crate::engine::UserEvent::Leverage {
        account: c.acct,
        symbol: symbol.clone(),
        leverage: lev as u32,
    });
    Ok(json!({ "leverage": lev, "maxNotionalValue": max_notional(lev as u32).to_string(), "symbol": symbol }))
}

/// Notional brackets: (cap, max leverage, maintenance ratio, cum).
const BRACKETS: &[(i64, u32, &str, &str)] = &[
    (50_000, 125, "0.004", "0"),
    (250_000, 100, "0.005", "50"),
    (1_000_000, 50, "0.01", "1300"),
    (10_000_000, 20, "0.025", "16300"),
    (50_000_000, 10, "0.05", "266300"),
];

fn max_notional(leverage: u32) -> i64 {
    BRACKETS.iter().filter(|b| b.1 >= leverage).map(|b| b.0).max().unwrap_or(BRACKETS[0].0)
}

pub(crate) fn change_margin_type(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let mt = MarginType::parse(c.p.req_str("marginType")?)?;
    let symbol = c.ex.symbols[sym].cfg.symbol.clone();
    let a = &c.ex.accounts[c.acct];
    if a.margin_type_of(&symbol) == mt {
        return Err(ApiError::no_need_margin_type());
    }
    if c.ex.open_orders().any(|o| o.account == c.acct && o.symbol == symbol) {
        return Err(ApiError::margin_type_open_orders());
    }
    if a.positions.iter().any(|((s_, _), p)| *s_ == symbol && !p.amount.is_zero()) {
        return Err(ApiError::margin_type_position());
    }
    c.ex.accounts[c.acct].margin_type.insert(symbol.clone(), mt);
    c.ex.outbox.push(crate::engine::UserEvent::Account {
        account: c.acct,
        reason: "MARGIN_TYPE_CHANGE",
        symbol: Some(symbol),
    });
    Ok(ok())
}

pub(crate) fn position_margin(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let amount = c.p.req_dec("amount")?;
    let kind = c.p.req_i64("type")?;
    if !(kind == 1 || kind == 2) {
        return Err(ApiError::invalid_param("type"));
    }
    if amount <= Decimal::ZERO {
        return Err(ApiError::amount_must_be_positive());
    }
    let symbol = c.ex.symbols[sym].cfg.symbol.clone();
    let dual = c.ex.accounts[c.acct].dual_side;
    let ps = match (dual, c.p.str("positionSide").map(PositionSide::parse).transpose()?) {
        (false, None | Some(PositionSide::Both)) => PositionSide::Both,
        (true, Some(ps @ (PositionSide::Long | PositionSide::Short))) => ps,
        _ => return Err(ApiError::position_side_mismatch()),
    };
    if c.ex.accounts[c.acct].margin_type_of(&symbol) != MarginType::Isolated {
        return Err(ApiError::add_margin_not_isolated());
    }
    let has_position = c.ex.accounts[c.acct].position(&symbol, ps).is_some_and(|p| !p.amount.is_zero());
    if !has_position {
        return Err(ApiError::add_margin_no_position());
    }
    if kind == 1 && amount > c.ex.available_balance(c.acct) {
        return Err(ApiError::margin_insufficient());
    }
    let a = &mut c.ex.accounts[c.acct];
    let Some(pos) = a.positions.get_mut(&(symbol.clone(), ps)) else { return Err(ApiError::add_margin_no_position()) };
    if kind == 2 && amount > pos.isolated_wallet {
        return Err(ApiError::isolated_balance_insufficient());
    }
    pos.isolated_wallet += if kind == 1 { amount } else { -amount };
    a.margin_changes.push(crate::engine::account::MarginChange {
        amount,
        symbol,
        kind,
        position_side: ps,
        time: c.now,
    });
    Ok(
        json!({ "amount": amount.to_f64().unwrap_or(0.0), "code": 200, "msg": "Successfully modify position margin.", "type": kind }),
    )
}

pub(crate) fn margin_history(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let kind = c.p.opt_i64("type")?;
    let limit = limit(c.p, 500, 1000)?;
    let w = window(c.p)?;
    let symbol = &c.ex.symbols[sym].cfg.symbol;
    Ok(Value::Array(
        c.ex.accounts[c.acct]
            .margin_changes
            .iter()
            .filter(|m| &m.symbol == symbol && kind.is_none_or(|k| k == m.kind) && in_window(m.time, w))
            .take(limit)
            .map(|m| json!({ "amount": s(m.amount), "asset": "USDT", "symbol": m.symbol, "time": m.time, "type": m.kind, "positionSide": m.position_side.as_str() }))
            .collect(),
    ))
}

// ---------------------------------------------------------------------- orders

pub(crate) fn parse_new_order(get: &dyn Fn(&str) -> Option<String>) -> ApiResult<NewOrder> {
    let p = Params::from_pairs(ORDER_PARAMS.iter().filter_map(|k| get(k).map(|v| (k.to_string(), v))));
    Ok(NewOrder {
        symbol: p.req_str("symbol")?.to_string(),
        side: Side::parse(p.req_str("side")?)?,
        position_side: p.str("positionSide").map(PositionSide::parse).transpose()?,
        kind: OrderType::parse(p.req_str("type")?)?,
        tif: p.str("timeInForce").map(TimeInForce::parse).transpose()?,
        qty: p.opt_dec("quantity")?,
        price: p.opt_dec("price")?,
        client_id: p.str("newClientOrderId").map(str::to_string),
        stop_price: p.opt_dec("stopPrice")?,
        close_position: p.opt_bool("closePosition")?,
        reduce_only: p.opt_bool("reduceOnly")?,
        activation_price: p.opt_dec("activationPrice")?,
        callback_rate: p.opt_dec("callbackRate")?,
        working_type: p.str("workingType").map(WorkingType::parse).transpose()?,
        price_protect: p.opt_upper_flag("priceProtect")?,
        stp_mode: None,
    })
}

pub(crate) fn check_resp_type(v: Option<&str>) -> ApiResult<()> {
    v.map(RespType::parse).transpose().map(|_| ())
}

pub(crate) fn new_order(c: &mut Ctx) -> ApiResult<Value> {
    let p = c.p;
    let req = parse_new_order(&|k| p.str(k).map(str::to_string))?;
    check_resp_type(p.str("newOrderRespType"))?;
    let id = c.ex.place(c.acct, req, c.now)?;
    Ok(order_json(&c.ex.orders[&id]))
}

pub(crate) fn batch_orders(c: &mut Ctx) -> ApiResult<Value> {
    let raw = c.p.req_str("batchOrders")?;
    let list: Vec<serde_json::Map<String, Value>> =
        serde_json::from_str(raw).map_err(|_| ApiError::invalid_param("batchOrders"))?;
    if list.is_empty() || list.len() > 5 {
        return Err(ApiError::batch_size(list.len()));
    }
    let mut out = Vec::new();
    for item in list {
        let get = |k: &str| -> Option<String> {
            match item.get(k)? {
                Value::String(s_) => Some(s_.clone()),
                Value::Bool(b) => Some(b.to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let unknown = item.keys().find(|k| !ORDER_PARAMS.contains(&k.as_str()));
        let result = match unknown {
            Some(k) => Err(ApiError::unknown_param(k)),
            None => parse_new_order(&get)
                .and_then(|req| check_resp_type(get("newOrderRespType").as_deref()).map(|_| req))
                .and_then(|req| c.ex.place(c.acct, req, c.now)),
        };
        out.push(match result {
            Ok(id) => order_json(&c.ex.orders[&id]),
            Err(e) => json!({ "code": e.code, "msg": e.msg }),
        });
    }
    Ok(Value::Array(out))
}

pub(crate) fn transfer(c: &mut Ctx) -> ApiResult<Value> {
    let amount = c.p.req_dec("amount")?;
    let asset = c.p.req_str("asset")?.to_string();
    let tran = c.p.req_str("clientTranId")?.to_string();
    let kind = c.p.req_str("kindType")?;
    if amount <= Decimal::ZERO {
        return Err(ApiError::amount_must_be_positive());
    }
    if !c.ex.accounts[c.acct].wallets.contains_key(&asset) && asset != "USDT" {
        return Err(ApiError::new(400, -1108, "Invalid asset."));
    }
    if tran.len() >= 64 {
        return Err(ApiError::client_tran_id_invalid());
    }
    if c.ex.accounts[c.acct].transfer_ids.contains(&tran) {
        return Err(ApiError::client_tran_id_duplicated());
    }
    let delta = match kind {
        "FUTURE_SPOT" => -amount,
        "SPOT_FUTURE" => amount,
        _ => return Err(ApiError::invalid_param("kindType")),
    };
    if delta.is_sign_negative() {
        let available =
            if asset == "USDT" { c.ex.available_balance(c.acct) } else { c.ex.accounts[c.acct].wallets[&asset] };
        if amount > available {
            return Err(ApiError::balance_insufficient());
        }
    }
    let tran_id = c.ex.new_tran_id();
    let now = c.now;
    // The other side of the move: the same account's spot wallet, checked first.
    let spot_kind = if delta.is_sign_negative() { "TRANSFER_FUTURE_TO_SPOT" } else { "TRANSFER_SPOT_TO_FUTURE" };
    c.ex.spot.credit(c.acct, &asset, -delta, spot_kind, tran_id, now)?;
    let a = &mut c.ex.accounts[c.acct];
    a.transfer_ids.insert(tran);
    *a.wallets.entry(asset.clone()).or_default() += delta;
    a.income.push(crate::engine::account::Income {
        symbol: String::new(),
        kind: IncomeType::Transfer,
        amount: delta,
        asset,
        info: "TRANSFER".into(),
        time: now,
        tran_id,
        trade_id: String::new(),
    });
    c.ex.outbox.push(crate::engine::UserEvent::Account { account: c.acct, reason: "ASSET_TRANSFER", symbol: None });
    Ok(json!({ "tranId": tran_id, "status": "SUCCESS" }))
}

pub(crate) fn lookup(c: &Ctx) -> ApiResult<Option<Order>> {
    let sym = symbol(c, "symbol")?;
    let id = c.p.opt_i64("orderId")?;
    let cid = c.p.str("origClientOrderId");
    if id.is_none() && cid.is_none() {
        return Err(ApiError::either("orderId", "origClientOrderId"));
    }
    Ok(c.ex.find_order(c.acct, &c.ex.symbols[sym].cfg.symbol, id, cid).cloned())
}

pub(crate) fn query_order(c: &mut Ctx) -> ApiResult<Value> {
    lookup(c)?.map(|o| order_json(&o)).ok_or_else(ApiError::no_such_order)
}

pub(crate) fn open_order(c: &mut Ctx) -> ApiResult<Value> {
    match lookup(c)? {
        Some(o) if o.status.is_open() => Ok(order_json(&o)),
        _ => Err(ApiError::no_such_order()),
    }
}

pub(crate) fn cancel_order(c: &mut Ctx) -> ApiResult<Value> {
    let o = lookup(c)?.ok_or_else(ApiError::unknown_order)?;
    c.ex.cancel(o.id, c.now)?;
    Ok(order_json(&c.ex.orders[&o.id]))
}

pub(crate) fn cancel_all(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let symbol = c.ex.symbols[sym].cfg.symbol.clone();
    c.ex.cancel_all(c.acct, &symbol, c.now);
    Ok(json!({ "code": "200", "msg": "The operation of cancel all open order is done." }))
}

pub(crate) fn cancel_batch(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let symbol = c.ex.symbols[sym].cfg.symbol.clone();
    let ids: Option<Vec<i64>> =
        c.p.str("orderIdList")
            .map(|v| serde_json::from_str(v).map_err(|_| ApiError::invalid_param("orderIdList")))
            .transpose()?;
    let cids: Option<Vec<String>> =
        c.p.str("origClientOrderIdList")
            .map(|v| serde_json::from_str(v).map_err(|_| ApiError::invalid_param("origClientOrderIdList")))
            .transpose()?;
    let targets: Vec<(Option<i64>, Option<String>)> = match (ids, cids) {
        (Some(ids), _) => ids.into_iter().map(|i| (Some(i), None)).collect(),
        (None, Some(cids)) => cids.into_iter().map(|c_| (None, Some(c_))).collect(),
        (None, None) => return Err(ApiError::either("orderIdList", "origClientOrderIdList")),
    };
    if targets.is_empty() || targets.len() > 10 {
        return Err(ApiError::exceed_cancel_size());
    }
    let mut out = Vec::new();
    for (id, cid) in targets {
        let found = c.ex.find_order(c.acct, &symbol, id, cid.as_deref()).map(|o| o.id);
        out.push(
            match found.ok_or_else(ApiError::unknown_order).and_then(|oid| c.ex.cancel(oid, c.now).map(|_| oid)) {
                Ok(oid) => order_json(&c.ex.orders[&oid]),
                Err(e) => json!({ "code": e.code, "msg": e.msg }),
            },
        );
    }
    Ok(Value::Array(out))
}

pub(crate) fn countdown(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let ms = c.p.req_i64("countdownTime")?;
    if ms < 0 {
        return Err(ApiError::invalid_param("countdownTime"));
    }
    let symbol = c.ex.symbols[sym].cfg.symbol.clone();
    let a = &mut c.ex.accounts[c.acct];
    if ms == 0 {
        a.countdowns.remove(&symbol);
    } else {
        a.countdowns.insert(symbol.clone(), c.now + ms);
    }
    Ok(json!({ "symbol": symbol, "countdownTime": ms.to_string() }))
}

fn sorted_orders<'a>(c: &'a Ctx, f: impl Fn(&Order) -> bool) -> Vec<&'a Order> {
    let mut v: Vec<&Order> = c.ex.orders.values().filter(|o| o.account == c.acct && f(o)).collect();
    v.sort_by_key(|o| o.id);
    v
}

pub(crate) fn open_orders(c: &mut Ctx) -> ApiResult<Value> {
    let sym = opt_symbol(c)?.map(|i| c.ex.symbols[i].cfg.symbol.clone());
    Ok(Value::Array(
        c.ex.open_orders()
            .filter(|o| o.account == c.acct && sym.as_ref().is_none_or(|s_| *s_ == o.symbol))
            .map(order_json)
            .collect(),
    ))
}

pub(crate) fn all_orders(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let symbol = c.ex.symbols[sym].cfg.symbol.clone();
    let from = c.p.opt_i64("orderId")?;
    let limit = limit(c.p, 500, 1000)?;
    let w = window(c.p)?;
    let mut v = sorted_orders(c, |o| o.symbol == symbol && from.is_none_or(|f| o.id >= f) && in_window(o.time, w));
    if from.is_none() && v.len() > limit {
        v.drain(..v.len() - limit);
    }
    Ok(Value::Array(v.into_iter().take(limit).map(order_json).collect()))
}

// ---------------------------------------------------------------------- account views

pub(crate) fn balance(c: &mut Ctx) -> ApiResult<Value> {
    let ex = &*c.ex;
    let a = &ex.accounts[c.acct];
    let available = ex.available_balance(c.acct);
    let cross_un: Decimal = a
        .positions
        .iter()
        .filter(|((s_, _), _)| a.margin_type_of(s_) == MarginType::Crossed)
        .map(|((s_, _), p)| ex.unrealized(s_, p))
        .sum();
    Ok(Value::Array(
        a.wallets
            .iter()
            .map(|(asset, wallet)| {
                let usdt = asset == "USDT";
                let cross = if usdt { *wallet - ex.isolated_total(c.acct) } else { *wallet };
                let avail = if usdt { available } else { *wallet };
                json!({
                    "accountAlias": "SgsR", "asset": asset, "balance": s(*wallet), "crossWalletBalance": s(cross),
                    "crossUnPnl": s(if usdt { cross_un } else { Decimal::ZERO }), "availableBalance": s(avail),
                    "maxWithdrawAmount": s(avail), "marginAvailable": usdt, "updateTime": a.update_time,
                })
            })
            .collect(),
    ))
}

pub(crate) fn account(c: &mut Ctx) -> ApiResult<Value> {
    let ex = &*c.ex;
    let a = &ex.accounts[c.acct];
    let mut positions = Vec::new();
    let (mut total_pos_im, mut total_maint, mut total_un, mut total_cross_un, mut total_order_im) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for st in &ex.symbols {
        let symbol = &st.cfg.symbol;
        let order_im = ex.open_order_margin(c.acct, symbol);
        total_order_im += order_im;
        for &ps in a.position_sides() {
            let pos = a.position(symbol, ps).cloned().unwrap_or_default();
            let un = ex.unrealized(symbol, &pos);
            let pos_im = ex.position_margin(c.acct, symbol, &pos);
            let maint = (pos.amount.abs() * st.mark_price() * crate::engine::maint_rate()).round_dp(8);
            let isolated = a.margin_type_of(symbol) == MarginType::Isolated;
            total_pos_im += pos_im;
            total_maint += maint;
            total_un += un;
            if !isolated {
                total_cross_un += un;
            }
            let lev = a.leverage_of(symbol);
            positions.push(json!({
                "symbol": symbol, "initialMargin": s(pos_im + order_im), "maintMargin": s(maint),
                "unrealizedProfit": s(un), "positionInitialMargin": s(pos_im), "openOrderInitialMargin": s(order_im),
                "leverage": lev.to_string(), "isolated": isolated, "entryPrice": s(pos.entry_price),
                "maxNotional": max_notional(lev).to_string(), "positionSide": ps.as_str(), "positionAmt": s(pos.amount),
                "updateTime": pos.update_time,
            }));
        }
    }
    let wallet = a.usdt();
    let cross_wallet = wallet - ex.isolated_total(c.acct);
    let available = ex.available_balance(c.acct);
    let assets: Vec<Value> = a
        .wallets
        .iter()
        .map(|(asset, w)| {
            let usdt = asset == "USDT";
            let z = Decimal::ZERO;
            json!({
                "asset": asset, "walletBalance": s(*w), "unrealizedProfit": s(if usdt { total_un } else { z }),
                "marginBalance": s(if usdt { *w + total_un } else { *w }), "maintMargin": s(if usdt { total_maint } else { z }),
                "initialMargin": s(if usdt { total_pos_im + total_order_im } else { z }),
                "positionInitialMargin": s(if usdt { total_pos_im } else { z }),
                "openOrderInitialMargin": s(if usdt { total_order_im } else { z }),
                "crossWalletBalance": s(if usdt { cross_wallet } else { *w }), "crossUnPnl": s(if usdt { total_cross_un } else { z }),
                "availableBalance": s(if usdt { available } else { *w }), "maxWithdrawAmount": s(if usdt { available } else { *w }),
                "marginAvailable": usdt, "updateTime": a.update_time,
            })
        })
        .collect();
    Ok(json!({
        "feeTier": 0, "canTrade": true, "canDeposit": true, "canWithdraw": true, "updateTime": a.update_time,
        "totalInitialMargin": s(total_pos_im + total_order_im), "totalMaintMargin": s(total_maint),
        "totalWalletBalance": s(wallet), "totalUnrealizedProfit": s(total_un), "totalMarginBalance": s(wallet + total_un),
        "totalPositionInitialMargin": s(total_pos_im), "totalOpenOrderInitialMargin": s(total_order_im),
        "totalCrossWalletBalance": s(cross_wallet), "totalCrossUnPnl": s(total_cross_un),
        "availableBalance": s(available), "maxWithdrawAmount": s(available),
        "assets": assets, "positions": positions,
    }))
}

pub(crate) fn position_risk(c: &mut Ctx) -> ApiResult<Value> {
    let only = opt_symbol(c)?;
    let ex = &*c.ex;
    let a = &ex.accounts[c.acct];
    let mut out = Vec::new();
    for (i, st) in ex.symbols.iter().enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let symbol = &st.cfg.symbol;
        for &ps in a.position_sides() {
            let pos = a.position(symbol, ps).cloned().unwrap_or_default();
            let lev = a.leverage_of(symbol);
            let mt = a.margin_type_of(symbol);
            let liq = ex.liquidation_price(c.acct, symbol, &pos).unwrap_or_default();
            out.push(json!({
                "entryPrice": s(pos.entry_price), "marginType": mt.lower(), "isAutoAddMargin": "false",
                "isolatedMargin": s(pos.isolated_wallet), "leverage": lev.to_string(), "liquidationPrice": s(liq),
                "markPrice": s(st.mark_price()), "maxNotionalValue": max_notional(lev).to_string(),
                "positionAmt": s(pos.amount), "symbol": symbol, "unRealizedProfit": s(ex.unrealized(symbol, &pos)),
                "positionSide": ps.as_str(), "updateTime": pos.update_time,
            }));
        }
    }
    Ok(Value::Array(out))
}

pub(crate) fn user_trades(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let symbol = c.ex.symbols[sym].cfg.symbol.clone();
    let from = c.p.opt_i64("fromId")?;
    let w = window(c.p)?;
    if from.is_some() && (w.0.is_some() || w.1.is_some()) {
        return Err(ApiError::bad_combo());
    }
    if let (Some(a), Some(b)) = w {
        if b - a > 7 * 86_400_000 {
            return Err(ApiError::interval_too_big(168));
        }
    }
    let limit = limit(c.p, 500, 1000)?;
    let trades: Vec<_> = c.ex.accounts[c.acct]
        .trades
        .iter()
        .filter(|t| t.symbol == symbol && from.is_none_or(|f| t.id >= f) && in_window(t.time, w))
        .collect();
    let picked = if from.is_some() {
        trades.into_iter().take(limit).collect::<Vec<_>>()
    } else {
        trades.into_iter().rev().take(limit).rev().collect()
    };
    Ok(Value::Array(
        picked
            .into_iter()
            .map(|t| json!({
                "buyer": t.side == Side::Buy, "commission": s(t.commission), "commissionAsset": "USDT", "id": t.id,
                "maker": t.maker, "orderId": t.order_id, "price": s(t.price), "qty": s(t.qty), "quoteQty": s(t.price * t.qty),
                "realizedPnl": s(t.realized_pnl), "side": t.side.as_str(), "positionSide": t.position_side.as_str(),
                "symbol": t.symbol, "time": t.time,
            }))
            .collect(),
    ))
}

pub(crate) fn income(c: &mut Ctx) -> ApiResult<Value> {
    let sym = opt_symbol(c)?.map(|i| c.ex.symbols[i].cfg.symbol.clone());
    let kind = c.p.str("incomeType").map(IncomeType::parse).transpose()?;
    let w = window(c.p)?;
    let limit = limit(c.p, 100, 1000)?;
    Ok(Value::Array(
        c.ex.accounts[c.acct]
            .income
            .iter()
            .filter(|r| {
                sym.as_ref().is_none_or(|s_| *s_ == r.symbol)
                    && kind.is_none_or(|k| k == r.kind)
                    && in_window(r.time, w)
            })
            .take(limit)
            .map(|r| {
                json!({
                    "symbol": r.symbol, "incomeType": r.kind.as_str(), "income": s(r.amount), "asset": r.asset,
                    "info": r.info, "time": r.time, "tranId": r.tran_id.to_string(), "tradeId": r.trade_id,
                })
            })
            .collect(),
    ))
}

fn brackets_json(symbol: &str) -> Value {
    let mut floor = 0;
    let brackets: Vec<Value> = BRACKETS
        .iter()
        .enumerate()
        .map(|(i, (cap, lev, mmr, cum))| {
            let v = json!({
                "bracket": i + 1, "initialLeverage": lev, "notionalCap": cap, "notionalFloor": floor,
                "maintMarginRatio": mmr.parse::<f64>().unwrap_or(0.0), "cum": cum.parse::<f64>().unwrap_or(0.0),
            });
            floor = *cap;
            v
        })
        .collect();
    json!({ "symbol": symbol, "brackets": brackets })
}

pub(crate) fn leverage_bracket(c: &mut Ctx) -> ApiResult<Value> {
    one_or_all(c, |ex, i| brackets_json(&ex.symbols[i].cfg.symbol))
}

pub(crate) fn adl_quantile(c: &mut Ctx) -> ApiResult<Value> {
    let only = opt_symbol(c)?;
    let a = &c.ex.accounts[c.acct];
    let mut out = Vec::new();
    for (i, st) in c.ex.symbols.iter().enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let q = |ps: PositionSide| -> i64 {
            a.position(&st.cfg.symbol, ps).map(|p| if p.amount.is_zero() { 0 } else { 1 }).unwrap_or(0)
        };
        let has = a.positions.iter().any(|((s_, _), p)| *s_ == st.cfg.symbol && !p.amount.is_zero());
        if !has && only.is_none() {
            continue;
        }
        out.push(json!({ "symbol": st.cfg.symbol, "adlQuantile": { "LONG": q(PositionSide::Long), "SHORT": q(PositionSide::Short), "BOTH": q(PositionSide::Both) } }));
    }
    Ok(Value::Array(out))
}

pub(crate) fn force_orders(c: &mut Ctx) -> ApiResult<Value> {
    let only = opt_symbol(c)?.map(|i| c.ex.symbols[i].cfg.symbol.clone());
    let adl = match c.p.str("autoCloseType") {
        None | Some("LIQUIDATION") => false,
        Some("ADL") => true,
        Some(_) => return Err(ApiError::invalid_param("autoCloseType")),
    };
    let w = window(c.p)?;
    let n = limit(c.p, 50, 100)?;
    // The sandbox liquidates but never auto-deleverages.
    let list: Vec<Value> = c
        .ex
        .force_orders
        .iter()
        .rev()
        .filter(|f| !adl && f.account == c.acct && only.as_ref().is_none_or(|s| *s == f.symbol) && in_window(f.time, w))
        .take(n)
        .filter_map(|f| c.ex.orders.get(&f.order_id).map(order_json))
        .collect();
    Ok(Value::Array(list))
}

pub(crate) fn commission_rate(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    Ok(
        json!({ "symbol": c.ex.symbols[sym].cfg.symbol, "makerCommissionRate": c.ex.cfg.maker_fee.to_string(), "takerCommissionRate": c.ex.cfg.taker_fee.to_string() }),
    )
}

fn remaining_notional(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let lev = leverage_param(c.p)?;
    let symbol = c.ex.symbols[sym].cfg.symbol.clone();
    let held: Decimal = c.ex.accounts[c.acct]
        .positions
        .iter()
        .filter(|((s_, _), _)| *s_ == symbol)
        .map(|(_, p)| p.amount.abs() * c.ex.mark_of(&symbol))
        .sum();
    let by_margin = c.ex.available_balance(c.acct) * Decimal::from(lev);
    let by_bracket = Decimal::from(max_notional(lev as u32)) - held;
    let remaining = by_margin.min(by_bracket).max(Decimal::ZERO).round_dp(2);
    Ok(json!({ "remainingOpenableNotionalValue": remaining.to_f64().unwrap_or(0.0) }))
}

// ---------------------------------------------------------------------- listen keys

/// A listen key stays valid this long after creation or keepalive.
pub(crate) const LISTEN_KEY_TTL_MS: i64 = 60 * 60_000;

pub(crate) fn listen_key_new(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    let active = c.ex.accounts[c.acct].listen_key.as_ref().filter(|k| k.expires_at > now).map(|k| k.key.clone());
    let key = match active {
        Some(k) => k,
        None => c.ex.random_token(64),
    };
    c.ex.accounts[c.acct].listen_key =
        Some(crate::engine::account::ListenKey { key: key.clone(), expires_at: now + LISTEN_KEY_TTL_MS });
    Ok(json!({ "listenKey": key }))
}

/// The account's live listen key, checked against the one the caller named, if any.
fn live_key(c: &mut Ctx) -> ApiResult<()> {
    let now = c.now;
    let named = c.p.str("listenKey");
    match &c.ex.accounts[c.acct].listen_key {
        Some(k) if k.expires_at > now && named.is_none_or(|n| n == k.key) => Ok(()),
        _ => Err(ApiError::invalid_listen_key()),
    }
}

pub(crate) fn listen_key_keepalive(c: &mut Ctx) -> ApiResult<Value> {
    live_key(c)?;
    let now = c.now;
    if let Some(k) = c.ex.accounts[c.acct].listen_key.as_mut() {
        k.expires_at = now + LISTEN_KEY_TTL_MS;
    }
    Ok(json!({}))
}

pub(crate) fn listen_key_close(c: &mut Ctx) -> ApiResult<Value> {
    live_key(c)?;
    c.ex.accounts[c.acct].listen_key = None;
    Ok(json!({}))
}
