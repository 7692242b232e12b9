//! The V3 API with an API wallet: server time, an order book, the account, and an order
//! placed, modified in place and cancelled.
//!
//! `cargo run --example v3_quickstart` runs against an in-process sandbox (which knows the
//! demo API wallet of the exchange's docs). Against the exchange:
//! `ASTER_USER=0x.. ASTER_SIGNER_KEY=0x.. cargo run --example v3_quickstart -- --live`
//! (`ASTER_BASE_URL` picks another host).

use aster::v3::Client;
use aster::{OrderType, Side, TimeInForce};

type AnyError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), AnyError> {
    let live = std::env::args().any(|a| a == "--live");
    let url = std::env::var("ASTER_BASE_URL").ok().or_else(|| live.then(|| aster::DEFAULT_BASE_URL.to_string()));
    // Kept alive for the whole run when used.
    let mut sandbox = None;
    let client = match url {
        Some(url) => {
            let user = std::env::var("ASTER_USER").map_err(|_| "set ASTER_USER (main wallet address)")?;
            let key = std::env::var("ASTER_SIGNER_KEY").map_err(|_| "set ASTER_SIGNER_KEY (API wallet key)")?;
            Client::builder().base_url(url).user(user).private_key(key).build()?
        }
        None => {
            let sb = aster_sandbox::Sandbox::start(Default::default()).await?;
            println!("sandbox at {}", sb.base_url());
            let client = Client::builder()
                .base_url(sb.base_url())
                .user(aster_sandbox::DEMO_USER)
                .signer(aster_sandbox::DEMO_SIGNER)
                .private_key(aster_sandbox::DEMO_SIGNER_KEY)
                .build()?;
            sandbox = Some(sb);
            client
        }
    };
    if let (Some(user), Some(signer)) = (client.user(), client.signer()) {
        println!("user {user} signs with API wallet {signer}");
    }
    println!("clock offset: {} ms", client.sync_time().await?);

    let book = client.depth("BTCUSDT").limit(5).await?;
    for (bid, ask) in book.bids.iter().zip(&book.asks) {
        println!("  bid {} x {}    ask {} x {}", bid.price, bid.qty, ask.price, ask.qty);
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
    let lower = (price * aster::Decimal::new(99, 2)).round_dp(1);
    let modified = client.modify_order("BTCUSDT", "0.003".parse()?, lower).order_id(order.order_id).await?;
    println!("modified order {}: {} at {}", modified.order_id, modified.orig_qty, modified.price);
    let cancelled = client.cancel_order("BTCUSDT").order_id(order.order_id).await?;
    println!("cancelled order {}: {}", cancelled.order_id, cancelled.status);
    drop(sandbox);
    Ok(())
}
