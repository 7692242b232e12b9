//! Creating and retiring outcome tokens: mint and burn (a YES and a NO token per unit of
//! quote asset), split and merge (one token of every outcome of an event per unit), and
//! settlement (the winning token pays 1, less a fee).
//!
//! The docs describe split less precisely than the rest; the sandbox reads it as merge's
//! inverse: one USDT per set buys one YES token of every outcome of the event, and the
//! named pair's market reports its NO token's last price. Unverified against the exchange.

use super::market::{OutcomeMarket, PredictionMarket, SETTLE_FEE_RATE};
use crate::engine::{AccountId, HOUSE};
use crate::error::{ApiError, ApiResult};
use rust_decimal::Decimal;
use serde_json::{json, Value};

const QUOTE: &str = "USDT";

/// Who asks for an operation and how it is recorded.
pub struct Op {
    pub acct: AccountId,
    pub client_id: String,
    pub tran_id: i64,
    pub now: i64,
}

/// One outcome of a set: its YES pair and token, last price and share of the set's value.
struct Outcome {
    symbol: String,
    asset: String,
    last: Decimal,
    share: Decimal,
}

/// A positive quantity; `whole` ones must have no fraction (split and merge).
fn positive(qty: Decimal, whole: bool) -> ApiResult<Decimal> {
    if qty <= Decimal::ZERO {
        return Err(ApiError::qty_le_zero());
    }
    if (whole && !qty.fract().is_zero()) || qty.scale() > 8 {
        return Err(ApiError::bad_precision());
    }
    Ok(qty)
}

impl PredictionMarket {
    /// The YES pair's market, open for trading.
    fn open_yes_market(&self, symbol: &str) -> ApiResult<(usize, usize)> {
        let (e, m, yes) = self.market_of(symbol)?;
        if !yes || self.market.pair_index(symbol).is_err() {
            return Err(ApiError::invalid_param("symbol"));
        }
        if self.events[e].markets[m].settled() {
            return Err(ApiError::new(400, -2010, "The market has settled."));
        }
        Ok((e, m))
    }

    /// Moves balances of one operation, all or nothing: every debit is checked first.
    fn apply(
        &mut self,
        acct: AccountId,
        legs: &[(String, Decimal)],
        kind: &'static str,
        tran_id: i64,
        now: i64,
    ) -> ApiResult<()> {
        for (asset, delta) in legs.iter().filter(|(_, d)| d.is_sign_negative()) {
            if self.market.balance(acct, asset).free + delta < Decimal::ZERO {
                return Err(ApiError::balance_insufficient());
            }
        }
        for (asset, delta) in legs {
            self.market.credit(acct, asset, *delta, kind, tran_id, now)?;
        }
        Ok(())
    }

    pub fn mint(&mut self, op: Op, symbol: &str, qty: Decimal) -> ApiResult<Value> {
        let Op { acct, client_id, tran_id, now } = op;
        // Trades since the last look first, so the holdings change from where they stand.
        self.absorb_trades();
        let qty = positive(qty, false)?;
        let (e, m) = self.open_yes_market(symbol)?;
        let mk = self.events[e].markets[m].clone();
        let yes_price = self.last_price(&mk.yes_symbol());
        let no_price = Decimal::ONE - yes_price;
        let legs = [(QUOTE.to_string(), -qty), (mk.yes_asset(), qty), (mk.no_asset(), qty)];
        self.apply(acct, &legs, "PREDICTION_MINT", tran_id, now)?;
        self.bought(acct, &mk.yes_asset(), qty, yes_price, Decimal::ZERO, now);
        self.bought(acct, &mk.no_asset(), qty, no_price, Decimal::ZERO, now);
        Ok(json!({ "clientOrderId": client_id, "quoteAmount": qty.to_string(), "yesPrice": yes_price.to_string(),
            "noPrice": no_price.to_string(), "pairCount": qty.to_string() }))
    }

