//! Orders through the generated methods against the sandbox's matching engine.

mod common;
use aster::{BatchOrder, OrderStatus, OrderType, PositionSide, Side, TimeInForce};
use common::*;

async fn best(c: &aster::Client, symbol: &str) -> (aster::Decimal, aster::Decimal) {
    let b = c.book_ticker().symbol(symbol).await.unwrap().into_vec().remove(0);
    (b.bid_price, b.ask_price)
}

#[tokio::test]
async fn limit_order_rests_and_is_found_and_cancelled_by_either_id() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let (bid, _) = best(&c, "BTCUSDT").await;
    let price = bid - dec("100");
    let order = c
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.010"))
        .price(price)
        .new_client_order_id("rest-1")
        .await
        .unwrap();
    assert_eq!(order.status, OrderStatus::New);
    assert_eq!(order.price, price);
    assert_eq!(order.orig_qty, dec("0.01"));

    let by_id = c.query_order("BTCUSDT").order_id(order.order_id).await.unwrap();
    assert_eq!(by_id.client_order_id, "rest-1");
    let by_client = c.query_order("BTCUSDT").orig_client_order_id("rest-1").await.unwrap();
    assert_eq!(by_client.order_id, order.order_id);
    let open = c.get_open_orders("BTCUSDT").orig_client_order_id("rest-1").await.unwrap();
    assert_eq!(open.order_id, order.order_id);
    assert_eq!(c.get_orders().symbol("BTCUSDT").await.unwrap().len(), 1);

    let cancelled = c.cancel_order("BTCUSDT").orig_client_order_id("rest-1").await.unwrap();
    assert_eq!(cancelled.status, OrderStatus::Canceled);
    let again = c.cancel_order("BTCUSDT").order_id(order.order_id).await.unwrap_err();
    assert_eq!(again.error_code(), Some(-2011));
    assert!(c.get_orders().await.unwrap().is_empty());
    assert_eq!(c.get_all_orders("BTCUSDT").await.unwrap().len(), 1);
}

#[tokio::test]
async fn query_and_cancel_require_an_id_before_sending() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let before = sb.request_count();
    let err = c.query_order("BTCUSDT").await.unwrap_err();
    assert!(matches!(err, aster::Error::ParameterRequired { .. }), "{err}");
    let err = c.cancel_batch_order("BTCUSDT").await.unwrap_err();
    assert!(matches!(err, aster::Error::ParameterRequired { .. }), "{err}");
    assert_eq!(sb.request_count(), before);
}

#[tokio::test]
async fn order_type_requirements_are_checked_before_sending() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let before = sb.request_count();
    let err = c.new_order("BTCUSDT", Side::Buy, OrderType::Limit).quantity(dec("0.01")).await.unwrap_err();
    match err {
        aster::Error::ParameterRequired { name, reason } => {
            assert_eq!(name, "timeInForce");
            assert!(reason.contains("LIMIT"));
        }
        other => panic!("{other}"),
    }
    let err = c.new_order("BTCUSDT", Side::Buy, OrderType::StopMarket).await.unwrap_err();
    assert!(matches!(err, aster::Error::ParameterRequired { ref name, .. } if name == "stopPrice"));
    assert_eq!(sb.request_count(), before);
}

