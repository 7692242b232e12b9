//! The body of a V3 client (futures and spot alike): an API wallet acting for the user,
//! nonces from one counter, the shared transport settings.

/// Defines `Client` and `ClientBuilder` for a V3 API; `$product` is the core's
/// `Option<ProductApi>` (host and time endpoint), `None` for futures.
macro_rules! wallet_client {
    ($product:expr) => {
        /// A client of this V3 REST API. Cheap to clone; clones share connections and
        /// nonces, so no two requests of one client ever carry the same nonce.
        #[derive(Clone, Debug)]
        pub struct Client {
            pub(crate) core: $crate::Client,
        }

        /// Configures a V3 [`Client`].
        #[derive(Debug, Default)]
        pub struct ClientBuilder {
            core: $crate::client::ClientBuilder,
            wallet: $crate::client::WalletConfig,
        }

        impl ClientBuilder {
            /// The user's main wallet address (the account traded).
            pub fn user(mut self, address: impl Into<String>) -> Self {
                self.wallet.user = Some(address.into());
                self
            }

            /// The API wallet (agent) address. Optional: it is derived from the private key, and
            /// when given, a mismatch is a configuration error before anything is sent.
            pub fn signer(mut self, address: impl Into<String>) -> Self {
                self.wallet.signer = Some(address.into());
                self
            }

            /// The API wallet's private key (64 hex digits, `0x` optional). Kept only as a signing
            /// key, wiped on drop, never shown.
            pub fn private_key(mut self, key: impl Into<String>) -> Self {
                self.wallet.private_key = Some(zeroize::Zeroizing::new(key.into()));
                self
            }

            /// The main wallet's private key, for the few endpoints the main wallet must sign
            /// (sub-accounts, asset migration, agent registration). Must belong to `user`.
            pub fn main_private_key(mut self, key: impl Into<String>) -> Self {
                self.wallet.main_private_key = Some(zeroize::Zeroizing::new(key.into()));
                self
            }

            $crate::builder::transport_setters!();

            /// Checks the wallet settings (key format, signer matches key, main key matches user)
            /// and builds the client.
            pub fn build(self) -> $crate::Result<Client> {
                let mut core = self.core;
                core.wallet = Some(self.wallet);
                core.product = $product;
                Ok(Client { core: core.build()? })
            }
        }

        impl Client {
            /// A builder: the user's main wallet address, the API wallet (signer) and its private key.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            /// The user's main wallet address.
            pub fn user(&self) -> $crate::wallet::Address {
                self.core.wallet().map(|w| w.user).unwrap_or($crate::wallet::Address::from_bytes([0; 20]))
            }

            /// The API wallet address requests are signed by.
            pub fn signer(&self) -> $crate::wallet::Address {
                self.core.wallet().map(|w| w.api_key.address()).unwrap_or($crate::wallet::Address::from_bytes([0; 20]))
            }

            /// The REST base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// The exchange's network this client was built for.
            pub fn environment(&self) -> $crate::Environment {
                self.core.environment()
            }

            /// The next nonce this client would sign with (microseconds on the exchange's clock).
            /// Pin it on a request with `.nonce(n)`, e.g. to let `noop` overtake that request.
            pub fn next_nonce(&self) -> u64 {
                self.core.next_nonce().unwrap_or(0)
            }

            /// Measures the offset to the exchange's clock (its V3 `time` endpoint) and applies it to
            /// every later nonce. Returns the offset in ms.
            pub async fn sync_time(&self) -> $crate::Result<i64> {
                self.core.resync($crate::request::Auth::Wallet($crate::request::WalletSigning::STANDARD)).await
            }

            /// The clock offset applied to nonces, in ms.
            pub fn time_offset(&self) -> i64 {
                self.core.time_offset()
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
            pub fn child_signature<E: $crate::request::Endpoint>(
                &self,
                call: &$crate::request::Call<'_, E>,
                child: &$crate::wallet::WalletKey,
            ) -> $crate::Result<String> {
                let nonce = call.pinned_nonce().ok_or_else(|| $crate::Error::ParameterRequired {
                    name: "nonce".into(),
                    reason: "pin the request's nonce with .nonce(..) before signing as the sub-account".into(),
                })?;
                let $crate::request::Auth::Wallet(signing) = E::SPEC.auth else {
                    return Err($crate::Error::Config(format!("`{}` is not a V3 endpoint", E::SPEC.name)));
                };
                // What is sent, extra parameters included, so the signature covers it.
                let all = call.written()?;
                let mut business = $crate::request::ParamWriter::new();
                for (k, v) in all.pairs().filter(|(k, _)| *k != "childSignature") {
                    business.put_encoded(k, v);
                }
                let built = self.core.wallet_message(&signing, E::SPEC.name, business, nonce)?;
                Ok(child.sign_message(built.chain_id, &built.message))
            }

            /// A request to an endpoint given by its params; for endpoints outside the spec.
            pub fn call<E: $crate::request::Endpoint>(&self, params: E) -> $crate::request::Call<'_, E> {
                $crate::request::Call::new(&self.core, params)
            }

            /// Sends a request to any path with string params, signed as V3 signs (business params
            /// sorted, then user, signer, nonce) when `security` needs it; for endpoints the spec
            /// does not cover yet.
            pub async fn request(
                &self,
                method: $crate::request::Method,
                path: &str,
                security: $crate::request::Security,
                params: &[(&str, &str)],
            ) -> $crate::Result<serde_json::Value> {
                self.core.request(method, path, security, params).await
            }
        }
    };
}

pub(crate) use wallet_client;
