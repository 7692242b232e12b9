//! The spot clients (V1 and V3) against the sandbox's spot market over loopback: market
//! data, orders with their balances, filters, transfers seen from both wallets, the docs'
//! HMAC vector, and the spot streams and user data stream.

mod common;

use aster::spot::{self, models::SpotOrderType, SpotDepthSpeed, TransactionType};
use aster::{Error, KlineInterval, OrderStatus, Side, TimeInForce, TransferKind};
use aster_sandbox::{DEMO_SIGNER, DEMO_SIGNER_KEY, DEMO_USER};
use common::{dec, next_ok, sandbox};

use common::{spot_client as client, spot_v3_client as client_v3};

fn free(account: &spot::models::SpotAccount, asset: &str) -> aster::Decimal {
    account.balances.iter().find(|b| b.asset == asset).map(|b| b.free).unwrap_or_default()
}

fn locked(account: &spot::models::SpotAccount, asset: &str) -> aster::Decimal {
    account.balances.iter().find(|b| b.asset == asset).map(|b| b.locked).unwrap_or_default()
}

#[test]
fn spot_clients_default_to_the_spot_host() {
    let c = spot::Client::new();
    assert_eq!(c.base_url(), "https://sapi.asterdex.com");
    let v3 = spot::v3::Client::builder().user(DEMO_USER).private_key(DEMO_SIGNER_KEY).build().unwrap();
    assert_eq!(v3.base_url(), "https://sapi.asterdex.com");
    assert_eq!(spot::ENDPOINTS.len(), 29);
    assert_eq!(spot::v3::ENDPOINTS.len(), 30);
    assert!(spot::ENDPOINTS.iter().all(|e| e.path.starts_with("/api/v1/")));
    assert!(spot::v3::ENDPOINTS.iter().all(|e| e.path.starts_with("/api/v3/")));
}

#[test]
fn the_docs_hmac_example_signs_a_spot_order() {
    // The spot docs' example of POST /api/v1/order, its secret and its signature.
    let secret = "fdde510a2b71fa43a43bff3e3cf7819c8c66df34633d338050f4f59664b3b313";
    let total = "symbol=BNBUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=5&price=1.1&recvWindow=5000&timestamp=1756187806000";
    assert_eq!(aster::sign::sign(secret, total), "e09169bf6c02ec4b29fa1bdc3a967f92c8c6cfcde0551ba1d477b2d3cf4c51b0");
}

#[tokio::test]
async fn spot_market_data_is_typed() {
    let sb = sandbox().await;
    let c = client(&sb);
    c.ping().await.unwrap();
    assert!(c.time().await.unwrap().server_time > 0);
    assert!(c.sync_time().await.unwrap().abs() < 5_000);
    let info = c.exchange_info().await.unwrap();
    let aster_pair = info.symbols.iter().find(|s| s.symbol == "ASTERUSDT").expect("ASTERUSDT is listed");
    assert_eq!(aster_pair.base_asset, "ASTER");
    assert!(aster_pair.order_types.contains(&SpotOrderType::TakeProfitMarket));
    let tick = aster_pair.filters.iter().find(|f| f.filter_type == "PRICE_FILTER").and_then(|f| f.tick_size);
    assert_eq!(tick, Some(dec("0.0001")));
    let book = c.depth("ASTERUSDT").limit(5).await.unwrap();
    assert_eq!(book.bids.len(), 5);
    assert!(book.bids[0].price < book.asks[0].price);
    let price = c.ticker_price().symbol("ASTERUSDT").await.unwrap().into_vec();
    assert_eq!(price[0].price, dec("1.0000"));
    let all = c.book_ticker().await.unwrap().into_vec();
    assert_eq!(all.len(), 3);
    let t24 = c.ticker_24hr_price_change().symbol("ASTERUSDT").await.unwrap().into_vec();
    assert_eq!(t24[0].base_asset.as_deref(), Some("ASTER"));
    // A fee estimate needs no credentials.
    let fee = spot::Client::builder().base_url(sb.base_url()).build().unwrap();
    let est = fee.withdraw_fee(spot::WithdrawChain::Bsc, "USDT").await.unwrap();
    assert!(est.gas_cost > dec("0"));
}

