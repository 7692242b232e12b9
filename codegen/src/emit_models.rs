//! Emits `enums.rs` (the closed value sets, each with an unknown fallback) and `models.rs`
//! (the response models).

use crate::names;
use crate::spec::{Field, Model, Spec};
use crate::types::FieldType;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

pub fn emit_enums(spec: &Spec) -> TokenStream {
    let enums = spec.models.enums.iter().map(|(name, values)| emit_enum(name, values));
    quote! {
        #(#enums)*
    }
}

/// The shared models, one file per endpoint group (`models/<group>.rs`) and a `mod.rs`
/// that brings them together: `(file name, code)`.
pub fn emit(spec: &Spec, apis: &[Spec], sets: &ModelSets) -> Vec<(String, TokenStream)> {
    let glossary = &spec.models.field_docs;
    let groups = model_groups(spec, apis);
    let mut by_group: BTreeMap<&str, Vec<TokenStream>> = BTreeMap::new();
    for (name, model) in &spec.models.models {
        by_group.entry(groups[name.as_str()].as_str()).or_default().push(emit_model(name, model, glossary, sets));
    }
    let modules: Vec<_> = by_group.keys().map(|g| format_ident!("{}", g)).collect();
    let mut files = vec![(
        "mod.rs".to_string(),
        quote! {
            #(mod #modules;)*
            #(pub use #modules::*;)*
        },
    )];
    for (group, models) in by_group {
        files.push((
            format!("{group}.rs"),
            quote! {
                #![allow(unused_imports)]
                use super::*;
                use super::super::enums::*;
                use rust_decimal::Decimal;
                use serde::{Deserialize, Serialize};

                #(#models)*
            },
        ));
    }
    files
}

/// Each shared model's group: that of the first endpoint (of any API, in order) whose reply
/// holds it, directly or inside another model; `events` for those only streams use.
fn model_groups(spec: &Spec, apis: &[Spec]) -> BTreeMap<String, String> {
    let models = &spec.models.models;
    let named_in = |ty: &str| -> Vec<String> {
        ty.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .filter(|word| models.contains_key(*word))
            .map(str::to_string)
            .collect()
    };
    let mut groups = BTreeMap::new();
    for endpoint in apis.iter().flat_map(|api| &api.rest.endpoints) {
        let mut pending = named_in(&endpoint.response);
        while let Some(name) = pending.pop() {
            if groups.contains_key(&name) {
                continue;
            }
            pending.extend(models[&name].fields.iter().flat_map(|f| named_in(&f.ty)));
            groups.insert(name, endpoint.group.clone());
        }
    }
    for name in models.keys() {
        groups.entry(name.clone()).or_insert_with(|| "events".to_string());
    }
    groups
}

/// A product's own enums and models, beside the shared ones they may use.
/// A product's own models; `before` are the product modules listed ahead of it, whose
/// models it may use (prediction builds on spot's).
pub fn emit_product(
    own: &crate::spec::ModelsFile,
    glossary: &Glossary,
    before: &[String],
    sets: &ModelSets,
) -> TokenStream {
    let before = before.iter().map(|m| {
        let m = format_ident!("{}", m);
        quote!(use super::#m::*;)
    });
    let enums = own.enums.iter().map(|(name, values)| emit_enum(name, values));
    let models = own.models.iter().map(|(name, model)| emit_model(name, model, glossary, sets));
    quote! {
        #![allow(unused_imports)]
        use super::enums::*;
        use super::models::*;
        #(#before)*
        use rust_decimal::Decimal;
        use serde::{Deserialize, Serialize};

        #(#enums)*
        #(#models)*
    }
}

fn emit_enum(name: &str, values: &[crate::spec::EnumValue]) -> TokenStream {
    let id = format_ident!("{}", name);
    let doc = format!("Values of `{name}` as the exchange spells them; unknown ones are kept in `Unknown`.");
    let variants: Vec<_> = values.iter().map(|v| format_ident!("{}", names::variant(v).unwrap_or_default())).collect();
    let wires: Vec<_> = values.iter().map(|v| v.wire().to_string()).collect();
    let variant_docs = wires.iter().map(|w| format!("`{w}`"));
    let alias_arms: Vec<TokenStream> = values
        .iter()
        .zip(&variants)
        .flat_map(|(v, var)| v.aliases().iter().map(|a| quote!(#a => #id::#var,)).collect::<Vec<_>>())
        .collect();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #id {
            #( #[doc = #variant_docs] #variants, )*
            /// A value this version of the client does not know, kept as received.
            Unknown(String),
        }

        impl #id {
            /// Every known value.
            pub const ALL: &'static [#id] = &[#(#id::#variants),*];

            /// The exact string the exchange uses.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #id::#variants => #wires, )*
                    #id::Unknown(other) => other,
                }
            }

            /// Reads an exchange string; never fails.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #( #wires => #id::#variants, )*
                    #(#alias_arms)*
                    other => #id::Unknown(other.to_owned()),
                }
            }
        }

        crate::wire_enum!(#id);
    }
}

