//! The WebSocket half: raw (`/ws/<name>`) and combined (`/stream?streams=..`) connections,
//! live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY, market
//! streams published from the engine at the documented speeds, user-data events, ping
//! frames, the 10 messages/s and 200 streams limits, and fault knobs.

use crate::engine::market::PriceSource;
use crate::engine::types::{Interval, Side};
use crate::engine::Venue;
use crate::engine::{AccountId, Exchange, Order, UserEvent, HOUSE};
use crate::state::{lock, now_ms, Shared};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

mod connection;
pub(crate) mod cursor;
pub(crate) mod state;
pub use state::WsState;

/// Bytes read from a socket at a time: clients send little, and the library zero-fills
/// the whole buffer before each read.
pub(crate) const READ_BUFFER_BYTES: usize = 16 * 1024;

/// Streams one connection may hold.
pub const MAX_STREAMS: usize = 200;
/// Incoming messages per second before the connection is dropped.
pub const MAX_MESSAGES_PER_SECOND: usize = 10;
/// How often the publisher looks for due streams.
const TICK: Duration = Duration::from_millis(50);

/// A stream name the sandbox knows how to publish.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    AggTrade(usize),
    MarkPrice(Option<usize>, bool),
    Kline(usize, Interval),
    MiniTicker(Option<usize>),
    Ticker(Option<usize>),
    BookTicker(Option<usize>),
    ForceOrder(Option<usize>),
    PartialDepth(usize, usize, u64),
    DiffDepth(usize, u64),
    TradePro(usize),
    Spot(Venue, crate::spot::ws::SpotStream),
    /// `<event>@event` on the prediction host: an up/down event's rounds.
    Round(String),
}

/// Spot streams are kept under this prefix in the hub, so a spot and a futures stream of
/// the same name never mix; connections under `/spot` add and strip it.
pub const SPOT_PREFIX: &str = "spot:";
/// The prefix of the prediction host's streams in the hub.
pub const PREDICTION_PREFIX: &str = "prediction:";

/// The hub prefix of a host's streams: futures (`None`), spot or prediction.
pub fn prefix_of(market: Option<Venue>) -> &'static str {
    match market {
        None => "",
        Some(Venue::Spot) => SPOT_PREFIX,
        Some(Venue::Prediction) => PREDICTION_PREFIX,
    }
}

fn parse_speed(rest: &str) -> Option<u64> {
    match rest {
        "" => Some(250),
        "@500ms" => Some(500),
        "@100ms" => Some(100),
        _ => None,
    }
}

fn parse_stream(ex: &Exchange, name: &str) -> Option<Kind> {
    if let Some(spot) = name.strip_prefix(SPOT_PREFIX) {
        return crate::spot::ws::parse(&ex.spot, spot, Venue::Spot).map(|k| Kind::Spot(Venue::Spot, k));
    }
    if let Some(name) = name.strip_prefix(PREDICTION_PREFIX) {
        if let Some(event) = crate::prediction::ws::parse(&ex.prediction, name) {
            return Some(Kind::Round(event));
        }
        let m = &ex.prediction.market;
        return crate::spot::ws::parse(m, name, Venue::Prediction).map(|k| Kind::Spot(Venue::Prediction, k));
    }
    match name {
        "!markPrice@arr" => return Some(Kind::MarkPrice(None, false)),
        "!markPrice@arr@1s" => return Some(Kind::MarkPrice(None, true)),
        "!miniTicker@arr" => return Some(Kind::MiniTicker(None)),
        "!ticker@arr" => return Some(Kind::Ticker(None)),
        "!bookTicker" => return Some(Kind::BookTicker(None)),
        "!forceOrder@arr" => return Some(Kind::ForceOrder(None)),
        _ => {}
    }
    let (symbol, rest) = name.split_once('@')?;
    if symbol != symbol.to_lowercase() {
        return None;
    }
    let sym = ex.symbol_index(&symbol.to_uppercase()).ok()?;
    Some(match rest {
        "aggTrade" => Kind::AggTrade(sym),
        "markPrice" => Kind::MarkPrice(Some(sym), false),
        "markPrice@1s" => Kind::MarkPrice(Some(sym), true),
        "miniTicker" => Kind::MiniTicker(Some(sym)),
        "ticker" => Kind::Ticker(Some(sym)),
        "bookTicker" => Kind::BookTicker(Some(sym)),
        "forceOrder" => Kind::ForceOrder(Some(sym)),
        "tradepro" => Kind::TradePro(sym),
        _ => {
            if let Some(interval) = rest.strip_prefix("kline_") {
                Kind::Kline(sym, Interval::parse_minutes(interval).ok()?)
            } else if let Some(depth) = rest.strip_prefix("depth") {
                let digits: String = depth.chars().take_while(char::is_ascii_digit).collect();
                let speed = parse_speed(&depth[digits.len()..])?;
                match digits.as_str() {
                    "" => Kind::DiffDepth(sym, speed),
                    "5" | "10" | "20" => Kind::PartialDepth(sym, digits.parse().ok()?, speed),
                    _ => return None,
                }
            } else {
                return None;
            }
        }
    })
}

