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

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::{sleep_until, Instant};
use tokio_tungstenite::tungstenite::Message;

use super::Socket;

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
    /// The streams on this connection, shared with its task (which drops the ones nobody
    /// reads any more).
    streams: Arc<std::sync::Mutex<BTreeSet<String>>>,
    commands: mpsc::UnboundedSender<Command>,
    task: JoinHandle<()>,
}

/// A way to send commands to a connection without holding the connection list.
#[derive(Clone)]
pub(crate) struct Handle(mpsc::UnboundedSender<Command>);

impl Handle {
    pub(crate) fn send(&self, command: Command) {
        let _ = self.0.send(command);
    }
}

fn lock_set(set: &std::sync::Mutex<BTreeSet<String>>) -> std::sync::MutexGuard<'_, BTreeSet<String>> {
    set.lock().unwrap_or_else(|e| e.into_inner())
}

impl Connection {
    pub(crate) fn open(shared: Arc<Shared>, streams: Vec<String>) -> Connection {
        let (commands, rx) = mpsc::unbounded_channel();
        let set = Arc::new(std::sync::Mutex::new(streams.iter().cloned().collect()));
        let task = tokio::spawn(run(shared, streams, set.clone(), rx));
        Connection { streams: set, commands, task }
    }

    pub(crate) fn stream_count(&self) -> usize {
        lock_set(&self.streams).len()
    }

    pub(crate) fn add_stream(&mut self, name: &str) {
        lock_set(&self.streams).insert(name.to_string());
    }

    pub(crate) fn remove_stream(&mut self, name: &str) -> bool {
        lock_set(&self.streams).remove(name)
    }

    pub(crate) fn has_stream(&self, name: &str) -> bool {
        lock_set(&self.streams).contains(name)
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.task.is_finished()
    }

    pub(crate) fn handle(&self) -> Handle {
        Handle(self.commands.clone())
    }

    pub(crate) fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    /// Asks the task to close its sockets; past a second it is aborted, whatever the
    /// server does.
    pub(crate) async fn stop(self) {
        let _ = self.commands.send(Command::Stop);
        let abort = self.task.abort_handle();
        if tokio::time::timeout(Duration::from_secs(1), self.task).await.is_err() {
            abort.abort();
        }
    }
}

/// Reconnect delays with full jitter: uniform in [0, min(cap, base × 2^attempt)].
pub(crate) struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
    state: u64,
}

impl Backoff {
    pub(crate) fn new(base: Duration, cap: Duration) -> Self {
        use std::hash::BuildHasher;
        // Seeded per connection from the process's random state: shards draw apart.
        let state = std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now()) | 1;
        Backoff { base, cap, attempt: 0, state }
    }

    pub(crate) fn next_delay(&mut self) -> Duration {
        // xorshift64: plenty for spreading reconnects.
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        let ceiling = self.base.saturating_mul(1u32 << self.attempt.min(20)).min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        ceiling.mul_f64((self.state >> 11) as f64 / (1u64 << 53) as f64)
    }

    pub(crate) fn reset(&mut self) {
        self.attempt = 0;
    }
}

fn combined_path(streams: &[String]) -> String {
    format!("/stream?streams={}", streams.join("/"))
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    stream: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    data: &'a RawValue,
}

/// What a control request's `result` must be for the request to have succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// Present and `null`: SUBSCRIBE, UNSUBSCRIBE, SET_PROPERTY.
    Null,
    /// A list of stream names: LIST_SUBSCRIPTIONS.
    Names,
    /// Present and not `null`: GET_PROPERTY.
    Value,
}

impl Expect {
    pub(crate) fn of(method: &str) -> Expect {
        match method {
            "LIST_SUBSCRIPTIONS" => Expect::Names,
            "GET_PROPERTY" => Expect::Value,
            _ => Expect::Null,
        }
    }

    /// The result when `reply` (an object without an error marker) is this success shape.
    fn accept(self, reply: &serde_json::Map<String, serde_json::Value>) -> Result<serde_json::Value> {
        use serde_json::Value;
        let result = reply.get("result");
        let fits = match (self, result) {
            (Expect::Null, Some(Value::Null)) => true,
            (Expect::Names, Some(Value::Array(items))) => items.iter().all(Value::is_string),
            (Expect::Value, Some(v)) => !v.is_null(),
            _ => false,
        };
        match result {
            Some(v) if fits => Ok(v.clone()),
            _ => Err(Error::WebSocket(format!(
                "the reply is not a success ({self:?} result expected): {}",
                Error::excerpt(serde_json::Value::Object(reply.clone()).to_string().as_bytes(), 200)
            ))),
        }
    }
}

