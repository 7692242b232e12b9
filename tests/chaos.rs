//! A bounded chaos run: random REST and WebSocket faults while a consumer places and
//! cancels orders, follows its user data stream and keeps a local order book. At the end
//! the consumer's view equals the sandbox's state: every gap was announced, nothing was
//! duplicated, no order was placed twice.
//!
//! A few seconds by default; `ASTER_CHAOS_SECS` runs longer.

mod common;

use aster::streams::{self, UserDataEvent};
use aster::ws::{LocalOrderBook, WsClient, WsConfig, WsError};
use aster::{DepthSpeed, OrderStatus, OrderType, PositionSide, Resolution, Side, TimeInForce};
use aster_sandbox::{AccountConfig, Fault, Sandbox};
use common::dec;
use futures_util::StreamExt;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the consumer believes, built only from its stream and its own replies.
#[derive(Default)]
struct View {
    /// order id -> (open, update time of what we last applied)
    orders: BTreeMap<i64, (bool, i64)>,
    /// (position amount, event time)
    position: (aster::Decimal, i64),
    /// Between a `Reconnecting` and its `Resumed`.
    in_gap: bool,
    /// Gaps announced and closed.
    gaps: usize,
    /// Resumed with no gap announced, or data inside a gap: both must stay 0.
    surprises: usize,
}

impl View {
    fn order(&mut self, id: i64, status: &OrderStatus, time: i64) {
        let open = matches!(status, OrderStatus::New | OrderStatus::PartiallyFilled);
        let entry = self.orders.entry(id).or_insert((open, time));
        // A closed order never reopens; an older event never overrides a newer one.
        if entry.0 && time >= entry.1 {
            *entry = (open, time);
        }
    }

    fn snapshot(&mut self, s: &aster::models::AccountSnapshotEvent) {
        let open: BTreeSet<i64> = s.open_orders.iter().map(|o| o.order_id).collect();
        for (id, entry) in self.orders.iter_mut() {
            if !open.contains(id) && entry.0 {
                *entry = (false, s.event_time);
            }
        }
        for o in &s.open_orders {
            self.orders.insert(o.order_id, (true, s.event_time));
        }
        let amount = s
            .positions
            .iter()
            .find(|p| p.symbol == "BTCUSDT" && p.position_side == PositionSide::Both)
            .map(|p| p.position_amt)
            .unwrap_or_default();
        self.position = (amount, s.event_time);
    }
}

fn chaos_secs() -> u64 {
    std::env::var("ASTER_CHAOS_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(4)
}

/// A tiny deterministic generator, so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn fault(rng: &mut Rng) -> Fault {
    match rng.below(6) {
        0 => Fault::ServerError(503),
        1 => Fault::ExecutedButUnavailable,
        2 => Fault::ExecutedThenError { status: 502, code: -1001 },
        3 => Fault::MalformedJson,
        4 => Fault::ErrorBody(-1021),
        _ => Fault::Latency(Duration::from_millis(150)),
    }
}

