//! V3's BBO-pegged limit orders: the price comes from the book when the order is placed.

use super::types::Side;
use super::Exchange;
use crate::error::{ApiError, ApiResult};
use rust_decimal::Decimal;

impl Exchange {
    /// The price of a pegged order: `QUEUE_1` joins the best price of its own side,
    /// `COUNTERPARTY_1` the best of the other side, each moved by `offset` (a multiple of
    /// the tick; at most 0 for a BUY, at least 0 for a SELL).
    pub fn peg_price(&self, symbol: &str, side: Side, peg: &str, offset: Option<Decimal>) -> ApiResult<Decimal> {
        let sym = self.symbol_index(symbol)?;
        let s = &self.futures.symbols[sym];
        let offset = offset.unwrap_or_default();
        let wrong_sign = match side {
            Side::Buy => offset > Decimal::ZERO,
            Side::Sell => offset < Decimal::ZERO,
        };
        if wrong_sign || !(offset % s.cfg.tick_size).is_zero() {
            return Err(ApiError::invalid_param("pegOffset"));
        }
        let book_side = match peg {
            "QUEUE_1" => side,
            "COUNTERPARTY_1" => side.opposite(),
            _ => return Err(ApiError::invalid_param("pegPriceType")),
        };
        let best =
            s.book.best(book_side).ok_or_else(|| ApiError::new(400, -4131, "The book is empty on the pegged side."))?;
        Ok(best + offset)
    }
}
