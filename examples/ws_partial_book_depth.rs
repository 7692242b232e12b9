//! The top 10 levels of each side every 100 ms.
//! `cargo run --example ws_partial_book_depth` (sandbox) or `-- --live` for the exchange.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    common::keep_market_moving(&target);
    let ws = common::ws_client(&target);
    let stream = ws
        .subscribe(aster::streams::partial_book_depth(
            "BTCUSDT",
            aster::DepthLevels::Levels10,
            aster::DepthSpeed::Ms100,
        ))
        .await?;
    common::print_some(stream, 3).await;
    ws.stop().await;
    Ok(())
}
