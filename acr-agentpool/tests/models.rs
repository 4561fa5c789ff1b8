//! The models against Azure's own material in `fixtures/api-examples/acr/`: every example body
//! round-trips exactly, every property, kind and enum value of the spec is modelled (samples
//! with every property set are generated from the spec), values from the future are kept, and
//! secrets never show in `Debug`.

use acr_agentpool::model::{
    AgentPool, AgentPoolListResult, AgentPoolQueueStatus, AgentPoolUpdateParameters, Architecture, Argument,
    BaseImageDependencyType, BaseImageTriggerType, DockerBuildRequest, Os, PlatformProperties, ProvisioningState,
    Registry, ResourceIdentityType, Run, RunGetLogResult, RunListResult, RunRequest, RunStatus, RunType,
    RunUpdateParameters, SecretObjectType, SkuName, SourceControlType, SourceRegistryLoginMode, SourceTriggerEvent,
    SourceUploadDefinition, Task, TaskListResult, TaskRun, TaskRunListResult, TaskRunUpdateParameters, TaskStatus,
    TaskStepProperties, TaskStepUpdateParameters, TaskUpdateParameters, Tier, TokenType, TriggerStatus,
    UpdateTriggerPayloadType, Variant,
};
use arm_core::azure_core::credentials::Secret;
use arm_core::test_support::examples::{ApiExamples, ExampleBody, check_enum, leaf_count, round_trip};
use arm_core::test_support::spec_walker::SpecWalker;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const SPEC: &str = "spec-2025-03-01-preview.json";

fn examples() -> ApiExamples {
    ApiExamples::new("acr")
}

/// The spec. It refers to some examples in `examples/ManagedIdentity/`, which the fixture keeps
/// flat; `ApiExamples` resolves them by file name.
fn spec() -> Value {
    examples().read(SPEC)
}

/// Calls `$f::<T>($body, $context)` with `T` the Rust type of the spec definition `$schema`.
macro_rules! with_model {
    ($schema:expr, $f:ident, $body:expr, $context:expr) => {
        match $schema {
            "AgentPool" => $f::<AgentPool>($body, $context),
            "AgentPoolUpdateParameters" => $f::<AgentPoolUpdateParameters>($body, $context),
            "AgentPoolListResult" => $f::<AgentPoolListResult>($body, $context),
            "AgentPoolQueueStatus" => $f::<AgentPoolQueueStatus>($body, $context),
            "SourceUploadDefinition" => $f::<SourceUploadDefinition>($body, $context),
            "RunRequest" => $f::<RunRequest>($body, $context),
            "Run" => $f::<Run>($body, $context),
            "RunListResult" => $f::<RunListResult>($body, $context),
            "RunUpdateParameters" => $f::<RunUpdateParameters>($body, $context),
            "RunGetLogResult" => $f::<RunGetLogResult>($body, $context),
            "Task" => $f::<Task>($body, $context),
            "TaskUpdateParameters" => $f::<TaskUpdateParameters>($body, $context),
            "TaskListResult" => $f::<TaskListResult>($body, $context),
            "TaskRun" => $f::<TaskRun>($body, $context),
            "TaskRunUpdateParameters" => $f::<TaskRunUpdateParameters>($body, $context),
            "TaskRunListResult" => $f::<TaskRunListResult>($body, $context),
            other => panic!("{}: schema {other} has no model", $context),
        }
    };
}

/// Round-trips `body` through the Rust type of the spec definition `schema`.
fn round_trip_schema(schema: &str, body: &Value, context: &str) {
    fn exactly<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(body: &Value, context: &str) {
        round_trip::<T>(body, context);
    }
    with_model!(schema, exactly, body, context)
}

/// Round-trips an example body without its `null`s, after checking that each `null` reads as
/// an absent property. Some examples write `null` for an absent property (the quick task's
/// `"platform": null`, a base image trigger's `"updateTriggerEndpoint": null`); the models
/// read both as `None` and write neither, which Azure takes as the same (an absent optional
/// property), so exactness is checked on the rest.
fn round_trip_body(example: &ExampleBody) -> usize {
    let (without_nulls, nulls) = strip_nulls(&example.body);
    if nulls > 0 {
        let context = format!("{} with its {nulls} nulls", example.context);
        round_trip_schema(&example.schema, &without_nulls, &example.context);
        let from_nulls = retyped(&example.schema, &example.body, &context);
        let from_absent = retyped(&example.schema, &without_nulls, &context);
        assert_eq!(
            from_nulls, from_absent,
            "{context}: a null reads unlike an absent property"
        );
    } else {
        round_trip_schema(&example.schema, &example.body, &example.context);
    }
    nulls
}

