//! REST faults and what arrived: injected failures and latency, the request log.

use super::*;

/// How the REST API misbehaves, and what it was asked.
impl Sandbox {
    /// Makes the next `times` requests (to `path`, or to any path) fail with `fault`.
    pub fn inject(&self, path: Option<&str>, fault: Fault, times: u32) {
        lock(&self.shared.faults).push(path.map(str::to_string), fault, times);
    }

    /// Adds `latency` to every reply until changed.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.shared.faults).latency = latency;
    }

    /// Removes every planned fault and the added latency.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The latest requests (up to 1024), as (method, path), oldest first.
    pub fn requests(&self) -> Vec<(String, String)> {
        lock(&self.shared.request_log).iter().cloned().collect()
    }

    /// Counts `weight` against the IP's current window as if another process behind the
    /// same IP had spent it: only the usage header tells a client.
    pub fn spend_weight_elsewhere(&self, weight: u64) {
        let now = now_ms();
        let window_ms = lock(&self.shared.exchange).cfg.weight_window_ms.max(1);
        let mut l = lock(&self.shared.limits);
        l.enter_window(now.div_euclid(window_ms));
        l.used += weight;
    }

    /// How many requests have arrived since start.
    pub fn request_count(&self) -> u64 {
        self.shared.request_count.load(std::sync::atomic::Ordering::Relaxed)
    }
}
