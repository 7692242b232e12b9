//! Moves USDT from the spot wallet to the futures wallet and back, showing both sides.
//! `cargo run --example spot_transfer` (sandbox) or `-- --live` with keys.

mod common;
use aster::TransferKind;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect_spot().await?;
    if !target.has_keys {
        println!("set ASTER_API_KEY and ASTER_API_SECRET to move funds");
        return Ok(());
    }
    let (spot, futures) = (&target.spot, &target.futures);
    let show = |label: &str, spot_usdt: aster::Decimal, futures_usdt: aster::Decimal| {
        println!("{label}: spot {spot_usdt} USDT, futures {futures_usdt} USDT");
    };
    let balances = || async {
        let s = spot.account().await?.balances.into_iter().find(|b| b.asset == "USDT").map(|b| b.free);
        let f = futures.balance().await?.into_iter().find(|b| b.asset == "USDT").map(|b| b.balance);
        Ok::<_, aster::Error>((s.unwrap_or_default(), f.unwrap_or_default()))
    };
    let (s, f) = balances().await?;
    show("before", s, f);
    // The client transfer id makes a retry safe: the exchange refuses a repeated one.
    let id = format!("example-{}", std::process::id());
    spot.futures_transfer("5".parse()?, "USDT", format!("{id}-out"), TransferKind::SpotFuture).await?;
    let (s, f) = balances().await?;
    show("after spot -> futures", s, f);
    futures.futures_transfer("5".parse()?, "USDT", format!("{id}-back"), TransferKind::FutureSpot).await?;
    let (s, f) = balances().await?;
    show("after futures -> spot", s, f);
    Ok(())
}
