//! `reap`: what builds left behind. Templates this command created (tagged
//! `createdBy=azure-ephemeral-image-builder`, or named `t_<13 digits>` as the DevOps task names
//! them) older than `--min-age` and not running are deleted, a canceling run waited for first
//! (Azure refuses to delete a template while it runs or cancels); then the staging resource
//! groups `IT_...` whose template no longer exists (by their `imageTemplateName` and
//! `imageTemplateResourceGroupName` tags, which Image Builder sets: learn.microsoft.com "Azure
//! VM Image Builder overview", Resources created). `--dry-run` deletes nothing. The table is
//! reap's.

use super::args::ReapArgs;
use super::context::Azure;
use super::{bad_input, exit};
use crate::reap::table::{self, Action, Row};
use arm_core::ResourceId;
use arm_core::azure_core::time::OffsetDateTime;
use arm_core::resource_groups::{ResourceGroup, ResourceGroupsClient};
use futures::TryStreamExt;
use image_builder::flow::{CREATED_BY_TAG, CREATED_BY_VALUE};
use image_builder::model::{ImageTemplate, RunState};
use image_builder::runs::{self, RunWaitOptions};
use std::time::Duration;

const TEMPLATE: &str = "image template";
const STAGING: &str = "staging group";
/// The longest `--min-age` and `--cancel-timeout`: a year.
const MAX_DURATION: Duration = Duration::from_secs(365 * 86_400);

/// Runs `reap`; returns the exit code: 0 done, 1 something could not be read or deleted, 2 bad
/// input.
pub(super) async fn run(args: ReapArgs) -> u8 {
    let durations = arm_core::parse_duration("--min-age", &args.min_age, MAX_DURATION).and_then(|min_age| {
        arm_core::parse_duration("--cancel-timeout", &args.cancel_timeout, MAX_DURATION).map(|c| (min_age, c))
    });
    let (min_age, cancel_timeout) = match durations {
        Ok(durations) => durations,
        Err(error) => return bad_input(&error.to_string()),
    };
    if let Some(group) = &args.resource_group
        && let Err(error) = arm_core::resource_groups::validate_name(group)
    {
        return bad_input(&format!("--resource-group: {error}"));
    }
    let azure = match Azure::from_env() {
        Ok(azure) => azure,
        Err(error) => return bad_input(&error.to_string()),
    };
    let mut wait = RunWaitOptions::default();
    wait.waiter.min_delay = Duration::from_secs(2).min(cancel_timeout);
    wait.waiter.max_delay = Duration::from_secs(15);
    wait.waiter.max_wait = cancel_timeout;
    let reaper = Reaper {
        azure,
        scope: args.resource_group,
        min_age,
        wait,
        dry_run: args.dry_run,
    };
    let mut rows = reaper.templates().await;
    rows.extend(reaper.staging_groups().await);
    print!("{}", table::render(&rows));
    let count = |action: Action| rows.iter().filter(|r| r.action == action).count();
    let failed = count(Action::Failed);
    if args.dry_run {
        println!(
            "reap (dry run): {} would be deleted, {} kept, {failed} failed",
            count(Action::WouldDelete),
            count(Action::Kept)
        );
    } else {
        println!(
            "reap: {} deleted, {} kept, {failed} failed",
            count(Action::Deleted),
            count(Action::Kept)
        );
    }
    if failed > 0 { exit::FAILED } else { exit::SUCCEEDED }
}

struct Reaper {
    azure: Azure,
    scope: Option<String>,
    min_age: Duration,
    wait: RunWaitOptions,
    dry_run: bool,
}

/// Whether `template` was made by this command (or the DevOps task it replaces).
fn is_ours(template: &ImageTemplate) -> bool {
    let tagged = template
        .tags
        .as_ref()
        .and_then(|tags| tags.get(CREATED_BY_TAG))
        .is_some_and(|value| value == CREATED_BY_VALUE);
    tagged || task_millis(template.name.as_deref().unwrap_or_default()).is_some()
}

/// The milliseconds of a task name `t_<13 digits>`.
fn task_millis(name: &str) -> Option<i128> {
    let digits = name.strip_prefix("t_")?;
    (digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok())?
}

/// When `template` was created: `systemData.createdAt`, else the time in its task name.
fn created_at(template: &ImageTemplate) -> Option<OffsetDateTime> {
    let from_system = template
        .system_data
        .as_ref()
        .and_then(|s| s.created_at.as_deref())
        .and_then(|at| arm_core::azure_core::time::parse_rfc3339(at).ok());
    from_system.or_else(|| {
        let millis = task_millis(template.name.as_deref()?)?;
        OffsetDateTime::from_unix_timestamp_nanos(millis * 1_000_000).ok()
    })
}

impl Reaper {
    /// The templates in scope: ours, old enough, not running.
    async fn templates(&self) -> Vec<Row> {
        let listed = match &self.scope {
            Some(group) => self.azure.templates.list_by_resource_group(group, None),
            None => self.azure.templates.list(None),
        };
        let listed = match listed {
            Ok(pager) => pager.try_collect::<Vec<_>>().await.map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        };
        let templates = match listed {
            Ok(templates) => templates,
            Err(error) => return vec![Row::new("image templates", self.scope_text(), Action::Failed, error)],
        };
        let mut rows = Vec::new();
        for template in templates.iter().filter(|t| is_ours(t)) {
            rows.push(self.template(template).await);
        }
        rows
    }

