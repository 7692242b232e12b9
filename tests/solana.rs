//! Solana main wallets (feature `solana`): the withdrawal signature byte for byte against
//! an independent Ed25519 implementation (`fixtures/make_solana_vectors.py`), and a signed
//! withdrawal accepted by the sandbox, recorded on chain, and refused when forged; a V3
//! client of a Solana user built only with that user's own Solana key. (Agent and builder
//! approvals by a Solana main wallet are in `agents.rs`.)
#![cfg(feature = "solana")]

mod common;

use aster::solana::{solana_withdraw_signature, SolanaKey, SolanaWithdrawal};
use aster::{DepositWithdrawState, Environment, SolanaChain};
use aster_sandbox::{AccountConfig, SandboxConfig};
use common::{dec, wallet_key, wallet_key_hex};

fn vectors() -> Vec<serde_json::Value> {
    serde_json::from_str(include_str!("fixtures/solana_vectors.json")).unwrap()
}

fn seed(v: &serde_json::Value) -> [u8; 32] {
    let bytes = (0..32).map(|i| u8::from_str_radix(&v["seed_hex"].as_str().unwrap()[i * 2..i * 2 + 2], 16).unwrap());
    bytes.collect::<Vec<u8>>().try_into().unwrap()
}

#[test]
fn withdrawal_signatures_match_an_independent_implementation() {
    for v in vectors() {
        let key = SolanaKey::from_seed(&seed(&v));
        assert_eq!(key.address(), v["address"].as_str().unwrap());
        let from_pair = SolanaKey::from_base58(v["keypair_base58"].as_str().unwrap()).unwrap();
        assert_eq!(from_pair.address(), key.address());
        let environment = if v["aster_chain"] == "Testnet" { Environment::Testnet } else { Environment::Mainnet };
        // Written with trailing zeros: signed without them, as the guide requires.
        let mut amount = dec(v["amount"].as_str().unwrap());
        amount.rescale(amount.scale() + 2);
        let address = key.address();
        let w = SolanaWithdrawal {
            receiver: &address,
            asset: v["token"].as_str().unwrap(),
            amount,
            fee: dec(v["fee"].as_str().unwrap()),
            nonce: v["nonce"].as_u64().unwrap(),
            environment,
        };
        assert_eq!(w.message(), v["message"].as_str().unwrap());
        assert_eq!(solana_withdraw_signature(&key, &w), v["signature"].as_str().unwrap());
    }
}

#[test]
fn a_keypair_whose_halves_disagree_is_refused_and_keys_never_print() {
    let v = &vectors()[0];
    let mut pair = bs58_decode(v["keypair_base58"].as_str().unwrap());
    pair[40] ^= 1;
    let e = SolanaKey::from_base58(&bs58_encode(&pair)).unwrap_err();
    assert!(matches!(e, aster::Error::Config(_)), "{e:?}");
    let key = SolanaKey::from_seed(&seed(v));
    let shown = format!("{key:?}");
    assert!(shown.contains(v["address"].as_str().unwrap()) && !shown.contains(&v["seed_hex"].as_str().unwrap()[..16]));
}

#[test]
fn a_solana_user_takes_only_its_own_solana_key_and_never_prints_it() {
    let (v, other) = (&vectors()[0], &vectors()[1]);
    let (user, secret) = (v["address"].as_str().unwrap(), v["keypair_base58"].as_str().unwrap());
    let builder = || aster::v3::Client::builder().user(user).private_key(wallet_key_hex(0x33));
    let client = builder().solana_main_key(secret).build().unwrap();
    assert_eq!(client.user_text(), Some(user));
    assert!(!format!("{client:?}").contains(&secret[..12]), "the secret never prints");
    let refused = [
        builder().solana_main_key(other["keypair_base58"].as_str().unwrap()).build().map(|_| ()),
        builder().main_private_key(wallet_key_hex(0x34)).build().map(|_| ()),
        aster::v3::Client::builder()
            .user(wallet_key(0x34).address().to_string())
            .private_key(wallet_key_hex(0x33))
            .solana_main_key(secret)
            .build()
            .map(|_| ()),
        aster::v3::Client::builder().user("not-an-address").private_key(wallet_key_hex(0x33)).build().map(|_| ()),
    ];
    for (i, r) in refused.into_iter().enumerate() {
        assert!(matches!(r, Err(aster::Error::Config(_))), "case {i}: {r:?}");
    }
}

