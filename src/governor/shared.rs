//! A budget kept in Redis, for processes or machines that share one IP (its request weight)
//! or one account (its orders): every take from the budget is one Lua script, so two
//! processes can never both take the last of it, and a back-off one of them learns is seen
//! by the other before it sends anything. Time is the Redis server's, so the machines'
//! clocks need not agree.

use super::budget::Planned;
use super::limits::RateUsage;
use crate::{Error, Result};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::Arc;
use std::time::Duration;

/// A rate-limit budget shared through a Redis server by every process that names the same
/// server and namespace. Give each IP address its own namespace: the request weight counted
/// under it is that IP's, and the orders of each account are counted under it too.
///
/// Without the server no call is sent: an unreachable budget is
/// [`Error::BudgetUnavailable`], never a call made without counting it.
#[derive(Clone)]
pub struct SharedBudget {
    inner: Arc<Store>,
}

struct Store {
    client: redis::Client,
    connection: tokio::sync::OnceCell<ConnectionManager>,
    namespace: String,
}

impl std::fmt::Debug for SharedBudget {
    // The URL may carry a password: only the namespace is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedBudget").field("namespace", &self.inner.namespace).finish_non_exhaustive()
    }
}

impl PartialEq for SharedBudget {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

/// How long one exchange with the Redis server may take before the call fails unsent.
const REDIS_TIMEOUT: Duration = Duration::from_secs(1);

impl SharedBudget {
    /// A budget on the Redis server at `url` (`redis://host:port/db`, or `redis+unix:///path`),
    /// under `namespace`. Nothing connects until the first call.
    pub fn redis(url: &str, namespace: &str) -> Result<Self> {
        let client = redis::Client::open(url)
            .map_err(|e| Error::Config(format!("the shared budget's Redis URL is not usable ({:?})", e.kind())))?;
        let namespace = namespace.replace(['{', '}'], "_");
        Ok(SharedBudget { inner: Arc::new(Store { client, connection: Default::default(), namespace }) })
    }

    /// The namespace this budget counts under.
    pub fn namespace(&self) -> &str {
        &self.inner.namespace
    }

    async fn connection(&self) -> Result<ConnectionManager> {
        let store = &self.inner;
        let connection = store
            .connection
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(REDIS_TIMEOUT))
                    .set_response_timeout(Some(REDIS_TIMEOUT))
                    .set_number_of_retries(1);
                ConnectionManager::new_with_config(store.client.clone(), config).await.map_err(unavailable)
            })
            .await?;
        Ok(connection.clone())
    }

    /// The key prefix of `host`'s budget (the braces keep every key of a namespace in one
    /// slot of a Redis cluster, which a script needs).
    pub(crate) fn host_key(&self, host: &str) -> String {
        format!("aster:{{{}}}:host:{host}", self.inner.namespace)
    }

    /// The key prefix of an account's budget on `host` (`account_digest`, never the key).
    pub(crate) fn account_key(&self, host: &str, account_digest: &str) -> String {
        format!("aster:{{{}}}:account:{host}:{account_digest}", self.inner.namespace)
    }

    fn seq_key(&self) -> String {
        format!("aster:{{{}}}:seq", self.inner.namespace)
    }

    /// Takes `planned` from the windows under `host` and `account` if all of it fits, in
    /// one step no other process can come between.
    pub(crate) async fn take(&self, host: (&str, &[Planned]), account: Option<(&str, &[Planned])>) -> Result<Taken> {
        let mut invocation = TAKE.prepare_invoke();
        invocation.key(format!("{}:ban", host.0));
        invocation.key(format!("{}:ban", account.map_or(host.0, |a| a.0)));
        invocation.key(self.seq_key());
        for (prefix, windows) in std::iter::once(host).chain(account) {
            for w in windows {
                let key = window_key(prefix, w);
                invocation.key(&key).key(format!("{key}:total"));
                invocation.arg(w.span_ms).arg(w.cap).arg(w.amount);
            }
        }
        let reply: Vec<i64> = invocation.invoke_async(&mut self.connection().await?).await.map_err(unavailable)?;
        match reply.as_slice() {
            [0, totals @ ..] => {
                let usage = host.1.iter().chain(account.map_or(&[][..], |a| a.1));
                let usage = usage.zip(totals).map(|(w, &used)| w.usage(used.max(0) as u64)).collect();
                Ok(Taken::Spent(usage))
            }
            [1, wait_ms] => Ok(Taken::Wait((*wait_ms).max(1))),
            [2, left_ms, status, whose] => Ok(Taken::BackingOff {
                left_ms: *left_ms,
                status: u16::try_from(*status).unwrap_or(429),
                account: *whose == 1 && account.is_some(),
            }),
            _ => Err(Error::BudgetUnavailable {
                reason: "the shared budget's script replied in an unknown shape".into(),
            }),
        }
    }

    /// Nothing under `prefix` is taken for `left_ms` from now (a longer back-off stays).
    pub(crate) async fn back_off(&self, prefix: &str, left_ms: i64, status: u16) -> Result<()> {
        let mut invocation = BACK_OFF.prepare_invoke();
        invocation.key(format!("{prefix}:ban")).arg(left_ms.max(1)).arg(status);
        let _: i64 = invocation.invoke_async(&mut self.connection().await?).await.map_err(unavailable)?;
        Ok(())
    }

    /// The server counted `server_used` in its current fixed window of `w`'s interval:
    /// what it counted beyond the shared log (a process outside it) is added.
    pub(crate) async fn reconcile(&self, prefix: &str, w: &Planned, server_used: u64) -> Result<()> {
        let key = window_key(prefix, w);
        let mut invocation = RECONCILE.prepare_invoke();
        invocation.key(&key).key(format!("{key}:total")).key(self.seq_key());
        invocation.arg(w.interval_ms).arg(w.span_ms).arg(server_used);
        let _: i64 = invocation.invoke_async(&mut self.connection().await?).await.map_err(unavailable)?;
        Ok(())
    }
}

