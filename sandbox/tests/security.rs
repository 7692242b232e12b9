//! Security, validation and limits exactly as the docs describe them, over plain HTTP.

mod common;
use aster_sandbox::{AccountConfig, Fault, SandboxConfig};
use common::*;

const DOCS_KEY: &str = "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83";
const DOCS_SECRET: &str = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
const DOCS_SIGNATURE: &str = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9";
const DOCS_PARAMS: &str =
    "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";

async fn docs_account() -> (aster_sandbox::Sandbox, Http) {
    let cfg = SandboxConfig { accounts: vec![AccountConfig::new(DOCS_KEY, DOCS_SECRET)], ..Default::default() };
    start_with(cfg).await
}

#[tokio::test]
async fn docs_hmac_examples_verify_with_the_docs_key() {
    let (_sb, h) = docs_account().await;
    assert_eq!(sign(DOCS_SECRET, DOCS_PARAMS), DOCS_SIGNATURE);
    // The signature is right, so the only complaint left is the 2020 timestamp (-1021);
    // a wrong signature would be -1022.
    let q = h.send("POST", "/fapi/v1/order", &format!("{DOCS_PARAMS}&signature={DOCS_SIGNATURE}"), None, true).await;
    assert_eq!(q.code(), Some(-1021), "query: {}", q.json);
    let b =
        h.send("POST", "/fapi/v1/order", "", Some(&format!("{DOCS_PARAMS}&signature={DOCS_SIGNATURE}")), true).await;
    assert_eq!(b.code(), Some(-1021), "body: {}", b.json);
    // Mixed: totalParams is the query followed directly by the body, so the signature
    // differs from the other two examples.
    let query = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC";
    let body = "quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943";
    let mixed_sig = sign(DOCS_SECRET, &format!("{query}{body}"));
    assert_ne!(mixed_sig, DOCS_SIGNATURE);
    let m = h.send("POST", "/fapi/v1/order", query, Some(&format!("{body}&signature={mixed_sig}")), true).await;
    assert_eq!(m.code(), Some(-1021), "mixed: {}", m.json);
    let m = h.send("POST", "/fapi/v1/order", query, Some(&format!("{body}&signature={DOCS_SIGNATURE}")), true).await;
    assert_eq!(m.code(), Some(-1022), "the single-placement signature does not fit the mixed request");
}

#[tokio::test]
async fn all_three_placements_succeed_with_a_fresh_timestamp() {
    let (_sb, h) = docs_account().await;
    let params =
        format!("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.01&price=40000&timeInForce=GTC&timestamp={}", now_ms());
    let sig = sign(DOCS_SECRET, &params);
    let q = h.send("POST", "/fapi/v1/order", &format!("{params}&signature={sig}"), None, true).await;
    assert_eq!(q.status, 200, "{}", q.json);
    let b =
        h.send("POST", "/fapi/v1/order", "", Some(&format!("{params}&signature={}", sig.to_uppercase())), true).await;
    assert_eq!(b.status, 200, "signatures are not case sensitive: {}", b.json);
    let (query, body) = params.split_at(params.find("&quantity").unwrap());
    let body = &body[1..];
    let mixed = sign(DOCS_SECRET, &format!("{query}{body}"));
    let m = h.send("POST", "/fapi/v1/order", query, Some(&format!("{body}&signature={mixed}")), true).await;
    assert_eq!(m.status, 200, "{}", m.json);
}

#[tokio::test]
async fn timing_security() {
    let (_sb, h) = start().await;
    let h = &h;
    let send = |ts: i64, extra: &str| {
        let payload = format!("timestamp={ts}{extra}");
        let sig = sign(&h.secret, &payload);
        let query = format!("{payload}&signature={sig}");
        async move { h.send("GET", "/fapi/v4/account", &query, None, true).await }
    };
    assert_eq!(send(now_ms(), "").await.status, 200);
    assert_eq!(send(now_ms() - 6_000, "").await.code(), Some(-1021), "default recvWindow is 5000");
    assert_eq!(send(now_ms() - 6_000, "&recvWindow=10000").await.status, 200);
    assert_eq!(send(now_ms() + 5_000, "").await.code(), Some(-1021), "more than 1s ahead");
    assert_eq!(send(now_ms(), "&recvWindow=60001").await.code(), Some(-1130));
    let no_sig = h.send("GET", "/fapi/v4/account", &format!("timestamp={}", now_ms()), None, true).await;
    assert_eq!(no_sig.code(), Some(-1102));
    let no_ts = h.send("GET", "/fapi/v4/account", "", None, true).await;
    assert_eq!(no_ts.code(), Some(-1102));
}

