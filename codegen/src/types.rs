//! The small type language of the spec: parsing it and naming the Rust type it stands for.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The type of a request parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamType {
    String,
    Int,
    Long,
    Decimal,
    Bool,
    /// A flag the docs spell `TRUE` / `FALSE`.
    Flag,
    Enum(String),
    /// A JSON array: of longs, strings or a param object.
    List(Box<ParamType>),
    Object(String),
}

impl ParamType {
    pub fn parse(text: &str) -> Result<ParamType, String> {
        let t = text.trim();
        Ok(match t {
            "string" => ParamType::String,
            "int" => ParamType::Int,
            "long" => ParamType::Long,
            "decimal" => ParamType::Decimal,
            "bool" => ParamType::Bool,
            "flag" => ParamType::Flag,
            _ => {
                if let Some(inner) = t.strip_prefix("enum(").and_then(|r| r.strip_suffix(')')) {
                    ParamType::Enum(inner.trim().to_string())
                } else if let Some(inner) = t.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
                    let item = match inner.trim() {
                        "long" => ParamType::Long,
                        "string" => ParamType::String,
                        other if is_type_name(other) => ParamType::Object(other.to_string()),
                        other => return Err(format!("unknown list item type `{other}`")),
                    };
                    ParamType::List(Box::new(item))
                } else {
                    return Err(format!(
                        "unknown type `{t}` (expected string, int, long, decimal, bool, flag, enum(Name) or list<T>)"
                    ));
                }
            }
        })
    }

    /// The type as the exchange's docs write it in parameter tables.
    pub fn docs_type(&self) -> String {
        match self {
            ParamType::String => "STRING".into(),
            ParamType::Int => "INT".into(),
            ParamType::Long => "LONG".into(),
            ParamType::Decimal => "DECIMAL".into(),
            ParamType::Bool => "BOOLEAN".into(),
            ParamType::Flag => "STRING".into(),
            ParamType::Enum(_) => "ENUM".into(),
            ParamType::List(item) => match item.as_ref() {
                ParamType::Object(_) => "LIST<JSON>".into(),
                other => format!("LIST<{}>", other.docs_type()),
            },
            ParamType::Object(_) => "JSON".into(),
        }
    }

    pub fn rust(&self) -> TokenStream {
        match self {
            ParamType::String => quote!(String),
            ParamType::Int => quote!(u32),
            ParamType::Long => quote!(i64),
            ParamType::Decimal => quote!(Decimal),
            ParamType::Bool => quote!(bool),
            ParamType::Flag => quote!(crate::request::Flag),
            ParamType::Enum(n) | ParamType::Object(n) => {
                let id = format_ident!("{}", n);
                quote!(#id)
            }
            ParamType::List(item) => {
                let inner = item.rust();
                quote!(Vec<#inner>)
            }
        }
    }

    /// The argument type a constructor takes for a required value.
    pub fn arg(&self) -> TokenStream {
        match self {
            ParamType::String => quote!(impl Into<String>),
            ParamType::Flag => quote!(bool),
            other => other.rust(),
        }
    }

    /// Converts the argument named `id` into the stored value.
    pub fn convert(&self, id: &proc_macro2::Ident) -> TokenStream {
        match self {
            ParamType::String => quote!(#id.into()),
            ParamType::Flag => quote!(crate::request::Flag(#id)),
            _ => quote!(#id),
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, ParamType::Int | ParamType::Long)
    }
}

/// The type of a model field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    String,
    Int,
    Long,
    Decimal,
    Bool,
    Json,
    Named(String),
    Array(Box<FieldType>),
    /// A JSON object keyed by strings (an asset, a chain id), written `{T}`.
    Map(Box<FieldType>),
}

impl FieldType {
    pub fn parse(text: &str) -> Result<FieldType, String> {
        let t = text.trim();
        Ok(match t {
            "string" => FieldType::String,
            "int" => FieldType::Int,
            "long" => FieldType::Long,
            "decimal" => FieldType::Decimal,
            "bool" => FieldType::Bool,
            "json" => FieldType::Json,
            _ => {
                if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                    FieldType::Array(Box::new(FieldType::parse(inner)?))
                } else if let Some(inner) = t.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                    FieldType::Map(Box::new(FieldType::parse(inner)?))
                } else if is_type_name(t) {
                    FieldType::Named(t.to_string())
                } else {
                    return Err(format!("unknown type `{t}`"));
                }
            }
        })
    }

    pub fn rust(&self) -> TokenStream {
        match self {
            FieldType::String => quote!(String),
            FieldType::Int => quote!(i32),
            FieldType::Long => quote!(i64),
            FieldType::Decimal => quote!(Decimal),
            FieldType::Bool => quote!(bool),
            FieldType::Json => quote!(serde_json::Value),
            FieldType::Named(n) => {
                let id = format_ident!("{}", n);
                quote!(#id)
            }
            FieldType::Array(inner) => {
                let i = inner.rust();
                quote!(Vec<#i>)
            }
            FieldType::Map(inner) => {
                let i = inner.rust();
                quote!(std::collections::BTreeMap<String, #i>)
            }
        }
    }

    /// Named types this type refers to, for reference checks.
    pub fn named(&self) -> Option<&str> {
        match self {
            FieldType::Named(n) => Some(n),
            FieldType::Array(inner) | FieldType::Map(inner) => inner.named(),
            _ => None,
        }
    }
}

/// The response of an endpoint.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseType {
    Model(String),
    Vec(Box<ResponseType>),
    OneOrMany(String),
    BatchResult(String),
    /// A bare JSON value of a Rust primitive (`bool`).
    Plain(&'static str),
}

impl ResponseType {
    pub fn parse(text: &str) -> Result<ResponseType, String> {
        let t = text.trim();
        if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            return Ok(ResponseType::Vec(Box::new(ResponseType::parse(inner)?)));
        }
        if let Some(inner) = t.strip_prefix("OneOrMany<").and_then(|r| r.strip_suffix('>')) {
            return Ok(ResponseType::OneOrMany(inner.trim().to_string()));
        }
        if let Some(inner) = t.strip_prefix("BatchResult<").and_then(|r| r.strip_suffix('>')) {
            return Ok(ResponseType::BatchResult(inner.trim().to_string()));
        }
        if t == "bool" {
            return Ok(ResponseType::Plain("bool"));
        }
        if is_type_name(t) {
            return Ok(ResponseType::Model(t.to_string()));
        }
        Err(format!("unknown response type `{t}`"))
    }

    pub fn model(&self) -> &str {
        match self {
            ResponseType::Model(n) | ResponseType::OneOrMany(n) | ResponseType::BatchResult(n) => n,
            ResponseType::Vec(inner) => inner.model(),
            ResponseType::Plain(p) => p,
        }
    }

    pub fn rust(&self) -> TokenStream {
        match self {
            ResponseType::Model(n) => {
                let id = format_ident!("{}", n);
                quote!(#id)
            }
            ResponseType::Vec(inner) => {
                let i = inner.rust();
                quote!(Vec<#i>)
            }
            ResponseType::OneOrMany(n) => {
                let id = format_ident!("{}", n);
                quote!(OneOrMany<#id>)
            }
            ResponseType::BatchResult(n) => {
                let id = format_ident!("{}", n);
                quote!(BatchResult<#id>)
            }
            // The only bare value the exchange answers with is `true`, acknowledging a
            // change: typed so that nothing else (`false` included) decodes as success.
            ResponseType::Plain("bool") => quote!(crate::request::Acknowledged),
            ResponseType::Plain(p) => {
                let id = format_ident!("{}", p);
                quote!(#id)
            }
        }
    }
}

fn is_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}
