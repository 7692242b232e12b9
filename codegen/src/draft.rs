//! Drafts spec entries for what a docs file has and the spec lacks: endpoints (method,
//! path, security, weight rule, parameters), reply models inferred from the examples,
//! streams and user-data events, in the spec's own YAML format.
//!
//! A draft is marked for review: every description it leaves is `DRAFT: …`, which the
//! validator refuses, so nothing drafted reaches the generated client until a person has
//! checked it against the docs and described it in the project's own words.

use crate::docs::{DocEndpoint, DocEvent, DocParam, DocStream, Docs, WeightCase};
use crate::spec::Spec;
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The placeholder every drafted description starts with.
pub const MARK: &str = "DRAFT:";

/// What a draft holds, as YAML fragments for each spec file of an API.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Draft {
    /// Entries for `rest.yaml`'s `endpoints:` list.
    pub endpoints: String,
    /// Entries for `models.yaml`'s `models:` map.
    pub models: String,
    /// Entries for `streams.yaml`'s `streams:` list.
    pub streams: String,
    /// Entries for `streams.yaml`'s `events:` list.
    pub events: String,
    /// How many of each were drafted: endpoints, models, streams, events.
    pub counts: [usize; 4],
}

impl Draft {
    /// The draft as one YAML document, one key per spec file section.
    pub fn to_yaml(&self, source: &str) -> String {
        let mut out = format!(
            "# Drafted by `aster-spec draft` from {source}: review every entry against the docs,\n\
             # replace each `{MARK}` description with our own words, then move the entries into the\n\
             # API's rest.yaml / streams.yaml and the models file.\n"
        );
        for (key, body) in [
            ("endpoints", &self.endpoints),
            ("models", &self.models),
            ("streams", &self.streams),
            ("events", &self.events),
        ] {
            if body.is_empty() {
                let _ = writeln!(out, "{key}: []");
            } else {
                let _ = write!(out, "{key}:\n{body}");
            }
        }
        out
    }
}

/// Drafts everything in `docs` that `spec` lacks (all of it when there is no spec yet).
pub fn draft(spec: Option<&Spec>, docs: &Docs) -> Draft {
    let mut d = Draft::default();
    let mut models = Models {
        known: spec.map(|s| s.models.models.keys().cloned().collect()).unwrap_or_default(),
        enums: spec.map(|s| s.models.enums.keys().cloned().collect()).unwrap_or_default(),
        out: BTreeMap::new(),
    };
    for e in docs.endpoints.iter().filter(|e| !has_endpoint(spec, e)) {
        d.endpoints.push_str(&endpoint(e, &mut models));
        d.counts[0] += 1;
    }
    for s in docs.streams.iter().filter(|s| !has_stream(spec, s)) {
        d.streams.push_str(&stream(s, &mut models));
        d.counts[2] += 1;
    }
    for e in docs.events.iter().filter(|e| !has_event(spec, e)) {
        d.events.push_str(&event(e, &mut models));
        d.counts[3] += 1;
    }
    d.counts[1] = models.out.len();
    d.models = models.out.into_values().collect();
    d
}

fn has_endpoint(spec: Option<&Spec>, e: &DocEndpoint) -> bool {
    spec.is_some_and(|s| s.rest.endpoints.iter().any(|x| x.key() == e.key()))
}

fn has_stream(spec: Option<&Spec>, d: &DocStream) -> bool {
    spec.is_some_and(|s| s.streams.streams.iter().any(|x| d.patterns.iter().any(|p| x.patterns.contains(p))))
}

fn has_event(spec: Option<&Spec>, e: &DocEvent) -> bool {
    spec.is_some_and(|s| s.streams.events.iter().any(|x| x.event == e.event))
}

/// A YAML string scalar, quoted.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn placeholder(what: &str) -> String {
    quoted(&format!("{MARK} {what}"))
}

