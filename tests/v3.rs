//! The V3 client against the sandbox over loopback: API-wallet signing, nonce rules,
//! rejected identities, and the V3-only endpoints.

mod common;

use aster::v3::{self, Client};
use aster::{Error, OrderType, Side, StpMode, TimeInForce};
use aster_sandbox::{Sandbox, DEMO_SIGNER, DEMO_SIGNER_KEY, DEMO_USER};
use common::{dec, sandbox};

fn v3(sb: &Sandbox) -> Client {
    Client::builder()
        .base_url(sb.base_url())
        .user(DEMO_USER)
        .signer(DEMO_SIGNER)
        .private_key(DEMO_SIGNER_KEY)
        .build()
        .expect("client builds")
}

fn code(e: &Error) -> Option<i64> {
    e.error_code()
}

fn now_us() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros() as u64
}

#[tokio::test]
async fn market_data_needs_no_credentials() {
    let sb = sandbox().await;
    // Without a wallet: market data works, a signed call is refused before sending.
    let public = Client::builder().base_url(sb.base_url()).build().unwrap();
    assert!(!public.depth("BTCUSDT").limit(5).await.unwrap().bids.is_empty());
    assert!(matches!(public.balance().await, Err(Error::MissingCredentials { .. })));
    let client = v3(&sb);
    client.ping().await.unwrap();
    assert!(client.time().await.unwrap().server_time > 0);
    let book = client.depth("BTCUSDT").limit(5).await.unwrap();
    assert!(!book.bids.is_empty() && !book.asks.is_empty());
    let refs = client.index_references("BTCUSDT").await.unwrap();
    assert_eq!(refs.symbol, "BTCUSDT");
    assert_eq!(refs.references.iter().map(|r| r.weight).sum::<aster::Decimal>(), dec("1"));
    client.sync_time().await.unwrap();
}

#[tokio::test]
async fn order_lifecycle_with_modify_in_place() {
    let sb = sandbox().await;
    let client = v3(&sb);
    let bid = client.depth("BTCUSDT").limit(5).await.unwrap().bids[0].price;
    let price = (bid * dec("0.95")).round_dp(1);
    let order = client
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.010"))
        .price(price)
        .stp_mode(StpMode::ExpireMaker)
        .await
        .unwrap();
    let new_price = (bid * dec("0.94")).round_dp(1);
    let modified = client.modify_order("BTCUSDT", dec("0.020"), new_price).order_id(order.order_id).await.unwrap();
    assert_eq!(modified.order_id, order.order_id, "modify keeps the order id");
    assert_eq!((modified.orig_qty, modified.price), (dec("0.020"), new_price));
    let queried = client.query_order("BTCUSDT").order_id(order.order_id).await.unwrap();
    assert_eq!(queried.price, new_price);
    // A modify that breaks the tick size is refused and leaves the order as it was.
    let bad = client.modify_order("BTCUSDT", dec("0.020"), new_price + dec("0.05")).order_id(order.order_id).await;
    assert!(matches!(bad, Err(Error::Client { .. })), "{bad:?}");
    assert_eq!(client.query_order("BTCUSDT").order_id(order.order_id).await.unwrap().price, new_price);
    let cancelled = client.cancel_order("BTCUSDT").order_id(order.order_id).await.unwrap();
    assert_eq!(cancelled.status, aster::OrderStatus::Canceled);
    assert!(client.get_orders().symbol("BTCUSDT").await.unwrap().is_empty());
}

#[tokio::test]
async fn account_endpoints_decode() {
    let sb = sandbox().await;
    let client = v3(&sb);
    assert!(client.balance().await.unwrap().iter().any(|b| b.asset == "USDT"));
    let account = client.account().await.unwrap();
    assert!(account.total_wallet_balance > dec("0"));
    client.get_position_risk().symbol("BTCUSDT").await.unwrap();
    client.get_position_mode().await.unwrap();
    client.commission_rate("BTCUSDT").await.unwrap();
    let key = client.new_listen_key().await.unwrap();
    client.renew_listen_key().listen_key(key.listen_key.clone()).await.unwrap();
    client.close_listen_key().listen_key(key.listen_key).await.unwrap();
    assert_eq!(client.get_sub_account_list().await.unwrap().len(), 1);
    assert_eq!(client.get_direct_announcements().page(1).size(20).await.unwrap().total, 0);
}

