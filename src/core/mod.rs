//! The request core every client wraps: configuration, signing (HMAC or API wallet), the
//! clock, and the pipeline every request goes through. It knows an API only as data
//! ([`ApiInfo`]): its hosts, clock endpoint and signing scheme.

use crate::api::{ApiInfo, Signing};
use crate::request::reply::{classify, read_body, Reply, Sent};
use crate::request::{Auth, Endpoint, LimitUsage, Method, ParamWriter, Params, Security, WalletRole, WalletSigning};
use crate::sign::Signer;

use crate::{Error, Result};
use http::HeaderValue;
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

mod settings;
mod wallet_auth;

pub use settings::http_client_builder;
pub(crate) use settings::{http_builder, Settings};
pub(crate) use wallet_auth::{WalletAuth, WalletConfig};

/// The exchange refuses larger receive windows.
pub const MAX_RECV_WINDOW: u64 = 60_000;
/// Whole-request timeout when none is configured: a request never waits forever.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Connect timeout when none is configured.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest reply body read when none is configured: far above any real reply (a full
/// exchangeInfo is under 1 MiB), far below what would hurt.
pub const DEFAULT_MAX_REPLY_BYTES: usize = 64 * 1024 * 1024;
/// A server clock further than this from ours is refused by `sync_time`: no real exchange
/// is a day off, so such a reply is wrong, and signing with it would be worse.
pub const MAX_CLOCK_OFFSET_MS: i64 = 24 * 60 * 60 * 1000;

/// The request core of one client and its clones (they share connections, the clock
/// offset and nonces).
#[derive(Clone)]
pub(crate) struct Core {
    inner: Arc<Inner>,
}

struct Inner {
    /// `Err` when no HTTP client could be made (TLS unavailable on this machine): said on
    /// each request rather than by the constructor that cannot fail.
    http: std::result::Result<reqwest::Client, String>,
    base_url: String,
    api_key: Option<HeaderValue>,
    key_hint: Option<String>,
    signer: Option<Signer>,
    recv_window: Option<u64>,
    show_limit_usage: bool,
    show_header: bool,
    time_offset_ms: AtomicI64,
    last_usage: Mutex<Option<LimitUsage>>,
    wallet: Option<WalletAuth>,
    governor: crate::governor::Governor,
    /// V3 nonces of this core and its clones.
    nonces: crate::nonce::NonceSource,
    max_reply_bytes: usize,
    client_ids: ClientIds,
    resync_on_clock_error: bool,
    api: ApiInfo,
    environment: crate::Environment,
    /// The chain V3 signatures name: the environment's unless configured.
    chain_id: u64,
    /// The id of the next JSON-RPC call; a reply must echo its call's.
    rpc_ids: std::sync::atomic::AtomicU64,
}

/// Client order ids for requests that carry none: unique per process (a random prefix)
/// and per request (a counter), within the exchange's 36-character pattern.
#[derive(Debug)]
struct ClientIds {
    prefix: String,
    next: std::sync::atomic::AtomicU64,
}

impl ClientIds {
    fn new() -> Self {
        use std::hash::{BuildHasher, Hasher};
        // RandomState is seeded from the OS per process: enough to keep two processes'
        // ids apart without a random-number crate.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
        ClientIds { prefix: format!("aster-{:012x}", h.finish() & 0xffff_ffff_ffff), next: Default::default() }
    }

    fn next(&self) -> String {
        format!("{}-{}", self.prefix, self.next.fetch_add(1, Ordering::Relaxed))
    }
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("api", &i.api.name)
            .field("environment", &i.environment)
            .field("base_url", &i.base_url)
            .field("api_key", &i.key_hint)
            .field("secret", &i.signer.as_ref().map(|_| "<redacted>"))
            .field("recv_window", &i.recv_window)
            .field("show_limit_usage", &i.show_limit_usage)
            .field("show_header", &i.show_header)
            .field("user", &i.wallet.as_ref().map(|w| &w.user_text))
            .field("signer", &i.wallet.as_ref().map(|w| w.api_key.address()))
            .finish()
    }
}

