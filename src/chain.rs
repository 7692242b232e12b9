//! The Aster chain API (`https://chainapi.asterdex.com`): the account's privacy on the
//! chain, transfers to other chain addresses, staking ASTER with validators, and
//! withdrawals and transfers of the perp and spot wallets.
//!
//! Reads are signed by an API wallet, writes (privacy, transfers, staking) by the main
//! wallet, so a client that writes is built with both keys. The docs give no EIP-712
//! domain: the client signs as V3 requests are signed (`AsterSignTransaction` on chain
//! 1666), which is unverified against the exchange (`spec/chain/deviations.yaml`). The
//! exchange's testnet has no chain API: a testnet client refuses every call before sending.
//!
//! ```no_run
//! use aster::chain::{Client, StakingPeriod};
//!
//! # async fn demo() -> aster::Result<()> {
//! let client = Client::builder()
//!     .user("0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e")
//!     .private_key(std::env::var("ASTER_SIGNER_KEY").unwrap_or_default())
//!     .main_private_key(std::env::var("ASTER_MAIN_KEY").unwrap_or_default())
//!     .build()?;
//! let staking = client.my_staking().await?;
//! client
//!     .create_staking("0x1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", "1000".parse().unwrap(), StakingPeriod::Weeks52)
//!     .await?;
//! let rewards = client.claimable_rewards().await?;
//! # Ok(()) }
//! ```

pub use crate::generated::chain_models::{
    AccountPrivacy, ChainTransferState, StakeAccountState, StakingPeriod, StakingState,
};
pub use params::ENDPOINTS;

/// The chain API's production host.
pub const DEFAULT_BASE_URL: &str = crate::Environment::Mainnet.chain_rest_url();

/// Reply models of the chain API and its enums; withdrawals reply with the shared models
/// ([`crate::models::WithdrawResult`], [`crate::models::WithdrawInfo`]).
pub mod models {
    pub use crate::generated::chain_models::*;
}

/// The request type of every chain API endpoint, and [`ENDPOINTS`].
pub mod params {
    pub use crate::generated::chain::*;
}

/// A client of the chain API.
pub type Client = crate::ApiClient<crate::api::Chain>;
/// Configures a chain API [`Client`].
pub type ClientBuilder = crate::ApiClientBuilder<crate::api::Chain>;

/// The Aster chain RPC (`https://tapi.asterdex.com/info`): any address's perp balances,
/// positions, staking, open orders and fills, futures and spot, read over JSON-RPC 2.0.
///
/// Nothing is signed and no key is needed: the address is a parameter. Each call gets an
/// id of its own; a reply counts only when it says `"jsonrpc":"2.0"`, echoes that id and
/// carries a `result` (an `error` object is `Error::Client` with its code). The exchange's
/// testnet has no RPC host: a testnet client refuses every call before sending.
///
/// ```no_run
/// use aster::chain::rpc::{BlockTag, Client};
///
/// # async fn demo() -> aster::Result<()> {
/// let rpc = Client::builder().build()?;
/// let balance = rpc.get_balance("0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e", BlockTag::Latest).await?;
/// let fills = rpc
///     .user_fills("0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e", BlockTag::Latest)
///     .symbol("BTCUSDT")
///     .await?;
/// # Ok(()) }
/// ```
pub mod rpc {
    pub use crate::generated::chain_rpc_models::{BlockTag, ChainPrivacyMode};
    pub use params::ENDPOINTS;

    /// The chain RPC's production host.
    pub const DEFAULT_BASE_URL: &str = crate::Environment::Mainnet.chain_rpc_url();

    /// The chain RPC's results and their enums.
    pub mod models {
        pub use crate::generated::chain_rpc_models::*;
    }

    /// The request type of every chain RPC method, and [`ENDPOINTS`].
    pub mod params {
        pub use crate::generated::chain_rpc::*;
    }

    /// A client of the chain RPC.
    pub type Client = crate::ApiClient<crate::api::ChainRpc>;
    /// Configures a chain RPC [`Client`].
    pub type ClientBuilder = crate::ApiClientBuilder<crate::api::ChainRpc>;
}
