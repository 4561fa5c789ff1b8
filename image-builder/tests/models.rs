//! The models against Azure's own material in `fixtures/api-examples/imagebuilder/`: every
//! example body round-trips exactly, every property and enum value of the spec is modelled
//! (a sample with every property, of every polymorphic kind, is generated from the spec), and
//! kinds and values from the future are kept.

use arm_core::test_support::examples::{ApiExamples, ExampleBody, check_enum, leaf_count, round_trip};
use arm_core::test_support::spec_walker::SpecWalker;
use image_builder::model::{
    AutoRunState, CreatedByType, DistributeVersioner, ImageTemplate, ImageTemplateCustomizer, ImageTemplateDistributor,
    ImageTemplateListResult, ImageTemplateSource, ImageTemplateUpdateParameters, OnBuildError, OptimizationState,
    ProvisioningErrorCode, ProvisioningState, ReplicationMode, ResourceIdentityType, RunOutput, RunOutputCollection,
    RunState, RunSubState, SharedImageStorageAccountType, Trigger, TriggerCollection, TriggerProperties,
};
use serde_json::json;

const SPEC: &str = "spec-2025-10-01.json";

fn examples() -> ApiExamples {
    ApiExamples::new("imagebuilder")
}

/// Round-trips an example body through the Rust type of its schema.
fn round_trip_body(example: &ExampleBody) {
    let (body, context) = (&example.body, example.context.as_str());
    match example.schema.as_str() {
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

#[test]
fn every_example_body_round_trips_through_its_model() {
    let spec = examples().read(SPEC);
    let files = examples().files();
    assert!(files.len() >= 11, "expected the 11 examples, found {files:?}");

    let bodies = examples().bodies(&spec);
    bodies.iter().for_each(round_trip_body);
    let requests = bodies.iter().filter(|body| body.is_request).count();
    let responses = bodies.len() - requests;
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
        serde_json::from_value(examples().read("CreateImageTemplateWindows.json")["parameters"]["parameters"].clone())
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
        serde_json::from_value(examples().read("ListRunOutputs.json")["responses"]["200"]["body"].clone()).unwrap();
    let output = outputs.value[1].properties.as_ref().unwrap();
    assert!(output.artifact_id.as_deref().unwrap().ends_with("/imageversions/1.2.3"));
    assert_eq!(output.provisioning_state, Some(ProvisioningState::Succeeded));
    assert!(outputs.next_link.as_deref().unwrap().contains("$skipToken=3"));

    let update: ImageTemplateUpdateParameters = serde_json::from_value(
        examples().read("UpdateImageTemplateVmProfile.json")["parameters"]["parameters"].clone(),
    )
    .unwrap();
    let vnet = update.properties.unwrap().vm_profile.unwrap().vnet_config.unwrap();
    assert!(
        vnet.container_instance_subnet_id
            .unwrap()
            .ends_with("/subnets/subnetname")
    );
}

#[test]
fn every_spec_property_of_every_kind_is_modelled() {
    let spec = examples().read(SPEC);
    let variants = SpecWalker::new(&spec).variants();
    assert_eq!(variants, 5, "customizers have five kinds");
    for variant in 0..variants {
        let walker = SpecWalker::new(&spec).with_variant(variant);
        let sample = |definition: &str| walker.sample_of(definition);
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
    let spec = examples().read(SPEC);
    let walker = SpecWalker::new(&spec);
    for (base, kind, definition) in walker
        .polymorphic()
        .into_iter()
        .flat_map(|base| walker.kinds(base).into_iter().map(move |(k, d)| (base, k, d)))
    {
        let sample = walker.object(walker.definition(&definition), Some(&kind));
        let debug = match base {
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

#[test]
fn every_spec_enum_value_is_a_variant() {
    let spec = examples().read(SPEC);
    let definitions = spec["definitions"].as_object().unwrap().keys().map(String::as_str);
    let found = SpecWalker::new(&spec).enums(definitions);
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
