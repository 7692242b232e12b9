//! The stream client under the faults of a hostile network, one sandbox knob each.

mod common;

use aster::streams;
use aster::ws::{EventStream, WsClient, WsConfig, WsError};
use aster::{DepthLevels, DepthSpeed, OrderType, Side};
use common::{dec, keep_moving, next_item, sandbox, signed, until_error, WAIT};
use futures_util::StreamExt;
use std::time::{Duration, Instant};

async fn next_data<T>(s: &mut EventStream<T>) -> T {
    loop {
        if let Ok(v) = next_item(s).await {
            return v;
        }
    }
}

fn fast() -> WsConfig {
    WsConfig {
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(400),
        control_timeout: Duration::from_millis(500),
        ..WsConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_accepts_and_drops_is_not_hammered() {
    let sb = sandbox().await;
    sb.set_ws_close_on_open(true);
    let ws = WsClient::with_config(sb.ws_url(), WsConfig { max_backoff: Duration::from_secs(1), ..fast() });
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    let started = Instant::now();
    let mut reports = 0;
    while started.elapsed() < Duration::from_secs(3) {
        if let Ok(Some(Err(WsError::Reconnecting(_)))) =
            tokio::time::timeout(Duration::from_millis(200), book.next()).await
        {
            reports += 1;
        }
    }
    let opened = sb.ws_connections_opened();
    // Unthrottled this was ~30 a second; backoff (reset only by a healthy connection)
    // and the connect ceiling keep it to a handful.
    assert!(opened <= 15, "{opened} connections in 3 s");
    assert!(reports >= 2, "every drop is reported ({reports})");
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_connect_that_fails_is_an_item_not_silence() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let ws = WsClient::with_config(format!("ws://127.0.0.1:{port}"), fast());
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    let e = next_item(&mut book).await.unwrap_err();
    assert!(matches!(&e, WsError::Reconnecting(why) if why.contains("cannot connect")), "{e}");
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unanswered_control_requests_time_out_without_blocking_the_client() {
    let sb = sandbox().await;
    let _mover = keep_moving(&sb);
    let ws = WsClient::with_config(sb.ws_url(), fast());
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    next_data(&mut book).await;
    sb.set_ws_ignore_control(true);
    let started = Instant::now();
    let (sub, count) = tokio::join!(ws.subscribe(streams::agg_trade("BTCUSDT")), async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let at = Instant::now();
        (ws.connection_count().await, at.elapsed())
    });
    let e = sub.unwrap_err();
    assert!(e.to_string().contains("no reply to SUBSCRIBE"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(count.0, 1);
    assert!(count.1 < Duration::from_millis(200), "connection_count waited {:?}", count.1);
    assert!(ws.list_subscriptions().await.is_err());
    let stopping = Instant::now();
    ws.stop().await;
    assert!(stopping.elapsed() < Duration::from_secs(2), "stop took {:?}", stopping.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_frames_are_surfaced() {
    let sb = sandbox().await;
    let _mover = keep_moving(&sb);
    let ws = WsClient::with_config(sb.ws_url(), fast());
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    next_data(&mut book).await;
    sb.send_binary_ws_frame();
    let e = until_error(&mut book, |e| matches!(e, WsError::Decode { .. })).await;
    assert!(matches!(&e, WsError::Decode { raw, .. } if raw.contains("binary frame of 4 bytes")), "{e}");
    next_data(&mut book).await;
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_open_connection_is_detected_by_the_heartbeat_and_replaced() {
    let sb = sandbox().await;
    let _mover = keep_moving(&sb);
    let cfg = WsConfig {
        heartbeat_interval: Duration::from_millis(300),
        heartbeat_timeout: Duration::from_millis(300),
        ..fast()
    };
    let ws = WsClient::with_config(sb.ws_url(), cfg);
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    next_data(&mut book).await;
    sb.set_ws_half_open(true);
    let e = until_error(&mut book, |e| matches!(e, WsError::Reconnecting(_))).await;
    assert!(e.to_string().contains("no pong"), "{e}");
    sb.set_ws_half_open(false);
    until_error(&mut book, |e| matches!(e, WsError::Resumed(_))).await;
    next_data(&mut book).await;
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribing_while_reconnecting_is_kept_and_applied() {
    let sb = sandbox().await;
    let _mover = keep_moving(&sb);
    let ws = WsClient::with_config(sb.ws_url(), fast());
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    next_data(&mut book).await;
    sb.set_ws_close_on_open(true);
    sb.drop_ws_connections();
    until_error(&mut book, |e| matches!(e, WsError::Reconnecting(_))).await;
    let mut agg = tokio::time::timeout(WAIT, ws.subscribe(streams::agg_trade("BTCUSDT"))).await.unwrap().unwrap();
    sb.set_ws_close_on_open(false);
    assert_eq!(next_data(&mut agg).await.symbol, "BTCUSDT");
    next_data(&mut book).await;
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_last_stream_unsubscribes_it() {
    let sb = sandbox().await;
    let _mover = keep_moving(&sb);
    let ws = WsClient::with_config(sb.ws_url(), fast());
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    let agg = ws.subscribe(streams::agg_trade("BTCUSDT")).await.unwrap();
    next_data(&mut book).await;
    drop(agg);
    let deadline = Instant::now() + WAIT;
    while sb.ws_subscribers().contains_key("btcusdt@aggTrade") {
        assert!(Instant::now() < deadline, "still subscribed: {:?}", sb.ws_subscribers());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sb.ws_subscribers().get("btcusdt@bookTicker"), Some(&1));
    next_data(&mut book).await;
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_every_handle_stops_every_connection() {
    let sb = sandbox().await;
    let _mover = keep_moving(&sb);
    let ws = WsClient::with_config(sb.ws_url(), fast());
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    next_data(&mut book).await;
    drop(ws);
    until_error(&mut book, |e| matches!(e, WsError::Ended(_))).await;
    let deadline = Instant::now() + WAIT;
    while !sb.ws_subscribers().is_empty() {
        assert!(Instant::now() < deadline, "connections left: {:?}", sb.ws_subscribers());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reader_is_bounded_in_bytes_and_told_it_lagged() {
    let sb = sandbox().await;
    let _mover = keep_moving(&sb);
    let cfg = WsConfig { buffer_bytes: 4 * 1024, ..fast() };
    let ws = WsClient::with_config(sb.ws_url(), cfg);
    let mut depth =
        ws.subscribe(streams::partial_book_depth("BTCUSDT", DepthLevels::Levels20, DepthSpeed::Ms100)).await.unwrap();
    next_data(&mut depth).await;
    // Not reading while a few kilobytes' worth of books arrive.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let e = until_error(&mut depth, |e| matches!(e, WsError::Lagged(_))).await;
    assert!(matches!(e, WsError::Lagged(n) if n > 0));
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_data_stream_announces_its_gaps_and_ignores_look_alike_ids() {
    use aster::streams::UserDataEvent;
    let sb = sandbox().await;
    let rest = signed(&sb);
    let ws = WsClient::with_config(sb.ws_url(), fast());
    let mut events = ws.user_data(&rest).await.unwrap();

    // A client order id that reads like the expiry event is just an order.
    rest.new_order("BTCUSDT", Side::Buy, OrderType::Market)
        .quantity(dec("0.002"))
        .new_client_order_id("listenKeyExpired")
        .await
        .unwrap();
    loop {
        match next_item(&mut events).await {
            Ok(UserDataEvent::OrderTradeUpdate(o)) if o.order.client_order_id == "listenKeyExpired" => break,
            Ok(_) => {}
            Err(e) => panic!("no reconnect expected: {e}"),
        }
    }

    sb.drop_ws_connections();
    let e = until_error(&mut events, |e| matches!(e, WsError::Reconnecting(_))).await;
    assert!(matches!(e, WsError::Reconnecting(_)));
    let e = until_error(&mut events, |e| matches!(e, WsError::Resumed(_))).await;
    assert!(e.to_string().contains("reconcile"), "{e}");
    // Then the account as REST sees it, to reconcile the gap.
    match next_item(&mut events).await {
        Ok(UserDataEvent::AccountSnapshot(s)) => {
            let btc = s.positions.iter().find(|p| p.symbol == "BTCUSDT").expect("the BTCUSDT position");
            assert_eq!(btc.position_amt, dec("0.002"));
            assert!(s.balances.iter().any(|b| b.asset == "USDT"));
            assert!(s.open_orders.is_empty());
        }
        other => panic!("expected the account snapshot, got {other:?}"),
    }
    rest.new_order("BTCUSDT", Side::Sell, OrderType::Market).quantity(dec("0.002")).await.unwrap();
    loop {
        if let Ok(UserDataEvent::OrderTradeUpdate(_)) = next_item(&mut events).await {
            break;
        }
    }
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_keepalive_is_reported_and_events_keep_flowing() {
    use aster::streams::UserDataEvent;
    let sb = sandbox().await;
    let rest = signed(&sb);
    let ws = WsClient::with_config(sb.ws_url(), WsConfig { listen_key_renewal: Duration::from_millis(200), ..fast() });
    let mut events = ws.user_data(&rest).await.unwrap();
    sb.inject(Some("/fapi/v1/listenKey"), aster_sandbox::Fault::ServerError(500), 1);
    let e = until_error(&mut events, |e| matches!(e, WsError::KeepaliveFailed(_))).await;
    assert!(e.to_string().contains("keepalive"), "{e}");
    rest.new_order("BTCUSDT", Side::Buy, OrderType::Market).quantity(dec("0.002")).await.unwrap();
    loop {
        if let Ok(UserDataEvent::OrderTradeUpdate(_)) = next_item(&mut events).await {
            break;
        }
    }
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_data_stream_rolls_over_before_the_age_cut_without_gap_or_duplicate() {
    use aster::streams::UserDataEvent;
    use std::collections::BTreeMap;
    let sb = sandbox().await;
    // The server cuts at 1.5 s; the client replaces its socket at 0.5 s.
    sb.set_ws_max_age(Duration::from_millis(1500));
    let rest = signed(&sb);
    let cfg = WsConfig { max_connection_age: Duration::from_millis(500), ..fast() };
    let ws = WsClient::with_config(sb.ws_url(), cfg);
    let mut events = ws.user_data(&rest).await.unwrap();
    let bid = rest.depth("BTCUSDT").limit(5).await.unwrap().bids[0].price;
    let price = (bid * dec("0.9")).round_dp(1);
    let placing = {
        let rest = rest.clone();
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..30 {
                let o = rest
                    .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
                    .time_in_force(aster::TimeInForce::Gtc)
                    .quantity(dec("0.002"))
                    .price(price)
                    .await
                    .unwrap();
                ids.push(o.order_id);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            ids
        })
    };
    let mut seen: BTreeMap<i64, usize> = BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(6);
    while Instant::now() < deadline && seen.len() < 30 {
        match tokio::time::timeout(Duration::from_millis(500), events.next()).await {
            Ok(Some(Ok(UserDataEvent::OrderTradeUpdate(o)))) if o.order.execution_type == aster::ExecutionType::New => {
                *seen.entry(o.order.order_id).or_default() += 1;
            }
            Ok(Some(Err(e))) => panic!("no gap expected during rollover: {e}"),
            _ => {}
        }
    }
    let ids = placing.await.unwrap();
    assert!(ws.connects() >= 4, "the socket was replaced several times ({})", ws.connects());
    for id in ids {
        assert_eq!(seen.get(&id), Some(&1), "order {id}: {seen:?}");
    }
    ws.stop().await;
}
