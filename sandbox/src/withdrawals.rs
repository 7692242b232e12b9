//! Withdrawals the sandbox accepted, for the deposit and withdrawal history and the
//! daily limits.

use crate::engine::types::AccountId;
use rust_decimal::Decimal;

/// The most an account may withdraw a day, in USD (the guide's example says 10,000).
pub const USER_DAILY_LIMIT: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);
/// The most every account together may withdraw a day, in USD.
pub const TOTAL_DAILY_LIMIT: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// One accepted withdrawal.
#[derive(Debug, Clone)]
pub struct Record {
    pub account: AccountId,
    pub id: i64,
    pub asset: String,
    pub amount: Decimal,
    /// The amount in USD when it left, for the daily limits.
    pub usd: Decimal,
    pub chain_id: u64,
    /// `spot` or `perp`.
    pub account_type: &'static str,
    pub time: i64,
    /// `None` for an unsigned Solana withdrawal, which is not recorded on chain.
    pub tx_hash: Option<String>,
}

/// The start of the UTC day holding `now` (ms).
pub fn day_start(now: i64) -> i64 {
    now - now.rem_euclid(86_400_000)
}
