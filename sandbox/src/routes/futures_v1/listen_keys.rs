//! Listen keys of the user data stream.

use super::*;

pub(crate) fn listen_key_new(c: &mut Ctx) -> ApiResult<Value> {
    let now = c.now;
    let active = c.ex.accounts[c.acct].listen_key.as_ref().filter(|k| k.expires_at > now).map(|k| k.key.clone());
    let key = match active {
        Some(k) => k,
        None => c.ex.random_token(64),
    };
    c.ex.accounts[c.acct].listen_key =
        Some(crate::engine::account::ListenKey { key: key.clone(), expires_at: now + LISTEN_KEY_TTL_MS });
    Ok(json!({ "listenKey": key }))
}

/// The account's live listen key, checked against the one the caller named, if any.
pub(crate) fn live_key(c: &mut Ctx) -> ApiResult<()> {
    let now = c.now;
    let named = c.p.str("listenKey");
    match &c.ex.accounts[c.acct].listen_key {
        Some(k) if k.expires_at > now && named.is_none_or(|n| n == k.key) => Ok(()),
        _ => Err(ApiError::invalid_listen_key()),
    }
}

pub(crate) fn listen_key_keepalive(c: &mut Ctx) -> ApiResult<Value> {
    live_key(c)?;
    let now = c.now;
    if let Some(k) = c.ex.accounts[c.acct].listen_key.as_mut() {
        k.expires_at = now + LISTEN_KEY_TTL_MS;
    }
    Ok(json!({}))
}

pub(crate) fn listen_key_close(c: &mut Ctx) -> ApiResult<Value> {
    live_key(c)?;
    c.ex.accounts[c.acct].listen_key = None;
    Ok(json!({}))
}
