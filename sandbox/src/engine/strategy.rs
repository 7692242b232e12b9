//! V3 strategy orders: OTO (one triggers the other), OCO (one cancels the other) and OTOCO
//! (one triggers an OCO pair), built from sub-orders and triggers between them.
//!
//! A trigger says: when sub-order `driven_by` reaches `on`, do `action` to this sub-order.
//! Sub-orders without a PLACE_ORDER trigger are placed with the strategy; the rest wait.
//! Triggers are evaluated after every request and market step (`run_strategies`), until
//! nothing more fires, so a fill that triggers an order that fills at once is followed
//! through in one go.

use super::types::{OrderStatus, StrategyAction, StrategyEvent, StrategyType};
use super::{AccountId, Exchange, NewOrder};
use crate::error::{ApiError, ApiResult};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Trigger {
    /// Index (0-based) of the driving sub-order.
    pub driven_by: usize,
    pub on: StrategyEvent,
    pub action: StrategyAction,
    pub fired: bool,
}

#[derive(Debug, Clone)]
pub struct SubOrder {
    pub req: NewOrder,
    pub security_type: String,
    pub triggers: Vec<Trigger>,
    /// The exchange order, once placed.
    pub order_id: Option<i64>,
    /// Set when a CANCEL_ORDER trigger fired before the sub-order was ever placed, or its
    /// placement was refused: it will never be placed.
    pub dropped: bool,
    /// When a trigger placed it (0 when placed with the strategy).
    pub trigger_time: i64,
}

#[derive(Debug, Clone)]
pub struct Strategy {
    pub id: i64,
    pub client_id: String,
    pub account: AccountId,
    pub kind: StrategyType,
    pub subs: Vec<SubOrder>,
    pub book_time: i64,
    pub update_time: i64,
    pub done: bool,
}

impl Strategy {
    /// The exchange's name for where the strategy stands.
    pub fn status(&self) -> &'static str {
        if self.done {
            "EXPIRED"
        } else {
            "WORKING"
        }
    }
}

#[derive(Debug, Default)]
pub struct Strategies {
    pub by_id: BTreeMap<i64, Strategy>,
    pub chases: BTreeMap<i64, super::chase::Chase>,
    pub(super) next_id: i64,
}

/// The triggers a strategy type implies when the caller gives none.
pub fn default_triggers(kind: StrategyType, count: usize) -> Vec<Vec<Trigger>> {
    let t = |driven_by, on, action| Trigger { driven_by, on, action, fired: false };
    use StrategyAction::{CancelOrder, PlaceOrder};
    use StrategyEvent::{Filled, PartiallyFilledOrFilled};
    match (kind, count) {
        (StrategyType::Oto, 2) => vec![vec![], vec![t(0, Filled, PlaceOrder)]],
        (StrategyType::Oco, 2) => {
            vec![vec![t(1, PartiallyFilledOrFilled, CancelOrder)], vec![t(0, PartiallyFilledOrFilled, CancelOrder)]]
        }
        (StrategyType::Otoco, 3) => vec![
            vec![],
            vec![t(0, Filled, PlaceOrder), t(2, PartiallyFilledOrFilled, CancelOrder)],
            vec![t(0, Filled, PlaceOrder), t(1, PartiallyFilledOrFilled, CancelOrder)],
        ],
        _ => vec![Vec::new(); count],
    }
}

fn sub_count(kind: StrategyType) -> usize {
    match kind {
        StrategyType::Oto | StrategyType::Oco => 2,
        StrategyType::Otoco => 3,
    }
}

