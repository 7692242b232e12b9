//! Request parameters from the query string and the form body, parsed strictly: malformed
//! escapes, non-UTF-8 bytes, duplicates and absurd numbers become the documented errors.

use crate::error::{ApiError, ApiResult};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

/// The parameters of one request. Where a name is in both the query and the body, the
/// query's value wins, as the exchange documents.
#[derive(Debug, Default, Clone)]
pub struct Params {
    values: HashMap<String, String>,
    order: Vec<String>,
}

/// Most parameters any endpoint takes, with room; more is refused.
const MAX_PARAMS: usize = 64;

fn decode(raw: &str) -> ApiResult<Vec<u8>> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or_else(ApiError::illegal_chars_any)?;
                let s = std::str::from_utf8(hex).map_err(|_| ApiError::illegal_chars_any())?;
                out.push(u8::from_str_radix(s, 16).map_err(|_| ApiError::illegal_chars_any())?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Ok(out)
}

fn parse_source(raw: &[u8], may_be_empty: &dyn Fn(&str) -> bool) -> ApiResult<Vec<(String, String)>> {
    let text = std::str::from_utf8(raw).map_err(|_| ApiError::illegal_chars_any())?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for segment in text.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = segment.split_once('=').unwrap_or((segment, ""));
        let key = String::from_utf8(decode(k)?).map_err(|_| ApiError::illegal_chars_any())?;
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ApiError::illegal_chars_any());
        }
        let value = String::from_utf8(decode(v)?).map_err(|_| ApiError::illegal_chars(&key))?;
        if value.is_empty() && !may_be_empty(&key) {
            return Err(ApiError::param_empty(&key));
        }
        if pairs.iter().any(|(k, _)| *k == key) {
            return Err(ApiError::duplicate_param());
        }
        if pairs.len() >= MAX_PARAMS {
            return Err(ApiError::too_many_params());
        }
        pairs.push((key, value));
    }
    Ok(pairs)
}

impl Params {
    pub fn parse(query: &[u8], body: &[u8]) -> ApiResult<Params> {
        Self::parse_allowing_empty(query, body, &|_| false)
    }

    /// Like `parse`, but the keys `may_be_empty` names may be sent empty (a typed struct's
    /// text fields: the struct signs the empty text).
    pub fn parse_allowing_empty(query: &[u8], body: &[u8], may_be_empty: &dyn Fn(&str) -> bool) -> ApiResult<Params> {
        let mut p = Params::default();
        for (k, v) in parse_source(query, may_be_empty)?.into_iter().chain(parse_source(body, may_be_empty)?) {
            if !p.values.contains_key(&k) {
                p.order.push(k.clone());
                p.values.insert(k, v);
            }
        }
        Ok(p)
    }

    /// Params from already decoded pairs (the fields of a batch order).
    pub fn from_pairs(pairs: impl Iterator<Item = (String, String)>) -> Params {
        let mut p = Params::default();
        for (k, v) in pairs {
            p.order.push(k.clone());
            p.values.insert(k, v);
        }
        p
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }

    pub fn has(&self, k: &str) -> bool {
        self.values.contains_key(k)
    }

    /// The value exactly as sent, empty included.
    pub fn raw(&self, k: &str) -> Option<&str> {
        self.values.get(k).map(String::as_str)
    }

    /// The raw value; an empty value counts as absent for optional params.
    pub fn str(&self, k: &str) -> Option<&str> {
        self.values.get(k).map(String::as_str).filter(|v| !v.is_empty())
    }

    pub fn req_str(&self, k: &str) -> ApiResult<&str> {
        self.str(k).ok_or_else(|| ApiError::mandatory(k))
    }

