//! Withdrawals: to the account's own address on an EVM chain (the main wallet's EIP-712
//! signature of the withdrawal must recover it) or to its Solana wallet (an Ed25519
//! signature over the guide's text, optional as the guide says: an unsigned one is
//! accepted but stays `PROCESSING`, never recorded on chain), from the futures wallet or a
//! spot engine's; the daily limits and the history of what left.

use crate::error::{ApiError, ApiResult};
use crate::route;
use crate::routes::{w1, Ctx, Route, Security};
use crate::withdrawals::{day_start, Record, TOTAL_DAILY_LIMIT, USER_DAILY_LIMIT};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const EVM_PARAMS_V1: &[&str] = &["chainId", "asset", "amount", "fee", "receiver", "nonce", "userSignature"];
const EVM_PARAMS_V3: &[&str] = &["chainId", "asset", "amount", "fee", "receiver", "userNonce", "userSignature"];
/// A Solana withdrawal's params (the same on every API).
pub const SOLANA_PARAMS: &[&str] = &["chainId", "asset", "amount", "fee", "receiver", "userNonce", "userSignature"];
/// The chain id a withdrawal to Solana names.
const SOLANA_CHAIN: &str = "101";

/// The futures withdrawal routes, V1 (`/fapi/aster/…`, HMAC) and V3 (`/fapi/v3/aster/…`).
pub static FUTURES: &[Route] = &[
    route!("POST", "/fapi/aster/user-withdraw-info", Signed, &[], w1, info),
    route!("POST", "/fapi/aster/deposit-withdraw-history", Signed, &[], w1, history),
    route!("POST", "/fapi/aster/user-withdraw", Signed, EVM_PARAMS_V1, w1, futures_evm_v1),
    route!("POST", "/fapi/aster/user-solana-withdraw", Signed, SOLANA_PARAMS, w1, futures_solana),
    route!("POST", "/fapi/v3/aster/user-withdraw-info", Wallet, &[], w1, info),
    route!("POST", "/fapi/v3/aster/deposit-withdraw-history", Wallet, &[], w1, history),
    route!("POST", "/fapi/v3/aster/user-withdraw", Wallet, EVM_PARAMS_V3, w1, futures_evm_v3),
    route!("POST", "/fapi/v3/aster/user-solana-withdraw", Wallet, SOLANA_PARAMS, w1, futures_solana),
];

/// Which wallet a withdrawal leaves.
#[derive(Clone, Copy)]
pub enum From {
    Futures,
    /// The spot engine of the request's host.
    Spot,
}

/// The chain a withdrawal goes to, by its id.
pub fn chain_name(id: &str) -> ApiResult<&'static str> {
    match id {
        "1" => Ok("ETH"),
        "56" => Ok("BSC"),
        "42161" => Ok("Arbitrum"),
        _ => Err(ApiError::invalid_param("chainId")),
    }
}

/// The sandbox's fixed withdrawal cost of an asset, in that asset.
pub fn gas_cost(asset: &str) -> Decimal {
    match asset {
        "USDT" | "USDC" => Decimal::new(5, 1),
        _ => Decimal::new(1, 3),
    }
}

/// An asset's price in USD: 1 for the dollar coins, the spot market's last price else.
pub fn usd_price(c: &Ctx, asset: &str) -> Decimal {
    if matches!(asset, "USDT" | "USDC" | "USD") {
        return Decimal::ONE;
    }
    let m = c.ex.market(crate::engine::Venue::Spot);
    m.pairs.iter().find(|p| p.cfg.base_asset == asset).map(|p| p.last_price).unwrap_or_default()
}

/// What the account withdrew today, in USD, and what every account did.
fn withdrawn_today(c: &Ctx) -> (Decimal, Decimal) {
    let since = day_start(c.now);
    let today = c.ex.withdrawals.iter().filter(|r| r.time >= since);
    today.fold((Decimal::ZERO, Decimal::ZERO), |(mine, all), r| {
        (if r.account == c.acct { mine + r.usd } else { mine }, all + r.usd)
    })
}

/// What the futures wallet can send of an asset.
pub fn futures_free(c: &Ctx, asset: &str) -> Decimal {
    if asset == "USDT" {
        c.ex.available_balance(c.acct).max(Decimal::ZERO)
    } else {
        c.ex.accounts[c.acct].wallets.get(asset).copied().unwrap_or_default()
    }
}

