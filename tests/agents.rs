//! Agents and builders: the main wallet's typed requests signed byte for byte as an
//! independent EIP-712 implementation signs them (tests/fixtures/make_agent_vectors.py),
//! and the sandbox applying them: an approved agent trades, a deleted one cannot; a
//! builder's fee is charged within the rate the user approved.

mod common;
use aster::v3::Client;
use aster::{Environment, RateLimitSettings};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Deserialize)]
struct Fixture {
    user: String,
    main_private_key: String,
    nonce: u64,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    endpoint: String,
    aster_chain: String,
    signature_chain_id: i64,
    params: Vec<(String, String)>,
    signature: String,
}

/// One request's body, as a server on loopback receives it (answered with a success).
async fn capture(listener: &tokio::net::TcpListener) -> String {
    let (mut s, _) = listener.accept().await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).await.unwrap();
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
                .unwrap_or(0usize);
            if body.len() >= length {
                let reply = r#"{"code":200,"msg":"success"}"#;
                let out = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{reply}",
                    reply.len()
                );
                s.write_all(out.as_bytes()).await.unwrap();
                return body.to_string();
            }
        }
        assert!(n > 0, "the connection closed before the body arrived");
    }
}

fn value<'a>(params: &'a [(String, String)], key: &str) -> &'a str {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or_default()
}

async fn send(client: &Client, v: &Vector, nonce: u64) -> aster::Result<aster::models::CodeMsg> {
    let p = &v.params;
    let chain = v.signature_chain_id;
    let flag = |k: &str| value(p, k) == "true";
    match v.endpoint.as_str() {
        "approve_agent" => {
            let expired = value(p, "expired").parse().unwrap();
            let call = client.approve_agent(
                value(p, "agentName"),
                value(p, "agentAddress"),
                expired,
                flag("canSpotTrade"),
                flag("canPerpTrade"),
                flag("canWithdraw"),
                chain,
            );
            // An empty whitelist is what is sent when none is given.
            call.nonce(nonce).await
        }
        "update_agent" => {
            client
                .update_agent(
                    value(p, "agentAddress"),
                    flag("canSpotTrade"),
                    flag("canPerpTrade"),
                    flag("canWithdraw"),
                    chain,
                )
                .ip_whitelist(value(p, "ipWhitelist"))
                .nonce(nonce)
                .await
        }
        "delete_agent" => client.delete_agent(value(p, "agentAddress"), chain).nonce(nonce).await,
        "approve_builder" => {
            let rate = value(p, "maxFeeRate").parse().unwrap();
            client.approve_builder(value(p, "builder"), rate, value(p, "builderName"), chain).nonce(nonce).await
        }
        "update_builder" => {
            let rate = value(p, "maxFeeRate").parse().unwrap();
            client.update_builder(value(p, "builder"), rate, chain).nonce(nonce).await
        }
        "delete_builder" => client.delete_builder(value(p, "builder"), chain).nonce(nonce).await,
        other => panic!("no vector endpoint {other}"),
    }
}

#[tokio::test]
async fn typed_requests_are_signed_like_the_independent_implementation_byte_for_byte() {
    let f: Fixture = serde_json::from_str(include_str!("fixtures/agent_vectors.json")).unwrap();
    assert!(f.vectors.len() >= 7);
    for v in &f.vectors {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let environment = if v.aster_chain == "Testnet" { Environment::Testnet } else { Environment::Mainnet };
        let client = Client::builder()
            .environment(environment)
            .base_url(format!("http://{}", listener.local_addr().unwrap()))
            .user(f.user.clone())
            .private_key(common::wallet_key_hex(0x33))
            .main_private_key(f.main_private_key.clone())
            .rate_limits(RateLimitSettings::off())
            .build()
            .unwrap();
        let (body, reply) = tokio::join!(capture(&listener), send(&client, v, f.nonce));
        reply.unwrap();
        // The struct's fields in order, the wallet's after them, then the chain and the
        // signature: exactly what was signed is sent.
        let mut expected: Vec<String> = v.params.iter().map(|(k, val)| format!("{k}={}", encode(val))).collect();
        expected.push(format!("asterChain={}", v.aster_chain));
        expected.push(format!("user={}", f.user));
        expected.push(format!("nonce={}", f.nonce));
        expected.push(format!("signatureChainId={}", v.signature_chain_id));
        expected.push(format!("signature={}", v.signature));
        assert_eq!(body, expected.join("&"), "{} on {}", v.endpoint, v.aster_chain);
    }
}

fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn agent_of(sb: &aster_sandbox::Sandbox, main: &Client, agent: u8) -> Client {
    Client::builder()
        .base_url(sb.base_url())
        .user(main.user().unwrap().to_string())
        .private_key(common::wallet_key_hex(agent))
        .rate_limits(common::known_limits())
        .build()
        .unwrap()
}

/// A resting order far below the market, so it never fills.
async fn resting_order(c: &Client) -> aster::Result<aster::models::Order> {
    c.new_order("BTCUSDT", aster::Side::Buy, aster::OrderType::Limit)
        .time_in_force(aster::TimeInForce::Gtc)
        .quantity(common::dec("0.001"))
        .price(common::dec("30000"))
        .await
}

#[tokio::test]
async fn an_approved_agent_trades_within_its_permissions_and_a_deleted_one_cannot() {
    let sb = common::sandbox().await;
    let main = common::v3_account_with_main(&sb, 0xa1, 0xb2, "k-agents");
    let agent = agent_of(&sb, &main, 0xd4);
    let agent_address = common::wallet_key(0xd4).address().to_string();
    assert_eq!(agent.get_stp_mode().await.unwrap_err().error_code(), Some(-2015), "not approved yet");

    let expires = common::unix_ms() + 3_600_000;
    main.approve_agent("bot", &agent_address, expires, true, true, false, 56).await.unwrap();
    resting_order(&agent).await.expect("the approved agent trades for the user");
    let listed = main.get_agents().await.unwrap();
    let mine = listed.iter().find(|a| a.agent_address.eq_ignore_ascii_case(&agent_address)).unwrap();
    assert_eq!(
        (mine.agent_name.as_deref(), mine.can_perp_trade, mine.expired),
        (Some("bot"), Some(true), Some(expires))
    );

    // Without futures trading it still reads, but its orders are refused.
    main.update_agent(&agent_address, true, false, false, 56).ip_whitelist("10.0.0.1").await.unwrap();
    agent.get_stp_mode().await.unwrap();
    assert_eq!(resting_order(&agent).await.unwrap_err().error_code(), Some(-2015));

    main.delete_agent(&agent_address, 56).await.unwrap();
    assert_eq!(agent.get_stp_mode().await.unwrap_err().error_code(), Some(-2015), "a deleted agent signs nothing");
    assert!(main.get_agents().await.unwrap().iter().all(|a| !a.agent_address.eq_ignore_ascii_case(&agent_address)));
    // Deleting it again names what is wrong.
    assert_eq!(main.delete_agent(&agent_address, 56).await.unwrap_err().error_code(), Some(-1102));
}

#[tokio::test]
async fn the_sandbox_verifies_the_typed_struct_and_its_network() {
    let sb = common::sandbox().await;
    let main = common::v3_account_with_main(&sb, 0xa1, 0xb2, "k-verify");
    let agent_address = common::wallet_key(0xd4).address().to_string();
    let expires = (common::unix_ms() + 3_600_000).to_string();
    // The same fields signed as a plain V3 message by the API wallet: not the main
    // wallet's struct, so the signature recovers someone else.
    let params = [
        ("agentName", "bot"),
        ("agentAddress", agent_address.as_str()),
        ("ipWhitelist", ""),
        ("expired", expires.as_str()),
        ("canSpotTrade", "true"),
        ("canPerpTrade", "true"),
        ("canWithdraw", "false"),
        ("asterChain", "Mainnet"),
        ("signatureChainId", "56"),
    ];
    let forged =
        main.request(aster::endpoint::Method::Post, "/fapi/v3/approveAgent", aster::endpoint::Security::Trade, &params);
    assert_eq!(forged.await.unwrap_err().error_code(), Some(-1022));
    // Signed for the testnet, it is refused by a mainnet exchange.
    let testnet_signed = Client::builder()
        .environment(Environment::Testnet)
        .base_url(sb.base_url())
        .user(main.user().unwrap().to_string())
        .private_key(common::wallet_key_hex(0xb2))
        .main_private_key(common::wallet_key_hex(0xa1))
        .rate_limits(common::known_limits())
        .build()
        .unwrap();
    let refused =
        testnet_signed.approve_agent("bot", &agent_address, common::unix_ms() + 60_000, true, true, false, 56).await;
    assert_eq!(refused.unwrap_err().error_code(), Some(-1130), "asterChain names another network");
    assert!(main.get_agents().await.unwrap().iter().all(|a| !a.agent_address.eq_ignore_ascii_case(&agent_address)));
}

