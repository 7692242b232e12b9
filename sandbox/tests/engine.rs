//! The matching engine: a crossing order over HTTP, and random order flows driven
//! straight into the engine with its invariants checked after every step.

mod common;
use aster_sandbox::engine::types::{OrderType, Side, TimeInForce};
use aster_sandbox::engine::NewOrder;
use aster_sandbox::{AccountConfig, Exchange, SandboxConfig};
use common::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[tokio::test]
async fn a_resting_order_is_matched_and_both_sides_agree() {
    let (sb, maker) = start().await;
    sb.add_account(AccountConfig::new("taker-key", "taker-secret"));
    let taker = Http {
        base: maker.base.clone(),
        key: "taker-key".into(),
        secret: "taker-secret".into(),
        http: maker.http.clone(),
    };
    let book = maker.public("/fapi/v1/ticker/bookTicker", "symbol=BNBUSDT").await.json;
    let ask: Decimal = book["askPrice"].as_str().unwrap().parse().unwrap();
    let price = ask - d("0.01");
    let rest = maker
        .signed(
            "POST",
            "/fapi/v1/order",
            &format!("symbol=BNBUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=2&price={price}"),
        )
        .await;
    assert_eq!(rest.json["status"], "NEW", "{}", rest.json);
    let hit = taker
        .signed(
            "POST",
            "/fapi/v1/order",
            &format!("symbol=BNBUSDT&side=BUY&type=LIMIT&timeInForce=IOC&quantity=3&price={price}"),
        )
        .await;
    assert_eq!(hit.json["status"], "EXPIRED", "IOC fills 2 at the price and expires the rest");
    assert_eq!(hit.json["executedQty"], "2");
    assert_eq!(hit.json["avgPrice"], price.to_string());

    let m = maker.signed("GET", "/fapi/v1/userTrades", "symbol=BNBUSDT").await.json;
    let t = taker.signed("GET", "/fapi/v1/userTrades", "symbol=BNBUSDT").await.json;
    assert_eq!(m[0]["id"], t[0]["id"]);
    assert_eq!((m[0]["side"].as_str(), t[0]["side"].as_str()), (Some("SELL"), Some("BUY")));
    let mp = maker.signed("GET", "/fapi/v2/positionRisk", "symbol=BNBUSDT").await.json;
    let tp = taker.signed("GET", "/fapi/v2/positionRisk", "symbol=BNBUSDT").await.json;
    assert_eq!((mp[0]["positionAmt"].as_str(), tp[0]["positionAmt"].as_str()), (Some("-2"), Some("2")));
    let fee = |v: &serde_json::Value| -> Decimal { v[0]["commission"].as_str().unwrap().parse().unwrap() };
    let notional = price * d("2");
    assert_eq!(fee(&m), notional * d("0.0002"));
    assert_eq!(fee(&t), notional * d("0.0004"));
    let bal = taker.signed("GET", "/fapi/v2/balance", "").await.json;
    let usdt = bal.as_array().unwrap().iter().find(|b| b["asset"] == "USDT").unwrap();
    assert_eq!(usdt["balance"].as_str().unwrap().parse::<Decimal>().unwrap(), d("100000") - notional * d("0.0004"));
    sb.with_exchange(|ex| ex.check_invariants()).unwrap();
}

#[derive(Debug, Clone)]
enum Step {
    Limit { trader: usize, buy: bool, ticks: i64, lots: u32, tif: u8 },
    Market { trader: usize, buy: bool, lots: u32 },
    Stop { trader: usize, buy: bool, ticks: i64 },
    Cancel { trader: usize, nth: usize },
    Advance,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..2usize, any::<bool>(), -30i64..30, 1u32..400, 0u8..4).prop_map(|(trader, buy, ticks, lots, tif)| Step::Limit { trader, buy, ticks, lots, tif }),
        2 => (0..2usize, any::<bool>(), 1u32..300).prop_map(|(trader, buy, lots)| Step::Market { trader, buy, lots }),
        1 => (0..2usize, any::<bool>(), 1i64..40).prop_map(|(trader, buy, ticks)| Step::Stop { trader, buy, ticks }),
        2 => (0..2usize, 0usize..8).prop_map(|(trader, nth)| Step::Cancel { trader, nth }),
        1 => Just(Step::Advance),
    ]
}

fn exchange() -> Exchange {
    let cfg = SandboxConfig {
        accounts: vec![AccountConfig::new("a", "a"), AccountConfig::new("b", "b")],
        book_levels: 5,
        ..Default::default()
    };
    Exchange::new(cfg, 1_700_000_000_000)
}

