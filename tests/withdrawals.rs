//! Withdrawals of the deposit and withdrawal guide against the sandbox: from the futures
//! wallet on V1 and V3 (signed by the main wallet, the V3 one under its own `userNonce`),
//! to Solana unsigned (accepted, never recorded on chain), the daily limits and the
//! history. Signed Solana withdrawals are in `tests/solana.rs` (feature `solana`).

mod common;

use aster::{Decimal, SolanaChain, WithdrawChain};
use aster::{DepositWithdrawKind, DepositWithdrawState};
use aster_sandbox::{AccountConfig, Sandbox, SandboxConfig};
use common::{dec, wallet_key, wallet_key_hex};

/// A Solana address the sandbox knows as the account's (any 32 bytes in Base58).
pub const SOLANA_WALLET: &str = "GmaDrppBC7P5ARKV8g3djiwP89vz1jLK23V2GBjuAEGB";

async fn sandbox_with_main(main: u8) -> Sandbox {
    let mut cfg = SandboxConfig::default();
    cfg.accounts.push(
        AccountConfig::new("withdraw-key", "withdraw-secret")
            .with_wallet(wallet_key(main).address().to_string(), wallet_key(main + 1).address().to_string()),
    );
    cfg.accounts[1].solana_wallet = Some(SOLANA_WALLET.into());
    common::sandbox_with(cfg).await
}

fn v1(sb: &Sandbox) -> aster::Client {
    aster::Client::builder().base_url(sb.base_url()).key("withdraw-key").secret("withdraw-secret").build().unwrap()
}

fn v3(sb: &Sandbox, main: u8) -> aster::v3::Client {
    aster::v3::Client::builder()
        .base_url(sb.base_url())
        .user(wallet_key(main).address().to_string())
        .private_key(wallet_key_hex(main + 1))
        .build()
        .unwrap()
}

fn usdt(info: &aster::models::WithdrawInfo) -> (Decimal, Decimal) {
    let a = &info.balances["USDT"];
    (a.perp_total_withdraw_amount, a.spot_total_withdraw_amount)
}

#[tokio::test]
async fn futures_withdrawals_are_signed_by_the_main_wallet_on_v1_and_v3() {
    let main = wallet_key(21);
    let sb = sandbox_with_main(21).await;
    let (c1, c3) = (v1(&sb), v3(&sb, 21));
    let before = c1.withdraw_info().await.unwrap();
    assert_eq!(usdt(&before), (dec("100000"), dec("10000")));
    assert_eq!(before.balances["USDT"].chain_balances["56"].withdraw_fee, dec("0.5"));

    let nonce = common::unix_ms() as u64 * 1000;
    let withdrawal = |amount: &str, nonce: u64| aster::spot::Withdrawal {
        chain: WithdrawChain::Bsc,
        receiver: main.address(),
        asset: "USDT",
        amount: dec(amount),
        fee: dec("1"),
        nonce,
        environment: aster::Environment::Mainnet,
    };
    let signature = aster::spot::withdraw_signature(&main, &withdrawal("25.50", nonce)).unwrap();
    let receiver = main.address().to_string();
    // V1: the withdrawal's nonce is a param; a signature by another key moves nothing.
    let forged = aster::spot::withdraw_signature(&wallet_key(99), &withdrawal("25.50", nonce)).unwrap();
    let refused = c1
        .withdraw(WithdrawChain::Bsc, "USDT", dec("25.50"), dec("1"), nonce as i64, receiver.clone(), forged)
        .await
        .unwrap_err();
    assert_eq!(refused.error_code(), Some(-1022));
    let done = c1
        .withdraw(WithdrawChain::Bsc, "USDT", dec("25.50"), dec("1"), nonce as i64, receiver.clone(), signature)
        .await
        .unwrap();
    assert!(!done.withdraw_id.is_empty());

    // V3: signed under `userNonce`, apart from the request's own nonce.
    let user_nonce = nonce + 7;
    let signature = aster::spot::withdraw_signature(&main, &withdrawal("4", user_nonce)).unwrap();
    c3.withdraw(WithdrawChain::Bsc, "USDT", dec("4"), dec("1"), user_nonce as i64, receiver, signature).await.unwrap();

    let after = c3.withdraw_info().await.unwrap();
    assert_eq!(usdt(&after), (dec("100000") - dec("31.5"), dec("10000")), "both left the futures wallet");
    assert_eq!(after.user_remaining_daily_limit, dec("10000") - dec("29.5"));
    let history = c3.deposit_withdraw_history().await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!((history[0].amount, history[1].amount), (dec("4"), dec("25.5")), "newest first");
    assert!(history.iter().all(|r| r.kind == DepositWithdrawKind::Withdraw
        && r.state == DepositWithdrawState::Success
        && r.account_type == "perp"
        && r.chain_id == 56));
}

#[tokio::test]
async fn a_withdrawal_over_the_daily_limit_is_refused_and_moves_nothing() {
    let main = wallet_key(31);
    let sb = sandbox_with_main(31).await;
    let c = v1(&sb);
    let nonce = common::unix_ms() as u64 * 1000;
    let w = aster::spot::Withdrawal {
        chain: WithdrawChain::Ethereum,
        receiver: main.address(),
        asset: "USDT",
        amount: dec("10001"),
        fee: dec("1"),
        nonce,
        environment: aster::Environment::Mainnet,
    };
    let signature = aster::spot::withdraw_signature(&main, &w).unwrap();
    let e = c
        .withdraw(
            WithdrawChain::Ethereum,
            "USDT",
            dec("10001"),
            dec("1"),
            nonce as i64,
            main.address().to_string(),
            signature,
        )
        .await
        .unwrap_err();
    assert_eq!(e.error_code(), Some(-1130));
    assert_eq!(usdt(&c.withdraw_info().await.unwrap()).0, dec("100000"));
    assert!(c.deposit_withdraw_history().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unsigned_solana_withdrawal_is_accepted_but_not_recorded_on_chain() {
    let sb = sandbox_with_main(41).await;
    let c = v3(&sb, 41);
    let done = c.solana_withdraw(SolanaChain::Solana, "USDT", dec("3"), dec("0.6"), SOLANA_WALLET).await.unwrap();
    assert!(!done.hash.is_empty());
    let record = &c.deposit_withdraw_history().await.unwrap()[0];
    assert_eq!(
        (record.state.clone(), record.chain_id, record.tx_hash.as_deref()),
        (DepositWithdrawState::Processing, 101, None)
    );
    // Only to the account's own Solana wallet; half a signature is refused.
    let elsewhere = c.solana_withdraw(SolanaChain::Solana, "USDT", dec("3"), dec("0.6"), common::FOREIGN_SOLANA);
    assert_eq!(common::refused_code(elsewhere.await), Some(-1130));
    let half = c.solana_withdraw(SolanaChain::Solana, "USDT", dec("3"), dec("0.6"), SOLANA_WALLET).user_nonce(1).await;
    assert_eq!(half.unwrap_err().error_code(), Some(-1102));
    // On V1 too.
    v1(&sb).solana_withdraw(SolanaChain::Solana, "USDT", dec("2"), dec("0.5"), SOLANA_WALLET).await.unwrap();
    assert_eq!(usdt(&c.withdraw_info().await.unwrap()).0, dec("100000") - dec("6.1"));
}
