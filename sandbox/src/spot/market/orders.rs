//! Orders on the spot market: filters and balance checks, placement, matching, settlement
//! between the two assets' balances, conditional triggers and cancels.

use super::*;
use crate::engine::book::Book;
use crate::engine::matching::{self, Taker};

impl SpotMarket {
    /// Checks a new order against the pair's filters and the account's balance, then
    /// places it: matched at once, resting, or waiting for its trigger.
    pub fn place(&mut self, acct: AccountId, req: NewSpotOrder, now: i64) -> ApiResult<i64> {
        let pi = self.pair_index(&req.symbol)?;
        let cfg = self.pairs[pi].cfg.clone();
        let mandatory = |v: Option<Decimal>, name: &str| v.ok_or_else(|| ApiError::mandatory(name));
        let kind = req.kind;
        let exec_kind = kind.triggered_as();
        let tif = match (exec_kind, req.tif) {
            (SpotKind::Limit, None) => return Err(ApiError::mandatory("timeInForce")),
            (SpotKind::Limit, Some(TimeInForce::Hidden)) => return Err(ApiError::invalid_tif()),
            (_, t) => t.unwrap_or(TimeInForce::Gtc),
        };
        let price = if exec_kind == SpotKind::Limit { mandatory(req.price, "price")? } else { Decimal::ZERO };
        let stop_price = if kind.is_conditional() { mandatory(req.stop_price, "stopPrice")? } else { Decimal::ZERO };
        let (qty, quote_qty) = match (kind, req.qty, req.quote_qty) {
            (SpotKind::Market, None, Some(q)) => (Decimal::ZERO, q),
            (SpotKind::Market, None, None) => return Err(ApiError::either("quantity", "quoteOrderQty")),
            (_, Some(_), Some(_)) => return Err(ApiError::bad_combo()),
            (_, None, _) => return Err(ApiError::mandatory("quantity")),
            (_, Some(q), None) => (q, Decimal::ZERO),
        };
        if price < Decimal::ZERO || (exec_kind == SpotKind::Limit && price.is_zero()) {
            return Err(ApiError::price_le_zero());
        }
        if exec_kind == SpotKind::Limit {
            self.check_limit_price(pi, &cfg, price)?;
        }
        if kind.is_conditional() && (stop_price <= Decimal::ZERO || !(stop_price % cfg.tick_size).is_zero()) {
            return Err(ApiError::invalid_param("stopPrice"));
        }
        check_quantity(&cfg, exec_kind, qty, quote_qty)?;
        let reference = if exec_kind == SpotKind::Limit { price } else { self.pairs[pi].last_price };
        let notional = if quote_qty.is_zero() { qty * reference } else { quote_qty };
        if notional < cfg.min_notional {
            return Err(ApiError::min_notional(&cfg.min_notional.normalize().to_string()));
        }
        let client_id = self.client_id_for(acct, req.client_id)?;
        // MAX_NUM_ORDERS: open orders per pair and account.
        if self.open_orders(acct).filter(|o| o.symbol == cfg.symbol).count() >= cfg.max_num_orders {
            return Err(ApiError::max_open_orders());
        }
        if kind.is_conditional() {
            let last = self.pairs[pi].last_price;
            if Self::triggers(kind, req.side, stop_price, last) {
                return Err(ApiError::would_trigger());
            }
        }
        let id = self.next_id();
        let order = SpotOrder {
            id,
            client_id,
            account: acct,
            symbol: cfg.symbol.clone(),
            side: req.side,
            kind: if kind.is_conditional() { kind } else { exec_kind },
            orig_kind: kind,
            tif,
            qty,
            quote_qty,
            price,
            stop_price,
            executed: Decimal::ZERO,
            cum_quote: Decimal::ZERO,
            status: OrderStatus::New,
            locked: Decimal::ZERO,
            time: now,
            update_time: now,
        };
        let mut order = order;
        if !kind.is_conditional() {
            order.locked = self.lock_for(pi, &order)?;
        }
        self.orders.insert(id, order);
        self.open.insert(id);
        if kind.is_conditional() {
            self.report(id, "NEW", None);
            return Ok(id);
        }
        self.activate(pi, id, now);
        Ok(id)
    }

