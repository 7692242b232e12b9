//! The HTTP front: parses a request, enforces security and rate limits exactly as the docs
//! describe, runs the endpoint's handler on the engine and writes the reply, with any
//! planned fault applied.

use crate::engine::{AccountId, Exchange, Venue};
use crate::error::ApiError;
use crate::faults::Fault;
use crate::params::{split_signature, Params};
use crate::rate_limits::{WeightRule, LONGEST_BAN_MS};
use crate::routes::{self, Ctx, Route, Security};
use crate::state::{lock, now_ms, Shared};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// How many of the latest requests the log keeps.
const REQUEST_LOG_LEN: usize = 1024;
/// Largest body accepted; bigger ones get -1101.
pub const MAX_BODY: usize = 64 * 1024;
/// Largest `recvWindow` the exchange accepts.
pub const MAX_RECV_WINDOW: i64 = 60_000;

struct Reply {
    status: u16,
    body: String,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn error(e: &ApiError) -> Self {
        Reply { status: e.status, body: e.body(), headers: Vec::new() }
    }
}

fn json_response(status: u16, body: Body, headers: &[(&'static str, String)], content_type: &'static str) -> Response {
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert("content-type", HeaderValue::from_static(content_type));
    for (k, v) in headers {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(*k, v);
        }
    }
    resp
}

pub async fn handle(
    shared: Arc<Shared>,
    venue: Venue,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path().to_string();
    // Front ends of the exchange answer 411 to a POST or PUT that declares no length, even
    // an empty one.
    let declares_length = headers.contains_key("content-length") || headers.contains_key("transfer-encoding");
    if matches!(method, Method::POST | Method::PUT) && !declares_length {
        return json_response(411, Body::from("Length Required"), &[], "text/plain");
    }
    // The whole request is received before anything else, so a delayed reply still
    // executes a request whose client has gone.
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return reply_to_response(Reply::error(&ApiError::too_many_params())),
    };
    shared.request_count.fetch_add(1, Ordering::Relaxed);
    {
        let mut log = lock(&shared.request_log);
        if log.len() == REQUEST_LOG_LEN {
            log.pop_front();
        }
        log.push_back((method.to_string(), path.clone()));
    }
    let (fault, latency) = {
        let mut f = lock(&shared.faults);
        (f.take(&path), f.latency)
    };
    let extra = match &fault {
        Some(Fault::Latency(d)) => *d,
        _ => std::time::Duration::ZERO,
    };
    if !(latency + extra).is_zero() {
        tokio::time::sleep(latency + extra).await;
    }
    if let Some(answer) = fault.as_ref().and_then(answer_without_executing) {
        return answer;
    }
    let reply = serve(&shared, venue, method.as_str(), &uri, &headers, &body);
    answer_after_executing(fault, reply)
}

/// The reply of a fault that shows before the request is executed, if it is one.
fn answer_without_executing(fault: &Fault) -> Option<Response> {
    let json = "application/json";
    Some(match fault {
        Fault::ServerError(code) => {
            let status = i64::from(*code).clamp(500, 599) as u16;
            let e = ApiError::new(status, -1001, "Internal error; unable to process your request. Please try again.");
            json_response(e.status, Body::from(e.body()), &[], json)
        }
        Fault::RateLimited => {
            let e = ApiError::too_many_requests(0);
            json_response(429, Body::from(e.body()), &[("retry-after", "1".into())], json)
        }
        Fault::HtmlError => {
            let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
            json_response(502, Body::from(page), &[], "text/html")
        }
        Fault::Redirect(to) => json_response(307, Body::from(""), &[("location", to.clone())], "text/plain"),
        Fault::ErrorBody(code) => {
            let e = ApiError::new(200, *code, "An error, sent with status 200.");
            json_response(200, Body::from(e.body()), &[], json)
        }
        Fault::Reply { status, body } => json_response(*status, Body::from(body.clone()), &[], json),
        Fault::StallAfterHeaders(d) => {
            let d = *d;
            let body = futures_util::stream::once(async move {
                tokio::time::sleep(d).await;
                Ok::<Bytes, std::io::Error>(Bytes::from_static(b"{}"))
            });
            json_response(200, Body::from_stream(body), &[], json)
        }
        Fault::HugeBody(n) => json_response(200, huge_body(*n), &[], json),
        Fault::DripBody(every) => {
            let every = *every;
            let bytes: Vec<u8> = b"{\"serverTime\":1}".to_vec();
            let drip = futures_util::StreamExt::then(futures_util::stream::iter(bytes), move |b| async move {
                tokio::time::sleep(every).await;
                Ok::<Bytes, std::io::Error>(Bytes::from(vec![b]))
            });
            json_response(200, Body::from_stream(drip), &[], json)
        }
        _ => return None,
    })
}

