//! Every V3 endpoint of the spec, called once through the typed client against the
//! sandbox, each answered with success; the sandbox's request log then shows that no
//! endpoint of `aster::v3::ENDPOINTS` was left out.

mod common;

use aster::v3::{self, Client};
use aster::BatchOrder;
use aster::{
    KlineInterval, MarginType, OrderType, QuantityUnit, Side, StpMode, StrategyType, SubAccountStatus, SubTransferKind,
    TimeInForce, TransferKind,
};
use aster_sandbox::AccountConfig;
use common::{dec, sandbox, unix_ms, wallet_key, wallet_key_hex};

fn client_for(base: &str, main: u8, api: u8) -> Client {
    Client::builder()
        .base_url(base)
        .user(wallet_key(main).address().to_string())
        .private_key(wallet_key_hex(api))
        .main_private_key(wallet_key_hex(main))
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_v3_endpoint_answers_through_the_typed_client() {
    let sb = sandbox().await;
    sb.add_account(
        AccountConfig::new("k", "s")
            .with_wallet(wallet_key(0xa1).address().to_string(), wallet_key(0xb2).address().to_string()),
    );
    let c = client_for(&sb.base_url(), 0xa1, 0xb2);
    let s = "BTCUSDT";

    // Market data.
    c.ping().await.unwrap();
    c.time().await.unwrap();
    c.exchange_info().await.unwrap();
    let book = c.depth(s).limit(5).await.unwrap();
    let (bid, ask) = (book.bids[0].price, book.asks[0].price);
    c.trades(s).limit(5).await.unwrap();
    c.historical_trades(s).limit(5).await.unwrap();
    c.agg_trades(s).limit(5).await.unwrap();
    c.klines(s, KlineInterval::Minute1).limit(5).await.unwrap();
    c.index_price_klines(s, KlineInterval::Minute1).limit(5).await.unwrap();
    c.mark_price_klines(s, KlineInterval::Minute1).limit(5).await.unwrap();
    c.mark_price().symbol(s).await.unwrap();
    c.funding_rate().symbol(s).await.unwrap();
    c.funding_info().await.unwrap();
    c.ticker_24hr_price_change().symbol(s).await.unwrap();
    c.ticker_price().symbol(s).await.unwrap();
    c.book_ticker().symbol(s).await.unwrap();
    c.noop().await.unwrap();
    c.index_references(s).await.unwrap();

    // Account settings.
    c.change_position_mode(true).await.unwrap();
    c.change_position_mode(false).await.unwrap();
    c.get_position_mode().await.unwrap();
    c.change_stp_mode(StpMode::ExpireMaker).await.unwrap();
    c.get_stp_mode().await.unwrap();
    c.change_multi_asset_mode(true).await.unwrap();
    c.change_multi_asset_mode(false).await.unwrap();
    c.get_multi_asset_mode().await.unwrap();
    c.change_leverage(s, 10).await.unwrap();
    c.change_margin_type(s, MarginType::Isolated).await.unwrap();

    // Orders.
    let low = (bid * dec("0.95")).round_dp(1);
    let order = c
        .new_order(s, Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.010"))
        .price(low)
        .await
        .unwrap();
    c.modify_order(s, dec("0.020"), low - dec("1")).order_id(order.order_id).await.unwrap();
    c.query_order(s).order_id(order.order_id).await.unwrap();
    c.get_open_orders(s).order_id(order.order_id).await.unwrap();
    c.get_orders().symbol(s).await.unwrap();
    c.get_all_orders(s).await.unwrap();
    c.cancel_order(s).order_id(order.order_id).await.unwrap();
    let batch = vec![
        BatchOrder::new(s, Side::Buy, OrderType::Limit, dec("0.010")).price(low).time_in_force(TimeInForce::Gtc),
        BatchOrder::new(s, Side::Buy, OrderType::Limit, dec("0.010"))
            .price(low - dec("1"))
            .time_in_force(TimeInForce::Gtc),
    ];
    let placed = c.new_batch_order(batch).await.unwrap();
    let ids: Vec<i64> = placed.into_iter().map(|r| r.into_result().unwrap().order_id).collect();
    c.cancel_batch_order(s).order_id_list(ids).await.unwrap();
    c.new_order(s, Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.010"))
        .price(low)
        .await
        .unwrap();
    c.cancel_open_orders(s).await.unwrap();
    c.countdown_cancel_order(s, 0).await.unwrap();
    c.new_chase_order(s, Side::Buy, QuantityUnit::Base, dec("0.010")).chase_offset(dec("1")).await.unwrap();
    c.cancel_open_orders(s).await.unwrap();
    c.futures_transfer(dec("10"), "USDT", format!("t-{}", unix_ms()), TransferKind::FutureSpot).await.unwrap();

    // Positions and account reports.
    c.new_order(s, Side::Buy, OrderType::Market).quantity(dec("0.010")).await.unwrap();
    c.modify_isolated_position_margin(s, dec("5"), 1).await.unwrap();
    c.get_position_margin_history(s).await.unwrap();
    c.get_position_risk().symbol(s).await.unwrap();
    c.get_account_trades(s).await.unwrap();
    c.get_income_history().await.unwrap();
    c.leverage_brackets().symbol(s).await.unwrap();
    c.adl_quantile().symbol(s).await.unwrap();
    c.force_orders().await.unwrap();
    c.commission_rate(s).await.unwrap();
    c.balance().await.unwrap();
    c.account().await.unwrap();

    // Market maker protection.
    c.update_mmp(s, 5_000, 10_000).qty_limit(100).await.unwrap();
    c.get_mmp().await.unwrap();
    c.reset_mmp(s).await.unwrap();
    c.delete_mmp(s).await.unwrap();

    // Strategy orders: one left working and updated, one finished at once.
    let sub = |n: u32, side, kind| v3::StrategySubOrder::new(n.to_string(), "USDT_FUTURES", s, side, kind);
    let working = c
        .new_strategy_order(
            StrategyType::Oto,
            vec![
                sub(1, Side::Buy, OrderType::Limit).quantity(dec("0.010")).price(low).time_in_force(TimeInForce::Gtc),
                sub(2, Side::Sell, OrderType::Limit)
                    .quantity(dec("0.010"))
                    .price((ask * dec("1.05")).round_dp(1))
                    .time_in_force(TimeInForce::Gtc),
            ],
        )
        .await
        .unwrap();
    let update =
        v3::StrategySubOrderUpdate::new("1", "USDT_FUTURES", s, Side::Buy, OrderType::Limit).price(low - dec("2"));
    c.update_strategy_order(working.strategy_id, StrategyType::Oto, vec![update]).await.unwrap();
    c.query_strategy_open_order(StrategyType::Oto).strategy_id(working.strategy_id).await.unwrap();
    let finished = c
        .new_strategy_order(
            StrategyType::Oco,
            vec![
                sub(1, Side::Sell, OrderType::Market).quantity(dec("0.010")),
                sub(2, Side::Sell, OrderType::StopMarket)
                    .quantity(dec("0.010"))
                    .stop_price((bid * dec("0.9")).round_dp(1)),
            ],
        )
        .await
        .unwrap();
    c.query_strategy_history_order(StrategyType::Oco).strategy_id(finished.strategy_id).await.unwrap();

    // Agents, sub-accounts, transfers and migration.
    c.register_and_approve_agent(
        "bot",
        wallet_key(0xd4).address().to_string(),
        unix_ms() + 60_000,
        56,
        true,
        true,
        false,
    )
    .await
    .unwrap();
    let (child, bound) = (wallet_key(0x51), wallet_key(0x52));
    let mut create = c.create_sub_account(child.address().to_string(), "desk", "").nonce(c.next_nonce());
    create.params_mut().child_signature = c.child_signature(&create, &child).unwrap();
    create.await.unwrap();
    let mut bind = c.bind_sub_account(bound.address().to_string(), "bound", "").nonce(c.next_nonce());
    bind.params_mut().child_signature = c.child_signature(&bind, &bound).unwrap();
    bind.await.unwrap();
    c.get_sub_account_list().await.unwrap();
    c.update_sub_account(bound.address().to_string()).status(SubAccountStatus::Frozen).await.unwrap();
    c.sub_account_transfer(child.address().to_string(), "USDT", dec("100"), SubTransferKind::FutureFuture)
        .await
        .unwrap();
    let child_client = client_for(&sb.base_url(), 0x51, 0x53);
    child_client
        .register_and_approve_agent(
            "child-bot",
            wallet_key(0x53).address().to_string(),
            unix_ms() + 60_000,
            56,
            true,
            true,
            false,
        )
        .await
        .unwrap();
    let batch_id = child_client.migrate_user_assets().await.unwrap().batch_id.unwrap();
    c.migrate_user_assets_history(batch_id).await.unwrap();

    // Agents and builders, approved by the main wallet's typed signatures.
    let agent = wallet_key(0xd5).address().to_string();
    c.approve_agent("bot-2", &agent, unix_ms() + 60_000, true, true, false, 56).await.unwrap();
    c.update_agent(&agent, true, false, false, 56).await.unwrap();
    assert!(c.get_agents().await.unwrap().iter().any(|a| a.agent_address.eq_ignore_ascii_case(&agent)));
    c.delete_agent(&agent, 56).await.unwrap();
    let builder = wallet_key(0xd6).address().to_string();
    c.approve_builder(&builder, dec("0.0005"), "b", 56).await.unwrap();
    c.update_builder(&builder, dec("0.0002"), 56).await.unwrap();
    assert_eq!(c.get_builders().await.unwrap().len(), 1);
    c.delete_builder(&builder, 56).await.unwrap();

    // Announcements addressed to this account.
    let acct = sb.with_exchange(|ex| ex.account_by_user(wallet_key(0xa1).address().as_bytes())).unwrap();
    let id = sb.announce("Maintenance", "<p>02:00 to 04:00 UTC</p>", Some(acct));
    assert_eq!(c.get_direct_announcements().await.unwrap().total, 1);
    assert_eq!(c.get_direct_announcement(id).await.unwrap().category, "DIRECT");

    // Withdrawals (the deposit and withdrawal guide): limits, history, and a withdrawal to
    // the account's own address signed by another key, refused; the account has no Solana
    // wallet.
    assert!(c.withdraw_info().await.unwrap().balances.contains_key("USDT"));
    assert!(c.deposit_withdraw_history().await.unwrap().is_empty());
    let own = wallet_key(0xa1).address().to_string();
    let forged = c
        .withdraw(aster::WithdrawChain::Bsc, "USDT", dec("5"), dec("1"), 1, own, format!("0x{}", "11".repeat(65)))
        .await
        .unwrap_err();
    assert_eq!(forged.error_code(), Some(-1022));
    // The demo account has no Solana wallet: a withdrawal to one is refused.
    let no_wallet = c.solana_withdraw(aster::SolanaChain::Solana, "USDT", dec("3"), dec("0.6"), common::FOREIGN_SOLANA);
    assert_eq!(common::refused_code(no_wallet.await), Some(-1130));

    // User data stream keys.
    let listen = c.new_listen_key().await.unwrap().listen_key;
    c.renew_listen_key().listen_key(listen.clone()).await.unwrap();
    c.close_listen_key().listen_key(listen).await.unwrap();

    let missing = common::uncalled(&sb, v3::ENDPOINTS);
    assert!(missing.is_empty(), "not called: {missing:?}");
    // The 71 of the V3 reference, the 8 agent and builder endpoints of the exchange's demo
    // and the 4 of the withdrawal guide.
    assert_eq!(v3::ENDPOINTS.len(), 83);
}
