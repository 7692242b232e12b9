//! The rate-limit budget shared through a real Redis server (`redis-server` on loopback,
//! started here): processes that share it stay under the limit together, and a ban one of
//! them meets stops the others before they send anything.
//!
//! The other processes are this test binary run again with a role in its environment.
#![cfg(feature = "redis")]

mod common;
use aster::{Error, RateLimitSettings, SharedBudget};
use aster_sandbox::{Fault, Sandbox};
use common::load::{run_load, small_limits, Tally};
use common::*;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// A `redis-server` of this test's own, on a free loopback port, stopped when dropped.
struct RedisServer {
    child: Child,
    url: String,
}

impl RedisServer {
    fn start() -> RedisServer {
        Self::start_on(TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port())
    }

    fn start_on(port: u16) -> RedisServer {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "these tests need `redis-server` on the PATH (Debian's redis-server package; \
                     .ci/run installs it): {e}"
                )
            });
        let server = RedisServer { child, url: format!("redis://127.0.0.1:{port}/") };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server did not listen on port {port} within 4 s");
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a process is given: where the sandbox and the budget are, and what to do.
const ROLE: &str = "ASTER_SHARED_TEST_ROLE";
const SANDBOX: &str = "ASTER_SHARED_TEST_SANDBOX";
const KEY: &str = "ASTER_SHARED_TEST_KEY";
const SECRET: &str = "ASTER_SHARED_TEST_SECRET";
const REDIS: &str = "ASTER_SHARED_TEST_REDIS";
const NAMESPACE: &str = "ASTER_SHARED_TEST_NAMESPACE";

/// Where a process finds the exchange and the budget.
#[derive(Clone)]
struct Place {
    sandbox: String,
    key: String,
    secret: String,
    /// No Redis: each process keeps a budget of its own.
    redis: Option<(String, String)>,
}

impl Place {
    fn of(sb: &Sandbox, redis: Option<(&RedisServer, &str)>) -> Place {
        Place {
            sandbox: sb.base_url(),
            key: sb.api_key().to_string(),
            secret: sb.secret().to_string(),
            redis: redis.map(|(r, ns)| (r.url.clone(), ns.to_string())),
        }
    }

    fn from_env() -> Place {
        let var = |name| std::env::var(name).unwrap();
        let redis = std::env::var(REDIS).ok().map(|url| (url, var(NAMESPACE)));
        Place { sandbox: var(SANDBOX), key: var(KEY), secret: var(SECRET), redis }
    }

    fn client(&self) -> aster::Client {
        let mut settings = RateLimitSettings::default();
        if let Some((url, namespace)) = &self.redis {
            settings = settings.shared(SharedBudget::redis(url, namespace).unwrap());
        }
        aster::Client::builder()
            .base_url(self.sandbox.clone())
            .key(self.key.clone())
            .secret(self.secret.clone())
            .rate_limits(settings)
            .build()
            .unwrap()
    }

    /// This test binary again, running `test` in the role `role` at this place.
    fn spawn(&self, test: &str, role: &str) -> Child {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command.args([test, "--exact", "--nocapture", "--test-threads", "1"]);
        command.env(ROLE, role).env(SANDBOX, &self.sandbox).env(KEY, &self.key).env(SECRET, &self.secret);
        if let Some((url, namespace)) = &self.redis {
            command.env(REDIS, url).env(NAMESPACE, namespace);
        }
        command.stdout(Stdio::piped()).spawn().unwrap()
    }
}

/// What a process printed after `marker`.
async fn report_of(child: Child, marker: &str) -> String {
    let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "the other process failed: {stdout}");
    // The harness may print the test's name on the same line first.
    let line = stdout
        .lines()
        .find_map(|l| l.find(marker).map(|at| &l[at + marker.len()..]))
        .unwrap_or_else(|| panic!("no report in: {stdout}"));
    line.trim().to_string()
}

fn unique_namespace(test: &str) -> String {
    format!("{test}-{}-{}", std::process::id(), unix_ms())
}

