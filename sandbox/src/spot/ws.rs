//! Spot streams (served under `/spot/ws/…` and `/spot/stream`): which names exist, what
//! each publishes when, and the spot user events (`executionReport`,
//! `outboundAccountPosition`).

use super::market::book_side;
use super::market::{Candle, SpotEvent, SpotMarket};
use crate::engine::types::{Interval, Side};
use crate::engine::AccountId;
use crate::routes::s;
use crate::ws::cursor::Cursor;
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// A spot stream the sandbox publishes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpotStream {
    AggTrade(usize),
    Trade(usize),
    TradePro(usize),
    Kline(usize, Interval),
    MiniTicker(Option<usize>),
    Ticker(Option<usize>),
    BookTicker(Option<usize>),
    PartialDepth(usize, usize, u64),
    DiffDepth(usize, u64),
}

/// The stream a spot name means, or `None` for one the spot API does not have.
pub fn parse(m: &SpotMarket, name: &str, venue: crate::engine::Venue) -> Option<SpotStream> {
    match name {
        "!miniTicker@arr" => return Some(SpotStream::MiniTicker(None)),
        "!ticker@arr" => return Some(SpotStream::Ticker(None)),
        "!bookTicker" => return Some(SpotStream::BookTicker(None)),
        _ => {}
    }
    let (symbol, rest) = name.split_once('@')?;
    if symbol != symbol.to_lowercase() {
        return None;
    }
    let pi = m.pair_index(&symbol.to_uppercase()).ok()?;
    let speed = |rest: &str| match rest {
        "" => Some(1000),
        "@100ms" => Some(100),
        _ => None,
    };
    Some(match rest {
        "aggTrade" => SpotStream::AggTrade(pi),
        "trade" => SpotStream::Trade(pi),
        "tradepro" => SpotStream::TradePro(pi),
        "miniTicker" => SpotStream::MiniTicker(Some(pi)),
        "ticker" => SpotStream::Ticker(Some(pi)),
        "bookTicker" => SpotStream::BookTicker(Some(pi)),
        _ => {
            if let Some(interval) = rest.strip_prefix("kline_") {
                SpotStream::Kline(pi, venue.interval(interval).ok()?)
            } else {
                let depth = rest.strip_prefix("depth")?;
                let digits: String = depth.chars().take_while(char::is_ascii_digit).collect();
                let ms = speed(&depth[digits.len()..])?;
                match digits.as_str() {
                    "" => SpotStream::DiffDepth(pi, ms),
                    "5" | "10" | "20" => SpotStream::PartialDepth(pi, digits.parse().ok()?, ms),
                    _ => return None,
                }
            }
        }
    })
}

impl SpotStream {
    /// How often a periodic stream publishes; 0 for those that follow events.
    fn period_ms(&self) -> i64 {
        match self {
            SpotStream::AggTrade(_) | SpotStream::Trade(_) | SpotStream::TradePro(_) | SpotStream::BookTicker(_) => 0,
            SpotStream::Kline(..) => 2000,
            SpotStream::MiniTicker(_) | SpotStream::Ticker(_) => 1000,
            SpotStream::PartialDepth(_, _, ms) | SpotStream::DiffDepth(_, ms) => *ms as i64,
        }
    }

    fn event_driven(&self) -> bool {
        self.period_ms() == 0
    }
}

fn mini(m: &SpotMarket, pi: usize, now: i64, full: bool) -> Value {
    let p = &m.pairs[pi];
    let d = m.day(pi, now);
    if !full {
        return json!({ "e": "24hrMiniTicker", "E": now, "s": p.cfg.symbol, "c": s(d.close), "o": s(d.open),
            "h": s(d.high), "l": s(d.low), "v": s(d.volume), "q": s(d.quote_volume) });
    }
    let change = d.close - d.open;
    let pct = if d.open.is_zero() { Decimal::ZERO } else { (change / d.open * Decimal::from(100)).round_dp(3) };
    json!({ "e": "24hrTicker", "E": now, "s": p.cfg.symbol, "p": s(change), "P": pct.to_string(),
        "w": s(if d.volume.is_zero() { d.close } else { d.quote_volume / d.volume }), "c": s(d.close),
        "Q": s(d.last_qty), "o": s(d.open), "h": s(d.high), "l": s(d.low),
        "v": s(d.volume), "q": s(d.quote_volume), "O": now - 86_400_000, "C": now,
        "F": d.first_id, "L": d.last_id, "n": d.count })
}

