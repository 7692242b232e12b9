//! Market data: books, trades, candles, tickers, prices and funding.

use super::*;

pub(crate) fn exchange_info(c: &mut Ctx) -> ApiResult<Value> {
    let symbols: Vec<Value> = c
        .ex
        .futures.symbols
        .iter()
        .map(|st| {
            let s_ = &st.cfg;
            json!({
                "symbol": s_.symbol, "pair": s_.symbol, "contractType": "PERPETUAL",
                "deliveryDate": 4133404800000i64, "onboardDate": 1598252400000i64, "status": "TRADING",
                "maintMarginPercent": "2.5000", "requiredMarginPercent": "5.0000",
                "baseAsset": s_.base_asset, "quoteAsset": s_.quote_asset, "marginAsset": s_.quote_asset,
                "pricePrecision": s_.price_precision(), "quantityPrecision": s_.quantity_precision(),
                "baseAssetPrecision": 8, "quotePrecision": 8,
                "underlyingType": "COIN", "underlyingSubType": [], "settlePlan": 0, "triggerProtect": "0.0500",
                "filters": [
                    { "filterType": "PRICE_FILTER", "minPrice": s_.min_price.to_string(), "maxPrice": s_.max_price.to_string(), "tickSize": s_.tick_size.to_string() },
                    { "filterType": "LOT_SIZE", "minQty": s_.min_qty.to_string(), "maxQty": s_.max_qty.to_string(), "stepSize": s_.step_size.to_string() },
                    { "filterType": "MARKET_LOT_SIZE", "minQty": s_.min_qty.to_string(), "maxQty": s_.market_max_qty.to_string(), "stepSize": s_.step_size.to_string() },
                    { "filterType": "MAX_NUM_ORDERS", "limit": s_.max_num_orders },
                    { "filterType": "MAX_NUM_ALGO_ORDERS", "limit": s_.max_num_algo_orders },
                    { "filterType": "MIN_NOTIONAL", "notional": s_.min_notional.to_string() },
                    { "filterType": "PERCENT_PRICE", "multiplierUp": s_.multiplier_up.to_string(), "multiplierDown": s_.multiplier_down.to_string(), "multiplierDecimal": 4 },
                ],
                "OrderType": OrderType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                "timeInForce": TimeInForce::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                "liquidationFee": "0.010000", "marketTakeBound": "0.30",
            })
        })
        .collect();
    Ok(json!({
        "exchangeFilters": [],
        "rateLimits": super::rate_limits_json(&c.ex.cfg),
        "serverTime": c.now,
        "assets": [
            { "asset": "USDT", "marginAvailable": true, "autoAssetExchange": "0" },
            { "asset": "BNB", "marginAvailable": false, "autoAssetExchange": null },
        ],
        "symbols": symbols,
        "timezone": "UTC",
    }))
}

pub(crate) fn depth(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let limit = match c.p.str("limit") {
        None => 500,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if [5, 10, 20, 50, 100, 500, 1000].contains(&n) => n,
            _ => return Err(ApiError::invalid_depth_limit(v)),
        },
    };
    let st = &c.ex.futures.symbols[sym];
    let side = |side: Side| -> Vec<Value> {
        st.book
            .levels(side)
            .filter_map(|(price, queue)| {
                let visible: Decimal = queue
                    .iter()
                    .filter_map(|id| c.ex.futures.orders.get(id))
                    .filter(|o| o.tif != TimeInForce::Hidden)
                    .map(Order::remaining)
                    .sum();
                (!visible.is_zero()).then(|| json!([price.to_string(), visible.to_string()]))
            })
            .take(limit)
            .collect()
    };
    Ok(
        json!({ "lastUpdateId": st.book.update_id, "E": c.now, "T": c.now, "bids": side(Side::Buy), "asks": side(Side::Sell) }),
    )
}

