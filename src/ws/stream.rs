//! What a subscriber receives: typed events, decode errors with the raw text, lag reports
//! and the reason a stream ended.

use futures_util::Stream;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// An error item of an event stream. The stream continues after every kind but `Ended`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsError {
    /// A message that did not decode into the typed event; `raw` is the message as sent.
    Decode { raw: String, error: String },
    /// The subscriber fell behind and this many messages were dropped for it.
    Lagged(u64),
    /// The connection dropped; the client is reconnecting and will resubscribe.
    Reconnecting(String),
    /// The stream is over, and why.
    Ended(String),
}

impl std::fmt::Display for WsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WsError::Decode { raw, error } => {
                let excerpt: String = raw.chars().take(120).collect();
                write!(f, "cannot decode a stream message ({error}): {excerpt}")
            }
            WsError::Lagged(n) => write!(f, "fell behind: {n} messages were dropped"),
            WsError::Reconnecting(why) => write!(f, "connection lost ({why}); reconnecting"),
            WsError::Ended(why) => write!(f, "stream ended: {why}"),
        }
    }
}

impl std::error::Error for WsError {}

pub(crate) type Item = Result<Arc<str>, WsError>;

/// One subscriber's mailbox.
pub(crate) struct Route {
    tx: mpsc::Sender<Item>,
    missed: AtomicU64,
}

impl Route {
    pub(crate) fn new(buffer: usize) -> (Arc<Route>, mpsc::Receiver<Item>) {
        let (tx, rx) = mpsc::channel(buffer.max(1));
        (Arc::new(Route { tx, missed: AtomicU64::new(0) }), rx)
    }

    /// Never blocks the connection: a full mailbox counts the message as missed, and the
    /// count is reported before the next message that fits.
    pub(crate) fn deliver(&self, item: Item) {
        let missed = self.missed.load(Ordering::Relaxed);
        if missed > 0 {
            if self.tx.try_send(Err(WsError::Lagged(missed))).is_err() {
                self.missed.fetch_add(1, Ordering::Relaxed);
                return;
            }
            self.missed.store(0, Ordering::Relaxed);
        }
        if self.tx.try_send(item).is_err() {
            self.missed.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

/// The events of one subscription, as a `futures::Stream`.
pub struct EventStream<T> {
    rx: mpsc::Receiver<Item>,
    decode: fn(&str) -> Result<T, String>,
    ended: bool,
    _t: PhantomData<fn() -> T>,
}

fn decode_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

fn keep_text(text: &str) -> Result<String, String> {
    Ok(text.to_string())
}

impl<T: serde::de::DeserializeOwned> EventStream<T> {
    pub(crate) fn typed(rx: mpsc::Receiver<Item>) -> Self {
        EventStream { rx, decode: decode_json::<T>, ended: false, _t: PhantomData }
    }
}

impl EventStream<String> {
    pub(crate) fn raw(rx: mpsc::Receiver<Item>) -> Self {
        EventStream { rx, decode: keep_text, ended: false, _t: PhantomData }
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T, WsError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.ended {
            return Poll::Ready(None);
        }
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(Ok(text))) => {
                let decode = self.decode;
                Poll::Ready(Some(decode(&text).map_err(|error| WsError::Decode { raw: text.to_string(), error })))
            }
            Poll::Ready(Some(Err(e))) => {
                if matches!(e, WsError::Ended(_)) {
                    self.ended = true;
                }
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                self.ended = true;
                Poll::Ready(Some(Err(WsError::Ended("the connection manager is gone".into()))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Unpin for EventStream<T> {}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").field("ended", &self.ended).finish()
    }
}
