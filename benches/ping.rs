//! The client's overhead over a raw reqwest round trip to the same sandbox URL, measured
//! interleaved (alternating batches) so both see the same machine state: `ping` (an empty
//! reply) and `depth(limit=5)` (a typed decode of a small book against fetching its bytes).
//!
//! `cargo bench --bench ping` prints the medians and their ratios.

use std::time::{Duration, Instant};

const ROUNDS: usize = 300;
const BATCH: usize = 50;

fn median(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // A limit far above the run, so the governor counts every call but never waits.
    let cfg = aster_sandbox::SandboxConfig { weight_limit_1m: u64::from(u32::MAX), ..Default::default() };
    // The sandbox runs on its own thread so the client side is measured on this one.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let srt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        srt.block_on(async {
            let sb = aster_sandbox::Sandbox::start(cfg).await.unwrap();
            tx.send(sb.base_url()).unwrap();
            std::future::pending::<()>().await;
        });
    });
    let base = rx.recv().unwrap();
    let url = format!("{base}/fapi/v1/ping");
    let client = aster::Client::builder().base_url(&base).build().unwrap();
    // The same without the rate-limit governor: the difference is the governor's cost.
    let ungoverned =
        aster::Client::builder().base_url(&base).rate_limits(aster::RateLimitSettings::off()).build().unwrap();
    // The same reqwest setup the client uses, so the difference is the client's own work.
    let raw = aster::http_client_builder().unwrap().build().unwrap();
    let depth_url = format!("{base}/fapi/v1/depth?symbol=BTCUSDT&limit=5");
    let mut t = Timings::default();
    rt.block_on(async {
        for _ in 0..200 {
            raw.get(&url).send().await.unwrap().bytes().await.unwrap();
            client.ping().send().await.unwrap();
            raw.get(&depth_url).send().await.unwrap().bytes().await.unwrap();
            client.depth("BTCUSDT").limit(5).send().await.unwrap();
        }
        for round in 0..ROUNDS {
            // Each round starts its six batches at another one, so no kind of call always
            // follows the same other kind (whatever one leaves in the caches, all share).
            for step in 0..KINDS {
                let kind = (round + step) % KINDS;
                for _ in 0..BATCH {
                    let s = Instant::now();
                    match kind {
                        0 => drop(raw.get(&url).send().await.unwrap().bytes().await.unwrap()),
                        1 => drop(client.ping().send().await.unwrap()),
                        2 => drop(raw.get(&depth_url).send().await.unwrap().bytes().await.unwrap()),
                        3 => drop(client.depth("BTCUSDT").limit(5).send().await.unwrap()),
                        4 => drop(ungoverned.ping().send().await.unwrap()),
                        _ => drop(ungoverned.depth("BTCUSDT").limit(5).send().await.unwrap()),
                    }
                    t.0[kind].push(s.elapsed());
                }
            }
        }
    });
    println!("round trips over loopback, {} requests each, interleaved in batches of {BATCH}", ROUNDS * BATCH);
    let [raw_ping, client_ping, raw_depth, client_depth, ungoverned_ping, ungoverned_depth] = &t.0;
    report("ping", "raw reqwest GET", raw_ping, "client.ping()", client_ping);
    report("depth(limit=5)", "raw reqwest bytes", raw_depth, "client.depth(..).limit(5)", client_depth);
    report("ping, governor off", "raw reqwest GET", raw_ping, "client.ping()", ungoverned_ping);
    report(
        "depth(limit=5), governor off",
        "raw reqwest bytes",
        raw_depth,
        "client.depth(..).limit(5)",
        ungoverned_depth,
    );
}

/// The kinds of call measured, each a batch per round.
const KINDS: usize = 6;

/// Each kind's round trips, in the order of the `match` above.
#[derive(Default)]
struct Timings([Vec<Duration>; KINDS]);

fn report(what: &str, raw_name: &str, raw: &[Duration], client_name: &str, client: &[Duration]) {
    let (r, c) = (median(&mut raw.to_vec()), median(&mut client.to_vec()));
    println!("{what}:");
    println!("  {raw_name:<28} median {:>8.1} µs", r.as_secs_f64() * 1e6);
    println!("  {client_name:<28} median {:>8.1} µs", c.as_secs_f64() * 1e6);
    // Each round's client batch against the raw batch of the same round, so slow drifts of the
    // machine cancel out; the median of those ratios is the figure to compare.
    let mut ratios: Vec<f64> = raw
        .chunks(BATCH)
        .zip(client.chunks(BATCH))
        .map(|(r, c)| median(&mut c.to_vec()).as_secs_f64() / median(&mut r.to_vec()).as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    println!("  client/raw ratio of medians {:.3}", c.as_secs_f64() / r.as_secs_f64());
    println!("  client/raw ratio, median of {} paired rounds {:.3}", ratios.len(), ratios[ratios.len() / 2]);
}