pub(crate) fn trades(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let limit = limit(c.p, 500, 1000)?;
    let from = c.p.opt_i64("fromId")?;
    let all = &c.ex.futures.symbols[sym].trades;
    let picked: Vec<_> = match from {
        Some(f) => all.iter().filter(|t| t.id >= f).take(limit).collect(),
        None => all.iter().rev().take(limit).rev().collect(),
    };
    Ok(Value::Array(
        picked
            .into_iter()
            .map(|t| json!({ "id": t.id, "price": s(t.price), "qty": s(t.qty), "quoteQty": s(t.price * t.qty), "time": t.time, "isBuyerMaker": t.buyer_maker }))
            .collect(),
    ))
}

pub(crate) fn agg_trades(c: &mut Ctx) -> ApiResult<Value> {
    let sym = symbol(c, "symbol")?;
    let limit = limit(c.p, 500, 1000)?;
    let from = c.p.opt_i64("fromId")?;
    let w = window(c.p)?;
    if let (Some(a), Some(b)) = w {
        if b - a > 3_600_000 {
            return Err(ApiError::interval_too_big(1));
        }
    }
    let all = &c.ex.futures.symbols[sym].agg_trades;
    let picked: Vec<_> = if from.is_some() || w.0.is_some() || w.1.is_some() {
        all.iter().filter(|a| from.is_none_or(|f| a.id >= f) && in_window(a.time, w)).take(limit).collect()
    } else {
        all.iter().rev().take(limit).rev().collect()
    };
    Ok(Value::Array(
        picked
            .into_iter()
            .map(|a| json!({ "a": a.id, "p": s(a.price), "q": s(a.qty), "f": a.first_id, "l": a.last_id, "T": a.time, "m": a.buyer_maker }))
            .collect(),
    ))
}

pub(crate) fn klines(c: &mut Ctx, key: &str, source: PriceSource) -> ApiResult<Value> {
    let sym = symbol(c, key)?;
    let interval = Interval::parse_minutes(c.p.req_str("interval")?)?;
    let limit = limit(c.p, 500, 1500)?;
    let rows = c.ex.candles(sym, interval, window(c.p)?, limit, c.now, source);
    Ok(Value::Array(
        rows.into_iter()
            .map(|k| {
                if source == PriceSource::Last {
                    json!([
                        k.open_time,
                        s(k.open),
                        s(k.high),
                        s(k.low),
                        s(k.close),
                        s(k.volume),
                        k.close_time,
                        s(k.quote_volume),
                        k.trades,
                        s(k.taker_buy_volume),
                        s(k.taker_buy_quote),
                        "0"
                    ])
                } else {
                    json!([
                        k.open_time,
                        s(k.open),
                        s(k.high),
                        s(k.low),
                        s(k.close),
                        "0",
                        k.close_time,
                        "0",
                        k.trades,
                        "0",
                        "0",
                        "0"
                    ])
                }
            })
            .collect(),
    ))
}

const FUNDING_MS: i64 = 8 * 3_600_000;

pub(crate) fn premium_index(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    one_or_all(c, |ex, i| {
        let st = &ex.futures.symbols[i];
        let last_funding = now.div_euclid(FUNDING_MS) * FUNDING_MS;
        json!({
            "symbol": st.cfg.symbol, "markPrice": s(st.mark_price()), "indexPrice": s(st.index_price()),
            "estimatedSettlePrice": s(st.index_price()), "lastFundingRate": s(ex.funding_rate_at(i, last_funding)),
            "nextFundingTime": last_funding + FUNDING_MS, "interestRate": "0.00010000", "time": now,
        })
    })
}

