//! Checks the spec before anything is emitted. Each problem names the file, the entry and
//! what is wrong, so a spec edit that breaks the client is caught with a readable message.

use crate::names;
use crate::spec::{Param, Spec};
use crate::types::{FieldType, ParamType, ResponseType};
use std::collections::{BTreeSet, HashSet};

pub const SECURITY_TYPES: &[&str] =
    &["NONE", "MARKET_DATA", "USER_STREAM", "TRADE", "USER_DATA", "TRANSFER", "PUBLIC", "WITHDRAW"];
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE"];
pub const GROUPS: &[&str] =
    &["market", "trade", "account", "user_stream", "strategy", "sub_account", "agents", "outcomes", "staking"];
pub const SIGNING_SCHEMES: &[&str] = &["hmac", "eip712"];
pub const WALLET_KEYS: &[&str] = &["api_wallet", "main_wallet"];
pub const WALLET_PARAMS: &[&str] = &["user", "signer", "nonce", "asterChain"];

/// Every problem found, in spec order; empty when the spec is sound.
pub fn validate(spec: &Spec) -> Vec<String> {
    let mut errors = validate_api(spec);
    errors.extend(validate_shared(spec));
    errors
}

/// The sets of names an API's checks look things up in.
struct Known<'a> {
    enums: HashSet<&'a str>,
    models: HashSet<&'a str>,
    objects: HashSet<&'a str>,
}

/// Problems of one API's own files: endpoints, param objects, streams and events.
pub fn validate_api(spec: &Spec) -> Vec<String> {
    let mut errors = Vec::new();
    let known = Known {
        enums: spec.models.enums.keys().map(String::as_str).collect(),
        models: spec.models.models.keys().map(String::as_str).collect(),
        objects: spec.rest.param_objects.iter().map(|o| o.name.as_str()).collect(),
    };
    check_api_header(spec, &known, &mut errors);
    check_endpoints(spec, &known, &mut errors);
    check_streams(spec, &known, &mut errors);
    check_events(spec, &known, &mut errors);
    errors
}

/// The `api:` header: signing scheme, wallet defaults, module name; and enum/model clashes.
fn check_api_header(spec: &Spec, known: &Known, errors: &mut Vec<String>) {
    let rest = spec.rest_path.display().to_string();
    let models = spec.models_path.display().to_string();
    for name in &known.enums {
        if known.models.contains(name) || known.objects.contains(name) {
            errors.push(format!("{models}: `{name}` is both an enum and a model"));
        }
    }
    let api = &spec.api;
    if !SIGNING_SCHEMES.contains(&api.signing.as_str()) {
        errors.push(format!("{rest}: api signing `{}` is not one of {SIGNING_SCHEMES:?}", api.signing));
    }
    match (&api.wallet, api.is_wallet()) {
        (Some(w), true) => check_wallet_signing(&format!("{rest}: api"), w, &[], errors),
        (None, true) => errors.push(format!("{rest}: an eip712 api needs `wallet` signing defaults")),
        (Some(_), false) => errors.push(format!("{rest}: `wallet` applies to eip712 APIs only")),
        (None, false) => {}
    }
    if !names::is_snake_ident(&api.module) {
        errors.push(format!("{rest}: api module `{}` must be a snake_case identifier", api.module));
    }
    for name in &api.not_on_testnet {
        if !spec.rest.endpoints.iter().any(|ep| ep.name == *name) {
            errors.push(format!("{rest}: not_on_testnet names `{name}`, which is no endpoint of the api"));
        }
    }
}

