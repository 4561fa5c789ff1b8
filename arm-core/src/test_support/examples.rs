//! Serde models against Azure's own material: the example files and the OpenAPI (swagger) spec
//! of a service, copied from Azure/azure-rest-api-specs into the workspace's
//! `fixtures/api-examples/<service>/`. A model must read every example body and write it back
//! exactly, and every value of an extensible enum must be a variant.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

/// The examples and spec of one service in `fixtures/api-examples/<service>/`: the spec is the
/// file whose name starts with `spec-`, every other `.json` file is an example (the
/// `x-ms-examples` format: `parameters` and `responses` by status code).
///
/// ```no_run
/// use arm_core::test_support::examples::ApiExamples;
///
/// let examples = ApiExamples::new("aci");
/// let spec = examples.read("spec-2026-05-01.json");
/// for body in examples.bodies(&spec) {
///     println!("{}: schema {}", body.context, body.schema);
/// }
/// ```
#[derive(Clone, Debug)]
pub struct ApiExamples {
    dir: PathBuf,
}

/// One body of an example: a request's body parameter or a response's body, with the spec's
/// schema for it.
#[derive(Clone, Debug)]
pub struct ExampleBody {
    /// The name of the definition (`#/definitions/<schema>`) the spec declares for the body.
    pub schema: String,
    /// The body.
    pub body: Value,
    /// `<file> request <parameter> (<schema>)` or `<file> response <status> (<schema>)`.
    pub context: String,
    /// Whether the body is a request's (else a response's).
    pub is_request: bool,
}

