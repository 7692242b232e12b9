//! aster-sandbox: a local Aster futures exchange on 127.0.0.1 for tests, examples and
//! offline bot development. It serves the documented REST API over real HTTP, verifies
//! API keys, HMAC signatures and timestamps, enforces rate limits, matches orders with
//! price-time priority and keeps balances and positions.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = aster_sandbox::Sandbox::start(Default::default()).await?;
//! println!("REST at {}, key {}", sandbox.base_url(), sandbox.api_key());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

pub mod announcements;
pub mod config;
pub mod engine;
pub mod error;
pub mod faults;
pub mod params;
pub mod routes;
pub mod routes_v3;
pub mod server;
pub mod spot;
mod state;
mod sync;
pub mod wallet;
pub mod ws;

pub use config::{
    AccountConfig, Network, SandboxConfig, SymbolConfig, WalletAccount, DEMO_API_KEY, DEMO_SECRET, DEMO_SIGNER,
    DEMO_SIGNER_KEY, DEMO_USER,
};
pub use engine::Exchange;
pub use faults::Fault;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, RawQuery};
use axum::response::IntoResponse;
use state::{lock, now_ms, Shared};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    config: SandboxConfig,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds 127.0.0.1 on the configured port (0 picks a free one) and starts serving.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(Exchange::new(config.clone(), now_ms())));
        let app = {
            let rest = shared.clone();
            let mut router = axum::Router::new();
            // Futures streams at the root, spot streams under `/spot` (its own host live).
            for (base, spot) in [("", false), ("/spot", true)] {
                let (raw, combined) = (shared.clone(), shared.clone());
                router = router
                    .route(
                        &format!("{base}/ws/{{*name}}"),
                        axum::routing::get(move |Path(name): Path<String>, upgrade: WebSocketUpgrade| async move {
                            if let Some(status) = ws::refused_handshake(&raw) {
                                return (status, "refused").into_response();
                            }
                            match ws::resolve_raw(&raw, &name, spot) {
                                Some(target) => upgrade
                                    .read_buffer_size(ws::READ_BUFFER_BYTES)
                                    .on_upgrade(move |socket| ws::serve(raw, socket, target)),
                                None => (axum::http::StatusCode::BAD_REQUEST, "unknown stream or listen key")
                                    .into_response(),
                            }
                        }),
                    )
                    .route(
                        &format!("{base}/stream"),
                        axum::routing::get(move |RawQuery(query): RawQuery, upgrade: WebSocketUpgrade| async move {
                            if let Some(status) = ws::refused_handshake(&combined) {
                                return (status, "refused").into_response();
                            }
                            match ws::resolve_combined(&combined, query.as_deref().unwrap_or(""), spot) {
                                Some(target) => upgrade
                                    .read_buffer_size(ws::READ_BUFFER_BYTES)
                                    .on_upgrade(move |socket| ws::serve(combined, socket, target)),
                                None => {
                                    (axum::http::StatusCode::BAD_REQUEST, "unknown stream in streams=").into_response()
                                }
                            }
                        }),
                    );
            }
            router.fallback(move |method, uri, headers, body| {
                // In its own task: like a real exchange, a request that arrived is executed
                // even when the client hangs up before the reply.
                let task = tokio::spawn(server::handle(rest.clone(), method, uri, headers, body));
                async move { task.await.unwrap_or_else(|_| server::internal_error()) }
            })
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let sweeper_state = shared.clone();
        let publisher_state = shared.clone();
        let task = tokio::spawn(async move {
            // Countdown cancel-all fires even when no request arrives.
            let sweeper = async move {
                let mut tick = tokio::time::interval(Duration::from_millis(10));
                loop {
                    tick.tick().await;
                    let mut ex = lock(&sweeper_state.exchange);
                    ex.sweep(now_ms());
                    ws::flush_user_events(&sweeper_state, &mut ex);
                }
            };
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            tokio::select! {
                _ = serve => {}
                _ = sweeper => {}
                _ = ws::publisher(publisher_state) => {}
            }
        });
        Ok(Sandbox { addr, shared, config, stop: Some(stop), task: Some(task) })
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// API key of the first configured account.
    pub fn api_key(&self) -> &str {
        self.config.accounts.first().map(|a| a.api_key.as_str()).unwrap_or("")
    }

    /// Secret of the first configured account.
    pub fn secret(&self) -> &str {
        self.config.accounts.first().map(|a| a.secret.as_str()).unwrap_or("")
    }

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

    /// Adds an account while running; returns its (key, secret).
    pub fn add_account(&self, account: AccountConfig) -> (String, String) {
        lock(&self.shared.exchange).add_account(&account);
        (account.api_key, account.secret)
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

    /// `ws://127.0.0.1:PORT`: raw streams at `/ws/<name>`, combined at `/stream?streams=..`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// `ws://127.0.0.1:PORT/spot`: the spot stream host (raw streams at `/spot/ws/<name>`,
    /// combined at `/spot/stream?streams=..`, spot listen keys at `/spot/ws/<key>`).
    pub fn spot_ws_url(&self) -> String {
        format!("ws://{}/spot", self.addr)
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

    /// Drops every open WebSocket connection at once, as a network failure would.
    pub fn drop_ws_connections(&self) {
        self.shared.ws.generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Cuts WebSocket connections at this age (the exchange does at 24 hours); applies to
    /// connections opened from now on.
    pub fn set_ws_max_age(&self, age: Duration) {
        lock(&self.shared.ws.config).max_age = age;
    }

    /// How often connections get a ping frame; for connections opened from now on.
    pub fn set_ws_ping_interval(&self, every: Duration) {
        lock(&self.shared.ws.config).ping_interval = every;
    }

    /// Holds back every WebSocket message for `duration`, as a stalled network would.
    pub fn stall_ws(&self, duration: Duration) {
        lock(&self.shared.ws.config).stall_until = now_ms() + duration.as_millis() as i64;
    }

    /// Sends `count` messages of about `bytes` bytes each on the first stream of every open
    /// market connection, as a burst of huge payloads would.
    pub fn flood_ws(&self, count: usize, bytes: usize) {
        let mut c = lock(&self.shared.ws.config);
        c.flood_count = count;
        c.flood_bytes = bytes;
        c.flood += 1;
    }

    /// Sends one binary frame on every open connection.
    pub fn send_binary_ws_frame(&self) {
        lock(&self.shared.ws.config).binary += 1;
    }

    /// Accepts WebSocket handshakes and closes them at once (on) or serves them (off).
    pub fn set_ws_close_on_open(&self, on: bool) {
        lock(&self.shared.ws.config).close_on_open = on;
    }

    /// Leaves control requests unanswered (on) or answers them (off).
    pub fn set_ws_ignore_control(&self, on: bool) {
        lock(&self.shared.ws.config).ignore_control = on;
    }

    /// Answers every control request of `method` (`SUBSCRIBE`, `LIST_SUBSCRIPTIONS`, …) with
    /// `reply`, `{id}` standing for the request's id, and changes nothing; `None` answers
    /// them as the docs say again. For refusals in every shape (flat, nested `error`, no
    /// id) and replies that are no success (`{"id":{id}}`, `{"result":null,…}` to a list).
    pub fn answer_ws_control(&self, method: &str, reply: Option<&str>) {
        let mut c = lock(&self.shared.ws.config);
        c.control_replies.retain(|(m, _)| m != method);
        if let Some(reply) = reply {
            c.control_replies.push((method.to_string(), reply.to_string()));
        }
    }

    /// Refuses every WebSocket handshake with this HTTP status (`None`: serves them again),
    /// as the exchange does a misspelt stream name or a gateway a banned client.
    pub fn refuse_ws_handshakes(&self, status: Option<u16>) {
        lock(&self.shared.ws.config).refuse_handshakes = status;
    }

    /// Makes every connection a dead peer that neither reads nor writes nor closes (on),
    /// or lets them live again (off).
    pub fn set_ws_half_open(&self, on: bool) {
        lock(&self.shared.ws.config).half_open = on;
    }

    /// WebSocket connections accepted so far.
    pub fn ws_connections_opened(&self) -> u64 {
        self.shared.ws.next_connection.load(std::sync::atomic::Ordering::Relaxed) - 1
    }

    /// Sends one frame that is not JSON on every open connection.
    pub fn send_malformed_ws_frame(&self) {
        lock(&self.shared.ws.config).malformed += 1;
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

    /// Accepts a handshake on an expired listen key and says `listenKeyExpired` on it (on),
    /// or refuses it with 400 (off, the default).
    pub fn set_ws_accept_dead_keys(&self, on: bool) {
        lock(&self.shared.ws.config).accept_dead_keys = on;
    }

    /// What a V3 order carried beyond its own terms (`builder`, `feeRate`), as sent.
    pub fn order_extras(&self, order_id: i64) -> Vec<(String, String)> {
        lock(&self.shared.exchange).order_extras.get(&order_id).cloned().unwrap_or_default()
    }

    /// Blast mode: publishes `count` copies of `payload` on stream `name` as fast as the
    /// subscribed connections take them, for throughput benchmarks.
    pub async fn blast(&self, name: &str, payload: &str, count: usize) {
        let tx = &self.shared.ws.market;
        let (name, text): (std::sync::Arc<str>, std::sync::Arc<str>) = (name.into(), payload.into());
        for _ in 0..count {
            // Back-pressure: never run so far ahead that a connection would lag out.
            while tx.len() > 16_384 {
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
            let _ = tx.send((name.clone(), text.clone()));
        }
    }

    /// How many connections hold each stream now.
    pub fn ws_subscribers(&self) -> std::collections::BTreeMap<String, usize> {
        self.shared.ws.subscribers()
    }

    /// Every control message received: (connection id, time in ms).
    pub fn ws_control_log(&self) -> Vec<(u64, i64)> {
        lock(&self.shared.ws.control_log).clone()
    }

    /// Makes the next `times` requests (to `path`, or to any path) fail with `fault`.
    pub fn inject(&self, path: Option<&str>, fault: Fault, times: u32) {
        lock(&self.shared.faults).push(path.map(str::to_string), fault, times);
    }

    /// Adds `latency` to every reply until changed.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.shared.faults).latency = latency;
    }

    /// Removes every planned fault and the added latency.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The latest requests (up to 1024), as (method, path), oldest first.
    pub fn requests(&self) -> Vec<(String, String)> {
        lock(&self.shared.request_log).iter().cloned().collect()
    }

    /// How many requests have arrived since start.
    pub fn request_count(&self) -> u64 {
        self.shared.request_count.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Stops serving and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
