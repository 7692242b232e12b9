//! The exchange's REST APIs as data. A client is [`ApiClient`](crate::ApiClient) over one
//! of these markers; the request core knows an API only by what its marker says (hosts,
//! clock endpoint, signing scheme, where the testnet serves it), so a new API is a new
//! marker and a spec, not a new client.

use crate::Environment;
use std::time::Duration;

/// One REST API of the exchange (a product in one version). Sealed: the markers below are
/// every API there is.
pub trait Api: sealed::Described + Copy + Default + std::fmt::Debug + Send + Sync + 'static {
    /// The typed events of this API's user data stream.
    #[cfg(feature = "ws")]
    type UserDataEvent: serde::de::DeserializeOwned + Send + 'static;
}

/// An API whose requests an API wallet signs (EIP-712): its clients are built with
/// `user` and `private_key`, and sign with nonces.
pub trait WalletApi: Api {}

/// An API whose requests an HMAC key signs: its clients are built with `key` and
/// `secret`, and sign with timestamps.
pub trait HmacApi: Api {}

pub(crate) use sealed::{AccountReads, ApiInfo, Signing};

/// What the request core knows of an API: public types in a module the crate keeps to
/// itself, so the markers stay sealed and their data private.
pub(crate) mod sealed {
    use super::Environment;

    /// How an API authenticates signed requests.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Signing {
        /// `X-MBX-APIKEY` header, HMAC-SHA256 over the query, `timestamp` and `recvWindow`.
        Hmac,
        /// An API wallet's EIP-712 signature over the parameters, `user`, `signer`, `nonce`.
        Wallet,
    }

    /// What an account looks like to REST, for the snapshot a user data stream sends after a
    /// gap: the `GET` paths it is read from.
    #[derive(Debug, Clone, Copy)]
    pub struct AccountReads {
        pub orders: &'static str,
        /// Futures only: spot has balances, no positions.
        pub positions: Option<&'static str>,
        pub balances: &'static str,
        /// The field of the balances reply holding the list (spot's account reply), or `None`
        /// when the reply is the list.
        pub balances_field: Option<&'static str>,
    }

    /// What the request core knows of an API.
    #[derive(Debug, Clone, Copy)]
    pub struct ApiInfo {
        /// The API's name, as the spec and the command line say it (`futures-v1`, …).
        pub name: &'static str,
        pub signing: Signing,
        /// The REST host of each environment.
        pub rest_url: fn(Environment) -> &'static str,
        /// The endpoint the clock is read from (`None`: the API has none).
        pub time_path: Option<&'static str>,
        /// The listen key endpoint (POST makes one, PUT extends it), for an API with user data.
        pub listen_key_path: Option<&'static str>,
        /// The order query endpoint, by which an unknown outcome is resolved, for an API
        /// with orders.
        pub order_path: Option<&'static str>,
        /// Where the exchange says its rate limits (`rateLimits`); `None`: the docs' limits.
        pub exchange_info_path: Option<&'static str>,
        /// The limits the docs give, kept until the exchange's are read.
        pub default_limits: &'static [crate::RateLimit],
        /// What the account looks like to REST, for an API with user data.
        pub account: Option<AccountReads>,
    }

    impl ApiInfo {
        /// One of the API's own endpoints, or the error that it has none.
        pub fn own(&self, path: Option<&'static str>, what: &str) -> crate::Result<&'static str> {
            path.ok_or_else(|| crate::Error::Config(format!("the {} API has no {what} endpoint", self.name)))
        }
    }

    /// The data behind a marker.
    pub trait Described {
        const INFO: ApiInfo;
    }
}

/// Futures V1 (`/fapi/v1/…`), signed with an HMAC key ("Legacy": no new keys).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FuturesV1;

/// Futures V3 (`/fapi/v3/…`), signed by an API wallet: the recommended futures API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FuturesV3;

