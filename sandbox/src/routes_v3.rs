//! The futures V3 REST API (`/fapi/v3/…`): the V1 endpoints under V3 paths and V3
//! authentication, and the V3-only ones. Handlers shared with V1 live in `routes`.

use crate::engine::mmp::{MmpConfig, MmpState};
use crate::engine::strategy::{Strategy, SubOrder, Trigger};
use crate::engine::types::{StpMode, StrategyAction, StrategyEvent, StrategyType};
use crate::error::{ApiError, ApiResult};
use crate::route;
use crate::routes::*;
use serde_json::{json, Value};
use std::sync::LazyLock;

fn w50(_: &crate::params::Params) -> u64 {
    50
}

/// V1's order params plus V3's peg and self-trade prevention.
const ORDER_PARAMS_V3: [&str; 19] = [
    "symbol",
    "side",
    "positionSide",
    "type",
    "timeInForce",
    "quantity",
    "reduceOnly",
    "price",
    "newClientOrderId",
    "stopPrice",
    "closePosition",
    "activationPrice",
    "callbackRate",
    "workingType",
    "priceProtect",
    "newOrderRespType",
    "pegPriceType",
    "pegOffset",
    "stpMode",
];

/// V3's routes: those that exist only in V3 (or take other params there), then every V1
/// route carried over under its V3 path with V3 authentication.
pub static ROUTES_V3: LazyLock<Vec<Route>> = LazyLock::new(|| {
    let mut routes: Vec<Route> = V3_ONLY.to_vec();
    for r in crate::routes::ROUTES {
        let Some(path) = v3_path(r.path) else { continue };
        if routes.iter().any(|v| v.method == r.method && v.path == path) {
            continue;
        }
        let security = match r.security {
            // V3 market data needs no credentials; everything keyed is wallet-signed.
            Security::None | Security::MarketData => Security::None,
            _ => Security::Wallet,
        };
        // Built once per process, for a bounded table: leaking gives the `&'static str`.
        let path: &'static str = Box::leak(path.into_boxed_str());
        routes.push(Route { path, security, ..*r });
    }
    routes
});

/// The V3 path of a V1 route, `None` for the V1 routes V3 dropped.
fn v3_path(v1: &str) -> Option<String> {
    match v1 {
        "/fapi/v1/remainingOpenableNotionalValue" => None,
        "/fapi/v4/account" => Some("/fapi/v3/accountWithJoinMargin".into()),
        _ => {
            let rest = v1.strip_prefix("/fapi/v")?.split_once('/')?.1;
            Some(format!("/fapi/v3/{rest}"))
        }
    }
}

