//! The sandbox's request-weight limit as configured: its window, its limit, its bans.

/// The docs' longest IP ban.
pub(crate) const LONGEST_BAN_MS: i64 = 3 * 24 * 3_600_000;

/// The weight limit as the sandbox plays it: so much per window, bans of a growing length.
pub(crate) struct WeightRule {
    pub limit: u64,
    pub window_ms: i64,
    pub first_ban_ms: i64,
}

impl WeightRule {
    pub(crate) fn of(cfg: &crate::SandboxConfig) -> Self {
        WeightRule { limit: cfg.weight_limit_1m, window_ms: cfg.weight_window_ms.max(1), first_ban_ms: cfg.ban_ms }
    }

    /// The usage header's name: `x-mbx-used-weight-1m`, or `-<n>s` for a window of seconds.
    pub(crate) fn header(&self) -> String {
        match self.window_ms {
            60_000 => "x-mbx-used-weight-1m".to_string(),
            ms if ms % 60_000 == 0 => format!("x-mbx-used-weight-{}m", ms / 60_000),
            ms => format!("x-mbx-used-weight-{}s", (ms / 1000).max(1)),
        }
    }
}