/// Every endpoint and param object: names, routes, security, params and their rules.
fn check_endpoints(spec: &Spec, known: &Known, errors: &mut Vec<String>) {
    let rest = spec.rest_path.display().to_string();
    let mut method_names = HashSet::new();
    let mut routes = HashSet::new();
    for ep in &spec.rest.endpoints {
        let at = format!("{rest}: endpoint `{}`", ep.name);
        if !method_names.insert(ep.name.clone()) {
            errors.push(format!("{at}: duplicate method name"));
        }
        if !routes.insert(ep.key()) {
            errors.push(format!("{at}: {} is listed twice", ep.key()));
        }
        if let Some(m) = &ep.rpc {
            if ep.method != "POST" || !m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                errors.push(format!("{at}: a JSON-RPC method `{m}` is posted and named by letters, digits, `_`"));
            }
        }
        check_endpoint(spec, known, ep, &at, errors);
    }
    for obj in &spec.rest.param_objects {
        let at = format!("{rest}: param object `{}`", obj.name);
        check_params(&at, &obj.params, &known.enums, &known.objects, errors);
    }
}

fn check_endpoint(spec: &Spec, known: &Known, ep: &crate::spec::Endpoint, at: &str, errors: &mut Vec<String>) {
    if !names::is_snake_ident(&ep.name) {
        errors.push(format!("{at}: name must be a snake_case identifier"));
    }
    if !METHODS.contains(&ep.method.as_str()) {
        errors.push(format!("{at}: unknown method `{}` (expected one of {METHODS:?})", ep.method));
    }
    let prefix = &spec.api.path_prefix;
    if !ep.path.starts_with(prefix.as_str()) || ep.path.contains(char::is_whitespace) {
        errors.push(format!("{at}: path `{}` must start with {prefix} and hold no spaces", ep.path));
    }
    if !GROUPS.contains(&ep.group.as_str()) {
        errors.push(format!("{at}: unknown group `{}` (expected one of {GROUPS:?})", ep.group));
    }
    for doc in std::iter::once(&ep.doc).chain(ep.params.iter().map(|p| &p.doc)) {
        unreviewed(at, doc, errors);
    }
    let security = match &ep.security {
        None => {
            errors.push(format!("{at}: missing security"));
            "NONE"
        }
        Some(s) if !SECURITY_TYPES.contains(&s.as_str()) => {
            errors.push(format!("{at}: unknown security `{s}` (expected one of {SECURITY_TYPES:?})"));
            "NONE"
        }
        Some(s) => s.as_str(),
    };
    if ep.weight_text().trim().is_empty() {
        errors.push(format!("{at}: missing weight"));
    }
    check_params(at, &ep.params, &known.enums, &known.objects, errors);
    for p in &ep.params {
        if spec.api.is_signed(security) && spec.api.signing_params().contains(&p.name.as_str()) {
            errors.push(format!("{at}: param `{}` is added by the signing core and must not be listed", p.name));
        }
    }
    check_client_order_id(spec, ep, at, errors);
    if let Some(signing) = &ep.signing {
        if !spec.api.is_wallet() {
            errors.push(format!("{at}: `signing` applies to eip712 APIs only"));
        }
        check_wallet_signing(at, signing, &ep.params, errors);
    }
    check_param_rules(spec, ep, at, errors);
    match ResponseType::parse(&ep.response) {
        Err(e) => errors.push(format!("{at}: response: {e}")),
        Ok(ResponseType::Plain(_)) => {}
        Ok(r) if !known.models.contains(r.model()) => {
            errors.push(format!("{at}: response names unknown model `{}`", r.model()))
        }
        Ok(_) => {}
    }
}

/// `client_order_id` names an optional string param, directly or in a list of objects.
fn check_client_order_id(spec: &Spec, ep: &crate::spec::Endpoint, at: &str, errors: &mut Vec<String>) {
    if let Some(target) = &ep.client_order_id {
        let optional_string =
            |params: &[Param], name: &str| params.iter().any(|p| p.name == name && !p.required && p.ty == "string");
        let ok = match target.split_once("[].") {
            Some((list, item)) => ep.params.iter().any(|p| {
                p.name == list
                    && p.ty.strip_prefix("list<").and_then(|r| r.strip_suffix('>')).is_some_and(|obj| {
                        spec.rest.param_objects.iter().any(|o| o.name == obj && optional_string(&o.params, item))
                    })
            }),
            None => optional_string(&ep.params, target),
        };
        if !ok {
            errors.push(format!(
                "{at}: client_order_id `{target}` must name an optional string param (or list<Object>[].field)"
            ));
        }
    }
}

