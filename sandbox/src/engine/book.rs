//! One symbol's resting orders by price, oldest first within a price.

use super::types::Side;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, VecDeque};

#[derive(Debug, Default, Clone)]
pub struct Book {
    bids: BTreeMap<Decimal, VecDeque<i64>>,
    asks: BTreeMap<Decimal, VecDeque<i64>>,
    /// Bumped on every change, as the exchange's `lastUpdateId`.
    pub update_id: i64,
}

impl Book {
    fn side_mut(&mut self, side: Side) -> &mut BTreeMap<Decimal, VecDeque<i64>> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    pub fn insert(&mut self, side: Side, price: Decimal, id: i64) {
        self.side_mut(side).entry(price).or_default().push_back(id);
        self.update_id += 1;
    }

    pub fn remove(&mut self, side: Side, price: Decimal, id: i64) {
        let levels = self.side_mut(side);
        if let Some(queue) = levels.get_mut(&price) {
            queue.retain(|&o| o != id);
            if queue.is_empty() {
                levels.remove(&price);
            }
        }
        self.update_id += 1;
    }

    pub fn best(&self, side: Side) -> Option<Decimal> {
        match side {
            Side::Buy => self.bids.keys().next_back().copied(),
            Side::Sell => self.asks.keys().next().copied(),
        }
    }

    /// Levels of one side in matching priority: best price first.
    pub fn levels(&self, side: Side) -> Box<dyn Iterator<Item = (&Decimal, &VecDeque<i64>)> + '_> {
        match side {
            Side::Buy => Box::new(self.bids.iter().rev()),
            Side::Sell => Box::new(self.asks.iter()),
        }
    }

    /// The oldest order at the best price of a side.
    pub fn front(&self, side: Side) -> Option<(Decimal, i64)> {
        let (price, queue) = self.levels(side).next()?;
        queue.front().map(|&id| (*price, id))
    }

    pub fn order_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.bids.values().chain(self.asks.values()).flatten().copied()
    }

    pub fn bump(&mut self) {
        self.update_id += 1;
    }
}
