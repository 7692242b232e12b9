//! WebSocket streams.

use std::marker::PhantomData;

/// A stream to subscribe to: its name and the type its messages decode into. Made by the
/// generated helpers in [`crate::streams`], so no stream name is written by hand.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Subscription<T> {
    name: String,
    payload: PhantomData<fn() -> T>,
}

impl<T> Subscription<T> {
    pub fn new(name: String) -> Self {
        Self { name, payload: PhantomData }
    }

    /// The stream name as sent in SUBSCRIBE, e.g. `btcusdt@depth20@100ms`.
    pub fn name(&self) -> &str {
        &self.name
    }
}
