//! The demo's image story: a package folder becomes an Azure Compute Gallery image version
//! through `image-builder build`, as a pipeline step would run it; then a build scripted to fail
//! shows the failing provisioner's section of `customization.log`; then `image-builder reap`
//! deletes what the failure kept (its template; Image Builder empties the staging resource group
//! with it).
//!
//! The builds use a staging resource group of their own (`--staging-resource-group`) rather than
//! the `IT_...` group Azure would name per build, so that the pipeline's principal can be granted
//! Storage Blob Data Reader there, once, to read a failed build's `customization.log`; the builds'
//! identity gets Contributor on it, as learn.microsoft.com "Configure Azure VM Image Builder
//! permissions by using the Azure CLI" requires of a staging group given by the caller.

use crate::story::{Demo, Result};
use arm_core::azure_core::http::Method;
use arm_core::resource_groups::{ResourceGroup, ResourceGroupsClient};
use arm_core::storage::{BlobEndpoint, DEFAULT_STORAGE_API_VERSION, StorageClient};
use arm_core::{ArmClient, ArmEnvironment, ResourceId};
use az_emulator::{ImageBuildScript, SeedSections};
use futures::TryStreamExt;
use image_builder::ImageTemplatesClient;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The emulator's `[image_builder]` section for the story: each run phase (Queued, Building,
/// Customizing, Distributing) lasts one second, so that the build shows them in a few seconds.
pub(super) const CONFIG: &str = "[image_builder]\nphase_ms = 1000\n";

/// The storage account of the pipeline's artifacts.
const ACCOUNT: &str = "stimagebuilderdemo";
/// The gallery and its image definition that the build publishes to.
const GALLERY: &str = "gal_demo";
const IMAGE: &str = "app-ubuntu";
/// The user-assigned identity the builds run as.
const IDENTITY: &str = "id-image-builder";
/// The builds' staging resource group.
const STAGING: &str = "rg-image-staging";
/// The Microsoft.Resources api-version of the resource list (learn.microsoft.com "Resources -
/// List By Resource Group").
const RESOURCES_API: &str = "2021-04-01";
/// The marketplace image the builds start from (`latest`: the emulator's newest version).
const SOURCE: &str = "Canonical:ubuntu-24_04-lts:server:latest";
/// The Microsoft.Compute api-version of the gallery requests (learn.microsoft.com "Galleries -
/// Create Or Update").
const COMPUTE_API: &str = "2024-03-03";
/// What the scripted failure prints, as a shell step that exits 3 does in Image Builder's log.
const FAILURE: &str = "Script exited with non-zero exit status: 3. Allowed exit codes are: [0]";

/// What the administrator set up once for the builds.
struct Setup {
    arm: ArmClient,
    subscription: String,
    location: String,
    account: ResourceId,
    image_definition: String,
    identity: String,
}