/// The params the request core adds itself (HMAC and API-wallet signing).
const CORE_PARAMS: [&str; 6] = ["timestamp", "recvWindow", "signature", "user", "signer", "nonce"];

fn endpoint(e: &DocEndpoint, models: &mut Models) -> String {
    let name = e.title.to_snake_case();
    let security = e.security.clone().unwrap_or_else(|| "NONE".into());
    let mut out = String::new();
    let _ = writeln!(out, "  # {MARK} from docs line {}; check the name, group, weight and every param.", e.line);
    let _ = writeln!(out, "  - name: {name}");
    let _ = writeln!(out, "    title: {}", quoted(&e.title));
    let _ = writeln!(out, "    group: {}", group_of(&security));
    let _ = writeln!(out, "    method: {}", e.method);
    let _ = writeln!(out, "    path: {}", e.path);
    if let Some(m) = &e.rpc {
        let _ = writeln!(out, "    rpc: {m}");
    }
    let _ = writeln!(out, "    security: {security}");
    let _ = writeln!(out, "    weight: {}", weight_rule(&e.weight));
    let _ = writeln!(out, "    doc: {}", placeholder("what this endpoint does"));
    let params: Vec<&DocParam> = e.params.iter().filter(|p| !CORE_PARAMS.contains(&p.name.as_str())).collect();
    if !params.is_empty() {
        let _ = writeln!(out, "    params:");
        for p in params {
            let required = if p.mandatory { ", required: true" } else { "" };
            let _ = writeln!(
                out,
                "      - {{ name: {}, type: {}{required} }}",
                p.name,
                param_type(&p.ty, &p.name, &models.enums)
            );
        }
    }
    let response = match &e.response {
        Some((example, _)) => models.type_of(&e.title.to_upper_camel_case(), example),
        None => "Empty".to_string(),
    };
    let _ = writeln!(out, "    response: {}\n", quoted(&response));
    out
}

/// The endpoint group the spec files most endpoints of a security type under.
fn group_of(security: &str) -> &'static str {
    match security {
        "NONE" | "MARKET_DATA" => "market",
        "TRADE" => "trade",
        "USER_STREAM" => "user_stream",
        _ => "account",
    }
}

/// The docs' weight cases as a spec rule: a number, `N with symbol; M without`, or by
/// `limit`. The parameter a rule depends on is a guess to review.
fn weight_rule(cases: &[WeightCase]) -> String {
    match cases {
        [] => "1".into(),
        [one] if one.when.is_empty() => one.weight.to_string(),
        [with, without] if with.when.is_empty() && without.when.is_empty() => {
            quoted(&format!("{} with symbol; {} without", with.weight, without.weight))
        }
        _ => {
            let clauses: Vec<String> = cases
                .iter()
                .filter(|c| !c.when.is_empty())
                .map(|c| {
                    let values: Vec<String> = c.when.iter().map(i64::to_string).collect();
                    format!("{}: {}", values.join(", "), c.weight)
                })
                .collect();
            quoted(&format!("limit {}", clauses.join("; ")))
        }
    }
}

/// The spec type of a docs parameter type: an ENUM takes the spec's enum of the param's
/// name when there is one (`side` → `enum(Side)`), a string until review names one.
fn param_type(docs: &str, name: &str, enums: &std::collections::BTreeSet<String>) -> String {
    let t = docs.trim().to_ascii_uppercase();
    let scalar = |inner: &str| match inner {
        "LONG" => "long",
        "INT" | "INTEGER" => "int",
        "DECIMAL" | "FLOAT" | "DOUBLE" | "BIGDECIMAL" => "decimal",
        "BOOLEAN" | "BOOL" => "bool",
        _ => "string",
    };
    let list = t.strip_prefix("LIST<").or_else(|| t.strip_prefix("ARRAY<")).and_then(|r| r.strip_suffix('>'));
    if let Some(inner) = list {
        return format!("list<{}>", scalar(inner.trim()));
    }
    if t == "ENUM" {
        let candidate = name.to_upper_camel_case();
        if enums.contains(&candidate) {
            return format!("enum({candidate})");
        }
    }
    scalar(&t).to_string()
}

