//! HMAC-SHA256 request signing, as the exchange's SIGNED endpoints require.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;

/// Signs payloads with one API secret. The keyed state is computed once and cloned per
/// signature, so signing costs two SHA-256 passes over the payload and nothing more.
#[derive(Clone)]
pub struct Signer {
    mac: Hmac<Sha256>,
}

impl Signer {
    /// A signer for this API secret; the secret is kept only inside the HMAC state.
    pub fn new(secret: &str) -> Self {
        // HMAC accepts keys of any length, so this cannot fail.
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        Self { mac }
    }

    /// Lower-case hex HMAC-SHA256 of `total_params` (query string followed by body).
    pub fn sign(&self, total_params: &[u8]) -> String {
        let mut mac = self.mac.clone();
        mac.update(total_params);
        let digest = mac.finalize().into_bytes();
        let mut out = [0u8; 64];
        // 32 bytes always fit 64 hex digits.
        let _ = hex::encode_to_slice(digest, &mut out);
        out.iter().map(|&b| b as char).collect()
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer(<redacted>)")
    }
}

/// Signs `total_params` with `secret`; see [`Signer`] to sign many payloads.
pub fn sign(secret: &str, total_params: &str) -> String {
    Signer::new(secret).sign(total_params.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example key pair and request of the exchange's "SIGNED Endpoint Examples".
    const SECRET: &str = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
    const QUERY: &str =
        "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";

    #[test]
    fn docs_example_query_and_body() {
        assert_eq!(sign(SECRET, QUERY), "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9");
    }

    #[test]
    fn mixed_example_concatenates_without_separator() {
        let total = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=9000&recvWindow=5000&timestamp=1591702613943";
        let sig = sign(SECRET, total);
        assert_eq!(sig.len(), 64);
        assert_ne!(sig, sign(SECRET, QUERY));
    }

    #[test]
    fn debug_hides_the_key() {
        assert_eq!(format!("{:?}", Signer::new(SECRET)), "Signer(<redacted>)");
    }
}
