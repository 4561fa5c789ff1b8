//! Serializes `f64` quantities (cpu, memory) the way Azure writes them: a whole number without a
//! fraction (`1`, not `1.0`), anything else as a float (`1.5`).
//!
//! serde_json writes every `f64` with a fraction, which would turn Azure's `"cpu": 1` into
//! `"cpu": 1.0`: the same number, but not the same JSON.

use serde::Serializer;

/// The largest integer that an `f64` holds exactly (2^53).
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Serializes `value` as an integer when it is whole and exactly representable, else as a float.
pub(crate) fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.fract() == 0.0 && value.abs() <= EXACT_INTEGER_LIMIT {
        // Lossless: whole and within the exact integer range of f64.
        serializer.serialize_i64(*value as i64)
    } else {
        serializer.serialize_f64(*value)
    }
}

/// [`serialize`] for an optional quantity (used with `skip_serializing_if = "Option::is_none"`).
pub(crate) fn serialize_option<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => serialize(value, serializer),
        None => serializer.serialize_none(),
    }
}
