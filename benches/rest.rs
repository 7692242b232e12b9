//! REST benchmarks: signing plus encoding of an order, and typed decoding throughput.
//! (The round trip against raw reqwest is `benches/ping.rs`.)
//!
//! `cargo bench --bench rest`

use aster::endpoint::{Endpoint, ParamWriter, Params};
use aster::models::OrderBook;
use aster::params::{DepthParams, NewOrderParams};
use aster::sign::Signer;
use aster::{OrderType, Side, TimeInForce};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn order() -> NewOrderParams {
    NewOrderParams {
        symbol: "BTCUSDT".into(),
        side: Side::Buy,
        position_side: None,
        order_type: OrderType::Limit,
        time_in_force: Some(TimeInForce::Gtc),
        quantity: Some("0.002".parse().unwrap()),
        reduce_only: None,
        price: Some("59808.5".parse().unwrap()),
        new_client_order_id: Some("bench-order-1".into()),
        stop_price: None,
        close_position: None,
        activation_price: None,
        callback_rate: None,
        working_type: None,
        price_protect: None,
        new_order_resp_type: None,
    }
}

fn sign_and_encode(c: &mut Criterion) {
    let signer = Signer::new("2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9");
    let params = order();
    c.bench_function("sign+encode new_order", |b| {
        b.iter(|| {
            let p = black_box(&params);
            p.check().unwrap();
            let mut w = ParamWriter::new();
            p.write_params(&mut w);
            w.put("timestamp", &1_591_702_613_943i64);
            w.put("recvWindow", &5000u64);
            let sig = signer.sign(w.as_str().as_bytes());
            black_box((w, sig))
        })
    });
}

fn decode(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let cfg = aster_sandbox::SandboxConfig { book_levels: 1000, ..Default::default() };
    let sandbox = rt.block_on(aster_sandbox::Sandbox::start(cfg)).unwrap();
    let fetch = |path: &str| {
        let url = format!("{}{path}", sandbox.base_url());
        let http = aster::http_client_builder().unwrap().build().unwrap();
        rt.block_on(async { http.get(url).send().await.unwrap().bytes().await.unwrap() })
    };
    let depth = fetch("/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
    let depth5 = fetch("/fapi/v1/depth?symbol=BTCUSDT&limit=5");
    let info = fetch("/fapi/v1/exchangeInfo");
    assert_eq!(serde_json::from_slice::<OrderBook>(&depth).unwrap().bids.len(), 1000);
    let mut group = c.benchmark_group("decode");
    // As the client reads a book: its common spelling straight from the text.
    let plain = |body: &[u8]| {
        <DepthParams as Endpoint<aster::api::FuturesV1>>::read_plain(std::str::from_utf8(body).unwrap()).unwrap()
    };
    group.throughput(Throughput::Bytes(depth.len() as u64));
    group.bench_function("depth limit=1000", |b| b.iter(|| plain(black_box(&depth))));
    group.bench_function("depth limit=1000, general decoder", |b| {
        b.iter(|| serde_json::from_slice::<OrderBook>(black_box(&depth)).unwrap())
    });
    group.throughput(Throughput::Bytes(depth5.len() as u64));
    group.bench_function("depth limit=5", |b| b.iter(|| plain(black_box(&depth5))));
    group.bench_function("depth limit=5, general decoder", |b| {
        b.iter(|| serde_json::from_slice::<OrderBook>(black_box(&depth5)).unwrap())
    });
    group.throughput(Throughput::Bytes(info.len() as u64));
    group.bench_function("exchange_info", |b| {
        b.iter(|| serde_json::from_slice::<aster::models::ExchangeInfo>(black_box(&info)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, sign_and_encode, decode);
criterion_main!(benches);