#[tokio::test]
async fn a_crossing_order_fills_and_both_sides_agree() {
    let sb = sandbox().await;
    let maker = signed(&sb);
    let (taker_key, taker_secret) = sb.add_account(aster_sandbox::AccountConfig::new("taker-key", "taker-secret"));
    let taker = aster::Client::builder().base_url(sb.base_url()).key(taker_key).secret(taker_secret).build().unwrap();
    let (_, ask) = best(&maker, "ETHUSDT").await;
    // Rests below the market maker's ask, so it is the best ask.
    let price = ask - dec("0.01");
    let resting = maker
        .new_order("ETHUSDT", Side::Sell, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.5"))
        .price(price)
        .await
        .unwrap();
    let fill = taker.new_order("ETHUSDT", Side::Buy, OrderType::Market).quantity(dec("0.2")).await.unwrap();
    assert_eq!(fill.status, OrderStatus::Filled);
    assert_eq!(fill.executed_qty, dec("0.2"));
    assert_eq!(fill.avg_price, Some(price));

    let rest = maker.query_order("ETHUSDT").order_id(resting.order_id).await.unwrap();
    assert_eq!(rest.status, OrderStatus::PartiallyFilled);
    assert_eq!(rest.executed_qty, dec("0.2"));

    let maker_trades = maker.get_account_trades("ETHUSDT").await.unwrap();
    let taker_trades = taker.get_account_trades("ETHUSDT").await.unwrap();
    assert_eq!(maker_trades.len(), 1);
    assert_eq!(taker_trades.len(), 1);
    assert_eq!(maker_trades[0].id, taker_trades[0].id, "one trade, two sides");
    assert!(maker_trades[0].maker && !taker_trades[0].maker);
    assert_eq!(maker_trades[0].price, price);

    let mp = maker.get_position_risk().symbol("ETHUSDT").await.unwrap();
    let tp = taker.get_position_risk().symbol("ETHUSDT").await.unwrap();
    assert_eq!(mp[0].position_amt, dec("-0.2"));
    assert_eq!(tp[0].position_amt, dec("0.2"));
    assert_eq!(tp[0].entry_price, price);

    // Commission: maker 0.02%, taker 0.04% of the notional.
    let notional = price * dec("0.2");
    let taker_balance = taker.balance().await.unwrap().into_iter().find(|b| b.asset == "USDT").unwrap();
    assert_eq!(taker_balance.balance, dec("100000") - (notional * dec("0.0004")).round_dp(8));
    let income = maker.get_income_history().income_type(aster::IncomeType::Commission).await.unwrap();
    assert_eq!(income[0].income, -(notional * dec("0.0002")).round_dp(8));
}

#[tokio::test]
async fn batch_orders_reach_the_server_byte_exact() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let (bid, _) = best(&c, "BTCUSDT").await;
    let price = bid - dec("500");
    let orders = vec![
        BatchOrder::new("BTCUSDT", Side::Buy, OrderType::Limit, dec("0.001"))
            .price(price)
            .time_in_force(TimeInForce::Gtc)
            .new_client_order_id("batch:a/1_x.y-z")
            .price_protect(false),
        BatchOrder::new("BTCUSDT", Side::Buy, OrderType::Limit, dec("0.001"))
            .price(price)
            .time_in_force(TimeInForce::Gtc)
            .new_client_order_id("it's \"quoted\" ünïcode"),
        BatchOrder::new("BTCUSDT", Side::Sell, OrderType::Limit, dec("0.001"))
            .price(price)
            .time_in_force(TimeInForce::Gtc)
            .reduce_only(true),
    ];
    let results = c.new_batch_order(orders).await.unwrap();
    assert_eq!(results.len(), 3);
    let ok = results[0].ok().expect("a valid order succeeds");
    assert_eq!(ok.client_order_id, "batch:a/1_x.y-z");
    assert_eq!(ok.price, price);
    let bad_id = results[1].err().expect("an id with quotes is refused by the exchange's rule");
    assert_eq!(bad_id.code, -4015);
    let reduce = results[2].err().expect("reduce-only with no position is refused");
    assert_eq!(reduce.code, -2022);
}

#[tokio::test]
async fn batch_size_is_checked_before_sending() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let six = vec![BatchOrder::new("BTCUSDT", Side::Buy, OrderType::Market, dec("0.001")); 6];
    assert!(matches!(c.new_batch_order(six).await.unwrap_err(), aster::Error::ParameterValue { .. }));
}

#[tokio::test]
async fn batch_cancel_sends_its_id_lists() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let (bid, _) = best(&c, "BTCUSDT").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let o = c
            .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
            .time_in_force(TimeInForce::Gtc)
            .quantity(dec("0.001"))
            .price(bid - dec("300"))
            .new_client_order_id(format!("bc-{i}"))
            .await
            .unwrap();
        ids.push(o.order_id);
    }
    let by_id = c.cancel_batch_order("BTCUSDT").order_id_list(vec![ids[0], 1]).await.unwrap();
    assert_eq!(by_id[0].ok().map(|o| o.order_id), Some(ids[0]));
    assert_eq!(by_id[1].err().map(|e| e.code), Some(-2011));
    let by_client = c
        .cancel_batch_order("BTCUSDT")
        .orig_client_order_id_list(vec!["bc-1".to_string(), "bc-2".to_string()])
        .await
        .unwrap();
    assert!(by_client.iter().all(|r| r.ok().is_some_and(|o| o.status == OrderStatus::Canceled)));
    assert!(c.get_orders().await.unwrap().is_empty());
}

