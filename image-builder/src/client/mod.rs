//! [`ImageTemplatesClient`]: the ARM operations of `Microsoft.VirtualMachineImages/imageTemplates`
//! and their run outputs, after the 2025-10-01 spec
//! (`specification/imagebuilder/resource-manager/Microsoft.VirtualMachineImages/stable/2025-10-01`).

mod triggers;

pub use triggers::TriggersClient;

use crate::error::Error;
use crate::model::{ImageTemplate, ImageTemplateUpdateParameters, RunOutput};
use crate::{DEFAULT_API_VERSION, validate_template, validate_template_name};
use arm_core::azure_core::credentials::TokenCredential;
use arm_core::azure_core::http::Method;
use arm_core::{
    ArmClient, ArmClientOptions, ArmRequest, Cloud, LroPoller, Pager, RequestOptions, ResourceId, ResourceType,
    SubscriptionClient, SubscriptionScope,
};
use std::sync::Arc;

/// The options of the long-running operations (`begin_*`): how to poll them.
pub use arm_core::BeginOptions;

pub(crate) const IMAGE_TEMPLATES: ResourceType = ResourceType::new("Microsoft.VirtualMachineImages", "imageTemplates");

/// Options of [`ImageTemplatesClient::new`].
#[derive(Clone, Debug)]
pub struct ImageTemplatesClientOptions {
    /// The api-version of every request (default [`DEFAULT_API_VERSION`], 2024-02-01).
    pub api_version: String,
    /// The ARM pipeline: retries, clock, transport.
    pub arm: ArmClientOptions,
}

impl Default for ImageTemplatesClientOptions {
    fn default() -> Self {
        Self {
            api_version: DEFAULT_API_VERSION.to_owned(),
            arm: ArmClientOptions::default(),
        }
    }
}

/// A client for the image templates of one subscription.
///
/// Names are checked (`^[A-Za-z0-9-_.]{1,64}$`) and a template is checked as Azure would check
/// it ([`validate_template`]) before any request: the error is [`Error::InvalidInput`] naming the
/// field.
///
/// ```no_run
/// use futures::TryStreamExt;
/// use image_builder::ImageTemplatesClient;
///
/// # async fn run(arm: arm_core::ArmClient, template: image_builder::model::ImageTemplate) -> Result<(), image_builder::Error> {
/// let templates = ImageTemplatesClient::from_arm(arm, "00000000-0000-0000-0000-000000000000")?;
/// templates.begin_create_or_update("rg", "t_1700000000000", &template, None).await?.await?;
/// templates.begin_run("rg", "t_1700000000000", None).await?.await?;
/// let outputs: Vec<_> = templates.list_run_outputs("rg", "t_1700000000000", None)?.try_collect().await?;
/// templates.begin_delete("rg", "t_1700000000000", None).await?.await?;
/// # let _ = outputs; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ImageTemplatesClient {
    scope: SubscriptionScope,
}

impl SubscriptionClient for ImageTemplatesClient {
    fn scope(&self) -> &SubscriptionScope {
        &self.scope
    }

    fn with_scope(self, scope: SubscriptionScope) -> Self {
        Self { scope }
    }
}

/// Checks a name of the spec's `^[A-Za-z0-9-_.]{1,64}$` pattern, naming `field` when it fails.
pub(crate) fn check_name(field: &str, name: &str) -> Result<(), Error> {
    validate_template_name(name).map_err(|error| match error {
        Error::InvalidInput { message, .. } => Error::invalid(field, message),
        other => other,
    })
}

impl ImageTemplatesClient {
    /// Creates a client for `subscription_id` in `cloud`.
    pub fn new(
        cloud: &Cloud,
        subscription_id: &str,
        credential: Arc<dyn TokenCredential>,
        options: Option<ImageTemplatesClientOptions>,
    ) -> Result<Self, Error> {
        let options = options.unwrap_or_default();
        let arm = ArmClient::for_crate(
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
            cloud,
            credential,
            Some(options.arm),
        )?;
        Ok(Self::from_arm(arm, subscription_id)?.with_api_version(options.api_version))
    }

    /// Creates a client that shares an existing [`ArmClient`], with [`DEFAULT_API_VERSION`].
    pub fn from_arm(arm: ArmClient, subscription_id: &str) -> Result<Self, Error> {
        let scope = SubscriptionScope::new(arm, subscription_id, DEFAULT_API_VERSION)?;
        Ok(Self { scope })
    }

    /// The subscription of this client.
    pub fn subscription_id(&self) -> &str {
        self.scope.subscription_id()
    }

    /// The triggers of this subscription's templates, on the same ARM client and api-version.
    pub fn triggers(&self) -> TriggersClient {
        TriggersClient::from_templates(self.clone())
    }