/// Spot V1 (`/api/v1/…`), signed with an HMAC key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SpotV1;

/// Spot V3 (`/api/v3/…`), signed by an API wallet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SpotV3;

/// The prediction market (`https://papi.asterdex.com`, `/api/v3/…`), signed by an API
/// wallet: spot V3 with outcome tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Prediction;

/// The Aster chain API (`https://chainapi.asterdex.com`, `/aster-chain/v3/…`): privacy,
/// transfers to chain addresses, staking, withdrawals. Its reads are signed by an API
/// wallet and its writes by the main wallet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Chain;

/// The Aster chain RPC (`https://tapi.asterdex.com/info`): JSON-RPC reads of any address's
/// balances, positions, open orders and fills. Nothing is signed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ChainRpc;

/// The futures docs' `exchangeInfo` example: 2,400 weight a minute per IP; 1,200 orders a
/// minute and 300 per 10 seconds per account.
const FUTURES_LIMITS: [crate::RateLimit; 3] = [
    crate::RateLimit::new(crate::LimitKind::RequestWeight, Duration::from_secs(60), 2400),
    crate::RateLimit::new(crate::LimitKind::Orders, Duration::from_secs(60), 1200),
    crate::RateLimit::new(crate::LimitKind::Orders, Duration::from_secs(10), 300),
];

/// The spot docs' `exchangeInfo` example: 6,000 weight a minute per IP; 6,000 orders a
/// minute and 300 per 10 seconds per account.
const SPOT_LIMITS: [crate::RateLimit; 3] = [
    crate::RateLimit::new(crate::LimitKind::RequestWeight, Duration::from_secs(60), 6000),
    crate::RateLimit::new(crate::LimitKind::Orders, Duration::from_secs(60), 6000),
    crate::RateLimit::new(crate::LimitKind::Orders, Duration::from_secs(10), 300),
];

impl sealed::Described for FuturesV1 {
    const INFO: ApiInfo = ApiInfo {
        name: "futures-v1",
        signing: Signing::Hmac,
        rest_url: Environment::futures_rest_url,
        time_path: Some("/fapi/v1/time"),
        listen_key_path: Some("/fapi/v1/listenKey"),
        order_path: Some("/fapi/v1/order"),
        exchange_info_path: Some("/fapi/v1/exchangeInfo"),
        default_limits: &FUTURES_LIMITS,
        account: Some(AccountReads {
            orders: "/fapi/v1/openOrders",
            positions: Some("/fapi/v2/positionRisk"),
            balances: "/fapi/v2/balance",
            balances_field: None,
        }),
    };
}

impl sealed::Described for FuturesV3 {
    const INFO: ApiInfo = ApiInfo {
        name: "futures-v3",
        signing: Signing::Wallet,
        rest_url: Environment::futures_rest_url,
        time_path: Some("/fapi/v3/time"),
        listen_key_path: Some("/fapi/v3/listenKey"),
        order_path: Some("/fapi/v3/order"),
        exchange_info_path: Some("/fapi/v3/exchangeInfo"),
        default_limits: &FUTURES_LIMITS,
        account: Some(AccountReads {
            orders: "/fapi/v3/openOrders",
            positions: Some("/fapi/v3/positionRisk"),
            balances: "/fapi/v3/balance",
            balances_field: None,
        }),
    };
}

impl sealed::Described for SpotV1 {
    const INFO: ApiInfo = ApiInfo {
        name: "spot-v1",
        signing: Signing::Hmac,
        rest_url: Environment::spot_rest_url,
        time_path: Some("/api/v1/time"),
        listen_key_path: Some("/api/v1/listenKey"),
        order_path: Some("/api/v1/order"),
        exchange_info_path: Some("/api/v1/exchangeInfo"),
        default_limits: &SPOT_LIMITS,
        account: Some(AccountReads {
            orders: "/api/v1/openOrders",
            positions: None,
            balances: "/api/v1/account",
            balances_field: Some("balances"),
        }),
    };
}

