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

pub mod client;
pub mod core;
pub mod de;
pub mod error;
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
pub use core::{ApiError, BatchResult, Call, LimitUsage, OneOrMany, Response};
pub use error::{Error, Result};
pub use generated::errors::ErrorCode;
pub use generated::models::*;
pub use generated::rest::*;
pub use resolve::Resolution;
pub use rust_decimal::Decimal;
