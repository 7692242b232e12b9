//! Each endpoint answers with the documented JSON shape: the same keys, nesting and
//! encodings (decimals as strings) as the docs' response examples.

mod common;
use common::*;
use serde_json::Value;

const ORDER_KEYS: &[&str] = &[
    "avgPrice",
    "clientOrderId",
    "closePosition",
    "cumQty",
    "cumQuote",
    "executedQty",
    "orderId",
    "origQty",
    "origType",
    "positionSide",
    "price",
    "priceProtect",
    "reduceOnly",
    "side",
    "status",
    "stopPrice",
    "symbol",
    "time",
    "timeInForce",
    "type",
    "updateTime",
    "workingType",
];

fn assert_string_decimal(v: &Value, field: &str) {
    let s = v[field].as_str().unwrap_or_else(|| panic!("{field} must be a string: {v}"));
    assert!(s.parse::<f64>().is_ok(), "{field} = {s}");
}

#[tokio::test]
async fn market_data_shapes() {
    let (_sb, h) = start().await;
    assert_eq!(h.public("/fapi/v1/ping", "").await.json, serde_json::json!({}));
    assert_eq!(keys(&h.public("/fapi/v1/time", "").await.json), sorted(&["serverTime"]));

    let info = h.public("/fapi/v1/exchangeInfo", "").await.json;
    assert_eq!(keys(&info), sorted(&["assets", "exchangeFilters", "rateLimits", "serverTime", "symbols", "timezone"]));
    let sym = &info["symbols"][0];
    for k in
        ["symbol", "pair", "contractType", "filters", "OrderType", "timeInForce", "pricePrecision", "triggerProtect"]
    {
        assert!(sym.get(k).is_some(), "symbol lacks {k}");
    }
    let filters: Vec<&str> =
        sym["filters"].as_array().unwrap().iter().map(|f| f["filterType"].as_str().unwrap()).collect();
    assert_eq!(
        filters,
        [
            "PRICE_FILTER",
            "LOT_SIZE",
            "MARKET_LOT_SIZE",
            "MAX_NUM_ORDERS",
            "MAX_NUM_ALGO_ORDERS",
            "MIN_NOTIONAL",
            "PERCENT_PRICE"
        ]
    );

    let depth = h.public("/fapi/v1/depth", "symbol=BTCUSDT&limit=5").await.json;
    assert_eq!(keys(&depth), sorted(&["E", "T", "asks", "bids", "lastUpdateId"]));
    assert!(depth["bids"][0][0].is_string() && depth["bids"][0][1].is_string());

    let trades = h.public("/fapi/v1/trades", "symbol=BTCUSDT&limit=2").await.json;
    assert_eq!(keys(&trades[0]), sorted(&["id", "isBuyerMaker", "price", "qty", "quoteQty", "time"]));
    assert_string_decimal(&trades[0], "price");

    let agg = h.public("/fapi/v1/aggTrades", "symbol=BTCUSDT&limit=2").await.json;
    assert_eq!(keys(&agg[0]), sorted(&["T", "a", "f", "l", "m", "p", "q"]));

    for path in ["/fapi/v1/klines", "/fapi/v1/markPriceKlines"] {
        let k = h.public(path, "symbol=BTCUSDT&interval=1m&limit=2").await.json;
        let row = k[0].as_array().unwrap();
        assert_eq!(row.len(), 12, "{path}");
        assert!(row[0].is_i64() && row[1].is_string() && row[6].is_i64() && row[8].is_i64());
    }
    let k = h.public("/fapi/v1/indexPriceKlines", "pair=BTCUSDT&interval=1m&limit=2").await.json;
    assert_eq!(k[0].as_array().unwrap().len(), 12);

    let mark = h.public("/fapi/v1/premiumIndex", "symbol=BTCUSDT").await.json;
    assert_eq!(
        keys(&mark),
        sorted(&[
            "estimatedSettlePrice",
            "indexPrice",
            "interestRate",
            "lastFundingRate",
            "markPrice",
            "nextFundingTime",
            "symbol",
            "time"
        ])
    );
    assert!(h.public("/fapi/v1/premiumIndex", "").await.json.is_array());

    let fr = h.public("/fapi/v1/fundingRate", "symbol=BTCUSDT&limit=2").await.json;
    assert_eq!(keys(&fr[0]), sorted(&["fundingRate", "fundingTime", "symbol"]));
    let fi = h.public("/fapi/v1/fundingInfo", "").await.json;
    assert_eq!(
        keys(&fi[0]),
        sorted(&["fundingFeeCap", "fundingFeeFloor", "fundingIntervalHours", "interestRate", "symbol", "time"])
    );

    let t = h.public("/fapi/v1/ticker/24hr", "symbol=BTCUSDT").await.json;
    assert_eq!(
        keys(&t),
        sorted(&[
            "closeTime",
            "count",
            "firstId",
            "highPrice",
            "lastId",
            "lastPrice",
            "lastQty",
            "lowPrice",
            "openPrice",
            "openTime",
            "prevClosePrice",
            "priceChange",
            "priceChangePercent",
            "quoteVolume",
            "symbol",
            "volume",
            "weightedAvgPrice",
        ])
    );
    assert_eq!(
        keys(&h.public("/fapi/v1/ticker/price", "symbol=BTCUSDT").await.json),
        sorted(&["price", "symbol", "time"])
    );
    assert_eq!(
        keys(&h.public("/fapi/v1/ticker/bookTicker", "symbol=BTCUSDT").await.json),
        sorted(&["askPrice", "askQty", "bidPrice", "bidQty", "symbol", "time"])
    );
    assert_eq!(h.public("/fapi/v1/ticker/bookTicker", "").await.json.as_array().unwrap().len(), 3);
    let hist = h.send("GET", "/fapi/v1/historicalTrades", "symbol=BTCUSDT&limit=1", None, true).await;
    assert_eq!(hist.status, 200);
}