fn window_key(prefix: &str, w: &Planned) -> String {
    format!("{prefix}:{}:{}", w.kind.as_str(), w.interval_ms)
}

/// What a take did.
pub(crate) enum Taken {
    /// Spent; how much of each window is used now, across every process.
    Spent(Vec<RateUsage>),
    /// Nothing spent: room comes in this many ms.
    Wait(i64),
    /// Nothing spent: a process saw a 429 or 418, and the back-off has `left_ms` to run.
    BackingOff { left_ms: i64, status: u16, account: bool },
}

fn unavailable(e: redis::RedisError) -> Error {
    // The error's kind only: its text may echo the server's address and arguments.
    Error::BudgetUnavailable { reason: format!("Redis: {:?}", e.kind()) }
}

/// Entries of a window log are `"<seq>:<amount>"` scored by the time they were spent; a
/// companion `:total` key keeps their sum, so a take walks only what expires.
const LUA_HELPERS: &str = r#"
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function amount(member)
  return tonumber(string.match(member, ':(%d+)$'))
end
local function total_of(zset, total_key)
  local total = redis.call('GET', total_key)
  if total then return tonumber(total) end
  local sum = 0
  for _, m in ipairs(redis.call('ZRANGE', zset, 0, -1)) do sum = sum + amount(m) end
  return sum
end
local function add(zset, total_key, seq, at, spent, total, span)
  redis.call('ZADD', zset, at, seq .. ':' .. spent)
  redis.call('SET', total_key, total, 'PX', span)
  redis.call('PEXPIRE', zset, span)
end
"#;

/// KEYS: host ban, account ban, sequence, then per window its log and total.
/// ARGV: per window its span (ms), cap and the amount to take.
/// Returns `{0, used...}` when taken, `{1, wait ms}`, or `{2, ms left, status, 0 host | 1 account}`.
static TAKE: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
    redis::Script::new(&format!(
        "{LUA_HELPERS}{}",
        r#"
local now = now_ms()
for b = 1, 2 do
  local v = redis.call('GET', KEYS[b])
  if v then
    local until_ms, status = string.match(v, '^(%d+):(%d+)$')
    if until_ms and tonumber(until_ms) > now then
      return {2, tonumber(until_ms) - now, tonumber(status), b - 1}
    end
  end
end
local n = (#KEYS - 3) / 2
local totals, longest = {}, 0
for i = 1, n do
  local zset, total_key = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
  local span, cap, want = tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
  local total = total_of(zset, total_key)
  local gone = redis.call('ZRANGEBYSCORE', zset, '-inf', now - span)
  if #gone > 0 then
    for _, m in ipairs(gone) do total = total - amount(m) end
    redis.call('ZREMRANGEBYSCORE', zset, '-inf', now - span)
    if total < 0 then total = 0 end
    redis.call('SET', total_key, total, 'KEEPTTL')
  end
  totals[i] = total
  if want > 0 and total + want > cap then
    local excess, wait = total + want - cap, span
    local log = redis.call('ZRANGE', zset, 0, -1, 'WITHSCORES')
    for j = 1, #log, 2 do
      excess = excess - amount(log[j])
      if excess <= 0 then
        wait = math.max(tonumber(log[j + 1]) + span - now, 1)
        break
      end
    end
    if wait > longest then longest = wait end
  end
end
if longest > 0 then return {1, longest} end
local seq = redis.call('INCR', KEYS[3])
local out = {0}
for i = 1, n do
  local span, want = tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i])
  if want > 0 then
    totals[i] = totals[i] + want
    add(KEYS[2 + 2 * i], KEYS[3 + 2 * i], seq, now, want, totals[i], span)
  end
  out[i + 1] = totals[i]
end
return out
"#
    ))
});

/// KEYS: the ban. ARGV: ms from now, status. A later end already there stays.
static BACK_OFF: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
    redis::Script::new(&format!(
        "{LUA_HELPERS}{}",
        r#"
local until_ms = now_ms() + tonumber(ARGV[1])
local v = redis.call('GET', KEYS[1])
if v then
  local old = tonumber(string.match(v, '^(%d+):'))
  if old and old >= until_ms then return 0 end
end
redis.call('SET', KEYS[1], until_ms .. ':' .. ARGV[2], 'PX', tonumber(ARGV[1]))
return 1
"#
    ))
});

/// KEYS: a window's log, its total, the sequence. ARGV: interval, span, the server's count
/// in its fixed window now. Adds what the log lacks of it.
static RECONCILE: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
    redis::Script::new(&format!(
        "{LUA_HELPERS}{}",
        r#"
local now = now_ms()
local interval, span, server = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local ours = 0
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now - (now % interval), '+inf')) do
  ours = ours + amount(m)
end
local missing = server - ours
if missing <= 0 then return 0 end
local total = total_of(KEYS[1], KEYS[2]) + missing
add(KEYS[1], KEYS[2], redis.call('INCR', KEYS[3]), now, missing, total, span)
return missing
"#
    ))
});
