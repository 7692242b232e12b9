//! V3 nonces: microseconds since the epoch on the exchange's clock, strictly increasing for
//! every request of one client, its clones and all their threads.
//!
//! The exchange keeps the last 100 nonces per user and rejects a repeat, so two requests in
//! the same microsecond (or millisecond, for a clock that only ticks in ms) must still get
//! different nonces: each nonce is the later of "now" and "the last one plus one".

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Hands out nonces; shared by the clones of a client.
#[derive(Debug, Default)]
pub struct NonceSource {
    last: AtomicU64,
    /// Exchange clock minus local clock, in microseconds.
    offset_us: AtomicI64,
}

fn local_micros() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0)
}

impl NonceSource {
    /// A source with no clock offset.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the offset to the exchange's clock, in microseconds.
    pub fn set_offset_us(&self, offset: i64) {
        self.offset_us.store(offset, Ordering::Relaxed);
    }

    /// The offset added to the local clock, in microseconds (exchange minus local).
    pub fn offset_us(&self) -> i64 {
        self.offset_us.load(Ordering::Relaxed)
    }

    /// The exchange's clock now, in microseconds (saturating, never wrapping).
    pub fn now_us(&self) -> u64 {
        let local = local_micros();
        let offset = self.offset_us();
        if offset >= 0 {
            local.saturating_add(offset as u64)
        } else {
            local.saturating_sub(offset.unsigned_abs())
        }
    }

    /// The next nonce: never equal to or below one handed out before.
    pub fn next(&self) -> u64 {
        let now = self.now_us();
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let next = now.max(last.saturating_add(1));
            match self.last.compare_exchange_weak(last, next, Ordering::AcqRel, Ordering::Relaxed) {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }

    /// Records a nonce chosen by the caller, so later automatic ones stay above it.
    pub fn observe(&self, nonce: u64) {
        self.last.fetch_max(nonce, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Arc;

    #[test]
    fn nonces_are_microseconds_near_now() {
        let n = NonceSource::new().next();
        let now = local_micros();
        assert!(now.abs_diff(n) < 5_000_000, "{n} vs {now}");
        assert!(n > 1_700_000_000_000_000, "{n} looks like milliseconds");
    }

    #[test]
    fn many_threads_never_collide_and_each_sees_increasing_nonces() {
        let source = Arc::new(NonceSource::new());
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let s = source.clone();
                std::thread::spawn(move || {
                    let v: Vec<u64> = (0..20_000).map(|_| s.next()).collect();
                    assert!(v.windows(2).all(|w| w[0] < w[1]));
                    v
                })
            })
            .collect();
        let mut all = HashSet::new();
        for h in handles {
            for n in h.join().unwrap() {
                assert!(all.insert(n), "nonce {n} handed out twice");
            }
        }
        assert_eq!(all.len(), 160_000);
    }

    #[test]
    fn offset_moves_the_clock_and_saturates() {
        let s = NonceSource::new();
        s.set_offset_us(-5_000_000);
        assert!(local_micros() - s.now_us() >= 4_900_000);
        s.set_offset_us(i64::MIN);
        assert_eq!(s.now_us(), 0);
        s.set_offset_us(i64::MAX);
        assert!(s.now_us() > local_micros());
        let a = s.next();
        assert!(s.next() > a);
    }

    #[test]
    fn observed_nonces_push_later_ones_up() {
        let s = NonceSource::new();
        let far = local_micros() + 60_000_000;
        s.observe(far);
        assert_eq!(s.next(), far + 1);
    }
}