pub fn info(c: &mut Ctx) -> ApiResult<Value> {
    let (mine, all) = withdrawn_today(c);
    let remaining = (USER_DAILY_LIMIT - mine).max(Decimal::ZERO);
    let mut assets: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    for (asset, b) in c.ex.market(c.venue).balances_of(c.acct) {
        assets.entry(asset.clone()).or_default().0 = b.free;
    }
    for asset in c.ex.accounts[c.acct].wallets.keys() {
        assets.entry(asset.clone()).or_default().1 = futures_free(c, asset);
    }
    let mut balances = serde_json::Map::new();
    for (asset, (spot, perp)) in assets.into_iter().filter(|(_, (s, p))| !s.is_zero() || !p.is_zero()) {
        let price = usd_price(c, &asset);
        let limit = if price.is_zero() { Decimal::ZERO } else { (remaining / price).round_dp(8) };
        let chains: serde_json::Map<String, Value> = ["1", "56", "42161"]
            .iter()
            .map(|id| {
                let entry = json!({ "chainId": id.parse::<u64>().unwrap_or_default(),
                    "spotMaxWithdrawAmount": spot.min(limit).to_string(), "perpMaxWithdrawAmount": perp.min(limit).to_string(),
                    "chainLimit": limit.to_string(), "withdrawFee": gas_cost(&asset).to_string() });
                (id.to_string(), entry)
            })
            .collect();
        let entry = json!({ "currency": asset, "spotTotalWithdrawAmount": spot.to_string(),
            "perpTotalWithdrawAmount": perp.to_string(), "dailyLimit": remaining.to_string(), "chainBalances": chains });
        balances.insert(asset, entry);
    }
    Ok(json!({ "userDailyLimit": USER_DAILY_LIMIT.to_string(), "userRemainingDailyLimit": remaining.to_string(),
        "totalDailyLimit": TOTAL_DAILY_LIMIT.to_string(),
        "totalRemainingDailyLimit": (TOTAL_DAILY_LIMIT - all).max(Decimal::ZERO).to_string(), "balances": balances }))
}

pub fn history(c: &mut Ctx) -> ApiResult<Value> {
    let chain = c.p.str("chainId").map(|id| id.parse::<u64>().map_err(|_| ApiError::invalid_param("chainId")));
    let chain = chain.transpose()?;
    let list: Vec<Value> =
        c.ex.withdrawals
            .iter()
            .rev()
            .filter(|r| r.account == c.acct && chain.is_none_or(|id| r.chain_id == id))
            .map(|r| {
                json!({ "id": r.id.to_string(), "type": "WITHDRAW", "asset": r.asset, "amount": r.amount.to_string(),
                "state": if r.tx_hash.is_some() { "SUCCESS" } else { "PROCESSING" }, "txHash": r.tx_hash,
                "time": r.time, "chainId": r.chain_id, "accountType": r.account_type })
            })
            .collect();
    Ok(Value::Array(list))
}

/// A withdrawal's amount and fee: positive, the fee at least the chain's cost.
fn amount_and_fee(c: &Ctx, asset: &str) -> ApiResult<(Decimal, Decimal)> {
    let (amount, fee) = (c.p.req_dec("amount")?, c.p.req_dec("fee")?);
    if amount <= Decimal::ZERO {
        return Err(ApiError::amount_must_be_positive());
    }
    if fee < gas_cost(asset) {
        return Err(ApiError::new(400, -1130, "Fee is below the current withdrawal cost."));
    }
    Ok((amount, fee))
}

/// Takes `amount + fee` from the wallet, within the daily limit, and records it.
fn take(c: &mut Ctx, from: From, asset: &str, amount: Decimal, chain_id: u64, signed: bool) -> ApiResult<Value> {
    let usd = amount * usd_price(c, asset);
    if withdrawn_today(c).0 + usd > USER_DAILY_LIMIT {
        return Err(ApiError::new(400, -1130, "The withdrawal is over the account's daily limit."));
    }
    let fee = c.p.req_dec("fee")?;
    let id = c.ex.new_tran_id();
    let account_type = match from {
        From::Futures => {
            if amount + fee > futures_free(c, asset) {
                return Err(ApiError::balance_insufficient());
            }
            *c.ex.accounts[c.acct].wallets.entry(asset.to_string()).or_default() -= amount + fee;
            "perp"
        }
        From::Spot => {
            c.ex.market_mut(c.venue).credit(c.acct, asset, -(amount + fee), "WITHDRAW", id, c.now)?;
            "spot"
        }
    };
    let hash = format!("0x{id:064x}");
    c.ex.withdrawals.push(Record {
        account: c.acct,
        id,
        asset: asset.to_string(),
        amount,
        usd,
        chain_id,
        account_type,
        time: c.now,
        tx_hash: signed.then(|| hash.clone()),
    });
    Ok(json!({ "withdrawId": id.to_string(), "hash": hash }))
}

