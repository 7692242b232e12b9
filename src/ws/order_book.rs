//! A local order book kept in sync with a diff depth stream by the exchange's documented
//! procedure: buffer events, take a REST snapshot, drop events older than it, check that
//! each event's `pu` is the previous event's `u`, and start over when it is not.

use crate::models::{DepthUpdateEvent, OrderBook};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, VecDeque};

/// Events kept while no snapshot is applied, unless set otherwise.
pub const DEFAULT_BUFFER_LIMIT: usize = 10_000;

/// Why an event could not be applied; the book must be rebuilt from a new snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resync {
    /// The first event after the snapshot does not cover its `lastUpdateId`.
    SnapshotNotCovered {
        /// The snapshot's `lastUpdateId`.
        last_update_id: i64,
        /// The event's first update id (`U`).
        first: i64,
        /// The event's last update id (`u`).
        last: i64,
    },
    /// An event's `pu` is not the previous event's `u`: an update was missed.
    Gap {
        /// The previous event's `u`.
        expected_pu: i64,
        /// The `pu` this event carried.
        got_pu: i64,
    },
}

impl std::fmt::Display for Resync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Resync::SnapshotNotCovered { last_update_id, first, last } => {
                write!(f, "snapshot {last_update_id} is not within the first event's {first}..={last}")
            }
            Resync::Gap { expected_pu, got_pu } => write!(f, "missed updates: pu {got_pu}, expected {expected_pu}"),
        }
    }
}

/// Price levels of one symbol, with quantities as the stream reports them (absolute).
#[derive(Debug, Clone)]
pub struct LocalOrderBook {
    bids: BTreeMap<Decimal, Decimal>,
    asks: BTreeMap<Decimal, Decimal>,
    snapshot_id: Option<i64>,
    last_u: Option<i64>,
    /// Events waiting for a snapshot, oldest first, at most `buffer_limit`.
    pending: VecDeque<DepthUpdateEvent>,
    buffer_limit: usize,
}

impl Default for LocalOrderBook {
    fn default() -> Self {
        Self::with_buffer_limit(DEFAULT_BUFFER_LIMIT)
    }
}

impl LocalOrderBook {
    /// An empty book, waiting for its snapshot.
    pub fn new() -> Self {
        Self::default()
    }

    /// A book that keeps at most `limit` events while waiting for a snapshot; past it the
    /// oldest go (the snapshot, taken later, covers them).
    pub fn with_buffer_limit(limit: usize) -> Self {
        LocalOrderBook {
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            snapshot_id: None,
            last_u: None,
            pending: VecDeque::new(),
            buffer_limit: limit.max(1),
        }
    }

    /// Events waiting for a snapshot.
    pub fn buffered(&self) -> usize {
        self.pending.len()
    }

    /// Whether a snapshot and a continuous run of events have been applied.
    pub fn is_synced(&self) -> bool {
        self.last_u.is_some()
    }

    /// The `u` of the last applied event (or the snapshot id).
    pub fn last_update_id(&self) -> Option<i64> {
        self.last_u.or(self.snapshot_id)
    }

    /// Step 3: starts from a REST snapshot (`depth(symbol).limit(1000)`), then applies
    /// the events buffered while it was fetched. When one of them does not fit, the book
    /// starts over and keeps the events after it for the next snapshot: nothing newer is
    /// thrown away.
    pub fn apply_snapshot(&mut self, snapshot: &OrderBook) -> Result<(), Resync> {
        self.bids = snapshot.bids.iter().map(|l| (l.price, l.qty)).collect();
        self.asks = snapshot.asks.iter().map(|l| (l.price, l.qty)).collect();
        self.snapshot_id = Some(snapshot.last_update_id);
        self.last_u = None;
        let mut queued = std::mem::take(&mut self.pending);
        while let Some(ev) = queued.pop_front() {
            if let Err(why) = self.apply(ev) {
                self.pending = queued;
                return Err(why);
            }
        }
        Ok(())
    }

