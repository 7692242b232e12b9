//! Spot trading: a resting limit order, a market buy for an amount of USDT, the fills and
//! the balances. `cargo run --example spot_trading` (sandbox) or `-- --live` with keys.

mod common;
use aster::spot::SpotOrderType;
use aster::{Side, TimeInForce};

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect_spot().await?;
    if !target.has_keys {
        println!("set ASTER_API_KEY and ASTER_API_SECRET to trade");
        return Ok(());
    }
    let c = &target.spot;
    c.sync_time().await?;
    let bid = c.book_ticker().symbol("ASTERUSDT").await?.into_vec().remove(0).bid_price;
    let below = (bid * aster::Decimal::new(9, 1)).round_dp(4);
    let resting = c
        .new_order("ASTERUSDT", Side::Buy, SpotOrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity("20".parse()?)
        .price(below)
        .await?;
    println!("resting buy {} at {}: {:?}", resting.order_id, resting.price, resting.status);
    let bought = c.new_order("ASTERUSDT", Side::Buy, SpotOrderType::Market).quote_order_qty("10".parse()?).await?;
    println!("spent {:?} USDT on {} ASTER", bought.cum_quote, bought.executed_qty);
    for t in c.get_account_trades().symbol("ASTERUSDT").limit(5).await? {
        println!("fill {}: {} at {}, fee {} {}", t.id, t.qty, t.price, t.commission, t.commission_asset);
    }
    let cancelled = c.cancel_order("ASTERUSDT").order_id(resting.order_id).await?;
    println!("cancelled {}: {:?}", cancelled.order_id, cancelled.status);
    for b in c.account().await?.balances.iter().filter(|b| !b.free.is_zero() || !b.locked.is_zero()) {
        println!("{}: {} free, {} locked", b.asset, b.free, b.locked);
    }
    Ok(())
}