fn apply(ex: &mut Exchange, step: &Step, now: i64) {
    let sym = 0;
    let tick = ex.futures.symbols[sym].cfg.tick_size;
    let step_size = ex.futures.symbols[sym].cfg.step_size;
    let mark = ex.futures.symbols[sym].mark_price();
    let base = |trader: usize, buy: bool, kind: OrderType| NewOrder {
        client_id: Some(format!("p{trader}-{now}")),
        ..order(if buy { Side::Buy } else { Side::Sell }, kind)
    };
    // Rejections are fine; they must just leave the state consistent.
    let _ = match *step {
        Step::Limit { trader, buy, ticks, lots, tif } => {
            let tif = [TimeInForce::Gtc, TimeInForce::Ioc, TimeInForce::Fok, TimeInForce::Gtx][tif as usize];
            let price = ((mark / tick).round() + Decimal::from(ticks * 10)) * tick;
            let req = NewOrder {
                tif: Some(tif),
                qty: Some(step_size * Decimal::from(lots)),
                price: Some(price),
                ..base(trader, buy, OrderType::Limit)
            };
            ex.place(trader + 1, req, now).map(|_| ())
        }
        Step::Market { trader, buy, lots } => ex
            .place(
                trader + 1,
                NewOrder { qty: Some(step_size * Decimal::from(lots)), ..base(trader, buy, OrderType::Market) },
                now,
            )
            .map(|_| ()),
        Step::Stop { trader, buy, ticks } => {
            let offset = Decimal::from(ticks * 10) * tick;
            let stop = if buy { mark + offset } else { mark - offset };
            let req = NewOrder {
                qty: Some(step_size * Decimal::from(10)),
                stop_price: Some(stop),
                ..base(trader, buy, OrderType::StopMarket)
            };
            ex.place(trader + 1, req, now).map(|_| ())
        }
        Step::Cancel { trader, nth } => {
            let mut open: Vec<i64> = ex
                .futures
                .orders
                .values()
                .filter(|o| o.account == trader + 1 && o.status.is_open())
                .map(|o| o.id)
                .collect();
            open.sort_unstable();
            match open.get(nth) {
                Some(&id) => ex.cancel(id, now),
                None => Ok(()),
            }
        }
        Step::Advance => {
            ex.advance(1, now);
            Ok(())
        }
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_order_flows_keep_the_invariants(steps in prop::collection::vec(step(), 1..60)) {
        let mut ex = exchange();
        for (i, s) in steps.iter().enumerate() {
            apply(&mut ex, s, 1_700_000_000_000 + i as i64);
            if let Err(broken) = ex.check_invariants() {
                return Err(TestCaseError::fail(format!("after step {i} {s:?}: {broken}")));
            }
        }
    }
}

fn order(side: Side, kind: OrderType) -> NewOrder {
    NewOrder {
        symbol: "BTCUSDT".into(),
        side,
        position_side: None,
        kind,
        tif: None,
        qty: None,
        price: None,
        client_id: None,
        stop_price: None,
        close_position: None,
        reduce_only: None,
        activation_price: None,
        callback_rate: None,
        working_type: None,
        price_protect: None,
        stp_mode: None,
        builder_fee: None,
    }
}

#[test]
fn fok_gtx_and_ioc() {
    let mut ex = exchange();
    let now = 1_700_000_000_000;
    let ask = ex.futures.symbols[0].book.best(Side::Sell).unwrap();
    let bid = ex.futures.symbols[0].book.best(Side::Buy).unwrap();
    let status = |ex: &Exchange, id: i64| ex.futures.orders[&id].status.as_str();
    // FOK larger than the whole ladder: nothing fills.
    let fok = ex
        .place(
            1,
            NewOrder {
                tif: Some(TimeInForce::Fok),
                qty: Some(d("30")),
                price: Some(ask),
                ..order(Side::Buy, OrderType::Limit)
            },
            now,
        )
        .unwrap();
    assert_eq!((status(&ex, fok), ex.futures.orders[&fok].executed), ("EXPIRED", Decimal::ZERO));
    // Post-only that would cross: expired, not filled.
    let gtx = ex
        .place(
            1,
            NewOrder {
                tif: Some(TimeInForce::Gtx),
                qty: Some(d("0.01")),
                price: Some(ask),
                ..order(Side::Buy, OrderType::Limit)
            },
            now,
        )
        .unwrap();
    assert_eq!(status(&ex, gtx), "EXPIRED");
    // Post-only that rests.
    let rest = ex
        .place(
            1,
            NewOrder {
                tif: Some(TimeInForce::Gtx),
                qty: Some(d("0.01")),
                price: Some(bid),
                ..order(Side::Buy, OrderType::Limit)
            },
            now,
        )
        .unwrap();
    assert_eq!(status(&ex, rest), "NEW");
    // IOC at the best ask: fills what is there and expires the rest.
    let ioc = ex
        .place(
            2,
            NewOrder {
                tif: Some(TimeInForce::Ioc),
                qty: Some(d("30")),
                price: Some(ask),
                ..order(Side::Buy, OrderType::Limit)
            },
            now,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(status(&ex, ioc), "EXPIRED");
    assert!(ex.futures.orders[&ioc].executed > Decimal::ZERO);
    ex.check_invariants().unwrap();
}

#[test]
fn trailing_stop_fires_after_the_callback() {
    let mut ex = exchange();
    let now = 1_700_000_000_000;
    ex.place(1, NewOrder { qty: Some(d("0.01")), ..order(Side::Buy, OrderType::Market) }, now).unwrap();
    let trail = ex
        .place(
            1,
            NewOrder {
                qty: Some(d("0.01")),
                callback_rate: Some(d("1")),
                reduce_only: Some(true),
                ..order(Side::Sell, OrderType::TrailingStopMarket)
            },
            now,
        )
        .unwrap();
    let start = ex.futures.symbols[0].last_price;
    // Up 2%: the high water mark moves, nothing fires.
    ex.futures.symbols[0].last_price = (start * d("1.02")).round_dp(1);
    ex.fire_triggers(0, now);
    assert_eq!(ex.futures.orders[&trail].status.as_str(), "NEW");
    // Back down 1.5% from the high: more than the 1% callback, so it fires and sells.
    ex.futures.symbols[0].last_price = (start * d("1.02") * d("0.985")).round_dp(1);
    ex.fire_triggers(0, now);
    assert_eq!(ex.futures.orders[&trail].status.as_str(), "FILLED");
    assert_eq!(
        ex.accounts[1].position("BTCUSDT", aster_sandbox::engine::types::PositionSide::Both).unwrap().amount,
        Decimal::ZERO
    );
    ex.check_invariants().unwrap();
}
