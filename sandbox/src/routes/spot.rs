//! The spot REST API: V1 (`/api/v1/…`, HMAC) and V3 (`/api/v3/…`, API wallet), the
//! same handlers behind both.

use crate::engine::types::{Side, TimeInForce};
use crate::error::{ApiError, ApiResult};
use crate::route;
use crate::routes::withdrawals;
use crate::routes::{
    in_window, limit, s, w1, w20, w30, w5, w_1_or_2, w_1_or_40, w_depth, window, Ctx, Route, Security,
};
use crate::spot::market::{book_side, Candle, NewSpotOrder, SpotKind, SpotOrder};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::sync::LazyLock;

const ORDER_PARAMS: &[&str] =
    &["symbol", "side", "type", "timeInForce", "quantity", "quoteOrderQty", "price", "newClientOrderId", "stopPrice"];
const ID_PARAMS: &[&str] = &["symbol", "orderId", "origClientOrderId"];

pub static SPOT_V1: &[Route] = &[
    route!("GET", "/api/v1/ping", None, &[], w1, |_| Ok(json!({}))),
    route!("GET", "/api/v1/time", None, &[], w1, |c| Ok(json!({ "serverTime": c.now }))),
    route!("GET", "/api/v1/exchangeInfo", None, &[], w1, exchange_info),
    route!("GET", "/api/v1/depth", None, &["symbol", "limit"], w_depth, depth),
    route!("GET", "/api/v1/trades", None, &["symbol", "limit"], w1, trades),
    route!("GET", "/api/v1/historicalTrades", MarketData, &["symbol", "limit", "fromId"], w20, trades),
    route!("GET", "/api/v1/aggTrades", None, &["symbol", "fromId", "startTime", "endTime", "limit"], w20, agg_trades),
    route!("GET", "/api/v1/klines", None, &["symbol", "interval", "startTime", "endTime", "limit"], w1, klines),
    route!("GET", "/api/v1/ticker/24hr", None, &["symbol"], w_1_or_40, ticker_24hr),
    route!("GET", "/api/v1/ticker/price", None, &["symbol"], w_1_or_2, ticker_price),
    route!("GET", "/api/v1/ticker/bookTicker", None, &["symbol"], w_1_or_2, book_ticker),
    route!("GET", "/api/v1/commissionRate", Signed, &["symbol"], w20, commission_rate),
    route!("POST", "/api/v1/order", Signed, ORDER_PARAMS, w1, new_order, orders),
    route!("DELETE", "/api/v1/order", Signed, ID_PARAMS, w1, cancel_order),
    route!("GET", "/api/v1/order", Signed, ID_PARAMS, w1, query_order),
    route!("GET", "/api/v1/openOrder", Signed, ID_PARAMS, w1, open_order),
    route!("GET", "/api/v1/openOrders", Signed, &["symbol"], w_1_or_40, open_orders),
    route!(
        "DELETE",
        "/api/v1/allOpenOrders",
        Signed,
        &["symbol", "orderIdList", "origClientOrderIdList"],
        w1,
        cancel_all
    ),
    route!("GET", "/api/v1/allOrders", Signed, &["symbol", "orderId", "startTime", "endTime", "limit"], w5, all_orders),
    route!(
        "GET",
        "/api/v1/transactionHistory",
        Signed,
        &["asset", "type", "startTime", "endTime", "limit"],
        w30,
        transaction_history
    ),
    route!(
        "POST",
        "/api/v1/asset/wallet/transfer",
        Signed,
        &["amount", "asset", "clientTranId", "kindType"],
        w5,
        |c| { crate::routes::futures_v1::transfer(c) }
    ),
    route!("GET", "/api/v1/aster/withdraw/estimateFee", None, &["chainId", "asset"], w1, withdraw_fee),
    route!(
        "POST",
        "/api/v1/aster/user-withdraw",
        Signed,
        &["chainId", "asset", "amount", "fee", "receiver", "nonce", "userSignature"],
        w1,
        withdrawals::spot_evm
    ),
    route!(
        "POST",
        "/api/v1/aster/user-solana-withdraw",
        Signed,
        withdrawals::SOLANA_PARAMS,
        w1,
        withdrawals::spot_solana
    ),
    route!("GET", "/api/v1/account", Signed, &[], w5, account),
    route!(
        "GET",
        "/api/v1/userTrades",
        Signed,
        &["symbol", "orderId", "startTime", "endTime", "fromId", "limit"],
        w5,
        user_trades
    ),
    route!("POST", "/api/v1/listenKey", UserStream, &[], w1, listen_key_new),
    route!("PUT", "/api/v1/listenKey", UserStream, &["listenKey"], w1, listen_key_keepalive),
    route!("DELETE", "/api/v1/listenKey", UserStream, &["listenKey"], w1, listen_key_close),
];

