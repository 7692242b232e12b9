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
    pub stakes: HashMap<AccountId, Stake>,
    /// Transfer ids already used, per account.
    pub transfer_ids: BTreeSet<(AccountId, String)>,
    /// The private accounts, each since when; the others are public. Privacy is opt-in:
    /// the chain RPC's docs say it hides only what was done after it was turned on.
    pub private_since: HashMap<AccountId, i64>,
}

impl ChainState {
    /// Makes the account's activity public or private from `now` on.
    pub fn set_public(&mut self, acct: AccountId, public: bool, now: i64) {
        if public {
            self.private_since.remove(&acct);
        } else {
            self.private_since.entry(acct).or_insert(now);
        }
    }

    pub fn is_private(&self, acct: AccountId) -> bool {
        self.private_since.contains_key(&acct)
    }

    /// Whether what the account did at `time` is hidden from the chain's public reads: it
    /// is private now and was at that time.
    pub fn hides(&self, acct: AccountId, time: i64) -> bool {
        self.private_since.get(&acct).is_some_and(|since| time >= *since)
    }
}
