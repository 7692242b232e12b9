//! Orders on the futures market: checks, placement, matching, fills, conditional
//! triggers and cancels.

use super::matching::{self, Taker};
use super::*;

impl Exchange {
    pub(crate) fn check_price(&self, cfg: &SymbolConfig, price: Decimal, stop: bool) -> ApiResult<()> {
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

    pub(crate) fn check_qty(&self, cfg: &SymbolConfig, qty: Decimal, market: bool) -> ApiResult<()> {
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

    pub(crate) fn trigger_price(&self, sym: usize, working: WorkingType) -> Decimal {
        let s = &self.futures.symbols[sym];
        match working {
            WorkingType::MarkPrice => s.mark_price(),
            WorkingType::ContractPrice => s.last_price,
        }
    }

    pub(crate) fn should_trigger(kind: OrderType, side: Side, price: Decimal, stop: Decimal) -> bool {
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
        let cfg = self.futures.symbols[sym].cfg.clone();
        self.mmp_check(acct, &cfg.symbol, now)?;
        check_terms(&req)?;
        let position_side = self.position_side_for(acct, &req)?;
        let client_id = self.client_id_for(acct, &req)?;
        self.check_prices(sym, &cfg, &req)?;
        self.check_room(acct, sym, &cfg, &req, position_side)?;
        self.check_not_triggered(sym, &req)?;

        let id = Self::next_id(&mut self.futures.next_order_id);
        let kind = req.kind;
        let order = Order {
            id,
            client_id,
            account: acct,
            symbol: cfg.symbol.clone(),
            side: req.side,
            position_side,
            kind,
            orig_kind: kind,
            tif: req.tif.unwrap_or(TimeInForce::Gtc),
            qty: req.qty.unwrap_or_default(),
            price: req.price.unwrap_or_default(),
            stop_price: req.stop_price.unwrap_or_default(),
            executed: Decimal::ZERO,
            cum_quote: Decimal::ZERO,
            status: OrderStatus::New,
            reduce_only: req.reduce_only.unwrap_or(false),
            close_position: req.close_position.unwrap_or(false),
            working_type: req.working_type.unwrap_or(WorkingType::ContractPrice),
            price_protect: req.price_protect.unwrap_or(false),
            activation_price: req.activation_price,
            callback_rate: req.callback_rate,
            trail_extreme: None,
            stp: req.stp_mode.unwrap_or(self.accounts[acct].stp_mode),
            time: now,
            update_time: now,
        };
        self.futures.orders.insert(id, order);
        self.futures.open.insert(id);
        if let Some(fee) = req.builder_fee {
            self.futures.builder_fees.insert(id, fee);
        }
        self.push_order_event(id, "NEW", None);
        if !kind.is_conditional() {
            self.execute(id, sym, now);
        }
        self.fire_triggers(sym, now);
        Ok(id)
    }

    /// The position side an order goes to: BOTH in one-way mode, LONG or SHORT in hedge mode.
    fn position_side_for(&self, acct: AccountId, req: &NewOrder) -> ApiResult<PositionSide> {
        let account = &self.accounts[acct];
        let position_side = match (account.dual_side, req.position_side) {
            (false, None | Some(PositionSide::Both)) => PositionSide::Both,
            (true, Some(ps @ (PositionSide::Long | PositionSide::Short))) => ps,
            _ => return Err(ApiError::position_side_mismatch()),
        };
        if account.dual_side && req.reduce_only.is_some() {
            return Err(ApiError::param_not_required("reduceOnly"));
        }
        Ok(position_side)
    }

    /// The order's client id: the one given, when valid and not in use by an open order,
    /// or one of the sandbox's own.
    fn client_id_for(&self, acct: AccountId, req: &NewOrder) -> ApiResult<String> {
        match &req.client_id {
            Some(id) => {
                let taken = self.open_orders().any(|o| o.account == acct && &o.client_id == id);
                if !client_id_ok(id) || taken {
                    return Err(ApiError::client_order_id_invalid());
                }
                Ok(id.clone())
            }
            None => Ok(format!("sandbox-{}", self.futures.next_order_id)),
        }
    }

    /// Prices on the symbol's grid and within its band; quantity on its grid.
    fn check_prices(&self, sym: usize, cfg: &SymbolConfig, req: &NewOrder) -> ApiResult<()> {
        if let Some(p) = req.price {
            self.check_price(cfg, p, false)?;
        }
        for p in [req.stop_price, req.activation_price].into_iter().flatten() {
            self.check_price(cfg, p, true)?;
        }
        if let Some(rate) = req.callback_rate {
            if rate < Decimal::new(1, 1) || rate > Decimal::from(5) {
                return Err(ApiError::invalid_param("callbackRate"));
            }
        }
        if let Some(q) = req.qty {
            self.check_qty(cfg, q, market_like(req.kind))?;
        }
        let mark = self.futures.symbols[sym].mark_price();
        match (req.side, req.price) {
            (Side::Buy, Some(p)) if p > mark * cfg.multiplier_up => Err(ApiError::price_above_multiplier()),
            (Side::Sell, Some(p)) if p < mark * cfg.multiplier_down => Err(ApiError::price_below_multiplier()),
            _ => Ok(()),
        }
    }

    /// Room for the order: its notional, the open-order counts, what reduce-only allows,
    /// and the margin an opening order needs.
    fn check_room(
        &self,
        acct: AccountId,
        sym: usize,
        cfg: &SymbolConfig,
        req: &NewOrder,
        position_side: PositionSide,
    ) -> ApiResult<()> {
        let (reduce_only, close_position) = (req.reduce_only.unwrap_or(false), req.close_position.unwrap_or(false));
        let qty = req.qty.unwrap_or_default();
        let ref_price = req.price.or(req.stop_price).unwrap_or(self.futures.symbols[sym].mark_price());
        if !reduce_only && !close_position && qty * ref_price < cfg.min_notional {
            return Err(ApiError::min_notional(&cfg.min_notional.to_string()));
        }
        let open_here = self.open_orders().filter(|o| o.account == acct && o.symbol == cfg.symbol);
        let (open_count, algo_count) =
            open_here.fold((0, 0), |(n, a), o| (n + 1, a + usize::from(o.kind.is_conditional())));
        if open_count >= cfg.max_num_orders {
            return Err(ApiError::max_open_orders());
        }
        if req.kind.is_conditional() && algo_count >= cfg.max_num_algo_orders {
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
            if qty * ref_price / leverage > self.available_balance(acct) {
                return Err(ApiError::margin_insufficient());
            }
        }
        Ok(())
    }

    /// A conditional order whose trigger is already reached would fire at once: refused.
    fn check_not_triggered(&self, sym: usize, req: &NewOrder) -> ApiResult<()> {
        let kind = req.kind;
        let latest = self.trigger_price(sym, req.working_type.unwrap_or(WorkingType::ContractPrice));
        let stop_kind = matches!(
            kind,
            OrderType::Stop | OrderType::StopMarket | OrderType::TakeProfit | OrderType::TakeProfitMarket
        );
        if let Some(stop) = req.stop_price.filter(|_| stop_kind) {
            if Self::should_trigger(kind, req.side, latest, stop) {
                return Err(ApiError::would_trigger());
            }
        }
        if let Some(act) = req.activation_price.filter(|_| kind == OrderType::TrailingStopMarket) {
            let passed = match req.side {
                Side::Buy => act >= latest,
                Side::Sell => act <= latest,
            };
            if passed {
                return Err(ApiError::would_trigger());
            }
        }
        Ok(())
    }

    /// In hedge mode, BUY on SHORT and SELL on LONG close a position.
    pub(crate) fn reduces_hedge(&self, acct: AccountId, _symbol: &str, side: Side, ps: PositionSide) -> bool {
        let _ = acct;
        matches!((side, ps), (Side::Buy, PositionSide::Short) | (Side::Sell, PositionSide::Long))
    }

    /// Matches a LIMIT or MARKET order against the book and rests or expires the rest.
    pub(crate) fn execute(&mut self, id: i64, sym: usize, now: i64) {
        let Some(order) = self.futures.orders.get(&id).cloned() else { return };
        let limit = (order.kind != OrderType::Market).then_some(order.price);
        let taker = Taker { id, side: order.side, limit };
        let post_only = order.kind == OrderType::Limit && order.tif == TimeInForce::Gtx;
        if post_only && matching::would_take(&self.futures.symbols[sym].book, &taker) {
            self.finish(id, OrderStatus::Expired, now);
            return;
        }
        let mut venue = FuturesVenue { ex: self, sym, now };
        if order.kind == OrderType::Limit
            && order.tif == TimeInForce::Fok
            && !matching::can_fill(&venue, &taker, order.qty)
        {
            self.finish(id, OrderStatus::Expired, now);
            return;
        }
        matching::run(&mut venue, &taker);
        let Some(order) = self.futures.orders.get(&id) else { return };
        if order.remaining().is_zero() || !order.status.is_open() {
            return;
        }
        let rests = order.kind == OrderType::Limit
            && matches!(order.tif, TimeInForce::Gtc | TimeInForce::Gtx | TimeInForce::Hidden);
        if rests {
            let (side, price) = (order.side, order.price);
            self.futures.symbols[sym].book.insert(side, price, id);
        } else {
            self.finish(id, OrderStatus::Expired, now);
        }
    }

    pub(crate) fn finish(&mut self, id: i64, status: OrderStatus, now: i64) {
        if let Some(o) = self.futures.orders.get_mut(&id) {
            o.status = status;
            o.update_time = now;
        }
        if !status.is_open() {
            self.futures.open.remove(&id);
        }
        if let Some(o) = self.futures.orders.get(&id) {
            if o.account != HOUSE {
                let execution = if status == OrderStatus::Canceled { "CANCELED" } else { "EXPIRED" };
                self.push_order_event(id, execution, None);
            }
        }
    }

    /// Queues an order event with the order's state as it is now.
    pub(crate) fn push_order_event(&mut self, order_id: i64, execution: &'static str, fill: Option<Fill>) {
        let Some(o) = self.futures.orders.get(&order_id) else { return };
        let state = OrderState {
            status: o.status,
            qty: o.qty,
            price: o.price,
            executed: o.executed,
            avg_price: o.avg_price(),
            update_time: o.update_time,
        };
        self.futures.outbox.push(UserEvent::Order { account: o.account, order_id, execution, fill, state });
    }

    pub(crate) fn remove_from_book(&mut self, id: i64) {
        let Some(o) = self.futures.orders.get(&id) else { return };
        let (side, price, symbol) = (o.side, o.price, o.symbol.clone());
        if let Ok(sym) = self.symbol_index(&symbol) {
            self.futures.symbols[sym].book.remove(side, price, id);
        }
    }

    pub(crate) fn fill(&mut self, sym: usize, taker_id: i64, maker_id: i64, price: Decimal, qty: Decimal, now: i64) {
        for (id, maker) in [(taker_id, false), (maker_id, true)] {
            let Some(o) = self.futures.orders.get_mut(&id) else { continue };
            o.executed += qty;
            o.cum_quote += price * qty;
            o.update_time = now;
            o.status = if o.remaining().is_zero() { OrderStatus::Filled } else { OrderStatus::PartiallyFilled };
            if o.status == OrderStatus::Filled {
                self.futures.open.remove(&id);
            }
            let (acct, side, ps, oid, symbol) = (o.account, o.side, o.position_side, o.id, o.symbol.clone());
            if acct == HOUSE {
                self.futures.symbols[sym].house_position += if side == Side::Buy { qty } else { -qty };
            } else {
                let trade_id = self.futures.next_trade_id;
                self.apply_fill(acct, &symbol, side, ps, price, qty, maker, oid, trade_id, now);
            }
        }
        if self.futures.orders.get(&maker_id).is_some_and(|o| o.remaining().is_zero()) {
            self.remove_from_book(maker_id);
        } else {
            self.futures.symbols[sym].book.bump();
        }
        let maker_side = self.futures.orders.get(&maker_id).map(|o| o.side).unwrap_or(Side::Buy);
        self.record_public_trade(sym, price, qty, now, maker_side == Side::Buy, taker_id);
    }

    pub(crate) fn record_public_trade(
        &mut self,
        sym: usize,
        price: Decimal,
        qty: Decimal,
        time: i64,
        buyer_maker: bool,
        taker: i64,
    ) {
        let id = Self::next_id(&mut self.futures.next_trade_id);
        let s = &mut self.futures.symbols[sym];
        s.last_price = price;
        s.trades.push(PublicTrade { id, price, qty, time, buyer_maker });
        match s.agg_trades.last_mut() {
            Some(a) if a.taker_order == taker && a.price == price && taker > 0 => {
                a.qty += qty;
                a.last_id = id;
            }
            _ => {
                let agg_id = Self::next_id(&mut self.futures.next_agg_id);
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

    /// The builder's fee on a fill of `value` of the order, credited to the builder when it
    /// has an account here; the account that placed the order pays it with its commission.
    fn pay_builder(&mut self, order_id: i64, value: Decimal) -> Decimal {
        let Some(fee) = self.futures.builder_fees.get(&order_id).copied() else { return Decimal::ZERO };
        let amount = (value * fee.rate).round_dp(8);
        if let Some(builder) = self.account_by_user(&fee.builder) {
            self.accounts[builder].add_usdt(amount);
        }
        amount
    }

    /// Books a fill on an account: position, realized PnL, commission and records.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn apply_fill(
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
        let builder_fee = self.pay_builder(order_id, price * qty);
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
        let commission = (price * qty * fee_rate).round_dp(8) + builder_fee;
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
        self.futures.outbox.push(UserEvent::Account {
            account: acct,
            reason: "ORDER",
            symbol: Some(symbol.to_string()),
        });
    }

    /// Fires conditional orders whose trigger condition now holds; repeats while firing
    /// moves the price further.
    pub fn fire_triggers(&mut self, sym: usize, now: i64) {
        for _ in 0..16 {
            let symbol = self.futures.symbols[sym].cfg.symbol.clone();
            let waiting: Vec<i64> = self
                .open_orders()
                .filter(|o| o.symbol == symbol && o.status == OrderStatus::New && o.kind.is_conditional())
                .map(|o| o.id)
                .collect();
            let mut fired = Vec::new();
            for id in waiting {
                let Some(o) = self.futures.orders.get(&id).cloned() else { continue };
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
    pub(crate) fn trail(&mut self, id: i64, price: Decimal) -> bool {
        let Some(o) = self.futures.orders.get_mut(&id) else { return false };
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

    pub(crate) fn trigger(&mut self, id: i64, sym: usize, now: i64) {
        let Some(o) = self.futures.orders.get_mut(&id) else { return };
        o.kind = o.orig_kind.triggered_as();
        o.update_time = now;
        if o.close_position {
            let pos = self.accounts[o.account]
                .position(&o.symbol, o.position_side)
                .map(|p| p.amount.abs())
                .unwrap_or_default();
            let Some(o) = self.futures.orders.get_mut(&id) else { return };
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
        let open = self.futures.orders.get(&id).is_some_and(|o| o.status.is_open());
        if !open {
            return Err(ApiError::unknown_order());
        }
        if self.futures.orders.get(&id).is_some_and(Order::in_book) {
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
        self.futures.open.iter().filter_map(|id| self.futures.orders.get(id))
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
            (Some(id), _) => self.futures.orders.get(&id).filter(matches),
            (None, Some(cid)) => self
                .futures
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
}

/// What an order type needs, and how `closePosition` combines with the rest.
fn check_terms(req: &NewOrder) -> ApiResult<()> {
    let needs: &[&str] = match req.kind {
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
    if !req.close_position.unwrap_or(false) {
        return match req.qty {
            Some(_) => Ok(()),
            None => Err(ApiError::mandatory("quantity")),
        };
    }
    if !matches!(req.kind, OrderType::StopMarket | OrderType::TakeProfitMarket) {
        return Err(ApiError::param_not_required("closePosition"));
    }
    if req.qty.is_some() {
        return Err(ApiError::quantity_with_close_position());
    }
    if req.reduce_only.is_some() {
        return Err(ApiError::param_not_required("reduceOnly"));
    }
    Ok(())
}

/// Order types that take whatever price the book gives.
fn market_like(kind: OrderType) -> bool {
    matches!(
        kind,
        OrderType::Market | OrderType::StopMarket | OrderType::TakeProfitMarket | OrderType::TrailingStopMarket
    )
}

/// One futures symbol as matching sees it.
struct FuturesVenue<'a> {
    ex: &'a mut Exchange,
    sym: usize,
    now: i64,
}

impl matching::Venue for FuturesVenue<'_> {
    fn book(&self) -> &super::book::Book {
        &self.ex.futures.symbols[self.sym].book
    }

    fn resting(&self, id: i64) -> Decimal {
        self.ex.futures.orders.get(&id).map(Order::remaining).unwrap_or_default()
    }

    fn wants(&self, taker: &Taker, _: Decimal) -> Decimal {
        self.resting(taker.id)
    }

    fn may_trade(&mut self, taker: &Taker, maker: i64) -> matching::Proceed {
        self.ex.self_trade(taker.id, maker, self.now)
    }

    fn trade(&mut self, taker: &Taker, maker: i64, price: Decimal, qty: Decimal) {
        self.ex.fill(self.sym, taker.id, maker, price, qty, self.now);
    }
}