fn check_recv_window(rw: u64) -> Result<()> {
    if rw > MAX_RECV_WINDOW {
        return Err(Error::ParameterValue {
            name: "recvWindow".into(),
            reason: format!("{rw} ms exceeds the exchange's maximum of {MAX_RECV_WINDOW} ms"),
        });
    }
    Ok(())
}

/// Parameters the core adds itself: a caller's extra parameter may not take their place.
const CORE_PARAMS: [&str; 6] = ["timestamp", "recvWindow", "signature", "user", "signer", "nonce"];

/// A request's parameters before the core's own: the endpoint's, then the extra ones.
pub(crate) fn write_request<E: Params>(params: &E, extra: &[(String, String)]) -> Result<ParamWriter> {
    let mut w = ParamWriter::new();
    params.write_params(&mut w);
    add_extra_params(&mut w, E::PARAMS, extra)?;
    Ok(w)
}

/// Appends a call's extra parameters after its own, refusing a name that is no plain
/// identifier or that the request already carries (or that the core adds).
fn add_extra_params(w: &mut ParamWriter, spec_params: &[&str], extra: &[(String, String)]) -> Result<()> {
    for (name, value) in extra {
        let refuse = |reason: &str| Err(Error::ParameterValue { name: name.clone(), reason: reason.into() });
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return refuse("an extra parameter's name must be letters, digits or `_`");
        }
        if CORE_PARAMS.contains(&name.as_str()) {
            return refuse("the client sets it itself");
        }
        if spec_params.contains(&name.as_str()) || w.pairs().any(|(k, _)| k == name) {
            return refuse("the call already sends it; set it through its typed setter");
        }
        w.put(name, value.as_str());
    }
    Ok(())
}

/// Where a request goes and how it is signed.
#[derive(Debug, Clone)]
struct Target {
    method: Method,
    /// Borrowed for every endpoint of the spec; owned only for a path given at run time.
    path: std::borrow::Cow<'static, str>,
    security: Security,
    auth: Auth,
    /// The endpoint's name, for errors and logs.
    name: &'static str,
    /// The endpoint's weight rule, evaluated on what is sent (by reference: a rule is a
    /// few hundred bytes, and every call's future holds its target).
    weight: &'static crate::governor::WeightRule,
    /// The request that reads the rate limits: admitted on the limits known so far.
    learning: bool,
    /// A JSON-RPC method: the params go as its positional list, the reply's `result` back.
    rpc: Option<crate::request::RpcMethod>,
}

/// Per-request options of a [`Call`](crate::Call).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    pub(crate) recv_window: Option<u64>,
    /// A V3 nonce chosen by the caller (as `noop` needs) instead of the next automatic one.
    pub(crate) nonce: Option<u64>,
    /// The endpoint answers item by item (a batch): its list may hold refusals.
    pub(crate) items_may_fail: bool,
}

pub(crate) use crate::clock::now_ms;

impl Core {
    /// The REST base URL requests go to.
    pub(crate) fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The exchange's network this client was built for.
    pub(crate) fn environment(&self) -> crate::Environment {
        self.inner.environment
    }

    pub(crate) fn wallet(&self) -> Option<&WalletAuth> {
        self.inner.wallet.as_ref()
    }

    /// How this API signs requests that are not in the spec.
    fn untyped_auth(&self) -> Auth {
        match self.inner.api.signing {
            Signing::Wallet => Auth::Wallet(WalletSigning::STANDARD),
            Signing::Hmac => Auth::Hmac,
        }
    }

