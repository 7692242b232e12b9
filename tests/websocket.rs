//! The WebSocket client against the sandbox's streams over loopback.

mod common;
use aster::streams::{self, UserDataEvent};
use aster::ws::{WsClient, WsConfig, WsError};
use aster::{DepthLevels, DepthSpeed, KlineInterval, MarkPriceSpeed, OrderType, Side, TimeInForce};
use aster_sandbox::{SandboxConfig, SymbolConfig};
use common::*;
use futures_util::StreamExt;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_stream_family_subscribes_and_decodes() {
    let sb = sandbox().await;
    let mover = keep_moving(&sb);
    let ws = WsClient::new(sb.ws_url());
    let mut agg = ws.subscribe(streams::agg_trade("BTCUSDT")).await.unwrap();
    let mut mark = ws.subscribe(streams::mark_price("BTCUSDT", MarkPriceSpeed::Every1s)).await.unwrap();
    let mut all_mark = ws.subscribe(streams::all_mark_price(MarkPriceSpeed::Every1s)).await.unwrap();
    let mut kline = ws.subscribe(streams::kline("BTCUSDT", KlineInterval::Minute1)).await.unwrap();
    let mut mini = ws.subscribe(streams::mini_ticker("BTCUSDT")).await.unwrap();
    let mut all_mini = ws.subscribe(streams::all_mini_ticker()).await.unwrap();
    let mut ticker = ws.subscribe(streams::ticker("BTCUSDT")).await.unwrap();
    let mut all_ticker = ws.subscribe(streams::all_ticker()).await.unwrap();
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    let mut all_book = ws.subscribe(streams::all_book_ticker()).await.unwrap();
    let mut partial =
        ws.subscribe(streams::partial_book_depth("BTCUSDT", DepthLevels::Levels5, DepthSpeed::Ms100)).await.unwrap();
    let mut diff = ws.subscribe(streams::diff_book_depth("BTCUSDT", DepthSpeed::Ms100)).await.unwrap();
    let mut pro = ws.subscribe(streams::trade_pro("BTCUSDT")).await.unwrap();
    let _liquidations = ws.subscribe(streams::all_liquidation_order()).await.unwrap();

    assert_eq!(next_ok(&mut agg).await.symbol, "BTCUSDT");
    assert!(next_ok(&mut mark).await.mark_price > aster::Decimal::ZERO);
    assert_eq!(next_ok(&mut all_mark).await.len(), 3);
    assert_eq!(next_ok(&mut kline).await.kline.interval, KlineInterval::Minute1);
    assert!(next_ok(&mut mini).await.high >= aster::Decimal::ZERO);
    assert_eq!(next_ok(&mut all_mini).await.len(), 3);
    assert_eq!(next_ok(&mut ticker).await.symbol, "BTCUSDT");
    assert_eq!(next_ok(&mut all_ticker).await.len(), 3);
    let b = next_ok(&mut book).await;
    assert!(b.bid_price < b.ask_price);
    assert!(!next_ok(&mut all_book).await.symbol.is_empty());
    assert!(next_ok(&mut partial).await.bids.len() <= 5);
    let d = next_ok(&mut diff).await;
    assert!(d.first_update_id <= d.final_update_id);
    assert_eq!(next_ok(&mut pro).await.symbol, "BTCUSDT");
    assert_eq!(ws.connection_count().await, 1);
    ws.stop().await;
    // What was already buffered still arrives, then the stream says why it ended.
    loop {
        match tokio::time::timeout(WAIT, agg.next()).await.unwrap() {
            Some(Ok(_)) => {}
            Some(Err(WsError::Ended(why))) => {
                assert!(why.contains("stopped"));
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(agg.next().await.is_none());
    mover.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_stream_reports_fills_and_survives_key_expiry() {
    let sb = sandbox().await;
    let rest = signed(&sb);
    let cfg = WsConfig { listen_key_renewal: Duration::from_millis(300), ..WsConfig::default() };
    let ws = WsClient::with_config(sb.ws_url(), cfg);
    let mut events = ws.user_data(&rest).await.unwrap();
    rest.new_order("BTCUSDT", Side::Buy, OrderType::Market).quantity(dec("0.002")).await.unwrap();
    let (mut saw_trade, mut saw_account) = (false, false);
    while !(saw_trade && saw_account) {
        match next_ok(&mut events).await {
            UserDataEvent::OrderTradeUpdate(o) if o.order.execution_type == aster::ExecutionType::Trade => {
                assert_eq!(o.order.filled_qty, dec("0.002"));
                saw_trade = true;
            }
            UserDataEvent::AccountUpdate(a) => {
                assert_eq!(a.update.positions.unwrap()[0].position_amt, dec("0.002"));
                saw_account = true;
            }
            _ => {}
        }
    }
    // Renewal runs on its timer.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(sb.requests().iter().any(|(m, p)| m == "PUT" && p == "/fapi/v1/listenKey"), "the key was renewed");

    // Expiry: the event arrives, a new key is taken, and events flow again.
    let posts_before = sb.requests().iter().filter(|(m, p)| m == "POST" && p == "/fapi/v1/listenKey").count();
    sb.expire_listen_keys();
    loop {
        if let UserDataEvent::ListenKeyExpired(_) = next_ok(&mut events).await {
            break;
        }
    }
    // Events flow again on the new key: retry the trigger while the reconnect completes.
    let mut recovered = false;
    for leverage in 2..12u32 {
        rest.change_leverage("BTCUSDT", leverage).await.unwrap();
        let got = tokio::time::timeout(Duration::from_secs(1), async {
            loop {
                if let Some(Ok(UserDataEvent::AccountConfigUpdate(c))) = events.next().await {
                    return c.leverage_update.map(|l| l.leverage);
                }
            }
        })
        .await;
        if let Ok(Some(l)) = got {
            assert!(l as u32 <= leverage);
            recovered = true;
            break;
        }
    }
    assert!(recovered, "events resumed after the key expired");
    let posts_after = sb.requests().iter().filter(|(m, p)| m == "POST" && p == "/fapi/v1/listenKey").count();
    assert!(posts_after > posts_before, "a new listen key was created");
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_resumes_after_a_server_side_drop_without_duplicate_subscriptions() {
    let sb = sandbox().await;
    let mover = keep_moving(&sb);
    let ws = WsClient::new(sb.ws_url());
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    let mut agg = ws.subscribe(streams::agg_trade("BTCUSDT")).await.unwrap();
    next_ok(&mut book).await;
    next_ok(&mut agg).await;
    sb.drop_ws_connections();
    // The drop and the recovery each arrive as an item, in that order, before data resumes.
    let (mut saw_reconnect, mut saw_resumed) = (false, false);
    loop {
        match tokio::time::timeout(WAIT, book.next()).await.unwrap() {
            Some(Err(WsError::Reconnecting(_))) => saw_reconnect = true,
            Some(Err(WsError::Resumed(_))) if saw_reconnect => saw_resumed = true,
            Some(Ok(_)) if saw_resumed => break,
            Some(Ok(_)) => assert!(!saw_reconnect, "data after the drop before Resumed"),
            other => panic!("{other:?}"),
        }
    }
    next_ok(&mut agg).await;
    // One connection, and the server holds each stream once.
    assert_eq!(ws.connection_count().await, 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let subs = sb.ws_subscribers();
    assert_eq!((subs.get("btcusdt@bookTicker"), subs.get("btcusdt@aggTrade")), (Some(&1), Some(&1)), "{subs:?}");
    mover.abort();
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_past_200_go_to_a_second_connection_within_the_control_rate() {
    let symbols: Vec<SymbolConfig> =
        (0..10).map(|i| SymbolConfig::new(&format!("S{i}USDT"), "100.00", "0.01", "0.01")).collect();
    let sb = sandbox_with(SandboxConfig { symbols: symbols.clone(), ..Default::default() }).await;
    let mut names = Vec::new();
    for s in &symbols {
        let sym = s.symbol.as_str();
        for i in KlineInterval::ALL {
            names.push(streams::kline(sym, i.clone()).name().to_string());
        }
        for l in DepthLevels::ALL {
            for sp in DepthSpeed::ALL {
                names.push(streams::partial_book_depth(sym, l.clone(), sp.clone()).name().to_string());
            }
        }
        for sp in DepthSpeed::ALL {
            names.push(streams::diff_book_depth(sym, sp.clone()).name().to_string());
        }
    }
    names.truncate(250);
    assert_eq!(names.len(), 250);
    let ws = WsClient::new(sb.ws_url());
    // 150 on the first connection, then 100 more: 50 fill it up, 50 open a second.
    let first = ws.subscribe_raw_many(names[..150].to_vec()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let second = ws.subscribe_raw_many(names[150..].to_vec()).await.unwrap();
    assert_eq!((first.len(), second.len()), (150, 100));
    assert_eq!(ws.connection_count().await, 2);
    // A burst of single subscriptions is paced under 10 control messages a second.
    let ws2 = WsClient::new(sb.ws_url());
    let _seed = ws2.subscribe_raw(names[0].clone()).await.unwrap();
    let mut tasks = Vec::new();
    for n in names[1..25].iter().cloned() {
        let ws2 = ws2.clone();
        tasks.push(tokio::spawn(async move { ws2.subscribe_raw(n).await.map(|_| ()) }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let log = sb.ws_control_log();
    let mut by_conn: std::collections::BTreeMap<u64, Vec<i64>> = Default::default();
    for (c, t) in log {
        by_conn.entry(c).or_default().push(t);
    }
    let busiest = by_conn.values().map(|ts| ts.len()).max().unwrap();
    assert!(busiest >= 24, "the burst went out: {busiest}");
    for ts in by_conn.values() {
        for (i, t) in ts.iter().enumerate() {
            let in_window = ts[i..].iter().take_while(|u| **u < t + 1000).count();
            assert!(in_window <= 10, "{in_window} control messages within one second");
        }
    }
    ws.stop().await;
    ws2.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollover_keeps_a_sequenced_stream_gapless_and_without_duplicates() {
    let sb = sandbox().await;
    sb.set_ws_max_age(Duration::from_millis(2500));
    let mover = keep_moving(&sb);
    let cfg = WsConfig { max_connection_age: Duration::from_millis(800), ..WsConfig::default() };
    let ws = WsClient::with_config(sb.ws_url(), cfg);
    let mut diff = ws.subscribe(streams::diff_book_depth("BTCUSDT", DepthSpeed::Ms100)).await.unwrap();
    let mut last_u: Option<i64> = None;
    let mut count = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(4);
    while tokio::time::Instant::now() < deadline {
        let ev = next_ok(&mut diff).await;
        if let Some(u) = last_u {
            assert_eq!(ev.prev_final_update_id, u, "gap or duplicate: pu {} after u {u}", ev.prev_final_update_id);
        }
        last_u = Some(ev.final_update_id);
        count += 1;
    }
    assert!(count > 10, "{count} events");
    mover.abort();
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_frame_is_an_error_item_and_the_stream_goes_on() {
    let sb = sandbox().await;
    let mover = keep_moving(&sb);
    let ws = WsClient::new(sb.ws_url());
    let mut book = ws.subscribe(streams::book_ticker("BTCUSDT")).await.unwrap();
    next_ok(&mut book).await;
    sb.send_malformed_ws_frame();
    loop {
        match tokio::time::timeout(WAIT, book.next()).await.unwrap() {
            Some(Err(WsError::Decode { raw, .. })) => {
                assert!(raw.contains("not json"));
                break;
            }
            Some(Ok(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    next_ok(&mut book).await;
    mover.abort();
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_style_client_calls_back_with_raw_messages() {
    let sb = sandbox().await;
    let mover = keep_moving(&sb);
    let client = aster::ws::WebsocketClient::new(Some(&sb.ws_url()));
    client.start();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let cb: aster::ws::Callback = std::sync::Arc::new(move |m| {
        let _ = tx.send(m);
    });
    client.book_ticker(1, cb.clone(), Some("BTCUSDT")).await.unwrap();
    client.instant_subscribe(&["ethusdt@markPrice@1s"], cb).await.unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    while kinds.len() < 2 {
        let m = tokio::time::timeout(WAIT, rx.recv()).await.unwrap().unwrap();
        let v: serde_json::Value = serde_json::from_str(&m).unwrap();
        kinds.insert(v["e"].as_str().unwrap().to_string());
    }
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["bookTicker", "markPriceUpdate"]);
    client.stop().await;
    mover.abort();
}

#[tokio::test]
async fn resting_order_keeps_time_in_force() {
    // The REST order path used by the movers above still works with a GTC limit.
    let sb = sandbox().await;
    let c = signed(&sb);
    let o = c
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.001"))
        .price(dec("50000.0"))
        .await
        .unwrap();
    assert_eq!(o.time_in_force, TimeInForce::Gtc);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_requests_match_their_replies_and_surface_errors() {
    let sb = sandbox().await;
    let ws = WsClient::new(sb.ws_url());
    let _a = ws.subscribe_raw("btcusdt@aggTrade").await.unwrap();
    let mut b = ws.subscribe_raw("ethusdt@bookTicker").await.unwrap();
    assert_eq!(ws.list_subscriptions().await.unwrap(), ["btcusdt@aggTrade", "ethusdt@bookTicker"]);
    assert_eq!(ws.get_property("combined").await.unwrap(), serde_json::json!(true));
    ws.set_property("combined", serde_json::json!(true)).await.unwrap();
    let err = ws.get_property("colour").await.unwrap_err();
    assert!(err.to_string().contains("Unknown property"), "{err}");
    let err = ws.subscribe_raw("btcusdt@nonsense").await.unwrap_err();
    assert!(err.to_string().contains("code 2"), "{err}");
    ws.unsubscribe("ethusdt@bookTicker").await.unwrap();
    assert_eq!(ws.list_subscriptions().await.unwrap(), ["btcusdt@aggTrade"]);
    loop {
        match tokio::time::timeout(WAIT, b.next()).await.unwrap() {
            Some(Err(WsError::Ended(why))) => {
                assert!(why.contains("unsubscribed"));
                break;
            }
            Some(_) => {}
            None => panic!("ended without a reason"),
        }
    }
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_order_book_follows_the_documented_procedure_and_matches_rest() {
    let sb = sandbox().await;
    let mover = keep_moving(&sb);
    let rest = public(&sb);
    let ws = WsClient::new(sb.ws_url());
    let mut diff = ws.subscribe(streams::diff_book_depth("BTCUSDT", DepthSpeed::Ms100)).await.unwrap();
    let mut book = aster::ws::LocalOrderBook::new();
    // Buffer a first event, then the snapshot.
    book.apply(next_ok(&mut diff).await).unwrap();
    book.apply_snapshot(&rest.depth("BTCUSDT").limit(1000).await.unwrap()).unwrap();
    for _ in 0..15 {
        book.apply(next_ok(&mut diff).await).unwrap();
    }
    assert!(book.is_synced());
    mover.abort();
    // Quiet market: the last event and a fresh snapshot agree on the top of the book.
    tokio::time::sleep(Duration::from_millis(400)).await;
    while let Ok(Some(Ok(ev))) = tokio::time::timeout(Duration::from_millis(400), diff.next()).await {
        book.apply(ev).unwrap();
    }
    let snap = rest.depth("BTCUSDT").limit(5).await.unwrap();
    assert_eq!(book.best_bid(), Some((snap.bids[0].price, snap.bids[0].qty)));
    assert_eq!(book.best_ask(), Some((snap.asks[0].price, snap.asks[0].qty)));
    // A missed update is detected.
    let mut gap = next_or_fake(&book);
    gap.prev_final_update_id += 5;
    assert!(matches!(book.apply(gap), Err(aster::ws::Resync::Gap { .. })));
    assert!(!book.is_synced());
    ws.stop().await;
}

fn next_or_fake(book: &aster::ws::LocalOrderBook) -> aster::models::DepthUpdateEvent {
    let u = book.last_update_id().unwrap();
    serde_json::from_value(
        serde_json::json!({"e":"depthUpdate","E":0,"T":0,"s":"BTCUSDT","U":u + 1,"u":u + 1,"pu":u,"b":[],"a":[]}),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_that_falls_behind_is_told_how_much_it_missed() {
    let sb = sandbox().await;
    let ws = WsClient::with_config(sb.ws_url(), WsConfig { buffer: 8, ..WsConfig::default() });
    let name = "ethusdt@bookTicker";
    let mut s = ws.subscribe(streams::book_ticker("ETHUSDT")).await.unwrap();
    while !sb.ws_subscribers().contains_key(name) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let payload = r#"{"e":"bookTicker","u":1,"E":1,"T":1,"s":"ETHUSDT","b":"1","B":"1","a":"2","A":"1"}"#;
    sb.blast(name, payload, 500).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut received = 0;
    let mut missed = 0;
    // Drain what was kept, then more traffic brings the report.
    while missed == 0 {
        match tokio::time::timeout(Duration::from_millis(500), s.next()).await {
            Ok(Some(Ok(_))) => received += 1,
            Ok(Some(Err(WsError::Lagged(n)))) => missed = n,
            Ok(other) => panic!("{other:?}"),
            Err(_) => sb.blast(name, payload, 20).await,
        }
    }
    assert!(received >= 8, "the buffered messages arrive: {received}");
    assert!(missed > 400, "missed {missed}");
    assert!(received as u64 + missed >= 500);
    ws.stop().await;
}
