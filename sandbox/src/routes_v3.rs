//! The futures V3 REST API (`/fapi/v3/…`): the V1 endpoints under V3 paths and V3
//! authentication, and the V3-only ones. Handlers shared with V1 live in `routes`.

use crate::error::{ApiError, ApiResult};
use crate::route;
use crate::routes::*;
use serde_json::{json, Value};

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

const STP_MODES: [&str; 3] = ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"];

pub static ROUTES_V3: &[Route] = &[
    route!("POST", "/fapi/v3/noop", Wallet, &[], w1, |_| Ok(ok())),
    route!("GET", "/fapi/v3/ping", None, &[], w1, |_| Ok(json!({}))),
    route!("GET", "/fapi/v3/time", None, &[], w1, |c| Ok(json!({ "serverTime": c.now }))),
    route!("GET", "/fapi/v3/exchangeInfo", None, &[], w1, exchange_info),
    route!("GET", "/fapi/v3/depth", None, &["symbol", "limit"], w_depth, depth),
    route!("GET", "/fapi/v3/trades", None, &["symbol", "limit"], w1, trades),
    route!("GET", "/fapi/v3/historicalTrades", None, &["symbol", "limit", "fromId"], w20, trades),
    route!("GET", "/fapi/v3/aggTrades", None, &["symbol", "fromId", "startTime", "endTime", "limit"], w20, agg_trades),
    route!("GET", "/fapi/v3/klines", None, &["symbol", "interval", "startTime", "endTime", "limit"], w_klines, |c| {
        klines(c, "symbol", crate::engine::market::PriceSource::Last)
    }),
    route!(
        "GET",
        "/fapi/v3/indexPriceKlines",
        None,
        &["pair", "interval", "startTime", "endTime", "limit"],
        w_klines,
        |c| klines(c, "pair", crate::engine::market::PriceSource::Index)
    ),
    route!(
        "GET",
        "/fapi/v3/markPriceKlines",
        None,
        &["symbol", "interval", "startTime", "endTime", "limit"],
        w_klines,
        |c| klines(c, "symbol", crate::engine::market::PriceSource::Mark)
    ),
    route!("GET", "/fapi/v3/premiumIndex", None, &["symbol"], w1, premium_index),
    route!("GET", "/fapi/v3/fundingRate", None, &["symbol", "startTime", "endTime", "limit"], w1, funding_rate),
    route!("GET", "/fapi/v3/fundingInfo", None, &["symbol"], w1, funding_info),
    route!("GET", "/fapi/v3/ticker/24hr", None, &["symbol"], w_1_or_40, ticker_24hr),
    route!("GET", "/fapi/v3/ticker/price", None, &["symbol"], w_1_or_2, ticker_price),
    route!("GET", "/fapi/v3/ticker/bookTicker", None, &["symbol"], w_1_or_2, book_ticker),
    route!("GET", "/fapi/v3/indexreferences", None, &["symbol"], w1, index_references),
    route!("POST", "/fapi/v3/positionSide/dual", Wallet, &["dualSidePosition"], w1, change_position_mode),
    route!("GET", "/fapi/v3/positionSide/dual", Wallet, &[], w30, |c| Ok(
        json!({ "dualSidePosition": c.ex.accounts[c.acct].dual_side })
    )),
    route!("POST", "/fapi/v3/stpMode", Wallet, &["stpMode"], w1, change_stp_mode),
    route!("GET", "/fapi/v3/stpMode", Wallet, &[], w30, |c| Ok(json!({ "stpMode": c.ex.accounts[c.acct].stp_mode }))),
    route!("POST", "/fapi/v3/multiAssetsMargin", Wallet, &["multiAssetsMargin"], w1, change_multi_assets),
    route!("GET", "/fapi/v3/multiAssetsMargin", Wallet, &[], w30, |c| Ok(
        json!({ "multiAssetsMargin": c.ex.accounts[c.acct].multi_assets })
    )),
    route!("POST", "/fapi/v3/order", Wallet, &ORDER_PARAMS_V3, w1, new_order_v3, orders),
    route!("POST", "/fapi/v3/batchOrders", Wallet, &["batchOrders"], w5, batch_orders, orders),
    route!(
        "POST",
        "/fapi/v3/asset/wallet/transfer",
        Wallet,
        &["amount", "asset", "clientTranId", "kindType"],
        w5,
        transfer
    ),
    route!("GET", "/fapi/v3/order", Wallet, &["symbol", "orderId", "origClientOrderId"], w1, query_order),
    route!("DELETE", "/fapi/v3/order", Wallet, &["symbol", "orderId", "origClientOrderId"], w1, cancel_order),
    route!(
        "PUT",
        "/fapi/v3/order",
        Wallet,
        &["symbol", "orderId", "origClientOrderId", "quantity", "price"],
        w1,
        modify_order,
        orders
    ),
    route!("DELETE", "/fapi/v3/allOpenOrders", Wallet, &["symbol"], w1, cancel_all),
    route!(
        "DELETE",
        "/fapi/v3/batchOrders",
        Wallet,
        &["symbol", "orderIdList", "origClientOrderIdList"],
        w1,
        cancel_batch
    ),
    route!("POST", "/fapi/v3/countdownCancelAll", Wallet, &["symbol", "countdownTime"], w10, countdown),
    route!("GET", "/fapi/v3/openOrder", Wallet, &["symbol", "orderId", "origClientOrderId"], w1, open_order),
    route!("GET", "/fapi/v3/openOrders", Wallet, &["symbol"], w_1_or_40, open_orders),
    route!(
        "GET",
        "/fapi/v3/allOrders",
        Wallet,
        &["symbol", "orderId", "startTime", "endTime", "limit"],
        w5,
        all_orders
    ),
    route!("GET", "/fapi/v3/balance", Wallet, &[], w5, balance),
    route!("GET", "/fapi/v3/accountWithJoinMargin", Wallet, &[], w5, account),
    route!("POST", "/fapi/v3/leverage", Wallet, &["symbol", "leverage"], w1, change_leverage),
    route!("POST", "/fapi/v3/marginType", Wallet, &["symbol", "marginType"], w1, change_margin_type),
    route!(
        "POST",
        "/fapi/v3/positionMargin",
        Wallet,
        &["symbol", "positionSide", "amount", "type"],
        w1,
        position_margin
    ),
    route!(
        "GET",
        "/fapi/v3/positionMargin/history",
        Wallet,
        &["symbol", "type", "startTime", "endTime", "limit"],
        w1,
        margin_history
    ),
    route!("GET", "/fapi/v3/positionRisk", Wallet, &["symbol"], w5, position_risk),
    route!(
        "GET",
        "/fapi/v3/userTrades",
        Wallet,
        &["symbol", "startTime", "endTime", "fromId", "limit"],
        w5,
        user_trades
    ),
    route!("GET", "/fapi/v3/income", Wallet, &["symbol", "incomeType", "startTime", "endTime", "limit"], w30, income),
    route!("GET", "/fapi/v3/leverageBracket", Wallet, &["symbol"], w1, leverage_bracket),
    route!("GET", "/fapi/v3/adlQuantile", Wallet, &["symbol"], w5, adl_quantile),
    route!(
        "GET",
        "/fapi/v3/forceOrders",
        Wallet,
        &["symbol", "autoCloseType", "startTime", "endTime", "limit"],
        w_20_or_50,
        force_orders
    ),
    route!("GET", "/fapi/v3/commissionRate", Wallet, &["symbol"], w20, commission_rate),
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
    route!("GET", "/fapi/v3/getSubAccountList", Wallet, &[], w5, sub_account_list),
    route!("GET", "/fapi/v3/announcement/direct", Wallet, &["page", "size"], w1, |_| Ok(
        json!({ "total": 0, "rows": [] })
    )),
    route!("GET", "/fapi/v3/announcement/directById", Wallet, &["id"], w1, |c| {
        c.p.req_i64("id")?;
        Err(ApiError::new(400, -1000, "Announcement not found."))
    }),
    route!("POST", "/fapi/v3/listenKey", Wallet, &[], w1, listen_key_new),
    route!("PUT", "/fapi/v3/listenKey", Wallet, &["listenKey"], w1, listen_key_keepalive),
    route!("DELETE", "/fapi/v3/listenKey", Wallet, &["listenKey"], w1, listen_key_close),
];