impl Kind {
    fn period_ms(&self) -> i64 {
        match self {
            Kind::AggTrade(_) | Kind::BookTicker(_) | Kind::TradePro(_) => 0,
            Kind::MarkPrice(_, fast) => {
                if *fast {
                    1000
                } else {
                    3000
                }
            }
            Kind::Kline(..) => 250,
            Kind::MiniTicker(s) | Kind::Ticker(s) => {
                if s.is_some() {
                    500
                } else {
                    1000
                }
            }
            Kind::ForceOrder(_) => 1000,
            Kind::PartialDepth(_, _, ms) | Kind::DiffDepth(_, ms) => *ms as i64,
            Kind::Spot(..) | Kind::Round(_) => 0,
        }
    }
}

use cursor::Cursor;

fn s(d: Decimal) -> Value {
    Value::String(d.round_dp(8).to_string())
}

fn levels(ex: &Exchange, sym: usize, side: Side, limit: usize) -> Vec<(Decimal, Decimal)> {
    ex.futures.symbols[sym]
        .book
        .levels(side)
        .filter_map(|(p, q)| {
            let qty: Decimal = q.iter().filter_map(|id| ex.futures.orders.get(id)).map(Order::remaining).sum();
            (!qty.is_zero()).then_some((*p, qty))
        })
        .take(limit)
        .collect()
}

fn mini(ex: &Exchange, sym: usize, now: i64, full: bool) -> Value {
    let st = &ex.futures.symbols[sym];
    let c = ex.candle(sym, Interval::D1, now - 86_400_000, PriceSource::Last);
    let last = st.last_price;
    if !full {
        return json!({ "e": "24hrMiniTicker", "E": now, "s": st.cfg.symbol, "c": s(last), "o": s(c.open), "h": s(c.high.max(last)), "l": s(c.low.min(last)), "v": s(c.volume), "q": s(c.quote_volume) });
    }
    let change = last - c.open;
    json!({
        "e": "24hrTicker", "E": now, "s": st.cfg.symbol, "p": s(change),
        "P": s(if c.open.is_zero() { Decimal::ZERO } else { (change / c.open * Decimal::ONE_HUNDRED).round_dp(3) }),
        "w": s((c.open + last) / Decimal::TWO), "c": s(last), "Q": s(st.trades.last().map(|t| t.qty).unwrap_or_default()),
        "o": s(c.open), "h": s(c.high.max(last)), "l": s(c.low.min(last)), "v": s(c.volume), "q": s(c.quote_volume),
        "O": now - 86_400_000, "C": now, "F": st.trades.first().map(|t| t.id).unwrap_or(0),
        "L": st.trades.last().map(|t| t.id).unwrap_or(0), "n": st.trades.len(),
    })
}

fn mark(ex: &Exchange, sym: usize, now: i64) -> Value {
    let st = &ex.futures.symbols[sym];
    let funding = now.div_euclid(8 * 3_600_000) * 8 * 3_600_000;
    json!({ "e": "markPriceUpdate", "E": now, "s": st.cfg.symbol, "p": s(st.mark_price()), "i": s(st.index_price()),
        "P": s(st.index_price()), "r": s(ex.funding_rate_at(sym, funding)), "T": funding + 8 * 3_600_000 })
}