/// What one spot stream publishes now; `cur` remembers what it sent before.
pub(crate) fn render(m: &SpotMarket, kind: &SpotStream, cur: &mut Cursor, now: i64) -> Vec<Value> {
    let due = now - cur.last_sent >= kind.period_ms();
    let all = |f: &dyn Fn(usize) -> Value| Value::Array((0..m.pairs.len()).map(f).collect());
    let out = match kind {
        SpotStream::AggTrade(pi) | SpotStream::Trade(pi) | SpotStream::TradePro(pi) => trades(m, kind, *pi, cur, now),
        SpotStream::BookTicker(only) => book_tickers(m, *only, cur, due),
        _ if !due => Vec::new(),
        SpotStream::MiniTicker(Some(pi)) => vec![mini(m, *pi, now, false)],
        SpotStream::MiniTicker(None) => vec![all(&|i| mini(m, i, now, false))],
        SpotStream::Ticker(Some(pi)) => vec![mini(m, *pi, now, true)],
        SpotStream::Ticker(None) => vec![all(&|i| mini(m, i, now, true))],
        SpotStream::Kline(pi, interval) => kline(m, *pi, *interval, now),
        SpotStream::PartialDepth(pi, n, _) => partial_depth(m, *pi, *n, cur, now),
        SpotStream::DiffDepth(pi, _) => diff_depth(m, *pi, cur, now),
    };
    if due && (!out.is_empty() || kind.event_driven()) {
        cur.last_sent = now;
    }
    out
}

/// Trades since the last look, as the trade, aggregate trade or tradepro stream says them;
/// a stream starts after the newest trade there is when it is first seen.
fn trades(m: &SpotMarket, kind: &SpotStream, pi: usize, cur: &mut Cursor, now: i64) -> Vec<Value> {
    let p = &m.pairs[pi];
    // A stream starts after the newest trade there is when it is first seen.
    if !std::mem::replace(&mut cur.force_init, true) {
        cur.last_trade = p.trades.last().map(|t| t.id).unwrap_or(0);
    }
    let new: Vec<Value> = p
        .trades
        .iter()
        .filter(|t| t.id > cur.last_trade)
        .map(|t| match kind {
            SpotStream::AggTrade(_) => json!({ "e": "aggTrade", "E": now, "s": p.cfg.symbol, "a": t.id,
                "p": s(t.price), "q": s(t.qty), "f": t.id, "l": t.id, "T": t.time, "m": t.buyer_maker, "M": true }),
            SpotStream::Trade(_) => json!({ "e": "trade", "E": now, "s": p.cfg.symbol, "t": t.id,
                "p": s(t.price), "q": s(t.qty), "T": t.time, "m": t.buyer_maker }),
            _ => json!({ "e": "tradepro", "E": now, "T": t.time, "s": p.cfg.symbol, "t": t.id,
                "p": s(t.price), "q": s(t.qty), "h": format!("0x{:064x}", t.id), "m": ["hidden", "hidden"] }),
        })
        .collect();
    cur.last_trade = p.trades.last().map(|t| t.id).unwrap_or(0).max(cur.last_trade);
    new
}

/// Best bid and ask: on every change for one pair, at the period for all.
fn book_tickers(m: &SpotMarket, only: Option<usize>, cur: &mut Cursor, due: bool) -> Vec<Value> {
    let mut v = Vec::new();
    for pi in (0..m.pairs.len()).filter(|i| only.is_none_or(|o| o == *i)) {
        let bid = book_side(m, pi, Side::Buy, 1).first().copied().unwrap_or_default();
        let ask = book_side(m, pi, Side::Sell, 1).first().copied().unwrap_or_default();
        let top = (bid.0, bid.1, ask.0, ask.1);
        if only.is_some() {
            if cur.last_top == Some(top) {
                continue;
            }
            cur.last_top = Some(top);
        } else if !due {
            continue;
        }
        let p = &m.pairs[pi];
        v.push(json!({ "u": p.book.update_id, "s": p.cfg.symbol, "b": s(bid.0), "B": s(bid.1),
            "a": s(ask.0), "A": s(ask.1) }));
    }
    v
}

/// The open candle of an interval.
fn kline(m: &SpotMarket, pi: usize, interval: Interval, now: i64) -> Vec<Value> {
    let p = &m.pairs[pi];
    let open_time = interval.open_time(now);
    let k = Candle::of(p.trades.iter().filter(|t| t.time >= open_time), p.last_price);
    vec![json!({ "e": "kline", "E": now, "s": p.cfg.symbol, "k": {
        "t": open_time, "T": open_time + interval.millis() - 1, "s": p.cfg.symbol, "i": interval.as_str(),
        "f": k.first_id, "L": k.last_id, "o": s(k.open), "c": s(p.last_price), "h": s(k.high), "l": s(k.low),
        "v": s(k.volume), "n": k.count, "x": false, "q": s(k.quote_volume),
        "V": s(k.taker_buy_volume), "Q": s(k.taker_buy_quote), "B": "0" } })]
}