type Glossary = std::collections::BTreeMap<String, String>;

/// A set of model names: the models sent as an array of exactly two required decimals (a
/// book's price levels), whose lists decode through the core's reader for such rows, or
/// the models read straight from a reply's text.
pub type Pairs = std::collections::BTreeSet<String>;

/// The decimal-pair models among `models`.
pub fn decimal_pairs<'a>(models: impl IntoIterator<Item = (&'a String, &'a Model)>) -> Pairs {
    models.into_iter().filter(|(_, m)| is_decimal_pair(m)).map(|(name, _)| name.clone()).collect()
}

fn is_decimal_pair(model: &Model) -> bool {
    model.repr.as_deref() == Some("array") && two_decimals(&model.fields)
}

fn two_decimals(fields: &[Field]) -> bool {
    fields.len() == 2 && fields.iter().all(|f| !f.optional && matches!(FieldType::parse(&f.ty), Ok(FieldType::Decimal)))
}

fn emit_model(name: &str, model: &Model, glossary: &Glossary, sets: &ModelSets) -> TokenStream {
    let id = format_ident!("{}", name);
    let doc = if model.doc.is_empty() { format!("The `{name}` reply.") } else { model.doc.clone() };
    if model.repr.as_deref() == Some("array") {
        return emit_array_model(&id, &doc, &model.fields, glossary);
    }
    let fields = model.fields.iter().map(|f| emit_field(f, glossary, &sets.pairs));
    let plain = if sets.plain.contains(name) { emit_read_plain(&id, model, &sets.pairs) } else { quote!() };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub struct #id {
            #(#fields)*
        }
        #plain
    }
}

/// The sets of models that decode in their own way.
pub struct ModelSets {
    /// The decimal-pair models.
    pub pairs: Pairs,
    /// The replies and stream events read straight from their text.
    pub plain: Pairs,
}

impl ModelSets {
    /// The sets among `models`; `replies` names the models an endpoint answers with or a
    /// stream sends one by one.
    pub fn of<'a>(models: &[(&'a String, &'a Model)], replies: &Pairs) -> Self {
        let pairs = decimal_pairs(models.iter().copied());
        let plain = models
            .iter()
            .filter(|(name, m)| replies.contains(*name) && plain_readers(m, &pairs).is_some())
            .map(|(name, _)| (*name).clone())
            .collect();
        ModelSets { pairs, plain }
    }
}

/// How each field of `model` is read straight from the text, when all can be: the hot,
/// flat replies and stream events (integers, decimals, strings, booleans, lists of price
/// levels), such as an order book or a book ticker.
fn plain_readers(model: &Model, pairs: &Pairs) -> Option<Vec<TokenStream>> {
    if model.repr.is_some() || model.fields.is_empty() {
        return None;
    }
    model.fields.iter().map(|f| plain_reader(f, pairs)).collect()
}