/// The reply to an executed request, as the planned fault (if any) shapes it.
fn answer_after_executing(fault: Option<Fault>, reply: Reply) -> Response {
    match fault {
        Some(Fault::ExecutedButUnavailable) => {
            let e = ApiError::backend_timeout();
            json_response(503, Body::from(e.body()), &reply.headers, "application/json")
        }
        Some(Fault::ExecutedThenError { status, code }) => {
            let e = ApiError::new(status, code, "Execution status unknown.");
            json_response(status, Body::from(e.body()), &reply.headers, "application/json")
        }
        Some(Fault::ExecutedThenReply { status, body }) => {
            json_response(status, Body::from(body), &reply.headers, "application/json")
        }
        Some(Fault::MalformedJson) => {
            json_response(200, Body::from("{\"code\": 200, \"msg\": success,,}"), &reply.headers, "application/json")
        }
        Some(Fault::TruncatedJson) => {
            let half = reply.body.len() / 2;
            json_response(200, Body::from(reply.body[..half].to_string()), &reply.headers, "application/json")
        }
        Some(Fault::ResetMidResponse) => {
            let full = reply.body.len();
            let first = Bytes::from(reply.body[..full / 2].to_string());
            let chunks: Vec<Result<Bytes, std::io::Error>> =
                vec![Ok(first), Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "fault: reset"))];
            let mut headers = reply.headers.clone();
            headers.push(("content-length", full.to_string()));
            json_response(
                reply.status,
                Body::from_stream(futures_util::stream::iter(chunks)),
                &headers,
                "application/json",
            )
        }
        _ => reply_to_response(reply),
    }
}

/// A body `n` bytes long (an array of zero digits), made as it is sent.
fn huge_body(n: u64) -> Body {
    const CHUNK: usize = 64 * 1024;
    let chunk = Bytes::from(vec![b'0'; CHUNK]);
    let mut left = n.saturating_sub(2);
    let head = futures_util::stream::once(async { Ok::<Bytes, std::io::Error>(Bytes::from_static(b"[")) });
    let middle = futures_util::stream::poll_fn(move |_| {
        if left == 0 {
            return std::task::Poll::Ready(None);
        }
        let take = left.min(CHUNK as u64);
        left -= take;
        std::task::Poll::Ready(Some(Ok(chunk.slice(..take as usize))))
    });
    let tail = futures_util::stream::once(async { Ok(Bytes::from_static(b"]")) });
    Body::from_stream(futures_util::StreamExt::chain(futures_util::StreamExt::chain(head, middle), tail))
}

/// The reply when a handler task failed.
pub fn internal_error() -> Response {
    reply_to_response(Reply::error(&ApiError::unknown("The request could not be completed.")))
}

fn reply_to_response(r: Reply) -> Response {
    json_response(r.status, Body::from(r.body), &r.headers, "application/json")
}

/// The route for a method and path among those of a host (futures and spot share the main
/// one; the prediction market has its own): `Err` with the right error when there is none.
fn find_route(venue: Venue, method: &str, path: &str) -> Result<&'static Route, ApiError> {
    let mut path_known = false;
    let table: Box<dyn Iterator<Item = &'static Route>> = match venue {
        Venue::Spot => Box::new(routes::all()),
        Venue::Prediction => Box::new(routes::prediction::ROUTES.iter()),
    };
    for r in table {
        if r.path == path {
            path_known = true;
            if r.method == method {
                return Ok(r);
            }
        }
    }
    Err(if path_known {
        ApiError::new(405, -1020, "This operation is not supported.")
    } else {
        ApiError::unsupported()
    })
}

