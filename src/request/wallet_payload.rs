//! The message a V3 request signs. It is also exactly what the request sends before
//! `&signature=`, so what the exchange reads is what was signed, whichever way it checks.

use super::endpoint::WalletSigning;
use super::params::ParamWriter;
use crate::{Error, Result};

/// The wallet params of one request.
pub(crate) struct WalletValues<'a> {
    pub user: &'a str,
    pub signer: &'a str,
    pub nonce: u64,
    /// The chain of the client's environment, signed on unless the endpoint names another.
    pub chain_id: u64,
    /// The environment's network name (`Mainnet`, `Testnet`), for `asterChain`.
    pub aster_chain: &'a str,
}

impl WalletValues<'_> {
    fn get(&self, key: &str) -> Option<String> {
        match key {
            "user" => Some(self.user.to_string()),
            "signer" => Some(self.signer.to_string()),
            "nonce" => Some(self.nonce.to_string()),
            "asterChain" => Some(self.aster_chain.to_string()),
            _ => None,
        }
    }
}

/// The signed message (encoded `key=value&…`), what is sent after it unsigned, and the
/// chain id to sign on.
pub(crate) struct Built {
    pub message: String,
    pub unsigned: String,
    pub chain_id: u64,
    /// For a typed request, the digest of its struct (signed instead of the message).
    pub digest: Option<[u8; 32]>,
}

/// Builds the signed message of a request.
pub(crate) fn build(signing: &WalletSigning, mut business: ParamWriter, wallet: &WalletValues) -> Result<Built> {
    let chain_id = match signing.chain_id_param {
        None => wallet.chain_id,
        Some(name) => {
            let value = business.pairs().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
            let value = value.ok_or_else(|| Error::ParameterRequired {
                name: name.to_string(),
                reason: "it is the chain id the message is signed on".into(),
            })?;
            value.parse::<u64>().map_err(|_| Error::ParameterValue {
                name: name.to_string(),
                reason: format!("`{value}` is not a chain id"),
            })?
        }
    };

    let mut out = ParamWriter::new();
    let mut unsigned = ParamWriter::new();
    for (k, v) in business.pairs() {
        if signing.unsigned.contains(&k) {
            unsigned.put_encoded(k, v);
        }
    }
    if let Some(typed) = &signing.typed {
        let (message, digest) = typed_message(signing, typed, &business, wallet, chain_id)?;
        return Ok(Built { message, unsigned: unsigned.into_string(), chain_id, digest: Some(digest) });
    }
    if signing.message.is_empty() {
        business.sort_by_key();
        for (k, v) in business.pairs().filter(|(k, _)| !signing.unsigned.contains(k)) {
            out.put_encoded(k, v);
        }
        for key in signing.adds {
            if let Some(v) = wallet.get(key) {
                out.put(key, &v);
            }
        }
    } else {
        for key in signing.message {
            if signing.adds.contains(key) {
                if let Some(v) = wallet.get(key) {
                    out.put(key, &v);
                }
            } else if let Some((k, v)) = business.pairs().find(|(k, _)| k == key) {
                out.put_encoded(k, v);
            }
        }
        // Params the layout does not name (only possible through the untyped `request`)
        // are still signed: they go last, inside the message.
        for (k, v) in business.pairs() {
            if !signing.message.contains(&k) && !signing.unsigned.contains(&k) {
                out.put_encoded(k, v);
            }
        }
    }
    Ok(Built { message: out.into_string(), unsigned: unsigned.into_string(), chain_id, digest: None })
}

/// The query a Solana main wallet signs, and sends before `&signature=`, for a request
/// the main wallet signs as a typed struct (agent and builder approvals): the struct's own
/// keys in its order (an unset optional one empty, as EVM wallets send it), then the params
/// sent beside it, then `nonce` and `user` — the layout of the exchange's Solana demo,
/// where no `asterChain` is sent. All of it is signed.
#[cfg_attr(not(feature = "solana"), allow(dead_code))]
pub(crate) fn solana_message(signing: &WalletSigning, business: &ParamWriter, wallet: &WalletValues) -> Result<String> {
    let Some(typed) = &signing.typed else {
        return Err(Error::Config(
            "a Solana main wallet signs only agent and builder approvals (the exchange documents no other)".into(),
        ));
    };
    let outside = |k: &str| !signing.message.contains(&k) && !signing.unsigned.contains(&k);
    if let Some((extra, _)) = business.pairs().find(|(k, _)| outside(k)) {
        return Err(Error::ParameterValue {
            name: extra.to_string(),
            reason: format!("`{}` signs a fixed set of fields that has no such one", typed.primary_type),
        });
    }
    let mut out = ParamWriter::new();
    let own = signing.message.iter().filter(|k| !matches!(**k, "asterChain" | "user" | "nonce" | "signer"));
    for key in own.chain(signing.unsigned) {
        match business.pairs().find(|(k, _)| k == key) {
            Some((k, v)) => out.put_encoded(k, v),
            None if signing.unsigned.contains(key) => {}
            None => out.put(key, ""),
        }
    }
    out.put("nonce", &wallet.nonce);
    out.put("user", wallet.user);
    Ok(out.into_string())
}