#[tokio::test]
async fn account_and_order_shapes() {
    let (_sb, h) = start().await;
    let o = h
        .signed(
            "POST",
            "/fapi/v1/order",
            "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=30000",
        )
        .await;
    assert_eq!(o.status, 200, "{}", o.json);
    assert_eq!(keys(&o.json), sorted(ORDER_KEYS));
    for f in ["price", "origQty", "executedQty", "cumQuote", "avgPrice", "stopPrice"] {
        assert_string_decimal(&o.json, f);
    }
    let id = o.json["orderId"].as_i64().unwrap();
    let q = h.signed("GET", "/fapi/v1/order", &format!("symbol=BTCUSDT&orderId={id}")).await;
    assert_eq!(keys(&q.json), sorted(ORDER_KEYS));
    let all = h.signed("GET", "/fapi/v1/openOrders", "").await;
    assert_eq!(all.json.as_array().unwrap().len(), 1);

    let bal = h.signed("GET", "/fapi/v2/balance", "").await.json;
    assert_eq!(
        keys(&bal[0]),
        sorted(&[
            "accountAlias",
            "asset",
            "availableBalance",
            "balance",
            "crossUnPnl",
            "crossWalletBalance",
            "marginAvailable",
            "maxWithdrawAmount",
            "updateTime",
        ])
    );
    let acct = h.signed("GET", "/fapi/v4/account", "").await.json;
    for k in
        ["feeTier", "canTrade", "totalWalletBalance", "availableBalance", "assets", "positions", "maxWithdrawAmount"]
    {
        assert!(acct.get(k).is_some(), "account lacks {k}");
    }
    assert_eq!(
        keys(&acct["positions"][0]),
        sorted(&[
            "entryPrice",
            "initialMargin",
            "isolated",
            "leverage",
            "maintMargin",
            "maxNotional",
            "openOrderInitialMargin",
            "positionAmt",
            "positionInitialMargin",
            "positionSide",
            "symbol",
            "unrealizedProfit",
            "updateTime",
        ])
    );
    let risk = h.signed("GET", "/fapi/v2/positionRisk", "symbol=BTCUSDT").await.json;
    assert_eq!(
        keys(&risk[0]),
        sorted(&[
            "entryPrice",
            "isAutoAddMargin",
            "isolatedMargin",
            "leverage",
            "liquidationPrice",
            "marginType",
            "markPrice",
            "maxNotionalValue",
            "positionAmt",
            "positionSide",
            "symbol",
            "unRealizedProfit",
            "updateTime",
        ])
    );
    assert_eq!(risk[0]["marginType"], "cross");
    assert_eq!(
        h.signed("GET", "/fapi/v1/positionSide/dual", "").await.json,
        serde_json::json!({"dualSidePosition": false})
    );
    assert_eq!(
        h.signed("GET", "/fapi/v1/multiAssetsMargin", "").await.json,
        serde_json::json!({"multiAssetsMargin": false})
    );
    let lev = h.signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=5").await.json;
    assert_eq!(keys(&lev), sorted(&["leverage", "maxNotionalValue", "symbol"]));
    let cd = h.signed("POST", "/fapi/v1/countdownCancelAll", "symbol=BTCUSDT&countdownTime=100000").await.json;
    assert_eq!(cd, serde_json::json!({"symbol": "BTCUSDT", "countdownTime": "100000"}));
    let cancel_all = h.signed("DELETE", "/fapi/v1/allOpenOrders", "symbol=BTCUSDT").await.json;
    assert_eq!(cancel_all["code"], "200");
    let br = h.signed("GET", "/fapi/v1/leverageBracket", "symbol=BTCUSDT").await.json;
    assert_eq!(
        keys(&br["brackets"][0]),
        sorted(&["bracket", "cum", "initialLeverage", "maintMarginRatio", "notionalCap", "notionalFloor"])
    );
    let fee = h.signed("GET", "/fapi/v1/commissionRate", "symbol=BTCUSDT").await.json;
    assert_eq!(keys(&fee), sorted(&["makerCommissionRate", "symbol", "takerCommissionRate"]));
    let room = h.signed("GET", "/fapi/v1/remainingOpenableNotionalValue", "symbol=BTCUSDT&leverage=5").await.json;
    assert!(room["remainingOpenableNotionalValue"].is_number());
    let tr = h
        .signed("POST", "/fapi/v1/asset/wallet/transfer", "amount=1&asset=USDT&clientTranId=t1&kindType=FUTURE_SPOT")
        .await
        .json;
    assert_eq!(keys(&tr), sorted(&["status", "tranId"]));
    let inc = h.signed("GET", "/fapi/v1/income", "").await.json;
    assert_eq!(
        keys(&inc[0]),
        sorted(&["asset", "income", "incomeType", "info", "symbol", "time", "tradeId", "tranId"])
    );
    for path in [
        "/fapi/v1/adlQuantile",
        "/fapi/v1/forceOrders",
        "/fapi/v1/userTrades?symbol=BTCUSDT",
        "/fapi/v1/allOrders?symbol=BTCUSDT",
    ] {
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        assert!(h.signed("GET", p, q).await.json.is_array(), "{path}");
    }
    let lk = h.send("POST", "/fapi/v1/listenKey", "", None, true).await.json;
    assert_eq!(keys(&lk), sorted(&["listenKey"]));
    assert_eq!(h.send("PUT", "/fapi/v1/listenKey", "", None, true).await.json, serde_json::json!({}));
    assert_eq!(h.send("DELETE", "/fapi/v1/listenKey", "", None, true).await.json, serde_json::json!({}));
}

#[tokio::test]
async fn every_route_answers_json() {
    let (_sb, h) = start().await;
    for r in aster_sandbox::routes::futures_v1::ROUTES {
        let reply = h.send(r.method, r.path, "", None, true).await;
        assert!(reply.json.is_object() || reply.json.is_array(), "{} {}", r.method, r.path);
        assert!(reply.headers.contains_key("x-mbx-used-weight-1m"), "{} {}", r.method, r.path);
    }
    assert_eq!(aster_sandbox::routes::futures_v1::ROUTES.len(), 48);
}
