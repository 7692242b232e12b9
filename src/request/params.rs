//! Encoding of request parameters into a query string, in the order the spec lists them.

use rust_decimal::Decimal;
use std::fmt::Write;

/// A value that can be sent as one request parameter.
pub trait ParamValue {
    /// Appends the value, not yet percent-encoded, to `out`.
    fn write_raw(&self, out: &mut String);
}

impl ParamValue for String {
    fn write_raw(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl ParamValue for str {
    fn write_raw(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl ParamValue for &str {
    fn write_raw(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl ParamValue for bool {
    fn write_raw(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// A flag the exchange spells `TRUE` / `FALSE` (`priceProtect`), in the query and in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'de> serde::Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        crate::de::lenient(d).map(Flag)
    }
}

impl Flag {
    /// `"TRUE"` or `"FALSE"`, as sent.
    pub fn as_str(self) -> &'static str {
        if self.0 {
            "TRUE"
        } else {
            "FALSE"
        }
    }
}

impl ParamValue for Flag {
    fn write_raw(&self, out: &mut String) {
        out.push_str(self.as_str());
    }
}

impl serde::Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

macro_rules! integer_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn write_raw(&self, out: &mut String) {
                out.push_str(itoa::Buffer::new().format(*self));
            }
        }
    )*};
}
integer_param!(u32, u64, i32, i64);

/// The one wire form of a decimal, in the query, in JSON lists and in every signed digest:
/// normalised, so no trailing zeros (`0.0020` is `0.002`), never exponent form, never
/// rounded; what the exchange's precision checks expect.
pub fn wire_decimal_text(value: &Decimal) -> String {
    value.normalize().to_string()
}

impl ParamValue for Decimal {
    fn write_raw(&self, out: &mut String) {
        let _ = write!(out, "{}", self.normalize());
    }
}

/// Serialises a decimal of a JSON-list object in its wire form, as a string.
pub fn wire_decimal<S: serde::Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&wire_decimal_text(value))
}

/// As [`wire_decimal`], for optional decimals (skipped when `None`).
pub fn opt_wire_decimal<S: serde::Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => wire_decimal(v, s),
        None => s.serialize_none(),
    }
}

/// JSON-array parameters (`batchOrders`, `orderIdList`, `origClientOrderIdList`) are
/// written by serde_json, so quotes, backslashes and unicode are escaped correctly.
impl<T: serde::Serialize> ParamValue for Vec<T> {
    fn write_raw(&self, out: &mut String) {
        match serde_json::to_string(self) {
            Ok(json) => out.push_str(&json),
            // Serialising plain data to a String cannot fail; keep the request well-formed anyway.
            Err(_) => out.push_str("[]"),
        }
    }
}

/// Builds `key=value&key=value` with values percent-encoded.
#[derive(Debug, Default, Clone)]
pub struct ParamWriter {
    query: String,
}

impl ParamWriter {
    /// An empty parameter list (nothing is allocated until a parameter is put).
    pub fn new() -> Self {
        Self { query: String::new() }
    }

    /// A writer holding an already encoded `key=value&…` string.
    pub(crate) fn from_encoded(query: String) -> Self {
        Self { query }
    }

    /// Appends a parameter.
    pub fn put<V: ParamValue + ?Sized>(&mut self, key: &str, value: &V) {
        if self.query.is_empty() {
            // One allocation for a whole ordinary request, not a growth per parameter.
            self.query.reserve(128);
        } else {
            self.query.push('&');
        }
        // Names are encoded as values are: `side=SELL&x` stays one parameter.
        encode_into(key, &mut self.query);
        self.query.push('=');
        // Written in place; only a value that needs escaping is taken out and encoded.
        let start = self.query.len();
        value.write_raw(&mut self.query);
        if !self.query.as_bytes()[start..].iter().all(|&b| unreserved(b)) {
            let raw = self.query.split_off(start);
            encode_into(&raw, &mut self.query);
        }
    }

    /// Appends a parameter when it is set.
    pub fn put_opt<V: ParamValue>(&mut self, key: &str, value: Option<&V>) {
        if let Some(v) = value {
            self.put(key, v);
        }
    }

    /// Appends an already encoded `key=value` pair.
    pub fn put_encoded(&mut self, key: &str, encoded: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.push_str(key);
        self.query.push('=');
        self.query.push_str(encoded);
    }

    /// The encoded parameters written so far.
    pub fn as_str(&self) -> &str {
        &self.query
    }

    /// The encoded `(key, value)` pairs written so far, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        // Split by bytes: the separators are ASCII, so every cut is a character boundary.
        let mut rest = self.query.as_str();
        std::iter::from_fn(move || loop {
            if rest.is_empty() {
                return None;
            }
            let end = rest.bytes().position(|b| b == b'&').unwrap_or(rest.len());
            let pair = &rest[..end];
            rest = rest.get(end + 1..).unwrap_or("");
            if pair.is_empty() {
                continue;
            }
            return Some(match pair.bytes().position(|b| b == b'=') {
                Some(eq) => (&pair[..eq], &pair[eq + 1..]),
                None => (pair, ""),
            });
        })
    }

    /// Reorders the pairs by key in ASCII order; pairs with equal keys keep their order.
    pub(crate) fn sort_by_key(&mut self) {
        let mut pairs: Vec<&str> = self.query.split('&').filter(|p| !p.is_empty()).collect();
        pairs.sort_by_key(|p| p.split_once('=').map_or(*p, |(k, _)| k));
        let sorted = pairs.join("&");
        self.query = sorted;
    }

    /// The encoded parameters.
    pub fn into_string(self) -> String {
        self.query
    }
}

