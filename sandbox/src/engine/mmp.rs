//! V3 market maker protection: per account and symbol, fills inside a sliding window are
//! added up; when one passes its limit, new orders on the symbol are refused for the
//! frozen time (or until a reset).

use super::types::Side;
use super::{AccountId, Exchange};
use crate::error::{ApiError, ApiResult};
use rust_decimal::Decimal;
use std::collections::VecDeque;

/// Limits as set with `POST /fapi/v3/mmp`.
#[derive(Debug, Clone, PartialEq)]
pub struct MmpConfig {
    pub window_ms: i64,
    pub frozen_ms: i64,
    pub qty_limit: Option<i64>,
    pub value_limit: Option<i64>,
    pub delta_limit: Option<i64>,
}

/// One symbol's protection: its limits, the fills in the window, and the frozen period.
#[derive(Debug, Clone)]
pub struct MmpState {
    pub config: MmpConfig,
    /// (time, quantity, notional, signed quantity) of each fill in the window.
    fills: VecDeque<(i64, Decimal, Decimal, Decimal)>,
    pub frozen_until: i64,
}

impl MmpState {
    pub fn new(config: MmpConfig) -> Self {
        MmpState { config, fills: VecDeque::new(), frozen_until: 0 }
    }

    /// Clears the counters and ends a frozen period.
    pub fn reset(&mut self) {
        self.fills.clear();
        self.frozen_until = 0;
    }

    fn record(&mut self, side: Side, price: Decimal, qty: Decimal, now: i64) {
        let signed = if side == Side::Buy { qty } else { -qty };
        self.fills.push_back((now, qty, qty * price, signed));
        while self.fills.front().is_some_and(|f| f.0 <= now - self.config.window_ms) {
            self.fills.pop_front();
        }
        let (mut total, mut value, mut delta) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        for (_, q, v, d) in &self.fills {
            total += q;
            value += v;
            delta += d;
        }
        let over = |limit: Option<i64>, amount: Decimal| limit.is_some_and(|l| amount >= Decimal::from(l));
        let c = &self.config;
        if over(c.qty_limit, total) || over(c.value_limit, value) || over(c.delta_limit, delta.abs()) {
            self.frozen_until = now + c.frozen_ms;
            self.fills.clear();
        }
    }
}

impl Exchange {
    /// Counts a fill against the account's protection of the symbol, if it has one.
    pub(super) fn mmp_record(
        &mut self,
        acct: AccountId,
        symbol: &str,
        side: Side,
        price: Decimal,
        qty: Decimal,
        now: i64,
    ) {
        if let Some(state) = self.accounts[acct].mmp.get_mut(symbol) {
            state.record(side, price, qty, now);
        }
    }

    /// Refuses a new order while the account's protection of the symbol is frozen.
    pub(super) fn mmp_check(&self, acct: AccountId, symbol: &str, now: i64) -> ApiResult<()> {
        match self.accounts[acct].mmp.get(symbol) {
            Some(state) if state.frozen_until > now => Err(ApiError::new(
                400,
                -2010,
                format!("Market maker protection is frozen on {symbol} for {} ms more.", state.frozen_until - now),
            )),
            _ => Ok(()),
        }
    }
}
