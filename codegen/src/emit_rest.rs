//! Emits `rest.rs`: per endpoint a params struct, its `Endpoint` impl, the `Client` method
//! and the builder setters; per param object a serialisable struct with setters. (The
//! caller appends the dynamic tables of `emit_dynamic`, which build on these params.)

use crate::names;
pub(crate) use crate::param_list::{params, P};
use crate::sharing::Shared;
use crate::spec::{Endpoint, ParamObject, Spec};
use crate::types::{ParamType, ResponseType};
use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// One API's request code: its module root (imports, the endpoint table, the param
/// objects) and one file per endpoint group of the spec.
pub struct ApiFiles {
    pub root: TokenStream,
    /// `(group, code)` in the spec's order of first appearance.
    pub groups: Vec<(String, TokenStream)>,
}

/// The groups of an API's endpoints, in order of first appearance.
pub fn groups(spec: &Spec) -> Vec<&str> {
    let mut seen: Vec<&str> = Vec::new();
    for ep in &spec.rest.endpoints {
        if !seen.contains(&ep.group.as_str()) {
            seen.push(&ep.group);
        }
    }
    seen
}

pub fn emit(spec: &Spec, shared: &Shared, plain: &crate::emit_models::Pairs) -> ApiFiles {
    let groups: Vec<(String, TokenStream)> = groups(spec)
        .into_iter()
        .map(|g| {
            let endpoints =
                spec.rest.endpoints.iter().filter(|ep| ep.group == g).map(|ep| emit_endpoint(spec, shared, ep, plain));
            let code = quote! {
                #![allow(unused_imports)]
                use super::*;
                #(#endpoints)*
            };
            (g.to_string(), code)
        })
        .collect();
    let group_mods = groups.iter().map(|(g, _)| {
        let g = format_ident!("{}", g);
        quote! {
            mod #g;
            pub use #g::*;
        }
    });
    let objects =
        spec.rest.param_objects.iter().filter(|o| shared.object(&o.name).is_none()).map(|obj| emit_object(obj, spec));
    let client: syn::Path = syn::parse_str(&spec.api.client).expect("validated client path");
    let marker = format_ident!("{}", spec.api.name.to_upper_camel_case());
    let listed = spec.rest.endpoints.iter().map(|ep| {
        let id = format_ident!("{}", names::params_struct(&ep.name));
        quote!(<#id as Endpoint<ThisApi>>::SPEC)
    });
    let imports = shared_imports(shared);
    let product_models = spec.api.models_modules().into_iter().map(|m| {
        let m = format_ident!("{}", m);
        quote!(use super::#m::*;)
    });
    let root = quote! {
        #![allow(unused_imports)]
        use super::enums::*;
        use super::models::*;
        #(#product_models)*
        use crate::request::{check, Auth, BatchResult, Call, Endpoint, EndpointSpec, Method, OneOrMany, ParamWriter, Params, RpcMethod, RpcParam, Security, WalletRole, WalletSigning};
        use crate::Error;
        use #client as Client;
        use crate::api::#marker as ThisApi;
        #(#imports)*
        use rust_decimal::Decimal;
        use serde::Serialize;

        #(#group_mods)*
        #[cfg(feature = "dynamic")]
        mod by_name;
        #[cfg(feature = "dynamic")]
        pub use by_name::*;

        /// Every endpoint of this API, in spec order.
        pub const ENDPOINTS: &[EndpointSpec] = &[#(#listed),*];

        #(#objects)*
    };
    ApiFiles { root, groups }
}

/// `use super::<module>::{…}` for what this API takes from earlier ones.
fn shared_imports(shared: &Shared) -> Vec<TokenStream> {
    let mut by_module: std::collections::BTreeMap<&str, Vec<Ident>> = Default::default();
    for (ep, module) in &shared.endpoints {
        by_module.entry(module).or_default().push(format_ident!("{}", names::params_struct(ep)));
    }
    for (obj, module) in &shared.objects {
        by_module.entry(module).or_default().push(format_ident!("{}", obj));
    }
    by_module
        .into_iter()
        .map(|(module, items)| {
            let module = format_ident!("{}", module);
            quote!(use super::#module::{#(#items),*};)
        })
        .collect()
}

fn param_doc(p: &P) -> String {
    let mut doc = format!("`{}`", p.spec.name);
    let meaning = p.meaning();
    if !meaning.is_empty() {
        doc.push_str(": ");
        doc.push_str(meaning);
    }
    if !p.spec.values.is_empty() {
        let vals: Vec<String> = p.spec.values.iter().map(i64::to_string).collect();
        doc.push_str(&format!(" Allowed: {}.", vals.join(", ")));
    }
    if let Some(pattern) = &p.spec.pattern {
        doc.push_str(&format!(" Pattern: `{pattern}`."));
    }
    doc
}

fn security_variant(s: &str) -> Ident {
    format_ident!("{}", s.to_lowercase().to_upper_camel_case())
}

fn method_variant(m: &str) -> Ident {
    format_ident!("{}", m.to_lowercase().to_upper_camel_case())
}

/// The `Auth` value of an endpoint: its API's scheme with the endpoint's own signing.
fn auth_tokens(spec: &Spec, ep: &Endpoint) -> TokenStream {
    if !spec.api.is_wallet() {
        return quote!(Auth::Hmac);
    }
    let Some(s) = ep.signing.as_ref().or(spec.api.wallet.as_ref()) else { return quote!(Auth::Hmac) };
    let standard = crate::spec::WalletSigning {
        key: "api_wallet".into(),
        adds: vec!["user".into(), "signer".into(), "nonce".into()],
        message: vec![],
        unsigned: vec![],
        chain_id_param: None,
        typed: None,
    };
    if *s == standard {
        return quote!(Auth::Wallet(WalletSigning::STANDARD));
    }
    let key = if s.key == "main_wallet" { quote!(WalletRole::MainWallet) } else { quote!(WalletRole::ApiWallet) };
    let (adds, message, unsigned) = (&s.adds, &s.message, &s.unsigned);
    let chain = match &s.chain_id_param {
        Some(c) => quote!(Some(#c)),
        None => quote!(None),
    };
    let typed = match &s.typed {
        Some(primary) => {
            let kinds = message.iter().map(|key| {
                let kind = match ep.params.iter().find(|p| &p.name == key).map(|p| p.ty.as_str()) {
                    Some("bool") => quote!(Bool),
                    Some("int" | "long") => quote!(Uint256),
                    None if key == "nonce" => quote!(Uint256),
                    _ => quote!(String),
                };
                quote!(crate::wallet::FieldKind::#kind)
            });
            quote!(Some(crate::request::TypedMessage { primary_type: #primary, kinds: &[#(#kinds),*] }))
        }
        None => quote!(None),
    };
    quote! {
        Auth::Wallet(WalletSigning {
            key: #key,
            adds: &[#(#adds),*],
            message: &[#(#message),*],
            unsigned: &[#(#unsigned),*],
            chain_id_param: #chain,
            typed: #typed,
        })
    }
}

fn emit_endpoint(spec: &Spec, shared: &Shared, ep: &Endpoint, plain: &crate::emit_models::Pairs) -> TokenStream {
    let struct_id = format_ident!("{}", names::params_struct(&ep.name));
    let ps = params(&ep.params, spec);
    let endpoint_impl = emit_endpoint_impl(spec, ep, &struct_id, plain);
    let method = emit_client_method(ep, &struct_id, &ps);
    if shared.endpoint(&ep.name).is_some() {
        // The request type is an earlier API's: only where it goes differs here.
        return quote! {
            #endpoint_impl
            #method
        };
    }
    let params_struct = emit_params_struct(ep, &struct_id, &ps);
    let params_impl = emit_params_impl(spec, ep, &struct_id, &ps);
    let by_name = crate::emit_dynamic::params_by_name(spec, ep);
    let setters: Vec<TokenStream> =
        ps.iter().filter(|p| !p.spec.required).map(|p| emit_setter(p, quote!(self.params))).collect();
    let setters_impl = if setters.is_empty() {
        quote!()
    } else {
        quote! {
            impl<A: crate::api::Api> Call<'_, #struct_id, A> {
                #(#setters)*
            }
        }
    };
    quote! {
        #params_struct
        #params_impl
        #by_name
        #endpoint_impl
        #method
        #setters_impl
    }
}

fn emit_params_struct(ep: &Endpoint, struct_id: &Ident, ps: &[P]) -> TokenStream {
    let struct_doc = format!("Parameters of [`Client::{}`] ({}).", ep.name, ep.title);
    let fields = ps.iter().map(|p| {
        let id = &p.id;
        let ty = p.ty.rust();
        let doc = param_doc(p);
        if p.spec.required {
            quote!(#[doc = #doc] pub #id: #ty,)
        } else {
            quote!(#[doc = #doc] pub #id: Option<#ty>,)
        }
    });
    quote! {
        #[doc = #struct_doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #struct_id {
            #(#fields)*
        }
    }
}

/// How the request type writes and checks its parameters, whichever API sends it.
fn emit_params_impl(spec: &Spec, ep: &Endpoint, struct_id: &Ident, ps: &[P]) -> TokenStream {
    let writes = ps.iter().map(|p| {
        let (id, key) = (&p.id, &p.spec.name);
        if p.spec.required {
            quote!(w.put(#key, &self.#id);)
        } else {
            quote!(w.put_opt(#key, self.#id.as_ref());)
        }
    });
    let write_fn = if ps.is_empty() {
        quote!(
            fn write_params(&self, _: &mut ParamWriter) {}
        )
    } else {
        quote! {
            fn write_params(&self, w: &mut ParamWriter) {
                #(#writes)*
            }
        }
    };
    let check_fn = emit_checks(spec, ep, ps);
    let client_ids_fn = emit_client_order_ids(ep, ps);
    let names = ps.iter().map(|p| &p.spec.name);
    let params_const = if ps.is_empty() {
        quote!()
    } else {
        quote!(
            const PARAMS: &'static [&'static str] = &[#(#names),*];
        )
    };
    quote! {
        impl Params for #struct_id {
            #params_const
            #write_fn
            #check_fn
            #client_ids_fn
        }
    }
}

/// Where this API sends the request, how it signs it, what comes back.
fn emit_endpoint_impl(spec: &Spec, ep: &Endpoint, struct_id: &Ident, plain: &crate::emit_models::Pairs) -> TokenStream {
    let response_type = ResponseType::parse(&ep.response).expect("validated");
    let response = response_type.rust();
    let read_plain = match &response_type {
        ResponseType::Model(name) if plain.contains(name) => quote! {
            fn read_plain(text: &str) -> Option<Self::Response> {
                crate::de::ReadPlain::read_plain(text)
            }
        },
        _ => quote!(),
    };
    let (name, title, path, weight) = (&ep.name, &ep.title, &ep.path, ep.weight_text());
    let method_v = method_variant(&ep.method);
    let security_v = security_variant(ep.security.as_deref().unwrap_or_default());
    let auth = auth_tokens(spec, ep);
    let per_item = if ep.response.contains("BatchResult<") {
        quote!(
            const PER_ITEM_RESULTS: bool = true;
        )
    } else {
        quote!()
    };
    let on_testnet = if spec.api.testnet && !spec.api.not_on_testnet.contains(&ep.name) {
        quote!()
    } else {
        quote!(
            const ON_TESTNET: bool = false;
        )
    };
    let rpc = emit_rpc(spec, ep);
    quote! {
        impl Endpoint<ThisApi> for #struct_id {
            type Response = #response;
            const SPEC: EndpointSpec = EndpointSpec {
                name: #name,
                title: #title,
                method: Method::#method_v,
                path: #path,
                security: Security::#security_v,
                weight: #weight,
                auth: #auth,
            };
            #per_item
            #on_testnet
            #rpc
            #read_plain
        }
    }
}

/// The JSON-RPC method and its params by index, for an endpoint that is one.
fn emit_rpc(spec: &Spec, ep: &Endpoint) -> TokenStream {
    let Some(method) = &ep.rpc else { return quote!() };
    let params = crate::param_list::params(&ep.params, spec).into_iter().map(|p| {
        let (name, number) = (&p.spec.name, p.ty.is_numeric());
        quote!(RpcParam { name: #name, number: #number })
    });
    quote!(
        const RPC: Option<RpcMethod> = Some(RpcMethod { method: #method, params: &[#(#params),*] });
    )
}

fn emit_client_method(ep: &Endpoint, struct_id: &Ident, ps: &[P]) -> TokenStream {
    let method_id = format_ident!("{}", ep.name);
    let args = ps.iter().filter(|p| p.spec.required).map(|p| {
        let (id, ty) = (&p.id, p.ty.arg());
        quote!(#id: #ty)
    });
    let inits = field_inits(ps);
    let method_doc = method_doc(ep, ps);
    quote! {
        impl Client {
            #(#[doc = #method_doc])*
            pub fn #method_id(&self, #(#args),*) -> Call<'_, #struct_id, ThisApi> {
                Call::new(&self.core, #struct_id { #(#inits),* })
            }
        }
    }
}

/// The method's doc lines: title, description, wire facts, then each parameter.
fn method_doc(ep: &Endpoint, ps: &[P]) -> Vec<String> {
    let security = ep.security.as_deref().unwrap_or_default();
    let mut lines = vec![format!("{}.", ep.title), String::new()];
    if !ep.doc.is_empty() {
        lines.push(ep.doc.clone());
        lines.push(String::new());
    }
    lines.push(format!("`{}` · security `{security}` · weight `{}`", ep.key(), ep.weight_text()));
    if !ps.is_empty() {
        lines.push(String::new());
        for p in ps {
            let how = if p.spec.required { "argument" } else { "setter" };
            lines.push(format!("- {} ({how} `{}`)", param_doc(p), p.id));
        }
    }
    lines.into_iter().map(|l| format!(" {l}")).collect()
}

/// Struct initialisers: required params from the arguments (shorthand where no
/// conversion is needed), optional ones empty.
fn field_inits<'a>(ps: &'a [P]) -> impl Iterator<Item = TokenStream> + 'a {
    ps.iter().map(|p| {
        let id = &p.id;
        if !p.spec.required {
            return quote!(#id: None);
        }
        let conv = p.ty.convert(id);
        if *id == conv.to_string() {
            quote!(#id)
        } else {
            quote!(#id: #conv)
        }
    })
}

/// `assign_client_order_ids` for endpoints whose spec names a client order id param.
fn emit_client_order_ids(ep: &Endpoint, ps: &[P]) -> TokenStream {
    let Some(target) = &ep.client_order_id else { return quote!() };
    let field_of = |name: &str| format_ident!("{}", heck::ToSnakeCase::to_snake_case(name));
    let body = match target.split_once("[].") {
        Some((list, item)) => {
            let list = &ps.iter().find(|p| p.spec.name == list).expect("validated").id;
            let item = field_of(item);
            quote!(self.#list.iter_mut().map(|o| o.#item.get_or_insert_with(|| next()).clone()).collect())
        }
        None => {
            let id = &ps.iter().find(|p| &p.spec.name == target).expect("validated").id;
            quote!(vec![self.#id.get_or_insert_with(|| next()).clone()])
        }
    };
    quote! {
        fn assign_client_order_ids(&mut self, next: &mut dyn FnMut() -> String) -> Vec<String> {
            #body
        }
    }
}

fn emit_setter(p: &P, target: TokenStream) -> TokenStream {
    let id = &p.id;
    let doc = param_doc(p);
    let arg = p.ty.arg();
    let conv = p.ty.convert(id);
    quote! {
        #[doc = #doc]
        pub fn #id(mut self, #id: #arg) -> Self {
            #target.#id = Some(#conv);
            self
        }
    }
}

/// Checks that run before a request is sent: allowed values, ranges, list sizes,
/// either-or groups and the params a given enum value makes mandatory.
fn emit_checks(spec: &Spec, ep: &Endpoint, ps: &[P]) -> TokenStream {
    let mut checks = Vec::new();
    for p in ps {
        let (id, key) = (&p.id, &p.spec.name);
        let value = if p.spec.required { quote!(Some(i64::from(self.#id))) } else { quote!(self.#id.map(i64::from)) };
        if !p.spec.values.is_empty() {
            let vals = p.spec.values.iter().map(|v| proc_macro2::Literal::i64_unsuffixed(*v));
            checks.push(quote!(check::allowed(#key, #value, &[#(#vals),*])?;));
        }
        if let Some([lo, hi]) = p.spec.range {
            let (lo, hi) = (proc_macro2::Literal::i64_unsuffixed(lo), proc_macro2::Literal::i64_unsuffixed(hi));
            checks.push(quote!(check::range(#key, #value, #lo, #hi)?;));
        }
        if let ParamType::List(_) = p.ty {
            let len =
                if p.spec.required { quote!(Some(self.#id.len())) } else { quote!(self.#id.as_ref().map(Vec::len)) };
            let max = p.spec.max_items.unwrap_or(usize::MAX);
            let required = p.spec.required;
            checks.push(quote!(check::list_len(#key, #len, #required, #max)?;));
        }
    }
    for group in &ep.one_of {
        let pairs = group.iter().map(|n| {
            let p = ps.iter().find(|p| &p.spec.name == n).expect("validated");
            let id = &p.id;
            quote!((#n, self.#id.is_some()))
        });
        checks.push(quote!(check::one_of(&[#(#pairs),*])?;));
    }
    checks.extend(emit_required_when(spec, ep, ps));
    if checks.is_empty() {
        return quote!();
    }
    quote! {
        fn check(&self) -> Result<(), Error> {
            #(#checks)*
            Ok(())
        }
    }
}

/// The params a value of an enum param makes mandatory: one `match` per such param.
fn emit_required_when(spec: &Spec, ep: &Endpoint, ps: &[P]) -> Vec<TokenStream> {
    let mut by_param: Vec<(&str, Vec<TokenStream>)> = Vec::new();
    for rule in &ep.required_when {
        let on = ps.iter().find(|p| p.spec.name == rule.param).expect("validated");
        let ParamType::Enum(enum_name) = &on.ty else { unreachable!("validated") };
        let enum_id = format_ident!("{}", enum_name);
        let value = spec.models.enums[enum_name].iter().find(|v| v.wire() == rule.value).expect("validated");
        let variant = format_ident!("{}", names::variant(value).expect("validated"));
        let (param_key, wire) = (&rule.param, &rule.value);
        // `a|b` is satisfied by either param: the entry is set when any of them is.
        let pairs = rule.requires.iter().map(|n| {
            let set = n.split('|').map(|alt| {
                let p = ps.iter().find(|p| p.spec.name == alt).expect("validated");
                let id = &p.id;
                if p.spec.required {
                    quote!(true)
                } else {
                    quote!(self.#id.is_some())
                }
            });
            let label = n.replace('|', " or ");
            quote!((#label, #(#set)||*))
        });
        let arm = quote!(#enum_id::#variant => check::required_for(#param_key, #wire, &[#(#pairs),*])?,);
        match by_param.iter_mut().find(|(name, _)| *name == rule.param) {
            Some((_, arms)) => arms.push(arm),
            None => by_param.push((&rule.param, vec![arm])),
        }
    }
    by_param
        .into_iter()
        .map(|(name, arms)| {
            let on_id = &ps.iter().find(|p| p.spec.name == name).expect("validated").id;
            quote! {
                match self.#on_id {
                    #(#arms)*
                    _ => {}
                }
            }
        })
        .collect()
}

fn emit_object(obj: &ParamObject, spec: &Spec) -> TokenStream {
    let id = format_ident!("{}", obj.name);
    let ps = params(&obj.params, spec);
    let doc = if obj.doc.is_empty() { format!("The `{}` object.", obj.name) } else { obj.doc.clone() };
    let fields = ps.iter().map(|p| {
        let (fid, ty) = (&p.id, p.ty.rust());
        let doc = param_doc(p);
        let mut attrs = Vec::new();
        if *fid != p.spec.name {
            let key = &p.spec.name;
            attrs.push(quote!(rename = #key));
        }
        if !p.spec.required {
            attrs.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        // Decimals inside JSON lists go out as the query's decimals do: one wire form.
        match (p.spec.required, &p.ty) {
            (true, ParamType::Decimal) => attrs.push(quote!(serialize_with = "crate::request::wire_decimal")),
            (false, ParamType::Decimal) => attrs.push(quote!(serialize_with = "crate::request::opt_wire_decimal")),
            _ => {}
        }
        match (p.spec.required, matches!(p.ty, ParamType::Bool)) {
            (true, true) => {
                attrs.push(quote!(serialize_with = "crate::request::bool_text"));
                attrs.push(quote!(deserialize_with = "crate::de::lenient"));
            }
            (false, true) => {
                attrs.push(quote!(serialize_with = "crate::request::opt_bool_text"));
                attrs.push(quote!(default, deserialize_with = "crate::de::opt_lenient"));
            }
            (false, false) => attrs.push(quote!(default)),
            _ => {}
        }
        let serde = if attrs.is_empty() { quote!() } else { quote!(#[serde(#(#attrs),*)]) };
        let ty = if p.spec.required { quote!(#ty) } else { quote!(Option<#ty>) };
        quote! {
            #[doc = #doc]
            #serde
            pub #fid: #ty,
        }
    });
    let required: Vec<&P> = ps.iter().filter(|p| p.spec.required).collect();
    let args = required.iter().map(|p| {
        let (pid, ty) = (&p.id, p.ty.arg());
        quote!(#pid: #ty)
    });
    let inits = field_inits(&ps);
    let setters = ps.iter().filter(|p| !p.spec.required).map(|p| emit_setter(p, quote!(self)));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
        pub struct #id {
            #(#fields)*
        }

        impl #id {
            /// Starts the object from its mandatory values.
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
        }
    }
}