/// `one_of` groups and `required_when` rules name params that exist and can serve.
fn check_param_rules(spec: &Spec, ep: &crate::spec::Endpoint, at: &str, errors: &mut Vec<String>) {
    let param_names: HashSet<&str> = ep.params.iter().map(|p| p.name.as_str()).collect();
    for group in &ep.one_of {
        if group.len() < 2 {
            errors.push(format!("{at}: one_of needs at least two params"));
        }
        for n in group {
            match ep.params.iter().find(|p| &p.name == n) {
                None => errors.push(format!("{at}: one_of names unknown param `{n}`")),
                Some(p) if p.required => errors.push(format!("{at}: one_of names `{n}`, which is already required")),
                Some(_) => {}
            }
        }
    }
    for rule in &ep.required_when {
        match ep.params.iter().find(|p| p.name == rule.param) {
            None => errors.push(format!("{at}: required_when names unknown param `{}`", rule.param)),
            Some(p) => match ParamType::parse(&p.ty) {
                Ok(ParamType::Enum(e)) => {
                    let known =
                        spec.models.enums.get(&e).is_some_and(|vals| vals.iter().any(|v| v.wire() == rule.value));
                    if !known {
                        errors.push(format!("{at}: required_when value `{}` is not a value of enum {e}", rule.value));
                    }
                    if !p.required {
                        errors.push(format!("{at}: required_when param `{}` must be required", p.name));
                    }
                }
                _ => errors.push(format!("{at}: required_when param `{}` must be an enum", rule.param)),
            },
        }
        for n in rule.requires.iter().flat_map(|n| n.split('|')) {
            if !param_names.contains(n) {
                errors.push(format!("{at}: required_when requires unknown param `{n}`"));
            }
        }
    }
}

/// Stream names, their patterns and payload models.
fn check_streams(spec: &Spec, known: &Known, errors: &mut Vec<String>) {
    let streams = spec.streams_path.display().to_string();
    let mut stream_names = HashSet::new();
    let mut patterns = HashSet::new();
    for s in &spec.streams.streams {
        let at = format!("{streams}: stream `{}`", s.name);
        if !names::is_snake_ident(&s.name) || !stream_names.insert(s.name.clone()) {
            errors.push(format!("{at}: name must be a unique snake_case identifier"));
        }
        if s.patterns.is_empty() {
            errors.push(format!("{at}: has no patterns"));
        }
        for p in &s.patterns {
            if !patterns.insert(p.clone()) {
                errors.push(format!("{at}: pattern `{p}` is listed twice"));
            }
            let placeholders_ok = p
                .split('<')
                .skip(1)
                .all(|rest| matches!(rest.split('>').next(), Some("symbol" | "interval" | "levels" | "event")));
            if !placeholders_ok || !(p.contains('@') || p.starts_with('!')) {
                errors.push(format!(
                    "{at}: pattern `{p}` must use <symbol>, <interval>, <levels> or <event> and hold `@` or start with `!`"
                ));
            }
        }
    }
    for s in &spec.streams.streams {
        let at = format!("{streams}: stream `{}`", s.name);
        if !known.models.contains(s.payload.as_str()) {
            errors.push(format!("{at}: unknown payload model `{}`", s.payload));
        }
        match crate::emit_streams::expand(s, &spec.models.enums) {
            Err(e) => errors.push(format!("{at}: {e}")),
            Ok(made) => {
                let made: BTreeSet<String> = made.into_iter().collect();
                let listed: BTreeSet<String> = s.patterns.iter().cloned().collect();
                if made != listed {
                    errors.push(format!("{at}: the template makes {made:?}, the patterns list {listed:?}"));
                }
            }
        }
    }
}

