//! Account, position and listen-key endpoints through their generated methods.

mod common;
use aster::{MarginType, OrderType, PositionSide, Side, TransferKind};
use common::*;

#[tokio::test]
async fn account_and_balance() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let acct = c.account().await.unwrap();
    assert!(acct.can_trade);
    assert_eq!(acct.total_wallet_balance, dec("100000"));
    assert_eq!(acct.positions.len(), 3);
    let usdt = c.balance().await.unwrap().into_iter().find(|b| b.asset == "USDT").unwrap();
    assert_eq!(usdt.available_balance, dec("100000"));
}

#[tokio::test]
async fn position_mode_and_multi_assets() {
    let sb = sandbox().await;
    let c = signed(&sb);
    assert!(!c.get_position_mode().await.unwrap().dual_side_position);
    assert_eq!(c.change_position_mode(true).await.unwrap().code, 200);
    assert!(c.get_position_mode().await.unwrap().dual_side_position);
    assert_eq!(c.change_position_mode(true).await.unwrap_err().error_code(), Some(-4059));
    let sides: Vec<_> =
        c.get_position_risk().symbol("BTCUSDT").await.unwrap().into_iter().map(|p| p.position_side).collect();
    assert_eq!(sides, vec![PositionSide::Long, PositionSide::Short]);

    // Hedge mode: the position side must be given.
    let err = c.new_order("BTCUSDT", Side::Buy, OrderType::Market).quantity(dec("0.01")).await.unwrap_err();
    assert_eq!(err.error_code(), Some(-4061));
    let long = c
        .new_order("BTCUSDT", Side::Buy, OrderType::Market)
        .quantity(dec("0.01"))
        .position_side(PositionSide::Long)
        .await
        .unwrap();
    assert_eq!(long.position_side, Some(PositionSide::Long));

    assert!(!c.get_multi_asset_mode().await.unwrap().multi_assets_margin);
    c.change_multi_asset_mode(true).await.unwrap();
    assert!(c.get_multi_asset_mode().await.unwrap().multi_assets_margin);
}

#[tokio::test]
async fn leverage_margin_type_and_isolated_margin() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let lev = c.change_leverage("BTCUSDT", 10).await.unwrap();
    assert_eq!((lev.leverage, lev.symbol.as_str()), (10, "BTCUSDT"));
    let before = sb.request_count();
    assert!(matches!(c.change_leverage("BTCUSDT", 126).await.unwrap_err(), aster::Error::ParameterValue { .. }));
    assert_eq!(sb.request_count(), before);

    c.change_margin_type("BTCUSDT", MarginType::Isolated).await.unwrap();
    assert_eq!(c.change_margin_type("BTCUSDT", MarginType::Isolated).await.unwrap_err().error_code(), Some(-4046));
    let risk = c.get_position_risk().symbol("BTCUSDT").await.unwrap();
    assert_eq!(risk[0].margin_type, MarginType::Isolated, "lower-case `isolated` decodes to the enum");
    assert_eq!(risk[0].leverage, 10);

    // No position yet: adding margin is refused.
    let err = c.modify_isolated_position_margin("BTCUSDT", dec("10"), 1).await.unwrap_err();
    assert_eq!(err.error_code(), Some(-4054));
    c.new_order("BTCUSDT", Side::Buy, OrderType::Market).quantity(dec("0.01")).await.unwrap();
    let added = c.modify_isolated_position_margin("BTCUSDT", dec("10"), 1).await.unwrap();
    assert_eq!((added.code, added.change_type), (200, 1));
    let history = c.get_position_margin_history("BTCUSDT").await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].amount, dec("10"));
    assert!(matches!(
        c.modify_isolated_position_margin("BTCUSDT", dec("1"), 3).await.unwrap_err(),
        aster::Error::ParameterValue { .. }
    ));
}

#[tokio::test]
async fn brackets_adl_force_orders_commission_and_notional() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let one = c.leverage_brackets().symbol("ETHUSDT").await.unwrap().into_vec();
    assert_eq!(one[0].symbol, "ETHUSDT");
    assert_eq!(one[0].brackets[0].maint_margin_ratio, dec("0.004"));
    assert_eq!(c.leverage_brackets().await.unwrap().into_vec().len(), 3);
    c.new_order("ETHUSDT", Side::Buy, OrderType::Market).quantity(dec("0.1")).await.unwrap();
    let adl = c.adl_quantile().await.unwrap();
    assert_eq!(adl[0].symbol, "ETHUSDT");
    assert_eq!(adl[0].adl_quantile.both, Some(1));
    assert!(c.force_orders().await.unwrap().is_empty());
    let fee = c.commission_rate("BTCUSDT").await.unwrap();
    assert_eq!((fee.maker_commission_rate, fee.taker_commission_rate), (dec("0.0002"), dec("0.0004")));
    let room = c.remaining_openable_notional("BTCUSDT", 20).await.unwrap();
    assert!(room.remaining_openable_notional_value > aster::Decimal::ZERO);
}

#[tokio::test]
async fn transfers_and_income() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let t = c.futures_transfer(dec("250.5"), "USDT", "tx-1", TransferKind::FutureSpot).await.unwrap();
    assert_eq!(t.status, "SUCCESS");
    let dup = c.futures_transfer(dec("1"), "USDT", "tx-1", TransferKind::FutureSpot).await.unwrap_err();
    assert_eq!(dup.error_code(), Some(-4115));
    let too_much = c.futures_transfer(dec("1000000"), "USDT", "tx-2", TransferKind::FutureSpot).await.unwrap_err();
    assert_eq!(too_much.error_code(), Some(-2018));
    let income = c.get_income_history().income_type(aster::IncomeType::Transfer).await.unwrap();
    assert_eq!(income.len(), 1);
    assert_eq!(income[0].income, dec("-250.5"));
    assert_eq!(income[0].tran_id, t.tran_id);
    let usdt = c.balance().await.unwrap().into_iter().find(|b| b.asset == "USDT").unwrap();
    assert_eq!(usdt.balance, dec("99749.5"));
}

#[tokio::test]
async fn listen_key_lifecycle_uses_the_key() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let key = c.new_listen_key().await.unwrap().listen_key;
    assert_eq!(key.len(), 64);
    assert_eq!(c.new_listen_key().await.unwrap().listen_key, key, "the active key is returned again");
    c.renew_listen_key().listen_key(key.clone()).await.unwrap();
    let wrong = c.renew_listen_key().listen_key("not-the-key").await.unwrap_err();
    assert_eq!(wrong.error_code(), Some(-1125));
    c.close_listen_key().listen_key(key.clone()).await.unwrap();
    assert_eq!(c.renew_listen_key().await.unwrap_err().error_code(), Some(-1125));
}
