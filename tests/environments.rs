//! Environments: a client chosen for the testnet signs on the testnet's chain (714) and its
//! withdrawals name the testnet, a sandbox playing the testnet verifies exactly that, and
//! an endpoint the testnet does not serve is refused before anything is sent.

mod common;

use aster::{Environment, Error};
use aster_sandbox::{Sandbox, SandboxConfig, DEMO_SIGNER_KEY, DEMO_USER};
use common::{dec, sandbox, sandbox_with};

fn futures_v3(sb: &Sandbox, env: Environment) -> aster::v3::Client {
    aster::v3::Client::builder()
        .environment(env)
        .base_url(sb.base_url())
        .user(DEMO_USER)
        .private_key(DEMO_SIGNER_KEY)
        .build()
        .unwrap()
}

fn spot_v3(sb: &Sandbox, env: Environment) -> aster::spot::v3::Client {
    aster::spot::v3::Client::builder()
        .environment(env)
        .base_url(sb.base_url())
        .user(DEMO_USER)
        .private_key(DEMO_SIGNER_KEY)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_testnet_signature_is_accepted_by_the_testnet_and_refused_by_mainnet_and_the_reverse() {
    let (main, test) = (sandbox().await, sandbox_with(SandboxConfig::testnet()).await);
    for (sb, env, other) in
        [(&main, Environment::Mainnet, Environment::Testnet), (&test, Environment::Testnet, Environment::Mainnet)]
    {
        futures_v3(sb, env).account().await.unwrap_or_else(|e| panic!("{env} on the {env}: {e}"));
        spot_v3(sb, env).account().await.unwrap_or_else(|e| panic!("{env} spot on the {env}: {e}"));
        let wrong = futures_v3(sb, other).account().await.unwrap_err();
        assert_eq!(wrong.error_code(), Some(-1022), "{other} signature on the {env}: {wrong}");
        assert_eq!(spot_v3(sb, other).account().await.unwrap_err().error_code(), Some(-1022));
    }
    // A custom deployment: the host and the chain set apart from the environment.
    let custom = aster::v3::Client::builder()
        .base_url(test.base_url())
        .chain_id(714)
        .user(DEMO_USER)
        .private_key(DEMO_SIGNER_KEY)
        .build()
        .unwrap();
    custom.account().await.unwrap();
}

#[tokio::test]
async fn an_endpoint_the_testnet_does_not_serve_is_refused_before_sending() {
    let sb = sandbox_with(SandboxConfig::testnet()).await;
    let c = futures_v3(&sb, Environment::Testnet);
    let before = sb.request_count();
    for e in [
        c.update_mmp("BTCUSDT", 5_000, 10_000).await.unwrap_err(),
        c.funding_info().await.unwrap_err(),
        c.index_references("BTCUSDT").await.unwrap_err(),
    ] {
        assert!(matches!(e, Error::NotServed { environment: Environment::Testnet, .. }), "{e}");
        assert!(e.to_string().contains("not served on the testnet"), "{e}");
    }
    let spot = spot_v3(&sb, Environment::Testnet);
    assert!(matches!(spot.get_open_orders("ASTERUSDT").order_id(1).await, Err(Error::NotServed { .. })));
    // The testnet's docs describe V3 only.
    let v1 = aster::Client::builder().environment(Environment::Testnet).base_url(sb.base_url()).build().unwrap();
    assert!(matches!(v1.ping().await, Err(Error::NotServed { .. })));
    assert_eq!(sb.request_count(), before, "nothing was sent");
    // What the testnet serves goes through.
    c.ping().await.unwrap();
    spot.get_orders().await.unwrap();
}

#[tokio::test]
async fn each_environment_has_its_own_hosts() {
    let v3 = |env| aster::v3::Client::builder().environment(env).user(DEMO_USER).private_key(DEMO_SIGNER_KEY).build();
    assert_eq!(v3(Environment::Testnet).unwrap().base_url(), "https://fapi.asterdex-testnet.com");
    assert_eq!(v3(Environment::Mainnet).unwrap().base_url(), "https://fapi.asterdex.com");
    let spot = aster::spot::Client::builder().environment(Environment::Testnet).build().unwrap();
    assert_eq!(spot.base_url(), "https://sapi.asterdex-testnet.com");
    assert_eq!(spot.environment(), Environment::Testnet);
    assert_eq!(Environment::Testnet.futures_stream_url(), "wss://fstream.asterdex-testnet.com");
    assert_eq!(Environment::Testnet.spot_stream_url(), "wss://sstream.asterdex-testnet.com");
    assert_eq!((Environment::Mainnet.chain_id(), Environment::Testnet.chain_id()), (1666, 714));
}

#[tokio::test]
async fn a_testnet_withdrawal_names_the_testnet_in_what_the_main_wallet_signs() {
    let main_key = common::wallet_key(9);
    let mut cfg = SandboxConfig::testnet();
    cfg.accounts[0].wallet = Some(aster_sandbox::WalletAccount {
        user: main_key.address().to_string(),
        signers: vec![aster_sandbox::DEMO_SIGNER.into()],
    });
    let sb = sandbox_with(cfg).await;
    let c = aster::spot::v3::Client::builder()
        .environment(Environment::Testnet)
        .base_url(sb.base_url())
        .user(main_key.address().to_string())
        .private_key(DEMO_SIGNER_KEY)
        .build()
        .unwrap();
    // Each attempt with its own nonce: a request the exchange read uses its nonce up.
    let signed_on = |environment, nonce| {
        let w = aster::spot::Withdrawal {
            chain: aster::spot::WithdrawChain::Bsc,
            receiver: main_key.address(),
            asset: "USDT",
            amount: dec("10"),
            fee: dec("1"),
            nonce,
            environment,
        };
        aster::spot::withdraw_signature(&main_key, &w).unwrap()
    };
    let send = |sig: String, nonce: u64| {
        c.withdraw(aster::spot::WithdrawChain::Bsc, "USDT", dec("10"), dec("1"), main_key.address().to_string(), sig)
            .nonce(nonce)
    };
    let nonce = common::unix_ms() as u64 * 1000;
    let refused = send(signed_on(Environment::Mainnet, nonce), nonce).await.unwrap_err();
    assert_eq!(refused.error_code(), Some(-1022));
    send(signed_on(Environment::Testnet, nonce + 1), nonce + 1).await.unwrap();
}
