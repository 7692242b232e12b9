//! Compares the spec with a parsed docs file. Every difference gets a stable key; the keys
//! listed in the API's `deviations.yaml` are deliberate and reported as explained.

use crate::docs::{DocParam, Docs};
use crate::spec::{Param, Spec};
use crate::types::ParamType;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// What kind of difference: `endpoint-missing-in-spec`, `param-type`, ...
    pub kind: &'static str,
    /// Stable identity: the kind and what it is about, e.g. `signing GET /fapi/v1/adlQuantile`.
    pub key: String,
    pub detail: String,
    /// The reason from deviations.yaml when the difference is deliberate.
    pub explanation: Option<String>,
}

impl Finding {
    pub fn explained(&self) -> bool {
        self.explanation.is_some()
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// deviations.yaml keys that match no difference any more.
    pub stale_explanations: Vec<String>,
}

impl Report {
    pub fn unexplained(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.explained())
    }
}

struct Collector(Vec<Finding>);

impl Collector {
    fn add(&mut self, kind: &'static str, subject: impl AsRef<str>, detail: impl Into<String>) {
        self.0.push(Finding {
            kind,
            key: format!("{kind} {}", subject.as_ref()),
            detail: detail.into(),
            explanation: None,
        });
    }
}

fn spec_param_type(p: &Param) -> String {
    let ty = p.wire.clone().unwrap_or_else(|| ParamType::parse(&p.ty).map(|t| t.docs_type()).unwrap_or_default());
    ty.to_uppercase().replace(' ', "")
}

fn compare_params(out: &mut Collector, subject: &str, spec: &[Param], docs: &[DocParam], skip: &[&str]) {
    let spec_by: BTreeMap<&str, &Param> = spec.iter().map(|p| (p.name.as_str(), p)).collect();
    let docs_by: BTreeMap<&str, &DocParam> =
        docs.iter().filter(|d| !skip.contains(&d.name.as_str())).map(|d| (d.name.as_str(), d)).collect();
    for (name, d) in &docs_by {
        match spec_by.get(name) {
            None => out.add(
                "param-missing-in-spec",
                format!("{subject} {name}"),
                format!("docs line {} lists `{name}` ({})", d.line, d.ty),
            ),
            Some(p) => {
                let st = spec_param_type(p);
                if st != d.ty {
                    out.add(
                        "param-type",
                        format!("{subject} {name}"),
                        format!("docs {} (line {}), spec {st}", d.ty, d.line),
                    );
                }
                if p.required != d.mandatory {
                    out.add(
                        "param-mandatory",
                        format!("{subject} {name}"),
                        format!("docs mandatory={} (line {}), spec required={}", d.mandatory, d.line, p.required),
                    );
                }
            }
        }
    }
    for name in spec_by.keys().filter(|n| !docs_by.contains_key(*n)) {
        out.add(
            "param-missing-in-docs",
            format!("{subject} {name}"),
            format!("the spec has `{name}`, the docs do not"),
        );
    }
}

/// The API a docs file describes: the one named, or else the one whose path prefix most of
/// the docs' endpoints start with.
pub fn pick_api<'a>(apis: &'a [Spec], docs: &Docs, name: Option<&str>) -> Result<&'a Spec, String> {
    if let Some(name) = name {
        let known: Vec<&str> = apis.iter().map(|a| a.api.name.as_str()).collect();
        return apis.iter().find(|a| a.api.name == name).ok_or(format!("no API `{name}` in the spec (have {known:?})"));
    }
    let matching = |a: &Spec| docs.endpoints.iter().filter(|e| e.path.starts_with(&a.api.path_prefix)).count();
    // APIs on one prefix (spot V3 and the prediction market) are told apart by the paths
    // they have.
    let exact = |a: &Spec| docs.endpoints.iter().filter(|e| a.rest.endpoints.iter().any(|s| s.path == e.path)).count();
    // Longer prefixes are more specific: /fapi/v3/ beats /fapi/ on a V3 file.
    apis.iter()
        .max_by_key(|a| (matching(a), exact(a), a.api.path_prefix.len()))
        .filter(|a| matching(a) > 0)
        .ok_or_else(|| "the docs describe no endpoint under any API's path prefix".to_string())
}

