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
mod chain;
pub mod config;
mod controls;
pub mod engine;
mod error;
mod faults;
mod params;
mod prediction;
mod rate_limits;
pub mod routes;
mod rpc;
mod server;
mod spot;
mod state;
mod sync;
pub mod wallet;
mod withdrawals;
mod ws;

pub use config::{
    AccountConfig, Network, SandboxConfig, SymbolConfig, WalletAccount, DEMO_API_KEY, DEMO_SECRET, DEMO_SIGNER,
    DEMO_SIGNER_KEY, DEMO_USER,
};
pub use engine::{Exchange, Venue};
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
    prediction_addr: SocketAddr,
    shared: Arc<Shared>,
    config: SandboxConfig,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds 127.0.0.1 on the configured port (0 picks a free one) and starts serving.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        // The prediction market has a host of its own; here a second port.
        let prediction_listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let prediction_addr = prediction_listener.local_addr()?;
        let shared = Arc::new(Shared::new(Exchange::new(config.clone(), now_ms())));
        // Futures streams at the root, spot streams under `/spot` (its own host live).
        let mut main = axum::Router::new();
        for (base, market) in [("", None), ("/spot", Some(Venue::Spot))] {
            main = stream_routes(main, base, &shared, market);
        }
        let main = main.fallback(rest_handler(shared.clone(), Venue::Spot));
        let prediction = stream_routes(axum::Router::new(), "", &shared, Some(Venue::Prediction))
            .fallback(rest_handler(shared.clone(), Venue::Prediction));
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
            let (stopped_tx, stopped_rx) = tokio::sync::watch::channel(false);
            let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
                let _ = rx.wait_for(|s| *s).await;
            };
            let serve = axum::serve(listener, main).with_graceful_shutdown(until_stopped(stopped_rx.clone()));
            let serve_prediction =
                axum::serve(prediction_listener, prediction).with_graceful_shutdown(until_stopped(stopped_rx));
            let stop_both = async move {
                let _ = stopped.await;
                let _ = stopped_tx.send(true);
                std::future::pending::<()>().await
            };
            tokio::select! {
                _ = serve => {}
                _ = serve_prediction => {}
                _ = stop_both => {}
                _ = sweeper => {}
                _ = ws::publisher(publisher_state) => {}
            }
        });
        Ok(Sandbox { addr, prediction_addr, shared, config, stop: Some(stop), task: Some(task) })
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

    /// `http://127.0.0.1:PORT` of the prediction market's host (a port of its own, as the
    /// live market has a host of its own).
    pub fn prediction_url(&self) -> String {
        format!("http://{}", self.prediction_addr)
    }

    /// `ws://127.0.0.1:PORT` of the prediction market's streams (raw at `/ws/<name>`,
    /// combined at `/stream?streams=..`, listen keys at `/ws/<key>`).
    pub fn prediction_ws_url(&self) -> String {
        format!("ws://{}", self.prediction_addr)
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

/// The REST handler of a host: every request in its own task, since, like a real
/// exchange, a request that arrived is executed even when the client hangs up before the
/// reply.
fn rest_handler(
    shared: Arc<Shared>,
    venue: Venue,
) -> impl Fn(
    axum::http::Method,
    axum::http::Uri,
    axum::http::HeaderMap,
    axum::body::Body,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = axum::response::Response> + Send>>
       + Clone
       + Send
       + Sync
       + 'static {
    move |method, uri, headers, body| {
        let task = tokio::spawn(server::handle(shared.clone(), venue, method, uri, headers, body));
        Box::pin(async move { task.await.unwrap_or_else(|_| server::internal_error()) })
    }
}

/// A host's stream endpoints under `base`: raw streams and listen keys at `/ws/<name>`,
/// combined streams at `/stream`. `market` is the host's spot engine (`None`: futures).
fn stream_routes(router: axum::Router, base: &str, shared: &Arc<Shared>, market: Option<Venue>) -> axum::Router {
    let (raw, combined) = (shared.clone(), shared.clone());
    router
        .route(
            &format!("{base}/ws/{{*name}}"),
            axum::routing::get(move |Path(name): Path<String>, upgrade: WebSocketUpgrade| async move {
                if let Some(status) = ws::refused_handshake(&raw) {
                    return (status, "refused").into_response();
                }
                match ws::resolve_raw(&raw, &name, market) {
                    Some(target) => upgrade
                        .read_buffer_size(ws::READ_BUFFER_BYTES)
                        .on_upgrade(move |socket| ws::serve(raw, socket, target)),
                    None => (axum::http::StatusCode::BAD_REQUEST, "unknown stream or listen key").into_response(),
                }
            }),
        )
        .route(
            &format!("{base}/stream"),
            axum::routing::get(move |RawQuery(query): RawQuery, upgrade: WebSocketUpgrade| async move {
                if let Some(status) = ws::refused_handshake(&combined) {
                    return (status, "refused").into_response();
                }
                match ws::resolve_combined(&combined, query.as_deref().unwrap_or(""), market) {
                    Some(target) => upgrade
                        .read_buffer_size(ws::READ_BUFFER_BYTES)
                        .on_upgrade(move |socket| ws::serve(combined, socket, target)),
                    None => (axum::http::StatusCode::BAD_REQUEST, "unknown stream in streams=").into_response(),
                }
            }),
        )
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
