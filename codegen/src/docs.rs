//! Reads an exchange API docs file by the conventions it is written in: section headings
//! with their security type in parentheses, the `METHOD /path (HMAC SHA256)` line, the
//! `**Weight:**` block, `Name | Type | Mandatory | Description` tables, `**Stream Name:**`
//! lines with `**Update Speed:**`, `Event:` sections with their `"e"` value, the ENUM
//! definitions, the security type table, the table of contents and the error-code list.
//! It knows no endpoint by name, so it reads any docs file written the same way.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
pub struct DocParam {
    pub name: String,
    pub ty: String,
    pub mandatory: bool,
    pub line: usize,
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
    /// Every number in the weight block, sorted: the weight rule compared as a multiset.
    pub weight: Vec<i64>,
    pub params: Vec<DocParam>,
    /// Further parameter tables of the section: the fields of JSON-object params.
    pub object_params: Vec<DocParam>,
    pub line: usize,
}

impl DocEndpoint {
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocStream {
    pub title: String,
    pub patterns: Vec<String>,
    pub speeds: BTreeSet<String>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocEvent {
    pub title: String,
    pub event: String,
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
/// `Required` or `Is it required?`.
fn is_param_header(row: &str) -> bool {
    let c: Vec<String> = cells(row).iter().map(|c| c.to_lowercase()).collect();
    c.len() >= 3
        && c[0] == "name"
        && c[1] == "type"
        && (c[2] == "mandatory" || c[2] == "required" || c[2].starts_with("is it required"))
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
            let heading = collapse_ws(raw.trim_start_matches('#'));
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
    let t = collapse_ws(text.trim().trim_matches('`'));
    let (method, rest) = t.split_once(' ')?;
    if !matches!(method, "GET" | "POST" | "PUT" | "DELETE") || !rest.starts_with('/') {
        return None;
    }
    let (path, marker) = match rest.split_once(' ') {
        Some((p, m)) => (p, m.trim()),
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
        if lines[i].in_code || !is_param_header(lines[i].text) {
            i += 1;
            continue;
        }
        let mut rows = Vec::new();
        i += 1;
        while i < lines.len() && !lines[i].in_code && lines[i].text.contains('|') {
            let l = &lines[i];
            i += 1;
            if is_separator(l.text) {
                continue;
            }
            let c = cells(l.text);
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

fn parse_endpoint(section: &Section, method_at: usize) -> Result<DocEndpoint, ParseError> {
    let lines = &section.lines;
    let (method, path, hmac) = method_line(lines[method_at].text).unwrap_or_default();
    let (title, security) = split_heading(&section.heading);
    let mut weight = Vec::new();
    if let Some(w) = lines.iter().position(|l| !l.in_code && l.text.trim_start().starts_with("**Weight:**")) {
        let first = lines[w].text.trim_start().trim_start_matches("**Weight:**");
        weight.extend(numbers(first));
        for l in &lines[w + 1..] {
            let t = l.text.trim_start();
            if l.in_code || t.starts_with("**Parameters") || t.starts_with("* ") || t.starts_with("- ") {
                break;
            }
            weight.extend(numbers(t));
        }
    }
    weight.sort_unstable();
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
        weight,
        params,
        object_params: tables.flatten().collect(),
        line: lines[method_at].no,
    })
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
    let at = lines.iter().position(|l| !l.in_code && l.text.trim_start().starts_with("**Stream Name"))?;
    let mut text = lines[at].text.to_string();
    for l in lines[at + 1..].iter().take_while(|l| !l.text.trim_start().starts_with("**")) {
        text.push(' ');
        text.push_str(l.text);
    }
    let patterns: Vec<String> =
        backticked(&text).into_iter().filter(|p| p.contains('@') || p.starts_with('!')).collect();
    let mut speeds = BTreeSet::new();
    if let Some(s) = lines.iter().position(|l| !l.in_code && l.text.trim_start().starts_with("**Update Speed")) {
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
    Some(DocStream { title: section.heading.clone(), patterns, speeds, line: lines[at].no })
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
                return Some(DocEvent { title: section.heading.clone(), event: rest[..end].to_string(), line: l.no });
            }
        }
    }
    None
}

fn parse_enums(section: &Section) -> Vec<DocEnum> {
    let mut out: Vec<DocEnum> = Vec::new();
    for l in section.lines.iter().filter(|l| !l.in_code) {
        let t = l.text.trim();
        if t.starts_with("**") && t.ends_with("**") && t.len() > 4 {
            let inner = t.trim_matches('*').trim().trim_end_matches(':').trim();
            let label = inner.split(['(', '（']).next().unwrap_or(inner).trim().trim_end_matches(':').trim();
            out.push(DocEnum { label: label.to_string(), values: Vec::new(), line: l.no });
        } else if let Some(item) = t.strip_prefix("* ") {
            if let (Some(e), Some(v)) = (out.last_mut(), item.split_whitespace().next()) {
                e.values.push(v.to_string());
            }
        }
    }
    out
}

pub fn parse(text: &str) -> Result<Docs, ParseError> {
    let (preamble, sections) = split_sections(text);
    let mut docs = Docs::default();
    let headings: BTreeSet<String> = sections.iter().map(|s| s.heading.clone()).collect();
    for l in &preamble {
        let t = l.text.trim_start();
        if let Some(rest) = t.strip_prefix("- [") {
            if let Some(end) = rest.find("](") {
                let title = collapse_ws(&rest[..end]);
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
        if in_errors {
            for l in section.lines.iter().filter(|l| !l.in_code) {
                let t = l.text.trim();
                if let Some(rest) = t.strip_prefix('>') {
                    let mut words = rest.split_whitespace();
                    if let (Some(code), Some(name)) = (words.next(), words.next()) {
                        if let Ok(code) = code.parse::<i64>() {
                            docs.errors.push((code, name.to_string(), l.no));
                        }
                    }
                }
            }
        }
        if section.heading.eq_ignore_ascii_case("ENUM definitions") {
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
        if section.heading.starts_with("Event:") {
            if let Some(e) = parse_event(section) {
                docs.events.push(e);
            }
        }
        if let Some(s) = parse_stream(section) {
            docs.streams.push(s);
        }
        if let Some(at) = section.lines.iter().position(|l| !l.in_code && method_line(l.text).is_some()) {
            docs.endpoints.push(parse_endpoint(section, at)?);
        }
    }
    if docs.endpoints.is_empty() && docs.streams.is_empty() {
        return Err(ParseError { line: 1, message: "no endpoint (`METHOD /path` line) or stream found".into() });
    }
    Ok(docs)
}
