//! The budgets calls spend from, one per host and one per account on a host, shared by
//! every client of the process (a registry keeps them while a client uses them).

use super::credit::{self, Credit};
use super::limits::{LimitKind, RateLimit, RateUsage};
use super::seen::{self, SeenCounts};
use super::window::Window;
use super::Cost;
use crate::{Error, Result};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU16, AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, Weak};
use std::time::Duration;

/// A lock that survives a panic elsewhere: the counts stay usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A set of windows of one budget, each with what it counts.
#[derive(Debug, Default)]
struct Windows {
    list: Vec<(LimitKind, Window)>,
    /// The budget's server counts as last applied, per slot.
    applied: [u64; seen::SLOTS],
    /// When the host's outstanding credit was spent in these windows (None: none is).
    credit_spent_at: Option<i64>,
}

impl Windows {
    /// Applies the server's counts noted since the last read, as of `now`.
    fn settle(&mut self, seen: &SeenCounts, kind: LimitKind, now: i64) {
        for (interval, used, start) in seen.fresh(&mut self.applied) {
            for (_, w) in self.list.iter_mut().filter(|(k, w)| *k == kind && w.interval_ms == interval) {
                w.reconcile(used, start, now);
            }
        }
    }

    /// Takes `limits` of the kinds this budget keeps; a window whose interval stays keeps
    /// what it counted.
    /// `seen` follows the intervals of the kind the server's counts are read for.
    fn set(&mut self, limits: &[RateLimit], kinds: &[LimitKind], seen: &SeenCounts, counted: LimitKind) {
        let mut old = std::mem::take(&mut self.list);
        for l in limits.iter().filter(|l| kinds.contains(&l.kind)) {
            let at = old.iter().position(|(k, w)| *k == l.kind && w.interval_ms == l.interval_ms());
            let mut window = match at {
                Some(i) => old.swap_remove(i).1,
                None => Window::new(l.interval_ms(), l.limit),
            };
            window.limit = l.limit;
            self.list.push((l.kind, window));
        }
        seen.set_intervals(self.list.iter().filter(|(k, _)| *k == counted).map(|(_, w)| w.interval_ms));
    }

    /// What `cost` takes from a window of `kind`, as `requests` requests (1 for a call).
    fn amount(kind: LimitKind, cost: Cost, requests: u32) -> u32 {
        match kind {
            LimitKind::RequestWeight => cost.weight,
            LimitKind::RawRequests => requests,
            LimitKind::Orders => cost.orders,
        }
    }