#[tokio::test]
async fn a_limit_order_locks_its_cost_and_a_cancel_frees_it() {
    let sb = sandbox().await;
    let c = client(&sb);
    let before = c.account().await.unwrap();
    let order = c
        .new_order("ASTERUSDT", Side::Buy, SpotOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("100"))
        .price(dec("0.9000"))
        .await
        .unwrap();
    assert_eq!(order.status, OrderStatus::New);
    let during = c.account().await.unwrap();
    assert_eq!(free(&during, "USDT"), free(&before, "USDT") - dec("90"));
    assert_eq!(locked(&during, "USDT"), dec("90"));
    let open = c.get_orders().symbol("ASTERUSDT").await.unwrap();
    assert_eq!(open.len(), 1);
    let by_client_id = c.query_order("ASTERUSDT").orig_client_order_id(order.client_order_id.clone()).await.unwrap();
    assert_eq!(by_client_id.order_id, order.order_id);
    let cancelled = c.cancel_order("ASTERUSDT").order_id(order.order_id).await.unwrap();
    assert_eq!(cancelled.status, OrderStatus::Canceled);
    let after = c.account().await.unwrap();
    assert_eq!(free(&after, "USDT"), free(&before, "USDT"));
    assert_eq!(locked(&after, "USDT"), dec("0"));
}

#[tokio::test]
async fn market_orders_fill_by_quantity_or_by_quote_amount() {
    let sb = sandbox().await;
    let c = client(&sb);
    let before = c.account().await.unwrap();
    let sell = c.new_order("ASTERUSDT", Side::Sell, SpotOrderType::Market).quantity(dec("50")).await.unwrap();
    assert_eq!(sell.status, OrderStatus::Filled);
    assert_eq!(sell.executed_qty, dec("50"));
    let buy = c.new_order("ASTERUSDT", Side::Buy, SpotOrderType::Market).quote_order_qty(dec("20")).await.unwrap();
    assert_eq!(buy.status, OrderStatus::Filled);
    let spent = buy.cum_quote.unwrap();
    assert!(spent <= dec("20") && spent > dec("19.9"), "spent {spent}");
    let after = c.account().await.unwrap();
    // Sold 50 ASTER, bought some back; USDT moved by what the two fills said, less fees.
    let got = sell.cum_quote.unwrap();
    let usdt_delta = free(&after, "USDT") - free(&before, "USDT");
    assert!(usdt_delta < got - spent && usdt_delta > got - spent - dec("0.1"), "{usdt_delta}");
    let trades = c.get_account_trades().symbol("ASTERUSDT").await.unwrap();
    assert!(trades.iter().any(|t| t.order_id == sell.order_id && !t.buyer));
    assert!(trades.iter().any(|t| t.order_id == buy.order_id && t.buyer));
    let history = c.transaction_history().kind(TransactionType::TradeTarget).await.unwrap();
    assert!(history.iter().any(|r| r.asset == "USDT" && r.balance_delta > dec("0")));
}

#[tokio::test]
async fn what_an_order_type_needs_is_checked_before_sending() {
    let sb = sandbox().await;
    let c = client(&sb);
    let before = sb.request_count();
    let e = c.new_order("ASTERUSDT", Side::Buy, SpotOrderType::Market).await.unwrap_err();
    assert!(matches!(&e, Error::ParameterRequired { name, .. } if name == "quantity or quoteOrderQty"), "{e:?}");
    let e = c.new_order("ASTERUSDT", Side::Buy, SpotOrderType::StopMarket).quantity(dec("10")).await.unwrap_err();
    assert!(matches!(&e, Error::ParameterRequired { name, .. } if name == "stopPrice"), "{e:?}");
    assert_eq!(sb.request_count(), before, "nothing was sent");
}

