//! The prediction market's state: its spot engine, its events, and what accounts hold.

use crate::config::{PredictionEventConfig, SymbolConfig};
use crate::engine::{AccountId, HOUSE};
use crate::error::{ApiError, ApiResult};
use crate::spot::SpotMarket;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// One market of an event (an outcome, or a round of an up/down event).
#[derive(Debug, Clone)]
pub struct OutcomeMarket {
    pub name: String,
    pub round_id: i64,
    pub start: i64,
    /// The oracle's price when the round opened (up/down events).
    pub open_price: Option<Decimal>,
    pub end_price: Option<Decimal>,
    /// Whether YES won, once settled.
    pub yes_won: Option<bool>,
    pub settle_time: i64,
}

impl OutcomeMarket {
    pub fn yes_asset(&self) -> String {
        format!("{}_Y", self.name)
    }
    pub fn no_asset(&self) -> String {
        format!("{}_N", self.name)
    }
    pub fn yes_symbol(&self) -> String {
        format!("{}_YUSDT", self.name)
    }
    pub fn no_symbol(&self) -> String {
        format!("{}_NUSDT", self.name)
    }
    pub fn settled(&self) -> bool {
        self.yes_won.is_some()
    }
}

/// An event and its markets.
#[derive(Debug, Clone)]
pub struct PredictionEvent {
    pub name: String,
    pub id: String,
    pub oracle: Option<String>,
    pub start: i64,
    pub markets: Vec<OutcomeMarket>,
}

/// What an account holds of one outcome token, and what it paid and got for it.
#[derive(Debug, Clone, Default)]
pub struct Holding {
    pub qty: Decimal,
    pub bought: Decimal,
    pub bought_value: Decimal,
    pub closed: Decimal,
    pub closed_value: Decimal,
    pub fees: Decimal,
    pub opened_at: i64,
}

impl Holding {
    pub fn open_avg(&self) -> Decimal {
        if self.bought.is_zero() {
            Decimal::ZERO
        } else {
            (self.bought_value / self.bought).round_dp(8)
        }
    }
    pub fn close_avg(&self) -> Decimal {
        if self.closed.is_zero() {
            Decimal::ZERO
        } else {
            (self.closed_value / self.closed).round_dp(8)
        }
    }
    pub fn realized(&self) -> Decimal {
        (self.closed_value - self.closed * self.open_avg()).round_dp(8)
    }
}

/// The fee taken from a winning token's payout at settlement.
pub const SETTLE_FEE_RATE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// The prediction market's state.
pub struct PredictionMarket {
    /// The outcome tokens' pairs, books and wallets.
    pub market: SpotMarket,
    pub events: Vec<PredictionEvent>,
    /// Each account's holding of each outcome token (by asset).
    pub holdings: BTreeMap<(AccountId, String), Holding>,
    /// Positions that ended, per account, oldest first.
    pub position_history: Vec<(AccountId, Value)>,
    /// Settlement payouts, per account, oldest first.
    pub settlements: Vec<(AccountId, Value)>,
    /// Round openings and price samples for `<event>@event`, oldest first: (event id, payload).
    pub round_events: Vec<(String, Value)>,
    /// How many of the market's user trades the holdings have taken in.
    trades_seen: usize,
}

impl PredictionMarket {
    pub fn new(
        events: &[PredictionEventConfig],
        balances: &[(AccountId, Vec<(String, Decimal)>)],
        fees: (Decimal, Decimal),
        now: i64,
    ) -> Self {
        let mut pairs = Vec::new();
        let mut listed = Vec::new();
        for (e, ev) in events.iter().enumerate() {
            let mut markets = Vec::new();
            for (r, (name, yes_price)) in ev.markets.iter().enumerate() {
                for (side, price) in [("Y", *yes_price), ("N", Decimal::ONE - yes_price)] {
                    let mut cfg = SymbolConfig::new(&format!("{name}_{side}USDT"), &price.to_string(), "0.001", "1");
                    cfg.max_price = Decimal::new(999, 3);
                    cfg.max_qty = Decimal::from(100_000);
                    cfg.market_max_qty = Decimal::from(100_000);
                    cfg.min_notional = Decimal::ONE;
                    pairs.push(cfg);
                }
                markets.push(OutcomeMarket {
                    name: name.clone(),
                    round_id: if ev.oracle.is_some() { 2 + r as i64 } else { 0 },
                    start: now - 60_000 * (e as i64 + 1),
                    open_price: None,
                    end_price: None,
                    yes_won: None,
                    settle_time: 0,
                });
            }
            listed.push(PredictionEvent {
                name: ev.name.clone(),
                id: ev.id.clone(),
                oracle: ev.oracle.clone(),
                start: now - 86_400_000,
                markets,
            });
        }
        PredictionMarket {
            market: SpotMarket::new(&pairs, balances, fees, now),
            events: listed,
            holdings: BTreeMap::new(),
            position_history: Vec::new(),
            settlements: Vec::new(),
            round_events: Vec::new(),
            trades_seen: 0,
        }
    }