    fn scope_text(&self) -> String {
        match &self.scope {
            Some(group) => format!("resource group {group}"),
            None => format!("subscription {}", self.azure.subscription_id),
        }
    }

    async fn template(&self, template: &ImageTemplate) -> Row {
        let id = template.id.clone().unwrap_or_default();
        let parsed = ResourceId::parse(&id).ok();
        let Some((group, name)) = parsed
            .as_ref()
            .and_then(|id| Some((id.resource_group()?.to_owned(), id.name().to_owned())))
        else {
            return Row::new(TEMPLATE, id, Action::Failed, "no resource id in the list");
        };
        let label = format!("{group}/{name}");
        let state = template
            .properties
            .last_run_status
            .as_ref()
            .and_then(|s| s.run_state.clone());
        let age = created_at(template).map(|at| (OffsetDateTime::now_utc() - at).unsigned_abs());
        let reason = match (&state, age) {
            (Some(RunState::Running), _) => return Row::new(TEMPLATE, label, Action::Kept, "its run is running"),
            (_, None) => {
                return Row::new(
                    TEMPLATE,
                    label,
                    Action::Kept,
                    "its age is unknown (no createdAt, no t_<ms> name)",
                );
            }
            (_, Some(age)) if age < self.min_age => {
                return Row::new(
                    TEMPLATE,
                    label,
                    Action::Kept,
                    format!("younger than {} s", self.min_age.as_secs()),
                );
            }
            (Some(RunState::Canceling), Some(age)) => format!("{} s old, canceling: waited for first", age.as_secs()),
            (state, Some(age)) => format!(
                "{} s old, {}",
                age.as_secs(),
                state
                    .as_ref()
                    .map_or_else(|| "never run".to_owned(), |s| format!("last run {s}"))
            ),
        };
        if self.dry_run {
            return Row::new(TEMPLATE, label, Action::WouldDelete, reason);
        }
        match runs::delete(&self.azure.templates, &group, &name, Some(self.wait.clone()), |_| {}).await {
            Ok(()) => Row::new(TEMPLATE, label, Action::Deleted, reason),
            Err(error) => Row::new(
                TEMPLATE,
                label,
                Action::Failed,
                format!("{reason}; delete failed: {error}"),
            ),
        }
    }

    /// The staging groups `IT_...` whose template is gone.
    async fn staging_groups(&self) -> Vec<Row> {
        let groups = match ResourceGroupsClient::from_arm(self.azure.arm.clone(), &self.azure.subscription_id) {
            Ok(groups) => groups,
            Err(error) => {
                return vec![Row::new(
                    "staging groups",
                    self.scope_text(),
                    Action::Failed,
                    error.to_string(),
                )];
            }
        };
        let listed = match groups.list(None) {
            Ok(pager) => pager.try_collect::<Vec<_>>().await.map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        };
        let listed = match listed {
            Ok(listed) => listed,
            Err(error) => return vec![Row::new("staging groups", self.scope_text(), Action::Failed, error)],
        };
        let mut rows = Vec::new();
        for group in &listed {
            if let Some(row) = self.staging_group(&groups, group).await {
                rows.push(row);
            }
        }
        rows
    }

    async fn staging_group(&self, groups: &ResourceGroupsClient, group: &ResourceGroup) -> Option<Row> {
        let name = group.name.clone()?;
        let deleting = group
            .properties
            .as_ref()
            .and_then(|p| p.provisioning_state.as_deref())
            .is_some_and(|s| s.eq_ignore_ascii_case("Deleting"));
        if !name.get(..3)?.eq_ignore_ascii_case("IT_") || deleting {
            return None;
        }
        let template = group.tags.get("imageTemplateName")?;
        let template_group = group.tags.get("imageTemplateResourceGroupName")?;
        if self
            .scope
            .as_ref()
            .is_some_and(|s| !s.eq_ignore_ascii_case(template_group))
        {
            return None;
        }
        let owner = format!("{template_group}/{template}");
        match self.azure.templates.get(template_group, template, None).await {
            Ok(_) => {
                return Some(Row::new(
                    STAGING,
                    name,
                    Action::Kept,
                    format!("its template {owner} exists"),
                ));
            }
            Err(image_builder::Error::Arm(error)) if error.is_not_found() => {}
            Err(error) => {
                return Some(Row::new(
                    STAGING,
                    name,
                    Action::Failed,
                    format!("cannot read {owner}: {error}"),
                ));
            }
        }
        let reason = format!("its template {owner} is gone");
        if self.dry_run {
            return Some(Row::new(STAGING, name, Action::WouldDelete, reason));
        }
        let deleted = match groups.begin_delete(&name, None).await {
            Ok(poller) => poller.await,
            Err(error) => Err(error),
        };
        Some(match deleted {
            Ok(()) => Row::new(STAGING, name, Action::Deleted, reason),
            Err(error) if error.is_not_found() => Row::new(STAGING, name, Action::Deleted, reason),
            Err(error) => Row::new(
                STAGING,
                name,
                Action::Failed,
                format!("{reason}; delete failed: {error}"),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_names_carry_their_creation_time() {
        assert_eq!(task_millis("t_1700000000000"), Some(1_700_000_000_000));
        assert_eq!(task_millis("t_170000000000"), None);
        assert_eq!(task_millis("t_17000000000000"), None);
        assert_eq!(task_millis("golden-image"), None);
        assert_eq!(task_millis("t_17000000000a0"), None);
    }
}
