//! The Aster chain RPC (`POST /info`, JSON-RPC 2.0) on the sandbox's main host: any
//! address's perp balances, positions and staking, and its open orders and fills, futures
//! and spot. An account's privacy (the chain API's) hides what it did while private:
//! orders placed and fills made since it went private, and its staking.
//!
//! Replies are written as text, not through `serde_json::Value`: balances are JSON numbers
//! there, as in the docs, and must keep every digit.

use crate::engine::types::{AccountId, PositionSide};
use crate::engine::{Exchange, Venue};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// Fills a window may span.
const WEEK_MS: i64 = 7 * 86_400_000;
/// The chain's first block: nothing before it is returned.
pub const GENESIS_MS: i64 = 1_772_678_119_418;
/// Records a list holds at most.
const MAX_RECORDS: usize = 1000;

/// A JSON-RPC refusal: its code and words.
struct Refusal(i64, String);

fn bad_params(why: impl Into<String>) -> Refusal {
    Refusal(-32602, why.into())
}

/// The whole reply body to `body`: the result, or JSON-RPC's error object, with the
/// request's `id` echoed as it came.
pub fn answer(ex: &Exchange, body: &[u8], json_content: bool, now: i64) -> String {
    let request: Value = match serde_json::from_slice(body) {
        Ok(v) if json_content => v,
        Ok(_) => return error(&Value::Null, &Refusal(-32700, "Content-Type must be application/json".into())),
        Err(e) => return error(&Value::Null, &Refusal(-32700, format!("parse error: {e}"))),
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    match call(ex, &request, now) {
        Ok(result) => format!(r#"{{"jsonrpc":"2.0","id":{id},"result":{result}}}"#),
        Err(refusal) => error(&id, &refusal),
    }
}

fn error(id: &Value, Refusal(code, message): &Refusal) -> String {
    serde_json::json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } }).to_string()
}

fn call(ex: &Exchange, request: &Value, now: i64) -> Result<String, Refusal> {
    if request.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(Refusal(-32600, "not a JSON-RPC 2.0 request".into()));
    }
    let method = request.get("method").and_then(Value::as_str).unwrap_or_default();
    let params = request.get("params").and_then(Value::as_array).cloned().unwrap_or_default();
    let arity = match method {
        "aster_getBalance" => 2,
        "aster_openOrders" | "aster_spotOpenOrders" => 3,
        "aster_userFills" | "aster_spotUserFills" => 5,
        other => return Err(Refusal(-32601, format!("method `{other}` does not exist"))),
    };
    if params.len() != arity {
        return Err(bad_params(format!("{method} takes {arity} params, not {}", params.len())));
    }
    if params[arity - 1].as_str() != Some("latest") {
        return Err(bad_params("the block tag must be \"latest\""));
    }
    let address = params[0].as_str().ok_or_else(|| bad_params("the address must be text"))?;
    let user = crate::wallet::parse_address(address).ok_or_else(|| bad_params("not an address"))?;
    let acct = ex.account_by_user(&user);
    let view = View { ex, acct, address, now };
    let written = match method {
        "aster_getBalance" => serde_json::to_string(&view.balance()),
        "aster_openOrders" => serde_json::to_string(&view.open_orders(false, symbol(&params[1])?)),
        "aster_spotOpenOrders" => serde_json::to_string(&view.open_orders(true, symbol(&params[1])?)),
        _ => {
            let window = window(&params[2], &params[3], now)?;
            serde_json::to_string(&view.fills(method == "aster_spotUserFills", symbol(&params[1])?, window))
        }
    };
    written.map_err(|e| Refusal(-32603, format!("internal error: {e}")))
}

/// `null` or `""`: every symbol.
fn symbol(v: &Value) -> Result<Option<String>, Refusal> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(bad_params("the symbol must be text or null")),
    }
}

