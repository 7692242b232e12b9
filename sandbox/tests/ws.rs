//! The WebSocket protocol of the docs, over a plain tungstenite client.

use aster_sandbox::Sandbox;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(url: String) -> Socket {
    tokio_tungstenite::connect_async(url).await.unwrap().0
}

/// The next text frame that is a reply (has "id" or "code"), skipping stream data.
async fn reply(ws: &mut Socket) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next()).await.unwrap().unwrap().unwrap();
        if let Message::Text(t) = msg {
            let v: Value = serde_json::from_str(t.as_str()).unwrap();
            if v.get("id").is_some() || v.get("code").is_some() {
                return v;
            }
        }
    }
}

async fn send(ws: &mut Socket, text: &str) {
    ws.send(Message::Text(text.to_string().into())).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_requests_get_the_documented_replies() {
    let sb = Sandbox::start(Default::default()).await.unwrap();
    let mut ws = open(format!("{}/ws/btcusdt@aggTrade", sb.ws_url())).await;
    send(&mut ws, r#"{"method":"SUBSCRIBE","params":["btcusdt@depth","ethusdt@bookTicker"],"id":1}"#).await;
    assert_eq!(reply(&mut ws).await, json!({"result": null, "id": 1}));
    send(&mut ws, r#"{"method":"UNSUBSCRIBE","params":["btcusdt@depth"],"id":312}"#).await;
    assert_eq!(reply(&mut ws).await, json!({"result": null, "id": 312}));
    send(&mut ws, r#"{"method":"LIST_SUBSCRIPTIONS","id":3}"#).await;
    assert_eq!(reply(&mut ws).await, json!({"result": ["btcusdt@aggTrade", "ethusdt@bookTicker"], "id": 3}));
    send(&mut ws, r#"{"method":"GET_PROPERTY","params":["combined"],"id":2}"#).await;
    assert_eq!(reply(&mut ws).await, json!({"result": false, "id": 2}), "raw connections start uncombined");
    send(&mut ws, r#"{"method":"SET_PROPERTY","params":["combined",true],"id":5}"#).await;
    assert_eq!(reply(&mut ws).await, json!({"result": null, "id": 5}));
    send(&mut ws, r#"{"method":"SET_PROPERTY","params":["combined","yes"],"id":6}"#).await;
    assert_eq!(reply(&mut ws).await["code"], 1);
    send(&mut ws, r#"{"method":"GET_PROPERTY","params":["speed"],"id":7}"#).await;
    assert_eq!(reply(&mut ws).await["code"], 0);
    send(&mut ws, r#"{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":"x"}"#).await;
    assert_eq!(reply(&mut ws).await["code"], 2);
    send(&mut ws, r#"{"method":"PUBLISH","params":[],"id":8}"#).await;
    let r = reply(&mut ws).await;
    assert_eq!(r["code"], 2);
    assert!(r["msg"].as_str().unwrap().contains("unknown variant"));
    send(&mut ws, "{not json").await;
    assert_eq!(reply(&mut ws).await["code"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_200_streams_and_10_messages_a_second() {
    let symbols =
        (0..10).map(|i| aster_sandbox::SymbolConfig::new(&format!("S{i}USDT"), "100.00", "0.01", "0.01")).collect();
    let sb = Sandbox::start(aster_sandbox::SandboxConfig { symbols, ..Default::default() }).await.unwrap();
    let mut names: Vec<String> = Vec::new();
    for s in 0..10 {
        for i in ["1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"] {
            names.push(format!("s{s}usdt@kline_{i}"));
        }
        for l in ["5", "10", "20"] {
            for sp in ["", "@500ms", "@100ms"] {
                names.push(format!("s{s}usdt@depth{l}{sp}"));
            }
        }
    }
    let mut ws = open(format!("{}/ws/s0usdt@aggTrade", sb.ws_url())).await;
    send(&mut ws, &json!({"method": "SUBSCRIBE", "params": names[..199], "id": 1}).to_string()).await;
    assert_eq!(reply(&mut ws).await, json!({"result": null, "id": 1}), "199 + 1 = 200 streams is the limit");
    send(&mut ws, &json!({"method": "SUBSCRIBE", "params": [names[199]], "id": 2}).to_string()).await;
    let r = reply(&mut ws).await;
    assert_eq!(r["code"], 2, "the 201st stream is refused: {r}");

    let mut ws2 = open(format!("{}/stream?streams=s1usdt@aggTrade", sb.ws_url())).await;
    for i in 0..11 {
        let _ = ws2.send(Message::Text(format!(r#"{{"method":"LIST_SUBSCRIPTIONS","id":{i}}}"#).into())).await;
    }
    // The eleventh message within a second ends the connection.
    let mut closed = false;
    for _ in 0..40 {
        match tokio::time::timeout(Duration::from_secs(2), ws2.next()).await {
            Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => {
                closed = true;
                break;
            }
            Ok(Some(Ok(_))) => {}
            Err(_) => break,
        }
    }
    assert!(closed, "the connection was dropped for flooding");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_and_combined_payloads() {
    let sb = Sandbox::start(Default::default()).await.unwrap();
    sb.set_ws_ping_interval(Duration::from_millis(200));
    let mut ws = open(format!("{}/stream?streams=btcusdt@markPrice@1s/!bookTicker", sb.ws_url())).await;
    let (mut ping, mut data) = (false, false);
    while !(ping && data) {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await.unwrap().unwrap().unwrap() {
            Message::Ping(_) => ping = true,
            Message::Text(t) => {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                assert!(v["stream"].is_string() && v["data"].is_object(), "{v}");
                data = true;
            }
            _ => {}
        }
    }
    let bad = tokio_tungstenite::connect_async(format!("{}/ws/nosuchstream", sb.ws_url())).await;
    assert!(bad.is_err(), "an unknown stream or listen key is refused");
}
