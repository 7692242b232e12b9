//! Success is recognised, never assumed: REST replies in every shape an exchange or a
//! gateway may use to say no (each from the sandbox's `Fault::Reply` knob, sent byte for
//! byte) are errors, or unknown outcomes for writes, and keep the exchange's code.

mod common;

use aster::{Error, OrderType, Side, TimeInForce};
use aster_sandbox::Fault;
use common::{dec, sandbox, signed};

/// The same refusal as the exchange's error object, in the other shapes it can arrive in.
const MARGIN_REFUSALS: [&str; 5] = [
    r#"{"msg":"Margin is insufficient.","code":-2019}"#,
    "\u{feff}{\"code\":-2019,\"msg\":\"Margin is insufficient.\"}",
    " \r\n{\"msg\":\"Margin is insufficient.\",\n \"code\":\"-2019\"}\n",
    r#"{"error":{"code":-2019,"msg":"Margin is insufficient."}}"#,
    r#"{"id":7,"error":{"msg":"Margin is insufficient.","code":-2019},"result":null}"#,
];

fn reply(status: u16, body: &str) -> Fault {
    Fault::Reply { status, body: body.to_string() }
}

fn refused_with(e: &Error, code: i64) -> bool {
    matches!(e, Error::Client { error_code: Some(c), error_message, .. } if *c == code && error_message == "Margin is insufficient.")
}

#[tokio::test]
async fn an_error_object_in_any_key_order_or_wrapping_is_a_refusal_with_its_code() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let key = c.new_listen_key().await.unwrap().listen_key;
    for body in MARGIN_REFUSALS {
        // A write whose success shape is {"code":200,…}: the caller must not think its
        // orders are gone.
        sb.inject(Some("/fapi/v1/allOpenOrders"), reply(200, body), 1);
        let e = c.cancel_open_orders("BTCUSDT").await.unwrap_err();
        assert!(refused_with(&e, -2019), "cancel_open_orders on {body:?}: {e}");
        // A keepalive whose success shape is {}: a failed renewal must show.
        sb.inject(Some("/fapi/v1/listenKey"), reply(200, body), 1);
        let e = c.renew_listen_key().listen_key(key.clone()).await.unwrap_err();
        assert!(refused_with(&e, -2019), "renew_listen_key on {body:?}: {e}");
        sb.inject(Some("/fapi/v1/ping"), reply(200, body), 1);
        let e = c.ping().await.unwrap_err();
        assert!(refused_with(&e, -2019), "ping on {body:?}: {e}");
        // Writes with a model of their own: refused, with the code, not an unknown outcome.
        sb.inject(Some("/fapi/v1/order"), reply(200, body), 1);
        let e = c
            .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
            .time_in_force(TimeInForce::Gtc)
            .quantity(dec("0.002"))
            .price(dec("50000"))
            .await
            .unwrap_err();
        assert!(refused_with(&e, -2019), "new_order on {body:?}: {e}");
        sb.inject(Some("/fapi/v1/leverage"), reply(200, body), 1);
        let e = c.change_leverage("BTCUSDT", 5).await.unwrap_err();
        assert!(refused_with(&e, -2019), "change_leverage on {body:?}: {e}");
        // The same shapes at a 4xx keep the code too.
        sb.inject(Some("/fapi/v1/ping"), reply(400, body), 1);
        assert_eq!(c.ping().await.unwrap_err().error_code(), Some(-2019), "{body:?} at 400");
    }
    assert!(c.get_orders().await.is_ok(), "nothing was planned for later requests");
}

