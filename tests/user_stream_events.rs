//! The account's events as a consumer of the user data stream sees them: each event tells
//! the order's state at that moment, and trailing stops carry their parameters.

mod common;

use aster::streams::UserDataEvent;
use aster::ws::{WsClient, WsError};
use aster::{ExecutionType, OrderStatus, OrderType, Side};
use common::{dec, sandbox, signed};
use futures_util::StreamExt;
use std::time::Duration;

async fn next_order(events: &mut aster::ws::EventStream<UserDataEvent>) -> aster::models::OrderUpdate {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), events.next()).await.unwrap().unwrap() {
            Ok(UserDataEvent::OrderTradeUpdate(o)) => return o.order,
            Ok(_) | Err(WsError::Lagged(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_market_order_is_new_first_then_filled() {
    let sb = sandbox().await;
    let rest = signed(&sb);
    let ws = WsClient::new(sb.ws_url());
    let mut events = ws.user_data(&rest).await.unwrap();
    rest.new_order("BTCUSDT", Side::Buy, OrderType::Market).quantity(dec("0.002")).await.unwrap();
    let new = next_order(&mut events).await;
    assert_eq!((new.execution_type, new.status, new.filled_qty), (ExecutionType::New, OrderStatus::New, dec("0")));
    let mut last = next_order(&mut events).await;
    while last.status != OrderStatus::Filled {
        assert_eq!(last.execution_type, ExecutionType::Trade);
        last = next_order(&mut events).await;
    }
    assert_eq!(last.filled_qty, dec("0.002"));
    ws.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trailing_stop_event_carries_its_activation_price_and_callback_rate() {
    let sb = sandbox().await;
    let rest = signed(&sb);
    let ws = WsClient::new(sb.ws_url());
    let mut events = ws.user_data(&rest).await.unwrap();
    let ask = rest.depth("BTCUSDT").limit(5).await.unwrap().asks[0].price;
    let activation = (ask * dec("1.05")).round_dp(1);
    rest.new_order("BTCUSDT", Side::Sell, OrderType::TrailingStopMarket)
        .quantity(dec("0.002"))
        .activation_price(activation)
        .callback_rate(dec("1.5"))
        .await
        .unwrap();
    let new = next_order(&mut events).await;
    assert_eq!((new.activation_price, new.callback_rate), (Some(activation), Some(dec("1.5"))));
    ws.stop().await;
}
