//! [`RunFilter`]: the `$filter` of a run list, built from typed clauses.
//!
//! The spec's `Runs_List` takes an OData `$filter` ("Arithmetic operators are not supported. The
//! allowed string function is 'contains'. All logical operators except 'Not', 'Has', 'All' are
//! allowed.") over the run's properties; 2019-06-01-preview names them in its `RunFilter`
//! definition (`runId`, `runType`, `status`, `createTime`, `finishTime`, `outputImageManifests`,
//! `isArchiveEnabled`, `taskName`, `agentPoolName`). The names are written in the PascalCase the
//! Azure tools send (`TaskName eq '...'`, `contains(OutputImageManifests, '...')`, as the Azure
//! CLI's `az acr task list-runs` and the VS Code Docker extension do); string literals are
//! quoted with `'` doubled inside, times are RFC 3339 UTC literals without quotes (OData's
//! `DateTimeOffset`).

use crate::model::RunStatus;
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A run list's `$filter`: clauses joined with `and`.
///
/// ```
/// use acr_agentpool::client::RunFilter;
/// use acr_agentpool::model::RunStatus;
///
/// let filter = RunFilter::new().agent_pool_name("mypool").status(&RunStatus::Queued);
/// assert_eq!(filter.to_string(), "AgentPoolName eq 'mypool' and Status eq 'Queued'");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunFilter {
    clauses: Vec<String>,
}

impl RunFilter {
    /// An empty filter (every run).
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps run `run_id` (`RunId eq '...'`).
    pub fn run_id(self, run_id: &str) -> Self {
        self.eq("RunId", run_id)
    }

    /// Keeps the runs in `status` (`Status eq '...'`).
    pub fn status(self, status: &RunStatus) -> Self {
        self.eq("Status", status.as_str())
    }

    /// Keeps the runs on agent pool `name` (`AgentPoolName eq '...'`).
    pub fn agent_pool_name(self, name: &str) -> Self {
        self.eq("AgentPoolName", name)
    }

    /// Keeps the runs of task `name` (`TaskName eq '...'`).
    pub fn task_name(self, name: &str) -> Self {
        self.eq("TaskName", name)
    }

    /// Keeps the runs created at or after `time` (`CreateTime ge 2024-01-31T12:00:00Z`).
    pub fn created_since(self, time: OffsetDateTime) -> Self {
        let utc = time.to_offset(time::UtcOffset::UTC);
        // RFC 3339 formatting of a UTC time within years 0..=9999 cannot fail; a year outside
        // them (no run has one) falls back to the Unix seconds, which the service refuses.
        let literal = utc
            .format(&Rfc3339)
            .unwrap_or_else(|_| utc.unix_timestamp().to_string());
        self.clause(format!("CreateTime ge {literal}"))
    }

    /// Adds an OData expression as it is (e.g. `contains(OutputImageManifests, 'app@sha256:...')`
    /// or an `or` of clauses in parentheses), for what the typed clauses do not cover.
    pub fn expression(self, expression: impl Into<String>) -> Self {
        self.clause(expression.into())
    }

    /// Whether the filter has no clause.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    fn eq(self, property: &str, value: &str) -> Self {
        self.clause(format!("{property} eq '{}'", value.replace('\'', "''")))
    }

    fn clause(mut self, clause: String) -> Self {
        self.clauses.push(clause);
        self
    }
}

impl fmt::Display for RunFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.clauses.join(" and "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_are_joined_with_and_and_quotes_doubled() {
        let filter = RunFilter::new()
            .run_id("ca1")
            .task_name("it's")
            .created_since(time::macros::datetime!(2024-01-31 13:00 +01:00))
            .expression("contains(OutputImageManifests, 'app')");
        assert_eq!(
            filter.to_string(),
            "RunId eq 'ca1' and TaskName eq 'it''s' and CreateTime ge 2024-01-31T12:00:00Z and contains(OutputImageManifests, 'app')"
        );
        assert!(RunFilter::new().is_empty());
        assert_eq!(RunFilter::new().to_string(), "");
    }
}
