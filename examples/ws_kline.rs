//! The current 1-minute candle, updated as it forms.
//! `cargo run --example ws_kline` (sandbox) or `-- --live` for the exchange.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    common::keep_market_moving(&target);
    let ws = common::ws_client(&target);
    let stream = ws.subscribe(aster::streams::kline("BTCUSDT", aster::KlineInterval::Minute1)).await?;
    common::print_some(stream, 4).await;
    ws.stop().await;
    Ok(())
}
