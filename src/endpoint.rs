//! Calling an endpoint the spec does not list yet, through the same pipeline (signing,
//! checks, error mapping, unknown-outcome rules) the generated methods use.
//!
//! Implement [`Params`] (how the parameters are written) and [`Endpoint`] (for which API,
//! where, how signed) for a type, then send it with
//! [`ApiClient::call`](crate::ApiClient::call); or, without a type, use
//! [`ApiClient::request`](crate::ApiClient::request) and get JSON back.
//!
//! ```
//! use aster::endpoint::{Auth, Endpoint, EndpointSpec, Method, ParamWriter, Params, Security};
//!
//! struct Commission<'a> {
//!     symbol: &'a str,
//! }
//!
//! impl Params for Commission<'_> {
//!     fn write_params(&self, w: &mut ParamWriter) {
//!         w.put("symbol", self.symbol);
//!     }
//! }
//!
//! // An endpoint of futures V1 (`Endpoint<aster::api::FuturesV1>`, the default).
//! impl Endpoint for Commission<'_> {
//!     type Response = serde_json::Value;
//!     const SPEC: EndpointSpec = EndpointSpec {
//!         name: "commission",
//!         title: "User Commission Rate",
//!         method: Method::Get,
//!         path: "/fapi/v1/commissionRate",
//!         security: Security::UserData,
//!         weight: "20",
//!         auth: Auth::Hmac,
//!     };
//! }
//! ```

pub use crate::request::{
    Auth, Endpoint, EndpointSpec, Method, ParamValue, ParamWriter, Params, RpcMethod, RpcParam, Security, TypedMessage,
    WalletRole, WalletSigning,
};
