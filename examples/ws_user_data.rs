//! The account's own events: a listen key kept alive, an order placed, its updates received.
//! `cargo run --example ws_user_data` (sandbox) or `-- --live` for the exchange.

mod common;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    common::keep_market_moving(&target);
    let ws = common::ws_client(&target);
    if !target.has_keys {
        return Err("the user data stream needs ASTER_API_KEY and ASTER_API_SECRET".into());
    }
    let events = ws.user_data(&target.client).await?;
    if target.sandbox.is_some() {
        target
            .client
            .new_order("BTCUSDT", aster::Side::Buy, aster::OrderType::Market)
            .quantity("0.002".parse()?)
            .await?;
    }
    common::print_some(events, 3).await;
    ws.stop().await;
    Ok(())
}
