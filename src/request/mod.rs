//! The request pipeline the generated code stands on: parameters, signing input, the call
//! future, reply classification. It knows no endpoint by name.

mod call;
pub(crate) mod check;
mod endpoint;
mod params;
pub(crate) mod reply;
mod response;
pub(crate) mod rpc;
pub(crate) mod verdict;
pub(crate) mod wallet_payload;

pub use call::Call;
pub use endpoint::{
    Auth, Endpoint, EndpointSpec, Method, Params, RpcMethod, RpcParam, Security, TypedMessage, WalletRole,
    WalletSigning,
};
pub(crate) use params::wire_decimal_text;
#[allow(unused_imports)] // `bool_text` serves required bool params, which the spec may list
pub(crate) use params::{bool_text, opt_bool_text, opt_wire_decimal, wire_decimal};
pub use params::{Flag, ParamValue, ParamWriter};
pub use response::{Acknowledged, ApiError, BatchResult, LimitUsage, OneOrMany, Response};
