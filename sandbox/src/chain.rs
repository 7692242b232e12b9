//! The Aster chain API's own state: which accounts are public, staking positions and
//! their rewards, transfer ids used.

use crate::engine::types::AccountId;
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};

/// Staking rewards a year, as a share of the stake.
const REWARD_RATE: Decimal = Decimal::from_parts(10, 0, 0, false, 2);
const YEAR_MS: i64 = 365 * 86_400_000;

/// One account's staking position.
#[derive(Debug, Clone)]
pub struct Stake {
    pub validator: String,
    pub amount: Decimal,
    pub weeks: i64,
    pub start: i64,
    /// Rewards accrued up to `accrued_at`, and claimed so far.
    pub accrued: Decimal,
    pub accrued_at: i64,
    pub claimed: Decimal,
    pub last_claim: i64,
}

impl Stake {
    /// Adds the rewards earned since the last look.
    pub fn accrue(&mut self, now: i64) {
        let elapsed = Decimal::from((now - self.accrued_at).max(0));
        self.accrued += (self.amount * REWARD_RATE * elapsed / Decimal::from(YEAR_MS)).round_dp(8);
        self.accrued_at = now;
    }
}

/// The chain API's own state.
#[derive(Debug, Default)]
pub struct ChainState {
    /// Accounts whose activity is public (the rest are private).
    pub public: BTreeSet<AccountId>,
    pub stakes: HashMap<AccountId, Stake>,
    /// Transfer ids already used, per account.
    pub transfer_ids: BTreeSet<(AccountId, String)>,
}
