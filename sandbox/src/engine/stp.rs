//! Self-trade prevention: what happens when an order would trade against a resting order
//! of the same account.

use super::matching::Proceed;
use super::types::{OrderStatus, StpMode};
use super::{Exchange, HOUSE};

impl Exchange {
    /// Applies the taker's STP mode when `maker_id` belongs to the taker's account: the
    /// taker's remainder expires (`StopTaker`), or the maker expires and leaves the book
    /// (`SkipMaker`), or both.
    pub(super) fn self_trade(&mut self, taker_id: i64, maker_id: i64, now: i64) -> Proceed {
        let (Some(taker), Some(maker)) = (self.futures.orders.get(&taker_id), self.futures.orders.get(&maker_id))
        else {
            return Proceed::Trade;
        };
        if maker.account != taker.account || taker.account == HOUSE {
            return Proceed::Trade;
        }
        let (stp, taker_id) = (taker.stp, taker.id);
        let expire_maker = |ex: &mut Exchange| {
            ex.remove_from_book(maker_id);
            ex.finish(maker_id, OrderStatus::Expired, now);
        };
        match stp {
            StpMode::ExpireTaker => {
                self.finish(taker_id, OrderStatus::Expired, now);
                Proceed::StopTaker
            }
            StpMode::ExpireMaker => {
                expire_maker(self);
                Proceed::SkipMaker
            }
            StpMode::ExpireBoth => {
                expire_maker(self);
                self.finish(taker_id, OrderStatus::Expired, now);
                Proceed::StopTaker
            }
        }
    }
}
