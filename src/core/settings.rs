//! What a client is built from (credentials, environment, host, timeouts, proxies), and
//! the HTTP client every construction path uses.

use super::*;

/// The settings of a client before they are checked; the public builders fill them.
#[derive(Default)]
pub(crate) struct Settings {
    pub key: Option<String>,
    pub secret: Option<zeroize::Zeroizing<String>>,
    pub base_url: Option<String>,
    pub timeout: Option<Duration>,
    pub proxies: Vec<(String, String)>,
    pub show_limit_usage: bool,
    pub show_header: bool,
    pub recv_window: Option<u64>,
    pub http: Option<reqwest::Client>,
    pub connect_timeout: Option<Duration>,
    pub max_reply_bytes: Option<usize>,
    pub keep_clock: bool,
    pub wallet: WalletConfig,
    pub environment: crate::Environment,
    pub chain_id: Option<u64>,
    pub rate_limits: crate::RateLimitSettings,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("key", &self.key.as_deref().map(key_hint))
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("wallet", &self.wallet)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("recv_window", &self.recv_window)
            .field("environment", &self.environment)
            .finish()
    }
}

/// At most the first four characters of an API key, for logs and `Debug`.
pub(super) fn key_hint(key: &str) -> String {
    let prefix: String = key.chars().take(4).collect();
    format!("{prefix}…")
}

impl Settings {
    /// Checks the settings and makes the core of a client of `api`; nothing is sent.
    pub(crate) fn build(self, api: ApiInfo) -> Result<Core> {
        let http = match self.http.clone() {
            Some(h) => h,
            None => self.http_client()?,
        };
        self.build_with(api, Ok(http))
    }

    /// The core with the HTTP client given: `Err` (no TLS on this machine) is said on each
    /// request rather than here, for the constructor that cannot fail.
    pub(crate) fn build_with(self, api: ApiInfo, http: std::result::Result<reqwest::Client, String>) -> Result<Core> {
        if let Some(rw) = self.recv_window {
            check_recv_window(rw)?;
        }
        let base_url = self.base_url.unwrap_or_else(|| (api.rest_url)(self.environment).to_string());
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
        let wallet = match api.signing {
            Signing::Wallet => self.wallet.build()?,
            Signing::Hmac => None,
        };
        let account = match &wallet {
            Some(w) => Some(w.user_text.clone()),
            None => self.key.clone(),
        };
        let governor =
            crate::governor::Governor::new(self.rate_limits.clone(), &base_url, account.as_deref(), api.default_limits);
        Ok(Core {
            inner: Arc::new(Inner {
                http,
                base_url,
                key_hint: self.key.as_deref().map(key_hint),
                api_key,
                signer: self.secret.as_deref().map(|s| Signer::new(s)),
                recv_window: self.recv_window,
                show_limit_usage: self.show_limit_usage,
                show_header: self.show_header,
                time_offset_ms: AtomicI64::new(0),
                last_usage: Mutex::new(None),
                wallet,
                governor,
                nonces: crate::nonce::NonceSource::new(),
                max_reply_bytes: self.max_reply_bytes.unwrap_or(DEFAULT_MAX_REPLY_BYTES),
                client_ids: ClientIds::new(),
                resync_on_clock_error: !self.keep_clock,
                api,
                environment: self.environment,
                chain_id: self.chain_id.unwrap_or(self.environment.chain_id()),
                rpc_ids: std::sync::atomic::AtomicU64::new(1),
            }),
        })
    }

    /// The HTTP client of these settings' timeouts and proxies.
    fn http_client(&self) -> Result<reqwest::Client> {
        let mut b = http_builder(
            self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
        )
        .map_err(Error::Config)?;
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
        b.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }
}

/// A reqwest builder with this crate's TLS setup, default timeouts (30 s per request, 10 s
/// to connect) and no redirects, to customise and hand to
/// [`ApiClientBuilder::http_client`](crate::ApiClientBuilder::http_client).
///
/// With the default `rustls` feature, reqwest is built without a crypto provider of its own
/// (that provider needs a C toolchain), so a plain `reqwest::Client::new()` in the same
/// program panics unless the program enables one; this builder brings the crate's.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder> {
    http_builder(DEFAULT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT).map_err(Error::Config)
}

/// The HTTP client every construction path uses: the shared TLS settings, bounded waits,
/// and no redirects, since a redirect would carry the key and the signed payload to
/// another origin.
pub(crate) fn http_builder(
    timeout: Duration,
    connect_timeout: Duration,
) -> std::result::Result<reqwest::ClientBuilder, String> {
    let builder = reqwest::Client::builder()
        .user_agent(concat!("aster-connector-rust/", env!("CARGO_PKG_VERSION")))
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none());
    crate::tls::rest(builder)
}
