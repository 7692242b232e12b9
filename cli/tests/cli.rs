//! The `aster` binary against a sandbox over loopback: reads (the chain RPC's too), a signed write, a
//! validation error, an unknown outcome, a stream, the profile-file permission refusal,
//! and a command for every endpoint of the spec.

use aster_sandbox::{Fault, Sandbox};
use std::process::{Command, Output, Stdio};

fn aster() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aster"));
    // Only what a test passes: no credentials or profile from the machine running it.
    for var in ["ASTER_API_KEY", "ASTER_API_SECRET", "ASTER_USER", "ASTER_SIGNER_KEY", "ASTER_MAIN_KEY"] {
        c.env_remove(var);
    }
    c.env("ASTER_PROFILE_FILE", "/nonexistent/aster-profile").stdin(Stdio::null());
    c
}

fn keyed(sb: &Sandbox) -> Command {
    let mut c = aster();
    c.env("ASTER_API_KEY", sb.api_key()).env("ASTER_API_SECRET", sb.secret()).args(["--base-url", &sb.base_url()]);
    c
}

/// Runs the command off the runtime's threads, so the sandbox keeps serving meanwhile.
async fn run(mut c: Command) -> Output {
    tokio::task::spawn_blocking(move || c.output().expect("the binary runs")).await.unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_prints_the_reply_as_json() {
    let sb = Sandbox::start(Default::default()).await.unwrap();
    let mut c = aster();
    c.args(["--base-url", &sb.base_url(), "futures", "depth", "BTCUSDT", "--limit", "5"]);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let book: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(book["bids"].as_array().unwrap().len(), 5);
    // A pipe gets compact JSON, one line.
    assert_eq!(stdout(&o).trim().lines().count(), 1);
    let mut t = aster();
    t.args(["--base-url", &sb.base_url(), "--table", "futures", "depth", "BTCUSDT", "--limit", "5"]);
    let table = stdout(&run(t).await);
    assert!(table.starts_with("bid qty"), "{table}");
    assert_eq!(table.lines().count(), 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_write_places_an_order() {
    let sb = Sandbox::start(Default::default()).await.unwrap();
    let mut c = keyed(&sb);
    c.args([
        "futures",
        "new-order",
        "BTCUSDT",
        "BUY",
        "LIMIT",
        "--quantity",
        "0.002",
        "--price",
        "59000",
        "--time-in-force",
        "GTC",
    ]);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let order: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(order["status"], "NEW");
    assert_eq!(order["price"], "59000");
    let mut q = keyed(&sb);
    q.args(["futures", "get-orders", "--symbol", "BTCUSDT"]);
    let open: serde_json::Value = serde_json::from_str(&stdout(&run(q).await)).unwrap();
    assert_eq!(open[0]["orderId"], order["orderId"]);
    // Spot V3 signs with the API wallet.
    let mut v3 = aster();
    v3.env("ASTER_USER", aster_sandbox::DEMO_USER).env("ASTER_SIGNER_KEY", aster_sandbox::DEMO_SIGNER_KEY);
    v3.args(["--base-url", &sb.base_url(), "spot-v3", "account"]);
    let o = run(v3).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"balances\""));
    // The prediction market: its own host, minting outcome tokens.
    let mut pm = aster();
    pm.env("ASTER_USER", aster_sandbox::DEMO_USER).env("ASTER_SIGNER_KEY", aster_sandbox::DEMO_SIGNER_KEY);
    pm.args(["--base-url", &sb.prediction_url(), "--yes", "prediction", "mint", "EVENT4_BRAZIL_WIN_YUSDT", "4"]);
    let o = run(pm).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let minted: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((minted["pairCount"].as_str(), minted["yesPrice"].as_str()), (Some("4"), Some("0.60")));
    // The chain RPC: the order placed above, read by address without credentials.
    let mut rpc = aster();
    rpc.args(["--base-url", &sb.base_url(), "chain-rpc", "open-orders", aster_sandbox::DEMO_USER, "latest"]);
    let o = run(rpc).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rpc_orders: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(rpc_orders["openOrders"][0]["orderId"], order["orderId"].to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn input_is_checked_before_anything_is_sent() {
    let sb = Sandbox::start(Default::default()).await.unwrap();
    let before = sb.request_count();
    // The allowed depth levels, from the spec.
    let mut c = aster();
    c.args(["--base-url", &sb.base_url(), "futures", "depth", "BTCUSDT", "--limit", "7"]);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("limit"), "{}", stderr(&o));
    // What an order type needs.
    let mut c = keyed(&sb);
    c.args(["futures", "new-order", "BTCUSDT", "BUY", "LIMIT", "--quantity", "0.002"]);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nothing was sent"), "{}", stderr(&o));
    // A value that is not one of the enum's is a usage error from the parser.
    let mut c = keyed(&sb);
    c.args(["futures", "new-order", "BTCUSDT", "UP", "LIMIT"]);
    assert_eq!(run(c).await.status.code(), Some(2));
    // A signed call without credentials says what to set.
    let mut c = aster();
    c.args(["--base-url", &sb.base_url(), "futures", "account"]);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ASTER_API_KEY"), "{}", stderr(&o));
    assert_eq!(sb.request_count(), before, "nothing reached the exchange");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_outcome_exits_3_and_says_how_to_check() {
    let sb = Sandbox::start(Default::default()).await.unwrap();
    sb.inject(Some("/fapi/v1/order"), Fault::ExecutedButUnavailable, 1);
    let mut c = keyed(&sb);
    c.args(["futures", "new-order", "BTCUSDT", "SELL", "MARKET", "--quantity", "0.001"]);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    let hint = err.lines().find(|l| l.contains("query-order BTCUSDT --orig-client-order-id")).expect("a check command");
    // The command it gives finds the order that did execute.
    let id = hint.split_whitespace().last().unwrap();
    let mut q = keyed(&sb);
    q.args(["futures", "query-order", "BTCUSDT", "--orig-client-order-id", id]);
    let o = run(q).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"FILLED\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_prints_one_json_object_per_line() {
    use std::io::{BufRead, BufReader};
    let sb = Sandbox::start(Default::default()).await.unwrap();
    let mut c = aster();
    c.args(["--stream-url", &sb.spot_ws_url(), "spot", "stream", "asterusdt@depth5@100ms", "asterusdt@miniTicker"]);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let out = child.stdout.take().unwrap();
    // Read three lines, then close the pipe, as `| head -3` does.
    let lines = tokio::task::spawn_blocking(move || {
        BufReader::new(out).lines().take(3).map(|l| l.unwrap()).collect::<Vec<_>>()
    });
    let lines = tokio::time::timeout(std::time::Duration::from_secs(20), lines).await.expect("lines in time").unwrap();
    assert_eq!(lines.len(), 3);
    // The next line finds the pipe closed: the command ends by itself, quietly.
    let ended = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap());
    let o = tokio::time::timeout(std::time::Duration::from_secs(20), ended).await.expect("it ends by itself").unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["e"] == "depthUpdate" || v["e"] == "24hrMiniTicker", "{l}");
    }
}

