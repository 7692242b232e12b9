//! The V3 signer against signatures made by an independent EIP-712 implementation
//! (eth-account; see tests/fixtures/make_eip712_vectors.py), byte for byte.

use aster::wallet::{parse_signature, typed_data_digest, Address, WalletKey};

#[derive(serde::Deserialize)]
struct Fixture {
    demo: Demo,
    vectors: Vec<Vector>,
    withdrawals: Vec<WithdrawVector>,
}

#[derive(serde::Deserialize)]
struct WithdrawVector {
    chain_id: u64,
    receiver: String,
    asset: String,
    amount_written: String,
    fee_written: String,
    nonce: u64,
    aster_chain: String,
    digest: String,
    signature: String,
}

#[derive(serde::Deserialize)]
struct Demo {
    signer: String,
    private_key: String,
}

#[derive(serde::Deserialize)]
struct Vector {
    chain_id: u64,
    private_key: String,
    address: String,
    msg: String,
    digest: String,
    signature: String,
}

fn fixture() -> Fixture {
    serde_json::from_str(include_str!("fixtures/eip712_vectors.json")).expect("fixture parses")
}

#[test]
fn docs_demo_key_derives_the_docs_demo_signer() {
    let f = fixture();
    let key = WalletKey::from_hex(&f.demo.private_key).unwrap();
    assert_eq!(key.address().to_string(), f.demo.signer);
}

#[test]
fn digests_match_the_independent_implementation() {
    for v in fixture().vectors {
        let digest = typed_data_digest(v.chain_id, &v.msg);
        assert_eq!(format!("0x{}", hex::encode(digest)), v.digest, "digest of {:?}", v.msg);
    }
}

#[test]
fn signatures_match_the_independent_implementation_byte_for_byte() {
    let vectors = fixture().vectors;
    assert!(vectors.len() >= 8);
    for v in vectors {
        let key = WalletKey::from_hex(&v.private_key).unwrap();
        assert_eq!(key.address().to_string(), v.address);
        assert_eq!(key.sign_message(v.chain_id, &v.msg), v.signature, "signature of {:?}", v.msg);
    }
}

#[test]
fn fixture_signatures_recover_their_address_and_not_on_another_chain() {
    for v in fixture().vectors {
        let sig = parse_signature(&v.signature).unwrap();
        let address: Address = v.address.parse().unwrap();
        assert_eq!(Address::recover(&typed_data_digest(v.chain_id, &v.msg), &sig), Some(address));
        assert_ne!(Address::recover(&typed_data_digest(v.chain_id + 1, &v.msg), &sig), Some(address));
    }
}

/// The main wallet signs the amount and fee the request sends (the wire form), whatever
/// scale the caller wrote them at: `10.123400` signs as `10.1234`.
#[test]
fn a_withdrawal_signs_its_amounts_as_sent_like_the_independent_implementation() {
    let f = fixture();
    assert!(f.withdrawals.iter().any(|w| w.amount_written.ends_with('0') && w.amount_written.contains('.')));
    let key = WalletKey::from_hex(&f.demo.private_key).unwrap();
    for w in f.withdrawals {
        let chain = match w.chain_id {
            1 => aster::spot::WithdrawChain::Ethereum,
            56 => aster::spot::WithdrawChain::Bsc,
            _ => aster::spot::WithdrawChain::Arbitrum,
        };
        let withdrawal = aster::spot::Withdrawal {
            chain,
            receiver: w.receiver.parse().unwrap(),
            asset: &w.asset,
            amount: w.amount_written.parse().unwrap(),
            fee: w.fee_written.parse().unwrap(),
            nonce: w.nonce,
            environment: if w.aster_chain == "Testnet" {
                aster::Environment::Testnet
            } else {
                aster::Environment::Mainnet
            },
        };
        assert_eq!(format!("0x{}", hex::encode(withdrawal.digest().unwrap())), w.digest, "{}", w.amount_written);
        assert_eq!(aster::spot::withdraw_signature(&key, &withdrawal).unwrap(), w.signature);
    }
}