/// The top `n` levels of each side.
fn partial_depth(m: &SpotMarket, pi: usize, n: usize, cur: &mut Cursor, now: i64) -> Vec<Value> {
    let p = &m.pairs[pi];
    let u = p.book.update_id;
    let pu = if cur.last_update == 0 { u } else { cur.last_update };
    cur.last_update = u;
    let side = |side| -> Vec<Value> {
        book_side(m, pi, side, n).into_iter().map(|(pr, q)| json!([pr.to_string(), q.to_string()])).collect()
    };
    vec![json!({ "e": "depthUpdate", "E": now, "T": now, "s": p.cfg.symbol, "U": pu + 1, "u": u, "pu": pu,
        "bids": side(Side::Buy), "asks": side(Side::Sell) })]
}

/// The levels that changed since the last look (quantity 0 for a level that left).
fn diff_depth(m: &SpotMarket, pi: usize, cur: &mut Cursor, now: i64) -> Vec<Value> {
    let p = &m.pairs[pi];
    let u = p.book.update_id;
    let mut now_levels = std::collections::BTreeMap::new();
    for (side, bid) in [(Side::Buy, true), (Side::Sell, false)] {
        for (price, qty) in book_side(m, pi, side, usize::MAX) {
            now_levels.insert((bid, price), qty);
        }
    }
    let first = cur.last_update == 0;
    let mut changed: Vec<((bool, Decimal), Decimal)> =
        now_levels.iter().filter(|(k, q)| cur.last_levels.get(k) != Some(q)).map(|(k, q)| (*k, *q)).collect();
    changed.extend(cur.last_levels.keys().filter(|k| !now_levels.contains_key(k)).map(|k| (*k, Decimal::ZERO)));
    let pu = cur.last_update;
    cur.last_levels = now_levels;
    if first || u == pu {
        cur.last_update = u;
        return Vec::new();
    }
    cur.last_update = u;
    let side = |bid: bool| -> Vec<Value> {
        changed
            .iter()
            .filter(|((b, _), _)| *b == bid)
            .map(|((_, p), q)| json!([p.to_string(), q.to_string()]))
            .collect()
    };
    vec![json!({ "e": "depthUpdate", "E": now, "T": now, "s": p.cfg.symbol, "U": pu + 1, "u": u, "pu": pu,
        "b": side(true), "a": side(false) })]
}

/// A spot user event as the account's stream carries it.
pub fn render_event(m: &SpotMarket, ev: &SpotEvent, now: i64) -> (AccountId, String) {
    match ev {
        SpotEvent::Execution { order: o, execution, fill } => {
            let z = Decimal::ZERO;
            let f = fill.as_ref();
            let mut v = json!({
                "e": "executionReport", "E": now, "s": o.symbol, "c": o.client_id, "S": o.side.as_str(),
                "o": o.kind.as_str(), "f": o.tif.as_str(), "q": s(o.qty), "p": s(o.price), "ap": o.avg_price().to_string(),
                "P": s(o.stop_price), "x": execution, "X": o.status.as_str(), "i": o.id,
                "l": s(f.map(|f| f.qty).unwrap_or(z)), "z": s(o.executed), "L": s(f.map(|f| f.price).unwrap_or(z)),
                "T": o.update_time, "t": f.map(|f| f.id).unwrap_or(-1), "m": f.is_some_and(|f| f.maker),
                "ot": o.orig_kind.as_str(), "O": o.time, "Z": s(o.cum_quote),
                "Y": s(f.map(|f| f.qty * f.price).unwrap_or(z)), "Q": s(o.quote_qty),
            });
            if let Some(f) = f {
                v["n"] = s(f.commission);
                v["N"] = json!(f.commission_asset);
            }
            (o.account, v.to_string())
        }
        SpotEvent::Balances { account, assets, reason } => {
            let balances: Vec<Value> = assets
                .iter()
                .map(|a| {
                    let b = m.balance(*account, a);
                    json!({ "a": a, "f": s(b.free), "l": s(b.locked) })
                })
                .collect();
            (
                *account,
                json!({ "e": "outboundAccountPosition", "E": now, "T": now, "m": reason, "B": balances }).to_string(),
            )
        }
    }
}
