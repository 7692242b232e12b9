//! The exchange's state and rules: symbols with their books, accounts, orders, matching,
//! conditional triggers, margin and the market maker that keeps the books quoted.

pub mod account;
pub mod book;
pub mod chase;
pub mod liquidation;
pub mod market;
pub mod mmp;
mod modify;
mod peg;
mod stp;
pub mod strategy;
use stp::SelfTrade;
pub mod rng;
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
}

/// Most trades kept per symbol for the trade endpoints.
const TRADE_HISTORY: usize = 10_000;
/// Maintenance margin rate of the first bracket.
pub fn maint_rate() -> Decimal {
    Decimal::new(4, 3)
}

pub struct Exchange {
    pub cfg: SandboxConfig,
    pub symbols: Vec<SymbolState>,
    pub accounts: Vec<Account>,
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
    /// V3 announcements, oldest first.
    pub announcements: Vec<crate::announcements::Announcement>,
    /// V3 asset migrations by batch id: source, destination and the batch's record.
    pub migrations: std::collections::BTreeMap<String, (AccountId, AccountId, serde_json::Value)>,
    /// What a V3 order carried beyond its own terms (`builder`, `feeRate`), by order id.
    pub order_extras: HashMap<i64, Vec<(String, String)>>,
    /// The spot market, whose wallets transfers join to the futures ones.
    pub spot: crate::spot::SpotMarket,
    next_order_id: i64,
    next_trade_id: i64,
    next_agg_id: i64,
    next_tran_id: i64,
    rng: Rng,
}

pub(crate) fn client_id_ok(id: &str) -> bool {
    (1..=36).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b':' | b'/' | b'_' | b'-'))
}

impl Exchange {
    pub fn new(cfg: SandboxConfig, now: i64) -> Self {
        let mut accounts = vec![Account::new(String::new(), String::new(), Vec::new(), true)];
        for a in &cfg.accounts {
            let mut acct = Account::new(a.api_key.clone(), a.secret.clone(), a.balances.clone(), false);
            acct.set_wallet(a.wallet.as_ref());
            accounts.push(acct);
        }
        let symbols = cfg
            .symbols
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
        let spot_balances: Vec<_> =
            cfg.accounts.iter().enumerate().map(|(i, a)| (i + 1, a.spot_balances.clone())).collect();
        let spot = crate::spot::SpotMarket::new(&cfg.spot_symbols, &spot_balances, (cfg.maker_fee, cfg.taker_fee), now);
        let mut ex = Exchange {
            spot,
            rng: Rng::new(cfg.seed),
            cfg,
            symbols,
            accounts,
            orders: HashMap::new(),
            open: BTreeSet::new(),
            outbox: Vec::new(),
            strategies: Default::default(),
            migrations: Default::default(),
            order_extras: Default::default(),
            announcements: Vec::new(),
            force_orders: Vec::new(),
            next_order_id: 1_000_001,
            next_trade_id: 500_001,
            next_agg_id: 200_001,
            next_tran_id: 9_000_001,
        };
        for i in 0..ex.symbols.len() {
            // Start where the price process stands now, so live data meets history.
            let start = ex.process_price(i, now, market::PriceSource::Last);
            ex.symbols[i].ref_price = start;
            ex.symbols[i].last_price = start;
            ex.seed_history(i, now);
            ex.requote(i, now);
        }
        ex
    }

    /// A few past trades so trade endpoints have data from the start.
    fn seed_history(&mut self, sym: usize, now: i64) {
        for k in 0..30 {
            let s = &self.symbols[sym];
            let drift = Decimal::from_f64((self.rng.unit() - 0.5) * 0.002).unwrap_or_default();
            let price = (s.ref_price * (Decimal::ONE + drift)).round_dp(s.cfg.price_precision());
            let qty = s.cfg.step_size * Decimal::from(1 + self.rng.below(100));
            let buyer_maker = self.rng.below(2) == 0;
            let time = now - (30 - k) * 1_000;
            self.record_public_trade(sym, price, qty, time, buyer_maker, -k);
        }
    }