#[tokio::test]
async fn api_key_checks() {
    let (_sb, h) = start().await;
    let missing = h.send("GET", "/fapi/v1/historicalTrades", "symbol=BTCUSDT", None, false).await;
    assert_eq!((missing.status, missing.code()), (401, Some(-2014)));
    let other = Http {
        key: "unknown".into(),
        ..Http { base: h.base.clone(), key: String::new(), secret: h.secret.clone(), http: h.http.clone() }
    };
    let wrong = other.send("POST", "/fapi/v1/listenKey", "", None, true).await;
    assert_eq!((wrong.status, wrong.code()), (401, Some(-2015)));
    let bad_sig =
        h.send("GET", "/fapi/v4/account", &format!("timestamp={}&signature=00ff", now_ms()), None, true).await;
    assert_eq!(bad_sig.code(), Some(-1022));
}

#[tokio::test]
async fn parameter_validation_codes() {
    let (_sb, h) = start().await;
    let h = &h;
    let order = |params: &'static str| h.signed("POST", "/fapi/v1/order", params);
    assert_eq!(order("side=BUY&type=MARKET&quantity=1").await.code(), Some(-1102));
    assert_eq!(order("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.01").await.code(), Some(-1102));
    assert_eq!(order("symbol=BTCUSDT&side=UP&type=MARKET&quantity=0.01").await.code(), Some(-1117));
    assert_eq!(order("symbol=BTCUSDT&side=BUY&type=LIMT&quantity=0.01").await.code(), Some(-1116));
    assert_eq!(
        order("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=X&quantity=0.01&price=1").await.code(),
        Some(-1115)
    );
    assert_eq!(
        order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newOrderRespType=FULL").await.code(),
        Some(-1136)
    );
    assert_eq!(order("symbol=XXXUSDT&side=BUY&type=MARKET&quantity=0.01").await.code(), Some(-1121));
    assert_eq!(order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&color=red").await.code(), Some(-1103));
    assert_eq!(
        order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&newClientOrderId=a%22b").await.code(),
        Some(-4015)
    );
    assert_eq!(order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1e9").await.code(), Some(-1100));
    assert_eq!(
        order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=99999999999999999999999999999999999").await.code(),
        Some(-1130)
    );
    assert_eq!(order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0").await.code(), Some(-4003));
    assert_eq!(order("symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&workingType=LAST").await.code(), Some(-4031));
    assert_eq!(h.public("/fapi/v1/depth", "symbol=BTCUSDT&limit=7").await.code(), Some(-4021));
    assert_eq!(h.public("/fapi/v1/klines", "symbol=BTCUSDT&interval=2m").await.code(), Some(-1120));
    assert_eq!(
        h.public("/fapi/v1/klines", "symbol=BTCUSDT&interval=1m&startTime=5&endTime=1").await.code(),
        Some(-1023)
    );
    assert_eq!(h.signed("GET", "/fapi/v1/order", "symbol=BTCUSDT").await.code(), Some(-1102));
    assert_eq!(h.signed("GET", "/fapi/v1/order", "symbol=BTCUSDT&orderId=1").await.code(), Some(-2013));
    assert_eq!(h.signed("DELETE", "/fapi/v1/order", "symbol=BTCUSDT&orderId=1").await.code(), Some(-2011));
    assert_eq!(h.signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=200").await.code(), Some(-4028));
    assert_eq!(h.signed("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=CROSSED").await.code(), Some(-4046));
    assert_eq!(h.send("PUT", "/fapi/v1/listenKey", "", None, true).await.code(), Some(-1125));
}

#[tokio::test]
async fn malformed_requests_get_documented_codes_and_change_nothing() {
    let (sb, h) = start().await;
    let before = sb.with_exchange(|ex| ex.futures.orders.len());
    for (query, code) in [
        ("symbol=BTCUSDT&symbol=ETHUSDT", -1101),
        ("symbol=BTC%ZZ", -1100),
        ("symbol=%FF%FE", -1100),
        ("=x", -1100),
        ("symbol=BTCUSDT&limit=", -1105),
        ("symbol=BTCUSDT&limit=abc", -4021),
    ] {
        let r = h.public("/fapi/v1/depth", query).await;
        assert_eq!(r.code(), Some(code), "{query}: {}", r.json);
        assert!((400..500).contains(&r.status));
    }
    let huge = "a=".to_string() + &"x".repeat(200_000);
    let r = h.send("POST", "/fapi/v1/order", "", Some(&huge), true).await;
    assert_eq!((r.status, r.code()), (413, Some(-1101)));
    // A JSON body is not a form: its parameters are not read.
    let r = h
        .http
        .post(format!("{}/fapi/v1/order", h.base))
        .header("X-MBX-APIKEY", &h.key)
        .header("content-type", "application/json")
        .body(r#"{"symbol":"BTCUSDT"}"#)
        .send()
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(json["code"], -1102);
    let unknown = h.public("/fapi/v9/nothing", "").await;
    assert_eq!((unknown.status, unknown.code()), (404, Some(-1020)));
    let wrong_method = h.send("PATCH", "/fapi/v1/order", "", None, true).await;
    assert_eq!((wrong_method.status, wrong_method.code()), (405, Some(-1020)));
    assert_eq!(sb.with_exchange(|ex| ex.futures.orders.len()), before);
    sb.with_exchange(|ex| ex.check_invariants()).unwrap();
}

#[tokio::test]
async fn weights_429_then_418() {
    let (_sb, h) = start_with(SandboxConfig { weight_limit_1m: 25, ..Default::default() }).await;
    let r = h.public("/fapi/v1/depth", "symbol=BTCUSDT&limit=1000").await;
    assert_eq!(r.headers["x-mbx-used-weight-1m"], "20");
    let r = h.public("/fapi/v1/time", "").await;
    assert_eq!(r.headers["x-mbx-used-weight-1m"], "21");
    let r = h.public("/fapi/v1/depth", "symbol=BTCUSDT&limit=100").await;
    assert_eq!((r.status, r.code()), (429, Some(-1003)));
    assert!(r.headers.contains_key("retry-after"));
    let r = h.public("/fapi/v1/time", "").await;
    assert_eq!((r.status, r.code()), (418, Some(-1003)));
}

#[tokio::test]
async fn order_count_headers_and_limits() {
    let (_sb, h) = start_with(SandboxConfig { order_limit_10s: 2, ..Default::default() }).await;
    let place = || {
        h.signed(
            "POST",
            "/fapi/v1/order",
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=30000",
        )
    };
    let first = place().await;
    assert_eq!(first.headers["x-mbx-order-count-10s"], "1");
    assert_eq!(first.headers["x-mbx-order-count-1m"], "1");
    assert_eq!(place().await.headers["x-mbx-order-count-10s"], "2");
    let third = place().await;
    assert_eq!((third.status, third.code()), (429, Some(-1015)));
}

#[tokio::test]
async fn faults() {
    let (sb, h) = start().await;
    sb.inject(Some("/fapi/v1/order"), Fault::ExecutedButUnavailable, 1);
    let r = h
        .signed(
            "POST",
            "/fapi/v1/order",
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=30000&newClientOrderId=f1",
        )
        .await;
    assert_eq!((r.status, r.code()), (503, Some(-1007)));
    let q = h.signed("GET", "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=f1").await;
    assert_eq!(q.json["status"], "NEW", "the order was executed behind the 503");
    sb.inject(None, Fault::ServerError(502), 1);
    assert_eq!(h.public("/fapi/v1/time", "").await.status, 502);
    sb.inject(None, Fault::RateLimited, 1);
    let r = h.public("/fapi/v1/time", "").await;
    assert_eq!((r.status, r.headers["retry-after"].to_str().unwrap()), (429, "1"));
    sb.set_latency(std::time::Duration::from_millis(150));
    let started = std::time::Instant::now();
    h.public("/fapi/v1/ping", "").await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(150));
    sb.clear_faults();
    sb.inject(None, Fault::HtmlError, 1);
    let r = h.http.get(format!("{}/fapi/v1/ping", h.base)).send().await.unwrap();
    assert_eq!(r.status(), 502);
    assert!(r.text().await.unwrap().contains("<html>"));
    sb.inject(None, Fault::ResetMidResponse, 1);
    let cut = match h.http.get(format!("{}/fapi/v1/exchangeInfo", h.base)).send().await {
        Ok(r) => r.bytes().await.is_err(),
        Err(_) => true,
    };
    assert!(cut, "the body is cut off");
    assert_eq!(h.public("/fapi/v1/ping", "").await.status, 200, "it keeps serving");
}

#[tokio::test]
async fn shutdown_frees_the_port() {
    let (sb, h) = start().await;
    let addr = sb.addr();
    assert_eq!(h.public("/fapi/v1/ping", "").await.status, 200);
    sb.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
