//! The spot product: a market of its own beside the futures one (pairs, books, balances
//! per asset), its REST routes for V1 and V3, and its streams. An account's spot and
//! futures wallets are joined only by transfers.

pub mod market;
pub mod ws;

pub use market::SpotMarket;
