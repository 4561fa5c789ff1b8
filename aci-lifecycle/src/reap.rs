//! Reaping: delete the ephemeral container groups that have finished, with bounded concurrency.

use crate::client::ContainerGroupsClient;
use crate::error::Error;
use crate::models::{ContainerGroup, ContainerGroupState, ContainerRunState, ProvisioningState};
use crate::spawn::{CREATED_AT_TAG, EPHEMERAL_TAG};
use arm_core::ResourceId;
use arm_core::azure_core::time::{OffsetDateTime, parse_rfc3339};
use futures::{StreamExt, TryStreamExt};
use std::time::Duration;

/// Where to look for groups.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ReapScope {
    /// These resource groups, one list each.
    ResourceGroups(Vec<String>),
    /// The whole subscription, in one list.
    Subscription,
}

/// Options of [`ContainerGroupsClient::reap`].
#[derive(Clone, Debug)]
pub struct ReapOptions {
    /// Where to look.
    pub scope: ReapScope,
    /// Only groups that finished at least this long ago are deleted.
    pub min_age: Duration,
    /// How many groups are read and deleted at once.
    pub concurrency: usize,
    /// Report what would be deleted, delete nothing.
    pub dry_run: bool,
    /// The current time (default: the system clock), for ages.
    pub now: Option<OffsetDateTime>,
}

impl Default for ReapOptions {
    fn default() -> Self {
        Self {
            scope: ReapScope::Subscription,
            min_age: Duration::from_secs(15 * 60),
            concurrency: 16,
            dry_run: false,
            now: None,
        }
    }
}

/// What a reap did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReapReport {
    /// Whether this was a dry run (then `deleted` lists what would have been deleted).
    pub dry_run: bool,
    /// The groups whose deletion Azure accepted, as `resource group/name`.
    pub deleted: Vec<String>,
    /// The ephemeral groups left alone, with the reason.
    pub skipped: Vec<(String, String)>,
    /// The groups whose reading or deletion failed, with the error.
    pub failed: Vec<(String, String)>,
}

enum Verdict {
    Delete,
    Skip(String),
}

fn is_ephemeral(group: &ContainerGroup) -> bool {
    group
        .tags
        .as_ref()
        .and_then(|t| t.get(EPHEMERAL_TAG))
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// When a group finished: its last container finish time, else its spawn time tag.
fn finished_at(group: &ContainerGroup) -> Option<OffsetDateTime> {
    let finish_times = group.properties.containers.iter().filter_map(|c| {
        let state = c.properties.instance_view.as_ref()?.current_state.as_ref()?;
        parse_rfc3339(state.finish_time.as_deref()?).ok()
    });
    finish_times
        .max()
        .or_else(|| parse_rfc3339(group.tags.as_ref()?.get(CREATED_AT_TAG)?).ok())
}

fn terminal_state(group: &ContainerGroup) -> Option<String> {
    if let Some(state @ (ProvisioningState::Failed | ProvisioningState::Canceled)) =
        &group.properties.provisioning_state
    {
        return Some(format!("provisioning {state}"));
    }
    if let Some(state @ (ContainerGroupState::Succeeded | ContainerGroupState::Failed | ContainerGroupState::Stopped)) =
        group.properties.instance_view.as_ref().and_then(|v| v.state.as_ref())
    {
        return Some(state.to_string());
    }
    let containers = &group.properties.containers;
    let all_terminated = !containers.is_empty()
        && containers.iter().all(|c| {
            c.properties
                .instance_view
                .as_ref()
                .and_then(|v| v.current_state.as_ref())
                .and_then(|s| s.state.as_ref())
                == Some(&ContainerRunState::Terminated)
        });
    all_terminated.then(|| "every container Terminated".to_owned())
}

fn verdict(group: &ContainerGroup, min_age: Duration, now: OffsetDateTime) -> Verdict {
    let Some(state) = terminal_state(group) else {
        return Verdict::Skip("not finished".to_owned());
    };
    let Some(finished) = finished_at(group) else {
        return Verdict::Skip(format!(
            "{state}, but its age is unknown (no finish time, no {CREATED_AT_TAG} tag)"
        ));
    };
    let age = Duration::try_from(now - finished).unwrap_or(Duration::ZERO);
    if age < min_age {
        return Verdict::Skip(format!(
            "{state} {}s ago, younger than {}s",
            age.as_secs(),
            min_age.as_secs()
        ));
    }
    Verdict::Delete
}

impl ContainerGroupsClient {
    /// Deletes the ephemeral groups (tag [`EPHEMERAL_TAG`]) that have finished (Succeeded,
    /// Failed, Stopped, or every container Terminated) at least `min_age` ago.
    ///
    /// Each resource group (or the subscription) is listed once; each ephemeral group is then
    /// read for its instance view (lists carry none) and deleted, `concurrency` at a time; a
    /// deletion counts once Azure accepted it, without waiting for it to finish.
    /// Groups that are still running are never deleted.
    pub async fn reap(&self, options: Option<ReapOptions>) -> Result<ReapReport, Error> {
        let options = options.unwrap_or_default();
        if options.concurrency == 0 {
            return Err(Error::invalid("concurrency", "is 0; expected at least 1"));
        }
        let listed: Vec<ContainerGroup> = match &options.scope {
            ReapScope::Subscription => self.list(None)?.try_collect().await?,
            ReapScope::ResourceGroups(groups) => {
                let mut all = Vec::new();
                for resource_group in groups {
                    all.extend(
                        self.list_by_resource_group(resource_group, None)?
                            .try_collect::<Vec<_>>()
                            .await?,
                    );
                }
                all
            }
        };
        let now = options.now.unwrap_or_else(OffsetDateTime::now_utc);
        let mut report = ReapReport {
            dry_run: options.dry_run,
            ..ReapReport::default()
        };
        let candidates: Vec<(String, String)> = listed
            .iter()
            .filter(|g| is_ephemeral(g))
            .filter_map(|g| {
                let id: ResourceId = g.id.as_deref()?.parse().ok()?;
                Some((id.resource_group()?.to_owned(), id.name().to_owned()))
            })
            .collect();
        let outcomes: Vec<(String, Result<Verdict, Error>)> = futures::stream::iter(candidates)
            .map(|(resource_group, name)| async move {
                let key = format!("{resource_group}/{name}");
                let outcome = async {
                    let group = self.get(&resource_group, &name, None).await?;
                    let verdict = verdict(&group, options.min_age, now);
                    if matches!(verdict, Verdict::Delete) && !options.dry_run {
                        // Accepted is enough: Azure finishes the deletion on its own.
                        let _deleting = self.begin_delete(&resource_group, &name, None).await?;
                    }
                    Ok(verdict)
                }
                .await;
                (key, outcome)
            })
            .buffer_unordered(options.concurrency)
            .collect()
            .await;
        for (key, outcome) in outcomes {
            match outcome {
                Ok(Verdict::Delete) => report.deleted.push(key),
                Ok(Verdict::Skip(reason)) => report.skipped.push((key, reason)),
                Err(error) => report.failed.push((key, error.to_string())),
            }
        }
        report.deleted.sort();
        report.skipped.sort();
        report.failed.sort();
        Ok(report)
    }
}
