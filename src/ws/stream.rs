//! What a subscriber receives: typed events, decode errors with the raw text, lag reports
//! and the reason a stream ended.

use futures_util::task::AtomicWaker;
use futures_util::Stream;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// An error item of an event stream. The stream continues after every kind but `Ended`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsError {
    /// A message that did not decode into the typed event; `raw` is the message as sent.
    Decode {
        /// The message as it arrived.
        raw: String,
        /// Why it did not decode.
        error: String,
    },
    /// The subscriber fell behind and this many messages were dropped for it.
    Lagged(u64),
    /// The connection dropped, or could not be made; the client is reconnecting and will
    /// resubscribe. Messages from now until `Resumed` are missed.
    Reconnecting(String),
    /// The connection is back and the stream resubscribed after a `Reconnecting`: anything
    /// sent in between was missed.
    Resumed(String),
    /// A user data stream reconnected but could not read the account over REST to
    /// reconcile the gap; reconcile by other means.
    SnapshotFailed(String),
    /// A user data stream could not extend its listen key (the stream goes on; the key
    /// expires in 60 minutes unless a later renewal succeeds).
    KeepaliveFailed(String),
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
            WsError::Resumed(how) => write!(f, "connection back ({how}); messages in the gap were missed"),
            WsError::KeepaliveFailed(why) => write!(f, "listen key keepalive failed: {why}"),
            WsError::SnapshotFailed(why) => write!(f, "cannot read the account after reconnecting: {why}"),
            WsError::Ended(why) => write!(f, "stream ended: {why}"),
        }
    }
}

impl std::error::Error for WsError {}

pub(crate) type Item = Result<Arc<str>, WsError>;

/// One subscriber's mailbox, bounded in messages and in bytes.
pub(crate) struct Route {
    tx: mpsc::Sender<Item>,
    /// Messages dropped and not yet reported; shared with the mailbox, which reports them
    /// itself once it has drained everything queued before them.
    missed: Arc<AtomicU64>,
    /// Wakes the subscriber when a drop happens while it waits on an empty mailbox.
    drop_waker: Arc<AtomicWaker>,
    /// Bytes of message text queued and not yet taken by the subscriber.
    queued: Arc<AtomicUsize>,
    max_bytes: usize,
}

/// The receiving end of a route.
pub(crate) struct Mailbox {
    rx: mpsc::Receiver<Item>,
    missed: Arc<AtomicU64>,
    drop_waker: Arc<AtomicWaker>,
    queued: Arc<AtomicUsize>,
}

impl Mailbox {
    fn taken(&self, item: &Option<Item>) {
        if let Some(Ok(text)) = item {
            self.queued.fetch_sub(text.len(), Ordering::Relaxed);
        }
    }

    /// The next item; with nothing queued, the drops not yet reported. So the last drops
    /// of a burst are told at once, not only before a next message that may never come.
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        if let Poll::Ready(item) = self.rx.poll_recv(cx) {
            self.taken(&item);
            return Poll::Ready(item);
        }
        self.drop_waker.register(cx.waker());
        match self.missed.swap(0, Ordering::AcqRel) {
            0 => Poll::Pending,
            n => Poll::Ready(Some(Err(WsError::Lagged(n)))),
        }
    }
}

impl Route {
    pub(crate) fn new(buffer: usize, max_bytes: usize) -> (Arc<Route>, Mailbox) {
        let (tx, rx) = mpsc::channel(buffer.max(1));
        let queued = Arc::new(AtomicUsize::new(0));
        let (missed, drop_waker) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicWaker::new()));
        let route =
            Route { tx, missed: missed.clone(), drop_waker: drop_waker.clone(), queued: queued.clone(), max_bytes };
        (Arc::new(route), Mailbox { rx, missed, drop_waker, queued })
    }

    /// Never blocks the connection: a full mailbox (by count or by bytes) counts the
    /// message as missed; the count is reported before the next message that fits, or by
    /// the mailbox as soon as it runs empty, whichever comes first.
    pub(crate) fn deliver(&self, item: Item) {
        let missed = self.missed.swap(0, Ordering::AcqRel);
        if missed > 0 && self.tx.try_send(Err(WsError::Lagged(missed))).is_err() {
            self.drop_one(missed);
            return;
        }
        let size = match &item {
            Ok(text) => text.len(),
            Err(_) => 0,
        };
        // A message larger than the whole budget still goes to an empty mailbox.
        let queued = self.queued.load(Ordering::Relaxed);
        if size > 0 && queued > 0 && queued + size > self.max_bytes {
            self.drop_one(0);
            return;
        }
        self.queued.fetch_add(size, Ordering::Relaxed);
        if self.tx.try_send(item).is_err() {
            self.queued.fetch_sub(size, Ordering::Relaxed);
            self.drop_one(0);
        }
    }

    /// Counts a dropped message (plus `earlier` drops taken back) and wakes a subscriber
    /// that may be waiting on an empty mailbox.
    fn drop_one(&self, earlier: u64) {
        self.missed.fetch_add(earlier + 1, Ordering::AcqRel);
        self.drop_waker.wake();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

/// The events of one subscription, as a `futures::Stream`.
pub struct EventStream<T> {
    rx: Mailbox,
    /// Tried first, where the event has a plain reader; `decode` reads whatever it gives up on.
    plain: Option<fn(&str) -> Option<T>>,
    decode: fn(&str) -> Result<T, String>,
    ended: bool,
    _t: PhantomData<fn() -> T>,
}

/// A message's event: read plainly when `plain` reads it, by `decode` otherwise.
pub(crate) fn read_event<T>(
    plain: Option<fn(&str) -> Option<T>>,
    decode: fn(&str) -> Result<T, String>,
    text: &str,
) -> Result<T, WsError> {
    if let Some(event) = plain.and_then(|read| read(text)) {
        return Ok(event);
    }
    decode(text).map_err(|error| WsError::Decode { raw: text.to_string(), error })
}

pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

fn keep_text(text: &str) -> Result<String, String> {
    Ok(text.to_string())
}

impl<T: serde::de::DeserializeOwned> EventStream<T> {
    pub(crate) fn typed(rx: Mailbox, plain: Option<fn(&str) -> Option<T>>) -> Self {
        EventStream { rx, plain, decode: decode_json::<T>, ended: false, _t: PhantomData }
    }
}

impl EventStream<String> {
    pub(crate) fn raw(rx: Mailbox) -> Self {
        EventStream { rx, plain: None, decode: keep_text, ended: false, _t: PhantomData }
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T, WsError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.ended {
            return Poll::Ready(None);
        }
        match self.rx.poll_next(cx) {
            Poll::Ready(Some(Ok(text))) => Poll::Ready(Some(read_event(self.plain, self.decode, &text))),
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
