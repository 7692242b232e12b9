//! Which request types an API shares with an earlier API of the same product: an
//! endpoint whose parameters (names, types, rules) are the same, and a parameter object
//! of the same shape, is emitted once, in the first API that has it; later APIs implement
//! their `Endpoint` for it and import it.

use crate::spec::{Endpoint, Param, ParamObject, Spec};
use std::collections::BTreeMap;

/// What an API takes from earlier ones: item name to the module that emits it.
#[derive(Debug, Default, Clone)]
pub struct Shared {
    /// Params structs by endpoint name.
    pub endpoints: BTreeMap<String, String>,
    /// Param objects by name.
    pub objects: BTreeMap<String, String>,
}

impl Shared {
    pub fn endpoint(&self, name: &str) -> Option<&str> {
        self.endpoints.get(name).map(String::as_str)
    }

    pub fn object(&self, name: &str) -> Option<&str> {
        self.objects.get(name).map(String::as_str)
    }
}

/// Whether `api` may take request types from `earlier`: the same product, or an API it is
/// built on (through `extends`, at any depth).
fn related(apis: &[Spec], earlier: &Spec, api: &Spec) -> bool {
    if earlier.api.product == api.api.product {
        return true;
    }
    let mut base = api.api.extends.as_deref();
    for _ in 0..apis.len() {
        let Some(name) = base else { return false };
        if name == earlier.api.name {
            return true;
        }
        base = apis.iter().find(|a| a.api.name == name).and_then(|a| a.api.extends.as_deref());
    }
    false
}

/// For each API in order, what it shares with the APIs before it.
pub fn plan(apis: &[Spec]) -> Vec<Shared> {
    let mut plans: Vec<Shared> = Vec::with_capacity(apis.len());
    for (i, api) in apis.iter().enumerate() {
        let mut shared = Shared::default();
        let earlier = apis[..i].iter().zip(&plans).filter(|(e, _)| related(apis, e, api));
        for (base, base_plan) in earlier {
            for obj in &api.rest.param_objects {
                if shared.objects.contains_key(&obj.name) || base_plan.object(&obj.name).is_some() {
                    continue;
                }
                if base.rest.param_objects.iter().any(|b| b.name == obj.name && object_shape(b) == object_shape(obj)) {
                    shared.objects.insert(obj.name.clone(), base.api.module.clone());
                }
            }
        }
        let earlier = apis[..i].iter().zip(&plans).filter(|(e, _)| related(apis, e, api));
        for (base, base_plan) in earlier {
            for ep in &api.rest.endpoints {
                if shared.endpoints.contains_key(&ep.name) || base_plan.endpoint(&ep.name).is_some() {
                    continue;
                }
                let same = base.rest.endpoints.iter().find(|b| b.name == ep.name).is_some_and(|b| {
                    request_shape(b) == request_shape(ep) && objects_agree(api, &shared, base, base_plan, ep)
                });
                if same {
                    shared.endpoints.insert(ep.name.clone(), base.api.module.clone());
                }
            }
        }
        plans.push(shared);
    }
    plans
}

/// A param as its request type sees it: everything but the words.
fn param_shape(p: &Param) -> String {
    format!(
        "{}|{:?}|{}|{:?}|{}|{:?}|{:?}|{:?}|{:?}",
        p.name, p.rust, p.ty, p.wire, p.required, p.values, p.range, p.max_items, p.pattern
    )
}

fn object_shape(o: &ParamObject) -> Vec<String> {
    o.params.iter().map(param_shape).collect()
}

/// What decides an endpoint's params struct and its checks.
fn request_shape(ep: &Endpoint) -> String {
    let params: Vec<String> = ep.params.iter().map(param_shape).collect();
    let rules: Vec<String> =
        ep.required_when.iter().map(|r| format!("{}={}=>{:?}", r.param, r.value, r.requires)).collect();
    format!("{params:?}|{:?}|{rules:?}|{:?}", ep.one_of, ep.client_order_id)
}

/// Whether every param object `ep` uses is, in this API, the very type the base API's
/// endpoint uses (shared from it, or from where it shares it).
fn objects_agree(api: &Spec, shared: &Shared, base: &Spec, base_plan: &Shared, ep: &Endpoint) -> bool {
    ep.params.iter().filter_map(|p| object_of(&p.ty)).all(|name| {
        let home_in_base = base_plan.object(name).unwrap_or(&base.api.module);
        let home_here = shared.object(name).unwrap_or(&api.api.module);
        home_here == home_in_base
    })
}

/// The param object a type names (`list<BatchOrder>`), if any.
fn object_of(ty: &str) -> Option<&str> {
    let inner = ty.strip_prefix("list<")?.strip_suffix('>')?;
    inner.chars().next().filter(char::is_ascii_uppercase).map(|_| inner)
}
