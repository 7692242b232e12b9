//! The rate-limit governor against a sandbox that enforces the docs' limits (scaled down):
//! callers wait instead of exceeding, exits keep a reserve, a 429 or 418 stops every
//! client of the host, the server's own count is the truth.

mod common;
use aster::{Error, LimitKind, OrderType, RateLimit, RateLimitSettings, Side, TimeInForce};
use aster_sandbox::{Fault, Sandbox, SandboxConfig};
use common::load::{run_load, small_limits};
use common::*;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

fn client(sb: &Sandbox, settings: RateLimitSettings) -> aster::Client {
    aster::Client::builder()
        .base_url(sb.base_url())
        .key(sb.api_key())
        .secret(sb.secret())
        .rate_limits(settings)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_greedy_tasks_are_never_refused_with_the_governor_and_are_banned_without_it() {
    for shared_client in [true, false] {
        let sb = sandbox_with(small_limits()).await;
        let tally =
            run_load(|| client(&sb, RateLimitSettings::default()), shared_client, 16, Duration::from_secs(5)).await;
        let (r429, r418) = (tally.refused_429.load(Ordering::Relaxed), tally.banned_418.load(Ordering::Relaxed));
        assert_eq!((r429, r418), (0, 0), "with the governor (one client for all: {shared_client})");
        assert_eq!(tally.backing_off.load(Ordering::Relaxed), 0);
        // It paces, it does not stall. (5 s allow 150 weight; calls of 40 and 20 wait in
        // order for room, so not every unit is used: `benches/rate_limits.rs` measures it.)
        let weight = tally.weight.load(Ordering::Relaxed);
        assert!(weight >= 60, "only {weight} weight in 5 s under a limit of 60 per 2 s");
    }
    // The same load without the governor is refused and then banned.
    let sb = sandbox_with(small_limits()).await;
    let tally = run_load(|| client(&sb, RateLimitSettings::off()), false, 16, Duration::from_secs(5)).await;
    assert!(tally.refused_429.load(Ordering::Relaxed) > 0);
    assert!(tally.banned_418.load(Ordering::Relaxed) > 0, "ignoring the 429s gets the IP banned");
}

#[tokio::test]
async fn a_429_stops_every_client_of_the_host_until_its_retry_after_without_sending() {
    let sb = sandbox().await;
    let (a, b) = (signed(&sb), client(&sb, known_limits()));
    sb.inject(None, Fault::RateLimited, 1);
    let refused = a.ping().await.unwrap_err();
    assert!(matches!(refused, Error::RateLimited { status_code: 429, retry_after: Some(1), .. }), "{refused}");
    let before = sb.request_count();
    for c in [&a, &b] {
        match c.time().await.unwrap_err() {
            Error::BackingOff { until_ms, status_code: 429 } => {
                let left = until_ms - unix_ms();
                assert!((0..=1000).contains(&left), "the Retry-After of 1 s: {left} ms left");
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!(sb.request_count(), before, "nothing left the machine while backing off");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    b.ping().await.unwrap();
}

#[tokio::test]
async fn a_418_without_retry_after_holds_the_host_for_the_docs_shortest_ban() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let body = r#"{"code":-1003,"msg":"Way too many requests; IP banned."}"#.to_string();
    sb.inject(None, Fault::Reply { status: 418, body }, 1);
    assert!(matches!(c.ping().await.unwrap_err(), Error::RateLimited { status_code: 418, .. }));
    let before = sb.request_count();
    match client(&sb, known_limits()).depth("BTCUSDT").await.unwrap_err() {
        Error::BackingOff { until_ms, status_code: 418 } => {
            let left = until_ms - unix_ms();
            assert!((110_000..=120_000).contains(&left), "two minutes: {left} ms left");
        }
        other => panic!("{other}"),
    }
    assert_eq!(sb.request_count(), before);
}

/// 20 weight a minute, so a test spends it at once.
fn tiny(max_wait: Duration) -> RateLimitSettings {
    RateLimitSettings::default()
        .limits(vec![
            RateLimit::new(LimitKind::RequestWeight, Duration::from_secs(60), 20),
            RateLimit::new(LimitKind::Orders, Duration::from_secs(60), 10),
        ])
        .max_wait(max_wait)
}

#[tokio::test]
async fn a_call_that_cannot_fit_or_would_wait_too_long_is_refused_before_sending() {
    let sb = sandbox().await;
    let c = client(&sb, tiny(Duration::from_millis(50)));
    let before = sb.request_count();
    match c.ticker_24hr_price_change().await.unwrap_err() {
        Error::OverLimit { weight: 40, limit } => assert!(limit <= 20),
        other => panic!("{other}"),
    }
    assert_eq!(sb.request_count(), before, "a call above the limit is never sent");
    // 18 of 20 are for anything (the rest is kept for exits).
    for _ in 0..18 {
        c.ping().await.unwrap();
    }
    let sent = sb.request_count();
    let started = Instant::now();
    assert!(matches!(c.ping().await.unwrap_err(), Error::WaitTooLong { .. }));
    assert!(started.elapsed() < Duration::from_millis(50), "it fails fast, it does not sleep first");
    assert_eq!(sb.request_count(), sent);
    let usage = c.rate_limit_usage();
    let weight = usage.iter().find(|u| u.kind == LimitKind::RequestWeight).unwrap();
    assert_eq!((weight.used, weight.limit), (18, 20));
}

#[tokio::test]
async fn cancels_and_closing_orders_are_never_starved() {
    let sb = sandbox().await;
    let c = client(&sb, tiny(Duration::from_millis(50)));
    let order = c
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.001"))
        .price(dec("30000"))
        .await
        .unwrap();
    while c.ping().await.is_ok() {}
    // Nothing else fits now, but the way out does.
    assert!(matches!(c.time().await.unwrap_err(), Error::WaitTooLong { .. }));
    c.cancel_order("BTCUSDT").order_id(order.order_id).await.unwrap();
    let close = c.new_order("BTCUSDT", Side::Sell, OrderType::Market).quantity(dec("0.001")).reduce_only(true).await;
    // Accepted by the governor and sent (the exchange may refuse a reduce-only with no position).
    assert!(!matches!(close, Err(Error::WaitTooLong { .. } | Error::OverLimit { .. })), "{close:?}");
}

#[tokio::test]
async fn the_exchanges_own_count_is_the_truth() {
    let sb = sandbox_with(SandboxConfig { weight_limit_1m: 100, ..SandboxConfig::default() }).await;
    let c = client(&sb, RateLimitSettings::default().max_wait(Duration::from_millis(50)));
    c.ping().await.unwrap();
    // Another process behind the same IP spends most of the minute's weight.
    sb.spend_weight_elsewhere(85);
    c.ping().await.unwrap();
    let weight = c.rate_limit_usage().into_iter().find(|u| u.kind == LimitKind::RequestWeight).unwrap();
    assert!(weight.used >= 87, "the usage header's count was taken: {weight:?}");
    assert_eq!(weight.limit, 100, "the limit was read from exchangeInfo");
    // So the client waits (here: refuses, its maximum wait being short) instead of a 429.
    let mut held = 0;
    for _ in 0..10 {
        match c.ping().await {
            Ok(_) => {}
            Err(Error::WaitTooLong { .. }) => held += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(held > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_to_one_host_keep_one_pace_across_every_client_of_the_process() {
    use aster::ws::{WsClient, WsConfig};
    let sb = sandbox().await;
    // Two clients, one stream per connection, two connections a second each allowed.
    let config = WsConfig { max_streams_per_connection: 1, max_connects_per_second: 2, ..WsConfig::default() };
    let clients = [WsClient::with_config(sb.ws_url(), config.clone()), WsClient::with_config(sb.ws_url(), config)];
    let streams = ["btcusdt@aggTrade", "ethusdt@aggTrade", "btcusdt@markPrice"];
    let mut subscribed = Vec::new();
    for ws in &clients {
        for s in streams {
            subscribed.push(ws.subscribe_raw(s).await.unwrap());
        }
    }
    // One pace for both: at two a second, six connections take 2.5 s; two independent
    // paces would have opened four in the first 0.6 s.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let early = clients.iter().map(WsClient::connects).sum::<u64>();
    assert!(early <= 3, "{early} connections in 1.2 s");
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    assert_eq!(clients.iter().map(WsClient::connects).sum::<u64>(), 6);
    for ws in &clients {
        ws.stop().await;
    }
}