/// Steps 10 to 14.
pub(super) async fn run(demo: &Demo, env: &ArmEnvironment) -> Result<()> {
    demo.step(
        10,
        "Image Builder: the administrator's one-time setup: an artifact storage account, a gallery \
         with an image definition, the builds' identity, and their roles",
    );
    let setup = Setup::create(demo, env).await?;
    let package = package_folder(&demo.scratch)?;

    demo.step(
        11,
        "pipeline run 103: `image-builder build` turns the package folder into a gallery image version",
    );
    let output = demo
        .run_tool_expecting(
            "image-builder",
            &build_args(&setup, &package).as_refs(),
            &build_env(demo),
            0,
        )
        .await?;
    let variables = pipeline_variables(&output);
    println!("          the variables it set, for the pipeline's next steps:");
    for (name, value) in &variables {
        println!("            $({name}) = {value}");
    }
    let version = variables
        .get("imageUri")
        .ok_or("image-builder printed no imageUri variable")?;
    let published = setup.get(version, COMPUTE_API).await?;
    println!(
        "          {version}: {}",
        published
            .pointer("/properties/provisioningState")
            .and_then(Value::as_str)
            .unwrap_or("exists")
    );

    demo.step(
        12,
        "run 104: the same build, scripted to fail in its inline script (the emulator's control API)",
    );
    demo.control.script_image_builds(ImageBuildScript {
        fail_in_customizer: Some(3), // 1 downloads the package, 2 unpacks it, 3 is --inline-script
        message: Some(FAILURE.to_owned()),
        ..ImageBuildScript::default()
    })?;
    let failed = demo
        .run_tool_expecting(
            "image-builder",
            &build_args(&setup, &package).as_refs(),
            &build_env(demo),
            1,
        )
        .await;
    demo.control.clear_image_build_scripts();
    let failed = failed?;
    let kept: Vec<&str> = failed
        .lines()
        .filter_map(|l| l.strip_prefix("kept "))
        .map(|l| l.trim_end_matches(" (--cleanup)"))
        .collect();
    println!("          exit code 1; --cleanup on-success kept, for inspection:");
    for item in &kept {
        println!("            {item}");
    }
    for resource in setup.staging_resources().await? {
        println!("            in {STAGING}: {resource}");
    }

    demo.step(
        13,
        "`image-builder reap`: the templates builds left (and orphaned IT_ staging groups)",
    );
    demo.run_tool_expecting("image-builder", &reap_args(), &build_env(demo), 0)
        .await?;

    demo.step(14, "checking that no template is left and the staging group is empty");
    let templates = ImageTemplatesClient::from_arm(setup.arm.clone(), &setup.subscription)?;
    let group = &demo.info.defaults.resource_group;
    let left: Vec<_> = templates.list_by_resource_group(group, None)?.try_collect().await?;
    demo.wait("the staging group to be empty", || async {
        Ok(setup.staging_resources().await?.is_empty().then_some(()))
    })
    .await?;
    println!(
        "          image templates in {group}: {}; resources in {STAGING}: 0",
        left.len()
    );
    if !left.is_empty() {
        return Err(format!("image templates left: {left:?}").into());
    }
    let blobs = artifact_blobs(env, &setup, &kept).await?;
    for (blob, exists) in blobs {
        let state = if exists {
            "still there: reap looks at templates and resource groups, not into storage accounts"
        } else {
            "gone"
        };
        println!("          the failed build's artifact blob {blob}: {state}");
    }
    Ok(())
}

