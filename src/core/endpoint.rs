//! What the core needs to know about an endpoint; the generated code supplies it.

use super::params::ParamWriter;
use crate::Error;
use serde::de::DeserializeOwned;

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
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

/// Security type of an endpoint, as the exchange defines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Security {
    /// Open to anyone.
    None,
    /// API key header.
    MarketData,
    /// API key header.
    UserStream,
    /// API key header and HMAC signature.
    Trade,
    /// API key header and HMAC signature.
    UserData,
    /// API key header and HMAC signature.
    Transfer,
}

impl Security {
    pub fn needs_key(self) -> bool {
        !matches!(self, Security::None)
    }

    pub fn is_signed(self) -> bool {
        matches!(self, Security::Trade | Security::UserData | Security::Transfer)
    }
}

/// Static facts about an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointSpec {
    /// Client method name.
    pub name: &'static str,
    /// Heading of the exchange's docs section.
    pub title: &'static str,
    pub method: Method,
    pub path: &'static str,
    pub security: Security,
    /// Request weight, as a number or a short rule.
    pub weight: &'static str,
}

/// An endpoint's parameters, ready to be sent. Generated for every endpoint of the spec;
/// implement it for an endpoint the spec does not have yet and call it with
/// [`Client::call`](crate::Client::call).
pub trait Endpoint {
    /// The typed reply.
    type Response: DeserializeOwned;
    const SPEC: EndpointSpec;
    /// Writes the parameters in spec order.
    fn write_params(&self, w: &mut ParamWriter);
    /// Rejects parameter combinations the exchange would reject, before anything is sent.
    fn check(&self) -> Result<(), Error> {
        Ok(())
    }
}
