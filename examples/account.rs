//! Account, balances, positions and their settings.
//! `cargo run --example account` (sandbox) or against the exchange with keys and `--live`.

mod common;
use aster::{OrderType, Side};

#[tokio::main]
async fn main() -> Result<(), common::AnyError> {
    let target = common::connect().await?;
    let c = &target.client;
    if !target.has_keys {
        return Err("account endpoints need ASTER_API_KEY and ASTER_API_SECRET".into());
    }
    let account = c.account().await?;
    println!("wallet {} available {}", account.total_wallet_balance, account.available_balance);
    for b in c.balance().await? {
        println!("  {}: {} (available {})", b.asset, b.balance, b.available_balance);
    }
    println!("hedge mode: {}", c.get_position_mode().await?.dual_side_position);
    println!("multi-assets: {}", c.get_multi_asset_mode().await?.multi_assets_margin);
    let lev = c.change_leverage("ETHUSDT", 10).await?;
    println!("leverage {} up to {}", lev.leverage, lev.max_notional_value);
    if target.sandbox.is_some() {
        // Only on the sandbox: open a small position to have something to show.
        c.new_order("ETHUSDT", Side::Buy, OrderType::Market).quantity("0.1".parse()?).await?;
    }
    for p in c.get_position_risk().symbol("ETHUSDT").await? {
        println!(
            "  {} {}: {} @ {} (uPnL {})",
            p.symbol, p.position_side, p.position_amt, p.entry_price, p.unrealized_profit
        );
    }
    println!("income rows: {}", c.get_income_history().limit(20).await?.len());
    println!("brackets: {}", c.leverage_brackets().symbol("ETHUSDT").await?.into_vec()[0].brackets.len());
    println!("ADL: {:?}", c.adl_quantile().await?.first().map(|a| a.adl_quantile.clone()));
    println!("force orders: {}", c.force_orders().limit(5).await?.len());
    let fee = c.commission_rate("ETHUSDT").await?;
    println!("fees: maker {} taker {}", fee.maker_commission_rate, fee.taker_commission_rate);
    println!(
        "can still open: {}",
        c.remaining_openable_notional("ETHUSDT", 10).await?.remaining_openable_notional_value
    );
    println!("margin changes: {}", c.get_position_margin_history("ETHUSDT").await?.len());
    Ok(())
}
