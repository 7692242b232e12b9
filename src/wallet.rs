//! API-wallet signing for the V3 APIs: EIP-712 typed data `Message { msg: string }` in the
//! domain `AsterSignTransaction` (version 1, the zero address as verifying contract), signed
//! with secp256k1 as a 65-byte recoverable signature (`r ‖ s ‖ v`, v = 27 or 28).
//!
//! Hashing is Keccak-256 from `sha3` and the curve is `k256`: nothing here is hand-rolled
//! cryptography, only the EIP-712 encoding of one fixed type.

use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use sha3::{Digest, Keccak256};
use std::fmt;
use std::str::FromStr;
use zeroize::Zeroizing;

/// The chain id of the exchange's API-wallet messages on mainnet (the testnet's is
/// [`Environment::Testnet`](crate::Environment)'s).
pub const ASTER_CHAIN_ID: u64 = crate::Environment::Mainnet.chain_id();

pub(crate) fn keccak(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Keccak256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// A `uint256` word holding `n`.
pub(crate) fn word(n: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&n.to_be_bytes());
    w
}

/// The EIP-712 domain separator of `name`, version 1, on `chain_id`, zero contract.
pub(crate) fn domain_separator(name: &[u8], chain_id: u64) -> [u8; 32] {
    let domain_type = keccak(&[b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"]);
    keccak(&[&domain_type, &keccak(&[name]), &keccak(&[b"1"]), &word(chain_id), &[0u8; 32]])
}

/// The EIP-712 digest of `Message { msg }` in the exchange's domain on `chain_id`.
pub fn typed_data_digest(chain_id: u64, msg: &str) -> [u8; 32] {
    let domain_separator = domain_separator(b"AsterSignTransaction", chain_id);
    let message_type = keccak(&[b"Message(string msg)"]);
    let struct_hash = keccak(&[&message_type, &keccak(&[msg.as_bytes()])]);
    keccak(&[b"\x19\x01", &domain_separator, &struct_hash])
}

/// The EIP-712 type of one field of a typed main-wallet request: the exchange types each
/// field by its value (whole numbers `uint256`, true/false `bool`, the rest `string`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// `string`: hashed as its UTF-8 bytes.
    String,
    /// `uint256`: a whole number, as a 32-byte word.
    Uint256,
    /// `bool`: `true` or `false`, as a 32-byte word.
    Bool,
}

impl FieldKind {
    fn type_name(self) -> &'static str {
        match self {
            FieldKind::String => "string",
            FieldKind::Uint256 => "uint256",
            FieldKind::Bool => "bool",
        }
    }

    fn encode(self, key: &str, value: &str) -> crate::Result<[u8; 32]> {
        let bad = |what: &str| crate::Error::ParameterValue {
            name: key.to_string(),
            reason: format!("`{value}` is not {what}, as the signed structure types it"),
        };
        match self {
            FieldKind::String => Ok(keccak(&[value.as_bytes()])),
            FieldKind::Uint256 => {
                let n: u128 = value.parse().map_err(|_| bad("a whole number"))?;
                let mut w = [0u8; 32];
                w[16..].copy_from_slice(&n.to_be_bytes());
                Ok(w)
            }
            FieldKind::Bool => match value {
                "true" => Ok(word(1)),
                "false" => Ok(word(0)),
                _ => Err(bad("true or false")),
            },
        }
    }
}

/// The EIP-712 digest of the struct `primary_type` with `fields` (key, type, value) in the
/// exchange's domain on `chain_id`. Each key is named with its first letter capitalised in
/// the type, as the exchange's agent and builder requests are signed.
pub fn struct_digest(chain_id: u64, primary_type: &str, fields: &[(&str, FieldKind, &str)]) -> crate::Result<[u8; 32]> {
    let members: Vec<String> =
        fields.iter().map(|(key, kind, _)| format!("{} {}", kind.type_name(), capitalised(key))).collect();
    let type_hash = keccak(&[format!("{primary_type}({})", members.join(",")).as_bytes()]);
    let mut encoded = Vec::with_capacity(32 * (fields.len() + 1));
    encoded.extend_from_slice(&type_hash);
    for (key, kind, value) in fields {
        encoded.extend_from_slice(&kind.encode(key, value)?);
    }
    let domain = domain_separator(b"AsterSignTransaction", chain_id);
    Ok(keccak(&[b"\x19\x01", &domain, &keccak(&[&encoded])]))
}

fn capitalised(key: &str) -> String {
    let mut chars = key.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A 20-byte account address. Parses `0x` + 40 hex digits in any case; shows the EIP-55
/// checksummed form.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Address([u8; 20]);

impl Address {
    /// The address with these 20 bytes.
    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        Address(bytes)
    }

    /// The address's 20 bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }

    fn of_key(key: &VerifyingKey) -> Self {
        let point = key.to_encoded_point(false);
        // Uncompressed SEC1: 0x04 ‖ x ‖ y; the address is the last 20 bytes of keccak(x ‖ y).
        let hash = keccak(&[&point.as_bytes()[1..]]);
        let mut out = [0u8; 20];
        out.copy_from_slice(&hash[12..]);
        Address(out)
    }

    /// The address whose key made `signature` over `digest`, if the signature is well formed.
    pub fn recover(digest: &[u8; 32], signature: &[u8; 65]) -> Option<Address> {
        let sig = Signature::from_slice(&signature[..64]).ok()?;
        let v = match signature[64] {
            27 | 28 => signature[64] - 27,
            0 | 1 => signature[64],
            _ => return None,
        };
        let recid = RecoveryId::from_byte(v)?;
        let key = VerifyingKey::recover_from_prehash(digest, &sig, recid).ok()?;
        Some(Address::of_key(&key))
    }
}