pub fn diff(spec: &Spec, docs: &Docs) -> Report {
    let mut out = Collector(Vec::new());
    for problem in &docs.problems {
        let place = if docs.file.is_empty() {
            format!("line {}", problem.line)
        } else {
            format!("{}:{}", docs.file, problem.line)
        };
        out.add(
            "parse",
            format!("line {}", problem.line),
            format!("{place}: {} (this section was not compared)", problem.message),
        );
    }
    compare_security_types(&mut out, docs);
    compare_endpoints(&mut out, spec, docs);
    compare_streams(&mut out, spec, docs);
    compare_payloads(&mut out, spec, docs);
    compare_events(&mut out, spec, docs);
    compare_errors(&mut out, spec, docs);
    compare_enums(&mut out, spec, docs);
    let mut findings = out.0;
    let reasons: Vec<(&str, &str)> =
        spec.deviations.deviations.iter().map(|d| (d.key.as_str(), d.reason.as_str())).collect();
    let mut used = BTreeSet::new();
    for f in &mut findings {
        if let Some((key, reason)) = reasons.iter().find(|(k, _)| key_matches(k, &f.key)) {
            used.insert(*key);
            f.explanation = Some(reason.to_string());
        }
    }
    let stale = reasons.iter().filter(|(k, _)| !used.contains(k)).map(|(k, _)| k.to_string()).collect();
    findings.sort();
    Report { findings, stale_explanations: stale }
}

