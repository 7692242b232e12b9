//! Shared set-up: a sandbox on loopback and clients pointed at it.
#![allow(dead_code)]

pub mod load;

use aster::Client;
use aster_sandbox::{Sandbox, SandboxConfig};

pub async fn sandbox() -> Sandbox {
    sandbox_with(SandboxConfig::default()).await
}

pub async fn sandbox_with(cfg: SandboxConfig) -> Sandbox {
    Sandbox::start(cfg).await.expect("sandbox starts on loopback")
}

/// The sandbox's default limits, given to the governor so that no `exchangeInfo` read
/// precedes the calls a test counts or the faults it injects.
pub fn known_limits() -> aster::RateLimitSettings {
    use aster::{LimitKind, RateLimit};
    use std::time::Duration;
    aster::RateLimitSettings::default().limits(vec![
        RateLimit::new(LimitKind::RequestWeight, Duration::from_secs(60), 2400),
        RateLimit::new(LimitKind::Orders, Duration::from_secs(60), 1200),
        RateLimit::new(LimitKind::Orders, Duration::from_secs(10), 300),
    ])
}

pub fn public(sb: &Sandbox) -> Client {
    Client::builder().base_url(sb.base_url()).rate_limits(known_limits()).build().expect("client builds")
}

pub fn signed(sb: &Sandbox) -> Client {
    Client::builder()
        .base_url(sb.base_url())
        .key(sb.api_key())
        .secret(sb.secret())
        .rate_limits(known_limits())
        .build()
        .expect("client builds")
}

pub fn dec(s: &str) -> aster::Decimal {
    s.parse().expect("decimal literal")
}

/// Keeps the sandbox's market moving so streams have something to say.
pub fn keep_moving(sb: &aster_sandbox::Sandbox) -> tokio::task::JoinHandle<()> {
    let base = sb.base_url();
    let (key, secret) = (sb.api_key().to_string(), sb.secret().to_string());
    tokio::spawn(async move {
        let c = aster::Client::builder().base_url(base).key(key).secret(secret).build().unwrap();
        loop {
            // Alternate buys and sells so trades print and the book changes.
            for side in [aster::Side::Buy, aster::Side::Sell] {
                let _ = c.new_order("BTCUSDT", side, aster::OrderType::Market).quantity(dec("0.001")).await;
                tokio::time::sleep(std::time::Duration::from_millis(40)).await;
            }
        }
    })
}

/// The next data item of a stream, skipping reconnect notices; panics on anything else.
pub async fn next_ok<T>(s: &mut aster::ws::EventStream<T>) -> T {
    use futures_util::StreamExt;
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), s.next()).await.expect("an event in time") {
            Some(Ok(v)) => return v,
            Some(Err(aster::ws::WsError::Reconnecting(_) | aster::ws::WsError::Resumed(_))) => continue,
            Some(Err(e)) => panic!("stream error: {e}"),
            None => panic!("stream ended"),
        }
    }
}

/// A wallet key made of one repeated byte, for tests that need several.
pub fn wallet_key(byte: u8) -> aster::v3::WalletKey {
    aster::v3::WalletKey::from_bytes(&[byte; 32]).expect("a valid key")
}

/// The same key as 0x-prefixed hex, as a client builder takes it.
pub fn wallet_key_hex(byte: u8) -> String {
    format!("0x{}", hex::encode([byte; 32]))
}

pub fn unix_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// A spot V1 client of the sandbox's demo account.
pub fn spot_client(sb: &Sandbox) -> aster::spot::Client {
    aster::spot::Client::builder()
        .base_url(sb.base_url())
        .key(sb.api_key())
        .secret(sb.secret())
        .rate_limits(known_limits())
        .build()
        .unwrap()
}

/// A spot V3 client of the sandbox's demo account, signed by the docs' demo API wallet.
pub fn spot_v3_client(sb: &Sandbox) -> aster::spot::v3::Client {
    aster::spot::v3::Client::builder()
        .base_url(sb.base_url())
        .user(aster_sandbox::DEMO_USER)
        .signer(aster_sandbox::DEMO_SIGNER)
        .private_key(aster_sandbox::DEMO_SIGNER_KEY)
        .build()
        .unwrap()
}

/// How long a stream test waits for one item, and for an awaited item in all.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The next item of a stream, data or error, within `WAIT`.
pub async fn next_item<T>(s: &mut aster::ws::EventStream<T>) -> Result<T, aster::ws::WsError> {
    use futures_util::StreamExt;
    tokio::time::timeout(WAIT, s.next()).await.expect("an item in time").expect("the stream goes on")
}

/// The first error item matching `want`, skipping everything else, within `WAIT` in all.
pub async fn until_error<T>(
    s: &mut aster::ws::EventStream<T>,
    want: impl Fn(&aster::ws::WsError) -> bool,
) -> aster::ws::WsError {
    let search = async {
        loop {
            if let Err(e) = next_item(s).await {
                if want(&e) {
                    return e;
                }
            }
        }
    };
    tokio::time::timeout(WAIT, search).await.expect("the awaited error item in time")
}

/// Reconnect settings fast enough for tests.
pub fn fast_ws() -> aster::ws::WsConfig {
    aster::ws::WsConfig {
        initial_backoff: std::time::Duration::from_millis(50),
        max_backoff: std::time::Duration::from_millis(400),
        control_timeout: std::time::Duration::from_millis(800),
        ..aster::ws::WsConfig::default()
    }
}

/// A sandbox account named `key` whose main wallet (key byte `main`) the test holds, and a
/// V3 client of it signing with the API wallet of key byte `api`.
pub fn v3_account_with_main(sb: &Sandbox, main: u8, api: u8, key: &str) -> aster::v3::Client {
    let (main_key, api_key) = (wallet_key(main), wallet_key(api));
    sb.add_account(
        aster_sandbox::AccountConfig::new(key, key)
            .with_wallet(main_key.address().to_string(), api_key.address().to_string()),
    );
    aster::v3::Client::builder()
        .base_url(sb.base_url())
        .user(main_key.address().to_string())
        .private_key(wallet_key_hex(api))
        .main_private_key(wallet_key_hex(main))
        .rate_limits(known_limits())
        .build()
        .expect("client builds")
}

/// USDT in a V3 client's futures wallet (0 when it has none).
pub async fn v3_usdt(client: &aster::v3::Client) -> aster::Decimal {
    let balances = client.balance().await.expect("balances are read");
    balances.into_iter().find(|b| b.asset == "USDT").map(|b| b.balance).unwrap_or_default()
}

/// A Solana address no sandbox account owns.
pub const FOREIGN_SOLANA: &str = "4wTV1YmiEkRvAtNtsSGPtUrqRYQMe5SKy2uB4Jjaxnjf";

/// The error code of a call that must have been refused.
pub fn refused_code<T: std::fmt::Debug>(reply: aster::Result<T>) -> Option<i64> {
    reply.expect_err("refused").error_code()
}

/// The endpoints of a list the sandbox was never asked for, by name, method and path.
pub fn uncalled(sb: &Sandbox, endpoints: &[aster::endpoint::EndpointSpec]) -> Vec<String> {
    let called: std::collections::BTreeSet<(String, String)> = sb.requests().into_iter().collect();
    endpoints
        .iter()
        .filter(|e| !called.contains(&(e.method.as_str().to_string(), e.path.to_string())))
        .map(|e| format!("{} ({} {})", e.name, e.method.as_str(), e.path))
        .collect()
}