/// V3: every V1 route under `/api/v3/` with wallet authentication (market data open to
/// all), and `noop`.
pub static SPOT_V3: LazyLock<Vec<Route>> = LazyLock::new(|| {
    let mut routes = vec![route!("POST", "/api/v3/noop", Wallet, &[], w1, |_| Ok(crate::routes::ok()))];
    for r in SPOT_V1 {
        let Some(rest) = r.path.strip_prefix("/api/v1/") else { continue };
        let security = match r.security {
            Security::None | Security::MarketData => Security::None,
            _ => Security::Wallet,
        };
        // V3 signs with its own nonce: the withdrawal's nonce is that one, not a param.
        let params: &'static [&'static str] = if rest == "aster/user-withdraw" {
            &["chainId", "asset", "amount", "fee", "receiver", "userSignature"]
        } else {
            r.params
        };
        // Built once per process, for a bounded table: leaking gives the `&'static str`.
        let path: &'static str = Box::leak(format!("/api/v3/{rest}").into_boxed_str());
        routes.push(Route { path, security, params, ..*r });
    }
    routes
});

fn pair(c: &Ctx) -> ApiResult<usize> {
    c.ex.market(c.venue).pair_index(c.p.req_str("symbol")?)
}

fn one_or_all(c: &Ctx, f: impl Fn(&Ctx, usize) -> Value) -> ApiResult<Value> {
    match c.p.str("symbol") {
        Some(sym) => Ok(f(c, c.ex.market(c.venue).pair_index(sym)?)),
        None => Ok(Value::Array((0..c.ex.market(c.venue).pairs.len()).map(|i| f(c, i)).collect())),
    }
}

pub fn order_json(o: &SpotOrder) -> Value {
    json!({
        "orderId": o.id, "symbol": o.symbol, "status": o.status.as_str(), "clientOrderId": o.client_id,
        "price": s(o.price), "avgPrice": o.avg_price().to_string(), "origQty": s(o.qty), "executedQty": s(o.executed),
        "cumQty": s(o.executed), "cumQuote": s(o.cum_quote), "timeInForce": o.tif.as_str(), "type": o.kind.as_str(),
        "origType": o.orig_kind.as_str(), "side": o.side.as_str(), "stopPrice": s(o.stop_price),
        "time": o.time, "updateTime": o.update_time,
    })
}

fn exchange_info(c: &mut Ctx) -> ApiResult<Value> {
    let kinds: Vec<&str> = SpotKind::ALL.iter().map(|k| k.as_str()).collect();
    Ok(trading_rules(c, &kinds))
}

/// The trading rules of the request's market: rate limits, assets, every pair with its
/// filters and these order types.
pub(crate) fn trading_rules(c: &Ctx, order_types: &[&str]) -> Value {
    let m = c.ex.market(c.venue);
    let symbols: Vec<Value> = m
        .pairs
        .iter()
        .map(|p| {
            let g = &p.cfg;
            json!({
                "symbol": g.symbol, "status": "TRADING", "baseAsset": g.base_asset, "quoteAsset": g.quote_asset,
                "pricePrecision": g.price_precision(), "quantityPrecision": g.quantity_precision(),
                "baseAssetPrecision": 8, "quotePrecision": 8,
                "filters": [
                    { "filterType": "PRICE_FILTER", "minPrice": g.min_price.to_string(), "maxPrice": g.max_price.to_string(), "tickSize": g.tick_size.to_string() },
                    { "filterType": "LOT_SIZE", "minQty": g.min_qty.to_string(), "maxQty": g.max_qty.to_string(), "stepSize": g.step_size.to_string() },
                    { "filterType": "MARKET_LOT_SIZE", "minQty": g.min_qty.to_string(), "maxQty": g.market_max_qty.to_string(), "stepSize": g.step_size.to_string() },
                    { "filterType": "MAX_NUM_ORDERS", "limit": g.max_num_orders },
                    { "filterType": "MIN_NOTIONAL", "minNotional": g.min_notional.to_string() },
                    { "filterType": "PERCENT_PRICE", "multiplierUp": g.multiplier_up.to_string(), "multiplierDown": g.multiplier_down.to_string(), "multiplierDecimal": "4" },
                ],
                "orderTypes": order_types,
                "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
                "ocoAllowed": false,
            })
        })
        .collect();
    let mut assets: Vec<&str> =
        m.pairs.iter().flat_map(|p| [p.cfg.base_asset.as_str(), p.cfg.quote_asset.as_str()]).collect();
    assets.sort();
    assets.dedup();
    json!({
        "timezone": "UTC",
        "serverTime": c.now,
        "rateLimits": crate::routes::rate_limits_json(&c.ex.cfg),
        "exchangeFilters": [],
        "assets": assets.iter().map(|a| json!({ "asset": a })).collect::<Vec<_>>(),
        "symbols": symbols,
    })
}