/// Every key of a typed request's struct, in order, with its value (an unset optional one
/// empty, as it is also sent), and the struct's digest.
fn typed_message(
    signing: &WalletSigning,
    typed: &crate::request::TypedMessage,
    business: &ParamWriter,
    wallet: &WalletValues,
    chain_id: u64,
) -> Result<(String, [u8; 32])> {
    if let Some((extra, _)) =
        business.pairs().find(|(k, _)| !signing.message.contains(k) && !signing.unsigned.contains(k))
    {
        // A typed struct has a fixed shape: a key outside it could not be signed.
        return Err(Error::ParameterValue {
            name: extra.to_string(),
            reason: format!("`{}` signs a fixed structure that has no such field", typed.primary_type),
        });
    }
    let mut out = ParamWriter::new();
    let mut values = Vec::with_capacity(signing.message.len());
    for (key, kind) in signing.message.iter().zip(typed.kinds) {
        let value = if signing.adds.contains(key) {
            wallet.get(key).unwrap_or_default()
        } else {
            business.pairs().find(|(k, _)| k == key).map(|(_, v)| super::params::decode(v)).unwrap_or_default()
        };
        out.put(key, value.as_str());
        values.push((*key, *kind, value));
    }
    let fields: Vec<(&str, crate::wallet::FieldKind, &str)> =
        values.iter().map(|(k, kind, v)| (*k, *kind, v.as_str())).collect();
    let digest = crate::wallet::struct_digest(chain_id, typed.primary_type, &fields)?;
    Ok((out.into_string(), digest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::endpoint::WalletRole;

    const W: WalletValues =
        WalletValues { user: "0xU", signer: "0xS", nonce: 7, chain_id: 1666, aster_chain: "Mainnet" };

    #[test]
    fn standard_layout_sorts_business_params_then_adds_wallet_params() {
        let mut w = ParamWriter::new();
        w.put("symbol", "BTCUSDT");
        w.put("side", "BUY");
        w.put("quantity", "1");
        let b = build(&WalletSigning::STANDARD, w, &W).unwrap();
        assert_eq!(b.message, "quantity=1&side=BUY&symbol=BTCUSDT&user=0xU&signer=0xS&nonce=7");
        assert_eq!(b.chain_id, 1666);
    }

    #[test]
    fn fixed_layout_keeps_its_order_and_skips_unset_optionals() {
        let signing = WalletSigning {
            key: WalletRole::MainWallet,
            adds: &["user", "signer", "nonce"],
            message: &["subSourceAddr", "nonce", "user", "signer", "subAccountName", "status"],
            unsigned: &[],
            chain_id_param: None,
            typed: None,
        };
        let mut w = ParamWriter::new();
        w.put("status", "FROZEN");
        w.put("subSourceAddr", "0xA");
        let b = build(&signing, w, &W).unwrap();
        assert_eq!(b.message, "subSourceAddr=0xA&nonce=7&user=0xU&signer=0xS&status=FROZEN");
    }

    #[test]
    fn chain_id_comes_from_its_param() {
        let signing = WalletSigning {
            key: WalletRole::MainWallet,
            adds: &["user", "nonce"],
            message: &["user", "nonce", "signatureChainId"],
            unsigned: &["agentCode"],
            chain_id_param: Some("signatureChainId"),
            typed: None,
        };
        let mut w = ParamWriter::new();
        w.put("agentCode", "ref");
        w.put("signatureChainId", &56u64);
        let b = build(&signing, w, &W).unwrap();
        assert_eq!(
            (b.message.as_str(), b.unsigned.as_str(), b.chain_id),
            ("user=0xU&nonce=7&signatureChainId=56", "agentCode=ref", 56)
        );
        let mut w = ParamWriter::new();
        w.put("signatureChainId", "x");
        assert!(matches!(build(&signing, w, &W), Err(Error::ParameterValue { .. })));
    }
}
