//! The prediction market: outcome tokens traded as spot pairs on their own engine (its own
//! books and wallets, on its own host), the events they belong to, and what the account
//! holds of them: positions with their cost, closed positions, settlements.
//!
//! Each market has a YES token `<market>_Y` and a NO token `<market>_N`, traded against
//! USDT as `<market>_YUSDT` and `<market>_NUSDT`. A pair of them is minted from one USDT and
//! burned back into one; when the market settles the winning token pays 1 and the other
//! nothing.

pub mod market;
pub mod outcomes;
pub mod ws;

pub use market::*;
