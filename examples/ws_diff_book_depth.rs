//! Diff depth events, checked for continuity with their U/u/pu ids.
//! `cargo run --example ws_diff_book_depth` (sandbox) or `-- --live` for the exchange.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    common::keep_market_moving(&target);
    let ws = common::ws_client(&target);
    use futures_util::StreamExt;
    let mut stream = ws.subscribe(aster::streams::diff_book_depth("BTCUSDT", aster::DepthSpeed::Ms100)).await?;
    let mut last: Option<i64> = None;
    for _ in 0..10 {
        let Some(item) = stream.next().await else { break };
        let ev = item?;
        let continuous = last.is_none_or(|u| ev.prev_final_update_id == u);
        println!(
            "U {} u {} pu {}: {} bid / {} ask changes, continuous: {continuous}",
            ev.first_update_id,
            ev.final_update_id,
            ev.prev_final_update_id,
            ev.bids.len(),
            ev.asks.len()
        );
        last = Some(ev.final_update_id);
    }
    ws.stop().await;
    Ok(())
}