    /// PRICE_FILTER and PERCENT_PRICE for a limit price.
    fn check_limit_price(&self, pi: usize, cfg: &SymbolConfig, price: Decimal) -> ApiResult<()> {
        if price < cfg.min_price {
            return Err(ApiError::price_lt_min());
        }
        if price > cfg.max_price {
            return Err(ApiError::price_gt_max());
        }
        if !(price % cfg.tick_size).is_zero() {
            return Err(ApiError::price_tick());
        }
        // PERCENT_PRICE: within the multipliers of the last price.
        let last = self.pairs[pi].last_price;
        if price > last * cfg.multiplier_up {
            return Err(ApiError::price_above_multiplier());
        }
        if price < last * cfg.multiplier_down {
            return Err(ApiError::price_below_multiplier());
        }
        Ok(())
    }

    /// The order's client id: the one given, when valid and not held by an open order of
    /// the account, or one of the sandbox's own.
    fn client_id_for(&self, acct: AccountId, given: Option<String>) -> ApiResult<String> {
        match given {
            Some(c) if !crate::engine::client_id_ok(&c) => Err(ApiError::client_order_id_invalid()),
            Some(c) if self.open_orders(acct).any(|o| o.client_id == c) => {
                Err(ApiError::new(400, -2010, "Duplicate client order id."))
            }
            Some(c) => Ok(c),
            None => Ok(format!("sandbox-spot-{}", self.next_order_id + 1)),
        }
    }

    /// Whether a conditional order's trigger is reached at `last`.
    pub(crate) fn triggers(kind: SpotKind, side: Side, stop: Decimal, last: Decimal) -> bool {
        let stop_kind = matches!(kind, SpotKind::Stop | SpotKind::StopMarket);
        match (side, stop_kind) {
            (Side::Buy, true) | (Side::Sell, false) => last >= stop,
            (Side::Buy, false) | (Side::Sell, true) => last <= stop,
        }
    }

    /// What an order must lock before it can trade: the quote it may spend on a buy (at
    /// its limit price, or the book's cost for a market order), the base on a sell.
    pub(crate) fn lock_for(&mut self, pi: usize, order: &SpotOrder) -> ApiResult<Decimal> {
        if order.account == HOUSE {
            return Ok(Decimal::ZERO);
        }
        let (base, quote) = (self.pairs[pi].cfg.base_asset.clone(), self.pairs[pi].cfg.quote_asset.clone());
        let (asset, amount) = match (order.side, order.kind) {
            (Side::Sell, _) if order.quote_qty.is_zero() => (base, order.qty),
            (Side::Sell, _) => (base, self.base_for_quote(pi, order.quote_qty)),
            (Side::Buy, SpotKind::Limit) => (quote, order.qty * order.price),
            (Side::Buy, _) if !order.quote_qty.is_zero() => (quote, order.quote_qty),
            (Side::Buy, _) => (quote, self.cost_of(pi, order.qty)),
        };
        let b = self.bal(order.account, &asset);
        if b.free < amount {
            return Err(ApiError::balance_insufficient());
        }
        b.free -= amount;
        b.locked += amount;
        self.outbox.push(SpotEvent::Balances { account: order.account, assets: [asset].into(), reason: "ORDER" });
        Ok(amount)
    }

    /// What buying `qty` at market costs now, walking the asks.
    pub(crate) fn cost_of(&self, pi: usize, qty: Decimal) -> Decimal {
        let mut left = qty;
        let mut cost = Decimal::ZERO;
        for (price, ids) in self.pairs[pi].book.levels(Side::Sell) {
            let at_level: Decimal = ids.iter().filter_map(|id| self.orders.get(id)).map(SpotOrder::remaining).sum();
            let take = left.min(at_level);
            cost += take * *price;
            left -= take;
            if left.is_zero() {
                break;
            }
        }
        cost
    }

    /// How much base a market sell for `quote` needs, walking the bids.
    pub(crate) fn base_for_quote(&self, pi: usize, quote: Decimal) -> Decimal {
        let mut left = quote;
        let mut base = Decimal::ZERO;
        for (price, ids) in self.pairs[pi].book.levels(Side::Buy) {
            let at_level: Decimal = ids.iter().filter_map(|id| self.orders.get(id)).map(SpotOrder::remaining).sum();
            let take = (left / *price).min(at_level);
            base += take;
            left -= take * *price;
            if left <= Decimal::ZERO {
                break;
            }
        }
        base.round_dp(self.pairs[pi].cfg.quantity_precision())
    }

