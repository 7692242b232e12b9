//! Decoding replies. Lenient: the exchange writes some numbers and flags as strings in one
//! place and as JSON numbers or booleans in another, and decoding accepts both, so one
//! spelling change upstream does not break a whole call. Exact: a decimal keeps every digit
//! however it is spelled. Fast where it counts: book levels and the hot flat replies are
//! read straight from the text in their common spelling (`pairs`, `plain`).

mod pairs;
mod plain;

pub use pairs::decimal_pairs;
pub(crate) use plain::{optional, plain_reader, required};
pub use plain::{PlainObject, ReadPlain};
use rust_decimal::Decimal;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use std::fmt;
use std::str::FromStr;

/// A model that is two decimals, in order (a price level: price, then quantity).
pub trait DecimalPair: Sized {
    /// The model of its two values.
    fn from_pair(first: Decimal, second: Decimal) -> Self;
}

/// A value read from either its JSON type or its string spelling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lenient<T>(pub T);

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a string holding one")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("{v} does not fit in i64")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(v as i64)
        } else {
            Err(E::custom(format!("{v} is not a whole number")))
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        let t = v.trim();
        if let Ok(n) = t.parse::<i64>() {
            return Ok(n);
        }
        // "100.0" style whole numbers.
        match Decimal::from_str(t) {
            Ok(d) if d.fract().is_zero() => {
                i64::try_from(d).map_err(|_| E::custom(format!("`{v}` does not fit in i64")))
            }
            _ => Err(E::custom(format!("`{v}` is not an integer"))),
        }
    }
}

impl<'de> Deserialize<'de> for Lenient<i64> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntVisitor).map(Lenient)
    }
}

impl<'de> Deserialize<'de> for Lenient<i32> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = d.deserialize_any(IntVisitor)?;
        i32::try_from(v).map(Lenient).map_err(|_| de::Error::custom(format!("{v} does not fit in i32")))
    }
}

struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean or \"true\"/\"false\"")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::custom(format!("{v} is not a boolean"))),
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        self.visit_u64(u64::try_from(v).map_err(|_| E::custom(format!("{v} is not a boolean")))?)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        if v.eq_ignore_ascii_case("true") {
            Ok(true)
        } else if v.eq_ignore_ascii_case("false") {
            Ok(false)
        } else {
            Err(E::custom(format!("`{v}` is not a boolean")))
        }
    }
}

impl<'de> Deserialize<'de> for Lenient<bool> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BoolVisitor).map(Lenient)
    }
}

/// `deserialize_with` target for int, long and bool fields.
pub fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    Lenient<T>: Deserialize<'de>,
{
    Lenient::<T>::deserialize(d).map(|l| l.0)
}

/// `deserialize_with` target for optional int, long and bool fields; `null` is `None`.
pub fn opt_lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    Lenient<T>: Deserialize<'de>,
{
    Option::<Lenient<T>>::deserialize(d).map(|o| o.map(|l| l.0))
}

/// A decimal field that may be absent, null, empty, a string or a JSON number. Read from
/// the raw JSON text where the deserializer gives it (serde_json reading bytes or text, as
/// replies and stream messages are), so a JSON number keeps every digit instead of passing
/// through `f64`; where the value was buffered first (an untagged or tagged enum), from
/// what the buffer kept.
pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    d.deserialize_newtype_struct(RAW_VALUE_TOKEN, RawDecimal)
}

/// One required decimal of a model sent as an array, read as [`decimal`] reads a field;
/// `None` when the array has ended.
pub struct DecimalElement;

impl<'de> de::DeserializeSeed<'de> for DecimalElement {
    type Value = Decimal;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
        decimal(d)
    }
}

/// A decimal field that must be present: as [`opt_decimal`], and null or empty refused.
pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    opt_decimal(d)?.ok_or_else(|| de::Error::custom("a decimal is required, found null or an empty string"))
}

/// The name under which serde_json hands a value's raw text to a visitor.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Reads serde_json's raw text of a value, which it hands over as a map of one entry (the
/// token, then the text), with `seed`; an object that is not that one entry is no `what`.
fn raw_entry<'de, A: de::MapAccess<'de>, S: de::DeserializeSeed<'de>>(
    mut map: A,
    seed: S,
    what: &str,
) -> Result<S::Value, A::Error> {
    if map.next_key::<de::IgnoredAny>()?.is_none() {
        return Err(de::Error::custom(format!("an empty object is not {what}")));
    }
    map.next_value_seed(seed)
}

/// Takes serde_json's raw text of a value (one map entry: the token, then the text), or,
/// from a deserializer that cannot give it, the value itself.
struct RawDecimal;

impl<'de> Visitor<'de> for RawDecimal {
    type Value = Option<Decimal>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal as a string or number, or null")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        raw_entry(map, RawText, "a decimal")
    }
    fn visit_newtype_struct<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
        d.deserialize_option(BufferedDecimal)
    }
}

/// The raw text of a JSON value, read as a decimal.
struct RawText;

impl<'de> de::DeserializeSeed<'de> for RawText {
    type Value = Option<Decimal>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for RawText {
    type Value = Option<Decimal>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the raw text of a JSON value")
    }
    fn visit_str<E: de::Error>(self, raw: &str) -> Result<Self::Value, E> {
        let t = raw.trim();
        if t == "null" {
            return Ok(None);
        }
        match t.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            Some(text) => parse_opt_decimal(text),
            None if t.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) => parse_opt_decimal(t),
            None => Err(E::custom(format!("`{t}` is not a decimal"))),
        }
    }
}

