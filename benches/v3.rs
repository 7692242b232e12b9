//! V3 against V1 on the same machine and run: signing a new-order payload (EIP-712 +
//! secp256k1 against HMAC-SHA256), and a whole `new_order` round trip to the sandbox over
//! loopback through each client.
//!
//! `cargo bench --bench v3`

use aster::{OrderType, Side, TimeInForce};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

const PAYLOAD: &str = "price=59808&quantity=0.002&side=SELL&symbol=BTCUSDT&timeInForce=GTC&type=LIMIT";
const DEMO_KEY: &str = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1";

fn signing(c: &mut Criterion) {
    let hmac = aster::sign::Signer::new("2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9");
    let v1 = format!("{PAYLOAD}&timestamp=1591702613943&recvWindow=5000");
    let mut group = c.benchmark_group("sign new_order payload");
    group.bench_function("v1 hmac-sha256", |b| b.iter(|| hmac.sign(black_box(v1.as_bytes()))));
    let wallet = aster::wallet::WalletKey::from_hex(DEMO_KEY).unwrap();
    let v3 = format!(
        "{PAYLOAD}&user=0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e&signer={}&nonce=1748310859508867",
        wallet.address()
    );
    group.bench_function("v3 eip712 secp256k1", |b| b.iter(|| wallet.sign_message(1666, black_box(&v3))));
    // The server's side of V3 (here the sandbox's): recovering the signer from the
    // signature, which a V1 server does not pay.
    let signature = wallet.sign_message(1666, &v3);
    group.bench_function("v3 signer recovery (sandbox)", |b| {
        b.iter(|| aster_sandbox::wallet::recover(1666, black_box(&v3), black_box(&signature)).unwrap())
    });
    group.finish();
}

fn round_trip(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    // Limits out of the way: the bench sends far more orders than a trader may.
    let cfg = aster_sandbox::SandboxConfig {
        order_limit_10s: u64::MAX / 4,
        order_limit_1m: u64::MAX / 4,
        weight_limit_1m: u64::MAX / 4,
        ..Default::default()
    };
    let sandbox = rt.block_on(aster_sandbox::Sandbox::start(cfg)).unwrap();
    let v1 = aster::Client::builder()
        .base_url(sandbox.base_url())
        .key(sandbox.api_key())
        .secret(sandbox.secret())
        .build()
        .unwrap();
    let v3 = aster::v3::Client::builder()
        .base_url(sandbox.base_url())
        .user(aster_sandbox::DEMO_USER)
        .private_key(aster_sandbox::DEMO_SIGNER_KEY)
        .build()
        .unwrap();
    // An IOC far under the market: validated, matched against nothing, expired; nothing
    // accumulates in the book however many times it runs.
    let price: aster::Decimal = "30000".parse().unwrap();
    let qty: aster::Decimal = "0.002".parse().unwrap();
    let mut group = c.benchmark_group("new_order round trip");
    group.bench_function("v1", |b| {
        b.iter(|| {
            rt.block_on(
                v1.new_order("BTCUSDT", Side::Buy, OrderType::Limit)
                    .time_in_force(TimeInForce::Ioc)
                    .quantity(qty)
                    .price(price)
                    .send(),
            )
            .unwrap()
        })
    });
    group.bench_function("v3", |b| {
        b.iter(|| {
            rt.block_on(
                v3.new_order("BTCUSDT", Side::Buy, OrderType::Limit)
                    .time_in_force(TimeInForce::Ioc)
                    .quantity(qty)
                    .price(price)
                    .send(),
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, signing, round_trip);
criterion_main!(benches);
