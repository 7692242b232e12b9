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
}
