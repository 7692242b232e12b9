//! The user data stream: a listen key created, renewed on a timer and replaced when it
//! expires, and the `/ws/<listenKey>` connection that carries the account's events.

use super::connection::Backoff;
use super::stream::{EventStream, Route, WsError};
use super::Shared;
use futures_util::{SinkExt, StreamExt};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{interval_at, sleep, sleep_until, Instant};
use tokio_tungstenite::tungstenite::Message;

use super::Socket;
use crate::api::Api;
use crate::request::{Method, Security};
use crate::ApiClient;

async fn connect(shared: &Shared, key: &str) -> Result<Socket, super::DialError> {
    shared.open(&format!("/ws/{key}")).await
}

/// The exchange's word that a listen key does not exist (expired, closed or never made).
const NO_SUCH_KEY: i64 = -1125;

/// The event type of a user data message, read by parsing (a client order id that
/// happens to read `listenKeyExpired` is not an expiry).
fn event_type(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Head {
        e: String,
    }
    serde_json::from_str::<Head>(text).ok().map(|h| h.e)
}

/// How long old and new sockets are read together when one replaces the other.
const ROLLOVER_OVERLAP: Duration = Duration::from_secs(2);

/// The events delivered while two sockets overlap, so each is delivered once.
#[derive(Default)]
struct Overlap {
    active: bool,
    seen: std::collections::HashSet<u64>,
}

impl Overlap {
    fn begin(&mut self) {
        self.active = true;
        self.seen.clear();
    }

    fn end(&mut self) {
        self.active = false;
        self.seen.clear();
    }

    /// True the first time a message is seen (always, outside an overlap).
    fn first_time(&mut self, text: &str) -> bool {
        use std::hash::{Hash, Hasher};
        if !self.active {
            return true;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        self.seen.insert(h.finish())
    }
}

/// What a frame of a user data socket means for the stream.
enum Frame {
    /// Keep reading.
    Fine,
    /// This socket is done; another may carry on.
    Closed(String),
    /// The listen key is dead: no socket on it will deliver again, so the stream needs a
    /// new key, whichever socket said so.
    KeyDead(String),
}

/// Handles one frame of a user data socket.
async fn on_frame(
    socket: &mut Socket,
    frame: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    route: &Route,
    overlap: &mut Overlap,
) -> Frame {
    match frame {
        Some(Ok(Message::Text(text))) => {
            if !overlap.first_time(text.as_str()) {
                return Frame::Fine;
            }
            let expired = event_type(text.as_str()).as_deref() == Some("listenKeyExpired");
            route.deliver(Ok(Arc::from(text.as_str())));
            if expired {
                return Frame::KeyDead("the listen key expired".into());
            }
            Frame::Fine
        }
        Some(Ok(Message::Ping(p))) => {
            let _ = socket.send(Message::Pong(p)).await;
            Frame::Fine
        }
        Some(Ok(Message::Binary(data))) => {
            route.deliver(Err(WsError::Decode {
                raw: format!("<binary frame of {} bytes>", data.len()),
                error: "binary frames are not part of the stream protocol".into(),
            }));
            Frame::Fine
        }
        Some(Ok(Message::Close(_))) | None => Frame::Closed("closed by the server".into()),
        Some(Err(e)) => Frame::Closed(e.to_string()),
        Some(Ok(_)) => Frame::Fine,
    }
}

use crate::clock::now_ms;

type KeyFuture<'a, T> = Pin<Box<dyn Future<Output = crate::Result<T>> + Send + 'a>>;

/// Creates and renews the listen keys of a user data stream: the V1 client with its API
/// key, the V3 client with its API wallet's signature.
pub trait ListenKeys: Clone + Send + Sync + 'static {
    /// The typed events of this API's user data stream.
    type Event: DeserializeOwned;
    /// The account's listen key, new or extended.
    fn create_key(&self) -> KeyFuture<'_, String>;
    /// Extends `key` for another 60 minutes.
    fn renew_key<'a>(&'a self, key: &'a str) -> KeyFuture<'a, ()>;
    /// The account as REST sees it now, as an `ACCOUNT_SNAPSHOT` message. Its time `E` is
    /// when the reads began (on the exchange's clock): any event stamped at or after it may
    /// be newer than the snapshot and should be applied over it; anything older is in it.
    fn snapshot(&self) -> KeyFuture<'_, String>;
}