fn new_order_v3(c: &mut Ctx) -> ApiResult<Value> {
    if let Some(mode) = c.p.str("stpMode") {
        if !STP_MODES.contains(&mode) {
            return Err(ApiError::invalid_param("stpMode"));
        }
    }
    if let Some(peg) = c.p.str("pegPriceType") {
        if !["COUNTERPARTY_1", "QUEUE_1"].contains(&peg) {
            return Err(ApiError::invalid_param("pegPriceType"));
        }
    }
    new_order(c)
}

fn change_stp_mode(c: &mut Ctx) -> ApiResult<Value> {
    let mode = c.p.req_str("stpMode")?;
    if !STP_MODES.contains(&mode) {
        return Err(ApiError::invalid_param("stpMode"));
    }
    c.ex.accounts[c.acct].stp_mode = mode.to_string();
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

fn mmp_limits(c: &Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let window = c.p.req_i64("windowTimeInMilliseconds")?;
    let frozen = c.p.req_i64("frozenTimeInMilliseconds")?;
    if window <= 0 {
        return Err(ApiError::invalid_param("windowTimeInMilliseconds"));
    }
    if frozen < 0 {
        return Err(ApiError::invalid_param("frozenTimeInMilliseconds"));
    }
    let mut config = json!({
        "symbol": c.ex.symbols[sym].cfg.symbol,
        "windowTimeInMilliseconds": window,
        "frozenTimeInMilliseconds": frozen,
    });
    for key in ["qtyLimit", "valueLimit", "deltaLimit"] {
        if let Some(v) = c.p.opt_i64(key)? {
            if v <= 0 {
                return Err(ApiError::invalid_param(key));
            }
            config[key] = json!(v);
        }
    }
    Ok(config)
}

fn update_mmp(c: &mut Ctx) -> ApiResult<Value> {
    let config = mmp_limits(c)?;
    let name = config["symbol"].as_str().unwrap_or_default().to_string();
    c.ex.accounts[c.acct].mmp.insert(name, config);
    Ok(json!(true))
}

fn get_mmp(c: &mut Ctx) -> ApiResult<Value> {
    let only = opt_symbol(c)?.map(|i| c.ex.symbols[i].cfg.symbol.clone());
    let acct = &c.ex.accounts[c.acct];
    let list: Vec<&Value> =
        acct.mmp.iter().filter(|(s, _)| only.as_ref().is_none_or(|o| o == *s)).map(|(_, v)| v).collect();
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
    mmp_symbol(c)?;
    Ok(json!(true))
}

fn sub_account_list(c: &mut Ctx) -> ApiResult<Value> {
    // The sandbox has no sub-accounts yet: the main account alone.
    Ok(json!([{ "accountId": c.acct, "subAccountName": "", "parentAccount": true }]))
}
