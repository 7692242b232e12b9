//! The spot market: pairs with price-time order books, balances per asset (free and
//! locked in open orders), the spot order types and filters of the docs, and the user
//! events each change makes. The house account quotes every pair and has no balances.

use crate::config::SymbolConfig;
use crate::engine::book::Book;
use crate::engine::types::{OrderStatus, Side, TimeInForce};
use crate::engine::{AccountId, HOUSE};
use crate::error::{ApiError, ApiResult};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod orders;

crate::engine::types::wire_enum!(SpotKind, |_| ApiError::invalid_order_type(), {
    Limit => "LIMIT", Market => "MARKET", Stop => "STOP", TakeProfit => "TAKE_PROFIT",
    StopMarket => "STOP_MARKET", TakeProfitMarket => "TAKE_PROFIT_MARKET",
});

impl SpotKind {
    fn is_conditional(self) -> bool {
        !matches!(self, SpotKind::Limit | SpotKind::Market)
    }

    /// What a triggered conditional order becomes.
    fn triggered_as(self) -> SpotKind {
        match self {
            SpotKind::Stop | SpotKind::TakeProfit => SpotKind::Limit,
            SpotKind::StopMarket | SpotKind::TakeProfitMarket => SpotKind::Market,
            other => other,
        }
    }
}

/// A spot order.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotOrder {
    pub id: i64,
    pub client_id: String,
    pub account: AccountId,
    pub symbol: String,
    pub side: Side,
    pub kind: SpotKind,
    pub orig_kind: SpotKind,
    pub tif: TimeInForce,
    pub qty: Decimal,
    /// MARKET orders given as an amount of the quote asset.
    pub quote_qty: Decimal,
    pub price: Decimal,
    pub stop_price: Decimal,
    pub executed: Decimal,
    pub cum_quote: Decimal,
    pub status: OrderStatus,
    /// What the order still holds locked: quote for buys, base for sells.
    pub locked: Decimal,
    pub time: i64,
    pub update_time: i64,
}

impl SpotOrder {
    pub fn remaining(&self) -> Decimal {
        self.qty - self.executed
    }

    pub fn avg_price(&self) -> Decimal {
        if self.executed.is_zero() {
            Decimal::ZERO
        } else {
            (self.cum_quote / self.executed).round_dp(16)
        }
    }
}

/// A public trade of a pair.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotTrade {
    pub id: i64,
    pub price: Decimal,
    pub qty: Decimal,
    pub time: i64,
    pub buyer_maker: bool,
}

/// A candle made from trades: prices, volumes, and the taker-buy share.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candle {
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    pub volume: Decimal,
    pub quote_volume: Decimal,
    pub taker_buy_volume: Decimal,
    pub taker_buy_quote: Decimal,
    pub count: usize,
    pub first_id: i64,
    pub last_id: i64,
    pub last_qty: Decimal,
}

impl Candle {
    /// The candle of `trades` (oldest first); one at `idle` price when there are none.
    pub fn of<'a>(trades: impl IntoIterator<Item = &'a SpotTrade>, idle: Decimal) -> Candle {
        let mut c = Candle { open: idle, high: idle, low: idle, close: idle, ..Default::default() };
        for t in trades {
            if c.count == 0 {
                (c.open, c.high, c.low, c.first_id) = (t.price, t.price, t.price, t.id);
            }
            c.high = c.high.max(t.price);
            c.low = c.low.min(t.price);
            (c.close, c.last_id, c.last_qty) = (t.price, t.id, t.qty);
            c.volume += t.qty;
            c.quote_volume += t.qty * t.price;
            if !t.buyer_maker {
                c.taker_buy_volume += t.qty;
                c.taker_buy_quote += t.qty * t.price;
            }
            c.count += 1;
        }
        c
    }
}

/// One fill of an account's order.
#[derive(Debug, Clone, PartialEq)]
pub struct UserTrade {
    pub id: i64,
    pub order_id: i64,
    pub account: AccountId,
    pub counterparty: AccountId,
    pub symbol: String,
    pub side: Side,
    pub price: Decimal,
    pub qty: Decimal,
    pub commission: Decimal,
    pub commission_asset: String,
    pub maker: bool,
    pub time: i64,
}

/// One change of a spot balance, as the transaction history lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    pub tran_id: i64,
    pub trade_id: Option<i64>,
    pub account: AccountId,
    pub asset: String,
    pub symbol: String,
    pub delta: Decimal,
    pub kind: &'static str,
    pub time: i64,
}

