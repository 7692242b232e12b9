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

pub use crate::generated::enums::WithdrawChain;
pub use crate::generated::spot_models::{SpotDepthSpeed, SpotOrderRespType, SpotOrderType, SpotSymbolStatus};
pub use crate::generated::spot_models::{SpotSymbolType, TransactionType};
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
    pub use crate::generated::spot_v1::*;
}

/// Subscription helpers for every spot market stream (on [`DEFAULT_STREAM_URL`]), and
/// the spot user-data event type.
#[cfg(feature = "ws")]
pub mod streams {
    pub use crate::generated::spot_v1_streams::*;
}

/// A client of the spot V1 API.
pub type Client = crate::ApiClient<crate::api::SpotV1>;
/// Configures a spot V1 [`Client`].
pub type ClientBuilder = crate::ApiClientBuilder<crate::api::SpotV1>;