/// Whether a deviation's key names a finding's: equal, or with each `*` standing for any
/// text (`param-missing-in-spec * recvWindow`: every endpoint's recvWindow).
fn key_matches(pattern: &str, key: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else { return false };
    let Some(mut rest) = key.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    if parts.is_empty() {
        return rest.is_empty();
    }
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Security types the headings use but the docs' own table does not define, and table
/// of contents lines that lead nowhere.
fn compare_security_types(out: &mut Collector, docs: &Docs) {
    let documented_types: BTreeSet<&str> = docs.security_types.iter().map(String::as_str).collect();
    let mut undocumented = BTreeSet::new();
    for d in &docs.endpoints {
        if let Some(s) = &d.security {
            if !documented_types.is_empty() && !documented_types.contains(s.as_str()) {
                undocumented.insert(s.clone());
            }
        }
    }
    for s in undocumented {
        out.add(
            "undocumented-security-type",
            &s,
            format!("headings use {s}, the security type table does not list it"),
        );
    }
    for (title, line) in &docs.toc_orphans {
        out.add("docs-toc", title, format!("table of contents line {line} names a section no heading has"));
    }
}

/// Endpoints on either side only, and each shared endpoint compared.
fn compare_endpoints(out: &mut Collector, spec: &Spec, docs: &Docs) {
    let spec_eps: BTreeMap<String, &crate::spec::Endpoint> = spec.rest.endpoints.iter().map(|e| (e.key(), e)).collect();
    let mut seen = BTreeSet::new();
    for d in &docs.endpoints {
        let key = d.key();
        seen.insert(key.clone());
        let Some(s) = spec_eps.get(&key) else {
            out.add("endpoint-missing-in-spec", &key, format!("docs line {}: {}", d.line, d.title));
            continue;
        };
        compare_endpoint(out, spec, &key, s, d);
        compare_response(out, spec, &key, s, d);
    }
    for key in spec_eps.keys().filter(|k| !seen.contains(*k) && !docs.unreadable.contains(*k)) {
        out.add("endpoint-missing-in-docs", key, "the spec has it, the docs do not");
    }
}

/// Stream and event payload examples against the spec's payload models.
fn compare_payloads(out: &mut Collector, spec: &Spec, docs: &Docs) {
    for d in &docs.streams {
        let Some((example, line)) = &d.payload else { continue };
        let Some(pattern) = d.patterns.first() else { continue };
        if let Some(s) = spec.streams.streams.iter().find(|s| s.patterns.contains(pattern)) {
            let value = example.as_array().and_then(|a| a.first()).unwrap_or(example);
            compare_object(out, spec, &format!("{pattern} payload"), &s.payload, value, *line);
        }
    }
    for d in &docs.events {
        let Some((example, line)) = &d.payload else { continue };
        if let Some(e) = spec.streams.events.iter().find(|e| e.event == d.event) {
            compare_object(out, spec, &format!("event {} payload", d.event), &e.payload, example, *line);
        }
    }
}

/// The docs' response example against the spec's response model.
fn compare_response(
    out: &mut Collector,
    spec: &Spec,
    key: &str,
    s: &crate::spec::Endpoint,
    d: &crate::docs::DocEndpoint,
) {
    use crate::types::ResponseType;
    let Some((example, line)) = &d.response else { return };
    // A JSON-RPC reply's envelope is the core's; the endpoint's reply is its `result`.
    let example = match &s.rpc {
        Some(_) => match example.get("result") {
            Some(result) => result,
            None => {
                out.add("response-type", format!("{key} response"), format!("docs line {line}: no `result`"));
                return;
            }
        },
        None => example,
    };
    let Ok(response) = ResponseType::parse(&s.response) else { return };
    let first = |v: &serde_json::Value| v.as_array().and_then(|a| a.first()).cloned();
    let (model, value) = match &response {
        ResponseType::Model(m) => (m.clone(), Some(example.clone())),
        ResponseType::Vec(inner) => (inner.model().to_string(), first(example)),
        ResponseType::OneOrMany(m) => {
            (m.clone(), if example.is_array() { first(example) } else { Some(example.clone()) })
        }
        // Batch replies mix results and errors: the first object that is not an error.
        ResponseType::BatchResult(m) => {
            (m.clone(), example.as_array().and_then(|a| a.iter().find(|v| v.get("code").is_none()).cloned()))
        }
        ResponseType::Plain(_) => return,
    };
    if let Some(value) = value {
        compare_object(out, spec, &format!("{key} response"), &model, &value, *line);
    }
}

/// Keys of an example object against a model's fields, and each value's JSON type against
/// the field's type, into nested models.
fn compare_object(
    out: &mut Collector,
    spec: &Spec,
    subject: &str,
    model: &str,
    value: &serde_json::Value,
    line: usize,
) {
    use crate::types::FieldType;
    let Some(m) = spec.models.models.get(model) else { return };
    if m.repr.as_deref() == Some("array") {
        return; // positional: no keys to compare
    }
    let Some(object) = value.as_object() else {
        out.add("response-type", subject, format!("docs line {line}: not a JSON object, the spec's model {model} is"));
        return;
    };
    if object.is_empty() {
        return; // a placeholder ("same as …"), not an example
    }
    let fields: BTreeMap<&str, &crate::spec::Field> =
        m.fields.iter().filter_map(|f| f.json.as_deref().map(|j| (j, f))).collect();
    let aliases: BTreeMap<&str, &str> = m
        .fields
        .iter()
        .filter_map(|f| f.json.as_deref().map(|j| (j, f)))
        .flat_map(|(j, f)| f.aliases.iter().map(move |a| (a.as_str(), j)))
        .collect();
    let known = |k: &str| fields.contains_key(k) || aliases.contains_key(k);
    for k in object.keys().filter(|k| !known(k.as_str())) {
        out.add(
            "response-field-missing-in-spec",
            format!("{subject} {k}"),
            format!("docs line {line}: in the example, not in model {model}"),
        );
    }
    for (k, f) in &fields {
        let Some(v) = object.get(*k).or_else(|| f.aliases.iter().find_map(|a| object.get(a))) else {
            if !f.optional {
                out.add(
                    "response-field-missing-in-docs",
                    format!("{subject} {k}"),
                    format!("model {model} requires it; the example (line {line}) lacks it"),
                );
            }
            continue;
        };
        let Ok(ty) = FieldType::parse(&f.ty) else { continue };
        check_json_type(out, spec, &format!("{subject} {k}"), &ty, v, line);
    }
}

fn check_json_type(
    out: &mut Collector,
    spec: &Spec,
    subject: &str,
    ty: &crate::types::FieldType,
    v: &serde_json::Value,
    line: usize,
) {
    use crate::types::FieldType;
    use serde_json::Value;
    let numeric_text = |v: &Value| v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok());
    let fits = match (ty, v) {
        (_, Value::Null) | (FieldType::Json, _) => true,
        (FieldType::String, Value::String(_)) => true,
        (FieldType::Int | FieldType::Long, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (FieldType::Int | FieldType::Long, s @ Value::String(_)) => {
            s.as_str().is_some_and(|t| t.trim().parse::<i64>().is_ok())
        }
        (FieldType::Decimal, Value::Number(_)) => true,
        (FieldType::Decimal, s @ Value::String(_)) => numeric_text(s) || s.as_str() == Some(""),
        (FieldType::Bool, Value::Bool(_)) => true,
        (FieldType::Bool, Value::String(t)) => matches!(t.as_str(), "true" | "false"),
        (FieldType::Array(inner), Value::Array(items)) => {
            if let Some(item) = items.first() {
                check_json_type(out, spec, subject, inner, item, line);
            }
            true
        }
        (FieldType::Map(inner), Value::Object(entries)) => {
            if let Some(item) = entries.values().next() {
                check_json_type(out, spec, subject, inner, item, line);
            }
            true
        }
        (FieldType::Named(name), value) if spec.models.enums.contains_key(name) => value.is_string(),
        (FieldType::Named(name), value) => match spec.models.models.get(name) {
            Some(m) if m.repr.as_deref() == Some("array") => value.is_array(),
            Some(_) if value.is_object() => {
                compare_object(out, spec, subject, name, value, line);
                true
            }
            _ => false,
        },
        _ => false,
    };
    if !fits {
        let json_kind = match v {
            Value::Null => "null",
            Value::Bool(_) => "a bool",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        out.add("response-type", subject, format!("docs line {line}: {json_kind} ({v}), the spec says {ty:?}"));
    }
}

/// One endpoint both sides have: title, security, signing, weight, params, object fields.
fn compare_endpoint(
    out: &mut Collector,
    spec: &Spec,
    key: &str,
    s: &crate::spec::Endpoint,
    d: &crate::docs::DocEndpoint,
) {
    if s.title != d.title {
        out.add("title", key, format!("docs `{}`, spec `{}`", d.title, s.title));
    }
    // A JSON-RPC method's params are positional: their order is part of the API.
    if s.rpc.is_some() {
        let spec_order: Vec<&str> = s.params.iter().map(|p| p.name.as_str()).collect();
        let docs_order: Vec<&str> = d.params.iter().map(|p| p.name.as_str()).collect();
        if spec_order != docs_order {
            out.add("rpc-param-order", key, format!("docs {docs_order:?}, spec {spec_order:?}"));
        }
    }
    let spec_security = s.security.clone().unwrap_or_default();
    let docs_security = d.security.clone().unwrap_or_else(|| "NONE".into());
    if spec_security != docs_security {
        out.add("security", key, format!("docs heading {docs_security}, spec {spec_security}"));
    }
    let signed = spec.api.is_signed(&spec_security);
    // V3 docs mark no method line; signing follows from the security type alone.
    if !spec.api.is_wallet() && signed != d.hmac {
        out.add(
            "signing",
            key,
            format!(
                "docs method line (line {}) {} the HMAC SHA256 marker; spec {} signed",
                d.line,
                if d.hmac { "has" } else { "lacks" },
                if signed { "is" } else { "is not" }
            ),
        );
    }
    let spec_weight = crate::docs::weight_cases(&s.weight_text());
    if spec_weight != d.weight {
        let docs_weight = crate::docs::WeightCaseList(&d.weight);
        out.add("weight", key, format!("docs `{docs_weight:?}`, spec `{}`", s.weight_text()));
    }
    let skip: &[&str] = if signed { spec.api.signing_params() } else { &[] };
    compare_params(out, key, &s.params, &d.params, skip);
    let object = s.params.iter().find_map(|p| match ParamType::parse(&p.ty) {
        Ok(ParamType::List(item)) => match *item {
            ParamType::Object(name) => Some((p.name.clone(), name)),
            _ => None,
        },
        _ => None,
    });
    match object {
        Some((param, name)) => {
            let fields =
                spec.rest.param_objects.iter().find(|o| o.name == name).map(|o| o.params.as_slice()).unwrap_or(&[]);
            compare_params(out, &format!("{key} {param}[]"), fields, &d.object_params, &[]);
        }
        None if !d.object_params.is_empty() => {
            out.add(
                "param-missing-in-spec",
                format!("{key} object"),
                "the docs describe object fields the spec has no object param for",
            );
        }
        None => {}
    }
}

/// Stream name patterns on either side only, and update speeds.
fn compare_streams(out: &mut Collector, spec: &Spec, docs: &Docs) {
    let docs_patterns: BTreeMap<&str, &crate::docs::DocStream> =
        docs.streams.iter().flat_map(|s| s.patterns.iter().map(move |p| (p.as_str(), s))).collect();
    let spec_patterns: BTreeMap<&str, &crate::spec::Stream> =
        spec.streams.streams.iter().flat_map(|s| s.patterns.iter().map(move |p| (p.as_str(), s))).collect();
    for (p, d) in &docs_patterns {
        match spec_patterns.get(p) {
            None => out.add("stream-missing-in-spec", p, format!("docs line {}: {}", d.line, d.title)),
            Some(s) => {
                let speeds: BTreeSet<String> = s.speeds.iter().cloned().collect();
                if speeds != d.speeds && s.patterns.first().map(String::as_str) == Some(*p) {
                    out.add("stream-speed", p, format!("docs {:?}, spec {:?}", d.speeds, speeds));
                }
            }
        }
    }
    for p in spec_patterns.keys().filter(|p| !docs_patterns.contains_key(*p)) {
        out.add("stream-missing-in-docs", p, "the spec has it, the docs do not");
    }
}

/// User-data event names on either side only.
fn compare_events(out: &mut Collector, spec: &Spec, docs: &Docs) {
    let docs_events: BTreeSet<&str> = docs.events.iter().map(|e| e.event.as_str()).collect();
    let spec_events: BTreeSet<&str> = spec.streams.events.iter().map(|e| e.event.as_str()).collect();
    for e in docs_events.difference(&spec_events) {
        out.add("event-missing-in-spec", e, "a user-data event of the docs");
    }
    for e in spec_events.difference(&docs_events) {
        out.add("event-missing-in-docs", e, "the spec has it, the docs do not");
    }
}

/// Error codes on either side only, and differing names.
fn compare_errors(out: &mut Collector, spec: &Spec, docs: &Docs) {
    let spec_errors: BTreeMap<i64, &str> = spec.errors.errors.iter().map(|e| (e.code, e.name.as_str())).collect();
    let docs_errors: BTreeMap<i64, (&str, usize)> =
        docs.errors.iter().map(|(c, n, l)| (*c, (n.as_str(), *l))).collect();
    for (code, (name, line)) in &docs_errors {
        match spec_errors.get(code) {
            None => out.add("error-missing-in-spec", code.to_string(), format!("docs line {line}: {name}")),
            Some(s) if s != name => {
                out.add("error-name", code.to_string(), format!("docs {name} (line {line}), spec {s}"))
            }
            Some(_) => {}
        }
    }
    for (code, name) in spec_errors.iter().filter(|(c, _)| !docs_errors.contains_key(c)) {
        out.add("error-missing-in-docs", code.to_string(), format!("the spec has {name}, the docs do not"));
    }
}

/// The docs' enum lists against the spec enums they map to.
fn compare_enums(out: &mut Collector, spec: &Spec, docs: &Docs) {
    for e in &docs.enums {
        let Some(target) = spec.models.docs_enums.get(&e.label) else {
            out.add("enum-unmapped", &e.label, format!("docs line {}: no docs_enums entry in models.yaml", e.line));
            continue;
        };
        let Some(name) = target else { continue };
        let spec_values: BTreeSet<&str> =
            spec.models.enums.get(name).map(|v| v.iter().map(|x| x.wire()).collect()).unwrap_or_default();
        let doc_values: BTreeSet<&str> = e.values.iter().map(String::as_str).collect();
        for v in doc_values.difference(&spec_values) {
            out.add(
                "enum-value-missing-in-spec",
                format!("{} {v}", e.label),
                format!("docs line {}; spec enum {name}", e.line),
            );
        }
        for v in spec_values.difference(&doc_values) {
            out.add(
                "enum-value-missing-in-docs",
                format!("{} {v}", e.label),
                format!("spec enum {name} has it, the docs' list does not"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::key_matches;

    #[test]
    fn a_star_in_a_deviation_key_stands_for_any_text() {
        assert!(key_matches("security GET /x", "security GET /x"));
        assert!(!key_matches("security GET /x", "security GET /xy"));
        let every = "param-missing-in-spec * recvWindow";
        assert!(key_matches(every, "param-missing-in-spec DELETE /fapi/v3/order recvWindow"));
        assert!(!key_matches(every, "param-missing-in-spec DELETE /fapi/v3/order timestamp"));
        assert!(!key_matches(every, "param-missing-in-docs DELETE /fapi/v3/order recvWindow"));
        assert!(key_matches("a*b*c", "a-x-b-y-c") && !key_matches("a*b*c", "a-x-c"));
    }
}
