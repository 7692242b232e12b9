//! The V3 identity of a client: the user and the API wallet that signs for it.

use crate::wallet::{Address, WalletKey};
use crate::{Error, Result};
use std::fmt;

/// The V3 identity: the user (main wallet) and the API wallet that signs for it.
pub(crate) struct WalletAuth {
    /// The user's EVM address; `None` for a Solana main wallet.
    pub(crate) user: Option<Address>,
    /// The user as requests send it: the EVM address, or the Solana wallet's Base58 one.
    pub(crate) user_text: String,
    pub(crate) signer_text: String,
    pub(crate) api_key: WalletKey,
    pub(crate) main_key: Option<WalletKey>,
    /// A Solana main wallet's key: it signs the agent and builder approvals.
    #[cfg(feature = "solana")]
    pub(crate) solana_main_key: Option<crate::solana::SolanaKey>,
}

/// What a V3 client is built with; checked when the client is built.
#[derive(Default, Clone)]
pub(crate) struct WalletConfig {
    pub(crate) user: Option<String>,
    pub(crate) signer: Option<String>,
    pub(crate) private_key: Option<zeroize::Zeroizing<String>>,
    pub(crate) main_private_key: Option<zeroize::Zeroizing<String>>,
    /// A Solana main wallet's secret (Base58).
    #[cfg(feature = "solana")]
    pub(crate) solana_main_key: Option<zeroize::Zeroizing<String>>,
}

impl fmt::Debug for WalletConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WalletConfig")
            .field("user", &self.user)
            .field("signer", &self.signer)
            .field("private_key", &self.private_key.as_ref().map(|_| "<redacted>"))
            .field("main_private_key", &self.main_private_key.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl WalletConfig {
    /// The identity, or `None` for a client without one (market data only); a partial
    /// identity is a configuration error, not a client that fails later.
    pub(super) fn build(&self) -> Result<Option<WalletAuth>> {
        if self.user.is_none() && self.signer.is_none() && self.private_key.is_none() && self.main_private_key.is_none()
        {
            return Ok(None);
        }
        let api_key = match &self.private_key {
            Some(k) => WalletKey::from_hex(k)?,
            None => {
                return Err(Error::Config("a V3 client needs the API wallet's private key (.private_key(..))".into()))
            }
        };
        let Some(user_text) = &self.user else {
            return Err(Error::Config("a V3 client needs the user's main wallet address (.user(..))".into()));
        };
        if let Some(signer) = &self.signer {
            let configured: Address = signer.parse()?;
            if configured != api_key.address() {
                return Err(Error::Config(format!(
                    "the private key signs for {} but the configured signer is {configured}",
                    api_key.address()
                )));
            }
        }
        #[cfg(feature = "solana")]
        if !user_text.trim().starts_with("0x") {
            return self.build_solana_user(user_text, api_key);
        }
        #[cfg(feature = "solana")]
        if self.solana_main_key.is_some() {
            return Err(Error::Config("a Solana main key needs a Solana user (its Base58 address)".into()));
        }
        let user: Address = user_text.parse()?;
        let main_key = match &self.main_private_key {
            Some(k) => {
                let key = WalletKey::from_hex(k)?;
                if key.address() != user {
                    return Err(Error::Config(format!(
                        "the main private key signs for {} but the user is {user}",
                        key.address()
                    )));
                }
                Some(key)
            }
            None => None,
        };
        Ok(Some(WalletAuth {
            user: Some(user),
            user_text: user.to_string(),
            signer_text: api_key.address().to_string(),
            api_key,
            main_key,
            #[cfg(feature = "solana")]
            solana_main_key: None,
        }))
    }
}

#[cfg(feature = "solana")]
impl WalletConfig {
    /// The identity of a user whose main wallet is a Solana one: the API wallet signs as
    /// for any user, and the Solana key (if given) signs the approvals.
    fn build_solana_user(&self, user: &str, api_key: WalletKey) -> Result<Option<WalletAuth>> {
        let user = user.trim();
        if bs58::decode(user).into_vec().map(|b| b.len()) != Ok(32) {
            return Err(Error::Config(format!("`{user}` is neither an EVM address (0x…) nor a Solana one (Base58)")));
        }
        if self.main_private_key.is_some() {
            return Err(Error::Config(
                "an EVM main key cannot sign for a Solana user; use .solana_main_key(..)".into(),
            ));
        }
        let solana_main_key = match &self.solana_main_key {
            Some(secret) => {
                let key = crate::solana::SolanaKey::from_base58(secret)?;
                if key.address() != user {
                    return Err(Error::Config(format!(
                        "the Solana main key signs for {} but the user is {user}",
                        key.address()
                    )));
                }
                Some(key)
            }
            None => None,
        };
        Ok(Some(WalletAuth {
            user: None,
            user_text: user.to_string(),
            signer_text: api_key.address().to_string(),
            api_key,
            main_key: None,
            solana_main_key,
        }))
    }
}