#[tokio::test]
async fn the_exchange_filters_and_balances_are_enforced() {
    let sb = sandbox().await;
    let c = client(&sb);
    let limit = |qty: &str, price: &str| {
        c.new_order("ASTERUSDT", Side::Buy, SpotOrderType::Limit)
            .time_in_force(TimeInForce::Gtc)
            .quantity(dec(qty))
            .price(dec(price))
    };
    assert_eq!(limit("100", "0.90005").await.unwrap_err().error_code(), Some(-4014), "tick size");
    assert_eq!(limit("100.001", "0.9").await.unwrap_err().error_code(), Some(-4023), "step size");
    assert_eq!(limit("1", "0.9").await.unwrap_err().error_code(), Some(-4164), "min notional");
    assert_eq!(limit("100", "1.2").await.unwrap_err().error_code(), Some(-4016), "percent price, above");
    assert_eq!(limit("100", "0.8").await.unwrap_err().error_code(), Some(-4024), "percent price, below");
    let btc = c
        .new_order("BTCUSDT", Side::Buy, SpotOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("1"))
        .price(dec("60000.00"))
        .await
        .unwrap_err();
    assert_eq!(btc.error_code(), Some(-2018), "balance: 60,000 USDT is more than the account has");
    let market = c.new_order("ASTERUSDT", Side::Sell, SpotOrderType::Market).quantity(dec("600")).await.unwrap_err();
    assert_eq!(market.error_code(), Some(-4005), "market lot size");
    let stop = c
        .new_order("ASTERUSDT", Side::Buy, SpotOrderType::StopMarket)
        .quantity(dec("10"))
        .stop_price(dec("0.5"))
        .await
        .unwrap_err();
    assert_eq!(stop.error_code(), Some(-2021), "a buy stop below the price would trigger at once");
}

#[tokio::test]
async fn a_stop_order_waits_for_its_price_and_then_trades() {
    let sb = sandbox().await;
    let c = client(&sb);
    let stop = c
        .new_order("ASTERUSDT", Side::Buy, SpotOrderType::StopMarket)
        .quantity(dec("10"))
        .stop_price(dec("1.1"))
        .await
        .unwrap();
    assert_eq!(stop.status, OrderStatus::New);
    sb.set_spot_price("ASTERUSDT", dec("1.2"));
    let done = c.query_order("ASTERUSDT").order_id(stop.order_id).await.unwrap();
    assert_eq!(done.status, OrderStatus::Filled);
    assert!(done.avg_price.unwrap() >= dec("1.2"));
}

#[tokio::test]
async fn a_transfer_is_seen_from_both_wallets() {
    let sb = sandbox().await;
    let spot_c = client(&sb);
    let futures = common::signed(&sb);
    let usdt = |b: &[aster::models::Balance]| b.iter().find(|b| b.asset == "USDT").map(|b| b.balance).unwrap();
    let (spot_before, fut_before) = (spot_c.account().await.unwrap(), futures.balance().await.unwrap());
    let to_futures = spot_c.futures_transfer(dec("250"), "USDT", "t-1", TransferKind::SpotFuture).await.unwrap();
    assert_eq!(to_futures.status, "SUCCESS");
    let (spot_mid, fut_mid) = (spot_c.account().await.unwrap(), futures.balance().await.unwrap());
    assert_eq!(free(&spot_mid, "USDT"), free(&spot_before, "USDT") - dec("250"));
    assert_eq!(usdt(&fut_mid), usdt(&fut_before) + dec("250"));
    // And back, this time from the futures side.
    futures.futures_transfer(dec("100"), "USDT", "t-2", TransferKind::FutureSpot).await.unwrap();
    let (spot_after, fut_after) = (spot_c.account().await.unwrap(), futures.balance().await.unwrap());
    assert_eq!(free(&spot_after, "USDT"), free(&spot_mid, "USDT") + dec("100"));
    assert_eq!(usdt(&fut_after), usdt(&fut_mid) - dec("100"));
    // A repeated transfer id moves nothing: a retry can never move funds twice.
    let again = spot_c.futures_transfer(dec("250"), "USDT", "t-1", TransferKind::SpotFuture).await.unwrap_err();
    assert_eq!(again.error_code(), Some(-4115));
    // More than the spot wallet holds is refused, and nothing moves.
    let too_much = spot_c.futures_transfer(dec("1000000"), "USDT", "t-3", TransferKind::SpotFuture).await.unwrap_err();
    assert_eq!(too_much.error_code(), Some(-2018));
    assert_eq!(free(&spot_c.account().await.unwrap(), "USDT"), free(&spot_after, "USDT"));
    let records = spot_c.transaction_history().asset("USDT").await.unwrap();
    assert!(records.iter().any(|r| r.kind == TransactionType::TransferSpotToFuture && r.balance_delta == dec("-250")));
    assert!(records.iter().any(|r| r.kind == TransactionType::TransferFutureToSpot && r.balance_delta == dec("100")));
}

