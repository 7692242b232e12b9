//! One combined-stream connection: subscribes, routes messages, answers pings, reconnects
//! with capped exponential backoff, and replaces itself before the exchange's age limit
//! with no gap and no duplicate.

use super::stream::WsError;
use super::Shared;
use crate::{Error, Result};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{sleep, sleep_until, Instant};
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) enum Command {
    Subscribe {
        names: Vec<String>,
        id: u64,
        reply: oneshot::Sender<Result<()>>,
    },
    /// Any other control request (UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY,
    /// GET_PROPERTY); the reply's `result`.
    Request {
        method: &'static str,
        params: Vec<serde_json::Value>,
        id: u64,
        reply: oneshot::Sender<Result<serde_json::Value>>,
    },
    Stop,
}

pub(crate) struct Connection {
    streams: BTreeSet<String>,
    commands: mpsc::UnboundedSender<Command>,
    task: JoinHandle<()>,
}

impl Connection {
    pub(crate) fn open(shared: Arc<Shared>, streams: Vec<String>) -> Connection {
        let (commands, rx) = mpsc::unbounded_channel();
        let set = streams.iter().cloned().collect();
        let task = tokio::spawn(run(shared, streams, rx));
        Connection { streams: set, commands, task }
    }

    pub(crate) fn stream_count(&self) -> usize {
        self.streams.len()
    }

    pub(crate) fn add_stream(&mut self, name: &str) {
        self.streams.insert(name.to_string());
    }

    pub(crate) fn remove_stream(&mut self, name: &str) -> bool {
        self.streams.remove(name)
    }

    pub(crate) fn has_stream(&self, name: &str) -> bool {
        self.streams.contains(name)
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.task.is_finished()
    }

    pub(crate) fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    pub(crate) async fn stop(self) {
        let _ = self.commands.send(Command::Stop);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
    }
}

fn combined_url(base: &str, streams: &[String]) -> String {
    format!("{base}/stream?streams={}", streams.join("/"))
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    stream: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    data: &'a RawValue,
}

#[derive(Deserialize)]
struct Reply {
    id: Option<u64>,
    #[serde(default)]
    result: serde_json::Value,
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
}

/// Recently delivered messages, to drop the copies two overlapping connections deliver.
#[derive(Default)]
struct Dedupe {
    until: Option<Instant>,
    seen: HashSet<u64>,
    order: VecDeque<u64>,
}

impl Dedupe {
    const KEEP: usize = 100_000;

    fn active(&self) -> bool {
        self.until.is_some_and(|u| Instant::now() < u)
    }

