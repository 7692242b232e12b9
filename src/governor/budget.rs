//! The budgets calls spend from, one per host and one per account on a host, shared by
//! every client of the process (a registry keeps them while a client uses them).

use super::limits::{LimitKind, RateLimit, RateUsage};
use super::window::Window;
use super::Cost;
use crate::{Error, Result};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU16, AtomicU32, AtomicU8, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, Weak};
use std::time::Duration;

/// A lock that survives a panic elsewhere: the counts stay usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A set of windows of one budget, each with what it counts, and the server's counts seen
/// since they were last read.
#[derive(Debug, Default)]
struct Windows(Vec<(LimitKind, Window)>, Seen);

/// The server's latest count per interval as `(interval ms, count, start of its fixed
/// window)`, kept by a reply and applied by the next call that reads the windows: a reply
/// then touches only this, and the next call applies it while it holds them anyway.
#[derive(Debug, Default)]
struct Seen {
    items: [(i64, u64, i64); Seen::MAX],
    len: usize,
}

impl Seen {
    /// As many intervals of one kind as a reply's counts keep.
    const MAX: usize = super::limits::Counts::MAX;

    /// Keeps the latest count of each interval: a later fixed window's, or the highest of
    /// the same window (replies may be read out of order).
    fn note(&mut self, interval: i64, count: u64, start: i64) {
        let seen = &mut self.items[..self.len];
        match seen.iter_mut().find(|(i, _, _)| *i == interval) {
            Some(item) if start > item.2 || (start == item.2 && count > item.1) => *item = (interval, count, start),
            Some(_) => {}
            None if self.len < Self::MAX => {
                self.items[self.len] = (interval, count, start);
                self.len += 1;
            }
            None => {}
        }
    }
}

impl Windows {
    /// Applies the server's counts seen since the last read, as of `now`.
    fn settle(&mut self, kind: LimitKind, now: i64) {
        let seen = std::mem::take(&mut self.1);
        for &(interval, used, start) in &seen.items[..seen.len] {
            for (_, w) in self.0.iter_mut().filter(|(k, w)| *k == kind && w.interval_ms == interval) {
                w.reconcile(used, start, now);
            }
        }
    }

    /// Takes `limits` of the kinds this budget keeps; a window whose interval stays keeps
    /// what it counted.
    fn set(&mut self, limits: &[RateLimit], kinds: &[LimitKind]) {
        let mut old = std::mem::take(&mut self.0);
        for l in limits.iter().filter(|l| kinds.contains(&l.kind)) {
            let at = old.iter().position(|(k, w)| *k == l.kind && w.interval_ms == l.interval_ms());
            let mut window = match at {
                Some(i) => old.swap_remove(i).1,
                None => Window::new(l.interval_ms(), l.limit),
            };
            window.limit = l.limit;
            self.0.push((l.kind, window));
        }
    }

    fn amount(kind: LimitKind, cost: Cost) -> u32 {
        match kind {
            LimitKind::RequestWeight => cost.weight,
            LimitKind::RawRequests => 1,
            LimitKind::Orders => cost.orders,
        }
    }

    /// The longest wait of any window for this cost under `share` of each limit.
    fn wait_for(&mut self, cost: Cost, share: f64, now: i64) -> Result<i64> {
        let mut longest = 0;
        for (kind, w) in &mut self.0 {
            let amount = Self::amount(*kind, cost);
            if amount == 0 {
                continue;
            }
            let cap = cap(w.limit, share);
            match w.wait_for(amount, cap, now) {
                Some(wait) => longest = longest.max(wait),
                None => return Err(over_limit(amount, cap, w.limit)),
            }
        }
        Ok(longest)
    }

    /// What this cost takes from each window under `share` of its limit, for a budget kept
    /// elsewhere; refused when it can never fit.
    #[cfg(feature = "redis")]
    fn plan(&self, cost: Cost, share: f64) -> Result<Vec<Planned>> {
        self.0
            .iter()
            .map(|(kind, w)| {
                let (amount, cap) = (Self::amount(*kind, cost), cap(w.limit, share));
                if u64::from(amount) > cap {
                    return Err(over_limit(amount, cap, w.limit));
                }
                Ok(Planned { kind: *kind, interval_ms: w.interval_ms, limit: w.limit, span_ms: w.span(), cap, amount })
            })
            .collect()
    }

    fn spend(&mut self, cost: Cost, now: i64) {
        for (kind, w) in &mut self.0 {
            let amount = Self::amount(*kind, cost);
            if amount > 0 {
                w.spend(amount, now);
            }
        }
    }