    /// The id of template `name` of `resource_group`.
    pub fn template_id(&self, resource_group: &str, name: &str) -> Result<ResourceId, Error> {
        let id = self.scope.resource_id(resource_group, IMAGE_TEMPLATES, name)?;
        check_name("name", name)?;
        Ok(id)
    }

    /// A request to template `name`, or to `suffix` below it (`/run`, `/runOutputs/x`).
    pub(crate) fn request(
        &self,
        method: Method,
        resource_group: &str,
        name: &str,
        suffix: &str,
    ) -> Result<ArmRequest, Error> {
        let id = self.template_id(resource_group, name)?;
        Ok(self.scope.resource_request(method, &id, suffix)?)
    }

    /// Creates a template (`PUT`, long-running; the final state comes through
    /// `Azure-AsyncOperation`). Azure refuses a PUT on an existing template (`409 Conflict`:
    /// templates cannot be updated) and leaves a template whose creation failed in the
    /// `Failed` provisioning state, to be deleted before a retry; [`crate::runs::create`]
    /// handles both.
    pub async fn begin_create_or_update(
        &self,
        resource_group: &str,
        name: &str,
        template: &ImageTemplate,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<ImageTemplate>, Error> {
        validate_template(name, template)?;
        let request = self.request(Method::Put, resource_group, name, "")?.json(template)?;
        Ok(self.scope.begin(request, options).await?)
    }

    /// Gets a template, with its provisioning state and `lastRunStatus`.
    pub async fn get(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<RequestOptions>,
    ) -> Result<ImageTemplate, Error> {
        let request = self.request(Method::Get, resource_group, name, "")?;
        Ok(self.scope.send_json(request, options).await?)
    }

    /// Lists the templates of the subscription; `options` apply to each page's request.
    pub fn list(&self, options: Option<RequestOptions>) -> Result<Pager<ImageTemplate>, Error> {
        Ok(self.scope.list(IMAGE_TEMPLATES, None, options)?)
    }

    /// Lists the templates of a resource group; `options` apply to each page's request.
    pub fn list_by_resource_group(
        &self,
        resource_group: &str,
        options: Option<RequestOptions>,
    ) -> Result<Pager<ImageTemplate>, Error> {
        Ok(self.scope.list(IMAGE_TEMPLATES, Some(resource_group), options)?)
    }

    /// Changes what may change on an existing template: tags, identity, distribution targets,
    /// build VM (`PATCH`, long-running).
    pub async fn begin_update(
        &self,
        resource_group: &str,
        name: &str,
        parameters: &ImageTemplateUpdateParameters,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<ImageTemplate>, Error> {
        let request = self
            .request(Method::Patch, resource_group, name, "")?
            .json(parameters)?;
        Ok(self.scope.begin(request, options).await?)
    }

    /// Deletes a template (`DELETE`, long-running, followed through `Location`), and with it
    /// the staging resource group Azure created. A template already gone (204 or 404) counts as
    /// deleted. Azure refuses it (`OperationNotAllowed`) while a run is going or canceling:
    /// [`crate::runs::delete`] cancels first.
    pub async fn begin_delete(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<()>, Error> {
        let request = self.request(Method::Delete, resource_group, name, "")?;
        Ok(self.scope.begin_delete(request, options).await?)
    }

    /// Starts a build (`POST .../run`, long-running). The operation ends with the build; its
    /// phases show in the template's `lastRunStatus` (see [`crate::runs::wait_for_run`]).
    pub async fn begin_run(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<()>, Error> {
        self.begin_action(resource_group, name, "/run", options).await
    }

    /// Asks a running build to stop (`POST .../cancel`, long-running). The run goes through
    /// `Canceling` to `Canceled`; [`crate::runs::cancel_and_wait`] waits for it.
    pub async fn begin_cancel(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<()>, Error> {
        self.begin_action(resource_group, name, "/cancel", options).await
    }

    async fn begin_action(
        &self,
        resource_group: &str,
        name: &str,
        action: &str,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<()>, Error> {
        let request = self.request(Method::Post, resource_group, name, action)?;
        Ok(self.scope.begin(request, options).await?)
    }

    /// Lists the outputs of the last run (one per distribution target that succeeded).
    pub fn list_run_outputs(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<RequestOptions>,
    ) -> Result<Pager<RunOutput>, Error> {
        let request = self.request(Method::Get, resource_group, name, "/runOutputs")?;
        Ok(self.scope.pager(request, options))
    }

    /// Gets one output of the last run, by the `runOutputName` of its distribution target.
    pub async fn get_run_output(
        &self,
        resource_group: &str,
        name: &str,
        run_output_name: &str,
        options: Option<RequestOptions>,
    ) -> Result<RunOutput, Error> {
        check_name("run_output_name", run_output_name)?;
        let request = self.request(
            Method::Get,
            resource_group,
            name,
            &format!("/runOutputs/{run_output_name}"),
        )?;
        Ok(self.scope.send_json(request, options).await?)
    }
}
