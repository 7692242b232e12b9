//! A spot withdrawal as the user's main wallet signs it (EIP-712 `Action` in the `Aster`
//! domain of the destination chain).

use crate::wallet::{domain_separator, keccak, word, Address, WalletKey};

/// A spot withdrawal as the user's main wallet signs it: the `userSignature` of
/// `withdraw`. The same `amount`, `fee` and `nonce` must go into the request (V3: the
/// request's own nonce, pinned with `.nonce(n)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawal<'a> {
    /// The chain the funds go to.
    pub chain: super::WithdrawChain,
    /// The account's own address (the `receiver`).
    pub receiver: Address,
    /// The asset, e.g. `USDT`.
    pub asset: &'a str,
    /// The amount; signed in its wire form (`10.123400` signs and sends `10.1234`).
    pub amount: rust_decimal::Decimal,
    /// The fee; signed in its wire form, as the amount is.
    pub fee: rust_decimal::Decimal,
    /// Microseconds since the Unix epoch, as sent.
    pub nonce: u64,
    /// The network the funds leave (its `aster chain`: `Mainnet` or `Testnet`).
    pub environment: crate::Environment,
}

impl Withdrawal<'_> {
    /// The chain's name in the signed message (`BSC` for chain 56, as the docs' example).
    fn chain_name(&self) -> crate::Result<(u64, &'static str)> {
        use super::WithdrawChain;
        match self.chain {
            WithdrawChain::Ethereum => Ok((1, "ETH")),
            WithdrawChain::Bsc => Ok((56, "BSC")),
            WithdrawChain::Arbitrum => Ok((42161, "Arbitrum")),
            WithdrawChain::Unknown(ref other) => {
                Err(crate::Error::ParameterValue { name: "chainId".into(), reason: format!("unknown chain `{other}`") })
            }
        }
    }

    /// The EIP-712 digest of `Action` in the `Aster` domain of the destination chain.
    pub fn digest(&self) -> crate::Result<[u8; 32]> {
        let (chain_id, chain_name) = self.chain_name()?;
        let domain = domain_separator(b"Aster", chain_id);
        let action_type = keccak(&[b"Action(string type,address destination,string destination Chain,string token,string amount,string fee,uint256 nonce,string aster chain)"]);
        let mut receiver = [0u8; 32];
        receiver[12..].copy_from_slice(self.receiver.as_bytes());
        // Signed in the form the request sends them, or the exchange verifies another text.
        let (amount, fee) =
            (crate::request::wire_decimal_text(&self.amount), crate::request::wire_decimal_text(&self.fee));
        let body = keccak(&[
            &action_type,
            &keccak(&[b"Withdraw"]),
            &receiver,
            &keccak(&[chain_name.as_bytes()]),
            &keccak(&[self.asset.as_bytes()]),
            &keccak(&[amount.as_bytes()]),
            &keccak(&[fee.as_bytes()]),
            &word(self.nonce),
            &keccak(&[self.environment.aster_chain().as_bytes()]),
        ]);
        Ok(keccak(&[b"\x19\x01", &domain, &body]))
    }
}

/// The main wallet's signature of a withdrawal (`0x` + 130 hex digits), for `withdraw`'s
/// `userSignature`.
pub fn withdraw_signature(main_wallet: &WalletKey, withdrawal: &Withdrawal) -> crate::Result<String> {
    let sig = main_wallet.sign_digest(&withdrawal.digest()?);
    Ok(format!("0x{}", hex::encode(sig)))
}
