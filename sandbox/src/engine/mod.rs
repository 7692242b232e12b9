//! The exchange's state and rules: symbols with their books, accounts, orders, matching,
//! conditional triggers, margin and the market maker that keeps the books quoted.

pub mod account;
pub mod book;
pub mod chase;
pub mod liquidation;
pub mod market;
pub(crate) mod matching;
pub mod mmp;
mod modify;
mod orders;
mod peg;
pub mod rng;
mod stp;
pub mod strategy;
pub mod types;

use crate::config::{SandboxConfig, SymbolConfig};
use crate::error::{ApiError, ApiResult};
use account::{Account, AccountTrade, Income, Position};
use book::Book;
use rng::Rng;
use rust_decimal::prelude::*;
use std::collections::{BTreeSet, HashMap};
use types::*;

/// Index of an account in [`Exchange::accounts`].
pub use types::AccountId;
/// The sandbox's own market maker.
pub const HOUSE: AccountId = 0;

#[derive(Debug, Clone)]
pub struct Order {
    pub id: i64,
    pub client_id: String,
    pub account: AccountId,
    pub symbol: String,
    pub side: Side,
    pub position_side: PositionSide,
    pub kind: OrderType,
    pub orig_kind: OrderType,
    pub tif: TimeInForce,
    pub qty: Decimal,
    pub price: Decimal,
    pub stop_price: Decimal,
    pub executed: Decimal,
    pub cum_quote: Decimal,
    pub status: OrderStatus,
    pub reduce_only: bool,
    pub close_position: bool,
    pub working_type: WorkingType,
    pub price_protect: bool,
    pub activation_price: Option<Decimal>,
    pub callback_rate: Option<Decimal>,
    /// Best price seen since a trailing stop activated.
    pub trail_extreme: Option<Decimal>,
    /// What happens when it would trade against an order of the same account.
    pub stp: StpMode,
    pub time: i64,
    pub update_time: i64,
}

impl Order {
    pub fn remaining(&self) -> Decimal {
        self.qty - self.executed
    }

    pub fn avg_price(&self) -> Decimal {
        if self.executed.is_zero() {
            Decimal::ZERO
        } else {
            (self.cum_quote / self.executed).round_dp(8)
        }
    }

    /// Whether the order rests in the book (as opposed to waiting for a trigger).
    pub fn in_book(&self) -> bool {
        self.status.is_open() && !self.kind.is_conditional()
    }
}

#[derive(Debug, Clone)]
pub struct PublicTrade {
    pub id: i64,
    pub price: Decimal,
    pub qty: Decimal,
    pub time: i64,
    pub buyer_maker: bool,
}

#[derive(Debug, Clone)]
pub struct AggTrade {
    pub id: i64,
    pub price: Decimal,
    pub qty: Decimal,
    pub first_id: i64,
    pub last_id: i64,
    pub time: i64,
    pub buyer_maker: bool,
    taker_order: i64,
}

#[derive(Debug, Clone)]
pub struct SymbolState {
    pub cfg: SymbolConfig,
    pub book: Book,
    /// The seeded price process; also the mark price.
    pub ref_price: Decimal,
    pub last_price: Decimal,
    pub trades: Vec<PublicTrade>,
    pub agg_trades: Vec<AggTrade>,
    pub index: usize,
    /// The market maker's net position: always the opposite of all accounts' together.
    pub house_position: Decimal,
}

impl SymbolState {
    pub fn mark_price(&self) -> Decimal {
        self.ref_price
    }

    pub fn index_price(&self) -> Decimal {
        (self.ref_price * Decimal::new(9999, 4)).round_dp(self.cfg.price_precision() + 2)
    }
}

