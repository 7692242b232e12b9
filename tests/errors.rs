//! Each error class mapped from the reply that causes it, and what is never leaked.

mod common;
use aster::{Error, OrderType, Side, TimeInForce};
use aster_sandbox::Fault;
use common::*;

fn limit_buy(c: &aster::Client) -> aster::Call<'_, aster::params::NewOrderParams> {
    c.new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(dec("0.001"))
        .price(dec("50000.0"))
        .new_client_order_id("unknown-outcome")
}

#[tokio::test]
async fn server_error_on_a_read() {
    let sb = sandbox().await;
    sb.inject(None, Fault::ServerError(500), 1);
    match public(&sb).time().await.unwrap_err() {
        Error::Server { status_code, message } => {
            assert_eq!(status_code, 500);
            assert!(message.contains("Internal error"));
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn a_503_on_an_order_is_an_unknown_outcome_and_the_order_exists() {
    let sb = sandbox().await;
    let c = signed(&sb);
    sb.inject(Some("/fapi/v1/order"), Fault::ExecutedButUnavailable, 1);
    let before = sb.request_count();
    let err = limit_buy(&c).await.unwrap_err();
    assert!(err.is_unknown_outcome(), "{err}");
    assert!(err.to_string().contains("UNKNOWN"));
    assert_eq!(sb.request_count(), before + 1, "a write with an unknown outcome is never retried");
    let found = c.query_order("BTCUSDT").orig_client_order_id("unknown-outcome").await.unwrap();
    assert_eq!(found.status, aster::OrderStatus::New);
}

#[tokio::test]
async fn a_reset_mid_reply_on_a_write_is_unknown_and_on_a_read_is_transport() {
    let sb = sandbox().await;
    let c = signed(&sb);
    sb.inject(None, Fault::ResetMidResponse, 2);
    let err = limit_buy(&c).await.unwrap_err();
    assert!(err.is_unknown_outcome(), "{err}");
    let err = c.exchange_info().await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err}");
}

#[tokio::test]
async fn rate_limits_map_to_rate_limited_with_retry_after() {
    let sb = sandbox_with(aster_sandbox::SandboxConfig { weight_limit_1m: 3, ..Default::default() }).await;
    // Without the governor, as a client that ignores the limits would send.
    let c =
        aster::Client::builder().base_url(sb.base_url()).rate_limits(aster::RateLimitSettings::off()).build().unwrap();
    for _ in 0..3 {
        c.ping().await.unwrap();
    }
    match c.ping().await.unwrap_err() {
        Error::RateLimited { status_code, retry_after, error_code, .. } => {
            assert_eq!((status_code, error_code), (429, Some(-1003)));
            assert!(retry_after.is_some_and(|s| s <= 60));
        }
        other => panic!("{other}"),
    }
    // Ignoring the 429 gets the IP banned.
    match c.ping().await.unwrap_err() {
        Error::RateLimited { status_code, .. } => assert_eq!(status_code, 418),
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn malformed_truncated_and_html_replies_are_decode_or_server_errors() {
    let sb = sandbox().await;
    let c = public(&sb);
    sb.inject(None, Fault::MalformedJson, 1);
    match c.time().await.unwrap_err() {
        Error::Decode { excerpt, .. } => assert!(excerpt.contains("success,,")),
        other => panic!("{other}"),
    }
    sb.inject(None, Fault::TruncatedJson, 1);
    assert!(matches!(c.exchange_info().await.unwrap_err(), Error::Decode { .. }));
    sb.inject(None, Fault::HtmlError, 1);
    match c.ping().await.unwrap_err() {
        Error::Server { status_code, message } => {
            assert_eq!(status_code, 502);
            assert!(message.contains("Bad Gateway"));
        }
        other => panic!("{other}"),
    }
    // The raw form still hands over what arrived when the typed model cannot.
    sb.inject(None, Fault::RateLimited, 1);
    assert!(matches!(c.ping().raw().await.unwrap_err(), Error::RateLimited { status_code: 429, .. }));
}

#[tokio::test]
async fn recv_window_over_60000_fails_before_any_byte_is_sent() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let before = sb.request_count();
    let err = c.account().recv_window(60_001).await.unwrap_err();
    assert!(matches!(err, Error::ParameterValue { ref name, .. } if name == "recvWindow"), "{err}");
    assert_eq!(sb.request_count(), before);
    let err = aster::Client::builder().base_url(sb.base_url()).recv_window(60_001).build().unwrap_err();
    assert!(matches!(err, Error::ParameterValue { .. }));
    c.account().recv_window(60_000).await.unwrap();
}

#[tokio::test]
async fn bad_credentials_get_the_exchange_codes() {
    let sb = sandbox().await;
    let wrong_secret =
        aster::Client::builder().base_url(sb.base_url()).key(sb.api_key()).secret("wrong").build().unwrap();
    assert_eq!(wrong_secret.account().await.unwrap_err().error_code(), Some(-1022));
    let wrong_key = aster::Client::builder().base_url(sb.base_url()).key("nobody").secret("x").build().unwrap();
    match wrong_key.account().await.unwrap_err() {
        Error::Client { status_code, error_code, .. } => assert_eq!((status_code, error_code), (401, Some(-2015))),
        other => panic!("{other}"),
    }
    assert!(matches!(public(&sb).account().await.unwrap_err(), Error::MissingCredentials { .. }));
}

#[tokio::test]
async fn time_sync_keeps_signed_requests_valid() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let offset = c.sync_time().await.unwrap();
    assert!(offset.abs() < 1_000, "loopback clocks agree: {offset}");
    assert_eq!(c.time_offset(), offset);
    c.account().await.unwrap();
}

#[tokio::test]
async fn debug_and_errors_hold_no_secret() {
    let sb = sandbox().await;
    let secret = "very-secret-value-1234567890";
    let key = "apikey-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let c = aster::Client::builder().base_url(sb.base_url()).key(key).secret(secret).build().unwrap();
    let debug = format!("{c:?}");
    assert!(!debug.contains(secret) && !debug.contains(key), "{debug}");
    assert!(debug.contains("apik…"));
    let builder = format!("{:?}", aster::Client::builder().key(key).secret(secret));
    assert!(!builder.contains(secret) && !builder.contains(key));
    let err = c.account().await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(secret) && !shown.contains(key) && !shown.contains("signature="), "{shown}");
}
