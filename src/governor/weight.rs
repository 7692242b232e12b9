//! A call's request weight from its endpoint's rule in the spec, evaluated on the
//! parameters the call actually sends. The rules the docs use:
//!
//! - `"5"`: always 5;
//! - `"1 with symbol; 40 without"`: by whether `symbol` is sent;
//! - `"limit 5, 10, 20, 50: 2; 100: 5; 500: 10; 1000: 20"`: by the `limit` sent, the weight
//!   of the first listed value at or above it;
//! - `"limit [1,100): 1; [100,500): 2; [500,1000]: 5; >1000: 10"`: by ranges of `limit`.
//!
//! Where a rule depends on `limit` and none is sent, or the text is no rule above, the
//! largest weight the text names is charged: the exchange's default is never assumed
//! to be the cheap one.

/// The most entries a `limit` table may have (the spec's longest has 4).
const MAX_ENTRIES: usize = 8;

/// An endpoint's weight rule, read from its text once (at compile time for the spec's
/// endpoints), so a call only looks up what it sends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WeightRule {
    form: Form,
    /// The largest weight the text names: charged whenever the rule cannot say.
    dearest: u32,
}

#[derive(Debug, Clone, Copy)]
enum Form {
    Fixed(u32),
    BySymbol {
        with: u32,
        without: u32,
    },
    ByLimit {
        entries: [LimitEntry; MAX_ENTRIES],
        len: usize,
    },
    /// Text that is no rule above.
    Unread,
}

/// One entry of a limit table: the limits it covers (inclusive; `u64::MAX` for no upper
/// bound) and its weight.
#[derive(Debug, Clone, Copy)]
struct LimitEntry {
    low: u64,
    high: u64,
    weight: u32,
}

impl WeightRule {
    /// A rule that is always `n`.
    pub const fn fixed(n: u32) -> Self {
        WeightRule { form: Form::Fixed(n), dearest: n }
    }

    /// Reads `rule`; text that is no rule above charges the largest weight it names.
    pub const fn parse(rule: &str) -> Self {
        let b = rule.as_bytes();
        let (s, e) = trim(b, 0, b.len());
        let dearest = largest(b, s, e);
        let form = if let Some(n) = number(b, s, e) {
            Form::Fixed(n)
        } else if let Some((with, without)) = by_symbol(b, s, e) {
            Form::BySymbol { with, without }
        } else if starts_with(b, s, e, b"limit ") {
            match limit_table(b, s + 6, e) {
                Some((entries, len)) => Form::ByLimit { entries, len },
                None => Form::Unread,
            }
        } else {
            Form::Unread
        };
        WeightRule { form, dearest }
    }

    /// The weight of a call sending `params`.
    pub fn weight<'a>(&self, mut params: impl Iterator<Item = (&'a str, &'a str)>) -> u32 {
        match self.form {
            Form::Fixed(n) => n,
            Form::BySymbol { with, without } => {
                if params.any(|(k, _)| k == "symbol") {
                    with
                } else {
                    without
                }
            }
            Form::ByLimit { entries, len } => {
                let limit = params.find(|(k, _)| *k == "limit").and_then(|(_, v)| v.parse::<u64>().ok());
                let entry = limit.and_then(|l| entries[..len].iter().find(|e| e.low <= l && l <= e.high));
                entry.map_or(self.dearest, |e| e.weight)
            }
            Form::Unread => self.dearest,
        }
    }

    /// Whether the text was a rule this module reads (every rule of the spec must be).
    #[cfg(test)]
    fn is_read(&self) -> bool {
        !matches!(self.form, Form::Unread)
    }
}

// The readers below work on byte ranges `[s, e)` so they can run at compile time.