    pub fn opt_i64(&self, k: &str) -> ApiResult<Option<i64>> {
        let Some(v) = self.values.get(k) else { return Ok(None) };
        if v.is_empty() {
            return Err(ApiError::param_empty(k));
        }
        let digits = v.strip_prefix('-').unwrap_or(v);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::illegal_chars(k));
        }
        v.parse::<i64>().map(Some).map_err(|_| ApiError::invalid_param(k))
    }

    pub fn req_i64(&self, k: &str) -> ApiResult<i64> {
        self.opt_i64(k)?.ok_or_else(|| ApiError::mandatory(k))
    }

    pub fn opt_dec(&self, k: &str) -> ApiResult<Option<Decimal>> {
        let Some(v) = self.values.get(k) else { return Ok(None) };
        if v.is_empty() {
            return Err(ApiError::param_empty(k));
        }
        let body = v.strip_prefix('-').unwrap_or(v);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') || body.matches('.').count() > 1 {
            return Err(ApiError::illegal_chars(k));
        }
        Decimal::from_str(v).map(Some).map_err(|_| ApiError::invalid_param(k))
    }

    pub fn req_dec(&self, k: &str) -> ApiResult<Decimal> {
        self.opt_dec(k)?.ok_or_else(|| ApiError::mandatory(k))
    }

    pub fn opt_bool(&self, k: &str) -> ApiResult<Option<bool>> {
        match self.values.get(k).map(|v| v.to_ascii_lowercase()) {
            None => Ok(None),
            Some(v) if v == "true" => Ok(Some(true)),
            Some(v) if v == "false" => Ok(Some(false)),
            Some(v) if v.is_empty() => Err(ApiError::param_empty(k)),
            Some(_) => Err(ApiError::invalid_param(k)),
        }
    }

    /// A flag the docs spell `TRUE` / `FALSE` (`priceProtect`); other spellings refused.
    pub fn opt_upper_flag(&self, k: &str) -> ApiResult<Option<bool>> {
        match self.values.get(k).map(String::as_str) {
            None => Ok(None),
            Some("TRUE") => Ok(Some(true)),
            Some("FALSE") => Ok(Some(false)),
            Some("") => Err(ApiError::param_empty(k)),
            Some(_) => Err(ApiError::invalid_param(k)),
        }
    }

    pub fn req_bool(&self, k: &str) -> ApiResult<bool> {
        self.opt_bool(k)?.ok_or_else(|| ApiError::mandatory(k))
    }

    /// Rejects every parameter not in `allowed`.
    pub fn only(&self, allowed: &[&str]) -> ApiResult<()> {
        match self.order.iter().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(ApiError::unknown_param(k)),
            None => Ok(()),
        }
    }
}

/// Splits `signature=...` off a raw query string or body. Returns the rest, as the signer
/// saw it, and the signature.
pub fn split_signature(raw: &str) -> (String, Option<String>) {
    let mut kept = Vec::new();
    let mut signature = None;
    for seg in raw.split('&') {
        match seg.strip_prefix("signature=") {
            Some(sig) => signature = Some(sig.trim().to_string()),
            None => kept.push(seg),
        }
    }
    (kept.join("&"), signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_wins_and_duplicates_fail() {
        let p = Params::parse(b"a=1&b=x%20y", b"a=2&c=3").unwrap();
        assert_eq!((p.str("a"), p.str("b"), p.str("c")), (Some("1"), Some("x y"), Some("3")));
        assert_eq!(Params::parse(b"a=1&a=2", b"").unwrap_err().code, -1101);
        assert_eq!(Params::parse(b"a=%zz", b"").unwrap_err().code, -1100);
        assert_eq!(Params::parse(b"a=%ff", b"").unwrap_err().code, -1100);
    }

    #[test]
    fn numbers_are_strict() {
        let p = Params::parse(b"n=12x&d=1e5&big=99999999999999999999999999999999&ok=0.5", b"").unwrap();
        assert_eq!(p.opt_i64("n").unwrap_err().code, -1100);
        assert_eq!(p.opt_dec("d").unwrap_err().code, -1100);
        assert_eq!(p.opt_dec("big").unwrap_err().code, -1130);
        assert_eq!(p.opt_dec("ok").unwrap().unwrap().to_string(), "0.5");
    }

    #[test]
    fn signature_split() {
        assert_eq!(split_signature("a=1&signature=ab"), ("a=1".to_string(), Some("ab".to_string())));
        assert_eq!(split_signature("a=1"), ("a=1".to_string(), None));
    }
}