fn depth(c: &mut Ctx) -> ApiResult<Value> {
    let pi = pair(c)?;
    let levels = match c.p.str("limit") {
        None => 100,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if [5, 10, 20, 50, 100, 500, 1000].contains(&n) => n,
            _ => return Err(ApiError::invalid_depth_limit(v)),
        },
    };
    let side = |side| -> Vec<Value> {
        book_side(c.ex.market(c.venue), pi, side, levels)
            .into_iter()
            .map(|(p, q)| json!([p.to_string(), q.to_string()]))
            .collect()
    };
    Ok(json!({ "lastUpdateId": c.ex.market(c.venue).pairs[pi].book.update_id, "E": c.now, "T": c.now,
        "bids": side(Side::Buy), "asks": side(Side::Sell) }))
}

fn trades(c: &mut Ctx) -> ApiResult<Value> {
    let pi = pair(c)?;
    let limit = limit(c.p, 500, 1000)?;
    let from = c.p.opt_i64("fromId")?;
    let all = &c.ex.market(c.venue).pairs[pi].trades;
    let picked: Vec<_> = match from {
        Some(f) => all.iter().filter(|t| t.id >= f).take(limit).collect(),
        None => all.iter().rev().take(limit).rev().collect(),
    };
    // Spot's `qty` is the quote amount; `baseQty` the base quantity.
    Ok(Value::Array(
        picked
            .into_iter()
            .map(|t| json!({ "id": t.id, "price": s(t.price), "qty": s(t.price * t.qty), "baseQty": s(t.qty), "time": t.time, "isBuyerMaker": t.buyer_maker }))
            .collect(),
    ))
}

fn agg_trades(c: &mut Ctx) -> ApiResult<Value> {
    let pi = pair(c)?;
    let limit = limit(c.p, 500, 1000)?;
    let from = c.p.opt_i64("fromId")?;
    let w = window(c.p)?;
    let all =
        c.ex.market(c.venue).pairs[pi].trades.iter().filter(|t| in_window(t.time, w) && from.is_none_or(|f| t.id >= f));
    let picked: Vec<_> = all.collect();
    let start = if from.is_some() { 0 } else { picked.len().saturating_sub(limit) };
    Ok(Value::Array(
        picked[start..]
            .iter()
            .take(limit)
            .map(|t| json!({ "a": t.id, "p": s(t.price), "q": s(t.qty), "f": t.id, "l": t.id, "T": t.time, "m": t.buyer_maker }))
            .collect(),
    ))
}

fn klines(c: &mut Ctx) -> ApiResult<Value> {
    let pi = pair(c)?;
    let interval = c.venue.interval(c.p.req_str("interval")?)?;
    let limit = limit(c.p, 500, 1500)?;
    let w = window(c.p)?;
    let mut by_open: std::collections::BTreeMap<i64, Vec<&crate::spot::market::SpotTrade>> = Default::default();
    for t in c.ex.market(c.venue).pairs[pi].trades.iter().filter(|t| in_window(t.time, w)) {
        by_open.entry(interval.open_time(t.time)).or_default().push(t);
    }
    let rows: Vec<Value> = by_open
        .iter()
        .rev()
        .take(limit)
        .rev()
        .map(|(open, ts)| {
            let k = Candle::of(ts.iter().copied(), Decimal::ZERO);
            json!([
                open,
                s(k.open),
                s(k.high),
                s(k.low),
                s(k.close),
                s(k.volume),
                open + interval.millis() - 1,
                s(k.quote_volume),
                k.count,
                s(k.taker_buy_volume),
                s(k.taker_buy_quote)
            ])
        })
        .collect();
    Ok(Value::Array(rows))
}

