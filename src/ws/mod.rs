//! WebSocket streams: typed subscriptions over connections the client manages — sharded
//! at 200 streams, throttled to the exchange's control-message limit, answered pings,
//! reconnected with capped backoff, replaced before the 24-hour cut — and the user data
//! stream with its listen key kept alive.

mod connection;
mod order_book;
mod python;
mod stream;
mod user_data;

pub use order_book::{LocalOrderBook, Resync};
pub use python::{Callback, WebsocketClient};
pub use stream::{EventStream, WsError};
pub use user_data::ListenKeys;

use connection::{Command, Connection};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use stream::Route;
use tokio::sync::{oneshot, watch};

/// A client WebSocket over TCP, with or without TLS.
pub(crate) type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Bytes read from the socket at a time.
const READ_BUFFER_BYTES: usize = 16 * 1024;

/// Why a socket could not be opened.
#[derive(Debug, Clone)]
pub(crate) struct DialError {
    pub(crate) message: String,
    /// The server answered the handshake with a refusal that will not change on a retry
    /// (a 4xx other than 408 and 429): an answer, not a network failure.
    pub(crate) refused: bool,
}

impl DialError {
    fn network(message: impl Into<String>) -> Self {
        DialError { message: message.into(), refused: false }
    }
}

impl std::fmt::Display for DialError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Opens a socket with the crate's shared TLS settings; Nagle is off, since every frame
/// we send (a pong, a subscription) is small and waiting would only delay it.
pub(crate) async fn dial(url: &str) -> std::result::Result<Socket, DialError> {
    // tungstenite zero-fills its whole read buffer before every read; stream messages are
    // small, so a smaller buffer saves that work on each of them.
    let config =
        tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES);
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    let connecting = tokio_tungstenite::connect_async_tls_with_config(
        url,
        Some(config),
        true,
        crate::tls::websocket().map_err(DialError::network)?,
    );
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    let connecting = tokio_tungstenite::connect_async_with_config(url, Some(config), true);
    match connecting.await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(reply)) => {
            let status = reply.status();
            let said = reply.body().as_deref().map(|b| crate::Error::excerpt(b, 200)).unwrap_or_default();
            let refused = status.is_client_error() && !matches!(status.as_u16(), 408 | 429);
            let message = format!("the server answered the handshake with HTTP {status} {said}");
            Err(DialError { message: message.trim_end().to_string(), refused })
        }
        Err(e) => Err(DialError::network(e.to_string())),
    }
}

/// Finds a half-open connection: after `interval` without a frame it pings, and a connection
/// still silent `timeout` later is given up. Both the market and the user-data loops use it.
pub(crate) struct Heartbeat {
    interval: Duration,
    timeout: Duration,
    last_seen: tokio::time::Instant,
    pinged: bool,
}

impl Heartbeat {
    pub(crate) fn new(interval: Duration, timeout: Duration) -> Self {
        Heartbeat { interval, timeout, last_seen: tokio::time::Instant::now(), pinged: false }
    }

    /// A frame arrived (or a fresh socket took over): the connection is alive.
    pub(crate) fn seen(&mut self) {
        self.last_seen = tokio::time::Instant::now();
        self.pinged = false;
    }

    /// When [`Heartbeat::on_due`] must run next.
    pub(crate) fn due(&self) -> tokio::time::Instant {
        self.last_seen + self.interval + if self.pinged { self.timeout } else { Duration::ZERO }
    }

    /// Pings a quiet socket; `Err` says why the connection counts as dead.
    pub(crate) async fn on_due(&mut self, socket: &mut Socket) -> std::result::Result<(), String> {
        use futures_util::SinkExt;
        if self.pinged {
            return Err(format!("no data and no pong for {:?}", self.interval + self.timeout));
        }
        if socket.send(tokio_tungstenite::tungstenite::Message::Ping(Vec::new().into())).await.is_err() {
            return Err("the heartbeat ping could not be sent".to_string());
        }
        self.pinged = true;
        Ok(())
    }
}

