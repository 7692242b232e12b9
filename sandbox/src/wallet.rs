//! V3 request authentication: recover the address that signed the request's EIP-712
//! message, and keep each user's recent nonces.
//!
//! Written against the `k256`/`sha3` crates directly rather than reusing the client's
//! signer, so the tests check the client against a second implementation.

use crate::error::ApiError;
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use sha3::{Digest, Keccak256};
use std::collections::BTreeSet;

/// How many nonces the exchange remembers per user.
pub const NONCE_HISTORY: usize = 100;

pub type Address = [u8; 20];

fn keccak(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Keccak256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// The EIP-712 domain separator of `name`, version 1, on `chain_id`, zero contract.
fn domain(name: &[u8], chain_id: u64) -> [u8; 32] {
    keccak(&[
        &keccak(&[b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"]),
        &keccak(&[name]),
        &keccak(&[b"1"]),
        &word(chain_id),
        &[0u8; 32],
    ])
}

fn digest(chain_id: u64, msg: &str) -> [u8; 32] {
    let domain = domain(b"AsterSignTransaction", chain_id);
    let body = keccak(&[&keccak(&[b"Message(string msg)"]), &keccak(&[msg.as_bytes()])]);
    keccak(&[b"\x19\x01", &domain, &body])
}

/// A withdrawal as the main wallet signs it: EIP-712 `Action` under the `Aster` domain of
/// the destination chain.
pub struct WithdrawAction<'a> {
    pub chain_id: u64,
    /// The network the funds leave: `Mainnet` or `Testnet`.
    pub aster_chain: &'a str,
    pub destination: Address,
    pub destination_chain: &'a str,
    pub token: &'a str,
    pub amount: &'a str,
    pub fee: &'a str,
    pub nonce: u64,
}

fn word(n: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&n.to_be_bytes());
    w
}

fn withdraw_digest(a: &WithdrawAction) -> [u8; 32] {
    let domain = domain(b"Aster", a.chain_id);
    let mut destination = [0u8; 32];
    destination[12..].copy_from_slice(&a.destination);
    let ty = b"Action(string type,address destination,string destination Chain,string token,string amount,string fee,uint256 nonce,string aster chain)";
    let body = keccak(&[
        &keccak(&[ty]),
        &keccak(&[b"Withdraw"]),
        &destination,
        &keccak(&[a.destination_chain.as_bytes()]),
        &keccak(&[a.token.as_bytes()]),
        &keccak(&[a.amount.as_bytes()]),
        &keccak(&[a.fee.as_bytes()]),
        &word(a.nonce),
        &keccak(&[a.aster_chain.as_bytes()]),
    ]);
    keccak(&[b"\x19\x01", &domain, &body])
}

/// The address that signed a withdrawal, or `-1022` for a malformed signature.
pub fn recover_withdraw(action: &WithdrawAction, signature: &str) -> Result<Address, ApiError> {
    recover_digest(&withdraw_digest(action), signature)
}

/// The EIP-712 type of a field of a typed main-wallet request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Uint256,
    Bool,
}

/// A typed main-wallet request's struct: its name and fields, keys as the request sends
/// them (the struct names them with a capital first letter).
#[derive(Debug)]
pub struct TypedShape {
    pub primary: &'static str,
    pub fields: &'static [(&'static str, Kind)],
}

/// The address that signed `shape` with `value(key)` for each field, in the
/// `AsterSignTransaction` domain on `chain_id`.
pub fn recover_typed(
    chain_id: u64,
    shape: &TypedShape,
    value: impl Fn(&str) -> Option<String>,
    signature: &str,
) -> Result<Address, ApiError> {
    let mut members = Vec::new();
    let mut encoded: Vec<u8> = Vec::new();
    for (key, kind) in shape.fields {
        let name: String = key.chars().take(1).flat_map(char::to_uppercase).chain(key.chars().skip(1)).collect();
        let text = value(key).ok_or_else(|| ApiError::mandatory(key))?;
        let (type_name, word_bytes) = match kind {
            Kind::String => ("string", keccak(&[text.as_bytes()])),
            Kind::Uint256 => ("uint256", word(text.parse().map_err(|_| ApiError::invalid_param(key))?)),
            Kind::Bool => match text.to_ascii_lowercase().as_str() {
                "true" => ("bool", word(1)),
                "false" => ("bool", word(0)),
                _ => return Err(ApiError::invalid_param(key)),
            },
        };
        members.push(format!("{type_name} {name}"));
        encoded.extend_from_slice(&word_bytes);
    }
    let type_hash = keccak(&[format!("{}({})", shape.primary, members.join(",")).as_bytes()]);
    let body = keccak(&[&type_hash, &encoded]);
    recover_digest(&keccak(&[b"\x19\x01", &domain(b"AsterSignTransaction", chain_id), &body]), signature)
}

/// Parses `0x` + 40 hex digits, any case.
pub fn parse_address(s: &str) -> Option<Address> {
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    let mut out = [0u8; 20];
    hex::decode_to_slice(digits, &mut out).ok()?;
    Some(out)
}

/// The address whose key signed `msg` on `chain_id`, or `-1022` for a malformed signature.
pub fn recover(chain_id: u64, msg: &str, signature: &str) -> Result<Address, ApiError> {
    recover_digest(&digest(chain_id, msg), signature)
}

