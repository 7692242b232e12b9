//! Liquidation: when the mark price crosses a position's liquidation price, the account
//! hears MARGIN_CALL, the position is closed by a forced order (listed by
//! `forceOrders`, published on the forceOrder streams) and the usual order events follow.

use super::account::Position;
use super::types::{MarginType, OrderType, PositionSide, Side};
use super::{AccountId, Exchange, NewOrder, UserEvent, HOUSE};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// A forced order: whose, which order, and its public stream payload.
#[derive(Debug, Clone)]
pub struct ForceOrder {
    pub account: AccountId,
    pub order_id: i64,
    pub symbol: String,
    pub time: i64,
    /// The `forceOrder` stream message.
    pub event: Value,
}

impl Exchange {
    /// The mark price at which the position's margin is used up, ignoring fees; `None` for
    /// a flat position.
    pub fn liquidation_price(&self, acct: AccountId, symbol: &str, pos: &Position) -> Option<Decimal> {
        if pos.amount.is_zero() {
            return None;
        }
        let a = &self.accounts[acct];
        let margin = if a.margin_type_of(symbol) == MarginType::Isolated {
            pos.isolated_wallet
        } else {
            self.available_balance(acct) + self.position_margin(acct, symbol, pos)
        };
        let precision = self.symbol_index(symbol).map(|i| self.futures.symbols[i].cfg.price_precision()).unwrap_or(8);
        Some((pos.entry_price - margin / pos.amount).max(Decimal::ZERO).round_dp(precision))
    }

    /// Liquidates every position on `sym` whose liquidation price the mark has crossed.
    pub fn liquidate(&mut self, sym: usize, now: i64) {
        let symbol = self.futures.symbols[sym].cfg.symbol.clone();
        let mark = self.futures.symbols[sym].mark_price();
        let mut doomed: Vec<(AccountId, PositionSide, Position, Decimal)> = Vec::new();
        for (acct, a) in self.accounts.iter().enumerate() {
            if acct == HOUSE || a.house {
                continue;
            }
            for ((s, ps), pos) in &a.positions {
                if *s != symbol || pos.amount.is_zero() {
                    continue;
                }
                let Some(liq) = self.liquidation_price(acct, s, pos) else { continue };
                let crossed = if pos.amount > Decimal::ZERO { mark <= liq } else { mark >= liq };
                if crossed {
                    doomed.push((acct, *ps, pos.clone(), liq));
                }
            }
        }
        for (acct, ps, pos, _liq) in doomed {
            // The warning comes first, as on the exchange.
            self.futures.outbox.push(UserEvent::MarginCall {
                account: acct,
                symbol: symbol.clone(),
                position_side: ps,
                amount: pos.amount,
                mark,
                unrealized: self.unrealized(&symbol, &pos),
                maint_margin: (pos.amount.abs() * mark * super::maint_rate()).round_dp(8),
            });
            let hedge = self.accounts[acct].dual_side;
            let order = NewOrder {
                symbol: symbol.clone(),
                side: if pos.amount > Decimal::ZERO { Side::Sell } else { Side::Buy },
                position_side: hedge.then_some(ps),
                kind: OrderType::Market,
                tif: None,
                qty: Some(pos.amount.abs()),
                price: None,
                client_id: Some(format!("autoclose-{}", self.next_tran_id)),
                stop_price: None,
                close_position: None,
                reduce_only: (!hedge).then_some(true),
                activation_price: None,
                callback_rate: None,
                working_type: None,
                price_protect: None,
                stp_mode: None,
                builder_fee: None,
            };
            let Ok(order_id) = self.place(acct, order, now) else { continue };
            let Some(o) = self.futures.orders.get(&order_id) else { continue };
            let event = json!({ "e": "forceOrder", "E": now, "o": {
                "s": symbol, "S": o.side.as_str(), "o": "LIMIT", "f": "IOC", "q": o.qty.to_string(),
                "p": o.avg_price().to_string(), "ap": o.avg_price().to_string(), "X": o.status.as_str(),
                "l": o.executed.to_string(), "z": o.executed.to_string(), "T": now,
            }});
            self.futures.force_orders.push(ForceOrder {
                account: acct,
                order_id,
                symbol: symbol.clone(),
                time: now,
                event,
            });
        }
    }
}
