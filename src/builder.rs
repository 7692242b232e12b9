//! The settings every client builder shares (host, timeouts, proxy, reply cap, clock
//! retry, usage logging, HTTP client), written once for the builders that wrap the core's.

/// Adds the shared transport setters to a builder with a `core: crate::ClientBuilder` field.
macro_rules! transport_setters {
    () => {
        /// REST base URL; the product's host in the chosen environment when not set.
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.core = self.core.base_url(url);
            self
        }

        /// The exchange's network: its host (unless `base_url` says otherwise), the chain V3
        /// signatures name, and which endpoints exist (one the network does not serve is
        /// refused before sending). Mainnet when not set.
        pub fn environment(mut self, environment: $crate::Environment) -> Self {
            self.core = self.core.environment(environment);
            self
        }

        /// The EIP-712 chain id of V3 signatures, for a custom deployment; the
        /// environment's (1666 on mainnet, 714 on the testnet) when not set.
        pub fn chain_id(mut self, chain_id: u64) -> Self {
            self.core = self.core.chain_id(chain_id);
            self
        }

        /// Timeout of a whole request (30 s when not set). A write that times out after it
        /// was sent is an unknown outcome.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.core = self.core.timeout(timeout);
            self
        }

        /// Timeout of connecting (10 s when not set).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.core = self.core.connect_timeout(timeout);
            self
        }

        /// A proxy for one scheme (`"http"`, `"https"`) or `"all"`.
        pub fn proxy(mut self, scheme: impl Into<String>, url: impl Into<String>) -> Self {
            self.core = self.core.proxy(scheme, url);
            self
        }

        /// Largest reply body read (64 MiB when not set); a larger one is an error, for a
        /// request that changes state an unknown outcome.
        pub fn max_reply_bytes(mut self, bytes: usize) -> Self {
            self.core = self.core.max_reply_bytes(bytes);
            self
        }

        /// Whether a request the exchange refused for its time (-1021 with a timestamp,
        /// -4225 with a nonce) is sent once more after taking the exchange's clock; on by
        /// default. Pinned nonces are never replaced.
        pub fn resync_on_clock_error(mut self, on: bool) -> Self {
            self.core = self.core.resync_on_clock_error(on);
            self
        }

        /// Log the rate-limit usage of every reply and keep the last one.
        pub fn show_limit_usage(mut self, on: bool) -> Self {
            self.core = self.core.show_limit_usage(on);
            self
        }

        /// Keep every reply header in the `Response` of `send_with_meta()`.
        pub fn show_header(mut self, on: bool) -> Self {
            self.core = self.core.show_header(on);
            self
        }

        /// Use this reqwest client (its own timeout, proxy and redirect settings apply);
        /// start from [`http_client_builder`](crate::http_client_builder).
        pub fn http_client(mut self, http: reqwest::Client) -> Self {
            self.core = self.core.http_client(http);
            self
        }
    };
}

pub(crate) use transport_setters;