impl Exchange {
    /// Places a strategy: checks its shape, places the sub-orders nothing waits on, and
    /// follows the triggers that fire at once. A refused first placement refuses it all.
    pub fn place_strategy(
        &mut self,
        acct: AccountId,
        client_id: Option<String>,
        kind: StrategyType,
        mut subs: Vec<SubOrder>,
        now: i64,
    ) -> ApiResult<i64> {
        if subs.len() != sub_count(kind) {
            return Err(ApiError::new(400, -1130, format!("{} takes {} sub-orders.", kind.as_str(), sub_count(kind))));
        }
        if subs.iter().all(|s| s.triggers.is_empty()) {
            for (sub, triggers) in subs.iter_mut().zip(default_triggers(kind, sub_count(kind))) {
                sub.triggers = triggers;
            }
        }
        for (i, sub) in subs.iter().enumerate() {
            if sub.triggers.iter().any(|t| t.driven_by >= subs.len() || t.driven_by == i) {
                return Err(ApiError::invalid_param("firstDrivenId"));
            }
            if matches!(sub.req.tif, Some(super::types::TimeInForce::Ioc | super::types::TimeInForce::Fok)) {
                return Err(ApiError::invalid_tif());
            }
        }
        self.futures.strategies.next_id += 1;
        let id = 7_000_000 + self.futures.strategies.next_id;
        let client_id = client_id.unwrap_or_else(|| format!("strategy-{id}"));
        let taken =
            self.futures.strategies.by_id.values().any(|s| s.account == acct && !s.done && s.client_id == client_id);
        if taken {
            return Err(ApiError::new(400, -4015, "Client strategy id is duplicated."));
        }
        let mut placed = Vec::new();
        for (i, sub) in subs.iter_mut().enumerate() {
            if sub.triggers.iter().any(|t| t.action == StrategyAction::PlaceOrder) {
                continue;
            }
            match self.place(acct, sub.req.clone(), now) {
                Ok(order_id) => {
                    sub.order_id = Some(order_id);
                    placed.push(order_id);
                }
                Err(e) => {
                    // All or nothing at placement: what was placed is withdrawn.
                    for order_id in placed {
                        let _ = self.cancel(order_id, now);
                    }
                    return Err(ApiError::new(e.status, e.code, format!("sub-order {}: {}", i + 1, e.msg)));
                }
            }
        }
        let strategy =
            Strategy { id, client_id, account: acct, kind, subs, book_time: now, update_time: now, done: false };
        self.futures.strategies.by_id.insert(id, strategy);
        self.run_strategies(now);
        Ok(id)
    }

    fn event_happened(&self, order_id: i64, on: StrategyEvent) -> bool {
        let Some(o) = self.futures.orders.get(&order_id) else { return false };
        match on {
            StrategyEvent::New => true,
            StrategyEvent::PartiallyFilledOrFilled => !o.executed.is_zero(),
            StrategyEvent::Filled => o.status == OrderStatus::Filled,
            StrategyEvent::Canceled => o.status == OrderStatus::Canceled,
            StrategyEvent::Expired => o.status == OrderStatus::Expired,
            StrategyEvent::Rejected => o.status == OrderStatus::Rejected,
            // The sandbox neither replaces nor stops orders on its own.
            StrategyEvent::Replaced | StrategyEvent::Stopped => false,
        }
    }

    fn order_open(&self, order_id: Option<i64>) -> bool {
        order_id.and_then(|id| self.futures.orders.get(&id)).is_some_and(|o| o.status.is_open())
    }

    /// Fires every trigger whose event has happened, until none does; marks strategies
    /// with nothing left to happen as done.
    pub fn run_strategies(&mut self, now: i64) {
        self.run_chases(now);
        let working: Vec<i64> = self.futures.strategies.by_id.values().filter(|s| !s.done).map(|s| s.id).collect();
        for id in working {
            while self.fire_one(id, now) {}
            self.settle(id);
        }
    }

    /// Fires one due trigger of a strategy; false when none is due.
    fn fire_one(&mut self, id: i64, now: i64) -> bool {
        let Some(s) = self.futures.strategies.by_id.get(&id) else { return false };
        let due = s.subs.iter().enumerate().find_map(|(i, sub)| {
            sub.triggers.iter().enumerate().find_map(|(j, t)| {
                let driver = s.subs[t.driven_by].order_id?;
                (!t.fired && self.event_happened(driver, t.on)).then_some((i, j, t.action))
            })
        });
        let Some((i, j, action)) = due else { return false };
        let acct = s.account;
        let sub = s.subs[i].clone();
        let mut placed = None;
        let mut dropped = sub.dropped;
        match action {
            StrategyAction::PlaceOrder if sub.order_id.is_none() && !sub.dropped => {
                match self.place(acct, sub.req.clone(), now) {
                    Ok(order_id) => placed = Some(order_id),
                    Err(_) => dropped = true,
                }
            }
            StrategyAction::CancelOrder => match sub.order_id {
                Some(order_id) if self.order_open(Some(order_id)) => {
                    let _ = self.cancel(order_id, now);
                }
                None => dropped = true,
                Some(_) => {}
            },
            StrategyAction::PlaceOrder => {}
        }
        if let Some(s) = self.futures.strategies.by_id.get_mut(&id) {
            let sub = &mut s.subs[i];
            sub.triggers[j].fired = true;
            sub.dropped = dropped;
            if let Some(order_id) = placed {
                sub.order_id = Some(order_id);
                sub.trigger_time = now;
            }
            s.update_time = now;
        }
        true
    }

    /// A strategy is done when none of its sub-orders is open: triggers only fire on
    /// events of placed orders, so with none open nothing can happen any more.
    fn settle(&mut self, id: i64) {
        let Some(s) = self.futures.strategies.by_id.get(&id) else { return };
        let done = !s.subs.iter().any(|sub| self.order_open(sub.order_id));
        if let Some(s) = self.futures.strategies.by_id.get_mut(&id) {
            s.done = done;
        }
    }
}
