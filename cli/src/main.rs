//! `aster`: every endpoint and stream of the Aster Finance APIs as a command, generated
//! from the same spec as the library. `aster --help` lists the groups; `aster futures
//! --help` the commands of one API.

mod apis;
mod commands;
mod credentials;
mod output;
mod streams;

use apis::Api;
use clap::ArgMatches;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Exit statuses: what happened, for scripts.
const OK: u8 = 0;
const FAILED: u8 = 1;
const USAGE: u8 = 2;
const UNKNOWN_OUTCOME: u8 = 3;

fn main() -> ExitCode {
    let matches = match commands::root().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { USAGE } else { OK });
        }
    };
    if let Some(("completions", sub)) = matches.subcommand() {
        if let Some(shell) = sub.get_one::<clap_complete::Shell>("shell") {
            clap_complete::generate(*shell, &mut commands::root(), "aster", &mut std::io::stdout());
        }
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(FAILED, format!("cannot start the runtime: {e}")),
    };
    ExitCode::from(runtime.block_on(run(&matches)))
}

fn fail(code: u8, msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("aster: {msg}");
    ExitCode::from(code)
}

/// Where requests go and with which credentials, after flags, environment, profile file
/// and `--sandbox` have had their say.
struct Target {
    environment: aster::Environment,
    rest_url: String,
    stream_url: String,
    creds: credentials::Credentials,
    /// Keeps the in-process sandbox running while the command does.
    _sandbox: Option<aster_sandbox::Sandbox>,
}

async fn target(m: &ArgMatches, api: Api) -> Result<Target, (u8, String)> {
    let usage = |e: String| (USAGE, e);
    let mut creds = credentials::Credentials {
        api_key: m.get_one::<String>("api-key").cloned(),
        user: m.get_one::<String>("user").cloned(),
        ..Default::default()
    };
    if m.get_flag("api-secret-stdin") {
        creds.api_secret = Some(credentials::read_stdin_line().map_err(usage)?);
    }
    if m.get_flag("signer-key-stdin") {
        creds.signer_key = Some(credentials::read_stdin_line().map_err(usage)?);
    }
    if m.get_flag("main-key-stdin") {
        creds.main_key = Some(credentials::read_stdin_line().map_err(usage)?);
    }
    creds = creds.or_env();
    let profile = m.get_one::<String>("profile").map(String::as_str).unwrap_or("default");
    match m.get_one::<String>("profile-file") {
        Some(path) => creds = creds.or_file(std::path::Path::new(path), profile).map_err(usage)?,
        None => {
            if let Some(path) = credentials::default_file().filter(|p| p.exists()) {
                creds = creds.or_file(&path, profile).map_err(usage)?;
            }
        }
    }
    let mut sandbox = None;
    let environment = if m.get_flag("testnet") { aster::Environment::Testnet } else { aster::Environment::Mainnet };
    let (mut rest_url, mut stream_url) =
        (api.default_rest_url(environment).to_string(), api.default_stream_url(environment).to_string());
    if m.get_flag("sandbox") {
        let sb = aster_sandbox::Sandbox::start(Default::default())
            .await
            .map_err(|e| (FAILED, format!("cannot start the sandbox: {e}")))?;
        (rest_url, stream_url) = match api {
            Api::Prediction => (sb.prediction_url(), sb.prediction_ws_url()),
            _ if api.is_spot() => (sb.base_url(), sb.spot_ws_url()),
            _ => (sb.base_url(), sb.ws_url()),
        };
        eprintln!("aster: sandbox at {rest_url}; API key {} (V3 wallet {})", sb.api_key(), aster_sandbox::DEMO_USER);
        creds.api_key = creds.api_key.or_else(|| Some(sb.api_key().to_string()));
        creds.api_secret = creds.api_secret.or_else(|| Some(sb.secret().to_string()));
        creds.user = creds.user.or_else(|| Some(aster_sandbox::DEMO_USER.to_string()));
        creds.signer_key = creds.signer_key.or_else(|| Some(aster_sandbox::DEMO_SIGNER_KEY.to_string()));
        sandbox = Some(sb);
    }
    if let Some(url) = m.get_one::<String>("base-url") {
        rest_url = url.clone();
    }
    if let Some(url) = m.get_one::<String>("stream-url") {
        stream_url = url.clone();
    }
    Ok(Target { environment, rest_url, stream_url, creds, _sandbox: sandbox })
}

