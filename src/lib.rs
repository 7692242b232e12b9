//! # aster-connector
//!
//! A typed client for the Aster Finance futures API, generated from a YAML spec of every
//! endpoint: the recommended V3 API signed by an API wallet ([`v3::Client`]) and the legacy
//! V1 API signed with an HMAC key ([`Client`]). Both have the same method names.
//!
//! ## A first call
//!
//! Required parameters are arguments, optional ones are setters; awaiting the call sends it.
//! Replies are typed ([`models`]) with exact [`Decimal`]s for prices and quantities.
//!
//! ```no_run
//! # async fn demo() -> aster::Result<()> {
//! let client = aster::Client::new(); // public endpoints need no credentials
//! let book = client.depth("BTCUSDT").limit(5).await?;
//! println!("best bid {:?}", book.bids.first());
//! # Ok(()) }
//! ```
//!
//! ## Trading (V3)
//!
//! A V3 client signs every request with the API wallet's key; nonces are managed for you.
//! Each order carries a client order id, so an outcome the client cannot know can be
//! resolved later (see [errors](#errors)).
//!
//! ```no_run
//! use aster::{OrderType, Side, TimeInForce};
//! use rust_decimal_macros::dec;
//!
//! # async fn demo() -> aster::Result<()> {
//! let client = aster::v3::Client::builder()
//!     .user("0x…main wallet address…")
//!     .signer("0x…API wallet address…")
//!     .private_key("…API wallet private key (hex)…")
//!     .build()?;
//! let order = client
//!     .new_order("BTCUSDT", Side::Buy, OrderType::Limit)
//!     .time_in_force(TimeInForce::Gtc)
//!     .quantity(dec!(0.002))
//!     .price(dec!(59000))
//!     .await?;
//! println!("order {} is {:?}", order.order_id, order.status);
//! # Ok(()) }
//! ```
//!
//! `.send_with_meta()` returns the reply with its status and rate-limit usage; `.raw()`
//! returns it as JSON. Rules the docs state (allowed values, what each order type needs)
//! are checked before anything is sent.
//!
//! ## Testnet and new parameters
//!
//! `.environment(Environment::Testnet)` on any builder points the client at the exchange's
//! testnet: its hosts, V3 signatures on its chain (714), and only the endpoints it serves
//! ([`Error::NotServed`] before sending otherwise). A parameter the spec does not list yet
//! goes on any call with [`Call::param`], encoded and signed like the rest.
//!
//! ## Streams
//!
//! [`ws::WsClient`] multiplexes market streams over as few connections as the exchange
//! allows, reconnects with backoff, and says so in the stream ([`ws::WsError`]) instead of
//! dropping anything silently. [`streams`] has a typed helper per stream.
//!
//! ```no_run
//! use futures_util::StreamExt;
//!
//! # async fn demo() -> aster::Result<()> {
//! let ws = aster::ws::WsClient::new("wss://fstream.asterdex.com");
//! let mut trades = ws.subscribe(aster::streams::agg_trade("btcusdt")).await?;
//! while let Some(item) = trades.next().await {
//!     match item {
//!         Ok(trade) => println!("{} @ {}", trade.qty, trade.price),
//!         Err(gap) => eprintln!("stream notice: {gap}"),
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! The user data stream of any client ([`ws::WsClient::user_data`])
//! keeps its listen key alive and sends an account snapshot after every reconnect.
//!
//! ## Errors
//!
//! Every failure is an [`Error`], and success is recognised, never assumed: a reply is `Ok`
//! only when it decodes as the endpoint's success shape and carries no error marker in any
//! form (an error object in any key order or nested, around a byte-order mark, inside a
//! list). The one to handle with care is
//! [`Error::UnknownOutcome`]: an order was sent and the reply did not say what happened (a
//! gateway error, a timeout after sending, a reply that did not decode). It is never
//! retried; resolve it by its client order id with `resolve_order`, which answers
//! [`Resolution::Executed`] or [`Resolution::NotFound`]. The exchange's error codes are
//! typed as [`ErrorCode`] (`error.code()`).
//!
//! ## Testing against the sandbox
//!
//! The `aster-sandbox` crate runs a local exchange on loopback (REST, streams, matching,
//! fault injection). Point a client at it with `base_url`, and streams at its `ws_url`:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = aster_sandbox::Sandbox::start(Default::default()).await?;
//! let client = aster::Client::builder()
//!     .base_url(sandbox.base_url())
//!     .key(sandbox.api_key())
//!     .secret(sandbox.secret())
//!     .build()?;
//! let balances = client.balance().await?;
//! # Ok(()) }
//! ```
//!
//! ## Where things are
//!
//! Every client is one type, [`ApiClient`], over an [`api`] marker; [`Client`],
//! [`v3::Client`], [`spot::Client`] and [`spot::v3::Client`] are its names. Client methods
//! per endpoint on those; replies in [`models`];
//! request types and batch objects in [`params`] and [`v3::params`]; enums at the root;
//! [`endpoint`] to call an endpoint the spec does not list yet; [`wallet`] for EIP-712
//! signing; [`rounding`] for tick and step sizes.