    /// Sends a request to any path with string params and returns the JSON reply, signed
    /// as the API signs when `security` needs it. A `recvWindow` among the params must be
    /// a whole number of ms, at most 60000.
    pub(crate) async fn request<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        security: Security,
        params: &[(&str, &str)],
    ) -> Result<T> {
        let mut recv_window = self.inner.recv_window;
        for (k, v) in params.iter().filter(|(k, _)| *k == "recvWindow") {
            recv_window = Some(v.trim().parse::<u64>().map_err(|_| Error::ParameterType {
                name: (*k).into(),
                reason: format!("`{v}` is not a whole number of milliseconds"),
            })?);
        }
        let write = || {
            let mut w = ParamWriter::new();
            for (k, v) in params.iter().filter(|(k, _)| *k != "recvWindow") {
                w.put(k, *v);
            }
            Ok(w)
        };
        let opts = Options { recv_window, ..Options::default() };
        // Outside the spec, the weight is not known: 1, as for most endpoints.
        let target = Target {
            method,
            path: path.to_owned().into(),
            security,
            auth: self.untyped_auth(),
            name: "request",
            weight: &const { crate::governor::WeightRule::fixed(1) },
            learning: false,
            rpc: None,
        };
        let reply = self.send_retrying_clock(target, opts, Vec::new(), write).await?;
        reply.decode_as()
    }

    /// Sets the clock offset from a server time read between `before` and `after` (local
    /// ms); refuses a server time more than [`MAX_CLOCK_OFFSET_MS`] away.
    pub(crate) fn apply_server_time(&self, server: i64, before: i64, after: i64) -> Result<i64> {
        // The midpoint, without overflow whatever the inputs.
        let local = before.saturating_add(after.saturating_sub(before) / 2);
        let offset = server.checked_sub(local).filter(|o| o.abs() <= MAX_CLOCK_OFFSET_MS).ok_or_else(|| {
            Error::Config(format!(
                "the exchange reports server time {server} ms, too far from the local clock ({local} ms) to trust"
            ))
        })?;
        self.inner.time_offset_ms.store(offset, Ordering::Relaxed);
        self.inner.nonces.set_offset_us(offset.saturating_mul(1000));
        Ok(offset)
    }

    /// The clock offset applied to signed requests, in ms.
    pub(crate) fn time_offset(&self) -> i64 {
        self.inner.time_offset_ms.load(Ordering::Relaxed)
    }

    /// Rate-limit usage of the last reply, when built with `show_limit_usage(true)`.
    pub(crate) fn last_limit_usage(&self) -> Option<LimitUsage> {
        self.inner.last_usage.lock().ok().and_then(|u| u.clone())
    }

    /// Every rate limit the client spends from, and how much of it is used now.
    pub(crate) fn rate_limit_usage(&self) -> Vec<crate::RateUsage> {
        self.inner.governor.usage()
    }

    /// The next V3 nonce (microseconds on the exchange's clock, never repeated by this
    /// core or its clones).
    pub(crate) fn next_nonce(&self) -> u64 {
        self.inner.nonces.next()
    }

    pub(crate) async fn execute<E: Endpoint<A>, A: crate::api::Api>(
        &self,
        mut params: E,
        opts: Options,
        extra: Vec<(String, String)>,
    ) -> Result<Reply> {
        if self.inner.environment == crate::Environment::Testnet && !E::ON_TESTNET {
            return Err(Error::NotServed { endpoint: E::SPEC.name, environment: self.inner.environment });
        }
        params.check()?;
        // Every order goes out with a client order id, so an unknown outcome can be resolved.
        let ids = &self.inner.client_ids;
        let client_order_ids = params.assign_client_order_ids(&mut || ids.next());
        let spec = E::SPEC;
        let opts = Options {
            recv_window: opts.recv_window.or(self.inner.recv_window),
            items_may_fail: E::PER_ITEM_RESULTS,
            ..opts
        };
        let target = Target {
            method: spec.method,
            path: spec.path.into(),
            security: spec.security,
            auth: spec.auth,
            name: spec.name,
            // Read from the spec's text when the crate is built, not on every call.
            weight: &const { crate::governor::WeightRule::parse(E::SPEC.weight) },
            learning: false,
            rpc: E::RPC,
        };
        self.send_retrying_clock(target, opts, client_order_ids, || write_request(&params, &extra)).await
    }

    /// Sends a request; when the exchange refuses its time, takes the exchange's clock and
    /// sends it once more, written anew by `write` (timestamps and nonces are added then).
    async fn send_retrying_clock(
        &self,
        target: Target,
        opts: Options,
        client_order_ids: Vec<String>,
        write: impl Fn() -> Result<ParamWriter>,
    ) -> Result<Reply> {
        let first = self.dispatch(&target, write()?, opts, client_order_ids.clone()).await;
        match first {
            Err(e) if self.inner.resync_on_clock_error && self.clock_rejected(&e, target.auth, opts) => {
                self.resend_on_exchange_clock(&target, e, opts, client_order_ids, &write).await
            }
            other => other,
        }
    }

    /// The exchange refused the request's time (`refused`), so it did not act: takes its
    /// clock and sends once more (the same client order ids keep it idempotent). Made and
    /// boxed here, not in the caller: a rare path, kept out of every call's future.
    fn resend_on_exchange_clock<'a>(
        &'a self,
        target: &'a Target,
        refused: Error,
        opts: Options,
        client_order_ids: Vec<String>,
        write: &'a impl Fn() -> Result<ParamWriter>,
    ) -> std::pin::Pin<Box<impl std::future::Future<Output = Result<Reply>> + 'a>> {
        Box::pin(async move {
            let name = target.name;
            tracing::info!(target: "aster::rest", endpoint = name, "clock rejected; resyncing and retrying once");
            if let Err(why) = self.resync().await {
                // The exchange's refusal is what the caller needs, not the resync's failure.
                tracing::warn!(target: "aster::rest", endpoint = name, error = %why, "clock resync failed");
                return Err(refused);
            }
            self.dispatch(target, write()?, opts, client_order_ids).await
        })
    }

    /// Whether `e` is the exchange refusing the request's time: -1021 (timestamp outside
    /// recvWindow) for V1, -4225 (nonce expired) for V3 with a nonce the client chose. A
    /// nonce the caller pinned is theirs to manage: it is never replaced.
    fn clock_rejected(&self, e: &Error, auth: Auth, opts: Options) -> bool {
        match (auth, e.code()) {
            (Auth::Hmac, Some(crate::ErrorCode::InvalidTimestamp)) => true,
            (Auth::Wallet(_), Some(crate::ErrorCode::NonceExpired)) => opts.nonce.is_none(),
            _ => false,
        }
    }

    /// Reads the exchange's clock through the API's time endpoint and applies it; the one
    /// way the clock is set, by `sync_time` and by the retry on a refused time.
    pub(crate) async fn resync(&self) -> Result<i64> {
        let path = self.inner.api.own(self.inner.api.time_path, "time")?;
        let target = Target {
            method: Method::Get,
            path: path.into(),
            security: Security::None,
            auth: Auth::Hmac,
            name: "time",
            weight: &const { crate::governor::WeightRule::fixed(1) },
            learning: false,
            rpc: None,
        };
        let before = now_ms();
        let reply: serde_json::Value =
            self.dispatch(&target, ParamWriter::new(), Options::default(), Vec::new()).await?.decode_as()?;
        let after = now_ms();
        let server = reply.get("serverTime").and_then(serde_json::Value::as_i64).ok_or_else(|| Error::Decode {
            message: "no serverTime in the time reply".into(),
            excerpt: Error::excerpt(reply.to_string().as_bytes(), 200),
        })?;
        self.apply_server_time(server, before, after)
    }

    /// Adds the V1 credentials: the key header is added later, the HMAC signature here.
    fn sign_hmac(&self, security: Security, name: &'static str, w: &mut ParamWriter, opts: &Options) -> Result<()> {
        let inner = &*self.inner;
        if let Some(rw) = opts.recv_window {
            check_recv_window(rw)?;
        }
        if security.needs_key() && inner.api_key.is_none() {
            return Err(Error::MissingCredentials { endpoint: name, needs: "an API key" });
        }
        if security.is_signed() {
            let Some(signer) = &inner.signer else {
                return Err(Error::MissingCredentials { endpoint: name, needs: "an API key and secret" });
            };
            let timestamp = now_ms().saturating_add(inner.time_offset_ms.load(Ordering::Relaxed));
            w.put("timestamp", &timestamp);
            if let Some(rw) = opts.recv_window {
                w.put("recvWindow", &rw);
            }
            let signature = signer.sign(w.as_str().as_bytes());
            w.put_encoded("signature", &signature);
        }
        Ok(())
    }

    fn wallet_auth(&self, name: &'static str) -> Result<&WalletAuth> {
        self.inner
            .wallet
            .as_ref()
            .ok_or(Error::MissingCredentials { endpoint: name, needs: "an API wallet (user, signer, private key)" })
    }

    /// The nonce a request signs with: the caller's pinned one, else the next.
    fn take_nonce(&self, opts: &Options) -> u64 {
        match opts.nonce {
            Some(n) => {
                self.inner.nonces.observe(n);
                n
            }
            None => self.inner.nonces.next(),
        }
    }

    fn wallet_values<'w>(
        &self,
        wallet: &'w WalletAuth,
        nonce: u64,
    ) -> crate::request::wallet_payload::WalletValues<'w> {
        crate::request::wallet_payload::WalletValues {
            user: &wallet.user_text,
            signer: &wallet.signer_text,
            nonce,
            chain_id: self.inner.chain_id,
            aster_chain: self.inner.environment.aster_chain(),
        }
    }

    /// The message of a V3 request under `nonce`: what it signs and what it sends unsigned.
    pub(crate) fn wallet_message(
        &self,
        signing: &crate::request::WalletSigning,
        name: &'static str,
        w: ParamWriter,
        nonce: u64,
    ) -> Result<crate::request::wallet_payload::Built> {
        let wallet = self.wallet_auth(name)?;
        crate::request::wallet_payload::build(signing, w, &self.wallet_values(wallet, nonce))
    }

    /// Adds the V3 wallet params and the EIP-712 signature; the result is the whole payload.
    fn sign_wallet(
        &self,
        signing: &crate::request::WalletSigning,
        name: &'static str,
        w: ParamWriter,
        opts: &Options,
    ) -> Result<ParamWriter> {
        let wallet = self.wallet_auth(name)?;
        #[cfg(feature = "solana")]
        if let (WalletRole::MainWallet, Some(solana)) = (signing.key, &wallet.solana_main_key) {
            let values = self.wallet_values(wallet, self.take_nonce(opts));
            let message = crate::request::wallet_payload::solana_message(signing, &w, &values)?;
            let mut out = ParamWriter::from_encoded(message);
            let signature = solana.sign_text(out.as_str());
            out.put_encoded("signature", &signature);
            return Ok(out);
        }
        let key = match signing.key {
            WalletRole::ApiWallet => &wallet.api_key,
            WalletRole::MainWallet => wallet.main_key.as_ref().ok_or(Error::MissingCredentials {
                endpoint: name,
                needs: "the main wallet's private key (.main_private_key(..))",
            })?,
        };
        let built = self.wallet_message(signing, name, w, self.take_nonce(opts))?;
        let signature = match &built.digest {
            Some(digest) => format!("0x{}", hex::encode(key.sign_digest(digest))),
            None => key.sign_message(built.chain_id, &built.message),
        };
        let mut out = ParamWriter::from_encoded(built.message);
        for (k, v) in ParamWriter::from_encoded(built.unsigned).pairs() {
            out.put_encoded(k, v);
        }
        out.put_encoded("signature", &signature);
        Ok(out)
    }

    async fn dispatch(
        &self,
        target: &Target,
        mut w: ParamWriter,
        opts: Options,
        client_order_ids: Vec<String>,
    ) -> Result<Reply> {
        let Target { method, security, auth, name, .. } = *target;
        let path: &str = &target.path;
        let inner = &*self.inner;
        let http = inner.http.as_ref().map_err(|why| Error::Config(why.clone()))?;
        // Admitted before signing: a wait must not age the timestamp or the nonce.
        let governor = &inner.governor;
        if governor.enabled() {
            let cost = self.cost_of(target, &w, client_order_ids.len());
            if !governor.admit_at_once(cost, target.learning)? {
                // Boxed: waiting (or reading the limits first) is rare, and kept out of
                // every call's future.
                Box::pin(self.admit(cost, target.learning)).await?;
            }
        }
        let sent = Sent {
            method,
            path: target.path.clone(),
            client_order_ids,
            items_may_fail: opts.items_may_fail,
            writes: method.changes_state() && target.rpc.is_none(),
        };
        let send_key = match auth {
            Auth::Hmac => {
                self.sign_hmac(security, name, &mut w, &opts)?;
                security.needs_key()
            }
            Auth::Wallet(signing) => {
                if security.is_wallet_signed() {
                    w = self.sign_wallet(&signing, name, w, &opts)?;
                }
                false
            }
        };
        // V3 sends DELETE params in the body, as its docs ask of every non-GET method.
        let in_query = matches!(method, Method::Get) || (matches!(method, Method::Delete) && auth == Auth::Hmac);
        // A JSON-RPC call's body is the method and its params as a JSON list, under an id
        // its reply must echo.
        let rpc_id = target.rpc.map(|_| inner.rpc_ids.fetch_add(1, Ordering::Relaxed));
        let rpc_body = match (target.rpc, rpc_id) {
            (Some(rpc), Some(id)) => Some(crate::request::rpc::body(&rpc, &w, id)?),
            _ => None,
        };
        let payload = w.into_string();
        let query = if in_query && rpc_body.is_none() && !payload.is_empty() { payload.as_str() } else { "" };
        let separator = if query.is_empty() { "" } else { "?" };
        let req = with_url(&[&inner.base_url, path, separator, query], |url| http.request(method.to_http(), url));
        let mut req = match rpc_body {
            Some(body) => req
                .header(http::header::CONTENT_TYPE, "application/json")
                .header(http::header::CONTENT_LENGTH, body.len())
                .body(body),
            None if in_query => req,
            None => {
                // Stated even for an empty body: front ends answer 411 to a POST without it.
                let length = payload.len();
                req.header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(http::header::CONTENT_LENGTH, length)
                    .body(payload)
            }
        };
        if send_key {
            if let Some(key) = &inner.api_key {
                req = req.header("X-MBX-APIKEY", key.clone());
            }
        }

        // Timed and parsed only when someone will look: the reply is logged or its usage kept.
        let logged = inner.show_limit_usage || tracing::enabled!(target: "aster::rest", tracing::Level::DEBUG);
        let started = logged.then(Instant::now);
        let mut resp = req.send().await.map_err(|e| sent.transport_error(e))?;
        let status = resp.status().as_u16();
        // Taken, not cloned: the body read below consumes the response.
        let headers = std::mem::take(resp.headers_mut());
        let body = read_body(&sent, resp, inner.max_reply_bytes).await?;

        inner.governor.observe_counts(&headers);
        if let Some(started) = started {
            let latency = started.elapsed();
            self.log_reply(method, path, status, latency, &LimitUsage::from_headers(&headers));
        }
        let rate_limited = matches!(status, 418 | 429);
        let mut outcome = classify(Reply { status, headers, body, keep_headers: inner.show_header, sent });
        if let Some(id) = rpc_id {
            outcome = outcome.and_then(|reply| crate::request::rpc::result(reply, id));
        }
        if rate_limited {
            Box::pin(inner.governor.observe_refusal(outcome.as_ref().err())).await;
        }
        outcome
    }

    fn log_reply(&self, method: Method, path: &str, status: u16, latency: Duration, usage: &LimitUsage) {
        tracing::debug!(
            target: "aster::rest",
            method = method.as_str(),
            path,
            status,
            latency_us = latency.as_micros() as u64,
            used_weight_1m = usage.weight_1m(),
            "request"
        );
        if self.inner.show_limit_usage {
            tracing::info!(target: "aster::rest", path, ?usage, "limit usage");
            if let Ok(mut last) = self.inner.last_usage.lock() {
                *last = Some(usage.clone());
            }
        }
    }

    /// What a call spends from the rate limits.
    fn cost_of(&self, target: &Target, w: &ParamWriter, orders: usize) -> crate::governor::Cost {
        // Only a call that places orders can be one that only reduces or closes.
        let exit = matches!(target.method, Method::Delete)
            || (orders > 0 && w.pairs().any(|(k, v)| matches!(k, "reduceOnly" | "closePosition") && v == "true"));
        crate::governor::Cost {
            weight: target.weight.weight(w.pairs()),
            orders: u32::try_from(orders).unwrap_or(u32::MAX),
            exit,
        }
    }

    /// Waits for room under the rate limits (reading the exchange's limits first, once an
    /// hour), or refuses the call before anything is sent.
    async fn admit(&self, cost: crate::governor::Cost, learning: bool) -> Result<()> {
        let governor = &self.inner.governor;
        loop {
            match governor.admit(cost, learning).await? {
                crate::governor::Admission::Admitted => return Ok(()),
                crate::governor::Admission::LimitsUnknown => {
                    let _one_reader = governor.learning().lock().await;
                    if governor.limits_unknown() {
                        // Boxed: reading the limits is itself a request through here.
                        let limits = Box::pin(self.read_limits()).await;
                        governor.learn_limits(&limits);
                    }
                }
            }
        }
    }

    /// The exchange's `rateLimits`; none when it cannot be read (the docs' stay).
    async fn read_limits(&self) -> Vec<crate::RateLimit> {
        let Some(path) = self.inner.api.exchange_info_path else { return Vec::new() };
        let target = Target {
            method: Method::Get,
            path: path.into(),
            security: Security::None,
            auth: Auth::Hmac,
            name: "exchange_info",
            weight: &const { crate::governor::WeightRule::fixed(1) },
            learning: true,
            rpc: None,
        };
        let reply = self.dispatch(&target, ParamWriter::new(), Options::default(), Vec::new()).await;
        match reply.and_then(|r| r.decode_as::<serde_json::Value>()) {
            Ok(info) => crate::RateLimit::from_exchange_info(&info),
            Err(e) => {
                tracing::warn!(target: "aster::rest", error = %e, "rate limits not read; the docs' limits apply");
                Vec::new()
            }
        }
    }
}