fn recover_digest(digest: &[u8; 32], signature: &str) -> Result<Address, ApiError> {
    let digits = signature.strip_prefix("0x").unwrap_or(signature);
    let mut sig = [0u8; 65];
    hex::decode_to_slice(digits, &mut sig).map_err(|_| ApiError::bad_signature())?;
    let parsed = Signature::from_slice(&sig[..64]).map_err(|_| ApiError::bad_signature())?;
    let v = match sig[64] {
        27 | 28 => sig[64] - 27,
        0 | 1 => sig[64],
        _ => return Err(ApiError::bad_signature()),
    };
    let recid = RecoveryId::from_byte(v).ok_or_else(ApiError::bad_signature)?;
    let key = VerifyingKey::recover_from_prehash(digest, &parsed, recid).map_err(|_| ApiError::bad_signature())?;
    let point = key.to_encoded_point(false);
    let hash = keccak(&[&point.as_bytes()[1..]]);
    let mut out = [0u8; 20];
    out.copy_from_slice(&hash[12..]);
    Ok(out)
}

/// The message a V3 request signed: everything it sent before `&signature=`, query first.
/// Returns the message and the signature.
pub fn split_message(query: &str, body: &str) -> Result<(String, String), ApiError> {
    let raw = match (query.is_empty(), body.is_empty()) {
        (false, false) => format!("{query}&{body}"),
        (false, true) => query.to_string(),
        _ => body.to_string(),
    };
    let (message, signature) = match raw.rfind("signature=") {
        Some(at) if at == 0 || raw.as_bytes()[at - 1] == b'&' => {
            let sig = &raw[at + "signature=".len()..];
            if sig.contains('&') {
                // The signature must come last: anything after it would be unsigned.
                return Err(ApiError::bad_signature());
            }
            (raw[..at.saturating_sub(1)].to_string(), sig.to_string())
        }
        _ => return Err(ApiError::mandatory("signature")),
    };
    if signature.is_empty() {
        return Err(ApiError::mandatory("signature"));
    }
    Ok((message, signature))
}

/// A user's recent nonces, as the docs describe: repeats are refused, and once 100 are kept
/// a nonce below all of them is refused as expired.
#[derive(Debug, Default, Clone)]
pub struct NonceBook {
    seen: BTreeSet<u64>,
}

impl NonceBook {
    /// Checks a nonce (µs) against the time window around `now_ms` and the history, and
    /// records it when accepted.
    pub fn accept(&mut self, nonce: u64, now_ms: i64, window_ms: i64) -> Result<(), ApiError> {
        let nonce_ms = i64::try_from(nonce / 1000).unwrap_or(i64::MAX);
        if nonce_ms > now_ms.saturating_add(window_ms) {
            return Err(ApiError::nonce_ahead());
        }
        if nonce_ms < now_ms.saturating_sub(window_ms) {
            return Err(ApiError::nonce_expired());
        }
        if self.seen.contains(&nonce) {
            return Err(ApiError::nonce_duplicate());
        }
        if self.seen.len() >= NONCE_HISTORY && self.seen.first().is_some_and(|min| nonce < *min) {
            return Err(ApiError::nonce_expired());
        }
        self.seen.insert(nonce);
        while self.seen.len() > NONCE_HISTORY {
            self.seen.pop_first();
        }
        Ok(())
    }
}

/// Whether `signature` (Base58) is the Ed25519 signature of `message` by the Solana
/// address `address` (Base58 public key).
/// Whether `text` is a Solana address: Base58 of 32 bytes.
pub fn is_solana_address(text: &str) -> bool {
    bs58::decode(text).into_vec().is_ok_and(|b| b.len() == 32)
}

pub fn verify_solana(address: &str, message: &str, signature: &str) -> bool {
    let Ok(key) = bs58::decode(address).into_vec() else { return false };
    let Ok(sig) = bs58::decode(signature).into_vec() else { return false };
    let (Ok(key), Ok(sig)) = (<[u8; 32]>::try_from(key.as_slice()), <[u8; 64]>::try_from(sig.as_slice())) else {
        return false;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&key) else { return false };
    key.verify_strict(message.as_bytes(), &ed25519_dalek::Signature::from_bytes(&sig)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonce_book_refuses_repeats_old_and_far_ahead_nonces() {
        let now = 1_700_000_000_000i64;
        let base = now as u64 * 1000;
        let mut book = NonceBook::default();
        book.accept(base, now, 10_000).unwrap();
        assert_eq!(book.accept(base, now, 10_000).unwrap_err().code, -4225);
        assert!(book.accept(base + 11_000_000, now, 10_000).is_err());
        assert!(book.accept(base - 11_000_000, now, 10_000).is_err());
        for i in 1..=NONCE_HISTORY as u64 {
            book.accept(base + i * 10, now, 10_000).unwrap();
        }
        // 100 kept, all above base + 5: a fresh one below them is expired.
        assert!(book.accept(base + 5, now, 10_000).is_err());
        book.accept(base + 5_000, now, 10_000).unwrap();
    }

    #[test]
    fn message_is_everything_before_the_last_signature() {
        assert_eq!(split_message("a=1&signature=0xab", "").unwrap(), ("a=1".into(), "0xab".into()));
        assert_eq!(split_message("", "a=1&b=2&signature=0xab").unwrap(), ("a=1&b=2".into(), "0xab".into()));
        assert!(split_message("a=1&signature=0xab&b=2", "").is_err());
        assert!(split_message("a=1", "").is_err());
        assert!(split_message("mysignature=1", "").is_err());
    }
}
