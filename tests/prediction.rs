//! The prediction market through `aster::prediction::Client` against the sandbox's
//! prediction host: every endpoint of the spec answered with success, outcome tokens
//! minted, traded and settled with the books kept straight, split and merge, and the
//! prediction host's streams.

mod common;

use aster::prediction::models::{PredictionExchangeInfo, PredictionPosition};
use aster::prediction::{self, PredictionKlineInterval, PredictionOrderType, PredictionTransactionType};
use aster::spot::models::SpotAccount;
use aster::spot::WithdrawChain;
use aster::{Decimal, Side, TimeInForce, TransferKind};
use aster_sandbox::{Sandbox, DEMO_USER};
use common::{dec, next_ok, sandbox};

const ROUND: &str = "BTC_UP_DOWN_5M_1778483280";
const YES: &str = "BTC_UP_DOWN_5M_1778483280_YUSDT";
const NO: &str = "BTC_UP_DOWN_5M_1778483280_NUSDT";

fn client(sb: &Sandbox) -> prediction::Client {
    prediction::Client::builder()
        .base_url(sb.prediction_url())
        .user(DEMO_USER)
        .signer(aster_sandbox::DEMO_SIGNER)
        .private_key(aster_sandbox::DEMO_SIGNER_KEY)
        .build()
        .unwrap()
}

fn free(account: &SpotAccount, asset: &str) -> Decimal {
    account.balances.iter().find(|b| b.asset == asset).map(|b| b.free).unwrap_or_default()
}

fn position<'a>(list: &'a [PredictionPosition], symbol: &str) -> Option<&'a PredictionPosition> {
    list.iter().find(|p| p.symbol == symbol)
}

#[tokio::test]
async fn every_prediction_endpoint_answers_through_the_typed_client() {
    let sb = sandbox().await;
    let c = client(&sb);
    c.noop().await.unwrap();
    c.ping().await.unwrap();
    c.time().await.unwrap();
    let info: PredictionExchangeInfo = c.exchange_info().await.unwrap();
    assert_eq!(info.symbols.len(), 8, "a YES and a NO pair for each of the four markets");
    let events = info.prediction_events.expect("the events");
    assert_eq!(events.len(), 2);
    assert!(events[0].live_round.as_ref().is_some_and(|r| r.symbols == [YES, NO]));
    assert_eq!(events[1].markets.as_ref().map(Vec::len), Some(3));
    c.depth(YES).limit(5).await.unwrap();
    c.trades(YES).await.unwrap();
    c.historical_trades(YES).limit(5).await.unwrap();
    c.agg_trades(YES).await.unwrap();
    assert!(!c.klines(YES, PredictionKlineInterval::Second1).await.unwrap().is_empty());
    c.ticker_24hr_price_change().symbol(YES).await.unwrap();
    c.ticker_price().await.unwrap();
    c.book_ticker().symbol(NO).await.unwrap();
    c.commission_rate(YES).await.unwrap();

    let o = c
        .new_order(NO, Side::Buy, PredictionOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("10"))
        .price(dec("0.400"))
        .await
        .unwrap();
    c.query_order(NO).order_id(o.order_id).await.unwrap();
    c.get_open_orders(NO).order_id(o.order_id).await.unwrap();
    assert_eq!(c.get_orders().await.unwrap().len(), 1);
    c.cancel_order(NO).order_id(o.order_id).await.unwrap();
    c.cancel_open_orders(NO).await.unwrap();
    c.get_all_orders(NO).await.unwrap();
    c.new_order(YES, Side::Buy, PredictionOrderType::Market).quote_order_qty(dec("11")).await.unwrap();
    assert_eq!(c.get_account_trades().symbol(YES).await.unwrap().len(), 1);
    c.futures_transfer(dec("2"), "USDT", "prediction-every-1", TransferKind::SpotFuture).await.unwrap();
    let moved = c.transaction_history().kind(PredictionTransactionType::TransferSpotToFuture).await.unwrap();
    assert_eq!(moved.len(), 1);
    c.withdraw_fee(WithdrawChain::Arbitrum, "USDT").await.unwrap();
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

    c.mint(YES, dec("10")).await.unwrap();
    c.burn(YES, dec("5")).new_client_order_id("burn-1").await.unwrap();
    c.split("EVENT4", "EVENT4_ALGERIA_WIN_NUSDT", dec("3")).await.unwrap();
    c.merge("EVENT4", dec("3")).await.unwrap();
    assert!(!c.positions().await.unwrap().is_empty());
    c.position_history().limit(10).await.unwrap();
    c.settlement_history().await.unwrap();

    let left = common::uncalled(&sb, prediction::ENDPOINTS);
    assert!(left.is_empty(), "not called: {left:?}");
}

