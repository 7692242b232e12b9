//! One WebSocket connection: its subscriptions or its listen key, the messages it reads,
//! what it publishes, pings, limits, and the fault knobs that act on a live connection.

use super::{control, key_live, planned_reply, Control, Target, MAX_MESSAGES_PER_SECOND};
use crate::engine::AccountId;
use crate::state::{lock, now_ms, Shared};
use crate::ws::state::WsConfig;
use axum::extract::ws::{Message, WebSocket};
use serde_json::json;
use std::collections::{BTreeSet, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::time::Instant;

/// What the connection does after one input.
enum Step {
    Send(String),
    Quiet,
    End,
}

/// A user data connection's account, key and host (futures, or a spot engine's).
type UserKey = (AccountId, String, Option<crate::engine::Venue>);

struct Conn<'a> {
    shared: &'a Shared,
    id: u64,
    /// The hub's generation at connect: a bump ends every connection.
    generation: u64,
    cfg: WsConfig,
    subs: BTreeSet<String>,
    combined: bool,
    prefix: &'static str,
    user: Option<UserKey>,
    started: Instant,
    /// When the last second's messages came, for the messages-per-second limit.
    received: VecDeque<Instant>,
    /// The knob counters as last acted on: a bump since is a fault to show once.
    malformed_seen: u64,
    binary_seen: u64,
    flood_seen: u64,
}

/// Serves one connection until either side ends it.
pub async fn serve(shared: Arc<Shared>, mut socket: WebSocket, mut target: Target) {
    let ws = &shared.ws;
    // A user connection's events were subscribed when its key was accepted.
    let mut user = match &mut target {
        // Taken out; the receiver left in its place is dropped with the target.
        Target::User { events, .. } => std::mem::replace(events, ws.user.subscribe()),
        Target::Streams { .. } => ws.user.subscribe(),
    };
    let mut conn = Conn::new(&shared, target);
    if conn.cfg.close_on_open {
        let _ = socket.send(Message::Close(None)).await;
        return;
    }
    let mut market = ws.market.subscribe();
    for s in &conn.subs {
        ws.add(s);
    }
    let mut ping = tokio::time::interval_at(conn.started + conn.cfg.ping_interval, conn.cfg.ping_interval);
    let mut watch = tokio::time::interval(Duration::from_millis(20));
    loop {
        if !conn.outlast_half_open().await {
            break;
        }
        let step = tokio::select! {
            msg = socket.recv() => conn.on_message(msg),
            item = market.recv(), if conn.user.is_none() => conn.on_market(item),
            item = user.recv(), if conn.user.is_some() => conn.on_user(item),
            _ = ping.tick() => match socket.send(Message::Ping(Vec::new().into())).await {
                Ok(()) => Step::Quiet,
                Err(_) => Step::End,
            },
            _ = watch.tick() => conn.on_watch(&mut socket).await,
        };
        match step {
            Step::Quiet => {}
            Step::End => break,
            Step::Send(text) => {
                if !conn.send(&mut socket, text).await {
                    break;
                }
            }
        }
    }
    for s in &conn.subs {
        ws.remove(s);
    }
}

impl<'a> Conn<'a> {
    fn new(shared: &'a Shared, target: Target) -> Self {
        let ws = &shared.ws;
        let cfg = lock(&ws.config).clone();
        let (subs, combined, user, prefix) = match target {
            Target::Streams { names, combined, prefix } => (names.into_iter().collect(), combined, None, prefix),
            Target::User { account, key, market, .. } => (BTreeSet::new(), false, Some((account, key, market)), ""),
        };
        Conn {
            shared,
            id: ws.next_connection.fetch_add(1, Ordering::Relaxed),
            generation: ws.generation.load(Ordering::Relaxed),
            malformed_seen: cfg.malformed,
            binary_seen: cfg.binary,
            flood_seen: cfg.flood,
            cfg,
            subs,
            combined,
            prefix,
            user,
            started: Instant::now(),
            received: VecDeque::new(),
        }
    }

    fn ended_by_hub(&self) -> bool {
        self.shared.ws.generation.load(Ordering::Relaxed) != self.generation
    }

    /// A dead peer: nothing read, nothing sent, nothing closed, until told otherwise.
    /// False when the hub ended the connection meanwhile.
    async fn outlast_half_open(&self) -> bool {
        let config = &self.shared.ws.config;
        while lock(config).half_open && !self.ended_by_hub() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        !self.ended_by_hub()
    }

