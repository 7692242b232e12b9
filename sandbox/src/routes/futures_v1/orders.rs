//! Orders: placing, querying and cancelling, one at a time or in batches.

use super::*;

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
        builder_fee: None,
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
    Ok(order_json(&c.ex.futures.orders[&id]))
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
            Ok(id) => order_json(&c.ex.futures.orders[&id]),
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
    c.ex.market_mut(c.venue).credit(c.acct, &asset, -delta, spot_kind, tran_id, now)?;
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
    c.ex.futures.outbox.push(crate::engine::UserEvent::Account {
        account: c.acct,
        reason: "ASSET_TRANSFER",
        symbol: None,
    });
    Ok(json!({ "tranId": tran_id, "status": "SUCCESS" }))
}

pub(crate) fn lookup(c: &Ctx) -> ApiResult<Option<Order>> {
    let sym = symbol(c, "symbol")?;
    let id = c.p.opt_i64("orderId")?;
    let cid = c.p.str("origClientOrderId");
    if id.is_none() && cid.is_none() {
        return Err(ApiError::either("orderId", "origClientOrderId"));
    }
    Ok(c.ex.find_order(c.acct, &c.ex.futures.symbols[sym].cfg.symbol, id, cid).cloned())
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
    Ok(order_json(&c.ex.futures.orders[&o.id]))
}

pub(crate) fn cancel_all(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let symbol = c.ex.futures.symbols[sym].cfg.symbol.clone();
    c.ex.cancel_all(c.acct, &symbol, c.now);
    Ok(json!({ "code": "200", "msg": "The operation of cancel all open order is done." }))
}

pub(crate) fn cancel_batch(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let symbol = c.ex.futures.symbols[sym].cfg.symbol.clone();
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
                Ok(oid) => order_json(&c.ex.futures.orders[&oid]),
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
    let symbol = c.ex.futures.symbols[sym].cfg.symbol.clone();
    let a = &mut c.ex.accounts[c.acct];
    if ms == 0 {
        a.countdowns.remove(&symbol);
    } else {
        a.countdowns.insert(symbol.clone(), c.now + ms);
    }
    Ok(json!({ "symbol": symbol, "countdownTime": ms.to_string() }))
}

pub(crate) fn sorted_orders<'a>(c: &'a Ctx, f: impl Fn(&Order) -> bool) -> Vec<&'a Order> {
    let mut v: Vec<&Order> = c.ex.futures.orders.values().filter(|o| o.account == c.acct && f(o)).collect();
    v.sort_by_key(|o| o.id);
    v
}

pub(crate) fn open_orders(c: &mut Ctx) -> ApiResult<Value> {
    let sym = opt_symbol(c)?.map(|i| c.ex.futures.symbols[i].cfg.symbol.clone());
    Ok(Value::Array(
        c.ex.open_orders()
            .filter(|o| o.account == c.acct && sym.as_ref().is_none_or(|s_| *s_ == o.symbol))
            .map(order_json)
            .collect(),
    ))
}

pub(crate) fn all_orders(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let symbol = c.ex.futures.symbols[sym].cfg.symbol.clone();
    let from = c.p.opt_i64("orderId")?;
    let limit = limit(c.p, 500, 1000)?;
    let w = window(c.p)?;
    let mut v = sorted_orders(c, |o| o.symbol == symbol && from.is_none_or(|f| o.id >= f) && in_window(o.time, w));
    if from.is_none() && v.len() > limit {
        v.drain(..v.len() - limit);
    }
    Ok(Value::Array(v.into_iter().take(limit).map(order_json).collect()))
}
