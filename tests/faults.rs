//! The REST client under the faults of a hostile network, one sandbox knob each: what the
//! caller gets, that nothing secret leaks into it, and that nothing went elsewhere.

mod common;

use aster::{Error, ErrorCode, OrderType, Resolution, Side, TimeInForce};
use aster_sandbox::Fault;
use common::{dec, known_limits, sandbox, signed};
use std::time::{Duration, Instant};

fn no_secrets(sb: &aster_sandbox::Sandbox, e: &Error) {
    for shown in [format!("{e}"), format!("{e:?}")] {
        assert!(!shown.contains(sb.secret()), "the secret leaked: {shown}");
        assert!(!shown.contains(sb.api_key()), "the key leaked: {shown}");
        assert!(!shown.contains("signature="), "the signature leaked: {shown}");
    }
}

fn limit_buy(c: &aster::Client) -> aster::Call<'_, aster::params::NewOrderParams> {
    c.new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.002"))
        .price(dec("50000"))
}

#[tokio::test]
async fn a_redirect_is_never_followed_and_nothing_reaches_the_other_origin() {
    let (sb, other) = (sandbox().await, sandbox().await);
    let c = signed(&sb);
    let to = format!("{}/fapi/v1/order", other.base_url());
    sb.inject(Some("/fapi/v1/order"), Fault::Redirect(to.clone()), 2);

    let read = c.query_order("BTCUSDT").order_id(1).await.unwrap_err();
    assert!(matches!(read, Error::Redirect { status_code: 307, location: Some(ref l) } if *l == to), "{read}");
    no_secrets(&sb, &read);
    let write = limit_buy(&c).await.unwrap_err();
    assert!(write.is_unknown_outcome(), "{write}");
    assert_eq!(write.client_order_ids().len(), 1);
    no_secrets(&sb, &write);
    assert_eq!(other.request_count(), 0, "the other origin received nothing");
}

