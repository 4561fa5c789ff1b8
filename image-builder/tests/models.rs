//! The models against Azure's own material in `fixtures/api-examples/imagebuilder/`: every
//! example body round-trips exactly, every property and enum value of the spec is modelled
//! (a sample with every property, of every polymorphic kind, is generated from the spec), and
//! kinds and values from the future are kept.

use image_builder::model::{
    AutoRunState, CreatedByType, DistributeVersioner, ImageTemplate, ImageTemplateCustomizer, ImageTemplateDistributor,
    ImageTemplateListResult, ImageTemplateSource, ImageTemplateUpdateParameters, OnBuildError, OptimizationState,
    ProvisioningErrorCode, ProvisioningState, ReplicationMode, ResourceIdentityType, RunOutput, RunOutputCollection,
    RunState, RunSubState, SharedImageStorageAccountType, Trigger, TriggerCollection, TriggerProperties,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::PathBuf;

const SPEC: &str = "spec-2025-10-01.json";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/api-examples/imagebuilder")
}

fn read_json(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn spec() -> Value {
    read_json(SPEC)
}

/// The JSON pointers where `actual` differs from `expected`, for a readable failure.
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
                    (None, None) => unreachable!(),
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

/// Deserializes `value` as `T`, serializes it back and asserts the JSON is the same; returns `T`.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(value: &Value, context: &str) -> T {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{context}: {e}"));
    let back = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{context}: {e}"));
    let mut out = Vec::new();
    differences(value, &back, "", &mut out);
    assert!(
        out.is_empty(),
        "{context}: serialized JSON differs from the original:\n  {}",
        out.join("\n  ")
    );
    let again: T = serde_json::from_value(back).unwrap_or_else(|e| panic!("{context}: {e}"));
    assert_eq!(typed, again, "{context}: a second round trip changed the value");
    typed
}

/// Round-trips `body` through the Rust type of the spec's schema `#/definitions/{schema}`.
fn round_trip_schema(schema: &str, body: &Value, context: &str) {
    match schema {
        "ImageTemplate" => drop(round_trip::<ImageTemplate>(body, context)),
        "ImageTemplateUpdateParameters" => drop(round_trip::<ImageTemplateUpdateParameters>(body, context)),
        "ImageTemplateListResult" => drop(round_trip::<ImageTemplateListResult>(body, context)),
        "RunOutput" => drop(round_trip::<RunOutput>(body, context)),
        "RunOutputCollection" => drop(round_trip::<RunOutputCollection>(body, context)),
        "Trigger" => drop(round_trip::<Trigger>(body, context)),
        "TriggerCollection" => drop(round_trip::<TriggerCollection>(body, context)),
        other => panic!("{context}: schema {other} has no model"),
    }
}

fn definition_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/definitions/")
}

/// The operation of the spec whose `x-ms-examples` name the example file `file`.
fn operation_of_example<'a>(spec: &'a Value, file: &str) -> &'a Value {
    let wanted = format!("./examples/{file}");
    spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|methods| methods.as_object().unwrap().values())
        .find(|op| {
            op["x-ms-examples"]
                .as_object()
                .into_iter()
                .flatten()
                .any(|(_, example)| example["$ref"] == wanted.as_str())
        })
        .unwrap_or_else(|| panic!("{file} is no example of the spec"))
}

#[test]
fn every_example_body_round_trips_through_its_model() {
    let spec = spec();
    let mut files: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json") && !name.starts_with("spec-"))
        .collect();
    files.sort();
    assert!(files.len() >= 11, "expected the 11 examples, found {files:?}");

    let (mut requests, mut responses) = (0, 0);
    for file in &files {
        let example = read_json(file);
        let op = operation_of_example(&spec, file);
        for parameter in op["parameters"].as_array().into_iter().flatten() {
            if parameter.get("in").and_then(Value::as_str) != Some("body") {
                continue;
            }
            let name = parameter["name"].as_str().unwrap();
            let body = example["parameters"]
                .get(name)
                .unwrap_or_else(|| panic!("{file}: no request body {name}"));
            let schema = definition_name(&parameter["schema"]).unwrap();
            round_trip_schema(schema, body, &format!("{file} request {name} ({schema})"));
            requests += 1;
        }
        for (status, response) in example["responses"].as_object().unwrap() {
            let Some(body) = response.get("body") else { continue };
            let declared = &op["responses"][status];
            let schema = definition_name(&declared["schema"])
                .unwrap_or_else(|| panic!("{file}: the spec declares no body for {status}"));
            round_trip_schema(schema, body, &format!("{file} response {status} ({schema})"));
            responses += 1;
        }
    }
    // Requests: two creates, two updates. Responses: create 200+201 twice, two updates, get,
    // list, run outputs list and get.
    assert!(
        requests >= 4 && responses >= 10,
        "too few bodies checked: {requests} requests, {responses} responses"
    );
}