/// User-data events: unique names and variants, known payloads.
fn check_events(spec: &Spec, known: &Known, errors: &mut Vec<String>) {
    let streams = spec.streams_path.display().to_string();
    let mut event_names = HashSet::new();
    let mut variants = HashSet::new();
    for e in &spec.streams.events {
        if !event_names.insert(e.event.clone()) {
            errors.push(format!("{streams}: event `{}` is listed twice", e.event));
        }
        if !variants.insert(e.variant.clone()) || e.variant == "Unknown" {
            errors.push(format!("{streams}: event variant `{}` is taken", e.variant));
        }
        if !known.models.contains(e.payload.as_str()) {
            errors.push(format!("{streams}: event `{}`: unknown payload model `{}`", e.event, e.payload));
        }
    }
}

/// Problems of the files every API shares: enums, models and error codes.
pub fn validate_shared(spec: &Spec) -> Vec<String> {
    let models = spec.models_path.display().to_string();
    let mut errors = Vec::new();
    for (name, model) in &spec.models.models {
        for doc in std::iter::once(&model.doc).chain(model.fields.iter().map(|f| &f.doc)) {
            unreviewed(&format!("{models}: model `{name}`"), doc, &mut errors);
        }
    }
    let enums: HashSet<&str> = spec.models.enums.keys().map(String::as_str).collect();
    let model_names: HashSet<&str> = spec.models.models.keys().map(String::as_str).collect();

    for (name, values) in &spec.models.enums {
        let at = format!("{models}: enum `{name}`");
        let mut wires = HashSet::new();
        let mut idents = HashSet::new();
        if values.is_empty() {
            errors.push(format!("{at}: has no values"));
        }
        for v in values {
            if !wires.insert(v.wire().to_string()) {
                errors.push(format!("{at}: value `{}` listed twice", v.wire()));
            }
            match names::variant(v) {
                Some(id) => {
                    if id == "Unknown" || !idents.insert(id.clone()) {
                        errors.push(format!("{at}: variant name `{id}` is taken"));
                    }
                }
                None => errors.push(format!("{at}: value `{}` is not an identifier; give it a `name`", v.wire())),
            }
        }
    }

    for (label, target) in &spec.models.docs_enums {
        if let Some(t) = target {
            if !enums.contains(t.as_str()) {
                errors.push(format!("{models}: docs_enums `{label}` names unknown enum `{t}`"));
            }
        }
    }

    let errors_file = spec.errors_path.display().to_string();
    let mut codes = HashSet::new();
    for e in &spec.errors.errors {
        if !codes.insert(e.code) {
            errors.push(format!("{errors_file}: error code {} is listed twice", e.code));
        }
    }

    for (name, model) in &spec.models.models {
        let at = format!("{models}: model `{name}`");
        let is_array = match model.repr.as_deref() {
            None => false,
            Some("array") => true,
            Some(other) => {
                errors.push(format!("{at}: unknown repr `{other}` (expected array)"));
                false
            }
        };
        let mut rust_names = HashSet::new();
        let mut json_names = HashSet::new();
        for f in &model.fields {
            let fname = f.json.clone().or(f.name.clone()).unwrap_or_default();
            let fat = format!("{at}: field `{fname}`");
            if is_array && f.json.is_some() {
                errors.push(format!("{fat}: array models take no `json` keys"));
            }
            if !is_array && f.json.is_none() {
                errors.push(format!("{fat}: missing `json` key"));
            }
            if let Some(j) = &f.json {
                if !json_names.insert(j.clone()) {
                    errors.push(format!("{fat}: duplicate json key"));
                }
            }
            match names::field(f) {
                Some(id) if names::is_snake_ident(&id) && !names::is_keyword(&id) => {
                    if !rust_names.insert(id.clone()) {
                        errors.push(format!("{fat}: Rust name `{id}` used twice"));
                    }
                }
                Some(id) => errors.push(format!("{fat}: `{id}` is not a usable Rust name; give it a `name`")),
                None => errors.push(format!("{fat}: needs `json` or `name`")),
            }
            match FieldType::parse(&f.ty) {
                Err(e) => errors.push(format!("{fat}: {e}")),
                Ok(t) => {
                    if let Some(n) = t.named() {
                        if !enums.contains(n) && !model_names.contains(n) {
                            errors.push(format!("{fat}: unknown type `{n}`"));
                        }
                    }
                }
            }
        }
    }
    errors
}

