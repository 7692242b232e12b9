//! The one matching routine of every market, futures and spot: a taker walks the
//! opposite side of the book, best price first and oldest order first within a price,
//! trading while the price is within its limit. A market says how much its taker still
//! wants, whether a resting order may trade with it (self-trade prevention) and how a
//! trade settles; the walk, the post-only and the fill-or-kill rules are the same.

use super::book::Book;
use super::types::Side;
use rust_decimal::Decimal;

/// What a market says before a resting order trades with the taker.
pub(crate) enum Proceed {
    Trade,
    /// The resting order left the book (expired by self-trade prevention): go on.
    SkipMaker,
    /// The taker is done (expired by self-trade prevention).
    StopTaker,
}

/// The incoming order as matching sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Taker {
    pub id: i64,
    pub side: Side,
    /// The worst price it accepts; `None` for a market order, which takes any.
    pub limit: Option<Decimal>,
}

impl Taker {
    /// Whether a resting order at `price` is within the taker's limit.
    pub fn crosses(&self, price: Decimal) -> bool {
        match (self.limit, self.side) {
            (None, _) => true,
            (Some(limit), Side::Buy) => price <= limit,
            (Some(limit), Side::Sell) => price >= limit,
        }
    }
}

/// A market's side of matching.
pub(crate) trait Venue {
    fn book(&self) -> &Book;
    /// What is left of a resting order.
    fn resting(&self, id: i64) -> Decimal;
    /// How much the taker still wants at `price` (its quantity left, or what is left of a
    /// quote amount at that price).
    fn wants(&self, taker: &Taker, price: Decimal) -> Decimal;
    /// Whether the taker may trade with `maker`; a market without self-trade prevention
    /// always trades. `SkipMaker` must have taken the maker off the book.
    fn may_trade(&mut self, taker: &Taker, maker: i64) -> Proceed {
        let _ = (taker, maker);
        Proceed::Trade
    }
    /// Settles one trade: both orders, both accounts, the tape, the book.
    fn trade(&mut self, taker: &Taker, maker: i64, price: Decimal, qty: Decimal);
}

/// Post-only: whether the order would trade at once.
pub(crate) fn would_take(book: &Book, taker: &Taker) -> bool {
    book.best(taker.side.opposite()).is_some_and(|price| taker.crosses(price))
}

/// Fill-or-kill: whether the book holds `qty` within the taker's limit now.
pub(crate) fn can_fill(venue: &impl Venue, taker: &Taker, qty: Decimal) -> bool {
    let mut available = Decimal::ZERO;
    for (price, queue) in venue.book().levels(taker.side.opposite()) {
        if !taker.crosses(*price) {
            break;
        }
        available += queue.iter().map(|&id| venue.resting(id)).sum::<Decimal>();
        if available >= qty {
            return true;
        }
    }
    false
}

/// Trades the taker against the book until it wants no more, the best price is beyond
/// its limit, or the side is empty.
pub(crate) fn run(venue: &mut impl Venue, taker: &Taker) {
    while let Some((price, maker)) = venue.book().front(taker.side.opposite()) {
        if !taker.crosses(price) {
            break;
        }
        match venue.may_trade(taker, maker) {
            Proceed::StopTaker => return,
            Proceed::SkipMaker => continue,
            Proceed::Trade => {}
        }
        let qty = venue.wants(taker, price).min(venue.resting(maker));
        if qty <= Decimal::ZERO {
            break;
        }
        venue.trade(taker, maker, price, qty);
    }
}
