//! Typed decoding of stream messages: bookTicker, aggTrade and depthUpdate, on one core, as
//! a subscription reads them and through the general decoder alone.
//!
//! `cargo bench --bench ws_decode`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

const BOOK_TICKER: &str = r#"{"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"#;
const AGG_TRADE: &str = r#"{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"60001.10","q":"0.100","f":100,"l":105,"T":123456785,"m":true}"#;

fn depth_update() -> String {
    let level = |i: usize| format!(r#"["{}.{:02}","{}.{:03}"]"#, 60000 - i, i % 100, i % 7, i % 1000);
    let bids: Vec<String> = (0..20).map(level).collect();
    let asks: Vec<String> = (0..20).map(|i| level(i + 50)).collect();
    format!(
        r#"{{"e":"depthUpdate","E":1571889248277,"T":1571889248276,"s":"BTCUSDT","U":390497796,"u":390497878,"pu":390497794,"b":[{}],"a":[{}]}}"#,
        bids.join(","),
        asks.join(",")
    )
}

fn decode(c: &mut Criterion) {
    // As a subscription decodes its stream's messages (plainly where it can), and through
    // the general decoder alone, for comparison.
    let mut g = c.benchmark_group("stream decode");
    g.throughput(Throughput::Elements(1));
    let book_ticker = aster::streams::book_ticker("BNBUSDT");
    g.bench_function("bookTicker", |b| b.iter(|| book_ticker.decode(black_box(BOOK_TICKER)).unwrap()));
    g.bench_function("bookTicker, general decoder", |b| {
        b.iter(|| serde_json::from_str::<aster::models::BookTickerEvent>(black_box(BOOK_TICKER)).unwrap())
    });
    let agg_trade = aster::streams::agg_trade("BTCUSDT");
    g.bench_function("aggTrade", |b| b.iter(|| agg_trade.decode(black_box(AGG_TRADE)).unwrap()));
    g.bench_function("aggTrade, general decoder", |b| {
        b.iter(|| serde_json::from_str::<aster::models::AggTradeEvent>(black_box(AGG_TRADE)).unwrap())
    });
    let depth = depth_update();
    let diff_depth = aster::streams::diff_book_depth("BTCUSDT", aster::DepthSpeed::Ms100);
    g.bench_function("depthUpdate (20+20 levels)", |b| b.iter(|| diff_depth.decode(black_box(&depth)).unwrap()));
    g.bench_function("depthUpdate (20+20 levels), general decoder", |b| {
        b.iter(|| serde_json::from_str::<aster::models::DepthUpdateEvent>(black_box(&depth)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
