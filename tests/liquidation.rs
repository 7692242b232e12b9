//! A position whose margin runs out: MARGIN_CALL first, then the forced close, the public
//! forceOrder streams, and `force_orders` listing it.

mod common;

use aster::streams::{self, UserDataEvent};
use aster::ws::{WsClient, WsError};
use aster::{ExecutionType, OrderType, Side};
use common::{dec, sandbox, signed};
use futures_util::StreamExt;
use std::time::Duration;

async fn next<T>(s: &mut aster::ws::EventStream<T>) -> Result<T, WsError> {
    tokio::time::timeout(Duration::from_secs(10), s.next()).await.expect("an item in time").expect("goes on")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_position_past_its_liquidation_price_is_closed_with_a_forced_order() {
    let sb = sandbox().await;
    let rest = signed(&sb);
    rest.change_margin_type("BTCUSDT", aster::MarginType::Isolated).await.unwrap();
    rest.change_leverage("BTCUSDT", 50).await.unwrap();
    let ws = WsClient::new(sb.ws_url());
    let mut events = ws.user_data(&rest).await.unwrap();
    let mut forced = ws.subscribe(streams::liquidation_order("BTCUSDT")).await.unwrap();
    let mut all_forced = ws.subscribe(streams::all_liquidation_order()).await.unwrap();

    rest.new_order("BTCUSDT", Side::Buy, OrderType::Market).quantity(dec("0.5")).await.unwrap();
    let risk = rest.get_position_risk().symbol("BTCUSDT").await.unwrap();
    let liq = risk[0].liquidation_price;
    assert!(liq > dec("0") && liq < risk[0].entry_price, "{risk:?}");
    // Let the streams take their baseline, then crash the price through the liquidation price.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sb.set_price("BTCUSDT", (liq * dec("0.99")).round_dp(1));

    let mut margin_call_first = None;
    loop {
        match next(&mut events).await {
            Ok(UserDataEvent::MarginCall(m)) => {
                margin_call_first.get_or_insert(true);
                assert_eq!(m.positions[0].symbol, "BTCUSDT");
                assert_eq!(m.positions[0].position_amt, dec("0.5"));
            }
            Ok(UserDataEvent::OrderTradeUpdate(o)) if o.order.client_order_id.starts_with("autoclose-") => {
                assert_eq!(margin_call_first, Some(true), "MARGIN_CALL comes before the forced order");
                if o.order.execution_type == ExecutionType::Trade && o.order.status == aster::OrderStatus::Filled {
                    break;
                }
            }
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
    let risk = rest.get_position_risk().symbol("BTCUSDT").await.unwrap();
    assert_eq!(risk[0].position_amt, dec("0"), "the position is closed");
    let listed = rest.force_orders().symbol("BTCUSDT").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].client_order_id.starts_with("autoclose-"));
    let ev = loop {
        if let Ok(ev) = next(&mut forced).await {
            break ev;
        }
    };
    assert_eq!((ev.order.symbol.as_str(), ev.order.side, ev.order.orig_qty), ("BTCUSDT", Side::Sell, dec("0.5")));
    loop {
        if let Ok(ev) = next(&mut all_forced).await {
            assert_eq!(ev.order.symbol, "BTCUSDT");
            break;
        }
    }
    ws.stop().await;
}