/// The payloads a stream has to publish now, as JSON text.
fn render(ex: &Exchange, kind: &Kind, cur: &mut Cursor, now: i64) -> Vec<String> {
    if let Kind::Spot(venue, spot) = kind {
        return crate::spot::ws::render(ex.market(*venue), spot, cur, now).into_iter().map(|v| v.to_string()).collect();
    }
    if let Kind::Round(event) = kind {
        return crate::prediction::ws::render(&ex.prediction, event, cur).into_iter().map(|v| v.to_string()).collect();
    }
    let due = now - cur.last_sent >= kind.period_ms();
    let all = |f: &dyn Fn(usize) -> Value| Value::Array((0..ex.futures.symbols.len()).map(f).collect());
    let out: Vec<Value> = match kind {
        Kind::AggTrade(sym) => agg_trades(ex, *sym, cur, now),
        Kind::TradePro(sym) => trade_pro(ex, *sym, cur, now),
        Kind::BookTicker(only) => book_tickers(ex, *only, cur, now, due),
        _ if !due => Vec::new(),
        Kind::Spot(..) | Kind::Round(_) => Vec::new(), // rendered above
        Kind::MarkPrice(Some(sym), _) => vec![mark(ex, *sym, now)],
        Kind::MarkPrice(None, _) => vec![all(&|i| mark(ex, i, now))],
        Kind::MiniTicker(Some(sym)) => vec![mini(ex, *sym, now, false)],
        Kind::MiniTicker(None) => vec![all(&|i| mini(ex, i, now, false))],
        Kind::Ticker(Some(sym)) => vec![mini(ex, *sym, now, true)],
        Kind::Ticker(None) => vec![all(&|i| mini(ex, i, now, true))],
        Kind::ForceOrder(only) => force_orders(ex, *only, cur),
        Kind::Kline(sym, interval) => kline(ex, *sym, *interval, now),
        Kind::PartialDepth(sym, n, _) => partial_depth(ex, *sym, *n, cur, now),
        Kind::DiffDepth(sym, _) => diff_depth(ex, *sym, cur, now),
    };
    // Event-driven streams count as sent whenever they were checked.
    let event_driven = matches!(kind, Kind::AggTrade(_) | Kind::TradePro(_) | Kind::BookTicker(_));
    if due && (!out.is_empty() || event_driven) {
        cur.last_sent = now;
    }
    out.into_iter().map(|v| v.to_string()).collect()
}

/// Aggregate trades since the last look (none at the first: it only sets the mark).
fn agg_trades(ex: &Exchange, sym: usize, cur: &mut Cursor, now: i64) -> Vec<Value> {
    let new: Vec<Value> = ex.futures.symbols[sym]
        .agg_trades
        .iter()
        .filter(|a| a.id > cur.last_trade && cur.last_trade != 0)
        .map(|a| json!({ "e": "aggTrade", "E": now, "s": ex.futures.symbols[sym].cfg.symbol, "a": a.id, "p": s(a.price), "q": s(a.qty), "f": a.first_id, "l": a.last_id, "T": a.time, "m": a.buyer_maker }))
        .collect();
    cur.last_trade = ex.futures.symbols[sym].agg_trades.last().map(|a| a.id).unwrap_or(0).max(cur.last_trade);
    new
}

/// Trades since the last look, with their hashes.
fn trade_pro(ex: &Exchange, sym: usize, cur: &mut Cursor, now: i64) -> Vec<Value> {
    let st = &ex.futures.symbols[sym];
    let new: Vec<Value> = st
        .trades
        .iter()
        .filter(|t| t.id > cur.last_trade && cur.last_trade != 0)
        .map(|t| json!({ "e": "tradepro", "E": now, "T": t.time, "s": st.cfg.symbol, "t": t.id, "p": s(t.price), "q": s(t.qty), "h": format!("0x{:064x}", t.id), "m": ["hidden", "hidden"] }))
        .collect();
    cur.last_trade = st.trades.last().map(|t| t.id).unwrap_or(0).max(cur.last_trade);
    new
}

/// Best bid and ask: on every change for one symbol, at the period for all.
fn book_tickers(ex: &Exchange, only: Option<usize>, cur: &mut Cursor, now: i64, due: bool) -> Vec<Value> {
    let mut v = Vec::new();
    for sym in (0..ex.futures.symbols.len()).filter(|i| only.is_none_or(|o| o == *i)) {
        let bid = levels(ex, sym, Side::Buy, 1).first().copied().unwrap_or_default();
        let ask = levels(ex, sym, Side::Sell, 1).first().copied().unwrap_or_default();
        let top = (bid.0, bid.1, ask.0, ask.1);
        if only.is_some() && cur.last_top == Some(top) {
            continue;
        }
        if only.is_some() {
            cur.last_top = Some(top);
        } else if !due {
            continue;
        }
        let st = &ex.futures.symbols[sym];
        v.push(json!({ "e": "bookTicker", "u": st.book.update_id, "E": now, "T": now, "s": st.cfg.symbol, "b": s(bid.0), "B": s(bid.1), "a": s(ask.0), "A": s(ask.1) }));
    }
    v
}

