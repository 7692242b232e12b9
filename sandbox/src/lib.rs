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

mod announcements;
pub mod config;
mod controls;
pub mod engine;
mod error;
mod faults;
mod params;
mod rate_limits;
pub mod routes;
mod server;
mod spot;
mod state;
mod sync;
pub mod wallet;
mod ws;

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

    /// `ws://127.0.0.1:PORT`: raw streams at `/ws/<name>`, combined at `/stream?streams=..`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// `ws://127.0.0.1:PORT/spot`: the spot stream host (raw streams at `/spot/ws/<name>`,
    /// combined at `/spot/stream?streams=..`, spot listen keys at `/spot/ws/<key>`).
    pub fn spot_ws_url(&self) -> String {
        format!("ws://{}/spot", self.addr)
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
