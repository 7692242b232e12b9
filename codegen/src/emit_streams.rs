//! Emits `streams.rs`: one subscription helper per market stream, building the stream name
//! from typed parameters, and the `UserDataEvent` enum of user-data events.

use crate::spec::{Spec, Stream};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// The stream names a template makes, written as the docs write them; `Err` names a
/// template placeholder without a param, a param the template lacks, or an unknown enum.
pub fn expand(stream: &Stream, enums: &BTreeMap<String, Vec<crate::spec::EnumValue>>) -> Result<Vec<String>, String> {
    expand_with(stream, enums, true)
}

/// Every stream name the API serves, as `<symbol>` and the other placeholders' values:
/// what a name typed by a person is checked against before anything is dialled.
fn every_name(stream: &Stream, enums: &BTreeMap<String, Vec<crate::spec::EnumValue>>) -> Vec<String> {
    expand_with(stream, enums, false).expect("validated")
}

fn expand_with(
    stream: &Stream,
    enums: &BTreeMap<String, Vec<crate::spec::EnumValue>>,
    keep_placeholders: bool,
) -> Result<Vec<String>, String> {
    let mut names = vec![stream.template.clone()];
    for p in &stream.params {
        let slot = format!("{{{}}}", p.name);
        if !stream.template.contains(&slot) {
            return Err(format!("param `{}` does not appear in the template", p.name));
        }
        let values: Vec<String> = if p.ty == "symbol" || (p.placeholder && keep_placeholders) {
            vec![format!("<{}>", p.name)]
        } else {
            let name =
                p.ty.strip_prefix("enum(")
                    .and_then(|r| r.strip_suffix(')'))
                    .ok_or_else(|| format!("param `{}`: type must be symbol or enum(Name)", p.name))?;
            let vals = enums.get(name).ok_or_else(|| format!("param `{}`: unknown enum `{name}`", p.name))?;
            vals.iter().map(|v| v.wire().to_string()).collect()
        };
        let slot = &slot;
        names = names.iter().flat_map(|n| values.iter().map(move |v| n.replace(slot, v))).collect();
    }
    if let Some(left) = names.first().and_then(|n| n.find('{')) {
        return Err(format!("template `{}` has a placeholder with no param at {left}", stream.template));
    }
    Ok(names)
}

fn emit_stream(s: &Stream, plain: &crate::emit_models::Pairs) -> TokenStream {
    let fn_id = format_ident!("{}", s.name);
    let payload = format_ident!("{}", s.payload);
    let ty = if s.array { quote!(Vec<#payload>) } else { quote!(#payload) };
    let mut fmt = s.template.clone();
    let mut order: Vec<(usize, &crate::spec::StreamParam)> =
        s.params.iter().map(|p| (s.template.find(&format!("{{{}}}", p.name)).unwrap_or(0), p)).collect();
    order.sort_by_key(|(at, _)| *at);
    for p in &s.params {
        fmt = fmt.replace(&format!("{{{}}}", p.name), "{}");
    }
    let args = s.params.iter().map(|p| {
        let id = format_ident!("{}", p.name);
        if p.ty == "symbol" {
            quote!(#id: &str)
        } else {
            let e = format_ident!("{}", p.ty.trim_start_matches("enum(").trim_end_matches(')'));
            quote!(#id: #e)
        }
    });
    let values = order.iter().map(|(_, p)| {
        let id = format_ident!("{}", p.name);
        if p.ty == "symbol" {
            quote!(#id.to_lowercase())
        } else {
            quote!(#id.as_str())
        }
    });
    let doc = format!(
        " {}: `{}`; updates {}. Payload: [`{}`]{}.",
        s.title,
        s.patterns.join("`, `"),
        if s.speeds.is_empty() { "as they happen".to_string() } else { s.speeds.join(" / ") },
        s.payload,
        if s.array { " (an array of them)" } else { "" }
    );
    let body = if s.params.is_empty() { quote!(#fmt.to_string()) } else { quote!(format!(#fmt, #(#values),*)) };
    let make =
        if !s.array && plain.contains(&s.payload) { quote!(Subscription::plain) } else { quote!(Subscription::new) };
    quote! {
        #[doc = #doc]
        pub fn #fn_id(#(#args),*) -> Subscription<#ty> {
            #make(#body)
        }
    }
}

/// `plain` names the events read straight from their text in their common spelling.
pub fn emit(spec: &Spec, plain: &crate::emit_models::Pairs) -> TokenStream {
    let streams: Vec<TokenStream> = spec.streams.streams.iter().map(|s| emit_stream(s, plain)).collect();
    let names: Vec<String> = spec.streams.streams.iter().flat_map(|s| every_name(s, &spec.models.enums)).collect();
    emit_with(
        spec,
        quote! {
            use super::enums::*;
            use crate::ws::Subscription;
            #(#streams)*

            /// Every market stream name of the API, `<symbol>` standing for a lower-case
            /// symbol; see [`crate::ws::is_stream_name`].
            pub const STREAM_NAMES: &[&str] = &[#(#names),*];
        },
    )
}

/// For an API whose streams are those of `module`: its helpers re-exported from there (a
/// glob that the local `UserDataEvent` shadows), and its own event enum.
pub fn emit_reusing(spec: &Spec, module: &str) -> TokenStream {
    let module = format_ident!("{}", module);
    emit_with(spec, quote!(pub use super::#module::*;))
}

fn emit_with(spec: &Spec, helpers: TokenStream) -> TokenStream {
    let variants: Vec<_> = spec.streams.events.iter().map(|e| format_ident!("{}", e.variant)).collect();
    let payloads: Vec<_> = spec.streams.events.iter().map(|e| format_ident!("{}", e.payload)).collect();
    let wires: Vec<_> = spec.streams.events.iter().map(|e| e.event.clone()).collect();
    let docs = spec.streams.events.iter().map(|e| format!(" `{}`: {}.", e.event, e.title));
    let product_models = spec.api.models_modules().into_iter().map(|m| {
        let m = format_ident!("{}", m);
        quote!(use super::#m::*;)
    });
    quote! {
        #![allow(unused_imports)]
        use super::models::*;
        #(#product_models)*

        #helpers

        /// An event of a user data stream, by its `"e"` value.
        #[derive(Debug, Clone, PartialEq)]
        pub enum UserDataEvent {
            #( #[doc = #docs] #variants(#payloads), )*
            /// An event this version does not know, kept as received.
            Unknown(serde_json::Value),
        }

        impl UserDataEvent {
            /// The `"e"` value.
            pub fn event_type(&self) -> &str {
                match self {
                    #( UserDataEvent::#variants(_) => #wires, )*
                    UserDataEvent::Unknown(v) => v.get("e").and_then(|e| e.as_str()).unwrap_or(""),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for UserDataEvent {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::Error;
                let v = serde_json::Value::deserialize(d)?;
                match v.get("e").and_then(|e| e.as_str()) {
                    #( Some(#wires) => serde_json::from_value(v).map(UserDataEvent::#variants).map_err(D::Error::custom), )*
                    _ => Ok(UserDataEvent::Unknown(v)),
                }
            }
        }
    }
}