#[tokio::test]
async fn a_builders_fee_is_charged_within_the_rate_the_user_approved() {
    let sb = common::sandbox().await;
    let user = common::v3_account_with_main(&sb, 0xa1, 0xb2, "k-user");
    let builder = common::v3_account_with_main(&sb, 0xc3, 0xc4, "k-builder");
    let builder_address = builder.user().unwrap().to_string();
    let market = |rate: &str| {
        user.new_order("BTCUSDT", aster::Side::Buy, aster::OrderType::Market)
            .quantity(common::dec("0.01"))
            .builder(builder_address.clone())
            .fee_rate(common::dec(rate))
    };
    assert_eq!(market("0.0005").await.unwrap_err().error_code(), Some(-1102), "not approved");

    user.approve_builder(&builder_address, common::dec("0.001"), "b1", 56).await.unwrap();
    assert_eq!(user.get_builders().await.unwrap()[0].max_fee_rate, common::dec("0.001"));
    assert_eq!(market("0.002").await.unwrap_err().error_code(), Some(-1102), "above the approved rate");

    let builder_before = common::v3_usdt(&builder).await;
    let order = market("0.0005").await.unwrap();
    let trades = user.get_account_trades("BTCUSDT").await.unwrap();
    let fills: Vec<_> = trades.iter().filter(|t| t.order_id == order.order_id).collect();
    assert!(!fills.is_empty(), "the market order filled");
    let value: aster::Decimal = fills.iter().map(|t| t.quote_qty).sum();
    let commission: aster::Decimal = fills.iter().map(|t| t.commission).sum();
    let taker = aster_sandbox::SandboxConfig::default().taker_fee;
    let builder_fee: aster::Decimal = fills.iter().map(|t| (t.quote_qty * common::dec("0.0005")).round_dp(8)).sum();
    assert_eq!(
        commission,
        fills.iter().map(|t| (t.quote_qty * taker).round_dp(8)).sum::<aster::Decimal>() + builder_fee
    );
    assert!(builder_fee > aster::Decimal::ZERO && builder_fee <= value * common::dec("0.0005"));
    assert_eq!(common::v3_usdt(&builder).await - builder_before, builder_fee, "the builder is paid its fee");

    user.update_builder(&builder_address, common::dec("0.0001"), 56).await.unwrap();
    assert_eq!(market("0.0005").await.unwrap_err().error_code(), Some(-1102), "the lowered rate holds");
    user.delete_builder(&builder_address, 56).await.unwrap();
    assert!(user.get_builders().await.unwrap().is_empty());
    assert_eq!(market("0.00005").await.unwrap_err().error_code(), Some(-1102), "a deleted builder charges nothing");
}

/// A Solana main wallet's fixture: its user, key and nonce, and each request's query.
#[cfg(feature = "solana")]
#[derive(Deserialize)]
struct SolanaFixture {
    user: String,
    keypair_base58: String,
    nonce: u64,
    vectors: Vec<SolanaVector>,
}

#[cfg(feature = "solana")]
#[derive(Deserialize)]
struct SolanaVector {
    #[serde(flatten)]
    call: Vector,
    /// Everything sent before `&signature=`, all of it signed.
    query: String,
}

#[cfg(feature = "solana")]
fn solana_main(base_url: String, user: &str, key: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .user(user)
        .private_key(common::wallet_key_hex(0x33))
        .solana_main_key(key)
        .rate_limits(RateLimitSettings::off())
        .build()
        .unwrap()
}

