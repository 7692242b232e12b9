//! Logging: each request at debug level, with no secret, key or signature. In its own test
//! binary because tracing caches per-callsite interest process-wide, and other tests
//! running without a subscriber would race with the capture.

mod common;
use common::*;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn debug_logs_name_the_request_but_no_secret_or_signature() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let sb = sandbox().await;
    let c = aster::Client::builder()
        .base_url(sb.base_url())
        .rate_limits(known_limits())
        .key(sb.api_key())
        .secret(sb.secret())
        .show_limit_usage(true)
        .build()
        .unwrap();
    c.account().await.unwrap();
    assert!(c.last_limit_usage().is_some_and(|u| u.weight_1m() == Some(5)));
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("/fapi/v4/account") && logs.contains("status=200"), "{logs}");
    assert!(!logs.contains(sb.secret()) && !logs.contains(sb.api_key()) && !logs.contains("signature"), "{logs}");
}
