//! The REST client: configuration and the request pipeline every endpoint goes through.

use crate::core::{Call, Endpoint, LimitUsage, Method, ParamWriter, Response, Security};
use crate::sign::Signer;
use crate::{Error, Result};
use http::{HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The exchange's production REST endpoint.
pub const DEFAULT_BASE_URL: &str = "https://fapi.asterdex.com";
/// The exchange refuses larger receive windows.
pub const MAX_RECV_WINDOW: u64 = 60_000;

/// A client of the Aster futures REST API. Cheap to clone; clones share connections.
///
/// ```no_run
/// # async fn demo() -> aster::Result<()> {
/// let client = aster::Client::new();
/// let book = client.depth("BTCUSDT").limit(100).await?;
/// println!("best bid {:?}", book.bids.first());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    api_key: Option<HeaderValue>,
    key_hint: Option<String>,
    signer: Option<Signer>,
    recv_window: Option<u64>,
    show_limit_usage: bool,
    show_header: bool,
    time_offset_ms: AtomicI64,
    last_usage: Mutex<Option<LimitUsage>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &i.base_url)
            .field("api_key", &i.key_hint)
            .field("secret", &i.signer.as_ref().map(|_| "<redacted>"))
            .field("recv_window", &i.recv_window)
            .field("show_limit_usage", &i.show_limit_usage)
            .field("show_header", &i.show_header)
            .finish()
    }
}

/// Configures a [`Client`]; the options of the Python connector's `Client(...)`.
#[derive(Default)]
pub struct ClientBuilder {
    key: Option<String>,
    secret: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    proxies: Vec<(String, String)>,
    show_limit_usage: bool,
    show_header: bool,
    recv_window: Option<u64>,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("key", &self.key.as_deref().map(key_hint))
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("recv_window", &self.recv_window)
            .finish()
    }
}

/// At most the first four characters of an API key, for logs and `Debug`.
fn key_hint(key: &str) -> String {
    let prefix: String = key.chars().take(4).collect();
    format!("{prefix}…")
}

impl ClientBuilder {
    /// API key, sent in the `X-MBX-APIKEY` header.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// API secret, used only to sign; never sent, logged or shown.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// REST base URL; [`DEFAULT_BASE_URL`] when not set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Timeout of a whole request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A proxy for one scheme (`"http"`, `"https"`) or `"all"`, as the Python
    /// connector's `proxies={'https': 'http://1.2.3.4:8080'}`.
    pub fn proxy(mut self, scheme: impl Into<String>, url: impl Into<String>) -> Self {
        self.proxies.push((scheme.into(), url.into()));
        self
    }

    /// Several proxies at once, keyed by scheme.
    pub fn proxies<I, K, V>(mut self, proxies: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.proxies.extend(proxies.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Log the rate-limit usage of every reply and keep the last one
    /// ([`Client::last_limit_usage`]).
    pub fn show_limit_usage(mut self, on: bool) -> Self {
        self.show_limit_usage = on;
        self
    }

    /// Keep every reply header in [`Response::headers`] of `send_with_meta()`.
    pub fn show_header(mut self, on: bool) -> Self {
        self.show_header = on;
        self
    }

    /// Default `recvWindow` of signed requests in ms (at most 60000).
    pub fn recv_window(mut self, millis: u64) -> Self {
        self.recv_window = Some(millis);
        self
    }

    /// Use this reqwest client (its own timeout and proxy settings apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    pub fn build(self) -> Result<Client> {
        if let Some(rw) = self.recv_window {
            check_recv_window(rw)?;
        }
        let base_url = self.base_url.unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let base_url = base_url.trim_end_matches('/').to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(Error::Config(format!("base_url `{base_url}` must start with http:// or https://")));
        }
        let api_key = match &self.key {
            Some(k) => {
                let mut v = HeaderValue::from_str(k)
                    .map_err(|_| Error::Config("the API key holds characters a header cannot carry".into()))?;
                v.set_sensitive(true);
                Some(v)
            }
            None => None,
        };
        let http = match self.http {
            Some(h) => h,
            None => {
                let mut b =
                    reqwest::Client::builder().user_agent(concat!("aster-connector-rust/", env!("CARGO_PKG_VERSION")));
                if let Some(t) = self.timeout {
                    b = b.timeout(t);
                }
                for (scheme, url) in &self.proxies {
                    let proxy = match scheme.as_str() {
                        "http" => reqwest::Proxy::http(url),
                        "https" => reqwest::Proxy::https(url),
                        "all" => reqwest::Proxy::all(url),
                        other => return Err(Error::Config(format!("unknown proxy scheme `{other}`"))),
                    }
                    .map_err(|e| Error::Config(format!("bad proxy URL for {scheme}: {e}")))?;
                    b = b.proxy(proxy);
                }
                b.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                key_hint: self.key.as_deref().map(key_hint),
                api_key,
                signer: self.secret.as_deref().map(Signer::new),
                recv_window: self.recv_window,
                show_limit_usage: self.show_limit_usage,
                show_header: self.show_header,
                time_offset_ms: AtomicI64::new(0),
                last_usage: Mutex::new(None),
            }),
        })
    }
}

