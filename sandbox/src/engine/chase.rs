//! V3 chase orders: a post-only limit order kept at a fixed distance from the best price
//! of its side, re-priced as the book moves, until it fills, is cancelled, or the market
//! runs further than `max_offset` from where the chase began.

use super::types::{OrderStatus, OrderType, Side, TimeInForce};
use super::{AccountId, Exchange, NewOrder};
use crate::error::{ApiError, ApiResult};
use rust_decimal::Decimal;

/// How far the market may run, in price units or percent of the starting price.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxOffset {
    Absolute(Decimal),
    Percentage(Decimal),
}

#[derive(Debug, Clone)]
pub struct Chase {
    pub id: i64,
    pub client_id: String,
    pub account: AccountId,
    pub order_id: i64,
    pub symbol: String,
    pub side: Side,
    /// As requested, in `quantity_unit`.
    pub quantity: Decimal,
    pub quantity_unit: String,
    pub offset: Decimal,
    pub max_offset: Option<MaxOffset>,
    /// The best price of the order's side when the chase began.
    pub origin: Decimal,
    pub status: &'static str,
    pub book_time: i64,
    pub update_time: i64,
}

/// What a chase is asked to do.
#[derive(Debug, Clone)]
pub struct ChaseRequest {
    pub order: NewOrder,
    pub quantity: Decimal,
    pub quote_unit: bool,
    pub offset: Decimal,
    pub max_offset: Option<MaxOffset>,
    pub client_id: Option<String>,
}

impl Exchange {
    fn best_of(&self, symbol: &str, side: Side) -> ApiResult<Decimal> {
        let sym = self.symbol_index(symbol)?;
        self.futures.symbols[sym]
            .book
            .best(side)
            .ok_or_else(|| ApiError::new(400, -4131, "The book is empty on that side."))
    }

    /// Places the chase's first order at the best price of its side, `offset` away.
    pub fn place_chase(&mut self, acct: AccountId, mut req: ChaseRequest, now: i64) -> ApiResult<i64> {
        let sym = self.symbol_index(&req.order.symbol)?;
        let cfg = self.futures.symbols[sym].cfg.clone();
        if req.offset < Decimal::ZERO || !(req.offset % cfg.tick_size).is_zero() {
            return Err(ApiError::invalid_param("chaseOffset"));
        }
        match req.max_offset {
            Some(MaxOffset::Absolute(m)) if m <= Decimal::ZERO || !(m % cfg.tick_size).is_zero() => {
                return Err(ApiError::invalid_param("maxChaseOffset"))
            }
            Some(MaxOffset::Percentage(p)) if p <= Decimal::ZERO || p.normalize().scale() > 2 => {
                return Err(ApiError::invalid_param("maxChaseOffset"))
            }
            _ => {}
        }
        let base_qty = if req.quote_unit {
            let mark = self.futures.symbols[sym].mark_price();
            ((req.quantity / mark) / cfg.step_size).floor() * cfg.step_size
        } else {
            req.quantity
        };
        let origin = self.best_of(&cfg.symbol, req.order.side)?;
        let price = match req.order.side {
            Side::Buy => origin - req.offset,
            Side::Sell => origin + req.offset,
        };
        req.order.kind = OrderType::Limit;
        req.order.tif = Some(req.order.tif.unwrap_or(TimeInForce::Gtx));
        req.order.qty = Some(base_qty);
        req.order.price = Some(price);
        let order_id = self.place(acct, req.order.clone(), now)?;
        self.futures.strategies.next_id += 1;
        let id = 8_000_000 + self.futures.strategies.next_id;
        let chase = Chase {
            id,
            client_id: req.client_id.unwrap_or_else(|| format!("chase-{id}")),
            account: acct,
            order_id,
            symbol: cfg.symbol,
            side: req.order.side,
            quantity: req.quantity,
            quantity_unit: if req.quote_unit { "QUOTE" } else { "BASE" }.into(),
            offset: req.offset,
            max_offset: req.max_offset,
            origin,
            status: "NEW",
            book_time: now,
            update_time: now,
        };
        self.futures.strategies.chases.insert(id, chase);
        self.run_chases(now);
        Ok(id)
    }

    /// Re-prices every live chase to the book, and ends those whose order closed or whose
    /// market ran past the limit.
    pub fn run_chases(&mut self, now: i64) {
        let live: Vec<i64> = self
            .futures
            .strategies
            .chases
            .values()
            .filter(|c| matches!(c.status, "NEW" | "WORKING"))
            .map(|c| c.id)
            .collect();
        for id in live {
            let Some(chase) = self.futures.strategies.chases.get(&id).cloned() else { continue };
            let status = self.chase_step(&chase, now);
            if let Some(c) = self.futures.strategies.chases.get_mut(&id) {
                if c.status != status {
                    c.status = status;
                    c.update_time = now;
                }
            }
        }
    }

    fn chase_step(&mut self, chase: &Chase, now: i64) -> &'static str {
        let Some(order) = self.futures.orders.get(&chase.order_id).cloned() else { return "CANCELED" };
        match order.status {
            OrderStatus::Filled => return "FILLED",
            s if !s.is_open() => return "CANCELED",
            _ => {}
        }
        let Ok(best) = self.best_of(&chase.symbol, chase.side) else { return chase.status };
        let ran = (best - chase.origin).abs();
        let too_far = match chase.max_offset {
            Some(MaxOffset::Absolute(m)) => ran > m,
            Some(MaxOffset::Percentage(p)) => ran > chase.origin * p / Decimal::ONE_HUNDRED,
            None => false,
        };
        if too_far {
            let _ = self.cancel(chase.order_id, now);
            return "OFFSET_CANCELLED";
        }
        let target = match chase.side {
            Side::Buy => best - chase.offset,
            Side::Sell => best + chase.offset,
        };
        // Our own order may be the best price: then it already stands where it should.
        if target != order.price && best != order.price && self.modify(chase.order_id, order.qty, target, now).is_ok() {
            return "WORKING";
        }
        chase.status
    }
}
