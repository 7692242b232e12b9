//! Aggregate trades of one symbol as typed events.
//! `cargo run --example ws_agg_trade` (sandbox) or `-- --live` for the exchange.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    common::keep_market_moving(&target);
    let ws = common::ws_client(&target);
    let stream = ws.subscribe(aster::streams::agg_trade("BTCUSDT")).await?;
    common::print_some(stream, 5).await;
    ws.stop().await;
    Ok(())
}