    /// Steps 2 and 4-9: buffers before the snapshot, drops stale events, checks continuity
    /// and applies absolute quantities (0 removes a level).
    pub fn apply(&mut self, ev: DepthUpdateEvent) -> Result<(), Resync> {
        let Some(snapshot) = self.snapshot_id else {
            if self.pending.len() == self.buffer_limit {
                self.pending.pop_front();
            }
            self.pending.push_back(ev);
            return Ok(());
        };
        if ev.final_update_id < snapshot {
            return Ok(());
        }
        match self.last_u {
            None => {
                if !(ev.first_update_id <= snapshot && ev.final_update_id >= snapshot)
                    && ev.prev_final_update_id != snapshot
                {
                    return Err(self.reset(Resync::SnapshotNotCovered {
                        last_update_id: snapshot,
                        first: ev.first_update_id,
                        last: ev.final_update_id,
                    }));
                }
            }
            Some(u) if ev.prev_final_update_id != u => {
                return Err(self.reset(Resync::Gap { expected_pu: u, got_pu: ev.prev_final_update_id }));
            }
            Some(_) => {}
        }
        for (side, levels) in [(&mut self.bids, &ev.bids), (&mut self.asks, &ev.asks)] {
            for l in levels {
                if l.qty.is_zero() {
                    side.remove(&l.price);
                } else {
                    side.insert(l.price, l.qty);
                }
            }
        }
        self.last_u = Some(ev.final_update_id);
        Ok(())
    }

    fn reset(&mut self, why: Resync) -> Resync {
        *self = Self::with_buffer_limit(self.buffer_limit);
        why
    }

    /// Best bid first.
    pub fn bids(&self) -> impl Iterator<Item = (Decimal, Decimal)> + '_ {
        self.bids.iter().rev().map(|(p, q)| (*p, *q))
    }

    /// Best ask first.
    pub fn asks(&self) -> impl Iterator<Item = (Decimal, Decimal)> + '_ {
        self.asks.iter().map(|(p, q)| (*p, *q))
    }

    /// The highest bid: (price, quantity).
    pub fn best_bid(&self) -> Option<(Decimal, Decimal)> {
        self.bids().next()
    }

    /// The lowest ask: (price, quantity).
    pub fn best_ask(&self) -> Option<(Decimal, Decimal)> {
        self.asks().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(first: i64, last: i64, prev: i64, bid: &str) -> DepthUpdateEvent {
        serde_json::from_value(serde_json::json!({
            "e": "depthUpdate", "E": 1, "T": 1, "s": "BTCUSDT", "U": first, "u": last, "pu": prev,
            "b": [[bid, "1"]], "a": []
        }))
        .unwrap()
    }

    fn snapshot(id: i64) -> OrderBook {
        serde_json::from_value(serde_json::json!({ "lastUpdateId": id, "E": 1, "T": 1, "bids": [], "asks": [] }))
            .unwrap()
    }

    #[test]
    fn the_pre_snapshot_buffer_is_bounded() {
        let mut book = LocalOrderBook::with_buffer_limit(3);
        for i in 0..10 {
            book.apply(event(i * 10 + 1, i * 10 + 10, i * 10, "100")).unwrap();
        }
        assert_eq!(book.buffered(), 3);
        // The kept ones are the newest: a snapshot inside the eighth event syncs.
        book.apply_snapshot(&snapshot(75)).unwrap();
        assert!(book.is_synced());
        assert_eq!(book.last_update_id(), Some(100));
    }

    #[test]
    fn a_replay_failure_keeps_the_newer_events_for_the_next_snapshot() {
        let mut book = LocalOrderBook::new();
        book.apply(event(1, 10, 0, "100")).unwrap();
        book.apply(event(11, 20, 10, "101")).unwrap();
        book.apply(event(25, 30, 24, "102")).unwrap(); // a gap before it
        book.apply(event(31, 40, 30, "103")).unwrap();
        let e = book.apply_snapshot(&snapshot(5)).unwrap_err();
        assert_eq!(e, Resync::Gap { expected_pu: 20, got_pu: 24 });
        assert!(!book.is_synced());
        assert_eq!(book.buffered(), 1, "the event after the failure is kept");
        book.apply_snapshot(&snapshot(35)).unwrap();
        assert_eq!((book.last_update_id(), book.best_bid().map(|b| b.0)), (Some(40), Some("103".parse().unwrap())));
    }
}
