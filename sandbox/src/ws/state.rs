//! What the WebSocket half shares across connections: the broadcast channels, subscriber
//! counts and the fault knobs. It depends on nothing else of the sandbox's state.

use crate::engine::types::AccountId;
use crate::sync::lock;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// Shared WebSocket state: the market and user broadcast channels, subscriber counts and
/// the fault knobs.
pub struct WsState {
    pub market: broadcast::Sender<(Arc<str>, Arc<str>)>,
    pub user: broadcast::Sender<(AccountId, Arc<str>)>,
    /// Spot user events, for connections on spot listen keys.
    pub spot_user: broadcast::Sender<(AccountId, Arc<str>)>,
    /// Prediction user events, for connections on the prediction host's listen keys.
    pub prediction_user: broadcast::Sender<(AccountId, Arc<str>)>,
    pub(super) subscribers: std::sync::Mutex<BTreeMap<String, usize>>,
    /// Bumped to drop every open connection.
    pub generation: std::sync::atomic::AtomicU64,
    pub config: std::sync::Mutex<WsConfig>,
    /// Control messages received per connection, for tests of the client's throttle.
    pub control_log: std::sync::Mutex<Vec<(u64, i64)>>,
    pub next_connection: std::sync::atomic::AtomicU64,
}

/// WebSocket behaviour knobs.
#[derive(Debug, Clone)]
pub struct WsConfig {
    pub ping_interval: Duration,
    /// Connections are cut at this age (the exchange: 24 hours).
    pub max_age: Duration,
    /// Pause sending until this time (ms), as a stalled connection would.
    pub stall_until: i64,
    /// Send one frame that is not JSON to every connection.
    pub malformed: u64,
    /// Send one binary frame to every connection.
    pub binary: u64,
    /// Bumped to send `flood_count` messages of `flood_bytes` bytes each, on the first stream
    /// of every market connection.
    pub flood: u64,
    pub flood_count: usize,
    pub flood_bytes: usize,
    /// Accept the handshake, then close at once.
    pub close_on_open: bool,
    /// Never answer control requests (SUBSCRIBE, LIST_SUBSCRIPTIONS, …).
    pub ignore_control: bool,
    /// Go silent without closing: read nothing (so answer no ping), send nothing, as a
    /// dead peer behind a half-open TCP connection.
    pub half_open: bool,
    /// Control requests of these methods are answered with this text instead (`{id}`
    /// stands for the request's id), and change nothing: refusals in any shape, replies
    /// without `result`.
    pub control_replies: Vec<(String, String)>,
    /// Refuse every WebSocket handshake with this HTTP status.
    pub refuse_handshakes: Option<u16>,
    /// Accept a handshake on an expired listen key (then say `listenKeyExpired` on it)
    /// instead of refusing it.
    pub accept_dead_keys: bool,
    /// Connections numbered below this do not announce their key's expiry: the key died
    /// quietly for them, and only later connections are told.
    pub quiet_below: u64,
}

impl Default for WsConfig {
    fn default() -> Self {
        WsConfig {
            ping_interval: Duration::from_secs(300),
            max_age: Duration::from_secs(24 * 3600),
            stall_until: 0,
            malformed: 0,
            binary: 0,
            flood: 0,
            flood_count: 0,
            flood_bytes: 0,
            close_on_open: false,
            ignore_control: false,
            half_open: false,
            control_replies: Vec::new(),
            refuse_handshakes: None,
            accept_dead_keys: false,
            quiet_below: 0,
        }
    }
}

impl WsState {
    /// The user events of a host: futures (`None`) or a spot engine's.
    pub fn user_channel(&self, market: Option<crate::engine::Venue>) -> &broadcast::Sender<(AccountId, Arc<str>)> {
        match market {
            None => &self.user,
            Some(crate::engine::Venue::Spot) => &self.spot_user,
            Some(crate::engine::Venue::Prediction) => &self.prediction_user,
        }
    }

    pub fn new() -> Self {
        WsState {
            market: broadcast::channel(65_536).0,
            user: broadcast::channel(4096).0,
            spot_user: broadcast::channel(4096).0,
            prediction_user: broadcast::channel(4096).0,
            subscribers: std::sync::Mutex::new(BTreeMap::new()),
            generation: std::sync::atomic::AtomicU64::new(0),
            config: std::sync::Mutex::new(WsConfig::default()),
            control_log: std::sync::Mutex::new(Vec::new()),
            next_connection: std::sync::atomic::AtomicU64::new(1),
        }
    }

    pub fn subscribers(&self) -> BTreeMap<String, usize> {
        lock(&self.subscribers).clone()
    }

    pub(super) fn add(&self, name: &str) {
        *lock(&self.subscribers).entry(name.to_string()).or_default() += 1;
    }

    pub(super) fn remove(&self, name: &str) {
        let mut subs = lock(&self.subscribers);
        if let Some(n) = subs.get_mut(name) {
            *n -= 1;
            if *n == 0 {
                subs.remove(name);
            }
        }
    }
}

impl Default for WsState {
    fn default() -> Self {
        Self::new()
    }
}