#[tokio::test]
async fn stp_mode_and_mmp_round_trip() {
    let sb = sandbox().await;
    let client = v3(&sb);
    client.change_stp_mode(StpMode::ExpireBoth).await.unwrap();
    assert_eq!(client.get_stp_mode().await.unwrap().stp_mode, StpMode::ExpireBoth);
    client.update_mmp("BTCUSDT", 5_000, 10_000).qty_limit(10).await.unwrap();
    let mmp = client.get_mmp().symbol("BTCUSDT").await.unwrap();
    assert_eq!((mmp.len(), mmp[0].window_ms, mmp[0].qty_limit), (1, 5_000, Some(10)));
    client.reset_mmp("BTCUSDT").await.unwrap();
    client.delete_mmp("BTCUSDT").await.unwrap();
    assert!(client.get_mmp().await.unwrap().is_empty());
    assert!(client.reset_mmp("BTCUSDT").await.is_err(), "nothing left to reset");
}

#[tokio::test]
async fn a_repeated_nonce_is_refused_as_the_docs_say() {
    let sb = sandbox().await;
    let client = v3(&sb);
    let n = client.next_nonce();
    client.get_stp_mode().nonce(n).await.unwrap();
    let again = client.get_stp_mode().nonce(n).await.unwrap_err();
    assert_eq!(code(&again), Some(-4225), "{again}");
    // The client's own nonces stay above a pinned one.
    client.get_stp_mode().await.unwrap();
}

#[tokio::test]
async fn noop_takes_the_nonce_of_the_request_it_overtakes() {
    let sb = sandbox().await;
    let client = v3(&sb);
    let n = client.next_nonce();
    client.noop().nonce(n).await.unwrap();
    let order = client
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.010"))
        .price(dec("50000"))
        .nonce(n)
        .await
        .unwrap_err();
    assert_eq!(code(&order), Some(-4225), "{order}");
    assert!(client.get_orders().await.unwrap().is_empty(), "the overtaken order was not placed");
}

#[tokio::test]
async fn nonces_too_old_or_too_far_ahead_are_refused() {
    let sb = sandbox().await;
    let client = v3(&sb);
    for nonce in [now_us() - 60_000_000, now_us() + 60_000_000, (now_us() / 1000)] {
        let e = client.get_position_mode().nonce(nonce).await.unwrap_err();
        assert_eq!(code(&e), Some(-4225), "nonce {nonce}: {e}");
    }
}

#[tokio::test]
async fn concurrent_requests_from_many_tasks_and_clones_never_collide() {
    let sb = sandbox().await;
    let client = v3(&sb);
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.get_stp_mode().await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().expect("no nonce was refused");
    }
}

#[tokio::test]
async fn an_api_wallet_the_user_never_approved_is_refused() {
    let sb = sandbox().await;
    let stranger = "0x".to_string() + &"22".repeat(32);
    let client = Client::builder().base_url(sb.base_url()).user(DEMO_USER).private_key(stranger).build().unwrap();
    let e = client.get_stp_mode().await.unwrap_err();
    assert_eq!(code(&e), Some(-2015), "{e}");
}

#[tokio::test]
async fn a_key_that_does_not_match_the_signer_fails_before_sending() {
    let sb = sandbox().await;
    let before = sb.request_count();
    let e = Client::builder()
        .base_url(sb.base_url())
        .user(DEMO_USER)
        .signer(DEMO_SIGNER)
        .private_key("0x".to_string() + &"33".repeat(32))
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e}");
    assert!(e.to_string().contains(DEMO_SIGNER), "{e}");
    assert!(!e.to_string().contains(&"33".repeat(32)));
    assert_eq!(sb.request_count(), before);
}