impl sealed::Described for SpotV3 {
    const INFO: ApiInfo = ApiInfo {
        name: "spot-v3",
        signing: Signing::Wallet,
        rest_url: Environment::spot_rest_url,
        time_path: Some("/api/v3/time"),
        listen_key_path: Some("/api/v3/listenKey"),
        order_path: Some("/api/v3/order"),
        exchange_info_path: Some("/api/v3/exchangeInfo"),
        default_limits: &SPOT_LIMITS,
        account: Some(AccountReads {
            orders: "/api/v3/openOrders",
            positions: None,
            balances: "/api/v3/account",
            balances_field: Some("balances"),
        }),
    };
}

impl sealed::Described for Prediction {
    const INFO: ApiInfo = ApiInfo {
        name: "prediction",
        signing: Signing::Wallet,
        rest_url: Environment::prediction_rest_url,
        time_path: Some("/api/v3/time"),
        listen_key_path: Some("/api/v3/listenKey"),
        order_path: Some("/api/v3/order"),
        exchange_info_path: Some("/api/v3/prediction/exchangeInfo"),
        // The prediction docs' exchangeInfo example gives spot's limits.
        default_limits: &SPOT_LIMITS,
        account: Some(AccountReads {
            orders: "/api/v3/openOrders",
            positions: None,
            balances: "/api/v3/account",
            balances_field: Some("balances"),
        }),
    };
}

impl sealed::Described for Chain {
    const INFO: ApiInfo = ApiInfo {
        name: "chain",
        signing: Signing::Wallet,
        rest_url: Environment::chain_rest_url,
        // No clock, orders, user data or published limits of its own: the nonce comes from
        // the local clock, and the limits are the futures docs' (its weights are futures'
        // in scale: 1 to 50).
        time_path: None,
        listen_key_path: None,
        order_path: None,
        exchange_info_path: None,
        default_limits: &FUTURES_LIMITS,
        account: None,
    };
}

impl sealed::Described for ChainRpc {
    const INFO: ApiInfo = ApiInfo {
        name: "chain-rpc",
        // Nothing is signed; `Hmac` only says no wallet params are added.
        signing: Signing::Hmac,
        rest_url: Environment::chain_rpc_url,
        time_path: None,
        listen_key_path: None,
        order_path: None,
        exchange_info_path: None,
        // No limits published; its methods weigh 1 each, as the futures docs' reads do.
        default_limits: &FUTURES_LIMITS,
        account: None,
    };
}

impl Api for FuturesV1 {
    #[cfg(feature = "ws")]
    type UserDataEvent = crate::generated::futures_v1_streams::UserDataEvent;
}
impl Api for FuturesV3 {
    #[cfg(feature = "ws")]
    type UserDataEvent = crate::generated::futures_v3_streams::UserDataEvent;
}
impl Api for SpotV1 {
    #[cfg(feature = "ws")]
    type UserDataEvent = crate::generated::spot_v1_streams::UserDataEvent;
}
impl Api for SpotV3 {
    #[cfg(feature = "ws")]
    type UserDataEvent = crate::generated::spot_v3_streams::UserDataEvent;
}

impl Api for Prediction {
    #[cfg(feature = "ws")]
    type UserDataEvent = crate::generated::prediction_streams::UserDataEvent;
}

impl Api for Chain {
    /// The chain API has no user data stream.
    #[cfg(feature = "ws")]
    type UserDataEvent = serde_json::Value;
}

impl Api for ChainRpc {
    /// The chain RPC has no user data stream.
    #[cfg(feature = "ws")]
    type UserDataEvent = serde_json::Value;
}

impl HmacApi for FuturesV1 {}
impl HmacApi for SpotV1 {}
impl WalletApi for FuturesV3 {}
impl WalletApi for SpotV3 {}
impl WalletApi for Prediction {}
impl WalletApi for Chain {}