/// Something a user data stream must hear about; rendered to JSON when published.
#[derive(Debug, Clone, PartialEq)]
pub enum UserEvent {
    /// `state` is the order as it was when the event happened (the event is rendered
    /// later, when the order may have moved on).
    Order {
        account: AccountId,
        order_id: i64,
        execution: &'static str,
        fill: Option<Fill>,
        state: OrderState,
    },
    /// A position is about to be liquidated.
    MarginCall {
        account: AccountId,
        symbol: String,
        position_side: PositionSide,
        amount: Decimal,
        mark: Decimal,
        unrealized: Decimal,
        maint_margin: Decimal,
    },
    Account {
        account: AccountId,
        reason: &'static str,
        symbol: Option<String>,
    },
    Leverage {
        account: AccountId,
        symbol: String,
        leverage: u32,
    },
    Config {
        account: AccountId,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fill {
    pub qty: Decimal,
    pub price: Decimal,
    pub commission: Decimal,
    pub realized: Decimal,
    pub trade_id: i64,
    pub maker: bool,
}

/// An order request after parameter parsing.
/// What an order event says about its order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderState {
    pub status: OrderStatus,
    pub qty: Decimal,
    pub price: Decimal,
    pub executed: Decimal,
    pub avg_price: Decimal,
    pub update_time: i64,
}

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub symbol: String,
    pub side: Side,
    pub position_side: Option<PositionSide>,
    pub kind: OrderType,
    pub tif: Option<TimeInForce>,
    pub qty: Option<Decimal>,
    pub price: Option<Decimal>,
    pub client_id: Option<String>,
    pub stop_price: Option<Decimal>,
    pub close_position: Option<bool>,
    pub reduce_only: Option<bool>,
    pub activation_price: Option<Decimal>,
    pub callback_rate: Option<Decimal>,
    pub working_type: Option<WorkingType>,
    pub price_protect: Option<bool>,
    /// V3: self-trade prevention for this order; the account's mode when `None`.
    pub stp_mode: Option<StpMode>,
    /// V3: a builder the account approved, and the fee rate it adds to each fill.
    pub builder_fee: Option<BuilderFee>,
}

/// A builder's fee on an order: `rate` of each fill's value, paid to `builder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuilderFee {
    pub builder: crate::wallet::Address,
    pub rate: Decimal,
}

/// Most trades kept per symbol for the trade endpoints.
const TRADE_HISTORY: usize = 10_000;
/// Maintenance margin rate of the first bracket.
pub fn maint_rate() -> Decimal {
    Decimal::new(4, 3)
}

pub struct Exchange {
    pub cfg: SandboxConfig,
    /// Every account: its credentials, wallets and futures margin.
    pub accounts: Vec<Account>,
    /// The futures market: its books, orders and what they produced.
    pub futures: FuturesMarket,
    /// The spot market, whose wallets transfers join to the futures ones.
    pub spot: crate::spot::SpotMarket,
    /// The prediction market: outcome tokens on a spot engine of their own, on its own host.
    pub prediction: crate::prediction::PredictionMarket,
    /// The chain API's state: privacy, staking, transfer ids.
    pub chain: crate::chain::ChainState,
    /// Withdrawals accepted, oldest first.
    pub withdrawals: Vec<crate::withdrawals::Record>,
    /// V3 announcements, oldest first.
    pub announcements: Vec<crate::announcements::Announcement>,
    /// V3 asset migrations by batch id: source, destination and the batch's record.
    pub migrations: std::collections::BTreeMap<String, (AccountId, AccountId, serde_json::Value)>,
    next_tran_id: i64,
    rng: Rng,
}

/// Which market a request or stream of the spot engine is on: the spot market's host or
/// the prediction market's (the same API on both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Venue {
    Spot,
    Prediction,
}

impl Venue {
    /// A candle interval this market serves: spot's from a minute up, prediction's a second
    /// or a minute.
    pub fn interval(self, s: &str) -> ApiResult<Interval> {
        match (self, Interval::parse(s)?) {
            (Venue::Spot, i) if i != Interval::S1 => Ok(i),
            (Venue::Prediction, i @ (Interval::S1 | Interval::M1)) => Ok(i),
            _ => Err(ApiError::bad_interval()),
        }
    }
}

impl Exchange {
    /// The spot engine serving a venue.
    pub fn market(&self, venue: Venue) -> &crate::spot::SpotMarket {
        match venue {
            Venue::Spot => &self.spot,
            Venue::Prediction => &self.prediction.market,
        }
    }

