//! The one TLS setup REST and WebSocket share: a real handshake with a loopback server whose
//! certificate no platform trusts (a self-signed test certificate in tests/fixtures/tls/)
//! is refused by both transports, and not a byte of the request reaches the server.

use aster::ws::{WsClient, WsConfig, WsError};
use futures_util::StreamExt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

const CERT: &[u8] = include_bytes!("fixtures/tls/cert.pem");
const KEY: &[u8] = include_bytes!("fixtures/tls/key.pem");

/// What the server saw: handshakes begun, and request bytes read after one completed.
#[derive(Default)]
struct Seen {
    handshakes: AtomicUsize,
    bytes_after_handshake: AtomicUsize,
}

async fn untrusted_tls_server() -> (SocketAddr, Arc<Seen>) {
    let certs = vec![CertificateDer::from_pem_slice(CERT).unwrap()];
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls_graviola::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let seen_by_server = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, seen) = (acceptor.clone(), seen_by_server.clone());
            tokio::spawn(async move {
                seen.handshakes.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let mut buf = [0u8; 4096];
                    while let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(2), tls.read(&mut buf)).await {
                        if n == 0 {
                            break;
                        }
                        seen.bytes_after_handshake.fetch_add(n, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    (addr, seen)
}

/// Every message in an error's chain, since the certificate's fault is a few causes down.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[tokio::test]
async fn rest_refuses_a_certificate_the_platform_does_not_trust() {
    let (addr, seen) = untrusted_tls_server().await;
    let client = aster::Client::builder()
        .base_url(format!("https://localhost:{}", addr.port()))
        .key("tls-test-key")
        .secret("tls-test-secret")
        .build()
        .unwrap();
    let e = client.balance().await.unwrap_err();
    let text = chain(&e).to_lowercase();
    assert!(text.contains("certificate"), "{text}");
    assert!(!text.contains("tls-test-secret") && !text.contains("tls-test-key"), "{text}");
    assert!(seen.handshakes.load(Ordering::SeqCst) >= 1, "a TLS handshake was attempted");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(seen.bytes_after_handshake.load(Ordering::SeqCst), 0, "nothing was sent in clear or otherwise");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_refuses_a_certificate_the_platform_does_not_trust() {
    let (addr, seen) = untrusted_tls_server().await;
    let config = WsConfig {
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(400),
        control_timeout: Duration::from_millis(500),
        ..WsConfig::default()
    };
    let ws = WsClient::with_config(format!("wss://localhost:{}", addr.port()), config);
    let mut book = ws.subscribe(aster::streams::book_ticker("BTCUSDT")).await.unwrap();
    let item = tokio::time::timeout(Duration::from_secs(5), book.next()).await.expect("an item, not silence");
    match item {
        Some(Err(WsError::Reconnecting(why))) => assert!(why.to_lowercase().contains("certificate"), "{why}"),
        other => panic!("expected a reconnect notice naming the certificate, got {other:?}"),
    }
    assert!(seen.handshakes.load(Ordering::SeqCst) >= 1);
    assert_eq!(seen.bytes_after_handshake.load(Ordering::SeqCst), 0);
    ws.stop().await;
}
