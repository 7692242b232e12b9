//! The spot V3 API (`/api/v3/…`), signed by an API wallet as the futures V3 API is
//! (EIP-712 typed data over secp256k1, microsecond nonces), with the same endpoints as
//! spot V1 plus `noop`.
//!
//! ```no_run
//! use aster::spot::{v3::Client, SpotOrderType};
//! use aster::{Side, TimeInForce};
//!
//! # async fn demo() -> aster::Result<()> {
//! let client = Client::builder()
//!     .user("0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e")
//!     .private_key(std::env::var("ASTER_SIGNER_KEY").unwrap_or_default())
//!     .build()?;
//! client.sync_time().await?;
//! let order = client
//!     .new_order("ASTERUSDT", Side::Buy, SpotOrderType::Limit)
//!     .time_in_force(TimeInForce::Gtc)
//!     .quantity("100".parse().unwrap())
//!     .price("0.4".parse().unwrap())
//!     .await?;
//! # Ok(()) }
//! ```

pub use params::ENDPOINTS;

/// The request type of every spot V3 endpoint, and [`ENDPOINTS`].
pub mod params {
    pub use crate::generated::spot_v3::*;
}

/// Subscription helpers for every spot V3 market stream (the V1 ones and `tradepro`),
/// and the spot V3 user-data event type.
#[cfg(feature = "ws")]
pub mod streams {
    pub use crate::generated::spot_v3_streams::*;
}

/// A client of the spot V3 API.
pub type Client = crate::ApiClient<crate::api::SpotV3>;
/// Configures a spot V3 [`Client`].
pub type ClientBuilder = crate::ApiClientBuilder<crate::api::SpotV3>;
