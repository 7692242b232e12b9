//! Lists of two-decimal rows, such as a book's price levels (`[["60000.1","0.5"], …]`):
//! the hottest thing a client decodes, REST and streams alike. The common spelling (rows
//! of exactly two plain decimal strings) is read straight from the reply's text; anything
//! else (numbers, extra columns, escapes) goes through the general reader, so both give
//! the same values and accept the same replies.

use super::plain::Cursor;
use super::{DecimalPair, RAW_VALUE_TOKEN};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// `deserialize_with` target for a list of [`DecimalPair`] rows.
pub fn decimal_pairs<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DecimalPair + DeserializeOwned,
{
    d.deserialize_newtype_struct(RAW_VALUE_TOKEN, RawRows(PhantomData))
}

/// Takes serde_json's raw text of the list or, from a deserializer that cannot give it,
/// reads the list itself.
struct RawRows<T>(PhantomData<T>);

impl<'de, T: DecimalPair + DeserializeOwned> Visitor<'de> for RawRows<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of rows of two decimals")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        super::raw_entry(map, RowsText(PhantomData), "a list of rows")
    }
    fn visit_newtype_struct<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
        <Vec<T> as serde::Deserialize>::deserialize(d)
    }
}

/// The raw text of the list, read by [`plain_rows`] or else by the general reader.
struct RowsText<T>(PhantomData<T>);

impl<'de, T: DecimalPair + DeserializeOwned> DeserializeSeed<'de> for RowsText<T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, T: DecimalPair + DeserializeOwned> Visitor<'de> for RowsText<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the raw text of a JSON value")
    }
    fn visit_str<E: de::Error>(self, raw: &str) -> Result<Self::Value, E> {
        match plain_rows(raw) {
            Some(rows) => Ok(rows),
            None => serde_json::from_str(raw).map_err(E::custom),
        }
    }
}

/// `raw` read as rows of exactly two plain decimal strings, or `None` when it is spelled
/// any other way (the general reader then decides).
fn plain_rows<T: DecimalPair>(raw: &str) -> Option<Vec<T>> {
    let mut text = Cursor::new(raw);
    let rows = text.decimal_rows()?;
    text.at_end().then_some(rows)
}

#[cfg(test)]
mod tests {
    use crate::models::{DepthUpdateEvent, OrderBook, PriceLevel};
    use rust_decimal_macros::dec;

    /// The rows of `levels` decoded through the fast reader (in an order book) and through
    /// the general one (a bare list): they must agree.
    fn both(levels: &str) -> (Result<Vec<PriceLevel>, String>, Result<Vec<PriceLevel>, String>) {
        let book = format!(r#"{{"lastUpdateId":1,"bids":{levels},"asks":[]}}"#);
        let fast = serde_json::from_str::<OrderBook>(&book).map(|b| b.bids).map_err(|e| e.to_string());
        let general = serde_json::from_str::<Vec<PriceLevel>>(levels).map_err(|e| e.to_string());
        (fast, general)
    }

    #[test]
    fn book_levels_read_the_same_by_either_reader() {
        let level = |price, qty| PriceLevel { price, qty };
        let cases = [
            (
                r#"[["60000.10","1.500"],["59999.9","0.001"]]"#,
                vec![level(dec!(60000.10), dec!(1.500)), level(dec!(59999.9), dec!(0.001))],
            ),
            (" [ [ \"1\" , \"2\" ] ,\n[\"-3.5\",\"4\"] ] ", vec![level(dec!(1), dec!(2)), level(dec!(-3.5), dec!(4))]),
            ("[]", vec![]),
            // Numbers keep every digit; an extra column is ignored.
            (r#"[[60000.123456789012345678,"1"]]"#, vec![level(dec!(60000.123456789012345678), dec!(1))]),
            (r#"[["1","2","extra"]]"#, vec![level(dec!(1), dec!(2))]),
            (r#"[["1e2","2"]]"#, vec![level(dec!(100), dec!(2))]),
        ];
        for (levels, want) in cases {
            let (fast, general) = both(levels);
            assert_eq!(fast.as_ref(), Ok(&want), "{levels}");
            assert_eq!(general.as_ref(), Ok(&want), "{levels}");
        }
        for bad in
            [r#"[["1"]]"#, r#"[["1",null]]"#, r#"[["x","2"]]"#, r#"[["1","2"],]"#, r#"[["",""]]"#, "{}", r#""1""#]
        {
            let (fast, general) = both(bad);
            assert!(fast.is_err() && general.is_err(), "{bad}: {fast:?} / {general:?}");
        }
    }

    #[test]
    fn only_the_plain_spelling_is_read_straight_from_the_text() {
        let plain = super::plain_rows::<PriceLevel>;
        assert_eq!(plain(r#"[["60000.1","2"]]"#).map(|rows| rows.len()), Some(1));
        for other in
            [r#"[[60000.1,"2"]]"#, r#"[["1","2","3"]]"#, r#"[["1e2","2"]]"#, r#"[["1","2"]] x"#, r#"[["+1","2"]]"#]
        {
            assert!(plain(other).is_none(), "{other}");
        }
    }

    #[test]
    fn a_buffered_value_reads_its_levels_too() {
        // A stream event held as a JSON value first, then decoded.
        let value = serde_json::json!({
            "e": "depthUpdate", "E": 1, "T": 1, "s": "BTCUSDT", "U": 1, "u": 2, "pu": 0,
            "b": [["60000.1", "2"]], "a": [[60000.2, "3"]]
        });
        let event: DepthUpdateEvent = serde_json::from_value(value).unwrap();
        assert_eq!(event.bids, vec![PriceLevel { price: dec!(60000.1), qty: dec!(2) }]);
        assert_eq!(event.asks, vec![PriceLevel { price: dec!(60000.2), qty: dec!(3) }]);
    }
}
