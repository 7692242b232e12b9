//! Where the examples send their requests: an in-process sandbox by default; the live
//! exchange with `--live` or `ASTER_BASE_URL` (keys from `ASTER_API_KEY` / `ASTER_API_SECRET`).
#![allow(dead_code)]

use aster::Client;
use aster_sandbox::{Sandbox, SandboxConfig};

pub type AnyError = Box<dyn std::error::Error + Send + Sync>;

pub struct Target {
    pub client: Client,
    pub has_keys: bool,
    /// Keeps the in-process sandbox running while the example does.
    pub sandbox: Option<Sandbox>,
}

pub async fn connect() -> Result<Target, AnyError> {
    let live = std::env::args().any(|a| a == "--live");
    let url = std::env::var("ASTER_BASE_URL").ok().or_else(|| live.then(|| aster::DEFAULT_BASE_URL.to_string()));
    match url {
        Some(url) => {
            let mut b = Client::builder().base_url(&url);
            let key = std::env::var("ASTER_API_KEY").ok();
            let secret = std::env::var("ASTER_API_SECRET").ok();
            let has_keys = key.is_some() && secret.is_some();
            if let (Some(k), Some(s)) = (key, secret) {
                b = b.key(k).secret(s);
            }
            println!("using {url}");
            Ok(Target { client: b.build()?, has_keys, sandbox: None })
        }
        None => {
            let sandbox = Sandbox::start(SandboxConfig::default()).await?;
            println!("using the in-process sandbox at {}", sandbox.base_url());
            let client = Client::builder()
                .base_url(sandbox.base_url())
                .key(sandbox.api_key())
                .secret(sandbox.secret())
                .build()?;
            Ok(Target { client, has_keys: true, sandbox: Some(sandbox) })
        }
    }
}
