//! How a sandbox is set up: symbols, accounts, seed, limits.

use rust_decimal::Decimal;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

/// A tradable perpetual and its filters.
#[derive(Debug, Clone)]
pub struct SymbolConfig {
    pub symbol: String,
    pub base_asset: String,
    pub quote_asset: String,
    pub start_price: Decimal,
    pub tick_size: Decimal,
    pub step_size: Decimal,
    pub min_qty: Decimal,
    pub max_qty: Decimal,
    pub market_max_qty: Decimal,
    pub min_price: Decimal,
    pub max_price: Decimal,
    pub min_notional: Decimal,
    pub multiplier_up: Decimal,
    pub multiplier_down: Decimal,
    pub max_num_orders: usize,
    pub max_num_algo_orders: usize,
}

impl SymbolConfig {
    /// A symbol with filters scaled to its price.
    pub fn new(symbol: &str, start_price: &str, tick: &str, step: &str) -> Self {
        let base = symbol.trim_end_matches("USDT").to_string();
        SymbolConfig {
            symbol: symbol.to_string(),
            base_asset: base,
            quote_asset: "USDT".into(),
            start_price: dec(start_price),
            tick_size: dec(tick),
            step_size: dec(step),
            min_qty: dec(step),
            max_qty: dec("1000"),
            market_max_qty: dec("500"),
            min_price: dec(tick),
            max_price: dec("1000000"),
            min_notional: dec("5"),
            multiplier_up: dec("1.1500"),
            multiplier_down: dec("0.8500"),
            max_num_orders: 200,
            max_num_algo_orders: 100,
        }
    }

    pub fn price_precision(&self) -> u32 {
        self.tick_size.normalize().scale()
    }

    pub fn quantity_precision(&self) -> u32 {
        self.step_size.normalize().scale()
    }
}

/// A prediction event the sandbox lists: a round of an up/down question on an oracle pair,
/// or a one-off question of several outcomes (one market each).
#[derive(Debug, Clone)]
pub struct PredictionEventConfig {
    /// The event's name (also its id for an up/down event).
    pub name: String,
    /// The id split and merge name it by.
    pub id: String,
    /// The oracle pair of an up/down event; `None` for a one-off event.
    pub oracle: Option<String>,
    /// Each market's name and the YES token's starting price (the NO token's is 1 − it).
    pub markets: Vec<(String, Decimal)>,
}

impl PredictionEventConfig {
    /// An up/down round on BTC and a three-way one-off event.
    pub fn defaults() -> Vec<PredictionEventConfig> {
        vec![
            PredictionEventConfig {
                name: "BTC_UP_DOWN_5M".into(),
                id: "BTC_UP_DOWN_5M".into(),
                oracle: Some("BTCUSDT".into()),
                markets: vec![("BTC_UP_DOWN_5M_1778483280".into(), dec("0.55"))],
            },
            PredictionEventConfig {
                name: "Who will win the final?".into(),
                id: "EVENT4".into(),
                oracle: None,
                markets: vec![
                    ("EVENT4_ALGERIA_WIN".into(), dec("0.15")),
                    ("EVENT4_ARGENTINA_WIN".into(), dec("0.25")),
                    ("EVENT4_BRAZIL_WIN".into(), dec("0.60")),
                ],
            },
        ]
    }
}

/// An account the sandbox creates at start.
#[derive(Debug, Clone)]
pub struct AccountConfig {
    pub api_key: String,
    pub secret: String,
    /// Starting wallet balances, e.g. `("USDT", 100000)`.
    pub balances: Vec<(String, Decimal)>,
    /// The spot wallet: free balance per asset.
    pub spot_balances: Vec<(String, Decimal)>,
    /// The V3 identity: the main wallet address and the API wallets allowed to sign for it.
    pub wallet: Option<WalletAccount>,
    /// The account's Solana wallet (Base58 address), where its Solana withdrawals go.
    pub solana_wallet: Option<String>,
}

/// An account's V3 identity (addresses as `0x` + 40 hex digits).
#[derive(Debug, Clone)]
pub struct WalletAccount {
    pub user: String,
    pub signers: Vec<String>,
}

/// The demo API wallet the exchange's V3 docs publish (it holds nothing anywhere): the first
/// sandbox account answers to it, so the docs' own example runs against the sandbox.
pub const DEMO_USER: &str = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e";
pub const DEMO_SIGNER: &str = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0";
pub const DEMO_SIGNER_KEY: &str = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1";

