//! What the publisher remembers of a stream between ticks.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What the publisher remembers of a stream between ticks.
#[derive(Debug, Default)]
pub(crate) struct Cursor {
    pub(crate) last_sent: i64,
    pub(crate) last_trade: i64,
    pub(crate) last_update: i64,
    pub(crate) last_top: Option<(Decimal, Decimal, Decimal, Decimal)>,
    pub(crate) last_levels: BTreeMap<(bool, Decimal), Decimal>,
    /// Set once a stream that starts from "now" has looked at what there is.
    pub(crate) force_init: bool,
    pub(crate) last_force: usize,
}
