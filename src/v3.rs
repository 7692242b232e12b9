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

pub use params::{StrategySubOrder, StrategySubOrderUpdate, ENDPOINTS};

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

/// A client of the futures V3 API.
pub type Client = crate::ApiClient<crate::api::FuturesV3>;
/// Configures a futures V3 [`Client`].
pub type ClientBuilder = crate::ApiClientBuilder<crate::api::FuturesV3>;