    /// Sends an order that may trade now into the book: post-only and fill-or-kill
    /// checks, matching, then resting or expiring by its time in force.
    pub(crate) fn activate(&mut self, pi: usize, id: i64, now: i64) {
        let Some(o) = self.orders.get(&id).cloned() else { return };
        let limit = (o.kind != SpotKind::Market).then_some(o.price);
        let taker = Taker { id, side: o.side, limit };
        self.report(id, "NEW", None);
        let mut venue = SpotVenue { market: self, pi, now };
        let refused = (o.tif == TimeInForce::Gtx && matching::would_take(&venue.market.pairs[pi].book, &taker))
            || (o.tif == TimeInForce::Fok && !matching::can_fill(&venue, &taker, o.remaining()));
        if refused {
            self.finish(id, OrderStatus::Expired, now);
            return;
        }
        matching::run(&mut venue, &taker);
        if let Some(o) = self.orders.get(&id).filter(|o| o.status.is_open()) {
            let by_quote = !o.quote_qty.is_zero();
            if o.kind == SpotKind::Market || matches!(o.tif, TimeInForce::Ioc | TimeInForce::Fok) {
                // A quote amount is spent when what is left buys less than a step.
                let step_cost = self.pairs[pi].last_price * self.pairs[pi].cfg.step_size;
                let filled = if by_quote {
                    !o.executed.is_zero() && o.quote_qty - o.cum_quote < step_cost
                } else {
                    o.remaining().is_zero()
                };
                if let Some(o) = self.orders.get_mut(&id).filter(|o| !o.quote_qty.is_zero()) {
                    o.qty = o.executed;
                }
                self.finish(id, if filled { OrderStatus::Filled } else { OrderStatus::Expired }, now);
            } else {
                let (side, price) = (o.side, o.price);
                self.pairs[pi].book.insert(side, price, id);
            }
        }
        self.requote(pi, now);
        self.fire_triggers(pi, now);
    }

    /// One trade: both orders, both accounts' balances, the public tape, the events.
    pub(crate) fn fill(&mut self, pi: usize, taker_id: i64, maker_id: i64, price: Decimal, qty: Decimal, now: i64) {
        self.next_trade_id += 1;
        let trade_id = self.next_trade_id;
        let buyer_maker = self.orders[&maker_id].side == Side::Buy;
        for (id, maker) in [(maker_id, true), (taker_id, false)] {
            let fee = if maker { self.maker_fee } else { self.taker_fee };
            let trade = self.settle(pi, id, price, qty, fee, maker, trade_id, now);
            let (o, counter) = (&self.orders[&id], if maker { taker_id } else { maker_id });
            let counterparty = self.orders[&counter].account;
            if o.account != HOUSE {
                let mut t = trade;
                t.counterparty = counterparty;
                self.user_trades.push(t.clone());
                self.report(id, "TRADE", Some(t));
            }
            if self.orders[&id].remaining().is_zero() && self.orders[&id].quote_qty.is_zero() {
                if maker {
                    let (side, p) = (self.orders[&id].side, self.orders[&id].price);
                    self.pairs[pi].book.remove(side, p, id);
                }
                self.finish(id, OrderStatus::Filled, now);
            }
        }
        let pair = &mut self.pairs[pi];
        pair.last_price = price;
        pair.book.bump();
        pair.trades.push(SpotTrade { id: trade_id, price, qty, time: now, buyer_maker });
        if pair.trades.len() > 1000 {
            pair.trades.remove(0);
        }
    }