/// The window the docs define: a missing bound is the other one 7 days away (or now),
/// and the window spans at most 7 days.
fn window(from: &Value, to: &Value, now: i64) -> Result<(i64, i64), Refusal> {
    let time = |v: &Value| match v {
        Value::Null => Ok(None),
        v => v.as_i64().map(Some).ok_or_else(|| bad_params("a time must be a whole number of ms or null")),
    };
    let (start, end) = match (time(from)?, time(to)?) {
        (Some(f), Some(t)) => (f, t),
        (Some(f), None) => (f, f + WEEK_MS),
        (None, Some(t)) => (t - WEEK_MS, t),
        (None, None) => (now - WEEK_MS, now),
    };
    if end < start || end - start > WEEK_MS {
        return Err(bad_params("the window must run forwards and span at most 7 days"));
    }
    Ok((start, end))
}

/// A decimal as a JSON number, every digit kept.
fn number(d: Decimal) -> Box<RawValue> {
    RawValue::from_string(text(d)).expect("a decimal's text is a JSON number")
}

fn text(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Zero is `null` in the staking summary.
fn amount_or_null(d: Decimal) -> Option<String> {
    (!d.is_zero()).then(|| text(d))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Balance {
    address: String,
    account_privacy: &'static str,
    perp_assets: Vec<Asset>,
    positions: Vec<PositionGroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    staking: Option<Staking>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Asset {
    asset: String,
    wallet_balance: Box<RawValue>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PositionGroup {
    trading_product: &'static str,
    positions: Vec<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Staking {
    total_staked_amount: Option<String>,
    total_unclaimed_rewards: Vec<Value>,
    total_pending_stake_amount: Option<String>,
    total_pending_unstake_amount: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Orders {
    address: String,
    account_privacy: &'static str,
    open_orders: Vec<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fills {
    address: String,
    account_privacy: &'static str,
    start_time: i64,
    end_time: i64,
    fills: Vec<Value>,
}

/// One address as the chain shows it.
struct View<'a> {
    ex: &'a Exchange,
    /// The sandbox's account of the address; an unknown address holds nothing.
    acct: Option<AccountId>,
    address: &'a str,
    now: i64,
}

impl View<'_> {
    fn private(&self) -> bool {
        self.acct.is_some_and(|a| self.ex.chain.is_private(a))
    }

    fn privacy(&self) -> &'static str {
        if self.private() {
            "enabled"
        } else {
            "disabled"
        }
    }

    /// Whether something the account did at `time` is hidden by its privacy.
    fn hidden(&self, time: i64) -> bool {
        self.acct.is_some_and(|a| self.ex.chain.hides(a, time))
    }

    fn balance(&self) -> Balance {
        let mut balance = Balance {
            address: self.address.to_string(),
            account_privacy: self.privacy(),
            perp_assets: Vec::new(),
            positions: Vec::new(),
            staking: None,
        };
        let Some(acct) = self.acct else { return balance };
        let account = &self.ex.accounts[acct];
        balance.perp_assets = account
            .wallets
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(asset, v)| Asset { asset: asset.clone(), wallet_balance: number(*v) })
            .collect();
        let positions: Vec<Value> = account
            .positions
            .iter()
            .filter(|(_, p)| !p.amount.is_zero())
            .map(|((symbol, side), p)| self.position(acct, symbol, *side, p))
            .collect();
        if !positions.is_empty() {
            balance.positions.push(PositionGroup { trading_product: "perps", positions });
        }
        if !self.private() {
            let stake = self.ex.chain.stakes.get(&acct).cloned().map(|mut s| {
                s.accrue(self.now);
                s
            });
            let staked = stake.as_ref().map_or(Decimal::ZERO, |s| s.amount);
            let unclaimed = stake.as_ref().map_or(Decimal::ZERO, |s| s.accrued - s.claimed);
            balance.staking = Some(Staking {
                total_staked_amount: amount_or_null(staked),
                total_unclaimed_rewards: if unclaimed.is_zero() {
                    Vec::new()
                } else {
                    vec![serde_json::json!({ "asset": "ASTER", "amount": text(unclaimed) })]
                },
                total_pending_stake_amount: None,
                total_pending_unstake_amount: None,
            });
        }
        balance
    }

    fn position(
        &self,
        acct: AccountId,
        symbol: &str,
        side: PositionSide,
        p: &crate::engine::account::Position,
    ) -> Value {
        let ex = self.ex;
        let account = &ex.accounts[acct];
        let mark = ex.futures.symbols.iter().find(|s| s.cfg.symbol == symbol).map_or(p.entry_price, |s| s.mark_price());
        let leverage = account.leverage_of(symbol);
        let notional = p.amount.abs() * mark;
        let resting = |buy: bool| -> Decimal {
            ex.open_orders()
                .filter(|o| {
                    o.account == acct && o.symbol == symbol && (o.side == crate::engine::types::Side::Buy) == buy
                })
                .map(|o| o.remaining() * o.price)
                .sum()
        };
        let isolated = account.margin_type_of(symbol) == crate::engine::types::MarginType::Isolated;
        serde_json::json!({
            "id": format!("{acct}_{symbol}_{}", side.as_str()), "symbol": symbol, "collateral": "USDT",
            "positionAmount": text(p.amount), "entryPrice": text(p.entry_price),
            "unrealizedProfit": text(ex.unrealized(symbol, p)), "askNotional": text(resting(false)),
            "bidNotional": text(resting(true)), "notionalValue": text(notional), "markPrice": text(mark),
            "leverage": leverage, "isolated": isolated, "isolatedWallet": text(p.isolated_wallet), "adl": 1,
            "positionSide": side.as_str(), "marginValue": text(notional / Decimal::from(leverage.max(1))),
        })
    }

    fn open_orders(&self, spot: bool, symbol: Option<String>) -> Orders {
        let mut orders =
            Orders { address: self.address.to_string(), account_privacy: self.privacy(), open_orders: Vec::new() };
        let Some(acct) = self.acct else { return orders };
        let wanted = |s: &str| symbol.as_deref().is_none_or(|w| w == s);
        let order = |id: i64, symbol: &str, side: &str, kind: &str, qty: Decimal, price: Decimal| {
            serde_json::json!({ "orderId": id.to_string(), "symbol": symbol, "side": side, "type": kind,
                "origQty": text(qty), "price": text(price) })
        };
        orders.open_orders = if spot {
            self.ex
                .market(Venue::Spot)
                .open_orders(acct)
                .filter(|o| o.time >= GENESIS_MS && wanted(&o.symbol) && !self.hidden(o.time))
                .map(|o| order(o.id, &o.symbol, o.side.as_str(), o.kind.as_str(), o.qty, o.price))
                .collect()
        } else {
            self.ex
                .open_orders()
                .filter(|o| o.account == acct && o.time >= GENESIS_MS && wanted(&o.symbol) && !self.hidden(o.time))
                .map(|o| order(o.id, &o.symbol, o.side.as_str(), o.kind.as_str(), o.qty, o.price))
                .collect()
        };
        orders.open_orders.truncate(MAX_RECORDS);
        orders
    }

    fn fills(&self, spot: bool, symbol: Option<String>, (start, end): (i64, i64)) -> Fills {
        let mut fills = Fills {
            address: self.address.to_string(),
            account_privacy: self.privacy(),
            start_time: start,
            end_time: end,
            fills: Vec::new(),
        };
        let Some(acct) = self.acct else { return fills };
        let keep = |s: &str, time: i64| {
            symbol.as_deref().is_none_or(|w| w == s)
                && time >= start.max(GENESIS_MS)
                && time <= end
                && !self.hidden(time)
        };
        let fill = |symbol: &str, side: &str, price: Decimal, qty: Decimal, time: i64| serde_json::json!({ "symbol": symbol, "side": side, "price": text(price), "qty": text(qty), "time": time });
        let mut list: Vec<(i64, Value)> = if spot {
            self.ex
                .market(Venue::Spot)
                .user_trades
                .iter()
                .filter(|t| t.account == acct && keep(&t.symbol, t.time))
                .map(|t| (t.time, fill(&t.symbol, t.side.as_str(), t.price, t.qty, t.time)))
                .collect()
        } else {
            self.ex.accounts[acct]
                .trades
                .iter()
                .filter(|t| keep(&t.symbol, t.time))
                .map(|t| (t.time, fill(&t.symbol, t.side.as_str(), t.price, t.qty, t.time)))
                .collect()
        };
        // Newest first, as the docs' examples list them.
        list.sort_by_key(|(time, _)| std::cmp::Reverse(*time));
        fills.fills = list.into_iter().take(MAX_RECORDS).map(|(_, v)| v).collect();
        fills
    }
}
