//! The seeded price process behind the history endpoints: klines, mark and index price
//! klines, funding rates and 24-hour statistics. A price at a time depends only on the seed,
//! the symbol and the time, so history is the same on every run; trades the engine made
//! are folded into the candles they fall in.

use super::rng::hash_unit;
use super::types::Interval;
use super::{Exchange, PublicTrade};
use rust_decimal::prelude::*;

/// Which price a kline follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceSource {
    Last,
    Mark,
    Index,
}

#[derive(Debug, Clone)]
pub struct Candle {
    pub open_time: i64,
    pub close_time: i64,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    pub volume: Decimal,
    pub quote_volume: Decimal,
    pub trades: i64,
    pub taker_buy_volume: Decimal,
    pub taker_buy_quote: Decimal,
}

const TAU: f64 = std::f64::consts::TAU;

impl Exchange {
    /// The process price of a symbol at a time, as a factor of its start price.
    fn factor(&self, sym: usize, t: i64, source: PriceSource) -> f64 {
        let seed = self.cfg.seed;
        let s = sym as u64;
        let mut f = 1.0;
        for (k, period_h, amp) in [(1u64, 97.0, 0.03), (2, 13.0, 0.012), (3, 1.7, 0.004), (4, 0.21, 0.0015)] {
            let phase = hash_unit(&[seed, s, k]) * TAU;
            let period_ms = period_h * 3_600_000.0;
            f += amp * ((t as f64) / period_ms * TAU + phase).sin();
        }
        match source {
            PriceSource::Last => f,
            PriceSource::Mark => f * 1.0001,
            PriceSource::Index => f * 0.9999,
        }
    }

    pub fn process_price(&self, sym: usize, t: i64, source: PriceSource) -> Decimal {
        let s = &self.futures.symbols[sym];
        let f = Decimal::from_f64(self.factor(sym, t, source)).unwrap_or(Decimal::ONE);
        (s.cfg.start_price * f).round_dp(s.cfg.price_precision())
    }

    pub fn candle(&self, sym: usize, interval: Interval, open_time: i64, source: PriceSource) -> Candle {
        let len = interval.millis();
        let close_time = open_time + len - 1;
        let samples = 8;
        let mut prices: Vec<Decimal> =
            (0..=samples).map(|i| self.process_price(sym, open_time + len * i / samples, source)).collect();
        let s = &self.futures.symbols[sym];
        let in_window: Vec<&PublicTrade> = if source == PriceSource::Last {
            s.trades.iter().filter(|t| t.time >= open_time && t.time <= close_time).collect()
        } else {
            Vec::new()
        };
        prices.extend(in_window.iter().map(|t| t.price));
        let open = prices[0];
        let close = in_window.last().map(|t| t.price).unwrap_or(prices[samples as usize]);
        let high = prices.iter().copied().max().unwrap_or(open);
        let low = prices.iter().copied().min().unwrap_or(open);
        let base_volume = if source == PriceSource::Last {
            let v =
                hash_unit(&[self.cfg.seed, sym as u64, open_time as u64, 7]) * 50.0 * (len as f64 / 60_000.0).sqrt();
            Decimal::from_f64(v).unwrap_or_default().round_dp(s.cfg.quantity_precision())
        } else {
            Decimal::ZERO
        };
        let traded: Decimal = in_window.iter().map(|t| t.qty).sum();
        let traded_quote: Decimal = in_window.iter().map(|t| t.qty * t.price).sum();
        let buy: Decimal = in_window.iter().filter(|t| !t.buyer_maker).map(|t| t.qty).sum();
        let buy_quote: Decimal = in_window.iter().filter(|t| !t.buyer_maker).map(|t| t.qty * t.price).sum();
        let mid = (open + close) / Decimal::TWO;
        let volume = base_volume + traded;
        let synthetic_trades =
            if source == PriceSource::Last { (base_volume * Decimal::TEN).to_i64().unwrap_or(0) } else { 60 };
        Candle {
            open_time,
            close_time,
            open,
            high,
            low,
            close,
            volume,
            quote_volume: (base_volume * mid + traded_quote).round_dp(8),
            trades: synthetic_trades + in_window.len() as i64,
            taker_buy_volume: (base_volume / Decimal::TWO).round_dp(8) + buy,
            taker_buy_quote: (base_volume / Decimal::TWO * mid + buy_quote).round_dp(8),
        }
    }

    /// Candles in `[start, end]`, newest `limit` when no start is given.
    pub fn candles(
        &self,
        sym: usize,
        interval: Interval,
        window: (Option<i64>, Option<i64>),
        limit: usize,
        now: i64,
        source: PriceSource,
    ) -> Vec<Candle> {
        let (start, end) = window;
        let len = interval.millis();
        let last_open = interval.open_time(end.unwrap_or(now).min(now));
        let first_open = match start {
            // Candles opening at or after startTime, as the exchange returns them.
            Some(s) if interval.open_time(s) < s => interval.open_time(s) + len,
            Some(s) => s,
            None => last_open - len * (limit as i64 - 1),
        };
        let mut out = Vec::new();
        let mut t = first_open;
        while t <= last_open && out.len() < limit {
            out.push(self.candle(sym, interval, t, source));
            t += len;
        }
        out
    }

    /// The funding rate settled at an 8-hour boundary.
    pub fn funding_rate_at(&self, sym: usize, t: i64) -> Decimal {
        let u = hash_unit(&[self.cfg.seed, sym as u64, t as u64, 11]);
        Decimal::from_f64(0.0001 + (u - 0.5) * 0.0002).unwrap_or_default().round_dp(8)
    }
}