    /// The server's counts by interval, kept until the windows are next read.
    fn note(&mut self, counts: &[(i64, u64)], now: i64) {
        for &(interval, used) in counts {
            self.1.note(interval, used, now - now.rem_euclid(interval));
        }
    }

    fn usage(&mut self, now: i64) -> Vec<RateUsage> {
        self.0
            .iter_mut()
            .map(|(kind, w)| RateUsage {
                kind: *kind,
                interval: Duration::from_millis(w.interval_ms as u64),
                used: w.used(now),
                limit: w.limit,
            })
            .collect()
    }
}

/// `share` of `limit` rounded down, at least 1.
fn cap(limit: u32, share: f64) -> u64 {
    // The product is never negative, so the cast's truncation is the floor.
    ((f64::from(limit) * share) as u64).max(1)
}

/// Above the limit itself a cost never fits; above only the share, the caller asked for too
/// little of the limit to ever send it.
fn over_limit(amount: u32, cap: u64, limit: u32) -> Error {
    Error::OverLimit { weight: amount, limit: cap.min(u64::from(limit)) as u32 }
}

/// One window's part in a take from a budget kept elsewhere.
#[cfg(feature = "redis")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Planned {
    pub kind: LimitKind,
    pub interval_ms: i64,
    pub limit: u32,
    /// How long an entry counts (the interval and its guard).
    pub span_ms: i64,
    /// The most this client may have in the window.
    pub cap: u64,
    /// What the call takes (0: nothing, the window is only read).
    pub amount: u32,
}

#[cfg(feature = "redis")]
impl Planned {
    pub fn usage(&self, used: u64) -> RateUsage {
        RateUsage { kind: self.kind, interval: Duration::from_millis(self.interval_ms as u64), used, limit: self.limit }
    }
}

/// What a host's limits are known from.
const LIMITS_DEFAULT: u8 = 0;
const LIMITS_LEARNED: u8 = 1;

/// Re-read the exchange's limits this often.
const LIMITS_TTL_MS: i64 = 60 * 60 * 1000;

/// An IP's budget on one host: request weight and requests.
#[derive(Debug)]
pub(crate) struct HostBudget {
    windows: Mutex<Windows>,
    /// The order limits the host's accounts take.
    order_limits: Mutex<Vec<RateLimit>>,
    limits_state: AtomicU8,
    limits_read_at: AtomicI64,
    back_off_until: AtomicI64,
    back_off_status: AtomicU16,
    /// Calls that must wait queue here in order: one queue for exits, one for the rest.
    turnstiles: [tokio::sync::Mutex<()>; 2],
    /// How many calls are in each queue: while any are, new calls join it.
    queued: [AtomicU32; 2],
    learning: tokio::sync::Mutex<()>,
}

const HOST_KINDS: [LimitKind; 2] = [LimitKind::RequestWeight, LimitKind::RawRequests];

impl HostBudget {
    fn new(defaults: &[RateLimit]) -> Self {
        let mut windows = Windows::default();
        windows.set(defaults, &HOST_KINDS);
        HostBudget {
            windows: Mutex::new(windows),
            order_limits: Mutex::new(defaults.iter().filter(|l| l.kind == LimitKind::Orders).copied().collect()),
            limits_state: AtomicU8::new(LIMITS_DEFAULT),
            limits_read_at: AtomicI64::new(0),
            back_off_until: AtomicI64::new(0),
            back_off_status: AtomicU16::new(0),
            turnstiles: [tokio::sync::Mutex::new(()), tokio::sync::Mutex::new(())],
            queued: [AtomicU32::new(0), AtomicU32::new(0)],
            learning: tokio::sync::Mutex::new(()),
        }
    }

    pub fn turnstile(&self, exit: bool) -> &tokio::sync::Mutex<()> {
        &self.turnstiles[usize::from(exit)]
    }

    pub fn learning(&self) -> &tokio::sync::Mutex<()> {
        &self.learning
    }

    /// Whether the exchange's limits are still to be read (never, or long ago).
    pub fn limits_unknown(&self, now: i64) -> bool {
        let read_at = self.limits_read_at.load(Ordering::Relaxed);
        self.limits_state.load(Ordering::Relaxed) == LIMITS_DEFAULT || now - read_at > LIMITS_TTL_MS
    }

    /// Whether no call of this kind is queued for room.
    pub fn queue_is_empty(&self, exit: bool) -> bool {
        self.queued[usize::from(exit)].load(Ordering::Acquire) == 0
    }

