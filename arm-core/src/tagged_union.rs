//! [`tagged_union!`](crate::tagged_union): the polymorphic types of Azure's specs (a
//! `discriminator` property on a base definition, an `x-ms-discriminator-value` on each kind),
//! as enums that keep a kind they do not know.
//!
//! Azure adds kinds over time (a new customizer of an image template, a new run request or task
//! step of Container Registry). With plain serde tagging a response holding a newer kind fails
//! to deserialize as a whole; with this macro the unknown kind is kept as its whole JSON object
//! in an `Other` variant, so that it round-trips. Known kinds match their discriminator
//! case-insensitively (as [`string_enum!`](crate::string_enum) does, and as Azure compares
//! them) and are written as the spec spells them.
//!
//! See "Polymorphism" in the AutoRest extensions documentation
//! (github.com/Azure/autorest, `docs/extensions/readme.md#x-ms-discriminator-value`).

/// Declares a polymorphic type: an enum with one variant per discriminator value, each holding
/// the struct of that kind's other properties, plus `Other(Map)` for kinds not known here.
///
/// The syntax is `enum Name tag "discriminator" { Variant(Struct) = "wire value", ... }`.
/// The enum gets:
/// - `#[non_exhaustive]`, `Clone` and `PartialEq`;
/// - `kind()`: the discriminator as Azure writes it (for `Other`, the one it came with, or `""`
///   when the object has none);
/// - `From<Struct>` for every variant;
/// - serde `Serialize`/`Deserialize` as one JSON object: the variant's struct (which must
///   serialize to an object) plus the discriminator. Reading an object without the
///   discriminator, or with a non-string one, fails naming the property; reading a known kind
///   whose properties do not fit its struct fails naming the kind;
/// - a `Debug` that shows a known kind's struct as usual, and of an `Other` only its
///   discriminator and property names: an unknown kind may carry secrets (a context access
///   token, a password) that no `Secret` type guards, so its values are never printed.
///
/// The crate using the macro needs no serde or serde_json dependency of its own.
///
/// ```
/// #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// pub struct Circle {
///     pub radius: f64,
/// }
///
/// #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// pub struct Square {
///     pub side: f64,
/// }
///
/// arm_core::tagged_union! {
///     /// A shape, by its `kind`.
///     pub enum Shape tag "kind" {
///         /// A circle: `Circle`.
///         Circle(Circle) = "Circle",
///         /// A square: `Square`.
///         Square(Square) = "Square",
///     }
/// }
///
/// let circle: Shape = serde_json::from_str(r#"{"kind": "circle", "radius": 1.5}"#)?;
/// assert_eq!(circle, Shape::Circle(Circle { radius: 1.5 }));
/// assert_eq!(serde_json::to_value(&circle)?, serde_json::json!({"kind": "Circle", "radius": 1.5}));
///
/// // A kind from a newer api-version is kept whole and written back as it came.
/// let future = serde_json::json!({"kind": "Hexagon", "side": 2.0, "secret": "s3cr3t"});
/// let hexagon: Shape = serde_json::from_value(future.clone())?;
/// assert_eq!(hexagon.kind(), "Hexagon");
/// assert!(matches!(hexagon, Shape::Other(_)));
/// assert_eq!(serde_json::to_value(&hexagon)?, future);
/// assert!(!format!("{hexagon:?}").contains("s3cr3t"));
///
/// assert_eq!(Shape::from(Square { side: 1.0 }).kind(), "Square");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! tagged_union {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident tag $tag:literal {
            $( $(#[$variant_meta:meta])* $variant:ident($inner:ty) = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant($inner), )+
            /// A kind this version of the crate does not know: the whole JSON object, with its
            /// discriminator, kept verbatim.
            Other($crate::__private::serde_json::Map<::std::string::String, $crate::__private::serde_json::Value>),
        }

        impl $name {
            /// The discriminator value, as Azure writes it (for `Other`, the one it came with,
            /// or `""` when it has none).
            pub fn kind(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $value, )+
                    Self::Other(object) => object
                        .get($tag)
                        .and_then($crate::__private::serde_json::Value::as_str)
                        .unwrap_or(""),
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

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    $( Self::$variant(inner) => f.debug_tuple(stringify!($variant)).field(inner).finish(), )+
                    Self::Other(object) => f
                        .debug_struct("Other")
                        .field($tag, &self.kind())
                        .field("properties", &object.keys().filter(|key| *key != $tag).collect::<::std::vec::Vec<_>>())
                        .finish_non_exhaustive(),
                }
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                use $crate::__private::serde_json::Value;
                let (kind, inner) = match self {
                    $( Self::$variant(inner) => ($value, $crate::__private::serde_json::to_value(inner)), )+
                    Self::Other(object) => return $crate::__private::serde::Serialize::serialize(object, serializer),
                };
                match inner.map_err(<S::Error as $crate::__private::serde::ser::Error>::custom)? {
                    Value::Object(mut object) => {
                        object.insert($tag.to_owned(), Value::String(kind.to_owned()));
                        $crate::__private::serde::Serialize::serialize(&object, serializer)
                    }
                    _ => Err(<S::Error as $crate::__private::serde::ser::Error>::custom(concat!(
                        stringify!($name),
                        " variants must serialize to JSON objects"
                    ))),
                }
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                use $crate::__private::serde::de::Error as _;
                use $crate::__private::serde_json::{Map, Value};
                let mut object =
                    <Map<::std::string::String, Value> as $crate::__private::serde::Deserialize>::deserialize(
                        deserializer,
                    )?;
                let kind = match object.get($tag) {
                    ::std::option::Option::Some(Value::String(kind)) => kind,
                    ::std::option::Option::Some(other) => {
                        return Err(D::Error::custom(format_args!(
                            "{}: the discriminator `{}` must be a string, found {other}",
                            stringify!($name),
                            $tag
                        )));
                    }
                    ::std::option::Option::None => return Err(D::Error::missing_field($tag)),
                };
                $(
                    if kind.eq_ignore_ascii_case($value) {
                        object.remove($tag);
                        return $crate::__private::serde_json::from_value(Value::Object(object))
                            .map(Self::$variant)
                            .map_err(|e| D::Error::custom(format_args!("{} {}: {e}", $value, stringify!($name))));
                    }
                )+
                Ok(Self::Other(object))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Build {
        docker_file_path: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<String>,
    }

    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Empty {}

    crate::tagged_union! {
        /// A test union.
        enum Step tag "type" {
            /// A build.
            Docker(Build) = "Docker",
            /// Nothing.
            Nothing(Empty) = "Nothing",
        }
    }

    #[test]
    fn known_kinds_match_without_case_and_are_written_as_declared() {
        for wire in ["Docker", "docker", "DOCKER"] {
            let step: Step = serde_json::from_value(json!({ "type": wire, "dockerFilePath": "Dockerfile" })).unwrap();
            assert_eq!(
                step,
                Step::Docker(Build {
                    docker_file_path: "Dockerfile".into(),
                    target: None
                })
            );
            assert_eq!(step.kind(), "Docker");
            assert_eq!(
                serde_json::to_value(&step).unwrap(),
                json!({ "type": "Docker", "dockerFilePath": "Dockerfile" })
            );
        }
        let nothing = Step::from(Empty {});
        assert_eq!(serde_json::to_value(&nothing).unwrap(), json!({ "type": "Nothing" }));
    }

    #[test]
    fn unknown_kinds_round_trip_whole_and_hide_their_values_from_debug() {
        let body = json!({ "type": "Wasm", "module": "m.wasm", "contextAccessToken": "s3cr3t" });
        let step: Step = serde_json::from_value(body.clone()).unwrap();
        assert!(matches!(&step, Step::Other(object) if object.len() == 3));
        assert_eq!(step.kind(), "Wasm");
        assert_eq!(serde_json::to_value(&step).unwrap(), body);
        let debug = format!("{step:?}");
        assert!(!debug.contains("s3cr3t") && !debug.contains("m.wasm"), "{debug}");
        assert!(
            debug.contains("Wasm") && debug.contains("contextAccessToken"),
            "{debug}"
        );
        assert_eq!(Step::Other(serde_json::Map::new()).kind(), "");
    }

    #[test]
    fn a_bad_object_fails_naming_what_is_wrong() {
        let missing = serde_json::from_value::<Step>(json!({ "dockerFilePath": "D" })).unwrap_err();
        assert!(missing.to_string().contains("missing field `type`"), "{missing}");
        let number = serde_json::from_value::<Step>(json!({ "type": 7 })).unwrap_err();
        assert!(
            number
                .to_string()
                .contains("the discriminator `type` must be a string, found 7"),
            "{number}"
        );
        let incomplete = serde_json::from_value::<Step>(json!({ "type": "docker" })).unwrap_err();
        assert!(
            incomplete
                .to_string()
                .starts_with("Docker Step: missing field `dockerFilePath`"),
            "{incomplete}"
        );
        assert!(serde_json::from_value::<Step>(json!("Docker")).is_err(), "only objects");
    }
}