#[tokio::test]
async fn minted_tokens_trade_and_settle_with_the_books_kept_straight() {
    let sb = sandbox().await;
    let c = client(&sb);
    let start = free(&c.account().await.unwrap(), "USDT");
    let minted = c.mint(YES, dec("10")).await.unwrap();
    assert_eq!((minted.yes_price, minted.no_price), (Some(dec("0.55")), Some(dec("0.45"))));
    assert_eq!((minted.quote_amount, minted.pair_count), (dec("10"), dec("10")));
    let account = c.account().await.unwrap();
    assert_eq!(free(&account, "USDT"), start - dec("10"));
    assert_eq!((free(&account, &format!("{ROUND}_Y")), free(&account, &format!("{ROUND}_N"))), (dec("10"), dec("10")));
    let held = c.positions().await.unwrap();
    assert_eq!(position(&held, YES).map(|p| (p.open_avg_price, p.cum_qty)), Some((dec("0.55"), dec("10"))));
    assert_eq!(position(&held, NO).map(|p| p.side.clone()), Some(prediction::PredictionPositionSide::No));

    // Selling the NO tokens closes that position.
    let sold = c.new_order(NO, Side::Sell, PredictionOrderType::Market).quantity(dec("10")).await.unwrap();
    assert_eq!(sold.executed_qty, dec("10"));
    let held = c.positions().await.unwrap();
    assert!(position(&held, NO).is_none() && position(&held, YES).is_some(), "{held:?}");
    let closed = c.position_history().await.unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!((closed[0].symbol.as_str(), closed[0].status.as_str(), closed[0].close_qty), (NO, "close", dec("10")));

    // YES wins: each token pays 1 less the 1% settlement fee, and the market closes.
    let before = free(&c.account().await.unwrap(), "USDT");
    assert!(sb.settle_prediction(ROUND, true));
    assert!(!sb.settle_prediction(ROUND, true), "a market settles once");
    let account = c.account().await.unwrap();
    assert_eq!(free(&account, "USDT"), before + dec("9.9"));
    assert_eq!(free(&account, &format!("{ROUND}_Y")), Decimal::ZERO);
    let paid = c.settlement_history().symbol(YES).await.unwrap();
    assert_eq!(paid.len(), 1);
    let p = &paid[0];
    assert_eq!((p.share_amount, p.settle_amount, p.settle_fee_amount), (dec("10"), dec("10"), dec("0.1")));
    assert_eq!((p.entry_price, p.settle_price, p.realized_pnl), (dec("0.55"), dec("1"), dec("4.5")));
    assert!(c.positions().await.unwrap().is_empty());
    let history = c.position_history().await.unwrap();
    assert_eq!(history[0].status, "settled", "newest first");
    assert_eq!(history[0].settle_fee, Some(dec("0.1")));
    let fees = c.transaction_history().kind(PredictionTransactionType::PredictionSettleFee).await.unwrap();
    assert_eq!(fees.iter().map(|t| t.balance_delta).collect::<Vec<_>>(), [dec("-0.1")]);
    let info = c.exchange_info().await.unwrap();
    let event = &info.prediction_events.unwrap()[0];
    let round = &event.rounds.as_ref().unwrap()[0];
    assert_eq!(round.round_status, prediction::PredictionRoundStatus::Settled);
    assert_eq!(round.win_asset.as_deref(), Some(format!("{ROUND}_Y").as_str()));
    assert!(round.settle_hash.is_some() && event.live_round.is_none());

    // Nothing trades or mints on a settled market.
    let refused = c
        .new_order(YES, Side::Buy, PredictionOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("10"))
        .price(dec("0.5"))
        .await
        .unwrap_err();
    assert_eq!(refused.error_code(), Some(-2010));
    assert_eq!(c.mint(YES, dec("1")).await.unwrap_err().error_code(), Some(-2010));
}