/// The core's reader for one field of a plainly read model.
fn plain_reader(f: &Field, pairs: &Pairs) -> Option<TokenStream> {
    match FieldType::parse(&f.ty).ok()? {
        FieldType::Int | FieldType::Long => Some(quote!(integer)),
        FieldType::Decimal => Some(quote!(decimal)),
        FieldType::String => Some(quote!(string)),
        FieldType::Bool => Some(quote!(boolean)),
        FieldType::Array(item) if !f.optional && matches!(&*item, FieldType::Named(n) if pairs.contains(n)) => {
            Some(quote!(pairs))
        }
        _ => None,
    }
}

/// `ReadPlain` for a reply or event every field of which has a plain reader, by the
/// core's `plain_reader!`: keys by their JSON names and aliases; an unknown key, a missing
/// required field or anything else unusual gives up, and the general decoder reads it.
fn emit_read_plain(id: &proc_macro2::Ident, model: &Model, pairs: &Pairs) -> TokenStream {
    let Some(readers) = plain_readers(model, pairs) else { return quote!() };
    let fields = model.fields.iter().zip(&readers).map(|(f, reader)| {
        let slot = format_ident!("{}", names::field(f).expect("validated"));
        let need = if f.optional { quote!(optional) } else { quote!(required) };
        let json = f.json.clone().expect("validated");
        let aliases = &f.aliases;
        quote!(#slot: #reader #need = #json #(| #aliases)*)
    });
    quote! {
        crate::de::plain_reader!(#id { #(#fields),* });
    }
}

/// Field types whose JSON spelling varies (number or string) and so decode through
/// the core's lenient readers.
fn is_lenient(ty: &FieldType) -> bool {
    matches!(ty, FieldType::Int | FieldType::Long | FieldType::Bool)
}

/// What the glossary says of a field: by its JSON key, or for a short event key (`q`) by
/// the camelCase of its Rust name (`orig_qty` → `origQty`).
fn glossary_meaning<'a>(f: &Field, json: &str, glossary: &'a Glossary) -> &'a str {
    let by_name =
        || f.name.as_ref().and_then(|n| glossary.get(&heck::ToLowerCamelCase::to_lower_camel_case(n.as_str())));
    glossary.get(json).or_else(by_name).map(String::as_str).unwrap_or("")
}

