//! V3 account structure against the sandbox: agents registered by the main wallet,
//! sub-accounts (bind, create, list, update), transfers between them, and migration.

mod common;

use aster::v3::{Client, WalletKey};
use aster::{Error, SubAccountStatus, SubTransferKind};
use aster_sandbox::Sandbox;
use common::{dec, sandbox, unix_ms, wallet_key, wallet_key_hex};

/// A sandbox account whose main wallet key the test holds, and a client for it.
fn main_account(sb: &Sandbox) -> Client {
    common::v3_account_with_main(sb, 0xa1, 0xb2, "k-main")
}

async fn usdt(client: &Client) -> aster::Decimal {
    common::v3_usdt(client).await
}

#[tokio::test]
async fn the_main_wallet_registers_an_agent_that_can_then_trade() {
    let sb = sandbox().await;
    let client = main_account(&sb);
    let agent = wallet_key(0xd4);
    let agent_client = Client::builder()
        .base_url(sb.base_url())
        .user(client.user().unwrap().to_string())
        .private_key(wallet_key_hex(0xd4))
        .build()
        .unwrap();
    assert_eq!(agent_client.get_stp_mode().await.unwrap_err().error_code(), Some(-2015), "not yet approved");

    client
        .register_and_approve_agent("bot-1", agent.address().to_string(), unix_ms() + 3_600_000, 56, true, true, false)
        .agent_code("ref-123")
        .await
        .unwrap();
    agent_client.get_stp_mode().await.expect("the new agent signs for the user");

    // Withdrawal rights need an IP whitelist; the API wallet cannot register agents.
    let e = client
        .register_and_approve_agent("bot-2", agent.address().to_string(), unix_ms() + 60_000, 56, false, false, true)
        .await;
    assert_eq!(e.unwrap_err().error_code(), Some(-1102));
    let by_agent = agent_client
        .register_and_approve_agent(
            "bot-3",
            wallet_key(0xe5).address().to_string(),
            unix_ms() + 60_000,
            56,
            true,
            true,
            false,
        )
        .await;
    assert!(matches!(by_agent, Err(Error::MissingCredentials { .. })), "{by_agent:?}");
}

#[tokio::test]
async fn an_expired_agent_is_refused() {
    let sb = sandbox().await;
    let client = main_account(&sb);
    let agent = wallet_key(0xd5);
    client
        .register_and_approve_agent("short", agent.address().to_string(), unix_ms() + 300, 56, true, true, false)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let late = Client::builder()
        .base_url(sb.base_url())
        .user(client.user().unwrap().to_string())
        .private_key(wallet_key_hex(0xd5))
        .build()
        .unwrap();
    assert_eq!(late.get_stp_mode().await.unwrap_err().error_code(), Some(-2015));
}

async fn create_sub(client: &Client, child: &WalletKey, name: &str) -> aster::Result<aster::models::CodeMsg> {
    let mut call = client.create_sub_account(child.address().to_string(), name, "").nonce(client.next_nonce());
    call.params_mut().child_signature = client.child_signature(&call, child)?;
    call.await
}

#[tokio::test]
async fn sub_accounts_are_created_bound_listed_renamed_and_frozen() {
    let sb = sandbox().await;
    let client = main_account(&sb);
    let (a, b) = (wallet_key(0x51), wallet_key(0x52));
    create_sub(&client, &a, "desk-a").await.unwrap();
    assert!(create_sub(&client, &a, "again").await.is_err(), "one account per address");

    // A childSignature by another key is refused.
    let mut forged =
        client.create_sub_account(wallet_key(0x53).address().to_string(), "x", "").nonce(client.next_nonce());
    forged.params_mut().child_signature = client.child_signature(&forged, &b).unwrap();
    assert_eq!(forged.await.unwrap_err().error_code(), Some(-1022));

    let mut bind = client.bind_sub_account(b.address().to_string(), "desk-b", "").nonce(client.next_nonce());
    bind.params_mut().child_signature = client.child_signature(&bind, &b).unwrap();
    bind.await.unwrap();

    let list = client.get_sub_account_list().await.unwrap();
    let names: Vec<(&str, bool)> = list.iter().map(|s| (s.sub_account_name.as_str(), s.parent_account)).collect();
    assert_eq!(names, [("", true), ("desk-a", false), ("desk-b", false)]);

    client.update_sub_account(a.address().to_string()).sub_account_name("desk-a2").await.unwrap();
    client.update_sub_account(a.address().to_string()).status(SubAccountStatus::Frozen).await.unwrap();
    let list = client.get_sub_account_list().await.unwrap();
    assert!(list.iter().any(|s| s.sub_account_name == "desk-a2"));
    let e = client
        .sub_account_transfer(a.address().to_string(), "USDT", dec("10"), SubTransferKind::FutureFuture)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("frozen"), "{e}");
}

#[tokio::test]
async fn transfers_move_balances_between_main_and_sub_accounts_and_migration_brings_them_back() {
    let sb = sandbox().await;
    let client = main_account(&sb);
    let child = wallet_key(0x61);
    create_sub(&client, &child, "desk").await.unwrap();
    let before = usdt(&client).await;
    client
        .sub_account_transfer(child.address().to_string(), "USDT", dec("250.5"), SubTransferKind::FutureFuture)
        .await
        .unwrap();
    assert_eq!(usdt(&client).await, before - dec("250.5"));

    // The sub-account signs with its own wallet: give it an agent and check its balance.
    let child_main = format!("0x{}", hex::encode([0x61u8; 32]));
    let sub = Client::builder()
        .base_url(sb.base_url())
        .user(child.address().to_string())
        .private_key(wallet_key_hex(0x62))
        .main_private_key(child_main)
        .build()
        .unwrap();
    sub.register_and_approve_agent(
        "sub-bot",
        wallet_key(0x62).address().to_string(),
        unix_ms() + 60_000,
        56,
        true,
        true,
        false,
    )
    .await
    .unwrap();
    assert_eq!(usdt(&sub).await, dec("250.5"));

    // The main account pulls 1 USDT back from the sub-account; a stranger's address is refused.
    client
        .sub_account_transfer(client.user().unwrap().to_string(), "USDT", dec("1"), SubTransferKind::FutureFuture)
        .from_account_address(child.address().to_string())
        .await
        .unwrap();
    let stranger = client
        .sub_account_transfer(wallet_key(0x99).address().to_string(), "USDT", dec("1"), SubTransferKind::FutureFuture)
        .await;
    assert!(stranger.is_err());

    let batch = sub.migrate_user_assets().await.unwrap().batch_id.expect("a batch id");
    assert_eq!(usdt(&sub).await, dec("0"));
    assert_eq!(usdt(&client).await, before);
    let history = client.migrate_user_assets_history(batch.clone()).await.unwrap();
    assert_eq!((history.batch_id, history.success_count), (batch, 1));
    assert_eq!(history.details[0].amount, dec("249.5"));
}
