//! The client's overhead over a raw reqwest round trip to the same sandbox URL, measured
//! interleaved (alternating batches) so both see the same machine state.
//!
//! `cargo bench --bench ping` prints both medians and their ratio.

use std::time::{Duration, Instant};

const ROUNDS: usize = 40;
const BATCH: usize = 250;

fn median(v: &mut [Duration]) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let cfg = aster_sandbox::SandboxConfig { weight_limit_1m: u64::MAX / 4, ..Default::default() };
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
    // The same reqwest setup the client uses, so the difference is the client's own work.
    let raw = aster::http_client_builder().unwrap().build().unwrap();
    let (mut raw_t, mut client_t) = (Vec::new(), Vec::new());
    rt.block_on(async {
        for _ in 0..200 {
            raw.get(&url).send().await.unwrap().bytes().await.unwrap();
            client.ping().send().await.unwrap();
        }
        for _ in 0..ROUNDS {
            for _ in 0..BATCH {
                let t = Instant::now();
                raw.get(&url).send().await.unwrap().bytes().await.unwrap();
                raw_t.push(t.elapsed());
            }
            for _ in 0..BATCH {
                let t = Instant::now();
                client.ping().send().await.unwrap();
                client_t.push(t.elapsed());
            }
        }
    });
    let (r, c) = (median(&mut raw_t), median(&mut client_t));
    println!("ping round trip over loopback, {} requests each, interleaved in batches of {BATCH}", ROUNDS * BATCH);
    println!("  raw reqwest GET   median {:>8.1} µs", r.as_secs_f64() * 1e6);
    println!("  aster client.ping median {:>8.1} µs", c.as_secs_f64() * 1e6);
    println!("  client/raw ratio  {:.3}", c.as_secs_f64() / r.as_secs_f64());
}
