//! The Aster chain API through `aster::chain::Client` against the sandbox: every endpoint
//! answered (privacy, transfers to chain addresses, staking and its rewards, the perp and
//! spot wallets' withdrawals and transfers, fees), reads signed by the API wallet and writes
//! by the main wallet, and a testnet client that sends nothing. The signing scheme is the
//! spec's reading of docs that give no domain (`spec/chain/deviations.yaml`): the sandbox
//! checks the same reading, so this shows the client and the sandbox agree, not that the
//! exchange does.

mod common;

use aster::chain::{self, AccountPrivacy, StakeAccountState, StakingPeriod};
use aster::{Decimal, Environment, SolanaChain, TransferKind, WithdrawChain};
use aster_sandbox::{AccountConfig, Sandbox, SandboxConfig};
use common::{dec, wallet_key, wallet_key_hex};

const MAIN: u8 = 61;
const OTHER: u8 = 63;
const SOLANA_WALLET: &str = "GmaDrppBC7P5ARKV8g3djiwP89vz1jLK23V2GBjuAEGB";
const VALIDATOR: &str = "0x1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";

async fn sandbox() -> Sandbox {
    let mut cfg = SandboxConfig::default();
    for (key, main) in [("chain-a", MAIN), ("chain-b", OTHER)] {
        let mut a = AccountConfig::new(key, key)
            .with_wallet(wallet_key(main).address().to_string(), wallet_key(main + 1).address().to_string());
        a.solana_wallet = Some(SOLANA_WALLET.into());
        cfg.accounts.push(a);
    }
    common::sandbox_with(cfg).await
}

fn client(sb: &Sandbox, environment: Environment) -> chain::Client {
    chain::Client::builder()
        .base_url(sb.base_url())
        .environment(environment)
        .user(wallet_key(MAIN).address().to_string())
        .private_key(wallet_key_hex(MAIN + 1))
        .main_private_key(wallet_key_hex(MAIN))
        .build()
        .unwrap()
}

/// USDT in a futures wallet, read through futures V3.
async fn futures_usdt(sb: &Sandbox, main: u8) -> Decimal {
    let v3 = aster::v3::Client::builder()
        .base_url(sb.base_url())
        .user(wallet_key(main).address().to_string())
        .private_key(wallet_key_hex(main + 1))
        .build()
        .unwrap();
    common::v3_usdt(&v3).await
}

fn withdrawal(amount: &str, nonce: u64) -> aster::spot::Withdrawal<'static> {
    aster::spot::Withdrawal {
        chain: WithdrawChain::Bsc,
        receiver: wallet_key(MAIN).address(),
        asset: "USDT",
        amount: dec(amount),
        fee: dec("1"),
        nonce,
        environment: Environment::Mainnet,
    }
}

