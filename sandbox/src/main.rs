//! `aster-sandbox --port 8080 [--seed N] [--weight-limit N]`: serves a local exchange until
//! Ctrl-C and prints its URL and demo credentials.

use aster_sandbox::{Sandbox, SandboxConfig};

fn usage() -> ! {
    eprintln!("usage: aster-sandbox [--port N] [--seed N] [--weight-limit N]");
    std::process::exit(2)
}

fn parse_args() -> SandboxConfig {
    let mut cfg = SandboxConfig { port: 8080, ..SandboxConfig::default() };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--port" => cfg.port = value().parse().unwrap_or_else(|_| usage()),
            "--seed" => cfg.seed = value().parse().unwrap_or_else(|_| usage()),
            "--weight-limit" => cfg.weight_limit_1m = value().parse().unwrap_or_else(|_| usage()),
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    cfg
}

#[tokio::main]
async fn main() {
    let cfg = parse_args();
    let sandbox = match Sandbox::start(cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start the sandbox: {e}");
            std::process::exit(1);
        }
    };
    println!("aster-sandbox serving REST at {}", sandbox.base_url());
    println!("API key:    {}", sandbox.api_key());
    println!("API secret: {}", sandbox.secret());
    println!("Ctrl-C stops it.");
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
}
