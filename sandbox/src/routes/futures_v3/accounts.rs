//! V3 account structure: sub-accounts (bind, create, list, update), transfers between
//! them, and migrating a sub-account's assets to its main account.
//!
//! The spot side is not modelled yet: a transfer to spot only debits the futures wallet,
//! one from spot only credits it, as the V1 futures/spot transfer does.

use crate::engine::account::{Account, Income};
use crate::engine::types::IncomeType;
use crate::engine::{AccountId, Exchange, UserEvent};
use crate::error::{ApiError, ApiResult};
use crate::routes::Ctx;
use crate::wallet::{parse_address, recover, Address};
use rust_decimal::Decimal;
use serde_json::{json, Value};

pub(super) fn success() -> Value {
    json!({ "code": 200, "msg": "success" })
}

pub(super) fn address(c: &Ctx, name: &str) -> ApiResult<Address> {
    parse_address(c.p.req_str(name)?).ok_or_else(|| ApiError::invalid_param(name))
}

/// The main account of `acct`: its parent, or itself.
fn main_of(ex: &Exchange, acct: AccountId) -> AccountId {
    ex.accounts[acct].parent.unwrap_or(acct)
}

fn family(ex: &Exchange, main: AccountId) -> impl Iterator<Item = AccountId> + '_ {
    (0..ex.accounts.len()).filter(move |&i| i == main || ex.accounts[i].parent == Some(main))
}

/// Checks `childSignature`: the sub-account wallet's signature over the request's signed
/// message without its trailing `&childSignature=…`.
fn check_child_signature(c: &Ctx, child: &Address) -> ApiResult<()> {
    let at = c.signed.rfind("&childSignature=").ok_or_else(|| ApiError::mandatory("childSignature"))?;
    let signature = c.p.req_str("childSignature")?;
    if recover(c.ex.cfg.network.chain_id(), &c.signed[..at], signature)? != *child {
        return Err(ApiError::new(400, -1022, "childSignature is not valid for the sub-account address."));
    }
    Ok(())
}

fn new_sub(ex: &mut Exchange, main: AccountId, wallet: Address, name: &str) -> AccountId {
    let mut sub = Account::new(String::new(), String::new(), Vec::new(), false);
    sub.wallet_user = Some(wallet);
    sub.parent = Some(main);
    sub.sub_name = name.to_string();
    ex.accounts.push(sub);
    ex.accounts.len() - 1
}

pub(super) fn bind_sub_account(c: &mut Ctx) -> ApiResult<Value> {
    let child = address(c, "childAddress")?;
    let name = c.p.req_str("name")?.to_string();
    check_child_signature(c, &child)?;
    let main = c.acct;
    if c.ex.accounts[main].parent.is_some() || c.ex.accounts[main].wallet_user == Some(child) {
        return Err(ApiError::new(400, -1000, "Only a main account can bind another account."));
    }
    match c.ex.account_by_user(&child) {
        Some(existing) if c.ex.accounts[existing].parent.is_some() => {
            Err(ApiError::new(400, -1000, "The address is already a sub-account."))
        }
        Some(existing) => {
            let a = &mut c.ex.accounts[existing];
            a.parent = Some(main);
            a.sub_name = name;
            Ok(success())
        }
        None => {
            new_sub(c.ex, main, child, &name);
            Ok(success())
        }
    }
}

pub(super) fn create_sub_account(c: &mut Ctx) -> ApiResult<Value> {
    let child = address(c, "subSourceAddr")?;
    let name = c.p.req_str("subAccountName")?.to_string();
    check_child_signature(c, &child)?;
    if c.ex.accounts[c.acct].parent.is_some() {
        return Err(ApiError::new(400, -1000, "Only a main account can create sub-accounts."));
    }
    if c.ex.account_by_user(&child).is_some() {
        return Err(ApiError::new(400, -1000, "The address already has an account."));
    }
    new_sub(c.ex, c.acct, child, &name);
    Ok(success())
}

pub(super) fn sub_account_list(c: &mut Ctx) -> ApiResult<Value> {
    let main = main_of(c.ex, c.acct);
    let list: Vec<Value> = family(c.ex, main)
        .map(|i| {
            let a = &c.ex.accounts[i];
            json!({ "accountId": i, "subAccountName": a.sub_name, "parentAccount": i == main })
        })
        .collect();
    Ok(Value::Array(list))
}

/// A sub-account of the signing main account, by its wallet address.
fn own_sub(c: &Ctx, name: &str) -> ApiResult<AccountId> {
    let wallet = address(c, name)?;
    c.ex.account_by_user(&wallet)
        .filter(|&i| c.ex.accounts[i].parent == Some(c.acct))
        .ok_or_else(|| ApiError::new(400, -1000, format!("`{name}` is not a sub-account of this account.")))
}

pub(super) fn update_sub_account(c: &mut Ctx) -> ApiResult<Value> {
    let sub = own_sub(c, "subSourceAddr")?;
    let name = c.p.str("subAccountName").map(str::to_string);
    let frozen = match c.p.str("status") {
        Some("NORMAL") => Some(false),
        Some("FROZEN") => Some(true),
        Some(_) => return Err(ApiError::invalid_param("status")),
        None => None,
    };
    if name.is_none() && frozen.is_none() {
        return Err(ApiError::either("subAccountName", "status"));
    }
    let a = &mut c.ex.accounts[sub];
    if let Some(n) = name {
        a.sub_name = n;
    }
    if let Some(f) = frozen {
        a.frozen = f;
    }
    Ok(success())
}