/// Another account keeps the market moving, so fills and book updates happen.
fn mover(sb: &Sandbox) -> tokio::task::JoinHandle<()> {
    let (key, secret) = sb.add_account(AccountConfig::new("chaos-mover", "chaos-mover-secret"));
    let c = aster::Client::builder().base_url(sb.base_url()).key(key).secret(secret).build().unwrap();
    tokio::spawn(async move {
        loop {
            for side in [Side::Buy, Side::Sell] {
                let _ = c.new_order("BTCUSDT", side, OrderType::Market).quantity(dec("0.003")).await;
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
        }
    })
}

/// Places one order; an unknown outcome is resolved by its client order id, and a
/// not-found order is sent again with the same id (so it can never exist twice).
async fn place(c: &aster::Client, side: Side, price: aster::Decimal, id: String) -> Option<i64> {
    for _ in 0..5 {
        let sent = c
            .new_order("BTCUSDT", side.clone(), OrderType::Limit)
            .time_in_force(TimeInForce::Gtc)
            .quantity(dec("0.002"))
            .price(price)
            .new_client_order_id(id.clone())
            .await;
        match sent {
            Ok(o) => return Some(o.order_id),
            Err(e) if e.is_unknown_outcome() => loop {
                match c.resolve_order("BTCUSDT", &id).await {
                    Ok(Resolution::Executed(o)) => return Some(o.order_id),
                    Ok(Resolution::NotFound) => break,
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            },
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_random_faults_the_consumers_view_ends_equal_to_the_exchange() {
    // Rate limits are not under test here: the run sends far more than a trader may.
    let sb = common::sandbox_with(aster_sandbox::SandboxConfig {
        weight_limit_1m: 10_000_000,
        order_limit_10s: 10_000_000,
        order_limit_1m: 10_000_000,
        ..Default::default()
    })
    .await;
    let moving = mover(&sb);
    // Limits read from the sandbox (the governor learns its huge ones).
    let rest = aster::Client::builder().base_url(sb.base_url()).key(sb.api_key()).secret(sb.secret()).build().unwrap();
    let cfg = WsConfig {
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        max_connects_per_second: 50,
        control_timeout: Duration::from_secs(2),
        ..WsConfig::default()
    };
    let ws = WsClient::with_config(sb.ws_url(), cfg);
    let view = Arc::new(Mutex::new(View::default()));

    // The consumer of the user data stream.
    let mut events = ws.user_data(&rest).await.unwrap();
    let follower = {
        let view = view.clone();
        tokio::spawn(async move {
            while let Some(item) = events.next().await {
                let mut v = view.lock().unwrap_or_else(|e| e.into_inner());
                if item.is_ok() && v.in_gap {
                    v.surprises += 1;
                }
                match item {
                    Ok(UserDataEvent::OrderTradeUpdate(o)) => {
                        v.order(o.order.order_id, &o.order.status, o.order.trade_time)
                    }
                    Ok(UserDataEvent::AccountUpdate(a)) => {
                        for p in a.update.positions.iter().flatten() {
                            if p.symbol == "BTCUSDT"
                                && p.position_side == PositionSide::Both
                                && a.event_time >= v.position.1
                            {
                                v.position = (p.position_amt, a.event_time);
                            }
                        }
                    }
                    Ok(UserDataEvent::AccountSnapshot(s)) => v.snapshot(&s),
                    Ok(_) => {}
                    // A gap may be announced more than once (each failed attempt); it
                    // closes once.
                    Err(WsError::Reconnecting(_)) => v.in_gap = true,
                    Err(WsError::Resumed(_)) => {
                        if !v.in_gap {
                            v.surprises += 1;
                        }
                        v.in_gap = false;
                        v.gaps += 1;
                    }
                    Err(WsError::Ended(_)) => break,
                    Err(_) => {}
                }
            }
        })
    };
    // The local order book, rebuilt from a snapshot whenever its stream has a gap.
    let book = Arc::new(Mutex::new(LocalOrderBook::new()));
    let mut diff = ws.subscribe(streams::diff_book_depth("BTCUSDT", DepthSpeed::Ms100)).await.unwrap();
    let keeper = {
        let (book, rest) = (book.clone(), rest.clone());
        tokio::spawn(async move {
            let mut need_snapshot = true;
            while let Some(item) = diff.next().await {
                match item {
                    Ok(ev) => {
                        let ok = book.lock().unwrap().apply(ev).is_ok();
                        need_snapshot |= !ok;
                    }
                    Err(WsError::Ended(_)) => break,
                    // Any gap: start over from a snapshot.
                    Err(_) => {
                        *book.lock().unwrap() = LocalOrderBook::new();
                        need_snapshot = true;
                    }
                }
                if need_snapshot && book.lock().unwrap().buffered() > 0 {
                    if let Ok(snap) = rest.depth("BTCUSDT").limit(1000).await {
                        need_snapshot = book.lock().unwrap().apply_snapshot(&snap).is_err();
                    }
                }
            }
        })
    };

    // The chaos: orders placed and cancelled while REST and WebSocket faults strike.
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let deadline = Instant::now() + Duration::from_secs(chaos_secs());
    let mut mine: Vec<i64> = Vec::new();
    let mut n = 0u32;
    while Instant::now() < deadline {
        n += 1;
        match rng.below(10) {
            0..=1 => sb.inject(Some("/fapi/v1/order"), fault(&mut rng), 1),
            2 => sb.drop_ws_connections(),
            3 => sb.send_malformed_ws_frame(),
            _ => {}
        }
        let bid = match rest.depth("BTCUSDT").limit(5).await {
            Ok(b) => b.bids[0].price,
            Err(_) => continue,
        };
        if rng.below(3) == 0 && !mine.is_empty() {
            let id = mine.remove(rng.below(mine.len() as u64) as usize);
            // Whatever the reply, the stream and the final check tell what became of it.
            let _ = rest.cancel_order("BTCUSDT").order_id(id).await;
        } else {
            let side = if rng.below(2) == 0 { Side::Buy } else { Side::Sell };
            // Some rest away from the market, some cross it and fill.
            let offset = aster::Decimal::from(rng.below(40) as i64 - 10) * dec("0.001");
            let price = if side == Side::Buy {
                (bid * (dec("1") - offset)).round_dp(1)
            } else {
                (bid * (dec("1") + offset)).round_dp(1)
            };
            if let Some(id) = place(&rest, side, price, format!("chaos-{n}")).await {
                mine.push(id);
            }
        }
    }

    // Calm: no more faults, the market stops, the streams catch up.
    sb.clear_faults();
    moving.abort();
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let (open, position, orders_by_client_id) = sb.with_exchange(|ex| {
        let acct = ex.account_by_key(sb.api_key()).unwrap();
        let open: BTreeSet<i64> = ex.open_orders().filter(|o| o.account == acct).map(|o| o.id).collect();
        let position = ex.accounts[acct]
            .position("BTCUSDT", aster_sandbox::engine::types::PositionSide::Both)
            .map(|p| p.amount)
            .unwrap_or_default();
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        for o in ex.futures.orders.values().filter(|o| o.account == acct) {
            *ids.entry(o.client_id.clone()).or_default() += 1;
        }
        (open, position, ids)
    });
    let twice: Vec<_> = orders_by_client_id.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "orders placed twice: {twice:?}");

    {
        let v = view.lock().unwrap_or_else(|e| e.into_inner());
        let believed: BTreeSet<i64> = v.orders.iter().filter(|(_, (o, _))| *o).map(|(id, _)| *id).collect();
        assert_eq!(believed, open, "open orders: the consumer's view against the exchange");
        assert_eq!(v.position.0, position, "the BTCUSDT position");
        assert!(!v.in_gap, "the last gap was closed");
        assert_eq!(v.surprises, 0, "a resume without a gap, or data inside a gap");
        assert!(v.gaps > 0, "the run did drop the stream");
    }

    // The book: after a last quiet update, its top equals the exchange's.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let top = rest.depth("BTCUSDT").limit(5).await.unwrap();
        let same = {
            let b = book.lock().unwrap_or_else(|e| e.into_inner());
            b.is_synced()
                && b.best_bid() == Some((top.bids[0].price, top.bids[0].qty))
                && b.best_ask() == Some((top.asks[0].price, top.asks[0].qty))
        };
        if same {
            break;
        }
        assert!(Instant::now() < deadline, "the local book did not converge to the exchange's");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    ws.stop().await;
    let _ = tokio::time::timeout(Duration::from_secs(2), follower).await;
    let _ = tokio::time::timeout(Duration::from_secs(2), keeper).await;
}
