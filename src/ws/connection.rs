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

/// What a socket yields.
type Frame = std::result::Result<Message, tokio_tungstenite::tungstenite::Error>;

/// How long old and new sockets of a rollover are read together at most.
const ROLLOVER_DEADLINE: Duration = Duration::from_secs(5);

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
    async fn frame(&mut self, socket: &mut Socket, frame: Option<Frame>) -> Outcome {
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

/// The sockets of a connection: the one read, and during a rollover its replacement (when
/// the overlap began, and whether it has delivered yet).
struct Link {
    current: Socket,
    next: Option<(Socket, Instant, bool)>,
    born: Instant,
    /// The server refused a replacement: the current socket serves until it is cut.
    replacement_refused: bool,
}

impl Link {
    fn new(current: Socket) -> Self {
        Link { current, next: None, born: Instant::now(), replacement_refused: false }
    }

    /// The replacement takes over; the old socket is closed unless it already ended.
    async fn promote(&mut self, close_old: bool) {
        if let Some((n, _, _)) = self.next.take() {
            let mut old = std::mem::replace(&mut self.current, n);
            if close_old {
                let _ = old.close(None).await;
            }
            self.born = Instant::now();
        }
    }

    async fn close(mut self) {
        if let Some((mut n, _, _)) = self.next.take() {
            let _ = n.close(None).await;
        }
        let _ = self.current.close(None).await;
    }
}

/// What one event of a connection's loop leads to.
enum Step {
    Continue,
    /// The connection is lost, for this reason: reconnect.
    Lost(String),
    /// The client stopped.
    Stop,
}

impl Runner {
    /// A command from the client while connected: SUBSCRIBE and requests go to the socket
    /// (and to its replacement during a rollover, so promotion strands nothing).
    async fn on_command(&mut self, link: &mut Link, cmd: Option<Command>) -> Step {
        self.pending.retain(|_, p| !p.abandoned());
        let (body, failed) = match cmd {
            Some(Command::Subscribe { names, id, reply }) => {
                self.streams.extend(names.iter().cloned());
                self.pending.insert(id, Pending::Subscribe(reply, names.clone()));
                (
                    serde_json::json!({ "method": "SUBSCRIBE", "params": names, "id": id }),
                    "the subscribe could not be sent",
                )
            }
            Some(Command::Request { method, params, id, reply }) => {
                if method == "UNSUBSCRIBE" {
                    let gone: Vec<&str> = params.iter().filter_map(|p| p.as_str()).collect();
                    self.streams.retain(|s| !gone.contains(&s.as_str()));
                }
                self.pending.insert(id, Pending::Request(reply, Expect::of(method)));
                let body = if params.is_empty() && method == "LIST_SUBSCRIPTIONS" {
                    serde_json::json!({ "method": method, "id": id })
                } else {
                    serde_json::json!({ "method": method, "params": params, "id": id })
                };
                (body, "the request could not be sent")
            }
            Some(Command::Stop) | None => return Step::Stop,
        };
        if !self.control(&mut link.current, &body).await {
            return Step::Lost(failed.to_string());
        }
        if let Some((n, _, _)) = link.next.as_mut() {
            let _ = self.control(n, &body).await;
        }
        Step::Continue
    }

    /// A frame of the socket in use.
    async fn on_current_frame(&mut self, link: &mut Link, frame: Option<Frame>) -> Step {
        match self.frame(&mut link.current, frame).await {
            // The old connection ended during a rollover: the new one carries on.
            Outcome::Closed(_) if link.next.is_some() => link.promote(false).await,
            Outcome::Closed(why) => return Step::Lost(why),
            Outcome::Data { duplicate } => {
                // The old connection delivered something the new one already had: it has
                // caught up, so nothing is lost by closing it now.
                let caught_up = duplicate && link.next.as_ref().is_some_and(|(_, _, live)| *live);
                let overdue = link.next.as_ref().is_some_and(|(_, at, _)| at.elapsed() > ROLLOVER_DEADLINE);
                if caught_up || overdue {
                    link.promote(true).await;
                }
            }
            Outcome::Continue => {}
        }
        Step::Continue
    }

    /// A frame of the replacement socket during a rollover; true when it took over.
    async fn on_next_frame(&mut self, link: &mut Link, frame: Option<Frame>) -> bool {
        let Some((mut sock, at, mut live)) = link.next.take() else { return false };
        match self.frame(&mut sock, frame).await {
            Outcome::Closed(_) => return false,
            Outcome::Data { .. } => live = true,
            Outcome::Continue => {}
        }
        let promote = live && at.elapsed() > ROLLOVER_DEADLINE;
        link.next = Some((sock, at, live));
        if promote {
            link.promote(true).await;
        }
        promote
    }

    /// Opens the replacement connection at the age cut.
    async fn roll_over(&mut self, link: &mut Link) {
        self.dedupe.until = Some(Instant::now() + Duration::from_secs(30));
        match self.connect().await {
            Ok(s) => link.next = Some((s, Instant::now(), false)),
            // The old socket serves until it is cut; its reconnect then ends the streams
            // with the refusal.
            Err(e) if e.refused => link.replacement_refused = true,
            Err(e) => {
                tracing::debug!(target: "aster::ws", error = %e, "replacement connection failed; retrying at the next age check")
            }
        }
        let age = self.shared.config.max_connection_age;
        link.born = Instant::now() - age + Duration::from_secs(1).min(age);
    }

    /// Serves one connection until it is lost (`Err` with why) or the client stops (`Ok`).
    async fn serve(
        &mut self,
        socket: Socket,
        commands: &mut mpsc::UnboundedReceiver<Command>,
        stop: &mut watch::Receiver<bool>,
    ) -> std::result::Result<(), String> {
        let config = self.shared.config.clone();
        let mut heartbeat = super::Heartbeat::new(config.heartbeat_interval, config.heartbeat_timeout);
        let mut link = Link::new(socket);
        let step = loop {
            let rollover_at = link.born + config.max_connection_age;
            let may_roll = link.next.is_none() && !link.replacement_refused;
            if let Some(body) = self.take_orphans() {
                if !self.control(&mut link.current, &body).await {
                    break Step::Lost("the unsubscribe could not be sent".into());
                }
            }
            let step = tokio::select! {
                _ = stop.changed() => Step::Stop,
                cmd = commands.recv() => self.on_command(&mut link, cmd).await,
                frame = link.current.next() => {
                    heartbeat.seen();
                    self.on_current_frame(&mut link, frame).await
                }
                frame = async { match link.next.as_mut() { Some((n, _, _)) => n.next().await, None => std::future::pending().await } } => {
                    if self.on_next_frame(&mut link, frame).await {
                        heartbeat.seen();
                    }
                    Step::Continue
                }
                _ = sleep_until(heartbeat.due()) => match heartbeat.on_due(&mut link.current).await {
                    Ok(()) => Step::Continue,
                    Err(why) => Step::Lost(why),
                },
                _ = sleep_until(rollover_at), if may_roll => {
                    self.roll_over(&mut link).await;
                    Step::Continue
                }
            };
            if !matches!(step, Step::Continue) {
                break step;
            }
        };
        match step {
            Step::Lost(why) => {
                link.close().await;
                Err(why)
            }
            _ => {
                let (current, next) = (link.current, link.next);
                self.stopped(current, next).await;
                Ok(())
            }
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
        let up_since = Instant::now();
        let reason = match connected {
            Ok(socket) => {
                if let Some(why) = down.take() {
                    r.shared.dispatch_error(&r.streams, WsError::Resumed(format!("reconnected after: {why}")));
                }
                match r.serve(socket, &mut commands, &mut stop).await {
                    Ok(()) => return,
                    Err(reason) => {
                        tracing::debug!(target: "aster::ws", %reason, "connection lost; reconnecting");
                        r.fail_pending(&reason);
                        reason
                    }
                }
            }
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
                tracing::debug!(target: "aster::ws", error = %e, "connect failed");
                // The first connect too: a stream that never started must not look quiet.
                format!("cannot connect: {}", e.message)
            }
        };
        r.shared.dispatch_error(&r.streams, WsError::Reconnecting(reason.clone()));
        down.get_or_insert(reason);
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
