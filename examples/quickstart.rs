//! Server time, connectivity, an order book, the account, and an order placed and cancelled.
//!
//! `cargo run --example quickstart` runs against an in-process sandbox;
//! `ASTER_BASE_URL=https://fapi.asterdex.com ASTER_API_KEY=.. ASTER_API_SECRET=.. cargo run --example quickstart`
//! (or `-- --live`) against the exchange.

mod common;
use aster::{OrderType, Side, TimeInForce};

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    let client = &target.client;

    println!("server time: {}", client.time().await?.server_time);
    client.ping().await?;
    println!("ping: ok");

    let book = client.depth("BTCUSDT").limit(5).await?;
    for (bid, ask) in book.bids.iter().zip(&book.asks) {
        println!("  bid {} x {}    ask {} x {}", bid.price, bid.qty, ask.price, ask.qty);
    }

    if !target.has_keys {
        println!("no API key given: skipping the account and the order");
        return Ok(());
    }
    let account = client.account().await?;
    println!("wallet balance: {} USDT, available {}", account.total_wallet_balance, account.available_balance);

    // A buy well under the market, so it rests instead of filling.
    let best_bid = book.bids.first().map(|l| l.price).ok_or("empty book")?;
    let price = (best_bid * aster::Decimal::new(95, 2)).round_dp(1);
    let order = client
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity("0.002".parse()?)
        .price(price)
        .await?;
    println!("placed order {} at {}: {}", order.order_id, order.price, order.status);
    let cancelled = client.cancel_order("BTCUSDT").order_id(order.order_id).await?;
    println!("cancelled order {}: {}", cancelled.order_id, cancelled.status);
    Ok(())
}
