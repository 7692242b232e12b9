//! The hand-written core the generated code stands on. It knows no endpoint by name.

mod call;
pub mod check;
mod endpoint;
mod params;
pub(crate) mod reply;
mod response;
pub(crate) mod wallet_payload;

pub use call::Call;
pub use endpoint::{Auth, Endpoint, EndpointSpec, Method, Security, WalletRole, WalletSigning};
pub use params::{bool_text, encode_into, opt_bool_text, Flag, ParamValue, ParamWriter};
pub use response::{ApiError, BatchResult, LimitUsage, OneOrMany, Response};