#[tokio::test]
async fn cancel_all_and_countdown() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let (bid, _) = best(&c, "BNBUSDT").await;
    for _ in 0..2 {
        c.new_order("BNBUSDT", Side::Buy, OrderType::Limit)
            .time_in_force(TimeInForce::Gtc)
            .quantity(dec("0.1"))
            .price(bid - dec("10"))
            .await
            .unwrap();
    }
    let done = c.cancel_open_orders("BNBUSDT").await.unwrap();
    assert_eq!(done.code, 200);
    assert!(c.get_orders().await.unwrap().is_empty());

    c.new_order("BNBUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.1"))
        .price(bid - dec("10"))
        .await
        .unwrap();
    let armed = c.countdown_cancel_order("BNBUSDT", 150).await.unwrap();
    assert_eq!((armed.symbol.as_str(), armed.countdown_time), ("BNBUSDT", 150));
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert!(c.get_orders().await.unwrap().is_empty(), "the countdown cancelled the order");
}

#[tokio::test]
async fn stop_market_triggers_when_the_price_moves() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let taker = signed(&sb);
    // Open a long position so the stop can close it.
    c.new_order("BTCUSDT", Side::Buy, OrderType::Market).quantity(dec("0.01")).await.unwrap();
    let last = c.ticker_price().symbol("BTCUSDT").await.unwrap().into_vec()[0].price;
    let stop = (last * dec("0.9")).round_dp(1);
    let placed =
        c.new_order("BTCUSDT", Side::Sell, OrderType::StopMarket).stop_price(stop).close_position(true).await.unwrap();
    assert_eq!(placed.status, OrderStatus::New);
    // Sell through the book far enough to cross the stop.
    sb.with_exchange(|ex| {
        let sym = ex.symbol_index("BTCUSDT").unwrap();
        ex.futures.symbols[sym].last_price = stop - dec("1");
        ex.fire_triggers(sym, 0);
    });
    let after = taker.query_order("BTCUSDT").order_id(placed.order_id).await.unwrap();
    assert_eq!(after.status, OrderStatus::Filled);
    assert_eq!(after.order_type, OrderType::Market);
    assert_eq!(after.orig_type, Some(OrderType::StopMarket));
    let pos = c.get_position_risk().symbol("BTCUSDT").await.unwrap();
    assert_eq!(pos[0].position_amt, aster::Decimal::ZERO);
    assert_eq!(pos[0].position_side, PositionSide::Both);
}

#[tokio::test]
async fn filters_are_enforced_with_documented_codes() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let (bid, _) = best(&c, "BTCUSDT").await;
    let limit = |qty: &str, price: aster::Decimal| {
        c.new_order("BTCUSDT", Side::Buy, OrderType::Limit)
            .time_in_force(TimeInForce::Gtc)
            .quantity(dec(qty))
            .price(price)
    };
    assert_eq!(limit("0.001", bid + dec("0.05")).await.unwrap_err().error_code(), Some(-1111));
    assert_eq!(limit("0.0015", bid).await.unwrap_err().error_code(), Some(-1111));
    assert_eq!(limit("0.00001", bid).await.unwrap_err().error_code(), Some(-1111));
    assert_eq!(limit("5000", bid).await.unwrap_err().error_code(), Some(-4005));
    assert_eq!(limit("0.001", bid * dec("2")).await.unwrap_err().error_code(), Some(-4016));
    assert_eq!(limit("0.001", dec("100")).await.unwrap_err().error_code(), Some(-4164));
    assert_eq!(limit("900", bid).await.unwrap_err().error_code(), Some(-2019));
}