/// The properties whose members are map entries (`additionalProperties`), not properties: a
/// `null` entry there is a value the models keep (a custom registry whose credentials a
/// response hides), so it is not stripped.
const MAPS_WITH_NULL_ENTRIES: [&str; 1] = ["customRegistries"];

/// `value` without its object members that are `null` (but for map entries, see
/// [`MAPS_WITH_NULL_ENTRIES`]), and how many there were.
fn strip_nulls(value: &Value) -> (Value, usize) {
    match value {
        Value::Object(object) => {
            let mut nulls = 0;
            let mut kept = serde_json::Map::new();
            for (key, member) in object {
                if member.is_null() {
                    nulls += 1;
                } else if MAPS_WITH_NULL_ENTRIES.contains(&key.as_str()) {
                    kept.insert(key.clone(), member.clone());
                } else {
                    let (member, inner) = strip_nulls(member);
                    nulls += inner;
                    kept.insert(key.clone(), member);
                }
            }
            (Value::Object(kept), nulls)
        }
        Value::Array(items) => {
            let (items, counts): (Vec<Value>, Vec<usize>) = items.iter().map(strip_nulls).unzip();
            (Value::Array(items), counts.into_iter().sum())
        }
        other => (other.clone(), 0),
    }
}

/// `body` read as the type of `schema` and written back.
fn retyped(schema: &str, body: &Value, context: &str) -> Value {
    fn via<T: DeserializeOwned + Serialize>(body: &Value, context: &str) -> Value {
        let typed: T = serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{context}: {e}"));
        serde_json::to_value(typed).unwrap()
    }
    with_model!(schema, via, body, context)
}

#[test]
fn every_example_body_round_trips_through_its_model() {
    let spec = spec();
    assert_eq!(
        examples().missing(&spec),
        Vec::<String>::new(),
        "every example the spec refers to is in the fixture"
    );
    let files = examples().files();
    assert_eq!(files.len(), 41, "the 41 examples of the spec, found {files:?}");

    let bodies = examples().bodies(&spec);
    let nulls: usize = bodies.iter().map(round_trip_body).sum();
    assert_eq!(
        nulls, 52,
        "the nulls the task examples write for absent properties (logTemplate, platform, \
         sourceRegistry, updateTriggerEndpoint, ...)"
    );
    let requests = bodies.iter().filter(|body| body.is_request).count();
    let responses = bodies.len() - requests;
    // Requests: pool create and update, seven run requests, a run update, task run create and
    // update, six task creates, six task updates. Responses: every 200/201 with a body.
    assert_eq!(
        (requests, responses),
        (24, 47),
        "the bodies checked: requests, responses"
    );
    let kinds: std::collections::BTreeSet<String> = bodies
        .iter()
        .filter(|body| body.schema == "RunRequest")
        .map(|body| {
            serde_json::from_value::<RunRequest>(body.body.clone())
                .unwrap()
                .kind()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "DockerBuildRequest",
            "EncodedTaskRunRequest",
            "FileTaskRunRequest",
            "TaskRunRequest"
        ]
    );
}