/// `--testnet` signs on the testnet's chain and refuses what the testnet does not serve,
/// before anything is sent.
#[tokio::test(flavor = "multi_thread")]
async fn testnet_signs_on_its_chain_and_refuses_what_it_does_not_serve() {
    let (test, main) = (
        Sandbox::start(aster_sandbox::SandboxConfig::testnet()).await.unwrap(),
        Sandbox::start(Default::default()).await.unwrap(),
    );
    let wallet = |sb: &Sandbox, args: &[&str]| {
        let mut c = aster();
        c.env("ASTER_USER", aster_sandbox::DEMO_USER).env("ASTER_SIGNER_KEY", aster_sandbox::DEMO_SIGNER_KEY);
        c.args(["--base-url", &sb.base_url()]).args(args);
        c
    };
    let o = run(wallet(&test, &["--testnet", "futures-v3", "balance"])).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(wallet(&main, &["--testnet", "futures-v3", "balance"])).await;
    assert!(stderr(&o).contains("-1022"), "a mainnet exchange refuses a testnet signature: {}", stderr(&o));
    let o = run(wallet(&test, &["futures-v3", "balance"])).await;
    assert!(stderr(&o).contains("-1022"), "and the testnet a mainnet one: {}", stderr(&o));
    let before = test.request_count();
    let o = run(wallet(&test, &["--testnet", "futures-v3", "funding-info"])).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not served on the testnet"), "{}", stderr(&o));
    assert_eq!(test.request_count(), before, "nothing was sent");
}

