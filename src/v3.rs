//! The V3 futures API (`/fapi/v3/…`), the exchange's recommended version: requests are
//! signed by an API wallet (agent) acting for the user's main wallet, with EIP-712 typed
//! data over secp256k1 and microsecond nonces.
//!
//! ```no_run
//! use aster::v3::Client;
//! use aster::{OrderType, Side, TimeInForce};
//!
//! # async fn demo() -> aster::Result<()> {
//! let client = Client::builder()
//!     .user("0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e")        // main wallet
//!     .signer("0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0")      // API wallet
//!     .private_key(std::env::var("ASTER_SIGNER_KEY").unwrap_or_default())
//!     .build()?;
//! client.sync_time().await?;
//! let order = client
//!     .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
//!     .time_in_force(TimeInForce::Gtc)
//!     .quantity("0.002".parse().unwrap())
//!     .price("59000".parse().unwrap())
//!     .await?;
//! let (qty, price) = ("0.003".parse().unwrap(), "59100".parse().unwrap());
//! client.modify_order("BTCUSDT", qty, price).order_id(order.order_id).await?;
//! # Ok(()) }
//! ```
//!
//! Every endpoint of the V3 docs is a method here, with the V1 names where V1 has the same
//! endpoint. Market data needs no credentials; the rest needs `user`, and the API wallet's
//! private key (the signer address is derived from it and checked against `signer` when
//! given). Endpoints the main wallet must sign (sub-accounts, asset migration, agent
//! registration) also need `main_private_key`.

use crate::client::{ClientBuilder as CoreBuilder, WalletConfig};
use crate::request::{Call, Endpoint};
use crate::wallet::Address;
use crate::Result;
use std::time::Duration;
use zeroize::Zeroizing;

pub use params::{BatchOrder, StrategySubOrder, StrategySubOrderUpdate, ENDPOINTS};

/// The request type of every futures V3 endpoint, the objects some endpoints take, and
/// [`ENDPOINTS`].
pub mod params {
    pub use crate::generated::futures_v3::*;
}

/// Subscription helpers for every V3 market stream, and the V3 user-data event type (the
/// V1 events plus announcements). The streams are the V1 ones, on the same host.
#[cfg(feature = "ws")]
pub mod streams {
    pub use crate::generated::futures_v3_streams::*;
}
pub use crate::wallet::{typed_data_digest, WalletKey, ASTER_CHAIN_ID};

/// The exchange's production REST endpoint for V3 (the same host as V1).
pub const DEFAULT_BASE_URL: &str = crate::client::DEFAULT_BASE_URL;

/// A client of the V3 futures REST API. Cheap to clone; clones share connections and
/// nonces, so no two requests of one client ever carry the same nonce.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) core: crate::Client,
}

/// Configures a V3 [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    core: CoreBuilder,
    wallet: WalletConfig,
}

impl ClientBuilder {
    /// The user's main wallet address (the account traded).
    pub fn user(mut self, address: impl Into<String>) -> Self {
        self.wallet.user = Some(address.into());
        self
    }

    /// The API wallet (agent) address. Optional: it is derived from the private key, and
    /// when given, a mismatch is a configuration error before anything is sent.
    pub fn signer(mut self, address: impl Into<String>) -> Self {
        self.wallet.signer = Some(address.into());
        self
    }

    /// The API wallet's private key (64 hex digits, `0x` optional). Kept only as a signing
    /// key, wiped on drop, never shown.
    pub fn private_key(mut self, key: impl Into<String>) -> Self {
        self.wallet.private_key = Some(Zeroizing::new(key.into()));
        self
    }

    /// The main wallet's private key, for the few endpoints the main wallet must sign
    /// (sub-accounts, asset migration, agent registration). Must belong to `user`.
    pub fn main_private_key(mut self, key: impl Into<String>) -> Self {
        self.wallet.main_private_key = Some(Zeroizing::new(key.into()));
        self
    }