    /// Moves one side of a trade through an order and its account: the order's progress,
    /// what it had locked, what it receives less the fee.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn settle(
        &mut self,
        pi: usize,
        id: i64,
        price: Decimal,
        qty: Decimal,
        fee_rate: Decimal,
        maker: bool,
        trade_id: i64,
        now: i64,
    ) -> UserTrade {
        let (base, quote) = (self.pairs[pi].cfg.base_asset.clone(), self.pairs[pi].cfg.quote_asset.clone());
        let quote_amount = qty * price;
        let o = self.orders.get_mut(&id).expect("a matched order exists");
        o.executed += qty;
        o.cum_quote += quote_amount;
        o.update_time = now;
        o.status = OrderStatus::PartiallyFilled;
        let (acct, side) = (o.account, o.side);
        // The lock a buy used for this fill: at its limit price, or what it spent.
        let used = match (side, o.kind) {
            (Side::Buy, SpotKind::Limit) => qty * o.price,
            (Side::Buy, _) => quote_amount,
            (Side::Sell, _) => qty,
        }
        .min(o.locked);
        o.locked -= used;
        let (received_asset, received, spent_asset, spent) = match side {
            Side::Buy => (base, qty, quote, quote_amount),
            Side::Sell => (quote, quote_amount, base, qty),
        };
        let commission = (received * fee_rate).round_dp(8);
        if acct != HOUSE {
            let b = self.bal(acct, &spent_asset);
            b.locked -= used;
            b.free += used - spent;
            self.bal(acct, &received_asset).free += received - commission;
            let symbol = self.pairs[pi].cfg.symbol.clone();
            for (asset, delta, kind) in
                [(&spent_asset, -spent, "TRADE_SOURCE"), (&received_asset, received - commission, "TRADE_TARGET")]
            {
                self.transactions.push(Transaction {
                    tran_id: trade_id * 10 + i64::from(kind == "TRADE_TARGET"),
                    trade_id: Some(trade_id),
                    account: acct,
                    asset: asset.clone(),
                    symbol: symbol.clone(),
                    delta,
                    kind,
                    time: now,
                });
            }
            self.outbox.push(SpotEvent::Balances {
                account: acct,
                assets: [spent_asset.clone(), received_asset.clone()].into(),
                reason: "ORDER",
            });
        }
        UserTrade {
            id: trade_id,
            order_id: id,
            account: acct,
            counterparty: HOUSE,
            symbol: self.pairs[pi].cfg.symbol.clone(),
            side,
            price,
            qty,
            commission,
            commission_asset: received_asset,
            maker,
            time: now,
        }
    }

    /// Ends an order: its status, and whatever it still had locked back to free.
    pub(crate) fn finish(&mut self, id: i64, status: OrderStatus, now: i64) {
        let Some(o) = self.orders.get_mut(&id) else { return };
        o.status = status;
        o.update_time = now;
        self.open.remove(&id);
        let (acct, side, left, symbol) = (o.account, o.side, std::mem::take(&mut o.locked), o.symbol.clone());
        if acct == HOUSE {
            return;
        }
        if !left.is_zero() {
            let Ok(pi) = self.pair_index(&symbol) else { return };
            let asset = match side {
                Side::Buy => self.pairs[pi].cfg.quote_asset.clone(),
                Side::Sell => self.pairs[pi].cfg.base_asset.clone(),
            };
            let b = self.bal(acct, &asset);
            b.locked -= left;
            b.free += left;
            self.outbox.push(SpotEvent::Balances { account: acct, assets: [asset].into(), reason: "ORDER" });
        }
        let execution = match status {
            OrderStatus::Canceled => "CANCELED",
            OrderStatus::Expired => "EXPIRED",
            OrderStatus::Rejected => "REJECTED",
            _ => return,
        };
        self.report(id, execution, None);
    }

    pub(crate) fn report(&mut self, id: i64, execution: &'static str, fill: Option<UserTrade>) {
        if let Some(o) = self.orders.get(&id) {
            if o.account != HOUSE {
                self.outbox.push(SpotEvent::Execution { order: Box::new(o.clone()), execution, fill });
            }
        }
    }

    /// Cancels an open order of the account.
    pub fn cancel(&mut self, id: i64, now: i64) -> ApiResult<SpotOrder> {
        let o = self.orders.get(&id).cloned().ok_or_else(ApiError::unknown_order)?;
        if !o.status.is_open() {
            return Err(ApiError::unknown_order());
        }
        if let Ok(pi) = self.pair_index(&o.symbol) {
            self.pairs[pi].book.remove(o.side, o.price, id);
        }
        self.finish(id, OrderStatus::Canceled, now);
        Ok(self.orders[&id].clone())
    }

    /// The account's order by exchange id or client id.
    pub fn find(&self, acct: AccountId, symbol: &str, id: Option<i64>, client_id: Option<&str>) -> Option<&SpotOrder> {
        let matches = |o: &&SpotOrder| o.account == acct && o.symbol == symbol;
        match (id, client_id) {
            (Some(id), _) => self.orders.get(&id).filter(matches),
            (None, Some(c)) => self
                .orders
                .values()
                .filter(matches)
                .filter(|o| o.client_id == c)
                .max_by_key(|o| (o.status.is_open(), o.id)),
            (None, None) => None,
        }
    }

    /// Moves a pair's last price (tests and examples), as a trade at that price would.
    pub fn set_price(&mut self, pi: usize, price: Decimal, now: i64) {
        self.pairs[pi].last_price = price;
        self.requote(pi, now);
        self.fire_triggers(pi, now);
    }

    /// Conditional orders whose trigger the last price reached become LIMIT or MARKET
    /// orders and trade; one whose account cannot pay then expires.
    pub(crate) fn fire_triggers(&mut self, pi: usize, now: i64) {
        loop {
            let last = self.pairs[pi].last_price;
            let symbol = &self.pairs[pi].cfg.symbol;
            let due = self
                .open
                .iter()
                .filter_map(|id| self.orders.get(id))
                .filter(|o| &o.symbol == symbol && o.status == OrderStatus::New && o.kind.is_conditional())
                .filter(|o| Self::triggers(o.kind, o.side, o.stop_price, last))
                .map(|o| o.id)
                .min();
            let Some(id) = due else { return };
            let o = self.orders.get_mut(&id).expect("listed above");
            o.kind = o.kind.triggered_as();
            let snapshot = o.clone();
            match self.lock_for(pi, &snapshot) {
                Ok(locked) => {
                    if let Some(o) = self.orders.get_mut(&id) {
                        o.locked = locked;
                    }
                    self.activate(pi, id, now);
                }
                Err(_) => self.finish(id, OrderStatus::Expired, now),
            }
        }
    }

    pub fn open_orders(&self, acct: AccountId) -> impl Iterator<Item = &SpotOrder> + '_ {
        self.open.iter().filter_map(|id| self.orders.get(id)).filter(move |o| o.account == acct)
    }
}