fn bs58_decode(s: &str) -> Vec<u8> {
    // A tiny decoder for the test: the client's is the one under test elsewhere.
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut n: Vec<u8> = Vec::new();
    for c in s.bytes() {
        let mut carry = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
        for byte in n.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = carry as u8;
            carry >>= 8;
        }
        while carry > 0 {
            n.insert(0, carry as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|&c| c == b'1').count();
    [vec![0; zeros], n].concat()
}

fn bs58_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new();
    for &b in bytes {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    std::iter::repeat_n('1', zeros).chain(digits.iter().rev().map(|&d| ALPHABET[d as usize] as char)).collect()
}

#[tokio::test]
async fn a_signed_solana_withdrawal_is_recorded_on_chain_and_a_forged_one_refused() {
    let key = SolanaKey::from_seed(&[7; 32]);
    let mut cfg = SandboxConfig::default();
    cfg.accounts.push(
        AccountConfig::new("sol-key", "sol-secret")
            .with_wallet(wallet_key(51).address().to_string(), wallet_key(52).address().to_string()),
    );
    cfg.accounts[1].solana_wallet = Some(key.address());
    let sb = common::sandbox_with(cfg).await;
    let c = aster::spot::v3::Client::builder()
        .base_url(sb.base_url())
        .user(wallet_key(51).address().to_string())
        .private_key(wallet_key_hex(52))
        .build()
        .unwrap();
    let address = key.address();
    let nonce = common::unix_ms() as u64 * 1000;
    let w = SolanaWithdrawal {
        receiver: &address,
        asset: "USDT",
        amount: dec("12.50"),
        fee: dec("0.5"),
        nonce,
        environment: Environment::Mainnet,
    };
    let send = |signature: String| {
        c.solana_withdraw(SolanaChain::Solana, "USDT", dec("12.50"), dec("0.5"), address.clone())
            .user_nonce(nonce as i64)
            .user_signature(signature)
    };
    let forged = solana_withdraw_signature(&SolanaKey::from_seed(&[8; 32]), &w);
    assert_eq!(send(forged).await.unwrap_err().error_code(), Some(-1022));
    send(solana_withdraw_signature(&key, &w)).await.unwrap();
    let account = c.account().await.unwrap();
    let usdt = account.balances.iter().find(|b| b.asset == "USDT").unwrap().free;
    assert_eq!(usdt, dec("10000") - dec("13"), "one withdrawal left the spot wallet");
    // Spot's history is read on futures V3 (the guide's endpoints are futures ones).
    let v3 = aster::v3::Client::builder()
        .base_url(sb.base_url())
        .user(wallet_key(51).address().to_string())
        .private_key(wallet_key_hex(52))
        .build()
        .unwrap();
    let record = &v3.deposit_withdraw_history().await.unwrap()[0];
    assert_eq!((record.state.clone(), record.account_type.as_str()), (DepositWithdrawState::Success, "spot"));
    assert!(record.tx_hash.is_some());
}

#[tokio::test]
async fn the_chain_api_takes_a_signed_solana_withdrawal_from_either_wallet() {
    let key = SolanaKey::from_seed(&[9; 32]);
    let mut cfg = SandboxConfig::default();
    let mut account = AccountConfig::new("sol-chain", "sol-chain")
        .with_wallet(wallet_key(71).address().to_string(), wallet_key(72).address().to_string());
    account.solana_wallet = Some(key.address());
    cfg.accounts.push(account);
    let sb = common::sandbox_with(cfg).await;
    let c = aster::chain::Client::builder()
        .base_url(sb.base_url())
        .user(wallet_key(71).address().to_string())
        .private_key(wallet_key_hex(72))
        .build()
        .unwrap();
    let address = key.address();
    let nonce = common::unix_ms() as u64 * 1000;
    let signed = |amount: &str, nonce: u64| {
        let w = SolanaWithdrawal {
            receiver: &address,
            asset: "USDT",
            amount: dec(amount),
            fee: dec("0.5"),
            nonce,
            environment: Environment::Mainnet,
        };
        solana_withdraw_signature(&key, &w)
    };
    let perp = c.perp_solana_withdraw(
        "USDT",
        SolanaChain::Solana,
        dec("4"),
        dec("0.5"),
        address.clone(),
        nonce as i64,
        signed("4", nonce),
    );
    perp.await.unwrap();
    let spot = c.spot_solana_withdraw(
        "USDT",
        SolanaChain::Solana,
        dec("2"),
        dec("0.5"),
        address.clone(),
        nonce as i64 + 1,
        signed("2", nonce + 1),
    );
    spot.await.unwrap();
    let history = c.deposit_withdraw_history().chain_id("101").await.unwrap();
    assert_eq!(
        history.iter().map(|r| (r.account_type.as_str(), r.amount)).collect::<Vec<_>>(),
        [("spot", dec("2")), ("perp", dec("4"))]
    );
    assert!(history.iter().all(|r| r.state == DepositWithdrawState::Success));
}
