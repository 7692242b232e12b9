//! Configuring a client: credentials, environment, host, timeouts, proxies, and the
//! HTTP client every construction path uses.

use super::*;

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
    connect_timeout: Option<Duration>,
    max_reply_bytes: Option<usize>,
    keep_clock: bool,
    pub(crate) wallet: Option<WalletConfig>,
    /// The product's API: its host in each environment and the time endpoint the clock is
    /// read from (futures when not set).
    pub(crate) product: Option<ProductApi>,
    environment: crate::Environment,
    chain_id: Option<u64>,
}

/// Where a product's API version lives, for the clients that wrap the core.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProductApi {
    pub rest_url: fn(crate::Environment) -> &'static str,
    pub time_path: &'static str,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("key", &self.key.as_deref().map(key_hint))
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("recv_window", &self.recv_window)
            .field("environment", &self.environment)
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

    /// The exchange's network: its host (unless `base_url` says otherwise), the chain V3
    /// signatures name, and which endpoints exist (one the network does not serve is refused
    /// before sending). Mainnet when not set.
    pub fn environment(mut self, environment: crate::Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The EIP-712 chain id of V3 signatures, for a custom deployment; the environment's
    /// (1666 on mainnet, 714 on the testnet) when not set.
    pub fn chain_id(mut self, chain_id: u64) -> Self {
        self.chain_id = Some(chain_id);
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

    /// Timeout of a whole request ([`DEFAULT_TIMEOUT`] when not set). A write that times
    /// out after it was sent is an unknown outcome.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Largest reply body read ([`DEFAULT_MAX_REPLY_BYTES`] when not set); a larger one is
    /// an error, for a request that changes state an unknown outcome.
    pub fn max_reply_bytes(mut self, bytes: usize) -> Self {
        self.max_reply_bytes = Some(bytes);
        self
    }

    /// Whether a request the exchange refused for its time (-1021 on V1, -4225 on V3) is
    /// sent once more after taking the exchange's clock. On by default: such a request was
    /// not executed, and it is resent with the same client order ids.
    pub fn resync_on_clock_error(mut self, on: bool) -> Self {
        self.keep_clock = !on;
        self
    }

    /// Timeout of connecting ([`DEFAULT_CONNECT_TIMEOUT`] when not set).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
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

    /// Keep every reply header in [`Response::headers`](crate::Response::headers) of `send_with_meta()`.
    pub fn show_header(mut self, on: bool) -> Self {
        self.show_header = on;
        self
    }

    /// Default `recvWindow` of signed requests in ms (at most 60000).
    pub fn recv_window(mut self, millis: u64) -> Self {
        self.recv_window = Some(millis);
        self
    }

    /// Use this reqwest client (its own timeout and proxy settings apply). Start from
    /// [`http_client_builder`] to keep this crate's TLS setup and
    /// its refusal to follow redirects.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the settings and makes the client; nothing is sent.
    pub fn build(self) -> Result<Client> {
        if let Some(rw) = self.recv_window {
            check_recv_window(rw)?;
        }
        let rest_url = self.product.map_or(crate::Environment::futures_rest_url as fn(_) -> _, |p| p.rest_url);
        let base_url = self.base_url.unwrap_or_else(|| rest_url(self.environment).to_string());
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
                b.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        let wallet = match &self.wallet {
            Some(w) => Some(w.build()?),
            None => None,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http: Ok(http),
                base_url,
                key_hint: self.key.as_deref().map(key_hint),
                api_key,
                signer: self.secret.as_deref().map(Signer::new),
                recv_window: self.recv_window,
                show_limit_usage: self.show_limit_usage,
                show_header: self.show_header,
                time_offset_ms: AtomicI64::new(0),
                last_usage: Mutex::new(None),
                wallet,
                max_reply_bytes: self.max_reply_bytes.unwrap_or(DEFAULT_MAX_REPLY_BYTES),
                client_ids: ClientIds::new(),
                resync_on_clock_error: !self.keep_clock,
                time_path: self.product.map(|p| p.time_path),
                environment: self.environment,
                chain_id: self.chain_id.unwrap_or(self.environment.chain_id()),
            }),
        })
    }
}

/// A reqwest builder with this crate's TLS setup, default timeouts (30 s per request, 10 s
/// to connect) and no redirects, to customise and hand to
/// [`ClientBuilder::http_client`].
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
pub(super) fn http_builder(
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
