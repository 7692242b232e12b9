//! Endpoints outside the spec: the generic request and user-implemented `Endpoint`s; and
//! the timeout's effect on reads and writes.

mod common;
use aster::endpoint::{Auth, Endpoint, EndpointSpec, Method, ParamWriter, Params, Security};
use aster::Error;
use aster_sandbox::Fault;
use common::*;
use std::time::Duration;

#[tokio::test]
async fn generic_request_signs_and_decodes() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let time = c.request(Method::Get, "/fapi/v1/time", Security::None, &[]).await.unwrap();
    assert!(time["serverTime"].as_i64().is_some());
    let balances =
        c.request(Method::Get, "/fapi/v2/balance", Security::UserData, &[("recvWindow", "7000")]).await.unwrap();
    assert!(balances.as_array().is_some_and(|b| !b.is_empty()));
    let depth = c
        .request(Method::Get, "/fapi/v1/depth", Security::None, &[("symbol", "BTCUSDT"), ("limit", "5")])
        .await
        .unwrap();
    assert_eq!(depth["bids"].as_array().map(Vec::len), Some(5));
    let before = sb.request_count();
    let bad =
        c.request(Method::Get, "/fapi/v2/balance", Security::UserData, &[("recvWindow", "soon")]).await.unwrap_err();
    assert!(matches!(bad, Error::ParameterType { ref name, .. } if name == "recvWindow"), "{bad}");
    let big =
        c.request(Method::Get, "/fapi/v2/balance", Security::UserData, &[("recvWindow", "70000")]).await.unwrap_err();
    assert!(matches!(big, Error::ParameterValue { .. }), "{big}");
    assert_eq!(sb.request_count(), before);
}

/// An endpoint written by hand, the way generated ones are.
struct CommissionRaw {
    symbol: &'static str,
}

impl Params for CommissionRaw {
    fn write_params(&self, w: &mut ParamWriter) {
        w.put("symbol", self.symbol);
    }
}

impl Endpoint for CommissionRaw {
    type Response = serde_json::Value;
    const SPEC: EndpointSpec = EndpointSpec {
        name: "commission_raw",
        title: "User Commission Rate",
        method: Method::Get,
        path: "/fapi/v1/commissionRate",
        security: Security::UserData,
        weight: "20",
        auth: Auth::Hmac,
    };
}

#[tokio::test]
async fn a_hand_written_endpoint_goes_through_the_same_pipeline() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let v = c.call(CommissionRaw { symbol: "ETHUSDT" }).await.unwrap();
    assert_eq!(v["symbol"], "ETHUSDT");
    let meta = c.call(CommissionRaw { symbol: "ETHUSDT" }).send_with_meta().await.unwrap();
    assert_eq!(meta.limit_usage.weight_1m(), Some(40));
}

#[tokio::test]
async fn a_timeout_is_a_timeout_on_reads_and_unknown_on_writes() {
    let sb = sandbox().await;
    let c = aster::Client::builder()
        .base_url(sb.base_url())
        .rate_limits(known_limits())
        .key(sb.api_key())
        .secret(sb.secret())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    sb.inject(None, Fault::Latency(Duration::from_millis(400)), 2);
    let read = c.time().await.unwrap_err();
    assert!(matches!(read, Error::Timeout { .. }), "{read}");
    assert!(read.to_string().contains("timed out"), "{read}");
    let write = c.change_leverage("BTCUSDT", 3).await.unwrap_err();
    assert!(write.is_unknown_outcome(), "{write}");
    // The write did happen: the sandbox executes after the delay.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let risk = c.get_position_risk().symbol("BTCUSDT").await.unwrap();
    assert_eq!(risk[0].leverage, 3, "{:?}", sb.requests());
}

