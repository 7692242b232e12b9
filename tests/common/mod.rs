//! Shared set-up: a sandbox on loopback and clients pointed at it.
#![allow(dead_code)]

use aster::Client;
use aster_sandbox::{Sandbox, SandboxConfig};

pub async fn sandbox() -> Sandbox {
    sandbox_with(SandboxConfig::default()).await
}

pub async fn sandbox_with(cfg: SandboxConfig) -> Sandbox {
    Sandbox::start(cfg).await.expect("sandbox starts on loopback")
}

pub fn public(sb: &Sandbox) -> Client {
    Client::builder().base_url(sb.base_url()).build().expect("client builds")
}

pub fn signed(sb: &Sandbox) -> Client {
    Client::builder().base_url(sb.base_url()).key(sb.api_key()).secret(sb.secret()).build().expect("client builds")
}

pub fn dec(s: &str) -> aster::Decimal {
    s.parse().expect("decimal literal")
}
