//! An account: wallet, positions, settings and the records the account endpoints report.

use super::types::{IncomeType, MarginType, PositionSide, Side, StpMode};
use crate::wallet::{Address, NonceBook};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Default)]
pub struct Position {
    /// Signed: positive long, negative short.
    pub amount: Decimal,
    pub entry_price: Decimal,
    /// Margin held by an isolated position.
    pub isolated_wallet: Decimal,
    pub realized: Decimal,
    pub update_time: i64,
}

#[derive(Debug, Clone)]
pub struct AccountTrade {
    pub id: i64,
    pub order_id: i64,
    pub symbol: String,
    pub side: Side,
    pub position_side: PositionSide,
    pub price: Decimal,
    pub qty: Decimal,
    pub realized_pnl: Decimal,
    pub commission: Decimal,
    pub maker: bool,
    pub time: i64,
}

#[derive(Debug, Clone)]
pub struct Income {
    pub symbol: String,
    pub kind: IncomeType,
    pub amount: Decimal,
    pub asset: String,
    pub info: String,
    pub time: i64,
    pub tran_id: i64,
    pub trade_id: String,
}

#[derive(Debug, Clone)]
pub struct MarginChange {
    pub amount: Decimal,
    pub symbol: String,
    pub kind: i64,
    pub position_side: PositionSide,
    pub time: i64,
}

#[derive(Debug, Clone)]
pub struct ListenKey {
    pub key: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub api_key: String,
    pub secret: String,
    /// The sandbox's own market maker: unlimited balance, no records.
    pub house: bool,
    pub wallets: BTreeMap<String, Decimal>,
    pub positions: BTreeMap<(String, PositionSide), Position>,
    pub leverage: HashMap<String, u32>,
    pub margin_type: HashMap<String, MarginType>,
    pub dual_side: bool,
    pub multi_assets: bool,
    pub trades: Vec<AccountTrade>,
    pub income: Vec<Income>,
    pub margin_changes: Vec<MarginChange>,
    pub transfer_ids: HashSet<String>,
    pub listen_key: Option<ListenKey>,
    /// Per symbol: when all its open orders are cancelled unless renewed.
    pub countdowns: HashMap<String, i64>,
    pub update_time: i64,
    /// USDT at creation; the wallet always equals this plus the USDT income records.
    pub start_usdt: Decimal,
    /// V3: the main wallet, the API wallets that sign for it, and its recent nonces.
    pub wallet_user: Option<Address>,
    /// V3 for a Solana main wallet: its Base58 address, which requests name as `user`.
    pub solana_user: Option<String>,
    /// The account's Solana wallet (Base58 address), where its Solana withdrawals go.
    pub solana_wallet: Option<String>,
    pub agents: Vec<Agent>,
    /// Builders approved to add a fee to this account's orders.
    pub builders: Vec<Builder>,
    /// V3 sub-accounts: the main account this one belongs to, its name, and whether it is
    /// frozen (no transfers in or out).
    pub parent: Option<usize>,
    pub sub_name: String,
    pub frozen: bool,
    pub nonces: NonceBook,
    /// The default self-trade prevention mode (set through V3, applied to every order).
    pub stp_mode: StpMode,
    /// V3: market maker protection per symbol.
    pub mmp: BTreeMap<String, super::mmp::MmpState>,
}

pub const DEFAULT_LEVERAGE: u32 = 20;

/// An API wallet allowed to sign for an account, until `expires` (ms), with what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub address: Address,
    pub expires: i64,
    pub name: String,
    pub ip_whitelist: String,
    pub can_spot: bool,
    pub can_perp: bool,
    pub can_withdraw: bool,
}

impl Agent {
    /// An agent that may do everything (a configured signer).
    pub fn trusted(address: Address, expires: i64) -> Self {
        Agent {
            address,
            expires,
            name: String::new(),
            ip_whitelist: String::new(),
            can_spot: true,
            can_perp: true,
            can_withdraw: true,
        }
    }
}

/// A builder the account approved to add a fee to its orders, up to `max_fee_rate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Builder {
    pub address: Address,
    pub name: String,
    pub max_fee_rate: Decimal,
}

impl Account {
    pub fn new(api_key: String, secret: String, wallets: Vec<(String, Decimal)>, house: bool) -> Self {
        let start_usdt = wallets.iter().find(|(a, _)| a == "USDT").map(|(_, v)| *v).unwrap_or_default();
        Account {
            start_usdt,
            api_key,
            secret,
            house,
            wallets: wallets.into_iter().collect(),
            positions: BTreeMap::new(),
            leverage: HashMap::new(),
            margin_type: HashMap::new(),
            dual_side: false,
            multi_assets: false,
            trades: Vec::new(),
            income: Vec::new(),
            margin_changes: Vec::new(),
            transfer_ids: HashSet::new(),
            listen_key: None,
            countdowns: HashMap::new(),
            update_time: 0,
            wallet_user: None,
            solana_user: None,
            solana_wallet: None,
            agents: Vec::new(),
            builders: Vec::new(),
            parent: None,
            sub_name: String::new(),
            frozen: false,
            nonces: NonceBook::default(),
            stp_mode: StpMode::ExpireTaker,
            mmp: BTreeMap::new(),
        }
    }

    /// Takes the V3 identity of a configured account; unparsable addresses are left out.
    pub fn set_wallet(&mut self, wallet: Option<&crate::config::WalletAccount>) {
        if let Some(w) = wallet {
            self.wallet_user = crate::wallet::parse_address(&w.user);
            if self.wallet_user.is_none() && crate::wallet::is_solana_address(&w.user) {
                self.solana_user = Some(w.user.clone());
            }
            self.agents = w
                .signers
                .iter()
                .filter_map(|s| crate::wallet::parse_address(s))
                .map(|address| Agent::trusted(address, i64::MAX))
                .collect();
        }
    }

    pub fn leverage_of(&self, symbol: &str) -> u32 {
        self.leverage.get(symbol).copied().unwrap_or(DEFAULT_LEVERAGE)
    }

    pub fn margin_type_of(&self, symbol: &str) -> MarginType {
        self.margin_type.get(symbol).copied().unwrap_or(MarginType::Crossed)
    }

    pub fn usdt(&self) -> Decimal {
        self.wallets.get("USDT").copied().unwrap_or_default()
    }

    pub fn add_usdt(&mut self, delta: Decimal) {
        *self.wallets.entry("USDT".into()).or_default() += delta;
    }

    pub fn position(&self, symbol: &str, side: PositionSide) -> Option<&Position> {
        self.positions.get(&(symbol.to_string(), side))
    }

    /// Position sides the account's mode uses.
    pub fn position_sides(&self) -> &'static [PositionSide] {
        if self.dual_side {
            &[PositionSide::Long, PositionSide::Short]
        } else {
            &[PositionSide::Both]
        }
    }

    pub fn has_any_position(&self) -> bool {
        self.positions.values().any(|p| !p.amount.is_zero())
    }
}
