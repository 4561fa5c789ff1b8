//! Samples generated from an OpenAPI (swagger 2.0) spec with every property set, recursively,
//! so that a round trip through the models shows any property they lack.

use super::examples::definition_name;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The date-time every sample carries.
const SAMPLE_TIME: &str = "2025-10-01T12:34:56.789Z";

/// Walks a spec to generate, for a schema, a JSON value with every property set, recursively.
///
/// - A polymorphic definition (one with a `discriminator`) stands for its kinds, the
///   definitions that extend it (`allOf`) with an `x-ms-discriminator-value`: an array of them
///   gets one item of every kind, and a single one gets the kind numbered `variant` (modulo
///   their count), so that walking with every variant below [`variants`](Self::variants)
///   covers every kind. An enum likewise gets its value numbered `variant`.
/// - A parent in the ARM common types (`common-types/resource-management/v*/types.json`:
///   `Resource`, `ProxyResource`, `TrackedResource`) adds `id`, `name`, `type` and
///   `systemData` (and `location` and `tags` for a tracked resource).
/// - Definitions named opaque (kept as raw JSON by the models) are not expanded.
/// - A schema without a type is any JSON; so is an object without properties.
///
/// ```
/// use arm_core::test_support::examples::{ApiExamples, leaf_count};
/// use arm_core::test_support::spec_walker::SpecWalker;
///
/// let spec = ApiExamples::new("imagebuilder").read("spec-2025-10-01.json");
/// let walker = SpecWalker::new(&spec);
/// assert_eq!(walker.variants(), 5, "customizers have five kinds");
/// for variant in 0..walker.variants() {
///     let template = walker.with_variant(variant).sample_of("ImageTemplate");
///     assert_eq!(template["properties"]["source"]["type"], walker.kinds("ImageTemplateSource")[variant % 3].0);
///     assert!(leaf_count(&template) > 100);
/// }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct SpecWalker<'a> {
    spec: &'a Value,
    variant: usize,
    opaque: &'a [&'a str],
}

impl<'a> SpecWalker<'a> {
    /// A walker of `spec` (variant 0, no opaque definition).
    pub fn new(spec: &'a Value) -> Self {
        Self {
            spec,
            variant: 0,
            opaque: &[],
        }
    }

    /// The same walker choosing kind and enum value number `variant`.
    pub fn with_variant(self, variant: usize) -> Self {
        Self { variant, ..self }
    }

