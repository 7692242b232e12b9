//! Every futures V1 endpoint of the spec, called once through the typed client against the
//! sandbox and answered as its endpoint answers (a refusal where the call must be refused);
//! the sandbox's request log then shows that none of `aster::ENDPOINTS` was left out.

mod common;

use aster::{
    BatchOrder, KlineInterval, MarginType, OrderStatus, OrderType, Side, SolanaChain, TimeInForce, TransferKind,
    WithdrawChain,
};
use aster_sandbox::DEMO_USER;
use common::{dec, refused_code, sandbox, signed};

#[tokio::test]
async fn every_futures_v1_endpoint_answers_through_the_typed_client() {
    let sb = sandbox().await;
    let c = signed(&sb);

    // Market data.
    c.ping().await.unwrap();
    c.time().await.unwrap();
    assert_eq!(c.exchange_info().await.unwrap().symbols.len(), 3);
    assert!(!c.depth("BTCUSDT").limit(5).await.unwrap().bids.is_empty());
    assert!(!c.trades("BTCUSDT").limit(5).await.unwrap().is_empty());
    c.historical_trades("BTCUSDT").limit(5).await.unwrap();
    c.agg_trades("BTCUSDT").limit(5).await.unwrap();
    assert!(!c.klines("BTCUSDT", KlineInterval::Minute1).limit(3).await.unwrap().is_empty());
    c.index_price_klines("BTCUSDT", KlineInterval::Minute1).limit(3).await.unwrap();
    c.mark_price_klines("BTCUSDT", KlineInterval::Minute1).limit(3).await.unwrap();
    c.mark_price().symbol("BTCUSDT").await.unwrap();
    c.funding_rate().symbol("BTCUSDT").await.unwrap();
    c.funding_info().await.unwrap();
    c.ticker_24hr_price_change().symbol("BTCUSDT").await.unwrap();
    c.ticker_price().await.unwrap();
    c.book_ticker().symbol("ETHUSDT").await.unwrap();

    // Account modes, changed while nothing is open, and set back.
    c.change_position_mode(true).await.unwrap();
    assert!(c.get_position_mode().await.unwrap().dual_side_position);
    c.change_position_mode(false).await.unwrap();
    c.change_multi_asset_mode(true).await.unwrap();
    assert!(c.get_multi_asset_mode().await.unwrap().multi_assets_margin);
    c.change_multi_asset_mode(false).await.unwrap();
    c.change_leverage("BTCUSDT", 5).await.unwrap();
    c.change_margin_type("ETHUSDT", MarginType::Isolated).await.unwrap();

    // Orders: one, a batch, cancels of each kind, the countdown.
    let o = c
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.002"))
        .price(dec("50000.0"))
        .await
        .unwrap();
    c.query_order("BTCUSDT").order_id(o.order_id).await.unwrap();
    c.get_open_orders("BTCUSDT").order_id(o.order_id).await.unwrap();
    assert_eq!(c.get_orders().await.unwrap().len(), 1);
    assert_eq!(c.cancel_order("BTCUSDT").order_id(o.order_id).await.unwrap().status, OrderStatus::Canceled);
    let batch = (0..2)
        .map(|i| {
            BatchOrder::new("BTCUSDT", Side::Buy, OrderType::Limit, dec("0.001"))
                .time_in_force(TimeInForce::Gtc)
                .price(dec("50000.0") - aster::Decimal::from(i))
        })
        .collect();
    let placed: Vec<i64> =
        c.new_batch_order(batch).await.unwrap().into_iter().map(|r| r.ok().expect("placed").order_id).collect();
    let cancelled = c.cancel_batch_order("BTCUSDT").order_id_list(vec![placed[0]]).await.unwrap();
    assert!(cancelled[0].ok().is_some());
    c.countdown_cancel_order("BTCUSDT", 60_000).await.unwrap();
    c.cancel_open_orders("BTCUSDT").await.unwrap();
    assert_eq!(c.get_all_orders("BTCUSDT").await.unwrap().len(), 3);

    // A position (isolated on ETHUSDT) and what reads it.
    c.new_order("ETHUSDT", Side::Buy, OrderType::Market).quantity(dec("0.1")).await.unwrap();
    c.modify_isolated_position_margin("ETHUSDT", dec("10"), 1).await.unwrap();
    assert_eq!(c.get_position_margin_history("ETHUSDT").await.unwrap().len(), 1);
    assert!(c.get_position_risk().await.unwrap().iter().any(|p| p.symbol == "ETHUSDT" && !p.position_amt.is_zero()));
    assert_eq!(c.get_account_trades("ETHUSDT").await.unwrap().len(), 1);
    c.get_income_history().await.unwrap();
    c.adl_quantile().await.unwrap();
    c.force_orders().await.unwrap();
    c.leverage_brackets().await.unwrap();
    c.commission_rate("ETHUSDT").await.unwrap();
    c.remaining_openable_notional("ETHUSDT", 5).await.unwrap();
    assert!(!c.balance().await.unwrap().is_empty());
    c.account().await.unwrap();
    c.futures_transfer(dec("1"), "USDT", "v1-every-1", TransferKind::FutureSpot).await.unwrap();

    // Withdrawals: limits and history; the demo main wallet's key is not published, so a
    // signature is refused, and the account has no Solana wallet.
    assert!(c.withdraw_info().await.unwrap().balances.contains_key("USDT"));
    assert!(c.deposit_withdraw_history().await.unwrap().is_empty());
    let forged =
        c.withdraw(WithdrawChain::Bsc, "USDT", dec("5"), dec("1"), 1, DEMO_USER, format!("0x{}", "11".repeat(65)));
    assert_eq!(refused_code(forged.await), Some(-1022));
    let no_wallet = c.solana_withdraw(SolanaChain::Solana, "USDT", dec("3"), dec("0.6"), common::FOREIGN_SOLANA);
    assert_eq!(refused_code(no_wallet.await), Some(-1130));

    // User data stream keys.
    c.new_listen_key().await.unwrap();
    c.renew_listen_key().await.unwrap();
    c.close_listen_key().await.unwrap();

    let missing = common::uncalled(&sb, aster::ENDPOINTS);
    assert!(missing.is_empty(), "not called: {missing:?}");
    // The futures docs' 48 and the withdrawal guide's 4.
    assert_eq!(aster::ENDPOINTS.len(), 52);
}
