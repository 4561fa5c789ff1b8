//! [`string_enum!`](crate::string_enum): the extensible string enums of Azure's APIs.
//!
//! Azure adds enum values over time (`modelAsString: true` in its specs, and Azure DevOps does
//! the same), and compares them without regard to case. So every enum declared with this macro
//! is `#[non_exhaustive]`, matches known values case-insensitively, writes them as the spec
//! spells them, and keeps a value it does not know in an `Other(String)` variant, verbatim, so
//! that it round-trips.

/// Declares an extensible string enum: `#[non_exhaustive]`, with the given
/// `Variant = "wire value"` pairs and an `Other(String)` catch-all.
///
/// The enum gets `as_str` (the wire value), `Display`, `From<&str>` and `FromStr` (known values
/// match case-insensitively, like Azure; anything else is `Other`, verbatim), and serde
/// `Serialize`/`Deserialize` as a string (the crate using the macro needs no serde dependency
/// of its own).
///
/// ```
/// arm_core::string_enum! {
///     /// The state of a widget.
///     pub enum WidgetState {
///         /// Running.
///         Running = "Running",
///         /// Stopped.
///         Stopped = "Stopped",
///     }
/// }
///
/// assert_eq!(WidgetState::from("running"), WidgetState::Running);
/// assert_eq!(WidgetState::Running.to_string(), "Running");
/// let state: WidgetState = serde_json::from_str(r#""STOPPED""#)?;
/// assert_eq!(state, WidgetState::Stopped);
/// let unknown: WidgetState = serde_json::from_str(r#""Hibernating""#)?;
/// assert_eq!(unknown, WidgetState::Other("Hibernating".to_owned()));
/// assert_eq!(serde_json::to_string(&unknown)?, r#""Hibernating""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this version of the crate does not know, kept verbatim.
            Other(::std::string::String),
        }

        impl $name {
            /// The value as the service writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )+
                    Self::Other(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            /// The variant of `value`, compared without regard to ASCII case; `Other` when
            /// unknown.
            fn from(value: &str) -> Self {
                $( if value.eq_ignore_ascii_case($value) { return Self::$variant; } )+
                Self::Other(value.to_owned())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as $crate::__private::serde::Deserialize<'de>>::deserialize(
                    deserializer,
                )?;
                Ok(Self::from(value.as_str()))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::string_enum! {
        /// A test enum.
        pub enum Protocol {
            /// TCP.
            Tcp = "TCP",
            /// UDP.
            Udp = "UDP"
        }
    }

    #[test]
    fn known_values_match_without_case_and_are_written_as_declared() {
        for wire in ["TCP", "tcp", "Tcp"] {
            assert_eq!(Protocol::from(wire), Protocol::Tcp, "{wire}");
            let parsed: Protocol = serde_json::from_value(serde_json::json!(wire)).unwrap();
            assert_eq!(parsed, Protocol::Tcp);
            assert_eq!(serde_json::to_value(&parsed).unwrap(), serde_json::json!("TCP"));
        }
        assert_eq!("udp".parse::<Protocol>(), Ok(Protocol::Udp));
        assert_eq!(Protocol::Udp.as_str(), "UDP");
        assert_eq!(Protocol::Udp.to_string(), "UDP");
    }

    #[test]
    fn unknown_values_round_trip_verbatim() {
        let parsed: Protocol = serde_json::from_str(r#""Quic""#).unwrap();
        assert_eq!(parsed, Protocol::Other("Quic".to_owned()));
        assert_eq!(serde_json::to_string(&parsed).unwrap(), r#""Quic""#);
        assert_eq!(parsed.to_string(), "Quic");
        assert!(serde_json::from_str::<Protocol>("7").is_err(), "only strings");
    }
}