#[test]
fn example_values_land_in_typed_fields() {
    let windows: ImageTemplate =
        serde_json::from_value(read_json("CreateImageTemplateWindows.json")["parameters"]["parameters"].clone())
            .unwrap();
    let customize = windows.properties.customize.as_ref().unwrap();
    let kinds: Vec<&str> = customize.iter().map(ImageTemplateCustomizer::kind).collect();
    assert_eq!(
        kinds,
        [
            "PowerShell",
            "PowerShell",
            "PowerShell",
            "PowerShell",
            "PowerShell",
            "PowerShell",
            "WindowsRestart",
            "WindowsUpdate"
        ]
    );
    let ImageTemplateCustomizer::PowerShell(elevated) = &customize[2] else {
        panic!("{:?}", customize[2])
    };
    assert_eq!(
        (elevated.run_elevated, elevated.run_as_system),
        (Some(true), Some(true))
    );
    let ImageTemplateCustomizer::WindowsUpdate(update) = &customize[7] else {
        panic!("{:?}", customize[7])
    };
    assert_eq!(update.update_limit, Some(100));
    let ImageTemplateSource::ManagedImage(source) = &windows.properties.source else {
        panic!("{:?}", windows.properties.source)
    };
    assert!(source.image_id.ends_with("/images/source_image"));
    let ImageTemplateDistributor::ManagedImage(target) = &windows.properties.distribute[0] else {
        panic!("{:?}", windows.properties.distribute[0])
    };
    assert_eq!(
        (target.location.as_str(), target.run_output_name.as_str()),
        ("1_location", "image_it_pir_1")
    );
    assert_eq!(
        windows.identity.as_ref().unwrap().identity_type,
        Some(ResourceIdentityType::UserAssigned)
    );
    assert_eq!(
        windows.properties.vm_profile.as_ref().unwrap().os_disk_size_gb,
        Some(64)
    );

    let outputs: RunOutputCollection =
        serde_json::from_value(read_json("ListRunOutputs.json")["responses"]["200"]["body"].clone()).unwrap();
    let output = outputs.value[1].properties.as_ref().unwrap();
    assert!(output.artifact_id.as_deref().unwrap().ends_with("/imageversions/1.2.3"));
    assert_eq!(output.provisioning_state, Some(ProvisioningState::Succeeded));
    assert!(outputs.next_link.as_deref().unwrap().contains("$skipToken=3"));

    let update: ImageTemplateUpdateParameters =
        serde_json::from_value(read_json("UpdateImageTemplateVmProfile.json")["parameters"]["parameters"].clone())
            .unwrap();
    let vnet = update.properties.unwrap().vm_profile.unwrap().vnet_config.unwrap();
    assert!(
        vnet.container_instance_subnet_id
            .unwrap()
            .ends_with("/subnets/subnetname")
    );
}

/// Generates, from the spec, a JSON value with every property set, recursively.
///
/// A polymorphic definition (`discriminator`) stands for its kinds (the definitions that extend
/// it with an `x-ms-discriminator-value`): an array of them gets one item of every kind, and a
/// single one gets the kind numbered `variant` (modulo their count), so that walking with every
/// `variant` up to the largest count covers every kind.
struct Walker<'a> {
    spec: &'a Value,
    variant: usize,
}