impl Setup {
    /// The storage account, the gallery and its image definition, the staging group over ARM,
    /// as the pipeline's service principal (Owner); then the identity and the roles, seeded
    /// through the emulator's control API as `az identity create` and `az role assignment
    /// create` would make them: the pipeline's principal gets Storage Blob Data Contributor on
    /// the account (data plane only) and Storage Blob Data Reader on the staging group (the
    /// logs), the builds' identity Contributor on the gallery (the distribution target) and on
    /// the staging group.
    async fn create(demo: &Demo, env: &ArmEnvironment) -> Result<Setup> {
        let d = &demo.info.defaults;
        let setup = Setup {
            arm: env.arm_client()?,
            subscription: d.subscription_id.clone(),
            location: d.location.clone(),
            account: ResourceId::resource(
                &d.subscription_id,
                &d.resource_group,
                "Microsoft.Storage",
                "storageAccounts",
                ACCOUNT,
            ),
            image_definition: String::new(),
            identity: String::new(),
        };
        let account = setup.account.to_string();
        setup
            .put(
                &account,
                DEFAULT_STORAGE_API_VERSION,
                json!({
                    "location": d.location,
                    "kind": "StorageV2",
                    "sku": { "name": "Standard_LRS" },
                    "properties": { "allowSharedKeyAccess": false, "allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_2" }
                }),
            )
            .await?;
        println!("          storage account {ACCOUNT}: no shared keys, no public access");
        let gallery = ResourceId::resource(
            &d.subscription_id,
            &d.resource_group,
            "Microsoft.Compute",
            "galleries",
            GALLERY,
        )
        .to_string();
        setup
            .put(
                &gallery,
                COMPUTE_API,
                json!({ "location": d.location, "properties": {} }),
            )
            .await?;
        let image_definition = format!("{gallery}/images/{IMAGE}");
        let definition = json!({
            "location": d.location,
            "properties": {
                "osType": "Linux",
                "osState": "Generalized",
                "identifier": { "publisher": "contoso", "offer": "app", "sku": "ubuntu" }
            }
        });
        setup.put(&image_definition, COMPUTE_API, definition).await?;
        println!("          gallery {GALLERY}, image definition {IMAGE} (Linux, generalized)");
        ResourceGroupsClient::from_arm(setup.arm.clone(), &setup.subscription)?
            .create_or_update(STAGING, &ResourceGroup::new(&d.location), None)
            .await?;
        let staging = ResourceId::resource_group_id(&d.subscription_id, STAGING).to_string();
        println!("          staging resource group {STAGING}, empty");
        let seeds: SeedSections = serde_json::from_value(json!({
            "managed_identities": [{
                "kind": "user",
                "name": IDENTITY,
                "resource_group": d.resource_group,
                "roles": [
                    { "role": "Contributor", "scope": gallery },
                    { "role": "Contributor", "scope": staging }
                ]
            }],
            "role_assignments": [
                { "principal_id": d.client_id, "role": "Storage Blob Data Contributor", "scope": account },
                { "principal_id": d.client_id, "role": "Storage Blob Data Reader", "scope": staging }
            ]
        }))?;
        demo.control.seed(&seeds)?;
        let identity = ResourceId::resource(
            &d.subscription_id,
            &d.resource_group,
            "Microsoft.ManagedIdentity",
            "userAssignedIdentities",
            IDENTITY,
        )
        .to_string();
        println!("          identity {IDENTITY}: Contributor on {GALLERY} and on {STAGING}");
        println!(
            "          pipeline principal {}: Owner (as before), Storage Blob Data Contributor on {ACCOUNT}, \
             Storage Blob Data Reader on {STAGING}",
            d.client_id
        );
        Ok(Setup {
            image_definition,
            identity,
            ..setup
        })
    }

    /// PUT of `path` as a long-running operation, waited for.
    async fn put(&self, path: &str, api_version: &str, body: Value) -> Result<Value> {
        let request = self.arm.request(Method::Put, path, api_version)?.json(&body)?;
        Ok(self.arm.begin::<Value>(request, None).await?.await?)
    }

    /// GET of `path`.
    async fn get(&self, path: &str, api_version: &str) -> Result<Value> {
        let request = self.arm.request(Method::Get, path, api_version)?;
        Ok(self.arm.send_json::<Value>(request).await?)
    }

    /// The types and names of the resources in the staging group.
    async fn staging_resources(&self) -> Result<Vec<String>> {
        let path = format!(
            "/subscriptions/{}/resourceGroups/{STAGING}/resources",
            self.subscription
        );
        let list = self.get(&path, RESOURCES_API).await?;
        Ok(list["value"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                format!(
                    "{} {}",
                    r["type"].as_str().unwrap_or("?"),
                    r["name"].as_str().unwrap_or("?")
                )
            })
            .collect())
    }
}

/// The package: a folder `app` with a few files, as a pipeline's build stage would leave it.
fn package_folder(scratch: &Path) -> Result<PathBuf> {
    let folder = scratch.join("artifacts").join("app");
    std::fs::create_dir_all(folder.join("bin"))?;
    std::fs::create_dir_all(folder.join("config"))?;
    std::fs::write(folder.join("README.md"), "# app\nInstalled by image-builder.\n")?;
    std::fs::write(
        folder.join("install.sh"),
        "#!/bin/sh\nset -e\ninstall -m 755 /tmp/app/bin/app /usr/local/bin/app\n",
    )?;
    std::fs::write(folder.join("bin/app"), "#!/bin/sh\necho hello from app\n")?;
    std::fs::write(folder.join("config/app.json"), "{ \"listen\": 8080 }\n")?;
    Ok(folder)
}