    /// True the first time a message is seen while active.
    fn first_time(&mut self, stream: &str, data: &str) -> bool {
        if !self.active() {
            self.seen.clear();
            self.order.clear();
            return true;
        }
        let mut h = DefaultHasher::new();
        (stream, data).hash(&mut h);
        let key = h.finish();
        if !self.seen.insert(key) {
            return false;
        }
        self.order.push_back(key);
        if self.order.len() > Self::KEEP {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        true
    }
}

enum Pending {
    Subscribe(oneshot::Sender<Result<()>>),
    Request(oneshot::Sender<Result<serde_json::Value>>),
}

/// The state of one connection task.
struct Runner {
    shared: Arc<Shared>,
    streams: Vec<String>,
    pending: HashMap<u64, Pending>,
    last_control: Option<Instant>,
    dedupe: Dedupe,
}

enum Outcome {
    /// Keep reading.
    Continue,
    /// A data message was delivered (or deduplicated).
    Data { duplicate: bool },
    /// The socket ended.
    Closed(String),
}

impl Runner {
    /// Handles one frame from a socket.
    async fn frame(
        &mut self,
        socket: &mut Socket,
        frame: Option<std::result::Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Outcome {
        match frame {
            Some(Ok(Message::Text(text))) => self.text(text.as_str()),
            Some(Ok(Message::Ping(payload))) => {
                let _ = socket.send(Message::Pong(payload)).await;
                Outcome::Continue
            }
            Some(Ok(Message::Close(frame))) => {
                Outcome::Closed(frame.map(|f| f.reason.to_string()).unwrap_or_else(|| "closed by the server".into()))
            }
            Some(Ok(_)) => Outcome::Continue,
            Some(Err(e)) => Outcome::Closed(e.to_string()),
            None => Outcome::Closed("the connection ended".into()),
        }
    }

    fn text(&mut self, text: &str) -> Outcome {
        if let Ok(env) = serde_json::from_str::<Envelope>(text) {
            let data = env.data.get();
            if !self.dedupe.first_time(&env.stream, data) {
                return Outcome::Data { duplicate: true };
            }
            self.shared.dispatch(&env.stream, Arc::from(data));
            return Outcome::Data { duplicate: false };
        }
        if let Ok(reply) = serde_json::from_str::<Reply>(text) {
            if let Some(pending) = reply.id.and_then(|id| self.pending.remove(&id)) {
                let result = match (reply.code, reply.msg) {
                    (Some(code), Some(msg)) => Err(Error::WebSocket(format!("request refused (code {code}): {msg}"))),
                    _ => Ok(reply.result),
                };
                match pending {
                    Pending::Subscribe(tx) => {
                        let _ = tx.send(result.map(|_| ()));
                    }
                    Pending::Request(tx) => {
                        let _ = tx.send(result);
                    }
                }
                return Outcome::Continue;
            }
        }
        // Neither data nor a reply: tell every subscriber of this connection, keep going.
        self.shared.dispatch_error(
            &self.streams,
            WsError::Decode { raw: text.to_string(), error: "not a stream message".into() },
        );
        Outcome::Continue
    }

    /// Sends a control message no sooner than the exchange's rate allows.
    async fn control(&mut self, socket: &mut Socket, body: serde_json::Value) -> bool {
        if let Some(last) = self.last_control {
            sleep_until(last + self.shared.config.control_interval).await;
        }
        self.last_control = Some(Instant::now());
        socket.send(Message::Text(body.to_string().into())).await.is_ok()
    }

    async fn connect(&self) -> std::result::Result<Socket, String> {
        let url = combined_url(&self.shared.url, &self.streams);
        tokio_tungstenite::connect_async(url).await.map(|(s, _)| s).map_err(|e| e.to_string())
    }

    fn fail_pending(&mut self, why: &str) {
        let error = || Error::WebSocket(format!("connection lost before the reply: {why}"));
        for (_, pending) in self.pending.drain() {
            match pending {
                Pending::Subscribe(tx) => {
                    let _ = tx.send(Err(error()));
                }
                Pending::Request(tx) => {
                    let _ = tx.send(Err(error()));
                }
            }
        }
    }
}

async fn run(shared: Arc<Shared>, streams: Vec<String>, mut commands: mpsc::UnboundedReceiver<Command>) {
    let config = shared.config.clone();
    let mut r = Runner { shared, streams, pending: HashMap::new(), last_control: None, dedupe: Dedupe::default() };
    let mut backoff = config.initial_backoff;
    loop {
        if r.shared.stopped.load(Ordering::Relaxed) {
            return;
        }
        let mut current = match r.connect().await {
            Ok(s) => s,
            Err(e) => {
                tracing::debug!(target: "aster::ws", error = %e, ?backoff, "connect failed");
                tokio::select! {
                    _ = sleep(backoff) => {}
                    cmd = commands.recv() => if matches!(cmd, Some(Command::Stop) | None) { return },
                }
                backoff = (backoff * 2).min(config.max_backoff);
                continue;
            }
        };
        backoff = config.initial_backoff;
        let mut born = Instant::now();
        // A replacement connection during a rollover, and when its overlap began.
        let mut next: Option<(Socket, Instant, bool)> = None;
        let reason = loop {
            let rollover_at = born + config.max_connection_age;
            tokio::select! {
                cmd = commands.recv() => match cmd {
                    Some(Command::Subscribe { names, id, reply }) => {
                        r.streams.extend(names.iter().cloned());
                        r.pending.insert(id, Pending::Subscribe(reply));
                        let body = serde_json::json!({ "method": "SUBSCRIBE", "params": names, "id": id });
                        if !r.control(&mut current, body).await {
                            break "the subscribe could not be sent".to_string();
                        }
                    }
                    Some(Command::Request { method, params, id, reply }) => {
                        if method == "UNSUBSCRIBE" {
                            let gone: Vec<&str> = params.iter().filter_map(|p| p.as_str()).collect();
                            r.streams.retain(|s| !gone.contains(&s.as_str()));
                        }
                        r.pending.insert(id, Pending::Request(reply));
                        let body = if params.is_empty() && method == "LIST_SUBSCRIPTIONS" {
                            serde_json::json!({ "method": method, "id": id })
                        } else {
                            serde_json::json!({ "method": method, "params": params, "id": id })
                        };
                        if !r.control(&mut current, body).await {
                            break "the request could not be sent".to_string();
                        }
                    }
                    Some(Command::Stop) | None => {
                        let _ = current.close(None).await;
                        if let Some((mut n, _, _)) = next {
                            let _ = n.close(None).await;
                        }
                        r.fail_pending("the client stopped");
                        return;
                    }
                },
                frame = current.next() => {
                    match r.frame(&mut current, frame).await {
                        Outcome::Closed(why) => match next.take() {
                            // The old connection ended during a rollover: the new one carries on.
                            Some((n, _, _)) => { current = n; born = Instant::now(); }
                            None => break why,
                        },
                        Outcome::Data { duplicate } => {
                            // The old connection delivered something the new one already had:
                            // it has caught up, so nothing is lost by closing it now.
                            let caught_up = duplicate && next.as_ref().is_some_and(|(_, _, live)| *live);
                            let overdue = next.as_ref().is_some_and(|(_, at, _)| at.elapsed() > Duration::from_secs(5));
                            if caught_up || overdue {
                                if let Some((n, _, _)) = next.take() {
                                    let _ = current.close(None).await;
                                    current = n;
                                    born = Instant::now();
                                }
                            }
                        }
                        Outcome::Continue => {}
                    }
                }
                frame = async { match next.as_mut() { Some((n, _, _)) => n.next().await, None => std::future::pending().await } } => {
                    let mut n = next.take();
                    let mut promote = false;
                    if let Some((sock, at, live)) = n.as_mut() {
                        match r.frame(sock, frame).await {
                            Outcome::Closed(_) => n = None,
                            Outcome::Data { .. } => {
                                *live = true;
                                promote = at.elapsed() > Duration::from_secs(5);
                            }
                            Outcome::Continue => {}
                        }
                    }
                    match n {
                        Some((sock, _, _)) if promote => {
                            let _ = current.close(None).await;
                            current = sock;
                            born = Instant::now();
                        }
                        other => next = other,
                    }
                }
                _ = sleep_until(rollover_at), if next.is_none() => {
                    r.dedupe.until = Some(Instant::now() + Duration::from_secs(30));
                    match r.connect().await {
                        Ok(s) => next = Some((s, Instant::now(), false)),
                        Err(e) => tracing::debug!(target: "aster::ws", error = %e, "replacement connection failed; retrying at the next age check"),
                    }
                    born = Instant::now() - config.max_connection_age + Duration::from_secs(1).min(config.max_connection_age);
                }
            }
        };
        tracing::debug!(target: "aster::ws", %reason, "connection lost; reconnecting");
        r.fail_pending(&reason);
        r.shared.dispatch_error(&r.streams, WsError::Reconnecting(reason));
        tokio::select! {
            _ = sleep(backoff) => {}
            cmd = commands.recv() => if matches!(cmd, Some(Command::Stop) | None) { return },
        }
        backoff = (backoff * 2).min(config.max_backoff);
    }
}
