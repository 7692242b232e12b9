//! The one rule, for REST replies and WebSocket control replies alike, that finds a
//! refusal in a body: an error marker in any form the exchange or a gateway writes it —
//! `code`/`msg` in any key order, a nested `error` object or text, `success: false`, a
//! byte-order mark or whitespace around it, error objects in place of a list's items.
//! Success is what is left only after this finds nothing *and* the body decodes as the
//! endpoint's success shape.

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// A refusal found in a body: the exchange's code, when it gave a usable one, and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub code: Option<i64>,
    pub msg: String,
}

/// Which channel a body came on; they differ in what counts as a success code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    /// A REST reply: `code` 200 (number or text) acknowledges success; any other code is
    /// a refusal. Unless the endpoint answers item by item (a batch), a list holding an
    /// error object is a refusal too.
    Rest { items_may_fail: bool },
    /// A WebSocket control reply: success carries no `code` at all.
    #[cfg_attr(not(feature = "ws"), allow(dead_code))]
    Control,
}

/// The body without a UTF-8 byte-order mark and surrounding whitespace.
pub(crate) fn trimmed(body: &[u8]) -> &[u8] {
    let body = body.trim_ascii();
    body.strip_prefix(b"\xEF\xBB\xBF").map_or(body, <[u8]>::trim_ascii)
}

