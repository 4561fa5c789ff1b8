//! [`tagged_union!`]: the polymorphic types of the spec (`discriminator` plus
//! `x-ms-discriminator-value`), as enums that keep a kind they do not know.
//!
//! Azure adds kinds over time (a new customizer, source or distributor type). A kind this crate
//! does not know is kept as its whole JSON object in an `Other` variant, so that it round-trips
//! instead of failing the whole template or being dropped. Known kinds match their
//! discriminator case-insensitively (as [`arm_core::string_enum!`] does) and are written as the
//! spec spells them.

/// Declares a polymorphic type: an enum with one variant per discriminator value, each holding
/// the struct of that kind's other properties, plus `Other(Map)` for kinds not known here.
macro_rules! tagged_union {
    (
        $(#[$meta:meta])*
        pub enum $name:ident tag $tag:literal {
            $( $(#[$variant_meta:meta])* $variant:ident($inner:ty) = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_meta])* $variant($inner), )+
            /// A kind this version of the crate does not know: the whole JSON object, with its
            /// discriminator, kept verbatim.
            Other(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        }

        impl $name {
            /// The discriminator value, as Azure writes it.
            pub fn kind(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $value, )+
                    Self::Other(object) => object.get($tag).and_then(::serde_json::Value::as_str).unwrap_or(""),
                }
            }
        }

        $(
            impl ::std::convert::From<$inner> for $name {
                fn from(inner: $inner) -> Self {
                    Self::$variant(inner)
                }
            }
        )+

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let (kind, inner) = match self {
                    $( Self::$variant(inner) => ($value, ::serde_json::to_value(inner)), )+
                    Self::Other(object) => return object.serialize(serializer),
                };
                match inner.map_err(<S::Error as ::serde::ser::Error>::custom)? {
                    ::serde_json::Value::Object(mut object) => {
                        object.insert($tag.to_owned(), ::serde_json::Value::String(kind.to_owned()));
                        object.serialize(serializer)
                    }
                    _ => Err(<S::Error as ::serde::ser::Error>::custom(concat!(
                        stringify!($name),
                        " variants serialize to JSON objects"
                    ))),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let mut object =
                    <::serde_json::Map<::std::string::String, ::serde_json::Value> as ::serde::Deserialize>::deserialize(
                        deserializer,
                    )?;
                let Some(kind) = object.get($tag).and_then(::serde_json::Value::as_str) else {
                    return Err(<D::Error as ::serde::de::Error>::missing_field($tag));
                };
                $(
                    if kind.eq_ignore_ascii_case($value) {
                        object.remove($tag);
                        return ::serde_json::from_value(::serde_json::Value::Object(object))
                            .map(Self::$variant)
                            .map_err(|e| {
                                <D::Error as ::serde::de::Error>::custom(format_args!("{} {}: {e}", $value, stringify!($name)))
                            });
                    }
                )+
                Ok(Self::Other(object))
            }
        }
    };
}

pub(crate) use tagged_union;
