//! Liquidation orders of one symbol and of the market (quiet on the sandbox, which liquidates no one).
//! `cargo run --example ws_liquidation_order` (sandbox) or `-- --live` for the exchange.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    common::keep_market_moving(&target);
    let ws = common::ws_client(&target);
    let one = ws.subscribe(aster::streams::liquidation_order("BTCUSDT")).await?;
    let all = ws.subscribe(aster::streams::all_liquidation_order()).await?;
    println!(
        "subscribed to {} and {}",
        aster::streams::liquidation_order("BTCUSDT").name(),
        aster::streams::all_liquidation_order().name()
    );
    drop((one, all));
    ws.stop().await;
    Ok(())
}
