//! An endpoint's parameters as the emitters see them: the spec's param with its Rust
//! name, parsed type and meaning.

use crate::names;
use crate::spec::{Param, Spec};
use crate::types::ParamType;
use proc_macro2::Ident;
use quote::format_ident;

pub(crate) struct P<'a> {
    pub(crate) spec: &'a Param,
    /// The spec glossary's meaning of the param's name, for params without a doc.
    pub(crate) meaning: Option<&'a str>,
    pub(crate) ty: ParamType,
    pub(crate) id: Ident,
}

impl P<'_> {
    /// What the param means: its own doc, else the glossary's.
    pub(crate) fn meaning(&self) -> &str {
        if self.spec.doc.is_empty() {
            self.meaning.unwrap_or("")
        } else {
            &self.spec.doc
        }
    }
}

pub(crate) fn params<'a>(list: &'a [Param], spec: &'a Spec) -> Vec<P<'a>> {
    list.iter()
        .map(|p| P {
            spec: p,
            meaning: spec.models.field_docs.get(&p.name).map(String::as_str),
            ty: ParamType::parse(&p.ty).expect("validated"),
            id: format_ident!("{}", names::param(p)),
        })
        .collect()
}