#[tokio::test]
async fn a_tampered_request_is_refused_with_invalid_signature() {
    let sb = sandbox().await;
    let key = v3::WalletKey::from_hex(DEMO_SIGNER_KEY).unwrap();
    let nonce = now_us();
    let msg = format!("symbol=BTCUSDT&user={DEMO_USER}&signer={DEMO_SIGNER}&nonce={nonce}");
    let sig = key.sign_message(v3::ASTER_CHAIN_ID, &msg);
    let http = aster::http_client_builder().unwrap().build().unwrap();
    let send = |body: String| {
        let http = http.clone();
        let url = format!("{}/fapi/v3/commissionRate?{body}", sb.base_url());
        async move { http.get(url).send().await.unwrap() }
    };
    let tampered = send(format!("{}&signature={sig}", msg.replace("BTCUSDT", "ETHUSDT"))).await;
    assert_eq!(tampered.status(), 400);
    assert!(tampered.text().await.unwrap().contains("-1022"));
    // The untouched request goes through, so the refusal was the tampering.
    assert_eq!(send(format!("{msg}&signature={sig}")).await.status(), 200);
}

#[tokio::test]
async fn main_wallet_endpoints_need_the_main_key() {
    let sb = sandbox().await;
    let e =
        v3(&sb).update_sub_account("0x".to_string() + &"44".repeat(20)).status(aster::SubAccountStatus::Frozen).await;
    assert!(matches!(e, Err(Error::MissingCredentials { .. })), "{e:?}");
}

#[test]
fn debug_never_shows_the_private_key() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .user(DEMO_USER)
        .private_key(DEMO_SIGNER_KEY)
        .main_private_key(DEMO_SIGNER_KEY)
        .build();
    // The main key must belong to the user: refused, and the message names addresses only.
    let e = client.unwrap_err().to_string();
    assert!(!e.contains(&DEMO_SIGNER_KEY[2..]), "{e}");
    let client = v3::Client::builder().user(DEMO_USER).private_key(DEMO_SIGNER_KEY);
    let shown = format!("{client:?}");
    assert!(!shown.contains(&DEMO_SIGNER_KEY[2..]), "{shown}");
    let built = client.base_url("http://127.0.0.1:9").build().unwrap();
    let shown = format!("{built:?}");
    assert!(!shown.contains(&DEMO_SIGNER_KEY[2..]) && shown.contains(DEMO_SIGNER), "{shown}");
}

async fn best(client: &Client) -> (aster::Decimal, aster::Decimal) {
    let book = client.depth("BTCUSDT").limit(5).await.unwrap();
    (book.bids[0].price, book.asks[0].price)
}

/// A sell resting one tick under the house's best ask: the best ask, the account's own.
async fn own_best_ask(client: &Client) -> aster::models::Order {
    let (_, ask) = best(client).await;
    client
        .new_order("BTCUSDT", Side::Sell, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.010"))
        .price(ask - dec("0.1"))
        .await
        .unwrap()
}

async fn buy_ioc(client: &Client, price: aster::Decimal, stp: Option<StpMode>) -> aster::models::Order {
    let mut call = client
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Ioc)
        .quantity(dec("0.010"))
        .price(price);
    if let Some(mode) = stp {
        call = call.stp_mode(mode);
    }
    call.await.unwrap()
}

async fn status(client: &Client, id: i64) -> aster::OrderStatus {
    client.query_order("BTCUSDT").order_id(id).await.unwrap().status
}