fn emit_field(f: &Field, glossary: &Glossary, pairs: &Pairs) -> TokenStream {
    let ty = FieldType::parse(&f.ty).expect("validated");
    let rust_name = format_ident!("{}", names::field(f).expect("validated"));
    let json = f.json.clone().expect("validated");
    let base = ty.rust();
    let meaning = if f.doc.is_empty() { glossary_meaning(f, &json, glossary) } else { &f.doc };
    let doc = if meaning.is_empty() { format!("`{json}`") } else { format!("{meaning} — `{json}`") };
    let (rust_ty, attrs) = match (f.optional, &ty) {
        (false, t) if is_lenient(t) => (base, quote!(deserialize_with = "crate::de::lenient")),
        // From the raw JSON text: a number keeps every digit.
        (false, FieldType::Decimal) => (base, quote!(deserialize_with = "crate::de::decimal")),
        (false, FieldType::Array(item)) if matches!(&**item, FieldType::Named(n) if pairs.contains(n)) => {
            (base, quote!(deserialize_with = "crate::de::decimal_pairs"))
        }
        (false, _) => (base, quote!()),
        (true, t) if is_lenient(t) => (
            quote!(Option<#base>),
            quote!(default, deserialize_with = "crate::de::opt_lenient", skip_serializing_if = "Option::is_none"),
        ),
        (true, FieldType::Decimal) => (
            quote!(Option<#base>),
            quote!(default, deserialize_with = "crate::de::opt_decimal", skip_serializing_if = "Option::is_none"),
        ),
        (true, _) => (quote!(Option<#base>), quote!(default, skip_serializing_if = "Option::is_none")),
    };
    let aliases = &f.aliases;
    let attrs = if aliases.is_empty() {
        attrs
    } else if attrs.is_empty() {
        quote!(#(alias = #aliases),*)
    } else {
        quote!(#attrs, #(alias = #aliases),*)
    };
    let attrs = match (rust_name == json, attrs.is_empty()) {
        (true, true) => quote!(),
        (true, false) => quote!(#[serde(#attrs)]),
        (false, true) => quote!(#[serde(rename = #json)]),
        (false, false) => quote!(#[serde(rename = #json, #attrs)]),
    };
    quote! {
        #[doc = #doc]
        #attrs
        pub #rust_name: #rust_ty,
    }
}

/// A model sent as a JSON array: decoded position by position, extra trailing
/// positions ignored so an added column does not break decoding.
fn emit_array_model(id: &proc_macro2::Ident, doc: &str, fields: &[Field], glossary: &Glossary) -> TokenStream {
    let field_ids: Vec<_> = fields.iter().map(|f| format_ident!("{}", names::field(f).expect("validated"))).collect();
    let types: Vec<_> = fields.iter().map(|f| FieldType::parse(&f.ty).expect("validated")).collect();
    let rust_types: Vec<_> = types
        .iter()
        .zip(fields)
        .map(|(t, f)| {
            let rt = t.rust();
            if f.optional {
                quote!(Option<#rt>)
            } else {
                rt
            }
        })
        .collect();
    let field_docs = fields.iter().enumerate().map(|(i, f)| {
        let meaning = if f.doc.is_empty() { glossary_meaning(f, "", glossary) } else { &f.doc };
        if meaning.is_empty() {
            format!("Position {i}.")
        } else {
            format!("{meaning} — position {i}")
        }
    });
    let reads = field_ids.iter().zip(&types).zip(fields).enumerate().map(|(i, ((fid, ty), f))| {
        let rt = ty.rust();
        if f.optional && matches!(ty, FieldType::Decimal) {
            quote! { let #fid = seq.next_element_seed(crate::de::DecimalElement)?; }
        } else if f.optional {
            // A column the exchange may leave off the end: `None` when absent.
            quote! { let #fid = seq.next_element::<#rt>()?; }
        } else if matches!(ty, FieldType::Decimal) {
            // From the raw JSON text, as a decimal field: a number keeps every digit.
            quote! {
                let #fid = seq.next_element_seed(crate::de::DecimalElement)?
                    .ok_or_else(|| serde::de::Error::invalid_length(#i, &self))?;
            }
        } else if is_lenient(ty) {
            quote! {
                let #fid = seq.next_element::<crate::de::Lenient<#rt>>()?
                    .ok_or_else(|| serde::de::Error::invalid_length(#i, &self))?.0;
            }
        } else {
            quote! {
                let #fid = seq.next_element::<#rt>()?
                    .ok_or_else(|| serde::de::Error::invalid_length(#i, &self))?;
            }
        }
    });
    let expecting = format!("an array of at least {} values", fields.len());
    let pair = match &field_ids[..] {
        [first, second] if two_decimals(fields) => {
            quote! {
                impl crate::de::DecimalPair for #id {
                    fn from_pair(first: Decimal, second: Decimal) -> Self {
                        #id { #first: first, #second: second }
                    }
                }
            }
        }
        _ => quote!(),
    };
    quote! {
        #pair

        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #id {
            #( #[doc = #field_docs] pub #field_ids: #rust_types, )*
        }

        impl<'de> Deserialize<'de> for #id {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = #id;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<#id, A::Error> {
                        #(#reads)*
                        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                        Ok(#id { #(#field_ids),* })
                    }
                }
                deserializer.deserialize_seq(Visitor)
            }
        }

        impl Serialize for #id {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                (#(&self.#field_ids,)*).serialize(serializer)
            }
        }
    }
}