fn stream(s: &DocStream, models: &mut Models) -> String {
    let name = s.title.trim_end_matches(" Streams").trim_end_matches(" Stream").to_snake_case();
    let first = s.patterns.first().cloned().unwrap_or_default();
    let placeholders: Vec<String> =
        first.split('<').skip(1).filter_map(|rest| rest.split_once('>').map(|(p, _)| p.to_string())).collect();
    let template = placeholders.iter().fold(first.clone(), |t, p| t.replace(&format!("<{p}>"), &format!("{{{p}}}")));
    let params: Vec<String> = placeholders
        .iter()
        .map(|p| match p.as_str() {
            "symbol" => "{ name: symbol, type: symbol }".to_string(),
            other => format!("{{ name: {other}, type: string, placeholder: true }}"),
        })
        .collect();
    let patterns: Vec<String> = s.patterns.iter().map(|p| quoted(p)).collect();
    let speeds: Vec<&str> = s.speeds.iter().map(String::as_str).collect();
    let (payload, array) = match &s.payload {
        Some((Value::Array(items), _)) => {
            (items.first().map(|i| models.type_of(&format!("{}Event", name.to_upper_camel_case()), i)), true)
        }
        Some((example, _)) => (Some(models.type_of(&format!("{}Event", name.to_upper_camel_case()), example)), false),
        None => (None, false),
    };
    let event = s.payload.as_ref().and_then(|(v, _)| event_name(v));
    let mut out = String::new();
    let _ = writeln!(out, "  # {MARK} from docs line {}; check the template and its params.", s.line);
    let _ = writeln!(out, "  - name: {name}");
    let _ = writeln!(out, "    title: {}", quoted(&s.title));
    let _ = writeln!(out, "    patterns: [{}]", patterns.join(", "));
    let _ = writeln!(out, "    template: {}", quoted(&template));
    let _ = writeln!(out, "    params: [{}]", params.join(", "));
    let _ = writeln!(out, "    speeds: [{}]", speeds.join(", "));
    if let Some(event) = event {
        let _ = writeln!(out, "    event: {}", quoted(&event));
    }
    let _ = writeln!(
        out,
        "    payload: {}",
        payload.map(|p| p.trim_start_matches('[').trim_end_matches(']').to_string()).unwrap_or_else(|| "json".into())
    );
    if array {
        let _ = writeln!(out, "    array: true");
    }
    out.push('\n');
    out
}

/// The `"e"` of a payload example (of its first element, for an array).
fn event_name(payload: &Value) -> Option<String> {
    let first = match payload {
        Value::Array(items) => items.first()?,
        other => other,
    };
    first.get("e")?.as_str().map(str::to_string)
}

fn event(e: &DocEvent, models: &mut Models) -> String {
    let variant = e.event.to_lowercase().to_upper_camel_case();
    let payload = match &e.payload {
        Some((example, _)) => models.type_of(&format!("{variant}Event"), example),
        None => "json".into(),
    };
    format!(
        "  # {MARK} from docs line {}.\n  - {{ event: {}, title: {}, variant: {variant}, payload: {} }}\n",
        e.line,
        quoted(&e.event),
        quoted(&e.title),
        quoted(&payload)
    )
}

/// Reply models inferred from examples, each drafted once.
struct Models {
    /// Names the spec has already: a drafted model takes another.
    known: std::collections::BTreeSet<String>,
    /// The spec's enums, which ENUM params may name.
    enums: std::collections::BTreeSet<String>,
    out: BTreeMap<String, String>,
}