#[tokio::test]
async fn a_list_holding_an_error_object_is_a_refusal_but_a_batch_keeps_its_items() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let list = r#"[{"msg":"Invalid symbol.","code":-1121}]"#;
    sb.inject(Some("/fapi/v1/openOrders"), reply(200, list), 2);
    let e = c.get_orders().await.unwrap_err();
    assert_eq!(e.error_code(), Some(-1121), "{e}");
    let e = c.get_orders().raw().await.unwrap_err();
    assert_eq!(e.error_code(), Some(-1121), "untyped reads too: {e}");

    // A batch answers item by item: a refused item is that item's result.
    let order = aster::params::BatchOrder::new("BTCUSDT", Side::Buy, OrderType::Market, dec("0.001"));
    sb.inject(Some("/fapi/v1/batchOrders"), reply(200, r#"[{"msg":"Margin is insufficient.","code":-2019}]"#), 1);
    let items = c.new_batch_order(vec![order]).await.unwrap();
    assert_eq!(items[0].err().map(|e| e.code), Some(-2019));
}

#[tokio::test]
async fn replies_that_are_not_the_success_shape_are_never_ok() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let buy = || {
        c.new_order("BTCUSDT", Side::Buy, OrderType::Limit)
            .time_in_force(TimeInForce::Gtc)
            .quantity(dec("0.002"))
            .price(dec("50000"))
    };
    // Bodies that decode as no order: the order may exist, so its outcome is unknown.
    for body in ["", "   ", "{}", r#"{"code":200,"msg":"success"}"#, "null", "[]"] {
        sb.inject(Some("/fapi/v1/order"), reply(200, body), 1);
        let e = buy().await.unwrap_err();
        assert!(e.is_unknown_outcome(), "new_order on {body:?}: {e}");
        assert_eq!(e.client_order_ids().len(), 1, "it can be resolved");
    }
    // {} is not {"code":200,…}: a cancel-all that says nothing did not succeed.
    sb.inject(Some("/fapi/v1/allOpenOrders"), reply(200, "{}"), 1);
    assert!(c.cancel_open_orders("BTCUSDT").await.unwrap_err().is_unknown_outcome());
    // A gateway's words at 200 are no exchange code: a write stays undecided, a read fails.
    for body in [r#"{"error":"Forbidden"}"#, r#"{"success":false,"message":"busy"}"#, r#"{"code":400,"msg":"bad"}"#] {
        sb.inject(Some("/fapi/v1/order"), reply(200, body), 1);
        assert!(buy().await.unwrap_err().is_unknown_outcome(), "{body}");
        sb.inject(Some("/fapi/v1/ping"), reply(200, body), 1);
        assert!(matches!(c.ping().await.unwrap_err(), Error::Client { .. }), "{body}");
    }
    // An empty body is not the `{}` a ping answers.
    sb.inject(Some("/fapi/v1/ping"), reply(200, ""), 1);
    assert!(matches!(c.ping().await.unwrap_err(), Error::Decode { .. }));
    // What is left is success.
    sb.inject(Some("/fapi/v1/ping"), reply(200, "\u{feff} {} "), 1);
    c.ping().await.unwrap();
    sb.inject(Some("/fapi/v1/allOpenOrders"), reply(200, r#"{"msg":"done","code":"200"}"#), 1);
    assert_eq!(c.cancel_open_orders("BTCUSDT").await.unwrap().code, 200);
}

#[tokio::test]
async fn a_redirect_never_shows_the_signed_query_it_points_to() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let to = "http://127.0.0.1:9/fapi/v1/order?symbol=BTCUSDT&signature=abcdef0123&timestamp=1";
    sb.inject(None, Fault::Redirect(to.into()), 2);
    let read = c.query_order("BTCUSDT").order_id(1).await.unwrap_err();
    assert!(matches!(read, Error::Redirect { location: Some(ref l), .. } if l == "http://127.0.0.1:9/fapi/v1/order"));
    let write = c.change_leverage("BTCUSDT", 3).await.unwrap_err();
    for shown in [format!("{read}"), format!("{read:?}"), format!("{write}"), format!("{write:?}")] {
        assert!(!shown.contains("signature") && !shown.contains("abcdef0123"), "{shown}");
    }
}

#[tokio::test]
async fn a_clock_refusal_whose_resync_fails_keeps_the_exchanges_refusal() {
    let sb = sandbox().await;
    let c = signed(&sb);
    sb.inject(
        Some("/fapi/v1/leverage"),
        reply(400, r#"{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}"#),
        1,
    );
    // The resync reads a server time that cannot be trusted.
    sb.inject(Some("/fapi/v1/time"), reply(200, r#"{"serverTime":1}"#), 1);
    let e = c.change_leverage("BTCUSDT", 3).await.unwrap_err();
    assert_eq!(e.error_code(), Some(-1021), "{e}");
}

#[tokio::test]
async fn a_parameter_name_cannot_smuggle_a_second_parameter() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let params =
        [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.001"), ("side=SELL&x", "1")];
    let placed =
        c.request(aster::endpoint::Method::Post, "/fapi/v1/order", aster::endpoint::Security::Trade, &params).await;
    // Sent as one parameter with an odd name, which the exchange refuses as such (-1100),
    // rather than as a second `side` (a duplicate, -1101, or worse, a SELL).
    assert_eq!(placed.unwrap_err().error_code(), Some(-1100));
    assert!(c.get_orders().await.unwrap().iter().all(|o| o.side == Side::Buy));
}

#[tokio::test]
async fn an_acknowledgement_is_true_and_nothing_else() {
    let sb = sandbox().await;
    let c = aster::v3::Client::builder()
        .base_url(sb.base_url())
        .user(aster_sandbox::DEMO_USER)
        .signer(aster_sandbox::DEMO_SIGNER)
        .private_key(aster_sandbox::DEMO_SIGNER_KEY)
        .build()
        .unwrap();
    assert_eq!(c.update_mmp("BTCUSDT", 5_000, 10_000).qty_limit(10).await.unwrap(), aster::Acknowledged);
    for body in ["false", "{}", r#"{"code":200,"msg":"success"}"#, "1"] {
        sb.inject(Some("/fapi/v3/mmpReset"), reply(200, body), 1);
        let e = c.reset_mmp("BTCUSDT").await.unwrap_err();
        assert!(e.is_unknown_outcome(), "{body}: {e}");
    }
}

/// A write that happened but was answered in no success shape is unknown, and its client
/// order id finds the order.
#[tokio::test]
async fn an_executed_order_answered_without_an_order_is_resolved_by_its_client_id() {
    let sb = sandbox().await;
    let c = signed(&sb);
    sb.inject(
        Some("/fapi/v1/order"),
        Fault::ExecutedThenReply { status: 200, body: r#"{"code":200,"msg":"success"}"#.into() },
        1,
    );
    let e = c.new_order("BTCUSDT", Side::Buy, OrderType::Market).quantity(dec("0.001")).await.unwrap_err();
    assert!(e.is_unknown_outcome(), "{e}");
    let id = e.client_order_ids()[0].clone();
    let found = c.query_order("BTCUSDT").orig_client_order_id(id).await.unwrap();
    assert_eq!(found.orig_qty, dec("0.001"));
}
