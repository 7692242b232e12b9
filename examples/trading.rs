//! Orders: limit, market, batch, query, cancel (one, several, all) and the countdown.
//! `cargo run --example trading` (sandbox) or against the exchange with keys and `--live`.

mod common;
use aster::{BatchOrder, OrderType, Side, TimeInForce};

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    let c = &target.client;
    if !target.has_keys {
        return Err("trading needs ASTER_API_KEY and ASTER_API_SECRET".into());
    }
    let bid = c.book_ticker().symbol("BTCUSDT").await?.first().map(|b| b.bid_price).ok_or("no book")?;
    let away = (bid * aster::Decimal::new(97, 2)).round_dp(1);

    let resting = c
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity("0.002".parse()?)
        .price(away)
        .new_client_order_id("example-rest-1")
        .await?;
    println!("resting: {} {}", resting.order_id, resting.status);
    let same = c.query_order("BTCUSDT").orig_client_order_id("example-rest-1").await?;
    println!("queried by client id: {}", same.order_id);

    let batch = vec![
        BatchOrder::new("BTCUSDT", Side::Buy, OrderType::Limit, "0.002".parse()?)
            .price(away)
            .time_in_force(TimeInForce::Gtc),
        BatchOrder::new("BTCUSDT", Side::Buy, OrderType::Limit, "0.002".parse()?)
            .price(away)
            .time_in_force(TimeInForce::Gtc),
    ];
    let placed = c.new_batch_order(batch).await?;
    let ids: Vec<i64> = placed.iter().filter_map(|r| r.ok()).map(|o| o.order_id).collect();
    println!("batch placed: {ids:?}");
    println!("open orders: {}", c.get_orders().symbol("BTCUSDT").await?.len());
    for r in c.cancel_batch_order("BTCUSDT").order_id_list(ids).await? {
        println!("  batch cancel: {:?}", r.ok().map(|o| (o.order_id, o.status.clone())));
    }
    c.countdown_cancel_order("BTCUSDT", 120_000).await?;
    c.countdown_cancel_order("BTCUSDT", 0).await?;
    println!("cancel all: {}", c.cancel_open_orders("BTCUSDT").await?.msg);
    println!("orders today: {}", c.get_all_orders("BTCUSDT").limit(10).await?.len());
    println!("my trades: {}", c.get_account_trades("BTCUSDT").limit(10).await?.len());
    Ok(())
}