/// Every client has a user data stream: its API's listen key endpoint makes and extends
/// the key (signed as the API signs), and its account reads make the snapshot.
impl<A: Api> ListenKeys for ApiClient<A> {
    type Event = A::UserDataEvent;

    fn create_key(&self) -> KeyFuture<'_, String> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct NewKey {
            listen_key: String,
        }
        Box::pin(async move {
            let path = A::INFO.own(A::INFO.listen_key_path, "listen key")?;
            let reply: NewKey = self.core.request(Method::Post, path, Security::UserStream, &[]).await?;
            Ok(reply.listen_key)
        })
    }

    fn renew_key<'a>(&'a self, key: &'a str) -> KeyFuture<'a, ()> {
        Box::pin(async move {
            let params = [("listenKey", key)];
            // The endpoint's success shape (an object), not just any JSON without an error.
            let path = A::INFO.own(A::INFO.listen_key_path, "listen key")?;
            let _: crate::models::Empty = self.core.request(Method::Put, path, Security::UserStream, &params).await?;
            Ok(())
        })
    }

    fn snapshot(&self) -> KeyFuture<'_, String> {
        Box::pin(async move {
            let reads = A::INFO
                .account
                .ok_or_else(|| crate::Error::Config(format!("the {} API has no account to read", A::INFO.name)))?;
            let started = now_ms().saturating_add(self.time_offset());
            let read =
                |path: &'static str| self.core.request::<serde_json::Value>(Method::Get, path, Security::UserData, &[]);
            let positions = async {
                match reads.positions {
                    Some(path) => read(path).await.map(Some),
                    None => Ok(None),
                }
            };
            let (orders, positions, balances) = tokio::try_join!(read(reads.orders), positions, read(reads.balances))?;
            let balances = match reads.balances_field {
                Some(field) => balances.get(field).cloned().ok_or_else(|| crate::Error::Decode {
                    message: format!("the account reply has no `{field}`"),
                    excerpt: crate::Error::excerpt(balances.to_string().as_bytes(), 200),
                })?,
                None => balances,
            };
            let mut message = serde_json::json!({
                "e": "ACCOUNT_SNAPSHOT",
                "E": started,
                "openOrders": orders,
                "balances": balances,
            });
            if let Some(positions) = positions {
                message["positions"] = positions;
            }
            Ok(message.to_string())
        })
    }
}

/// Returns once the stream is connected, so no event after the call can be missed.
pub(crate) async fn start<K: ListenKeys, T: DeserializeOwned>(
    shared: Arc<Shared>,
    rest: K,
) -> crate::Result<EventStream<T>> {
    let key = rest.create_key().await?;
    let socket = connect(&shared, &key).await.map_err(|e| crate::Error::WebSocket(e.message))?;
    let (route, rx) = Route::new(shared.config.buffer, shared.config.buffer_bytes);
    tokio::spawn(run(shared, rest, key, route, Some(socket)));
    Ok(EventStream::typed(rx, None))
}

/// Why a socket's session ended.
enum Down {
    /// The client stopped, or nobody reads the stream any more: nothing to resume.
    Stopped,
    /// The socket (or its key) was lost, for this reason; the stream resumes.
    Lost(String),
}

/// One user data stream: its REST client, its current key and its subscriber.
struct Session<K> {
    shared: Arc<Shared>,
    config: super::WsConfig,
    rest: K,
    key: String,
    route: Arc<Route>,
    stop: tokio::sync::watch::Receiver<bool>,
    /// Keepalive outcomes, each with the key it was for: a late answer about a key
    /// already replaced is no news.
    renewed_tx: mpsc::UnboundedSender<(String, crate::Result<()>)>,
    renewed: mpsc::UnboundedReceiver<(String, crate::Result<()>)>,
}

/// The sockets of a session: the one read, and a replacement on the same key while the
/// old one nears the age cut (with when it opened).
struct Sockets {
    current: Socket,
    next: Option<(Socket, Instant)>,
    overlap: Overlap,
    born: Instant,
}

impl Sockets {
    fn new(current: Socket) -> Self {
        Sockets { current, next: None, overlap: Overlap::default(), born: Instant::now() }
    }

    /// The replacement takes over.
    async fn promote(&mut self, close_old: bool) {
        if let Some((n, _)) = self.next.take() {
            let old = std::mem::replace(&mut self.current, n);
            if close_old {
                let mut old = old;
                let _ = old.close(None).await;
            }
            self.born = Instant::now();
            self.overlap.end();
        }
    }

