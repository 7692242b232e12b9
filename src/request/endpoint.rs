//! What the core needs to know about an endpoint; the generated code supplies it.

use super::params::ParamWriter;
use crate::api::{Api, FuturesV1};
use crate::Error;
use serde::de::DeserializeOwned;

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: parameters in the query string.
    Get,
    /// `POST`: parameters in a form body.
    Post,
    /// `PUT`: parameters in a form body.
    Put,
    /// `DELETE`: parameters in the query (V1) or the body (V3).
    Delete,
}

impl Method {
    /// The method's name as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Whether a repeated request could change state twice; such requests are never
    /// retried and a lost reply is reported as an unknown outcome.
    pub fn changes_state(self) -> bool {
        !matches!(self, Method::Get)
    }

    pub(crate) fn to_http(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// Security type of an endpoint, as the exchange defines them. What each one requires
/// depends on the API version's [`Auth`] scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Security {
    /// Open to anyone.
    None,
    /// V1: API key header. V3: open.
    MarketData,
    /// V1: API key header. V3: signed.
    UserStream,
    /// Signed.
    Trade,
    /// Signed.
    UserData,
    /// Signed.
    Transfer,
    /// V3: no API wallet, but signed by the main wallet (agent registration).
    Public,
    /// V3: signed by the main wallet (moving assets out).
    Withdraw,
}

impl Security {
    /// Whether a V1 (HMAC) request sends the `X-MBX-APIKEY` header.
    pub fn needs_key(self) -> bool {
        !matches!(self, Security::None)
    }

    /// Whether a V1 (HMAC) request is signed.
    pub fn is_signed(self) -> bool {
        matches!(self, Security::Trade | Security::UserData | Security::Transfer)
    }

    /// Whether a V3 (wallet) request is signed.
    pub fn is_wallet_signed(self) -> bool {
        !matches!(self, Security::None | Security::MarketData)
    }
}

/// How an API version proves who sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// V1: the `X-MBX-APIKEY` header; signed security types add `timestamp`, optional
    /// `recvWindow` and an HMAC-SHA256 `signature`.
    Hmac,
    /// V3: signed security types add wallet params and an EIP-712 `signature`.
    Wallet(WalletSigning),
}

/// Which of the user's keys signs a V3 request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalletRole {
    /// The API wallet (agent) acting for the user: almost every endpoint.
    ApiWallet,
    /// The user's main wallet: sub-accounts, asset migration, agent registration.
    MainWallet,
}

/// How one V3 endpoint builds and signs its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletSigning {
    /// Which wallet's key signs.
    pub key: WalletRole,
    /// Wallet params the request carries, a subset of `user`, `signer`, `nonce`.
    pub adds: &'static [&'static str],
    /// The signed message's keys in order. Empty: the business params sorted by key, then
    /// `adds` in order. Otherwise exactly these keys (optional ones left out when unset).
    pub message: &'static [&'static str],
    /// Params sent after the message without being signed (the docs leave them out of it).
    pub unsigned: &'static [&'static str],
    /// The param whose value is the EIP-712 chain id; the exchange's 1666 when `None`.
    pub chain_id_param: Option<&'static str>,
    /// Signed as this EIP-712 struct of the `message` keys instead of `Message(string msg)`;
    /// every key is then sent, an unset optional one empty.
    pub typed: Option<TypedMessage>,
}

/// The struct a typed main-wallet request signs: its name and each `message` key's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypedMessage {
    /// The EIP-712 primary type, e.g. `ApproveAgent`.
    pub primary_type: &'static str,
    /// The type of each key of `message`, in its order.
    pub kinds: &'static [crate::wallet::FieldKind],
}

impl WalletSigning {
    /// The API wallet signs business params sorted by key, then user, signer and nonce.
    pub const STANDARD: WalletSigning = WalletSigning {
        key: WalletRole::ApiWallet,
        adds: &["user", "signer", "nonce"],
        message: &[],
        unsigned: &[],
        chain_id_param: None,
        typed: None,
    };
}

/// A JSON-RPC method: its name and its positional parameters, in order. The request is
/// `{"jsonrpc":"2.0","id":…,"method":…,"params":[…]}` posted as JSON, each parameter at
/// its index, `null` where an optional one is unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RpcMethod {
    /// The method's name, e.g. `aster_getBalance`.
    pub method: &'static str,
    /// The parameters by index.
    pub params: &'static [RpcParam],
}

/// One positional JSON-RPC parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RpcParam {
    /// The name the request type writes it under.
    pub name: &'static str,
    /// Sent as a JSON number (a time in ms) instead of a string.
    pub number: bool,
}

/// Static facts about an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointSpec {
    /// Client method name.
    pub name: &'static str,
    /// Heading of the exchange's docs section.
    pub title: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path below the base URL, e.g. `/fapi/v1/depth`.
    pub path: &'static str,
    /// Which credentials the endpoint needs, and so how it is signed.
    pub security: Security,
    /// Request weight, as a number or a short rule.
    pub weight: &'static str,
    /// How requests prove who sends them.
    pub auth: Auth,
}

/// A request's parameters, ready to be sent: what they are and how they are written and
/// checked. One type may be the request of the same endpoint in several APIs (futures V1
/// and V3 send the same `depth`), each through its own [`Endpoint`] impl.
pub trait Params {
    /// Every parameter the spec lists for the endpoint, as sent: an extra parameter
    /// ([`Call::param`](crate::Call::param)) may not take one of these names.
    const PARAMS: &'static [&'static str] = &[];
    /// Writes the parameters in spec order.
    fn write_params(&self, w: &mut ParamWriter);
    /// Rejects parameter combinations the exchange would reject, before anything is sent.
    fn check(&self) -> Result<(), Error> {
        Ok(())
    }
    /// Gives every order of the request a client order id where it has none, using
    /// `next`; returns the ids the request carries. Generated for the endpoints that place
    /// orders (the spec's `client_order_id`); nothing for the others.
    fn assign_client_order_ids(&mut self, next: &mut dyn FnMut() -> String) -> Vec<String> {
        let _ = next;
        Vec::new()
    }
}

/// An endpoint of the API `A`: where its [`Params`] go, how they are signed, what comes
/// back. Generated for every endpoint of the spec; implement it (with [`Params`]) for an
/// endpoint the spec does not have yet and call it with
/// [`ApiClient::call`](crate::ApiClient::call). A client only calls its own API's
/// endpoints.
pub trait Endpoint<A: Api = FuturesV1>: Params {
    /// The typed reply.
    type Response: DeserializeOwned;
    /// What the pipeline needs to know about the endpoint.
    const SPEC: EndpointSpec;
    /// Whether the reply is a list answered item by item (a batch), where an item may be
    /// the exchange's error object beside accepted ones. Otherwise a list holding an error
    /// object is the whole request refused.
    const PER_ITEM_RESULTS: bool = false;
    /// Whether the exchange's testnet serves the endpoint (the spec says which it does
    /// not); a client for the testnet refuses the others before sending.
    const ON_TESTNET: bool = true;
    /// A JSON-RPC method: the params go as a positional JSON list, and only the reply's
    /// `result` is the endpoint's reply. `None`: a REST endpoint.
    const RPC: Option<RpcMethod> = None;

    /// Reads a reply spelled the common way straight from its text (the hot, flat replies
    /// such as an order book); `None` leaves the reply to the general decoder, which alone
    /// decides what else is accepted.
    fn read_plain(_text: &str) -> Option<Self::Response> {
        None
    }
}