/// Hands `f` the URL made of `parts`, written in a buffer kept per thread: reqwest parses
/// it into its own form anyway, so a new string per request would only be thrown away.
fn with_url<R>(parts: &[&str], f: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static URL: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    URL.with(|cell| match cell.try_borrow_mut() {
        Ok(mut url) => {
            url.clear();
            parts.iter().for_each(|p| url.push_str(p));
            let out = f(&url);
            // A batch's long query is not kept for the life of the thread.
            if url.capacity() > 16 * 1024 {
                *url = String::new();
            }
            out
        }
        Err(_) => f(&parts.concat()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_server_times_are_refused_not_overflowed() {
        let c = Settings::default().build(<crate::api::FuturesV1 as crate::api::sealed::Described>::INFO).unwrap();
        let now = now_ms();
        for server in [i64::MIN, i64::MAX, 0, now + 2 * MAX_CLOCK_OFFSET_MS] {
            let e = c.apply_server_time(server, now, now).unwrap_err();
            assert!(e.to_string().contains("too far"), "{e}");
        }
        assert_eq!(c.time_offset(), 0, "a refused time changes nothing");
        assert_eq!(c.apply_server_time(now + 1500, now, now).unwrap(), 1500);
        let _ = c.apply_server_time(now, i64::MIN, i64::MAX);
    }

    #[test]
    fn generated_client_order_ids_fit_the_exchange_pattern_and_differ() {
        let ids = ClientIds::new();
        let (a, b) = (ids.next(), ids.next());
        assert_ne!(a, b);
        for id in [a, b] {
            assert!(id.len() <= 36 && id.bytes().all(|c| c.is_ascii_alphanumeric() || b".:/_-".contains(&c)), "{id}");
        }
        assert_ne!(ClientIds::new().prefix, ClientIds::new().prefix, "two clients get different prefixes");
    }
}