/// LOT_SIZE and MARKET_LOT_SIZE for a quantity, or a positive quote amount instead.
fn check_quantity(cfg: &SymbolConfig, exec_kind: SpotKind, qty: Decimal, quote_qty: Decimal) -> ApiResult<()> {
    if !quote_qty.is_zero() {
        return match quote_qty > Decimal::ZERO {
            true => Ok(()),
            false => Err(ApiError::invalid_param("quoteOrderQty")),
        };
    }
    if qty <= Decimal::ZERO {
        return Err(ApiError::qty_le_zero());
    }
    if qty < cfg.min_qty {
        return Err(ApiError::qty_lt_min());
    }
    // MARKET_LOT_SIZE caps market orders below LOT_SIZE's cap.
    let max = if exec_kind == SpotKind::Market { cfg.market_max_qty } else { cfg.max_qty };
    if qty > max {
        return Err(ApiError::qty_gt_max());
    }
    if !(qty % cfg.step_size).is_zero() {
        return Err(ApiError::qty_step());
    }
    Ok(())
}

/// One spot pair as matching sees it.
struct SpotVenue<'a> {
    market: &'a mut SpotMarket,
    pi: usize,
    now: i64,
}

impl matching::Venue for SpotVenue<'_> {
    fn book(&self) -> &Book {
        &self.market.pairs[self.pi].book
    }

    fn resting(&self, id: i64) -> Decimal {
        self.market.orders.get(&id).map(SpotOrder::remaining).unwrap_or_default()
    }

    fn wants(&self, taker: &Taker, price: Decimal) -> Decimal {
        let Some(t) = self.market.orders.get(&taker.id) else { return Decimal::ZERO };
        if t.quote_qty.is_zero() {
            return t.remaining();
        }
        // A quote amount: what is left of it at this price, in whole steps.
        let step = self.market.pairs[self.pi].cfg.step_size;
        ((t.quote_qty - t.cum_quote) / price / step).floor() * step
    }

    fn trade(&mut self, taker: &Taker, maker: i64, price: Decimal, qty: Decimal) {
        self.market.fill(self.pi, taker.id, maker, price, qty, self.now);
    }
}