impl Walker<'_> {
    fn definition(&self, name: &str) -> &Value {
        let definition = &self.spec["definitions"][name];
        assert!(definition.is_object(), "no definition {name}");
        definition
    }

    /// The kinds of the polymorphic definition `base`: (discriminator value, definition name).
    fn kinds(&self, base: &str) -> Vec<(String, String)> {
        let reference = format!("#/definitions/{base}");
        let mut kinds: Vec<(String, String)> = self.spec["definitions"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, d)| {
                d["allOf"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["$ref"] == reference.as_str())
            })
            .map(|(name, d)| (d["x-ms-discriminator-value"].as_str().unwrap().to_owned(), name.clone()))
            .collect();
        kinds.sort();
        assert!(!kinds.is_empty(), "{base} has no kinds");
        kinds
    }

    fn is_polymorphic(&self, schema: &Value) -> Option<String> {
        let name = definition_name(schema)?;
        self.definition(name).get("discriminator").map(|_| name.to_owned())
    }

    /// A sample of the kind `definition`, whose parents are in `allOf`.
    fn object(&self, definition: &Value, kind: Option<&str>) -> Value {
        let mut object = Map::new();
        for parent in definition["allOf"].as_array().into_iter().flatten() {
            let reference = parent["$ref"].as_str().unwrap();
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

    fn sample(&self, schema: &Value, name: &str) -> Value {
        if let Some(base) = self.is_polymorphic(schema) {
            let kinds = self.kinds(&base);
            let (kind, definition) = &kinds[self.variant % kinds.len()];
            return self.object(self.definition(definition), Some(kind));
        }
        if let Some(definition) = definition_name(schema) {
            return self.sample(self.definition(definition), name);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return values[self.variant % values.len()].clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") if schema["format"] == "date-time" => json!("2025-10-01T12:34:56.789Z"),
            Some("string") => json!(format!("sample-{name}")),
            Some("integer") => json!(7),
            Some("boolean") => json!(true),
            Some("array") => match self.is_polymorphic(&schema["items"]) {
                Some(base) => self
                    .kinds(&base)
                    .iter()
                    .map(|(kind, definition)| self.object(self.definition(definition), Some(kind)))
                    .collect(),
                None => json!([self.sample(&schema["items"], name)]),
            },
            Some("object") | None if schema.get("properties").is_some() || schema.get("allOf").is_some() => {
                self.object(schema, None)
            }
            Some("object") if schema.get("additionalProperties").is_some() => {
                json!({ "sample-key": self.sample(&schema["additionalProperties"], name) })
            }
            other => panic!("{name}: unexpected schema type {other:?}"),
        }
    }
}

/// The properties of the ARM common type a definition extends (common types v3).
fn common_type(reference: &str) -> Map<String, Value> {
    let system_data = json!({
        "createdBy": "someone@example.com",
        "createdByType": "User",
        "createdAt": "2025-10-01T12:34:56.789Z",
        "lastModifiedBy": "00000000-0000-0000-0000-000000000000",
        "lastModifiedByType": "Application",
        "lastModifiedAt": "2025-10-02T12:34:56.789Z"
    });
    let mut value =
        json!({ "id": "sample-id", "name": "sample-name", "type": "sample-type", "systemData": system_data });
    if reference.ends_with("/v3/types.json#/definitions/TrackedResource") {
        value["location"] = json!("westeurope");
        value["tags"] = json!({ "sample-tag": "sample-value" });
    } else {
        assert!(
            reference.ends_with("/v3/types.json#/definitions/ProxyResource"),
            "{reference}"
        );
    }
    value.as_object().unwrap().clone()
}

fn leaf_count(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.values().map(leaf_count).sum(),
        Value::Array(items) => items.iter().map(leaf_count).sum(),
        _ => 1,
    }
}

/// The most kinds any polymorphic definition has: walking with that many variants covers all.
fn variants(spec: &Value) -> usize {
    let walker = Walker { spec, variant: 0 };
    spec["definitions"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, d)| d.get("discriminator").is_some())
        .map(|(name, _)| walker.kinds(name).len())
        .max()
        .unwrap()
}

