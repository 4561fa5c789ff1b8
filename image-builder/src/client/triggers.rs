//! [`TriggersClient`]: the triggers of image templates
//! (`Microsoft.VirtualMachineImages/imageTemplates/triggers`).

use super::{BeginOptions, ImageTemplatesClient, check_name};
use crate::error::Error;
use crate::model::Trigger;
use arm_core::azure_core::http::Method;
use arm_core::{ArmRequest, LroPoller, Pager, RequestOptions, SubscriptionClient};

/// A client for the triggers of one subscription's image templates: a `SourceImage` trigger
/// starts a run whenever a new version of the template's source image is published. Made by
/// [`ImageTemplatesClient::triggers`], on the same ARM client and api-version.
#[derive(Clone, Debug)]
pub struct TriggersClient {
    templates: ImageTemplatesClient,
}

impl TriggersClient {
    pub(crate) fn from_templates(templates: ImageTemplatesClient) -> Self {
        Self { templates }
    }

    fn request(
        &self,
        method: Method,
        resource_group: &str,
        template: &str,
        trigger: Option<&str>,
    ) -> Result<ArmRequest, Error> {
        let suffix = match trigger {
            Some(trigger) => {
                check_name("trigger_name", trigger)?;
                format!("/triggers/{trigger}")
            }
            None => "/triggers".to_owned(),
        };
        self.templates.request(method, resource_group, template, &suffix)
    }

    /// Creates or replaces trigger `name` of `template` (`PUT`, long-running).
    pub async fn begin_create_or_update(
        &self,
        resource_group: &str,
        template: &str,
        name: &str,
        trigger: &Trigger,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<Trigger>, Error> {
        let request = self
            .request(Method::Put, resource_group, template, Some(name))?
            .json(trigger)?;
        Ok(self.templates.scope().begin(request, options).await?)
    }

    /// Gets trigger `name` of `template`.
    pub async fn get(
        &self,
        resource_group: &str,
        template: &str,
        name: &str,
        options: Option<RequestOptions>,
    ) -> Result<Trigger, Error> {
        let request = self.request(Method::Get, resource_group, template, Some(name))?;
        Ok(self.templates.scope().send_json(request, options).await?)
    }

    /// Lists the triggers of `template`; `options` apply to each page's request.
    pub fn list_by_image_template(
        &self,
        resource_group: &str,
        template: &str,
        options: Option<RequestOptions>,
    ) -> Result<Pager<Trigger>, Error> {
        let request = self.request(Method::Get, resource_group, template, None)?;
        Ok(self.templates.scope().pager(request, options))
    }

    /// Deletes trigger `name` of `template` (`DELETE`, long-running); one already gone counts
    /// as deleted.
    pub async fn begin_delete(
        &self,
        resource_group: &str,
        template: &str,
        name: &str,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<()>, Error> {
        let request = self.request(Method::Delete, resource_group, template, Some(name))?;
        Ok(self.templates.scope().begin_delete(request, options).await?)
    }
}