/// Whether `name` is one of `names` (a generated `STREAM_NAMES` list), `<symbol>` matching
/// any lower-case symbol. The exchange refuses an unknown name only at the handshake, for
/// every stream of the connection; this says so before anything is dialled.
pub fn is_stream_name(name: &str, names: &[&str]) -> bool {
    names.iter().any(|pattern| match pattern.split_once("<symbol>") {
        None => *pattern == name,
        Some((before, after)) => {
            name.strip_prefix(before).and_then(|rest| rest.strip_suffix(after)).is_some_and(|symbol| {
                !symbol.is_empty() && symbol.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
        }
    })
}

/// The exchange's production WebSocket endpoint.
pub const DEFAULT_STREAM_URL: &str = crate::Environment::Mainnet.futures_stream_url();

/// A stream to subscribe to: its name and the type its messages decode into. Made by the
/// generated helpers in [`crate::streams`], so no stream name is written by hand.
pub struct Subscription<T> {
    name: String,
    /// Reads an event in its common spelling straight from the text; anything else goes to
    /// the general decoder.
    plain: Option<fn(&str) -> Option<T>>,
    payload: PhantomData<fn() -> T>,
}

impl<T> Subscription<T> {
    /// A subscription to the stream of this name, e.g. `btcusdt@aggTrade`.
    pub fn new(name: String) -> Self {
        Self { name, plain: None, payload: PhantomData }
    }

    /// The stream name as sent in SUBSCRIBE, e.g. `btcusdt@depth20@100ms`.
    pub fn name(&self) -> &str {
        &self.name
    }
}

// By name: the name says what is subscribed, and the type what its events decode into.
impl<T> std::fmt::Debug for Subscription<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").field("name", &self.name).finish_non_exhaustive()
    }
}

impl<T> Clone for Subscription<T> {
    fn clone(&self) -> Self {
        Self { name: self.name.clone(), plain: self.plain, payload: PhantomData }
    }
}

impl<T> PartialEq for Subscription<T> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl<T> Eq for Subscription<T> {}

impl<T> std::hash::Hash for Subscription<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl<T: serde::de::DeserializeOwned> Subscription<T> {
    /// Decodes one message of this stream (its payload, as a subscriber receives it) the
    /// way [`WsClient::subscribe`]'s stream does: for recorded messages, or text from
    /// [`WsClient::subscribe_raw`].
    pub fn decode(&self, text: &str) -> Result<T, WsError> {
        stream::read_event(self.plain, stream::decode_json::<T>, text)
    }
}

impl<T: crate::de::ReadPlain> Subscription<T> {
    /// A subscription whose events are read plainly where they can be.
    pub(crate) fn plain(name: String) -> Self {
        Self { name, plain: Some(T::read_plain), payload: PhantomData }
    }
}

#[cfg(test)]
mod tests {
    use crate::streams;

    #[test]
    fn the_hot_market_streams_read_their_events_plainly() {
        let speed = crate::DepthSpeed::Ms100;
        let levels = crate::DepthLevels::Levels20;
        assert!(streams::book_ticker("BTCUSDT").plain.is_some());
        assert!(streams::agg_trade("BTCUSDT").plain.is_some());
        assert!(streams::diff_book_depth("BTCUSDT", crate::DepthSpeed::Ms100).plain.is_some());
        assert!(streams::partial_book_depth("BTCUSDT", levels, speed).plain.is_some());
        // A list of events, or an event with nested or enum fields, goes to serde.
        assert!(streams::all_mini_ticker().plain.is_none());
        assert!(streams::liquidation_order("BTCUSDT").plain.is_none());
    }
}

/// How the client treats its connections.
#[derive(Debug, Clone)]
pub struct WsConfig {
    /// Streams per connection before another connection is opened (the exchange allows 200).
    pub max_streams_per_connection: usize,
    /// Least time between two control messages on a connection (the exchange allows 10/s).
    pub control_interval: Duration,
    /// How long a control request (SUBSCRIBE, LIST_SUBSCRIPTIONS, …) waits for its reply.
    pub control_timeout: Duration,
    /// A connection is replaced, without gap or duplicate, once this old (the exchange cuts
    /// at 24 hours).
    pub max_connection_age: Duration,
    /// Reconnect delays are drawn at random up to `initial_backoff × 2^attempt`, capped at
    /// `max_backoff` ("full jitter": shards and clients do not reconnect in lockstep).
    pub initial_backoff: Duration,
    /// The longest wait between reconnection attempts.
    pub max_backoff: Duration,
    /// A connection counts as healthy, and the backoff starts over, only after it has
    /// stayed up this long: a server that accepts and drops at once is not hammered.
    pub healthy_after: Duration,
    /// Most new connections per second to the client's host, user data streams included;
    /// every client of the process that talks to that host keeps to one shared pace.
    pub max_connects_per_second: u32,
    /// With nothing received for this long the client pings; with still nothing (not even
    /// the pong) `heartbeat_timeout` later, the connection is taken as dead and replaced.
    pub heartbeat_interval: Duration,
    /// How long a ping may go unanswered before the connection counts as dead.
    pub heartbeat_timeout: Duration,
    /// Messages buffered per subscriber before the subscriber is told it lagged.
    pub buffer: usize,
    /// Bytes of messages buffered per subscriber before the subscriber is told it lagged.
    pub buffer_bytes: usize,
    /// How often a user data stream renews its listen key (the key lives 60 minutes).
    pub listen_key_renewal: Duration,
}