    /// Counts a call into the queue of its kind until the guard drops.
    pub fn queue(&self, exit: bool) -> Queued<'_> {
        let count = &self.queued[usize::from(exit)];
        count.fetch_add(1, Ordering::AcqRel);
        Queued(count)
    }

    /// Limits a user set: they are the truth, never re-read.
    pub fn set_limits(&self, limits: &[RateLimit]) {
        self.apply(limits);
        self.limits_read_at.store(i64::MAX / 2, Ordering::Relaxed);
        self.limits_state.store(LIMITS_LEARNED, Ordering::Relaxed);
    }

    /// Limits read from the exchange (empty: it said none we know; the defaults stay).
    pub fn learned(&self, limits: &[RateLimit]) {
        if !limits.is_empty() {
            self.apply(limits);
        }
        self.limits_read_at.store(super::now_ms(), Ordering::Relaxed);
        self.limits_state.store(LIMITS_LEARNED, Ordering::Relaxed);
    }

    fn apply(&self, limits: &[RateLimit]) {
        lock(&self.windows).set(limits, &HOST_KINDS);
        *lock(&self.order_limits) = limits.iter().filter(|l| l.kind == LimitKind::Orders).copied().collect();
    }

    pub fn backing_off(&self, now: i64) -> Option<(i64, u16)> {
        let until = self.back_off_until.load(Ordering::Relaxed);
        (now < until).then(|| (until, self.back_off_status.load(Ordering::Relaxed)))
    }

    pub fn back_off(&self, until: i64, status: u16) {
        if self.back_off_until.fetch_max(until, Ordering::Relaxed) < until {
            self.back_off_status.store(status, Ordering::Relaxed);
        }
    }

    /// The shortest weight interval, the back-off after a 429 that said no `Retry-After`.
    pub fn shortest_weight_interval(&self) -> i64 {
        let windows = lock(&self.windows);
        windows
            .0
            .iter()
            .filter(|(k, _)| *k == LimitKind::RequestWeight)
            .map(|(_, w)| w.interval_ms)
            .min()
            .unwrap_or(60_000)
    }

    pub fn reconcile(&self, used_weight: &[(i64, u64)], now: i64) {
        if !used_weight.is_empty() {
            lock(&self.windows).note(used_weight, now);
        }
    }

    /// The windows, with the server's counts seen so far applied.
    fn windows(&self, now: i64) -> MutexGuard<'_, Windows> {
        let mut windows = lock(&self.windows);
        windows.settle(LimitKind::RequestWeight, now);
        windows
    }

    pub fn usage(&self, now: i64) -> Vec<RateUsage> {
        self.windows(now).usage(now)
    }
}

/// An account's order budget on one host.
#[derive(Debug)]
pub(crate) struct AccountBudget {
    windows: Mutex<Windows>,
    back_off_until: AtomicI64,
}

impl AccountBudget {
    /// Follows the host's order limits (they change when the exchange's are read).
    fn sync(&self, host: &HostBudget) {
        // Compared in place (the host's list is locked first, as everywhere): an order
        // call allocates nothing here.
        let limits = lock(&host.order_limits);
        let mut windows = lock(&self.windows);
        let same = windows.0.len() == limits.len()
            && windows
                .0
                .iter()
                .zip(limits.iter())
                .all(|((_, w), l)| w.interval_ms == l.interval_ms() && w.limit == l.limit);
        if !same {
            windows.set(&limits, &[LimitKind::Orders]);
        }
    }

    pub fn backing_off(&self, now: i64) -> Option<i64> {
        let until = self.back_off_until.load(Ordering::Relaxed);
        (now < until).then_some(until)
    }

    pub fn back_off(&self, until: i64) {
        self.back_off_until.fetch_max(until, Ordering::Relaxed);
    }

    pub fn reconcile(&self, order_count: &[(i64, u64)], now: i64) {
        if !order_count.is_empty() {
            lock(&self.windows).note(order_count, now);
        }
    }

    /// The windows, with the server's counts seen so far applied.
    fn windows(&self, now: i64) -> MutexGuard<'_, Windows> {
        let mut windows = lock(&self.windows);
        windows.settle(LimitKind::Orders, now);
        windows
    }

    pub fn usage(&self, now: i64) -> Vec<RateUsage> {
        self.windows(now).usage(now)
    }
}

