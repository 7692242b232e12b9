//! Emits, per API and behind the library's `dynamic` feature, what calling an endpoint by
//! name with text arguments needs: a table of every endpoint with its parameters (kind,
//! allowed values, docs) and a dispatcher that builds the typed params from text, so the
//! same checks run as for a typed call. The command line is built on it.

use crate::names;
use crate::param_list::params;
use crate::sharing::Shared;
use crate::spec::{Endpoint, Spec};
use crate::types::ParamType;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit(spec: &Spec, shared: &Shared) -> TokenStream {
    let infos = spec.rest.endpoints.iter().map(endpoint_info);
    // A shared object's conversion comes with it from the API that emits it.
    let objects = spec.rest.param_objects.iter().filter(|o| shared.object(&o.name).is_none()).map(|o| {
        let id = format_ident!("{}", o.name);
        quote! {
            impl crate::dynamic::FromArg for Vec<#id> {
                fn from_arg(name: &str, text: &str) -> Result<Self, Error> {
                    crate::dynamic::json_arg(name, text)
                }
            }
        }
    });
    quote! {
        #![allow(unused_imports)]
        use super::*;

        /// Every endpoint of this API with its parameters, for callers that work by name.
        pub static ENDPOINT_INFO: &[crate::dynamic::EndpointInfo] = &[#(#infos),*];

        /// Calls the endpoint `name` with text arguments: each is parsed to its type and the
        /// endpoint's checks run before anything is sent. Returns the reply's body as sent.
        pub async fn call_by_name(client: &Client, name: &str, args: &crate::dynamic::Args) -> Result<bytes::Bytes, Error> {
            crate::dynamic::call_by_name(ENDPOINT_INFO, &client.core, name, args).await
        }

        #(#objects)*
    }
}

fn kind(spec: &Spec, ty: &ParamType) -> TokenStream {
    match ty {
        ParamType::String => quote!(crate::dynamic::ParamKind::String),
        ParamType::Int | ParamType::Long => quote!(crate::dynamic::ParamKind::Integer),
        ParamType::Decimal => quote!(crate::dynamic::ParamKind::Decimal),
        ParamType::Bool | ParamType::Flag => quote!(crate::dynamic::ParamKind::Bool),
        ParamType::Enum(n) => {
            let values: Vec<String> =
                spec.models.enums.get(n).map(|v| v.iter().map(|x| x.wire().to_string()).collect()).unwrap_or_default();
            quote!(crate::dynamic::ParamKind::Enum(&[#(#values),*]))
        }
        ParamType::List(item) if matches!(item.as_ref(), ParamType::Object(_)) => {
            quote!(crate::dynamic::ParamKind::Json)
        }
        ParamType::List(_) => quote!(crate::dynamic::ParamKind::List),
        ParamType::Object(_) => quote!(crate::dynamic::ParamKind::Json),
    }
}

fn endpoint_info(ep: &Endpoint) -> TokenStream {
    let struct_id = format_ident!("{}", names::params_struct(&ep.name));
    let doc = ep.doc.split_whitespace().collect::<Vec<_>>().join(" ");
    quote!(crate::dynamic::EndpointInfo::of::<#struct_id, ThisApi>(#doc))
}

/// What a request type offers callers working by name, emitted with the type (once for
/// every API that shares it): its parameters' descriptions and its parsing from text.
pub fn params_by_name(spec: &Spec, ep: &Endpoint) -> TokenStream {
    let struct_id = format_ident!("{}", names::params_struct(&ep.name));
    let ps = params(&ep.params, spec);
    let infos = ps.iter().map(|p| {
        let (name, required, meaning, values) = (&p.spec.name, p.spec.required, p.meaning(), &p.spec.values);
        let kind = kind(spec, &p.ty);
        quote!(crate::dynamic::ParamInfo { name: #name, kind: #kind, required: #required, doc: #meaning, allowed: &[#(#values),*] })
    });
    let fields = ps.iter().map(|p| {
        let (id, key) = (&p.id, &p.spec.name);
        if p.spec.required {
            quote!(#id: args.req(#key)?)
        } else {
            quote!(#id: args.opt(#key)?)
        }
    });
    let args = if ps.is_empty() { quote!(_: &crate::dynamic::Args) } else { quote!(args: &crate::dynamic::Args) };
    quote! {
        #[cfg(feature = "dynamic")]
        impl crate::dynamic::FromArgs for #struct_id {
            const PARAM_INFO: &'static [crate::dynamic::ParamInfo] = &[#(#infos),*];
            fn from_args(#args) -> Result<Self, Error> {
                Ok(Self { #(#fields),* })
            }
        }
    }
}
