//! The rate-limit governor: every call is admitted against the budgets of its host (request
//! weight and requests per IP, shared by every client of the process that talks to that
//! host) and of its account (orders), waiting for room instead of exceeding a limit; after
//! a 429 or 418 nothing goes to that host (or, for an order limit, from that account)
//! until the exchange's back-off ends.

mod budget;
mod limits;
mod weight;
mod window;

pub use limits::{LimitKind, RateLimit, RateLimitSettings, RateUsage};
pub(crate) use weight::weight;

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
        let account = account.map(|a| budget::account(host, a, &host_budget));
        Governor { settings, host: host_budget, account }
    }

    /// Whether calls are paced at all (`RateLimitSettings::off` says no).
    pub fn enabled(&self) -> bool {
        self.settings.enabled
    }

    /// Waits until the call fits every budget, then spends it. Refuses before sending when
    /// the host or account is backing off, when the call can never fit, or when the wait
    /// would exceed the configured maximum.
    pub async fn admit(&self, cost: Cost, learning: bool) -> Result<Admission> {
        if !self.settings.enabled {
            return Ok(Admission::Admitted);
        }
        self.check_back_off(cost)?;
        if !learning && self.host.limits_unknown() {
            return Ok(Admission::LimitsUnknown);
        }
        let started = tokio::time::Instant::now();
        // One queue per kind of call: exits never wait behind calls that wait for room.
        let _turn = self.host.turnstile(cost.exit).lock().await;
        loop {
            self.check_back_off(cost)?;
            let share =
                if cost.exit { self.settings.share } else { self.settings.share * (1.0 - self.settings.exit_reserve) };
            let now = now_ms();
            let account = self.account.as_deref().filter(|_| cost.orders > 0);
            let wait = budget::wait_for(&self.host, account, cost, share, now)?;
            if wait == 0 {
                budget::spend(&self.host, account, cost, now);
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

    fn check_back_off(&self, cost: Cost) -> Result<()> {
        let now = now_ms();
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
        self.host.limits_unknown()
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
        let (weight, orders) = limits::counts_in(headers);
        self.host.reconcile(&weight, now);
        if let Some(account) = &self.account {
            account.reconcile(&orders, now);
        }
    }

    /// A 429 or 418: the back-off every client of the host (or, for an order limit, of the
    /// account) keeps from now on.
    pub fn observe_refusal(&self, outcome: Option<&Error>) {
        let now = now_ms();
        if let Some(Error::RateLimited { status_code, retry_after, error_code, .. }) = outcome {
            let retry_ms = retry_after.map(|s| i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX));
            // An order limit stops that account's orders; anything else the whole host.
            match (&self.account, *error_code == Some(crate::ErrorCode::TooManyOrders.code()), *status_code) {
                (Some(account), true, 429) => account.back_off(now.saturating_add(retry_ms.unwrap_or(10_000))),
                (_, _, status) => {
                    let minimum = if status == 418 { BAN_MINIMUM_MS } else { self.host.shortest_weight_interval() };
                    self.host.back_off(now.saturating_add(retry_ms.unwrap_or(minimum)), status);
                }
            }
        }
    }

    /// Every limit this client spends from, and how much of it is used now.
    pub fn usage(&self) -> Vec<RateUsage> {
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