#[tokio::test]
async fn a_stalled_reply_times_out_a_read_and_leaves_a_write_unknown() {
    let sb = sandbox().await;
    let c = aster::Client::builder()
        .base_url(sb.base_url())
        .rate_limits(known_limits())
        .key(sb.api_key())
        .secret(sb.secret())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    sb.inject(None, Fault::StallAfterHeaders(Duration::from_secs(5)), 2);
    let started = Instant::now();
    let read = c.time().await.unwrap_err();
    assert!(matches!(read, Error::Timeout { .. }), "{read}");
    let write = c.change_leverage("BTCUSDT", 3).await.unwrap_err();
    assert!(write.is_unknown_outcome(), "{write}");
    assert!(started.elapsed() < Duration::from_secs(4), "both gave up on time: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_dripping_body_times_out_a_read_and_leaves_a_write_unknown() {
    let sb = sandbox().await;
    let c = aster::Client::builder()
        .base_url(sb.base_url())
        .rate_limits(known_limits())
        .key(sb.api_key())
        .secret(sb.secret())
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    // One byte every 100 ms: every read makes progress, the whole never arrives in time.
    sb.inject(None, Fault::DripBody(Duration::from_millis(100)), 2);
    let started = Instant::now();
    let read = c.time().await.unwrap_err();
    assert!(matches!(read, Error::Timeout { .. }), "{read}");
    let write = c.change_leverage("BTCUSDT", 3).await.unwrap_err();
    assert!(write.is_unknown_outcome(), "{write}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_limit() {
    let sb = sandbox().await;
    let c = aster::Client::builder()
        .base_url(sb.base_url())
        .rate_limits(known_limits())
        .key(sb.api_key())
        .secret(sb.secret())
        .max_reply_bytes(1 << 20)
        .build()
        .unwrap();
    sb.inject(None, Fault::HugeBody(u64::MAX), 2);
    let read = c.exchange_info().await.unwrap_err();
    assert!(matches!(read, Error::ReplyTooLarge { limit: 1_048_576 }), "{read}");
    let write = limit_buy(&c).await.unwrap_err();
    assert!(write.is_unknown_outcome(), "{write}");
    // The client stays usable.
    c.ping().await.unwrap();
}

#[tokio::test]
async fn a_gateway_error_after_execution_is_unknown_and_resolves_to_executed() {
    let sb = sandbox().await;
    let c = signed(&sb);
    for (status, code) in [(502, -1001), (500, -1006), (400, -1007)] {
        sb.inject(Some("/fapi/v1/order"), Fault::ExecutedThenError { status, code }, 1);
        let e = limit_buy(&c).await.unwrap_err();
        assert!(e.is_unknown_outcome(), "HTTP {status} code {code}: {e}");
        let id = &e.client_order_ids()[0];
        match c.resolve_order("BTCUSDT", id).await.unwrap() {
            Resolution::Executed(o) => assert_eq!(&o.client_order_id, id),
            other => panic!("HTTP {status} code {code}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_order_refused_before_execution_resolves_to_not_found() {
    let sb = sandbox().await;
    let c = signed(&sb);
    sb.inject(Some("/fapi/v1/order"), Fault::ServerError(503), 1);
    let e = limit_buy(&c).await.unwrap_err();
    assert!(e.is_unknown_outcome(), "{e}");
    assert_eq!(c.resolve_order("BTCUSDT", &e.client_order_ids()[0]).await.unwrap(), Resolution::NotFound);
}

#[tokio::test]
async fn an_undecodable_reply_to_an_order_is_unknown_with_its_body() {
    let sb = sandbox().await;
    let c = signed(&sb);
    sb.inject(Some("/fapi/v1/order"), Fault::MalformedJson, 1);
    let e = limit_buy(&c).await.unwrap_err();
    match &e {
        Error::UnknownOutcome { body: Some(body), status_code: Some(200), .. } => assert!(body.contains("success,,")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(c.resolve_order("BTCUSDT", &e.client_order_ids()[0]).await.unwrap(), Resolution::Executed(_)));
}

#[tokio::test]
async fn every_batch_item_carries_a_client_order_id_that_resolves() {
    let sb = sandbox().await;
    let c = signed(&sb);
    sb.inject(Some("/fapi/v1/batchOrders"), Fault::ExecutedButUnavailable, 1);
    let item = |price: &str| {
        aster::BatchOrder::new("BTCUSDT", Side::Buy, OrderType::Limit, dec("0.002"))
            .price(dec(price))
            .time_in_force(TimeInForce::Gtc)
    };
    let e = c.new_batch_order(vec![item("50000"), item("50001").new_client_order_id("mine-1")]).await.unwrap_err();
    let ids = e.client_order_ids().to_vec();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[1], "mine-1", "a caller's id is kept");
    for id in ids {
        assert!(matches!(c.resolve_order("BTCUSDT", &id).await.unwrap(), Resolution::Executed(_)), "{id}");
    }
}

#[tokio::test]
async fn an_error_object_in_a_2xx_body_is_an_error_never_ok() {
    let sb = sandbox().await;
    let c = signed(&sb);
    sb.inject(Some("/fapi/v1/ping"), Fault::ErrorBody(-1000), 1);
    let e = c.ping().await.unwrap_err();
    assert_eq!((e.error_code(), e.code()), (Some(-1000), Some(ErrorCode::Unknown)), "{e}");
    sb.inject(Some("/fapi/v1/allOpenOrders"), Fault::ErrorBody(-2011), 1);
    let e = c.cancel_open_orders("BTCUSDT").await.unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::CancelRejected));
    // -1006 in a 2xx body on a write: the exchange does not know either.
    sb.inject(Some("/fapi/v1/order"), Fault::ErrorBody(-1006), 1);
    assert!(limit_buy(&c).await.unwrap_err().is_unknown_outcome());
}

#[tokio::test]
async fn a_timestamp_rejection_resyncs_and_retries_once_with_the_same_client_order_id() {
    let sb = sandbox().await;
    let c = signed(&sb);
    sb.inject(Some("/fapi/v1/order"), Fault::ErrorBody(-1021), 1);
    let order = limit_buy(&c).new_client_order_id("retry-1").await.unwrap();
    assert_eq!(order.client_order_id, "retry-1");
    let log = sb.requests();
    let posts = log.iter().filter(|(m, p)| m == "POST" && p == "/fapi/v1/order").count();
    assert_eq!(posts, 2, "sent twice: {log:?}");
    assert!(log.iter().any(|(_, p)| p == "/fapi/v1/time"), "the clock was read");

    // Twice in a row is not retried again; with the option off, not at all.
    sb.inject(Some("/fapi/v1/order"), Fault::ErrorBody(-1021), 2);
    assert_eq!(limit_buy(&c).await.unwrap_err().code(), Some(ErrorCode::InvalidTimestamp));
    let strict = aster::Client::builder()
        .base_url(sb.base_url())
        .rate_limits(known_limits())
        .key(sb.api_key())
        .secret(sb.secret())
        .resync_on_clock_error(false)
        .build()
        .unwrap();
    sb.inject(Some("/fapi/v1/order"), Fault::ErrorBody(-1021), 1);
    assert_eq!(limit_buy(&strict).await.unwrap_err().code(), Some(ErrorCode::InvalidTimestamp));
}