pub(crate) fn funding_rate(c: &mut Ctx) -> ApiResult<Value> {
    let limit = limit(c.p, 100, 1000)?;
    let w = window(c.p)?;
    let syms: Vec<usize> = match opt_symbol(c)? {
        Some(i) => vec![i],
        None => (0..c.ex.futures.symbols.len()).collect(),
    };
    let last = c.now.div_euclid(FUNDING_MS) * FUNDING_MS;
    let times: Vec<i64> = match w {
        (Some(start), end) => {
            let first = (start + FUNDING_MS - 1).div_euclid(FUNDING_MS) * FUNDING_MS;
            let stop = end.unwrap_or(last).min(last);
            (0..).map(|k| first + k * FUNDING_MS).take_while(|t| *t <= stop).take(limit).collect()
        }
        (None, end) => {
            let stop = end.map(|e| e.div_euclid(FUNDING_MS) * FUNDING_MS).unwrap_or(last).min(last);
            (0..limit as i64).rev().map(|k| stop - k * FUNDING_MS).collect()
        }
    };
    let mut rows = Vec::new();
    for t in times {
        for &i in &syms {
            rows.push(json!({ "symbol": c.ex.futures.symbols[i].cfg.symbol, "fundingRate": s(c.ex.funding_rate_at(i, t)), "fundingTime": t }));
        }
    }
    rows.truncate(limit);
    Ok(Value::Array(rows))
}

pub(crate) fn funding_info(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    let syms: Vec<usize> = match opt_symbol(c)? {
        Some(i) => vec![i],
        None => (0..c.ex.futures.symbols.len()).collect(),
    };
    Ok(Value::Array(
        syms.into_iter()
            .map(|i| json!({ "symbol": c.ex.futures.symbols[i].cfg.symbol, "interestRate": "0.00010000", "time": now, "fundingIntervalHours": 8, "fundingFeeCap": 0.03, "fundingFeeFloor": -0.03 }))
            .collect(),
    ))
}

pub(crate) fn ticker_24hr(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    one_or_all(c, |ex, i| {
        let st = &ex.futures.symbols[i];
        let open_time = now - 86_400_000;
        let candle = ex.candle(i, Interval::D1, open_time, PriceSource::Last);
        let recent: Vec<_> = st.trades.iter().filter(|t| t.time >= open_time).collect();
        let open = candle.open;
        let last = st.last_price;
        let high = candle.high.max(last);
        let low = candle.low.min(last);
        let change = last - open;
        let pct = if open.is_zero() { Decimal::ZERO } else { (change / open * Decimal::ONE_HUNDRED).round_dp(3) };
        let volume = candle.volume;
        json!({
            "symbol": st.cfg.symbol, "priceChange": s(change), "priceChangePercent": pct.to_string(),
            "weightedAvgPrice": s(((open + last) / Decimal::TWO).round_dp(st.cfg.price_precision())),
            "prevClosePrice": s(open), "lastPrice": s(last), "lastQty": s(recent.last().map(|t| t.qty).unwrap_or_default()),
            "openPrice": s(open), "highPrice": s(high), "lowPrice": s(low), "volume": s(volume),
            "quoteVolume": s(candle.quote_volume), "openTime": open_time, "closeTime": now,
            "firstId": recent.first().map(|t| t.id).unwrap_or(-1), "lastId": recent.last().map(|t| t.id).unwrap_or(-1),
            "count": recent.len(),
        })
    })
}

pub(crate) fn ticker_price(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    one_or_all(
        c,
        |ex, i| json!({ "symbol": ex.futures.symbols[i].cfg.symbol, "price": s(ex.futures.symbols[i].last_price), "time": now }),
    )
}

pub(crate) fn book_ticker(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    one_or_all(c, |ex, i| {
        let st = &ex.futures.symbols[i];
        let top = |side: Side| -> (Decimal, Decimal) {
            st.book
                .levels(side)
                .find_map(|(p, q)| {
                    let qty: Decimal = q
                        .iter()
                        .filter_map(|id| ex.futures.orders.get(id))
                        .filter(|o| o.tif != TimeInForce::Hidden)
                        .map(Order::remaining)
                        .sum();
                    (!qty.is_zero()).then_some((*p, qty))
                })
                .unwrap_or_default()
        };
        let (bp, bq) = top(Side::Buy);
        let (ap, aq) = top(Side::Sell);
        json!({ "symbol": st.cfg.symbol, "bidPrice": s(bp), "bidQty": s(bq), "askPrice": s(ap), "askQty": s(aq), "time": now })
    })
}