    /// The spot engine serving a venue, to change.
    pub fn market_mut(&mut self, venue: Venue) -> &mut crate::spot::SpotMarket {
        match venue {
            Venue::Spot => &mut self.spot,
            Venue::Prediction => &mut self.prediction.market,
        }
    }
}

/// The futures market's own state, beside the spot market's.
pub struct FuturesMarket {
    pub symbols: Vec<SymbolState>,
    pub orders: HashMap<i64, Order>,
    /// Ids of the orders whose status is open, so that per-request work does not grow
    /// with the history.
    open: BTreeSet<i64>,
    /// User-data events not yet published.
    pub outbox: Vec<UserEvent>,
    /// V3 strategy orders.
    pub strategies: strategy::Strategies,
    /// Forced (liquidation) orders, oldest first.
    pub force_orders: Vec<liquidation::ForceOrder>,
    /// What a V3 order carried beyond its own terms, by order id.
    pub order_extras: HashMap<i64, Vec<(String, String)>>,
    /// The builder fees of V3 orders, by order id.
    pub builder_fees: HashMap<i64, BuilderFee>,
    next_order_id: i64,
    next_trade_id: i64,
    next_agg_id: i64,
}

impl FuturesMarket {
    fn new(symbols: &[crate::config::SymbolConfig]) -> Self {
        let symbols = symbols
            .iter()
            .enumerate()
            .map(|(index, s)| SymbolState {
                cfg: s.clone(),
                book: Book::default(),
                ref_price: s.start_price,
                last_price: s.start_price,
                trades: Vec::new(),
                agg_trades: Vec::new(),
                index,
                house_position: Decimal::ZERO,
            })
            .collect();
        FuturesMarket {
            symbols,
            orders: HashMap::new(),
            open: BTreeSet::new(),
            outbox: Vec::new(),
            strategies: Default::default(),
            force_orders: Vec::new(),
            order_extras: Default::default(),
            builder_fees: HashMap::new(),
            next_order_id: 1_000_001,
            next_trade_id: 500_001,
            next_agg_id: 200_001,
        }
    }
}

pub(crate) fn client_id_ok(id: &str) -> bool {
    (1..=36).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b':' | b'/' | b'_' | b'-'))
}

/// What an account starts with on the prediction market: its spot USDT.
fn prediction_funds(spot: &[(String, Decimal)]) -> Vec<(String, Decimal)> {
    spot.iter().filter(|(asset, _)| asset == "USDT").cloned().collect()
}

impl Exchange {
    pub fn new(cfg: SandboxConfig, now: i64) -> Self {
        let mut accounts = vec![Account::new(String::new(), String::new(), Vec::new(), true)];
        for a in &cfg.accounts {
            let mut acct = Account::new(a.api_key.clone(), a.secret.clone(), a.balances.clone(), false);
            acct.set_wallet(a.wallet.as_ref());
            acct.solana_wallet = a.solana_wallet.clone();
            accounts.push(acct);
        }
        let spot_balances: Vec<_> =
            cfg.accounts.iter().enumerate().map(|(i, a)| (i + 1, a.spot_balances.clone())).collect();
        let spot = crate::spot::SpotMarket::new(&cfg.spot_symbols, &spot_balances, (cfg.maker_fee, cfg.taker_fee), now);
        let prediction_balances: Vec<_> = spot_balances.iter().map(|(a, list)| (*a, prediction_funds(list))).collect();
        let prediction = crate::prediction::PredictionMarket::new(
            &cfg.prediction_events,
            &prediction_balances,
            (cfg.maker_fee, cfg.taker_fee),
            now,
        );
        let mut ex = Exchange {
            spot,
            prediction,
            rng: Rng::new(cfg.seed),
            futures: FuturesMarket::new(&cfg.symbols),
            cfg,
            accounts,
            migrations: Default::default(),
            withdrawals: Vec::new(),
            chain: Default::default(),
            announcements: Vec::new(),
            next_tran_id: 9_000_001,
        };
        for i in 0..ex.futures.symbols.len() {
            // Start where the price process stands now, so live data meets history.
            let start = ex.process_price(i, now, market::PriceSource::Last);
            ex.futures.symbols[i].ref_price = start;
            ex.futures.symbols[i].last_price = start;
            ex.seed_history(i, now);
            ex.requote(i, now);
        }
        ex
    }

