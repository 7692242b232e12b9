//! The user data stream: a listen key created, renewed on a timer and replaced when it
//! expires, and the `/ws/<listenKey>` connection that carries the account's events.

use super::stream::{EventStream, Route, WsError};
use super::Shared;
use futures_util::{SinkExt, StreamExt};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::time::{interval_at, sleep, Instant};
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(shared: &Shared, key: &str) -> Result<Socket, String> {
    let url = format!("{}/ws/{key}", shared.url);
    tokio_tungstenite::connect_async(url).await.map(|(s, _)| s).map_err(|e| e.to_string())
}

type KeyFuture<'a, T> = Pin<Box<dyn Future<Output = crate::Result<T>> + Send + 'a>>;

/// Creates and renews the listen keys of a user data stream: the V1 client with its API
/// key, the V3 client with its API wallet's signature.
pub trait ListenKeys: Clone + Send + Sync + 'static {
    /// The account's listen key, new or extended.
    fn create_key(&self) -> KeyFuture<'_, String>;
    /// Extends `key` for another 60 minutes.
    fn renew_key<'a>(&'a self, key: &'a str) -> KeyFuture<'a, ()>;
}

impl ListenKeys for crate::Client {
    fn create_key(&self) -> KeyFuture<'_, String> {
        Box::pin(async move { Ok(self.new_listen_key().await?.listen_key) })
    }

    fn renew_key<'a>(&'a self, key: &'a str) -> KeyFuture<'a, ()> {
        Box::pin(async move { self.renew_listen_key().listen_key(key).await.map(|_| ()) })
    }
}

impl ListenKeys for crate::v3::Client {
    fn create_key(&self) -> KeyFuture<'_, String> {
        Box::pin(async move { Ok(self.new_listen_key().await?.listen_key) })
    }

    fn renew_key<'a>(&'a self, key: &'a str) -> KeyFuture<'a, ()> {
        Box::pin(async move { self.renew_listen_key().listen_key(key).await.map(|_| ()) })
    }
}

/// Returns once the stream is connected, so no event after the call can be missed.
pub(crate) async fn start<K: ListenKeys, T: DeserializeOwned>(
    shared: Arc<Shared>,
    rest: K,
) -> crate::Result<EventStream<T>> {
    let key = rest.create_key().await?;
    let socket = connect(&shared, &key).await.map_err(crate::Error::WebSocket)?;
    let (route, rx) = Route::new(shared.config.buffer);
    tokio::spawn(run(shared, rest, key, route, Some(socket)));
    Ok(EventStream::typed(rx))
}

async fn new_key<K: ListenKeys>(rest: &K, route: &Route) -> Option<String> {
    match rest.create_key().await {
        Ok(k) => Some(k),
        Err(e) => {
            route.deliver(Err(WsError::Reconnecting(format!("cannot get a listen key: {e}"))));
            None
        }
    }
}

async fn run<K: ListenKeys>(
    shared: Arc<Shared>,
    rest: K,
    mut key: String,
    route: Arc<Route>,
    mut first: Option<Socket>,
) {
    let config = shared.config.clone();
    let mut backoff = config.initial_backoff;
    loop {
        if shared.stopped.load(Ordering::Relaxed) || route.is_closed() {
            return;
        }
        let connected = match first.take() {
            Some(s) => Ok(s),
            None => connect(&shared, &key).await,
        };
        let mut socket = match connected {
            Ok(s) => s,
            Err(e) => {
                route.deliver(Err(WsError::Reconnecting(e)));
                sleep(backoff).await;
                backoff = (backoff * 2).min(config.max_backoff);
                // The key may be gone (expired or closed): get the account's current one.
                if let Some(k) = new_key(&rest, &route).await {
                    key = k;
                }
                continue;
            }
        };
        backoff = config.initial_backoff;
        let mut renew = interval_at(Instant::now() + config.listen_key_renewal, config.listen_key_renewal);
        let mut stop_check = tokio::time::interval(std::time::Duration::from_millis(100));
        let reason = loop {
            tokio::select! {
                frame = socket.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        let expired = text.as_str().contains("\"listenKeyExpired\"");
                        route.deliver(Ok(Arc::from(text.as_str())));
                        if expired {
                            break "the listen key expired".to_string();
                        }
                    }
                    Some(Ok(Message::Ping(p))) => { let _ = socket.send(Message::Pong(p)).await; }
                    Some(Ok(Message::Close(_))) | None => break "closed by the server".to_string(),
                    Some(Err(e)) => break e.to_string(),
                    Some(Ok(_)) => {}
                },
                _ = renew.tick() => {
                    if let Err(e) = rest.renew_key(&key).await {
                        break format!("keepalive failed: {e}");
                    }
                    tracing::debug!(target: "aster::ws", "listen key renewed");
                }
                _ = stop_check.tick() => {
                    if shared.stopped.load(Ordering::Relaxed) || route.is_closed() {
                        let _ = socket.close(None).await;
                        route.deliver(Err(WsError::Ended("the client was stopped".into())));
                        return;
                    }
                }
            }
        };
        let _ = socket.close(None).await;
        tracing::debug!(target: "aster::ws", %reason, "user data stream reconnecting");
        if let Some(k) = new_key(&rest, &route).await {
            key = k;
        }
    }
}
