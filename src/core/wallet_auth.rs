//! The V3 identity of a client: the user and the API wallet that signs for it.

use crate::wallet::{Address, WalletKey};
use crate::{Error, Result};
use std::fmt;

/// The V3 identity: the user (main wallet) and the API wallet that signs for it.
pub(crate) struct WalletAuth {
    pub(crate) user: Address,
    pub(crate) user_text: String,
    pub(crate) signer_text: String,
    pub(crate) api_key: WalletKey,
    pub(crate) main_key: Option<WalletKey>,
}

/// What a V3 client is built with; checked when the client is built.
#[derive(Default, Clone)]
pub(crate) struct WalletConfig {
    pub(crate) user: Option<String>,
    pub(crate) signer: Option<String>,
    pub(crate) private_key: Option<zeroize::Zeroizing<String>>,
    pub(crate) main_private_key: Option<zeroize::Zeroizing<String>>,
}

impl fmt::Debug for WalletConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WalletConfig")
            .field("user", &self.user)
            .field("signer", &self.signer)
            .field("private_key", &self.private_key.as_ref().map(|_| "<redacted>"))
            .field("main_private_key", &self.main_private_key.as_ref().map(|_| "<redacted>"))
            .finish()
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
        let Some(user) = &self.user else {
            return Err(Error::Config("a V3 client needs the user's main wallet address (.user(..))".into()));
        };
        let user: Address = user.parse()?;
        if let Some(signer) = &self.signer {
            let configured: Address = signer.parse()?;
            if configured != api_key.address() {
                return Err(Error::Config(format!(
                    "the private key signs for {} but the configured signer is {configured}",
                    api_key.address()
                )));
            }
        }
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
            user,
            user_text: user.to_string(),
            signer_text: api_key.address().to_string(),
            api_key,
            main_key,
        }))
    }
}