    /// The event with this id.
    pub fn event(&self, id: &str) -> ApiResult<usize> {
        self.events.iter().position(|e| e.id == id).ok_or_else(|| ApiError::invalid_param("event"))
    }

    /// The event and market a YES or NO pair (or token) belongs to.
    pub fn market_of(&self, symbol_or_asset: &str) -> ApiResult<(usize, usize, bool)> {
        for (e, ev) in self.events.iter().enumerate() {
            for (m, mk) in ev.markets.iter().enumerate() {
                if [mk.yes_symbol(), mk.yes_asset()].iter().any(|s| s == symbol_or_asset) {
                    return Ok((e, m, true));
                }
                if [mk.no_symbol(), mk.no_asset()].iter().any(|s| s == symbol_or_asset) {
                    return Ok((e, m, false));
                }
            }
        }
        Err(ApiError::bad_symbol())
    }

    /// A pair's last price.
    pub fn last_price(&self, symbol: &str) -> Decimal {
        self.market.pair_index(symbol).map(|i| self.market.pairs[i].last_price).unwrap_or_default()
    }

    /// Adds a buy of `qty` tokens at `price` to a holding.
    pub fn bought(&mut self, acct: AccountId, asset: &str, qty: Decimal, price: Decimal, fee: Decimal, now: i64) {
        let h = self.holdings.entry((acct, asset.to_string())).or_default();
        if h.qty.is_zero() && h.bought.is_zero() {
            h.opened_at = now;
        }
        h.qty += qty;
        h.bought += qty;
        h.bought_value += qty * price;
        h.fees += fee;
    }

    /// Takes a sale of `qty` tokens at `price` from a holding; a holding sold out becomes
    /// a closed position.
    pub fn sold(&mut self, acct: AccountId, asset: &str, qty: Decimal, price: Decimal, fee: Decimal, now: i64) {
        let key = (acct, asset.to_string());
        let Some(h) = self.holdings.get_mut(&key) else { return };
        let qty = qty.min(h.qty);
        h.qty -= qty;
        h.closed += qty;
        h.closed_value += qty * price;
        h.fees += fee;
        if h.qty.is_zero() {
            if let Some(h) = self.holdings.remove(&key) {
                let entry = self.history_entry(asset, &h, now, "close", None);
                self.position_history.push((acct, entry));
            }
        }
    }

    /// Takes the market's new user trades into the holdings.
    pub fn absorb_trades(&mut self) {
        let fresh: Vec<_> = self.market.user_trades[self.trades_seen..].to_vec();
        self.trades_seen = self.market.user_trades.len();
        for t in fresh.into_iter().filter(|t| t.account != HOUSE) {
            let asset = t.symbol.trim_end_matches("USDT").to_string();
            let fee_value = if t.commission_asset == "USDT" { t.commission } else { t.commission * t.price };
            match t.side {
                crate::engine::types::Side::Buy => self.bought(t.account, &asset, t.qty, t.price, fee_value, t.time),
                crate::engine::types::Side::Sell => self.sold(t.account, &asset, t.qty, t.price, fee_value, t.time),
            }
        }
    }

    /// A position's JSON as the positions and history endpoints give it.
    fn position_fields(&self, asset: &str, h: &Holding) -> Value {
        let yes = asset.ends_with("_Y");
        let market = asset.trim_end_matches("_Y").trim_end_matches("_N");
        json!({ "marketName": market, "symbol": format!("{asset}USDT"), "assetName": "USDT",
            "type": if yes { "YES" } else { "NO" }, "openAvgPrice": h.open_avg().to_string(),
            "cumQty": h.bought.to_string(), "closeAvgPrice": h.close_avg().to_string(),
            "realizedPnl": h.realized().to_string(), "closeQty": h.closed.to_string(), "insertTime": h.opened_at,
            "commissionFee": h.fees.round_dp(8).to_string(), "commissionAsset": "USDT" })
    }

