//! Where the examples send their requests: an in-process sandbox by default; the live
//! exchange with `--live` or `ASTER_BASE_URL` (keys from `ASTER_API_KEY` / `ASTER_API_SECRET`).
#![allow(dead_code)]

use aster::Client;
use aster_sandbox::{Sandbox, SandboxConfig};

pub type AnyError = Box<dyn std::error::Error + Send + Sync>;

pub struct Target {
    pub client: Client,
    pub has_keys: bool,
    /// Keeps the in-process sandbox running while the example does.
    pub sandbox: Option<Sandbox>,
}

pub async fn connect() -> Result<Target, AnyError> {
    let live = std::env::args().any(|a| a == "--live");
    let url = std::env::var("ASTER_BASE_URL").ok().or_else(|| live.then(|| aster::DEFAULT_BASE_URL.to_string()));
    match url {
        Some(url) => {
            let mut b = Client::builder().base_url(&url);
            let key = std::env::var("ASTER_API_KEY").ok();
            let secret = std::env::var("ASTER_API_SECRET").ok();
            let has_keys = key.is_some() && secret.is_some();
            if let (Some(k), Some(s)) = (key, secret) {
                b = b.key(k).secret(s);
            }
            println!("using {url}");
            Ok(Target { client: b.build()?, has_keys, sandbox: None })
        }
        None => {
            let sandbox = Sandbox::start(SandboxConfig::default()).await?;
            println!("using the in-process sandbox at {}", sandbox.base_url());
            let client = Client::builder()
                .base_url(sandbox.base_url())
                .key(sandbox.api_key())
                .secret(sandbox.secret())
                .build()?;
            Ok(Target { client, has_keys: true, sandbox: Some(sandbox) })
        }
    }
}

/// The WebSocket side of the target: the sandbox's streams, or `ASTER_WS_URL` (default
/// `wss://fstream.asterdex.com`) when talking to the exchange.
pub fn ws_client(target: &Target) -> aster::ws::WsClient {
    let url = match &target.sandbox {
        Some(sb) => sb.ws_url(),
        None => std::env::var("ASTER_WS_URL").unwrap_or_else(|_| aster::ws::DEFAULT_STREAM_URL.to_string()),
    };
    aster::ws::WsClient::new(url)
}

/// On the sandbox, trades back and forth so that streams have something to report.
pub fn keep_market_moving(target: &Target) {
    if target.sandbox.is_none() {
        return;
    }
    let client = target.client.clone();
    tokio::spawn(async move {
        loop {
            for side in [aster::Side::Buy, aster::Side::Sell] {
                let _ = client
                    .new_order("BTCUSDT", side, aster::OrderType::Market)
                    .quantity(aster::Decimal::new(1, 3))
                    .await;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    });
}

/// Prints the first `n` items of a stream.
pub async fn print_some<T: std::fmt::Debug>(mut stream: aster::ws::EventStream<T>, n: usize) {
    use futures_util::StreamExt;
    for _ in 0..n {
        match tokio::time::timeout(std::time::Duration::from_secs(15), stream.next()).await {
            Ok(Some(item)) => println!("{item:?}"),
            Ok(None) => break,
            Err(_) => {
                println!("(nothing for 15 s)");
                break;
            }
        }
    }
}

/// The spot side of the target: spot and futures clients of one account (the sandbox's
/// demo account, or the live exchange with `ASTER_SPOT_URL`, default
/// `https://sapi.asterdex.com` with `--live`), and its stream host.
pub struct SpotTarget {
    pub spot: aster::spot::Client,
    pub futures: Client,
    pub stream_url: String,
    pub has_keys: bool,
    pub sandbox: Option<Sandbox>,
}

pub async fn connect_spot() -> Result<SpotTarget, AnyError> {
    let live = std::env::args().any(|a| a == "--live");
    let url = std::env::var("ASTER_SPOT_URL").ok().or_else(|| live.then(|| aster::spot::DEFAULT_BASE_URL.to_string()));
    let keys = (std::env::var("ASTER_API_KEY").ok(), std::env::var("ASTER_API_SECRET").ok());
    match (url, keys) {
        (Some(url), (key, secret)) => {
            let has_keys = key.is_some() && secret.is_some();
            let (mut spot, mut futures) = (aster::spot::Client::builder().base_url(&url), Client::builder());
            if let (Some(k), Some(s)) = (key, secret) {
                spot = spot.key(&k).secret(&s);
                futures = futures.key(k).secret(s);
            }
            println!("using {url}");
            let stream_url =
                std::env::var("ASTER_SPOT_WS_URL").unwrap_or_else(|_| aster::spot::DEFAULT_STREAM_URL.to_string());
            Ok(SpotTarget { spot: spot.build()?, futures: futures.build()?, stream_url, has_keys, sandbox: None })
        }
        (None, _) => {
            let sb = Sandbox::start(SandboxConfig::default()).await?;
            println!("using the in-process sandbox at {}", sb.base_url());
            let spot = aster::spot::Client::builder().base_url(sb.base_url()).key(sb.api_key()).secret(sb.secret());
            let futures = Client::builder().base_url(sb.base_url()).key(sb.api_key()).secret(sb.secret());
            Ok(SpotTarget {
                spot: spot.build()?,
                futures: futures.build()?,
                stream_url: sb.spot_ws_url(),
                has_keys: true,
                sandbox: Some(sb),
            })
        }
    }
}
