//! How replies are printed: the exchange's JSON re-indented (on a terminal) or compacted
//! (in a pipe) without reading its numbers, so no price is ever rounded; the exact bytes;
//! or a table.

use serde_json::Value;
use std::io::Write;

/// Writes one line to stdout; `false` once stdout is gone (a pipe whose reader quit, as
/// `| head` does), which ends the command quietly instead of panicking.
pub fn emit(line: &str) -> bool {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|_| out.flush()).is_ok()
}

/// Re-lays JSON text: indented when `pretty`, else without spaces. Strings and numbers are
/// copied byte for byte.
pub fn reformat(text: &str, pretty: bool) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                depth += 1;
                // An empty object or array stays on one line.
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}') | Some(']')) {
                    continue;
                }
                if pretty {
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if pretty && !matches!(out.chars().last(), Some('{') | Some('[')) {
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                if pretty {
                    newline(&mut out, depth);
                }
            }
            ':' => out.push_str(if pretty { ": " } else { ":" }),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn render(headers: &[String], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| rows.iter().map(|r| r[i].len()).chain([headers[i].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ").trim_end().to_string()
    };
    let mut out = vec![line(headers)];
    out.extend(rows.iter().map(|r| line(r)));
    out.join("\n")
}

/// A table of objects: the scalar columns of the first one.
fn objects(items: &[Value]) -> Option<String> {
    let first = items.first()?.as_object()?;
    let headers: Vec<String> =
        first.iter().filter(|(_, v)| !v.is_object() && !v.is_array()).map(|(k, _)| k.clone()).collect();
    let rows: Vec<Vec<String>> =
        items.iter().map(|it| headers.iter().map(|h| it.get(h).map(cell).unwrap_or_default()).collect()).collect();
    Some(render(&headers, &rows))
}

/// A table for a reply: an order book side by side, a list of objects, or the lists an
/// account reply holds (balances, assets, positions). `None` when there is nothing tabular.
pub fn table(v: &Value) -> Option<String> {
    if let (Some(bids), Some(asks)) = (v.get("bids").and_then(Value::as_array), v.get("asks").and_then(Value::as_array))
    {
        let level = |l: Option<&Value>, i: usize| l.and_then(|l| l.get(i)).map(cell).unwrap_or_default();
        let rows: Vec<Vec<String>> = (0..bids.len().max(asks.len()))
            .map(|i| vec![level(bids.get(i), 1), level(bids.get(i), 0), level(asks.get(i), 0), level(asks.get(i), 1)])
            .collect();
        let headers = ["bid qty", "bid", "ask", "ask qty"].map(String::from);
        return Some(render(&headers, &rows));
    }
    if let Some(items) = v.as_array() {
        return objects(items);
    }
    let parts: Vec<String> = ["balances", "assets", "positions"]
        .iter()
        .filter_map(|k| {
            let items = v.get(*k)?.as_array()?;
            // Only what is held: an account lists every asset and symbol.
            let held: Vec<Value> = items.iter().filter(|i| !is_empty_row(i)).cloned().collect();
            Some(format!("{k}:\n{}", objects(&held)?))
        })
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("\n\n"))
    }
}

/// A balance or position row whose amounts are all zero.
fn is_empty_row(v: &Value) -> bool {
    let amounts = ["free", "locked", "walletBalance", "positionAmt", "balance"];
    let present: Vec<&Value> = amounts.iter().filter_map(|k| v.get(*k)).collect();
    !present.is_empty() && present.iter().all(|x| cell(x).parse::<f64>().is_ok_and(|n| n == 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_are_copied_not_reparsed() {
        let body = r#"{"price":"0.00000001","gasCost":0.50000000000000000001,"s":"a, \"b\": [c]","e":[],"o":{}}"#;
        let compact = reformat(body, false);
        assert_eq!(compact, body);
        let pretty = reformat(body, true);
        assert!(pretty.contains("\"gasCost\": 0.50000000000000000001"));
        assert!(pretty.contains(r#""s": "a, \"b\": [c]""#));
        assert!(pretty.contains("\"e\": []"));
        assert_eq!(reformat(&pretty, false), body);
    }

    #[test]
    fn a_book_is_shown_side_by_side() {
        let v: Value = serde_json::from_str(r#"{"bids":[["99.5","2"]],"asks":[["100.5","3"],["101","1"]]}"#).unwrap();
        let t = table(&v).unwrap();
        assert_eq!(t.lines().nth(1).unwrap().split_whitespace().collect::<Vec<_>>(), ["2", "99.5", "100.5", "3"]);
        assert_eq!(t.lines().count(), 3);
    }
}