static V3_ONLY: &[Route] = &[
    route!("POST", "/fapi/v3/noop", Wallet, &[], w1, |_| Ok(ok())),
    route!("GET", "/fapi/v3/indexreferences", None, &["symbol"], w1, index_references),
    route!("POST", "/fapi/v3/stpMode", Wallet, &["stpMode"], w1, change_stp_mode),
    route!("GET", "/fapi/v3/stpMode", Wallet, &[], w30, |c| Ok(
        json!({ "stpMode": c.ex.accounts[c.acct].stp_mode.as_str() })
    )),
    route!("POST", "/fapi/v3/order", Wallet, &ORDER_PARAMS_V3, w1, new_order_v3, orders),
    route!(
        "PUT",
        "/fapi/v3/order",
        Wallet,
        &["symbol", "orderId", "origClientOrderId", "quantity", "price"],
        w1,
        modify_order,
        orders
    ),
    route!(
        "POST",
        "/fapi/v3/mmp",
        Wallet,
        &["symbol", "windowTimeInMilliseconds", "frozenTimeInMilliseconds", "qtyLimit", "valueLimit", "deltaLimit"],
        w1,
        update_mmp
    ),
    route!("GET", "/fapi/v3/mmp", Wallet, &["symbol"], w1, get_mmp),
    route!("DELETE", "/fapi/v3/mmp", Wallet, &["symbol"], w1, delete_mmp),
    route!("POST", "/fapi/v3/mmpReset", Wallet, &["symbol"], w1, reset_mmp),
    route!(
        "POST",
        "/fapi/v3/placeStrategyOrder",
        Wallet,
        &["clientStrategyId", "strategyType", "subOrderList", "builder", "feeRate"],
        w50,
        place_strategy,
        orders
    ),
    route!(
        "POST",
        "/fapi/v3/updateStrategyOrder",
        Wallet,
        &["strategyId", "strategyType", "subOrderList"],
        w50,
        update_strategy
    ),
    route!(
        "GET",
        "/fapi/v3/strategyOpenOrder",
        Wallet,
        &["strategyId", "clientStrategyId", "strategyType"],
        w5,
        strategy_open
    ),
    route!(
        "GET",
        "/fapi/v3/strategyHistoryOrder",
        Wallet,
        &["strategyId", "clientStrategyId", "strategyType", "startTime", "endTime", "limit"],
        w5,
        strategy_history
    ),
    route!("GET", "/fapi/v3/getSubAccountList", Wallet, &[], w5, sub_account_list),
    route!("GET", "/fapi/v3/announcement/direct", Wallet, &["page", "size"], w1, |_| Ok(
        json!({ "total": 0, "rows": [] })
    )),
    route!("GET", "/fapi/v3/announcement/directById", Wallet, &["id"], w1, |c| {
        c.p.req_i64("id")?;
        Err(ApiError::new(400, -1000, "Announcement not found."))
    }),
];

fn new_order_v3(c: &mut Ctx) -> ApiResult<Value> {
    let p = c.p;
    let mut req = parse_new_order(&|k| p.str(k).map(str::to_string))?;
    check_resp_type(p.str("newOrderRespType"))?;
    req.stp_mode = p.str("stpMode").map(StpMode::parse).transpose()?;
    match p.str("pegPriceType") {
        Some(peg) => {
            if req.kind != crate::engine::types::OrderType::Limit {
                return Err(ApiError::invalid_param("pegPriceType"));
            }
            req.price = Some(c.ex.peg_price(&req.symbol, req.side, peg, p.opt_dec("pegOffset")?)?);
        }
        None if p.has("pegOffset") => return Err(ApiError::param_not_required("pegOffset")),
        None => {}
    }
    let id = c.ex.place(c.acct, req, c.now)?;
    Ok(order_json(&c.ex.orders[&id]))
}

fn change_stp_mode(c: &mut Ctx) -> ApiResult<Value> {
    c.ex.accounts[c.acct].stp_mode = StpMode::parse(c.p.req_str("stpMode")?)?;
    Ok(ok())
}

/// Changes an open LIMIT order's quantity and price: the order keeps its id, loses its
/// queue place, and may trade at once at the new price.
fn modify_order(c: &mut Ctx) -> ApiResult<Value> {
    let order = lookup(c)?.ok_or_else(ApiError::unknown_order)?;
    if order.account != c.acct || !order.in_book() {
        return Err(ApiError::unknown_order());
    }
    if order.kind != crate::engine::types::OrderType::Limit {
        return Err(ApiError::invalid_order_type());
    }
    let qty = c.p.req_dec("quantity")?;
    let price = c.p.req_dec("price")?;
    c.ex.modify(order.id, qty, price, c.now)?;
    let updated = c.ex.orders.get(&order.id).ok_or_else(ApiError::unknown_order)?;
    Ok(order_json(updated))
}

fn index_references(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let name = c.ex.symbols[sym].cfg.symbol.clone();
    let base = c.ex.symbols[sym].cfg.base_asset.clone();
    // The sandbox's index is its own price process; show it as three equal sources.
    Ok(json!({
        "symbol": name,
        "time": c.now,
        "references": [
            { "exchange": "sandbox-a", "symbol": name, "weight": "0.33333334" },
            { "exchange": "sandbox-b", "symbol": format!("{base}-USDT"), "weight": "0.33333333" },
            { "exchange": "sandbox-c", "symbol": format!("{base}_USDT"), "weight": "0.33333333" },
        ]
    }))
}