async fn run(m: &ArgMatches) -> u8 {
    let Some((group, sub)) = m.subcommand() else { return USAGE };
    let Some(api) = Api::ALL.into_iter().find(|a| a.group() == group) else { return USAGE };
    let Some((command, args)) = sub.subcommand() else { return USAGE };
    let t = match target(m, api).await {
        Ok(t) => t,
        Err((code, msg)) => {
            eprintln!("aster: {msg}");
            return code;
        }
    };
    let has_creds = if api.is_wallet() { t.creds.has_wallet() } else { t.creds.has_hmac() };
    let client = match api.client(&t.rest_url, t.environment, &t.creds) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("aster: {e}");
            return USAGE;
        }
    };
    match command {
        "stream" => {
            let names: Vec<String> = args.get_many::<String>("names").into_iter().flatten().cloned().collect();
            // The exchange refuses a misspelt name only at the handshake, and every stream
            // of the connection with it: say which one, before dialling.
            if let Some(bad) = names.iter().find(|n| !aster::ws::is_stream_name(n, api.stream_names())) {
                eprintln!("aster: `{bad}` is no {} stream; `aster {} streams` lists them", api.group(), api.group());
                return USAGE;
            }
            streams::market(&t.stream_url, names).await
        }
        "streams" => {
            for name in api.stream_names() {
                if !crate::output::emit(name) {
                    break;
                }
            }
            OK
        }
        "user-data" if !has_creds => {
            eprintln!("aster: the user data stream needs credentials: set {}", api.credentials_hint());
            FAILED
        }
        "user-data" => streams::user_data(&t.stream_url, &client).await,
        name => call(api, &client, name, m, args, has_creds).await,
    }
}

async fn call(api: Api, client: &apis::Client, command: &str, m: &ArgMatches, a: &ArgMatches, has_creds: bool) -> u8 {
    let Some(info) = api.endpoints().iter().find(|i| commands::command_name(i) == command) else { return USAGE };
    if api.needs_credentials(info.spec.security) && !has_creds {
        eprintln!("aster: {} needs credentials: set {}", info.spec.name, api.credentials_hint());
        return FAILED;
    }
    let mut args = aster::dynamic::Args::new();
    for p in info.params {
        if let Some(v) = a.get_one::<String>(p.name) {
            args.set(p.name, v.clone());
        }
    }
    let number = |name: &str| a.try_get_one::<String>(name).ok().flatten().map(|v| v.parse::<u64>());
    match (number("nonce"), number("recv-window")) {
        (Some(Err(_)), _) | (_, Some(Err(_))) => {
            eprintln!("aster: --nonce and --recv-window take whole numbers");
            return USAGE;
        }
        (nonce, recv_window) => {
            args.nonce = nonce.and_then(Result::ok);
            args.recv_window = recv_window.and_then(Result::ok);
        }
    }
    if info.spec.method.changes_state() && !m.get_flag("yes") && !confirm(info) {
        eprintln!("aster: not sent");
        return FAILED;
    }
    match client.call(info.spec.name, &args).await {
        Ok(body) => {
            print_reply(&body, m);
            OK
        }
        Err(e) => report(api, &e, a),
    }
}

/// On a terminal, asks before a request that changes state; elsewhere (scripts) does not.
fn confirm(info: &aster::dynamic::EndpointInfo) -> bool {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return true;
    }
    eprint!("aster: send {} {} ({})? [y/N] ", info.spec.method.as_str(), info.spec.path, info.spec.title);
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).is_ok() && matches!(answer.trim(), "y" | "Y" | "yes")
}

fn print_reply(body: &[u8], m: &ArgMatches) {
    let text = String::from_utf8_lossy(body);
    // A reader that quit early (`| head`) is not an error of the call.
    if m.get_flag("raw") {
        output::emit(&text);
        return;
    }
    if m.get_flag("table") {
        if let Some(table) = serde_json::from_slice(body).ok().as_ref().and_then(output::table) {
            output::emit(&table);
            return;
        }
    }
    output::emit(&output::reformat(&text, std::io::stdout().is_terminal()));
}

fn report(api: Api, e: &aster::Error, a: &ArgMatches) -> u8 {
    match e {
        aster::Error::UnknownOutcome { client_order_ids, .. } => {
            eprintln!("aster: outcome unknown: {e}");
            eprintln!("aster: the request may have executed; check before sending it again:");
            let symbol = a.try_get_one::<String>("symbol").ok().flatten().cloned().unwrap_or_else(|| "SYMBOL".into());
            for id in client_order_ids {
                eprintln!("  aster {} query-order {symbol} --orig-client-order-id {id}", api.group());
            }
            if client_order_ids.is_empty() {
                eprintln!("  read the account state (e.g. `aster {} get-orders`) before retrying", api.group());
            }
            UNKNOWN_OUTCOME
        }
        aster::Error::ParameterRequired { .. }
        | aster::Error::ParameterValue { .. }
        | aster::Error::ParameterType { .. } => {
            eprintln!("aster: {e} (nothing was sent)");
            USAGE
        }
        _ => {
            eprintln!("aster: {e}");
            FAILED
        }
    }
}