/// Weight accounting for one request; `Err` is the 429 or 418 to send.
fn charge_weight(shared: &Shared, weight: u64, rule: &WeightRule, now: i64) -> Result<u64, Reply> {
    let mut l = lock(&shared.limits);
    if now < l.banned_until {
        let mut r = Reply::error(&ApiError::banned(l.banned_until));
        r.headers.push(("retry-after", ((l.banned_until - now + 999) / 1000).to_string()));
        return Err(r);
    }
    let window = now.div_euclid(rule.window_ms);
    l.enter_window(window);
    // Not backing off after a 429 (any request before the window resets) earns a ban,
    // longer for each repeat.
    if l.warned {
        let ban_ms = rule.first_ban_ms.saturating_mul(1 << l.bans.min(30)).min(LONGEST_BAN_MS);
        l.bans += 1;
        l.banned_until = now + ban_ms;
        let mut r = Reply::error(&ApiError::banned(l.banned_until));
        r.headers.push(("retry-after", ((ban_ms + 999) / 1000).to_string()));
        return Err(r);
    }
    if l.used + weight > rule.limit {
        let retry_after = ((window + 1) * rule.window_ms - now + 999) / 1000;
        l.warned = true;
        let mut r = Reply::error(&ApiError::too_many_requests(rule.limit));
        r.headers.push(("retry-after", retry_after.to_string()));
        r.headers.push((shared.weight_header, l.used.to_string()));
        return Err(r);
    }
    l.used += weight;
    Ok(l.used)
}

/// Order-rate accounting per account: `(count_10s, count_1m)` or the 429 to send.
fn charge_orders(
    shared: &Shared,
    acct: AccountId,
    limit_10s: u64,
    limit_1m: u64,
    now: i64,
) -> Result<(u64, u64), ApiError> {
    let mut l = lock(&shared.limits);
    let q = l.orders.entry(acct).or_default();
    while q.front().is_some_and(|&t| t <= now - 60_000) {
        q.pop_front();
    }
    let in_10s = q.iter().filter(|&&t| t > now - 10_000).count() as u64;
    let in_1m = q.len() as u64;
    if in_10s >= limit_10s {
        return Err(ApiError::too_many_orders(limit_10s, "10 seconds"));
    }
    if in_1m >= limit_1m {
        return Err(ApiError::too_many_orders(limit_1m, "1 minute"));
    }
    q.push_back(now);
    Ok((in_10s + 1, in_1m + 1))
}

fn verify_signature(secret: &str, total: &str, signature: &str) -> bool {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(total.as_bytes());
    let Ok(sig) = hex::decode(signature.to_ascii_lowercase()) else { return false };
    mac.verify_slice(&sig).is_ok()
}

/// Checks the API key and, for signed endpoints, timestamp, recvWindow and signature.
fn authenticate(
    ex: &Exchange,
    route: &Route,
    headers: &HeaderMap,
    params: &Params,
    query: &str,
    body: &str,
    now: i64,
) -> Result<AccountId, ApiError> {
    let key = headers.get("x-mbx-apikey").and_then(|v| v.to_str().ok()).map(str::trim).filter(|k| !k.is_empty());
    let Some(key) = key else { return Err(ApiError::bad_api_key_format()) };
    let acct = ex.account_by_key(key).ok_or_else(ApiError::rejected_key)?;
    if route.security != Security::Signed {
        return Ok(acct);
    }
    let timestamp = params.req_i64("timestamp")?;
    let recv_window = params.opt_i64("recvWindow")?.unwrap_or(5000);
    if !(1..=MAX_RECV_WINDOW).contains(&recv_window) {
        return Err(ApiError::invalid_param("recvWindow"));
    }
    let (query_rest, sig_q) = split_signature(query);
    let (body_rest, sig_b) = split_signature(body);
    let Some(signature) = sig_q.or(sig_b).filter(|s| !s.is_empty()) else {
        return Err(ApiError::mandatory("signature"));
    };
    let total = format!("{query_rest}{body_rest}");
    if !verify_signature(&ex.accounts[acct].secret, &total, &signature) {
        return Err(ApiError::bad_signature());
    }
    if timestamp >= now + 1000 {
        return Err(ApiError::timestamp_ahead());
    }
    if now - timestamp > recv_window {
        return Err(ApiError::invalid_timestamp_window());
    }
    Ok(acct)
}