/// A misspelt stream name is refused before dialling (the exchange would refuse the whole
/// connection at the handshake, and a retry would be refused again).
#[tokio::test(flavor = "multi_thread")]
async fn a_misspelt_stream_name_is_refused_before_connecting() {
    let sb = Sandbox::start(Default::default()).await.unwrap();
    let mut c = aster();
    c.args(["--stream-url", &sb.ws_url(), "futures", "stream", "btcusdt@bookTicker", "btcusdt@bookTickr"]);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("`btcusdt@bookTickr` is no futures stream"), "{}", stderr(&o));
    assert_eq!(sb.ws_connections_opened(), 0, "nothing was dialled");
    let mut c = aster();
    c.args(["spot", "streams"]);
    let o = run(c).await;
    assert!(stdout(&o).lines().any(|l| l == "<symbol>@depth5@100ms"), "{}", stdout(&o));
    assert!(aster::ws::is_stream_name("btcusdt@kline_1M", aster::streams::STREAM_NAMES));
    assert!(!aster::ws::is_stream_name("BTCUSDT@kline_1m", aster::streams::STREAM_NAMES));
    assert!(!aster::ws::is_stream_name("@aggTrade", aster::streams::STREAM_NAMES));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_profile_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::start(Default::default()).await.unwrap();
    let path = std::env::temp_dir().join(format!("aster-profile-{}", std::process::id()));
    std::fs::write(&path, format!("[desk]\napi_key = {}\napi_secret = {}\n", sb.api_key(), sb.secret())).unwrap();
    let with_profile = || {
        let mut c = aster();
        c.args(["--base-url", &sb.base_url(), "--profile-file", path.to_str().unwrap(), "--profile", "desk"]);
        c.args(["futures", "balance"]);
        c
    };
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = run(with_profile()).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("chmod 600"), "{}", stderr(&o));
    assert!(!stderr(&o).contains(sb.secret()), "the secret is never echoed");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run(with_profile()).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("USDT"));
    std::fs::remove_file(&path).ok();
}

/// The endpoints of every API of the spec, as the library lists them.
fn every_endpoint() -> Vec<(&'static str, &'static [aster::endpoint::EndpointSpec])> {
    vec![
        ("futures", aster::ENDPOINTS),
        ("futures-v3", aster::v3::ENDPOINTS),
        ("spot", aster::spot::ENDPOINTS),
        ("spot-v3", aster::spot::v3::ENDPOINTS),
        ("prediction", aster::prediction::ENDPOINTS),
        ("chain", aster::chain::ENDPOINTS),
        ("chain-rpc", aster::chain::rpc::ENDPOINTS),
    ]
}