#[tokio::test]
async fn self_trade_prevention_per_order_and_account_default() {
    use aster::OrderStatus::{Expired, New};
    let sb = sandbox().await;
    let client = v3(&sb);

    let maker = own_best_ask(&client).await;
    let taker = buy_ioc(&client, maker.price, Some(StpMode::ExpireTaker)).await;
    assert_eq!((status(&client, taker.order_id).await, status(&client, maker.order_id).await), (Expired, New));
    assert_eq!(client.query_order("BTCUSDT").order_id(taker.order_id).await.unwrap().executed_qty, dec("0"));

    let taker = buy_ioc(&client, maker.price, Some(StpMode::ExpireMaker)).await;
    assert_eq!(status(&client, maker.order_id).await, Expired, "the maker gave way");
    assert_eq!(status(&client, taker.order_id).await, Expired, "nothing else at that price: the IOC expired");

    client.change_stp_mode(StpMode::ExpireBoth).await.unwrap();
    let maker = own_best_ask(&client).await;
    let taker = buy_ioc(&client, maker.price, None).await;
    assert_eq!((status(&client, taker.order_id).await, status(&client, maker.order_id).await), (Expired, Expired));
    assert!(client.get_account_trades("BTCUSDT").await.unwrap().is_empty(), "no self-trade happened");
}

#[tokio::test]
async fn a_pegged_order_takes_its_price_from_the_book() {
    let sb = sandbox().await;
    let client = v3(&sb);
    let (bid, _) = best(&client).await;
    let order = client
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.010"))
        .peg_price_type(aster::PegPriceType::Queue1)
        .peg_offset(dec("-0.5"))
        .await
        .unwrap();
    assert_eq!(order.price, bid - dec("0.5"));
    let wrong_sign = client
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.010"))
        .peg_price_type(aster::PegPriceType::Queue1)
        .peg_offset(dec("0.5"))
        .await;
    assert!(matches!(wrong_sign, Err(Error::Client { .. })), "{wrong_sign:?}");
    let unpegged_without_price = client
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.010"))
        .await;
    assert!(matches!(unpegged_without_price, Err(Error::Client { .. })), "{unpegged_without_price:?}");
}

#[tokio::test]
async fn market_maker_protection_freezes_after_its_limit_until_reset() {
    let sb = sandbox().await;
    let client = v3(&sb);
    client.update_mmp("BTCUSDT", 10_000, 60_000).qty_limit(1).await.unwrap();
    let market = |qty: &str| client.new_order("BTCUSDT", Side::Buy, OrderType::Market).quantity(dec(qty));
    market("0.5").await.unwrap();
    market("0.5").await.unwrap();
    let frozen = market("0.01").await.unwrap_err();
    assert_eq!(code(&frozen), Some(-2010), "{frozen}");
    // Other symbols are not frozen.
    client.new_order("ETHUSDT", Side::Buy, OrderType::Market).quantity(dec("0.1")).await.unwrap();
    client.reset_mmp("BTCUSDT").await.unwrap();
    market("0.01").await.unwrap();
}

fn sub(n: u32, side: Side, kind: OrderType) -> v3::StrategySubOrder {
    v3::StrategySubOrder::new(n.to_string(), "USDT_FUTURES", "BTCUSDT", side, kind)
}

async fn strategy(
    client: &Client,
    kind: aster::StrategyType,
    id: i64,
    open: bool,
) -> aster::Result<aster::models::StrategyOrder> {
    if open {
        client.query_strategy_open_order(kind).strategy_id(id).await
    } else {
        client.query_strategy_history_order(kind).strategy_id(id).await
    }
}

#[tokio::test]
async fn oto_places_the_second_order_when_the_first_fills() {
    use aster::StrategyType::Oto;
    let sb = sandbox().await;
    let client = v3(&sb);
    let (_, ask) = best(&client).await;
    let take_profit = (ask * dec("1.05")).round_dp(1);
    let placed = client
        .new_strategy_order(
            Oto,
            vec![
                sub(1, Side::Buy, OrderType::Market).quantity(dec("0.010")),
                sub(2, Side::Sell, OrderType::Limit)
                    .quantity(dec("0.010"))
                    .price(take_profit)
                    .time_in_force(TimeInForce::Gtc),
            ],
        )
        .client_strategy_id("oto-1")
        .await
        .unwrap();
    assert_eq!(placed.strategy_status, "WORKING");
    let s = strategy(&client, Oto, placed.strategy_id, true).await.unwrap();
    assert_eq!(s.sub_orders[0].status, aster::OrderStatus::Filled);
    assert_eq!((&s.sub_orders[1].status, s.sub_orders[1].price), (&aster::OrderStatus::New, take_profit));
    assert!(s.sub_orders[1].order_id > 0 && s.sub_orders[1].trigger_time > 0, "placed by its trigger");
    let open = client.query_order("BTCUSDT").order_id(s.sub_orders[1].order_id).await.unwrap();
    assert_eq!(open.price, take_profit);
}

