//! The Aster chain API (`/aster-chain/v3/…`) on the sandbox's main host: privacy,
//! transfers to other chain addresses (from the perp wallet), staking ASTER from the spot
//! wallet with rewards accruing at a fixed rate, and the perp and spot wallets'
//! withdrawals and transfers (the same as on futures and spot, Solana ones signed). Reads
//! are signed by an API wallet, writes by the main wallet, withdrawals by the API wallet
//! with the main wallet's signature of the withdrawal inside.

use crate::chain::Stake;
use crate::error::{ApiError, ApiResult};
use crate::route;
use crate::routes::withdrawals::{self, From};
use crate::routes::{w1, w20, w5, Ctx, Route, Security};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// What the rest of the network has locked for 208 weeks, before the sandbox's accounts.
const NETWORK_LOCKED: Decimal = Decimal::from_parts(291_534_089, 0, 0, false, 0);
const TRANSFER_PARAMS: &[&str] = &["amount", "asset", "clientTranId", "kindType"];
const EVM: &[&str] = &["asset", "chainId", "amount", "fee", "receiver", "userNonce", "userSignature"];

/// Every route of the chain API.
pub static ROUTES: &[Route] = &[
    route!("GET", "/aster-chain/v3/account/status", Wallet, &[], w1, account_status),
    route!("POST", "/aster-chain/v3/account/modify-status", MainWallet, &["status"], w5, modify_status),
    route!(
        "POST",
        "/aster-chain/v3/transfer",
        MainWallet,
        &["asset", "amount", "toAddress", "clientTranId"],
        w50,
        transfer
    ),
    route!("GET", "/aster-chain/v3/staking/stakeAccountStatus", Wallet, &[], w1, stake_account_status),
    route!("GET", "/aster-chain/v3/staking/myStaking", Wallet, &[], w1, my_staking),
    route!("GET", "/aster-chain/v3/staking/claimableRewards", Wallet, &[], w1, claimable_rewards),
    route!(
        "POST",
        "/aster-chain/v3/staking/create",
        MainWallet,
        &["validatorAddress", "stakeAmount", "periodCode"],
        w5,
        create
    ),
    route!("POST", "/aster-chain/v3/staking/deposit", MainWallet, &["validatorAddress", "stakeAmount"], w5, deposit),
    route!("POST", "/aster-chain/v3/staking/updateLockPeriod", MainWallet, &["periodCode"], w5, update_lock),
    route!("POST", "/aster-chain/v3/staking/claimRewards", MainWallet, &["requestedAmount"], w5, claim),
    route!("GET", "/aster-chain/v3/staking/getLockedAster", None, &[], w20, locked_aster),
    route!("POST", "/aster-chain/v3/perp/user-withdraw", Wallet, EVM, w5, |c| withdrawals::evm(
        c,
        From::Futures,
        "userNonce"
    )),
    route!("POST", "/aster-chain/v3/perp/user-solana-withdraw", Wallet, EVM, w5, |c| withdrawals::solana(
        c,
        From::Futures,
        true
    )),
    route!("GET", "/aster-chain/v3/perp/user-withdraw-info", Wallet, &[], w1, withdrawals::info),
    route!("GET", "/aster-chain/v3/perp/deposit-withdraw-history", Wallet, &["chainId"], w5, withdrawals::history),
    route!(
        "POST",
        "/aster-chain/v3/perp/wallet/transfer",
        MainWallet,
        TRANSFER_PARAMS,
        w5,
        crate::routes::futures_v1::transfer
    ),
    route!("POST", "/aster-chain/v3/spot/user-withdraw", Wallet, EVM, w5, |c| withdrawals::evm(
        c,
        From::Spot,
        "userNonce"
    )),
    route!("POST", "/aster-chain/v3/spot/user-solana-withdraw", Wallet, EVM, w5, |c| withdrawals::solana(
        c,
        From::Spot,
        true
    )),
    route!(
        "POST",
        "/aster-chain/v3/spot/wallet/transfer",
        MainWallet,
        TRANSFER_PARAMS,
        w5,
        crate::routes::futures_v1::transfer
    ),
    route!("GET", "/aster-chain/v3/withdraw/estimateFee", None, &["chainId", "asset"], w1, estimate_fee),
];

