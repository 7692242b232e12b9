//! 24-hour tickers: one symbol, then every symbol.
//! `cargo run --example ws_ticker` (sandbox) or `-- --live` for the exchange.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    common::keep_market_moving(&target);
    let ws = common::ws_client(&target);
    let one = ws.subscribe(aster::streams::ticker("BTCUSDT")).await?;
    common::print_some(one, 2).await;
    let all = ws.subscribe(aster::streams::all_ticker()).await?;
    common::print_some(all, 1).await;
    ws.stop().await;
    Ok(())
}