#[tokio::test]
async fn oco_cancels_the_other_order_when_one_fills() {
    use aster::StrategyType::Oco;
    let sb = sandbox().await;
    let client = v3(&sb);
    let (bid, _) = best(&client).await;
    let placed = client
        .new_strategy_order(
            Oco,
            vec![
                // Priced through the book: it fills as soon as it is placed.
                sub(1, Side::Sell, OrderType::Limit)
                    .quantity(dec("0.010"))
                    .price((bid * dec("0.99")).round_dp(1))
                    .time_in_force(TimeInForce::Gtc),
                sub(2, Side::Sell, OrderType::StopMarket)
                    .quantity(dec("0.010"))
                    .stop_price((bid * dec("0.9")).round_dp(1)),
            ],
        )
        .await
        .unwrap();
    assert!(strategy(&client, Oco, placed.strategy_id, true).await.is_err(), "no longer working");
    let s = strategy(&client, Oco, placed.strategy_id, false).await.unwrap();
    assert_eq!(s.strategy_status, "EXPIRED");
    assert_eq!(s.sub_orders[0].status, aster::OrderStatus::Filled);
    assert_eq!(s.sub_orders[1].status, aster::OrderStatus::Canceled);
    assert!(client.get_orders().symbol("BTCUSDT").await.unwrap().is_empty());
}

#[tokio::test]
async fn otoco_triggers_a_pair_that_then_cancels_each_other_and_updates_in_place() {
    use aster::StrategyType::Otoco;
    let sb = sandbox().await;
    let client = v3(&sb);
    let (bid, ask) = best(&client).await;
    let placed = client
        .new_strategy_order(
            Otoco,
            vec![
                sub(1, Side::Buy, OrderType::Market).quantity(dec("0.010")),
                sub(2, Side::Sell, OrderType::Limit)
                    .quantity(dec("0.010"))
                    .price((ask * dec("1.05")).round_dp(1))
                    .time_in_force(TimeInForce::Gtc),
                sub(3, Side::Sell, OrderType::StopMarket)
                    .quantity(dec("0.010"))
                    .stop_price((bid * dec("0.9")).round_dp(1)),
            ],
        )
        .await
        .unwrap();
    let s = strategy(&client, Otoco, placed.strategy_id, true).await.unwrap();
    assert!(s.sub_orders[1..].iter().all(|o| o.order_id > 0 && o.status == aster::OrderStatus::New), "{s:?}");

    // Moving the take-profit through the book fills it, and the stop is cancelled.
    let through = (bid * dec("0.99")).round_dp(1);
    let update =
        v3::StrategySubOrderUpdate::new("2", "USDT_FUTURES", "BTCUSDT", Side::Sell, OrderType::Limit).price(through);
    let results = client.update_strategy_order(placed.strategy_id, Otoco, vec![update]).await.unwrap();
    assert_eq!(results[0].update_status, "SUCCESS", "{results:?}");
    let s = strategy(&client, Otoco, placed.strategy_id, false).await.unwrap();
    assert_eq!(s.sub_orders[1].status, aster::OrderStatus::Filled);
    assert_eq!(s.sub_orders[2].status, aster::OrderStatus::Canceled);

    // A finished strategy cannot be updated.
    let late = v3::StrategySubOrderUpdate::new("3", "USDT_FUTURES", "BTCUSDT", Side::Sell, OrderType::StopMarket);
    let results = client.update_strategy_order(placed.strategy_id, Otoco, vec![late]).await.unwrap();
    assert_eq!(results[0].update_status, "FAILED");
}

