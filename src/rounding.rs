//! Prices and quantities on a symbol's grid (`tickSize`, `stepSize` from exchangeInfo), so a
//! caller never meets -1111 ("precision is over the maximum") by accident.

use crate::models::{ExchangeInfo, SymbolInfo};
use crate::Decimal;
use rust_decimal::RoundingStrategy;

/// Which way a value off the grid moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// Towards zero: never more than asked (a quantity you can afford, a bid that does not
    /// overpay).
    Down,
    /// Away from zero.
    Up,
    /// To the nearest step, halves away from zero.
    Nearest,
}

fn to_step(value: Decimal, step: Decimal, how: Round) -> Decimal {
    if step <= Decimal::ZERO {
        return value.normalize();
    }
    let strategy = match how {
        Round::Down => RoundingStrategy::ToZero,
        Round::Up => RoundingStrategy::AwayFromZero,
        Round::Nearest => RoundingStrategy::MidpointAwayFromZero,
    };
    ((value / step).round_dp_with_strategy(0, strategy) * step).normalize()
}

impl SymbolInfo {
    fn filter_value(
        &self,
        filter: &str,
        pick: impl Fn(&crate::models::SymbolFilter) -> Option<Decimal>,
    ) -> Option<Decimal> {
        self.filters.iter().find(|f| f.filter_type == filter).and_then(pick)
    }

    /// The price step (`PRICE_FILTER.tickSize`).
    pub fn tick_size(&self) -> Option<Decimal> {
        self.filter_value("PRICE_FILTER", |f| f.tick_size)
    }

    /// The quantity step (`LOT_SIZE.stepSize`).
    pub fn step_size(&self) -> Option<Decimal> {
        self.filter_value("LOT_SIZE", |f| f.step_size)
    }

    /// `price` on the tick grid (unchanged when the symbol has no PRICE_FILTER).
    pub fn round_price(&self, price: Decimal, how: Round) -> Decimal {
        self.tick_size().map_or(price, |tick| to_step(price, tick, how))
    }

    /// `quantity` on the step grid (unchanged when the symbol has no LOT_SIZE).
    pub fn round_quantity(&self, quantity: Decimal, how: Round) -> Decimal {
        self.step_size().map_or(quantity, |step| to_step(quantity, step, how))
    }
}

impl ExchangeInfo {
    /// The rules of one symbol.
    pub fn symbol(&self, symbol: &str) -> Option<&SymbolInfo> {
        self.symbols.iter().find(|s| s.symbol == symbol)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn values_land_on_the_grid_the_way_asked() {
        assert_eq!(to_step(d("60000.17"), d("0.1"), Round::Down), d("60000.1"));
        assert_eq!(to_step(d("60000.17"), d("0.1"), Round::Up), d("60000.2"));
        assert_eq!(to_step(d("60000.15"), d("0.1"), Round::Nearest), d("60000.2"));
        assert_eq!(to_step(d("0.0029"), d("0.001"), Round::Down), d("0.002"));
        assert_eq!(to_step(d("-1.25"), d("0.5"), Round::Down), d("-1"));
        assert_eq!(to_step(d("1.2300"), d("0.01"), Round::Down).to_string(), "1.23");
        assert_eq!(to_step(d("7"), d("0"), Round::Down), d("7"));
    }
}
