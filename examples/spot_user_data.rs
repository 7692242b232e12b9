//! The spot user data stream: order updates and balance changes as they happen.
//! `cargo run --example spot_user_data` (sandbox) or `-- --live` with keys.

mod common;
use aster::spot::streams::UserDataEvent;
use aster::spot::SpotOrderType;
use aster::{Side, TimeInForce};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect_spot().await?;
    if !target.has_keys {
        println!("set ASTER_API_KEY and ASTER_API_SECRET for a user data stream");
        return Ok(());
    }
    let ws = aster::ws::WsClient::new(&target.stream_url);
    let mut events = ws.user_data(&target.spot).await?;
    if target.sandbox.is_some() {
        // Something to report: place an order and cancel it.
        let c = target.spot.clone();
        tokio::spawn(async move {
            let order = c
                .new_order("ASTERUSDT", Side::Buy, SpotOrderType::Limit)
                .time_in_force(TimeInForce::Gtc)
                .quantity("10".parse().unwrap_or_default())
                .price("0.9".parse().unwrap_or_default())
                .await?;
            c.cancel_order("ASTERUSDT").order_id(order.order_id).await
        });
    }
    for _ in 0..6 {
        match tokio::time::timeout(std::time::Duration::from_secs(15), events.next()).await {
            Ok(Some(Ok(UserDataEvent::ExecutionReport(r)))) => {
                println!("order {} {:?}: {:?} {} at {}", r.order_id, r.execution_type, r.status, r.orig_qty, r.price)
            }
            Ok(Some(Ok(UserDataEvent::AccountPosition(p)))) => {
                for b in p.balances {
                    println!("balance {}: {} free, {} locked", b.asset, b.free, b.locked);
                }
            }
            Ok(Some(other)) => println!("{other:?}"),
            Ok(None) | Err(_) => break,
        }
    }
    ws.stop().await;
    Ok(())
}
