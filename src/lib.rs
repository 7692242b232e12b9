//! # aster-connector
//!
//! A typed Rust client for the Aster Finance futures API, generated from a YAML spec of every
//! endpoint. Required parameters are arguments, optional ones are builder setters, replies
//! are typed models with exact decimals.
//!
//! ```no_run
//! use aster::{Client, OrderType, Side, TimeInForce};
//! use rust_decimal::Decimal;
//! use std::str::FromStr;
//!
//! # async fn demo() -> aster::Result<()> {
//! let client = Client::builder().key("api-key").secret("api-secret").build()?;
//! let time = client.time().await?;
//! let book = client.depth("BTCUSDT").limit(100).await?;
//! let order = client
//!     .new_order("BTCUSDT", Side::Sell, OrderType::Limit)
//!     .time_in_force(TimeInForce::Gtc)
//!     .quantity(Decimal::from_str("0.002").unwrap())
//!     .price(Decimal::from_str("59808").unwrap())
//!     .await?;
//! let meta = client.time().send_with_meta().await?;
//! println!("{} {} {} {:?}", time.server_time, book.last_update_id, order.order_id, meta.limit_usage);
//! # Ok(()) }
//! ```
//!
//! Every request can also be sent with `.raw()` to get the reply as `serde_json::Value`.

#![warn(missing_docs)]

pub mod client;
mod de;
pub mod endpoint;
pub mod error;
mod request;
#[rustfmt::skip]
mod generated;
pub mod nonce;
mod resolve;
pub mod rounding;
pub mod sign;
mod tls;
pub mod v3;
pub mod wallet;
#[cfg(feature = "ws")]
pub mod ws;

/// Subscription helpers for every market stream, and the user-data event type.
#[cfg(feature = "ws")]
pub mod streams {
    pub use crate::generated::streams::*;
}

pub use client::{http_client_builder, Client, ClientBuilder, DEFAULT_BASE_URL, MAX_RECV_WINDOW};
pub use error::{Error, Result};
pub use generated::enums::*;
pub use generated::errors::ErrorCode;
pub use params::{BatchOrder, ENDPOINTS};
pub use request::{ApiError, BatchResult, Call, Flag, LimitUsage, OneOrMany, Response};

/// Reply models of every endpoint and event, shared by V1 and V3: exact decimals for money,
/// enums with an `Unknown` fallback, optional fields where the exchange omits them.
pub mod models {
    pub use crate::generated::models::*;
}

/// The request type of every futures V1 endpoint. A client method returns a
/// [`Call`](crate::Call) on one of these; its builder setters (the optional parameters) are
/// listed on that `Call`. Also the objects some endpoints take (`BatchOrder`) and
/// [`ENDPOINTS`](params::ENDPOINTS), the spec's table of every endpoint.
pub mod params {
    pub use crate::generated::rest::*;
}
pub use resolve::Resolution;
pub use rust_decimal::Decimal;