#[tokio::test]
async fn split_and_merge_are_each_others_inverse_and_refuse_what_they_cannot_do() {
    let sb = sandbox().await;
    let c = client(&sb);
    let outcomes = ["EVENT4_ALGERIA_WIN_Y", "EVENT4_ARGENTINA_WIN_Y", "EVENT4_BRAZIL_WIN_Y"];
    let start = free(&c.account().await.unwrap(), "USDT");
    let split = c.split("EVENT4", "EVENT4_ALGERIA_WIN_YUSDT", dec("3")).await.unwrap();
    assert_eq!(split.qty, dec("3"));
    assert_eq!(split.counterparties.len(), 3);
    assert_eq!(split.source_no_last_price, Some(dec("0.85")));
    let account = c.account().await.unwrap();
    assert_eq!(free(&account, "USDT"), start - dec("3"));
    assert!(outcomes.iter().all(|a| free(&account, a) == dec("3")), "{account:?}");

    let merged = c.merge("EVENT4", dec("3")).await.unwrap();
    assert_eq!(merged.qty, dec("3"));
    let account = c.account().await.unwrap();
    assert_eq!(free(&account, "USDT"), start);
    assert!(outcomes.iter().all(|a| free(&account, a).is_zero()));

    // Refused, and nothing moves: more than is held, a fraction, an up/down event.
    assert_eq!(c.merge("EVENT4", dec("1")).await.unwrap_err().error_code(), Some(-2018));
    assert_eq!(c.split("EVENT4", "EVENT4_ALGERIA_WIN_YUSDT", dec("1.5")).await.unwrap_err().error_code(), Some(-1111));
    assert!(c.split("BTC_UP_DOWN_5M", YES, dec("1")).await.is_err());
    assert!(c.burn(YES, dec("1")).await.is_err(), "burning needs both tokens");
    assert_eq!(free(&c.account().await.unwrap(), "USDT"), start);
}

#[tokio::test]
async fn the_prediction_host_streams_rounds_trades_and_the_account() {
    use prediction::streams::UserDataEvent;
    let sb = sandbox().await;
    let c = client(&sb);
    let ws = aster::ws::WsClient::new(sb.prediction_ws_url());
    let mut rounds = ws.subscribe(prediction::streams::prediction_event("BTC_UP_DOWN_5M")).await.unwrap();
    let mut trades = ws.subscribe(prediction::streams::trade(YES)).await.unwrap();
    let mut candles = ws.subscribe(prediction::streams::kline(YES, PredictionKlineInterval::Second1)).await.unwrap();
    let mut account = ws.user_data(&c).await.unwrap();

    assert!(sb.open_prediction_round("BTC_UP_DOWN_5M"));
    let start = next_ok(&mut rounds).await;
    assert_eq!(
        (start.event_type.as_str(), start.yes_symbol.as_str(), start.no_symbol.as_str()),
        ("market_start", YES, NO)
    );
    assert_eq!(start.price, dec("60000.00"), "the oracle pair's price");

    let bought = c.new_order(YES, Side::Buy, PredictionOrderType::Market).quote_order_qty(dec("11")).await.unwrap();
    let t = next_ok(&mut trades).await;
    assert_eq!(t.symbol, YES);
    assert!(bought.executed_qty >= t.qty);
    assert_eq!(next_ok(&mut candles).await.kline.symbol, YES);
    loop {
        if let UserDataEvent::ExecutionReport(r) = next_ok(&mut account).await {
            assert_eq!((r.order_id, r.symbol.as_str()), (bought.order_id, YES));
            break;
        }
    }

    assert!(sb.settle_prediction(ROUND, false));
    let end = next_ok(&mut rounds).await;
    assert_eq!((end.event_type.as_str(), end.winner.as_deref(), end.remaining), ("market_twap", Some("N"), Some(0)));
    ws.stop().await;
}
