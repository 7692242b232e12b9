//! End to end over loopback: the sandbox's blast mode pushing bookTicker messages to a
//! typed consumer, and the memory a client holding 200 streams adds.
//!
//! `cargo bench --bench ws_e2e`

use aster::ws::{WsClient, WsError};
use futures_util::StreamExt;
use std::time::{Duration, Instant};

const MESSAGES: usize = 200_000;
const PAYLOAD: &str = r#"{"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BTCUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"#;

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4
}

async fn wait_for_subscribers(sb: &aster_sandbox::Sandbox, name: &str) {
    while sb.ws_subscribers().get(name).copied().unwrap_or(0) == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let sb = aster_sandbox::Sandbox::start(Default::default()).await.unwrap();
        let ws = WsClient::new(sb.ws_url());
        // A symbol the sandbox quotes but the blast does not touch keeps organic traffic out.
        let name = "bnbusdt@bookTicker";
        let mut stream = ws.subscribe(aster::ws::Subscription::<aster::models::BookTickerEvent>::new(name.to_string())).await.unwrap();
        wait_for_subscribers(&sb, name).await;
        let blaster = {
            let started = Instant::now();
            let sb_ref = &sb;
            let consume = async {
                let (mut ok, mut lagged) = (0usize, 0u64);
                while ok + (lagged as usize) < MESSAGES {
                    match tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
                        Ok(Some(Ok(ev))) => {
                            if ev.symbol == "BTCUSDT" {
                                ok += 1;
                            }
                        }
                        Ok(Some(Err(WsError::Lagged(n)))) => lagged += n,
                        Ok(Some(Err(_))) => {}
                        _ => break,
                    }
                }
                (ok, lagged)
            };
            let (_, (ok, lagged)) = tokio::join!(sb_ref.blast(name, PAYLOAD, MESSAGES), consume);
            (ok, lagged, started.elapsed())
        };
        let (ok, lagged, took) = blaster;
        println!("blast: {ok} typed bookTicker events ({lagged} reported lagged) in {:.2}s: {:.0} messages/s end to end", took.as_secs_f64(), ok as f64 / took.as_secs_f64());
        ws.stop().await;

        // Memory: 200 streams on one connection, on a sandbox with enough symbols.
        let symbols: Vec<aster_sandbox::SymbolConfig> =
            (0..8).map(|i| aster_sandbox::SymbolConfig::new(&format!("S{i}USDT"), "100.00", "0.01", "0.01")).collect();
        let sb = aster_sandbox::Sandbox::start(aster_sandbox::SandboxConfig { symbols: symbols.clone(), ..Default::default() }).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let before = rss_kib();
        let ws = WsClient::new(sb.ws_url());
        let mut names = Vec::new();
        for s in symbols.iter().map(|c| c.symbol.to_lowercase()) {
            let s = s.as_str();
            for i in aster::KlineInterval::ALL {
                names.push(aster::streams::kline(s, i.clone()).name().to_string());
            }
            for l in aster::DepthLevels::ALL {
                for sp in aster::DepthSpeed::ALL {
                    names.push(aster::streams::partial_book_depth(s, l.clone(), sp.clone()).name().to_string());
                }
            }
            for sp in aster::DepthSpeed::ALL {
                names.push(aster::streams::diff_book_depth(s, sp.clone()).name().to_string());
            }
            names.push(aster::streams::agg_trade(s).name().to_string());
            names.push(aster::streams::book_ticker(s).name().to_string());
            names.push(aster::streams::ticker(s).name().to_string());
            names.push(aster::streams::mini_ticker(s).name().to_string());
            names.push(aster::streams::trade_pro(s).name().to_string());
        }
        names.truncate(200);
        let count = names.len();
        let streams = ws.subscribe_raw_many(names).await.unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = rss_kib();
        println!(
            "memory: {count} streams on {} connection(s): RSS grew {} KiB (client, plus the in-process sandbox's side of the connection)",
            ws.connection_count().await,
            after.saturating_sub(before)
        );
        drop(streams);
        ws.stop().await;
    });
}