    /// REST base URL; [`DEFAULT_BASE_URL`] when not set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.core = self.core.base_url(url);
        self
    }

    /// Timeout of a whole request (30 s when not set).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.core = self.core.timeout(timeout);
        self
    }

    /// Timeout of connecting (10 s when not set).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.core = self.core.connect_timeout(timeout);
        self
    }

    /// A proxy for one scheme (`"http"`, `"https"`) or `"all"`.
    pub fn proxy(mut self, scheme: impl Into<String>, url: impl Into<String>) -> Self {
        self.core = self.core.proxy(scheme, url);
        self
    }

    /// Largest reply body read (64 MiB when not set).
    pub fn max_reply_bytes(mut self, bytes: usize) -> Self {
        self.core = self.core.max_reply_bytes(bytes);
        self
    }

    /// Whether a request refused for a stale nonce (-4225) is sent once more, with a new
    /// nonce, after taking the exchange's clock; on by default. Pinned nonces are never
    /// replaced.
    pub fn resync_on_clock_error(mut self, on: bool) -> Self {
        self.core = self.core.resync_on_clock_error(on);
        self
    }

    /// Log the rate-limit usage of every reply and keep the last one.
    pub fn show_limit_usage(mut self, on: bool) -> Self {
        self.core = self.core.show_limit_usage(on);
        self
    }

    /// Keep every reply header in the `Response` of `send_with_meta()`.
    pub fn show_header(mut self, on: bool) -> Self {
        self.core = self.core.show_header(on);
        self
    }

    /// Use this reqwest client (its own timeout, proxy and redirect settings apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.core = self.core.http_client(http);
        self
    }

    /// Checks the wallet settings (key format, signer matches key, main key matches user)
    /// and builds the client.
    pub fn build(self) -> Result<Client> {
        let mut core = self.core;
        core.wallet = Some(self.wallet);
        Ok(Client { core: core.build()? })
    }
}

impl Client {
    /// A builder: the user's main wallet address, the API wallet (signer) and its private key.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The user's main wallet address.
    pub fn user(&self) -> Address {
        self.core.wallet().map(|w| w.user).unwrap_or(Address::from_bytes([0; 20]))
    }

    /// The API wallet address requests are signed by.
    pub fn signer(&self) -> Address {
        self.core.wallet().map(|w| w.api_key.address()).unwrap_or(Address::from_bytes([0; 20]))
    }

    /// The REST base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.core.base_url()
    }

    /// The next nonce this client would sign with (microseconds on the exchange's clock).
    /// Pin it on a request with `.nonce(n)`, e.g. to let `noop` overtake that request.
    pub fn next_nonce(&self) -> u64 {
        self.core.next_nonce().unwrap_or(0)
    }

    /// Measures the offset to the exchange's clock (`GET /fapi/v3/time`) and applies it to
    /// every later nonce. Returns the offset in ms.
    pub async fn sync_time(&self) -> Result<i64> {
        self.core.resync(crate::request::Auth::Wallet(crate::request::WalletSigning::STANDARD)).await
    }

    /// The clock offset applied to nonces, in ms.
    pub fn time_offset(&self) -> i64 {
        self.core.time_offset()
    }

    /// The `childSignature` of a sub-account request (`bind_sub_account`,
    /// `create_sub_account`): the sub-account wallet's signature over the request's message
    /// without `childSignature`. Pin the nonce on the call first, then set the result:
    ///
    /// ```no_run
    /// # async fn demo(client: aster::v3::Client, child: aster::v3::WalletKey) -> aster::Result<()> {
    /// let mut call = client.create_sub_account(child.address().to_string(), "desk-1", "").nonce(client.next_nonce());
    /// call.params_mut().child_signature = client.child_signature(&call, &child)?;
    /// call.await?;
    /// # Ok(()) }
    /// ```
    pub fn child_signature<E: Endpoint>(&self, call: &Call<'_, E>, child: &WalletKey) -> Result<String> {
        let nonce = call.pinned_nonce().ok_or_else(|| crate::Error::ParameterRequired {
            name: "nonce".into(),
            reason: "pin the request's nonce with .nonce(..) before signing as the sub-account".into(),
        })?;
        let crate::request::Auth::Wallet(signing) = E::SPEC.auth else {
            return Err(crate::Error::Config(format!("`{}` is not a V3 endpoint", E::SPEC.name)));
        };
        let mut all = crate::request::ParamWriter::new();
        call.params().write_params(&mut all);
        let mut business = crate::request::ParamWriter::new();
        for (k, v) in all.pairs().filter(|(k, _)| *k != "childSignature") {
            business.put_encoded(k, v);
        }
        let built = self.core.wallet_message(&signing, E::SPEC.name, business, nonce)?;
        Ok(child.sign_message(built.chain_id, &built.message))
    }

    /// A request to an endpoint given by its params; for endpoints outside the spec.
    pub fn call<E: Endpoint>(&self, params: E) -> Call<'_, E> {
        Call::new(&self.core, params)
    }

    /// Sends a request to any path with string params, signed as V3 signs (business params
    /// sorted, then user, signer, nonce) when `security` needs it; for endpoints the spec
    /// does not cover yet.
    pub async fn request(
        &self,
        method: crate::request::Method,
        path: &str,
        security: crate::request::Security,
        params: &[(&str, &str)],
    ) -> Result<serde_json::Value> {
        self.core.request(method, path, security, params).await
    }
}