fn ticker(c: &Ctx, pi: usize) -> Value {
    let p = &c.ex.market(c.venue).pairs[pi];
    let d = c.ex.market(c.venue).day(pi, c.now);
    let change = d.close - d.open;
    let pct = if d.open.is_zero() { Decimal::ZERO } else { (change / d.open * Decimal::from(100)).round_dp(3) };
    let bid = book_side(c.ex.market(c.venue), pi, Side::Buy, 1).first().copied().unwrap_or_default();
    let ask = book_side(c.ex.market(c.venue), pi, Side::Sell, 1).first().copied().unwrap_or_default();
    json!({
        "symbol": p.cfg.symbol, "priceChange": s(change), "priceChangePercent": pct.to_string(),
        "weightedAvgPrice": s(if d.volume.is_zero() { d.close } else { d.quote_volume / d.volume }),
        "prevClosePrice": s(d.open), "lastPrice": s(d.close), "lastQty": s(d.last_qty),
        "bidPrice": s(bid.0), "bidQty": s(bid.1), "askPrice": s(ask.0), "askQty": s(ask.1),
        "openPrice": s(d.open), "highPrice": s(d.high), "lowPrice": s(d.low), "volume": s(d.volume),
        "quoteVolume": s(d.quote_volume), "openTime": c.now - 86_400_000, "closeTime": c.now,
        "firstId": d.first_id, "lastId": d.last_id, "count": d.count,
        "baseAsset": p.cfg.base_asset, "quoteAsset": p.cfg.quote_asset,
    })
}

fn ticker_24hr(c: &mut Ctx) -> ApiResult<Value> {
    one_or_all(c, ticker)
}

fn ticker_price(c: &mut Ctx) -> ApiResult<Value> {
    one_or_all(c, |c, i| {
        let p = &c.ex.market(c.venue).pairs[i];
        json!({ "symbol": p.cfg.symbol, "price": s(p.last_price), "time": c.now })
    })
}

fn book_ticker(c: &mut Ctx) -> ApiResult<Value> {
    one_or_all(c, |c, i| {
        let bid = book_side(c.ex.market(c.venue), i, Side::Buy, 1).first().copied().unwrap_or_default();
        let ask = book_side(c.ex.market(c.venue), i, Side::Sell, 1).first().copied().unwrap_or_default();
        json!({ "symbol": c.ex.market(c.venue).pairs[i].cfg.symbol, "bidPrice": s(bid.0), "bidQty": s(bid.1),
            "askPrice": s(ask.0), "askQty": s(ask.1), "time": c.now })
    })
}

fn commission_rate(c: &mut Ctx) -> ApiResult<Value> {
    let pi = pair(c)?;
    Ok(json!({ "symbol": c.ex.market(c.venue).pairs[pi].cfg.symbol,
        "makerCommissionRate": c.ex.market(c.venue).maker_fee.to_string(), "takerCommissionRate": c.ex.market(c.venue).taker_fee.to_string() }))
}

pub(crate) fn new_order(c: &mut Ctx) -> ApiResult<Value> {
    let p = c.p;
    let req = NewSpotOrder {
        symbol: p.req_str("symbol")?.to_string(),
        side: Side::parse(p.req_str("side")?)?,
        kind: SpotKind::parse(p.req_str("type")?)?,
        tif: p.str("timeInForce").map(TimeInForce::parse).transpose()?,
        qty: p.opt_dec("quantity")?,
        quote_qty: p.opt_dec("quoteOrderQty")?,
        price: p.opt_dec("price")?,
        stop_price: p.opt_dec("stopPrice")?,
        client_id: p.str("newClientOrderId").map(str::to_string),
    };
    let id = c.ex.market_mut(c.venue).place(c.acct, req, c.now)?;
    Ok(order_json(&c.ex.market(c.venue).orders[&id]))
}

fn lookup(c: &Ctx) -> ApiResult<SpotOrder> {
    let pi = pair(c)?;
    let id = c.p.opt_i64("orderId")?;
    let cid = c.p.str("origClientOrderId");
    if id.is_none() && cid.is_none() {
        return Err(ApiError::either("orderId", "origClientOrderId"));
    }
    c.ex.market(c.venue)
        .find(c.acct, &c.ex.market(c.venue).pairs[pi].cfg.symbol, id, cid)
        .cloned()
        .ok_or_else(ApiError::no_such_order)
}

fn query_order(c: &mut Ctx) -> ApiResult<Value> {
    lookup(c).map(|o| order_json(&o))
}

fn open_order(c: &mut Ctx) -> ApiResult<Value> {
    let o = lookup(c)?;
    if !o.status.is_open() {
        return Err(ApiError::no_such_order());
    }
    Ok(order_json(&o))
}