#[test]
fn example_values_land_in_typed_fields() {
    let pool: AgentPool =
        serde_json::from_value(examples().read("AgentPoolsCreate.json")["responses"]["201"]["body"].clone()).unwrap();
    assert_eq!(pool.tier(), Some(Tier::S1));
    assert_eq!(pool.count(), Some(1));
    assert_eq!(pool.provisioning_state(), Some(&ProvisioningState::Succeeded));
    assert_eq!(pool.properties.as_ref().unwrap().os, Some(Os::Linux));

    let run: Run = serde_json::from_value(examples().read("RunsGet.json")["responses"]["200"]["body"].clone()).unwrap();
    let properties = run.properties.as_ref().unwrap();
    assert_eq!(run.status(), Some(&RunStatus::Succeeded));
    assert_eq!(run.run_id(), Some("0accec26-d6de-4757-8e74-d080f38eaaab"));
    assert_eq!(properties.run_type, Some(RunType::AutoBuild));
    assert_eq!(
        properties.output_images.as_ref().unwrap()[0].tag.as_deref(),
        Some("latest")
    );
    assert_eq!(
        properties.platform.as_ref().unwrap().architecture,
        Some(Architecture::Amd64)
    );
    let (created, finished) = (properties.created_at().unwrap(), properties.finished_at().unwrap());
    assert_eq!((finished - created).whole_minutes(), 60);

    let task: Task =
        serde_json::from_value(examples().read("TasksCreate.json")["parameters"]["taskCreateParameters"].clone())
            .unwrap();
    let task_properties = task.properties.as_ref().unwrap();
    let Some(TaskStepProperties::Docker(step)) = &task_properties.step else {
        panic!("{:?}", task_properties.step)
    };
    assert_eq!(step.docker_file_path, "src/DockerFile");
    assert_eq!(step.arguments.as_ref().unwrap()[1].value.secret(), "mysecrettestvalue");
    let trigger = task_properties.trigger.as_ref().unwrap();
    assert_eq!(trigger.timer_triggers.as_ref().unwrap()[0].schedule, "30 9 * * 1-5");
    assert_eq!(
        trigger.base_image_trigger.as_ref().unwrap().base_image_trigger_type,
        BaseImageTriggerType::Runtime
    );
    assert_eq!(
        task.identity.as_ref().unwrap().type_,
        Some(ResourceIdentityType::SystemAssigned)
    );

    let got: Task =
        serde_json::from_value(examples().read("TasksGet.json")["responses"]["200"]["body"].clone()).unwrap();
    let credentials = got.properties.as_ref().unwrap().credentials.as_ref().unwrap();
    assert_eq!(
        credentials
            .custom_registries
            .as_ref()
            .unwrap()
            .get("myregistry.azure.io"),
        Some(&None),
        "a custom registry is named, its credentials hidden"
    );

    let upload: SourceUploadDefinition = serde_json::from_value(
        examples().read("RegistriesGetBuildSourceUploadUrl.json")["responses"]["200"]["body"].clone(),
    )
    .unwrap();
    assert!(upload.upload_url.unwrap().secret().starts_with("https://"));
    assert!(upload.relative_path.is_some());
}

#[test]
fn every_spec_property_of_every_kind_is_modelled() {
    let spec = spec();
    let variants = SpecWalker::new(&spec).variants();
    assert!(variants >= 4, "run requests have four kinds, found {variants}");
    let schemas = [
        "AgentPool",
        "AgentPoolUpdateParameters",
        "AgentPoolListResult",
        "AgentPoolQueueStatus",
        "SourceUploadDefinition",
        "RunRequest",
        "Run",
        "RunListResult",
        "RunUpdateParameters",
        "RunGetLogResult",
        "Task",
        "TaskUpdateParameters",
        "TaskListResult",
        "TaskRun",
        "TaskRunUpdateParameters",
        "TaskRunListResult",
    ];
    for variant in 0..variants {
        let walker = SpecWalker::new(&spec).with_variant(variant);
        for schema in schemas {
            let sample = walker.sample_of(schema);
            round_trip_schema(schema, &sample, &format!("fully populated {schema}, variant {variant}"));
        }
        let task = walker.sample_of("Task");
        assert!(leaf_count(&task) > 40, "the sample should set every property: {task}");
        let run = walker.sample_of("Run");
        assert!(leaf_count(&run) > 40, "the sample should set every property: {run}");
    }
}

