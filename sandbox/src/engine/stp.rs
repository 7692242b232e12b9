//! Self-trade prevention: what happens when an order would trade against a resting order
//! of the same account.

use super::types::{OrderStatus, StpMode};
use super::{Exchange, Order, HOUSE};

pub(super) enum SelfTrade {
    /// The taker's remainder expired; it neither trades further nor rests.
    StopTaker,
    /// The maker expired and left the book; the taker goes on matching.
    SkipMaker,
}

impl Exchange {
    /// Applies the taker's STP mode when `maker_id` belongs to the taker's account;
    /// `None` when the two may trade.
    pub(super) fn self_trade(&mut self, taker: &Order, maker_id: i64, now: i64) -> Option<SelfTrade> {
        let maker_account = self.orders.get(&maker_id)?.account;
        if maker_account != taker.account || taker.account == HOUSE {
            return None;
        }
        let expire_maker = |ex: &mut Exchange| {
            ex.remove_from_book(maker_id);
            ex.finish(maker_id, OrderStatus::Expired, now);
        };
        Some(match taker.stp {
            StpMode::ExpireTaker => {
                self.finish(taker.id, OrderStatus::Expired, now);
                SelfTrade::StopTaker
            }
            StpMode::ExpireMaker => {
                expire_maker(self);
                SelfTrade::SkipMaker
            }
            StpMode::ExpireBoth => {
                expire_maker(self);
                self.finish(taker.id, OrderStatus::Expired, now);
                SelfTrade::StopTaker
            }
        })
    }
}
