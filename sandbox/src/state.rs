//! The state every part of the sandbox shares: the exchange, rate-limit counters, fault
//! plans, the request log and the WebSocket hub. The HTTP front (`server`) and the
//! WebSocket half (`ws`) both depend on it, and not on each other's internals.

use crate::engine::{AccountId, Exchange};
use crate::faults::Faults;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Request weight and order counters.
#[derive(Debug, Default)]
pub struct Limits {
    /// The weight window the count is for (its start over the window length).
    pub(crate) window: i64,
    /// Bans so far: each lasts twice the one before.
    pub(crate) bans: u32,
    pub(crate) used: u64,
    /// Set when a 429 was sent in the current minute; another request then bans.
    pub(crate) warned: bool,
    pub(crate) banned_until: i64,
    pub(crate) orders: HashMap<AccountId, VecDeque<i64>>,
}

impl Limits {
    /// Moves the weight count to `window` (a new window starts empty and unwarned).
    pub(crate) fn enter_window(&mut self, window: i64) {
        if window != self.window {
            self.window = window;
            self.used = 0;
            self.warned = false;
        }
    }
}

/// Everything the HTTP and WebSocket halves share.
pub struct Shared {
    pub exchange: Mutex<Exchange>,
    pub limits: Mutex<Limits>,
    pub faults: Mutex<Faults>,
    /// The latest requests' method and path, oldest first, for tests that look at calls.
    pub request_log: Mutex<VecDeque<(String, String)>>,
    pub request_count: AtomicU64,
    pub ws: crate::ws::state::WsState,
    /// The weight usage header's name, for the configured window.
    pub weight_header: &'static str,
}

pub use crate::sync::lock;

impl Shared {
    pub fn new(exchange: Exchange) -> Self {
        // One name per sandbox, kept for its life.
        let weight_header: &'static str = crate::rate_limits::WeightRule::of(&exchange.cfg).header().leak();
        Shared {
            weight_header,
            exchange: Mutex::new(exchange),
            limits: Mutex::new(Limits::default()),
            faults: Mutex::new(Faults::default()),
            request_log: Mutex::new(VecDeque::new()),
            request_count: AtomicU64::new(0),
            ws: crate::ws::state::WsState::new(),
        }
    }
}
