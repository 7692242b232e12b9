//! The prediction host's own stream: an up/down event's rounds (`<event>@event`), opening
//! with the oracle's price and closing with the winner.

use super::market::PredictionMarket;
use crate::ws::cursor::Cursor;
use serde_json::Value;

/// The up/down event a `<event>@event` name means (lower case, as every stream name).
pub fn parse(p: &PredictionMarket, name: &str) -> Option<String> {
    let (event, rest) = name.split_once('@')?;
    if rest != "event" || event != event.to_lowercase() {
        return None;
    }
    p.events.iter().find(|e| e.oracle.is_some() && e.id.to_lowercase() == event).map(|e| e.id.clone())
}

/// The event's round payloads since the last look; a stream starts after what there was
/// when it was first seen.
pub(crate) fn render(p: &PredictionMarket, event: &str, cur: &mut Cursor) -> Vec<Value> {
    if !std::mem::replace(&mut cur.force_init, true) {
        cur.last_force = p.round_events.len();
    }
    let fresh = p.round_events[cur.last_force..].iter().filter(|(id, _)| id == event).map(|(_, v)| v.clone()).collect();
    cur.last_force = p.round_events.len();
    fresh
}