impl ApiExamples {
    /// The material of `service` (a folder of the workspace's `fixtures/api-examples/`).
    pub fn new(service: &str) -> Self {
        Self {
            dir: Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../fixtures/api-examples")
                .join(service),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The JSON of file `name` of the folder.
    ///
    /// # Panics
    /// When the file cannot be read or is not JSON, naming it.
    pub fn read(&self, name: &str) -> Value {
        let path = self.dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// The names of the example files, sorted (every `.json` file but the spec).
    pub fn files(&self) -> Vec<String> {
        let entries = std::fs::read_dir(&self.dir).unwrap_or_else(|e| panic!("{}: {e}", self.dir.display()));
        let mut files: Vec<String> = entries
            .map(|entry| {
                entry
                    .expect("a directory entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| name.ends_with(".json") && !name.starts_with("spec-"))
            .collect();
        files.sort();
        files
    }

    /// Every body of every example, with the schema `spec` declares for it: the body
    /// parameters of the operation whose `x-ms-examples` name the file (a required one must be
    /// in the example), and the body of each response status.
    ///
    /// # Panics
    /// When an example belongs to no operation of the spec, lacks a required body, or has a
    /// response body the spec declares no schema for.
    pub fn bodies(&self, spec: &Value) -> Vec<ExampleBody> {
        let mut bodies = Vec::new();
        for file in self.files() {
            let example = self.read(&file);
            let op = self.operation_of_example(spec, &file);
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                if parameter.get("in").and_then(Value::as_str) != Some("body") {
                    continue;
                }
                let name = parameter["name"].as_str().expect("a parameter name");
                let Some(body) = example["parameters"].get(name) else {
                    assert!(parameter["required"] != true, "{file}: no request body {name}");
                    continue;
                };
                let schema = definition_name(&parameter["schema"])
                    .unwrap_or_else(|| panic!("{file}: body {name} has no schema definition"));
                bodies.push(ExampleBody {
                    context: format!("{file} request {name} ({schema})"),
                    schema: schema.to_owned(),
                    body: body.clone(),
                    is_request: true,
                });
            }
            for (status, response) in example["responses"].as_object().into_iter().flatten() {
                let Some(body) = response.get("body") else { continue };
                let schema = definition_name(&op["responses"][status]["schema"])
                    .unwrap_or_else(|| panic!("{file}: the spec declares no body for {status}"));
                bodies.push(ExampleBody {
                    context: format!("{file} response {status} ({schema})"),
                    schema: schema.to_owned(),
                    body: body.clone(),
                    is_request: false,
                });
            }
        }
        bodies
    }

    /// The file of this folder that an `x-ms-examples` reference (`./examples/<path>`, relative
    /// to the spec) names: `<path>` when the folder holds it; else, when the folder lacks the
    /// reference's subfolder, the file of the same name at the top of the folder. Azure's specs
    /// keep some examples in subfolders (`./examples/ManagedIdentity/TasksCreate_WithSystemIdentity.json`)
    /// that the fixtures keep flat. `None` when neither exists, or when the reference is not
    /// under `./examples/`.
    pub fn resolve(&self, reference: &str) -> Option<String> {
        let path = reference
            .strip_prefix("./")
            .unwrap_or(reference)
            .strip_prefix("examples/")?;
        if self.dir.join(path).is_file() {
            return Some(path.to_owned());
        }
        let (folder, name) = path.rsplit_once('/')?;
        (!self.dir.join(folder).exists() && self.dir.join(name).is_file()).then(|| name.to_owned())
    }

    /// The references of every operation's `x-ms-examples` in `spec` that name no file of this
    /// folder (see [`resolve`](Self::resolve)): the examples still to copy.
    pub fn missing(&self, spec: &Value) -> Vec<String> {
        example_references(spec)
            .filter(|(_, reference)| self.resolve(reference).is_none())
            .map(|(_, reference)| reference.to_owned())
            .collect()
    }

    /// The operation of `spec` whose `x-ms-examples` name the example file `file` of this folder
    /// (see [`resolve`](Self::resolve)); when two references resolve to it, the first operation's.
    ///
    /// # Panics
    /// When no operation does, naming the file.
    pub fn operation_of_example<'a>(&self, spec: &'a Value, file: &str) -> &'a Value {
        example_references(spec)
            .find(|(_, reference)| self.resolve(reference).as_deref() == Some(file))
            .map(|(operation, _)| operation)
            .unwrap_or_else(|| panic!("{file} is no example of the spec"))
    }
}

/// Every operation of `spec` with each `$ref` of its `x-ms-examples`, in the spec's order.
fn example_references(spec: &Value) -> impl Iterator<Item = (&Value, &str)> {
    spec["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(_, methods)| methods.as_object().into_iter().flatten().map(|(_, op)| op))
        .flat_map(|op| {
            op["x-ms-examples"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(move |(_, example)| Some((op, example.get("$ref")?.as_str()?)))
        })
}

/// The definition a schema refers to: `Foo` for `{"$ref": "#/definitions/Foo"}`.
pub fn definition_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/definitions/")
}

/// The JSON pointers where `actual` differs from `expected`, each with what changed
/// (`/a/b: lost (was 1)`, `/c: added (2)`, `/d: 1 became 2`), for a readable failure.
pub fn json_differences(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    differences(expected, actual, "", &mut out);
    out
}

fn differences(expected: &Value, actual: &Value, at: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let keys: BTreeSet<&String> = e.keys().chain(a.keys()).collect();
            for key in keys {
                let path = format!("{at}/{key}");
                match (e.get(key), a.get(key)) {
                    (Some(e), Some(a)) => differences(e, a, &path, out),
                    (Some(e), None) => out.push(format!("{path}: lost (was {e})")),
                    (None, Some(a)) => out.push(format!("{path}: added ({a})")),
                    (None, None) => unreachable!("a key of either map"),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                differences(e, a, &format!("{at}/{i}"), out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(format!("{at}: {expected} became {actual}")),
    }
}

/// Asserts that `actual` is the same JSON as `expected`, listing the differences.
pub fn assert_same_json(expected: &Value, actual: &Value, context: &str) {
    let out = json_differences(expected, actual);
    assert!(
        out.is_empty(),
        "{context}: serialized JSON differs from the original:\n  {}",
        out.join("\n  ")
    );
}

/// Deserializes `value` as `T`, serializes it back and asserts the JSON is the same, then that
/// a second round trip gives the same `T`; returns `T`. Serde ignores unknown fields, so a
/// property the model lacks shows as lost.
pub fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(value: &Value, context: &str) -> T {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{context}: {e}"));
    let back = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{context}: {e}"));
    assert_same_json(value, &back, context);
    let again: T = serde_json::from_value(back).unwrap_or_else(|e| panic!("{context}: {e}"));
    assert_eq!(typed, again, "{context}: a second round trip changed the value");
    typed
}

/// Asserts that `value` is a known variant of the [`string_enum!`](crate::string_enum) `T`
/// (not `Other`) and round-trips, and that an unknown value round-trips through `Other`.
pub fn check_enum<T: DeserializeOwned + Serialize + Debug>(value: &str) {
    let typed: T = serde_json::from_value(json!(value)).unwrap_or_else(|e| panic!("{value:?}: {e}"));
    assert!(
        !format!("{typed:?}").starts_with("Other("),
        "{value:?} is not a variant of {}",
        std::any::type_name::<T>()
    );
    assert_eq!(serde_json::to_value(&typed).expect("an enum serializes"), json!(value));
    let future: T = serde_json::from_value(json!("AddedIn2030")).expect("an unknown value is kept");
    assert_eq!(format!("{future:?}"), "Other(\"AddedIn2030\")");
    assert_eq!(
        serde_json::to_value(&future).expect("an enum serializes"),
        json!("AddedIn2030")
    );
}

/// How many scalar values (leaves) `value` holds: how fully a generated sample is populated.
pub fn leaf_count(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.values().map(leaf_count).sum(),
        Value::Array(items) => items.iter().map(leaf_count).sum(),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of examples under the system's temporary folder, removed on drop.
    struct Folder(ApiExamples);

    impl Folder {
        fn with(files: &[&str]) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "arm-core-examples-{}-{}",
                std::process::id(),
                fastrand::u64(..)
            ));
            for file in files {
                let path = dir.join(file);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, r#"{"parameters": {}, "responses": {}}"#).unwrap();
            }
            Self(ApiExamples { dir })
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0.dir);
        }
    }

    fn spec() -> Value {
        json!({ "paths": {
            "/tasks/{name}": {
                "get": { "operationId": "Tasks_Get", "x-ms-examples": {
                    "get": { "$ref": "./examples/TasksGet.json" } } },
                "put": { "operationId": "Tasks_Create", "x-ms-examples": {
                    "plain": { "$ref": "./examples/TasksCreate.json" },
                    "identity": { "$ref": "./examples/ManagedIdentity/TasksCreate_WithIdentity.json" } } }
            }
        } })
    }

    #[test]
    fn a_reference_into_an_absent_subfolder_resolves_by_its_file_name() {
        let folder = Folder::with(&["TasksGet.json", "TasksCreate.json", "TasksCreate_WithIdentity.json"]);
        let examples = &folder.0;
        assert_eq!(
            examples
                .resolve("./examples/ManagedIdentity/TasksCreate_WithIdentity.json")
                .as_deref(),
            Some("TasksCreate_WithIdentity.json")
        );
        assert_eq!(
            examples.resolve("./examples/TasksGet.json").as_deref(),
            Some("TasksGet.json")
        );
        assert_eq!(
            examples.resolve("examples/TasksGet.json").as_deref(),
            Some("TasksGet.json")
        );
        assert_eq!(examples.resolve("./examples/Nope.json"), None);
        assert_eq!(examples.resolve("./other/TasksGet.json"), None, "only ./examples/");
        assert!(examples.missing(&spec()).is_empty());
        let spec = spec();
        let op = examples.operation_of_example(&spec, "TasksCreate_WithIdentity.json");
        assert_eq!(op["operationId"], "Tasks_Create");
    }

    #[test]
    fn a_present_subfolder_is_followed_and_not_bypassed() {
        let folder = Folder::with(&[
            "TasksGet.json",
            "ManagedIdentity/Other.json",
            "TasksCreate_WithIdentity.json",
        ]);
        let examples = &folder.0;
        assert_eq!(
            examples.resolve("./examples/ManagedIdentity/TasksCreate_WithIdentity.json"),
            None,
            "the subfolder exists, so the flat file is not taken for it"
        );
        assert_eq!(
            examples.resolve("./examples/ManagedIdentity/Other.json").as_deref(),
            Some("ManagedIdentity/Other.json")
        );
        let mut missing = examples.missing(&spec());
        missing.sort();
        assert_eq!(
            missing,
            [
                "./examples/ManagedIdentity/TasksCreate_WithIdentity.json",
                "./examples/TasksCreate.json"
            ]
        );
    }

    #[test]
    #[should_panic(expected = "Unreferenced.json is no example of the spec")]
    fn a_file_no_operation_names_is_refused_by_name() {
        let folder = Folder::with(&["Unreferenced.json"]);
        folder.0.operation_of_example(&spec(), "Unreferenced.json");
    }
}