    /// A message from the client: a control request, counted against the limit.
    fn on_message(&mut self, msg: Option<Result<Message, axum::Error>>) -> Step {
        let text = match msg {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Step::End,
            Some(Ok(_)) => return Step::Quiet,
        };
        let ws = &self.shared.ws;
        let at = Instant::now();
        self.received.push_back(at);
        while self.received.front().is_some_and(|t| at.duration_since(*t) > Duration::from_secs(1)) {
            self.received.pop_front();
        }
        lock(&ws.control_log).push((self.id, now_ms()));
        if self.received.len() > MAX_MESSAGES_PER_SECOND {
            return Step::End;
        }
        let reply = match planned_reply(ws, text.as_str()) {
            Some(planned) => Control::Planned(planned),
            None => {
                let ex = lock(&self.shared.exchange);
                control(&ex, ws, &mut self.subs, &mut self.combined, self.prefix, text.as_str())
            }
        };
        match reply {
            Control::Reply(_) if lock(&ws.config).ignore_control => Step::Quiet,
            Control::Reply(v) => Step::Send(v.to_string()),
            Control::Planned(text) => Step::Send(text),
            Control::Close => Step::End,
        }
    }

    /// A published market message: sent when subscribed, wrapped on a combined stream.
    fn on_market(&self, item: Result<(Arc<str>, Arc<str>), broadcast::error::RecvError>) -> Step {
        match item {
            Ok((name, text)) if self.subs.contains(&*name) => Step::Send(if self.combined {
                let name = &name[self.prefix.len()..];
                format!("{{\"stream\":\"{name}\",\"data\":{text}}}")
            } else {
                text.to_string()
            }),
            Ok(_) => Step::Quiet,
            // Too slow to keep up (a real exchange would drop such a connection), or closed.
            Err(_) => Step::End,
        }
    }

    /// A user data event: sent when it is this account's and the key still lives (a dead
    /// key carries nothing more, whether or not it said so).
    fn on_user(&self, item: Result<(AccountId, Arc<str>), broadcast::error::RecvError>) -> Step {
        match item {
            Ok((acct, text)) if self.user.as_ref().is_some_and(|(a, _, _)| *a == acct) && self.key_live() => {
                Step::Send(text.to_string())
            }
            Ok(_) => Step::Quiet,
            Err(_) => Step::End,
        }
    }

    fn key_live(&self) -> bool {
        let Some((account, key, market)) = &self.user else { return true };
        key_live(&lock(&self.shared.exchange), *account, key, *market, now_ms())
    }

    /// The periodic look: age and hub limits, fault knobs bumped since, the key's expiry.
    async fn on_watch(&mut self, socket: &mut WebSocket) -> Step {
        if self.ended_by_hub() || self.started.elapsed() >= self.cfg.max_age {
            return Step::End;
        }
        if !self.show_bumped_faults(socket).await {
            return Step::End;
        }
        let malformed = lock(&self.shared.ws.config).malformed;
        if malformed != self.malformed_seen {
            self.malformed_seen = malformed;
            return Step::Send("{\"stream\": this is not json".to_string());
        }
        if self.user.is_some() && !self.key_live() && self.id >= lock(&self.shared.ws.config).quiet_below {
            self.say_key_expired(socket).await;
            return Step::End;
        }
        Step::Quiet
    }

    /// A flood or a binary frame, once per bump of its knob; false when the socket failed.
    async fn show_bumped_faults(&mut self, socket: &mut WebSocket) -> bool {
        let (flood, count, size, binary) = {
            let c = lock(&self.shared.ws.config);
            (c.flood, c.flood_count, c.flood_bytes, c.binary)
        };
        if flood != self.flood_seen {
            self.flood_seen = flood;
            if let Some(name) = self.subs.iter().next().cloned() {
                let pad = "x".repeat(size.saturating_sub(60));
                for _ in 0..count {
                    let text = format!("{{\"stream\":\"{name}\",\"data\":{{\"e\":\"flood\",\"pad\":\"{pad}\"}}}}");
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
            }
        }
        if binary != self.binary_seen {
            self.binary_seen = binary;
            if socket.send(Message::Binary(vec![0u8, 159, 146, 150].into())).await.is_err() {
                return false;
            }
        }
        true
    }

    /// Says `listenKeyExpired`, then sends nothing more on the dead key until the client
    /// leaves or the hub ends the connection.
    async fn say_key_expired(&self, socket: &mut WebSocket) {
        let event = json!({ "e": "listenKeyExpired", "E": now_ms() }).to_string();
        let _ = socket.send(Message::Text(event.into())).await;
        let mut quiet = tokio::time::interval(Duration::from_millis(50));
        loop {
            tokio::select! {
                m = socket.recv() => if !matches!(m, Some(Ok(_))) { break },
                _ = quiet.tick() => if self.ended_by_hub() { break },
            }
        }
    }

    /// Sends one message, after any stall the fault knobs set; false when the socket failed.
    async fn send(&self, socket: &mut WebSocket, text: String) -> bool {
        let wait = lock(&self.shared.ws.config).stall_until - now_ms();
        if wait > 0 {
            tokio::time::sleep(Duration::from_millis(wait as u64)).await;
        }
        socket.send(Message::Text(text.into())).await.is_ok()
    }
}