    /// The longest wait of any window for this cost under `share` of each limit.
    fn wait_for(&mut self, cost: Cost, share: f64, now: i64) -> Result<i64> {
        let mut longest = 0;
        for (kind, w) in &mut self.list {
            let amount = Self::amount(*kind, cost, 1);
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
        self.list
            .iter()
            .map(|(kind, w)| {
                let (amount, cap) = (Self::amount(*kind, cost, 1), cap(w.limit, share));
                if u64::from(amount) > cap {
                    return Err(over_limit(amount, cap, w.limit));
                }
                Ok(Planned { kind: *kind, interval_ms: w.interval_ms, limit: w.limit, span_ms: w.span(), cap, amount })
            })
            .collect()
    }

    /// Takes back credit left unused: `cost`'s weight and `requests`, spent at `spent_at`.
    fn unspend(&mut self, cost: Cost, requests: u32, spent_at: i64) {
        for (kind, w) in &mut self.list {
            let amount = Self::amount(*kind, cost, requests);
            w.unspend(amount, spent_at);
        }
    }

    /// Spends room ahead for the calls that follow in this time slice (a part of what is
    /// left under `share`, so the rest stays for calls that must be counted one by one):
    /// the credit's weight, requests and end, or none when there is no room.
    fn take_ahead(&mut self, share: f64, now: i64) -> Option<(u32, u32, i64)> {
        let (mut weight, mut requests, mut ends) = (credit::MAX, credit::MAX, i64::MAX);
        for (kind, w) in &self.list {
            let cap = cap(w.limit, share);
            // A sixteenth of what is left, and at most a 64th of the limit: credit a
            // reply's count has not yet corrected can overshoot by no more than that.
            let ahead = u32::try_from((w.room(cap) / 16).min(cap / 64)).unwrap_or(u32::MAX);
            match kind {
                LimitKind::RequestWeight => weight = weight.min(ahead),
                LimitKind::RawRequests => requests = requests.min(ahead),
                LimitKind::Orders => continue,
            }
            ends = ends.min(w.slice_ends(now));
        }
        if weight == 0 || requests == 0 || ends == i64::MAX {
            return None;
        }
        self.spend(Cost { weight, orders: 0, exit: false }, requests, now);
        self.credit_spent_at = Some(now);
        Some((weight, requests, ends))
    }

    /// Spends `cost`'s weight and orders and `requests` requests.
    fn spend(&mut self, cost: Cost, requests: u32, now: i64) {
        for (kind, w) in &mut self.list {
            let amount = Self::amount(*kind, cost, requests);
            if amount > 0 {
                w.spend(amount, now);
            }
        }
    }

    fn usage(&mut self, now: i64) -> Vec<RateUsage> {
        self.list
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

/// Re-read the exchange's limits this often.
const LIMITS_TTL_MS: i64 = 60 * 60 * 1000;

/// An IP's budget on one host: request weight and requests.
#[derive(Debug)]
pub(crate) struct HostBudget {
    /// What every call reads, together.
    hot: Hot,
    windows: Mutex<Windows>,
    /// The order limits the host's accounts take.
    order_limits: Mutex<Vec<RateLimit>>,
    /// Calls that must wait queue here in order: one queue for exits, one for the rest.
    turnstiles: [tokio::sync::Mutex<()>; 2],
    learning: tokio::sync::Mutex<()>,
}

/// The part of a host's budget every call reads (a call admitted at once, a reply's
/// count), laid out so that the common call touches its first cache line only.
#[derive(Debug, Default)]
#[repr(C, align(64))]
struct Hot {
    credit: Credit,
    back_off_until: AtomicI64,
    /// When the exchange's limits were read (0: never; the defaults apply).
    limits_read_at: AtomicI64,
    /// How many calls are in each queue: while any are, new calls join it.
    queued: [AtomicU32; 2],
    /// How many clients of the host act for an account: only they can send an exit.
    accounts: AtomicU32,
    back_off_status: AtomicU16,
    /// The server's counts of request weight, noted by replies (the first interval's in
    /// the same cache line as the rest).
    seen: SeenCounts,
}

// The first interval's count (request weight a minute, on every API) shares the line.
const _: () = assert!(std::mem::offset_of!(Hot, seen) + 16 <= 64);

const HOST_KINDS: [LimitKind; 2] = [LimitKind::RequestWeight, LimitKind::RawRequests];

impl HostBudget {
    fn new(defaults: &[RateLimit]) -> Self {
        let (mut windows, hot) = (Windows::default(), Hot::default());
        windows.set(defaults, &HOST_KINDS, &hot.seen, LimitKind::RequestWeight);
        HostBudget {
            hot,
            windows: Mutex::new(windows),
            order_limits: Mutex::new(defaults.iter().filter(|l| l.kind == LimitKind::Orders).copied().collect()),
            turnstiles: [tokio::sync::Mutex::new(()), tokio::sync::Mutex::new(())],
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
        let read_at = self.hot.limits_read_at.load(Ordering::Relaxed);
        read_at == 0 || now - read_at > LIMITS_TTL_MS
    }

    /// Whether no call of this kind is queued for room.
    pub fn queue_is_empty(&self, exit: bool) -> bool {
        self.hot.queued[usize::from(exit)].load(Ordering::Acquire) == 0
    }

    /// Counts a call into the queue of its kind until the guard drops.
    pub fn queue(&self, exit: bool) -> Queued<'_> {
        let count = &self.hot.queued[usize::from(exit)];
        count.fetch_add(1, Ordering::AcqRel);
        Queued(count)
    }

    /// Limits a user set: they are the truth, never re-read.
    pub fn set_limits(&self, limits: &[RateLimit]) {
        self.apply(limits);
        self.hot.limits_read_at.store(i64::MAX / 2, Ordering::Relaxed);
    }

    /// Limits read from the exchange (empty: it said none we know; the defaults stay).
    pub fn learned(&self, limits: &[RateLimit]) {
        if !limits.is_empty() {
            self.apply(limits);
        }
        self.hot.limits_read_at.store(super::now_ms().max(1), Ordering::Relaxed);
    }

    fn apply(&self, limits: &[RateLimit]) {
        self.windows(super::now_ms()).set(limits, &HOST_KINDS, &self.hot.seen, LimitKind::RequestWeight);
        *lock(&self.order_limits) = limits.iter().filter(|l| l.kind == LimitKind::Orders).copied().collect();
    }

    pub fn backing_off(&self, now: i64) -> Option<(i64, u16)> {
        let until = self.hot.back_off_until.load(Ordering::Relaxed);
        (now < until).then(|| (until, self.hot.back_off_status.load(Ordering::Relaxed)))
    }

    pub fn back_off(&self, until: i64, status: u16) {
        if self.hot.back_off_until.fetch_max(until, Ordering::Relaxed) < until {
            self.hot.back_off_status.store(status, Ordering::Relaxed);
        }
    }

    /// The shortest weight interval, the back-off after a 429 that said no `Retry-After`.
    pub fn shortest_weight_interval(&self) -> i64 {
        let windows = lock(&self.windows);
        windows
            .list
            .iter()
            .filter(|(k, _)| *k == LimitKind::RequestWeight)
            .map(|(_, w)| w.interval_ms)
            .min()
            .unwrap_or(60_000)
    }

    /// Notes the server's count of request weight over `interval` in a reply read at `now`.
    pub fn note_count(&self, interval: i64, used: u64, now: i64) {
        self.hot.seen.note(interval, used, now);
    }

    /// Counts a client acting for an account in, until the guard drops.
    pub fn account_client(self: &Arc<Self>) -> AccountClient {
        self.hot.accounts.fetch_add(1, Ordering::AcqRel);
        AccountClient(self.clone())
    }

    /// Whether any client of the host could send an exit (it acts for an account): only
    /// then is the exit reserve kept.
    pub fn exits_possible(&self) -> bool {
        self.hot.accounts.load(Ordering::Acquire) > 0
    }

    /// Admits a call from the credit taken ahead (true), without a lock.
    pub fn spend_credit(&self, weight: u32, now: i64) -> bool {
        self.hot.credit.spend(weight, now)
    }

    /// The windows with the unused credit taken back and the server's counts noted so far
    /// applied: what they hold is then what was spent.
    fn windows(&self, now: i64) -> MutexGuard<'_, Windows> {
        let mut windows = lock(&self.windows);
        if let Some(spent_at) = windows.credit_spent_at.take() {
            let (weight, requests) = self.hot.credit.take_back();
            windows.unspend(Cost { weight, orders: 0, exit: false }, requests, spent_at);
        }
        windows.settle(&self.hot.seen, LimitKind::RequestWeight, now);
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
    /// The server's counts of orders, noted by replies.
    seen: SeenCounts,
    back_off_until: AtomicI64,
}

impl AccountBudget {
    /// Follows the host's order limits (they change when the exchange's are read).
    fn sync(&self, host: &HostBudget) {
        // Compared in place (the host's list is locked first, as everywhere): an order
        // call allocates nothing here.
        let limits = lock(&host.order_limits);
        let mut windows = lock(&self.windows);
        let same = windows.list.len() == limits.len()
            && windows
                .list
                .iter()
                .zip(limits.iter())
                .all(|((_, w), l)| w.interval_ms == l.interval_ms() && w.limit == l.limit);
        if !same {
            windows.set(&limits, &[LimitKind::Orders], &self.seen, LimitKind::Orders);
        }
    }

    pub fn backing_off(&self, now: i64) -> Option<i64> {
        let until = self.back_off_until.load(Ordering::Relaxed);
        (now < until).then_some(until)
    }

    pub fn back_off(&self, until: i64) {
        self.back_off_until.fetch_max(until, Ordering::Relaxed);
    }

    /// Notes the server's count of orders over `interval` in a reply read at `now`.
    pub fn note_count(&self, interval: i64, orders: u64, now: i64) {
        self.seen.note(interval, orders, now);
    }

    /// The windows, with the server's counts seen so far applied.
    fn windows(&self, now: i64) -> MutexGuard<'_, Windows> {
        let mut windows = lock(&self.windows);
        windows.settle(&self.seen, LimitKind::Orders, now);
        windows
    }

    pub fn usage(&self, now: i64) -> Vec<RateUsage> {
        self.windows(now).usage(now)
    }
}

/// A client acting for an account on a host, counted until dropped.
#[derive(Debug)]
pub(crate) struct AccountClient(Arc<HostBudget>);

impl Drop for AccountClient {
    fn drop(&mut self) {
        self.0.hot.accounts.fetch_sub(1, Ordering::AcqRel);
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
/// them now (0); otherwise spends nothing and says how long until it may (ms). With
/// `ahead`, a call that fits (and is not an exit) also takes credit for the calls that
/// follow.
pub(crate) fn take(
    host: &HostBudget,
    account: Option<&AccountBudget>,
    cost: Cost,
    share: f64,
    now: i64,
    ahead: bool,
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
        host_windows.spend(cost, 1, now);
        if let Some(windows) = &mut account_windows {
            windows.spend(cost, 1, now);
        }
        // Exits may spend the reserve: credit is taken under the share of every other call.
        if ahead && !cost.exit {
            if let Some((weight, requests, ends)) = host_windows.take_ahead(share, now) {
                host.hot.credit.issue(ends, weight, requests);
            }
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
    host.windows(now).spend(cost, 1, now);
    if let Some(account) = account {
        account.windows(now).spend(cost, 1, now);
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
    let b = Arc::new(AccountBudget {
        windows: Mutex::new(Windows::default()),
        seen: SeenCounts::default(),
        back_off_until: AtomicI64::new(0),
    });
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

    /// A call of weight 1 that places no order.
    const ONE: Cost = Cost { weight: 1, orders: 0, exit: false };

    fn weight_a_minute(limit: u32) -> HostBudget {
        HostBudget::new(&[RateLimit::new(LimitKind::RequestWeight, Duration::from_secs(60), limit)])
    }

    #[test]
    fn a_replys_count_is_applied_by_the_next_read_and_the_latest_count_wins() {
        let (host, cost) = (weight_a_minute(100), ONE);
        assert_eq!(take(&host, None, cost, 1.0, 1_000, false).unwrap(), 0);
        // Replies read out of order: the highest count of the window is kept, and a later
        // window's count replaces an earlier one's.
        host.note_count(60_000, 40, 2_000);
        host.note_count(60_000, 30, 2_100);
        let used = |host: &HostBudget, now| host.usage(now)[0].used;
        assert_eq!(used(&host, 2_200), 40, "our 1, and the 39 the server counted beyond it");
        host.note_count(60_000, 45, 61_000);
        host.note_count(60_000, 90, 59_000);
        assert_eq!(used(&host, 61_100), 85, "the new window's 45 on top of the 40 still in the last minute");
        // What is seen is applied before a take decides: 85 + 20 is over 100.
        host.note_count(60_000, 50, 61_200);
        assert!(take(&host, None, Cost { weight: 20, ..cost }, 1.0, 61_300, false).unwrap() > 0);
    }

    fn limits() -> [RateLimit; 3] {
        [
            RateLimit::new(LimitKind::RequestWeight, Duration::from_secs(60), 2_400),
            RateLimit::new(LimitKind::RequestWeight, Duration::from_secs(10), 600),
            RateLimit::new(LimitKind::RawRequests, Duration::from_secs(300), 30_000),
        ]
    }

    #[test]
    fn calls_admitted_from_credit_are_counted_as_calls_admitted_one_by_one() {
        // The same calls against two budgets: one admits from credit where it can, the
        // other takes every call under the lock. Every decision and every reading agree.
        let (ahead, one_by_one) = (HostBudget::new(&limits()), HostBudget::new(&limits()));
        let mut next = crate::testing::numbers_below(0x9e37_79b9_7f4a_7c15);
        let (mut now, mut from_credit, mut admitted_in_all, mut refused) = (1_000, 0, 0, 0);
        for step in 0..100_000 {
            // Bursts of calls a millisecond or so apart, with pauses between them that are
            // long in quiet spells and short in busy ones (calls then wait for room).
            let pause = if step / 10_000 % 2 == 0 { 800 } else { 100 };
            now += if next(8) == 0 { next(pause) } else { next(2) } as i64;
            let cost = Cost { weight: next(4) as u32, orders: 0, exit: next(10) == 0 };
            let share = if cost.exit { 1.0 } else { 0.9 };
            let credited = !cost.exit && ahead.spend_credit(cost.weight, now);
            from_credit += usize::from(credited);
            let admitted = credited || take(&ahead, None, cost, share, now, true).unwrap() == 0;
            let expected = take(&one_by_one, None, cost, share, now, false).unwrap() == 0;
            assert_eq!(admitted, expected, "step {step} at {now}");
            admitted_in_all += usize::from(admitted);
            refused += usize::from(!admitted);
            if next(50) == 0 {
                assert_eq!(ahead.usage(now), one_by_one.usage(now), "step {step} at {now}");
            }
        }
        assert!(
            from_credit * 3 > admitted_in_all && refused > 10_000,
            "over a third of the calls are admitted from credit ({from_credit} of {admitted_in_all}), and many wait ({refused})"
        );
    }

    #[test]
    fn unused_credit_is_taken_back_before_the_servers_count_is_applied() {
        let host = HostBudget::new(&limits());
        let cost = Cost { weight: 10, orders: 0, exit: false };
        assert_eq!(take(&host, None, cost, 1.0, 5_000, true).unwrap(), 0);
        assert!(host.spend_credit(1, 5_000), "credit was taken ahead");
        // The server counted 50 (others on the IP spent 39): the 11 spent here, not the
        // credit left over, is what its count is compared with.
        host.note_count(60_000, 50, 5_000);
        assert_eq!(host.usage(5_000)[0].used, 50);
        assert!(!host.spend_credit(1, 5_000), "reading the windows took the credit back");
    }

    #[test]
    fn a_replys_count_waits_for_the_credit_to_run_out_or_its_slice_to_end_and_no_longer() {
        // 6,400 a minute: credit holds at most a 64th (100), and a minute's slice is 60 ms.
        let (host, cost) = (weight_a_minute(6_400), ONE);
        assert_eq!(take(&host, None, cost, 1.0, 1_000, true).unwrap(), 0);
        host.note_count(60_000, 6_000, 1_001);
        // Until the credit is spent or its slice (960..1020) ends, calls spend it.
        assert!((0..100).all(|_| host.spend_credit(1, 1_019)));
        assert!(!host.spend_credit(1, 1_019), "the credit held 100");
        assert_eq!(take(&host, None, cost, 1.0, 1_019, true).unwrap(), 0);
        assert_eq!(host.usage(1_019)[0].used, 6_001, "the count is applied at the next lock");
        assert_eq!(take(&host, None, cost, 1.0, 1_019, true).unwrap(), 0);
        host.note_count(60_000, 6_390, 1_019);
        assert!(host.spend_credit(1, 1_019), "credit taken ahead before the count was seen");
        assert!(!host.spend_credit(1, 1_020), "its slice ended");
        assert!(take(&host, None, Cost { weight: 20, ..cost }, 1.0, 1_020, true).unwrap() > 0, "6,390 seen");
    }
}