#[test]
fn every_polymorphic_kind_of_the_spec_is_a_variant() {
    let spec = spec();
    let walker = SpecWalker::new(&spec);
    let mut checked = 0;
    for base in walker.polymorphic() {
        for (kind, definition) in walker.kinds(base) {
            let sample = walker.object(walker.definition(&definition), Some(&kind));
            let (typed_kind, known) = match base {
                "RunRequest" => {
                    let typed: RunRequest = serde_json::from_value(sample).unwrap();
                    (typed.kind().to_owned(), !matches!(typed, RunRequest::Other(_)))
                }
                "TaskStepProperties" => {
                    let typed: TaskStepProperties = serde_json::from_value(sample).unwrap();
                    (typed.kind().to_owned(), !matches!(typed, TaskStepProperties::Other(_)))
                }
                "TaskStepUpdateParameters" => {
                    let typed: TaskStepUpdateParameters = serde_json::from_value(sample).unwrap();
                    (
                        typed.kind().to_owned(),
                        !matches!(typed, TaskStepUpdateParameters::Other(_)),
                    )
                }
                other => panic!("the spec's polymorphic {other} has no model"),
            };
            assert!(known, "{base} kind {kind} has no variant");
            assert_eq!(typed_kind, kind, "{base} kind {kind} read as {typed_kind}");
            checked += 1;
        }
    }
    assert_eq!(checked, 10, "4 run requests, 3 steps, 3 step updates");
}

#[test]
fn every_spec_enum_value_is_a_variant() {
    let spec = spec();
    let definitions = spec["definitions"].as_object().unwrap().keys().map(String::as_str);
    let found = SpecWalker::new(&spec).enums(definitions);
    assert!(found.len() >= 18, "{found:?}");
    for (name, values) in &found {
        for value in values {
            match name.as_str() {
                "Architecture" => check_enum::<Architecture>(value),
                "BaseImageDependencyType" => check_enum::<BaseImageDependencyType>(value),
                "BaseImageTriggerType" => check_enum::<BaseImageTriggerType>(value),
                "OS" => check_enum::<Os>(value),
                "ProvisioningState" => check_enum::<ProvisioningState>(value),
                "ResourceIdentityType" => check_enum::<ResourceIdentityType>(value),
                "RunStatus" => check_enum::<RunStatus>(value),
                "RunType" => check_enum::<RunType>(value),
                "SecretObjectType" => check_enum::<SecretObjectType>(value),
                "SourceControlType" => check_enum::<SourceControlType>(value),
                "SourceRegistryLoginMode" => check_enum::<SourceRegistryLoginMode>(value),
                "SourceTriggerEvent" => check_enum::<SourceTriggerEvent>(value),
                "TaskStatus" => check_enum::<TaskStatus>(value),
                "TriggerStatus" => check_enum::<TriggerStatus>(value),
                "TokenType" => check_enum::<TokenType>(value),
                "UpdateTriggerPayloadType" => check_enum::<UpdateTriggerPayloadType>(value),
                "Variant" => check_enum::<Variant>(value),
                // The step kinds are the variants of TaskStepProperties (checked above).
                "StepType" => assert!(["Docker", "FileTask", "EncodedTask"].contains(&value.as_str())),
                other => panic!("the spec's enum {other} has no model"),
            }
        }
    }
}

#[test]
fn run_statuses_know_which_are_final() {
    let all = [
        "Queued",
        "Started",
        "Running",
        "Succeeded",
        "Failed",
        "Canceled",
        "Error",
        "Timeout",
    ];
    let terminal: Vec<&str> = all.into_iter().filter(|s| RunStatus::from(*s).is_terminal()).collect();
    assert_eq!(terminal, ["Succeeded", "Failed", "Canceled", "Error", "Timeout"]);
    assert!(!RunStatus::Other("Paused".into()).is_terminal());
    assert!(RunStatus::from("succeeded").is_success() && !RunStatus::Failed.is_success());
    assert!(ProvisioningState::Canceled.is_terminal() && !ProvisioningState::Updating.is_terminal());
}

#[test]
fn the_agent_pool_name_of_every_request_kind_is_read_and_set() {
    let spec = spec();
    let walker = SpecWalker::new(&spec);
    for (kind, definition) in walker.kinds("RunRequest") {
        let mut sample = walker.object(walker.definition(&definition), Some(&kind));
        sample["agentPoolName"] = json!("pool-a");
        let mut request: RunRequest = serde_json::from_value(sample).unwrap();
        assert_eq!(request.agent_pool_name(), Some("pool-a"), "{kind}");
        request.set_agent_pool_name(Some("pool-b".into()));
        assert_eq!(
            serde_json::to_value(&request).unwrap()["agentPoolName"],
            "pool-b",
            "{kind}"
        );
        request.set_agent_pool_name(None);
        let written = serde_json::to_value(&request).unwrap();
        assert!(written.get("agentPoolName").is_none(), "{kind}: {written}");
        assert_eq!(written["type"], kind.as_str());
    }
}