    pub fn burn(&mut self, op: Op, symbol: &str, qty: Decimal) -> ApiResult<Value> {
        let Op { acct, client_id, tran_id, now } = op;
        // Trades since the last look first, so the holdings change from where they stand.
        self.absorb_trades();
        let qty = positive(qty, false)?;
        let (e, m) = self.open_yes_market(symbol)?;
        let mk = self.events[e].markets[m].clone();
        let yes_price = self.last_price(&mk.yes_symbol());
        let legs = [(mk.yes_asset(), -qty), (mk.no_asset(), -qty), (QUOTE.to_string(), qty)];
        self.apply(acct, &legs, "PREDICTION_BURN", tran_id, now)?;
        self.sold(acct, &mk.yes_asset(), qty, yes_price, Decimal::ZERO, now);
        self.sold(acct, &mk.no_asset(), qty, Decimal::ONE - yes_price, Decimal::ZERO, now);
        Ok(json!({ "clientOrderId": client_id, "quoteAmount": qty.to_string(), "yesPrice": null, "noPrice": null,
            "pairCount": qty.to_string() }))
    }

    /// A multi-outcome event's markets with each YES token's last price and its share of
    /// their sum (what one token of a set is valued at).
    fn outcome_set(&self, event: &str) -> ApiResult<(usize, Vec<Outcome>)> {
        let e = self.event(event)?;
        let ev = &self.events[e];
        if ev.oracle.is_some() || ev.markets.iter().any(|m| m.settled()) {
            return Err(ApiError::invalid_param("event"));
        }
        let lasts: Vec<(String, String, Decimal)> =
            ev.markets.iter().map(|m| (m.yes_symbol(), m.yes_asset(), self.last_price(&m.yes_symbol()))).collect();
        let sum: Decimal = lasts.iter().map(|l| l.2).sum();
        let set = lasts
            .into_iter()
            .map(|(symbol, asset, last)| {
                let share = if sum.is_zero() { Decimal::ZERO } else { (last / sum).round_dp(8) };
                Outcome { symbol, asset, last, share }
            })
            .collect();
        Ok((e, set))
    }

    pub fn split(&mut self, op: Op, event: &str, symbol: &str, qty: Decimal) -> ApiResult<Value> {
        let Op { acct, client_id, tran_id, now } = op;
        // Trades since the last look first, so the holdings change from where they stand.
        self.absorb_trades();
        let qty = positive(qty, true)?;
        let (e, set) = self.outcome_set(event)?;
        let (se, sm, _) = self.market_of(symbol)?;
        if se != e || self.market.pair_index(symbol).is_err() {
            return Err(ApiError::invalid_param("symbol"));
        }
        let source_no = self.last_price(&self.events[se].markets[sm].no_symbol());
        let mut legs = vec![(QUOTE.to_string(), -qty)];
        legs.extend(set.iter().map(|o| (o.asset.clone(), qty)));
        self.apply(acct, &legs, "PREDICTION_MINT", tran_id, now)?;
        for o in &set {
            self.bought(acct, &o.asset, qty, o.share, Decimal::ZERO, now);
        }
        Ok(json!({ "clientOrderId": client_id, "qty": qty.to_string(), "counterparties": counterparties(&set),
            "sourceNoLastPrice": source_no.to_string() }))
    }

    pub fn merge(&mut self, op: Op, event: &str, qty: Decimal) -> ApiResult<Value> {
        let Op { acct, client_id, tran_id, now } = op;
        // Trades since the last look first, so the holdings change from where they stand.
        self.absorb_trades();
        let qty = positive(qty, true)?;
        let (_, set) = self.outcome_set(event)?;
        let mut legs: Vec<(String, Decimal)> = set.iter().map(|o| (o.asset.clone(), -qty)).collect();
        legs.push((QUOTE.to_string(), qty));
        self.apply(acct, &legs, "PREDICTION_BURN", tran_id, now)?;
        for o in &set {
            self.sold(acct, &o.asset, qty, o.share, Decimal::ZERO, now);
        }
        Ok(json!({ "clientOrderId": client_id, "qty": qty.to_string(), "counterparties": counterparties(&set) }))
    }