/// A call's place in a queue, left when dropped.
pub(crate) struct Queued<'a>(&'a AtomicU32);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Spends `cost` from the host's (and the account's) budgets under `share` when it fits
/// them now (0); otherwise spends nothing and says how long until it may (ms).
pub(crate) fn take(
    host: &HostBudget,
    account: Option<&AccountBudget>,
    cost: Cost,
    share: f64,
    now: i64,
) -> Result<i64> {
    if let Some(account) = account {
        account.sync(host);
    }
    // Both held until spent, so no other call takes the room in between (always the
    // host's first: the only place two are held).
    let mut host_windows = host.windows(now);
    let mut wait = host_windows.wait_for(cost, share, now)?;
    let mut account_windows = account.map(|a| a.windows(now));
    if let Some(windows) = &mut account_windows {
        wait = wait.max(windows.wait_for(cost, share, now)?);
    }
    if wait == 0 {
        host_windows.spend(cost, now);
        if let Some(windows) = &mut account_windows {
            windows.spend(cost, now);
        }
    }
    Ok(wait)
}

/// What `cost` takes from the host's windows and, when given, the account's.
#[cfg(feature = "redis")]
pub(crate) fn plan(
    host: &HostBudget,
    account: Option<&AccountBudget>,
    cost: Cost,
    share: f64,
) -> Result<(Vec<Planned>, Vec<Planned>)> {
    let host_part = lock(&host.windows).plan(cost, share)?;
    let account_part = match account {
        Some(account) => {
            account.sync(host);
            let part = lock(&account.windows).plan(cost, share)?;
            part
        }
        None => Vec::new(),
    };
    Ok((host_part, account_part))
}

#[cfg(feature = "redis")]
pub(crate) fn spend(host: &HostBudget, account: Option<&AccountBudget>, cost: Cost, now: i64) {
    host.windows(now).spend(cost, now);
    if let Some(account) = account {
        account.windows(now).spend(cost, now);
    }
}

type Registry<T> = LazyLock<Mutex<HashMap<String, Weak<T>>>>;

static HOSTS: Registry<HostBudget> = LazyLock::new(Default::default);
static ACCOUNTS: Registry<AccountBudget> = LazyLock::new(Default::default);

/// The budget of `host` every client of the process shares.
pub(crate) fn host(host: &str, defaults: &[RateLimit]) -> Arc<HostBudget> {
    let mut hosts = lock(&HOSTS);
    hosts.retain(|_, b| b.strong_count() > 0);
    if let Some(b) = hosts.get(host).and_then(Weak::upgrade) {
        return b;
    }
    let b = Arc::new(HostBudget::new(defaults));
    hosts.insert(host.to_string(), Arc::downgrade(&b));
    b
}

/// The order budget of `account` on `host`.
pub(crate) fn account(host: &str, account: &str, host_budget: &HostBudget) -> Arc<AccountBudget> {
    let key = format!("{host} {}", account_digest(account));
    let mut accounts = lock(&ACCOUNTS);
    accounts.retain(|_, b| b.strong_count() > 0);
    if let Some(b) = accounts.get(&key).and_then(Weak::upgrade) {
        return b;
    }
    let b = Arc::new(AccountBudget { windows: Mutex::new(Windows::default()), back_off_until: AtomicI64::new(0) });
    b.sync(host_budget);
    accounts.insert(key, Arc::downgrade(&b));
    b
}

/// How an account is named in registries and shared stores: never the key as text.
pub(crate) fn account_digest(account: &str) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(account.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replys_count_is_applied_by_the_next_read_and_the_latest_count_wins() {
        let host = HostBudget::new(&[RateLimit::new(LimitKind::RequestWeight, Duration::from_secs(60), 100)]);
        let cost = Cost { weight: 1, orders: 0, exit: false };
        assert_eq!(take(&host, None, cost, 1.0, 1_000).unwrap(), 0);
        // Replies read out of order: the highest count of the window is kept, and a later
        // window's count replaces an earlier one's.
        host.reconcile(&[(60_000, 40)], 2_000);
        host.reconcile(&[(60_000, 30)], 2_100);
        let used = |host: &HostBudget, now| host.usage(now)[0].used;
        assert_eq!(used(&host, 2_200), 40, "our 1, and the 39 the server counted beyond it");
        host.reconcile(&[(60_000, 45)], 61_000);
        host.reconcile(&[(60_000, 90)], 59_000);
        assert_eq!(used(&host, 61_100), 85, "the new window's 45 on top of the 40 still in the last minute");
        // What is seen is applied before a take decides: 85 + 20 is over 100.
        host.reconcile(&[(60_000, 50)], 61_200);
        assert!(take(&host, None, Cost { weight: 20, ..cost }, 1.0, 61_300).unwrap() > 0);
    }
}
