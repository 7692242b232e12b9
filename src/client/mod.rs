//! The public client: one type for every API ([`ApiClient`] over an [`Api`] marker), a
//! thin wrapper of the request core. Each API's endpoints are generated methods on its
//! instance (`aster::Client`, `aster::v3::Client`, `aster::spot::Client`,
//! `aster::spot::v3::Client` are its names).

use crate::api::Api;
use crate::core::Core;
use crate::request::{Call, Endpoint, LimitUsage, Method, Security};
use crate::Result;
use std::fmt;
use std::marker::PhantomData;

mod builder;
mod wallet;

pub use builder::ApiClientBuilder;

/// A client of one REST API of the exchange. Cheap to clone; clones share connections,
/// the clock offset and (V3) nonces, so no two requests of one client carry the same
/// nonce. Use it by the API's own name:
///
/// ```no_run
/// # async fn demo() -> aster::Result<()> {
/// let client = aster::Client::new(); // futures V1, public endpoints
/// let book = client.depth("BTCUSDT").limit(100).await?;
/// let spot = aster::spot::v3::Client::new(); // spot V3, public endpoints
/// let pair = spot.depth("ASTERUSDT").limit(5).await?;
/// # Ok(()) }
/// ```
pub struct ApiClient<A: Api> {
    pub(crate) core: Core,
    api: PhantomData<A>,
}

impl<A: Api> Clone for ApiClient<A> {
    fn clone(&self) -> Self {
        Self { core: self.core.clone(), api: PhantomData }
    }
}

impl<A: Api> fmt::Debug for ApiClient<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.core.fmt(f)
    }
}

impl<A: Api> Default for ApiClient<A> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A: Api> ApiClient<A> {
    pub(crate) fn from_core(core: Core) -> Self {
        Self { core, api: PhantomData }
    }

    /// A client without credentials on the production exchange: public endpoints only.
    /// It cannot fail; should this machine offer no TLS, each request says so.
    pub fn new() -> Self {
        let http = crate::core::http_builder(crate::DEFAULT_TIMEOUT, crate::DEFAULT_CONNECT_TIMEOUT)
            .and_then(|b| b.build().map_err(|e| format!("cannot build the HTTP client: {e}")));
        let core = crate::core::Settings::default().build_with(A::INFO, http);
        Self::from_core(core.expect("the default settings are valid"))
    }

    /// A builder for a client with credentials, another environment or host, or other
    /// settings; `build()` checks them all.
    pub fn builder() -> ApiClientBuilder<A> {
        ApiClientBuilder::default()
    }

    /// The REST base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.core.base_url()
    }

    /// The exchange's network this client was built for.
    pub fn environment(&self) -> crate::Environment {
        self.core.environment()
    }

    /// Measures the offset between the exchange's clock and this machine's (the API's
    /// `time` endpoint) and applies it to every later timestamp or nonce. Returns the
    /// offset in ms.
    pub async fn sync_time(&self) -> Result<i64> {
        self.core.resync().await
    }

    /// The clock offset applied to signed requests, in ms.
    pub fn time_offset(&self) -> i64 {
        self.core.time_offset()
    }

    /// Rate-limit usage of the last reply, when built with `show_limit_usage(true)`.
    pub fn last_limit_usage(&self) -> Option<LimitUsage> {
        self.core.last_limit_usage()
    }

    /// Every rate limit this client spends from (its host's request weight, its account's
    /// orders) and how much of each is used now, as the governor counts it, the exchange's
    /// own counts included when they were higher; for metrics.
    pub fn rate_limit_usage(&self) -> Vec<crate::RateUsage> {
        self.core.rate_limit_usage()
    }

    /// A request to an endpoint given by its params; for endpoints implemented outside
    /// the spec.
    pub fn call<E: Endpoint<A>>(&self, params: E) -> Call<'_, E, A> {
        Call::new(&self.core, params)
    }

    /// Sends a request to any path with string params and returns the JSON reply; for
    /// endpoints the spec does not cover yet. It is signed as this API signs (HMAC with
    /// `timestamp`, or the API wallet with `user`, `signer`, `nonce`) when `security`
    /// needs it; a `recvWindow` among the params must be a whole number of ms, at most
    /// 60000. A reply is `Ok` only when it carries no error marker.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        security: Security,
        params: &[(&str, &str)],
    ) -> Result<serde_json::Value> {
        self.core.request(method, path, security, params).await
    }
}