impl Default for WsConfig {
    fn default() -> Self {
        WsConfig {
            max_streams_per_connection: 200,
            control_interval: Duration::from_millis(110),
            control_timeout: Duration::from_secs(10),
            max_connection_age: Duration::from_secs(23 * 3600),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(30),
            healthy_after: Duration::from_secs(10),
            max_connects_per_second: 5,
            heartbeat_interval: Duration::from_secs(30),
            heartbeat_timeout: Duration::from_secs(10),
            buffer: 4096,
            buffer_bytes: 64 * 1024 * 1024,
            listen_key_renewal: Duration::from_secs(30 * 60),
        }
    }
}

pub(crate) struct Shared {
    pub(crate) url: String,
    pub(crate) config: WsConfig,
    pub(crate) routes: Mutex<HashMap<String, Vec<Arc<Route>>>>,
    connections: tokio::sync::Mutex<Vec<Connection>>,
    next_id: AtomicU64,
    pub(crate) stopped: AtomicBool,
    /// Flips to true once, when the client stops or its last handle is dropped; every task
    /// watches it.
    pub(crate) stop_signal: watch::Sender<bool>,
    /// When the next connection to this host may be opened: shared by every client of
    /// the process that talks to the host, since the exchange counts connections per IP.
    connect_gate: Arc<ConnectGate>,
    /// Connections opened so far, for tests and diagnostics.
    pub(crate) connects: AtomicU64,
}

impl Shared {
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Waits for the client-wide connect ceiling, then counts a connection attempt.
    pub(crate) async fn connect_permit(&self) {
        let per_second = self.config.max_connects_per_second.max(1);
        let spacing = Duration::from_secs(1) / per_second;
        let at = {
            let mut next = self.connect_gate.lock().await;
            let now = tokio::time::Instant::now();
            let at = (*next).max(now);
            *next = at + spacing;
            at
        };
        tokio::time::sleep_until(at).await;
        self.connects.fetch_add(1, Ordering::Relaxed);
    }

    /// Opens a socket to `path` below the client's URL, within the client-wide connect
    /// ceiling and the control timeout.
    pub(crate) async fn open(&self, path: &str) -> std::result::Result<Socket, DialError> {
        self.connect_permit().await;
        let url = format!("{}{path}", self.url);
        match tokio::time::timeout(self.config.control_timeout, dial(&url)).await {
            Ok(result) => result,
            Err(_) => Err(DialError::network("the handshake timed out")),
        }
    }

    /// Ends the streams of a connection the server refused for good: every subscriber is
    /// told why, and the names are freed so a later subscribe starts afresh.
    pub(crate) fn end_streams(&self, streams: &[String], why: &str) {
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        for s in streams {
            for r in routes.remove(s).into_iter().flatten() {
                r.deliver(Err(WsError::Ended(why.to_string())));
            }
        }
    }

    /// Hands a message to every subscriber of a stream; false when none is left.
    pub(crate) fn dispatch(&self, stream: &str, text: Arc<str>) -> bool {
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let Some(list) = routes.get_mut(stream) else { return false };
        // Subscribers that dropped their stream are let go here.
        list.retain(|r| !r.is_closed());
        for r in list.iter() {
            r.deliver(Ok(text.clone()));
        }
        if list.is_empty() {
            routes.remove(stream);
            return false;
        }
        true
    }