/// 8 greedy tasks for this long, as one process of several.
const LOAD_TASKS: usize = 8;
const LOAD_FOR: Duration = Duration::from_secs(6);

fn tally_line(t: &Tally) -> String {
    let n = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
    format!("{} {} {} {}", n(&t.weight), n(&t.refused_429), n(&t.banned_418), n(&t.backing_off))
}

/// `[weight, 429s, 418s, backing off]` summed over the reports.
fn sum_reports(reports: &[String]) -> [u64; 4] {
    let mut sum = [0u64; 4];
    for r in reports {
        for (s, field) in sum.iter_mut().zip(r.split_whitespace()) {
            *s += field.parse::<u64>().unwrap();
        }
    }
    sum
}

/// Two processes of 8 greedy tasks each against one sandbox (60 weight per 2 s).
async fn two_processes(sb: &Sandbox, redis: Option<(&RedisServer, &str)>) -> [u64; 4] {
    let place = Place::of(sb, redis);
    let children: Vec<_> =
        (0..2).map(|_| place.spawn("one_process_through_redis_keeps_to_the_limit", "load")).collect();
    let mut reports = Vec::new();
    for child in children {
        reports.push(report_of(child, "LOAD:").await);
    }
    sum_reports(&reports)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_process_through_redis_keeps_to_the_limit() {
    if std::env::var(ROLE).as_deref() == Ok("load") {
        // One of several processes: report what it did.
        let place = Place::from_env();
        let tally = run_load(|| place.client(), false, LOAD_TASKS, LOAD_FOR).await;
        println!("LOAD: {}", tally_line(&tally));
        return;
    }
    let redis = RedisServer::start();
    let sb = sandbox_with(small_limits()).await;
    let namespace = unique_namespace("one");
    let place = Place::of(&sb, Some((&redis, &namespace)));
    let tally = run_load(|| place.client(), false, LOAD_TASKS, LOAD_FOR).await;
    let [weight, r429, r418, backing_off] = sum_reports(&[tally_line(&tally)]);
    assert_eq!((r429, r418, backing_off), (0, 0, 0));
    // It paces, it does not stall (the share of the limit used is measured by the bench).
    assert!(weight >= 60, "only {weight} weight in 6 s under a limit of 60 per 2 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_sharing_one_budget_through_redis_are_never_refused_and_without_it_are() {
    let redis = RedisServer::start();
    let sb = sandbox_with(small_limits()).await;
    let namespace = unique_namespace("two");
    let [weight, r429, r418, backing_off] = two_processes(&sb, Some((&redis, &namespace))).await;
    assert_eq!((r429, r418, backing_off), (0, 0, 0), "sharing one budget");
    // 6 s allow 180 weight in all: neither process stalls the other.
    assert!(weight >= 60, "only {weight} weight in 6 s under a limit of 60 per 2 s");

    // The same two processes, each with a budget of its own, exceed the IP's limit.
    let sb = sandbox_with(small_limits()).await;
    let [_, r429, r418, _] = two_processes(&sb, None).await;
    assert!(r429 + r418 > 0, "two processes that do not share a budget are refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ban_one_process_meets_stops_the_others_before_they_send() {
    if std::env::var(ROLE).as_deref() == Ok("probe") {
        let outcome = Place::from_env().client().ping().await;
        match outcome {
            Err(Error::BackingOff { until_ms, status_code }) => {
                println!("PROBE: backing-off {status_code} {}", until_ms - unix_ms());
            }
            other => println!("PROBE: other {other:?}"),
        }
        return;
    }
    let redis = RedisServer::start();
    let sb = sandbox().await;
    let namespace = unique_namespace("ban");
    let place = Place::of(&sb, Some((&redis, &namespace)));
    let client = place.client();
    client.ping().await.unwrap();
    let body = r#"{"code":-1003,"msg":"Way too many requests; IP banned."}"#.to_string();
    sb.inject(None, Fault::Reply { status: 418, body }, 1);
    assert!(matches!(client.ping().await.unwrap_err(), Error::RateLimited { status_code: 418, .. }));

    let before = sb.request_count();
    let report =
        report_of(place.spawn("a_ban_one_process_meets_stops_the_others_before_they_send", "probe"), "PROBE:").await;
    let fields: Vec<&str> = report.split_whitespace().collect();
    assert_eq!(fields[..2], ["backing-off", "418"], "the other process: {report}");
    let left: i64 = fields[2].parse().unwrap();
    assert!((100_000..=120_000).contains(&left), "the docs' shortest ban, two minutes: {left} ms left");
    assert_eq!(sb.request_count(), before, "the other process sent nothing");

    // A process whose budget lives elsewhere (another namespace) knows nothing of it.
    let elsewhere = Place::of(&sb, Some((&redis, "elsewhere")));
    let report =
        report_of(elsewhere.spawn("a_ban_one_process_meets_stops_the_others_before_they_send", "probe"), "PROBE:")
            .await;
    assert!(report.starts_with("other Ok"), "{report}");
}

#[tokio::test]
async fn an_unreachable_budget_sends_nothing() {
    let sb = sandbox().await;
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let budget = SharedBudget::redis(&format!("redis://:hunter2@127.0.0.1:{port}/"), "nowhere").unwrap();
    assert!(!format!("{budget:?}").contains("hunter2"), "the URL's password is never shown");
    let client = aster::Client::builder()
        .base_url(sb.base_url())
        .rate_limits(RateLimitSettings::default().shared(budget))
        .build()
        .unwrap();
    let before = sb.request_count();
    let refused = client.ping().await.unwrap_err();
    assert!(matches!(refused, Error::BudgetUnavailable { .. }), "{refused}");
    assert!(!refused.to_string().contains("hunter2"));
    assert_eq!(sb.request_count(), before);
}

#[tokio::test]
async fn what_the_exchange_counted_beyond_the_shared_budget_is_added_to_it() {
    let redis = RedisServer::start();
    let sb = sandbox().await;
    let namespace = unique_namespace("reconcile");
    let place = Place::of(&sb, Some((&redis, &namespace)));
    let client = place.client();
    client.ping().await.unwrap();
    // A process outside the shared budget spends on the same IP; the next reply's header
    // says so, and the budget takes it in (in the background: polled here).
    sb.spend_weight_elsewhere(500);
    client.ping().await.unwrap();
    let used_now = || async {
        // A client of its own handle on the same budget: it sees what Redis counts.
        let other = place.client();
        other.ping().await.unwrap();
        let usage = other.rate_limit_usage();
        usage.iter().find(|u| u.kind == aster::LimitKind::RequestWeight).map(|u| u.used).unwrap()
    };
    let mut used = 0;
    for _ in 0..50 {
        used = used_now().await;
        if used >= 500 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(used >= 500, "the shared budget counts the weight spent outside it: {used}");
}

#[tokio::test]
async fn a_budget_whose_server_goes_away_sends_nothing_until_it_is_back() {
    let mut redis = RedisServer::start();
    let sb = sandbox().await;
    let namespace = unique_namespace("restart");
    let client = Place::of(&sb, Some((&redis, &namespace))).client();
    client.ping().await.unwrap();

    // The server dies between two calls: the next is refused before sending.
    let port = redis.url.trim_start_matches("redis://127.0.0.1:").trim_end_matches('/').parse::<u16>().unwrap();
    let _ = redis.child.kill();
    let _ = redis.child.wait();
    let before = sb.request_count();
    let refused = client.ping().await.unwrap_err();
    assert!(matches!(refused, Error::BudgetUnavailable { .. }), "{refused}");
    assert_eq!(sb.request_count(), before, "nothing sent without the budget");

    // Back on the same port, the client counts through it again.
    redis = RedisServer::start_on(port);
    let mut outcome = client.ping().await;
    for _ in 0..50 {
        if outcome.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        outcome = client.ping().await;
    }
    outcome.expect("the budget is used again once its server is back");
    drop(redis);
}