fn mmp_limits(c: &Ctx) -> ApiResult<(String, MmpConfig)> {
    let sym = symbol(c, "symbol")?;
    let window_ms = c.p.req_i64("windowTimeInMilliseconds")?;
    let frozen_ms = c.p.req_i64("frozenTimeInMilliseconds")?;
    if window_ms <= 0 {
        return Err(ApiError::invalid_param("windowTimeInMilliseconds"));
    }
    if frozen_ms < 0 {
        return Err(ApiError::invalid_param("frozenTimeInMilliseconds"));
    }
    let limit = |key: &str| -> ApiResult<Option<i64>> {
        match c.p.opt_i64(key)? {
            Some(v) if v <= 0 => Err(ApiError::invalid_param(key)),
            v => Ok(v),
        }
    };
    let config = MmpConfig {
        window_ms,
        frozen_ms,
        qty_limit: limit("qtyLimit")?,
        value_limit: limit("valueLimit")?,
        delta_limit: limit("deltaLimit")?,
    };
    Ok((c.ex.symbols[sym].cfg.symbol.clone(), config))
}

fn mmp_json(symbol: &str, c: &MmpConfig) -> Value {
    let mut v = json!({
        "symbol": symbol,
        "windowTimeInMilliseconds": c.window_ms,
        "frozenTimeInMilliseconds": c.frozen_ms,
    });
    for (key, limit) in [("qtyLimit", c.qty_limit), ("valueLimit", c.value_limit), ("deltaLimit", c.delta_limit)] {
        if let Some(l) = limit {
            v[key] = json!(l);
        }
    }
    v
}

fn update_mmp(c: &mut Ctx) -> ApiResult<Value> {
    let (symbol, config) = mmp_limits(c)?;
    c.ex.accounts[c.acct].mmp.insert(symbol, MmpState::new(config));
    Ok(json!(true))
}

fn get_mmp(c: &mut Ctx) -> ApiResult<Value> {
    let only = opt_symbol(c)?.map(|i| c.ex.symbols[i].cfg.symbol.clone());
    let acct = &c.ex.accounts[c.acct];
    let list: Vec<Value> = acct
        .mmp
        .iter()
        .filter(|(s, _)| only.as_ref().is_none_or(|o| o == *s))
        .map(|(s, state)| mmp_json(s, &state.config))
        .collect();
    Ok(json!(list))
}

fn mmp_symbol(c: &Ctx) -> ApiResult<String> {
    let sym = symbol(c, "symbol")?;
    let name = c.ex.symbols[sym].cfg.symbol.clone();
    if !c.ex.accounts[c.acct].mmp.contains_key(&name) {
        return Err(ApiError::new(400, -1000, "MMP is not set for this symbol."));
    }
    Ok(name)
}

fn delete_mmp(c: &mut Ctx) -> ApiResult<Value> {
    let name = mmp_symbol(c)?;
    c.ex.accounts[c.acct].mmp.remove(&name);
    Ok(json!(true))
}

fn reset_mmp(c: &mut Ctx) -> ApiResult<Value> {
    let name = mmp_symbol(c)?;
    if let Some(state) = c.ex.accounts[c.acct].mmp.get_mut(&name) {
        state.reset();
    }
    Ok(json!(true))
}

fn sub_account_list(c: &mut Ctx) -> ApiResult<Value> {
    // The sandbox has no sub-accounts yet: the main account alone.
    Ok(json!([{ "accountId": c.acct, "subAccountName": "", "parentAccount": true }]))
}

// ---------------------------------------------------------------------- strategy orders

const SUB_ORDER_KEYS: [&str; 23] = [
    "strategySubId",
    "securityType",
    "symbol",
    "side",
    "positionSide",
    "type",
    "quantity",
    "price",
    "stopPrice",
    "timeInForce",
    "workingType",
    "reduceOnly",
    "closePosition",
    "priceProtect",
    "clientOrderId",
    "activationPrice",
    "callbackRate",
    "firstDrivenId",
    "firstDrivenOn",
    "firstTrigger",
    "secondDrivenId",
    "secondDrivenOn",
    "secondTrigger",
];

