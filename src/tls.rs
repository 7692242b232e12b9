//! One TLS stack and one trust store for REST and WebSocket, set up once per process.
//!
//! With the default `rustls` feature the crypto is pure Rust (graviola on x86_64 and
//! aarch64, so no C compiler is needed to build), certificates are checked by the
//! platform's verifier, and both transports share that verifier. `rustls-ring` swaps in
//! *ring* (needs a C compiler; runs on any CPU); `native-tls` uses the system's TLS library
//! for both transports instead.

#[cfg(feature = "native-tls")]
mod imp {
    pub(crate) fn rest(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
        Ok(builder.tls_backend_native())
    }

    #[cfg(feature = "ws")]
    pub(crate) fn websocket() -> Result<Option<tokio_tungstenite::Connector>, String> {
        native_tls::TlsConnector::new()
            .map(|c| Some(tokio_tungstenite::Connector::NativeTls(c)))
            .map_err(|e| format!("TLS is unavailable: {e}"))
    }
}

#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
mod imp {
    use std::sync::{Arc, OnceLock};

    /// The process's TLS client settings; `Err` says why TLS cannot work here.
    fn shared() -> Result<&'static Arc<rustls::ClientConfig>, String> {
        static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
        CONFIG.get_or_init(build).as_ref().map_err(Clone::clone)
    }

    fn build() -> Result<Arc<rustls::ClientConfig>, String> {
        let provider = Arc::new(provider()?);
        let verifier = rustls_platform_verifier::Verifier::new(provider.clone())
            .map_err(|e| format!("cannot load the platform's certificate verifier: {e}"))?;
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS settings rejected: {e}"))?
            .dangerous() // a custom verifier, not a disabled one: the platform's own checks
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        Ok(Arc::new(config))
    }

    #[cfg(all(not(feature = "rustls-ring"), any(target_arch = "x86_64", target_arch = "aarch64")))]
    fn provider() -> Result<rustls::crypto::CryptoProvider, String> {
        // graviola asserts these at first use; checking first turns a panic into an error.
        #[cfg(target_arch = "x86_64")]
        let supported = std::arch::is_x86_feature_detected!("aes")
            && std::arch::is_x86_feature_detected!("pclmulqdq")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("bmi2")
            && std::arch::is_x86_feature_detected!("adx")
            && std::arch::is_x86_feature_detected!("avx")
            && std::arch::is_x86_feature_detected!("avx2");
        #[cfg(target_arch = "aarch64")]
        let supported = std::arch::is_aarch64_feature_detected!("neon")
            && std::arch::is_aarch64_feature_detected!("aes")
            && std::arch::is_aarch64_feature_detected!("pmull")
            && std::arch::is_aarch64_feature_detected!("sha2");
        if supported {
            Ok(rustls_graviola::default_provider())
        } else {
            Err("TLS is unavailable: this CPU lacks the instructions the default pure-Rust crypto needs \
                 (AES, AVX2, ADX on x86_64; AES, SHA2, PMULL on aarch64); build aster-connector with \
                 the `rustls-ring` or `native-tls` feature"
                .into())
        }
    }

    #[cfg(any(feature = "rustls-ring", not(any(target_arch = "x86_64", target_arch = "aarch64"))))]
    fn provider() -> Result<rustls::crypto::CryptoProvider, String> {
        Ok(rustls::crypto::ring::default_provider())
    }

    pub(crate) fn rest(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
        let mut config = rustls::ClientConfig::clone(shared()?);
        // Offer HTTP/2 only when reqwest can speak it.
        config.alpn_protocols = if cfg!(feature = "http2") { vec![b"h2".to_vec()] } else { Vec::new() };
        config.alpn_protocols.push(b"http/1.1".to_vec());
        Ok(builder.tls_backend_preconfigured(config))
    }

    #[cfg(feature = "ws")]
    pub(crate) fn websocket() -> Result<Option<tokio_tungstenite::Connector>, String> {
        // No ALPN: a WebSocket upgrade is an HTTP/1.1 request.
        Ok(Some(tokio_tungstenite::Connector::Rustls(shared()?.clone())))
    }
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
mod imp {
    pub(crate) fn rest(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, String> {
        Ok(builder)
    }
}

/// Puts the shared TLS settings on a REST client under construction.
pub(crate) use imp::rest;
/// The connector for `wss://` sockets, sharing REST's trust store.
#[cfg(all(feature = "ws", any(feature = "rustls", feature = "native-tls")))]
pub(crate) use imp::websocket;
