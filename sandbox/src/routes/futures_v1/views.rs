//! What an account sees: balances, positions, trades, income and fees.

use super::*;

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
    for st in &ex.futures.symbols {
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
    for (i, st) in ex.futures.symbols.iter().enumerate() {
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
    let symbol = c.ex.futures.symbols[sym].cfg.symbol.clone();
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
    let sym = opt_symbol(c)?.map(|i| c.ex.futures.symbols[i].cfg.symbol.clone());
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

pub(crate) fn brackets_json(symbol: &str) -> Value {
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
    one_or_all(c, |ex, i| brackets_json(&ex.futures.symbols[i].cfg.symbol))
}

pub(crate) fn adl_quantile(c: &mut Ctx) -> ApiResult<Value> {
    let only = opt_symbol(c)?;
    let a = &c.ex.accounts[c.acct];
    let mut out = Vec::new();
    for (i, st) in c.ex.futures.symbols.iter().enumerate() {
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
    let only = opt_symbol(c)?.map(|i| c.ex.futures.symbols[i].cfg.symbol.clone());
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
        .futures
        .force_orders
        .iter()
        .rev()
        .filter(|f| !adl && f.account == c.acct && only.as_ref().is_none_or(|s| *s == f.symbol) && in_window(f.time, w))
        .take(n)
        .filter_map(|f| c.ex.futures.orders.get(&f.order_id).map(order_json))
        .collect();
    Ok(Value::Array(list))
}

pub(crate) fn commission_rate(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    Ok(
        json!({ "symbol": c.ex.futures.symbols[sym].cfg.symbol, "makerCommissionRate": c.ex.cfg.maker_fee.to_string(), "takerCommissionRate": c.ex.cfg.taker_fee.to_string() }),
    )
}

pub(crate) fn remaining_notional(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let lev = leverage_param(c.p)?;
    let symbol = c.ex.futures.symbols[sym].cfg.symbol.clone();
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