#[test]
fn every_endpoint_of_the_spec_has_a_command() {
    let mut checked = 0;
    for (group, endpoints) in every_endpoint() {
        let o = aster().args([group, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&o.stdout).into_owned();
        for e in endpoints {
            let command = e.name.replace('_', "-");
            assert!(help.lines().any(|l| l.trim_start().starts_with(&format!("{command} "))), "{group} {command}");
            let o = aster().args([group, &command, "--help"]).output().unwrap();
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(text.contains(&format!("{} {}", e.method.as_str(), e.path)), "{group} {command}: {text}");
            checked += 1;
        }
    }
    assert_eq!(checked, 52 + 83 + 29 + 30 + 37 + 20 + 5);
}

#[test]
fn only_apis_with_streams_offer_stream_commands() {
    let commands = |group: &str| {
        let o = aster().args([group, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&o.stdout).into_owned();
        ["stream ", "streams ", "user-data "].map(|c| help.lines().any(|l| l.trim_start().starts_with(c)))
    };
    for group in ["futures", "futures-v3", "spot", "spot-v3", "prediction"] {
        assert_eq!(commands(group), [true; 3], "{group}");
    }
    for group in ["chain", "chain-rpc"] {
        assert_eq!(commands(group), [false; 3], "{group}");
        let o = aster().args([group, "stream", "btcusdt@bookTicker"]).output().unwrap();
        assert_ne!(o.status.code(), Some(0), "{group} stream");
    }
}

#[test]
fn an_rpc_commands_help_names_its_method() {
    let o = aster().args(["chain-rpc", "get-balance", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(help.contains("JSON-RPC aster_getBalance"), "{help}");
    let o = aster().args(["futures", "ping", "--help"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains("JSON-RPC"));
}

#[test]
fn completions_are_generated() {
    let o = aster().args(["completions", "bash"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let script = String::from_utf8_lossy(&o.stdout);
    assert!(script.contains("new-order") && script.contains("futures-v3"));
}

/// Runs the binary on a pseudo-terminal (Python's `pty`, as CI machines have Python),
/// typing `input`; returns its exit status and what the terminal showed.
fn on_a_terminal(args: &[&str], env: &[(&str, &str)], input: &str) -> (i32, String) {
    const DRIVER: &str = r#"
import os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
os.write(fd, sys.argv[1].encode())
out = b""
while True:
    r, _, _ = select.select([fd], [], [], 20)
    if not r:
        break
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let mut c = Command::new("python3");
    c.args(["-c", DRIVER, input, env!("CARGO_BIN_EXE_aster")]).args(args);
    for var in ["ASTER_API_KEY", "ASTER_API_SECRET", "ASTER_USER", "ASTER_SIGNER_KEY", "ASTER_MAIN_KEY"] {
        c.env_remove(var);
    }
    c.env("ASTER_PROFILE_FILE", "/nonexistent/aster-profile").envs(env.iter().copied());
    let o = c.output().expect("python3 runs");
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_on_a_terminal_asks_first_and_no_sends_nothing() {
    let sb = Sandbox::start(Default::default()).await.unwrap();
    let (url, key, secret) = (sb.base_url(), sb.api_key().to_string(), sb.secret().to_string());
    let order = ["futures", "new-order", "BTCUSDT", "SELL", "MARKET", "--quantity", "0.001"];
    let before = sb.request_count();
    let (code, screen) = tokio::task::spawn_blocking({
        let (url, key, secret) = (url.clone(), key.clone(), secret.clone());
        move || {
            let mut args = vec!["--base-url", url.as_str()];
            args.extend(order);
            on_a_terminal(&args, &[("ASTER_API_KEY", &key), ("ASTER_API_SECRET", &secret)], "n\n")
        }
    })
    .await
    .unwrap();
    assert_eq!(code, 1, "{screen}");
    assert!(screen.contains("send POST /fapi/v1/order") && screen.contains("not sent"), "{screen}");
    assert_eq!(sb.request_count(), before, "declined: nothing was sent");
    // `--yes` sends without asking.
    let (code, screen) = tokio::task::spawn_blocking(move || {
        let mut args = vec!["--base-url", url.as_str(), "--yes"];
        args.extend(order);
        on_a_terminal(&args, &[("ASTER_API_KEY", &key), ("ASTER_API_SECRET", &secret)], "")
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("[y/N]") && screen.contains("FILLED"), "{screen}");
}

#[tokio::test(flavor = "multi_thread")]
async fn user_data_prints_the_accounts_events_as_lines() {
    use std::io::{BufRead, BufReader};
    let sb = Sandbox::start(Default::default()).await.unwrap();
    let mut c = keyed(&sb);
    c.args(["--stream-url", &sb.spot_ws_url(), "spot", "user-data"]).stdout(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let spot =
        aster::spot::Client::builder().base_url(sb.base_url()).key(sb.api_key()).secret(sb.secret()).build().unwrap();
    // Orders until the stream (connected by then) reports one.
    let reader = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        while out.read_line(&mut line).unwrap() > 0 && !line.contains("executionReport") {
            line.clear();
        }
        line
    });
    let placed = async {
        loop {
            let _ = spot
                .new_order("ASTERUSDT", aster::Side::Sell, aster::spot::SpotOrderType::Market)
                .quantity("10".parse().unwrap())
                .await;
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    };
    let line = tokio::select! {
        l = reader => l.unwrap(),
        _ = placed => unreachable!(),
        _ = tokio::time::sleep(std::time::Duration::from_secs(20)) => panic!("no event in time"),
    };
    child.kill().ok();
    child.wait().ok();
    let event: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(event["e"], "executionReport");
    assert_eq!(event["s"], "ASTERUSDT");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_main_wallet_signs_builder_approvals_from_the_command_line() {
    let sb = Sandbox::start(Default::default()).await.unwrap();
    let (main_hex, api_hex) = (format!("0x{}", "a1".repeat(32)), format!("0x{}", "b2".repeat(32)));
    let address = |hex: &str| aster::wallet::WalletKey::from_hex(hex).unwrap().address().to_string();
    let user = address(&main_hex);
    sb.add_account(aster_sandbox::AccountConfig::new("k-cli", "s-cli").with_wallet(user.clone(), address(&api_hex)));
    let builder = address(&format!("0x{}", "c3".repeat(32)));
    let v3 = |main_key: Option<&str>, args: &[&str]| {
        let mut c = aster();
        c.env("ASTER_USER", &user).env("ASTER_SIGNER_KEY", &api_hex);
        if let Some(k) = main_key {
            c.env("ASTER_MAIN_KEY", k);
        }
        c.args(["--base-url", &sb.base_url(), "futures-v3"]).args(args);
        c
    };
    // Without the main wallet's key the approval is refused before sending.
    let o = run(v3(None, &["approve-builder", &builder, "0.001", "b1", "56"])).await;
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("main wallet"), "{}", stderr(&o));
    let o = run(v3(Some(&main_hex), &["approve-builder", &builder, "0.001", "b1", "56"])).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(v3(None, &["get-builders"])).await;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).to_lowercase().contains(&builder.to_lowercase()), "{}", stdout(&o));
}