/// An EVM withdrawal: the main wallet's signature over the withdrawal (under the param
/// `nonce_key`) must recover the receiver, which must be the account's own address.
pub fn evm(c: &mut Ctx, from: From, nonce_key: &str) -> ApiResult<Value> {
    let chain = c.p.req_str("chainId")?;
    let chain_label = chain_name(chain)?;
    let asset = c.p.req_str("asset")?.to_string();
    let (amount, _) = amount_and_fee(c, &asset)?;
    let receiver =
        crate::wallet::parse_address(c.p.req_str("receiver")?).ok_or_else(|| ApiError::invalid_param("receiver"))?;
    if c.ex.accounts[c.acct].wallet_user != Some(receiver) {
        return Err(ApiError::new(400, -1130, "The receiver must be the account's own address."));
    }
    let chain_id: u64 = chain.parse().map_err(|_| ApiError::invalid_param("chainId"))?;
    let action = crate::wallet::WithdrawAction {
        chain_id,
        aster_chain: c.ex.cfg.network.aster_chain(),
        destination: receiver,
        destination_chain: chain_label,
        token: &asset,
        amount: c.p.req_str("amount")?,
        fee: c.p.req_str("fee")?,
        nonce: c.p.req_str(nonce_key)?.parse().map_err(|_| ApiError::invalid_param(nonce_key))?,
    };
    if crate::wallet::recover_withdraw(&action, c.p.req_str("userSignature")?)? != receiver {
        return Err(ApiError::bad_signature());
    }
    take(c, from, &asset, amount, chain_id, true)
}

/// A spot withdrawal to an EVM chain (V1 names the nonce; V3 signs the withdrawal under
/// the request's own nonce, which also arrives as `nonce`).
pub fn spot_evm(c: &mut Ctx) -> ApiResult<Value> {
    evm(c, From::Spot, "nonce")
}

fn futures_evm_v1(c: &mut Ctx) -> ApiResult<Value> {
    evm(c, From::Futures, "nonce")
}

fn futures_evm_v3(c: &mut Ctx) -> ApiResult<Value> {
    evm(c, From::Futures, "userNonce")
}

/// A Solana withdrawal to the account's Solana wallet; a signature, when given (and
/// `required`, as the chain API's docs say), must be that wallet's over the guide's text
/// (amounts without trailing zeros).
pub fn solana(c: &mut Ctx, from: From, required: bool) -> ApiResult<Value> {
    if c.p.req_str("chainId")? != SOLANA_CHAIN {
        return Err(ApiError::invalid_param("chainId"));
    }
    let asset = c.p.req_str("asset")?.to_string();
    let (amount, fee) = amount_and_fee(c, &asset)?;
    let receiver = c.p.req_str("receiver")?;
    if c.ex.accounts[c.acct].solana_wallet.as_deref() != Some(receiver) {
        return Err(ApiError::new(400, -1130, "The receiver must be the account's own Solana wallet."));
    }
    let signed = match (c.p.str("userSignature"), c.p.str("userNonce")) {
        (None, None) if !required => false,
        (None, None) => return Err(ApiError::mandatory("userSignature")),
        (Some(signature), Some(nonce)) => {
            let message = format!(
                "PrimaryType=Withdraw,AsterChain={},Destination={receiver},DestinationChain=Solana,Token={asset},Amount={},Fee={},Nonce={nonce}",
                c.ex.cfg.network.aster_chain(),
                amount.normalize(),
                fee.normalize()
            );
            if !crate::wallet::verify_solana(receiver, &message, signature) {
                return Err(ApiError::bad_signature());
            }
            true
        }
        (Some(_), None) => return Err(ApiError::mandatory("userNonce")),
        (None, Some(_)) => return Err(ApiError::mandatory("userSignature")),
    };
    take(c, from, &asset, amount, 101, signed)
}

fn futures_solana(c: &mut Ctx) -> ApiResult<Value> {
    solana(c, From::Futures, false)
}

/// A spot Solana withdrawal (V1 and V3 alike).
pub fn spot_solana(c: &mut Ctx) -> ApiResult<Value> {
    solana(c, From::Spot, false)
}