/// Forced orders since the last look; the first look only sets the baseline.
fn force_orders(ex: &Exchange, only: Option<usize>, cur: &mut Cursor) -> Vec<Value> {
    // Baseline at the first look, then every forced order since.
    if !cur.force_init {
        cur.force_init = true;
        cur.last_force = ex.futures.force_orders.len();
        return Vec::new();
    }
    let symbol = only.map(|i| ex.futures.symbols[i].cfg.symbol.as_str());
    let new: Vec<Value> = ex.futures.force_orders[cur.last_force.min(ex.futures.force_orders.len())..]
        .iter()
        .filter(|f| symbol.is_none_or(|s| s == f.symbol))
        .map(|f| f.event.clone())
        .collect();
    cur.last_force = ex.futures.force_orders.len();
    new
}

/// The open candle of an interval.
fn kline(ex: &Exchange, sym: usize, interval: Interval, now: i64) -> Vec<Value> {
    let open = interval.open_time(now);
    let c = ex.candle(sym, interval, open, PriceSource::Last);
    let st = &ex.futures.symbols[sym];
    vec![json!({ "e": "kline", "E": now, "s": st.cfg.symbol, "k": {
        "t": c.open_time, "T": c.close_time, "s": st.cfg.symbol, "i": interval.as_str(),
        "f": st.trades.first().map(|t| t.id).unwrap_or(0), "L": st.trades.last().map(|t| t.id).unwrap_or(0),
        "o": s(c.open), "c": s(c.close), "h": s(c.high), "l": s(c.low), "v": s(c.volume), "n": c.trades,
        "x": false, "q": s(c.quote_volume), "V": s(c.taker_buy_volume), "Q": s(c.taker_buy_quote), "B": "0" } })]
}

/// The top `n` levels of each side.
fn partial_depth(ex: &Exchange, sym: usize, n: usize, cur: &mut Cursor, now: i64) -> Vec<Value> {
    let st = &ex.futures.symbols[sym];
    let u = st.book.update_id;
    let pu = if cur.last_update == 0 { u } else { cur.last_update };
    cur.last_update = u;
    let side = |side: Side| -> Vec<Value> {
        levels(ex, sym, side, n).into_iter().map(|(p, q)| json!([p.to_string(), q.to_string()])).collect()
    };
    vec![
        json!({ "e": "depthUpdate", "E": now, "T": now, "s": st.cfg.symbol, "U": pu + 1, "u": u, "pu": pu, "b": side(Side::Buy), "a": side(Side::Sell) }),
    ]
}

/// The levels that changed since the last look (quantity 0 for a level that left).
fn diff_depth(ex: &Exchange, sym: usize, cur: &mut Cursor, now: i64) -> Vec<Value> {
    let st = &ex.futures.symbols[sym];
    let u = st.book.update_id;
    let mut now_levels = BTreeMap::new();
    for (bid, side) in [(true, Side::Buy), (false, Side::Sell)] {
        for (p, q) in levels(ex, sym, side, 1000) {
            now_levels.insert((bid, p), q);
        }
    }
    if cur.last_update == u && !cur.last_levels.is_empty() {
        Vec::new()
    } else {
        let mut changed: BTreeMap<(bool, Decimal), Decimal> =
            now_levels.iter().filter(|(k, q)| cur.last_levels.get(k) != Some(q)).map(|(k, q)| (*k, *q)).collect();
        for k in cur.last_levels.keys().filter(|k| !now_levels.contains_key(k)) {
            changed.insert(*k, Decimal::ZERO);
        }
        let pu = cur.last_update;
        cur.last_update = u;
        cur.last_levels = now_levels;
        let side = |bid: bool| -> Vec<Value> {
            let mut v: Vec<_> = changed
                .iter()
                .filter(|((b, _), _)| *b == bid)
                .map(|((_, p), q)| json!([p.to_string(), q.to_string()]))
                .collect();
            if bid {
                v.reverse();
            }
            v
        };
        vec![
            json!({ "e": "depthUpdate", "E": now, "T": now, "s": st.cfg.symbol, "U": pu + 1, "u": u, "pu": pu, "b": side(true), "a": side(false) }),
        ]
    }
}

