//! The rate-limit governor: every call is admitted against the budgets of its host (request
//! weight and requests per IP, shared by every client of the process that talks to that
//! host) and of its account (orders), waiting for room instead of exceeding a limit; after
//! a 429 or 418 nothing goes to that host (or, for an order limit, from that account)
//! until the exchange's back-off ends.

mod budget;
mod credit;
mod limits;
mod seen;
#[cfg(feature = "redis")]
mod shared;
mod weight;
mod window;

pub use limits::{LimitKind, RateLimit, RateLimitSettings, RateUsage};
#[cfg(feature = "redis")]
pub use shared::SharedBudget;
pub(crate) use weight::WeightRule;

use crate::{Error, Result};
use budget::{AccountBudget, HostBudget};
use std::sync::Arc;
use std::time::Duration;

/// What one call costs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cost {
    pub weight: u32,
    /// Orders the call places (0 for anything else).
    pub orders: u32,
    /// A cancel, or an order that only reduces or closes: it may use the reserve.
    pub exit: bool,
}

/// One client's view of the budgets it spends from.
pub(crate) struct Governor {
    settings: RateLimitSettings,
    host: Arc<HostBudget>,
    account: Option<Arc<AccountBudget>>,
    /// Counts this client in while it acts for an account (the exit reserve is kept then).
    _account_client: Option<budget::AccountClient>,
    #[cfg(feature = "redis")]
    shared: Option<Shared>,
}

/// A client's part of a budget kept in Redis.
#[cfg(feature = "redis")]
struct Shared {
    budget: SharedBudget,
    host_key: String,
    account_key: Option<String>,
    /// Each window's use across every process, as the last take saw it.
    last_seen: std::sync::Mutex<Vec<RateUsage>>,
}

impl std::fmt::Debug for Governor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Governor").field("settings", &self.settings).finish_non_exhaustive()
    }
}

/// Whether a call must wait for the host's limits to be read first.
pub(crate) enum Admission {
    Admitted,
    /// The host's limits are not known yet: read them (`exchangeInfo`), then admit again.
    LimitsUnknown,
}

impl Governor {
    /// The governor of a client of `host` (its base URL) acting for `account` (its API key
    /// or wallet user, when it has one), starting from `defaults` until the exchange's
    /// limits are read.
    pub fn new(settings: RateLimitSettings, host: &str, account: Option<&str>, defaults: &[RateLimit]) -> Self {
        let host_budget = budget::host(host, defaults);
        if let Some(custom) = &settings.limits {
            host_budget.set_limits(custom);
        }
        #[cfg(feature = "redis")]
        let shared = settings.shared.clone().map(|budget| Shared {
            host_key: budget.host_key(host),
            account_key: account.map(|a| budget.account_key(host, &budget::account_digest(a))),
            budget,
            last_seen: Default::default(),
        });
        let account = account.map(|a| budget::account(host, a, &host_budget));
        let account_client = account.as_ref().map(|_| host_budget.account_client());
        Governor {
            settings,
            host: host_budget,
            account,
            _account_client: account_client,
            #[cfg(feature = "redis")]
            shared,
        }
    }

    /// Whether calls are paced at all (`RateLimitSettings::off` says no).
    pub fn enabled(&self) -> bool {
        self.settings.enabled
    }

    /// Admits a call that fits now while nobody queues (true: spent, send it). False: the
    /// call must go through [`Governor::admit`] (it has to wait, or the limits are still
    /// to be read). Refuses before sending as `admit` does.
    pub fn admit_at_once(&self, cost: Cost, learning: bool) -> Result<bool> {
        if !self.settings.enabled {
            return Ok(true);
        }
        let now = now_ms();
        self.check_back_off(cost, now)?;
        if !learning && self.host.limits_unknown(now) {
            return Ok(false);
        }
        // The queue is only for calls that must wait: the common call spends credit taken
        // ahead, or takes one lock (and credit for the calls after it).
        if self.shared_budget() || !self.host.queue_is_empty(cost.exit) {
            return Ok(false);
        }
        if cost.orders == 0 && self.host.spend_credit(cost.weight, now) {
            return Ok(true);
        }
        Ok(self.take_local(cost, self.share(cost), now, true)? == 0)
    }