    async fn close(mut self) {
        if let Some((mut n, _)) = self.next.take() {
            let _ = n.close(None).await;
        }
        let _ = self.current.close(None).await;
    }
}

impl<K: ListenKeys> Session<K> {
    fn stopped(&self) -> bool {
        *self.stop.borrow() || self.route.is_closed()
    }

    /// Takes the account's current key (the old one may be expired or closed).
    async fn new_key(&mut self) {
        match self.rest.create_key().await {
            Ok(k) => self.key = k,
            Err(e) => self.route.deliver(Err(WsError::Reconnecting(format!("cannot get a listen key: {e}")))),
        }
    }

    /// After a gap: says so, then sends the account as REST sees it now. Taken after the
    /// socket is back, so nothing after it can be missed.
    async fn resync(&self, since: i64, why: &str) {
        let gap = format!(
            "events from {since} to {} ms may be missing ({why}); an ACCOUNT_SNAPSHOT follows to reconcile",
            now_ms()
        );
        self.route.deliver(Err(WsError::Resumed(gap)));
        let limit = self.config.control_timeout;
        match tokio::time::timeout(limit, self.rest.snapshot()).await {
            Ok(Ok(text)) => self.route.deliver(Ok(Arc::from(text.as_str()))),
            Ok(Err(e)) => self.route.deliver(Err(WsError::SnapshotFailed(e.to_string()))),
            Err(_) => self.route.deliver(Err(WsError::SnapshotFailed(format!("no reply within {limit:?}")))),
        }
    }

    /// Renews the key off the read loop: a hung keepalive never stops the events.
    fn spawn_keepalive(&self) {
        let (rest, key, done, limit) =
            (self.rest.clone(), self.key.clone(), self.renewed_tx.clone(), self.config.control_timeout);
        tokio::spawn(async move {
            let result = match tokio::time::timeout(limit, rest.renew_key(&key)).await {
                Ok(r) => r,
                Err(_) => Err(crate::Error::WebSocket(format!("no reply within {limit:?}"))),
            };
            let _ = done.send((key, result));
        });
    }

    /// What a keepalive's answer means: `Some(reason)` when the key is gone.
    fn on_renewed(&self, key: String, result: crate::Result<()>) -> Option<String> {
        match result {
            _ if key != self.key => None,
            Ok(()) => {
                tracing::debug!(target: "aster::ws", "listen key renewed");
                None
            }
            // The key is gone: events on it have stopped, so wait for nothing.
            Err(e) if e.error_code() == Some(NO_SUCH_KEY) => {
                self.route.deliver(Err(WsError::KeepaliveFailed(e.to_string())));
                Some(format!("the listen key no longer exists: {e}"))
            }
            Err(e) => {
                self.route.deliver(Err(WsError::KeepaliveFailed(e.to_string())));
                None
            }
        }
    }

    /// Opens the replacement socket at the age cut; `Some(reason)` when the key is refused.
    async fn roll_over(&self, sockets: &mut Sockets) -> Option<String> {
        match connect(&self.shared, &self.key).await {
            Ok(s) => {
                sockets.next = Some((s, Instant::now()));
                sockets.overlap.begin();
            }
            // A key the server no longer serves: a new key and a resync.
            Err(e) if e.refused => return Some(format!("the listen key was refused: {e}")),
            Err(e) => tracing::debug!(target: "aster::ws", error = %e, "replacement user data socket failed; retrying"),
        }
        // Try again a second later, unless the replacement is up.
        let age = self.config.max_connection_age;
        sockets.born = Instant::now() - age + Duration::from_secs(1).min(age);
        None
    }