fn check_recv_window(rw: u64) -> Result<()> {
    if rw > MAX_RECV_WINDOW {
        return Err(Error::ParameterValue {
            name: "recvWindow".into(),
            reason: format!("{rw} ms exceeds the exchange's maximum of {MAX_RECV_WINDOW} ms"),
        });
    }
    Ok(())
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A raw reply: status, headers and body, not yet decoded.
pub(crate) struct Reply {
    status: u16,
    headers: HeaderMap,
    body: bytes::Bytes,
    keep_headers: bool,
}

impl Reply {
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<T> {
        self.decode_as()
    }

    pub(crate) fn decode_as<T: DeserializeOwned>(&self) -> Result<T> {
        // An empty 2xx body decodes as `{}` would, so `Empty` replies never fail on it.
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &self.body };
        serde_json::from_slice(body)
            .map_err(|e| Error::Decode { message: e.to_string(), excerpt: Error::excerpt(&self.body, 200) })
    }

    pub(crate) fn into_response<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let data = self.decode_as()?;
        let limit_usage = LimitUsage::from_headers(&self.headers);
        let headers = if self.keep_headers { self.headers } else { HeaderMap::new() };
        Ok(Response { data, status: self.status, limit_usage, headers })
    }
}

impl Client {
    /// A client for public endpoints on the production exchange.
    pub fn new() -> Self {
        Client {
            inner: Arc::new(Inner {
                http: reqwest::Client::new(),
                base_url: DEFAULT_BASE_URL.to_string(),
                api_key: None,
                key_hint: None,
                signer: None,
                recv_window: None,
                show_limit_usage: false,
                show_header: false,
                time_offset_ms: AtomicI64::new(0),
                last_usage: Mutex::new(None),
            }),
        }
    }

    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// A request to an endpoint given by its params; for endpoints implemented outside
    /// the spec.
    pub fn call<E: Endpoint>(&self, params: E) -> Call<'_, E> {
        Call::new(self, params)
    }

    /// Sends a request to any path with string params and returns the JSON reply; for
    /// endpoints the spec does not cover yet. Signing and headers follow `security`; a
    /// `recvWindow` among the params must be a whole number of ms, at most 60000.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        security: Security,
        params: &[(&str, &str)],
    ) -> Result<serde_json::Value> {
        let mut w = ParamWriter::new();
        let mut recv_window = self.inner.recv_window;
        for (k, v) in params {
            if *k == "recvWindow" {
                let rw = v.trim().parse::<u64>().map_err(|_| Error::ParameterType {
                    name: "recvWindow".into(),
                    reason: format!("`{v}` is not a whole number of milliseconds"),
                })?;
                recv_window = Some(rw);
            } else {
                w.put(k, *v);
            }
        }
        let reply = self.dispatch(method, path, security, "request", w, recv_window).await?;
        reply.decode_as()
    }

    /// Measures the offset between the exchange's clock and this machine's and applies it
    /// to the `timestamp` of every later signed request. Returns the offset in ms.
    pub async fn sync_time(&self) -> Result<i64> {
        let before = now_ms();
        let server = self.time().await?.server_time;
        let after = now_ms();
        let offset = server - (before + after) / 2;
        self.inner.time_offset_ms.store(offset, Ordering::Relaxed);
        Ok(offset)
    }

    /// The clock offset applied to signed requests, in ms.
    pub fn time_offset(&self) -> i64 {
        self.inner.time_offset_ms.load(Ordering::Relaxed)
    }

    /// Rate-limit usage of the last reply, when built with `show_limit_usage(true)`.
    pub fn last_limit_usage(&self) -> Option<LimitUsage> {
        self.inner.last_usage.lock().ok().and_then(|u| u.clone())
    }

    pub(crate) async fn execute<E: Endpoint>(&self, params: &E, recv_window: Option<u64>) -> Result<Reply> {
        params.check()?;
        let mut w = ParamWriter::new();
        params.write_params(&mut w);
        let spec = E::SPEC;
        let rw = recv_window.or(self.inner.recv_window);
        self.dispatch(spec.method, spec.path, spec.security, spec.name, w, rw).await
    }

    async fn dispatch(
        &self,
        method: Method,
        path: &str,
        security: Security,
        name: &'static str,
        mut w: ParamWriter,
        recv_window: Option<u64>,
    ) -> Result<Reply> {
        let inner = &*self.inner;
        if let Some(rw) = recv_window {
            check_recv_window(rw)?;
        }
        if security.needs_key() && inner.api_key.is_none() {
            return Err(Error::MissingCredentials { endpoint: name, needs: "an API key" });
        }
        if security.is_signed() {
            let Some(signer) = &inner.signer else {
                return Err(Error::MissingCredentials { endpoint: name, needs: "an API key and secret" });
            };
            let timestamp = now_ms() + inner.time_offset_ms.load(Ordering::Relaxed);
            w.put("timestamp", &timestamp);
            if let Some(rw) = recv_window {
                w.put("recvWindow", &rw);
            }
            let signature = signer.sign(w.as_str().as_bytes());
            w.put_encoded("signature", &signature);
        }
        let payload = w.into_string();
        let mut url = String::with_capacity(inner.base_url.len() + path.len() + payload.len() + 1);
        url.push_str(&inner.base_url);
        url.push_str(path);
        let mut req = match method {
            Method::Get | Method::Delete => {
                if !payload.is_empty() {
                    url.push('?');
                    url.push_str(&payload);
                }
                inner.http.request(method.to_http(), url)
            }
            Method::Post | Method::Put => inner
                .http
                .request(method.to_http(), url)
                .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(payload),
        };
        if security.needs_key() {
            if let Some(key) = &inner.api_key {
                req = req.header("X-MBX-APIKEY", key.clone());
            }
        }

        let started = Instant::now();
        let mut resp = req.send().await.map_err(|e| transport_error(method, path, e))?;
        let status = resp.status().as_u16();
        // Taken, not cloned: the body read below consumes the response.
        let headers = std::mem::take(resp.headers_mut());
        let body = resp.bytes().await.map_err(|e| transport_error(method, path, e))?;
        let latency = started.elapsed();

        // Parsed only when someone will look at it.
        let debug = tracing::enabled!(target: "aster::rest", tracing::Level::DEBUG);
        if debug || inner.show_limit_usage {
            let usage = LimitUsage::from_headers(&headers);
            tracing::debug!(
                target: "aster::rest",
                method = method.as_str(),
                path,
                status,
                latency_us = latency.as_micros() as u64,
                used_weight_1m = usage.weight_1m(),
                "request"
            );
            if inner.show_limit_usage {
                tracing::info!(target: "aster::rest", path, ?usage, "limit usage");
                if let Ok(mut last) = inner.last_usage.lock() {
                    *last = Some(usage);
                }
            }
        }
        classify(method, path, Reply { status, headers, body, keep_headers: inner.show_header })
    }
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

