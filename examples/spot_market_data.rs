//! Spot market data: `cargo run --example spot_market_data` (sandbox) or with `--live`.

mod common;
use aster::KlineInterval;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect_spot().await?;
    let c = &target.spot;
    let info = c.exchange_info().await?;
    for s in &info.symbols {
        println!("{}: {} / {}, order types {:?}", s.symbol, s.base_asset, s.quote_asset, s.order_types);
    }
    let book = c.depth("BTCUSDT").limit(5).await?;
    println!("book {}: best bid {:?}, best ask {:?}", book.last_update_id, book.bids.first(), book.asks.first());
    for t in c.trades("BTCUSDT").limit(3).await? {
        println!("trade {}: {} BTC at {}", t.id, t.base_qty, t.price);
    }
    println!("aggregate trades: {}", c.agg_trades("BTCUSDT").limit(10).await?.len());
    println!("1m candles: {}", c.klines("BTCUSDT", KlineInterval::Minute1).limit(5).await?.len());
    for t in c.ticker_24hr_price_change().await?.into_vec() {
        println!("{}: last {} ({}%)", t.symbol, t.last_price, t.price_change_percent);
    }
    if let Some(b) = c.book_ticker().symbol("ETHUSDT").await?.first() {
        println!("ETHUSDT bid {} ask {}", b.bid_price, b.ask_price);
    }
    let fee = c.withdraw_fee(aster::spot::WithdrawChain::Bsc, "USDT").await?;
    println!("withdrawing USDT to BSC costs at least {} USDT", fee.gas_cost);
    Ok(())
}
