//! Agents and builders, as the exchange's demo script uses them: the main wallet approves,
//! updates and deletes API wallets (agents) and builders, each request signed as an
//! EIP-712 struct of its own; builders then add their fee to the user's orders.

use super::accounts::{address, success};
use crate::engine::account::{Agent, Builder};
use crate::error::{ApiError, ApiResult};
use crate::routes::{Ctx, Route, Security};
use crate::wallet::{Address, Kind, TypedShape};
use rust_decimal::Decimal;
use serde_json::{json, Value};

const WALLET_FIELDS: [(&str, Kind); 3] =
    [("asterChain", Kind::String), ("user", Kind::String), ("nonce", Kind::Uint256)];

macro_rules! shape {
    ($primary:literal, [$(($key:literal, $kind:ident)),*]) => {
        TypedShape {
            primary: $primary,
            fields: &[$(($key, Kind::$kind),)* WALLET_FIELDS[0], WALLET_FIELDS[1], WALLET_FIELDS[2]],
        }
    };
}

static APPROVE_AGENT: TypedShape = shape!(
    "ApproveAgent",
    [
        ("agentName", String),
        ("agentAddress", String),
        ("ipWhitelist", String),
        ("expired", Uint256),
        ("canSpotTrade", Bool),
        ("canPerpTrade", Bool),
        ("canWithdraw", Bool)
    ]
);
static UPDATE_AGENT: TypedShape = shape!(
    "UpdateAgent",
    [
        ("agentAddress", String),
        ("ipWhitelist", String),
        ("canSpotTrade", Bool),
        ("canPerpTrade", Bool),
        ("canWithdraw", Bool)
    ]
);
static DEL_AGENT: TypedShape = shape!("DelAgent", [("agentAddress", String)]);
static APPROVE_BUILDER: TypedShape =
    shape!("ApproveBuilder", [("builder", String), ("maxFeeRate", String), ("builderName", String)]);
static UPDATE_BUILDER: TypedShape = shape!("UpdateBuilder", [("builder", String), ("maxFeeRate", String)]);
static DEL_BUILDER: TypedShape = shape!("DelBuilder", [("builder", String)]);

fn w5(_: &crate::params::Params) -> u64 {
    5
}

/// A main-wallet route signed as `shape`, its chain id sent beside the struct.
const fn typed(
    method: &'static str,
    path: &'static str,
    shape: &'static TypedShape,
    handler: crate::routes::Handler,
) -> Route {
    Route {
        method,
        path,
        security: Security::MainWallet,
        params: &[
            "agentName",
            "agentAddress",
            "ipWhitelist",
            "expired",
            "canSpotTrade",
            "canPerpTrade",
            "canWithdraw",
            "builder",
            "maxFeeRate",
            "builderName",
            "asterChain",
            "signatureChainId",
        ],
        weight: w5,
        places_orders: false,
        unsigned: &["signatureChainId"],
        typed: Some(shape),
        handler,
    }
}

pub(super) static ROUTES: [Route; 8] = [
    typed("POST", "/fapi/v3/approveAgent", &APPROVE_AGENT, approve_agent),
    typed("POST", "/fapi/v3/updateAgent", &UPDATE_AGENT, update_agent),
    typed("DELETE", "/fapi/v3/agent", &DEL_AGENT, delete_agent),
    crate::route!("GET", "/fapi/v3/agent", Wallet, &[], w5, list_agents),
    typed("POST", "/fapi/v3/approveBuilder", &APPROVE_BUILDER, approve_builder),
    typed("POST", "/fapi/v3/updateBuilder", &UPDATE_BUILDER, update_builder),
    typed("DELETE", "/fapi/v3/builder", &DEL_BUILDER, delete_builder),
    crate::route!("GET", "/fapi/v3/builder", Wallet, &[], w5, list_builders),
];

/// The struct names the network: a request signed for another one is refused. A Solana
/// main wallet's query names none (the exchange's Solana demo sends no `asterChain`).
fn check_network(c: &Ctx) -> ApiResult<()> {
    let solana = c.ex.accounts[c.acct].solana_user.is_some();
    match c.p.str("asterChain") {
        None if solana => Ok(()),
        Some(network) if network == c.ex.cfg.network.aster_chain() => Ok(()),
        _ => Err(ApiError::invalid_param("asterChain")),
    }
}

/// An agent's permissions: withdrawing needs an IP whitelist, and one of them is needed.
fn permissions(c: &Ctx) -> ApiResult<(bool, bool, bool)> {
    let perms = (c.p.req_bool("canSpotTrade")?, c.p.req_bool("canPerpTrade")?, c.p.req_bool("canWithdraw")?);
    if perms.2 && c.p.str("ipWhitelist").is_none_or(|w| w.trim().is_empty()) {
        return Err(ApiError::mandatory("ipWhitelist"));
    }
    if !(perms.0 || perms.1 || perms.2) {
        return Err(ApiError::new(400, -1102, "An agent needs at least one permission."));
    }
    Ok(perms)
}

/// The agent an approval describes (by the main wallet, in either endpoint's words).
fn agent_from_request(c: &Ctx) -> ApiResult<Agent> {
    let address = address(c, "agentAddress")?;
    let expires = c.p.req_i64("expired")?;
    if expires <= c.now {
        return Err(ApiError::invalid_param("expired"));
    }
    let (can_spot, can_perp, can_withdraw) = permissions(c)?;
    Ok(Agent {
        name: c.p.req_str("agentName")?.to_string(),
        ip_whitelist: c.p.str("ipWhitelist").unwrap_or_default().to_string(),
        can_spot,
        can_perp,
        can_withdraw,
        ..Agent::trusted(address, expires)
    })
}

