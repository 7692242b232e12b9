//! Arranging the market: prices, time, announcements, the exchange state itself.

use super::*;

/// What the market does next.
impl Sandbox {
    /// Publishes an announcement: to every account when `to` is `None` (category
    /// NEW_LISTING), else to that account alone (category DIRECT), which can then also read
    /// it over REST. Pushed on the user data streams at once. Returns its id.
    pub fn announce(&self, title: &str, content: &str, to: Option<engine::AccountId>) -> i64 {
        let mut ex = lock(&self.shared.exchange);
        let id = 1000 + ex.announcements.len() as i64 + 1;
        let a = announcements::Announcement {
            id,
            category: if to.is_some() { "DIRECT" } else { "NEW_LISTING" }.into(),
            title: title.into(),
            subtitle: String::new(),
            content: content.into(),
            link: format!("{}/announcement/{id}", self.base_url()),
            time: now_ms(),
            to,
        };
        let text: Arc<str> = Arc::from(a.event_json().to_string());
        let targets: Vec<engine::AccountId> = match to {
            Some(acct) => vec![acct],
            None => (1..ex.accounts.len()).filter(|&i| !ex.accounts[i].house).collect(),
        };
        for acct in targets {
            let _ = self.shared.ws.user.send((acct, text.clone()));
        }
        ex.announcements.push(a);
        id
    }

    /// Runs `f` on the exchange state, to inspect or arrange it.
    pub fn with_exchange<R>(&self, f: impl FnOnce(&mut Exchange) -> R) -> R {
        f(&mut lock(&self.shared.exchange))
    }

    /// Moves the seeded price process `steps` steps: the market maker re-quotes and
    /// conditional orders may trigger.
    pub fn advance(&self, steps: u32) {
        let mut ex = lock(&self.shared.exchange);
        let now = now_ms();
        ex.advance(steps, now);
        ex.run_strategies(now);
        ws::flush_user_events(&self.shared, &mut ex);
    }

    /// Moves a spot pair's last price at once (house quotes follow) and fires the
    /// conditional orders it reaches.
    pub fn set_spot_price(&self, symbol: &str, price: rust_decimal::Decimal) {
        let mut ex = lock(&self.shared.exchange);
        if let Ok(pi) = ex.spot.pair_index(symbol) {
            ex.spot.set_price(pi, price, now_ms());
        }
        ws::flush_user_events(&self.shared, &mut ex);
    }

    /// Moves a symbol's (mark) price at once, as a fast market would: requotes the book,
    /// fires triggered orders and liquidates positions past their liquidation price.
    pub fn set_price(&self, symbol: &str, price: rust_decimal::Decimal) {
        let mut ex = lock(&self.shared.exchange);
        let Ok(sym) = ex.symbol_index(symbol) else { return };
        let now = now_ms();
        ex.set_price(sym, price, now);
        ex.run_strategies(now);
        ws::flush_user_events(&self.shared, &mut ex);
    }

    /// Moves an outcome token pair's last price at once (house quotes follow).
    pub fn set_prediction_price(&self, symbol: &str, price: rust_decimal::Decimal) {
        let mut ex = lock(&self.shared.exchange);
        if let Ok(pi) = ex.prediction.market.pair_index(symbol) {
            ex.prediction.market.set_price(pi, price, now_ms());
        }
        ws::flush_user_events(&self.shared, &mut ex);
    }

    /// Opens the live round of an up/down prediction event: its opening price is the
    /// oracle pair's spot price now, announced as `market_start` on `<event>@event`.
    pub fn open_prediction_round(&self, event_id: &str) -> bool {
        let mut ex = lock(&self.shared.exchange);
        let Ok(e) = ex.prediction.event(event_id) else { return false };
        let Some(oracle) = ex.prediction.events[e].oracle.clone() else { return false };
        let price = ex.spot.pair_index(&oracle).map(|pi| ex.spot.pairs[pi].last_price).unwrap_or_default();
        let Some(m) = ex.prediction.events[e].markets.iter().position(|m| !m.settled()) else { return false };
        let mk = &mut ex.prediction.events[e].markets[m];
        mk.open_price = Some(price);
        let start = serde_json::json!({ "e": "market_start", "m": mk.name, "y": mk.yes_symbol(), "n": mk.no_symbol(),
            "p": price.to_string(), "t": now_ms() });
        ex.prediction.round_events.push((event_id.to_string(), start));
        true
    }

    /// Settles a prediction market: YES wins or NO does. An up/down round ends at its
    /// oracle's spot price now and announces the winner on `<event>@event`. `false` when
    /// there is no such market or it has settled already.
    pub fn settle_prediction(&self, market: &str, yes_won: bool) -> bool {
        let mut ex = lock(&self.shared.exchange);
        let now = now_ms();
        let oracle = ex
            .prediction
            .market_of(&format!("{market}_Y"))
            .ok()
            .and_then(|(e, _, _)| ex.prediction.events[e].oracle.clone());
        let end_price = oracle.and_then(|o| ex.spot.pair_index(&o).ok()).map(|pi| ex.spot.pairs[pi].last_price);
        let tran_id = ex.new_tran_id();
        let settled = ex.prediction.settle(market, yes_won, end_price, tran_id, now);
        ws::flush_user_events(&self.shared, &mut ex);
        settled
    }
}
