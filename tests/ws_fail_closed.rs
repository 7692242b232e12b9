//! Success is recognised on WebSocket too: control replies in every refusal shape, refused
//! handshakes, the last drops of a burst, and a listen key that dies on any path — each
//! fault made by a sandbox knob.

mod common;

use aster::streams::UserDataEvent;
use aster::ws::{EventStream, WsClient, WsConfig, WsError};
use aster::{OrderType, Side};
use aster_sandbox::Fault;
use common::{dec, fast_ws as fast, keep_moving, next_item, sandbox, signed, until_error, WAIT};
use std::time::Duration;

const REFUSALS: [&str; 3] = [
    r#"{"code":2,"msg":"Invalid request","id":{id}}"#,
    r#"{"error":{"code":2,"msg":"Invalid request"},"id":{id}}"#,
    r#"{"id":{id},"error":{"msg":"Invalid request","code":2}}"#,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_subscribe_is_an_error_in_every_shape_and_is_not_asked_for_again() {
    let sb = sandbox().await;
    let _mover = keep_moving(&sb);
    let ws = WsClient::with_config(sb.ws_url(), fast());
    // The first stream opens the connection; later ones are SUBSCRIBEd on it.
    let mut trades = ws.subscribe_raw("btcusdt@aggTrade").await.unwrap();
    assert!(next_item(&mut trades).await.is_ok());
    for shape in REFUSALS.into_iter().chain([
        // No id: it cannot be told which request was refused, so every pending one fails.
        r#"{"code":2,"msg":"Invalid request"}"#,
        // No error, but no success either: a reply without `result`.
        r#"{"id":{id}}"#,
    ]) {
        sb.answer_ws_control("SUBSCRIBE", Some(shape));
        let e = ws.subscribe_raw("btcusdt@markPrice").await.unwrap_err();
        assert!(e.to_string().contains("refused") || e.to_string().contains("not a success"), "{shape}: {e}");
    }
    sb.answer_ws_control("SUBSCRIBE", None);
    assert_eq!(ws.list_subscriptions().await.unwrap(), vec!["btcusdt@aggTrade".to_string()]);
    // The names were let go: the same stream subscribes cleanly afterwards.
    let mut mark = ws.subscribe_raw("btcusdt@markPrice").await.unwrap();
    assert!(next_item(&mut mark).await.is_ok());
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_subscriptions_is_ok_only_for_a_list_of_names() {
    let sb = sandbox().await;
    let ws = WsClient::with_config(sb.ws_url(), fast());
    let _book = ws.subscribe_raw("btcusdt@bookTicker").await.unwrap();
    // The connection is up once it answers.
    let mut listed = None;
    for _ in 0..50 {
        if let Ok(names) = ws.list_subscriptions().await {
            listed = Some(names);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(listed.expect("the connection answers"), vec!["btcusdt@bookTicker".to_string()]);
    for shape in
        REFUSALS.into_iter().chain([r#"{"result":null,"id":{id}}"#, r#"{"id":{id}}"#, r#"{"result":[1],"id":{id}}"#])
    {
        sb.answer_ws_control("LIST_SUBSCRIPTIONS", Some(shape));
        let e = ws.list_subscriptions().await.unwrap_err();
        assert!(matches!(e, aster::Error::WebSocket(_)), "{shape}: {e}");
    }
    sb.answer_ws_control("GET_PROPERTY", Some(r#"{"result":null,"id":{id}}"#));
    assert!(ws.get_property("combined").await.is_err(), "a property read that says nothing");
    sb.answer_ws_control("SET_PROPERTY", Some(REFUSALS[1]));
    assert!(ws.set_property("combined", serde_json::json!(true)).await.is_err());
    sb.answer_ws_control("UNSUBSCRIBE", Some(r#"{"error":{"code":2,"msg":"Invalid request"},"id":{id}}"#));
    assert!(ws.unsubscribe("btcusdt@bookTicker").await.is_err());
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_handshake_ends_the_stream_instead_of_retrying() {
    let sb = sandbox().await;
    let ws = WsClient::with_config(sb.ws_url(), fast());
    // The exchange answers a misspelt stream name with 400 at the handshake.
    let mut typo = ws.subscribe_raw("btcusdt@bookTickr").await.unwrap();
    let e = next_item(&mut typo).await.unwrap_err();
    assert!(matches!(&e, WsError::Ended(why) if why.contains("400") && why.contains("btcusdt@bookTickr")), "{e}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(ws.connects(), 1, "asked once, not again");

    // A refusal of every handshake (403) ends the stream too; a 429 is retried.
    sb.refuse_ws_handshakes(Some(403));
    let mut refused = ws.subscribe_raw("btcusdt@aggTrade").await.unwrap();
    assert!(matches!(next_item(&mut refused).await, Err(WsError::Ended(why)) if why.contains("403")));
    sb.refuse_ws_handshakes(Some(429));
    let mut limited = ws.subscribe_raw("btcusdt@aggTrade").await.unwrap();
    assert!(matches!(next_item(&mut limited).await, Err(WsError::Reconnecting(_))));
    sb.refuse_ws_handshakes(None);
    let back = until_error(&mut limited, |e| matches!(e, WsError::Resumed(_))).await;
    assert!(matches!(back, WsError::Resumed(_)));
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_drops_of_a_burst_are_told_without_waiting_for_another_message() {
    let sb = sandbox().await;
    let ws = WsClient::with_config(sb.ws_url(), WsConfig { buffer: 8, ..fast() });
    // A symbol the sandbox quotes but nobody trades: only the burst is on this stream.
    let name = "bnbusdt@bookTicker";
    let mut stream = ws.subscribe_raw(name).await.unwrap();
    while sb.ws_subscribers().get(name).copied().unwrap_or(0) == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    const SENT: u64 = 5_000;
    let payload = r#"{"e":"bookTicker","u":1,"s":"BNBUSDT","b":"1","B":"1","a":"2","A":"1","T":1,"E":1}"#;
    sb.blast(name, payload, SENT as usize).await;
    // Let the whole burst reach the client while nobody reads: it ends in drops.
    tokio::time::sleep(Duration::from_millis(700)).await;
    // Nothing read during the burst; afterwards every message is either delivered or
    // counted as dropped, the last drops included, with no later message to carry them.
    // (The sandbox may add a quote of its own now and then: only the burst is counted
    // delivered, while a drop may be of either.)
    let (mut delivered, mut dropped) = (0u64, 0u64);
    while delivered + dropped < SENT {
        match next_item(&mut stream).await {
            Ok(text) => delivered += u64::from(text == payload),
            Err(WsError::Lagged(n)) => dropped += n,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(dropped > SENT / 2, "the buffer of 8 was overrun: {dropped} dropped");
    ws.stop().await;
}

/// Waits for an event matching `want`, skipping everything else, within `WAIT` in all.
async fn until_event(events: &mut EventStream<UserDataEvent>, want: impl Fn(&UserDataEvent) -> bool) {
    let search = async {
        loop {
            if let Ok(e) = next_item(events).await {
                if want(&e) {
                    return;
                }
            }
        }
    };
    tokio::time::timeout(WAIT, search).await.expect("the awaited event in time")
}

/// After a dead key: a gap announced, a snapshot, and the new key's events.
async fn resynced(sb: &aster_sandbox::Sandbox, rest: &aster::Client, events: &mut EventStream<UserDataEvent>) {
    let e = until_error(events, |e| matches!(e, WsError::Resumed(_))).await;
    assert!(e.to_string().contains("missing"), "the gap is announced: {e}");
    until_event(events, |e| matches!(e, UserDataEvent::AccountSnapshot(_))).await;
    let id = format!("after-{}", sb.request_count());
    rest.new_order("BTCUSDT", Side::Buy, OrderType::Market)
        .quantity(dec("0.001"))
        .new_client_order_id(&id)
        .await
        .unwrap();
    until_event(events, |e| matches!(e, UserDataEvent::OrderTradeUpdate(o) if o.order.client_order_id == id)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listen_key_that_expires_during_a_rollover_is_replaced_and_resynced() {
    let sb = sandbox().await;
    let rest = signed(&sb);
    let cfg = WsConfig { max_connection_age: Duration::from_millis(700), ..fast() };
    let ws = WsClient::with_config(sb.ws_url(), cfg);
    let mut events = ws.user_data(&rest).await.unwrap();
    let old_key = rest.new_listen_key().await.unwrap().listen_key;
    // The replacement socket is open beside the old one.
    while sb.ws_connections_opened() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    sb.expire_listen_keys();
    until_event(&mut events, |e| matches!(e, UserDataEvent::ListenKeyExpired(_))).await;
    let e = until_error(&mut events, |e| matches!(e, WsError::Reconnecting(_))).await;
    assert!(e.to_string().contains("expired"), "{e}");
    resynced(&sb, &rest, &mut events).await;
    assert_ne!(rest.new_listen_key().await.unwrap().listen_key, old_key, "a new key is in use");
    let opened = sb.ws_connections_opened();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(sb.ws_connections_opened() - opened <= 3, "rollovers at the age cut only, no storm on a dead key");
    ws.stop().await;
}

/// The key dies quietly for the socket in use (it just stops carrying events) and only the
/// replacement opened at the age cut is told: the client must not keep dialling the dead
/// key, but get a new one and resync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listen_key_found_dead_by_the_replacement_socket_is_replaced_and_resynced() {
    let sb = sandbox().await;
    sb.set_ws_accept_dead_keys(true);
    let rest = signed(&sb);
    let cfg = WsConfig { max_connection_age: Duration::from_millis(700), ..fast() };
    let ws = WsClient::with_config(sb.ws_url(), cfg);
    let mut events = ws.user_data(&rest).await.unwrap();
    sb.expire_listen_keys_quietly();
    let opened = sb.ws_connections_opened();
    until_event(&mut events, |e| matches!(e, UserDataEvent::ListenKeyExpired(_))).await;
    let e = until_error(&mut events, |e| matches!(e, WsError::Reconnecting(_))).await;
    assert!(e.to_string().contains("expired"), "{e}");
    resynced(&sb, &rest, &mut events).await;
    // One replacement found the key dead, then one socket on the new key (and its own
    // rollovers): no storm of sockets on the dead key.
    assert!(sb.ws_connections_opened() - opened <= 5, "{} sockets", sb.ws_connections_opened() - opened);
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keepalive_answered_no_such_key_makes_a_new_key_and_resyncs() {
    let sb = sandbox().await;
    let rest = signed(&sb);
    // The sandbox's own word for an unknown key is the exchange's.
    assert_eq!(rest.renew_listen_key().listen_key("nope").await.unwrap_err().error_code(), Some(-1125));
    let cfg = WsConfig { listen_key_renewal: Duration::from_millis(300), ..fast() };
    let ws = WsClient::with_config(sb.ws_url(), cfg);
    let mut events = ws.user_data(&rest).await.unwrap();
    let gone = r#"{"code":-1125,"msg":"This listenKey does not exist."}"#;
    sb.inject(Some("/fapi/v1/listenKey"), Fault::Reply { status: 400, body: gone.into() }, 1);
    let e = until_error(&mut events, |e| matches!(e, WsError::KeepaliveFailed(_))).await;
    assert!(e.to_string().contains("-1125"), "{e}");
    let e = until_error(&mut events, |e| matches!(e, WsError::Reconnecting(_))).await;
    assert!(e.to_string().contains("no longer exists"), "{e}");
    resynced(&sb, &rest, &mut events).await;
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_data_handshake_refused_twice_ends_the_stream() {
    let sb = sandbox().await;
    let rest = signed(&sb);
    let ws = WsClient::with_config(sb.ws_url(), fast());
    let mut events = ws.user_data(&rest).await.unwrap();
    sb.refuse_ws_handshakes(Some(403));
    sb.drop_ws_connections();
    // Once with the old key, once with a fresh one: then it is an answer, not bad luck.
    let e = until_error(&mut events, |e| matches!(e, WsError::Ended(_))).await;
    assert!(e.to_string().contains("403"), "{e}");
    ws.stop().await;
}
