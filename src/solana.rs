//! Solana main wallets: the Ed25519 signature a withdrawal to Solana carries
//! (`userSignature` of `solana_withdraw`, Base58), made over the text the deposit and
//! withdrawal guide defines. Feature `solana`.
//!
//! ```
//! # fn demo() -> aster::Result<()> {
//! use aster::solana::{solana_withdraw_signature, SolanaKey, SolanaWithdrawal};
//!
//! let key = SolanaKey::from_seed(&[7; 32]);
//! let withdrawal = SolanaWithdrawal {
//!     receiver: &key.address(),
//!     asset: "USDT",
//!     amount: "1.20".parse().unwrap(),
//!     fee: "0.1".parse().unwrap(),
//!     nonce: 1_773_741_793_787_000,
//!     environment: aster::Environment::Mainnet,
//! };
//! assert!(withdrawal.message().contains(",Amount=1.2,Fee=0.1,"));
//! let user_signature = solana_withdraw_signature(&key, &withdrawal);
//! # Ok(()) }
//! ```

use ed25519_dalek::{Signer, SigningKey};
use rust_decimal::Decimal;
use std::fmt;

/// A Solana wallet's private key. Its `Debug` shows the address only.
pub struct SolanaKey {
    signing: SigningKey,
}

impl SolanaKey {
    /// The key of a 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        SolanaKey { signing: SigningKey::from_bytes(seed) }
    }

    /// The key as wallets export it: Base58 of the 64-byte keypair (seed then public key,
    /// which must match) or of the 32-byte seed.
    pub fn from_base58(secret: &str) -> crate::Result<Self> {
        let bad = |why: &str| crate::Error::Config(format!("the Solana key {why}"));
        let bytes = zeroize::Zeroizing::new(bs58::decode(secret.trim()).into_vec().map_err(|_| bad("is not Base58"))?);
        match bytes.len() {
            32 => Ok(Self::from_seed(bytes[..32].try_into().map_err(|_| bad("is not 32 bytes"))?)),
            64 => {
                let key = Self::from_seed(bytes[..32].try_into().map_err(|_| bad("is not 64 bytes"))?);
                if key.signing.verifying_key().as_bytes()[..] != bytes[32..] {
                    return Err(bad("pair's public half does not belong to its secret half"));
                }
                Ok(key)
            }
            _ => Err(bad("must be 32 or 64 bytes")),
        }
    }

    /// The wallet's address: its public key in Base58.
    pub fn address(&self) -> String {
        bs58::encode(self.signing.verifying_key().as_bytes()).into_string()
    }

    /// The Base58 Ed25519 signature of `message`'s UTF-8 bytes.
    pub fn sign_text(&self, message: &str) -> String {
        bs58::encode(self.signing.sign(message.as_bytes()).to_bytes()).into_string()
    }
}

impl fmt::Debug for SolanaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SolanaKey").field("address", &self.address()).finish_non_exhaustive()
    }
}

/// A withdrawal to a Solana address as its owner signs it. The same `amount`, `fee` and
/// `nonce` (as `userNonce`) must go into the request.
#[derive(Debug, Clone, PartialEq)]
pub struct SolanaWithdrawal<'a> {
    /// The Solana address the funds go to (the `receiver`).
    pub receiver: &'a str,
    /// The asset, e.g. `USDT`.
    pub asset: &'a str,
    /// The amount; signed and sent without trailing zeros (`1.20` as `1.2`).
    pub amount: Decimal,
    /// The fee; signed and sent as the amount is.
    pub fee: Decimal,
    /// The `userNonce`: the guide asks for a timestamp of microsecond digits
    /// (milliseconds × 1000).
    pub nonce: u64,
    /// The network the funds leave (its `AsterChain`: `Mainnet` or `Testnet`).
    pub environment: crate::Environment,
}

impl SolanaWithdrawal<'_> {
    /// The signed text: `PrimaryType=Withdraw,AsterChain=…,Destination=…,
    /// DestinationChain=Solana,Token=…,Amount=…,Fee=…,Nonce=…`.
    pub fn message(&self) -> String {
        format!(
            "PrimaryType=Withdraw,AsterChain={},Destination={},DestinationChain=Solana,Token={},Amount={},Fee={},Nonce={}",
            self.environment.aster_chain(),
            self.receiver,
            self.asset,
            crate::request::wire_decimal_text(&self.amount),
            crate::request::wire_decimal_text(&self.fee),
            self.nonce
        )
    }
}

/// The Solana wallet's signature of a withdrawal (Base58), for `solana_withdraw`'s
/// `userSignature`.
pub fn solana_withdraw_signature(key: &SolanaKey, withdrawal: &SolanaWithdrawal) -> String {
    key.sign_text(&withdrawal.message())
}
