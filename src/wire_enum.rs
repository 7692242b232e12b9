//! The impls every generated enum gets: text, serde, by-name arguments, parameters. Kept
//! apart from the decoders so that decoding does not depend on calling by name.

/// Gives a generated enum (with `as_str`, `from_wire` and an `Unknown(String)` variant)
/// its Display, FromStr, serde and parameter impls.
#[macro_export]
#[doc(hidden)]
macro_rules! wire_enum {
    ($t:ident) => {
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $t {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $t {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::de::wire_str(d).map(|s| Self::from_wire(&s))
            }
        }

        #[cfg(feature = "dynamic")]
        impl $crate::dynamic::FromArg for $t {
            fn from_arg(name: &str, text: &str) -> $crate::Result<Self> {
                $crate::dynamic::enum_arg(name, text, Self::ALL, |v| v.as_str())
            }
        }

        impl $crate::request::ParamValue for $t {
            fn write_raw(&self, out: &mut String) {
                out.push_str(self.as_str());
            }
        }
    };
}
