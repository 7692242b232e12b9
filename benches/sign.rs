//! Signing cost per request: V1's HMAC-SHA256 beside V3's EIP-712 + secp256k1, over the
//! same new-order payload. `cargo bench --bench sign`
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

const PAYLOAD: &str = "price=59808&quantity=0.002&side=SELL&symbol=BTCUSDT&timeInForce=GTC&type=LIMIT";
const DEMO_KEY: &str = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1";

fn signing(c: &mut Criterion) {
    let hmac = aster::sign::Signer::new("2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9");
    let v1 = format!("{PAYLOAD}&timestamp=1591702613943&recvWindow=5000");
    c.bench_function("v1 hmac sign", |b| b.iter(|| hmac.sign(black_box(v1.as_bytes()))));
    let wallet = aster::wallet::WalletKey::from_hex(DEMO_KEY).unwrap();
    let v3 = format!(
        "{PAYLOAD}&user=0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e&signer={}&nonce=1748310859508867",
        wallet.address()
    );
    c.bench_function("v3 eip712 sign", |b| b.iter(|| wallet.sign_message(1666, black_box(&v3))));
}

criterion_group!(benches, signing);
criterion_main!(benches);