/// The refusal `body` carries, if any. A body that is not JSON carries none here; it then
/// fails to decode as any success shape.
pub(crate) fn refusal(body: &[u8], channel: Channel) -> Option<Refusal> {
    if !may_say_no(body) {
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(trimmed(body));
    let scan = Scan { channel, top: true };
    de.deserialize_any(scan).ok().flatten()
}

/// Whether a body could hold a key that says "no" at all: only `code`, `error` and
/// `success` do, and a key written with `\u` escapes could spell one. Most replies hold
/// none, and are then not parsed twice.
fn may_say_no(body: &[u8]) -> bool {
    // One pass for the bytes every marker holds one of: `c` (code, success), `r` (error)
    // and `\` (an escape); most replies (numbers and plain keys) hold few of them.
    memchr::memchr3_iter(b'c', b'r', b'\\', body).any(|at| {
        let holds = |marker: &[u8], offset: usize| {
            at.checked_sub(offset).and_then(|start| body.get(start..start + marker.len())) == Some(marker)
        };
        match body[at] {
            b'c' => holds(b"code", 0) || holds(b"success", 2) || holds(b"success", 3),
            b'r' => holds(b"error", 1) || holds(b"error", 2) || holds(b"error", 4),
            _ => body.get(at + 1) == Some(&b'u'),
        }
    })
}

/// The keys of one object that can say "no".
#[derive(Default)]
struct Marks {
    codes: Vec<Value>,
    msg: Option<Value>,
    error: Option<Value>,
    success: Option<Value>,
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn code_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Marks {
    fn verdict(self, channel: Channel) -> Option<Refusal> {
        let msg = self.msg.as_ref().and_then(text_of);
        if let Some(error) = self.error.filter(|e| !matches!(e, Value::Null | Value::Bool(false))) {
            let (code, inner) = match &error {
                Value::Object(o) => {
                    (o.get("code").and_then(code_of), o.get("msg").or_else(|| o.get("message")).and_then(text_of))
                }
                other => (None, text_of(other)),
            };
            let msg = inner.or(msg).unwrap_or_else(|| error.to_string());
            return Some(Refusal { code: code.or_else(|| self.codes.iter().find_map(code_of)), msg });
        }
        let accepted = |v: &Value| matches!(channel, Channel::Rest { .. }) && code_of(v) == Some(200);
        if let Some(bad) = self.codes.iter().find(|v| !accepted(v)) {
            let code = code_of(bad);
            let msg = msg.unwrap_or_else(|| format!("a reply carrying code {bad}"));
            return Some(Refusal { code, msg });
        }
        if matches!(self.success, Some(Value::Bool(false))) {
            return Some(Refusal { code: None, msg: msg.unwrap_or_else(|| "the reply says success: false".into()) });
        }
        None
    }
}

/// Reads a body once, keeping only what can say "no"; everything else is skipped unread.
#[derive(Clone, Copy)]
struct Scan {
    channel: Channel,
    /// Lists are looked into at the top level only.
    top: bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for Scan {
    type Value = Option<Refusal>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan {
    type Value = Option<Refusal>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut marks = Marks::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "code" => marks.codes.push(map.next_value()?),
                "msg" | "message" if marks.msg.is_none() => marks.msg = Some(map.next_value()?),
                "error" => marks.error = Some(map.next_value()?),
                "success" => marks.success = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(marks.verdict(self.channel))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let look_inside = self.top && matches!(self.channel, Channel::Rest { items_may_fail: false });
        let mut found = None;
        if look_inside {
            let item = Scan { top: false, ..self };
            while let Some(r) = seq.next_element_seed(item)? {
                found = found.or(r);
            }
        } else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        }
        Ok(found)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REST: Channel = Channel::Rest { items_may_fail: false };
    const BATCH: Channel = Channel::Rest { items_may_fail: true };

    fn code(body: &str, channel: Channel) -> Option<Option<i64>> {
        refusal(body.as_bytes(), channel).map(|r| r.code)
    }

    #[test]
    fn an_error_object_is_found_in_any_key_order_and_wrapping() {
        for body in [
            r#"{"code":-2019,"msg":"Margin is insufficient."}"#,
            r#"{"msg":"Margin is insufficient.","code":-2019}"#,
            r#"{"msg":"Margin is insufficient.","code":"-2019"}"#,
            "\u{feff}{\"msg\":\"x\",\"code\":-2019}",
            " \r\n\t{\"msg\":\"x\",\"code\":-2019} \n",
            "\u{feff} {\"error\":{\"code\":-2019,\"msg\":\"x\"}}",
            r#"{"orderId":1,"error":{"msg":"x","code":-2019},"id":4}"#,
        ] {
            assert_eq!(code(body, REST), Some(Some(-2019)), "{body}");
        }
        let r = refusal(br#"{"msg":"Margin is insufficient.","code":-2019}"#, REST).unwrap();
        assert_eq!(r.msg, "Margin is insufficient.");
    }

    #[test]
    fn success_codes_are_recognised_only_on_rest() {
        assert_eq!(code(r#"{"code":200,"msg":"success"}"#, REST), None);
        assert_eq!(code(r#"{"code":"200","msg":"done"}"#, REST), None);
        assert_eq!(code(r#"{"msg":"x","code":0}"#, REST), Some(Some(0)));
        assert_eq!(code(r#"{"code":400,"msg":"gateway"}"#, REST), Some(Some(400)));
        assert_eq!(code(r#"{"code":"oops","msg":"x"}"#, REST), Some(None));
        assert_eq!(code(r#"{"code":200,"code":-1,"msg":"x"}"#, REST), Some(Some(-1)));
        assert_eq!(code(r#"{"result":null,"id":1}"#, Channel::Control), None);
        assert_eq!(code(r#"{"code":0,"msg":"Unknown property","id":1}"#, Channel::Control), Some(Some(0)));
        assert_eq!(code(r#"{"code":200,"id":1}"#, Channel::Control), Some(Some(200)));
    }

    #[test]
    fn other_markers_and_gateway_shapes() {
        assert_eq!(code(r#"{"error":"Forbidden"}"#, REST), Some(None));
        assert_eq!(refusal(br#"{"error":"Forbidden"}"#, REST).unwrap().msg, "Forbidden");
        assert_eq!(code(r#"{"success":false,"msg":"no"}"#, REST), Some(None));
        assert_eq!(code(r#"{"success":true,"data":1}"#, REST), None);
        assert_eq!(code(r#"{"error":null,"result":[]}"#, Channel::Control), None);
        assert_eq!(code(r#"{"orderId":1,"status":"NEW"}"#, REST), None);
        assert_eq!(code("not json", REST), None);
        assert_eq!(code("", REST), None);
    }

    #[test]
    fn a_key_spelt_with_escapes_is_still_read() {
        assert_eq!(code(r#"{"\u0063ode":-2019,"msg":"x"}"#, REST), Some(Some(-2019)));
        assert_eq!(code(r#"{"\u0065rror":{"code":-1}}"#, REST), Some(Some(-1)));
        assert!(!may_say_no(br#"{"orderId":1,"status":"NEW","symbol":"BTCUSDT"}"#));
    }

    #[test]
    fn every_body_holding_a_marker_is_looked_into() {
        // Bodies of marker pieces and filler, from a fixed generator, against a plain search.
        let pieces: [&[u8]; 12] =
            [b"code", b"error", b"success", b"\\u", b"\\", b"c", b"r", b"o", b"e", b"s", b"\"", b"1"];
        let mut next = crate::testing::numbers_below(0x9e37_79b9_7f4a_7c15);
        let (mut marked, mut total) = (0, 0);
        for _ in 0..100_000 {
            let body: Vec<u8> = (0..next(12)).flat_map(|_| pieces[next(pieces.len())].iter().copied()).collect();
            let expected =
                [&b"code"[..], b"error", b"success", b"\\u"].iter().any(|m| body.windows(m.len()).any(|w| w == *m));
            assert_eq!(may_say_no(&body), expected, "{}", String::from_utf8_lossy(&body));
            marked += usize::from(expected);
            total += 1;
        }
        assert!(marked > total / 10 && marked < total * 9 / 10, "{marked} of {total} marked");
    }

    #[test]
    fn lists_are_looked_into_unless_items_may_fail() {
        let list = r#"[{"orderId":1},{"msg":"Unknown order sent.","code":-2011}]"#;
        assert_eq!(code(list, REST), Some(Some(-2011)));
        assert_eq!(code(list, BATCH), None);
        assert_eq!(code(r#"[[{"code":-1}]]"#, REST), None, "only the top level's items");
        assert_eq!(code(r#"[1,"a",null]"#, REST), None);
    }
}
