//! A request being built: the endpoint's params plus per-request options. Await it, or call
//! `send`, `send_with_meta` or `raw`.

use super::endpoint::{Endpoint, Params};
use super::response::Response;
use crate::api::{Api, FuturesV1};
use crate::core::{Core, Options};
use crate::Result;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

/// A request to one endpoint of the API `A`, built by a client method.
#[must_use = "a request does nothing until it is awaited or sent"]
#[derive(Debug, Clone)]
pub struct Call<'a, E, A: Api = FuturesV1> {
    pub(crate) client: &'a Core,
    pub(crate) params: E,
    pub(crate) opts: Options,
    /// Parameters the spec does not know yet, as `(name, value)` in the order given.
    pub(crate) extra: Vec<(String, String)>,
    api: PhantomData<A>,
}

impl<'a, E: Params, A: Api> Call<'a, E, A> {
    pub(crate) fn new(client: &'a Core, params: E) -> Self {
        Self { client, params, opts: Options::default(), extra: Vec::new(), api: PhantomData }
    }

    /// Adds a parameter the spec does not list (yet): a new option the exchange added, or
    /// one its own demos send (`builder`, `feeRate`). It is encoded and signed like every
    /// other parameter, after the endpoint's own. The name must be a plain identifier and
    /// must not be one the call already sends (a spec'd parameter, or `timestamp`,
    /// `recvWindow`, `signature`, `user`, `signer`, `nonce`): that is refused before
    /// sending, never a silent override.
    pub fn param(mut self, name: impl Into<String>, value: impl super::ParamValue) -> Self {
        let mut text = String::new();
        value.write_raw(&mut text);
        self.extra.push((name.into(), text));
        self
    }

    /// Milliseconds after `timestamp` that a signed request stays valid (at most 60000);
    /// overrides the client's default. Ignored by unsigned endpoints.
    pub fn recv_window(mut self, millis: u64) -> Self {
        self.opts.recv_window = Some(millis);
        self
    }

    /// V3 only: sign with this nonce (microseconds) instead of the client's next one. `noop`
    /// takes the nonce of the request it should overtake; see `Client::next_nonce`.
    pub fn nonce(mut self, nonce: u64) -> Self {
        self.opts.nonce = Some(nonce);
        self
    }

    /// The parameters as they will be sent.
    pub fn params(&self) -> &E {
        &self.params
    }

    /// The parameters, to change one after the call was built (e.g. a signature that
    /// depends on the request itself, as `childSignature` does).
    pub fn params_mut(&mut self) -> &mut E {
        &mut self.params
    }

    /// The parameters as the request sends them before the core's own: the endpoint's,
    /// then the extra ones, checked as sending checks them.
    pub(crate) fn written(&self) -> crate::Result<super::ParamWriter> {
        crate::core::write_request(&self.params, &self.extra)
    }

    /// The nonce pinned with [`Call::nonce`].
    pub fn pinned_nonce(&self) -> Option<u64> {
        self.opts.nonce
    }
}

impl<'a, E: Endpoint<A>, A: Api> Call<'a, E, A> {
    /// Sends the request and decodes the typed reply.
    pub async fn send(self) -> Result<E::Response> {
        let reply = self.client.execute::<E, A>(self.params, self.opts, self.extra).await?;
        reply.decode_with(E::read_plain)
    }

    /// Sends the request; returns the typed reply with its status, rate-limit usage and
    /// (with `show_header`) headers.
    pub async fn send_with_meta(self) -> Result<Response<E::Response>> {
        let reply = self.client.execute::<E, A>(self.params, self.opts, self.extra).await?;
        reply.into_response(E::read_plain)
    }

    /// Sends the request and returns the reply's body exactly as the exchange sent it (a
    /// 2xx reply; an error reply is an `Err` as always).
    pub async fn raw_bytes(self) -> Result<bytes::Bytes> {
        Ok(self.client.execute::<E, A>(self.params, self.opts, self.extra).await?.body)
    }

    /// Sends the request and returns the reply as untyped JSON, for when the typed model
    /// does not fit what the exchange sent.
    pub async fn raw(self) -> Result<serde_json::Value> {
        let reply = self.client.execute::<E, A>(self.params, self.opts, self.extra).await?;
        reply.decode_as()
    }
}

impl<'a, E, A> IntoFuture for Call<'a, E, A>
where
    A: Api,
    E: Endpoint<A> + Send + Sync + 'a,
    E::Response: Send,
{
    type Output = Result<E::Response>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
