//! Stream names from the generated helpers, and typed decoding of stream and user-data
//! payloads with the same lenient rules as REST replies.

use aster::streams::{self, UserDataEvent};
use aster::{DepthLevels, DepthSpeed, KlineInterval, MarkPriceSpeed};

#[test]
fn stream_names_are_built_from_typed_params() {
    assert_eq!(streams::agg_trade("BTCUSDT").name(), "btcusdt@aggTrade");
    assert_eq!(streams::mark_price("BTCUSDT", MarkPriceSpeed::Every3s).name(), "btcusdt@markPrice");
    assert_eq!(streams::mark_price("BTCUSDT", MarkPriceSpeed::Every1s).name(), "btcusdt@markPrice@1s");
    assert_eq!(streams::all_mark_price(MarkPriceSpeed::Every3s).name(), "!markPrice@arr");
    assert_eq!(streams::all_mark_price(MarkPriceSpeed::Every1s).name(), "!markPrice@arr@1s");
    assert_eq!(streams::kline("ETHUSDT", KlineInterval::Month1).name(), "ethusdt@kline_1M");
    assert_eq!(
        streams::partial_book_depth("BNBUSDT", DepthLevels::Levels20, DepthSpeed::Ms100).name(),
        "bnbusdt@depth20@100ms"
    );
    // The default speed has no suffix: never `@Nonems`.
    assert_eq!(streams::diff_book_depth("BTCUSDT", DepthSpeed::Ms250).name(), "btcusdt@depth");
    assert_eq!(streams::diff_book_depth("BTCUSDT", DepthSpeed::Ms500).name(), "btcusdt@depth@500ms");
    assert_eq!(streams::all_book_ticker().name(), "!bookTicker");
    assert_eq!(streams::all_liquidation_order().name(), "!forceOrder@arr");
    assert_eq!(streams::liquidation_order("BTCUSDT").name(), "btcusdt@forceOrder");
    assert_eq!(streams::all_ticker().name(), "!ticker@arr");
    assert_eq!(streams::all_mini_ticker().name(), "!miniTicker@arr");
    assert_eq!(streams::trade_pro("BTCUSDT").name(), "btcusdt@tradepro");
}

#[test]
fn depth_update_decodes_with_exact_decimals() {
    let text = r#"{"e":"depthUpdate","E":1700000000123,"T":1700000000120,"s":"BTCUSDT","U":100,"u":105,"pu":99,
        "b":[["60000.10","1.500"],["59999.9","0"]],"a":[["60000.20",2]],"extra":"ignored"}"#;
    let ev: aster::models::DepthUpdateEvent = serde_json::from_str(text).unwrap();
    assert_eq!((ev.first_update_id, ev.final_update_id, ev.prev_final_update_id), (100, 105, 99));
    assert_eq!(ev.bids[0].price.to_string(), "60000.10");
    assert_eq!(ev.asks[0].qty.to_string(), "2");
}

#[test]
fn book_ticker_and_kline_decode() {
    let bt: aster::models::BookTickerEvent = serde_json::from_str(
        r#"{"e":"bookTicker","u":7,"E":1,"T":1,"s":"BNBUSDT","b":"25.35","B":"31.21","a":"25.36","A":"40.66"}"#,
    )
    .unwrap();
    assert!(bt.bid_price < bt.ask_price);
    let k: aster::models::KlineEvent = serde_json::from_str(
        r#"{"e":"kline","E":1,"s":"BTCUSDT","k":{"t":0,"T":59999,"s":"BTCUSDT","i":"1m","f":1,"L":2,"o":"1.0","c":"2.0",
        "h":"2.5","l":"0.5","v":"10","n":3,"x":false,"q":"15","V":"5","Q":"7.5","B":"0"}}"#,
    )
    .unwrap();
    assert_eq!(k.kline.interval, KlineInterval::Minute1);
    assert!(!k.kline.is_closed);
}

#[test]
fn user_data_events_decode_by_type_and_keep_unknown_ones() {
    let order: UserDataEvent = serde_json::from_str(
        r#"{"e":"ORDER_TRADE_UPDATE","E":2,"T":1,"o":{"s":"BTCUSDT","c":"id-1","S":"SELL","o":"LIMIT","f":"GTC",
        "q":"0.001","p":"60000","ap":"0","sp":"0","x":"NEW","X":"NEW","i":42,"l":"0","z":"0","L":"0","T":1,"t":0,
        "b":"0","a":"60","m":false,"R":false,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH","cp":false,"rp":"0"}}"#,
    )
    .unwrap();
    match &order {
        UserDataEvent::OrderTradeUpdate(o) => {
            assert_eq!(o.order.order_id, 42);
            assert_eq!(o.order.execution_type, aster::ExecutionType::New);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(order.event_type(), "ORDER_TRADE_UPDATE");
    let account: UserDataEvent = serde_json::from_str(
        r#"{"e":"ACCOUNT_UPDATE","E":1,"T":1,"a":{"m":"ORDER","B":[{"a":"USDT","wb":"10","cw":"10","bc":"0"}],
        "P":[{"s":"BTCUSDT","pa":"0.001","ep":"60000","cr":"0","up":"0","mt":"cross","iw":"0","ps":"BOTH"}]}}"#,
    )
    .unwrap();
    assert!(
        matches!(account, UserDataEvent::AccountUpdate(ref a) if a.update.positions.as_ref().is_some_and(|p| p[0].margin_type == aster::MarginType::Crossed))
    );
    let expired: UserDataEvent = serde_json::from_str(r#"{"e":"listenKeyExpired","E":1576653824250}"#).unwrap();
    assert!(matches!(expired, UserDataEvent::ListenKeyExpired(_)));
    let later: UserDataEvent = serde_json::from_str(r#"{"e":"STRATEGY_UPDATE","E":1}"#).unwrap();
    assert_eq!(later.event_type(), "STRATEGY_UPDATE");
    assert!(matches!(later, UserDataEvent::Unknown(_)));
}