#[test]
fn every_spec_property_of_every_kind_is_modelled() {
    let spec = spec();
    let variants = variants(&spec);
    assert_eq!(variants, 5, "customizers have five kinds");
    for variant in 0..variants {
        let walker = Walker { spec: &spec, variant };
        let sample =
            |definition: &str| walker.sample(&json!({ "$ref": format!("#/definitions/{definition}") }), "root");
        // Serde ignores unknown fields: a property the model lacks is lost on the way back.
        let template = sample("ImageTemplate");
        assert!(
            leaf_count(&template) > 100,
            "the sample should set every property: {template}"
        );
        let context = format!("fully populated ImageTemplate, variant {variant}");
        let typed = round_trip::<ImageTemplate>(&template, &context);
        assert!(
            !matches!(typed.properties.source, ImageTemplateSource::Other(_)),
            "{context}: the source kind is not modelled"
        );
        round_trip::<ImageTemplateListResult>(&sample("ImageTemplateListResult"), "ImageTemplateListResult");
        round_trip::<ImageTemplateUpdateParameters>(
            &sample("ImageTemplateUpdateParameters"),
            "ImageTemplateUpdateParameters",
        );
        round_trip::<RunOutputCollection>(&sample("RunOutputCollection"), "RunOutputCollection");
        round_trip::<RunOutput>(&sample("RunOutput"), "RunOutput");
        round_trip::<TriggerCollection>(&sample("TriggerCollection"), "TriggerCollection");
        let trigger = round_trip::<Trigger>(&sample("Trigger"), "Trigger");
        assert!(matches!(trigger.properties, Some(TriggerProperties::SourceImage(_))));
    }
}

#[test]
fn every_polymorphic_kind_of_the_spec_is_a_variant() {
    let spec = spec();
    let walker = Walker {
        spec: &spec,
        variant: 0,
    };
    for (base, kind, definition) in spec["definitions"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, d)| d.get("discriminator").is_some())
        .flat_map(|(base, _)| walker.kinds(base).into_iter().map(move |(k, d)| (base.clone(), k, d)))
    {
        let sample = walker.object(walker.definition(&definition), Some(&kind));
        let debug = match base.as_str() {
            "ImageTemplateSource" => format!("{:?}", serde_json::from_value::<ImageTemplateSource>(sample).unwrap()),
            "ImageTemplateCustomizer" => {
                format!(
                    "{:?}",
                    serde_json::from_value::<ImageTemplateCustomizer>(sample).unwrap()
                )
            }
            "ImageTemplateInVMValidator" => format!(
                "{:?}",
                serde_json::from_value::<image_builder::model::ImageTemplateInVmValidator>(sample).unwrap()
            ),
            "ImageTemplateDistributor" => {
                format!(
                    "{:?}",
                    serde_json::from_value::<ImageTemplateDistributor>(sample).unwrap()
                )
            }
            "DistributeVersioner" => format!("{:?}", serde_json::from_value::<DistributeVersioner>(sample).unwrap()),
            "TriggerProperties" => format!("{:?}", serde_json::from_value::<TriggerProperties>(sample).unwrap()),
            other => panic!("the spec's polymorphic {other} has no model"),
        };
        assert!(
            !debug.starts_with("Other("),
            "{base} kind {kind} ({definition}) is not a variant: {debug}"
        );
    }
}

#[test]
fn kinds_from_the_future_are_kept_whole() {
    let future = json!({
        "type": "Ansible",
        "name": "playbook",
        "playbookUri": "https://example.com/site.yml",
        "extraVars": { "env": "prod" }
    });
    let customizer: ImageTemplateCustomizer = serde_json::from_value(future.clone()).unwrap();
    assert_eq!(customizer.kind(), "Ansible");
    assert!(matches!(customizer, ImageTemplateCustomizer::Other(_)));
    assert_eq!(serde_json::to_value(&customizer).unwrap(), future);

    let lowercase: ImageTemplateDistributor =
        serde_json::from_value(json!({ "type": "vhd", "runOutputName": "disk" })).unwrap();
    assert_eq!(lowercase.run_output_name(), Some("disk"));
    assert_eq!(
        serde_json::to_value(&lowercase).unwrap(),
        json!({ "type": "VHD", "runOutputName": "disk" })
    );

    let missing = serde_json::from_value::<ImageTemplateSource>(json!({ "imageId": "/x" })).unwrap_err();
    assert!(missing.to_string().contains("missing field `type`"), "{missing}");
    let wrong = serde_json::from_value::<ImageTemplateSource>(json!({ "type": "ManagedImage" })).unwrap_err();
    assert!(
        wrong
            .to_string()
            .contains("ManagedImage ImageTemplateSource: missing field `imageId`"),
        "{wrong}"
    );
}

/// Every enum schema (named by `x-ms-enum`) of the spec's definitions.
fn enums(schema: &Value, out: &mut BTreeMap<String, Vec<String>>) {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let name = schema.pointer("/x-ms-enum/name").and_then(Value::as_str).unwrap();
        out.insert(
            name.to_owned(),
            values.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
        );
    }
    match schema {
        Value::Object(object) => object.values().for_each(|child| enums(child, out)),
        Value::Array(items) => items.iter().for_each(|child| enums(child, out)),
        _ => {}
    }
}