    /// Hands an error to every subscriber of the given streams.
    pub(crate) fn dispatch_error(&self, streams: &[String], error: WsError) {
        let routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        for s in streams {
            for r in routes.get(s).into_iter().flatten() {
                r.deliver(Err(error.clone()));
            }
        }
    }

    fn stop_all(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        let _ = self.stop_signal.send(true);
    }
}

/// Stops every task when the last `WsClient` handle is dropped.
struct Alive(Arc<Shared>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.stop_all();
    }
}

/// A client of the exchange's market streams. Cheap to clone; clones share connections.
/// Dropping the last clone stops every connection and task, as `stop()` does.
#[derive(Clone)]
pub struct WsClient {
    inner: Arc<Shared>,
    _alive: Arc<Alive>,
}

impl std::fmt::Debug for WsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsClient").field("url", &self.inner.url).field("config", &self.inner.config).finish()
    }
}

fn ended_before_reply() -> crate::Error {
    crate::Error::WebSocket("the connection ended before answering".into())
}

/// The next moment a connection to one host may open.
type ConnectGate = tokio::sync::Mutex<tokio::time::Instant>;

/// The scheme, host and port of a stream URL: what the exchange's per-IP counts are per.
fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    url.split_once("://").map_or(host.to_string(), |(scheme, _)| format!("{scheme}://{host}"))
}

/// The connect gate of `host`, one per process while a client uses it.
fn connect_gate(host: &str) -> Arc<ConnectGate> {
    static GATES: std::sync::LazyLock<Mutex<HashMap<String, std::sync::Weak<ConnectGate>>>> =
        std::sync::LazyLock::new(Default::default);
    let mut gates = GATES.lock().unwrap_or_else(|e| e.into_inner());
    gates.retain(|_, g| g.strong_count() > 0);
    if let Some(gate) = gates.get(host).and_then(std::sync::Weak::upgrade) {
        return gate;
    }
    let gate = Arc::new(tokio::sync::Mutex::new(tokio::time::Instant::now()));
    gates.insert(host.to_string(), Arc::downgrade(&gate));
    gate
}