    /// The share of each limit a call may use: less the exit reserve unless it is an exit,
    /// or no client of the host acts for an account (none could send an exit).
    fn share(&self, cost: Cost) -> f64 {
        if cost.exit || !self.host.exits_possible() {
            self.settings.share
        } else {
            self.settings.share * (1.0 - self.settings.exit_reserve)
        }
    }

    /// Waits until the call fits every budget, then spends it. Refuses before sending when
    /// the host or account is backing off, when the call can never fit, or when the wait
    /// would exceed the configured maximum.
    pub async fn admit(&self, cost: Cost, learning: bool) -> Result<Admission> {
        if self.admit_at_once(cost, learning)? {
            return Ok(Admission::Admitted);
        }
        if !learning && self.host.limits_unknown(now_ms()) {
            return Ok(Admission::LimitsUnknown);
        }
        let share = self.share(cost);
        let started = tokio::time::Instant::now();
        // One queue per kind of call: exits never wait behind calls that wait for room.
        let _queued = self.host.queue(cost.exit);
        let _turn = self.host.turnstile(cost.exit).lock().await;
        loop {
            self.check_back_off(cost, now_ms())?;
            let wait = self.take(cost, share).await?;
            if wait == 0 {
                return Ok(Admission::Admitted);
            }
            let wait = Duration::from_millis(wait as u64);
            if let Some(max) = self.settings.max_wait {
                if started.elapsed() + wait > max {
                    return Err(Error::WaitTooLong { wait: started.elapsed() + wait, max_wait: max });
                }
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Spends `cost` when it fits now (0), or says how long until it may (ms).
    async fn take(&self, cost: Cost, share: f64) -> Result<i64> {
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            let account = self.account.as_deref().filter(|_| cost.orders > 0);
            return self.take_shared(shared, account, cost, share).await;
        }
        self.take_local(cost, share, now_ms(), false)
    }

    /// [`Governor::take`] from this process's own budgets.
    fn take_local(&self, cost: Cost, share: f64, now: i64, ahead: bool) -> Result<i64> {
        let account = self.account.as_deref().filter(|_| cost.orders > 0);
        budget::take(&self.host, account, cost, share, now, ahead)
    }

    /// Whether the budget is kept in Redis (every take goes there, in turn).
    fn shared_budget(&self) -> bool {
        #[cfg(feature = "redis")]
        return self.shared.is_some();
        #[cfg(not(feature = "redis"))]
        false
    }

    #[cfg(feature = "redis")]
    async fn take_shared(
        &self,
        shared: &Shared,
        account: Option<&AccountBudget>,
        cost: Cost,
        share: f64,
    ) -> Result<i64> {
        let (host_part, account_part) = budget::plan(&self.host, account, cost, share)?;
        let account_part = shared.account_key.as_deref().filter(|_| account.is_some()).map(|k| (k, &account_part[..]));
        match shared.budget.take((&shared.host_key, &host_part), account_part).await? {
            shared::Taken::Spent(usage) => {
                // Kept here too, so this process's own view stays whole.
                budget::spend(&self.host, account, cost, now_ms());
                *shared.last_seen.lock().unwrap_or_else(|e| e.into_inner()) = usage;
                Ok(0)
            }
            shared::Taken::Wait(ms) => Ok(ms),
            shared::Taken::BackingOff { left_ms, status, account: for_account } => {
                let until_ms = now_ms().saturating_add(left_ms);
                match (for_account, account) {
                    (true, Some(account)) => account.back_off(until_ms),
                    _ => self.host.back_off(until_ms, status),
                }
                Err(Error::BackingOff { until_ms, status_code: status })
            }
        }
    }

    fn check_back_off(&self, cost: Cost, now: i64) -> Result<()> {
        if let Some((until_ms, status_code)) = self.host.backing_off(now) {
            return Err(Error::BackingOff { until_ms, status_code });
        }
        if cost.orders > 0 {
            if let Some(until_ms) = self.account.as_ref().and_then(|a| a.backing_off(now)) {
                return Err(Error::BackingOff { until_ms, status_code: 429 });
            }
        }
        Ok(())
    }

    /// Held while the host's limits are read, so one caller reads them.
    pub fn learning(&self) -> &tokio::sync::Mutex<()> {
        self.host.learning()
    }

    pub fn limits_unknown(&self) -> bool {
        self.host.limits_unknown(now_ms())
    }

    /// The host's limits as read from `exchangeInfo` (or the defaults, when it said none).
    pub fn learn_limits(&self, limits: &[RateLimit]) {
        self.host.learned(limits);
    }

    /// The server's counts in a reply's headers, taken where higher than ours.
    pub fn observe_counts(&self, headers: &http::HeaderMap) {
        if !self.settings.enabled {
            return;
        }
        let now = now_ms();
        let note = |kind, interval, count| match (kind, &self.account) {
            (LimitKind::Orders, Some(account)) => account.note_count(interval, count, now),
            (LimitKind::Orders, None) => {}
            _ => self.host.note_count(interval, count, now),
        };
        // The headers are read once: kept for the shared budget too when there is one.
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            let (weight, orders) = limits::counts_in(headers);
            self.reconcile_shared(shared, &weight, &orders);
            let weight = weight.iter().map(|&(interval, count)| (LimitKind::RequestWeight, interval, count));
            let orders = orders.iter().map(|&(interval, count)| (LimitKind::Orders, interval, count));
            weight.chain(orders).for_each(|(kind, interval, count)| note(kind, interval, count));
            return;
        }
        limits::each_count(headers, note);
    }

    /// Where the server counted more than every process together did (a process outside
    /// the shared budget), the difference is added to it, in the background.
    #[cfg(feature = "redis")]
    fn reconcile_shared(&self, shared: &Shared, weight: &limits::Counts, orders: &limits::Counts) {
        // Most replies count no more than the last take saw: nothing to plan or send.
        let ahead: Vec<(LimitKind, i64, u64)> = {
            let last_seen = shared.last_seen.lock().unwrap_or_else(|e| e.into_inner());
            let beyond = |kind: LimitKind, &(interval, count): &(i64, u64)| {
                let seen = last_seen.iter().find(|u| u.kind == kind && u.interval.as_millis() as i64 == interval);
                seen.is_some_and(|u| count > u.used).then_some((kind, interval, count))
            };
            let orders = orders.iter().filter(|_| shared.account_key.is_some());
            weight
                .iter()
                .filter_map(|c| beyond(LimitKind::RequestWeight, c))
                .chain(orders.filter_map(|c| beyond(LimitKind::Orders, c)))
                .collect()
        };
        if ahead.is_empty() {
            return;
        }
        let (Ok((host_part, account_part)), Ok(runtime)) = (
            budget::plan(&self.host, self.account.as_deref(), Cost { weight: 0, orders: 0, exit: false }, 1.0),
            tokio::runtime::Handle::try_current(),
        ) else {
            return;
        };
        let work: Vec<(String, budget::Planned, u64)> = ahead
            .into_iter()
            .filter_map(|(kind, interval, count)| {
                let (prefix, part) = match kind {
                    LimitKind::Orders => (shared.account_key.clone()?, &account_part),
                    _ => (shared.host_key.clone(), &host_part),
                };
                let window = part.iter().find(|w| w.kind == kind && w.interval_ms == interval)?;
                Some((prefix, *window, count))
            })
            .collect();
        let budget = shared.budget.clone();
        runtime.spawn(async move {
            for (prefix, window, count) in work {
                if let Err(e) = budget.reconcile(&prefix, &window, count).await {
                    tracing::warn!(target: "aster::governor", error = %e, "the shared budget was not reconciled");
                }
            }
        });
    }

    /// A 429 or 418: the back-off every client of the host (or, for an order limit, of the
    /// account) keeps from now on.
    pub async fn observe_refusal(&self, outcome: Option<&Error>) {
        let now = now_ms();
        let Some(Error::RateLimited { status_code, retry_after, error_code, .. }) = outcome else { return };
        let retry_ms = retry_after.map(|s| i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX));
        // An order limit stops that account's orders; anything else the whole host.
        let (for_account, left_ms, status) =
            match (&self.account, *error_code == Some(crate::ErrorCode::TooManyOrders.code()), *status_code) {
                (Some(account), true, 429) => {
                    let left_ms = retry_ms.unwrap_or(10_000);
                    account.back_off(now.saturating_add(left_ms));
                    (true, left_ms, 429)
                }
                (_, _, status) => {
                    let minimum = if status == 418 { BAN_MINIMUM_MS } else { self.host.shortest_weight_interval() };
                    let left_ms = retry_ms.unwrap_or(minimum);
                    self.host.back_off(now.saturating_add(left_ms), status);
                    (false, left_ms, status)
                }
            };
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            // Awaited: the other processes must see it before this call's error returns.
            let prefix = if for_account { shared.account_key.as_deref() } else { Some(shared.host_key.as_str()) };
            if let Some(prefix) = prefix {
                if let Err(e) = shared.budget.back_off(prefix, left_ms, status).await {
                    tracing::warn!(target: "aster::governor", error = %e, "the back-off did not reach the shared budget");
                }
            }
        }
        #[cfg(not(feature = "redis"))]
        let _ = (for_account, left_ms, status);
    }

    /// Every limit this client spends from, and how much of it is used now.
    pub fn usage(&self) -> Vec<RateUsage> {
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            let seen = shared.last_seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
            if !seen.is_empty() {
                return seen;
            }
        }
        let now = now_ms();
        let mut usage = self.host.usage(now);
        if let Some(account) = &self.account {
            usage.extend(account.usage(now));
        }
        usage
    }
}