fn cancel_order(c: &mut Ctx) -> ApiResult<Value> {
    let o = lookup(c).map_err(|_| ApiError::unknown_order())?;
    c.ex.market_mut(c.venue).cancel(o.id, c.now).map(|o| order_json(&o))
}

/// A list param sent as a JSON array (`[1,2]`) or comma-separated.
fn list_param(c: &Ctx, name: &str) -> ApiResult<Option<Vec<String>>> {
    let Some(raw) = c.p.str(name) else { return Ok(None) };
    let items: Vec<String> = match serde_json::from_str::<Vec<Value>>(raw) {
        Ok(v) => v.iter().map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string())).collect(),
        Err(_) => raw.split(',').map(|x| x.trim().trim_matches('"').to_string()).collect(),
    };
    if items.iter().any(String::is_empty) {
        return Err(ApiError::invalid_param(name));
    }
    Ok(Some(items))
}

fn cancel_all(c: &mut Ctx) -> ApiResult<Value> {
    let pi = pair(c)?;
    let symbol = c.ex.market(c.venue).pairs[pi].cfg.symbol.clone();
    let ids = list_param(c, "orderIdList")?;
    let cids = list_param(c, "origClientOrderIdList")?;
    let targets: Vec<i64> =
        c.ex.market(c.venue)
            .open_orders(c.acct)
            .filter(|o| o.symbol == symbol)
            .filter(|o| match (&ids, &cids) {
                (None, None) => true,
                _ => {
                    ids.as_ref().is_some_and(|l| l.contains(&o.id.to_string()))
                        || cids.as_ref().is_some_and(|l| l.contains(&o.client_id))
                }
            })
            .map(|o| o.id)
            .collect();
    for id in targets {
        c.ex.market_mut(c.venue).cancel(id, c.now)?;
    }
    Ok(json!({ "code": 200, "msg": "The operation of cancel all open order is done." }))
}

fn sorted(mut v: Vec<&SpotOrder>) -> Vec<&SpotOrder> {
    v.sort_by_key(|o| o.id);
    v
}

fn open_orders(c: &mut Ctx) -> ApiResult<Value> {
    let only = c.p.str("symbol").map(|s| c.ex.market(c.venue).pair_index(s)).transpose()?;
    let symbol = only.map(|i| c.ex.market(c.venue).pairs[i].cfg.symbol.clone());
    let list = sorted(
        c.ex.market(c.venue).open_orders(c.acct).filter(|o| symbol.as_ref().is_none_or(|s| &o.symbol == s)).collect(),
    );
    Ok(Value::Array(list.into_iter().map(order_json).collect()))
}

fn all_orders(c: &mut Ctx) -> ApiResult<Value> {
    let pi = pair(c)?;
    let symbol = c.ex.market(c.venue).pairs[pi].cfg.symbol.clone();
    let from = c.p.opt_i64("orderId")?;
    let limit = limit(c.p, 500, 1000)?;
    let w = window(c.p)?;
    let list = sorted(
        c.ex.market(c.venue)
            .orders
            .values()
            .filter(|o| o.account == c.acct && o.symbol == symbol && in_window(o.time, w))
            .filter(|o| from.is_none_or(|f| o.id >= f))
            .collect(),
    );
    Ok(Value::Array(list.into_iter().take(limit).map(order_json).collect()))
}

pub(crate) fn transaction_history(c: &mut Ctx) -> ApiResult<Value> {
    let asset = c.p.str("asset");
    let kind = c.p.str("type");
    let limit = match c.p.opt_i64("limit")? {
        None => 100,
        Some(n) if (1..=1000).contains(&n) => n as usize,
        Some(_) => return Err(ApiError::invalid_param("limit")),
    };
    let w = window(c.p)?;
    let list: Vec<Value> =
        c.ex.market(c.venue)
            .transactions
            .iter()
            .filter(|t| t.account == c.acct && in_window(t.time, w))
            .filter(|t| asset.is_none_or(|a| a == t.asset) && kind.is_none_or(|k| k == t.kind))
            .rev()
            .take(limit)
            .map(|t| {
                json!({ "tranId": t.tran_id, "tradeId": t.trade_id, "asset": t.asset, "symbol": t.symbol,
            "balanceDelta": s(t.delta), "balanceInfo": t.kind, "time": t.time, "type": t.kind })
            })
            .collect();
    Ok(Value::Array(list))
}

