//! Mark price and funding, one symbol every second and all symbols every 3 seconds.
//! `cargo run --example ws_mark_price` (sandbox) or `-- --live` for the exchange.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    common::keep_market_moving(&target);
    let ws = common::ws_client(&target);
    let one = ws.subscribe(aster::streams::mark_price("BTCUSDT", aster::MarkPriceSpeed::Every1s)).await?;
    common::print_some(one, 3).await;
    let all = ws.subscribe(aster::streams::all_mark_price(aster::MarkPriceSpeed::Every3s)).await?;
    common::print_some(all, 1).await;
    ws.stop().await;
    Ok(())
}
