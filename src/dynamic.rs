//! Calling an endpoint by its name with text arguments, as a command line or a script
//! does: each API's `ENDPOINT_INFO` lists its endpoints and parameters, and its
//! `call_by_name` parses the text into the typed params, so the endpoint's own checks
//! (required values, allowed values, what each order type needs) run before anything is
//! sent, exactly as for a typed call.
//!
//! ```no_run
//! # async fn demo() -> aster::Result<()> {
//! use aster::dynamic::Args;
//! let client = aster::Client::new();
//! let mut args = Args::new();
//! args.set("symbol", "BTCUSDT").set("limit", "5");
//! let body = aster::params::call_by_name(&client, "depth", &args).await?;
//! println!("{}", String::from_utf8_lossy(&body));
//! # Ok(()) }
//! ```

use crate::request::{Call, Endpoint, EndpointSpec, Flag};
use crate::{Error, Result};
pub use bytes::Bytes;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// An endpoint as a caller working by name sees it.
#[derive(Debug, Clone, Copy)]
pub struct EndpointInfo {
    /// Method, path, security, weight and the method name.
    pub spec: EndpointSpec,
    /// What the endpoint does.
    pub doc: &'static str,
    /// Its parameters in spec order (signing params are added by the client).
    pub params: &'static [ParamInfo],
    /// The JSON-RPC method it calls, for an endpoint of an RPC API.
    pub rpc: Option<crate::endpoint::RpcMethod>,
    /// Builds the typed request from text and sends it.
    pub(crate) call: CallFn,
}

impl EndpointInfo {
    /// The entry of request type `E` in API `A`: its spec, its parameters, and its call.
    pub(crate) const fn of<E, A>(doc: &'static str) -> Self
    where
        E: Endpoint<A> + FromArgs + Send + Sync + 'static,
        A: crate::api::Api,
    {
        EndpointInfo { spec: E::SPEC, doc, params: E::PARAM_INFO, rpc: E::RPC, call: call_endpoint::<E, A> }
    }
}

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// How one endpoint is called by name: the same generic function for every endpoint
/// ([`call_endpoint`]), instantiated with its request type.
pub(crate) type CallFn = for<'a> fn(&'a crate::core::Core, &'a Args) -> BoxFuture<'a, Result<Bytes>>;

/// A request type built from text arguments; generated for every endpoint's params.
pub(crate) trait FromArgs: Sized {
    /// Its parameters, as a caller working by name sees them.
    const PARAM_INFO: &'static [ParamInfo];
    /// Parses each argument to its parameter's type.
    fn from_args(args: &Args) -> Result<Self>;
}

/// Parses `args` into `E` and sends it through `A`'s pipeline.
pub(crate) fn call_endpoint<'a, E, A>(core: &'a crate::core::Core, args: &'a Args) -> BoxFuture<'a, Result<Bytes>>
where
    E: Endpoint<A> + FromArgs + Send + Sync + 'static,
    A: crate::api::Api,
{
    Box::pin(async move { send(Call::<E, A>::new(core, E::from_args(args)?), args).await })
}

/// Calls the endpoint named `name` of an API's table.
pub(crate) async fn call_by_name(
    endpoints: &[EndpointInfo],
    core: &crate::core::Core,
    name: &str,
    args: &Args,
) -> Result<Bytes> {
    match endpoints.iter().find(|e| e.spec.name == name) {
        Some(endpoint) => (endpoint.call)(core, args).await,
        None => Err(Error::Config(format!("no endpoint `{name}` in this API"))),
    }
}

/// One parameter of an endpoint.
#[derive(Debug, Clone, Copy)]
pub struct ParamInfo {
    /// The exact API name, e.g. `timeInForce`.
    pub name: &'static str,
    /// What text it takes.
    pub kind: ParamKind,
    /// Whether the endpoint needs it.
    pub required: bool,
    /// What it means.
    pub doc: &'static str,
    /// The only integer values allowed, when the spec lists them.
    pub allowed: &'static [i64],
}

/// The text a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// Any text.
    String,
    /// A whole number.
    Integer,
    /// An exact decimal number, e.g. `0.002`.
    Decimal,
    /// `true` or `false`.
    Bool,
    /// One of these values, as the exchange spells them.
    Enum(&'static [&'static str]),
    /// Several values, comma-separated or as a JSON array.
    List,
    /// A JSON array of objects.
    Json,
}