    pub(super) fn history_entry(
        &self,
        asset: &str,
        h: &Holding,
        now: i64,
        status: &str,
        settle_fee: Option<Decimal>,
    ) -> Value {
        let mut v = self.position_fields(asset, h);
        v["closeTime"] = json!(now);
        v["status"] = json!(status);
        if let Some(fee) = settle_fee {
            v["settleFee"] = json!(fee.to_string());
            v["settleAsset"] = json!("USDT");
        }
        v
    }

    /// The account's open positions, of one pair or all.
    pub fn positions(&self, acct: AccountId, symbol: Option<&str>) -> Vec<Value> {
        self.holdings
            .iter()
            .filter(|((a, asset), h)| {
                *a == acct && !h.qty.is_zero() && symbol.is_none_or(|s| s == format!("{asset}USDT"))
            })
            .map(|((_, asset), h)| {
                let mut v = self.position_fields(asset, h);
                let free = self.market.balance(acct, asset).free.min(h.qty);
                v["cumQty"] = json!(h.qty.to_string());
                v["balance"] = json!((h.qty * h.open_avg()).round_dp(8).to_string());
                v["availableBalance"] = json!((free * h.open_avg()).round_dp(8).to_string());
                v
            })
            .collect()
    }

    /// The events as `exchangeInfo` lists them.
    pub fn events_json(&self, now: i64) -> Vec<Value> {
        self.events.iter().map(|e| event_json(e, now)).collect()
    }
}

fn market_json(m: &OutcomeMarket, window: i64) -> Value {
    let status = if m.settled() { "SETTLED" } else { "TRADING" };
    let win = m.yes_won.map(|y| if y { m.yes_asset() } else { m.no_asset() });
    json!({ "marketName": m.name, "symbols": [m.yes_symbol(), m.no_symbol()], "assets": [m.yes_asset(), m.no_asset()],
        "roundId": m.round_id, "tradingStartTime": m.start, "tradingEndTime": if window > 0 { m.start + window } else { 0 },
        "windowStartTime": m.start, "windowEndTime": if window > 0 { m.start + window } else { 0 },
        "roundStatus": status, "openPrice": m.open_price.map(|p| p.to_string()),
        "endPrice": m.end_price.map(|p| p.to_string()), "winAsset": win, "settleTime": m.settle_time,
        "settleHash": m.settled().then(|| format!("0x{:064x}", m.settle_time)) })
}

fn event_json(e: &PredictionEvent, _now: i64) -> Value {
    let up_down = e.oracle.is_some();
    let window = if up_down { 300_000 } else { 0 };
    let mut v = json!({ "eventName": e.name, "eventId": e.id, "oracleSymbol": e.oracle.clone().unwrap_or_default(),
        "predictionType": if up_down { "UP_DOWN" } else { "MULTIVARIATE" },
        "sides": if up_down { ["UP", "DOWN"] } else { ["YES", "NO"] },
        "period": up_down.then_some("5M"), "startTime": e.start, "endTime": 0, "status": "LIVE",
        "currentRoundId": None::<i64>, "settleIntervalSeconds": if up_down { 5 } else { 0 },
        "settlementDataPointCount": if up_down { 5 } else { 0 }, "reduceOnly": false, "category": "",
        "orderTypes": ["LIMIT", "MARKET"], "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
        "liveRound": null, "rounds": null, "markets": null });
    if up_down {
        let live = e.markets.iter().rev().find(|m| !m.settled());
        v["currentRoundId"] = json!(live.map(|m| m.round_id));
        v["liveRound"] = live.map(|m| market_json(m, window)).unwrap_or(Value::Null);
        v["rounds"] = Value::Array(e.markets.iter().filter(|m| m.settled()).map(|m| market_json(m, window)).collect());
    } else {
        v["markets"] = Value::Array(e.markets.iter().map(|m| market_json(m, window)).collect());
    }
    v
}
