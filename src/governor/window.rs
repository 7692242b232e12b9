//! One rate limit as the governor keeps it: what was spent in the last interval, as a log
//! of (time, amount). A rolling window never lets any interval of that length exceed the
//! limit, so it also keeps the exchange's fixed windows under it, wherever they start.
//! An entry is kept a little longer than the interval (a 50th of it, at least 100 ms):
//! the exchange counts a request when it arrives, and two requests sent an interval
//! apart may arrive closer than that.

use std::collections::VecDeque;

/// A rolling window of one interval.
#[derive(Debug)]
pub(crate) struct Window {
    pub interval_ms: i64,
    pub limit: u32,
    /// How long an entry counts: the interval and the guard for arrival jitter.
    span: i64,
    /// The length of the time slices spending is grouped in.
    slice: i64,
    /// The newest slice's (end, amount), kept here rather than in the log, so the common
    /// spend (another call in the same slice) touches no log entry; amount 0: none yet.
    newest: (i64, u32),
    /// The slices before the newest, oldest first.
    older: VecDeque<(i64, u32)>,
    /// When the oldest of `older` was stamped (`i64::MAX`: none), so expiring reads no
    /// log entry until one is due to leave.
    oldest_at: i64,
    total: u64,
    /// What this log spent since the start of the server's current fixed window, as
    /// `(window start, sum)`, so reconciling does not walk the log on every reply.
    fixed: (i64, u64),
}

impl Window {
    pub fn new(interval_ms: i64, limit: u32) -> Self {
        Window {
            interval_ms,
            limit,
            span: interval_ms.saturating_add((interval_ms / 50).max(100)),
            // One entry per thousandth of the interval at most, so a fast caller keeps a
            // small log (it stays in cache).
            slice: (interval_ms / 1000).max(1),
            newest: (i64::MIN, 0),
            older: VecDeque::new(),
            oldest_at: i64::MAX,
            total: 0,
            fixed: (i64::MIN, 0),
        }
    }

    /// How long an entry counts: the interval and the guard for arrival jitter.
    #[cfg(feature = "redis")]
    pub fn span(&self) -> i64 {
        self.span
    }

    fn expire(&mut self, now: i64) {
        let cutoff = now - self.span;
        while self.oldest_at <= cutoff {
            if let Some((_, amount)) = self.older.pop_front() {
                self.total -= u64::from(amount);
            }
            self.oldest_at = self.older.front().map_or(i64::MAX, |&(at, _)| at);
        }
        if self.newest.1 > 0 && self.newest.0 <= cutoff {
            self.total -= u64::from(self.newest.1);
            self.newest = (i64::MIN, 0);
        }
    }