/// The raw text of a percent-encoded value (as `encode_into` writes them).
pub(crate) fn decode(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 3986's unreserved characters: the only ones sent as they are.
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode_into(raw: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // Runs of unreserved (ASCII) characters are copied whole; a run starts and ends next
    // to ASCII bytes, so its bounds are character boundaries.
    let mut run = 0;
    for (at, &b) in raw.as_bytes().iter().enumerate() {
        if unreserved(b) {
            continue;
        }
        if at > run {
            out.push_str(&raw[run..at]);
        }
        out.push('%');
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
        run = at + 1;
    }
    if run < raw.len() {
        out.push_str(&raw[run..]);
    }
}

/// Serialises a bool as the strings "true"/"false", as the exchange's STRING-typed flags want.
pub fn bool_text<S: serde::Serializer>(value: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *value { "true" } else { "false" })
}

/// As [`bool_text`], for optional flags (skipped when `None`).
pub fn opt_bool_text<S: serde::Serializer>(value: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => bool_text(v, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_unicode() {
        let mut w = ParamWriter::new();
        w.put("a", "x y&z=\"é\"");
        w.put("b", &7u32);
        w.put("c", "ü€-_.~Zz09 €");
        w.put("d", &-42i64);
        assert_eq!(w.as_str(), "a=x%20y%26z%3D%22%C3%A9%22&b=7&c=%C3%BC%E2%82%AC-_.~Zz09%20%E2%82%AC&d=-42");
        assert_eq!(decode(w.pairs().nth(2).unwrap().1), "ü€-_.~Zz09 €");
    }

    #[test]
    fn pairs_are_split_at_each_separator() {
        let w = ParamWriter::from_encoded("&a=1&&b&c=&d=x=y&".to_string());
        let pairs: Vec<_> = w.pairs().collect();
        assert_eq!(pairs, [("a", "1"), ("b", ""), ("c", ""), ("d", "x=y")]);
        assert_eq!(ParamWriter::new().pairs().count(), 0);
    }

    #[test]
    fn a_name_with_reserved_characters_stays_one_parameter() {
        let mut w = ParamWriter::new();
        w.put("side=SELL&x", "1");
        assert_eq!(w.as_str(), "side%3DSELL%26x=1");
        assert_eq!(w.pairs().count(), 1);
    }

    #[test]
    fn json_list_decimals_take_the_wire_form() {
        #[derive(serde::Serialize)]
        struct Item {
            #[serde(serialize_with = "wire_decimal")]
            quantity: Decimal,
            #[serde(serialize_with = "opt_wire_decimal", skip_serializing_if = "Option::is_none")]
            price: Option<Decimal>,
        }
        let item = Item { quantity: "0.0010".parse().unwrap(), price: Some("50000.00".parse().unwrap()) };
        assert_eq!(serde_json::to_string(&vec![item]).unwrap(), r#"[{"quantity":"0.001","price":"50000"}]"#);
        assert_eq!(wire_decimal_text(&"10.123400".parse().unwrap()), "10.1234");
    }

    #[test]
    fn decimals_go_out_normalised_in_plain_notation() {
        let mut w = ParamWriter::new();
        w.put("p", &Decimal::new(1_000_000_000_000_001, 12));
        w.put("q", &Decimal::new(20, 4));
        w.put("r", &Decimal::new(5_000_000, 2));
        w.put("s", &Decimal::from_scientific("1e-10").unwrap());
        let mut negative_zero = Decimal::new(0, 3);
        negative_zero.set_sign_negative(true);
        w.put("t", &negative_zero);
        assert_eq!(w.as_str(), "p=1000.000000000001&q=0.002&r=50000&s=0.0000000001&t=0");
    }

    #[test]
    fn flags_are_spelled_as_the_docs_spell_them() {
        let mut w = ParamWriter::new();
        w.put("priceProtect", &Flag(true));
        w.put("other", &Flag(false));
        assert_eq!(w.as_str(), "priceProtect=TRUE&other=FALSE");
        assert_eq!(serde_json::to_string(&Flag(true)).unwrap(), "\"TRUE\"");
    }

    #[test]
    fn lists_are_json() {
        let mut w = ParamWriter::new();
        w.put("ids", &vec![1i64, 2]);
        w.put("cids", &vec!["a\"b".to_string()]);
        assert_eq!(w.as_str(), "ids=%5B1%2C2%5D&cids=%5B%22a%5C%22b%22%5D");
    }
}
