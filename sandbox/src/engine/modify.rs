//! V3's in-place order modification.

use super::types::Side;
use super::Exchange;
use crate::error::{ApiError, ApiResult};
use rust_decimal::Decimal;

impl Exchange {
    /// Gives a resting LIMIT order a new quantity and price under the same id. The new
    /// values pass the same filters as a new order; the order goes to the back of its new
    /// price level and trades at once if the new price crosses.
    pub fn modify(&mut self, id: i64, qty: Decimal, price: Decimal, now: i64) -> ApiResult<()> {
        let order = self.futures.orders.get(&id).cloned().ok_or_else(ApiError::unknown_order)?;
        let sym = self.symbol_index(&order.symbol)?;
        let cfg = self.futures.symbols[sym].cfg.clone();
        self.check_price(&cfg, price, false)?;
        self.check_qty(&cfg, qty, false)?;
        if qty <= order.executed {
            return Err(ApiError::invalid_param("quantity"));
        }
        let mark = self.futures.symbols[sym].mark_price();
        match order.side {
            Side::Buy if price > mark * cfg.multiplier_up => return Err(ApiError::price_above_multiplier()),
            Side::Sell if price < mark * cfg.multiplier_down => return Err(ApiError::price_below_multiplier()),
            _ => {}
        }
        self.remove_from_book(id);
        if let Some(o) = self.futures.orders.get_mut(&id) {
            o.qty = qty;
            o.price = price;
            o.update_time = now;
        }
        self.push_order_event(id, "AMENDMENT", None);
        self.execute(id, sym, now);
        self.fire_triggers(sym, now);
        Ok(())
    }
}