impl FromStr for Address {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || crate::Error::Config(format!("`{s}` is not an address (0x followed by 40 hex digits)"));
        let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).ok_or_else(bad)?;
        let mut out = [0u8; 20];
        hex::decode_to_slice(digits, &mut out).map_err(|_| bad())?;
        Ok(Address(out))
    }
}

impl fmt::Display for Address {
    /// EIP-55 mixed-case checksum form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lower = hex::encode(self.0);
        let hash = keccak(&[lower.as_bytes()]);
        f.write_str("0x")?;
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0xf;
            if c.is_ascii_alphabetic() && nibble >= 8 {
                write!(f, "{}", c.to_ascii_uppercase())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}

/// A wallet's private key. The key is wiped from memory when dropped and never shown:
/// `Debug` prints only the address it signs for.
#[derive(Clone)]
pub struct WalletKey {
    key: SigningKey,
    address: Address,
}

impl WalletKey {
    /// Parses a private key given as 64 hex digits, with or without `0x`.
    pub fn from_hex(hex_key: &str) -> crate::Result<Self> {
        let digits = hex_key.trim();
        let digits = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")).unwrap_or(digits);
        let mut bytes = Zeroizing::new([0u8; 32]);
        // The message names neither the key nor any part of it.
        hex::decode_to_slice(digits, &mut bytes[..])
            .map_err(|_| crate::Error::Config("the private key must be 32 bytes as 64 hex digits".into()))?;
        Self::from_bytes(&bytes)
    }

    /// A key from its 32 raw bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> crate::Result<Self> {
        let key = SigningKey::from_slice(bytes)
            .map_err(|_| crate::Error::Config("the private key is not a valid secp256k1 key".into()))?;
        let address = Address::of_key(key.verifying_key());
        Ok(WalletKey { key, address })
    }

    /// The address this key signs for.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Signs a 32-byte digest: `r ‖ s ‖ v` with low `s` and v = 27 or 28.
    pub fn sign_digest(&self, digest: &[u8; 32]) -> [u8; 65] {
        let mut out = [0u8; 65];
        // Signing a 32-byte prehash with a valid key cannot fail (RFC 6979 nonces).
        if let Ok((sig, recid)) = self.key.sign_prehash_recoverable(digest) {
            let (sig, recid) = match sig.normalize_s() {
                Some(low) => (low, RecoveryId::new(!recid.is_y_odd(), recid.is_x_reduced())),
                None => (sig, recid),
            };
            out[..64].copy_from_slice(&sig.to_bytes());
            out[64] = 27 + recid.to_byte();
        }
        out
    }

    /// Signs `msg` as the exchange's typed-data message on `chain_id`; `0x` + 130 hex digits.
    pub fn sign_message(&self, chain_id: u64, msg: &str) -> String {
        let sig = self.sign_digest(&typed_data_digest(chain_id, msg));
        let mut out = String::with_capacity(132);
        out.push_str("0x");
        out.push_str(&hex::encode(sig));
        out
    }
}

// The secp256k1 key wipes itself on drop (ecdsa's `SigningKey`); the address is public.
impl zeroize::ZeroizeOnDrop for WalletKey {}

impl fmt::Debug for WalletKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WalletKey(<redacted>, address {})", self.address)
    }
}

/// Parses a `0x`-prefixed (or bare) 65-byte hex signature.
pub fn parse_signature(text: &str) -> Option<[u8; 65]> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    let mut out = [0u8; 65];
    hex::decode_to_slice(digits, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO_KEY: &str = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1";

    #[test]
    fn demo_key_derives_the_published_signer_address() {
        let key = WalletKey::from_hex(DEMO_KEY).unwrap();
        assert_eq!(key.address().to_string(), "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0");
    }

    #[test]
    fn keys_are_wiped_on_drop() {
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wiped_on_drop::<WalletKey>();
        wiped_on_drop::<SigningKey>();
    }

    #[test]
    fn debug_shows_the_address_not_the_key() {
        let key = WalletKey::from_hex(DEMO_KEY).unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.to_lowercase().contains("4fd0a42218f3"), "{shown}");
        assert!(shown.contains("0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0"));
    }

    #[test]
    fn bad_keys_are_config_errors_that_do_not_echo_the_input() {
        for bad in ["", "0x12", "zz4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81ba", &"00".repeat(32)] {
            let e = WalletKey::from_hex(bad).unwrap_err();
            assert!(matches!(e, crate::Error::Config(_)));
            if !bad.is_empty() {
                assert!(!e.to_string().contains(bad));
            }
        }
    }

    #[test]
    fn signature_recovers_the_signing_address() {
        let key = WalletKey::from_hex(DEMO_KEY).unwrap();
        let digest = typed_data_digest(ASTER_CHAIN_ID, "a=1&nonce=2");
        let sig = key.sign_digest(&digest);
        assert_eq!(Address::recover(&digest, &sig), Some(key.address()));
        let other = typed_data_digest(ASTER_CHAIN_ID, "a=2&nonce=2");
        assert_ne!(Address::recover(&other, &sig), Some(key.address()));
    }

    #[test]
    fn addresses_parse_in_any_case() {
        let a: Address = "0x21cf8ae13bb72632562c6fff438652ba1a151bb0".parse().unwrap();
        let b: Address = "0x21CF8AE13BB72632562C6FFF438652BA1A151BB0".parse().unwrap();
        assert_eq!(a, b);
        assert!("21cf8ae13bb72632562c6fff438652ba1a151bb0".parse::<Address>().is_err());
        assert!("0x21cf".parse::<Address>().is_err());
    }
}
