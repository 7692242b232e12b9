//! Best bid and ask as they change, for one symbol and for all.
//! `cargo run --example ws_book_ticker` (sandbox) or `-- --live` for the exchange.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    common::keep_market_moving(&target);
    let ws = common::ws_client(&target);
    let one = ws.subscribe(aster::streams::book_ticker("BTCUSDT")).await?;
    common::print_some(one, 5).await;
    let all = ws.subscribe(aster::streams::all_book_ticker()).await?;
    common::print_some(all, 3).await;
    ws.stop().await;
    Ok(())
}
