//! Every market-data endpoint through its generated method, decoded into its model.

mod common;
use aster::{KlineInterval, OneOrMany};
use common::*;

#[tokio::test]
async fn connectivity_and_time() {
    let sb = sandbox().await;
    let c = public(&sb);
    c.ping().await.unwrap();
    let t = c.time().await.unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    assert!((t.server_time - now).abs() < 5_000, "server time {} vs local {now}", t.server_time);
}

#[tokio::test]
async fn exchange_info_has_symbols_and_filters() {
    let sb = sandbox().await;
    let info = public(&sb).exchange_info().await.unwrap();
    let btc = info.symbols.iter().find(|s| s.symbol == "BTCUSDT").expect("BTCUSDT listed");
    assert_eq!(btc.contract_type, aster::ContractType::Perpetual);
    let tick = btc.filters.iter().find(|f| f.filter_type == "PRICE_FILTER").and_then(|f| f.tick_size).unwrap();
    assert_eq!(tick, dec("0.1"));
    assert!(info.rate_limits.iter().any(|r| r.rate_limit_type == aster::RateLimitType::RequestWeight));
    assert!(btc.order_types.contains(&aster::OrderType::TrailingStopMarket));
}

#[tokio::test]
async fn depth_respects_limit_and_is_sorted() {
    let sb = sandbox().await;
    let book = public(&sb).depth("BTCUSDT").limit(10).await.unwrap();
    assert_eq!(book.bids.len(), 10);
    assert_eq!(book.asks.len(), 10);
    assert!(book.bids.windows(2).all(|w| w[0].price > w[1].price));
    assert!(book.asks.windows(2).all(|w| w[0].price < w[1].price));
    assert!(book.bids[0].price < book.asks[0].price);
}

#[tokio::test]
async fn depth_rejects_a_limit_outside_the_allowed_values_before_sending() {
    let sb = sandbox().await;
    let before = sb.request_count();
    let err = public(&sb).depth("BTCUSDT").limit(7).await.unwrap_err();
    assert!(matches!(err, aster::Error::ParameterValue { ref name, .. } if name == "limit"), "{err}");
    assert_eq!(sb.request_count(), before, "nothing may be sent");
}

#[tokio::test]
async fn trades_historical_and_aggregate() {
    let sb = sandbox().await;
    let pub_ = public(&sb);
    let trades = pub_.trades("BTCUSDT").limit(5).await.unwrap();
    assert_eq!(trades.len(), 5);
    let first = trades[0].id;
    let historical = signed(&sb).historical_trades("BTCUSDT").from_id(first).limit(3).await.unwrap();
    assert_eq!(historical.iter().map(|t| t.id).collect::<Vec<_>>(), vec![first, first + 1, first + 2]);
    let agg = pub_.agg_trades("BTCUSDT").limit(10).await.unwrap();
    assert!(!agg.is_empty());
    assert!(agg.iter().all(|a| a.first_trade_id <= a.last_trade_id));
}

#[tokio::test]
async fn historical_trades_needs_an_api_key() {
    let sb = sandbox().await;
    let err = public(&sb).historical_trades("BTCUSDT").await.unwrap_err();
    assert!(matches!(err, aster::Error::MissingCredentials { .. }), "{err}");
}

#[tokio::test]
async fn klines_of_every_interval_and_kind() {
    let sb = sandbox().await;
    let c = public(&sb);
    for interval in KlineInterval::ALL {
        let k = c.klines("BTCUSDT", interval.clone()).limit(3).await.unwrap();
        assert_eq!(k.len(), 3, "{interval}");
        assert!(k.windows(2).all(|w| w[0].open_time < w[1].open_time));
        assert!(k.iter().all(|c| c.low <= c.open && c.open <= c.high && c.low <= c.close && c.close <= c.high));
    }
    let start = 1_700_000_000_000;
    let a = c.mark_price_klines("ETHUSDT", KlineInterval::Hour1).start_time(start).limit(4).await.unwrap();
    let b = c.mark_price_klines("ETHUSDT", KlineInterval::Hour1).start_time(start).limit(4).await.unwrap();
    assert_eq!(a, b, "history is deterministic");
    assert!(a[0].open_time >= start);
    let idx = c.index_price_klines("BNBUSDT", KlineInterval::Minute15).limit(2).await.unwrap();
    assert_eq!(idx.len(), 2);
}

#[tokio::test]
async fn mark_price_one_or_all() {
    let sb = sandbox().await;
    let c = public(&sb);
    match c.mark_price().symbol("BTCUSDT").await.unwrap() {
        OneOrMany::One(m) => assert_eq!(m.symbol, "BTCUSDT"),
        other => panic!("expected one object, got {other:?}"),
    }
    assert_eq!(c.mark_price().await.unwrap().into_vec().len(), 3);
}

#[tokio::test]
async fn funding_history_and_info() {
    let sb = sandbox().await;
    let c = public(&sb);
    let rates = c.funding_rate().symbol("BTCUSDT").limit(5).await.unwrap();
    assert_eq!(rates.len(), 5);
    assert!(rates.windows(2).all(|w| w[1].funding_time - w[0].funding_time == 8 * 3_600_000));
    let info = c.funding_info().await.unwrap();
    assert_eq!(info.len(), 3);
    assert_eq!(info[0].funding_interval_hours, 8);
}

#[tokio::test]
async fn tickers() {
    let sb = sandbox().await;
    let c = public(&sb);
    let t = c.ticker_24hr_price_change().symbol("ETHUSDT").await.unwrap().into_vec();
    assert_eq!(t[0].symbol, "ETHUSDT");
    assert!(t[0].low_price <= t[0].high_price);
    assert_eq!(c.ticker_24hr_price_change().await.unwrap().into_vec().len(), 3);
    let p = c.ticker_price().symbol("BNBUSDT").await.unwrap().into_vec();
    assert!(p[0].price > aster::Decimal::ZERO);
    let b = c.book_ticker().symbol("BTCUSDT").await.unwrap().into_vec();
    assert!(b[0].bid_price < b[0].ask_price);
    assert_eq!(c.book_ticker().await.unwrap().into_vec().len(), 3);
}

#[tokio::test]
async fn unknown_symbol_is_a_client_error_with_the_exchange_code() {
    let sb = sandbox().await;
    let err = public(&sb).depth("NOPEUSDT").await.unwrap_err();
    match err {
        aster::Error::Client { status_code, error_code, error_message, .. } => {
            assert_eq!((status_code, error_code), (400, Some(-1121)));
            assert_eq!(error_message, "Invalid symbol.");
        }
        other => panic!("expected a client error, got {other}"),
    }
}

#[tokio::test]
async fn raw_and_meta_forms() {
    let sb = sandbox().await;
    let c = aster::Client::builder().base_url(sb.base_url()).show_header(true).build().unwrap();
    let raw = c.depth("BTCUSDT").limit(5).raw().await.unwrap();
    assert_eq!(raw["bids"].as_array().map(Vec::len), Some(5));
    let meta = c.depth("BTCUSDT").limit(1000).send_with_meta().await.unwrap();
    assert_eq!(meta.status, 200);
    assert!(meta.limit_usage.weight_1m().unwrap() >= 20, "depth 1000 weighs 20: {:?}", meta.limit_usage);
    assert!(meta.headers.contains_key("x-mbx-used-weight-1m"));
}