const fn trim(b: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && b[s].is_ascii_whitespace() {
        s += 1;
    }
    while e > s && b[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    (s, e)
}

/// A whole number filling the trimmed range.
const fn number_u64(b: &[u8], s: usize, e: usize) -> Option<u64> {
    let (mut i, e) = trim(b, s, e);
    if i == e {
        return None;
    }
    let mut n: u64 = 0;
    while i < e {
        if !b[i].is_ascii_digit() {
            return None;
        }
        n = match n.checked_mul(10) {
            Some(n) => match n.checked_add((b[i] - b'0') as u64) {
                Some(n) => n,
                None => return None,
            },
            None => return None,
        };
        i += 1;
    }
    Some(n)
}

const fn number(b: &[u8], s: usize, e: usize) -> Option<u32> {
    match number_u64(b, s, e) {
        Some(n) if n <= u32::MAX as u64 => Some(n as u32),
        _ => None,
    }
}

const fn find(b: &[u8], mut s: usize, e: usize, c: u8) -> Option<usize> {
    while s < e {
        if b[s] == c {
            return Some(s);
        }
        s += 1;
    }
    None
}

const fn rfind(b: &[u8], s: usize, mut e: usize, c: u8) -> Option<usize> {
    while e > s {
        e -= 1;
        if b[e] == c {
            return Some(e);
        }
    }
    None
}

const fn starts_with(b: &[u8], s: usize, e: usize, prefix: &[u8]) -> bool {
    if e - s < prefix.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if b[s + i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Where the trimmed range ends once `suffix` is cut off it, if it ends so.
const fn before_suffix(b: &[u8], s: usize, e: usize, suffix: &[u8]) -> Option<usize> {
    let (s, e) = trim(b, s, e);
    if e - s < suffix.len() {
        return None;
    }
    let at = e - suffix.len();
    if starts_with(b, at, e, suffix) {
        Some(at)
    } else {
        None
    }
}

/// `"A with symbol; B without"`.
const fn by_symbol(b: &[u8], s: usize, e: usize) -> Option<(u32, u32)> {
    let Some(semi) = find(b, s, e, b';') else { return None };
    let (Some(with_end), Some(without_end)) =
        (before_suffix(b, s, semi, b" with symbol"), before_suffix(b, semi + 1, e, b" without"))
    else {
        return None;
    };
    match (number(b, s, with_end), number(b, semi + 1, without_end)) {
        (Some(with), Some(without)) => Some((with, without)),
        _ => None,
    }
}

/// Entries separated by `;`, each `5, 10, 20, 50: 2` (the listed values and everything
/// below them not covered by an earlier entry), `[1,100): 1`, `[500,1000]: 5` or
/// `>1000: 10`; a limit takes the first entry, in order, that covers it.
const fn limit_table(b: &[u8], s: usize, e: usize) -> Option<([LimitEntry; MAX_ENTRIES], usize)> {
    let mut entries = [LimitEntry { low: 0, high: 0, weight: 0 }; MAX_ENTRIES];
    let (mut len, mut at) = (0, s);
    while at <= e {
        let end = match find(b, at, e, b';') {
            Some(semi) => semi,
            None => e,
        };
        if len == MAX_ENTRIES {
            return None;
        }
        entries[len] = match limit_entry(b, at, end) {
            Some(entry) => entry,
            None => return None,
        };
        len += 1;
        at = end + 1;
    }
    Some((entries, len))
}

const fn limit_entry(b: &[u8], s: usize, e: usize) -> Option<LimitEntry> {
    let Some(colon) = rfind(b, s, e, b':') else { return None };
    let Some(weight) = number(b, colon + 1, e) else { return None };
    let (s, e) = trim(b, s, colon);
    if s == e {
        return None;
    }
    if b[s] == b'>' {
        return match number_u64(b, s + 1, e) {
            Some(n) if n < u64::MAX => Some(LimitEntry { low: n + 1, high: u64::MAX, weight }),
            _ => None,
        };
    }
    if b[s] == b'[' {
        let Some(comma) = find(b, s, e, b',') else { return None };
        let inclusive = match b[e - 1] {
            b']' => true,
            b')' => false,
            _ => return None,
        };
        return match (number_u64(b, s + 1, comma), number_u64(b, comma + 1, e - 1)) {
            (Some(low), Some(high)) if inclusive => Some(LimitEntry { low, high, weight }),
            (Some(low), Some(high)) if high > 0 => Some(LimitEntry { low, high: high - 1, weight }),
            _ => None,
        };
    }
    let (mut at, mut high) = (s, 0);
    while at <= e {
        let end = match find(b, at, e, b',') {
            Some(comma) => comma,
            None => e,
        };
        match number_u64(b, at, end) {
            Some(n) if n > high => high = n,
            Some(_) => {}
            None => return None,
        }
        at = end + 1;
    }
    Some(LimitEntry { low: 0, high, weight })
}

/// The largest number after a `:` in a `;`-separated entry, else the largest number at
/// all, else 1.
const fn largest(b: &[u8], s: usize, e: usize) -> u32 {
    let (mut after_colons, mut found, mut at) = (0, false, s);
    while at <= e {
        let end = match find(b, at, e, b';') {
            Some(semi) => semi,
            None => e,
        };
        if let Some(colon) = rfind(b, at, end, b':') {
            if let Some(w) = number(b, colon + 1, end) {
                if !found || w > after_colons {
                    after_colons = w;
                }
                found = true;
            }
        }
        at = end + 1;
    }
    if found {
        return after_colons;
    }
    let (mut best, mut any, mut i) = (0u32, false, s);
    while i < e {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < e && b[i].is_ascii_digit() {
                i += 1;
            }
            if let Some(n) = number(b, start, i) {
                if !any || n > best {
                    best = n;
                }
                any = true;
            }
        } else {
            i += 1;
        }
    }
    if any {
        best
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(rule: &str, params: &[(&str, &str)]) -> u32 {
        WeightRule::parse(rule).weight(params.iter().copied())
    }

    fn is_known(rule: &str) -> bool {
        WeightRule::parse(rule).is_read()
    }

    #[test]
    fn every_rule_form_is_read_on_the_actual_parameters() {
        assert_eq!(w("20", &[]), 20);
        let by_symbol = "1 with symbol; 40 without";
        assert_eq!(w(by_symbol, &[("symbol", "BTCUSDT")]), 1);
        assert_eq!(w(by_symbol, &[]), 40);
        let depth = "limit 5, 10, 20, 50: 2; 100: 5; 500: 10; 1000: 20";
        assert_eq!(w(depth, &[("limit", "5")]), 2);
        assert_eq!(w(depth, &[("limit", "50")]), 2);
        assert_eq!(w(depth, &[("limit", "100")]), 5);
        assert_eq!(w(depth, &[("limit", "1000")]), 20);
        assert_eq!(w(depth, &[]), 20, "no limit sent: the dearest");
        let klines = "limit [1,100): 1; [100,500): 2; [500,1000]: 5; >1000: 10";
        assert_eq!(w(klines, &[("limit", "99")]), 1);
        assert_eq!(w(klines, &[("limit", "100")]), 2);
        assert_eq!(w(klines, &[("limit", "1000")]), 5);
        assert_eq!(w(klines, &[("limit", "1500")]), 10);
        assert_eq!(w(klines, &[("limit", "x")]), 10);
        for rule in ["20", by_symbol, depth, klines] {
            assert!(is_known(rule), "{rule}");
        }
        assert!(!is_known("heavy"));
        assert!(!is_known("limit 5: 2; 100: x"), "a table with an unread entry is no table");
        assert_eq!(w("limit 5: 2; 100: x", &[("limit", "5")]), 2, "the dearest it names");
        // Read at compile time as the endpoints' calls do.
        const DEPTH: WeightRule = WeightRule::parse("limit 5, 10, 20, 50: 2; 100: 5; 500: 10; 1000: 20");
        assert_eq!(DEPTH.weight([("symbol", "BTCUSDT"), ("limit", "500")].into_iter()), 10);
        assert_eq!(w("heavy", &[]), 1);
        assert_eq!(w("5 per symbol, 40 for all", &[]), 40);
    }

    #[test]
    fn every_weight_rule_of_the_spec_is_read() {
        let tables = [
            crate::params::ENDPOINTS,
            crate::v3::ENDPOINTS,
            crate::spot::ENDPOINTS,
            crate::spot::v3::ENDPOINTS,
            crate::prediction::ENDPOINTS,
            crate::chain::ENDPOINTS,
            crate::chain::rpc::ENDPOINTS,
        ];
        for spec in tables.iter().flat_map(|t| t.iter()) {
            assert!(is_known(spec.weight), "{}: weight rule `{}` is not read", spec.path, spec.weight);
        }
    }
}
