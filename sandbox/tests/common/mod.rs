//! A plain HTTP client for the sandbox's tests: it signs by hand, so the sandbox is checked
//! independently of the project's client.
#![allow(dead_code)]

use aster_sandbox::{Sandbox, SandboxConfig};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

pub struct Http {
    pub base: String,
    pub key: String,
    pub secret: String,
    pub http: reqwest::Client,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
}

impl Reply {
    pub fn code(&self) -> Option<i64> {
        self.json.get("code").and_then(Value::as_i64)
    }
}

pub fn sign(secret: &str, payload: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(payload.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

pub async fn start() -> (Sandbox, Http) {
    start_with(SandboxConfig::default()).await
}

/// A plain reqwest client; see Cargo.toml for why a crypto provider is installed first.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::CryptoProvider::install_default(rustls_graviola::default_provider());
    reqwest::Client::new()
}

pub async fn start_with(cfg: SandboxConfig) -> (Sandbox, Http) {
    let sb = Sandbox::start(cfg).await.unwrap();
    let http = Http { base: sb.base_url(), key: sb.api_key().into(), secret: sb.secret().into(), http: http_client() };
    (sb, http)
}

impl Http {
    pub async fn send(&self, method: &str, path: &str, query: &str, body: Option<&str>, key: bool) -> Reply {
        let url =
            if query.is_empty() { format!("{}{path}", self.base) } else { format!("{}{path}?{query}", self.base) };
        let mut req = self.http.request(method.parse().unwrap(), url);
        if key {
            req = req.header("X-MBX-APIKEY", &self.key);
        }
        match body {
            Some(b) => req = req.header("content-type", "application/x-www-form-urlencoded").body(b.to_string()),
            // An empty POST or PUT states its length, or the front end answers 411.
            None if matches!(method, "POST" | "PUT") => req = req.header("content-length", "0"),
            None => {}
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"));
        Reply { status, headers, json }
    }

    pub async fn public(&self, path: &str, query: &str) -> Reply {
        self.send("GET", path, query, None, false).await
    }

    /// A signed request with every parameter in the query string.
    pub async fn signed(&self, method: &str, path: &str, params: &str) -> Reply {
        let sep = if params.is_empty() { "" } else { "&" };
        let payload = format!("{params}{sep}timestamp={}", now_ms());
        let signature = sign(&self.secret, &payload);
        self.send(method, path, &format!("{payload}&signature={signature}"), None, true).await
    }
}

/// The keys of a JSON object, sorted.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap_or_else(|| panic!("not an object: {v}")).keys().cloned().collect();
    k.sort();
    k
}

pub fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}