#[tokio::test]
async fn spot_v3_signs_with_the_api_wallet() {
    let sb = sandbox().await;
    let c = client_v3(&sb);
    c.sync_time().await.unwrap();
    let order = c
        .new_order("ETHUSDT", Side::Sell, SpotOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.5"))
        .price(dec("3400.00"))
        .await
        .unwrap();
    assert_eq!(order.status, OrderStatus::New);
    let account = c.account().await.unwrap();
    assert_eq!(locked(&account, "ETH"), dec("0.5"));
    c.cancel_open_orders("ETHUSDT").await.unwrap();
    assert!(c.get_orders().await.unwrap().is_empty());
    c.noop().await.unwrap();
    // A wallet the exchange does not know is refused.
    let stranger = spot::v3::Client::builder()
        .base_url(sb.base_url())
        .user(DEMO_USER)
        .private_key(common::wallet_key_hex(7))
        .build()
        .unwrap();
    assert!(stranger.account().await.is_err());
}

#[tokio::test]
async fn a_withdrawal_is_signed_by_the_main_wallet() {
    let main = common::wallet_key(9);
    let mut cfg = aster_sandbox::SandboxConfig::default();
    cfg.accounts[0].wallet =
        Some(aster_sandbox::WalletAccount { user: main.address().to_string(), signers: vec![DEMO_SIGNER.into()] });
    let sb = common::sandbox_with(cfg).await;
    let c = client(&sb);
    let nonce = common::unix_ms() as u64 * 1000;
    let withdrawal = aster::spot::Withdrawal {
        chain: spot::WithdrawChain::Bsc,
        receiver: main.address(),
        asset: "USDT",
        // Written with trailing zeros: signed and sent as `10.5` and `1`.
        amount: dec("10.500"),
        fee: dec("1.0"),
        nonce,
        environment: aster::Environment::Mainnet,
    };
    let signature = aster::spot::withdraw_signature(&main, &withdrawal).unwrap();
    let before = free(&c.account().await.unwrap(), "USDT");
    let send = |sig: String| {
        c.withdraw(
            spot::WithdrawChain::Bsc,
            "USDT",
            dec("10.500"),
            dec("1.0"),
            main.address().to_string(),
            nonce.to_string(),
            sig,
        )
    };
    // Another key's signature is refused and moves nothing.
    let forged = aster::spot::withdraw_signature(&common::wallet_key(8), &withdrawal).unwrap();
    assert_eq!(send(forged).await.unwrap_err().error_code(), Some(-1022));
    let done = send(signature).await.unwrap();
    assert!(!done.withdraw_id.is_empty());
    assert_eq!(free(&c.account().await.unwrap(), "USDT"), before - dec("11.5"));
}

#[tokio::test]
async fn spot_streams_are_typed() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ws = aster::ws::WsClient::new(sb.spot_ws_url());
    let mut trades = ws.subscribe(spot::streams::trade("ASTERUSDT")).await.unwrap();
    let mut aggs = ws.subscribe(spot::streams::agg_trade("ASTERUSDT")).await.unwrap();
    let mut book = ws
        .subscribe(spot::streams::partial_book_depth("ASTERUSDT", aster::DepthLevels::Levels5, SpotDepthSpeed::Ms100))
        .await
        .unwrap();
    let mut kline = ws.subscribe(spot::streams::kline("ASTERUSDT", KlineInterval::Minute1)).await.unwrap();
    let mut all_tickers = ws.subscribe(spot::streams::all_ticker()).await.unwrap();
    let depth = next_ok(&mut book).await;
    assert_eq!(depth.bids.len(), 5, "partial depth reads the docs' bids/asks keys");
    let sold = c.new_order("ASTERUSDT", Side::Sell, SpotOrderType::Market).quantity(dec("20")).await.unwrap();
    let t = next_ok(&mut trades).await;
    assert_eq!((t.symbol.as_str(), t.is_buyer_maker), ("ASTERUSDT", true));
    let a = next_ok(&mut aggs).await;
    assert_eq!(a.symbol, "ASTERUSDT");
    assert!(sold.executed_qty >= t.qty);
    assert_eq!(next_ok(&mut kline).await.kline.interval, KlineInterval::Minute1);
    assert_eq!(next_ok(&mut all_tickers).await.len(), 3);
    ws.stop().await;
}

