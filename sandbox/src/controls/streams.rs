//! WebSocket knobs: dropped, stalled, flooded, half-open or refused connections, control replies, and what the hub holds.

use super::*;

/// How the stream hosts misbehave, and what they hold.
impl Sandbox {
    /// Drops every open WebSocket connection at once, as a network failure would.
    pub fn drop_ws_connections(&self) {
        self.shared.ws.generation.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Cuts WebSocket connections at this age (the exchange does at 24 hours); applies to
    /// connections opened from now on.
    pub fn set_ws_max_age(&self, age: Duration) {
        lock(&self.shared.ws.config).max_age = age;
    }

    /// How often connections get a ping frame; for connections opened from now on.
    pub fn set_ws_ping_interval(&self, every: Duration) {
        lock(&self.shared.ws.config).ping_interval = every;
    }

    /// Holds back every WebSocket message for `duration`, as a stalled network would.
    pub fn stall_ws(&self, duration: Duration) {
        lock(&self.shared.ws.config).stall_until = now_ms() + duration.as_millis() as i64;
    }

    /// Sends `count` messages of about `bytes` bytes each on the first stream of every open
    /// market connection, as a burst of huge payloads would.
    pub fn flood_ws(&self, count: usize, bytes: usize) {
        let mut c = lock(&self.shared.ws.config);
        c.flood_count = count;
        c.flood_bytes = bytes;
        c.flood += 1;
    }

    /// Sends one binary frame on every open connection.
    pub fn send_binary_ws_frame(&self) {
        lock(&self.shared.ws.config).binary += 1;
    }

    /// Accepts WebSocket handshakes and closes them at once (on) or serves them (off).
    pub fn set_ws_close_on_open(&self, on: bool) {
        lock(&self.shared.ws.config).close_on_open = on;
    }

    /// Leaves control requests unanswered (on) or answers them (off).
    pub fn set_ws_ignore_control(&self, on: bool) {
        lock(&self.shared.ws.config).ignore_control = on;
    }

    /// Answers every control request of `method` (`SUBSCRIBE`, `LIST_SUBSCRIPTIONS`, …) with
    /// `reply`, `{id}` standing for the request's id, and changes nothing; `None` answers
    /// them as the docs say again. For refusals in every shape (flat, nested `error`, no
    /// id) and replies that are no success (`{"id":{id}}`, `{"result":null,…}` to a list).
    pub fn answer_ws_control(&self, method: &str, reply: Option<&str>) {
        let mut c = lock(&self.shared.ws.config);
        c.control_replies.retain(|(m, _)| m != method);
        if let Some(reply) = reply {
            c.control_replies.push((method.to_string(), reply.to_string()));
        }
    }

    /// Refuses every WebSocket handshake with this HTTP status (`None`: serves them again),
    /// as the exchange does a misspelt stream name or a gateway a banned client.
    pub fn refuse_ws_handshakes(&self, status: Option<u16>) {
        lock(&self.shared.ws.config).refuse_handshakes = status;
    }

    /// Makes every connection a dead peer that neither reads nor writes nor closes (on),
    /// or lets them live again (off).
    pub fn set_ws_half_open(&self, on: bool) {
        lock(&self.shared.ws.config).half_open = on;
    }

    /// WebSocket connections accepted so far.
    pub fn ws_connections_opened(&self) -> u64 {
        self.shared.ws.next_connection.load(std::sync::atomic::Ordering::Relaxed) - 1
    }

    /// Sends one frame that is not JSON on every open connection.
    pub fn send_malformed_ws_frame(&self) {
        lock(&self.shared.ws.config).malformed += 1;
    }

    /// Accepts a handshake on an expired listen key and says `listenKeyExpired` on it (on),
    /// or refuses it with 400 (off, the default).
    pub fn set_ws_accept_dead_keys(&self, on: bool) {
        lock(&self.shared.ws.config).accept_dead_keys = on;
    }

    /// Blast mode: publishes `count` copies of `payload` on stream `name` as fast as the
    /// subscribed connections take them, for throughput benchmarks.
    pub async fn blast(&self, name: &str, payload: &str, count: usize) {
        let tx = &self.shared.ws.market;
        let (name, text): (std::sync::Arc<str>, std::sync::Arc<str>) = (name.into(), payload.into());
        for _ in 0..count {
            // Back-pressure: never run so far ahead that a connection would lag out.
            while tx.len() > 16_384 {
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
            let _ = tx.send((name.clone(), text.clone()));
        }
    }

    /// How many connections hold each stream now.
    pub fn ws_subscribers(&self) -> std::collections::BTreeMap<String, usize> {
        self.shared.ws.subscribers()
    }

    /// Every control message received: (connection id, time in ms).
    pub fn ws_control_log(&self) -> Vec<(u64, i64)> {
        lock(&self.shared.ws.control_log).clone()
    }
}