#![warn(missing_docs)]

pub mod api;
pub mod chain;
mod client;
mod clock;
mod core;
mod de;
#[cfg(feature = "dynamic")]
pub mod dynamic;
pub mod endpoint;
mod environment;
pub mod error;
mod governor;
mod request;
mod wire_enum;
#[rustfmt::skip]
mod generated;
pub mod nonce;
pub mod prediction;
mod resolve;
pub mod rounding;
pub mod sign;
#[cfg(feature = "solana")]
pub mod solana;
pub mod spot;
#[cfg(test)]
mod testing;
mod tls;
pub mod v3;
pub mod wallet;
#[cfg(feature = "ws")]
pub mod ws;

/// Subscription helpers for every market stream, and the user-data event type.
#[cfg(feature = "ws")]
pub mod streams {
    pub use crate::generated::futures_v1_streams::*;
}

pub use client::{ApiClient, ApiClientBuilder};
pub use core::{http_client_builder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_REPLY_BYTES, DEFAULT_TIMEOUT};
pub use core::{MAX_CLOCK_OFFSET_MS, MAX_RECV_WINDOW};

/// A client of the futures V1 API (HMAC key and secret), the crate's first and the Python
/// connector's `Client`. [`v3::Client`], [`spot::Client`] and [`spot::v3::Client`] are the
/// same type over another API, with the same method names.
pub type Client = ApiClient<api::FuturesV1>;
/// Configures a futures V1 [`Client`].
pub type ClientBuilder = ApiClientBuilder<api::FuturesV1>;
/// The exchange's production futures REST host.
pub const DEFAULT_BASE_URL: &str = Environment::Mainnet.futures_rest_url();
pub use environment::Environment;
pub use error::{Error, Result};
pub use generated::enums::*;
pub use generated::errors::ErrorCode;
#[cfg(feature = "redis")]
pub use governor::SharedBudget;
pub use governor::{LimitKind, RateLimit, RateLimitSettings, RateUsage};
pub use params::{BatchOrder, ENDPOINTS};
pub use request::{Acknowledged, ApiError, BatchResult, Call, Flag, LimitUsage, OneOrMany, Response};

/// Reply models of every endpoint and event, shared by V1 and V3: exact decimals for money,
/// enums with an `Unknown` fallback, optional fields where the exchange omits them.
pub mod models {
    pub use crate::generated::models::*;
}

/// The request type of every futures V1 endpoint. A client method returns a
/// [`Call`] on one of these; its builder setters (the optional parameters) are
/// listed on that `Call`. Also the objects some endpoints take (`BatchOrder`) and
/// [`ENDPOINTS`], the spec's table of every endpoint.
pub mod params {
    pub use crate::generated::futures_v1::*;
}
pub use resolve::Resolution;
pub use rust_decimal::Decimal;
