//! Strategy orders over REST: parsing sub-order lists, placing, updating and querying.

use crate::engine::chase::{ChaseRequest, MaxOffset};
use crate::engine::strategy::{Strategy, SubOrder, Trigger};
use crate::engine::types::{StrategyAction, StrategyEvent, StrategyType};
use crate::error::{ApiError, ApiResult};
use crate::routes::futures_v1::*;
use serde_json::{json, Value};

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

pub(super) fn place_strategy(c: &mut Ctx) -> ApiResult<Value> {
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
    let s = &c.ex.futures.strategies.by_id[&id];
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

pub(super) fn update_strategy(c: &mut Ctx) -> ApiResult<Value> {
    let id = c.p.req_i64("strategyId")?;
    let kind = StrategyType::parse(c.p.req_str("strategyType")?)?;
    let items = sub_order_list(c)?;
    let s = c.ex.futures.strategies.by_id.get(&id).filter(|s| s.account == c.acct && s.kind == kind);
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
        let s = &c.ex.futures.strategies.by_id[&id];
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
            if let Some(s) = c.ex.futures.strategies.by_id.get_mut(&id) {
                s.subs[i].req = req;
                s.update_time = c.now;
            }
            Ok(())
        }
        Some(order_id) if c.ex.futures.orders.get(&order_id).is_some_and(|o| o.in_book()) => {
            let o = &c.ex.futures.orders[&order_id];
            let (qty, price) = (dec("quantity")?.unwrap_or(o.qty), dec("price")?.unwrap_or(o.price));
            c.ex.modify(order_id, qty, price, c.now)?;
            if let Some(s) = c.ex.futures.strategies.by_id.get_mut(&id) {
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
            let order = sub.order_id.and_then(|id| ex.futures.orders.get(&id));
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
    c.ex.futures
        .strategies
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

pub(super) fn strategy_open(c: &mut Ctx) -> ApiResult<Value> {
    let s = find_strategy(c, false)?;
    Ok(strategy_json(c.ex, s))
}

pub(super) fn strategy_history(c: &mut Ctx) -> ApiResult<Value> {
    let w = window(c.p)?;
    limit(c.p, 500, 1000)?;
    let s = find_strategy(c, true)?;
    if !in_window(s.update_time, w) {
        return Err(ApiError::no_such_order());
    }
    Ok(strategy_json(c.ex, s))
}

pub(super) fn place_chase(c: &mut Ctx) -> ApiResult<Value> {
    let p = c.p;
    let quote_unit = match p.req_str("quantityUnit")? {
        "BASE" => false,
        "QUOTE" => true,
        _ => return Err(ApiError::invalid_param("quantityUnit")),
    };
    match p.str("chaseOffsetType") {
        None | Some("ABSOLUTE") => {}
        Some("PERCENTAGE") => {
            return Err(ApiError::new(400, -4253, "UNSUPPORTED_OPERATION: chaseOffsetType PERCENTAGE."))
        }
        Some(_) => return Err(ApiError::invalid_param("chaseOffsetType")),
    }
    let max_offset = match (p.opt_dec("maxChaseOffset")?, p.str("maxChaseOffsetType")) {
        (None, _) => None,
        (Some(m), None | Some("ABSOLUTE")) => Some(MaxOffset::Absolute(m)),
        (Some(m), Some("PERCENTAGE")) => Some(MaxOffset::Percentage(m)),
        (Some(_), Some(_)) => return Err(ApiError::invalid_param("maxChaseOffsetType")),
    };
    if let Some(id) = p.str("clientStrategyId") {
        let ok = (1..=28).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b':' | b'/' | b'_' | b'-'));
        if !ok {
            return Err(ApiError::invalid_param("clientStrategyId"));
        }
    }
    let keys = ["symbol", "side", "positionSide", "reduceOnly", "timeInForce"];
    let get = |k: &str| if keys.contains(&k) { p.str(k).map(str::to_string) } else { None };
    let mut order = parse_new_order(&|k| if k == "type" { Some("LIMIT".into()) } else { get(k) })?;
    order.stp_mode = None;
    let req = ChaseRequest {
        order,
        quantity: p.req_dec("quantity")?,
        quote_unit,
        offset: p.opt_dec("chaseOffset")?.unwrap_or_default(),
        max_offset,
        client_id: p.str("clientStrategyId").map(str::to_string),
    };
    let id = c.ex.place_chase(c.acct, req, c.now)?;
    let ch = &c.ex.futures.strategies.chases[&id];
    let order = &c.ex.futures.orders[&ch.order_id];
    let (max, max_type) = match ch.max_offset {
        Some(MaxOffset::Absolute(m)) => (Some(s_dec(m)), Some("ABSOLUTE")),
        Some(MaxOffset::Percentage(m)) => (Some(s_dec(m)), Some("PERCENTAGE")),
        None => (None, None),
    };
    Ok(json!({
        "strategyId": ch.id,
        "clientStrategyId": ch.client_id,
        "symbol": ch.symbol,
        "side": ch.side.as_str(),
        "positionSide": order.position_side.as_str(),
        "quantity": s_dec(ch.quantity),
        "quantityUnit": ch.quantity_unit,
        "reduceOnly": order.reduce_only,
        "chaseOffset": s_dec(ch.offset),
        "chaseOffsetType": "ABSOLUTE",
        "maxChaseOffset": max,
        "maxChaseOffsetType": max_type,
        "timeInForce": order.tif.as_str(),
        "strategyStatus": ch.status,
        "bookTime": ch.book_time,
        "updateTime": ch.update_time,
    }))
}
