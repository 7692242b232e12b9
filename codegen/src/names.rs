//! Rust identifiers derived from spec names.

use crate::spec::{EnumValue, Field, Param};
use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

pub fn is_snake_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub fn param(p: &Param) -> String {
    p.rust.clone().unwrap_or_else(|| p.name.to_snake_case())
}

pub fn field(f: &Field) -> Option<String> {
    f.name.clone().or_else(|| f.json.as_ref().map(|j| j.to_snake_case()))
}

/// The Rust variant of an enum value; `None` when the wire string makes no identifier.
pub fn variant(v: &EnumValue) -> Option<String> {
    if let Some(n) = v.explicit_name() {
        return Some(n.to_string());
    }
    let id = v.wire().to_lowercase().to_upper_camel_case();
    let ok = id.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && id.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then_some(id)
}

/// The params struct of an endpoint: `depth` -> `DepthParams`.
pub fn params_struct(endpoint: &str) -> String {
    format!("{}Params", endpoint.to_upper_camel_case())
}
