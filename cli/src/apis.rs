//! The APIs the command line speaks (futures and spot, V1 and V3, the prediction market,
//! the chain API and the chain RPC): their endpoint tables from the spec, their clients, and how a call or a user
//! data stream is made.

use crate::credentials::Credentials;
use aster::dynamic::{Args, EndpointInfo};
use aster::endpoint::Security;
use aster::Environment;

/// One API: a command group of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Futures,
    FuturesV3,
    Spot,
    SpotV3,
    Prediction,
    Chain,
    ChainRpc,
}

impl Api {
    pub const ALL: [Api; 7] =
        [Api::Futures, Api::FuturesV3, Api::Spot, Api::SpotV3, Api::Prediction, Api::Chain, Api::ChainRpc];

    /// The command group's name.
    pub fn group(self) -> &'static str {
        match self {
            Api::Futures => "futures",
            Api::FuturesV3 => "futures-v3",
            Api::Spot => "spot",
            Api::SpotV3 => "spot-v3",
            Api::Prediction => "prediction",
            Api::Chain => "chain",
            Api::ChainRpc => "chain-rpc",
        }
    }

    pub fn about(self) -> &'static str {
        match self {
            Api::Futures => "Futures V1 (HMAC key and secret): fapi.asterdex.com/fapi/v1",
            Api::FuturesV3 => "Futures V3 (API wallet, EIP-712): fapi.asterdex.com/fapi/v3",
            Api::Spot => "Spot V1 (HMAC key and secret): sapi.asterdex.com/api/v1",
            Api::SpotV3 => "Spot V3 (API wallet, EIP-712): sapi.asterdex.com/api/v3",
            Api::Prediction => "Prediction markets (API wallet, EIP-712): papi.asterdex.com/api/v3",
            Api::Chain => {
                "Aster chain API (API wallet reads, main wallet writes): chainapi.asterdex.com/aster-chain/v3"
            }
            Api::ChainRpc => "Aster chain RPC (JSON-RPC reads of any address, unsigned): tapi.asterdex.com/info",
        }
    }

    /// Every endpoint of the API, as the spec lists it.
    pub fn endpoints(self) -> &'static [EndpointInfo] {
        match self {
            Api::Futures => aster::params::ENDPOINT_INFO,
            Api::FuturesV3 => aster::v3::params::ENDPOINT_INFO,
            Api::Spot => aster::spot::params::ENDPOINT_INFO,
            Api::SpotV3 => aster::spot::v3::params::ENDPOINT_INFO,
            Api::Prediction => aster::prediction::params::ENDPOINT_INFO,
            Api::Chain => aster::chain::params::ENDPOINT_INFO,
            Api::ChainRpc => aster::chain::rpc::params::ENDPOINT_INFO,
        }
    }

    /// Every market stream name of the API, `<symbol>` for any symbol.
    pub fn stream_names(self) -> &'static [&'static str] {
        match self {
            Api::Futures => aster::streams::STREAM_NAMES,
            Api::FuturesV3 => aster::v3::streams::STREAM_NAMES,
            Api::Spot => aster::spot::streams::STREAM_NAMES,
            Api::SpotV3 => aster::spot::v3::streams::STREAM_NAMES,
            Api::Prediction => aster::prediction::streams::STREAM_NAMES,
            Api::Chain | Api::ChainRpc => &[],
        }
    }

    pub fn is_wallet(self) -> bool {
        matches!(self, Api::FuturesV3 | Api::SpotV3 | Api::Prediction | Api::Chain)
    }

    pub fn is_spot(self) -> bool {
        matches!(self, Api::Spot | Api::SpotV3)
    }

    pub fn default_rest_url(self, env: Environment) -> &'static str {
        match self {
            Api::Prediction => env.prediction_rest_url(),
            Api::Chain => env.chain_rest_url(),
            Api::ChainRpc => env.chain_rpc_url(),
            _ if self.is_spot() => env.spot_rest_url(),
            _ => env.futures_rest_url(),
        }
    }

    pub fn default_stream_url(self, env: Environment) -> &'static str {
        match self {
            Api::Prediction => env.prediction_stream_url(),
            _ if self.is_spot() => env.spot_stream_url(),
            _ => env.futures_stream_url(),
        }
    }

    /// Whether a call of this security needs credentials in this API.
    pub fn needs_credentials(self, security: Security) -> bool {
        if self.is_wallet() {
            security.is_wallet_signed()
        } else {
            security.needs_key()
        }
    }

    /// What to set for this API's credentials.
    pub fn credentials_hint(self) -> &'static str {
        if self.is_wallet() {
            "ASTER_USER and ASTER_SIGNER_KEY (or `user` and `signer_key` in the profile file); \
             ASTER_MAIN_KEY (`main_key`) for what the main wallet signs"
        } else {
            "ASTER_API_KEY and ASTER_API_SECRET (or `api_key` and `api_secret` in the profile file)"
        }
    }

    pub fn client(self, base_url: &str, env: Environment, creds: &Credentials) -> aster::Result<Client> {
        Ok(match self {
            Api::Futures => {
                let mut b = aster::Client::builder().base_url(base_url).environment(env);
                if let (Some(k), Some(s)) = (&creds.api_key, &creds.api_secret) {
                    b = b.key(k.as_str()).secret(s.as_str());
                }
                Client::Futures(b.build()?)
            }
            Api::Spot => {
                let mut b = aster::spot::Client::builder().base_url(base_url).environment(env);
                if let (Some(k), Some(s)) = (&creds.api_key, &creds.api_secret) {
                    b = b.key(k.as_str()).secret(s.as_str());
                }
                Client::Spot(b.build()?)
            }
            Api::FuturesV3 => Client::FuturesV3(wallet_client(base_url, env, creds)?),
            Api::SpotV3 => Client::SpotV3(wallet_client(base_url, env, creds)?),
            Api::Prediction => Client::Prediction(wallet_client(base_url, env, creds)?),
            Api::Chain => Client::Chain(wallet_client(base_url, env, creds)?),
            Api::ChainRpc => {
                Client::ChainRpc(aster::chain::rpc::Client::builder().base_url(base_url).environment(env).build()?)
            }
        })
    }
}