impl WsClient {
    /// A client of `url` (`wss://fstream.asterdex.com` for the exchange).
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_config(url, WsConfig::default())
    }

    /// A client for streams at `url` with these settings.
    pub fn with_config(url: impl Into<String>, config: WsConfig) -> Self {
        let url = url.into().trim_end_matches('/').to_string();
        let inner = Arc::new(Shared {
            connect_gate: connect_gate(&url_host(&url)),
            url,
            config,
            routes: Mutex::new(HashMap::new()),
            connections: tokio::sync::Mutex::new(Vec::new()),
            next_id: AtomicU64::new(1),
            stopped: AtomicBool::new(false),
            stop_signal: watch::channel(false).0,
            connects: AtomicU64::new(0),
        });
        WsClient { _alive: Arc::new(Alive(inner.clone())), inner }
    }

    /// Subscribes and returns the stream's typed events. A message that does not decode
    /// arrives as `Err(WsError::Decode)` with its text; the stream goes on. Dropping the
    /// last stream of a name unsubscribes it.
    pub async fn subscribe<T: serde::de::DeserializeOwned>(
        &self,
        sub: Subscription<T>,
    ) -> crate::Result<EventStream<T>> {
        let rx = self.subscribe_name(sub.name, None).await?;
        Ok(EventStream::typed(rx, sub.plain))
    }

    /// Subscribes to a stream by name and returns its messages as JSON text.
    pub async fn subscribe_raw(&self, name: impl Into<String>) -> crate::Result<EventStream<String>> {
        let rx = self.subscribe_name(name.into(), None).await?;
        Ok(EventStream::raw(rx))
    }

    fn new_route(&self) -> (Arc<Route>, stream::Mailbox) {
        Route::new(self.inner.config.buffer, self.inner.config.buffer_bytes)
    }

    /// Waits for a control reply, at most `control_timeout`.
    async fn answer<T>(&self, what: &str, answer: oneshot::Receiver<crate::Result<T>>) -> crate::Result<T> {
        match tokio::time::timeout(self.inner.config.control_timeout, answer).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(ended_before_reply()),
            Err(_) => Err(crate::Error::WebSocket(format!(
                "no reply to {what} within {:?}",
                self.inner.config.control_timeout
            ))),
        }
    }

    pub(crate) async fn subscribe_name(&self, name: String, request_id: Option<u64>) -> crate::Result<stream::Mailbox> {
        if self.inner.stopped.load(Ordering::Relaxed) {
            return Err(crate::Error::WebSocket("the client was stopped".into()));
        }
        let (route, rx) = self.new_route();
        let already = {
            let mut routes = self.inner.routes.lock().unwrap_or_else(|e| e.into_inner());
            let list = routes.entry(name.clone()).or_default();
            list.retain(|r| !r.is_closed());
            list.push(route);
            list.len() > 1
        };
        if already {
            // The stream is live on a connection: share it rather than subscribe twice.
            return Ok(rx);
        }
        let answer = {
            let mut conns = self.inner.connections.lock().await;
            let max = self.inner.config.max_streams_per_connection;
            match conns.iter_mut().find(|c| c.stream_count() < max && !c.is_closed()) {
                Some(conn) => {
                    let (reply, answer) = oneshot::channel();
                    let id = request_id.unwrap_or_else(|| self.inner.next_id());
                    conn.add_stream(&name);
                    conn.send(Command::Subscribe { names: vec![name.clone()], id, reply });
                    answer
                }
                None => {
                    self.open_connection(&mut conns, name);
                    return Ok(rx);
                }
            }
        };
        match tokio::time::timeout(self.inner.config.control_timeout, answer).await {
            Ok(Ok(result)) => result.map(|()| rx),
            // The connection was ending and never read the request: the stream is on no
            // connection, so it gets one of its own.
            Ok(Err(_)) => {
                self.open_connection(&mut *self.inner.connections.lock().await, name);
                Ok(rx)
            }
            Err(_) => Err(crate::Error::WebSocket(format!(
                "no reply to SUBSCRIBE within {:?}",
                self.inner.config.control_timeout
            ))),
        }
    }

    fn open_connection(&self, conns: &mut Vec<Connection>, name: String) {
        conns.retain(|c| !c.is_closed());
        conns.push(Connection::open(self.inner.clone(), vec![name]));
    }

    /// Subscribes to many streams by name in as few control messages as possible: one
    /// SUBSCRIBE per connection with room, new connections (at most
    /// `max_streams_per_connection` each) for the rest.
    pub async fn subscribe_raw_many(&self, names: Vec<String>) -> crate::Result<Vec<EventStream<String>>> {
        if self.inner.stopped.load(Ordering::Relaxed) {
            return Err(crate::Error::WebSocket("the client was stopped".into()));
        }
        let mut out = Vec::with_capacity(names.len());
        let mut fresh = Vec::new();
        {
            let mut routes = self.inner.routes.lock().unwrap_or_else(|e| e.into_inner());
            for name in names {
                let (route, rx) = self.new_route();
                let list = routes.entry(name.clone()).or_default();
                list.retain(|r| !r.is_closed());
                if list.is_empty() && !fresh.contains(&name) {
                    fresh.push(name);
                }
                list.push(route);
                out.push(EventStream::raw(rx));
            }
        }
        let max = self.inner.config.max_streams_per_connection;
        let mut answers = Vec::new();
        {
            let mut conns = self.inner.connections.lock().await;
            let mut rest = fresh.into_iter().peekable();
            for conn in conns.iter_mut().filter(|c| !c.is_closed()) {
                let room = max.saturating_sub(conn.stream_count());
                let batch: Vec<String> = rest.by_ref().take(room).collect();
                if batch.is_empty() {
                    continue;
                }
                for n in &batch {
                    conn.add_stream(n);
                }
                let (reply, answer) = oneshot::channel();
                conn.send(Command::Subscribe { names: batch, id: self.inner.next_id(), reply });
                answers.push(answer);
            }
            while rest.peek().is_some() {
                let batch: Vec<String> = rest.by_ref().take(max).collect();
                conns.push(Connection::open(self.inner.clone(), batch));
            }
        }
        for a in answers {
            self.answer("SUBSCRIBE", a).await?;
        }
        Ok(out)
    }

    /// The command channels of the open connections, taken under the lock and used after
    /// it: no lock is held while waiting on the network.
    async fn open_channels(&self) -> Vec<connection::Handle> {
        self.inner.connections.lock().await.iter().filter(|c| !c.is_closed()).map(Connection::handle).collect()
    }

    async fn request_on(
        &self,
        conn: &connection::Handle,
        method: &'static str,
        params: Vec<serde_json::Value>,
    ) -> crate::Result<serde_json::Value> {
        let (reply, answer) = oneshot::channel();
        conn.send(Command::Request { method, params, id: self.inner.next_id(), reply });
        self.answer(method, answer).await
    }

    /// Stops a stream: every subscriber's stream ends, and the connection sends UNSUBSCRIBE.
    pub async fn unsubscribe(&self, name: &str) -> crate::Result<()> {
        let routes = self.inner.routes.lock().unwrap_or_else(|e| e.into_inner()).remove(name);
        for r in routes.into_iter().flatten() {
            r.deliver(Err(WsError::Ended(format!("unsubscribed from {name}"))));
        }
        let handle = {
            let mut conns = self.inner.connections.lock().await;
            let Some(conn) = conns.iter_mut().find(|c| c.has_stream(name)) else { return Ok(()) };
            conn.remove_stream(name);
            conn.handle()
        };
        self.request_on(&handle, "UNSUBSCRIBE", vec![serde_json::json!(name)]).await.map(|_| ())
    }

    /// The streams the exchange has on every connection (LIST_SUBSCRIPTIONS), sorted.
    pub async fn list_subscriptions(&self) -> crate::Result<Vec<String>> {
        let mut all = Vec::new();
        for c in self.open_channels().await {
            let v = self.request_on(&c, "LIST_SUBSCRIPTIONS", Vec::new()).await?;
            all.extend(v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)));
        }
        all.sort();
        Ok(all)
    }

    async fn first_channel(&self) -> crate::Result<connection::Handle> {
        self.open_channels()
            .await
            .into_iter()
            .next()
            .ok_or_else(|| crate::Error::WebSocket("no open connection".into()))
    }

    /// GET_PROPERTY on the first connection, e.g. `"combined"`.
    pub async fn get_property(&self, name: &str) -> crate::Result<serde_json::Value> {
        let c = self.first_channel().await?;
        self.request_on(&c, "GET_PROPERTY", vec![serde_json::json!(name)]).await
    }

    /// SET_PROPERTY on the first connection. The client reads combined payloads, so only
    /// `("combined", true)` keeps its streams decodable.
    pub async fn set_property(&self, name: &str, value: serde_json::Value) -> crate::Result<()> {
        let c = self.first_channel().await?;
        self.request_on(&c, "SET_PROPERTY", vec![serde_json::json!(name), value]).await.map(|_| ())
    }

    /// Number of open connections (streams are spread at most 200 per connection).
    pub async fn connection_count(&self) -> usize {
        self.inner.connections.lock().await.iter().filter(|c| !c.is_closed()).count()
    }

    /// Connections opened so far (reconnects and rollovers included).
    pub fn connects(&self) -> u64 {
        self.inner.connects.load(Ordering::Relaxed)
    }

    /// Closes every connection, whatever the server does, within about a second; every
    /// event stream ends with `WsError::Ended`.
    pub async fn stop(&self) {
        self.inner.stop_all();
        let conns = std::mem::take(&mut *self.inner.connections.lock().await);
        futures_util::future::join_all(conns.into_iter().map(Connection::stop)).await;
        let routes = std::mem::take(&mut *self.inner.routes.lock().unwrap_or_else(|e| e.into_inner()));
        for r in routes.values().flatten() {
            r.deliver(Err(WsError::Ended("the client was stopped".into())));
        }
    }
    /// The user data stream of the account any REST client is keyed for — futures or
    /// spot, V1 or V3 — as that API's typed events: creates the listen key, renews it every
    /// `listen_key_renewal`, replaces it when it dies (announcing the gap and sending an
    /// `ACCOUNT_SNAPSHOT` to reconcile). Connect this client to the API's stream host.
    pub async fn user_data<K: user_data::ListenKeys>(&self, rest: &K) -> crate::Result<EventStream<K::Event>> {
        user_data::start(self.inner.clone(), rest.clone()).await
    }

    /// The same stream, each event as the JSON the exchange sent: for tools that pass
    /// events on rather than read them.
    pub async fn user_data_json<K: user_data::ListenKeys>(
        &self,
        rest: &K,
    ) -> crate::Result<EventStream<serde_json::Value>> {
        user_data::start(self.inner.clone(), rest.clone()).await
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.inner
    }
}
