//! Emits `errors.rs`: the exchange's error codes as an enum, so callers match on names.

use crate::spec::ErrorCode;
use heck::ToUpperCamelCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub fn emit(errors: &[ErrorCode]) -> TokenStream {
    let variants: Vec<_> =
        errors.iter().map(|e| format_ident!("{}", e.name.to_lowercase().to_upper_camel_case())).collect();
    let codes: Vec<Literal> = errors.iter().map(|e| Literal::i64_unsuffixed(e.code)).collect();
    let names: Vec<&String> = errors.iter().map(|e| &e.name).collect();
    let docs: Vec<String> = errors.iter().map(|e| format!("`{}` {}", e.code, e.name)).collect();
    quote! {
        /// An error code of the exchange's `{"code": .., "msg": ..}` replies.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #( #[doc = #docs] #variants, )*
            /// A code the spec does not list.
            Other(i64),
        }

        impl ErrorCode {
            /// The named code for `code`, or `Other(code)` for one the spec does not list.
            pub fn from_code(code: i64) -> Self {
                match code {
                    #( #codes => ErrorCode::#variants, )*
                    other => ErrorCode::Other(other),
                }
            }

            /// The number the exchange sends.
            pub fn code(self) -> i64 {
                match self {
                    #( ErrorCode::#variants => #codes, )*
                    ErrorCode::Other(c) => c,
                }
            }

            /// The exchange's name of the code, as its docs write it.
            pub fn name(self) -> &'static str {
                match self {
                    #( ErrorCode::#variants => #names, )*
                    ErrorCode::Other(_) => "OTHER",
                }
            }
        }
    }
}
