//! The futures V1 API: its route table and handlers, one module per endpoint group.

pub(crate) use super::*;
use crate::engine::market::PriceSource;
use crate::engine::types::*;
use crate::engine::{Exchange, NewOrder, Order};
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::route;
use serde_json::{json, Value};

mod listen_keys;
mod market;
mod orders;
mod settings;
mod views;
pub(crate) use listen_keys::*;
pub(crate) use market::*;
pub(crate) use orders::*;
pub(crate) use settings::*;
pub(crate) use views::*;

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
        None => Value::Array((0..c.ex.futures.symbols.len()).map(|i| f(c.ex, i)).collect()),
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
