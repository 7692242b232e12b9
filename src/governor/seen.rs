//! The exchange's latest count per interval, as replies' usage headers said it. A reply
//! only notes it, without a lock; the next call that reads the budget's windows applies it
//! while it holds them anyway.

use super::limits::Counts;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// As many intervals of one kind as a reply's counts keep.
pub(crate) const SLOTS: usize = Counts::MAX;

/// One slot per interval the budget counts.
#[derive(Debug, Default)]
pub(crate) struct SeenCounts {
    slots: [Slot; SLOTS],
}

/// One interval's latest count, the two side by side (a reply touches one slot).
#[derive(Debug, Default)]
struct Slot {
    /// The interval in ms (0: unused), set with the budget's windows.
    interval: AtomicI64,
    /// The latest count, packed by [`pack`]: a later fixed window's count, or a higher
    /// count of the same window, is the larger number, so `fetch_max` keeps the latest
    /// even when replies are read out of order.
    latest: AtomicU64,
}

/// A count and the number of its fixed window (its start over the interval) in one word.
fn pack(window: i64, count: u64) -> u64 {
    // The window's number fits 32 bits for a second's interval until 2106; counts above
    // 32 bits are far beyond any limit and are read as the highest.
    ((window as u64 & 0xffff_ffff) << 32) | count.min(u64::from(u32::MAX))
}

fn unpack(word: u64) -> (i64, u64) {
    ((word >> 32) as i64, word & 0xffff_ffff)
}

impl SeenCounts {
    /// Gives the slots the budget's intervals (called with its windows locked). A slot
    /// whose interval changed forgets its count.
    pub fn set_intervals(&self, intervals: impl IntoIterator<Item = i64>) {
        let mut intervals = intervals.into_iter();
        for slot in &self.slots {
            let interval = intervals.next().unwrap_or(0);
            if slot.interval.swap(interval, Ordering::AcqRel) != interval {
                slot.latest.store(0, Ordering::Release);
            }
        }
    }

    /// Notes the server's `count` over `interval` (ms) seen in a reply read at `now`; an
    /// interval the budget does not count is passed over.
    pub fn note(&self, interval: i64, count: u64, now: i64) {
        if interval <= 0 {
            return;
        }
        if let Some(slot) = self.slots.iter().find(|s| s.interval.load(Ordering::Acquire) == interval) {
            slot.latest.fetch_max(pack(now.div_euclid(interval), count), Ordering::AcqRel);
        }
    }

    /// The counts noted since `applied` last recorded them, as `(interval ms, count, start
    /// of its fixed window)`; `applied` is updated.
    pub fn fresh<'a>(&'a self, applied: &'a mut [u64; SLOTS]) -> impl Iterator<Item = (i64, u64, i64)> + 'a {
        self.slots.iter().zip(applied.iter_mut()).filter_map(|(slot, applied)| {
            let word = slot.latest.load(Ordering::Acquire);
            if word == 0 || word == *applied {
                return None;
            }
            *applied = word;
            let interval = slot.interval.load(Ordering::Acquire);
            let (window, count) = unpack(word);
            (interval > 0).then(|| (interval, count, window * interval))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_window_and_its_highest_count_are_kept() {
        let seen = SeenCounts::default();
        seen.set_intervals([60_000, 10_000]);
        let mut applied = [0; SLOTS];
        for (interval, count) in [(60_000, 40), (10_000, 3), (1_000, 99)] {
            seen.note(interval, count, 61_000);
        }
        seen.note(60_000, 30, 61_500);
        let fresh: Vec<_> = seen.fresh(&mut applied).collect();
        assert_eq!(fresh, [(60_000, 40, 60_000), (10_000, 3, 60_000)], "an interval not counted is passed over");
        assert_eq!(seen.fresh(&mut applied).count(), 0, "nothing new since");
        seen.note(60_000, 5, 120_100);
        seen.note(60_000, 90, 119_000);
        let fresh: Vec<_> = seen.fresh(&mut applied).collect();
        assert_eq!(fresh, [(60_000, 5, 120_000)], "a later window wins over a higher count read late");
        seen.set_intervals([60_000]);
        seen.note(10_000, 7, 121_000);
        assert_eq!(seen.fresh(&mut applied).count(), 0, "a dropped interval forgets its count");
    }

    #[test]
    fn a_count_beyond_32_bits_reads_as_the_highest() {
        let seen = SeenCounts::default();
        seen.set_intervals([1_000]);
        seen.note(1_000, u64::MAX, 5_500);
        let fresh: Vec<_> = seen.fresh(&mut [0; SLOTS]).collect();
        assert_eq!(fresh, [(1_000, u64::from(u32::MAX), 5_000)]);
    }
}