    /// The log's entries, oldest first.
    fn entries(&self) -> impl DoubleEndedIterator<Item = (i64, u32)> + '_ {
        self.older.iter().copied().chain((self.newest.1 > 0).then_some(self.newest))
    }

    /// What was spent in the interval ending now.
    pub fn used(&mut self, now: i64) -> u64 {
        self.expire(now);
        self.total
    }

    /// How long until `amount` more fits under `cap` (0: now); `None` when it never can.
    pub fn wait_for(&mut self, amount: u32, cap: u64, now: i64) -> Option<i64> {
        if u64::from(amount) > cap {
            return None;
        }
        self.expire(now);
        let mut excess = (self.total + u64::from(amount)).saturating_sub(cap);
        if excess == 0 {
            return Some(0);
        }
        // The oldest entries leave first: wait until enough of them have.
        for (at, spent) in self.entries() {
            excess = excess.saturating_sub(u64::from(spent));
            if excess == 0 {
                return Some((at + self.span - now).max(1));
            }
        }
        Some(self.span)
    }

    pub fn spend(&mut self, amount: u32, now: i64) {
        if amount == 0 {
            return;
        }
        let at = self.stamp(now);
        if self.newest.1 > 0 && self.newest.0 == at {
            self.newest.1 = self.newest.1.saturating_add(amount);
        } else {
            if self.newest.1 > 0 {
                if self.older.is_empty() {
                    self.oldest_at = self.newest.0;
                }
                self.older.push_back(self.newest);
            }
            self.newest = (at, amount);
        }
        self.total += u64::from(amount);
        if now >= self.fixed.0 {
            self.fixed.1 += u64::from(amount);
        }
    }

    /// The stamp of spending at `now`: the end of its slice, so it leaves the window no
    /// earlier than the spending itself would.
    fn stamp(&self, now: i64) -> i64 {
        now - now.rem_euclid(self.slice) + self.slice - 1
    }

    /// When the slice containing `now` ends: spending until then shares one stamp.
    pub fn slice_ends(&self, now: i64) -> i64 {
        self.stamp(now) + 1
    }

    /// What more fits under `cap` now (after [`Window::wait_for`] or [`Window::used`]).
    pub fn room(&self, cap: u64) -> u64 {
        cap.saturating_sub(self.total)
    }

    /// Takes back up to `amount` of what was spent at `spent_at` (credit left unused),
    /// unless it has already left the window.
    pub fn unspend(&mut self, amount: u32, spent_at: i64) {
        let at = self.stamp(spent_at);
        let entry = if self.newest.1 > 0 && self.newest.0 == at {
            Some(&mut self.newest.1)
        } else {
            self.older.iter_mut().rev().find(|(stamp, _)| *stamp == at).map(|(_, spent)| spent)
        };
        if let Some(spent) = entry {
            let back = amount.min(*spent);
            *spent -= back;
            self.total -= u64::from(back);
            if at >= self.fixed.0 {
                self.fixed.1 = self.fixed.1.saturating_sub(u64::from(back));
            }
        }
    }

    /// The server counted `server_used` in its window containing `now` (which began at
    /// `window_start`): what it counted beyond this log (other processes on the IP or
    /// account) is added, so the server is the truth when the two disagree.
    pub fn reconcile(&mut self, server_used: u64, window_start: i64, now: i64) {
        self.expire(now);
        if self.fixed.0 != window_start {
            let since = self.entries().rev().take_while(|(at, _)| *at >= window_start);
            self.fixed = (window_start, since.map(|(_, a)| u64::from(a)).sum());
        }
        let ours = self.fixed.1;
        if let Some(missing) = server_used.checked_sub(ours).filter(|m| *m > 0) {
            let missing = u32::try_from(missing).unwrap_or(u32::MAX);
            self.spend(missing, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_waits_for_the_oldest_spending_to_leave() {
        // A 1 s window keeps entries 1.1 s (the 100 ms guard).
        let mut w = Window::new(1000, 10);
        w.spend(6, 0);
        w.spend(4, 500);
        assert_eq!(w.wait_for(1, 10, 600), Some(500), "the first 6 leave at 1100");
        assert_eq!(w.wait_for(5, 10, 600), Some(500));
        assert_eq!(w.wait_for(7, 10, 600), Some(1000), "needs the second spending gone too");
        assert_eq!(w.wait_for(11, 10, 600), None, "never fits");
        assert_eq!(w.used(1099), 10);
        assert_eq!(w.used(1100), 4);
        assert_eq!(w.wait_for(6, 10, 1100), Some(0));
        w.reconcile(9, 0, 1100);
        assert_eq!(w.used(1100), 9, "the server counted 5 the log did not");
        w.reconcile(3, 0, 1100);
        assert_eq!(w.used(1100), 9, "a lower server count takes nothing away");
    }

    #[test]
    fn a_long_window_keeps_one_entry_per_slice_stamped_at_its_end() {
        // A minute in slices of 60 ms; entries count 61.2 s from the end of their slice.
        let mut w = Window::new(60_000, 100);
        for at in [0, 10, 59] {
            w.spend(1, at);
        }
        w.spend(1, 60);
        assert_eq!(w.entries().count(), 2, "one entry per slice");
        assert_eq!(w.used(59 + 61_200 - 1), 4);
        assert_eq!(w.used(59 + 61_200), 1, "the first slice leaves a full span after its end");
    }

    #[test]
    fn the_window_counts_as_a_plain_log_of_every_spending_would() {
        // Random spending and questions, against a log of every spending kept whole.
        let mut next = crate::testing::numbers_below(0x2545_f491_4f6c_dd1d);
        for interval in [1000, 10_000, 60_000] {
            let mut w = Window::new(interval, 50);
            let mut log: Vec<(i64, u32)> = Vec::new();
            let slice = (interval / 1000).max(1);
            let mut now = 0;
            for _ in 0..20_000 {
                now += next(interval as usize / 20) as i64;
                log.retain(|(at, _)| *at > now - w.span);
                let live = |log: &[(i64, u32)], now: i64| -> Vec<(i64, u32)> {
                    log.iter().copied().filter(|(at, _)| *at > now - w.span).collect()
                };
                match next(3) {
                    0 => {
                        let amount = next(5) as u32;
                        w.spend(amount, now);
                        if amount > 0 {
                            log.push((now - now.rem_euclid(slice) + slice - 1, amount));
                        }
                    }
                    1 => {
                        let used: u64 = live(&log, now).iter().map(|(_, a)| u64::from(*a)).sum();
                        assert_eq!(w.used(now), used, "at {now}");
                    }
                    _ => {
                        let (amount, cap) = (next(10) as u32, 50);
                        let entries = live(&log, now);
                        let used: u64 = entries.iter().map(|(_, a)| u64::from(*a)).sum();
                        let mut excess = (used + u64::from(amount)).saturating_sub(cap);
                        let expected = if excess == 0 {
                            0
                        } else {
                            entries
                                .iter()
                                .find(|(_, a)| {
                                    excess = excess.saturating_sub(u64::from(*a));
                                    excess == 0
                                })
                                .map_or(w.span, |(at, _)| (at + w.span - now).max(1))
                        };
                        assert_eq!(w.wait_for(amount, cap, now), Some(expected), "at {now}");
                    }
                }
            }
        }
    }
}