fn withdraw_fee(c: &mut Ctx) -> ApiResult<Value> {
    withdrawals::chain_name(c.p.req_str("chainId")?)?;
    let asset = c.p.req_str("asset")?;
    if !c.ex.market(c.venue).pairs.iter().any(|p| p.cfg.base_asset == asset || p.cfg.quote_asset == asset) {
        return Err(ApiError::new(400, -1108, "Invalid asset."));
    }
    let price =
        c.ex.market(c.venue)
            .pairs
            .iter()
            .find(|p| p.cfg.base_asset == asset)
            .map(|p| p.last_price)
            .unwrap_or(Decimal::ONE);
    let gas = withdrawals::gas_cost(asset);
    Ok(json!({ "tokenPrice": price, "gasCost": gas, "gasUsdValue": (gas * price).round_dp(8) }))
}

fn account(c: &mut Ctx) -> ApiResult<Value> {
    let balances: Vec<Value> =
        c.ex.market(c.venue)
            .balances_of(c.acct)
            .map(|(asset, b)| json!({ "asset": asset, "free": s(b.free), "locked": s(b.locked) }))
            .collect();
    Ok(json!({ "feeTier": 0, "canTrade": true, "canDeposit": true, "canWithdraw": true, "canBurnAsset": false,
        "updateTime": c.now, "balances": balances }))
}

fn user_trades(c: &mut Ctx) -> ApiResult<Value> {
    let symbol =
        c.p.str("symbol")
            .map(|s| c.ex.market(c.venue).pair_index(s))
            .transpose()?
            .map(|i| c.ex.market(c.venue).pairs[i].cfg.symbol.clone());
    let order = c.p.opt_i64("orderId")?;
    if order.is_some() && symbol.is_none() {
        return Err(ApiError::mandatory("symbol"));
    }
    let from = c.p.opt_i64("fromId")?;
    let w = window(c.p)?;
    if from.is_some() && (w.0.is_some() || w.1.is_some()) {
        return Err(ApiError::bad_combo());
    }
    let limit = limit(c.p, 500, 1000)?;
    let list: Vec<Value> =
        c.ex.market(c.venue)
            .user_trades
            .iter()
            .filter(|t| t.account == c.acct && in_window(t.time, w))
            .filter(|t| symbol.as_ref().is_none_or(|s| &t.symbol == s) && order.is_none_or(|o| o == t.order_id))
            .filter(|t| from.is_none_or(|f| t.id >= f))
            .take(limit)
            .map(|t| {
                json!({ "symbol": t.symbol, "id": t.id, "orderId": t.order_id, "side": t.side.as_str(),
            "price": s(t.price), "qty": s(t.qty), "quoteQty": s(t.qty * t.price), "commission": s(t.commission),
            "commissionAsset": t.commission_asset, "time": t.time, "counterpartyId": t.counterparty,
            "createUpdateId": null, "maker": t.maker, "buyer": t.side == Side::Buy })
            })
            .collect();
    Ok(Value::Array(list))
}

fn listen_key_new(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    let active = c.ex.market(c.venue).listen_keys.get(&c.acct).filter(|k| k.expires_at > now).map(|k| k.key.clone());
    let key = match active {
        Some(k) => k,
        None => c.ex.random_token(64),
    };
    let ttl = crate::routes::LISTEN_KEY_TTL_MS;
    c.ex.market_mut(c.venue)
        .listen_keys
        .insert(c.acct, crate::engine::account::ListenKey { key: key.clone(), expires_at: now + ttl });
    Ok(json!({ "listenKey": key }))
}

/// The account's live spot listen key, which the request must name.
fn live_key(c: &Ctx) -> ApiResult<()> {
    let named = c.p.req_str("listenKey")?;
    match c.ex.market(c.venue).listen_keys.get(&c.acct) {
        Some(k) if k.expires_at > c.now && named == k.key => Ok(()),
        _ => Err(ApiError::invalid_listen_key()),
    }
}

fn listen_key_keepalive(c: &mut Ctx) -> ApiResult<Value> {
    live_key(c)?;
    let until = c.now + crate::routes::LISTEN_KEY_TTL_MS;
    if let Some(k) = c.ex.market_mut(c.venue).listen_keys.get_mut(&c.acct) {
        k.expires_at = until;
    }
    Ok(json!({}))
}

fn listen_key_close(c: &mut Ctx) -> ApiResult<Value> {
    live_key(c)?;
    c.ex.market_mut(c.venue).listen_keys.remove(&c.acct);
    Ok(json!({}))
}
