//! Reads an exchange API docs file by the conventions it is written in: section headings
//! with their security type in parentheses, the `METHOD /path (HMAC SHA256)` line, the
//! `**Weight:**` block, `Name | Type | Mandatory | Description` tables, `**Stream Name:**`
//! lines with `**Update Speed:**`, `Event:` sections with their `"e"` value, the ENUM
//! definitions, the security type table, the table of contents and the error-code list.
//! It knows no endpoint by name, so it reads any docs file written the same way.
//!
//! The files of the doc set vary, and each variant is read: markdown escapes in headings
//! (`USER\_DATA`, `\-1000`), `DEL` for DELETE, several endpoints in one section, event
//! sections headed `Payload:` as well as `Event:`, error codes as headings as well as `>`
//! lines, "Enumeration definition" as well as "ENUM definitions". A section that cannot be
//! read is kept as a problem with its line, and reading goes on.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
pub struct DocParam {
    pub name: String,
    pub ty: String,
    pub mandatory: bool,
    pub line: usize,
}

/// One case of a weight rule: the numbers its condition names, and the weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightCase {
    pub when: Vec<i64>,
    pub weight: i64,
}

impl std::fmt::Debug for WeightCaseList<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cases: Vec<String> = self
            .0
            .iter()
            .map(|c| if c.when.is_empty() { c.weight.to_string() } else { format!("{:?}: {}", c.when, c.weight) })
            .collect();
        f.write_str(&cases.join("; "))
    }
}

/// Shows weight cases as `[5, 10]: 2; [100]: 5`.
pub struct WeightCaseList<'a>(pub &'a [WeightCase]);

/// The cases of a weight rule written as text: clauses split by `;`, each either
/// `condition: weight` or `weight words` ("1 with symbol", "40 when omitted").
pub fn weight_cases(text: &str) -> Vec<WeightCase> {
    let mut cases = Vec::new();
    for clause in text.split(';') {
        match clause.rsplit_once(':') {
            Some((when, weight)) => {
                if let Some(weight) = numbers(weight).next() {
                    cases.push(WeightCase { when: numbers(when).collect(), weight });
                }
            }
            // Without a condition, commas separate cases too: "20 with symbol, 50 without".
            None => {
                for part in clause.split(',') {
                    let mut n = numbers(part);
                    if let Some(weight) = n.next() {
                        cases.push(WeightCase { weight, when: n.collect() });
                    }
                }
            }
        }
    }
    cases
}