/// A refused control request, with the exchange's code and words.
fn refused(r: crate::request::verdict::Refusal) -> Error {
    match r.code {
        Some(code) => Error::WebSocket(format!("request refused (code {code}): {}", r.msg)),
        None => Error::WebSocket(format!("request refused: {}", r.msg)),
    }
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
    /// A SUBSCRIBE and the streams it asked for (dropped again if it is refused).
    Subscribe(oneshot::Sender<Result<()>>, Vec<String>),
    Request(oneshot::Sender<Result<serde_json::Value>>, Expect),
}

impl Pending {
    /// Whether the requester stopped waiting (its control timeout passed).
    fn abandoned(&self) -> bool {
        match self {
            Pending::Subscribe(tx, _) => tx.is_closed(),
            Pending::Request(tx, _) => tx.is_closed(),
        }
    }

    fn expect(&self) -> Expect {
        match self {
            Pending::Subscribe(..) => Expect::Null,
            Pending::Request(_, e) => *e,
        }
    }

    fn answer(self, result: Result<serde_json::Value>) {
        match self {
            Pending::Subscribe(tx, _) => {
                let _ = tx.send(result.map(|_| ()));
            }
            Pending::Request(tx, _) => {
                let _ = tx.send(result);
            }
        }
    }
}

/// The state of one connection task.
struct Runner {
    shared: Arc<Shared>,
    streams: Vec<String>,
    /// The same set the `Connection` sees.
    shared_streams: Arc<std::sync::Mutex<BTreeSet<String>>>,
    pending: HashMap<u64, Pending>,
    last_control: Option<Instant>,
    dedupe: Dedupe,
    /// Streams whose last subscriber went away, to unsubscribe.
    orphaned: Vec<String>,
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
            Some(Ok(Message::Binary(data))) => {
                // Not part of the protocol: say so rather than drop it.
                let raw = format!("<binary frame of {} bytes>", data.len());
                let error = "binary frames are not part of the stream protocol".to_string();
                self.shared.dispatch_error(&self.streams, WsError::Decode { raw, error });
                Outcome::Continue
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
            if !self.shared.dispatch(&env.stream, Arc::from(data)) && self.streams.iter().any(|s| *s == env.stream) {
                self.orphaned.push(env.stream.to_string());
            }
            return Outcome::Data { duplicate: false };
        }
        if let Ok(serde_json::Value::Object(reply)) = serde_json::from_str::<serde_json::Value>(text) {
            if self.control_reply(text, &reply) {
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

    /// Answers the pending request a control reply is for: success only for the request's
    /// success shape with no error marker (the same rule as REST replies). A refusal that
    /// names no request fails every pending one, since any of them may be what was refused.
    /// False when the object is no control reply.
    fn control_reply(&mut self, text: &str, reply: &serde_json::Map<String, serde_json::Value>) -> bool {
        use crate::request::verdict::{refusal, Channel};
        let refusal = refusal(text.as_bytes(), Channel::Control);
        let id = reply.get("id").and_then(serde_json::Value::as_u64);
        let Some(pending) = id.and_then(|id| self.pending.remove(&id)) else {
            return match refusal {
                Some(r) if id.is_none() && !self.pending.is_empty() => {
                    for (_, p) in self.pending.drain() {
                        p.answer(Err(refused(r.clone())));
                    }
                    true
                }
                // A late answer to a request whose caller stopped waiting.
                None if id.is_some() => true,
                _ => false,
            };
        };
        let result = match refusal {
            Some(r) => Err(refused(r)),
            None => pending.expect().accept(reply),
        };
        if let (Err(_), Pending::Subscribe(_, names)) = (&result, &pending) {
            // Refused streams are not asked for again on a reconnect.
            self.streams.retain(|s| !names.contains(s));
            let mut set = lock_set(&self.shared_streams);
            for n in names {
                set.remove(n);
            }
        }
        pending.answer(result);
        true
    }

    /// Sends a control message no sooner than the exchange's rate allows.
    async fn control(&mut self, socket: &mut Socket, body: &serde_json::Value) -> bool {
        if let Some(last) = self.last_control {
            sleep_until(last + self.shared.config.control_interval).await;
        }
        self.last_control = Some(Instant::now());
        socket.send(Message::Text(body.to_string().into())).await.is_ok()
    }

    /// Opens a socket for the current streams, within the client's connect ceiling and the
    /// control timeout.
    async fn connect(&self) -> std::result::Result<Socket, super::DialError> {
        self.shared.open(&combined_path(&self.streams)).await
    }

    /// The client stopped: both sockets are closed and every pending reply is failed.
    async fn stopped(&mut self, mut current: Socket, next: Option<(Socket, Instant, bool)>) {
        let _ = current.close(None).await;
        if let Some((mut n, _, _)) = next {
            let _ = n.close(None).await;
        }
        self.fail_pending("the client stopped");
    }

    fn fail_pending(&mut self, why: &str) {
        let error = || Error::WebSocket(format!("connection lost before the reply: {why}"));
        for (_, pending) in self.pending.drain() {
            pending.answer(Err(error()));
        }
    }

    /// A command that arrives while there is no socket: subscriptions join the streams
    /// the reconnect asks for; requests fail at once.
    fn command_offline(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::Subscribe { names, reply, .. } => {
                self.streams.extend(names);
                let _ = reply.send(Ok(()));
                true
            }
            Command::Request { reply, .. } => {
                let _ = reply.send(Err(Error::WebSocket("not connected; reconnecting".into())));
                true
            }
            Command::Stop => false,
        }
    }

    /// Drops the streams nobody reads any more and returns their UNSUBSCRIBE, if any.
    fn take_orphans(&mut self) -> Option<serde_json::Value> {
        if self.orphaned.is_empty() {
            return None;
        }
        let gone: Vec<String> = std::mem::take(&mut self.orphaned);
        self.streams.retain(|s| !gone.contains(s));
        let mut set = self.shared_streams.lock().unwrap_or_else(|e| e.into_inner());
        for g in &gone {
            set.remove(g);
        }
        Some(serde_json::json!({ "method": "UNSUBSCRIBE", "params": gone, "id": self.shared.next_id() }))
    }
}

/// Waits `delay` unless the client stops; answers commands meanwhile. False when stopped.
async fn wait_offline(
    r: &mut Runner,
    delay: Duration,
    commands: &mut mpsc::UnboundedReceiver<Command>,
    stop: &mut watch::Receiver<bool>,
) -> bool {
    let until = Instant::now() + delay;
    loop {
        tokio::select! {
            _ = sleep_until(until) => return true,
            _ = stop.changed() => return false,
            cmd = commands.recv() => match cmd {
                Some(cmd) => if !r.command_offline(cmd) { return false },
                None => return false,
            },
        }
    }
}

async fn run(
    shared: Arc<Shared>,
    streams: Vec<String>,
    shared_streams: Arc<std::sync::Mutex<BTreeSet<String>>>,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    let config = shared.config.clone();
    let mut stop = shared.stop_signal.subscribe();
    let mut r = Runner {
        shared,
        streams,
        shared_streams,
        pending: HashMap::new(),
        last_control: None,
        dedupe: Dedupe::default(),
        orphaned: Vec::new(),
    };
    let mut backoff = Backoff::new(config.initial_backoff, config.max_backoff);
    // Why the stream is down, once it was up: reported again when it is back.
    let mut down: Option<String> = None;
    loop {
        if *stop.borrow() {
            r.fail_pending("the client stopped");
            return;
        }
        let connected = tokio::select! {
            c = r.connect() => c,
            _ = stop.changed() => { r.fail_pending("the client stopped"); return; }
        };
        let mut current = match connected {
            Ok(s) => s,
            Err(e) if e.refused => {
                // Asking again would be refused again, and counts against the IP's limits.
                let why = format!("the server refused the stream(s) {}: {e}", r.streams.join(", "));
                tracing::warn!(target: "aster::ws", %why, "stream refused");
                r.fail_pending(&why);
                r.shared.end_streams(&r.streams, &why);
                lock_set(&r.shared_streams).clear();
                return;
            }
            Err(e) => {
                let e = e.message;
                tracing::debug!(target: "aster::ws", error = %e, "connect failed");
                // The first connect too: a stream that never started must not look quiet.
                r.shared.dispatch_error(&r.streams, WsError::Reconnecting(format!("cannot connect: {e}")));
                down.get_or_insert(e);
                let delay = backoff.next_delay();
                if !wait_offline(&mut r, delay, &mut commands, &mut stop).await {
                    r.fail_pending("the client stopped");
                    return;
                }
                continue;
            }
        };
        if let Some(why) = down.take() {
            r.shared.dispatch_error(&r.streams, WsError::Resumed(format!("reconnected after: {why}")));
        }
        let mut born = Instant::now();
        let up_since = born;
        let mut heartbeat = super::Heartbeat::new(config.heartbeat_interval, config.heartbeat_timeout);
        // A replacement connection during a rollover, and when its overlap began.
        let mut next: Option<(Socket, Instant, bool)> = None;
        let mut replacement_refused = false;
        let reason = loop {
            let rollover_at = born + config.max_connection_age;
            if let Some(body) = r.take_orphans() {
                if !r.control(&mut current, &body).await {
                    break "the unsubscribe could not be sent".to_string();
                }
            }
            tokio::select! {
                _ = stop.changed() => {
                    r.stopped(current, next).await;
                    return;
                }
                cmd = commands.recv() => {
                    r.pending.retain(|_, p| !p.abandoned());
                    match cmd {
                    Some(Command::Subscribe { names, id, reply }) => {
                        r.streams.extend(names.iter().cloned());
                        r.pending.insert(id, Pending::Subscribe(reply, names.clone()));
                        let body = serde_json::json!({ "method": "SUBSCRIBE", "params": names, "id": id });
                        if !r.control(&mut current, &body).await {
                            break "the subscribe could not be sent".to_string();
                        }
                        // During a rollover the replacement must carry the stream too.
                        if let Some((n, _, _)) = next.as_mut() {
                            let _ = r.control(n, &body).await;
                        }
                    }
                    Some(Command::Request { method, params, id, reply }) => {
                        if method == "UNSUBSCRIBE" {
                            let gone: Vec<&str> = params.iter().filter_map(|p| p.as_str()).collect();
                            r.streams.retain(|s| !gone.contains(&s.as_str()));
                        }
                        r.pending.insert(id, Pending::Request(reply, Expect::of(method)));
                        let body = if params.is_empty() && method == "LIST_SUBSCRIPTIONS" {
                            serde_json::json!({ "method": method, "id": id })
                        } else {
                            serde_json::json!({ "method": method, "params": params, "id": id })
                        };
                        if !r.control(&mut current, &body).await {
                            break "the request could not be sent".to_string();
                        }
                        // During a rollover the request goes to both sockets: whichever is
                        // kept answers it, so promotion never strands a pending request.
                        if let Some((n, _, _)) = next.as_mut() {
                            let _ = r.control(n, &body).await;
                        }
                    }
                    Some(Command::Stop) | None => {
                        r.stopped(current, next).await;
                        return;
                    }
                }},
                frame = current.next() => {
                    heartbeat.seen();
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
                            heartbeat.seen();
                        }
                        other => next = other,
                    }
                }
                _ = sleep_until(heartbeat.due()) => {
                    if let Err(why) = heartbeat.on_due(&mut current).await {
                        break why;
                    }
                }
                _ = sleep_until(rollover_at), if next.is_none() && !replacement_refused => {
                    r.dedupe.until = Some(Instant::now() + Duration::from_secs(30));
                    match r.connect().await {
                        Ok(s) => next = Some((s, Instant::now(), false)),
                        // The old socket serves until it is cut; its reconnect then ends
                        // the streams with the refusal.
                        Err(e) if e.refused => replacement_refused = true,
                        Err(e) => tracing::debug!(target: "aster::ws", error = %e, "replacement connection failed; retrying at the next age check"),
                    }
                    born = Instant::now() - config.max_connection_age + Duration::from_secs(1).min(config.max_connection_age);
                }
            }
        };
        tracing::debug!(target: "aster::ws", %reason, "connection lost; reconnecting");
        let _ = current.close(None).await;
        r.fail_pending(&reason);
        r.shared.dispatch_error(&r.streams, WsError::Reconnecting(reason.clone()));
        down = Some(reason);
        // Only a connection that stayed up a while proves the server healthy again.
        if up_since.elapsed() >= config.healthy_after {
            backoff.reset();
        }
        let delay = backoff.next_delay();
        if !wait_offline(&mut r, delay, &mut commands, &mut stop).await {
            r.fail_pending("the client stopped");
            return;
        }
    }
}