impl AccountConfig {
    pub fn new(api_key: impl Into<String>, secret: impl Into<String>) -> Self {
        AccountConfig {
            api_key: api_key.into(),
            secret: secret.into(),
            balances: vec![("USDT".into(), dec("100000")), ("BNB".into(), dec("10"))],
            spot_balances: vec![
                ("USDT".into(), dec("10000")),
                ("BTC".into(), dec("1")),
                ("ETH".into(), dec("10")),
                ("ASTER".into(), dec("10000")),
            ],
            wallet: None,
            solana_wallet: None,
        }
    }

    /// Gives the account a V3 identity: its main wallet and one API wallet.
    pub fn with_wallet(mut self, user: impl Into<String>, signer: impl Into<String>) -> Self {
        self.wallet = Some(WalletAccount { user: user.into(), signers: vec![signer.into()] });
        self
    }
}

/// Everything a sandbox starts from.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub seed: u64,
    pub symbols: Vec<SymbolConfig>,
    /// The spot market's pairs.
    pub spot_symbols: Vec<SymbolConfig>,
    /// The prediction market's events (each market a YES and a NO pair against USDT).
    pub prediction_events: Vec<PredictionEventConfig>,
    pub accounts: Vec<AccountConfig>,
    /// REQUEST_WEIGHT per window (a minute unless `weight_window_ms` says otherwise)
    /// before 429.
    pub weight_limit_1m: u64,
    /// The REQUEST_WEIGHT window in ms (the exchange's: a minute), to play its limits
    /// scaled down; `exchangeInfo` and the usage header say it.
    pub weight_window_ms: i64,
    /// Orders per account per 10 seconds and per minute before 429.
    pub order_limit_10s: u64,
    pub order_limit_1m: u64,
    /// How long an IP stays banned (418) the first time it ignores a 429, in ms; each
    /// further ban lasts twice the one before, up to the docs' 3 days.
    pub ban_ms: i64,
    pub maker_fee: Decimal,
    pub taker_fee: Decimal,
    /// Price levels per side the sandbox's own market maker quotes.
    pub book_levels: usize,
    /// How far a V3 nonce may be from the server's clock, in ms (10 s in the docs; later
    /// revisions of the docs widen it).
    pub nonce_window_ms: i64,
    /// Which of the exchange's networks this sandbox plays: the chain V3 signatures must
    /// name and the `aster chain` a withdrawal signs.
    pub network: Network,
}

/// One of the exchange's networks, as the sandbox plays it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Network {
    /// The exchange itself: V3 signatures on chain 1666, withdrawals on `Mainnet`.
    #[default]
    Mainnet,
    /// The exchange's testnet: V3 signatures on chain 714, withdrawals on `Testnet`.
    Testnet,
}

impl Network {
    /// The EIP-712 chain id of `AsterSignTransaction` signatures.
    pub fn chain_id(self) -> u64 {
        match self {
            Network::Mainnet => 1666,
            Network::Testnet => 714,
        }
    }

    /// The `aster chain` a withdrawal's `Action` names.
    pub fn aster_chain(self) -> &'static str {
        match self {
            Network::Mainnet => "Mainnet",
            Network::Testnet => "Testnet",
        }
    }
}

impl SandboxConfig {
    /// The default sandbox playing the exchange's testnet.
    pub fn testnet() -> Self {
        SandboxConfig { network: Network::Testnet, ..SandboxConfig::default() }
    }
}

/// The key pair of the first demo account.
pub const DEMO_API_KEY: &str = "sandbox-demo-key-0000000000000000000000000000000000000000000000";
pub const DEMO_SECRET: &str = "sandbox-demo-secret-00000000000000000000000000000000000000000000";

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            seed: 42,
            symbols: vec![
                SymbolConfig::new("BTCUSDT", "60000.0", "0.1", "0.001"),
                SymbolConfig::new("ETHUSDT", "3000.00", "0.01", "0.001"),
                SymbolConfig::new("BNBUSDT", "500.00", "0.01", "0.01"),
            ],
            spot_symbols: vec![
                SymbolConfig::new("BTCUSDT", "60000.00", "0.01", "0.0001"),
                SymbolConfig::new("ETHUSDT", "3000.00", "0.01", "0.001"),
                SymbolConfig::new("ASTERUSDT", "1.0000", "0.0001", "0.01"),
            ],
            prediction_events: PredictionEventConfig::defaults(),
            accounts: vec![AccountConfig::new(DEMO_API_KEY, DEMO_SECRET).with_wallet(DEMO_USER, DEMO_SIGNER)],
            weight_limit_1m: 2400,
            weight_window_ms: 60_000,
            order_limit_10s: 300,
            order_limit_1m: 1200,
            ban_ms: 120_000,
            maker_fee: dec("0.0002"),
            taker_fee: dec("0.0004"),
            book_levels: 50,
            nonce_window_ms: 10_000,
            network: Network::Mainnet,
        }
    }
}