    /// Settles a market: open orders on its pairs end, every holder's tokens leave, the
    /// winning ones paying 1 each less the settlement fee; positions close as settled and
    /// an up/down round announces its winner on `<event>@event`.
    pub fn settle(&mut self, market: &str, yes_won: bool, end_price: Option<Decimal>, tran_id: i64, now: i64) -> bool {
        let Ok((e, m, _)) = self.market_of(&format!("{market}_Y")) else { return false };
        if self.events[e].markets[m].settled() {
            return false;
        }
        self.absorb_trades();
        let mk = self.events[e].markets[m].clone();
        let pairs = [mk.yes_symbol(), mk.no_symbol()];
        let open: Vec<i64> = self
            .market
            .orders
            .values()
            .filter(|o| pairs.contains(&o.symbol) && o.account != HOUSE && o.status.is_open())
            .map(|o| o.id)
            .collect();
        for id in open {
            let _ = self.market.cancel(id, now);
        }
        for (asset, wins) in [(mk.yes_asset(), yes_won), (mk.no_asset(), !yes_won)] {
            let holders: Vec<(AccountId, Decimal)> = self
                .market
                .balances
                .iter()
                .filter(|((a, name), b)| *name == asset && *a != HOUSE && !b.free.is_zero())
                .map(|((a, _), b)| (*a, b.free))
                .collect();
            for (acct, qty) in holders {
                self.pay_out(acct, &mk, &asset, qty, wins, tran_id, now);
            }
        }
        let mk = &mut self.events[e].markets[m];
        mk.yes_won = Some(yes_won);
        mk.end_price = end_price;
        mk.settle_time = now;
        let event = &self.events[e];
        if event.oracle.is_some() {
            let (id, mk) = (event.id.clone(), &event.markets[m]);
            let sample = json!({ "e": "market_twap", "m": mk.name, "y": mk.yes_symbol(), "n": mk.no_symbol(),
                "p": end_price.unwrap_or_default().to_string(), "r": 0, "t": now, "w": if yes_won { "Y" } else { "N" } });
            self.round_events.push((id, sample));
        }
        true
    }

    #[allow(clippy::too_many_arguments)]
    fn pay_out(
        &mut self,
        acct: AccountId,
        mk: &OutcomeMarket,
        asset: &str,
        qty: Decimal,
        wins: bool,
        tran_id: i64,
        now: i64,
    ) {
        let price = if wins { Decimal::ONE } else { Decimal::ZERO };
        let gross = qty * price;
        let fee = (gross * SETTLE_FEE_RATE).round_dp(8);
        let _ = self.market.credit(acct, asset, -qty, "PREDICTION_SETTLE", tran_id, now);
        if wins {
            let _ = self.market.credit(acct, QUOTE, gross, "PREDICTION_SETTLE", tran_id, now);
            let _ = self.market.credit(acct, QUOTE, -fee, "PREDICTION_SETTLE_FEE", tran_id, now);
        }
        let holding = self.holdings.remove(&(acct, asset.to_string())).unwrap_or_default();
        let entry = holding.open_avg();
        let mut closed = holding.clone();
        closed.closed += qty;
        closed.closed_value += gross;
        closed.qty = Decimal::ZERO;
        let history = self.history_entry(asset, &closed, now, "settled", Some(fee));
        self.position_history.push((acct, history));
        self.settlements.push((
            acct,
            json!({ "marketName": mk.name, "asset": asset, "symbol": format!("{asset}USDT"), "marketStartTime": mk.start,
                "marketEndTime": now, "shareAmount": qty.to_string(), "settleAsset": QUOTE,
                "settleAmount": gross.to_string(), "settleFeeAmount": fee.to_string(), "entryPrice": entry.to_string(),
                "settlePrice": price.to_string(), "realizedPnl": (gross - qty * entry).round_dp(8).to_string(),
                "status": "settled" }),
        ));
    }
}

fn counterparties(set: &[Outcome]) -> Vec<Value> {
    set.iter().map(|o| json!({ "symbol": o.symbol, "price": o.last.to_string() })).collect()
}