    /// A few past trades so trade endpoints have data from the start.
    fn seed_history(&mut self, sym: usize, now: i64) {
        for k in 0..30 {
            let s = &self.futures.symbols[sym];
            let drift = Decimal::from_f64((self.rng.unit() - 0.5) * 0.002).unwrap_or_default();
            let price = (s.ref_price * (Decimal::ONE + drift)).round_dp(s.cfg.price_precision());
            let qty = s.cfg.step_size * Decimal::from(1 + self.rng.below(100));
            let buyer_maker = self.rng.below(2) == 0;
            let time = now - (30 - k) * 1_000;
            self.record_public_trade(sym, price, qty, time, buyer_maker, -k);
        }
    }

    pub fn symbol_index(&self, symbol: &str) -> ApiResult<usize> {
        self.futures.symbols.iter().position(|s| s.cfg.symbol == symbol).ok_or_else(ApiError::bad_symbol)
    }

    pub fn account_by_key(&self, key: &str) -> Option<AccountId> {
        self.accounts.iter().position(|a| !a.house && a.api_key == key)
    }

    /// An account added after start, set up as the configured ones are: both wallets
    /// funded (the prediction market's with the spot USDT), its V3 and Solana wallets.
    pub fn add_account(&mut self, cfg: &crate::config::AccountConfig) -> AccountId {
        let mut acct = Account::new(cfg.api_key.clone(), cfg.secret.clone(), cfg.balances.clone(), false);
        acct.set_wallet(cfg.wallet.as_ref());
        acct.solana_wallet = cfg.solana_wallet.clone();
        self.accounts.push(acct);
        let id = self.accounts.len() - 1;
        self.spot.fund(id, &cfg.spot_balances);
        self.prediction.market.fund(id, &prediction_funds(&cfg.spot_balances));
        id
    }

    /// The account whose main wallet is `user`.
    pub fn account_by_user(&self, user: &crate::wallet::Address) -> Option<AccountId> {
        self.accounts.iter().position(|a| !a.house && a.wallet_user.as_ref() == Some(user))
    }

    /// The account whose main wallet is the Solana wallet `user` (Base58).
    pub fn account_by_solana_user(&self, user: &str) -> Option<AccountId> {
        self.accounts.iter().position(|a| !a.house && a.solana_user.as_deref() == Some(user))
    }

    /// The account an API wallet signs for, while the wallet has not expired.
    pub fn account_by_agent(&self, signer: &crate::wallet::Address, now: i64) -> Option<AccountId> {
        self.accounts.iter().position(|a| !a.house && a.agents.iter().any(|g| &g.address == signer && g.expires > now))
    }

    fn next_id(counter: &mut i64) -> i64 {
        let id = *counter;
        *counter += 1;
        id
    }

    // ------------------------------------------------------------------ market maker