#[cfg(feature = "solana")]
#[tokio::test]
async fn a_solana_main_wallet_signs_approvals_like_the_independent_implementation() {
    let f: SolanaFixture = serde_json::from_str(include_str!("fixtures/solana_agent_vectors.json")).unwrap();
    assert_eq!(f.vectors.len(), 6, "every agent and builder write");
    for v in &f.vectors {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = solana_main(format!("http://{}", listener.local_addr().unwrap()), &f.user, &f.keypair_base58);
        let (body, reply) = tokio::join!(capture(&listener), send(&client, &v.call, f.nonce));
        reply.unwrap();
        assert_eq!(body, format!("{}&signature={}", v.query, v.call.signature), "{}", v.call.endpoint);
    }
}

#[cfg(feature = "solana")]
#[tokio::test]
async fn a_solana_main_wallet_approves_an_agent_that_then_trades_and_a_forged_approval_is_refused() {
    use aster::solana::SolanaKey;
    let f: SolanaFixture = serde_json::from_str(include_str!("fixtures/solana_agent_vectors.json")).unwrap();
    let sb = common::sandbox().await;
    sb.add_account(
        aster_sandbox::AccountConfig::new("k-sol", "k-sol")
            .with_wallet(f.user.clone(), common::wallet_key(0x34).address().to_string()),
    );
    let main = solana_main(sb.base_url(), &f.user, &f.keypair_base58);
    assert_eq!((main.user(), main.user_text()), (None, Some(f.user.as_str())));
    let api_wallet = |byte: u8| {
        Client::builder().base_url(sb.base_url()).user(f.user.clone()).private_key(common::wallet_key_hex(byte)).build()
    };
    // The configured API wallet signs for the Solana user as for any other.
    api_wallet(0x34).unwrap().get_stp_mode().await.expect("an API wallet of a Solana user reads");

    let agent = api_wallet(0xd5).unwrap();
    let agent_address = common::wallet_key(0xd5).address().to_string();
    assert_eq!(agent.get_stp_mode().await.unwrap_err().error_code(), Some(-2015), "not approved yet");
    // The demo's query, sent by hand: signed by another Solana key it is refused, signed by
    // the user's own it is taken (so the refusal is the signature's).
    let query = format!(
        "agentName=hand&agentAddress={agent_address}&ipWhitelist=&expired={}&canSpotTrade=false&canPerpTrade=true\
         &canWithdraw=false&signatureChainId=101&nonce={}&user={}",
        common::unix_ms() + 3_600_000,
        common::unix_ms() * 1000,
        f.user
    );
    let post = |key: &SolanaKey| {
        let body = format!("{query}&signature={}", key.sign_text(&query));
        let http = aster::http_client_builder().unwrap().build().unwrap();
        http.post(format!("{}/fapi/v3/approveAgent", sb.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let forged = post(&SolanaKey::from_seed(&[42; 32])).await.unwrap();
    assert_eq!(forged.status().as_u16(), 400);
    assert!(forged.text().await.unwrap().contains("-1022"), "a signature not the user's");
    assert_eq!(agent.get_stp_mode().await.unwrap_err().error_code(), Some(-2015), "nothing was approved");
    let own = post(&SolanaKey::from_base58(&f.keypair_base58).unwrap()).await.unwrap();
    assert_eq!(own.status().as_u16(), 200, "{}", own.text().await.unwrap());
    resting_order(&agent).await.expect("the agent a Solana wallet approved trades for it");

    // Through the typed client: delete, approve again without futures, builders too.
    main.delete_agent(&agent_address, 101).await.unwrap();
    assert_eq!(agent.get_stp_mode().await.unwrap_err().error_code(), Some(-2015), "deleted");
    main.approve_agent("sol-bot", &agent_address, common::unix_ms() + 60_000, true, false, false, 101).await.unwrap();
    assert_eq!(resting_order(&agent).await.unwrap_err().error_code(), Some(-2015), "no futures permission");
    main.approve_builder("0x014c85ffb0fF2F2972237AA950B452f92C69Ae1D", common::dec("0.0001"), "b", 101).await.unwrap();
    assert_eq!(api_wallet(0x34).unwrap().get_builders().await.unwrap().len(), 1);
    // What the exchange documents only for EVM main wallets is refused before sending.
    let refused = main.create_sub_account("0x014c85ffb0fF2F2972237AA950B452f92C69Ae1D", "sub", "0x00").await;
    assert!(matches!(refused, Err(aster::Error::Config(_))), "{refused:?}");
}