fn w50(_: &crate::params::Params) -> u64 {
    50
}

fn account_status(c: &mut Ctx) -> ApiResult<Value> {
    let private = c.ex.chain.is_private(c.acct);
    Ok(json!({ "status": if private { "PRIVATE" } else { "PUBLIC" } }))
}

fn modify_status(c: &mut Ctx) -> ApiResult<Value> {
    let public = match c.p.req_str("status")? {
        "PUBLIC" => true,
        "PRIVATE" => false,
        _ => return Err(ApiError::invalid_param("status")),
    };
    c.ex.chain.set_public(c.acct, public, c.now);
    account_status(c)
}

fn positive(c: &Ctx, key: &str) -> ApiResult<Decimal> {
    let v = c.p.req_dec(key)?;
    if v <= Decimal::ZERO {
        return Err(ApiError::amount_must_be_positive());
    }
    Ok(v)
}

/// From the perp wallet to another registered account's, once per client id.
fn transfer(c: &mut Ctx) -> ApiResult<Value> {
    let asset = c.p.req_str("asset")?.to_string();
    let amount = positive(c, "amount")?;
    let to =
        crate::wallet::parse_address(c.p.req_str("toAddress")?).ok_or_else(|| ApiError::invalid_param("toAddress"))?;
    let dest =
        c.ex.account_by_user(&to).filter(|d| *d != c.acct).ok_or_else(|| ApiError::invalid_param("toAddress"))?;
    let id = match c.p.str("clientTranId") {
        Some(id) => id.to_string(),
        None => format!("ct-{}", c.ex.new_tran_id()),
    };
    if !c.ex.chain.transfer_ids.insert((c.acct, id.clone())) {
        return Err(ApiError::client_tran_id_duplicated());
    }
    if amount > withdrawals::futures_free(c, &asset) {
        c.ex.chain.transfer_ids.remove(&(c.acct, id));
        return Err(ApiError::balance_insufficient());
    }
    *c.ex.accounts[c.acct].wallets.entry(asset.clone()).or_default() -= amount;
    *c.ex.accounts[dest].wallets.entry(asset.clone()).or_default() += amount;
    Ok(json!({ "transferId": c.ex.new_tran_id().to_string(), "asset": asset, "amount": amount.to_string(),
        "toAddress": c.p.req_str("toAddress")?, "timestamp": c.now, "status": "SUCCESS" }))
}

fn weeks(code: &str) -> ApiResult<i64> {
    match code {
        "26_WEEKS" => Ok(26),
        "52_WEEKS" => Ok(52),
        "104_WEEKS" => Ok(104),
        "156_WEEKS" => Ok(156),
        "208_WEEKS" => Ok(208),
        _ => Err(ApiError::invalid_param("periodCode")),
    }
}

fn stake_of<'a>(c: &'a mut Ctx) -> ApiResult<&'a mut Stake> {
    let now = c.now;
    let stake = c.ex.chain.stakes.get_mut(&c.acct).ok_or_else(|| ApiError::new(400, -1130, "No staking position."))?;
    stake.accrue(now);
    Ok(stake)
}

fn stake_account_status(c: &mut Ctx) -> ApiResult<Value> {
    let active = c.ex.chain.stakes.contains_key(&c.acct);
    Ok(json!({ "stakeAccountStatus": if active { "ACTIVE" } else { "INACTIVE" } }))
}

fn my_staking(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    let s = stake_of(c)?;
    let end = s.start + s.weeks * 7 * 86_400_000;
    Ok(json!({ "validatorAddress": s.validator, "stakeAmount": s.amount.to_string(),
        "periodCode": format!("{}_WEEKS", s.weeks), "startTime": s.start, "endTime": end,
        "status": if now < end { "ACTIVE" } else { "COMPLETED" } }))
}

