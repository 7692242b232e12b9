//! How much of the exchange's weight limit the governor lets a greedy bot use: 16 tasks
//! call as fast as they can (deep books, every ticker, prices) for three windows against
//! a sandbox enforcing a limit of 1,200 weight per 10 s, and the weight the sandbox
//! accepted is reported as a share of what the limit allows in that time, with the 429s
//! and 418s seen (there must be none).
//!
//! `cargo bench --bench rate_limits` prints the figures for the default settings, alone on
//! the host (nothing is kept for exits: no client could send one) and beside a trading
//! client (a tenth of each limit kept for cancels and closing orders), and without that
//! reserve.

use aster::{Error, RateLimitSettings};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const WINDOW: Duration = Duration::from_secs(10);
const LIMIT: u64 = 1_200;
const WINDOWS: u32 = 3;

#[derive(Default)]
struct Tally {
    weight: AtomicU64,
    refused: AtomicU64,
}

async fn greedy(c: aster::Client, tally: Arc<Tally>, until: tokio::time::Instant, task: usize) {
    for turn in task.. {
        let call = async {
            let (weight, outcome) = match turn % 3 {
                0 => (20, c.depth("BTCUSDT").limit(1000).await.map(|_| ())),
                1 => (40, c.ticker_24hr_price_change().await.map(|_| ())),
                _ => (2, c.ticker_price().await.map(|_| ())),
            };
            match outcome {
                Ok(()) => tally.weight.fetch_add(weight, Ordering::Relaxed),
                Err(Error::RateLimited { .. } | Error::BackingOff { .. }) => {
                    tally.refused.fetch_add(1, Ordering::Relaxed)
                }
                Err(e) => panic!("{e}"),
            };
        };
        if tokio::time::timeout_at(until, call).await.is_err() {
            return;
        }
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        for (name, settings, trading) in [
            ("default settings (no client can send an exit: nothing kept)", RateLimitSettings::default(), false),
            ("default settings, a trading client on the host (10% kept for exits)", RateLimitSettings::default(), true),
            ("no exit reserve, a trading client on the host", RateLimitSettings::default().exit_reserve(0.0), true),
        ] {
            let cfg = aster_sandbox::SandboxConfig {
                weight_limit_1m: LIMIT,
                weight_window_ms: WINDOW.as_millis() as i64,
                ..Default::default()
            };
            let sb = aster_sandbox::Sandbox::start(cfg).await.unwrap();
            let client =
                aster::Client::builder().base_url(sb.base_url()).rate_limits(settings.clone()).build().unwrap();
            // A client acting for an account could send exits: the reserve is kept for them.
            let _trader = trading.then(|| {
                let trader = aster::Client::builder().base_url(sb.base_url()).key(sb.api_key()).secret(sb.secret());
                trader.rate_limits(settings).build().unwrap()
            });
            client.ping().await.unwrap(); // reads the limits
            let tally = Arc::new(Tally::default());
            let started = tokio::time::Instant::now();
            let until = started + WINDOW * WINDOWS;
            let tasks: Vec<_> =
                (0..16).map(|t| tokio::spawn(greedy(client.clone(), tally.clone(), until, t))).collect();
            for t in tasks {
                t.await.unwrap();
            }
            let allowed = LIMIT as f64 * started.elapsed().as_secs_f64() / WINDOW.as_secs_f64();
            let used = tally.weight.load(Ordering::Relaxed);
            println!(
                "{name}: {used} weight in {:.1} s under {LIMIT} per {} s = {:.1}% of the limit; {} refused (429/418)",
                started.elapsed().as_secs_f64(),
                WINDOW.as_secs(),
                100.0 * used as f64 / allowed,
                tally.refused.load(Ordering::Relaxed)
            );
            sb.shutdown().await;
        }
    });
}