#[test]
fn a_registry_of_the_stable_spec_keeps_what_it_does_not_model() {
    // The shape of `Registries_Get` in containerregistry.json (stable 2023-07-01,
    // examples/RegistryGet.json), whose `"status": null` is kept as it came.
    let registry = json!({
        "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myRegistry",
        "name": "myRegistry",
        "type": "Microsoft.ContainerRegistry/registries",
        "location": "westus",
        "tags": { "key": "value" },
        "sku": { "name": "Premium", "tier": "Premium" },
        "properties": {
            "loginServer": "myregistry.azurecr.io",
            "creationDate": "2021-06-15T21:38:26.1537861Z",
            "provisioningState": "Succeeded",
            "adminUserEnabled": false,
            "publicNetworkAccess": "Enabled",
            "dataEndpointEnabled": false,
            "networkRuleBypassOptions": "AzureServices",
            "zoneRedundancy": "Disabled",
            "anonymousPullEnabled": false,
            "policies": { "retentionPolicy": { "days": 7, "status": "disabled" } },
            "encryption": { "status": "disabled" },
            "status": null,
            "dataEndpointHostNames": [],
            "privateEndpointConnections": []
        }
    });
    let typed = round_trip::<Registry>(&registry, "a Premium registry");
    assert_eq!(typed.sku.name, SkuName::Premium);
    let properties = typed.properties.unwrap();
    assert_eq!(properties.login_server.as_deref(), Some("myregistry.azurecr.io"));
    assert_eq!(properties.other.len(), 5, "{:?}", properties.other);
    let basic: Registry = serde_json::from_value(json!({ "location": "eastus", "sku": { "name": "basic" } })).unwrap();
    assert_eq!(basic.sku.name, SkuName::Basic);
}

#[test]
fn values_from_the_future_are_kept() {
    let pool: AgentPool = serde_json::from_value(json!({
        "location": "westus2",
        "properties": { "tier": "S9", "os": "Plan9", "provisioningState": "Migrating" }
    }))
    .unwrap();
    assert_eq!(pool.tier(), Some(Tier::Other("S9".into())));
    let properties = pool.properties.as_ref().unwrap();
    assert_eq!(properties.os, Some(Os::Other("Plan9".into())));
    assert_eq!(
        serde_json::to_value(&pool).unwrap()["properties"]["provisioningState"],
        "Migrating"
    );
}