fn check_wallet_signing(at: &str, s: &crate::spec::WalletSigning, params: &[Param], errors: &mut Vec<String>) {
    if !WALLET_KEYS.contains(&s.key.as_str()) {
        errors.push(format!("{at}: signing key `{}` is not one of {WALLET_KEYS:?}", s.key));
    }
    for a in &s.adds {
        if !WALLET_PARAMS.contains(&a.as_str()) {
            errors.push(format!("{at}: signing adds `{a}`, not one of {WALLET_PARAMS:?}"));
        }
    }
    if !s.message.is_empty() {
        for p in params.iter().map(|p| &p.name).chain(&s.adds) {
            if !s.message.contains(p) && !s.unsigned.contains(p) {
                errors.push(format!("{at}: signing message leaves out `{p}`, which would go unsigned"));
            }
        }
        for m in &s.message {
            if !params.iter().any(|p| &p.name == m) && !s.adds.contains(m) {
                errors.push(format!("{at}: signing message names `{m}`, which is neither a param nor added"));
            }
        }
    }
    for u in &s.unsigned {
        // A typed struct's chain id is sent beside it, required.
        if !params.iter().any(|p| &p.name == u && (!p.required || s.typed.is_some())) || s.message.contains(u) {
            errors.push(format!("{at}: unsigned `{u}` must be an optional param left out of the message"));
        }
    }
    if s.typed.is_some() && (s.message.is_empty() || s.key != "main_wallet") {
        errors.push(format!("{at}: a typed message is the main wallet's, with its keys listed in `message`"));
    }
    if let Some(c) = &s.chain_id_param {
        if !params.iter().any(|p| &p.name == c && p.required) {
            errors.push(format!("{at}: chain_id_param `{c}` must be a required param"));
        }
    }
}

fn check_params(at: &str, params: &[Param], enums: &HashSet<&str>, objects: &HashSet<&str>, errors: &mut Vec<String>) {
    let mut seen = HashSet::new();
    let mut rust_seen = BTreeSet::new();
    for p in params {
        let pat = format!("{at}: param `{}`", p.name);
        if !seen.insert(p.name.clone()) {
            errors.push(format!("{pat}: listed twice"));
        }
        let rust = names::param(p);
        if names::is_keyword(&rust) || !names::is_snake_ident(&rust) {
            errors.push(format!("{pat}: `{rust}` is not a usable Rust name; give it a `rust` name"));
        }
        if ["recv_window", "send", "raw", "send_with_meta", "params"].contains(&rust.as_str()) {
            errors.push(format!("{pat}: Rust name `{rust}` collides with a request method"));
        }
        if !rust_seen.insert(rust.clone()) {
            errors.push(format!("{pat}: Rust name `{rust}` used twice"));
        }
        match ParamType::parse(&p.ty) {
            Err(e) => errors.push(format!("{pat}: {e}")),
            Ok(t) => {
                match &t {
                    ParamType::Enum(n) if !enums.contains(n.as_str()) => {
                        errors.push(format!("{pat}: unknown enum `{n}`"))
                    }
                    ParamType::List(item) => {
                        if let ParamType::Object(n) = item.as_ref() {
                            if !objects.contains(n.as_str()) {
                                errors.push(format!("{pat}: unknown param object `{n}`"));
                            }
                        }
                    }
                    _ => {}
                }
                if (!p.values.is_empty() || p.range.is_some()) && !t.is_numeric() {
                    errors.push(format!("{pat}: values and range apply to int and long params only"));
                }
                if p.max_items.is_some() && !matches!(t, ParamType::List(_)) {
                    errors.push(format!("{pat}: max_items applies to list params only"));
                }
            }
        }
    }
}

/// A description a draft left (`DRAFT: …`): nothing unreviewed reaches the client.
fn unreviewed(at: &str, doc: &str, errors: &mut Vec<String>) {
    if doc.trim_start().starts_with(crate::draft::MARK) {
        errors.push(format!("{at}: still a draft (`{doc}`): review it and describe it in our own words"));
    }
}
