//! The command tree, built from the spec's endpoint tables: a group per API, a command per
//! endpoint (required params positional, optional ones flags, enums with their values),
//! and the stream commands.

use crate::apis::Api;
use aster::dynamic::{EndpointInfo, ParamInfo, ParamKind};
use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command};
use heck::ToKebabCase;

/// The command name of an endpoint: its method name in kebab case (`new-order`).
pub fn command_name(info: &EndpointInfo) -> String {
    info.spec.name.to_kebab_case()
}

/// The flag of an optional param: its API name in kebab case (`--time-in-force`).
pub fn flag_name(param: &ParamInfo) -> String {
    param.name.to_kebab_case()
}

pub fn root() -> Command {
    let mut cmd = Command::new("aster")
        .about("Every endpoint and stream of the Aster Finance APIs, from the command line")
        .long_about(
            "Every endpoint and stream of the Aster Finance APIs, from the command line.\n\n\
             Credentials come from ASTER_API_KEY / ASTER_API_SECRET (V1), ASTER_USER / \
             ASTER_SIGNER_KEY (V3; ASTER_MAIN_KEY for what the main wallet signs), or a profile file only its owner can read \
             (~/.config/aster/credentials). Exit status: 0 ok, 1 exchange or client error, \
             2 usage error, 3 unknown outcome.",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("sandbox").long("sandbox").global(true).action(ArgAction::SetTrue).help(
                "Start the built-in sandbox exchange in-process and use it (its credentials are printed on stderr)",
            ),
        )
        .arg(
            Arg::new("testnet").long("testnet").global(true).action(ArgAction::SetTrue).conflicts_with("sandbox").help(
                "Use the exchange's testnet: its hosts, V3 signatures on its chain (714), only the endpoints it serves",
            ),
        )
        .arg(Arg::new("base-url").long("base-url").global(true).value_name("URL").help("REST base URL"))
        .arg(Arg::new("stream-url").long("stream-url").global(true).value_name("URL").help("WebSocket base URL"))
        .arg(Arg::new("profile").long("profile").global(true).value_name("NAME").help("Profile of the profile file"))
        .arg(Arg::new("profile-file").long("profile-file").global(true).value_name("PATH").help("The profile file"))
        .arg(Arg::new("api-key").long("api-key").global(true).value_name("KEY").help("API key (not secret)"))
        .arg(
            Arg::new("api-secret-stdin")
                .long("api-secret-stdin")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Read the API secret from standard input, not from a flag or history"),
        )
        .arg(Arg::new("user").long("user").global(true).value_name("ADDRESS").help("V3: the main wallet address"))
        .arg(
            Arg::new("signer-key-stdin")
                .long("signer-key-stdin")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("V3: read the API wallet's private key from standard input"),
        )
        .arg(
            Arg::new("main-key-stdin")
                .long("main-key-stdin")
                .global(true)
                .action(ArgAction::SetTrue)
                .conflicts_with("signer-key-stdin")
                .help("V3: read the main wallet's private key from standard input (agents, builders, sub-accounts)"),
        )
        .arg(
            Arg::new("raw")
                .long("raw")
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Print the exchange's exact bytes"),
        )
        .arg(
            Arg::new("table")
                .long("table")
                .global(true)
                .action(ArgAction::SetTrue)
                .conflicts_with("raw")
                .help("Print a table (books, balances, positions, orders, lists)"),
        )
        .arg(
            Arg::new("yes")
                .long("yes")
                .short('y')
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Do not ask before a write"),
        );
    for api in Api::ALL {
        cmd = cmd.subcommand(group(api));
    }
    cmd.subcommand(
        Command::new("completions")
            .about("Print a shell completion script")
            .arg(Arg::new("shell").required(true).value_parser(clap::value_parser!(clap_complete::Shell))),
    )
}

fn group(api: Api) -> Command {
    let mut g = Command::new(api.group()).about(api.about()).subcommand_required(true).arg_required_else_help(true);
    for info in api.endpoints() {
        g = g.subcommand(endpoint(api, info));
    }
    // An API without streams (the chain API and its RPC) offers no stream commands.
    if api.stream_names().is_empty() {
        return g;
    }
    g.subcommand(
        Command::new("stream")
            .about("Print market streams, one JSON object per line, until Ctrl-C (reconnects; gaps on stderr)")
            .arg(Arg::new("names").required(true).num_args(1..).help("Stream names, e.g. btcusdt@bookTicker")),
    )
    .subcommand(Command::new("streams").about("List the API's market stream names, <symbol> for any lower-case symbol"))
    .subcommand(
        Command::new("user-data").about(
            "Print the account's user data events, one JSON object per line, until Ctrl-C (listen key kept alive)",
        ),
    )
}

fn endpoint(api: Api, info: &EndpointInfo) -> Command {
    let s = &info.spec;
    let about = s.title.to_string();
    // A JSON-RPC endpoint is known by its method: every one is posted to the same path.
    let rpc = info.rpc.map(|r| format!("JSON-RPC {} · ", r.method)).unwrap_or_default();
    let long = format!(
        "{}\n\n{}\n\n{rpc}{} {} · security {} · weight {}",
        s.title,
        info.doc,
        s.method.as_str(),
        s.path,
        security_name(s.security),
        s.weight
    );
    let mut cmd = Command::new(command_name(info)).about(about).long_about(long);
    for p in info.params {
        cmd = cmd.arg(param_arg(p));
    }
    if api.is_wallet() {
        cmd.arg(Arg::new("nonce").long("nonce").value_name("MICROS").help("Sign with this nonce (e.g. for noop)"))
    } else {
        cmd.arg(Arg::new("recv-window").long("recv-window").value_name("MS").help("recvWindow of a signed request"))
    }
}

fn param_arg(p: &ParamInfo) -> Arg {
    let mut help = p.doc.to_string();
    if !p.allowed.is_empty() {
        let allowed: Vec<String> = p.allowed.iter().map(i64::to_string).collect();
        help.push_str(&format!(" Allowed: {}.", allowed.join(", ")));
    }
    let mut arg = Arg::new(p.name).help(help);
    arg = if p.required {
        arg.required(true).value_name(p.name)
    } else {
        arg.long(flag_name(p)).value_name(value_name(p.kind))
    };
    match p.kind {
        ParamKind::Enum(values) => arg.value_parser(PossibleValuesParser::new(values.iter().copied())),
        ParamKind::Bool => arg.value_parser(PossibleValuesParser::new(["true", "false"])),
        _ => arg,
    }
}

fn value_name(kind: ParamKind) -> &'static str {
    match kind {
        ParamKind::String => "TEXT",
        ParamKind::Integer => "INT",
        ParamKind::Decimal => "DECIMAL",
        ParamKind::Bool => "BOOL",
        ParamKind::Enum(_) => "VALUE",
        ParamKind::List => "A,B,..",
        ParamKind::Json => "JSON",
    }
}

pub fn security_name(s: aster::endpoint::Security) -> &'static str {
    use aster::endpoint::Security::*;
    match s {
        None => "NONE",
        MarketData => "MARKET_DATA",
        UserStream => "USER_STREAM",
        Trade => "TRADE",
        UserData => "USER_DATA",
        Transfer => "TRANSFER",
        Public => "PUBLIC",
        Withdraw => "WITHDRAW",
    }
}