/// A weight table row `condition | weight`; the header row has no number in its last cell.
fn weight_row(row: &str) -> Option<WeightCase> {
    let c = cells(row);
    let (last, rest) = c.split_last()?;
    let weight = numbers(last).next()?;
    Some(WeightCase { when: rest.iter().flat_map(|cell| numbers(cell).collect::<Vec<_>>()).collect(), weight })
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocEndpoint {
    pub title: String,
    /// The security type in the heading's parentheses, if any.
    pub security: Option<String>,
    pub method: String,
    pub path: String,
    /// Whether the method line carries `(HMAC SHA256)`.
    pub hmac: bool,
    /// The JSON-RPC method (`**Method:** `aster_getBalance``) of an endpoint that is one.
    pub rpc: Option<String>,
    /// The weight rule case by case, in the docs' order: the numbers of each case's
    /// condition (a limit range, nothing for "with symbol") and its weight.
    pub weight: Vec<WeightCase>,
    pub params: Vec<DocParam>,
    /// Further parameter tables of the section: the fields of JSON-object params.
    pub object_params: Vec<DocParam>,
    /// The response example, when the section has one that reads as JSON (comments and
    /// trailing commas allowed), with its line.
    pub response: Option<(serde_json::Value, usize)>,
    /// Parts of the section that could not be read (the endpoint itself was).
    pub unread_parts: Vec<ParseError>,
    pub line: usize,
}

impl DocEndpoint {
    pub fn key(&self) -> String {
        match &self.rpc {
            Some(m) => format!("{} {} {m}", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocStream {
    pub title: String,
    pub patterns: Vec<String>,
    pub speeds: BTreeSet<String>,
    /// The payload example, when one reads as JSON, with its line.
    pub payload: Option<(serde_json::Value, usize)>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocEvent {
    pub title: String,
    pub event: String,
    /// The payload example, when it reads as JSON, with its line.
    pub payload: Option<(serde_json::Value, usize)>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocEnum {
    pub label: String,
    pub values: Vec<String>,
    pub line: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    pub endpoints: Vec<DocEndpoint>,
    pub streams: Vec<DocStream>,
    pub events: Vec<DocEvent>,
    pub errors: Vec<(i64, String, usize)>,
    pub enums: Vec<DocEnum>,
    /// Rows of the security type table.
    pub security_types: Vec<String>,
    /// Table-of-contents entries with no heading of the same text.
    pub toc_orphans: Vec<(String, usize)>,
    /// Sections that could not be read, each with its line; the rest was read.
    pub problems: Vec<ParseError>,
    /// `METHOD /path` of endpoints whose section could not be read: the docs have them,
    /// so they are not "missing".
    pub unreadable: BTreeSet<String>,
    /// The file the docs came from, for messages (set by the caller).
    pub file: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

struct Line<'a> {
    no: usize,
    text: &'a str,
    in_code: bool,
}

struct Section<'a> {
    heading: String,
    lines: Vec<Line<'a>>,
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops markdown's backslash escapes (`USER\_DATA` → `USER_DATA`, `\-1000` → `-1000`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Splits a table row into trimmed cells, tolerating missing outer pipes and extra spaces.
fn cells(row: &str) -> Vec<String> {
    let t = row.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(|c| collapse_ws(&c.replace('\\', ""))).collect()
}

fn is_separator(row: &str) -> bool {
    let c = cells(row);
    !c.is_empty() && c.iter().all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

/// `Name | Type | Mandatory | …`; files of the doc set also head the third column
/// `Required` or `Is it required?`, and JSON-RPC methods put an `Index` column first.
/// Where the name column is, for a header.
fn param_header(row: &str) -> Option<usize> {
    let c: Vec<String> = cells(row).iter().map(|c| c.to_lowercase()).collect();
    let at = usize::from(c.first().is_some_and(|f| f == "index"));
    let c = c.get(at..)?;
    (c.len() >= 3
        && c[0] == "name"
        && c[1] == "type"
        && (c[2] == "mandatory" || c[2] == "required" || c[2].starts_with("is it required")))
    .then_some(at)
}

/// A mandatory cell: YES/TRUE or NO/FALSE. A starred value (`YES*`, `NO*`) is conditional:
/// required only with some other value or in place of another param, so not mandatory.
fn mandatory_cell(cell: &str) -> Option<bool> {
    match cell.to_uppercase().as_str() {
        "YES" | "TRUE" => Some(true),
        "NO" | "FALSE" | "YES*" | "NO*" => Some(false),
        _ => None,
    }
}

fn numbers(text: &str) -> impl Iterator<Item = i64> + '_ {
    text.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok())
}

fn split_sections(text: &str) -> (Vec<Line<'_>>, Vec<Section<'_>>) {
    let mut preamble = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut in_code = false;
    for (i, raw) in text.lines().enumerate() {
        let line = Line { no: i + 1, text: raw, in_code };
        if raw.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if !in_code && raw.starts_with('#') {
            let heading = collapse_ws(&unescape(raw.trim_start_matches('#')));
            sections.push(Section { heading, lines: Vec::new() });
            continue;
        }
        match sections.last_mut() {
            Some(s) => s.lines.push(line),
            None => preamble.push(line),
        }
    }
    (preamble, sections)
}

/// `Title (SECURITY)` -> ("Title", Some("SECURITY")).
fn split_heading(heading: &str) -> (String, Option<String>) {
    if let Some(open) = heading.rfind('(') {
        let inner = heading[open + 1..].trim_end().trim_end_matches(')');
        if heading.trim_end().ends_with(')')
            && !inner.is_empty()
            && inner.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        {
            return (collapse_ws(&heading[..open]), Some(inner.to_string()));
        }
    }
    (collapse_ws(heading), None)
}

fn method_line(text: &str) -> Option<(String, String, bool)> {
    let t = collapse_ws(&unescape(text.trim().trim_matches('`')));
    let (method, rest) = t.split_once(' ')?;
    let method = match method {
        "GET" | "POST" | "PUT" | "DELETE" => method,
        "DEL" => "DELETE",
        _ => return None,
    };
    if !rest.starts_with('/') {
        return None;
    }
    let (path, marker) = match rest.split_once(' ') {
        Some((p, m)) => (p, m.trim().trim_matches('`').trim()),
        None => (rest, ""),
    };
    let hmac = marker == "(HMAC SHA256)";
    // Some method lines repeat the heading's security type, e.g. `(TRANSFER)`.
    let security_marker = marker
        .strip_prefix('(')
        .and_then(|m| m.strip_suffix(')'))
        .is_some_and(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
    if !marker.is_empty() && !hmac && !security_marker {
        return None;
    }
    Some((method.to_string(), path.to_string(), hmac))
}

/// Reads the parameter tables of a section: the first one after `**Parameters:**` and any
/// later ones (object fields). A table may have a header and no rows (no parameters).
fn param_tables(lines: &[Line]) -> Result<Vec<Vec<DocParam>>, ParseError> {
    let mut tables = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(skip) = (!lines[i].in_code).then(|| param_header(lines[i].text)).flatten() else {
            i += 1;
            continue;
        };
        let mut rows = Vec::new();
        i += 1;
        while i < lines.len() && !lines[i].in_code && lines[i].text.contains('|') {
            let l = &lines[i];
            i += 1;
            if is_separator(l.text) {
                continue;
            }
            let mut c = cells(l.text);
            let c = c.split_off(skip.min(c.len()));
            if c.len() < 3 || c[0].is_empty() {
                return Err(ParseError {
                    line: l.no,
                    message: format!("parameter row needs Name | Type | Mandatory: `{}`", l.text.trim()),
                });
            }
            let Some(mandatory) = mandatory_cell(&c[2]) else {
                return Err(ParseError {
                    line: l.no,
                    message: format!("Mandatory must be YES, NO, TRUE, FALSE, YES* or NO*, not `{}`", c[2]),
                });
            };
            rows.push(DocParam { name: c[0].clone(), ty: c[1].to_uppercase().replace(' ', ""), mandatory, line: l.no });
        }
        tables.push(rows);
    }
    Ok(tables)
}

/// One endpoint from `lines`, the part of its section that belongs to it.
fn parse_endpoint(heading: &str, lines: &[Line], method_at: usize) -> Result<DocEndpoint, ParseError> {
    let (method, path, hmac) = method_line(lines[method_at].text).unwrap_or_default();
    let (title, security) = split_heading(heading);
    let mut weight = Vec::new();
    if let Some(w) = lines.iter().position(|l| !l.in_code && l.text.trim_start().starts_with("**Weight:**")) {
        let first = lines[w].text.trim_start().trim_start_matches("**Weight:**");
        weight.extend(weight_cases(&first.replace('*', "")));
        let mut listing = false;
        for l in &lines[w + 1..] {
            let t = l.text.trim_start();
            let bullet = t.strip_prefix("* ").or_else(|| t.strip_prefix("- "));
            if l.in_code || t.starts_with("**Parameters") || (bullet.is_some() && !weight.is_empty() && !listing) {
                break;
            }
            // A weight written as a list right under its heading ("- ***1***", "* With
            // symbol ***1***" then "* Without ***40***"); later bullets are notes.
            if let Some(item) = bullet {
                weight.extend(weight_cases(&item.replace('*', "")));
                listing = true;
                continue;
            }
            if !t.is_empty() {
                listing = false;
            }
            if t.contains('|') {
                weight.extend(weight_row(t));
            } else {
                weight.extend(weight_cases(&t.replace('*', "")));
            }
        }
    }
    let rpc = lines.iter().filter(|l| !l.in_code).find_map(|l| {
        let m = l.text.trim_start().strip_prefix("**Method:**")?;
        backticked(m).into_iter().next()
    });
    let response = response_example(lines);
    let tables = param_tables(lines)?;
    let has_table = !tables.is_empty();
    let mut tables = tables.into_iter();
    let params = tables.next().unwrap_or_default();
    if !has_table {
        // Without a table the section must say there are none.
        if let Some(p) = lines.iter().position(|l| !l.in_code && l.text.trim_start().starts_with("**Parameters")) {
            let said = lines[p + 1..].iter().map(|l| l.text.trim()).find(|t| !t.is_empty()).unwrap_or("");
            let inline = lines[p].text.trim_start().trim_start_matches("**Parameters:**").trim();
            let none = |s: &str| s.eq_ignore_ascii_case("none");
            if !none(inline) && !none(said) {
                return Err(ParseError {
                    line: lines[p].no,
                    message: "**Parameters:** has neither a Name | Type | Mandatory table nor NONE".into(),
                });
            }
        }
    }
    Ok(DocEndpoint {
        title,
        security,
        method,
        path,
        hmac,
        rpc,
        weight,
        params,
        object_params: tables.flatten().collect(),
        response: response.as_ref().ok().cloned().flatten(),
        unread_parts: response.err().into_iter().collect(),
        line: lines[method_at].no,
    })
}

/// The first code block after a line naming the response, read as JSON.
fn response_example(lines: &[Line]) -> Result<Option<(serde_json::Value, usize)>, ParseError> {
    let Some(label) = lines.iter().position(|l| !l.in_code && l.text.to_lowercase().contains("response")) else {
        return Ok(None);
    };
    let Some(first) = lines[label..].iter().position(|l| l.in_code).map(|i| label + i) else { return Ok(None) };
    let block: Vec<&str> = lines[first..].iter().take_while(|l| l.in_code).map(|l| l.text).collect();
    match json_example(&block.join("\n")) {
        Some(v) => Ok(Some((v, lines[first].no))),
        None => Err(ParseError { line: lines[first].no, message: "the response example does not read as JSON".into() }),
    }
}

/// The payload example of a stream or event section: the JSON block after a line naming
/// the payload (else the first JSON block), unwrapped from a combined-stream envelope.
fn payload_example(lines: &[Line]) -> Option<(serde_json::Value, usize)> {
    let label = lines.iter().position(|l| !l.in_code && l.text.to_lowercase().contains("payload")).unwrap_or(0);
    let (mut value, line) = first_json_block(&lines[label..])?;
    let envelope = value.as_object_mut().filter(|o| o.len() == 2 && o.contains_key("stream"));
    if let Some(data) = envelope.and_then(|o| o.remove("data")) {
        value = data;
    }
    Some((value, line))
}

/// The first code block of a section that reads as JSON.
fn first_json_block(lines: &[Line]) -> Option<(serde_json::Value, usize)> {
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].in_code {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && lines[i].in_code {
            i += 1;
        }
        let block: Vec<&str> = lines[start..i].iter().map(|l| l.text).collect();
        if let Some(v) = json_example(&block.join("\n")) {
            return Some((v, lines[start].no));
        }
    }
    None
}

/// Reads a docs example as JSON: `//` comments, trailing commas, tabs and no-break spaces,
/// a comma missing at the end of a line and Python dict spelling are forgiven, as the
/// docs' examples need.
pub fn json_example(text: &str) -> Option<serde_json::Value> {
    // Tabs and no-break spaces are whitespace to a reader, not to JSON.
    let spaced: String = text.chars().map(|c| if c != '\n' && c.is_whitespace() { ' ' } else { c }).collect();
    let text = if spaced.contains('"') { spaced } else { python_literals(&spaced) };
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        let code = strip_comment(line).trim_end().to_string();
        if !code.trim().is_empty() {
            lines.push(code);
        }
    }
    // A value line followed by a line starting a new key or value needs a comma.
    for i in 0..lines.len().saturating_sub(1) {
        let ends_value =
            lines[i].trim_end().ends_with(|c: char| c == '"' || c.is_ascii_digit() || c == '}' || c == ']')
                || ["true", "false", "null"].iter().any(|w| lines[i].trim_end().ends_with(w));
        let next = lines[i + 1].trim_start();
        if ends_value && (next.starts_with('"') || next.starts_with('{') || next.starts_with('[')) {
            lines[i].push(',');
        }
    }
    let joined = lines.join("\n");
    let chars: Vec<char> = joined.chars().collect();
    let mut out = String::with_capacity(joined.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ',' && chars[i + 1..].iter().find(|n| !n.is_whitespace()).is_some_and(|n| matches!(n, '}' | ']')) {
            continue;
        }
        out.push(c);
    }
    serde_json::from_str(&out).ok()
}

/// A Python dict written as an example (`{'a': False}`) in JSON's spelling.
fn python_literals(text: &str) -> String {
    let quoted = text.replace('\'', "\"");
    let mut out = String::with_capacity(quoted.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "True" => "true",
            "False" => "false",
            "None" => "null",
            other => other,
        });
        word.clear();
    };
    for c in quoted.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A line without its `//` comment (a `//` inside a string stays).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        if c == '"' && prev != '\\' {
            in_string = !in_string;
        }
        if !in_string && c == '/' && prev == '/' {
            return &line[..i - 1];
        }
        prev = c;
    }
    line
}

fn backticked(text: &str) -> Vec<String> {
    text.replace("``", "`")
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_stream(section: &Section) -> Option<DocStream> {
    let lines = &section.lines;
    let starts = |l: &Line, label: &str| !l.in_code && l.text.trim_start().to_lowercase().starts_with(label);
    let at = lines.iter().position(|l| starts(l, "**stream name"))?;
    let mut text = unescape(lines[at].text);
    for l in lines[at + 1..].iter().take_while(|l| !l.text.trim_start().starts_with("**")) {
        text.push(' ');
        text.push_str(&unescape(l.text));
    }
    let is_pattern = |p: &str| p.contains('@') || p.starts_with('!');
    let mut patterns: Vec<String> = backticked(&text).into_iter().filter(|p| is_pattern(p)).collect();
    if patterns.is_empty() {
        // Some files leave the name unquoted: `**Stream name:** !miniTicker@arr`.
        let after = text.split_once(":**").map_or(text.as_str(), |(_, rest)| rest);
        patterns = after.split_whitespace().filter(|w| is_pattern(w)).map(str::to_string).collect();
    }
    let mut speeds = BTreeSet::new();
    if let Some(s) = lines.iter().position(|l| starts(l, "**update speed")) {
        let mut t = lines[s].text.to_string();
        if let Some(next) = lines.get(s + 1) {
            t.push(' ');
            t.push_str(next.text);
        }
        for word in t.split(|c: char| c.is_whitespace() || c == ',') {
            let w = word.trim_matches(|c: char| c == '*' || c == ':' || c == '.');
            if w.eq_ignore_ascii_case("real-time") {
                speeds.insert("Real-time".to_string());
            } else if w.ends_with("ms") && w[..w.len() - 2].chars().all(|c| c.is_ascii_digit()) && w.len() > 2 {
                speeds.insert(w.to_string());
            }
        }
    }
    Some(DocStream {
        title: section.heading.clone(),
        patterns,
        speeds,
        payload: payload_example(lines),
        line: lines[at].no,
    })
}

fn parse_event(section: &Section) -> Option<DocEvent> {
    for l in section.lines.iter().filter(|l| l.in_code) {
        let t = l.text;
        for quote in ['"', '\''] {
            let key = format!("{quote}e{quote}");
            if let Some(at) = t.find(&key) {
                let rest = t[at + key.len()..].trim_start().strip_prefix(':')?.trim_start();
                let rest = rest.strip_prefix(['"', '\''])?;
                let end = rest.find(['"', '\''])?;
                let event = rest[..end].to_string();
                return Some(DocEvent {
                    title: section.heading.clone(),
                    event,
                    payload: payload_example(&section.lines),
                    line: l.no,
                });
            }
        }
    }
    None
}

fn parse_enums(section: &Section) -> Vec<DocEnum> {
    let mut out: Vec<DocEnum> = Vec::new();
    let mut header_seen = false;
    for l in section.lines.iter().filter(|l| !l.in_code) {
        let t = l.text.trim();
        if t.starts_with("**") && t.ends_with("**") && t.len() > 4 {
            let inner = t.trim_matches('*').trim().trim_end_matches(':').trim();
            let label = inner.split(['(', '（']).next().unwrap_or(inner).trim().trim_end_matches(':').trim();
            out.push(DocEnum { label: label.to_string(), values: Vec::new(), line: l.no });
            header_seen = false;
        } else if let Some(item) = t.strip_prefix("* ") {
            if let (Some(e), Some(v)) = (out.last_mut(), item.split_whitespace().next()) {
                e.values.push(unescape(v));
            }
        } else if t.starts_with('|') && !is_separator(t) {
            // A table of values: the first row is its header, each later row's first cell
            // starts with the value ("GTC (Good 'Til Canceled)").
            if !std::mem::replace(&mut header_seen, true) {
                continue;
            }
            let first = cells(t).into_iter().next().unwrap_or_default();
            if let (Some(e), Some(v)) = (out.last_mut(), first.split_whitespace().next()) {
                e.values.push(unescape(v));
            }
        }
    }
    out
}

/// Reads a docs file. Never fails: what cannot be read is in [`Docs::problems`].
pub fn parse(text: &str) -> Docs {
    let (preamble, sections) = split_sections(text);
    let mut docs = Docs::default();
    let headings: BTreeSet<String> = sections.iter().map(|s| s.heading.clone()).collect();
    for l in &preamble {
        let t = l.text.trim_start();
        if let Some(rest) = t.strip_prefix("- [") {
            if let Some(end) = rest.find("](") {
                let title = collapse_ws(&unescape(&rest[..end]));
                if !headings.contains(&title) {
                    docs.toc_orphans.push((title, l.no));
                }
            }
        }
    }
    let mut in_errors = false;
    for section in &sections {
        if section.heading.eq_ignore_ascii_case("Error Codes") {
            in_errors = true;
        }
        if let Some(error) = error_heading(&section.heading, section.lines.first().map_or(0, |l| l.no - 1)) {
            docs.errors.push(error);
        }
        if in_errors {
            docs.errors.extend(quoted_errors(section));
        }
        let lower = section.heading.to_lowercase();
        if lower.starts_with("enum definition") || lower.starts_with("enumeration definition") {
            docs.enums.extend(parse_enums(section));
        }
        let mut rows = section.lines.iter().filter(|l| !l.in_code && l.text.contains('|'));
        if let Some(header) = rows.next() {
            let h = cells(header.text);
            if h.first().is_some_and(|c| c.eq_ignore_ascii_case("Security Type")) {
                docs.security_types
                    .extend(rows.filter(|r| !is_separator(r.text)).filter_map(|r| cells(r.text).into_iter().next()));
            }
        }
        if section.heading.starts_with("Event:") || section.heading.starts_with("Payload:") {
            if let Some(e) = parse_event(section) {
                docs.events.push(e);
            }
        }
        if let Some(s) = parse_stream(section) {
            docs.streams.push(s);
        }
        read_endpoints(section, &mut docs);
    }
    if docs.endpoints.is_empty() && docs.streams.is_empty() {
        docs.problems.push(ParseError { line: 1, message: "no endpoint (`METHOD /path` line) or stream found".into() });
    }
    docs
}

/// Every endpoint of a section: one per method line, each read from its own part of the
/// section (the first part also holds what precedes its method line).
fn read_endpoints(section: &Section, docs: &mut Docs) {
    let starts: Vec<usize> = section
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.in_code && method_line(l.text).is_some())
        .map(|(i, _)| i)
        .collect();
    for (n, &at) in starts.iter().enumerate() {
        let from = if n == 0 { 0 } else { at };
        let to = starts.get(n + 1).copied().unwrap_or(section.lines.len());
        match parse_endpoint(&section.heading, &section.lines[from..to], at - from) {
            Ok(mut e) => {
                docs.problems.append(&mut e.unread_parts);
                docs.endpoints.push(e);
            }
            Err(problem) => {
                if let Some((method, path, _)) = method_line(section.lines[at].text) {
                    docs.unreadable.insert(format!("{method} {path}"));
                }
                docs.problems.push(problem);
            }
        }
    }
}

/// `-1000 UNKNOWN` as a heading (after unescaping).
fn error_heading(heading: &str, line: usize) -> Option<(i64, String, usize)> {
    let mut words = heading.split_whitespace();
    let code = words.next()?.parse::<i64>().ok().filter(|c| *c < 0)?;
    let name = words.next().filter(|n| n.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))?;
    Some((code, name.to_string(), line))
}

/// `> -1000 UNKNOWN` lines of the error-code part.
fn quoted_errors(section: &Section) -> Vec<(i64, String, usize)> {
    let mut out = Vec::new();
    for l in section.lines.iter().filter(|l| !l.in_code) {
        if let Some(rest) = l.text.trim().strip_prefix('>') {
            let mut words = rest.split_whitespace();
            if let (Some(code), Some(name)) = (words.next(), words.next()) {
                if let Ok(code) = unescape(code).parse::<i64>() {
                    out.push((code, unescape(name), l.no));
                }
            }
        }
    }
    out
}
