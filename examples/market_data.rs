//! Every market-data endpoint: `cargo run --example market_data` (sandbox) or with `--live`.

mod common;
use aster::KlineInterval;

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    let c = &target.client;

    let info = c.exchange_info().await?;
    println!("{} symbols; weight limit {:?}", info.symbols.len(), info.rate_limits.first().map(|r| r.limit));
    let book = c.depth("BTCUSDT").limit(10).await?;
    println!("book {}: best bid {:?}, best ask {:?}", book.last_update_id, book.bids.first(), book.asks.first());
    println!("recent trades: {}", c.trades("BTCUSDT").limit(10).await?.len());
    if target.has_keys {
        println!("historical trades: {}", c.historical_trades("BTCUSDT").limit(10).await?.len());
    }
    println!("aggregate trades: {}", c.agg_trades("BTCUSDT").limit(10).await?.len());
    for k in c.klines("BTCUSDT", KlineInterval::Hour1).limit(3).await? {
        println!("  1h candle {}: o {} h {} l {} c {}", k.open_time, k.open, k.high, k.low, k.close);
    }
    println!("index candles: {}", c.index_price_klines("BTCUSDT", KlineInterval::Day1).limit(2).await?.len());
    println!("mark candles: {}", c.mark_price_klines("BTCUSDT", KlineInterval::Minute15).limit(2).await?.len());
    if let Some(m) = c.mark_price().symbol("BTCUSDT").await?.first() {
        println!("mark {} index {} funding {}", m.mark_price, m.index_price, m.last_funding_rate);
    }
    println!(
        "funding history: {:?}",
        c.funding_rate().symbol("BTCUSDT").limit(3).await?.iter().map(|r| r.funding_rate).collect::<Vec<_>>()
    );
    println!("funding config entries: {}", c.funding_info().await?.len());
    println!("24h tickers: {}", c.ticker_24hr_price_change().await?.into_vec().len());
    println!("prices: {}", c.ticker_price().await?.into_vec().len());
    println!(
        "book tickers: {:?}",
        c.book_ticker().symbol("ETHUSDT").await?.first().map(|b| (b.bid_price, b.ask_price))
    );
    Ok(())
}