    pub fn symbol_index(&self, symbol: &str) -> ApiResult<usize> {
        self.symbols.iter().position(|s| s.cfg.symbol == symbol).ok_or_else(ApiError::bad_symbol)
    }

    pub fn account_by_key(&self, key: &str) -> Option<AccountId> {
        self.accounts.iter().position(|a| !a.house && a.api_key == key)
    }

    pub fn add_account(&mut self, cfg: &crate::config::AccountConfig) -> AccountId {
        let mut acct = Account::new(cfg.api_key.clone(), cfg.secret.clone(), cfg.balances.clone(), false);
        acct.set_wallet(cfg.wallet.as_ref());
        self.accounts.push(acct);
        self.accounts.len() - 1
    }

    /// The account whose main wallet is `user`.
    pub fn account_by_user(&self, user: &crate::wallet::Address) -> Option<AccountId> {
        self.accounts.iter().position(|a| !a.house && a.wallet_user.as_ref() == Some(user))
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
        let house_orders: Vec<i64> = self.symbols[sym]
            .book
            .order_ids()
            .filter(|id| self.orders.get(id).is_some_and(|o| o.account == HOUSE))
            .collect();
        for id in house_orders {
            self.remove_from_book(id);
            self.orders.remove(&id);
            self.open.remove(&id);
        }
        let s = &self.symbols[sym];
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
                let qty = self.symbols[sym].cfg.step_size * Decimal::from(10 + self.rng.below(990));
                let id = Self::next_id(&mut self.next_order_id);
                let symbol = self.symbols[sym].cfg.symbol.clone();
                self.orders.insert(
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
                self.open.insert(id);
                // Through the matcher, so a new quote that crosses a resting order trades
                // with it instead of leaving the book crossed.
                self.execute(id, sym, now);
            }
        }
    }

    /// Moves every symbol's price process `steps` steps, re-quotes and fires triggers.
    pub fn advance(&mut self, steps: u32, now: i64) {
        for _ in 0..steps {
            for sym in 0..self.symbols.len() {
                let r = (self.rng.unit() - 0.5) * 0.004;
                let s = &mut self.symbols[sym];
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
        let tick = self.symbols[sym].cfg.tick_size;
        self.symbols[sym].ref_price = ((price / tick).round() * tick).max(tick);
        self.requote(sym, now);
        self.fire_triggers(sym, now);
        self.liquidate(sym, now);
    }

    // ------------------------------------------------------------------ orders

    fn check_price(&self, cfg: &SymbolConfig, price: Decimal, stop: bool) -> ApiResult<()> {
        if price.normalize().scale() > cfg.price_precision() {
            return Err(ApiError::bad_precision());
        }
        if price <= Decimal::ZERO {
            return Err(if stop { ApiError::stop_price_le_zero() } else { ApiError::price_le_zero() });
        }
        if price < cfg.min_price {
            return Err(ApiError::price_lt_min());
        }
        if price > cfg.max_price {
            return Err(if stop { ApiError::stop_price_gt_max() } else { ApiError::price_gt_max() });
        }
        if !((price - cfg.min_price) % cfg.tick_size).is_zero() {
            return Err(ApiError::price_tick());
        }
        Ok(())
    }

    fn check_qty(&self, cfg: &SymbolConfig, qty: Decimal, market: bool) -> ApiResult<()> {
        if qty.normalize().scale() > cfg.quantity_precision() {
            return Err(ApiError::bad_precision());
        }
        if qty <= Decimal::ZERO {
            return Err(ApiError::qty_le_zero());
        }
        if qty < cfg.min_qty {
            return Err(ApiError::qty_lt_min());
        }
        let max = if market { cfg.market_max_qty } else { cfg.max_qty };
        if qty > max {
            return Err(ApiError::qty_gt_max());
        }
        if !((qty - cfg.min_qty) % cfg.step_size).is_zero() {
            return Err(ApiError::qty_step());
        }
        Ok(())
    }

    fn trigger_price(&self, sym: usize, working: WorkingType) -> Decimal {
        let s = &self.symbols[sym];
        match working {
            WorkingType::MarkPrice => s.mark_price(),
            WorkingType::ContractPrice => s.last_price,
        }
    }

    fn should_trigger(kind: OrderType, side: Side, price: Decimal, stop: Decimal) -> bool {
        match (kind, side) {
            (OrderType::Stop | OrderType::StopMarket, Side::Buy) => price >= stop,
            (OrderType::Stop | OrderType::StopMarket, Side::Sell) => price <= stop,
            (OrderType::TakeProfit | OrderType::TakeProfitMarket, Side::Buy) => price <= stop,
            (OrderType::TakeProfit | OrderType::TakeProfitMarket, Side::Sell) => price >= stop,
            _ => false,
        }
    }

    /// Validates and places an order for a non-house account; returns its id.
    pub fn place(&mut self, acct: AccountId, req: NewOrder, now: i64) -> ApiResult<i64> {
        let sym = self.symbol_index(&req.symbol)?;
        let cfg = self.symbols[sym].cfg.clone();
        self.mmp_check(acct, &cfg.symbol, now)?;
        let kind = req.kind;
        let close_position = req.close_position.unwrap_or(false);

        let needs: &[&str] = match kind {
            OrderType::Limit => &["timeInForce", "quantity", "price"],
            OrderType::Market => &["quantity"],
            OrderType::Stop | OrderType::TakeProfit => &["quantity", "price", "stopPrice"],
            OrderType::StopMarket | OrderType::TakeProfitMarket => &["stopPrice"],
            OrderType::TrailingStopMarket => &["callbackRate"],
        };
        for n in needs {
            let present = match *n {
                "timeInForce" => req.tif.is_some(),
                "quantity" => req.qty.is_some(),
                "price" => req.price.is_some(),
                "stopPrice" => req.stop_price.is_some(),
                _ => req.callback_rate.is_some(),
            };
            if !present {
                return Err(ApiError::mandatory(n));
            }
        }
        if close_position {
            if !matches!(kind, OrderType::StopMarket | OrderType::TakeProfitMarket) {
                return Err(ApiError::param_not_required("closePosition"));
            }
            if req.qty.is_some() {
                return Err(ApiError::quantity_with_close_position());
            }
            if req.reduce_only.is_some() {
                return Err(ApiError::param_not_required("reduceOnly"));
            }
        } else if req.qty.is_none() {
            return Err(ApiError::mandatory("quantity"));
        }

        let account = &self.accounts[acct];
        let position_side = match (account.dual_side, req.position_side) {
            (false, None | Some(PositionSide::Both)) => PositionSide::Both,
            (true, Some(ps @ (PositionSide::Long | PositionSide::Short))) => ps,
            _ => return Err(ApiError::position_side_mismatch()),
        };
        if account.dual_side && req.reduce_only.is_some() {
            return Err(ApiError::param_not_required("reduceOnly"));
        }
        let client_id = match &req.client_id {
            Some(id) => {
                if !client_id_ok(id) {
                    return Err(ApiError::client_order_id_invalid());
                }
                let taken = self.open_orders().any(|o| o.account == acct && &o.client_id == id);
                if taken {
                    return Err(ApiError::client_order_id_invalid());
                }
                id.clone()
            }
            None => format!("sandbox-{}", self.next_order_id),
        };

        if let Some(p) = req.price {
            self.check_price(&cfg, p, false)?;
        }
        if let Some(p) = req.stop_price {
            self.check_price(&cfg, p, true)?;
        }
        if let Some(p) = req.activation_price {
            self.check_price(&cfg, p, true)?;
        }
        if let Some(rate) = req.callback_rate {
            if rate < Decimal::new(1, 1) || rate > Decimal::from(5) {
                return Err(ApiError::invalid_param("callbackRate"));
            }
        }
        let market_like = matches!(
            kind,
            OrderType::Market | OrderType::StopMarket | OrderType::TakeProfitMarket | OrderType::TrailingStopMarket
        );
        if let Some(q) = req.qty {
            self.check_qty(&cfg, q, market_like)?;
        }
        let mark = self.symbols[sym].mark_price();
        if let Some(p) = req.price {
            match req.side {
                Side::Buy if p > mark * cfg.multiplier_up => return Err(ApiError::price_above_multiplier()),
                Side::Sell if p < mark * cfg.multiplier_down => return Err(ApiError::price_below_multiplier()),
                _ => {}
            }
        }
        let reduce_only = req.reduce_only.unwrap_or(false);
        let qty = req.qty.unwrap_or_default();
        let ref_price = req.price.or(req.stop_price).unwrap_or(mark);
        if !reduce_only && !close_position && qty * ref_price < cfg.min_notional {
            return Err(ApiError::min_notional(&cfg.min_notional.to_string()));
        }
        let open_here = self.open_orders().filter(|o| o.account == acct && o.symbol == cfg.symbol);
        let (open_count, algo_count) =
            open_here.fold((0, 0), |(n, a), o| (n + 1, a + usize::from(o.kind.is_conditional())));
        if open_count >= cfg.max_num_orders {
            return Err(ApiError::max_open_orders());
        }
        if kind.is_conditional() && algo_count >= cfg.max_num_algo_orders {
            return Err(ApiError::new(400, -4045, "Reach max stop order limit."));
        }
        if reduce_only {
            let pos =
                self.accounts[acct].position(&cfg.symbol, PositionSide::Both).map(|p| p.amount).unwrap_or_default();
            let reduces = match req.side {
                Side::Buy => pos < Decimal::ZERO,
                Side::Sell => pos > Decimal::ZERO,
            };
            if !reduces {
                return Err(ApiError::reduce_only_rejected());
            }
        }
        let opens = !reduce_only && !close_position && !self.reduces_hedge(acct, &cfg.symbol, req.side, position_side);
        if opens {
            let leverage = Decimal::from(self.accounts[acct].leverage_of(&cfg.symbol));
            let required = qty * ref_price / leverage;
            if required > self.available_balance(acct) {
                return Err(ApiError::margin_insufficient());
            }
        }
        let working_type = req.working_type.unwrap_or(WorkingType::ContractPrice);
        if let Some(stop) = req.stop_price {
            if matches!(
                kind,
                OrderType::Stop | OrderType::StopMarket | OrderType::TakeProfit | OrderType::TakeProfitMarket
            ) {
                let now_price = self.trigger_price(sym, working_type);
                if Self::should_trigger(kind, req.side, now_price, stop) {
                    return Err(ApiError::would_trigger());
                }
            }
        }
        if kind == OrderType::TrailingStopMarket {
            if let Some(act) = req.activation_price {
                let latest = self.trigger_price(sym, working_type);
                let bad = match req.side {
                    Side::Buy => act >= latest,
                    Side::Sell => act <= latest,
                };
                if bad {
                    return Err(ApiError::would_trigger());
                }
            }
        }

        let id = Self::next_id(&mut self.next_order_id);
        let tif = req.tif.unwrap_or(TimeInForce::Gtc);
        let order = Order {
            id,
            client_id,
            account: acct,
            symbol: cfg.symbol.clone(),
            side: req.side,
            position_side,
            kind,
            orig_kind: kind,
            tif,
            qty,
            price: req.price.unwrap_or_default(),
            stop_price: req.stop_price.unwrap_or_default(),
            executed: Decimal::ZERO,
            cum_quote: Decimal::ZERO,
            status: OrderStatus::New,
            reduce_only,
            close_position,
            working_type,
            price_protect: req.price_protect.unwrap_or(false),
            activation_price: req.activation_price,
            callback_rate: req.callback_rate,
            trail_extreme: None,
            stp: req.stp_mode.unwrap_or(self.accounts[acct].stp_mode),
            time: now,
            update_time: now,
        };
        self.orders.insert(id, order);
        self.open.insert(id);
        self.push_order_event(id, "NEW", None);
        if !kind.is_conditional() {
            self.execute(id, sym, now);
        }
        self.fire_triggers(sym, now);
        Ok(id)
    }

    /// In hedge mode, BUY on SHORT and SELL on LONG close a position.
    fn reduces_hedge(&self, acct: AccountId, _symbol: &str, side: Side, ps: PositionSide) -> bool {
        let _ = acct;
        matches!((side, ps), (Side::Buy, PositionSide::Short) | (Side::Sell, PositionSide::Long))
    }

    /// Matches a LIMIT or MARKET order against the book and rests or expires the rest.
    fn execute(&mut self, id: i64, sym: usize, now: i64) {
        let Some(order) = self.orders.get(&id).cloned() else { return };
        let crosses = |book_price: Decimal| match (order.kind, order.side) {
            (OrderType::Market, _) => true,
            (_, Side::Buy) => order.price >= book_price,
            (_, Side::Sell) => order.price <= book_price,
        };
        let opposite = order.side.opposite();
        let post_only = order.kind == OrderType::Limit && order.tif == TimeInForce::Gtx;
        if post_only && self.symbols[sym].book.best(opposite).is_some_and(crosses) {
            self.finish(id, OrderStatus::Expired, now);
            return;
        }
        if order.kind == OrderType::Limit && order.tif == TimeInForce::Fok {
            let mut available = Decimal::ZERO;
            for (price, queue) in self.symbols[sym].book.levels(opposite) {
                if !crosses(*price) || available >= order.qty {
                    break;
                }
                available += queue.iter().filter_map(|o| self.orders.get(o)).map(Order::remaining).sum::<Decimal>();
            }
            if available < order.qty {
                self.finish(id, OrderStatus::Expired, now);
                return;
            }
        }
        let mut remaining = order.remaining();
        while remaining > Decimal::ZERO {
            let Some((price, maker_id)) = self.symbols[sym].book.front(opposite) else { break };
            if !crosses(price) {
                break;
            }
            match self.self_trade(&order, maker_id, now) {
                Some(SelfTrade::StopTaker) => return,
                Some(SelfTrade::SkipMaker) => continue,
                None => {}
            }
            let maker_left = self.orders.get(&maker_id).map(Order::remaining).unwrap_or_default();
            let qty = remaining.min(maker_left);
            self.fill(sym, id, maker_id, price, qty, now);
            remaining -= qty;
        }
        let Some(order) = self.orders.get(&id) else { return };
        if order.remaining().is_zero() {
            return;
        }
        let rests = order.kind == OrderType::Limit
            && matches!(order.tif, TimeInForce::Gtc | TimeInForce::Gtx | TimeInForce::Hidden);
        if rests {
            let (side, price) = (order.side, order.price);
            self.symbols[sym].book.insert(side, price, id);
        } else {
            self.finish(id, OrderStatus::Expired, now);
        }
    }

    fn finish(&mut self, id: i64, status: OrderStatus, now: i64) {
        if let Some(o) = self.orders.get_mut(&id) {
            o.status = status;
            o.update_time = now;
        }
        if !status.is_open() {
            self.open.remove(&id);
        }
        if let Some(o) = self.orders.get(&id) {
            if o.account != HOUSE {
                let execution = if status == OrderStatus::Canceled { "CANCELED" } else { "EXPIRED" };
                self.push_order_event(id, execution, None);
            }
        }
    }

    /// Queues an order event with the order's state as it is now.
    pub(crate) fn push_order_event(&mut self, order_id: i64, execution: &'static str, fill: Option<Fill>) {
        let Some(o) = self.orders.get(&order_id) else { return };
        let state = OrderState {
            status: o.status,
            qty: o.qty,
            price: o.price,
            executed: o.executed,
            avg_price: o.avg_price(),
            update_time: o.update_time,
        };
        self.outbox.push(UserEvent::Order { account: o.account, order_id, execution, fill, state });
    }

    fn remove_from_book(&mut self, id: i64) {
        let Some(o) = self.orders.get(&id) else { return };
        let (side, price, symbol) = (o.side, o.price, o.symbol.clone());
        if let Ok(sym) = self.symbol_index(&symbol) {
            self.symbols[sym].book.remove(side, price, id);
        }
    }

    fn fill(&mut self, sym: usize, taker_id: i64, maker_id: i64, price: Decimal, qty: Decimal, now: i64) {
        for (id, maker) in [(taker_id, false), (maker_id, true)] {
            let Some(o) = self.orders.get_mut(&id) else { continue };
            o.executed += qty;
            o.cum_quote += price * qty;
            o.update_time = now;
            o.status = if o.remaining().is_zero() { OrderStatus::Filled } else { OrderStatus::PartiallyFilled };
            if o.status == OrderStatus::Filled {
                self.open.remove(&id);
            }
            let (acct, side, ps, oid, symbol) = (o.account, o.side, o.position_side, o.id, o.symbol.clone());
            if acct == HOUSE {
                self.symbols[sym].house_position += if side == Side::Buy { qty } else { -qty };
            } else {
                let trade_id = self.next_trade_id;
                self.apply_fill(acct, &symbol, side, ps, price, qty, maker, oid, trade_id, now);
            }
        }
        if self.orders.get(&maker_id).is_some_and(|o| o.remaining().is_zero()) {
            self.remove_from_book(maker_id);
        } else {
            self.symbols[sym].book.bump();
        }
        let maker_side = self.orders.get(&maker_id).map(|o| o.side).unwrap_or(Side::Buy);
        self.record_public_trade(sym, price, qty, now, maker_side == Side::Buy, taker_id);
    }

    fn record_public_trade(
        &mut self,
        sym: usize,
        price: Decimal,
        qty: Decimal,
        time: i64,
        buyer_maker: bool,
        taker: i64,
    ) {
        let id = Self::next_id(&mut self.next_trade_id);
        let s = &mut self.symbols[sym];
        s.last_price = price;
        s.trades.push(PublicTrade { id, price, qty, time, buyer_maker });
        match s.agg_trades.last_mut() {
            Some(a) if a.taker_order == taker && a.price == price && taker > 0 => {
                a.qty += qty;
                a.last_id = id;
            }
            _ => {
                let agg_id = Self::next_id(&mut self.next_agg_id);
                s.agg_trades.push(AggTrade {
                    id: agg_id,
                    price,
                    qty,
                    first_id: id,
                    last_id: id,
                    time,
                    buyer_maker,
                    taker_order: taker,
                });
            }
        }
        if s.trades.len() > TRADE_HISTORY {
            s.trades.drain(..TRADE_HISTORY / 10);
        }
        if s.agg_trades.len() > TRADE_HISTORY {
            s.agg_trades.drain(..TRADE_HISTORY / 10);
        }
    }

    /// Books a fill on an account: position, realized PnL, commission and records.
    #[allow(clippy::too_many_arguments)]
    fn apply_fill(
        &mut self,
        acct: AccountId,
        symbol: &str,
        side: Side,
        ps: PositionSide,
        price: Decimal,
        qty: Decimal,
        maker: bool,
        order_id: i64,
        trade_id: i64,
        now: i64,
    ) {
        self.mmp_record(acct, symbol, side, price, qty, now);
        let fee_rate = if maker { self.cfg.maker_fee } else { self.cfg.taker_fee };
        let tran_id = Self::next_id(&mut self.next_tran_id);
        let account = &mut self.accounts[acct];
        let leverage = Decimal::from(account.leverage_of(symbol));
        let isolated = account.margin_type_of(symbol) == MarginType::Isolated;
        let pos = account.positions.entry((symbol.to_string(), ps)).or_default();
        let signed = if side == Side::Buy { qty } else { -qty };
        let mut realized = Decimal::ZERO;
        if pos.amount.is_zero() || pos.amount.is_sign_positive() == signed.is_sign_positive() {
            let new_amount = pos.amount + signed;
            pos.entry_price = (pos.entry_price * pos.amount.abs() + price * qty) / new_amount.abs();
            pos.amount = new_amount;
            if isolated {
                pos.isolated_wallet += price * qty / leverage;
            }
        } else {
            let before = pos.amount.abs();
            let closed = before.min(qty);
            let direction = if pos.amount.is_sign_positive() { Decimal::ONE } else { -Decimal::ONE };
            realized = (price - pos.entry_price) * closed * direction;
            if isolated && !before.is_zero() {
                pos.isolated_wallet -= pos.isolated_wallet * closed / before;
            }
            pos.amount += signed;
            if pos.amount.is_zero() {
                pos.entry_price = Decimal::ZERO;
            } else if qty > before {
                pos.entry_price = price;
                if isolated {
                    pos.isolated_wallet = pos.amount.abs() * price / leverage;
                }
            }
            pos.realized += realized;
        }
        pos.entry_price = pos.entry_price.round_dp(8);
        pos.update_time = now;
        let commission = (price * qty * fee_rate).round_dp(8);
        account.add_usdt(realized - commission);
        account.update_time = now;
        account.trades.push(AccountTrade {
            id: trade_id,
            order_id,
            symbol: symbol.to_string(),
            side,
            position_side: ps,
            price,
            qty,
            realized_pnl: realized,
            commission,
            maker,
            time: now,
        });
        if !realized.is_zero() {
            account.income.push(Income {
                symbol: symbol.to_string(),
                kind: IncomeType::RealizedPnl,
                amount: realized,
                asset: "USDT".into(),
                info: "REALIZED_PNL".into(),
                time: now,
                tran_id,
                trade_id: trade_id.to_string(),
            });
        }
        account.income.push(Income {
            symbol: symbol.to_string(),
            kind: IncomeType::Commission,
            amount: -commission,
            asset: "USDT".into(),
            info: "COMMISSION".into(),
            time: now,
            tran_id,
            trade_id: trade_id.to_string(),
        });
        let fill = Fill { qty, price, commission, realized, trade_id, maker };
        self.push_order_event(order_id, "TRADE", Some(fill));
        self.outbox.push(UserEvent::Account { account: acct, reason: "ORDER", symbol: Some(symbol.to_string()) });
    }

    /// Fires conditional orders whose trigger condition now holds; repeats while firing
    /// moves the price further.
    pub fn fire_triggers(&mut self, sym: usize, now: i64) {
        for _ in 0..16 {
            let symbol = self.symbols[sym].cfg.symbol.clone();
            let waiting: Vec<i64> = self
                .open_orders()
                .filter(|o| o.symbol == symbol && o.status == OrderStatus::New && o.kind.is_conditional())
                .map(|o| o.id)
                .collect();
            let mut fired = Vec::new();
            for id in waiting {
                let Some(o) = self.orders.get(&id).cloned() else { continue };
                let price = self.trigger_price(sym, o.working_type);
                let go = if o.kind == OrderType::TrailingStopMarket {
                    self.trail(id, price)
                } else {
                    Self::should_trigger(o.kind, o.side, price, o.stop_price)
                };
                if go {
                    fired.push(id);
                }
            }
            if fired.is_empty() {
                return;
            }
            fired.sort_unstable();
            for id in fired {
                self.trigger(id, sym, now);
            }
        }
    }

    /// Updates a trailing stop with the latest price; true when it must fire.
    fn trail(&mut self, id: i64, price: Decimal) -> bool {
        let Some(o) = self.orders.get_mut(&id) else { return false };
        let rate = o.callback_rate.unwrap_or_default() / Decimal::from(100);
        let activated = match (o.activation_price, o.side) {
            (None, _) => true,
            (Some(a), Side::Sell) => o.trail_extreme.is_some() || price >= a,
            (Some(a), Side::Buy) => o.trail_extreme.is_some() || price <= a,
        };
        if !activated {
            return false;
        }
        let extreme = match (o.trail_extreme, o.side) {
            (None, _) => price,
            (Some(e), Side::Sell) => e.max(price),
            (Some(e), Side::Buy) => e.min(price),
        };
        o.trail_extreme = Some(extreme);
        match o.side {
            Side::Sell => price <= extreme * (Decimal::ONE - rate),
            Side::Buy => price >= extreme * (Decimal::ONE + rate),
        }
    }

    fn trigger(&mut self, id: i64, sym: usize, now: i64) {
        let Some(o) = self.orders.get_mut(&id) else { return };
        o.kind = o.orig_kind.triggered_as();
        o.update_time = now;
        if o.close_position {
            let pos = self.accounts[o.account]
                .position(&o.symbol, o.position_side)
                .map(|p| p.amount.abs())
                .unwrap_or_default();
            let Some(o) = self.orders.get_mut(&id) else { return };
            o.qty = pos;
            if pos.is_zero() {
                self.finish(id, OrderStatus::Expired, now);
                return;
            }
        }
        self.execute(id, sym, now);
    }

    /// Cancels an open order; the caller has checked it belongs to the account.
    pub fn cancel(&mut self, id: i64, now: i64) -> ApiResult<()> {
        let open = self.orders.get(&id).is_some_and(|o| o.status.is_open());
        if !open {
            return Err(ApiError::unknown_order());
        }
        if self.orders.get(&id).is_some_and(Order::in_book) {
            self.remove_from_book(id);
        }
        self.finish(id, OrderStatus::Canceled, now);
        Ok(())
    }

    /// Cancels every open order of an account on a symbol.
    pub fn cancel_all(&mut self, acct: AccountId, symbol: &str, now: i64) {
        let ids: Vec<i64> =
            self.open_orders().filter(|o| o.account == acct && o.symbol == symbol).map(|o| o.id).collect();
        for id in ids {
            let _ = self.cancel(id, now);
        }
    }

    /// Orders whose status is open, oldest first.
    pub fn open_orders(&self) -> impl Iterator<Item = &Order> + '_ {
        self.open.iter().filter_map(|id| self.orders.get(id))
    }

    /// Finds an account's order by id or client id.
    pub fn find_order(
        &self,
        acct: AccountId,
        symbol: &str,
        id: Option<i64>,
        client_id: Option<&str>,
    ) -> Option<&Order> {
        let matches = |o: &&Order| o.account == acct && o.symbol == symbol;
        match (id, client_id) {
            (Some(id), _) => self.orders.get(&id).filter(matches),
            (None, Some(cid)) => self
                .orders
                .values()
                .filter(matches)
                .filter(|o| o.client_id == cid)
                .max_by_key(|o| (o.status.is_open(), o.id)),
            (None, None) => None,
        }
    }

    /// Cancels orders whose countdown has run out.
    pub fn sweep(&mut self, now: i64) {
        let due: Vec<(AccountId, String)> = self
            .accounts
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.countdowns.iter().filter(|(_, &t)| t <= now).map(move |(s, _)| (i, s.clone())))
            .collect();
        for (acct, symbol) in due {
            self.accounts[acct].countdowns.remove(&symbol);
            self.cancel_all(acct, &symbol, now);
        }
    }

    // ------------------------------------------------------------------ margin

    pub fn mark_of(&self, symbol: &str) -> Decimal {
        self.symbol_index(symbol).map(|i| self.symbols[i].mark_price()).unwrap_or_default()
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
        let symbols: Vec<String> = self.symbols.iter().map(|s| s.cfg.symbol.clone()).collect();
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
        for s in &self.symbols {
            if let (Some(bid), Some(ask)) = (s.book.best(Side::Buy), s.book.best(Side::Sell)) {
                if bid >= ask {
                    return Err(format!("{} book crossed at rest: bid {bid} >= ask {ask}", s.cfg.symbol));
                }
            }
            for id in s.book.order_ids() {
                match self.orders.get(&id) {
                    Some(o) if o.in_book() && o.symbol == s.cfg.symbol => {}
                    _ => return Err(format!("order {id} is in the {} book but not open", s.cfg.symbol)),
                }
            }
        }
        for s in &self.symbols {
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
        for o in self.orders.values() {
            if o.executed > o.qty && !o.close_position {
                return Err(format!("order {} filled {} of {}", o.id, o.executed, o.qty));
            }
            if o.executed.is_sign_negative() {
                return Err(format!("order {} has negative fill", o.id));
            }
            let booked = self.symbols.iter().any(|s| s.book.order_ids().any(|id| id == o.id));
            if o.in_book() != booked {
                return Err(format!("order {} is {:?} but booked={booked}", o.id, o.status));
            }
            if o.status.is_open() != self.open.contains(&o.id) {
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
