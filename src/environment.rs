//! Which of the exchange's networks a client talks to. An environment is data: its hosts,
//! the chain its V3 signatures name, the network a withdrawal names, and (from the spec)
//! which endpoints it serves. Choose it once on a builder; a custom setup is an
//! environment plus `base_url(..)` and, where the chain differs, `chain_id(..)`.

/// One of the exchange's networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Environment {
    /// The exchange: real funds; V3 signatures on chain 1666.
    #[default]
    Mainnet,
    /// The exchange's testnet: test funds, fewer endpoints (no MMP, strategy orders,
    /// announcements, `fundingInfo`, `indexreferences` on futures; no `openOrder` on
    /// spot); V3 signatures on chain 714.
    Testnet,
}

impl Environment {
    /// The EIP-712 chain id of the `AsterSignTransaction` signatures this network verifies.
    pub const fn chain_id(self) -> u64 {
        match self {
            Environment::Mainnet => 1666,
            Environment::Testnet => 714,
        }
    }

    /// The network a withdrawal's signed `Action` names as its `aster chain`.
    pub fn aster_chain(self) -> &'static str {
        match self {
            Environment::Mainnet => "Mainnet",
            Environment::Testnet => "Testnet",
        }
    }

    /// The futures REST host.
    pub const fn futures_rest_url(self) -> &'static str {
        match self {
            Environment::Mainnet => "https://fapi.asterdex.com",
            Environment::Testnet => "https://fapi.asterdex-testnet.com",
        }
    }

    /// The futures stream host.
    pub const fn futures_stream_url(self) -> &'static str {
        match self {
            Environment::Mainnet => "wss://fstream.asterdex.com",
            Environment::Testnet => "wss://fstream.asterdex-testnet.com",
        }
    }

    /// The spot REST host.
    pub const fn spot_rest_url(self) -> &'static str {
        match self {
            Environment::Mainnet => "https://sapi.asterdex.com",
            Environment::Testnet => "https://sapi.asterdex-testnet.com",
        }
    }

    /// The spot stream host.
    pub const fn spot_stream_url(self) -> &'static str {
        match self {
            Environment::Mainnet => "wss://sstream.asterdex.com",
            Environment::Testnet => "wss://sstream.asterdex-testnet.com",
        }
    }

    /// The prediction market's REST host (the testnet's from the docs' changelog).
    pub const fn prediction_rest_url(self) -> &'static str {
        match self {
            Environment::Mainnet => "https://papi.asterdex.com",
            Environment::Testnet => "https://papi.asterdex-testnet.com",
        }
    }

    /// The prediction market's stream host. The testnet's is named after its other stream
    /// hosts: no document gives it.
    pub const fn prediction_stream_url(self) -> &'static str {
        match self {
            Environment::Mainnet => "wss://pstream.asterdex.com",
            Environment::Testnet => "wss://pstream.asterdex-testnet.com",
        }
    }

    /// The Aster chain API's host. No testnet host is documented: a testnet client refuses
    /// every chain API call before sending, so its URL here is never dialled.
    pub const fn chain_rest_url(self) -> &'static str {
        match self {
            Environment::Mainnet => "https://chainapi.asterdex.com",
            Environment::Testnet => "https://chainapi.asterdex-testnet.com",
        }
    }

    /// The Aster chain RPC's host (its one path is `/info`). No testnet host is
    /// documented: a testnet client refuses every call before sending.
    pub const fn chain_rpc_url(self) -> &'static str {
        match self {
            Environment::Mainnet => "https://tapi.asterdex.com",
            Environment::Testnet => "https://tapi.asterdex-testnet.com",
        }
    }

    /// The name the command line and logs use: `mainnet` or `testnet`.
    pub fn name(self) -> &'static str {
        match self {
            Environment::Mainnet => "mainnet",
            Environment::Testnet => "testnet",
        }
    }
}

impl std::fmt::Display for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