    /// Reads the socket (and its replacement during a rollover) until it is lost.
    async fn serve(&mut self, socket: Socket) -> Down {
        let config = self.config.clone();
        let mut renew = interval_at(Instant::now() + config.listen_key_renewal, config.listen_key_renewal);
        let mut heartbeat = super::Heartbeat::new(config.heartbeat_interval, config.heartbeat_timeout);
        let mut s = Sockets::new(socket);
        let down = loop {
            let rollover_at = s.born + config.max_connection_age;
            let overlap_end = s.next.as_ref().map(|(_, at)| *at + ROLLOVER_OVERLAP);
            let rolling = s.next.is_some();
            let next_frame = async {
                match s.next.as_mut() {
                    Some((n, _)) => n.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                frame = s.current.next() => {
                    heartbeat.seen();
                    match on_frame(&mut s.current, frame, &self.route, &mut s.overlap).await {
                        Frame::Fine => {}
                        Frame::KeyDead(why) => break Down::Lost(why),
                        // The old socket ended during a rollover: the new one carries on.
                        Frame::Closed(_) if s.next.is_some() => s.promote(false).await,
                        Frame::Closed(why) => break Down::Lost(why),
                    }
                },
                frame = next_frame => {
                    if let Some((mut n, at)) = s.next.take() {
                        match on_frame(&mut n, frame, &self.route, &mut s.overlap).await {
                            Frame::Fine => s.next = Some((n, at)),
                            Frame::KeyDead(why) => {
                                let _ = n.close(None).await;
                                break Down::Lost(why);
                            }
                            Frame::Closed(_) => {}
                        }
                    }
                }
                _ = sleep_until(rollover_at), if !rolling => {
                    if let Some(why) = self.roll_over(&mut s).await {
                        break Down::Lost(why);
                    }
                }
                // Both sockets have read the same events for a while: the old one goes.
                _ = sleep_until(overlap_end.unwrap_or(rollover_at)), if overlap_end.is_some() => {
                    s.promote(true).await;
                    heartbeat.seen();
                }
                _ = renew.tick() => self.spawn_keepalive(),
                Some((key, result)) = self.renewed.recv() => {
                    if let Some(why) = self.on_renewed(key, result) {
                        break Down::Lost(why);
                    }
                }
                _ = sleep_until(heartbeat.due()) => {
                    if let Err(why) = heartbeat.on_due(&mut s.current).await {
                        break Down::Lost(why);
                    }
                }
                _ = self.stop.changed() => {
                    self.route.deliver(Err(WsError::Ended("the client was stopped".into())));
                    break Down::Stopped;
                }
            }
            if self.route.is_closed() {
                break Down::Stopped;
            }
        };
        s.close().await;
        down
    }
}

async fn run<K: ListenKeys>(shared: Arc<Shared>, rest: K, key: String, route: Arc<Route>, mut first: Option<Socket>) {
    let config = shared.config.clone();
    let stop = shared.stop_signal.subscribe();
    let (renewed_tx, renewed) = mpsc::unbounded_channel();
    let mut session = Session { shared, config: config.clone(), rest, key, route, stop, renewed_tx, renewed };
    let mut backoff = Backoff::new(config.initial_backoff, config.max_backoff);
    // When the stream went down, and why: the gap reported when it is back.
    let mut down: Option<(i64, String)> = None;
    // A handshake refused once may be a dead key; refused again with a fresh key, it is final.
    let mut refusals = 0;
    loop {
        if session.stopped() {
            session.route.deliver(Err(WsError::Ended("the client was stopped".into())));
            return;
        }
        let connected = match first.take() {
            Some(s) => Ok(s),
            None => tokio::select! {
                c = connect(&session.shared, &session.key) => c,
                _ = session.stop.changed() => continue,
            },
        };
        let up_since = Instant::now();
        let reason = match connected {
            Ok(socket) => {
                refusals = 0;
                if let Some((since, why)) = down.take() {
                    session.resync(since, &why).await;
                }
                match session.serve(socket).await {
                    Down::Stopped => return,
                    Down::Lost(reason) => reason,
                }
            }
            Err(e) if e.refused && refusals > 0 => {
                let why = format!("the server refused the user data stream: {e}");
                session.route.deliver(Err(WsError::Ended(why)));
                return;
            }
            Err(e) => {
                refusals += usize::from(e.refused);
                format!("cannot connect: {}", e.message)
            }
        };
        tracing::debug!(target: "aster::ws", %reason, "user data stream reconnecting");
        // Said at once: events may be missed from now until the stream is back.
        session.route.deliver(Err(WsError::Reconnecting(reason.clone())));
        down.get_or_insert((now_ms(), reason));
        if up_since.elapsed() >= config.healthy_after {
            backoff.reset();
        }
        tokio::select! {
            _ = sleep(backoff.next_delay()) => {}
            _ = session.stop.changed() => continue,
        }
        session.new_key().await;
    }
}
