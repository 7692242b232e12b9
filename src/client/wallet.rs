//! What only a client of an API-wallet API has: its identity, its nonces, and the
//! signatures a sub-account gives.

use super::ApiClient;
use crate::api::WalletApi;
use crate::request::{Auth, Call, Endpoint, ParamWriter};
use crate::wallet::{Address, WalletKey};
use crate::{Error, Result};

impl<A: WalletApi> ApiClient<A> {
    /// The user's main wallet address (the account traded); `None` for a client built
    /// without an API wallet (market data only).
    pub fn user(&self) -> Option<Address> {
        self.core.wallet().and_then(|w| w.user)
    }

    /// The user as requests send it: the EVM address, or a Solana main wallet's Base58
    /// address (for which [`user`](Self::user) is `None`).
    pub fn user_text(&self) -> Option<&str> {
        self.core.wallet().map(|w| w.user_text.as_str())
    }

    /// The API wallet address requests are signed by; `None` without an API wallet.
    pub fn signer(&self) -> Option<Address> {
        self.core.wallet().map(|w| w.api_key.address())
    }

    /// The next nonce this client would sign with (microseconds on the exchange's clock).
    /// Pin it on a request with `.nonce(n)`, e.g. to let `noop` overtake that request.
    pub fn next_nonce(&self) -> u64 {
        self.core.next_nonce()
    }

    /// The `childSignature` of a sub-account request (`bind_sub_account`,
    /// `create_sub_account`): the sub-account wallet's signature over the request's message
    /// without `childSignature`. Pin the nonce on the call first, then set the result:
    ///
    /// ```no_run
    /// # async fn demo(client: aster::v3::Client, child: aster::v3::WalletKey) -> aster::Result<()> {
    /// let mut call = client.create_sub_account(child.address().to_string(), "desk-1", "").nonce(client.next_nonce());
    /// call.params_mut().child_signature = client.child_signature(&call, &child)?;
    /// call.await?;
    /// # Ok(()) }
    /// ```
    pub fn child_signature<E: Endpoint<A>>(&self, call: &Call<'_, E, A>, child: &WalletKey) -> Result<String> {
        let nonce = call.pinned_nonce().ok_or_else(|| Error::ParameterRequired {
            name: "nonce".into(),
            reason: "pin the request's nonce with .nonce(..) before signing as the sub-account".into(),
        })?;
        let Auth::Wallet(signing) = E::SPEC.auth else {
            return Err(Error::Config(format!("`{}` is not a V3 endpoint", E::SPEC.name)));
        };
        // What is sent, extra parameters included, so the signature covers it.
        let all = call.written()?;
        let mut business = ParamWriter::new();
        for (k, v) in all.pairs().filter(|(k, _)| *k != "childSignature") {
            business.put_encoded(k, v);
        }
        let built = self.core.wallet_message(&signing, E::SPEC.name, business, nonce)?;
        Ok(child.sign_message(built.chain_id, &built.message))
    }
}