    /// Replaces the market maker's ladder around the reference price.
    pub fn requote(&mut self, sym: usize, now: i64) {
        let house_orders: Vec<i64> = self.futures.symbols[sym]
            .book
            .order_ids()
            .filter(|id| self.futures.orders.get(id).is_some_and(|o| o.account == HOUSE))
            .collect();
        for id in house_orders {
            self.remove_from_book(id);
            self.futures.orders.remove(&id);
            self.futures.open.remove(&id);
        }
        let s = &self.futures.symbols[sym];
        let tick = s.cfg.tick_size;
        let spacing = ((s.ref_price * Decimal::new(1, 4)) / tick).floor().max(Decimal::ONE) * tick;
        let mid = (s.ref_price / tick).round() * tick;
        let levels = self.cfg.book_levels;
        for k in 1..=levels {
            for side in [Side::Buy, Side::Sell] {
                let offset = spacing * Decimal::from(k);
                let price = if side == Side::Buy { mid - offset } else { mid + offset };
                if price <= Decimal::ZERO {
                    continue;
                }
                let qty = self.futures.symbols[sym].cfg.step_size * Decimal::from(10 + self.rng.below(990));
                let id = Self::next_id(&mut self.futures.next_order_id);
                let symbol = self.futures.symbols[sym].cfg.symbol.clone();
                self.futures.orders.insert(
                    id,
                    Order {
                        id,
                        client_id: format!("mm-{id}"),
                        account: HOUSE,
                        symbol,
                        side,
                        position_side: PositionSide::Both,
                        kind: OrderType::Limit,
                        orig_kind: OrderType::Limit,
                        tif: TimeInForce::Gtc,
                        qty,
                        price,
                        stop_price: Decimal::ZERO,
                        executed: Decimal::ZERO,
                        cum_quote: Decimal::ZERO,
                        status: OrderStatus::New,
                        reduce_only: false,
                        close_position: false,
                        working_type: WorkingType::ContractPrice,
                        price_protect: false,
                        activation_price: None,
                        callback_rate: None,
                        trail_extreme: None,
                        stp: StpMode::ExpireTaker,
                        time: now,
                        update_time: now,
                    },
                );
                self.futures.open.insert(id);
                // Through the matcher, so a new quote that crosses a resting order trades
                // with it instead of leaving the book crossed.
                self.execute(id, sym, now);
            }
        }
    }

    /// Moves every symbol's price process `steps` steps, re-quotes and fires triggers.
    pub fn advance(&mut self, steps: u32, now: i64) {
        for _ in 0..steps {
            for sym in 0..self.futures.symbols.len() {
                let r = (self.rng.unit() - 0.5) * 0.004;
                let s = &mut self.futures.symbols[sym];
                let factor = Decimal::from_f64(1.0 + r).unwrap_or(Decimal::ONE);
                let tick = s.cfg.tick_size;
                s.ref_price = ((s.ref_price * factor) / tick).round().max(Decimal::ONE) * tick;
                self.requote(sym, now);
                self.fire_triggers(sym, now);
                self.liquidate(sym, now);
            }
        }
    }

    /// Moves a symbol's price to `price` at once (as a fast market would), then does what
    /// a price move does: requotes, fires triggered orders, liquidates.
    pub fn set_price(&mut self, sym: usize, price: Decimal, now: i64) {
        let tick = self.futures.symbols[sym].cfg.tick_size;
        self.futures.symbols[sym].ref_price = ((price / tick).round() * tick).max(tick);
        self.requote(sym, now);
        self.fire_triggers(sym, now);
        self.liquidate(sym, now);
    }

    // Orders, matching and triggers: see `orders.rs`.

    // ------------------------------------------------------------------ margin

    pub fn mark_of(&self, symbol: &str) -> Decimal {
        self.symbol_index(symbol).map(|i| self.futures.symbols[i].mark_price()).unwrap_or_default()
    }

    pub fn unrealized(&self, symbol: &str, pos: &Position) -> Decimal {
        ((self.mark_of(symbol) - pos.entry_price) * pos.amount).round_dp(8)
    }

    /// Initial margin of the account's open orders on a symbol.
    pub fn open_order_margin(&self, acct: AccountId, symbol: &str) -> Decimal {
        let leverage = Decimal::from(self.accounts[acct].leverage_of(symbol));
        let mark = self.mark_of(symbol);
        self.open_orders()
            .filter(|o| o.account == acct && o.symbol == symbol && o.in_book() && !o.reduce_only)
            .map(|o| o.remaining() * if o.price.is_zero() { mark } else { o.price } / leverage)
            .sum::<Decimal>()
            .round_dp(8)
    }

    pub fn position_margin(&self, acct: AccountId, symbol: &str, pos: &Position) -> Decimal {
        let leverage = Decimal::from(self.accounts[acct].leverage_of(symbol));
        (pos.amount.abs() * self.mark_of(symbol) / leverage).round_dp(8)
    }

    pub fn isolated_total(&self, acct: AccountId) -> Decimal {
        self.accounts[acct].positions.values().map(|p| p.isolated_wallet).sum()
    }