#[test]
fn run_requests_and_steps_of_unknown_kinds_round_trip() {
    // A run request of a kind from a newer api-version (as a task run's `runRequest` may
    // carry): kept whole, its base property `agentPoolName` read and set.
    let body = json!({
        "type": "WasmRunRequest",
        "agentPoolName": "pool-a",
        "isArchiveEnabled": true,
        "module": "app.wasm",
        "platform": { "os": "Linux" }
    });
    let mut request = round_trip::<RunRequest>(&body, "a run request of an unknown kind");
    assert!(matches!(request, RunRequest::Other(_)), "{request:?}");
    assert_eq!(request.kind(), "WasmRunRequest");
    assert_eq!(request.agent_pool_name(), Some("pool-a"));
    request.set_agent_pool_name(Some("pool-b".into()));
    let written = serde_json::to_value(&request).unwrap();
    assert_eq!(written["agentPoolName"], "pool-b");
    assert_eq!(written["module"], "app.wasm", "the rest is kept");
    request.set_agent_pool_name(None);
    let written = serde_json::to_value(&request).unwrap();
    assert!(written.get("agentPoolName").is_none(), "{written}");
    assert_eq!(written["type"], "WasmRunRequest");

    // A GET of a task whose step is of an unknown kind: the task is read, the step kept whole,
    // and what it holds (a token, here) never shown by Debug.
    let task = json!({
        "location": "eastus",
        "properties": {
            "agentPoolName": "pool",
            "step": {
                "type": "Buildpack",
                "contextPath": "https://github.com/org/app",
                "contextAccessToken": "ghp_NEVERSHOWN",
                "builder": "paketobuildpacks/builder:base"
            }
        }
    });
    let typed = round_trip::<Task>(&task, "a task with a step of an unknown kind");
    assert_eq!(typed.agent_pool_name(), Some("pool"));
    let step = typed.properties.as_ref().unwrap().step.as_ref().unwrap();
    assert!(matches!(step, TaskStepProperties::Other(_)), "{step:?}");
    assert_eq!(step.kind(), "Buildpack");
    let debug = format!("{typed:?}");
    assert!(!debug.contains("ghp_NEVERSHOWN"), "{debug}");
    assert!(
        debug.contains("Buildpack") && debug.contains("contextAccessToken"),
        "{debug}"
    );

    let update = json!({ "properties": { "step": { "type": "Buildpack", "builder": "b" } } });
    let typed = round_trip::<TaskUpdateParameters>(&update, "a task update with a step of an unknown kind");
    let step = typed.properties.unwrap().step.unwrap();
    assert!(matches!(step, TaskStepUpdateParameters::Other(_)), "{step:?}");

    // Known kinds are read whatever their case and written as the spec spells them.
    let docker: RunRequest = serde_json::from_value(json!({
        "type": "dockerbuildrequest",
        "dockerFilePath": "Dockerfile",
        "platform": { "os": "Linux" }
    }))
    .unwrap();
    assert_eq!(serde_json::to_value(&docker).unwrap()["type"], "DockerBuildRequest");
    let untyped = serde_json::from_value::<RunRequest>(json!({ "dockerFilePath": "Dockerfile" })).unwrap_err();
    assert!(untyped.to_string().contains("missing field `type`"), "{untyped}");
}

#[test]
fn secrets_are_sent_in_bodies_and_never_shown_by_debug() {
    let request = RunRequest::from(DockerBuildRequest {
        is_archive_enabled: None,
        agent_pool_name: Some("pool".into()),
        log_template: None,
        image_names: Some(vec!["app:1".into()]),
        is_push_enabled: Some(true),
        no_cache: None,
        docker_file_path: "Dockerfile".into(),
        target: None,
        arguments: Some(vec![Argument {
            name: "TOKEN".into(),
            value: Secret::new("s3cr3t-build-arg"),
            is_secret: Some(true),
        }]),
        timeout: None,
        platform: PlatformProperties::linux(),
        agent_configuration: None,
        source_location: Some("source/x.tar.gz".into()),
        credentials: None,
    });
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(body["arguments"][0]["value"], "s3cr3t-build-arg", "the body carries it");
    assert_eq!(body["type"], "DockerBuildRequest");
    let debug = format!("{request:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    assert!(debug.contains("TOKEN"), "the rest stays visible: {debug}");

    let upload = SourceUploadDefinition {
        upload_url: Some(Secret::new(
            "https://acr.blob.core.windows.net/c/x.tar.gz?sv=1&sig=UPLOADSIG",
        )),
        relative_path: Some("source/x.tar.gz".into()),
    };
    let debug = format!("{upload:?}");
    assert!(!debug.contains("UPLOADSIG") && !debug.contains("blob.core"), "{debug}");

    let log = RunGetLogResult {
        log_link: Some(Secret::new(
            "https://acr.blob.core.windows.net/logs/ca1/rawtext.log?sig=LOGSIG",
        )),
        log_artifact_link: Some(Secret::new("https://acr.blob.core.windows.net/a?sig=ARTIFACTSIG")),
    };
    let debug = format!("{log:?}");
    assert!(!debug.contains("LOGSIG") && !debug.contains("ARTIFACTSIG"), "{debug}");

    let task: Task =
        serde_json::from_value(examples().read("TasksCreate.json")["parameters"]["taskCreateParameters"].clone())
            .unwrap();
    let debug = format!("{task:?}");
    for secret in ["mysecrettestvalue", "xxxxx", "user:pass@mycicd"] {
        assert!(!debug.contains(secret), "{secret} shown: {debug}");
    }
}