#[tokio::test]
async fn the_spot_user_data_stream_carries_orders_and_balances() {
    use spot::streams::UserDataEvent;
    let sb = sandbox().await;
    let c = client(&sb);
    let ws = aster::ws::WsClient::new(sb.spot_ws_url());
    let mut events = ws.user_data(&c).await.unwrap();
    let order = c
        .new_order("ASTERUSDT", Side::Buy, SpotOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("10"))
        .price(dec("0.9000"))
        .await
        .unwrap();
    let mut saw_new = false;
    let mut saw_locked = false;
    while !(saw_new && saw_locked) {
        match next_ok(&mut events).await {
            UserDataEvent::ExecutionReport(r) => {
                assert_eq!(r.order_id, order.order_id);
                assert_eq!(r.execution_type, aster::ExecutionType::New);
                saw_new = true;
            }
            UserDataEvent::AccountPosition(p) => {
                let usdt = p.balances.iter().find(|b| b.asset == "USDT").expect("USDT changed");
                assert_eq!(usdt.locked, dec("9"));
                saw_locked = true;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // The V3 client reads the same account's stream with wallet-signed listen keys.
    let v3 = client_v3(&sb);
    let mut v3_events = ws.user_data(&v3).await.unwrap();
    v3.cancel_order("ASTERUSDT").order_id(order.order_id).await.unwrap();
    loop {
        if let spot::v3::streams::UserDataEvent::ExecutionReport(r) = next_ok(&mut v3_events).await {
            assert_eq!(r.status, OrderStatus::Canceled);
            break;
        }
    }
    ws.stop().await;
}

#[tokio::test]
async fn a_spot_user_data_gap_is_announced_and_followed_by_a_snapshot() {
    use futures_util::StreamExt;
    use spot::streams::UserDataEvent;
    let sb = sandbox().await;
    let c = client(&sb);
    let ws = aster::ws::WsClient::new(sb.spot_ws_url());
    let mut events = ws.user_data(&c).await.unwrap();
    let order = c
        .new_order("BTCUSDT", Side::Buy, SpotOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.01"))
        .price(dec("52000.00"))
        .await
        .unwrap();
    sb.drop_ws_connections();
    let (mut announced, mut snapshot) = (false, None);
    while snapshot.is_none() {
        match tokio::time::timeout(std::time::Duration::from_secs(10), events.next()).await.expect("an item in time") {
            Some(Err(aster::ws::WsError::Reconnecting(_))) => announced = true,
            Some(Ok(UserDataEvent::AccountSnapshot(s))) => snapshot = Some(s),
            Some(_) => {}
            None => panic!("the stream ended"),
        }
    }
    assert!(announced, "the gap is announced before the snapshot");
    let s = snapshot.unwrap();
    assert_eq!(s.open_orders.iter().map(|o| o.order_id).collect::<Vec<_>>(), [order.order_id]);
    let usdt = s.balances.iter().find(|b| b.asset == "USDT").expect("USDT balance");
    assert_eq!(usdt.locked, dec("520"));
    ws.stop().await;
}

#[tokio::test]
async fn every_client_is_one_type_built_the_same_way() {
    // One type over an API marker: the same constructor shape for every API.
    let _: aster::ApiClient<aster::api::SpotV3> = aster::spot::v3::Client::new();
    let _: fn() -> aster::v3::ClientBuilder = aster::v3::Client::builder;
    assert_eq!(aster::Client::new().base_url(), aster::DEFAULT_BASE_URL);
    assert_eq!(spot::Client::new().base_url(), spot::DEFAULT_BASE_URL);
    assert_eq!(spot::v3::Client::new().base_url(), "https://sapi.asterdex.com");
    let testnet = aster::v3::Client::builder().environment(aster::Environment::Testnet).build().unwrap();
    assert_eq!(testnet.base_url(), "https://fapi.asterdex-testnet.com");

    // A V3 client without an API wallet serves market data; a signed call is refused
    // before anything is sent (the host is a closed loopback port).
    let public = spot::v3::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
    assert_eq!((public.user(), public.signer()), (None, None));
    let e = public.account().await.unwrap_err();
    assert!(matches!(e, aster::Error::MissingCredentials { .. }), "{e:?}");

    // Half an identity is refused when building, not when trading.
    let e = spot::v3::Client::builder().user("0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e").build().unwrap_err();
    assert!(e.to_string().contains("private key"), "{e}");
}

#[tokio::test]
async fn balances_always_equal_the_start_plus_the_transaction_history() {
    // A seeded run of limit and market orders, cancels and transfers; afterwards every
    // balance is its start plus the deltas the transaction history lists, and what is
    // locked is exactly what the open orders hold.
    let sb = sandbox().await;
    let c = client(&sb);
    let futures = common::signed(&sb);
    let mut seed: u64 = 0x5eed;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for i in 0..80 {
        let side = if next(2) == 0 { Side::Buy } else { Side::Sell };
        let _ = match next(6) {
            0 | 1 => {
                let price = dec("0.9000") + aster::Decimal::new(next(2000) as i64, 4);
                c.new_order("ASTERUSDT", side, SpotOrderType::Limit)
                    .time_in_force(TimeInForce::Gtc)
                    .quantity(aster::Decimal::from(10 + next(50)))
                    .price(price)
                    .await
                    .map(|_| ())
            }
            2 => c
                .new_order("ASTERUSDT", side, SpotOrderType::Market)
                .quantity(aster::Decimal::from(5 + next(30)))
                .await
                .map(|_| ()),
            3 => c
                .new_order("ETHUSDT", side, SpotOrderType::Market)
                .quote_order_qty(aster::Decimal::from(10 + next(40)))
                .await
                .map(|_| ()),
            4 => match c.get_orders().await.unwrap().first() {
                Some(o) => c.cancel_order(o.symbol.clone()).order_id(o.order_id).await.map(|_| ()),
                None => Ok(()),
            },
            _ => {
                let kind = if next(2) == 0 { TransferKind::SpotFuture } else { TransferKind::FutureSpot };
                futures
                    .futures_transfer(aster::Decimal::from(1 + next(20)), "USDT", format!("ledger-{i}"), kind)
                    .await
                    .map(|_| ())
            }
        };
    }
    let start: std::collections::BTreeMap<&str, aster::Decimal> =
        [("USDT", dec("10000")), ("BTC", dec("1")), ("ETH", dec("10")), ("ASTER", dec("10000"))].into();
    let history = c.transaction_history().limit(1000).await.unwrap();
    assert!(history.len() > 20, "the run made history: {}", history.len());
    let account = c.account().await.unwrap();
    let open = c.get_orders().await.unwrap();
    for b in &account.balances {
        let deltas: aster::Decimal = history.iter().filter(|r| r.asset == b.asset).map(|r| r.balance_delta).sum();
        let expected = start.get(b.asset.as_str()).copied().unwrap_or_default() + deltas;
        assert_eq!(b.free + b.locked, expected, "{}: free {} locked {}", b.asset, b.free, b.locked);
        assert!(b.free >= dec("0") && b.locked >= dec("0"), "{}", b.asset);
        let held: aster::Decimal = open
            .iter()
            .filter(|o| o.symbol.ends_with(&b.asset) && o.side == Side::Buy)
            .map(|o| (o.orig_qty - o.executed_qty) * o.price)
            .chain(
                open.iter()
                    .filter(|o| o.symbol.starts_with(&b.asset) && o.side == Side::Sell)
                    .map(|o| o.orig_qty - o.executed_qty),
            )
            .sum();
        assert_eq!(b.locked, held, "{} locked", b.asset);
    }
}

#[tokio::test]
async fn every_spot_stream_helper_names_a_stream_that_delivers() {
    use spot::streams as s;
    let sb = sandbox().await;
    let c = client(&sb);
    let ws = aster::ws::WsClient::new(sb.spot_ws_url());
    // Trades keep happening so that event-driven streams have something to say.
    let trader = {
        let c = c.clone();
        tokio::spawn(async move {
            loop {
                for side in [Side::Buy, Side::Sell] {
                    let _ = c.new_order("ASTERUSDT", side, SpotOrderType::Market).quantity(dec("10")).await;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        })
    };
    let sym = "ASTERUSDT";
    let mut agg = ws.subscribe(s::agg_trade(sym)).await.unwrap();
    let mut trade = ws.subscribe(s::trade(sym)).await.unwrap();
    let mut kline = ws.subscribe(s::kline(sym, KlineInterval::Minute5)).await.unwrap();
    let mut mini = ws.subscribe(s::mini_ticker(sym)).await.unwrap();
    let mut all_mini = ws.subscribe(s::all_mini_ticker()).await.unwrap();
    let mut ticker = ws.subscribe(s::ticker(sym)).await.unwrap();
    let mut all_ticker = ws.subscribe(s::all_ticker()).await.unwrap();
    let mut book = ws.subscribe(s::book_ticker(sym)).await.unwrap();
    let mut all_book = ws.subscribe(s::all_book_ticker()).await.unwrap();
    let mut partial =
        ws.subscribe(s::partial_book_depth(sym, aster::DepthLevels::Levels10, SpotDepthSpeed::Ms1000)).await.unwrap();
    let mut diff = ws.subscribe(s::diff_book_depth(sym, SpotDepthSpeed::Ms100)).await.unwrap();
    assert_eq!(next_ok(&mut agg).await.symbol, sym);
    assert_eq!(next_ok(&mut trade).await.symbol, sym);
    assert_eq!(next_ok(&mut kline).await.kline.interval, KlineInterval::Minute5);
    assert_eq!(next_ok(&mut mini).await.symbol, sym);
    assert_eq!(next_ok(&mut all_mini).await.len(), 3);
    assert_eq!(next_ok(&mut ticker).await.symbol, sym);
    assert_eq!(next_ok(&mut all_ticker).await.len(), 3);
    let top = next_ok(&mut book).await;
    assert!(top.bid_price < top.ask_price);
    assert!(!next_ok(&mut all_book).await.symbol.is_empty());
    assert_eq!(next_ok(&mut partial).await.asks.len(), 10);
    let d = next_ok(&mut diff).await;
    assert_eq!(d.first_update_id, d.prev_final_update_id + 1);
    // V3 adds tradepro.
    let mut pro = ws.subscribe(spot::v3::streams::trade_pro(sym)).await.unwrap();
    assert_eq!(next_ok(&mut pro).await.symbol, sym);
    trader.abort();
    ws.stop().await;
}

#[tokio::test]
async fn a_local_book_kept_from_the_spot_diff_stream_equals_the_exchange() {
    let sb = sandbox().await;
    let c = client(&sb);
    let ws = aster::ws::WsClient::new(sb.spot_ws_url());
    let mut diff = ws.subscribe(spot::streams::diff_book_depth("ETHUSDT", SpotDepthSpeed::Ms100)).await.unwrap();
    let mut local = aster::ws::LocalOrderBook::new();
    let trade = |side| c.new_order("ETHUSDT", side, SpotOrderType::Market).quantity(dec("0.5"));
    // The stream publishes changes from the book it first saw: trade until one arrives.
    // Events buffer until the snapshot, as the docs' procedure says.
    loop {
        use futures_util::StreamExt;
        trade(Side::Buy).await.unwrap();
        if let Ok(Some(Ok(ev))) = tokio::time::timeout(std::time::Duration::from_millis(500), diff.next()).await {
            local.apply(ev).unwrap();
            break;
        }
    }
    local.apply_snapshot(&c.depth("ETHUSDT").limit(1000).await.unwrap()).unwrap();
    for side in [Side::Sell, Side::Sell, Side::Buy] {
        trade(side).await.unwrap();
        local.apply(next_ok(&mut diff).await).unwrap();
    }
    let rest = c.depth("ETHUSDT").limit(1000).await.unwrap();
    // The stream may still owe the last change: apply until it reaches the snapshot's id.
    while local.last_update_id() < Some(rest.last_update_id) {
        local.apply(next_ok(&mut diff).await).unwrap();
    }
    let levels = |l: &[aster::models::PriceLevel]| l.iter().map(|x| (x.price, x.qty)).collect::<Vec<_>>();
    assert_eq!(local.bids().collect::<Vec<_>>(), levels(&rest.bids));
    assert_eq!(local.asks().collect::<Vec<_>>(), levels(&rest.asks));
    ws.stop().await;
}
