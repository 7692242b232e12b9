//! A local order book kept in sync with a diff depth stream by the exchange's documented
//! procedure: buffer events, take a REST snapshot, drop events older than it, check that
//! each event's `pu` is the previous event's `u`, and start over when it is not.

use crate::{DepthUpdateEvent, OrderBook};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Why an event could not be applied; the book must be rebuilt from a new snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resync {
    /// The first event after the snapshot does not cover its `lastUpdateId`.
    SnapshotNotCovered { last_update_id: i64, first: i64, last: i64 },
    /// An event's `pu` is not the previous event's `u`: an update was missed.
    Gap { expected_pu: i64, got_pu: i64 },
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
#[derive(Debug, Clone, Default)]
pub struct LocalOrderBook {
    bids: BTreeMap<Decimal, Decimal>,
    asks: BTreeMap<Decimal, Decimal>,
    snapshot_id: Option<i64>,
    last_u: Option<i64>,
    pending: Vec<DepthUpdateEvent>,
}

impl LocalOrderBook {
    pub fn new() -> Self {
        Self::default()
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
    /// the events buffered while it was fetched.
    pub fn apply_snapshot(&mut self, snapshot: &OrderBook) -> Result<(), Resync> {
        self.bids = snapshot.bids.iter().map(|l| (l.price, l.qty)).collect();
        self.asks = snapshot.asks.iter().map(|l| (l.price, l.qty)).collect();
        self.snapshot_id = Some(snapshot.last_update_id);
        self.last_u = None;
        for ev in std::mem::take(&mut self.pending) {
            self.apply(ev)?;
        }
        Ok(())
    }

    /// Steps 2 and 4-9: buffers before the snapshot, drops stale events, checks continuity
    /// and applies absolute quantities (0 removes a level).
    pub fn apply(&mut self, ev: DepthUpdateEvent) -> Result<(), Resync> {
        let Some(snapshot) = self.snapshot_id else {
            self.pending.push(ev);
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
        *self = Self::default();
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

    pub fn best_bid(&self) -> Option<(Decimal, Decimal)> {
        self.bids().next()
    }

    pub fn best_ask(&self) -> Option<(Decimal, Decimal)> {
        self.asks().next()
    }
}