    /// The same walker sampling the definitions `opaque` as `{"opaque": "<name>"}`.
    pub fn with_opaque(self, opaque: &'a [&'a str]) -> Self {
        Self { opaque, ..self }
    }

    /// Definition `name` of the spec.
    ///
    /// # Panics
    /// When the spec has no such definition.
    pub fn definition(&self, name: &str) -> &'a Value {
        let definition = &self.spec["definitions"][name];
        assert!(definition.is_object(), "no definition {name}");
        definition
    }

    /// The names of the polymorphic definitions (those with a `discriminator`).
    pub fn polymorphic(&self) -> Vec<&'a str> {
        self.spec["definitions"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, d)| d.get("discriminator").is_some())
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// The kinds of the polymorphic definition `base`: (discriminator value, definition name),
    /// sorted.
    ///
    /// # Panics
    /// When `base` has no kinds.
    pub fn kinds(&self, base: &str) -> Vec<(String, String)> {
        let reference = format!("#/definitions/{base}");
        let mut kinds: Vec<(String, String)> = self.spec["definitions"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, d)| {
                d["allOf"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["$ref"] == reference.as_str())
            })
            .map(|(name, d)| {
                let kind = d["x-ms-discriminator-value"].as_str().unwrap_or(name);
                (kind.to_owned(), name.clone())
            })
            .collect();
        kinds.sort();
        assert!(!kinds.is_empty(), "{base} has no kinds");
        kinds
    }

    /// How many variants cover every kind of every polymorphic definition: the most kinds one
    /// has (1 when there is none).
    pub fn variants(&self) -> usize {
        self.polymorphic()
            .into_iter()
            .map(|base| self.kinds(base).len())
            .max()
            .unwrap_or(1)
    }

    /// A sample of definition `name`.
    pub fn sample_of(&self, name: &str) -> Value {
        self.sample(&json!({ "$ref": format!("#/definitions/{name}") }), name)
    }

    /// A sample of the object `definition`, of kind `kind` when it extends a polymorphic
    /// parent (the parent's discriminator is set to it).
    pub fn object(&self, definition: &Value, kind: Option<&str>) -> Value {
        let mut object = Map::new();
        for parent in definition["allOf"].as_array().into_iter().flatten() {
            let reference = parent["$ref"].as_str().expect("an allOf item is a $ref");
            if let Some(name) = reference.strip_prefix("#/definitions/") {
                let base = self.definition(name);
                if let Value::Object(inherited) = self.object(base, None) {
                    object.extend(inherited);
                }
                if let (Some(tag), Some(kind)) = (base["discriminator"].as_str(), kind) {
                    object.insert(tag.to_owned(), json!(kind));
                }
            } else {
                object.extend(common_type(reference));
            }
        }
        for (key, property) in definition["properties"].as_object().into_iter().flatten() {
            object.insert(key.clone(), self.sample(property, key));
        }
        Value::Object(object)
    }

    /// A sample of `schema`, a property called `name` (strings are `sample-<name>`).
    ///
    /// # Panics
    /// On a `$ref` outside the spec, and on a type the walker does not know.
    pub fn sample(&self, schema: &Value, name: &str) -> Value {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let definition = reference
                .strip_prefix("#/definitions/")
                .unwrap_or_else(|| panic!("{name}: external $ref {reference}"));
            if self.opaque.contains(&definition) {
                return json!({ "opaque": definition });
            }
            let target = self.definition(definition);
            if target.get("discriminator").is_some() {
                let kinds = self.kinds(definition);
                let (kind, definition) = &kinds[self.variant % kinds.len()];
                return self.object(self.definition(definition), Some(kind));
            }
            return self.sample(target, name);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return values[self.variant % values.len()].clone();
        }
        let has_members = schema.get("properties").is_some() || schema.get("allOf").is_some();
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => json!(SAMPLE_TIME),
                Some("uuid") => json!("0f6b5c1e-3d4a-4b8e-9c2d-1a2b3c4d5e6f"),
                _ => json!(format!("sample-{name}")),
            },
            Some("integer") => json!(7),
            Some("number") => json!(1.25),
            Some("boolean") => json!(true),
            Some("array") => match definition_name(&schema["items"]) {
                Some(base) if !self.opaque.contains(&base) && self.definition(base).get("discriminator").is_some() => {
                    self.kinds(base)
                        .iter()
                        .map(|(kind, definition)| self.object(self.definition(definition), Some(kind)))
                        .collect()
                }
                _ => json!([self.sample(&schema["items"], name)]),
            },
            Some("object") | None if has_members => self.object(schema, None),
            Some("object") if schema.get("additionalProperties").is_some() => {
                json!({ "sample-key": self.sample(&schema["additionalProperties"], name) })
            }
            // No schema (`emptyDir`, extension settings) or a free-form object: any JSON.
            Some("object") | None => json!({ "any": ["json", 1, true] }),
            Some(other) => panic!("{name}: unexpected schema type {other:?}"),
        }
    }

    /// Every enum schema reachable from the definitions `roots`, by its `x-ms-enum` name (else
    /// by the name of the definition it is in), with its values.
    pub fn enums<'r>(&self, roots: impl IntoIterator<Item = &'r str>) -> BTreeMap<String, Vec<String>> {
        let mut found = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for root in roots {
            self.collect_enums(
                &json!({ "$ref": format!("#/definitions/{root}") }),
                "",
                &mut seen,
                &mut found,
            );
        }
        found
    }

    fn collect_enums(
        &self,
        schema: &Value,
        name: &str,
        seen: &mut BTreeSet<String>,
        out: &mut BTreeMap<String, Vec<String>>,
    ) {
        if let Some(definition) = definition_name(schema) {
            if seen.insert(definition.to_owned()) {
                self.collect_enums(self.definition(definition), definition, seen, out);
            }
            return;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let enum_name = schema
                .pointer("/x-ms-enum/name")
                .and_then(Value::as_str)
                .unwrap_or(name);
            let values = values
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect();
            out.insert(enum_name.to_owned(), values);
            return;
        }
        for (key, child) in schema.as_object().into_iter().flatten() {
            if key != "allOf" {
                self.collect_enums(child, name, seen, out);
            }
        }
    }
}

/// The properties of the ARM common type `reference` extends.
fn common_type(reference: &str) -> Map<String, Value> {
    let (file, definition) = reference.split_once('#').unwrap_or((reference, ""));
    assert!(
        file.contains("common-types/resource-management/v") && file.ends_with("/types.json"),
        "unknown parent {reference}"
    );
    let system_data = json!({
        "createdBy": "someone@example.com",
        "createdByType": "User",
        "createdAt": SAMPLE_TIME,
        "lastModifiedBy": "00000000-0000-0000-0000-000000000000",
        "lastModifiedByType": "Application",
        "lastModifiedAt": "2025-10-02T12:34:56.789Z"
    });
    let mut value =
        json!({ "id": "sample-id", "name": "sample-name", "type": "sample-type", "systemData": system_data });
    match definition {
        "/definitions/TrackedResource" => {
            value["location"] = json!("westeurope");
            value["tags"] = json!({ "sample-tag": "sample-value" });
        }
        "/definitions/ProxyResource" | "/definitions/Resource" => {}
        other => panic!("unknown common type {other} in {reference}"),
    }
    match value {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object"),
    }
}