/// What a spot user data stream must hear about.
#[derive(Debug, Clone, PartialEq)]
pub enum SpotEvent {
    /// `executionReport`, with the order as it was then and the fill, if any.
    Execution { order: Box<SpotOrder>, execution: &'static str, fill: Option<UserTrade> },
    /// `outboundAccountPosition` with the balances of these assets.
    Balances { account: AccountId, assets: BTreeSet<String>, reason: &'static str },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Balance {
    pub free: Decimal,
    pub locked: Decimal,
}

#[derive(Debug, Clone)]
pub struct Pair {
    pub cfg: SymbolConfig,
    pub book: Book,
    pub last_price: Decimal,
    pub trades: Vec<SpotTrade>,
}

/// A new order as the request gives it.
#[derive(Debug, Clone)]
pub struct NewSpotOrder {
    pub symbol: String,
    pub side: Side,
    pub kind: SpotKind,
    pub tif: Option<TimeInForce>,
    pub qty: Option<Decimal>,
    pub quote_qty: Option<Decimal>,
    pub price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
    pub client_id: Option<String>,
}

/// House quote depth: levels per side and the gap between them.
const HOUSE_LEVELS: u32 = 10;
const HOUSE_GAP: &str = "0.0005";
const HOUSE_LEVEL_VALUE: i64 = 10_000;

pub struct SpotMarket {
    pub pairs: Vec<Pair>,
    pub orders: HashMap<i64, SpotOrder>,
    /// Ids of the accounts' open orders, so per-request work does not grow with history.
    open: BTreeSet<i64>,
    pub balances: BTreeMap<(AccountId, String), Balance>,
    pub user_trades: Vec<UserTrade>,
    pub transactions: Vec<Transaction>,
    pub outbox: Vec<SpotEvent>,
    /// Each account's spot listen key (spot streams have their own).
    pub listen_keys: HashMap<AccountId, crate::engine::account::ListenKey>,
    pub maker_fee: Decimal,
    pub taker_fee: Decimal,
    next_order_id: i64,
    next_trade_id: i64,
}

impl SpotMarket {
    pub fn new(
        pairs: &[SymbolConfig],
        balances: &[(AccountId, Vec<(String, Decimal)>)],
        fees: (Decimal, Decimal),
        now: i64,
    ) -> Self {
        let mut m = SpotMarket {
            pairs: pairs
                .iter()
                .map(|c| Pair { cfg: c.clone(), book: Book::default(), last_price: c.start_price, trades: Vec::new() })
                .collect(),
            orders: HashMap::new(),
            open: BTreeSet::new(),
            balances: BTreeMap::new(),
            user_trades: Vec::new(),
            transactions: Vec::new(),
            outbox: Vec::new(),
            listen_keys: HashMap::new(),
            maker_fee: fees.0,
            taker_fee: fees.1,
            next_order_id: 7_000_001,
            next_trade_id: 3_000_001,
        };
        for (acct, list) in balances {
            m.fund(*acct, list);
        }
        for i in 0..m.pairs.len() {
            m.seed_history(i, now);
            m.requote(i, now);
        }
        m
    }

    /// Thirty past trades a second apart around the start price, so trade, candle and
    /// ticker reads have data from the start.
    fn seed_history(&mut self, pi: usize, now: i64) {
        let cfg = self.pairs[pi].cfg.clone();
        for k in 0..30i64 {
            let ticks = Decimal::from((k * 7) % 5 - 2);
            let price = cfg.start_price + cfg.tick_size * ticks;
            let qty = cfg.min_qty * Decimal::from(1 + (k * 13) % 20);
            self.next_trade_id += 1;
            let trade =
                SpotTrade { id: self.next_trade_id, price, qty, time: now - (30 - k) * 1_000, buyer_maker: k % 2 == 0 };
            self.pairs[pi].trades.push(trade);
        }
    }

    pub fn pair_index(&self, symbol: &str) -> ApiResult<usize> {
        self.pairs.iter().position(|p| p.cfg.symbol == symbol).ok_or_else(ApiError::bad_symbol)
    }

    /// A pair's rolling 24 hours, for tickers.
    pub fn day(&self, pi: usize, now: i64) -> Candle {
        let p = &self.pairs[pi];
        let mut c = Candle::of(p.trades.iter().filter(|t| t.time > now - 86_400_000), p.last_price);
        c.close = p.last_price;
        c
    }

    pub fn balance(&self, acct: AccountId, asset: &str) -> Balance {
        self.balances.get(&(acct, asset.to_string())).cloned().unwrap_or_default()
    }

    /// Every asset the account holds or has held, with its balance.
    pub fn balances_of(&self, acct: AccountId) -> impl Iterator<Item = (&String, &Balance)> + '_ {
        self.balances.iter().filter(move |((a, _), _)| *a == acct).map(|((_, asset), b)| (asset, b))
    }

    /// Adds an account's starting balances, free.
    pub fn fund(&mut self, acct: AccountId, balances: &[(String, Decimal)]) {
        for (asset, amount) in balances {
            self.balances.entry((acct, asset.clone())).or_default().free += *amount;
        }
    }

    fn bal(&mut self, acct: AccountId, asset: &str) -> &mut Balance {
        self.balances.entry((acct, asset.to_string())).or_default()
    }

    /// Adds `delta` to a free balance, recorded as a transaction of `kind`; a withdrawal
    /// beyond the free balance is refused.
    pub fn credit(
        &mut self,
        acct: AccountId,
        asset: &str,
        delta: Decimal,
        kind: &'static str,
        tran_id: i64,
        now: i64,
    ) -> ApiResult<()> {
        let b = self.bal(acct, asset);
        if b.free + delta < Decimal::ZERO {
            return Err(ApiError::balance_insufficient());
        }
        b.free += delta;
        self.transactions.push(Transaction {
            tran_id,
            trade_id: None,
            account: acct,
            asset: asset.to_string(),
            symbol: String::new(),
            delta,
            kind,
            time: now,
        });
        self.outbox.push(SpotEvent::Balances { account: acct, assets: [asset.to_string()].into(), reason: "TRANSFER" });
        Ok(())
    }

    /// Replaces the house quotes of a pair around its last price.
    pub fn requote(&mut self, pair: usize, now: i64) {
        let house: Vec<i64> = self.pairs[pair]
            .book
            .order_ids()
            .filter(|id| self.orders.get(id).is_some_and(|o| o.account == HOUSE))
            .collect();
        for id in house {
            if let Some(o) = self.orders.remove(&id) {
                self.pairs[pair].book.remove(o.side, o.price, id);
            }
        }
        let cfg = self.pairs[pair].cfg.clone();
        let last = self.pairs[pair].last_price;
        // Never quote through a resting user order: the book must not cross.
        let (user_bid, user_ask) = (self.pairs[pair].book.best(Side::Buy), self.pairs[pair].book.best(Side::Sell));
        let gap: Decimal = HOUSE_GAP.parse().unwrap_or_default();
        // About 10,000 of the quote asset per level, in whole steps.
        let qty = ((Decimal::from(HOUSE_LEVEL_VALUE) / last / cfg.step_size).ceil() * cfg.step_size).max(cfg.min_qty);
        for k in 1..=HOUSE_LEVELS {
            let off = gap * Decimal::from(k);
            for (side, price) in [(Side::Buy, last * (Decimal::ONE - off)), (Side::Sell, last * (Decimal::ONE + off))] {
                let price = (price / cfg.tick_size).round() * cfg.tick_size;
                let crosses = match side {
                    Side::Buy => user_ask.is_some_and(|a| price >= a),
                    Side::Sell => user_bid.is_some_and(|b| price <= b),
                };
                if price <= Decimal::ZERO || crosses {
                    continue;
                }
                let id = self.next_id();
                let order = SpotOrder {
                    id,
                    client_id: format!("house-{id}"),
                    account: HOUSE,
                    symbol: cfg.symbol.clone(),
                    side,
                    kind: SpotKind::Limit,
                    orig_kind: SpotKind::Limit,
                    tif: TimeInForce::Gtc,
                    qty,
                    quote_qty: Decimal::ZERO,
                    price,
                    stop_price: Decimal::ZERO,
                    executed: Decimal::ZERO,
                    cum_quote: Decimal::ZERO,
                    status: OrderStatus::New,
                    locked: Decimal::ZERO,
                    time: now,
                    update_time: now,
                };
                self.pairs[pair].book.insert(side, price, id);
                self.orders.insert(id, order);
            }
        }
    }

    fn next_id(&mut self) -> i64 {
        self.next_order_id += 1;
        self.next_order_id
    }

    // Orders: see `orders.rs`.
}

/// The visible quantity at each price of one side, best first.
pub(crate) fn book_side(c: &SpotMarket, pi: usize, side: Side, levels: usize) -> Vec<(Decimal, Decimal)> {
    c.pairs[pi]
        .book
        .levels(side)
        .map(|(price, ids)| (*price, ids.iter().filter_map(|id| c.orders.get(id)).map(SpotOrder::remaining).sum()))
        .filter(|(_, q): &(Decimal, Decimal)| !q.is_zero())
        .take(levels)
        .collect()
}
