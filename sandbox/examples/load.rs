//! Load generator: how many requests per second the sandbox serves over loopback.
//!
//! `cargo run --release -p aster-sandbox --example load -- [--seconds 5] [--connections 32]`
//!
//! Runs an in-process sandbox (limits raised so nothing is throttled) and drives it with
//! keep-alive HTTP/1.1 connections: first `GET /fapi/v1/ping`, then a signed
//! `POST /fapi/v1/order` (an IOC buy under the market, so the book does not grow).
//! Client and server share this machine's cores, so the figures are a floor.

use aster_sandbox::{Sandbox, SandboxConfig};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
}

async fn drive(
    name: &str,
    connections: u64,
    seconds: u64,
    make: Arc<dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync>,
) {
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (done, failed, make) = (done.clone(), failed.clone(), make.clone());
        tasks.push(tokio::spawn(async move {
            let _ = rustls::crypto::CryptoProvider::install_default(rustls_graviola::default_provider());
            let http = reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap();
            while Instant::now() < deadline {
                match make(&http).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    let started = Instant::now();
    for t in tasks {
        let _ = t.await;
    }
    let secs = started.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    println!(
        "{name:<28} {n:>8} ok, {:>4} failed in {secs:.1}s over {connections} connections: {:.0} req/s",
        failed.load(Ordering::Relaxed),
        n as f64 / secs
    );
}

#[tokio::main]
async fn main() {
    let seconds = arg("--seconds", 5);
    let connections = arg("--connections", 32);
    let cfg = SandboxConfig {
        weight_limit_1m: u64::MAX / 4,
        order_limit_10s: u64::MAX / 4,
        order_limit_1m: u64::MAX / 4,
        ..Default::default()
    };
    let sandbox = Sandbox::start(cfg).await.expect("sandbox starts");
    let base = sandbox.base_url();

    let ping = format!("{base}/fapi/v1/ping");
    drive("GET /fapi/v1/ping", connections, seconds, Arc::new(move |h: &reqwest::Client| h.get(&ping))).await;

    let price =
        sandbox.with_exchange(|ex| (ex.futures.symbols[0].ref_price * rust_decimal::Decimal::new(9, 1)).round_dp(1));
    let (key, secret, order_url) =
        (sandbox.api_key().to_string(), sandbox.secret().to_string(), format!("{base}/fapi/v1/order"));
    let make = move |h: &reqwest::Client| {
        let body = format!(
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=0.001&price={price}&timestamp={}",
            now_ms()
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body.as_bytes());
        let sig = hex::encode(mac.finalize().into_bytes());
        h.post(&order_url)
            .header("X-MBX-APIKEY", &key)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("{body}&signature={sig}"))
    };
    drive("POST /fapi/v1/order (signed)", connections, seconds, Arc::new(make)).await;
    sandbox.shutdown().await;
}