/// Renders a user-data event with the account's current state.
pub fn render_user_event(ex: &Exchange, ev: &UserEvent, now: i64) -> Option<(AccountId, String)> {
    let v = match ev {
        UserEvent::Order { account, order_id, execution, fill, state: at } => {
            let o = ex.futures.orders.get(order_id)?;
            let z = Decimal::ZERO;
            let f = fill.as_ref();
            let mut data = json!({
                "s": o.symbol, "c": o.client_id, "S": o.side.as_str(), "o": o.kind.as_str(), "f": o.tif.as_str(),
                "q": s(at.qty), "p": s(at.price), "ap": s(at.avg_price), "sp": s(o.stop_price), "x": execution,
                "X": at.status.as_str(), "i": o.id, "l": s(f.map(|f| f.qty).unwrap_or(z)), "z": s(at.executed),
                "L": s(f.map(|f| f.price).unwrap_or(z)), "T": at.update_time, "t": f.map(|f| f.trade_id).unwrap_or(0),
                "b": "0", "a": "0", "m": f.is_some_and(|f| f.maker), "R": o.reduce_only, "wt": o.working_type.as_str(),
                "ot": o.orig_kind.as_str(), "ps": o.position_side.as_str(), "cp": o.close_position,
                "rp": s(f.map(|f| f.realized).unwrap_or(z)),
            });
            if let Some(f) = f {
                data["N"] = json!("USDT");
                data["n"] = s(f.commission);
            }
            // Trailing stops carry their activation price and callback rate.
            if o.orig_kind == crate::engine::types::OrderType::TrailingStopMarket {
                data["AP"] = s(o.activation_price.unwrap_or(z));
                data["cr"] = s(o.callback_rate.unwrap_or(z));
            }
            return Some((
                *account,
                json!({ "e": "ORDER_TRADE_UPDATE", "E": now, "T": o.update_time, "o": data }).to_string(),
            ));
        }
        UserEvent::Account { account, reason, symbol } => {
            let a = &ex.accounts[*account];
            let cross = a.usdt() - ex.isolated_total(*account);
            let positions: Vec<Value> = a
                .positions
                .iter()
                .filter(|((sym, _), _)| symbol.as_ref().is_none_or(|s_| s_ == sym))
                .map(|((sym, ps), p)| json!({ "s": sym, "pa": s(p.amount), "ep": s(p.entry_price), "cr": s(p.realized),
                    "up": s(ex.unrealized(sym, p)), "mt": a.margin_type_of(sym).lower(), "iw": s(p.isolated_wallet), "ps": ps.as_str() }))
                .collect();
            (
                *account,
                json!({ "e": "ACCOUNT_UPDATE", "E": now, "T": now, "a": { "m": reason,
                "B": [{ "a": "USDT", "wb": s(a.usdt()), "cw": s(cross), "bc": "0" }], "P": positions } }),
            )
        }
        UserEvent::MarginCall { account, symbol, position_side, amount, mark, unrealized, maint_margin } => {
            let a = &ex.accounts[*account];
            let cross = a.usdt() - ex.isolated_total(*account);
            let iw = a.position(symbol, *position_side).map(|p| p.isolated_wallet).unwrap_or_default();
            (
                *account,
                json!({ "e": "MARGIN_CALL", "E": now, "cw": s(cross), "p": [{
                    "s": symbol, "ps": position_side.as_str(), "pa": s(*amount), "mt": a.margin_type_of(symbol).as_str(),
                    "iw": s(iw), "mp": s(*mark), "up": s(*unrealized), "mm": s(*maint_margin) }] }),
            )
        }
        UserEvent::Leverage { account, symbol, leverage } => (
            *account,
            json!({ "e": "ACCOUNT_CONFIG_UPDATE", "E": now, "T": now, "ac": { "s": symbol, "l": leverage } }),
        ),
        UserEvent::Config { account } => {
            let a = &ex.accounts[*account];
            (
                *account,
                json!({ "e": "ACCOUNT_CONFIG_UPDATE", "E": now, "T": now, "ai": { "j": a.multi_assets, "f": false, "d": a.dual_side } }),
            )
        }
    };
    Some((v.0, v.1.to_string()))
}