impl Models {
    /// The spec type of `example`; objects become models named from `name`.
    fn type_of(&mut self, name: &str, example: &Value) -> String {
        match example {
            Value::Object(fields) => self.model(name, fields),
            Value::Array(items) => match items.first() {
                Some(item @ Value::Object(_)) => format!("[{}]", self.type_of(name, item)),
                Some(Value::Array(_)) | None => "[json]".into(),
                Some(scalar) => format!("[{}]", scalar_type(scalar)),
            },
            scalar => scalar_type(scalar).into(),
        }
    }

    fn model(&mut self, name: &str, fields: &serde_json::Map<String, Value>) -> String {
        let mut name = name.to_string();
        while self.known.contains(&name) || self.out.contains_key(&name) {
            name.push_str("Draft");
        }
        self.known.insert(name.clone());
        let mut text = format!("  # {MARK} inferred from the docs' example; check each type.\n  {name}:\n");
        let _ = writeln!(text, "    doc: {}", placeholder("what this reply holds"));
        if fields.is_empty() {
            text.push_str("    fields: []\n\n");
        } else {
            text.push_str("    fields:\n");
            for (key, value) in fields {
                let ty = self.type_of(&format!("{name}{}", key.to_upper_camel_case()), value);
                let optional = if value.is_null() { ", optional: true" } else { "" };
                let _ = writeln!(text, "      - {{ json: {}, type: {}{optional} }}", quoted(key), quoted(&ty));
            }
            text.push('\n');
        }
        self.out.insert(name.clone(), text);
        name
    }
}

/// The spec type of a scalar in an example: numbers in strings are decimals (the exchange
/// sends prices and quantities so), whole numbers longs.
fn scalar_type(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "long",
        Value::Number(_) => "decimal",
        Value::String(s) if s.contains('.') && s.parse::<f64>().is_ok() => "decimal",
        Value::String(_) => "string",
        _ => "json",
    }
}

/// How much of a draft of `docs` the reviewed `spec` kept: per drafted item, whether the
/// spec has it as drafted. `(kept, drafted)` for each.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Survival {
    /// Endpoints of the docs that the spec has (by method and path, and JSON-RPC method).
    pub endpoints: (usize, usize),
    pub names: (usize, usize),
    pub groups: (usize, usize),
    pub security: (usize, usize),
    pub weights: (usize, usize),
    /// Drafted params the spec has under the same name, then with the same type and
    /// whether required.
    pub params: (usize, usize),
    pub param_types: (usize, usize),
    pub param_required: (usize, usize),
}

/// Compares what `draft` would write for every endpoint of `docs` with the reviewed spec.
pub fn survival(spec: &Spec, docs: &Docs) -> Survival {
    let mut s = Survival::default();
    let enums = spec.models.enums.keys().cloned().collect();
    let count = |pair: &mut (usize, usize), kept: bool| {
        pair.0 += usize::from(kept);
        pair.1 += 1;
    };
    for e in &docs.endpoints {
        let reviewed = spec.rest.endpoints.iter().find(|x| x.key() == e.key());
        count(&mut s.endpoints, reviewed.is_some());
        let Some(r) = reviewed else { continue };
        let security = e.security.clone().unwrap_or_else(|| "NONE".into());
        count(&mut s.names, r.name == e.title.to_snake_case());
        count(&mut s.groups, r.group == group_of(&security));
        count(&mut s.security, r.security.as_deref() == Some(security.as_str()));
        count(&mut s.weights, r.weight_text() == weight_rule(&e.weight).trim_matches('"'));
        for p in e.params.iter().filter(|p| !CORE_PARAMS.contains(&p.name.as_str())) {
            let kept = r.params.iter().find(|x| x.name == p.name);
            count(&mut s.params, kept.is_some());
            if let Some(k) = kept {
                count(&mut s.param_types, k.ty == param_type(&p.ty, &p.name, &enums));
                count(&mut s.param_required, k.required == p.mandatory);
            }
        }
    }
    s
}