type Fields = serde_json::Map<String, Value>;

fn sub_order_list(c: &Ctx) -> ApiResult<Vec<Fields>> {
    let raw = c.p.req_str("subOrderList")?;
    let list: Vec<Fields> = serde_json::from_str(raw).map_err(|_| ApiError::invalid_param("subOrderList"))?;
    for item in &list {
        if let Some(k) = item.keys().find(|k| !SUB_ORDER_KEYS.contains(&k.as_str())) {
            return Err(ApiError::unknown_param(k));
        }
    }
    Ok(list)
}

fn field(item: &Fields, k: &str) -> Option<String> {
    match item.get(k)? {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The sub-order's 1-based position, which `strategySubId` must state.
fn sub_index(item: &Fields, position: Option<usize>) -> ApiResult<usize> {
    let id: usize = field(item, "strategySubId")
        .ok_or_else(|| ApiError::mandatory("strategySubId"))?
        .parse()
        .map_err(|_| ApiError::invalid_param("strategySubId"))?;
    match position {
        Some(p) if id != p + 1 => Err(ApiError::invalid_param("strategySubId")),
        _ if id == 0 => Err(ApiError::invalid_param("strategySubId")),
        _ => Ok(id - 1),
    }
}

fn triggers(item: &Fields) -> ApiResult<Vec<Trigger>> {
    let mut out = Vec::new();
    for (id, on, action) in
        [("firstDrivenId", "firstDrivenOn", "firstTrigger"), ("secondDrivenId", "secondDrivenOn", "secondTrigger")]
    {
        let Some(driver) = field(item, id).filter(|d| !d.is_empty() && d != "0") else { continue };
        let driver: usize = driver.parse().map_err(|_| ApiError::invalid_param(id))?;
        let on = StrategyEvent::parse(&field(item, on).ok_or_else(|| ApiError::mandatory(on))?)?;
        let action = StrategyAction::parse(&field(item, action).ok_or_else(|| ApiError::mandatory(action))?)?;
        if driver == 0 {
            return Err(ApiError::invalid_param(id));
        }
        out.push(Trigger { driven_by: driver - 1, on, action, fired: false });
    }
    Ok(out)
}

fn sub_order(item: &Fields) -> ApiResult<SubOrder> {
    // Sub-orders name their client id `clientOrderId`; orders call it `newClientOrderId`.
    let get = |k: &str| if k == "newClientOrderId" { field(item, "clientOrderId") } else { field(item, k) };
    Ok(SubOrder {
        req: parse_new_order(&get)?,
        security_type: field(item, "securityType").ok_or_else(|| ApiError::mandatory("securityType"))?,
        triggers: triggers(item)?,
        order_id: None,
        dropped: false,
        trigger_time: 0,
    })
}

fn place_strategy(c: &mut Ctx) -> ApiResult<Value> {
    let kind = StrategyType::parse(c.p.req_str("strategyType")?)?;
    let mut subs = Vec::new();
    for (i, item) in sub_order_list(c)?.iter().enumerate() {
        sub_index(item, Some(i))?;
        subs.push(sub_order(item)?);
    }
    if let Some(rate) = c.p.opt_dec("feeRate")? {
        if rate.is_sign_negative() {
            return Err(ApiError::invalid_param("feeRate"));
        }
    }
    let client_id = c.p.str("clientStrategyId").map(str::to_string);
    let id = c.ex.place_strategy(c.acct, client_id, kind, subs, c.now)?;
    let s = &c.ex.strategies.by_id[&id];
    Ok(json!({
        "strategyId": s.id,
        "clientStrategyId": s.client_id,
        "strategyType": s.kind.as_str(),
        "strategyStatus": s.status(),
        "updateTime": s.update_time,
        "failureCode": 0,
        "failureReason": "",
    }))
}

fn update_strategy(c: &mut Ctx) -> ApiResult<Value> {
    let id = c.p.req_i64("strategyId")?;
    let kind = StrategyType::parse(c.p.req_str("strategyType")?)?;
    let items = sub_order_list(c)?;
    let s = c.ex.strategies.by_id.get(&id).filter(|s| s.account == c.acct && s.kind == kind);
    let s = s.ok_or_else(ApiError::no_such_order)?.clone();
    let mut out = Vec::new();
    for item in &items {
        let i = sub_index(item, None)?;
        let sub = s.subs.get(i).ok_or_else(|| ApiError::invalid_param("strategySubId"))?;
        let result = update_sub(c, id, i, sub, item);
        let (status, code, reason) = match &result {
            Ok(()) => ("SUCCESS", 0, String::new()),
            Err(e) => ("FAILED", e.code, e.msg.clone()),
        };
        let s = &c.ex.strategies.by_id[&id];
        out.push(json!({
            "strategyId": s.id,
            "clientStrategyId": s.client_id,
            "strategyType": s.kind.as_str(),
            "strategyStatus": s.status(),
            "updatedSubOrder": i + 1,
            "updateStatus": status,
            "updateTime": s.update_time,
            "failureCode": code,
            "failureReason": reason,
        }));
    }
    Ok(Value::Array(out))
}

/// A waiting sub-order takes the new values as they are; a working LIMIT one is modified
/// in place; anything else can no longer change.
fn update_sub(c: &mut Ctx, id: i64, i: usize, sub: &SubOrder, item: &Fields) -> ApiResult<()> {
    let dec = |k: &str| -> ApiResult<Option<rust_decimal::Decimal>> {
        field(item, k).map(|v| v.parse().map_err(|_| ApiError::invalid_param(k))).transpose()
    };
    match sub.order_id {
        None if !sub.dropped => {
            let get = |k: &str| field(item, k).or_else(|| original(&sub.req, k));
            let req = parse_new_order(&get)?;
            if let Some(s) = c.ex.strategies.by_id.get_mut(&id) {
                s.subs[i].req = req;
                s.update_time = c.now;
            }
            Ok(())
        }
        Some(order_id) if c.ex.orders.get(&order_id).is_some_and(|o| o.in_book()) => {
            let o = &c.ex.orders[&order_id];
            let (qty, price) = (dec("quantity")?.unwrap_or(o.qty), dec("price")?.unwrap_or(o.price));
            c.ex.modify(order_id, qty, price, c.now)?;
            if let Some(s) = c.ex.strategies.by_id.get_mut(&id) {
                s.update_time = c.now;
            }
            Ok(())
        }
        _ => Err(ApiError::new(400, -2011, "The sub-order is no longer working.")),
    }
}

/// A waiting sub-order's value of `k`, for fields an update leaves out.
fn original(req: &crate::engine::NewOrder, k: &str) -> Option<String> {
    let d = |v: Option<rust_decimal::Decimal>| v.map(|x| x.to_string());
    match k {
        "symbol" => Some(req.symbol.clone()),
        "side" => Some(req.side.as_str().into()),
        "positionSide" => req.position_side.map(|p| p.as_str().into()),
        "type" => Some(req.kind.as_str().into()),
        "timeInForce" => req.tif.map(|t| t.as_str().into()),
        "quantity" => d(req.qty),
        "price" => d(req.price),
        "stopPrice" => d(req.stop_price),
        "activationPrice" => d(req.activation_price),
        "callbackRate" => d(req.callback_rate),
        "workingType" => req.working_type.map(|w| w.as_str().into()),
        "reduceOnly" => req.reduce_only.map(|b| b.to_string()),
        "closePosition" => req.close_position.map(|b| b.to_string()),
        "priceProtect" => req.price_protect.map(|b| b.to_string()),
        "newClientOrderId" => req.client_id.clone(),
        _ => None,
    }
}

fn strategy_json(ex: &crate::engine::Exchange, s: &Strategy) -> Value {
    let subs: Vec<Value> = s
        .subs
        .iter()
        .enumerate()
        .map(|(i, sub)| {
            let order = sub.order_id.and_then(|id| ex.orders.get(&id));
            let trigger = |n: usize| sub.triggers.get(n);
            let r = &sub.req;
            json!({
                "strategyId": s.id,
                "orderId": order.map_or(0, |o| o.id),
                "clientOrderId": order.map_or_else(|| r.client_id.clone().unwrap_or_default(), |o| o.client_id.clone()),
                "status": order.map_or(if sub.dropped { "CANCELED" } else { "NEW" }, |o| o.status.as_str()),
                "strategySubId": i + 1,
                "firstDrivenId": trigger(0).map_or(0, |t| t.driven_by + 1),
                "firstDrivenOn": trigger(0).map_or("", |t| t.on.as_str()),
                "firstTrigger": trigger(0).map_or("", |t| t.action.as_str()),
                "secondDrivenId": trigger(1).map_or(0, |t| t.driven_by + 1),
                "secondDrivenOn": trigger(1).map_or("", |t| t.on.as_str()),
                "secondTrigger": trigger(1).map_or("", |t| t.action.as_str()),
                "securityType": sub.security_type,
                "symbol": r.symbol,
                "side": r.side.as_str(),
                "positionSide": order.map_or("BOTH", |o| o.position_side.as_str()),
                "type": r.kind.as_str(),
                "timeInForce": order.map_or(r.tif.map_or("GTC", |t| t.as_str()), |o| o.tif.as_str()),
                "quantity": s_dec(order.map_or(r.qty.unwrap_or_default(), |o| o.qty)),
                "reduceOnly": r.reduce_only.unwrap_or(false),
                "closePosition": r.close_position.unwrap_or(false),
                "price": s_dec(order.map_or(r.price.unwrap_or_default(), |o| o.price)),
                "avgPrice": s_dec(order.map_or_else(Default::default, |o| o.avg_price())),
                "priceProtect": r.price_protect.unwrap_or(false),
                "stopPrice": s_dec(r.stop_price.unwrap_or_default()),
                "activatePrice": r.activation_price.map(s_dec),
                "callbackRate": r.callback_rate.map(s_dec),
                "workingType": r.working_type.map_or("CONTRACT_PRICE", |w| w.as_str()),
                "triggerTime": sub.trigger_time,
            })
        })
        .collect();
    json!({
        "strategyId": s.id,
        "clientStrategyId": s.client_id,
        "strategyType": s.kind.as_str(),
        "strategyStatus": s.status(),
        "bookTime": s.book_time,
        "updateTime": s.update_time,
        "subOrders": subs,
    })
}

fn s_dec(d: rust_decimal::Decimal) -> Value {
    Value::String(d.normalize().to_string())
}

/// The account's strategy named by strategyId or clientStrategyId (exactly one), of the
/// given type, working (`done == false`) or finished.
fn find_strategy<'a>(c: &'a Ctx, done: bool) -> ApiResult<&'a Strategy> {
    let kind = StrategyType::parse(c.p.req_str("strategyType")?)?;
    let by_id = c.p.opt_i64("strategyId")?;
    let by_client = c.p.str("clientStrategyId");
    if by_id.is_some() == by_client.is_some() {
        return Err(ApiError::either("strategyId", "clientStrategyId"));
    }
    c.ex.strategies
        .by_id
        .values()
        .find(|s| {
            s.account == c.acct
                && s.kind == kind
                && s.done == done
                && (by_id == Some(s.id) || by_client == Some(s.client_id.as_str()))
        })
        .ok_or_else(ApiError::no_such_order)
}

fn strategy_open(c: &mut Ctx) -> ApiResult<Value> {
    let s = find_strategy(c, false)?;
    Ok(strategy_json(c.ex, s))
}

fn strategy_history(c: &mut Ctx) -> ApiResult<Value> {
    let w = window(c.p)?;
    limit(c.p, 500, 1000)?;
    let s = find_strategy(c, true)?;
    if !in_window(s.update_time, w) {
        return Err(ApiError::no_such_order());
    }
    Ok(strategy_json(c.ex, s))
}