/// Publishes the engine's pending user events to the user-data connections.
pub fn flush_user_events(shared: &Shared, ex: &mut Exchange) {
    let now = now_ms();
    for venue in [Venue::Spot, Venue::Prediction] {
        for ev in std::mem::take(&mut ex.market_mut(venue).outbox) {
            let (acct, text) = crate::spot::ws::render_event(ex.market(venue), &ev, now);
            let _ = shared.ws.user_channel(Some(venue)).send((acct, Arc::from(text)));
        }
    }
    if ex.futures.outbox.is_empty() {
        return;
    }
    for ev in std::mem::take(&mut ex.futures.outbox) {
        if let Some((acct, text)) = render_user_event(ex, &ev, now) {
            if acct != HOUSE {
                let _ = shared.ws.user.send((acct, Arc::from(text)));
            }
        }
    }
}

/// Publishes every subscribed stream when due, forever.
pub async fn publisher(shared: Arc<Shared>) {
    let mut cursors: BTreeMap<String, (Kind, Cursor)> = BTreeMap::new();
    let mut tick = tokio::time::interval(TICK);
    loop {
        tick.tick().await;
        let wanted: Vec<String> = lock(&shared.ws.subscribers).keys().cloned().collect();
        cursors.retain(|k, _| wanted.contains(k));
        let now = now_ms();
        let mut ex = lock(&shared.exchange);
        flush_user_events(&shared, &mut ex);
        for name in wanted {
            let entry = match cursors.get_mut(&name) {
                Some(e) => e,
                None => match parse_stream(&ex, &name) {
                    Some(kind) => cursors.entry(name.clone()).or_insert((kind, Cursor::default())),
                    None => continue,
                },
            };
            let name: Arc<str> = Arc::from(name.as_str());
            for text in render(&ex, &entry.0, &mut entry.1, now) {
                let _ = shared.ws.market.send((name.clone(), Arc::from(text)));
            }
        }
    }
}

enum Control {
    Reply(Value),
    /// A reply planned by a test, sent as it is.
    Planned(String),
    Close,
}

/// The planned reply to a control request whose method a test set one for.
fn planned_reply(ws: &WsState, text: &str) -> Option<String> {
    let req = serde_json::from_str::<Value>(text).ok()?;
    let method = req.get("method")?.as_str()?;
    let id = req.get("id").map(Value::to_string).unwrap_or_else(|| "null".into());
    let config = lock(&ws.config);
    let (_, template) = config.control_replies.iter().find(|(m, _)| m == method)?;
    Some(template.replace("{id}", &id))
}

/// The status every handshake is refused with, when a test set one.
pub fn refused_handshake(shared: &Shared) -> Option<axum::http::StatusCode> {
    lock(&shared.ws.config).refuse_handshakes.and_then(|s| axum::http::StatusCode::from_u16(s).ok())
}