/// A value that was buffered before it reached the field: a number there is an `f64`
/// already, whose shortest text is used.
struct BufferedDecimal;

impl<'de> Visitor<'de> for BufferedDecimal {
    type Value = Option<Decimal>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal as a string or number, or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
        d.deserialize_any(BufferedDecimal)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_opt_decimal(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        parse_opt_decimal(&v.to_string())
    }
}

fn parse_opt_decimal<E: de::Error>(s: &str) -> Result<Option<Decimal>, E> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(d) = plain_decimal(t) {
        return Ok(Some(d));
    }
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map(Some)
        .map_err(|_| E::custom(format!("`{s}` is not a decimal")))
}

/// The common spelling of a price or quantity (unsigned digits with at most one `.`, 19
/// digits at most) read in one short loop; `None` for anything else, which the full parser
/// then reads. The result is the full parser's: same digits, same scale.
pub(crate) fn plain_decimal(text: &str) -> Option<Decimal> {
    plain_decimal_prefix(text.as_bytes()).filter(|&(_, len)| len == text.len()).map(|(d, _)| d)
}

/// [`plain_decimal`] of the longest start of `bytes` spelled that way, and its length.
pub(crate) fn plain_decimal_prefix(bytes: &[u8]) -> Option<(Decimal, usize)> {
    // One pass: the whole digits, then any point and its digits, accumulated as read.
    let (whole, point) = digit_run(bytes, 0, 0);
    let (mantissa, end) = match bytes.get(point) {
        Some(b'.') => digit_run(bytes, point + 1, whole),
        _ => (whole, point),
    };
    let scale = end.saturating_sub(point + 1);
    // "5." and ".5" are left to the full parser, as is a 20th digit (past a u64).
    if point == 0 || (end > point && scale == 0) || point + scale > 19 {
        return None;
    }
    // At most 19 digits: the mantissa fits 64 bits, the scale is at most 19.
    Some((Decimal::from_parts(mantissa as u32, (mantissa >> 32) as u32, 0, false, scale as u32), end))
}

/// The digits of `bytes` from `at` on, appended to `value` (exact for up to 19 digits in
/// all; past that the value wraps and callers refuse it by the count), and where they end.
pub(crate) fn digit_run(bytes: &[u8], mut at: usize, mut value: u64) -> (u64, usize) {
    while let Some(digit) = bytes.get(at).map(|b| b.wrapping_sub(b'0')).filter(|d| *d <= 9) {
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
        at += 1;
    }
    (value, at)
}

/// Reads a string without copying it when the input allows.
#[doc(hidden)]
pub fn wire_str<'de, D: Deserializer<'de>>(d: D) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = std::borrow::Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(std::borrow::Cow::Borrowed(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(std::borrow::Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(std::borrow::Cow::Owned(v))
        }
    }
    d.deserialize_str(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_decimal_reader_agrees_with_the_full_parser() {
        // Strings of digits and dots of every length up to 21, from a fixed generator.
        let mut next = crate::testing::numbers_below(0x2545_f491_4f6c_dd1d);
        let mut read = 0;
        for _ in 0..200_000 {
            let len = next(22);
            let text: String =
                (0..len).map(|_| if next(8) == 0 { '.' } else { (b'0' + next(10) as u8) as char }).collect();
            let full = Decimal::from_str(&text).ok();
            match plain_decimal(&text) {
                Some(d) => {
                    read += 1;
                    let full = full.unwrap_or_else(|| panic!("`{text}`: read {d}, the full parser refuses it"));
                    assert_eq!((d.mantissa(), d.scale()), (full.mantissa(), full.scale()), "`{text}`");
                }
                None => assert!(
                    full.is_none()
                        || len > 19
                        || text.starts_with('.')
                        || text.ends_with('.')
                        || text.len() - usize::from(text.contains('.')) > 19,
                    "`{text}` was left to the full parser for no reason"
                ),
            }
        }
        assert!(read > 50_000, "the short reader read only {read}");
    }

    #[derive(serde::Deserialize)]
    struct T {
        #[serde(deserialize_with = "lenient")]
        n: i64,
        #[serde(deserialize_with = "lenient")]
        b: bool,
        d: Decimal,
        #[serde(default, deserialize_with = "opt_decimal")]
        o: Option<Decimal>,
    }

    #[test]
    fn accepts_both_spellings() {
        let a: T = serde_json::from_str(r#"{"n":"200","b":"false","d":"0.0065","o":""}"#).unwrap();
        let b: T = serde_json::from_str(r#"{"n":200,"b":false,"d":0.0065,"o":1.5}"#).unwrap();
        assert_eq!((a.n, a.b, a.d.to_string(), a.o), (200, false, "0.0065".to_string(), None));
        assert_eq!(
            (b.n, b.b, b.d.to_string(), b.o.map(|d| d.to_string())),
            (200, false, "0.0065".into(), Some("1.5".into()))
        );
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        assert!(serde_json::from_str::<T>(r#"{"n":"x","b":true,"d":"1"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"n":1.5,"b":true,"d":"1"}"#).is_err());
    }
}
