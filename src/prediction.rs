//! The prediction market (`https://papi.asterdex.com`): outcome tokens of events traded as
//! spot pairs, signed by an API wallet as spot V3 is. Each market has a YES and a NO token
//! (`…_Y`, `…_N`, traded against USDT as `…_YUSDT`, `…_NUSDT`); a pair of them is minted
//! from one unit of quote asset and burned back into it, and at settlement the winning
//! token pays 1. Events of several outcomes also split quote asset into one outcome's
//! tokens and merge a full set back.
//!
//! Every spot V3 endpoint is here too, on this host; the trading rules are
//! [`exchange_info`](Client::exchange_info) (with the events and their markets).
//!
//! ```no_run
//! use aster::prediction::{Client, PredictionOrderType};
//! use aster::{Side, TimeInForce};
//!
//! # async fn demo() -> aster::Result<()> {
//! let client = Client::builder()
//!     .user("0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e")
//!     .private_key(std::env::var("ASTER_SIGNER_KEY").unwrap_or_default())
//!     .build()?;
//! client.sync_time().await?;
//! let info = client.exchange_info().await?;
//! let pairs = client.mint("EVENT4_ALGERIA_WIN_YUSDT", "10".parse().unwrap()).await?;
//! let order = client
//!     .new_order("EVENT4_ALGERIA_WIN_NUSDT", Side::Sell, PredictionOrderType::Limit)
//!     .time_in_force(TimeInForce::Gtc)
//!     .quantity("10".parse().unwrap())
//!     .price("0.62".parse().unwrap())
//!     .await?;
//! # Ok(()) }
//! ```

pub use crate::generated::prediction_models::{
    PredictionEventStatus, PredictionKlineInterval, PredictionOrderType, PredictionPositionSide, PredictionRoundStatus,
    PredictionSymbolType, PredictionTransactionType, PredictionType,
};
pub use params::ENDPOINTS;

/// The exchange's production prediction REST host.
pub const DEFAULT_BASE_URL: &str = crate::Environment::Mainnet.prediction_rest_url();
/// The exchange's production prediction stream host.
pub const DEFAULT_STREAM_URL: &str = crate::Environment::Mainnet.prediction_stream_url();

/// Reply models of the prediction market's own endpoints, and its enums; the rest are
/// spot's ([`crate::spot::models`]) and the shared ones ([`crate::models`]).
pub mod models {
    pub use crate::generated::prediction_models::*;
}

/// The request type of every prediction endpoint, and [`ENDPOINTS`].
pub mod params {
    pub use crate::generated::prediction::*;
}

/// Subscription helpers for every prediction market stream (spot V3's, candles by the
/// second, an event's rounds), and the prediction user-data event type.
#[cfg(feature = "ws")]
pub mod streams {
    pub use crate::generated::prediction_streams::*;
}

/// A client of the prediction market.
pub type Client = crate::ApiClient<crate::api::Prediction>;
/// Configures a prediction [`Client`].
pub type ClientBuilder = crate::ApiClientBuilder<crate::api::Prediction>;