fn claimable_rewards(c: &mut Ctx) -> ApiResult<Value> {
    let s = stake_of(c)?;
    Ok(json!({ "claimableAmount": (s.accrued - s.claimed).to_string(), "asset": "ASTER",
        "accruedRewards": s.accrued.to_string(), "lastClaimTime": s.last_claim }))
}

fn success() -> Value {
    json!({ "result": "SUCCESS" })
}

/// Moves ASTER between the spot wallet and the stake.
fn move_aster(c: &mut Ctx, delta: Decimal, kind: &'static str) -> ApiResult<()> {
    let id = c.ex.new_tran_id();
    c.ex.market_mut(c.venue).credit(c.acct, "ASTER", delta, kind, id, c.now)
}

fn create(c: &mut Ctx) -> ApiResult<Value> {
    let validator = c.p.req_str("validatorAddress")?.to_string();
    let amount = positive(c, "stakeAmount")?;
    let weeks = weeks(c.p.req_str("periodCode")?)?;
    if c.ex.chain.stakes.contains_key(&c.acct) {
        return Err(ApiError::new(400, -1130, "A staking position exists: deposit to it."));
    }
    move_aster(c, -amount, "STAKING_DELEGATE")?;
    let now = c.now;
    let stake = Stake {
        validator,
        amount,
        weeks,
        start: now,
        accrued: Decimal::ZERO,
        accrued_at: now,
        claimed: Decimal::ZERO,
        last_claim: 0,
    };
    c.ex.chain.stakes.insert(c.acct, stake);
    Ok(success())
}

fn deposit(c: &mut Ctx) -> ApiResult<Value> {
    let validator = c.p.req_str("validatorAddress")?.to_string();
    let amount = positive(c, "stakeAmount")?;
    if stake_of(c)?.validator != validator {
        return Err(ApiError::invalid_param("validatorAddress"));
    }
    move_aster(c, -amount, "STAKING_DELEGATE")?;
    stake_of(c)?.amount += amount;
    Ok(success())
}

fn update_lock(c: &mut Ctx) -> ApiResult<Value> {
    let weeks = weeks(c.p.req_str("periodCode")?)?;
    let stake = stake_of(c)?;
    if weeks <= stake.weeks {
        return Err(ApiError::new(400, -1130, "The lock period must be longer than the current one."));
    }
    stake.weeks = weeks;
    Ok(success())
}

fn claim(c: &mut Ctx) -> ApiResult<Value> {
    let requested = positive(c, "requestedAmount")?;
    let now = c.now;
    let stake = stake_of(c)?;
    if requested > stake.accrued - stake.claimed {
        return Err(ApiError::new(400, -1130, "More than the claimable rewards."));
    }
    stake.claimed += requested;
    stake.last_claim = now;
    move_aster(c, requested, "STAKING_CLAIM")?;
    Ok(success())
}

fn locked_aster(c: &mut Ctx) -> ApiResult<Value> {
    let ours: Decimal = c.ex.chain.stakes.values().filter(|s| s.weeks == 208).map(|s| s.amount).sum();
    // A JSON number, as the docs' example sends it.
    let total: Value = serde_json::from_str(&(NETWORK_LOCKED + ours).to_string()).unwrap_or_default();
    Ok(json!({ "periodCode": "208_WEEKS", "totalVolume": total }))
}

fn estimate_fee(c: &mut Ctx) -> ApiResult<Value> {
    withdrawals::chain_name(c.p.req_str("chainId")?)?;
    let asset = c.p.req_str("asset")?;
    let gas = withdrawals::gas_cost(asset);
    let price = withdrawals::usd_price(c, asset);
    Ok(json!({ "gasPrice": 1_000_000_000u64, "gasLimit": 21_000, "nativePrice": "1800.00",
        "tokenPrice": price.to_string(), "gasCost": gas.to_string(), "gasUsdValue": (gas * price).round_dp(8).to_string() }))
}
