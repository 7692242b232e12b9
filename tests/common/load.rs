//! A greedy load for the rate-limit tests: tasks mixing deep books, every ticker, prices,
//! and orders with their cancels, as fast as the client lets them.

use super::dec;
use aster::{Error, OrderType, Side, TimeInForce};
use aster_sandbox::SandboxConfig;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The docs' limits scaled down: 60 weight per 2 s, 20 orders per 10 s, 40 a minute.
pub fn small_limits() -> SandboxConfig {
    SandboxConfig {
        weight_limit_1m: 60,
        weight_window_ms: 2_000,
        order_limit_10s: 20,
        order_limit_1m: 40,
        ban_ms: 2_000,
        ..SandboxConfig::default()
    }
}

#[derive(Default)]
pub struct Tally {
    pub calls: AtomicU64,
    pub weight: AtomicU64,
    pub refused_429: AtomicU64,
    pub banned_418: AtomicU64,
    pub backing_off: AtomicU64,
}

impl Tally {
    pub fn count<T>(&self, weight: u64, outcome: aster::Result<T>) -> Option<T> {
        match outcome {
            Ok(v) => {
                self.calls.fetch_add(1, Ordering::Relaxed);
                self.weight.fetch_add(weight, Ordering::Relaxed);
                Some(v)
            }
            Err(Error::RateLimited { status_code: 418, .. }) => {
                self.banned_418.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(Error::RateLimited { .. }) => {
                self.refused_429.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(Error::BackingOff { .. }) => {
                self.backing_off.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
}

/// One task's mix until `until`: a deep book (weight 20), every ticker (40), prices (2), an
/// order far from the market and its cancel (1 each, and one order).
async fn mixed_load(c: aster::Client, tally: Arc<Tally>, until: tokio::time::Instant, task: usize) {
    let mut round = 0usize;
    while tally.banned_418.load(Ordering::Relaxed) == 0 {
        round += 1;
        // A call still waiting for room at the end is dropped: the run is over.
        if tokio::time::timeout_at(until, one_call(&c, &tally, task + round)).await.is_err() {
            break;
        }
    }
}

async fn one_call(c: &aster::Client, tally: &Tally, turn: usize) {
    match turn % 4 {
        0 => {
            tally.count(20, c.depth("BTCUSDT").limit(1000).await);
        }
        1 => {
            tally.count(40, c.ticker_24hr_price_change().await);
        }
        2 => {
            tally.count(2, c.ticker_price().await);
        }
        _ => {
            let placed = c
                .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
                .time_in_force(TimeInForce::Gtc)
                .quantity(dec("0.001"))
                .price(dec("30000"))
                .await;
            if let Some(order) = tally.count(1, placed) {
                tally.count(1, c.cancel_order("BTCUSDT").order_id(order.order_id).await);
            }
        }
    }
}

/// `tasks` tasks calling as fast as they can for `for_how_long`, through one client made
/// by `make` (`one_client_for_all`) or one each.
pub async fn run_load(
    make: impl Fn() -> aster::Client,
    one_client_for_all: bool,
    tasks: usize,
    for_how_long: Duration,
) -> Arc<Tally> {
    let tally = Arc::new(Tally::default());
    let until = tokio::time::Instant::now() + for_how_long;
    let one = make();
    let tasks: Vec<_> = (0..tasks)
        .map(|task| {
            let c = if one_client_for_all { one.clone() } else { make() };
            tokio::spawn(mixed_load(c, tally.clone(), until, task))
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    tally
}
