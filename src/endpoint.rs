//! Calling an endpoint the spec does not list yet, through the same pipeline (signing,
//! checks, error mapping, unknown-outcome rules) the generated methods use.
//!
//! Implement [`Endpoint`] for a type that writes its parameters, then send it with
//! [`Client::call`](crate::Client::call); or, without a type, use
//! [`Client::request`](crate::Client::request) and get JSON back.
//!
//! ```
//! use aster::endpoint::{Auth, Endpoint, EndpointSpec, Method, ParamWriter, Security};
//!
//! struct Commission<'a> {
//!     symbol: &'a str,
//! }
//!
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
//!     fn write_params(&self, w: &mut ParamWriter) {
//!         w.put("symbol", self.symbol);
//!     }
//! }
//! ```

pub use crate::request::{
    Auth, Endpoint, EndpointSpec, Method, ParamValue, ParamWriter, Security, WalletRole, WalletSigning,
};
