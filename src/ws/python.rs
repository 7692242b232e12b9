//! The Python connector's `WebsocketClient` surface: one method per stream family taking
//! an `id` and a callback that receives each message's JSON text.

use super::{Subscription, WsClient, DEFAULT_STREAM_URL};
use crate::{DepthLevels, DepthSpeed, KlineInterval, MarkPriceSpeed};
use futures_util::StreamExt;
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;

/// Receives each message of a subscription as JSON text.
pub type Callback = Arc<dyn Fn(String) + Send + Sync>;

/// Stream subscriptions in the Python connector's style. For typed events use
/// [`WsClient::subscribe`].
pub struct WebsocketClient {
    ws: WsClient,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl WebsocketClient {
    /// `stream_url` defaults to the exchange's `wss://fstream.asterdex.com`.
    pub fn new(stream_url: Option<&str>) -> Self {
        WebsocketClient { ws: WsClient::new(stream_url.unwrap_or(DEFAULT_STREAM_URL)), tasks: Mutex::new(Vec::new()) }
    }

    /// The typed client underneath.
    pub fn client(&self) -> &WsClient {
        &self.ws
    }

    /// Connections open on the first subscription; kept for the Python surface.
    pub fn start(&self) {}

    /// Closes every connection and ends every callback task.
    pub async fn stop(&self) {
        self.ws.stop().await;
        let tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|e| e.into_inner()));
        for t in tasks {
            let _ = t.await;
        }
    }

    async fn live(&self, name: String, id: u64, callback: Callback) -> crate::Result<()> {
        let rx = self.ws.subscribe_name(name, Some(id)).await?;
        let mut stream = super::EventStream::raw(rx);
        let task = tokio::spawn(async move {
            while let Some(item) = stream.next().await {
                match item {
                    Ok(text) => callback(text),
                    Err(super::WsError::Decode { raw, .. }) => callback(raw),
                    Err(super::WsError::Ended(_)) => break,
                    Err(e) => tracing::warn!(target: "aster::ws", error = %e, "stream error"),
                }
            }
        });
        self.tasks.lock().unwrap_or_else(|e| e.into_inner()).push(task);
        Ok(())
    }

    async fn typed<T>(&self, sub: Subscription<T>, id: u64, callback: Callback) -> crate::Result<()> {
        self.live(sub.name().to_string(), id, callback).await
    }

    /// Aggregate trades of `symbol` (`<symbol>@aggTrade`).
    pub async fn agg_trade(&self, symbol: &str, id: u64, callback: Callback) -> crate::Result<()> {
        self.typed(crate::streams::agg_trade(symbol), id, callback).await
    }

    /// `speed` 1 for every second, otherwise every 3 seconds.
    pub async fn mark_price(&self, symbol: &str, id: u64, callback: Callback, speed: Option<u32>) -> crate::Result<()> {
        let speed = if speed == Some(1) { MarkPriceSpeed::Every1s } else { MarkPriceSpeed::Every3s };
        self.typed(crate::streams::mark_price(symbol, speed), id, callback).await
    }

    /// Klines of `symbol` at `interval` (`<symbol>@kline_<interval>`).
    pub async fn kline(&self, symbol: &str, id: u64, interval: KlineInterval, callback: Callback) -> crate::Result<()> {
        self.typed(crate::streams::kline(symbol, interval), id, callback).await
    }

    /// All symbols when `symbol` is `None`.
    pub async fn mini_ticker(&self, id: u64, callback: Callback, symbol: Option<&str>) -> crate::Result<()> {
        match symbol {
            Some(s) => self.typed(crate::streams::mini_ticker(s), id, callback).await,
            None => self.typed(crate::streams::all_mini_ticker(), id, callback).await,
        }
    }

    /// 24-hour rolling statistics of `symbol`, or of every symbol when `None`.
    pub async fn ticker(&self, id: u64, callback: Callback, symbol: Option<&str>) -> crate::Result<()> {
        match symbol {
            Some(s) => self.typed(crate::streams::ticker(s), id, callback).await,
            None => self.typed(crate::streams::all_ticker(), id, callback).await,
        }
    }

    /// Best bid and ask of `symbol`, or of every symbol when `None`.
    pub async fn book_ticker(&self, id: u64, callback: Callback, symbol: Option<&str>) -> crate::Result<()> {
        match symbol {
            Some(s) => self.typed(crate::streams::book_ticker(s), id, callback).await,
            None => self.typed(crate::streams::all_book_ticker(), id, callback).await,
        }
    }

    /// Liquidation orders of `symbol`, or of every symbol when `None`.
    pub async fn liquidation_order(&self, id: u64, callback: Callback, symbol: Option<&str>) -> crate::Result<()> {
        match symbol {
            Some(s) => self.typed(crate::streams::liquidation_order(s), id, callback).await,
            None => self.typed(crate::streams::all_liquidation_order(), id, callback).await,
        }
    }

    /// The top `level` bids and asks of `symbol`, every `speed`.
    pub async fn partial_book_depth(
        &self,
        symbol: &str,
        id: u64,
        level: DepthLevels,
        speed: DepthSpeed,
        callback: Callback,
    ) -> crate::Result<()> {
        self.typed(crate::streams::partial_book_depth(symbol, level, speed), id, callback).await
    }

    /// Order book changes of `symbol`, every `speed`.
    pub async fn diff_book_depth(
        &self,
        symbol: &str,
        id: u64,
        speed: DepthSpeed,
        callback: Callback,
    ) -> crate::Result<()> {
        self.typed(crate::streams::diff_book_depth(symbol, speed), id, callback).await
    }

    /// The user data stream of a listen key the caller keeps alive; see
    /// [`WsClient::user_data`] for one that manages its key.
    pub async fn user_data(&self, listen_key: &str, id: u64, callback: Callback) -> crate::Result<()> {
        let _ = id;
        let opened = self.ws.shared().open(&format!("/ws/{listen_key}")).await;
        let mut socket = opened.map_err(|e| crate::Error::WebSocket(e.message))?;
        let task = tokio::spawn(async move {
            use futures_util::SinkExt;
            use tokio_tungstenite::tungstenite::Message;
            while let Some(Ok(msg)) = socket.next().await {
                match msg {
                    Message::Text(t) => callback(t.to_string()),
                    Message::Ping(p) => {
                        let _ = socket.send(Message::Pong(p)).await;
                    }
                    Message::Close(_) => break,
                    _ => {}
                }
            }
        });
        self.tasks.lock().unwrap_or_else(|e| e.into_inner()).push(task);
        Ok(())
    }

    /// Several streams by name at once, each message to `callback`.
    pub async fn instant_subscribe(&self, streams: &[&str], callback: Callback) -> crate::Result<()> {
        for s in streams {
            let id = self.ws.shared().next_id();
            self.live(s.to_string(), id, callback.clone()).await?;
        }
        Ok(())
    }
}