    /// Cross wallet plus cross unrealized PnL, less cross position and open order margin.
    pub fn available_balance(&self, acct: AccountId) -> Decimal {
        let a = &self.accounts[acct];
        let mut available = a.usdt() - self.isolated_total(acct);
        for ((symbol, _), pos) in &a.positions {
            if a.margin_type_of(symbol) == MarginType::Crossed {
                available += self.unrealized(symbol, pos) - self.position_margin(acct, symbol, pos);
            }
        }
        let symbols: Vec<String> = self.futures.symbols.iter().map(|s| s.cfg.symbol.clone()).collect();
        for s in symbols {
            available -= self.open_order_margin(acct, &s);
        }
        available.max(Decimal::ZERO).round_dp(8)
    }

    pub fn new_tran_id(&mut self) -> i64 {
        Self::next_id(&mut self.next_tran_id)
    }

    pub fn random_token(&mut self, len: usize) -> String {
        const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..len).map(|_| CHARS[self.rng.below(CHARS.len() as u64) as usize] as char).collect()
    }

    /// Every invariant the engine keeps; `Err` names the first one broken.
    pub fn check_invariants(&self) -> Result<(), String> {
        for s in &self.futures.symbols {
            if let (Some(bid), Some(ask)) = (s.book.best(Side::Buy), s.book.best(Side::Sell)) {
                if bid >= ask {
                    return Err(format!("{} book crossed at rest: bid {bid} >= ask {ask}", s.cfg.symbol));
                }
            }
            for id in s.book.order_ids() {
                match self.futures.orders.get(&id) {
                    Some(o) if o.in_book() && o.symbol == s.cfg.symbol => {}
                    _ => return Err(format!("order {id} is in the {} book but not open", s.cfg.symbol)),
                }
            }
        }
        for s in &self.futures.symbols {
            let held: Decimal = self
                .accounts
                .iter()
                .flat_map(|a| a.positions.iter())
                .filter(|((symbol, _), _)| *symbol == s.cfg.symbol)
                .map(|(_, p)| p.amount)
                .sum();
            if held + s.house_position != Decimal::ZERO {
                return Err(format!(
                    "{}: accounts hold {held} but the market maker {}",
                    s.cfg.symbol, s.house_position
                ));
            }
        }
        for o in self.futures.orders.values() {
            if o.executed > o.qty && !o.close_position {
                return Err(format!("order {} filled {} of {}", o.id, o.executed, o.qty));
            }
            if o.executed.is_sign_negative() {
                return Err(format!("order {} has negative fill", o.id));
            }
            let booked = self.futures.symbols.iter().any(|s| s.book.order_ids().any(|id| id == o.id));
            if o.in_book() != booked {
                return Err(format!("order {} is {:?} but booked={booked}", o.id, o.status));
            }
            if o.status.is_open() != self.futures.open.contains(&o.id) {
                return Err(format!("order {} is {:?} but the open index says otherwise", o.id, o.status));
            }
            if o.status == OrderStatus::Filled && o.executed != o.qty {
                return Err(format!("order {} FILLED with {} of {}", o.id, o.executed, o.qty));
            }
        }
        for (i, a) in self.accounts.iter().enumerate().filter(|(_, a)| !a.house) {
            for ((symbol, _), p) in &a.positions {
                let net: Decimal = a
                    .trades
                    .iter()
                    .filter(|t| &t.symbol == symbol)
                    .filter(|t| self.accounts[i].dual_side || t.position_side == PositionSide::Both)
                    .map(|t| if t.side == Side::Buy { t.qty } else { -t.qty })
                    .sum();
                if !a.dual_side && net != p.amount {
                    return Err(format!("account {i} {symbol}: position {} but trades net {net}", p.amount));
                }
            }
            let income: Decimal = a.income.iter().filter(|r| r.asset == "USDT").map(|r| r.amount).sum();
            let start = a.start_usdt;
            if a.usdt() != start + income {
                return Err(format!("account {i}: wallet {} but start {start} + income {income}", a.usdt()));
            }
        }
        Ok(())
    }
}