fn record_transfer(ex: &mut Exchange, acct: AccountId, asset: &str, delta: Decimal, now: i64) {
    let tran_id = ex.new_tran_id();
    let a = &mut ex.accounts[acct];
    *a.wallets.entry(asset.to_string()).or_default() += delta;
    a.income.push(Income {
        symbol: String::new(),
        kind: IncomeType::Transfer,
        amount: delta,
        asset: asset.to_string(),
        info: "SUB_ACCOUNT_TRANSFER".into(),
        time: now,
        tran_id,
        trade_id: String::new(),
    });
    ex.futures.outbox.push(UserEvent::Account { account: acct, reason: "ASSET_TRANSFER", symbol: None });
}

fn futures_available(ex: &Exchange, acct: AccountId, asset: &str) -> Decimal {
    if asset == "USDT" {
        ex.available_balance(acct)
    } else {
        ex.accounts[acct].wallets.get(asset).copied().unwrap_or_default()
    }
}

pub(super) fn sub_account_transfer(c: &mut Ctx) -> ApiResult<Value> {
    let to_wallet = address(c, "toAccountAddress")?;
    let asset = c.p.req_str("asset")?.to_string();
    let amount = c.p.req_dec("amount")?;
    let kind = c.p.req_str("kindType")?;
    if amount <= Decimal::ZERO {
        return Err(ApiError::amount_must_be_positive());
    }
    let main = main_of(c.ex, c.acct);
    let from = match c.p.str("fromAccountAddress") {
        // Only the main account moves funds between others.
        Some(_) if c.acct != main => return Err(ApiError::invalid_param("fromAccountAddress")),
        Some(_) => address(c, "fromAccountAddress")
            .and_then(|w| c.ex.account_by_user(&w).ok_or_else(|| ApiError::invalid_param("fromAccountAddress")))?,
        None => c.acct,
    };
    let to = c.ex.account_by_user(&to_wallet).ok_or_else(|| ApiError::invalid_param("toAccountAddress"))?;
    let in_family = |i: AccountId| family(c.ex, main).any(|f| f == i);
    if !in_family(from) || !in_family(to) || from == to && kind == "FUTURE_FUTURE" {
        return Err(ApiError::new(400, -1000, "Transfers stay between a main account and its sub-accounts."));
    }
    if c.ex.accounts[from].frozen || c.ex.accounts[to].frozen {
        return Err(ApiError::new(400, -1000, "A frozen sub-account cannot transfer."));
    }
    let (debit_futures, credit_futures) = match kind {
        "FUTURE_FUTURE" => (true, true),
        "FUTURE_SPOT" => (true, false),
        "SPOT_FUTURE" => (false, true),
        "SPOT_SPOT" => (false, false),
        _ => return Err(ApiError::invalid_param("kindType")),
    };
    if debit_futures && amount > futures_available(c.ex, from, &asset) {
        return Err(ApiError::balance_insufficient());
    }
    if debit_futures {
        record_transfer(c.ex, from, &asset, -amount, c.now);
    }
    if credit_futures {
        record_transfer(c.ex, to, &asset, amount, c.now);
    }
    Ok(success())
}

/// Moves every positive balance of the signing sub-account to its main account; refused
/// while it has positions or open orders.
pub(super) fn migrate_user(c: &mut Ctx) -> ApiResult<Value> {
    let source = c.acct;
    let Some(dest) = c.ex.accounts[source].parent else {
        return Err(ApiError::new(400, -1000, "Only a sub-account's assets can be migrated to its main account."));
    };
    if c.ex.accounts[source].has_any_position() {
        return Err(ApiError::new(400, -1000, "The account has open positions."));
    }
    if c.ex.open_orders().any(|o| o.account == source) {
        return Err(ApiError::new(400, -1000, "The account has open orders."));
    }
    let assets: Vec<(String, Decimal)> = c.ex.accounts[source]
        .wallets
        .iter()
        .filter(|(_, v)| **v > Decimal::ZERO)
        .take(300)
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    if assets.is_empty() {
        return Ok(json!({}));
    }
    let batch = c.ex.random_token(22);
    let mut details = Vec::new();
    for (i, (asset, amount)) in assets.iter().enumerate() {
        record_transfer(c.ex, source, asset, -*amount, c.now);
        record_transfer(c.ex, dest, asset, *amount, c.now);
        let tran_id = c.ex.new_tran_id();
        details.push(json!({
            "id": 1001 + i, "asset": asset, "amount": amount.round_dp(8).to_string(), "tranId": tran_id,
            "status": "S", "fromStatus": "S", "fromErrorCode": null, "fromResponse": null,
            "toStatus": "S", "toErrorCode": null, "toResponse": null,
        }));
    }
    let n = details.len();
    let record = json!({
        "batchId": batch, "totalCount": n, "successCount": n, "processingCount": 0, "failCount": 0,
        "initCount": 0, "details": details,
    });
    c.ex.migrations.insert(batch.clone(), (source, dest, record));
    Ok(json!({ "batchId": batch }))
}

pub(super) fn migrate_history(c: &mut Ctx) -> ApiResult<Value> {
    let batch = c.p.req_str("batchId")?;
    match c.ex.migrations.get(batch) {
        Some((source, dest, record)) if *source == c.acct || *dest == c.acct => Ok(record.clone()),
        _ => Err(ApiError::new(400, -1000, "No migration batch with that id for this account.")),
    }
}