/// A command line.
struct Args(Vec<String>);

impl Args {
    /// The arguments as `run_tool` takes them.
    fn as_refs(&self) -> Vec<&str> {
        self.0.iter().map(String::as_str).collect()
    }
}

/// `build` from `package` to the gallery image definition, the package read by the build VM
/// through a user-delegation SAS; the run read every second (its phases last one).
fn build_args(setup: &Setup, package: &Path) -> Args {
    let account = setup.account.to_string();
    let resource_group = setup.account.resource_group().unwrap_or_default();
    let pairs: [(&str, String); 12] = [
        ("--location", setup.location.clone()),
        ("--resource-group", resource_group.to_owned()),
        ("--identity", setup.identity.clone()),
        ("--source", SOURCE.to_owned()),
        ("--package-path", package.display().to_string()),
        ("--inline-script", "sh /tmp/app/install.sh".to_owned()),
        ("--storage-account", account),
        ("--distribute", "gallery".to_owned()),
        ("--gallery-image-id", setup.image_definition.clone()),
        ("--sas", "user-delegation".to_owned()),
        ("--staging-resource-group", STAGING.to_owned()),
        ("--poll-interval", "1s".to_owned()),
    ];
    let mut args = vec!["build".to_owned()];
    for (flag, value) in pairs {
        args.push(flag.to_owned());
        args.push(value);
    }
    Args(args)
}

/// `reap` of the story's resource group, of templates older than a second.
fn reap_args() -> Vec<&'static str> {
    vec!["reap", "--resource-group", "rg-emulator", "--min-age", "1s"]
}

/// The tools' environment plus the pipeline's temporary folder (`AGENT_TEMPDIRECTORY`), where a
/// failed build saves its whole `customization.log`.
fn build_env(demo: &Demo) -> BTreeMap<String, String> {
    let mut env = demo.base_env();
    env.insert("AGENT_TEMPDIRECTORY".to_owned(), demo.scratch.display().to_string());
    env
}

/// The `##vso[task.setvariable variable=<name>]<value>` lines of `output`.
pub(super) fn pipeline_variables(output: &str) -> BTreeMap<String, String> {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("##vso[task.setvariable variable="))
        .filter_map(|rest| rest.split_once(']'))
        .map(|(name, value)| (name.split(';').next().unwrap_or(name).to_owned(), value.to_owned()))
        .collect()
}

/// Whether each blob URL in `kept` under the artifact container still exists (a one-byte
/// ranged read with the pipeline principal's token).
async fn artifact_blobs(env: &ArmEnvironment, setup: &Setup, kept: &[&str]) -> Result<Vec<(String, bool)>> {
    let container = format!("/{}/", image_builder::artifacts::ARTIFACT_CONTAINER);
    let storage = StorageClient::for_environment(env, None)?;
    let credential = env.credential()?;
    let endpoint = BlobEndpoint::resolve(
        &setup.arm,
        &setup.subscription,
        setup.account.resource_group().unwrap_or_default(),
        ACCOUNT,
        None,
    )
    .await?;
    let mut found = Vec::new();
    for url in kept.iter().filter(|u| u.contains(&container)) {
        let Some(name) = url.split_once(&container).map(|(_, name)| name) else {
            continue;
        };
        let blob = endpoint.blob(image_builder::artifacts::ARTIFACT_CONTAINER, name, credential.clone())?;
        let exists = match storage.read_range(&blob, 0..1).await {
            Ok(_) => true,
            Err(error) if error.status().map(u16::from) == Some(404) => false,
            Err(error) => return Err(error.into()),
        };
        found.push((url.to_string(), exists));
    }
    Ok(found)
}