/// Checks a V3 request: the signature over everything sent before it recovers the API
/// wallet named in `signer` (or, for main-wallet endpoints, the `user`), that wallet acts
/// for the account, and the nonce is fresh. Signatures are checked before nonces, so a
/// forged request cannot use up a nonce.
fn authenticate_wallet(
    ex: &mut Exchange,
    route: &Route,
    params: &Params,
    query: &str,
    body: &str,
    now: i64,
) -> Result<(AccountId, String), ApiError> {
    use crate::wallet::{parse_address, recover, split_message};
    let chain_id = ex.cfg.network.chain_id();
    let (whole, signature) = split_message(query, body)?;
    let message = without_unsigned(&whole, route.unsigned);
    let nonce = params.req_i64("nonce")?;
    let nonce = u64::try_from(nonce).map_err(|_| ApiError::invalid_param("nonce"))?;
    let address = |name: &str| -> Result<_, ApiError> {
        parse_address(params.req_str(name)?).ok_or_else(|| ApiError::invalid_param(name))
    };
    let solana_user = params.str("user").filter(|u| parse_address(u).is_none() && crate::wallet::is_solana_address(u));
    let acct = if let (Security::MainWallet, Some(user)) = (route.security, solana_user) {
        // A Solana main wallet signs the whole query with Ed25519, and only the approvals
        // of agents and builders (the typed routes).
        if route.typed.is_none() || !crate::wallet::verify_solana(user, &whole, &signature) {
            return Err(ApiError::bad_signature());
        }
        ex.account_by_solana_user(user).ok_or_else(ApiError::signer_not_allowed)?
    } else if route.security == Security::MainWallet {
        let chain = match params.str("signatureChainId") {
            Some(c) => c.parse::<u64>().map_err(|_| ApiError::invalid_param("signatureChainId"))?,
            None => chain_id,
        };
        let user = address("user")?;
        let signed_by = match route.typed {
            // The struct is rebuilt from the params: their order on the wire does not matter.
            Some(shape) => {
                crate::wallet::recover_typed(chain, shape, |k| params.raw(k).map(str::to_string), &signature)?
            }
            None => recover(chain, &message, &signature)?,
        };
        if signed_by != user {
            return Err(ApiError::bad_signature());
        }
        let acct = ex.account_by_user(&user).ok_or_else(ApiError::signer_not_allowed)?;
        // Where the request names a signer too, it must be one of the user's API wallets.
        if params.has("signer") {
            let signer = address("signer")?;
            if !ex.accounts[acct].agents.iter().any(|g| g.address == signer && g.expires > now) {
                return Err(ApiError::signer_not_allowed());
            }
        }
        acct
    } else {
        let signer = address("signer")?;
        if recover(chain_id, &message, &signature)? != signer {
            return Err(ApiError::bad_signature());
        }
        let acct = ex.account_by_agent(&signer, now).ok_or_else(ApiError::signer_not_allowed)?;
        // An agent trades only the markets its approval names.
        if route.places_orders {
            let agent = ex.accounts[acct].agents.iter().find(|g| g.address == signer);
            let futures = route.path.starts_with("/fapi/");
            if agent.is_some_and(|g| if futures { !g.can_perp } else { !g.can_spot }) {
                return Err(ApiError::signer_not_allowed());
            }
        }
        let named = match solana_user {
            Some(user) => ex.accounts[acct].solana_user.as_deref() == Some(user),
            None => !params.has("user") || ex.accounts[acct].wallet_user == Some(address("user")?),
        };
        if !named {
            return Err(ApiError::signer_not_allowed());
        }
        acct
    };
    let window = ex.cfg.nonce_window_ms;
    ex.accounts[acct].nonces.accept(nonce, now, window)?;
    Ok((acct, message))
}

/// The message without the `key=value` pairs of `unsigned` keys.
fn without_unsigned(message: &str, unsigned: &[&str]) -> String {
    if unsigned.is_empty() {
        return message.to_string();
    }
    let kept: Vec<&str> = message
        .split('&')
        .filter(|pair| !unsigned.iter().any(|k| pair.split_once('=').map_or(*pair, |(key, _)| key) == *k))
        .collect();
    kept.join("&")
}

