//! The futures V3 REST API (`/fapi/v3/…`): the V1 endpoints under V3 paths and V3
//! authentication, and the V3-only ones. Handlers shared with V1 live in `routes`.

use crate::engine::mmp::{MmpConfig, MmpState};
use crate::engine::types::StpMode;
use crate::error::{ApiError, ApiResult};
use crate::route;
use crate::routes::futures_v1::*;
use serde_json::{json, Value};
use std::sync::LazyLock;
use strategy::{place_chase, place_strategy, strategy_history, strategy_open, update_strategy};

mod accounts;
mod agents;
mod strategy;

fn w50(_: &crate::params::Params) -> u64 {
    50
}

/// V1's order params plus V3's peg and self-trade prevention.
// `builder`, `feeRate` and `asterChain` as the exchange's own demo sends them (its docs list
// the first two only for strategy orders, the last nowhere).
const ORDER_PARAMS_V3: [&str; 22] =
    crate::order_params!("pegPriceType", "pegOffset", "stpMode", "builder", "feeRate", "asterChain");

/// V3's routes: those that exist only in V3 (or take other params there), then every V1
/// route carried over under its V3 path with V3 authentication.
pub static ROUTES_V3: LazyLock<Vec<Route>> = LazyLock::new(|| {
    let mut routes: Vec<Route> = V3_ONLY.iter().chain(&agents::ROUTES).copied().collect();
    for r in crate::routes::futures_v1::ROUTES {
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
        "/fapi/v3/chase",
        Wallet,
        &[
            "symbol",
            "side",
            "positionSide",
            "quantityUnit",
            "quantity",
            "reduceOnly",
            "chaseOffset",
            "chaseOffsetType",
            "maxChaseOffset",
            "maxChaseOffsetType",
            "timeInForce",
            "clientStrategyId"
        ],
        w1,
        place_chase,
        orders
    ),
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
    route!("GET", "/fapi/v3/getSubAccountList", Wallet, &[], w5, accounts::sub_account_list),
    route!(
        "POST",
        "/fapi/v3/sub-accounts/bind",
        MainWallet,
        &["childAddress", "name", "childSignature"],
        w5,
        accounts::bind_sub_account
    ),
    route!(
        "POST",
        "/fapi/v3/createSubAccount",
        MainWallet,
        &["subSourceAddr", "subAccountName", "childSignature"],
        w5,
        accounts::create_sub_account
    ),
    route!(
        "POST",
        "/fapi/v3/updateSubAccount",
        MainWallet,
        &["subSourceAddr", "subAccountName", "status"],
        w5,
        accounts::update_sub_account
    ),
    route!(
        "POST",
        "/fapi/v3/subAccountTransfer",
        MainWallet,
        &["toAccountAddress", "asset", "amount", "kindType", "fromAccountAddress"],
        w5,
        accounts::sub_account_transfer
    ),
    route!("POST", "/fapi/v3/asset/migrateUser", MainWallet, &[], w50, accounts::migrate_user),
    route!("GET", "/fapi/v3/asset/migrateUser/history", Wallet, &["batchId"], w50, accounts::migrate_history),
    Route {
        unsigned: &["agentCode"],
        ..route!(
            "POST",
            "/fapi/v3/registerAndApproveAgent",
            MainWallet,
            &[
                "agentName",
                "agentAddress",
                "expired",
                "signatureChainId",
                "canSpotTrade",
                "canPerpTrade",
                "canWithdraw",
                "ipWhitelist",
                "agentCode"
            ],
            w50,
            agents::register_agent
        )
    },
    route!("GET", "/fapi/v3/announcement/direct", Wallet, &["page", "size"], w1, direct_announcements),
    route!("GET", "/fapi/v3/announcement/directById", Wallet, &["id"], w1, direct_announcement),
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
    req.builder_fee = agents::builder_fee(c)?;
    // The demo names the network on its orders too; a wrong one is refused.
    let network = p.str("asterChain");
    if network.is_some_and(|n| n != c.ex.cfg.network.aster_chain()) {
        return Err(ApiError::invalid_param("asterChain"));
    }
    let id = c.ex.place(c.acct, req, c.now)?;
    if let Some(n) = network {
        c.ex.futures.order_extras.insert(id, vec![("asterChain".to_string(), n.to_string())]);
    }
    Ok(order_json(&c.ex.futures.orders[&id]))
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
    let updated = c.ex.futures.orders.get(&order.id).ok_or_else(ApiError::unknown_order)?;
    Ok(order_json(updated))
}

fn index_references(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let name = c.ex.futures.symbols[sym].cfg.symbol.clone();
    let base = c.ex.futures.symbols[sym].cfg.base_asset.clone();
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
    Ok((c.ex.futures.symbols[sym].cfg.symbol.clone(), config))
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
    let only = opt_symbol(c)?.map(|i| c.ex.futures.symbols[i].cfg.symbol.clone());
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
    let name = c.ex.futures.symbols[sym].cfg.symbol.clone();
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

fn direct_announcements(c: &mut Ctx) -> ApiResult<Value> {
    let page = c.p.opt_i64("page")?.unwrap_or(1);
    let size = c.p.opt_i64("size")?.unwrap_or(20);
    if page < 1 || !(1..=100).contains(&size) {
        return Err(ApiError::invalid_param(if page < 1 { "page" } else { "size" }));
    }
    // Newest first.
    let mine: Vec<&crate::announcements::Announcement> =
        c.ex.announcements.iter().rev().filter(|a| a.to == Some(c.acct)).collect();
    let rows: Vec<Value> =
        mine.iter().skip(((page - 1) * size) as usize).take(size as usize).map(|a| a.rest_json()).collect();
    Ok(json!({ "total": mine.len(), "rows": rows }))
}

fn direct_announcement(c: &mut Ctx) -> ApiResult<Value> {
    let id = c.p.req_i64("id")?;
    c.ex.announcements
        .iter()
        .find(|a| a.id == id && a.to == Some(c.acct))
        .map(|a| a.rest_json())
        .ok_or_else(|| ApiError::new(400, -1000, "No such announcement for this account."))
}