#[tokio::test]
async fn every_chain_endpoint_answers_through_the_typed_client() {
    let sb = sandbox().await;
    let c = client(&sb, Environment::Mainnet);

    // Privacy: opt-in.
    assert_eq!(c.account_status().await.unwrap().status, AccountPrivacy::Public);
    assert_eq!(c.modify_account_status(AccountPrivacy::Private).await.unwrap().status, AccountPrivacy::Private);
    assert_eq!(c.account_status().await.unwrap().status, AccountPrivacy::Private);
    assert_eq!(c.modify_account_status(AccountPrivacy::Public).await.unwrap().status, AccountPrivacy::Public);

    // A transfer to another chain address, once per client id.
    let before = futures_usdt(&sb, OTHER).await;
    let other = wallet_key(OTHER).address().to_string();
    let sent = c.transfer("USDT", dec("25"), other.clone()).client_tran_id("chain-t-1").await.unwrap();
    assert_eq!((sent.amount, sent.status), (dec("25"), chain::ChainTransferState::Success));
    assert_eq!(futures_usdt(&sb, OTHER).await, before + dec("25"));
    let again = c.transfer("USDT", dec("25"), other).client_tran_id("chain-t-1").await.unwrap_err();
    assert_eq!(again.error_code(), Some(-4115));

    // Staking: create, add, extend, rewards accrue and are claimed.
    assert_eq!(c.staking_account_status().await.unwrap().stake_account_status, StakeAccountState::Inactive);
    c.create_staking(VALIDATOR, dec("1000"), StakingPeriod::Weeks52).await.unwrap();
    c.deposit_stake(VALIDATOR, dec("500")).await.unwrap();
    assert_eq!(c.staking_account_status().await.unwrap().stake_account_status, StakeAccountState::Active);
    let refused = c.update_lock_period(StakingPeriod::Weeks26).await.unwrap_err();
    assert_eq!(refused.error_code(), Some(-1130), "a lock only gets longer");
    c.update_lock_period(StakingPeriod::Weeks208).await.unwrap();
    let mine = c.my_staking().await.unwrap();
    assert_eq!((mine.stake_amount, mine.period_code.as_str()), (dec("1500"), "208_WEEKS"));
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let rewards = c.claimable_rewards().await.unwrap();
    assert!(rewards.claimable_amount > Decimal::ZERO, "{rewards:?}");
    c.claim_rewards(rewards.claimable_amount).await.unwrap();
    assert!(c.claim_rewards(dec("1")).await.is_err(), "more than claimable");
    let locked = c.locked_aster().await.unwrap();
    assert_eq!(locked.total_volume, dec("291534089") + dec("1500"));

    // Withdrawals from either wallet, signed by the main wallet under `userNonce`.
    let receiver = wallet_key(MAIN).address().to_string();
    let nonce = common::unix_ms() as u64 * 1000;
    let main = wallet_key(MAIN);
    let sig = aster::spot::withdraw_signature(&main, &withdrawal("10", nonce)).unwrap();
    c.perp_withdraw("USDT", WithdrawChain::Bsc, dec("10"), dec("1"), receiver.clone(), nonce as i64, sig)
        .await
        .unwrap();
    let sig = aster::spot::withdraw_signature(&main, &withdrawal("5", nonce + 1)).unwrap();
    c.spot_withdraw("USDT", WithdrawChain::Bsc, dec("5"), dec("1"), receiver, nonce as i64 + 1, sig).await.unwrap();
    // Solana withdrawals must be signed here: a signature not by the wallet is refused.
    let perp = c.perp_solana_withdraw("USDT", SolanaChain::Solana, dec("3"), dec("0.6"), SOLANA_WALLET, 1, "1111");
    assert_eq!(perp.await.unwrap_err().error_code(), Some(-1022));
    let spot = c.spot_solana_withdraw("USDT", SolanaChain::Solana, dec("3"), dec("0.6"), SOLANA_WALLET, 1, "1111");
    assert_eq!(spot.await.unwrap_err().error_code(), Some(-1022));
    let info = c.withdraw_info().await.unwrap();
    assert!(info.user_remaining_daily_limit < info.user_daily_limit);
    let history = c.deposit_withdraw_history().chain_id("56").await.unwrap();
    assert_eq!(history.iter().map(|r| r.account_type.as_str()).collect::<Vec<_>>(), ["spot", "perp"]);
    assert!(c.deposit_withdraw_history().chain_id("1").await.unwrap().is_empty());

    // Wallet transfers both ways, and the fee estimate.
    c.perp_wallet_transfer("USDT", dec("7"), "chain-w-1", TransferKind::FutureSpot).await.unwrap();
    c.spot_wallet_transfer("USDT", dec("7"), "chain-w-2", TransferKind::SpotFuture).await.unwrap();
    assert_eq!(c.withdraw_fee(WithdrawChain::Arbitrum, "USDT").await.unwrap().gas_cost, dec("0.5"));

    let left = common::uncalled(&sb, chain::ENDPOINTS);
    assert!(left.is_empty(), "not called: {left:?}");
    assert_eq!(chain::ENDPOINTS.len(), 20);
}

#[tokio::test]
async fn a_write_signed_by_the_api_wallet_alone_is_refused_and_a_testnet_client_sends_nothing() {
    let sb = sandbox().await;
    // Without the main wallet's key a write cannot be signed: refused before sending.
    let api_only = chain::Client::builder()
        .base_url(sb.base_url())
        .user(wallet_key(MAIN).address().to_string())
        .private_key(wallet_key_hex(MAIN + 1))
        .build()
        .unwrap();
    let before = sb.request_count();
    assert!(api_only.modify_account_status(AccountPrivacy::Public).await.is_err());
    assert_eq!(sb.request_count(), before);
    // A main wallet key that is not the user's is refused when the client is built.
    let stranger = chain::Client::builder()
        .base_url(sb.base_url())
        .user(wallet_key(MAIN).address().to_string())
        .private_key(wallet_key_hex(MAIN + 1))
        .main_private_key(wallet_key_hex(99))
        .build();
    assert!(matches!(stranger, Err(aster::Error::Config(_))));
    // The testnet has no chain API.
    let testnet = client(&sb, Environment::Testnet);
    let before = sb.request_count();
    let e = testnet.my_staking().await.unwrap_err();
    assert!(matches!(e, aster::Error::NotServed { .. }), "{e:?}");
    assert_eq!(sb.request_count(), before);
}

#[tokio::test]
async fn an_amount_sent_as_a_json_number_keeps_every_digit() {
    // The exchange writes some amounts as JSON numbers with more digits than an f64 holds
    // (the chain RPC's example balance has 18): decoded from the raw text, none is lost.
    let sb = sandbox().await;
    let body = r#"{"periodCode":"208_WEEKS","totalVolume":9049204461.84438644}"#;
    let fault = aster_sandbox::Fault::ExecutedThenReply { status: 200, body: body.into() };
    sb.inject(Some("/aster-chain/v3/staking/getLockedAster"), fault, 1);
    let locked = client(&sb, Environment::Mainnet).locked_aster().await.unwrap();
    assert_eq!(locked.total_volume.to_string(), "9049204461.84438644");
}
