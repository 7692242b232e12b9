//! The prediction market's REST API, on its own host: spot V3's routes (served by the
//! prediction market's spot engine, `Ctx::venue`), with the trading rules and the balance
//! history moved under `/api/v3/prediction/`, orders LIMIT or MARKET only, withdrawals
//! weighing 5, and the outcome token endpoints.

use crate::error::{ApiError, ApiResult};
use crate::prediction::outcomes::Op;
use crate::route;
use crate::routes::spot::{new_order as spot_new_order, trading_rules, transaction_history, SPOT_V3};
use crate::routes::{limit, w1, w30, w5, window, Ctx, Route, Security};
use serde_json::Value;
use std::sync::LazyLock;

const MINT_PARAMS: &[&str] = &["symbol", "quantity", "newClientOrderId"];

/// Every route of the prediction host.
pub static ROUTES: LazyLock<Vec<Route>> = LazyLock::new(|| {
    let moved = ["/api/v3/exchangeInfo", "/api/v3/transactionHistory"];
    let mut routes: Vec<Route> = SPOT_V3
        .iter()
        .filter(|r| !moved.contains(&r.path))
        .map(|r| match (r.method, r.path) {
            ("POST", "/api/v3/order") => Route { handler: new_order, ..*r },
            ("POST", "/api/v3/aster/user-withdraw") => Route { weight: w5, ..*r },
            _ => *r,
        })
        .collect();
    routes.extend([
        route!("GET", "/api/v3/prediction/exchangeInfo", None, &[], w1, exchange_info),
        route!(
            "GET",
            "/api/v3/prediction/transactionHistory",
            Wallet,
            &["asset", "type", "startTime", "endTime", "limit"],
            w30,
            transaction_history
        ),
        route!("POST", "/api/v3/prediction/mint", Wallet, MINT_PARAMS, w1, mint),
        route!("POST", "/api/v3/prediction/burn", Wallet, MINT_PARAMS, w1, burn),
        route!(
            "POST",
            "/api/v3/prediction/split",
            Wallet,
            &["event", "symbol", "quantity", "newClientOrderId"],
            w1,
            split
        ),
        route!("POST", "/api/v3/prediction/merge", Wallet, &["event", "quantity", "newClientOrderId"], w1, merge),
        route!("GET", "/api/v3/prediction/positions", Wallet, &["symbol"], w1, positions),
        route!(
            "GET",
            "/api/v3/prediction/positionHistories",
            Wallet,
            &["symbol", "startTime", "endTime", "limit"],
            w1,
            position_history
        ),
        route!(
            "GET",
            "/api/v3/prediction/settlementHistories",
            Wallet,
            &["symbol", "startTime", "endTime", "limit"],
            w1,
            settlement_history
        ),
    ]);
    routes
});

fn exchange_info(c: &mut Ctx) -> ApiResult<Value> {
    let mut rules = trading_rules(c, &["LIMIT", "MARKET"]);
    rules["predictionEvents"] = Value::Array(c.ex.prediction.events_json(c.now));
    Ok(rules)
}

/// Orders are LIMIT or MARKET, on a market that has not settled.
fn new_order(c: &mut Ctx) -> ApiResult<Value> {
    if !matches!(c.p.req_str("type")?, "LIMIT" | "MARKET") {
        return Err(ApiError::invalid_order_type());
    }
    let (e, m, _) = c.ex.prediction.market_of(c.p.req_str("symbol")?)?;
    if c.ex.prediction.events[e].markets[m].settled() {
        return Err(ApiError::new(400, -2010, "The market has settled."));
    }
    spot_new_order(c)
}

/// The request as an operation: its account, the caller's id (or one made up), a
/// transaction id.
fn op(c: &mut Ctx) -> ApiResult<Op> {
    let tran_id = c.ex.new_tran_id();
    let client_id = match c.p.str("newClientOrderId") {
        Some(id) if crate::engine::client_id_ok(id) => id.to_string(),
        Some(_) => return Err(ApiError::client_order_id_invalid()),
        None => format!("pm-{tran_id}"),
    };
    Ok(Op { acct: c.acct, client_id, tran_id, now: c.now })
}

fn mint(c: &mut Ctx) -> ApiResult<Value> {
    let (symbol, qty) = (c.p.req_str("symbol")?, c.p.req_dec("quantity")?);
    let op = op(c)?;
    c.ex.prediction.mint(op, symbol, qty)
}

fn burn(c: &mut Ctx) -> ApiResult<Value> {
    let (symbol, qty) = (c.p.req_str("symbol")?, c.p.req_dec("quantity")?);
    let op = op(c)?;
    c.ex.prediction.burn(op, symbol, qty)
}

fn split(c: &mut Ctx) -> ApiResult<Value> {
    let (event, symbol, qty) = (c.p.req_str("event")?, c.p.req_str("symbol")?, c.p.req_dec("quantity")?);
    let op = op(c)?;
    c.ex.prediction.split(op, event, symbol, qty)
}

fn merge(c: &mut Ctx) -> ApiResult<Value> {
    let (event, qty) = (c.p.req_str("event")?, c.p.req_dec("quantity")?);
    let op = op(c)?;
    c.ex.prediction.merge(op, event, qty)
}

fn positions(c: &mut Ctx) -> ApiResult<Value> {
    c.ex.prediction.absorb_trades();
    let symbol = c.p.str("symbol");
    if let Some(s) = symbol {
        c.ex.prediction.market.pair_index(s)?;
    }
    Ok(Value::Array(c.ex.prediction.positions(c.acct, symbol)))
}

/// Entries of one account, of a pair, in a window (by `time_key`), newest first.
fn history(c: &Ctx, list: &[(crate::engine::AccountId, Value)], time_key: (&str, &str)) -> ApiResult<Value> {
    let w = window(c.p)?;
    let limit = limit(c.p, 100, 1000)?;
    let symbol = c.p.str("symbol");
    let out: Vec<Value> = list
        .iter()
        .rev()
        .filter(|(a, v)| *a == c.acct && symbol.is_none_or(|s| v["symbol"] == s))
        .filter(|(_, v)| {
            let (start, end) = (v[time_key.0].as_i64().unwrap_or(0), v[time_key.1].as_i64().unwrap_or(0));
            w.0.is_none_or(|from| start >= from) && w.1.is_none_or(|to| end <= to)
        })
        .take(limit)
        .map(|(_, v)| v.clone())
        .collect();
    Ok(Value::Array(out))
}

fn position_history(c: &mut Ctx) -> ApiResult<Value> {
    c.ex.prediction.absorb_trades();
    history(c, &c.ex.prediction.position_history, ("insertTime", "closeTime"))
}

fn settlement_history(c: &mut Ctx) -> ApiResult<Value> {
    history(c, &c.ex.prediction.settlements, ("marketStartTime", "marketEndTime"))
}
