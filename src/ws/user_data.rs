//! The user data stream: a listen key created, renewed on a timer and replaced when it
//! expires, and the `/ws/<listenKey>` connection that carries the account's events.

use super::stream::{EventStream, Route, WsError};
use super::Shared;
use crate::streams::UserDataEvent;
use futures_util::{SinkExt, StreamExt};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::time::{interval_at, sleep, Instant};
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(shared: &Shared, key: &str) -> Result<Socket, String> {
    let url = format!("{}/ws/{key}", shared.url);
    tokio_tungstenite::connect_async(url).await.map(|(s, _)| s).map_err(|e| e.to_string())
}

/// Returns once the stream is connected, so no event after the call can be missed.
pub(crate) async fn start(shared: Arc<Shared>, rest: crate::Client) -> crate::Result<EventStream<UserDataEvent>> {
    let key = rest.new_listen_key().await?.listen_key;
    let socket = connect(&shared, &key).await.map_err(crate::Error::WebSocket)?;
    let (route, rx) = Route::new(shared.config.buffer);
    tokio::spawn(run(shared, rest, key, route, Some(socket)));
    Ok(EventStream::typed(rx))
}

async fn new_key(rest: &crate::Client, route: &Route) -> Option<String> {
    match rest.new_listen_key().await {
        Ok(k) => Some(k.listen_key),
        Err(e) => {
            route.deliver(Err(WsError::Reconnecting(format!("cannot get a listen key: {e}"))));
            None
        }
    }
}

async fn run(shared: Arc<Shared>, rest: crate::Client, mut key: String, route: Arc<Route>, mut first: Option<Socket>) {
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
                    if let Err(e) = rest.renew_listen_key().listen_key(key.clone()).await {
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
