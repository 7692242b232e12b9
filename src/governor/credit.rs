//! Room taken ahead from a host's windows, so that a call that fits is admitted with one
//! atomic step rather than a lock.
//!
//! A call admitted under the lock that leaves room takes a little more (the credit): it
//! is spent in the windows as that call's own spending is, in the same time slice, and it
//! is valid only until that slice ends. A call admitted from it is therefore counted
//! exactly where it would have been counted under the lock. The next call that locks the
//! windows takes back whatever is left and returns it to the slice it was spent in, before
//! anything reads or reconciles the windows: unused credit never counts.

use std::sync::atomic::{AtomicU64, Ordering};

/// Credit as one word: when it ends (ms, the low 32 bits), the request weight it holds
/// and the requests it holds (16 bits each). 0: none.
#[derive(Debug, Default)]
pub(crate) struct Credit(AtomicU64);

/// The most of each a credit holds.
pub(crate) const MAX: u32 = u16::MAX as u32;

fn pack(ends: i64, weight: u32, requests: u32) -> u64 {
    ((ends as u64 & 0xffff_ffff) << 32) | (u64::from(weight.min(MAX)) << 16) | u64::from(requests.min(MAX))
}

/// Whether a credit ending at `ends` (its low 32 bits) is still valid at `now`.
fn valid(ends: u64, now: i64) -> bool {
    // Compared as a wrapping difference: the low 32 bits of a time wrap every 49 days.
    ((ends as u32).wrapping_sub(now as u32) as i32) > 0
}

impl Credit {
    /// Spends `weight` and one request from the credit when it holds them and is still
    /// valid at `now`; false: the call must be admitted under the lock.
    pub fn spend(&self, weight: u32, now: i64) -> bool {
        let mut word = self.0.load(Ordering::Acquire);
        loop {
            let (held_weight, held_requests) = ((word >> 16) as u32 & MAX, word as u32 & MAX);
            if word == 0 || !valid(word >> 32, now) || held_weight < weight || held_requests == 0 {
                return false;
            }
            let spent = word - (u64::from(weight) << 16) - 1;
            match self.0.compare_exchange_weak(word, spent, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return true,
                Err(current) => word = current,
            }
        }
    }

    /// Takes back what is left, as `(weight, requests)`, leaving no credit.
    pub fn take_back(&self) -> (u32, u32) {
        let word = self.0.swap(0, Ordering::AcqRel);
        ((word >> 16) as u32 & MAX, word as u32 & MAX)
    }

    /// Makes `weight` and `requests` available until `ends` (each at most [`MAX`]).
    pub fn issue(&self, ends: i64, weight: u32, requests: u32) {
        self.0.store(pack(ends, weight, requests), Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_is_spent_until_it_runs_out_or_ends() {
        let credit = Credit::default();
        assert!(!credit.spend(0, 1), "no credit issued");
        credit.issue(1_000, 5, 2);
        assert!(credit.spend(3, 999));
        assert!(!credit.spend(3, 999), "only 2 weight left");
        assert!(credit.spend(2, 999));
        assert!(!credit.spend(0, 999), "no request left");
        assert_eq!(credit.take_back(), (0, 0));
        credit.issue(1_000, 5, 5);
        assert!(!credit.spend(1, 1_000), "it ends at its slice's end");
        assert_eq!(credit.take_back(), (5, 5), "what is left is taken back whole, ended or not");
        assert!(!credit.spend(1, 500), "nothing after it is taken back");
    }

    #[test]
    fn credit_ends_across_the_wrap_of_its_low_bits() {
        let credit = Credit::default();
        let ends = (1i64 << 32) + 10;
        credit.issue(ends, MAX + 7, MAX);
        assert!(credit.spend(MAX, ends - 20), "issued amounts are held at most MAX");
        assert!(!credit.spend(1, ends - 20));
        credit.issue(ends, 10, 10);
        assert!(!credit.spend(1, ends), "still ended when the low bits wrap between");
        assert!(!credit.spend(1, ends + 5));
    }

    #[test]
    fn concurrent_spenders_never_spend_more_than_was_issued() {
        let credit = std::sync::Arc::new(Credit::default());
        credit.issue(i64::from(u32::MAX / 2), 10_000, MAX);
        let spenders: Vec<_> = (0..4)
            .map(|_| {
                let credit = credit.clone();
                std::thread::spawn(move || (0..10_000).filter(|_| credit.spend(3, 1)).count())
            })
            .collect();
        let spent: usize = spenders.into_iter().map(|s| s.join().unwrap()).sum();
        assert_eq!(spent, 10_000 / 3);
        assert_eq!(credit.take_back(), (1, MAX - 10_000 / 3));
    }
}