/// Keeps `agent` for the account, in place of an earlier approval of the same wallet.
fn keep_agent(c: &mut Ctx, agent: Agent) {
    let agents = &mut c.ex.accounts[c.acct].agents;
    agents.retain(|g| g.address != agent.address);
    agents.push(agent);
}

/// Registration and approval in one, the V3 reference's own endpoint for it.
pub(super) fn register_agent(c: &mut Ctx) -> ApiResult<Value> {
    c.p.req_i64("signatureChainId")?;
    let agent = agent_from_request(c)?;
    keep_agent(c, agent);
    Ok(success())
}

fn approve_agent(c: &mut Ctx) -> ApiResult<Value> {
    check_network(c)?;
    let agent = agent_from_request(c)?;
    keep_agent(c, agent);
    Ok(success())
}

fn own_agent<'a>(c: &'a mut Ctx) -> ApiResult<&'a mut Agent> {
    let address = address(c, "agentAddress")?;
    c.ex.accounts[c.acct].agents.iter_mut().find(|g| g.address == address).ok_or_else(not_found)
}

fn not_found() -> ApiError {
    ApiError::new(400, -1102, "No such agent or builder approved for this user.")
}

fn update_agent(c: &mut Ctx) -> ApiResult<Value> {
    check_network(c)?;
    let (can_spot, can_perp, can_withdraw) = permissions(c)?;
    let ip_whitelist = c.p.str("ipWhitelist").unwrap_or_default().to_string();
    let agent = own_agent(c)?;
    (agent.can_spot, agent.can_perp, agent.can_withdraw, agent.ip_whitelist) =
        (can_spot, can_perp, can_withdraw, ip_whitelist);
    Ok(success())
}

fn delete_agent(c: &mut Ctx) -> ApiResult<Value> {
    check_network(c)?;
    let address = own_agent(c)?.address;
    c.ex.accounts[c.acct].agents.retain(|g| g.address != address);
    Ok(success())
}

fn hex(address: &Address) -> String {
    format!("0x{}", hex::encode(address))
}

fn list_agents(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    let agents = c.ex.accounts[c.acct].agents.iter().filter(|g| g.expires > now);
    Ok(Value::Array(
        agents
            .map(|g| {
                json!({
                    "agentAddress": hex(&g.address), "agentName": g.name, "ipWhitelist": g.ip_whitelist,
                    "expired": g.expires, "canSpotTrade": g.can_spot, "canPerpTrade": g.can_perp,
                    "canWithdraw": g.can_withdraw,
                })
            })
            .collect(),
    ))
}

/// The highest fee rate a user may approve for a builder.
const MAX_BUILDER_RATE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

fn max_fee_rate(c: &Ctx) -> ApiResult<Decimal> {
    let rate = c.p.req_dec("maxFeeRate")?;
    if rate.is_sign_negative() || rate > MAX_BUILDER_RATE {
        return Err(ApiError::invalid_param("maxFeeRate"));
    }
    Ok(rate)
}

fn approve_builder(c: &mut Ctx) -> ApiResult<Value> {
    check_network(c)?;
    let address = address(c, "builder")?;
    let builder = Builder { address, name: c.p.req_str("builderName")?.to_string(), max_fee_rate: max_fee_rate(c)? };
    let builders = &mut c.ex.accounts[c.acct].builders;
    builders.retain(|b| b.address != address);
    builders.push(builder);
    Ok(success())
}

fn own_builder<'a>(c: &'a mut Ctx) -> ApiResult<&'a mut Builder> {
    let address = address(c, "builder")?;
    c.ex.accounts[c.acct].builders.iter_mut().find(|b| b.address == address).ok_or_else(not_found)
}

fn update_builder(c: &mut Ctx) -> ApiResult<Value> {
    check_network(c)?;
    let rate = max_fee_rate(c)?;
    own_builder(c)?.max_fee_rate = rate;
    Ok(success())
}

fn delete_builder(c: &mut Ctx) -> ApiResult<Value> {
    check_network(c)?;
    let address = own_builder(c)?.address;
    c.ex.accounts[c.acct].builders.retain(|b| b.address != address);
    Ok(success())
}

fn list_builders(c: &mut Ctx) -> ApiResult<Value> {
    let builders = &c.ex.accounts[c.acct].builders;
    Ok(Value::Array(
        builders
            .iter()
            .map(|b| json!({ "builder": hex(&b.address), "builderName": b.name, "maxFeeRate": b.max_fee_rate.normalize().to_string() }))
            .collect(),
    ))
}

/// An order's builder and fee rate: the builder must be approved by the account, and the
/// rate within what it approved.
pub(super) fn builder_fee(c: &Ctx) -> ApiResult<Option<crate::engine::BuilderFee>> {
    let rate = c.p.opt_dec("feeRate")?;
    let Some(builder) = c.p.str("builder") else {
        return match rate {
            Some(_) => Err(ApiError::param_not_required("feeRate")),
            None => Ok(None),
        };
    };
    let address = crate::wallet::parse_address(builder).ok_or_else(|| ApiError::invalid_param("builder"))?;
    let approved = c.ex.accounts[c.acct].builders.iter().find(|b| b.address == address).ok_or_else(not_found)?;
    let rate = rate.unwrap_or(Decimal::ZERO);
    if rate.is_sign_negative() || rate > approved.max_fee_rate {
        return Err(ApiError::new(400, -1102, "feeRate is above the rate the user approved for this builder."));
    }
    Ok(Some(crate::engine::BuilderFee { builder: address, rate }))
}
