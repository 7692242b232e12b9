//! Accounts and their keys: credentials, new accounts, listen key expiry, what orders carried.

use super::*;

/// The accounts a test trades with.
impl Sandbox {
    /// API key of the first configured account.
    pub fn api_key(&self) -> &str {
        self.config.accounts.first().map(|a| a.api_key.as_str()).unwrap_or("")
    }

    /// Secret of the first configured account.
    pub fn secret(&self) -> &str {
        self.config.accounts.first().map(|a| a.secret.as_str()).unwrap_or("")
    }

    /// Adds an account while running; returns its (key, secret).
    pub fn add_account(&self, account: AccountConfig) -> (String, String) {
        lock(&self.shared.exchange).add_account(&account);
        (account.api_key, account.secret)
    }

    /// Expires every listen key now: user streams get `listenKeyExpired` and go quiet.
    pub fn expire_listen_keys(&self) {
        for a in &mut lock(&self.shared.exchange).accounts {
            if let Some(k) = a.listen_key.as_mut() {
                k.expires_at = 0;
            }
        }
    }

    /// Expires every listen key without telling the connections open now: they just go
    /// quiet, and only a connection opened later on the dead key learns it. With
    /// [`Sandbox::set_ws_accept_dead_keys`], that is a replacement socket during a rollover.
    pub fn expire_listen_keys_quietly(&self) {
        let next = self.shared.ws.next_connection.load(std::sync::atomic::Ordering::Relaxed);
        lock(&self.shared.ws.config).quiet_below = next;
        self.expire_listen_keys();
    }

    /// What a V3 order carried beyond its own terms (`builder`, `feeRate`), as sent.
    pub fn order_extras(&self, order_id: i64) -> Vec<(String, String)> {
        lock(&self.shared.exchange).futures.order_extras.get(&order_id).cloned().unwrap_or_default()
    }
}
