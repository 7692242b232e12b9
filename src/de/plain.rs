//! Reading a reply in its common spelling straight from the text, for the few replies that
//! are hot and flat (an order book: integers, decimal strings and price levels). A reader
//! here gives up (`None`) at anything it does not expect, and the general decoder then
//! reads the reply and decides what is accepted; a reader only ever takes what that decoder
//! would take, with the same values (tests compare the two on many spellings).

use rust_decimal::Decimal;
use std::str::FromStr;

/// A model that can be read from a reply's text in its common spelling.
pub trait ReadPlain: Sized {
    /// The model, or `None` when `text` is spelled any other way.
    fn read_plain(text: &str) -> Option<Self>;
}

/// Implements [`ReadPlain`] for a flat model: each field's slot, the reader of its value
/// (a method of [`PlainObject`]), whether the field is `required` or `optional`, and its
/// JSON keys (name and aliases). An unknown or repeated key, or a required field missing,
/// gives up. The generator writes one of these per plainly read model.
macro_rules! plain_reader {
    ($model:ident { $($slot:ident: $reader:ident $need:ident = $($json:literal)|+),* $(,)? }) => {
        impl $crate::de::ReadPlain for $model {
            fn read_plain(text: &str) -> Option<Self> {
                let mut object = $crate::de::PlainObject::open(text)?;
                $(let mut $slot = None;)*
                while let Some(key) = object.next_key()? {
                    match key {
                        $($($json)|+ => object.$reader(&mut $slot)?,)*
                        _ => return None,
                    }
                }
                Some($model { $($slot: $crate::de::$need($slot)?),* })
            }
        }
    };
}
pub(crate) use plain_reader;

/// A required field's value: none when it was missing.
pub(crate) fn required<T>(slot: Option<T>) -> Option<T> {
    slot
}

/// An optional field's value, present or not.
pub(crate) fn optional<T>(slot: Option<T>) -> Option<Option<T>> {
    Some(slot)
}

/// A position in a JSON text, read forwards.
pub(crate) struct Cursor<'a> {
    raw: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(raw: &'a str) -> Self {
        Cursor { raw, at: 0 }
    }

    fn skip_space(&mut self) {
        let bytes = self.raw.as_bytes();
        while bytes.get(self.at).is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    /// Takes `byte` (after any space) when it is next.
    pub fn take(&mut self, byte: u8) -> bool {
        self.skip_space();
        let next = self.raw.as_bytes().get(self.at) == Some(&byte);
        if next {
            self.at += 1;
        }
        next
    }

    pub fn expect(&mut self, byte: u8) -> Option<()> {
        self.take(byte).then_some(())
    }

    /// Whether only space is left.
    pub fn at_end(&mut self) -> bool {
        self.skip_space();
        self.at == self.raw.len()
    }

    /// A string of digits, `.` and `-` only, read as a decimal.
    pub fn decimal(&mut self) -> Option<Decimal> {
        self.expect(b'"')?;
        let bytes = self.raw.as_bytes();
        let start = self.at;
        let rest = &bytes[start..];
        if let Some((value, len)) = super::plain_decimal_prefix(rest).filter(|&(_, len)| rest.get(len) == Some(&b'"')) {
            self.at = start + len + 1;
            return Some(value);
        }
        let len = rest.iter().position(|&b| !(b.is_ascii_digit() || b == b'.' || b == b'-'))?;
        if bytes[start + len] != b'"' {
            return None;
        }
        let value = Decimal::from_str(&self.raw[start..start + len]).ok()?;
        self.at = start + len + 1;
        Some(value)
    }

    /// A JSON integer as JSON spells it (no leading zeros, no fraction or exponent), of at
    /// most 18 digits so it always fits an i64; `-0` is left to the general decoder.
    fn integer(&mut self) -> Option<i64> {
        self.skip_space();
        let bytes = self.raw.as_bytes();
        let negative = bytes.get(self.at) == Some(&b'-');
        let start = self.at + usize::from(negative);
        let (value, end) = super::digit_run(bytes, start, 0);
        let len = end - start;
        if len == 0 || len > 18 || (bytes[start] == b'0' && (len > 1 || negative)) {
            return None;
        }
        if matches!(bytes.get(end), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.at = end;
        // At most 18 digits: below i64::MAX.
        let value = value as i64;
        Some(if negative { -value } else { value })
    }

    /// A list of rows of exactly two decimal strings.
    pub fn decimal_rows<T: super::DecimalPair>(&mut self) -> Option<Vec<T>> {
        self.expect(b'[')?;
        let mut rows = Vec::with_capacity(16);
        if self.take(b']') {
            return Some(rows);
        }
        loop {
            self.expect(b'[')?;
            let first = self.decimal()?;
            self.expect(b',')?;
            let second = self.decimal()?;
            self.expect(b']')?;
            rows.push(T::from_pair(first, second));
            if self.take(b']') {
                return Some(rows);
            }
            self.expect(b',')?;
        }
    }

    /// A string without escapes or control characters: its text as JSON means it.
    fn string(&mut self) -> Option<&'a str> {
        self.expect(b'"')?;
        let rest = &self.raw.as_bytes()[self.at..];
        let len = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        if rest[len] != b'"' {
            return None;
        }
        let text = &self.raw[self.at..self.at + len];
        self.at += len + 1;
        Some(text)
    }

    /// A key (a string as [`Cursor::string`] reads it) and its colon.
    fn key(&mut self) -> Option<&'a str> {
        let key = self.string()?;
        self.expect(b':')?;
        Some(key)
    }

    /// `true` or `false`, followed by something that cannot continue a JSON literal.
    fn boolean(&mut self) -> Option<bool> {
        self.skip_space();
        let rest = &self.raw.as_bytes()[self.at..];
        let (value, len) = if rest.starts_with(b"true") {
            (true, 4)
        } else if rest.starts_with(b"false") {
            (false, 5)
        } else {
            return None;
        };
        if rest.get(len).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        self.at += len;
        Some(value)
    }
}