#[tokio::test]
async fn a_strategy_of_the_wrong_shape_is_refused_and_places_nothing() {
    let sb = sandbox().await;
    let client = v3(&sb);
    let one = vec![sub(1, Side::Buy, OrderType::Market).quantity(dec("0.010"))];
    assert!(client.new_strategy_order(aster::StrategyType::Oco, one).await.is_err());
    let ioc = vec![
        sub(1, Side::Buy, OrderType::Limit).quantity(dec("0.010")).price(dec("50000")).time_in_force(TimeInForce::Ioc),
        sub(2, Side::Sell, OrderType::Limit).quantity(dec("0.010")).price(dec("70000")).time_in_force(TimeInForce::Gtc),
    ];
    assert!(client.new_strategy_order(aster::StrategyType::Oco, ioc).await.is_err());
    assert!(client.get_orders().await.unwrap().is_empty());
}

/// Moves the sandbox market until the best bid changes (bounded).
async fn move_bid(sb: &Sandbox, client: &Client) -> aster::Decimal {
    let (start, _) = best(client).await;
    for _ in 0..200 {
        sb.advance(1);
        let (bid, _) = best(client).await;
        if bid != start {
            return bid;
        }
    }
    panic!("the market did not move in 200 steps");
}

#[tokio::test]
async fn a_chase_order_follows_the_best_bid_until_cancelled() {
    let sb = sandbox().await;
    let client = v3(&sb);
    let (bid, _) = best(&client).await;
    let chase = client
        .new_chase_order("BTCUSDT", Side::Buy, aster::QuantityUnit::Base, dec("0.010"))
        .chase_offset(dec("0.5"))
        .client_strategy_id("chase-1")
        .await
        .unwrap();
    assert_eq!((chase.strategy_status.as_str(), chase.time_in_force), ("NEW", Some(TimeInForce::Gtx)));
    let open = client.get_orders().symbol("BTCUSDT").await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].price, bid - dec("0.5"));

    let new_bid = move_bid(&sb, &client).await;
    let open = client.get_orders().symbol("BTCUSDT").await.unwrap();
    assert_eq!(open.len(), 1, "still one order: re-priced, not duplicated");
    assert_eq!((open[0].order_id, open[0].price), (open[0].order_id, new_bid - dec("0.5")));
    client.cancel_order("BTCUSDT").order_id(open[0].order_id).await.unwrap();
    move_bid(&sb, &client).await;
    assert!(client.get_orders().symbol("BTCUSDT").await.unwrap().is_empty(), "a cancelled chase stays cancelled");
}

#[tokio::test]
async fn a_chase_cancels_itself_when_the_market_runs_past_its_limit() {
    let sb = sandbox().await;
    let client = v3(&sb);
    let chase = client
        .new_chase_order("BTCUSDT", Side::Buy, aster::QuantityUnit::Quote, dec("600"))
        .max_chase_offset(dec("0.1"))
        .await
        .unwrap();
    assert_eq!(chase.quantity_unit, aster::QuantityUnit::Quote);
    let order_id = client.get_orders().symbol("BTCUSDT").await.unwrap()[0].order_id;
    let queried = client.query_order("BTCUSDT").order_id(order_id).await.unwrap();
    assert!(queried.orig_qty > dec("0.005") && queried.orig_qty < dec("0.02"), "600 USDT in BTC: {}", queried.orig_qty);
    move_bid(&sb, &client).await;
    let moved = client.query_order("BTCUSDT").order_id(order_id).await.unwrap();
    assert_eq!(moved.status, aster::OrderStatus::Canceled, "the bid moved more than 0.1");
    let bad = client
        .new_chase_order("BTCUSDT", Side::Buy, aster::QuantityUnit::Base, dec("0.010"))
        .chase_offset_type(aster::ChaseOffsetType::Percentage)
        .await;
    assert!(matches!(bad, Err(Error::Client { .. })), "{bad:?}");
}
