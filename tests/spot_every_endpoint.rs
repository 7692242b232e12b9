//! Every spot endpoint of the spec, V1 and V3, called once through the typed clients
//! against the sandbox and answered with success; the sandbox's request log then shows
//! that none of `aster::spot::ENDPOINTS` or `aster::spot::v3::ENDPOINTS` was left out.
//! Also: a spot order whose reply is lost is an unknown outcome, never retried.

mod common;

use aster::spot::{self, SpotOrderType, TransactionType, WithdrawChain};
use aster::{Error, KlineInterval, Side, TimeInForce, TransferKind};
use aster_sandbox::{Fault, DEMO_USER};
use common::{dec, sandbox};

#[tokio::test]
async fn every_spot_v1_endpoint_answers_through_the_typed_client() {
    let sb = sandbox().await;
    let c = common::spot_client(&sb);
    c.ping().await.unwrap();
    c.time().await.unwrap();
    c.exchange_info().await.unwrap();
    c.depth("BTCUSDT").await.unwrap();
    assert!(!c.trades("BTCUSDT").limit(5).await.unwrap().is_empty());
    let old = c.historical_trades("BTCUSDT").limit(5).await.unwrap();
    assert!(!c.historical_trades("BTCUSDT").from_id(old[0].id).await.unwrap().is_empty());
    assert!(!c.agg_trades("BTCUSDT").limit(5).await.unwrap().is_empty());
    assert!(!c.klines("BTCUSDT", KlineInterval::Minute1).await.unwrap().is_empty());
    assert_eq!(c.ticker_24hr_price_change().await.unwrap().into_vec().len(), 3);
    c.ticker_price().await.unwrap();
    c.book_ticker().symbol("BTCUSDT").await.unwrap();
    let fees = c.commission_rate("BTCUSDT").await.unwrap();
    assert!(fees.taker_commission_rate >= fees.maker_commission_rate);

    let order = c
        .new_order("BTCUSDT", Side::Buy, SpotOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.01"))
        .price(dec("55000.00"))
        .await
        .unwrap();
    c.query_order("BTCUSDT").order_id(order.order_id).await.unwrap();
    c.get_open_orders("BTCUSDT").order_id(order.order_id).await.unwrap();
    assert_eq!(c.get_orders().await.unwrap().len(), 1);
    c.cancel_order("BTCUSDT").order_id(order.order_id).await.unwrap();
    let listed = [
        c.new_order("BTCUSDT", Side::Buy, SpotOrderType::Limit),
        c.new_order("BTCUSDT", Side::Buy, SpotOrderType::Limit),
    ];
    let mut ids = Vec::new();
    for call in listed {
        ids.push(
            call.time_in_force(TimeInForce::Gtc).quantity(dec("0.01")).price(dec("55000.00")).await.unwrap().order_id,
        );
    }
    // Cancelling by list leaves the other order open.
    c.cancel_open_orders("BTCUSDT").order_id_list(vec![ids[0]]).await.unwrap();
    assert_eq!(
        c.get_orders().symbol("BTCUSDT").await.unwrap().iter().map(|o| o.order_id).collect::<Vec<_>>(),
        [ids[1]]
    );
    c.cancel_open_orders("BTCUSDT").await.unwrap();
    assert_eq!(c.get_all_orders("BTCUSDT").await.unwrap().len(), 3);
    c.new_order("BTCUSDT", Side::Sell, SpotOrderType::Market).quantity(dec("0.01")).await.unwrap();
    assert_eq!(c.get_account_trades().symbol("BTCUSDT").await.unwrap().len(), 1);
    c.futures_transfer(dec("1"), "USDT", "every-1", TransferKind::SpotFuture).await.unwrap();
    let records = c.transaction_history().kind(TransactionType::TransferSpotToFuture).await.unwrap();
    assert_eq!(records.len(), 1);
    c.withdraw_fee(WithdrawChain::Arbitrum, "USDT").await.unwrap();
    // The demo account's receiver is the docs' demo main wallet, whose key is not
    // published: an unsigned withdrawal is refused (the signed path is in tests/spot.rs).
    let refused = c
        .withdraw(WithdrawChain::Bsc, "USDT", dec("5"), dec("1"), DEMO_USER, "1", format!("0x{}", "11".repeat(65)))
        .await
        .unwrap_err();
    assert_eq!(refused.error_code(), Some(-1022));
    // The demo account has no Solana wallet: a withdrawal to one is refused.
    let no_wallet = c.solana_withdraw(aster::SolanaChain::Solana, "USDT", dec("3"), dec("0.6"), common::FOREIGN_SOLANA);
    assert_eq!(common::refused_code(no_wallet.await), Some(-1130));
    assert!(!c.account().await.unwrap().balances.is_empty());
    let key = c.new_listen_key().await.unwrap().listen_key;
    c.renew_listen_key(key.clone()).await.unwrap();
    c.close_listen_key(key.clone()).await.unwrap();
    assert_eq!(c.renew_listen_key(key).await.unwrap_err().error_code(), Some(-1125));

    let left = common::uncalled(&sb, spot::ENDPOINTS);
    assert!(left.is_empty(), "not called: {left:?}");
}

#[tokio::test]
async fn every_spot_v3_endpoint_answers_through_the_typed_client() {
    let sb = sandbox().await;
    let c = common::spot_v3_client(&sb);
    c.noop().await.unwrap();
    c.ping().await.unwrap();
    c.time().await.unwrap();
    c.exchange_info().await.unwrap();
    c.depth("ETHUSDT").limit(10).await.unwrap();
    c.trades("ETHUSDT").await.unwrap();
    c.historical_trades("ETHUSDT").await.unwrap();
    c.agg_trades("ETHUSDT").await.unwrap();
    c.klines("ETHUSDT", KlineInterval::Hour1).await.unwrap();
    c.ticker_24hr_price_change().symbol("ETHUSDT").await.unwrap();
    c.ticker_price().symbol("ETHUSDT").await.unwrap();
    c.book_ticker().await.unwrap();
    c.commission_rate("ETHUSDT").await.unwrap();
    let o = c
        .new_order("ETHUSDT", Side::Sell, SpotOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.1"))
        .price(dec("3100.00"))
        .await
        .unwrap();
    c.query_order("ETHUSDT").order_id(o.order_id).await.unwrap();
    c.get_open_orders("ETHUSDT").orig_client_order_id(o.client_order_id.clone()).await.unwrap();
    c.get_orders().await.unwrap();
    c.cancel_order("ETHUSDT").order_id(o.order_id).await.unwrap();
    c.cancel_open_orders("ETHUSDT").await.unwrap();
    c.get_all_orders("ETHUSDT").await.unwrap();
    c.new_order("ETHUSDT", Side::Buy, SpotOrderType::Market).quote_order_qty(dec("50")).await.unwrap();
    c.get_account_trades().await.unwrap();
    c.transaction_history().asset("ETH").await.unwrap();
    c.futures_transfer(dec("2"), "USDT", "v3-every-1", TransferKind::SpotFuture).await.unwrap();
    c.withdraw_fee(WithdrawChain::Ethereum, "ETH").await.unwrap();
    let refused = c
        .withdraw(WithdrawChain::Bsc, "USDT", dec("5"), dec("1"), DEMO_USER, format!("0x{}", "11".repeat(65)))
        .await
        .unwrap_err();
    assert_eq!(refused.error_code(), Some(-1022));
    // The demo account has no Solana wallet: a withdrawal to one is refused.
    let no_wallet = c.solana_withdraw(aster::SolanaChain::Solana, "USDT", dec("3"), dec("0.6"), common::FOREIGN_SOLANA);
    assert_eq!(common::refused_code(no_wallet.await), Some(-1130));
    c.account().await.unwrap();
    let key = c.new_listen_key().await.unwrap().listen_key;
    c.renew_listen_key(key.clone()).await.unwrap();
    c.close_listen_key(key).await.unwrap();

    let left = common::uncalled(&sb, spot::v3::ENDPOINTS);
    assert!(left.is_empty(), "not called: {left:?}");
}

#[tokio::test]
async fn a_spot_order_whose_reply_is_lost_is_an_unknown_outcome_with_its_client_id() {
    let sb = sandbox().await;
    let c = common::spot_client(&sb);
    sb.inject(Some("/api/v1/order"), Fault::ExecutedButUnavailable, 1);
    let before = sb.request_count();
    let e = c
        .new_order("ASTERUSDT", Side::Buy, SpotOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("10"))
        .price(dec("0.9"))
        .await
        .unwrap_err();
    let Error::UnknownOutcome { client_order_ids, status_code, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*status_code, Some(503));
    assert_eq!(sb.request_count(), before + 1, "sent once, never retried");
    // The order did execute: its client id finds it.
    let found = c.query_order("ASTERUSDT").orig_client_order_id(client_order_ids[0].clone()).await.unwrap();
    assert_eq!(found.orig_qty, dec("10"));
    match c.resolve_order("ASTERUSDT", &client_order_ids[0]).await.unwrap() {
        aster::Resolution::Executed(order) => assert_eq!(order.orig_qty, dec("10")),
        other => panic!("{other:?}"),
    }
    // On V3 too; an order refused before execution resolves to not found.
    let v3 = common::spot_v3_client(&sb);
    sb.inject(Some("/api/v3/order"), Fault::ServerError(502), 1);
    let e = v3.new_order("ASTERUSDT", Side::Buy, SpotOrderType::Market).quantity(dec("10")).await.unwrap_err();
    let id = e.client_order_ids()[0].clone();
    assert_eq!(v3.resolve_order("ASTERUSDT", &id).await.unwrap(), aster::Resolution::NotFound);
    // Rate-limit usage comes back with every spot reply.
    let meta = c.time().send_with_meta().await.unwrap();
    assert!(meta.limit_usage.used_weight.iter().any(|(_, used)| *used > 0), "{:?}", meta.limit_usage);
}
