//! `aster-sandbox [--port 8080] [--seed N] [--symbol NAME:PRICE:TICK:STEP]... [--account KEY:SECRET]...
//! [--weight-limit N] [--order-limit-10s N] [--order-limit-1m N] [--levels N]`
//!
//! Serves a local exchange until Ctrl-C and prints its URL and credentials. `--symbol` and
//! `--account` may repeat; the first one given replaces the defaults.

use aster_sandbox::{AccountConfig, Sandbox, SandboxConfig, SymbolConfig};

const USAGE: &str = "usage: aster-sandbox [--port N] [--seed N] [--symbol NAME:PRICE:TICK:STEP]... [--account KEY:SECRET]...\n                     [--weight-limit N] [--order-limit-10s N] [--order-limit-1m N] [--levels N]";

fn usage(problem: &str) -> ! {
    eprintln!("{problem}\n{USAGE}");
    std::process::exit(2)
}

fn number<T: std::str::FromStr>(flag: &str, v: &str) -> T {
    v.parse().unwrap_or_else(|_| usage(&format!("{flag} takes a number, not `{v}`")))
}

fn parse_args() -> SandboxConfig {
    let mut cfg = SandboxConfig { port: 8080, ..SandboxConfig::default() };
    let (mut symbols, mut accounts) = (Vec::new(), Vec::new());
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let v = args.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--port" => cfg.port = number(&flag, &v),
            "--seed" => cfg.seed = number(&flag, &v),
            "--weight-limit" => cfg.weight_limit_1m = number(&flag, &v),
            "--order-limit-10s" => cfg.order_limit_10s = number(&flag, &v),
            "--order-limit-1m" => cfg.order_limit_1m = number(&flag, &v),
            "--levels" => cfg.book_levels = number(&flag, &v),
            "--symbol" => match v.split(':').collect::<Vec<_>>()[..] {
                [name, price, tick, step] => symbols.push(SymbolConfig::new(name, price, tick, step)),
                _ => usage("--symbol takes NAME:PRICE:TICK:STEP, e.g. BTCUSDT:60000:0.1:0.001"),
            },
            "--account" => match v.split_once(':') {
                Some((key, secret)) => accounts.push(AccountConfig::new(key, secret)),
                None => usage("--account takes KEY:SECRET"),
            },
            other => usage(&format!("unknown flag {other}")),
        }
    }
    if !symbols.is_empty() {
        cfg.symbols = symbols;
    }
    if !accounts.is_empty() {
        cfg.accounts = accounts;
    }
    cfg
}

#[tokio::main]
async fn main() {
    let cfg = parse_args();
    let sandbox = match Sandbox::start(cfg.clone()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start the sandbox: {e}");
            std::process::exit(1);
        }
    };
    println!("aster-sandbox serving REST at {}", sandbox.base_url());
    println!("WebSocket streams at {}/ws/<name> and {}/stream?streams=<a>/<b>", sandbox.ws_url(), sandbox.ws_url());
    println!("spot REST under /api/v1 and /api/v3; spot streams at {}/ws/<name>", sandbox.spot_ws_url());
    for a in &cfg.accounts {
        println!("API key:    {}", a.api_key);
        println!("API secret: {}", a.secret);
        if let Some(w) = &a.wallet {
            println!("V3 user:    {} (API wallets: {})", w.user, w.signers.join(", "));
        }
    }
    let symbols: Vec<&str> = cfg.symbols.iter().map(|s| s.symbol.as_str()).collect();
    println!("V3 demo API wallet key (from the exchange's docs): {}", aster_sandbox::DEMO_SIGNER_KEY);
    let pairs: Vec<&str> = cfg.spot_symbols.iter().map(|s| s.symbol.as_str()).collect();
    println!(
        "futures symbols: {}; spot pairs: {}; seed {}. Ctrl-C stops it.",
        symbols.join(", "),
        pairs.join(", "),
        cfg.seed
    );
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
}