/// Asserts that `value` is a known variant of `T` (not `Other`) and round-trips, and that an
/// unknown value round-trips through `Other`.
fn check_enum<T: DeserializeOwned + Serialize + Debug>(value: &str) {
    let typed: T = serde_json::from_value(json!(value)).unwrap();
    assert!(
        !format!("{typed:?}").starts_with("Other("),
        "{value:?} is not a variant of {}",
        std::any::type_name::<T>()
    );
    assert_eq!(serde_json::to_value(&typed).unwrap(), json!(value));
    let future: T = serde_json::from_value(json!("AddedIn2030")).unwrap();
    assert_eq!(format!("{future:?}"), "Other(\"AddedIn2030\")");
    assert_eq!(serde_json::to_value(&future).unwrap(), json!("AddedIn2030"));
}

#[test]
fn every_spec_enum_value_is_a_variant() {
    let mut found = BTreeMap::new();
    enums(&spec()["definitions"], &mut found);
    assert_eq!(found.len(), 11, "{found:?}");
    for (name, values) in &found {
        for value in values {
            match name.as_str() {
                "SharedImageStorageAccountType" => check_enum::<SharedImageStorageAccountType>(value),
                "ReplicationMode" => check_enum::<ReplicationMode>(value),
                "ProvisioningState" => check_enum::<ProvisioningState>(value),
                "onBuildError" => check_enum::<OnBuildError>(value),
                "ProvisioningErrorCode" => check_enum::<ProvisioningErrorCode>(value),
                "RunState" => check_enum::<RunState>(value),
                "RunSubState" => check_enum::<RunSubState>(value),
                "AutoRunState" => check_enum::<AutoRunState>(value),
                "VMBootOptimizationState" | "WorkloadOptimizationState" => check_enum::<OptimizationState>(value),
                "ResourceIdentityType" => check_enum::<ResourceIdentityType>(value),
                other => panic!("the spec's enum {other} has no model"),
            }
        }
    }
    for value in ["User", "Application", "ManagedIdentity", "Key"] {
        check_enum::<CreatedByType>(value);
    }
}

#[test]
fn run_states_know_which_are_final() {
    let terminal: Vec<&str> = [
        "Running",
        "Canceling",
        "Succeeded",
        "PartiallySucceeded",
        "Failed",
        "Canceled",
    ]
    .into_iter()
    .filter(|s| RunState::from(*s).is_terminal())
    .collect();
    assert_eq!(terminal, ["Succeeded", "PartiallySucceeded", "Failed", "Canceled"]);
    assert!(!RunState::Other("Paused".into()).is_terminal());
    assert!(ProvisioningState::Failed.is_terminal() && !ProvisioningState::Deleting.is_terminal());
}

#[test]
fn constructors_write_the_json_azure_expects() {
    assert_eq!(
        serde_json::to_value(Trigger::source_image()).unwrap(),
        json!({ "properties": { "kind": "SourceImage" } })
    );
    // The Windows Update configuration of the DevOps task (its documentation quotes it).
    let update = ImageTemplateCustomizer::from(image_builder::model::WindowsUpdate::devops_task_default());
    assert_eq!(
        serde_json::to_value(update).unwrap(),
        json!({
            "type": "WindowsUpdate",
            "name": "Windows Update",
            "searchCriteria": "IsInstalled=0",
            "filters": ["exclude:$_.Title -like '*Preview*'", "include:$true"]
        })
    );
    let identity = image_builder::model::ImageTemplateIdentity::user_assigned("/subscriptions/s/id");
    assert_eq!(
        serde_json::to_value(identity).unwrap(),
        json!({ "type": "UserAssigned", "userAssignedIdentities": { "/subscriptions/s/id": {} } })
    );
    let status = image_builder::model::ImageTemplateLastRunStatus {
        start_time: Some("2025-10-01T12:34:56.789Z".into()),
        end_time: Some("not a time".into()),
        ..Default::default()
    };
    assert_eq!(status.started_at().unwrap().unix_timestamp(), 1_759_322_096);
    assert_eq!(status.ended_at(), None);
}