/// A reqwest failure, without the URL (it carries the signature). For a request that
/// changes state, any failure after the connection was made leaves the outcome unknown.
fn transport_error(method: Method, path: &str, e: reqwest::Error) -> Error {
    let e = e.without_url();
    if method.changes_state() && !e.is_connect() && !e.is_builder() {
        return Error::UnknownOutcome {
            method: method.as_str(),
            path: path.to_string(),
            status_code: None,
            message: e.to_string(),
        };
    }
    Error::Transport(e)
}

#[derive(serde::Deserialize)]
struct ErrorBody {
    #[serde(default, deserialize_with = "crate::de::opt_lenient")]
    code: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
}

fn parse_error_body(body: &[u8]) -> (Option<i64>, String) {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody { code, msg: Some(msg) }) => (code, msg),
        Ok(ErrorBody { code, msg: None }) => (code, Error::excerpt(body, 200)),
        Err(_) => (None, Error::excerpt(body, 200)),
    }
}

fn classify(method: Method, path: &str, reply: Reply) -> Result<Reply> {
    let status = reply.status;
    match status {
        200..=299 => Ok(reply),
        418 | 429 => {
            let retry_after = reply
                .headers
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok());
            let (error_code, error_message) = parse_error_body(&reply.body);
            Err(Error::RateLimited { status_code: status, retry_after, error_code, error_message })
        }
        503 | 504 if method.changes_state() => Err(Error::UnknownOutcome {
            method: method.as_str(),
            path: path.to_string(),
            status_code: Some(status),
            message: parse_error_body(&reply.body).1,
        }),
        400..=499 => {
            let (error_code, error_message) = parse_error_body(&reply.body);
            Err(Error::Client { status_code: status, error_code, error_message, headers: Box::new(reply.headers) })
        }
        _ => Err(Error::Server { status_code: status, message: parse_error_body(&reply.body).1 }),
    }
}
