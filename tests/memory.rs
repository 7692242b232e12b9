//! Memory stays bounded under hostile replies: an endless REST body, and a flood of huge
//! stream messages to a reader that does not keep up. RSS is read from /proc (Linux).

mod common;

use aster::ws::{WsClient, WsConfig, WsError};
use aster_sandbox::Fault;
use common::{keep_moving, sandbox};
use futures_util::StreamExt;
use std::time::Duration;

const MIB: u64 = 1024 * 1024;

/// RSS is per process: under `cargo test` both tests share one, so they take turns.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_body_does_not_grow_memory_past_the_reply_cap() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let sb = sandbox().await;
    let c = common::signed(&sb);
    c.ping().await.unwrap();
    let before = rss();
    sb.inject(None, Fault::HugeBody(u64::MAX), 1);
    // The default cap: 64 MiB are read, then the rest is refused.
    let e = c.exchange_info().await.unwrap_err();
    assert!(matches!(e, aster::Error::ReplyTooLarge { .. }), "{e}");
    let grown = rss().saturating_sub(before);
    assert!(grown < 200 * MIB, "RSS grew by {} MiB", grown / MIB);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_huge_messages_to_a_slow_reader_stays_within_the_byte_budget() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let sb = sandbox().await;
    let _mover = keep_moving(&sb);
    let cfg = WsConfig { buffer_bytes: 16 * MIB as usize, ..WsConfig::default() };
    let ws = WsClient::with_config(sb.ws_url(), cfg);
    let mut stream = ws.subscribe_raw("btcusdt@bookTicker").await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), stream.next()).await.unwrap();
    let before = rss();
    // 30 messages of 15 MiB: 450 MiB if queued whole.
    sb.flood_ws(30, 15 * MIB as usize);
    let mut peak = 0;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        peak = peak.max(rss().saturating_sub(before));
    }
    assert!(peak < 160 * MIB, "RSS grew by {} MiB", peak / MIB);
    // The reader is told what it missed.
    let mut lagged = false;
    while let Ok(Some(item)) = tokio::time::timeout(Duration::from_secs(2), stream.next()).await {
        if let Err(WsError::Lagged(n)) = item {
            assert!(n > 0);
            lagged = true;
            break;
        }
    }
    assert!(lagged, "the slow reader was told it lagged");
    ws.stop().await;
}
