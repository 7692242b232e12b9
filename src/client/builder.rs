//! Configuring a client: the settings every API shares here, the credentials of each
//! signing scheme beside them (HMAC key and secret, or the API wallet).

use super::ApiClient;
use crate::api::{Api, HmacApi, WalletApi};
use crate::core::Settings;
use crate::Result;
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

/// Configures an [`ApiClient`]: `aster::ClientBuilder`, `aster::v3::ClientBuilder`, … by
/// the API's name. Nothing is checked until [`build`](Self::build), which checks it all.
pub struct ApiClientBuilder<A: Api> {
    settings: Settings,
    api: PhantomData<A>,
}

impl<A: Api> Default for ApiClientBuilder<A> {
    fn default() -> Self {
        Self { settings: Settings::default(), api: PhantomData }
    }
}

impl<A: Api> fmt::Debug for ApiClientBuilder<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.settings.fmt(f)
    }
}

impl<A: Api> ApiClientBuilder<A> {
    /// Checks the settings (host, receive window, credentials: key format, signer matches
    /// key, main key matches user) and makes the client; nothing is sent.
    pub fn build(self) -> Result<ApiClient<A>> {
        Ok(ApiClient::from_core(self.settings.build(A::INFO)?))
    }

    /// The exchange's network: its host (unless `base_url` says otherwise), the chain V3
    /// signatures name, and which endpoints exist (one the network does not serve is
    /// refused before sending). Mainnet when not set.
    pub fn environment(mut self, environment: crate::Environment) -> Self {
        self.settings.environment = environment;
        self
    }

    /// The EIP-712 chain id of V3 signatures, for a custom deployment; the environment's
    /// (1666 on mainnet, 714 on the testnet) when not set.
    pub fn chain_id(mut self, chain_id: u64) -> Self {
        self.settings.chain_id = Some(chain_id);
        self
    }

    /// REST base URL; the API's host in the chosen environment when not set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = Some(url.into());
        self
    }

    /// Timeout of a whole request ([`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT) when not
    /// set). A write that times out after it was sent is an unknown outcome.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = Some(timeout);
        self
    }

    /// Timeout of connecting ([`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT)
    /// when not set).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = Some(timeout);
        self
    }

    /// Largest reply body read ([`DEFAULT_MAX_REPLY_BYTES`](crate::DEFAULT_MAX_REPLY_BYTES)
    /// when not set); a larger one is an error, for a request that changes state an
    /// unknown outcome.
    pub fn max_reply_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_reply_bytes = Some(bytes);
        self
    }

    /// Whether a request the exchange refused for its time (-1021 with a timestamp, -4225
    /// with a nonce) is sent once more after taking the exchange's clock. On by default:
    /// such a request was not executed, and it is resent with the same client order ids.
    /// Pinned nonces are never replaced.
    pub fn resync_on_clock_error(mut self, on: bool) -> Self {
        self.settings.keep_clock = !on;
        self
    }

    /// A proxy for one scheme (`"http"`, `"https"`) or `"all"`, as the Python connector's
    /// `proxies={'https': 'http://1.2.3.4:8080'}`.
    pub fn proxy(mut self, scheme: impl Into<String>, url: impl Into<String>) -> Self {
        self.settings.proxies.push((scheme.into(), url.into()));
        self
    }

    /// Several proxies at once, keyed by scheme.
    pub fn proxies<I, K, V>(mut self, proxies: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.settings.proxies.extend(proxies.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Log the rate-limit usage of every reply and keep the last one
    /// ([`ApiClient::last_limit_usage`]).
    pub fn show_limit_usage(mut self, on: bool) -> Self {
        self.settings.show_limit_usage = on;
        self
    }

    /// Keep every reply header in [`Response::headers`](crate::Response::headers) of
    /// `send_with_meta()`.
    pub fn show_header(mut self, on: bool) -> Self {
        self.settings.show_header = on;
        self
    }

    /// How calls are paced under the exchange's rate limits ([`RateLimitSettings`]; on by
    /// default). Clients of one process that talk to the same host share its budget
    /// whatever their settings; each keeps to its own share and maximum wait.
    ///
    /// [`RateLimitSettings`]: crate::RateLimitSettings
    pub fn rate_limits(mut self, settings: crate::RateLimitSettings) -> Self {
        self.settings.rate_limits = settings;
        self
    }

    /// Use this reqwest client (its own timeout, proxy and redirect settings apply). Start
    /// from [`http_client_builder`](crate::http_client_builder) to keep this crate's TLS
    /// setup and its refusal to follow redirects.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.settings.http = Some(http);
        self
    }
}

impl<A: HmacApi> ApiClientBuilder<A> {
    /// API key, sent in the `X-MBX-APIKEY` header.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.settings.key = Some(key.into());
        self
    }

    /// API secret, used only to sign; never sent, logged or shown, wiped on drop.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.settings.secret = Some(zeroize::Zeroizing::new(secret.into()));
        self
    }

    /// Default `recvWindow` of signed requests in ms (at most 60000).
    pub fn recv_window(mut self, millis: u64) -> Self {
        self.settings.recv_window = Some(millis);
        self
    }
}

impl<A: WalletApi> ApiClientBuilder<A> {
    /// The user's main wallet address (the account traded): an EVM address (`0x…`), or
    /// with the `solana` feature a Solana wallet's Base58 address.
    pub fn user(mut self, address: impl Into<String>) -> Self {
        self.settings.wallet.user = Some(address.into());
        self
    }

    /// The API wallet (agent) address. Optional: it is derived from the private key, and
    /// when given, a mismatch is a configuration error before anything is sent.
    pub fn signer(mut self, address: impl Into<String>) -> Self {
        self.settings.wallet.signer = Some(address.into());
        self
    }

    /// The API wallet's private key (64 hex digits, `0x` optional). Kept only as a signing
    /// key, wiped on drop, never shown.
    pub fn private_key(mut self, key: impl Into<String>) -> Self {
        self.settings.wallet.private_key = Some(zeroize::Zeroizing::new(key.into()));
        self
    }

    /// The main wallet's private key, for the few endpoints the main wallet must sign
    /// (sub-accounts, asset migration, agent registration). Must belong to `user`.
    pub fn main_private_key(mut self, key: impl Into<String>) -> Self {
        self.settings.wallet.main_private_key = Some(zeroize::Zeroizing::new(key.into()));
        self
    }

    /// A Solana main wallet's secret key (Base58 of the 64-byte keypair or the 32-byte
    /// seed), for a `user` that is that wallet's address: it signs the agent and builder
    /// approvals (Ed25519 over the request's query, as the exchange's Solana demo does).
    /// Wiped on drop, never shown.
    #[cfg(feature = "solana")]
    pub fn solana_main_key(mut self, secret: impl Into<String>) -> Self {
        self.settings.wallet.solana_main_key = Some(zeroize::Zeroizing::new(secret.into()));
        self
    }
}