/// Answers one client message as the docs describe.
fn control(
    ex: &Exchange,
    ws: &WsState,
    subs: &mut BTreeSet<String>,
    combined: &mut bool,
    prefix: &str,
    text: &str,
) -> Control {
    let err = |code: i64, msg: &str, id: Option<&Value>| {
        let mut v = json!({ "code": code, "msg": msg });
        if let Some(id) = id {
            v["id"] = id.clone();
        }
        Control::Reply(v)
    };
    let Ok(req) = serde_json::from_str::<Value>(text) else {
        return err(3, "Invalid JSON: expected value at line 1 column 1", None);
    };
    let id = req.get("id");
    if !id.is_some_and(|i| i.is_u64()) {
        return err(2, "Invalid request: request ID must be an unsigned integer", None);
    }
    let Some(method) = req.get("method").and_then(Value::as_str) else {
        return err(2, "Invalid request: missing field `method`", id);
    };
    let params: Vec<Value> = req.get("params").and_then(Value::as_array).cloned().unwrap_or_default();
    let ok = |result: Value| Control::Reply(json!({ "result": result, "id": id }));
    match method {
        "SUBSCRIBE" | "UNSUBSCRIBE" => {
            let mut names = Vec::new();
            for p in &params {
                let Some(name) = p.as_str() else { return err(2, "Invalid request: stream name must be a string", id) };
                let name = format!("{prefix}{name}");
                if parse_stream(ex, &name).is_none() {
                    return err(2, &format!("Invalid request: unknown stream `{}`", &name[prefix.len()..]), id);
                }
                names.push(name);
            }
            if method == "SUBSCRIBE" {
                let new: BTreeSet<&String> = names.iter().filter(|n| !subs.contains(*n)).collect();
                if subs.len() + new.len() > MAX_STREAMS {
                    return err(
                        2,
                        &format!("Invalid request: a connection may hold at most {MAX_STREAMS} streams"),
                        id,
                    );
                }
                for n in new {
                    ws.add(n);
                    subs.insert(n.clone());
                }
            } else {
                for n in names {
                    if subs.remove(&n) {
                        ws.remove(&n);
                    }
                }
            }
            ok(Value::Null)
        }
        "LIST_SUBSCRIPTIONS" => ok(Value::Array(subs.iter().map(|s| json!(&s[prefix.len()..])).collect())),
        "SET_PROPERTY" => match params.as_slice() {
            [Value::String(p), Value::Bool(b)] if p == "combined" => {
                *combined = *b;
                ok(Value::Null)
            }
            [Value::String(p), _] if p == "combined" => err(1, "Invalid value type: expected Boolean", id),
            [Value::String(_), _] => err(0, "Unknown property", id),
            [_, _] => err(2, "Invalid request: property name must be a string", id),
            _ => err(2, "Invalid request: too many parameters", id),
        },
        "GET_PROPERTY" => match params.as_slice() {
            [Value::String(p)] if p == "combined" => ok(Value::Bool(*combined)),
            [Value::String(_)] => err(0, "Unknown property", id),
            _ => err(2, "Invalid request: property name must be a string", id),
        },
        other => {
            if other.is_empty() {
                return Control::Close;
            }
            err(2, &format!("Invalid request: unknown variant `{other}`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`"), id)
        }
    }
}

/// What a connection was opened for.
pub enum Target {
    /// Market streams; `prefix` is [`SPOT_PREFIX`] on the spot host, else empty.
    Streams { names: Vec<String>, combined: bool, prefix: &'static str },
    User {
        account: AccountId,
        key: String,
        /// The host's spot engine; `None` on the futures host.
        market: Option<Venue>,
        /// The account's events, subscribed when the key was accepted (before the handshake
        /// completes), so an event right after the client sees the connection is not lost.
        events: tokio::sync::broadcast::Receiver<(AccountId, Arc<str>)>,
    },
}

/// Whether `key` is the live listen key of `account` on the futures host or a spot
/// engine's.
fn key_live(ex: &Exchange, account: AccountId, key: &str, market: Option<Venue>, now: i64) -> bool {
    let k = match market {
        Some(venue) => ex.market(venue).listen_keys.get(&account),
        None => ex.accounts[account].listen_key.as_ref(),
    };
    k.is_some_and(|k| k.key == key && k.expires_at > now)
}

/// Resolves `/ws/<name>` on the futures host (`market` `None`) or a spot engine's: a known
/// stream, or a listen key.
pub fn resolve_raw(shared: &Shared, name: &str, market: Option<Venue>) -> Option<Target> {
    let ex = lock(&shared.exchange);
    let prefix = prefix_of(market);
    let full = format!("{prefix}{name}");
    if parse_stream(&ex, &full).is_some() {
        return Some(Target::Streams { names: vec![full], combined: false, prefix });
    }
    let now = now_ms();
    let dead_accepted = lock(&shared.ws.config).accept_dead_keys;
    let account = (0..ex.accounts.len()).find(|a| {
        key_live(&ex, *a, name, market, now) || (dead_accepted && key_live(&ex, *a, name, market, i64::MIN))
    })?;
    let events = shared.ws.user_channel(market).subscribe();
    Some(Target::User { account, key: name.to_string(), market, events })
}

pub fn resolve_combined(shared: &Shared, query: &str, market: Option<Venue>) -> Option<Target> {
    let list = query.split('&').find_map(|kv| kv.strip_prefix("streams="))?;
    let ex = lock(&shared.exchange);
    let prefix = prefix_of(market);
    let names: Vec<String> = list.split('/').filter(|s| !s.is_empty()).map(|n| format!("{prefix}{n}")).collect();
    if names.len() > MAX_STREAMS || names.iter().any(|n| parse_stream(&ex, n).is_none()) {
        return None;
    }
    Some(Target::Streams { names, combined: true, prefix })
}

pub use connection::serve;
