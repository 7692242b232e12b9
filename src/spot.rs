//! The spot market (`https://sapi.asterdex.com`): V1 here, signed with an HMAC key
//! (`/api/v1/…`), and [`v3`], signed by an API wallet (`/api/v3/…`).
//!
//! Spot has balances per asset instead of positions and leverage. Its replies share the
//! futures models where the payloads are the same ([`Order`](crate::models::Order),
//! [`OrderBook`](crate::models::OrderBook), the tickers, the market stream events) and
//! have their own in [`models`] where they differ.
//!
//! ```no_run
//! use aster::spot::{Client, SpotOrderType};
//! use aster::{Side, TimeInForce};
//!
//! # async fn demo() -> aster::Result<()> {
//! let client = Client::builder().key("api-key").secret("api-secret").build()?;
//! let book = client.depth("ASTERUSDT").limit(5).await?;
//! let order = client
//!     .new_order("ASTERUSDT", Side::Buy, SpotOrderType::Limit)
//!     .time_in_force(TimeInForce::Gtc)
//!     .quantity("100".parse().unwrap())
//!     .price("0.4".parse().unwrap())
//!     .await?;
//! let spend = client
//!     .new_order("ASTERUSDT", Side::Buy, SpotOrderType::Market)
//!     .quote_order_qty("25".parse().unwrap())   // spend 25 USDT
//!     .await?;
//! # Ok(()) }
//! ```

pub mod v3;
mod withdrawal;

use crate::client::ProductApi;
use crate::request::{Call, Endpoint, LimitUsage};
use crate::Result;

pub use crate::generated::spot_models::{SpotDepthSpeed, SpotOrderRespType, SpotOrderType, SpotSymbolStatus};
pub use crate::generated::spot_models::{SpotSymbolType, TransactionType, WithdrawChain};
pub use params::ENDPOINTS;
pub use withdrawal::{withdraw_signature, Withdrawal};

/// The exchange's production spot REST host.
pub const DEFAULT_BASE_URL: &str = crate::Environment::Mainnet.spot_rest_url();
/// The exchange's production spot stream host.
pub const DEFAULT_STREAM_URL: &str = crate::Environment::Mainnet.spot_stream_url();

/// Reply models of the spot API that differ from the futures ones, and its own enums.
pub mod models {
    pub use crate::generated::spot_models::*;
}

/// The request type of every spot V1 endpoint, and [`ENDPOINTS`].
pub mod params {
    pub use crate::generated::spot::*;
}

/// Subscription helpers for every spot market stream (on [`DEFAULT_STREAM_URL`]), and
/// the spot user-data event type.
#[cfg(feature = "ws")]
pub mod streams {
    pub use crate::generated::spot_streams::*;
}

const SPOT_V1: ProductApi = ProductApi { rest_url: crate::Environment::spot_rest_url, time_path: "/api/v1/time" };

/// A client of the spot V1 REST API. Cheap to clone; clones share connections.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) core: crate::Client,
}

/// Configures a spot V1 [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    core: crate::ClientBuilder,
}

impl ClientBuilder {
    /// API key, sent in the `X-MBX-APIKEY` header.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.core = self.core.key(key);
        self
    }

    /// API secret, used only to sign; never sent, logged or shown.
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.core = self.core.secret(secret);
        self
    }

    /// Default `recvWindow` of signed requests in ms (at most 60000).
    pub fn recv_window(mut self, millis: u64) -> Self {
        self.core = self.core.recv_window(millis);
        self
    }

    crate::builder::transport_setters!();

    /// Checks the settings and makes the client; nothing is sent.
    pub fn build(self) -> Result<Client> {
        let mut core = self.core;
        core.product = Some(SPOT_V1);
        Ok(Client { core: core.build()? })
    }
}

impl Client {
    /// A client without credentials for the production spot host: market data only.
    pub fn new() -> Result<Self> {
        Self::builder().build()
    }

    /// A builder for a client with credentials, another host or other settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The REST base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.core.base_url()
    }

    /// The exchange's network this client was built for.
    pub fn environment(&self) -> crate::Environment {
        self.core.environment()
    }

    /// Measures the offset to the exchange's clock (`GET /api/v1/time`) and applies it to
    /// every later timestamp. Returns the offset in ms.
    pub async fn sync_time(&self) -> Result<i64> {
        self.core.sync_time().await
    }

    /// The clock offset applied to timestamps, in ms.
    pub fn time_offset(&self) -> i64 {
        self.core.time_offset()
    }

    /// The rate-limit usage of the last reply, when `show_limit_usage` is on.
    pub fn last_limit_usage(&self) -> Option<LimitUsage> {
        self.core.last_limit_usage()
    }

    /// A request to an endpoint given by its params; for endpoints outside the spec.
    pub fn call<E: Endpoint>(&self, params: E) -> Call<'_, E> {
        Call::new(&self.core, params)
    }

    /// Sends a request to any path with string params, signed as V1 signs when `security`
    /// needs it; for endpoints the spec does not cover yet.
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
