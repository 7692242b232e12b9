//! The V3 user data stream and V3 market streams against the sandbox's WebSocket side.

mod common;

use aster::v3::streams::{self, UserDataEvent};
use aster::v3::Client;
use aster::ws::{WsClient, WsConfig};
use aster::{OrderType, Side};
use aster_sandbox::{DEMO_SIGNER_KEY, DEMO_USER};
use common::{dec, next_ok, sandbox};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_user_data_stream_carries_fills_with_keys_signed_by_the_api_wallet() {
    let sb = sandbox().await;
    let rest = Client::builder().base_url(sb.base_url()).user(DEMO_USER).private_key(DEMO_SIGNER_KEY).build().unwrap();
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
            UserDataEvent::AccountUpdate(_) => saw_account = true,
            _ => {}
        }
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let renewed = sb.requests().iter().any(|(m, p)| m == "PUT" && p == "/fapi/v3/listenKey");
    assert!(renewed, "the key was renewed through V3");
    assert!(!sb.requests().iter().any(|(_, p)| p.starts_with("/fapi/v1/")), "nothing went through V1");

    // Expiry: the event arrives and a new key is taken, again through V3.
    sb.expire_listen_keys();
    loop {
        if let UserDataEvent::ListenKeyExpired(_) = next_ok(&mut events).await {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let posts = sb.requests().iter().filter(|(m, p)| m == "POST" && p == "/fapi/v3/listenKey").count();
    assert!(posts >= 2, "a new key was created after expiry ({posts} creations)");
    ws.stop().await;
}

#[tokio::test]
async fn v3_announcement_events_decode() {
    let text = r#"{"e":"announcement","en":{"i":161,"t":"test","s":"sub","c":"NEW_LISTING","d":1781684565591,"S":false,"j":"https://example.invalid","C":"<p>x</p>"},"zh":{"i":161,"t":"t","c":"NEW_LISTING","d":1781684565591,"C":"y"}}"#;
    match serde_json::from_str::<UserDataEvent>(text).unwrap() {
        UserDataEvent::Announcement(a) => {
            let en = a.en.unwrap();
            assert_eq!((en.id, en.category.as_str(), en.read), (161, "NEW_LISTING", Some(false)));
        }
        other => panic!("decoded as {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v3_market_stream_helpers_subscribe() {
    let sb = sandbox().await;
    let _mover = common::keep_moving(&sb);
    let ws = WsClient::new(sb.ws_url());
    let mut trades = ws.subscribe(streams::agg_trade("BTCUSDT")).await.unwrap();
    let mut marks = ws.subscribe(streams::mark_price("BTCUSDT", aster::MarkPriceSpeed::Every1s)).await.unwrap();
    assert_eq!(next_ok(&mut trades).await.symbol, "BTCUSDT");
    assert!(next_ok(&mut marks).await.mark_price > dec("0"));
    ws.stop().await;
}