/// An object read key by key; a value's slot refuses a second value for its key (the
/// general decoder refuses duplicate keys).
pub struct PlainObject<'a> {
    text: Cursor<'a>,
    first: bool,
}

impl<'a> PlainObject<'a> {
    /// The object `text` is, from its opening brace.
    pub fn open(text: &'a str) -> Option<Self> {
        let mut text = Cursor::new(text);
        text.expect(b'{')?;
        Some(PlainObject { text, first: true })
    }

    /// The next key (`Some(None)`: the object and the text ended); `None`: give up.
    pub fn next_key(&mut self) -> Option<Option<&'a str>> {
        if self.text.take(b'}') {
            return self.text.at_end().then_some(None);
        }
        if !std::mem::take(&mut self.first) {
            self.text.expect(b',')?;
        }
        self.text.key().map(Some)
    }

    /// An integer value, into an integer type it fits.
    pub fn integer<T: TryFrom<i64>>(&mut self, slot: &mut Option<T>) -> Option<()> {
        let value = T::try_from(self.text.integer()?).ok()?;
        slot.replace(value).is_none().then_some(())
    }

    /// A decimal value, spelled as a string.
    pub fn decimal(&mut self, slot: &mut Option<Decimal>) -> Option<()> {
        let value = self.text.decimal()?;
        slot.replace(value).is_none().then_some(())
    }

    /// A string value without escapes.
    pub fn string(&mut self, slot: &mut Option<String>) -> Option<()> {
        let value = self.text.string()?;
        slot.replace(value.to_owned()).is_none().then_some(())
    }

    /// A `true` or `false` value.
    pub fn boolean(&mut self, slot: &mut Option<bool>) -> Option<()> {
        let value = self.text.boolean()?;
        slot.replace(value).is_none().then_some(())
    }

    /// A list of rows of two decimal strings.
    pub fn pairs<T: super::DecimalPair>(&mut self, slot: &mut Option<Vec<T>>) -> Option<()> {
        let value = self.text.decimal_rows()?;
        slot.replace(value).is_none().then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::ReadPlain;
    use crate::models::{OrderBook, ServerTime};

    /// What the plain reader and the general decoder make of `text`: the plain reader may
    /// give up, but whatever it reads the general decoder must read the same, digit for digit.
    fn agree<T: ReadPlain + serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> bool {
        let general = serde_json::from_str::<T>(text);
        match T::read_plain(text) {
            Some(plain) => {
                let general = general.unwrap_or_else(|e| panic!("`{text}`: read plainly, refused generally ({e})"));
                assert_eq!(format!("{plain:?}"), format!("{general:?}"), "`{text}`");
                true
            }
            None => false,
        }
    }

    #[test]
    fn a_decimal_string_reads_as_the_full_parser_reads_it() {
        // Digits, points and minus signs of every length up to 24, from a fixed generator.
        let mut next = crate::testing::numbers_below(0x2545_f491_4f6c_dd1d);
        for _ in 0..200_000 {
            let text: String = (0..next(25)).map(|_| b"0123456789012345678901234567.-"[next(30)] as char).collect();
            let quoted = format!("\"{text}\"");
            let read = super::Cursor::new(&quoted).decimal().map(|d| (d.mantissa(), d.scale()));
            let full = text.parse::<rust_decimal::Decimal>().ok().map(|d| (d.mantissa(), d.scale()));
            assert!(read.is_none() || read == full, "`{text}`: {read:?} against {full:?}");
            assert!(read.is_some() || full.is_none(), "`{text}` refused, the full parser reads {full:?}");
        }
    }

    #[test]
    fn the_common_spelling_of_a_book_is_read_plainly() {
        let book = r#"{"E":1796593249424,"T":1796593249424,"asks":[["62121.1","0.945"],["62127.3","0.756"]],"bids":[["62108.7","0.141"]],"lastUpdateId":100}"#;
        assert!(agree::<OrderBook>(book));
        let spaced = "{ \"lastUpdateId\" : 7 ,\n\t\"bids\" : [ ] , \"asks\":[ [ \"1.50\" , \"-0.000\" ] ] }\r\n";
        assert!(agree::<OrderBook>(spaced));
        let read = OrderBook::read_plain(spaced).unwrap();
        assert_eq!((read.asks[0].price.to_string(), read.asks[0].qty.to_string()), ("1.50".into(), "0.000".into()));
        assert!(agree::<ServerTime>(r#"{"serverTime":1499827319559}"#));
        // Every API's book endpoint reads its reply this way.
        use crate::api::{FuturesV1, FuturesV3, SpotV1, SpotV3};
        use crate::endpoint::Endpoint;
        use crate::generated::{futures_v1, spot_v1};
        assert!(<futures_v1::DepthParams as Endpoint<FuturesV1>>::read_plain(book).is_some());
        assert!(<futures_v1::DepthParams as Endpoint<FuturesV3>>::read_plain(book).is_some());
        assert!(<spot_v1::DepthParams as Endpoint<SpotV1>>::read_plain(book).is_some());
        assert!(<spot_v1::DepthParams as Endpoint<SpotV3>>::read_plain(book).is_some());
    }

    #[test]
    fn anything_unusual_is_left_to_the_general_decoder() {
        let unusual = [
            r#"{"lastUpdateId":1,"bids":[],"asks":[],"extra":1}"#,
            r#"{"lastUpdateId":1,"lastUpdateId":2,"bids":[],"asks":[]}"#,
            r#"{"lastUpdateId":1,"bids":[]}"#,
            r#"{"lastUpdateId":"1","bids":[],"asks":[]}"#,
            r#"{"lastUpdateId":01,"bids":[],"asks":[]}"#,
            r#"{"lastUpdateId":-0,"bids":[],"asks":[]}"#,
            r#"{"lastUpdateId":1.0,"bids":[],"asks":[]}"#,
            r#"{"lastUpdateId":1e3,"bids":[],"asks":[]}"#,
            r#"{"lastUpdateId":1234567890123456789,"bids":[],"asks":[]}"#,
            r#"{"lastUpdateId":1,"E":null,"bids":[],"asks":[]}"#,
            r#"{"\u006castUpdateId":1,"bids":[],"asks":[]}"#,
            r#"{"lastUpdateId":1,"bids":[[1.5,"2"]],"asks":[]}"#,
            r#"{"lastUpdateId":1,"bids":[["1.5","2","3"]],"asks":[]}"#,
            r#"{"lastUpdateId":1,"bids":[],"asks":[]} x"#,
            r#"{"lastUpdateId":1,"bids":[],"asks":[],}"#,
            r#"{"lastUpdateId":1 "bids":[],"asks":[]}"#,
            r#"[{"lastUpdateId":1,"bids":[],"asks":[]}]"#,
            r#"{"lastUpdateId":1,"bids":[],"asks":[]"#,
        ];
        for text in unusual {
            assert!(!agree::<OrderBook>(text), "`{text}` was read plainly");
        }
        // The general decoder still reads those it accepts.
        assert_eq!(serde_json::from_str::<OrderBook>(unusual[0]).unwrap().last_update_id, 1);
        assert_eq!(serde_json::from_str::<OrderBook>(unusual[3]).unwrap().last_update_id, 1);
    }

    #[test]
    fn plain_and_general_reading_agree_on_generated_spellings() {
        // Books put together from parts, good and bad, by a fixed generator: whatever is
        // read plainly must be read the same by the general decoder.
        let mut next = crate::testing::numbers_below(0x9e37_79b9_7f4a_7c15);
        let keys = ["lastUpdateId", "E", "T", "bids", "asks", "lastUpdateID", "e", ""];
        let integers = [
            "0",
            "7",
            "-12",
            "999999999999999999",
            "-999999999999999999", // read plainly
            "01",
            "-0",
            "1.5",
            "2e2",
            "\"9\"",
            "null",
            "9999999999999999999",
            "9223372036854775807",
            "-",
        ];
        let decimals = [
            "\"1\"",
            "\"0.5\"",
            "\"-2.25\"",
            "\"00012.300\"", // read plainly
            "\"1.\"",
            "\".5\"",
            "\"\"",
            "\"-\"",
            "\"1.2.3\"",
            "\"1e3\"",
            "1.5",
            "\"12345678901234567890.12345\"",
            "\"7\\u0030\"",
            "null",
            "\"1 \"",
        ];
        let spaces = ["", "", "", " ", "\n", "\t ", "\r\n"];
        let (mut plain, mut total) = (0, 0);
        for _ in 0..30_000 {
            // Mostly the book's own keys, each once, in any order; now and then a key missing,
            // repeated or unknown, and values now and then spelled another way.
            let mut fields: Vec<&str> =
                keys[..5].iter().copied().filter(|k| next(if k.len() == 1 { 2 } else { 20 }) != 0).collect();
            if next(20) == 0 {
                fields.push(keys[next(keys.len())]);
            }
            for i in (1..fields.len()).rev() {
                fields.swap(i, next(i + 1));
            }
            let pick = |next: &mut dyn FnMut(usize) -> usize, list: &[&'static str], good: usize| {
                if next(10) < 8 {
                    list[next(good)]
                } else {
                    list[next(list.len())]
                }
            };
            let mut text = String::from("{");
            for (i, key) in fields.iter().enumerate() {
                if i > 0 {
                    text.push_str(if next(60) == 0 { "" } else { "," });
                }
                text.push_str(spaces[next(spaces.len())]);
                text.push_str(&format!("\"{key}\"{}:{}", spaces[next(spaces.len())], spaces[next(spaces.len())]));
                if matches!(*key, "bids" | "asks") && next(20) != 0 {
                    let rows: Vec<String> = (0..next(4))
                        .map(|_| {
                            let cells = [1, 2, 2, 2, 2, 2, 2, 2, 2, 3][next(10)];
                            let cells: Vec<&str> = (0..cells).map(|_| pick(&mut next, &decimals, 4)).collect();
                            format!("[{}]", cells.join(&format!(",{}", spaces[next(spaces.len())])))
                        })
                        .collect();
                    text.push_str(&format!("[{}]", rows.join(",")));
                } else {
                    text.push_str(pick(&mut next, &integers, 5));
                }
            }
            text.push_str(spaces[next(spaces.len())]);
            text.push_str(if next(60) == 0 { "}}" } else { "}" });
            total += 1;
            if agree::<OrderBook>(&text) {
                plain += 1;
            }
        }
        // Enough of them are read plainly for the comparison to mean something.
        assert!(plain > total / 10, "only {plain} of {total} read plainly");
    }

    const BOOK_TICKER: &str = r#"{"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"#;
    const AGG_TRADE: &str = r#"{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"60001.10","q":"0.100","f":100,"l":105,"T":123456785,"m":true}"#;
    const DEPTH_UPDATE: &str = r#"{"e":"depthUpdate","E":1571889248277,"T":1571889248276,"s":"BTCUSDT","U":390497796,"u":390497878,"pu":390497794,"b":[["7403.89","0.002"]],"a":[["7405.96","3.340"],["7406.63","4.525"]]}"#;

    #[test]
    fn the_common_spelling_of_a_stream_event_is_read_plainly() {
        use crate::models::{AggTradeEvent, BookTickerEvent, DepthUpdateEvent};
        assert!(agree::<BookTickerEvent>(BOOK_TICKER));
        assert!(agree::<AggTradeEvent>(AGG_TRADE));
        assert!(agree::<DepthUpdateEvent>(DEPTH_UPDATE));
        // A key's alias is read too; both spellings of one field are a repeated key.
        assert!(agree::<DepthUpdateEvent>(&DEPTH_UPDATE.replace(r#""b":"#, r#""bids":"#)));
        let both = DEPTH_UPDATE.replace(r#""b":"#, r#""bids":[],"b":"#);
        assert!(!agree::<DepthUpdateEvent>(&both));
        assert!(serde_json::from_str::<DepthUpdateEvent>(&both).is_err());
    }

    #[test]
    fn strings_and_booleans_read_as_the_general_decoder_reads_them() {
        // Trades put together from parts by a fixed generator, strings and booleans spelled
        // every way JSON allows and some it does not: whatever is read plainly must be read
        // the same by the general decoder.
        use crate::models::AggTradeEvent;
        let mut next = crate::testing::numbers_below(0x517c_c1b7_2722_0a95);
        let strings = [
            "\"aggTrade\"",
            "\"BTCUSDT\"",
            "\"\"",
            "\"é😀 \u{7f}\"", // read plainly
            "\"a\\\"b\"",
            "\"a\\\\\"",
            "\"\\u0041\"",
            "\"tab\there\"",
            "\"new\nline\"",
            "\"\u{1}\"",
            "1",
            "null",
            "\"open",
            "'x'",
        ];
        let booleans = ["true", "false", "True", "tru", "truex", "false1", "1", "0", "\"true\"", "null"];
        let integers = ["123456789", "0", "-5", "01", "1.0", "\"7\"", "null"];
        let decimals = ["\"60001.10\"", "\"0.100\"", "\"1e2\"", "60001.1", "\"\"", "null"];
        let fields: [(&str, &[&str], usize); 11] = [
            ("e", &strings, 4),
            ("E", &integers, 3),
            ("s", &strings, 4),
            ("a", &integers, 3),
            ("p", &decimals, 2),
            ("q", &decimals, 2),
            ("f", &integers, 3),
            ("l", &integers, 3),
            ("T", &integers, 3),
            ("m", &booleans, 2),
            ("M", &booleans, 2),
        ];
        let spaces = ["", "", " ", "\n"];
        let (mut plain, mut total) = (0, 0);
        for _ in 0..30_000 {
            let mut order: Vec<usize> = (0..fields.len()).filter(|_| next(40) != 0).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, next(i + 1));
            }
            let parts: Vec<String> = order
                .iter()
                .map(|&f| {
                    let (key, values, good) = fields[f];
                    let value = if next(10) < 8 { values[next(good)] } else { values[next(values.len())] };
                    format!("\"{key}\":{}{value}{}", spaces[next(spaces.len())], spaces[next(spaces.len())])
                })
                .collect();
            total += 1;
            if agree::<AggTradeEvent>(&format!("{{{}}}", parts.join(","))) {
                plain += 1;
            }
        }
        assert!(plain > total / 10, "only {plain} of {total} read plainly");
    }
}