fn serve(shared: &Shared, venue: Venue, method: &str, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Reply {
    let now = now_ms();
    if venue == Venue::Spot && method == "POST" && uri.path() == "/info" {
        return serve_rpc(shared, headers, body, now);
    }
    let route = match find_route(venue, method, uri.path()) {
        Ok(r) => r,
        Err(e) => return Reply::error(&e),
    };
    let query = uri.query().unwrap_or("");
    // A body only counts as parameters when it is a form, as on the real exchange.
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let body: &[u8] = if is_form { body } else { b"" };
    let typed_text = |key: &str| {
        route.typed.is_some_and(|t| t.fields.iter().any(|(k, kind)| *k == key && *kind == crate::wallet::Kind::String))
    };
    let params = match Params::parse_allowing_empty(query.as_bytes(), body, &typed_text) {
        Ok(p) => p,
        Err(e) => return Reply::error(&e),
    };

    let (weight_rule, limit_10s, limit_1m) = {
        let ex = lock(&shared.exchange);
        (WeightRule::of(&ex.cfg), ex.cfg.order_limit_10s, ex.cfg.order_limit_1m)
    };
    let used = match charge_weight(shared, (route.weight)(&params), &weight_rule, now) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut extra_headers = vec![(shared.weight_header, used.to_string())];

    let mut ex = lock(&shared.exchange);
    ex.sweep(now);
    // Form bodies are ASCII after the parse above succeeded.
    let body_text = std::str::from_utf8(body).unwrap_or("");
    let acct = match route.security {
        Security::None => Ok((0, String::new())),
        Security::Wallet | Security::MainWallet => authenticate_wallet(&mut ex, route, &params, query, body_text, now),
        _ => authenticate(&ex, route, headers, &params, query, body_text, now).map(|a| (a, String::new())),
    };
    let (acct, signed) = match acct {
        Ok(a) => a,
        Err(e) => return with_headers(Reply::error(&e), extra_headers),
    };
    let allowed: Vec<&str> = route.params.iter().chain(route.security.signing_params()).copied().collect();
    if let Err(e) = params.only(&allowed) {
        return with_headers(Reply::error(&e), extra_headers);
    }
    if route.places_orders {
        match charge_orders(shared, acct, limit_10s, limit_1m, now) {
            Ok((n10, n1m)) => {
                extra_headers.push(("x-mbx-order-count-10s", n10.to_string()));
                extra_headers.push(("x-mbx-order-count-1m", n1m.to_string()));
            }
            Err(e) => return with_headers(Reply::error(&e), extra_headers),
        }
    }
    let mut ctx = Ctx { ex: &mut ex, p: &params, acct, now, signed: &signed, venue };
    let reply = match (route.handler)(&mut ctx) {
        Ok(v) => Reply { status: 200, body: v.to_string(), headers: Vec::new() },
        Err(e) => Reply::error(&e),
    };
    // Any request may have filled or cancelled a strategy's sub-order.
    ex.run_strategies(now);
    crate::ws::flush_user_events(shared, &mut ex);
    with_headers(reply, extra_headers)
}

/// A chain RPC call: weight 1 against the host's budget, then the JSON-RPC answer.
fn serve_rpc(shared: &Shared, headers: &HeaderMap, body: &[u8], now: i64) -> Reply {
    let weight_rule = WeightRule::of(&lock(&shared.exchange).cfg);
    let used = match charge_weight(shared, 1, &weight_rule, now) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let json_content =
        headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("application/json"));
    let mut ex = lock(&shared.exchange);
    ex.sweep(now);
    let body = crate::rpc::answer(&ex, body, json_content, now);
    Reply { status: 200, body, headers: vec![(shared.weight_header, used.to_string())] }
}

fn with_headers(mut r: Reply, headers: Vec<(&'static str, String)>) -> Reply {
    for h in headers {
        if !r.headers.iter().any(|(k, _)| *k == h.0) {
            r.headers.push(h);
        }
    }
    r
}