/// The docs' shortest IP ban, used when a 418 says no `Retry-After`.
const BAN_MINIMUM_MS: i64 = 2 * 60 * 1000;

use crate::clock::now_ms;

#[cfg(test)]
mod tests {
    use super::*;

    /// A governor of `host` under a limit of 100 weight a minute, acting for `account`.
    fn governor(host: &str, account: Option<&str>) -> Governor {
        let limits = vec![RateLimit::new(LimitKind::RequestWeight, Duration::from_secs(60), 100)];
        Governor::new(RateLimitSettings::default().limits(limits), host, account, &[])
    }

    /// How many calls of weight 1 are admitted at once, one after another.
    fn admitted(g: &Governor, exit: bool) -> usize {
        let cost = Cost { weight: 1, orders: 0, exit };
        (0..200).take_while(|_| g.admit_at_once(cost, false).unwrap()).count()
    }

    #[test]
    fn the_exit_reserve_is_kept_only_while_a_client_of_the_host_can_send_an_exit() {
        // No client of the host acts for an account: no exit can be sent, nothing is kept.
        assert_eq!(admitted(&governor("http://market-data.test", None), false), 100);
        // With a trading client on the host, every other call leaves the tenth to exits.
        let trader = governor("http://trading.test", Some("key"));
        let market_data = governor("http://trading.test", None);
        assert_eq!(admitted(&market_data, false), 90);
        assert_eq!(admitted(&trader, false), 0);
        assert_eq!(admitted(&trader, true), 10);
        // Once the trading client is gone, the reserve is free again.
        let trader = governor("http://traded.test", Some("key"));
        let market_data = governor("http://traded.test", None);
        drop(trader);
        assert_eq!(admitted(&market_data, false), 100);
    }
}
