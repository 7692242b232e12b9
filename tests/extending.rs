//! Endpoints outside the spec: the generic request and user-implemented `Endpoint`s; and
//! the timeout's effect on reads and writes.

mod common;
use aster::endpoint::{Auth, Endpoint, EndpointSpec, Method, ParamWriter, Security};
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
    fn write_params(&self, w: &mut ParamWriter) {
        w.put("symbol", self.symbol);
    }
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
