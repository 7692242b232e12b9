//! Account settings: leverage, margin type and mode, position mode, multi-asset margin.

use super::*;

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
    c.ex.futures.outbox.push(crate::engine::UserEvent::Config { account: c.acct });
    Ok(ok())
}

pub(crate) fn change_multi_assets(c: &mut Ctx) -> ApiResult<Value> {
    let on = c.p.req_bool("multiAssetsMargin")?;
    c.ex.accounts[c.acct].multi_assets = on;
    c.ex.futures.outbox.push(crate::engine::UserEvent::Config { account: c.acct });
    Ok(ok())
}

/// The `leverage` parameter: a whole number from 1 to 125.
pub(crate) fn leverage_param(p: &Params) -> ApiResult<i64> {
    let lev = p.req_i64("leverage")?;
    if !(1..=125).contains(&lev) {
        return Err(ApiError::invalid_leverage(&lev.to_string()));
    }
    Ok(lev)
}

pub(crate) fn change_leverage(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let lev = leverage_param(c.p)?;
    let symbol = c.ex.futures.symbols[sym].cfg.symbol.clone();
    c.ex.accounts[c.acct].leverage.insert(symbol.clone(), lev as u32);
    c.ex.futures.outbox.push(crate::engine::UserEvent::Leverage {
        account: c.acct,
        symbol: symbol.clone(),
        leverage: lev as u32,
    });
    Ok(json!({ "leverage": lev, "maxNotionalValue": max_notional(lev as u32).to_string(), "symbol": symbol }))
}

/// Notional brackets: (cap, max leverage, maintenance ratio, cum).
pub(crate) const BRACKETS: &[(i64, u32, &str, &str)] = &[
    (50_000, 125, "0.004", "0"),
    (250_000, 100, "0.005", "50"),
    (1_000_000, 50, "0.01", "1300"),
    (10_000_000, 20, "0.025", "16300"),
    (50_000_000, 10, "0.05", "266300"),
];

pub(crate) fn max_notional(leverage: u32) -> i64 {
    BRACKETS.iter().filter(|b| b.1 >= leverage).map(|b| b.0).max().unwrap_or(BRACKETS[0].0)
}

pub(crate) fn change_margin_type(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let mt = MarginType::parse(c.p.req_str("marginType")?)?;
    let symbol = c.ex.futures.symbols[sym].cfg.symbol.clone();
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
    c.ex.futures.outbox.push(crate::engine::UserEvent::Account {
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
    let symbol = c.ex.futures.symbols[sym].cfg.symbol.clone();
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
    let symbol = &c.ex.futures.symbols[sym].cfg.symbol;
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
