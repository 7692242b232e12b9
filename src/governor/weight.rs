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

/// The weight of a call whose endpoint's rule is `rule`, sending `params`.
pub(crate) fn weight<'a>(rule: &str, mut params: impl Iterator<Item = (&'a str, &'a str)>) -> u32 {
    let rule = rule.trim();
    if let Ok(n) = rule.parse::<u32>() {
        return n;
    }
    if let Some((with, without)) = by_symbol(rule) {
        return if params.any(|(k, _)| k == "symbol") { with } else { without };
    }
    if let Some(table) = rule.strip_prefix("limit ") {
        let limit = params.find(|(k, _)| *k == "limit").and_then(|(_, v)| v.parse::<u64>().ok());
        if let Some(w) = limit.and_then(|l| by_limit(table, l)) {
            return w;
        }
    }
    largest(rule)
}

/// Whether `rule` is a rule this module reads (every rule of the spec must be).
#[cfg(test)]
fn is_known(rule: &str) -> bool {
    let rule = rule.trim();
    rule.parse::<u32>().is_ok()
        || by_symbol(rule).is_some()
        || rule.strip_prefix("limit ").is_some_and(|t| t.split(';').all(|entry| limit_entry(entry.trim()).is_some()))
}

/// `"A with symbol; B without"`.
fn by_symbol(rule: &str) -> Option<(u32, u32)> {
    let (with, without) = rule.split_once(';')?;
    let with = with.trim().strip_suffix(" with symbol")?.trim().parse().ok()?;
    let without = without.trim().strip_suffix(" without")?.trim().parse().ok()?;
    Some((with, without))
}

/// One entry of a limit table, as the limits it covers and its weight.
struct LimitEntry {
    /// Inclusive bounds; `u64::MAX` for no upper bound.
    low: u64,
    high: u64,
    weight: u32,
}

/// `5, 10, 20, 50: 2` (the listed values and everything between the previous entry and
/// them), `[1,100): 1`, `[500,1000]: 5` or `>1000: 10`.
fn limit_entry(entry: &str) -> Option<LimitEntry> {
    let (keys, weight) = entry.rsplit_once(':')?;
    let weight = weight.trim().parse().ok()?;
    let keys = keys.trim();
    if let Some(above) = keys.strip_prefix('>') {
        let low = above.trim().parse::<u64>().ok()?.checked_add(1)?;
        return Some(LimitEntry { low, high: u64::MAX, weight });
    }
    if let Some(range) = keys.strip_prefix('[') {
        let (lo, hi) = range.split_once(',')?;
        let low = lo.trim().parse().ok()?;
        let (hi, inclusive) = match hi.trim().strip_suffix(']') {
            Some(h) => (h, true),
            None => (hi.trim().strip_suffix(')')?, false),
        };
        let hi: u64 = hi.trim().parse().ok()?;
        return Some(LimitEntry { low, high: if inclusive { hi } else { hi.checked_sub(1)? }, weight });
    }
    let mut high = None;
    for value in keys.split(',') {
        let value: u64 = value.trim().parse().ok()?;
        high = high.max(Some(value));
    }
    Some(LimitEntry { low: 0, high: high?, weight })
}

/// The weight of `limit` in a table: the first entry (in order) that covers it.
fn by_limit(table: &str, limit: u64) -> Option<u32> {
    for entry in table.split(';') {
        let e = limit_entry(entry.trim())?;
        if (e.low..=e.high).contains(&limit) {
            return Some(e.weight);
        }
    }
    None
}

/// The largest number after a `:` or standing alone, else the largest number at all, else 1.
fn largest(rule: &str) -> u32 {
    let after_colons = rule.split(';').filter_map(|e| e.rsplit_once(':')).filter_map(|(_, w)| w.trim().parse().ok());
    let best = after_colons.max();
    best.or_else(|| numbers(rule).max()).unwrap_or(1)
}

fn numbers(text: &str) -> impl Iterator<Item = u32> + '_ {
    text.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(rule: &str, params: &[(&str, &str)]) -> u32 {
        weight(rule, params.iter().copied())
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
        assert_eq!(w("heavy", &[]), 1);
        assert_eq!(w("5 per symbol, 40 for all", &[]), 40);
    }

    #[test]
    fn every_weight_rule_of_the_spec_is_read() {
        let tables =
            [crate::params::ENDPOINTS, crate::v3::ENDPOINTS, crate::spot::ENDPOINTS, crate::spot::v3::ENDPOINTS];
        for spec in tables.iter().flat_map(|t| t.iter()) {
            assert!(is_known(spec.weight), "{}: weight rule `{}` is not read", spec.path, spec.weight);
        }
    }
}
