//! What goes on the wire, where the docs decide and where a real gateway might refuse:
//! lengths on empty bodies, the docs' flag spelling, normalised decimals, prices on grid.

mod common;

use aster::rounding::Round;
use aster::{Error, OrderType, Side, TimeInForce, WorkingType};
use common::{dec, sandbox, signed};

/// The status line the sandbox answers a raw HTTP/1.1 request with.
async fn raw_status(sb: &aster_sandbox::Sandbox, request: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(sb.addr()).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 256];
    let n = s.read(&mut buf).await.unwrap();
    String::from_utf8_lossy(&buf[..n]).lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn an_empty_post_declares_its_length() {
    let sb = sandbox().await;
    // As the exchange's front ends do, the sandbox answers 411 to a POST that declares no
    // length, and serves the same POST with `Content-Length: 0`.
    let head = |len: &str| {
        format!(
            "POST /fapi/v1/listenKey HTTP/1.1\r\nhost: localhost\r\nx-mbx-apikey: {}\r\n{len}connection: close\r\n\r\n",
            sb.api_key()
        )
    };
    assert!(raw_status(&sb, head("")).await.contains(" 411 "));
    assert!(raw_status(&sb, head("content-length: 0\r\n")).await.contains(" 200 "));
    // The client declares it on its own empty POST and PUT.
    let c = signed(&sb);
    let key = c.new_listen_key().await.unwrap().listen_key;
    c.renew_listen_key().listen_key(key).await.unwrap();
}

#[tokio::test]
async fn price_protect_goes_out_as_the_docs_spell_it() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let mark = c.mark_price().symbol("BTCUSDT").await.unwrap().into_vec()[0].mark_price;
    let order = c
        .new_order("BTCUSDT", Side::Sell, OrderType::StopMarket)
        .stop_price((mark * dec("0.9")).round_dp(1))
        .quantity(dec("0.002"))
        .working_type(WorkingType::MarkPrice)
        .price_protect(true)
        .await
        .unwrap();
    assert_eq!(order.price_protect, Some(true));
    // The sandbox refuses other spellings, as the docs allow only TRUE and FALSE.
    let e = c
        .request(
            aster::endpoint::Method::Post,
            "/fapi/v1/order",
            aster::endpoint::Security::Trade,
            &[
                ("symbol", "BTCUSDT"),
                ("side", "SELL"),
                ("type", "STOP_MARKET"),
                ("stopPrice", "50000"),
                ("quantity", "0.002"),
                ("priceProtect", "true"),
            ],
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Client { .. }), "{e}");
}

#[tokio::test]
async fn decimals_with_trailing_zeros_are_sent_normalised_and_accepted() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let bid = c.depth("BTCUSDT").limit(5).await.unwrap().bids[0].price;
    let order = c
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity("0.00200000".parse().unwrap())
        .price((bid * dec("0.9")).round_dp(1) + dec("0.0000"))
        .await
        .unwrap();
    assert_eq!(order.orig_qty, dec("0.002"));
}

#[tokio::test]
async fn rounding_to_the_symbols_grid_avoids_precision_errors() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let info = c.exchange_info().await.unwrap();
    let btc = info.symbol("BTCUSDT").unwrap();
    let bid = c.depth("BTCUSDT").limit(5).await.unwrap().bids[0].price;
    let raw_price = bid * dec("0.9") + dec("0.0123");
    let raw_qty = dec("0.0029");
    let off_grid = c
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(raw_qty)
        .price(raw_price)
        .await
        .unwrap_err();
    assert_eq!(off_grid.error_code(), Some(-1111), "{off_grid}");
    let order = c
        .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
        .time_in_force(TimeInForce::Gtc)
        .quantity(btc.round_quantity(raw_qty, Round::Down))
        .price(btc.round_price(raw_price, Round::Down))
        .await
        .unwrap();
    assert_eq!(order.orig_qty, dec("0.002"));
}

/// One wire form for every decimal: a batch's JSON carries `0.001`, never `"0.0010"`, as
/// the query does, and the exchange accepts the batch.
#[tokio::test]
async fn decimals_inside_batch_json_take_the_same_normalised_form() {
    let sb = sandbox().await;
    let c = signed(&sb);
    let bid = c.depth("BTCUSDT").limit(5).await.unwrap().bids[0].price;
    let order = aster::params::BatchOrder::new("BTCUSDT", Side::Buy, OrderType::Limit, dec("0.0020"))
        .time_in_force(TimeInForce::Gtc)
        .price((bid * dec("0.9")).round_dp(1) + dec("0.00"));
    let json = serde_json::to_string(&vec![order.clone()]).unwrap();
    assert!(json.contains(r#""quantity":"0.002""#), "{json}");
    assert!(!json.contains(".00\""), "no trailing zeros: {json}");
    let mut w = aster::endpoint::ParamWriter::new();
    w.put("quantity", &dec("0.0020"));
    assert_eq!(w.as_str(), "quantity=0.002", "the query's form is the same");
    let placed = c.new_batch_order(vec![order]).await.unwrap();
    assert_eq!(placed[0].ok().expect("accepted").orig_qty, dec("0.002"));
}