/// The text arguments of one call, by API parameter name.
#[derive(Debug, Clone, Default)]
pub struct Args {
    values: BTreeMap<String, String>,
    /// A nonce to sign a V3 request with, instead of the client's next one.
    pub nonce: Option<u64>,
    /// A `recvWindow` for a V1 signed request, instead of the client's default.
    pub recv_window: Option<u64>,
}

impl Args {
    /// No arguments.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the parameter `name` to `value`.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.values.insert(name.into(), value.into());
        self
    }

    /// The names given.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// A required value, parsed.
    pub fn req<T: FromArg>(&self, name: &str) -> Result<T> {
        match self.values.get(name) {
            Some(text) => T::from_arg(name, text),
            None => Err(Error::ParameterRequired { name: name.into(), reason: "the endpoint needs it".into() }),
        }
    }

    /// An optional value, parsed when given.
    pub fn opt<T: FromArg>(&self, name: &str) -> Result<Option<T>> {
        self.values.get(name).map(|text| T::from_arg(name, text)).transpose()
    }
}

/// A value read from the text of an argument.
pub trait FromArg: Sized {
    /// Parses `text` given for the parameter `name`.
    fn from_arg(name: &str, text: &str) -> Result<Self>;
}

fn bad(name: &str, text: &str, expected: &str) -> Error {
    Error::ParameterType { name: name.into(), reason: format!("`{text}` is not {expected}") }
}

impl FromArg for String {
    fn from_arg(_: &str, text: &str) -> Result<Self> {
        Ok(text.to_string())
    }
}

macro_rules! parsed_arg {
    ($($t:ty => $what:literal),*) => {$(
        impl FromArg for $t {
            fn from_arg(name: &str, text: &str) -> Result<Self> {
                text.trim().parse().map_err(|_| bad(name, text, $what))
            }
        }
    )*};
}

parsed_arg!(u32 => "a whole number", i64 => "a whole number", u64 => "a whole number", Decimal => "a decimal number");

impl FromArg for bool {
    fn from_arg(name: &str, text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(bad(name, text, "true or false")),
        }
    }
}

impl FromArg for Flag {
    fn from_arg(name: &str, text: &str) -> Result<Self> {
        bool::from_arg(name, text).map(Flag)
    }
}

/// Items of a list: a JSON array, or comma-separated.
fn items(text: &str) -> Vec<String> {
    match serde_json::from_str::<Vec<serde_json::Value>>(text) {
        Ok(v) => v.into_iter().map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string())).collect(),
        Err(_) => text.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
    }
}

impl FromArg for Vec<i64> {
    fn from_arg(name: &str, text: &str) -> Result<Self> {
        items(text).iter().map(|i| i64::from_arg(name, i)).collect()
    }
}

impl FromArg for Vec<String> {
    fn from_arg(_: &str, text: &str) -> Result<Self> {
        Ok(items(text))
    }
}

/// A JSON argument decoded into its typed objects (batch orders, strategy sub-orders).
pub fn json_arg<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::ParameterType { name: name.into(), reason: format!("not the expected JSON: {e}") })
}

/// An enum argument: one of the values the spec knows, as the exchange spells them.
pub fn enum_arg<T>(name: &str, text: &str, all: &[T], wire: impl Fn(&T) -> &str) -> Result<T>
where
    T: Clone,
{
    all.iter().find(|v| wire(v) == text).cloned().ok_or_else(|| {
        let known: Vec<&str> = all.iter().map(wire).collect();
        Error::ParameterValue { name: name.into(), reason: format!("`{text}` is not one of {}", known.join(", ")) }
    })
}

/// Sends a call built from text arguments and returns the reply's body as sent.
pub async fn send<E: Endpoint<A>, A: crate::api::Api>(mut call: Call<'_, E, A>, args: &Args) -> Result<bytes::Bytes> {
    if let Some(n) = args.nonce {
        call = call.nonce(n);
    }
    if let Some(rw) = args.recv_window {
        call = call.recv_window(rw);
    }
    call.raw_bytes().await
}