/// A parameter the spec does not list is sent and signed like the rest: the exchange's own
/// demo sends `builder` and `feeRate` on a V3 order, and the sandbox, which verifies the
/// signature over everything sent, accepts them and keeps them with the order.
#[tokio::test]
async fn an_extra_parameter_is_sent_and_signed_like_the_spec_ones() {
    let sb = sandbox().await;
    let c = aster::v3::Client::builder()
        .base_url(sb.base_url())
        .rate_limits(known_limits())
        .user(aster_sandbox::DEMO_USER)
        .private_key(aster_sandbox::DEMO_SIGNER_KEY)
        .build()
        .unwrap();
    // The exchange's demo names the network on its orders; the spec does not list it.
    let order = c
        .new_order("BTCUSDT", aster::Side::Buy, aster::OrderType::Market)
        .quantity(dec("0.001"))
        .param("asterChain", "Mainnet")
        .await
        .unwrap();
    assert_eq!(sb.order_extras(order.order_id), vec![("asterChain".to_string(), "Mainnet".to_string())]);
    // The exchange read it under the signature: another network is refused, not ignored.
    let refused = c
        .new_order("BTCUSDT", aster::Side::Buy, aster::OrderType::Market)
        .quantity(dec("0.001"))
        .param("asterChain", "Testnet")
        .await;
    assert_eq!(refused.unwrap_err().error_code(), Some(-1130));
    // A decimal extra takes the one wire form: the typed builder fee beside it.
    let builder = "0x014c85ffb0fF2F2972237AA950B452f92C69Ae1D";
    assert_eq!(
        c.new_order("BTCUSDT", aster::Side::Buy, aster::OrderType::Market)
            .quantity(dec("0.001"))
            .builder(builder)
            .fee_rate(dec("0.000010"))
            .await
            .unwrap_err()
            .error_code(),
        Some(-1102),
        "a builder the user never approved charges nothing"
    );
}

#[tokio::test]
async fn an_extra_parameter_cannot_override_or_smuggle() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let before = sb.request_count();
    let order = || c.new_order("BTCUSDT", aster::Side::Buy, aster::OrderType::Market).quantity(dec("0.001"));
    for (name, why) in [
        ("quantity", "already sends"),
        ("symbol", "already sends"),
        ("timestamp", "sets it itself"),
        ("signature", "sets it itself"),
        ("side=SELL&x", "letters, digits"),
        ("", "letters, digits"),
    ] {
        let e = order().param(name, "1").await.unwrap_err();
        assert!(
            matches!(&e, Error::ParameterValue { name: n, reason } if n == name && reason.contains(why)),
            "{name}: {e}"
        );
    }
    // A spec'd parameter the call does not set is still the typed setter's.
    let e = order().param("newOrderRespType", "RESULT").await.unwrap_err();
    assert!(matches!(e, Error::ParameterValue { .. }), "{e}");
    assert_eq!(sb.request_count(), before, "nothing was sent");
    // A V1 call carries one too, inside what it signs: the exchange reads it (and refuses
    // it as unknown there) after checking the signature over it.
    let e = order().param("builder", "0x014c85ffb0fF2F2972237AA950B452f92C69Ae1D").await.unwrap_err();
    assert_eq!(e.error_code(), Some(-1103), "{e}");
}

/// A sub-account's `childSignature` covers what the request sends, extra parameters too.
#[test]
fn a_child_signature_covers_the_extra_parameters() {
    let c = aster::v3::Client::builder()
        .user(aster_sandbox::DEMO_USER)
        .private_key(aster_sandbox::DEMO_SIGNER_KEY)
        .build()
        .unwrap();
    let child = wallet_key(5);
    let call = || c.create_sub_account(child.address().to_string(), "desk-1", "").nonce(7);
    let plain = c.child_signature(&call(), &child).unwrap();
    let with_extra = c.child_signature(&call().param("builder", "0x01"), &child).unwrap();
    assert_ne!(plain, with_extra, "the extra parameter is inside what the child signs");
    let refused = c.child_signature(&call().param("subAccountName", "other"), &child).unwrap_err();
    assert!(matches!(refused, Error::ParameterValue { .. }), "{refused}");
}