/// A client of an API wallet API, with the main wallet's key when one is given.
fn wallet_client<A: aster::api::WalletApi>(
    base_url: &str,
    env: Environment,
    creds: &Credentials,
) -> aster::Result<aster::ApiClient<A>> {
    let (user, key) = creds.wallet_or_placeholder();
    let mut b = aster::ApiClient::<A>::builder().base_url(base_url).environment(env).user(user).private_key(key);
    if let Some(main) = &creds.main_key {
        b = b.main_private_key(main.as_str());
    }
    b.build()
}

/// A client of one of the APIs.
pub enum Client {
    Futures(aster::Client),
    FuturesV3(aster::v3::Client),
    Spot(aster::spot::Client),
    SpotV3(aster::spot::v3::Client),
    Prediction(aster::prediction::Client),
    Chain(aster::chain::Client),
    ChainRpc(aster::chain::rpc::Client),
}

impl Client {
    /// Calls an endpoint by name; the reply's body as the exchange sent it.
    pub async fn call(&self, name: &str, args: &Args) -> aster::Result<aster::dynamic::Bytes> {
        match self {
            Client::Futures(c) => aster::params::call_by_name(c, name, args).await,
            Client::FuturesV3(c) => aster::v3::params::call_by_name(c, name, args).await,
            Client::Spot(c) => aster::spot::params::call_by_name(c, name, args).await,
            Client::SpotV3(c) => aster::spot::v3::params::call_by_name(c, name, args).await,
            Client::Prediction(c) => aster::prediction::params::call_by_name(c, name, args).await,
            Client::Chain(c) => aster::chain::params::call_by_name(c, name, args).await,
            Client::ChainRpc(c) => aster::chain::rpc::params::call_by_name(c, name, args).await,
        }
    }

    /// The account's user data stream, each event as the exchange's JSON.
    pub async fn user_data(
        &self,
        ws: &aster::ws::WsClient,
    ) -> aster::Result<aster::ws::EventStream<serde_json::Value>> {
        match self {
            Client::Futures(c) => ws.user_data_json(c).await,
            Client::FuturesV3(c) => ws.user_data_json(c).await,
            Client::Spot(c) => ws.user_data_json(c).await,
            Client::SpotV3(c) => ws.user_data_json(c).await,
            Client::Prediction(c) => ws.user_data_json(c).await,
            Client::Chain(c) => ws.user_data_json(c).await,
            Client::ChainRpc(c) => ws.user_data_json(c).await,
        }
    }
}
