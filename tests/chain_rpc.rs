//! The Aster chain RPC through `aster::chain::rpc::Client` against the sandbox: every
//! method answered with what the account holds and did (futures and spot), privacy hiding
//! only what was done while private, and a reply that does not prove it answers the call
//! (another id, no `jsonrpc`, no `result`, an `error` object) never taken for one.

mod common;

use aster::chain::rpc::{self, BlockTag, ChainPrivacyMode};
use aster::chain::AccountPrivacy;
use aster::{Environment, OrderType, PositionSide, Side, TimeInForce};
use aster_sandbox::{Fault, Sandbox};
use common::{dec, wallet_key, wallet_key_hex};

const MAIN: u8 = 81;
const LATEST: BlockTag = BlockTag::Latest;

fn address() -> String {
    wallet_key(MAIN).address().to_string()
}

fn rpc_client(sb: &Sandbox) -> rpc::Client {
    rpc::Client::builder().base_url(sb.base_url()).build().unwrap()
}

fn spot(sb: &Sandbox) -> aster::spot::v3::Client {
    aster::spot::v3::Client::builder()
        .base_url(sb.base_url())
        .user(address())
        .private_key(wallet_key_hex(MAIN + 1))
        .build()
        .unwrap()
}

fn chain(sb: &Sandbox) -> aster::chain::Client {
    aster::chain::Client::builder()
        .base_url(sb.base_url())
        .user(address())
        .private_key(wallet_key_hex(MAIN + 1))
        .main_private_key(wallet_key_hex(MAIN))
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_rpc_method_reads_what_the_account_holds_and_did() {
    let sb = common::sandbox().await;
    let futures = common::v3_account_with_main(&sb, MAIN, MAIN + 1, "rpc-a");
    let (spot, rpc) = (spot(&sb), rpc_client(&sb));

    // A futures position, a resting futures order, a spot fill and a resting spot order.
    futures.new_order("BTCUSDT", Side::Buy, OrderType::Market).quantity(dec("0.010")).await.unwrap();
    let bid = futures.depth("BTCUSDT").limit(5).await.unwrap().bids[0].price;
    let resting = futures
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.020"))
        .price((bid * dec("0.9")).round_dp(1))
        .await
        .unwrap();
    spot.new_order("ASTERUSDT", Side::Buy, aster::spot::SpotOrderType::Market)
        .quote_order_qty(dec("20"))
        .await
        .unwrap();
    let spot_bid = spot.depth("ASTERUSDT").limit(5).await.unwrap().bids[0].price;
    let spot_resting = spot
        .new_order("ASTERUSDT", Side::Buy, aster::spot::SpotOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("10"))
        .price((spot_bid * dec("0.9")).round_dp(4))
        .await
        .unwrap();

    let balance = rpc.get_balance(address(), LATEST).await.unwrap();
    assert_eq!((balance.address.as_str(), &balance.account_privacy), (address().as_str(), &ChainPrivacyMode::Disabled));
    let usdt = balance.perp_assets.iter().find(|a| a.asset == "USDT").expect("USDT in the perp wallet");
    assert_eq!(usdt.wallet_balance, common::v3_usdt(&futures).await, "the wallet as futures V3 reads it");
    let position = &balance.positions[0].positions[0];
    assert_eq!((position.symbol.as_str(), position.position_amount), ("BTCUSDT", dec("0.01")));
    assert_eq!(position.position_side, PositionSide::Both);
    assert_eq!(position.bid_notional, Some(dec("0.020") * resting.price), "the resting buy's notional");
    assert!(balance.staking.is_some(), "a public account shows its staking");

    let orders = rpc.open_orders(address(), LATEST).await.unwrap();
    assert_eq!(orders.open_orders.len(), 1);
    assert_eq!(orders.open_orders[0].order_id, resting.order_id.to_string());
    assert_eq!((orders.open_orders[0].orig_qty, orders.open_orders[0].price), (dec("0.02"), resting.price));
    assert!(rpc.open_orders(address(), LATEST).symbol("ETHUSDT").await.unwrap().open_orders.is_empty());

    let fills = rpc.user_fills(address(), LATEST).await.unwrap();
    assert_eq!(fills.fills.len(), 1, "the market order's one fill");
    assert_eq!((&fills.fills[0].side, fills.fills[0].qty), (&Side::Buy, dec("0.01")));
    assert_eq!(fills.end_time - fills.start_time, 7 * 86_400_000, "no bounds: the last 7 days");

    let spot_orders = rpc.spot_open_orders(address(), LATEST).symbol("").await.unwrap();
    assert_eq!(spot_orders.open_orders.len(), 1);
    assert_eq!(spot_orders.open_orders[0].order_id, spot_resting.order_id.to_string());
    let spot_fills = rpc.spot_user_fills(address(), LATEST).symbol("ASTERUSDT").await.unwrap();
    assert!(!spot_fills.fills.is_empty() && spot_fills.fills.iter().all(|f| f.symbol == "ASTERUSDT"));

    // A window longer than 7 days is refused with JSON-RPC's error object.
    let now = common::unix_ms();
    let refused = rpc.user_fills(address(), LATEST).from_time(now - 8 * 86_400_000).to_time(now).await;
    assert_eq!(common::refused_code(refused), Some(-32602));
    // An address the exchange does not know holds nothing.
    let stranger = rpc.get_balance(wallet_key(99).address().to_string(), LATEST).await.unwrap();
    assert!(stranger.perp_assets.is_empty() && stranger.positions.is_empty());
}

#[tokio::test]
async fn privacy_hides_only_what_was_done_while_private() {
    let sb = common::sandbox().await;
    let futures = common::v3_account_with_main(&sb, MAIN, MAIN + 1, "rpc-b");
    let rpc = rpc_client(&sb);
    let bid = futures.depth("BTCUSDT").limit(5).await.unwrap().bids[0].price;
    let place = |price| {
        futures
            .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
            .time_in_force(TimeInForce::Gtc)
            .quantity(dec("0.010"))
            .price(price)
    };
    let before = place((bid * dec("0.9")).round_dp(1)).await.unwrap();
    chain(&sb).modify_account_status(AccountPrivacy::Private).await.unwrap();
    place((bid * dec("0.8")).round_dp(1)).await.unwrap();

    let orders = rpc.open_orders(address(), LATEST).await.unwrap();
    assert_eq!(orders.account_privacy, ChainPrivacyMode::Enabled);
    let ids: Vec<String> = orders.open_orders.iter().map(|o| o.order_id.clone()).collect();
    assert_eq!(ids, vec![before.order_id.to_string()], "the order placed while private is hidden");
    assert!(rpc.get_balance(address(), LATEST).await.unwrap().staking.is_none(), "staking hidden");

    chain(&sb).modify_account_status(AccountPrivacy::Public).await.unwrap();
    assert_eq!(rpc.open_orders(address(), LATEST).await.unwrap().open_orders.len(), 2);
}

/// The first call of a fresh client (its id is 1), answered with `body`.
async fn first_call_with_reply(sb: &Sandbox, body: &str) -> aster::Result<rpc::models::ChainOpenOrders> {
    sb.inject(Some("/info"), Fault::Reply { status: 200, body: body.into() }, 1);
    rpc_client(sb).open_orders(address(), LATEST).await
}

#[tokio::test]
async fn a_reply_that_does_not_prove_it_answers_the_call_is_never_success() {
    let sb = common::sandbox().await;
    let result = r#"{"address":"0x1","accountPrivacy":"disabled","openOrders":[]}"#;
    let good = format!(r#"{{"jsonrpc":"2.0","id":1,"result":{result}}}"#);
    assert!(first_call_with_reply(&sb, &good).await.is_ok(), "the shape that is success (the test can pass)");
    for body in [
        format!(r#"{{"jsonrpc":"2.0","id":2,"result":{result}}}"#),
        format!(r#"{{"jsonrpc":"2.0","id":{{}},"result":{result}}}"#),
        format!(r#"{{"jsonrpc":"2.0","result":{result}}}"#),
        format!(r#"{{"id":1,"result":{result}}}"#),
        r#"{"jsonrpc":"2.0","id":1}"#.to_string(),
        r#"{"jsonrpc":"2.0","id":1,"result":null}"#.to_string(),
        result.to_string(),
        String::new(),
        "[]".to_string(),
    ] {
        let e = first_call_with_reply(&sb, &body).await.expect_err(&body);
        assert!(matches!(e, aster::Error::Decode { .. }), "{body}: {e:?}");
    }
    for body in [
        format!(r#"{{"jsonrpc":"2.0","id":1,"error":{{"code":-32000,"message":"busy"}},"result":{result}}}"#),
        r#"{"jsonrpc":"2.0","id":1,"error":{"message":"busy","code":-32000}}"#.to_string(),
        // A gateway or the REST front end saying no in the exchange's own shape.
        r#"{"msg":"busy","code":-32000}"#.to_string(),
        "\u{feff} {\"error\":{\"code\":-32000,\"msg\":\"busy\"}}".to_string(),
    ] {
        let e = first_call_with_reply(&sb, &body).await.expect_err(&body);
        assert_eq!(e.error_code(), Some(-32000), "{body}");
    }
}

#[tokio::test]
async fn the_testnet_has_no_rpc_host_so_nothing_is_sent() {
    let sb = common::sandbox().await;
    let rpc = rpc::Client::builder().base_url(sb.base_url()).environment(Environment::Testnet).build().unwrap();
    let e = rpc.get_balance(address(), LATEST).await.unwrap_err();
    assert!(matches!(e, aster::Error::NotServed { .. }), "{e:?}");
    assert!(sb.requests().is_empty(), "nothing reached the sandbox");
}
